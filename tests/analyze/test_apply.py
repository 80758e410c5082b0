"""Facts from any parser become the same rows, however often they are applied."""

from __future__ import annotations

from interstat.analyze.apply import FactApplier
from interstat.correlators import find_by_prompt
from interstat.findings import count_default
from interstat.records import ApiCall, Dispatch, DispatchResult, RunTranscript, Usage
from interstat.registry import Correlator, FindingsCounter
from interstat.store import runs

NOW = "2026-12-03T10:00:00.000Z"
COUNTERS = [FindingsCounter("default", count_default)]
CORRELATORS = [Correlator("prompt-digest", find_by_prompt)]


def _apply(conn, facts):
    applier = FactApplier(conn, NOW, CORRELATORS, COUNTERS)
    conn.execute("BEGIN IMMEDIATE")
    for fact in facts:
        applier.apply(fact)
    applier.finish()
    conn.execute("COMMIT")


def _rows(conn):
    cursor = conn.execute("SELECT * FROM agent_runs ORDER BY run_id")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _facts():
    usage1 = Usage(input_tokens=5, output_tokens=40, cache_read_tokens=30000,
                   cache_creation_tokens=2000, cache_creation_5m_tokens=2000)
    usage2 = Usage(input_tokens=7, output_tokens=55, cache_read_tokens=41000,
                   cache_creation_tokens=3000, cache_creation_1h_tokens=3000)
    return [
        Dispatch("s1", "toolu_1", "msg_parent", None, "reviewer", prompt_sha256="p1",
                 background=False, timestamp="2026-12-03T10:00:00.000Z"),
        DispatchResult("s1", "toolu_1", "a1", "completed", result_length=10,
                       reported_total_tokens=44062, timestamp="2026-12-03T10:00:09.000Z"),
        ApiCall("r1|m1", "s1", "agent:a1", "opus", usage1, "2026-12-03T10:00:01.000Z"),
        ApiCall("r2|m2", "s1", "agent:a1", "opus", usage2, "2026-12-03T10:00:05.000Z"),
        RunTranscript("s1", "agent:a1", "a1", tool_use_id="toolu_1", layout="subagents",
                      started_at="2026-12-03T10:00:00.500Z",
                      ended_at="2026-12-03T10:00:08.000Z",
                      final_text="## Findings\n- [P1] one\n- two\n"),
    ]


def test_dispatch_result_calls_and_transcript_make_one_complete_row(store):
    _apply(store, _facts())
    [row] = _rows(store)
    assert (row["agent_id"], row["tool_use_id"], row["agent_name"]) == ("a1", "toolu_1",
                                                                      "reviewer")
    assert (row["status"], row["invocation_id"], row["background"]) == ("completed",
                                                                      "msg_parent", 0)
    assert row["api_calls"] == 2
    assert row["total_tokens"] == (5 + 40 + 30000 + 2000) + (7 + 55 + 41000 + 3000)
    assert row["peak_context_tokens"] == 7 + 41000 + 3000
    assert (row["cache_creation_5m_tokens"], row["cache_creation_1h_tokens"]) == (2000, 3000)
    assert row["reported_total_tokens"] == 44062
    assert row["findings"] == 2
    assert row["wall_clock_ms"] == 9000  # dispatch at :00 to the result at :09


def test_applying_the_same_facts_again_changes_nothing(store):
    _apply(store, _facts())
    first = _rows(store)
    _apply(store, _facts())
    again = _rows(store)
    for row in first + again:
        row.pop("updated_at")
    assert again == first


def test_facts_in_any_order_give_the_same_tokens(store):
    _apply(store, list(reversed(_facts())))
    [row] = _rows(store)
    assert (row["agent_id"], row["tool_use_id"]) == ("a1", "toolu_1")
    assert row["total_tokens"] == 32045 + 44062
    assert row["status"] == "completed"


def test_an_id_less_hook_row_is_matched_by_its_prompt_digest(store):
    store.execute("BEGIN IMMEDIATE")
    run_id = runs.insert_run(store, "s1", NOW)
    runs.set_fields(store, run_id, {"prompt_sha256": "p1", "started_at": NOW}, NOW)
    store.execute("COMMIT")
    _apply(store, [Dispatch("s1", "toolu_9", "msg", None, "general-purpose",
                            prompt_sha256="p1")])
    [row] = _rows(store)
    assert (row["run_id"], row["tool_use_id"]) == (run_id, "toolu_9")


def test_a_background_launch_marks_the_run_background(store):
    _apply(store, [
        Dispatch("s1", "toolu_1", "msg", None, "Explore"),
        DispatchResult("s1", "toolu_1", "a1", "async_launched"),
    ])
    [row] = _rows(store)
    assert (row["background"], row["status"], row["agent_id"]) == (1, "running", "a1")
