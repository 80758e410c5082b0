"""Runs meet on whichever id is known; calls are stored once; totals are sums."""

from __future__ import annotations

from interstat.store import calls, runs

NOW = "2026-12-03T10:00:00.000Z"


def _row(conn, run_id):
    conn.row_factory = None
    names = [d[1] for d in conn.execute("PRAGMA table_info(agent_runs)")]
    values = conn.execute("SELECT * FROM agent_runs WHERE run_id = ?", (run_id,)).fetchone()
    return dict(zip(names, values))


def _call(conn, key, owner="agent:a1", synthetic=False, **tokens):
    values = dict(input_tokens=0, output_tokens=0, cache_read_tokens=0,
                  cache_creation_tokens=0, cache_creation_5m_tokens=0,
                  cache_creation_1h_tokens=0)
    values.update(tokens)
    calls.upsert_call(conn, call_key=key, session_id="s1", owner=owner, model="m",
                      synthetic=synthetic, output_is_placeholder=False, timestamp=NOW,
                      **values)


def test_rows_found_by_each_id_merge_when_one_event_names_both(store):
    by_tool = runs.ensure_run(store, "s1", NOW, tool_use_id="toolu_1")
    runs.set_fields(store, by_tool, {"agent_name": "reviewer"}, NOW)
    by_agent = runs.ensure_run(store, "s1", NOW, agent_id="a1")
    runs.set_fields(store, by_agent, {"status": "completed", "ended_at": NOW}, NOW)

    merged = runs.ensure_run(store, "s1", NOW, agent_id="a1", tool_use_id="toolu_1")

    assert merged == by_tool
    assert store.execute("SELECT COUNT(*) FROM agent_runs").fetchone()[0] == 1
    row = _row(store, merged)
    assert (row["agent_id"], row["tool_use_id"]) == ("a1", "toolu_1")
    assert (row["agent_name"], row["status"], row["ended_at"]) == ("reviewer", "completed", NOW)


def test_a_running_status_never_hides_a_final_one(store):
    run_id = runs.ensure_run(store, "s1", NOW, agent_id="a1")
    runs.set_status(store, run_id, "failed", NOW)
    runs.set_status(store, run_id, "running", NOW)
    assert _row(store, run_id)["status"] == "failed"


def test_a_call_seen_twice_keeps_its_largest_copy_and_first_owner(store):
    _call(store, "req|msg", input_tokens=5, output_tokens=1)
    _call(store, "req|msg", owner="main", input_tokens=5, output_tokens=40)
    _call(store, "req|msg", input_tokens=5, output_tokens=3)
    rows = store.execute("SELECT owner, output_tokens, total_tokens FROM api_calls").fetchall()
    assert rows == [("agent:a1", 40, 45)]


def test_totals_are_sums_and_peak_is_the_largest_single_context(store):
    run_id = runs.ensure_run(store, "s1", NOW, agent_id="a1")
    _call(store, "r1|m1", input_tokens=5, cache_read_tokens=30000, cache_creation_tokens=2000,
          output_tokens=40)
    _call(store, "r2|m2", input_tokens=7, cache_read_tokens=41000, cache_creation_tokens=3000,
          output_tokens=55)
    assert calls.refresh_totals(store, run_id, NOW)
    row = _row(store, run_id)
    assert row["api_calls"] == 2
    assert row["input_tokens"] == 12
    assert row["output_tokens"] == 95
    assert row["cache_hit_tokens"] == 71000
    assert row["cache_creation_tokens"] == 5000
    assert row["total_tokens"] == 12 + 95 + 71000 + 5000
    assert row["peak_context_tokens"] == 7 + 41000 + 3000
    assert row["parsed_at"] == NOW


def test_a_run_with_only_synthetic_calls_failed(store):
    run_id = runs.ensure_run(store, "s1", NOW, agent_id="a1")
    runs.set_status(store, run_id, "completed", NOW)
    _call(store, "msg-err", synthetic=True)
    calls.refresh_totals(store, run_id, NOW)
    row = _row(store, run_id)
    assert (row["status"], row["api_calls"], row["total_tokens"], row["model"]) == (
        "failed", 0, 0, None)


def test_wall_clock_comes_from_start_and_end(store):
    run_id = runs.ensure_run(store, "s1", NOW, agent_id="a1")
    runs.set_fields(store, run_id, {"started_at": "2026-12-03T10:00:00.000Z",
                                    "ended_at": "2026-12-03T10:00:02.500Z"}, NOW)
    runs.refresh_wall_clock(store, run_id)
    assert _row(store, run_id)["wall_clock_ms"] == 2500
