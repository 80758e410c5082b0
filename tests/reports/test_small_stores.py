"""Sections on small stores written by hand, where every right value is worked out below."""

from __future__ import annotations

import json

import pytest

from interstat.store.connect import open_store
from tests.reports.conftest import invoke, make_store, report_json, section

pytestmark = pytest.mark.usefixtures("no_user_config")


def run(session="s1", agent_id=None, **values) -> dict:
    """A parsed dispatched run with token data; override any column."""
    row = {
        "session_id": session, "agent_id": agent_id, "agent_name": "reviewer",
        "kind": "dispatched", "status": "completed", "model": "claude-opus-5-5",
        "api_calls": 1, "input_tokens": 0, "output_tokens": 0, "cache_hit_tokens": 0,
        "cache_creation_tokens": 0, "total_tokens": 1000, "peak_context_tokens": 1000,
        "tokens_source": "transcript", "parsed_at": "2026-12-01T00:00:00.000Z", "findings": 1,
    }
    row.update(values)
    return row


def test_hook_estimates_lower_bounds_and_side_transcripts_are_shown_apart(tmp_path):
    store = make_store(tmp_path / "m.db", [
        run(agent_id="a1", peak_context_tokens=50_000),
        run(agent_id="a2", peak_context_tokens=60_000, output_is_lower_bound=1),
        # A hook's estimate must not reach the percentiles, however large.
        run(agent_id="a3", peak_context_tokens=900_000, total_tokens=900_000,
            tokens_source="hook_estimate"),
        run(agent_id="a4", total_tokens=None, peak_context_tokens=None, tokens_source=None,
            parsed_at=None),
        run(agent_id="acompact-1", kind="compaction", total_tokens=7000),
    ])
    document = report_json(store)
    facts = section(document, "summary")["facts"]
    assert facts["runs"] == 4
    assert facts["runs_with_token_data"] == 2
    assert facts["runs_pending_parse"] == 1
    assert facts["parsed_pct"] == 75.0
    assert facts["hook_estimate_runs"] == 1
    assert facts["output_lower_bound_runs"] == 1
    assert facts["internal_transcripts"] == 1
    assert facts["data_sufficiency"] == (
        "Insufficient data (4/50 runs), results may not be representative"
    )
    notes = " ".join(section(document, "summary")["notes"])
    assert "compaction 1 (7,000 tokens)" in notes
    gate = section(document, "gate")["facts"]
    # Two runs with token data, peaks 50,000 and 60,000: p99 is rank ceil(1.98) = 2.
    assert gate["p99_peak_context_tokens"] == 60_000
    assert gate["runs"] == 2
    assert gate["provisional"] is True
    assert gate["verdict"] == "SKIP hierarchical dispatch (provisional: 2/50 runs)"


def test_a_run_read_without_calls_is_not_pending_and_the_notes_say_so(tmp_path):
    no_tokens = {"total_tokens": None, "peak_context_tokens": None, "tokens_source": None}
    store = make_store(tmp_path / "m.db", [
        run(agent_id="a1"),
        # Its transcript held no call: analyze marked it read, without tokens.
        run(agent_id="a2", api_calls=None, **no_tokens),
        # Never read yet.
        run(agent_id="a3", parsed_at=None, **no_tokens),
    ])
    data = section(report_json(store), "summary")
    facts = data["facts"]
    assert facts["runs_pending_parse"] == 1
    assert facts["runs_read_without_calls"] == 1
    assert facts["runs_with_token_data"] == 1
    pending, without_calls = data["notes"][:2]
    assert pending == "1 run has no transcript data yet; run 'interstat analyze' to read it."
    assert without_calls.startswith("1 run's transcript was read but holds no API call")
    assert "analyze" not in without_calls


def test_notes_count_several_runs_in_the_plural(tmp_path):
    store = make_store(tmp_path / "m.db", [
        run(agent_id=f"a{index}", parsed_at=None, total_tokens=None,
            peak_context_tokens=None, tokens_source=None)
        for index in range(3)
    ])
    notes = section(report_json(store), "summary")["notes"]
    assert "3 runs have no transcript data yet; run 'interstat analyze' to read them." in notes


@pytest.mark.parametrize("filtered", [False, True])
def test_status_and_summary_count_the_same_agents(tmp_path, filtered):
    names = ["fd-a", "fd-a", "fd-b", None, "", "(unnamed)"]
    store = make_store(tmp_path / "m.db", [
        run(agent_id=f"a{index}", agent_name=name) for index, name in enumerate(names)
    ])
    named = {"fd-a", "fd-b"}  # no name, an empty one and the report's (unnamed) name none
    chosen = ["--session", "s1"] if filtered else []
    status = json.loads(invoke("--db", str(store), "status", "--format", "json",
                               *chosen).output)
    summary = section(report_json(store, *chosen), "summary")
    assert status["agents"] == summary["facts"]["agents"] == len(named)
    assert summary["facts"]["unnamed_runs"] == 3
    assert ("3 runs have no agent name: they are listed as (unnamed) and not counted among "
            "the agents.") in summary["notes"]


def test_empty_store_gives_no_verdict(tmp_path):
    store = make_store(tmp_path / "m.db", [])
    gate = section(report_json(store), "gate")["facts"]
    assert gate["decision"] is None
    assert gate["p99_peak_context_tokens"] is None
    assert gate["verdict"].startswith("NO VERDICT")


def test_agents_without_findings_are_listed_apart_without_dividing(tmp_path):
    store = make_store(tmp_path / "m.db", [
        run(agent_id="a1", agent_name="finder", findings=4, total_tokens=8000),
        run(agent_id="a2", agent_name="silent", findings=0, total_tokens=3000),
        run(agent_id="a3", agent_name="silent", findings=0, total_tokens=2000),
        run(agent_id="a4", agent_name="unread", findings=None),
    ])
    data = section(report_json(store), "findings")
    assert [row["agent"] for row in data["rows"]] == ["finder"]
    assert data["rows"][0]["tokens_per_finding"] == 2000  # 8000 / 4
    assert data["facts"]["agents_without_findings"] == ["silent"]
    assert data["facts"]["runs_counted"] == 3  # the unread run has no count
    silent_note = "No findings from silent: 2 runs, 5,000 tokens"
    assert any(note.startswith(silent_note) for note in data["notes"])


def test_invocation_wall_time_against_summed_run_time(tmp_path):
    # Two runs sent together: 10:00:00-10:00:10 and 10:00:02-10:00:08.
    # Wall 10 s, summed 10 + 6 = 16 s, speed-up 1.6. A lone run of 4 s beside them.
    store = make_store(tmp_path / "m.db", [
        run(agent_id="a1", invocation_id="m1", started_at="2026-12-01T10:00:00.000Z",
            ended_at="2026-12-01T10:00:10.000Z", wall_clock_ms=10_000, total_tokens=300),
        run(agent_id="a2", invocation_id="m1", started_at="2026-12-01T10:00:02.000Z",
            ended_at="2026-12-01T10:00:08.000Z", wall_clock_ms=6_000, total_tokens=500),
        run(agent_id="a3", invocation_id="m2", started_at="2026-12-01T11:00:00.000Z",
            ended_at="2026-12-01T11:00:04.000Z", wall_clock_ms=4_000, total_tokens=100),
    ])
    rows = {row["fan_out"]: row for row in section(report_json(store), "invocations")["rows"]}
    assert rows[2] == {
        "fan_out": 2, "invocations": 1, "runs": 2, "mean_wall_s": 10.0,
        "mean_summed_run_s": 16.0, "speedup": 1.6, "mean_tokens": 800,
    }
    assert rows[1]["speedup"] == 1.0
    agents = section(report_json(store), "agents")["rows"][0]
    assert agents["mean_wall_s"] == round((10 + 6 + 4) / 3, 1)


def test_main_thread_tokens_come_from_the_sessions_own_calls(tmp_path):
    store = make_store(tmp_path / "m.db", [
        run(agent_id="a1", total_tokens=4500),
        run(agent_id="acompact-1", kind="compaction", total_tokens=1500),
    ])
    conn = open_store(store)
    for key, tokens, synthetic in [("r1|m1", 1000, 0), ("r2|m2", 500, 0), ("r3|m3", 0, 1)]:
        conn.execute(
            "INSERT INTO api_calls (call_key, session_id, owner, input_tokens, output_tokens,"
            " cache_read_tokens, cache_creation_tokens, cache_creation_5m_tokens,"
            " cache_creation_1h_tokens, total_tokens, context_tokens, synthetic)"
            " VALUES (?, 's1', 'main', ?, 0, 0, 0, 0, 0, ?, ?, ?)",
            (key, tokens, tokens, tokens, synthetic),
        )
    conn.close()
    data = section(report_json(store), "main-vs-subagents")
    # 4500 of 1000 + 500 (main) + 4500 (sub-agent) + 1500 (compaction) = 60.0%.
    assert data["rows"] == [{
        "session": "s1", "runs": 1, "main_tokens": 1500, "subagent_tokens": 4500,
        "internal_tokens": 1500, "subagent_pct": 60.0,
    }]
