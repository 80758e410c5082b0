"""The run and session counts the triggers keep always equal counting the rows."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from interstat.store import runs
from interstat.store.connect import open_store

NOW = "2026-12-03T10:00:00.000Z"
FIXTURES = Path(__file__).resolve().parents[1] / "data" / "stores"
SESSIONS = st.sampled_from(["s1", "s2", "s3"])
KINDS = st.sampled_from(["dispatched", "compaction", "warmup"])
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("insert"), SESSIONS, st.integers(0, 5)),
        st.tuples(st.just("delete"), st.integers(0, 30)),
        st.tuples(st.just("kind"), st.integers(0, 30), KINDS),
        st.tuples(st.just("session"), st.integers(0, 30), SESSIONS),
        st.tuples(st.just("merge"), SESSIONS, st.integers(0, 5)),
    ),
    max_size=30,
)


def counted(conn) -> dict[str, tuple[int, int]]:
    rows = conn.execute(
        "SELECT kind, COUNT(*), COUNT(DISTINCT session_id) FROM agent_runs GROUP BY kind"
    )
    return {kind: (count, sessions) for kind, count, sessions in rows}


def kept(conn) -> dict[str, tuple[int, int]]:
    rows = conn.execute("SELECT kind, runs, sessions FROM run_counts WHERE runs > 0")
    return {kind: (count, sessions) for kind, count, sessions in rows}


def _run_ids(conn) -> list[int]:
    return [row[0] for row in conn.execute("SELECT run_id FROM agent_runs ORDER BY run_id")]


def _apply(conn, operation) -> None:
    name, *args = operation
    ids = _run_ids(conn)
    if name == "insert":
        session, number = args
        runs.ensure_run(conn, session, NOW, tool_use_id=f"toolu_{number}")
    elif name == "merge":
        # A second row by agent id, then an event naming both ids folds them.
        session, number = args
        runs.ensure_run(conn, session, NOW, agent_id=f"a{number}")
        runs.ensure_run(conn, session, NOW, agent_id=f"a{number}", tool_use_id=f"toolu_{number}")
    elif ids and name == "delete":
        conn.execute("DELETE FROM agent_runs WHERE run_id = ?", (ids[args[0] % len(ids)],))
    elif ids and name == "kind":
        runs.set_fields(conn, ids[args[0] % len(ids)], {"kind": args[1]}, NOW)
    elif ids and name == "session":
        conn.execute("UPDATE OR IGNORE agent_runs SET session_id = ? WHERE run_id = ?",
                     (args[1], ids[args[0] % len(ids)]))


@settings(max_examples=60, deadline=None)
@given(OPERATIONS)
def test_kept_counts_follow_every_change(tmp_path_factory, operations):
    conn = open_store(tmp_path_factory.mktemp("counts") / "metrics.db")
    try:
        for operation in operations:
            _apply(conn, operation)
            assert kept(conn) == counted(conn), operation
    finally:
        conn.close()


def test_an_upgraded_store_starts_with_its_rows_counted(tmp_path):
    store = tmp_path / "metrics.db"
    shutil.copyfile(FIXTURES / "schema-4.db", store)
    conn = open_store(store)
    try:
        assert counted(conn) and kept(conn) == counted(conn)
        runs.ensure_run(conn, "new-session", NOW, agent_id="a-new")
        assert kept(conn) == counted(conn)
    finally:
        conn.close()
