"""``interstat purge``: what goes, what stays, asking first, leaving no trace in the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import add_call, add_run, dump, new_store

from interstat.filters import Filters
from interstat.purge import PurgeCounts, purge


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "metrics.db"
    conn = new_store(path)
    add_run(conn, "s1", agent_id="a1", started_at="2026-01-10T10:00:00.000Z", project="/p/one")
    add_call(conn, "k1", "s1", "agent:a1")
    add_call(conn, "k2", "s1", "agent:a1")
    add_call(conn, "m1", "s1", "main")
    add_run(conn, "s1", agent_id="a2", started_at="2026-02-10T10:00:00.000Z", project="/p/one")
    add_call(conn, "k3", "s1", "agent:a2")
    add_run(conn, "s2", tool_use_id="t5", started_at="2026-01-05T10:00:00.000Z",
            project="/p/two")
    add_call(conn, "k4", "s2", "tool:t5")
    add_call(conn, "m2", "s2", "main")
    add_run(conn, "s3", agent_id="a3", started_at="2026-03-01T10:00:00.000Z", project="/p/two")
    add_call(conn, "k5", "s3", "agent:a3")
    conn.close()
    return path


def left(path: Path) -> tuple[list[str], list[str]]:
    rows = dump(path)
    run_ids = sorted(row[2] or row[3] for row in rows["agent_runs"])
    return run_ids, sorted(row[0] for row in rows["api_calls"])


@pytest.mark.parametrize(
    ("selection", "counts", "runs_left", "calls_left"),
    [
        # s2 loses its only run, so its main-thread call m2 goes too; s1 keeps a2 and m1.
        (["--before", "2026-02-01", "--utc"], (2, 4), ["a2", "a3"], ["k3", "k5", "m1"]),
        (["--session", "s1"], (2, 4), ["a3", "t5"], ["k4", "k5", "m2"]),
        (["--project", "/p/two"], (2, 3), ["a1", "a2"], ["k1", "k2", "k3", "m1"]),
        (["--project", "/p/two", "--before", "2026-02-01", "--utc"], (1, 2),
         ["a1", "a2", "a3"], ["k1", "k2", "k3", "k5", "m1"]),
    ],
)
def test_purge_deletes_runs_and_their_calls(store: Path, run_cli, selection, counts,
                                            runs_left, calls_left) -> None:
    result = run_cli("--db", str(store), "purge", *selection, "--yes", "--format", "json")
    assert json.loads(result.stdout) == {"runs": counts[0], "api_calls": counts[1]}
    assert left(store) == (runs_left, calls_left)


def test_purge_asks_first_and_a_no_keeps_everything(store: Path, run_cli) -> None:
    before = dump(store)
    result = run_cli("--db", str(store), "purge", "--session", "s1", input="n\n", code=1)
    assert "Delete 2 runs and 4 API calls" in result.stderr
    assert dump(store) == before
    result = run_cli("--db", str(store), "purge", "--session", "s1", input="y\n")
    assert result.stdout == "Deleted 2 runs and 4 API calls.\n"


def test_nothing_matching_deletes_nothing_without_asking(store: Path, run_cli) -> None:
    before = dump(store)
    result = run_cli("--db", str(store), "purge", "--session", "nope")
    assert result.stdout == "Deleted 0 runs and 0 API calls.\n"
    assert dump(store) == before


def test_purge_needs_a_selection(store: Path, run_cli) -> None:
    result = run_cli("--db", str(store), "purge", "--yes", code=2)
    assert "--before DATE, --session ID or --project PATH" in result.stderr


def test_purged_text_does_not_linger_in_the_file(tmp_path: Path, run_cli) -> None:
    path = tmp_path / "metrics.db"
    conn = new_store(path)
    add_run(conn, "session-SECRET-4711", agent_id="a1", description="TOP-SECRET-TEXT")
    add_run(conn, "other-session", agent_id="a2")
    # The hooks' log of applied events names the session too.
    conn.execute("INSERT INTO hook_events (event_key, event, session_id, received_at)"
                 " VALUES ('k-1', 'SubagentStart', 'session-SECRET-4711', '2026-01-01')")
    conn.close()
    assert b"TOP-SECRET-TEXT" in path.read_bytes()
    assert b"session-SECRET-4711" in path.read_bytes()
    run_cli("--db", str(path), "purge", "--session", "session-SECRET-4711", "--yes")
    files = [p for p in tmp_path.iterdir() if p.name.startswith("metrics.db")]
    for file in files:
        content = file.read_bytes()
        assert b"TOP-SECRET-TEXT" not in content, file
        assert b"session-SECRET-4711" not in content, file


def test_purge_overwrites_even_where_sqlite_would_not(tmp_path: Path) -> None:
    # Some SQLite builds leave deleted bytes in free space unless told otherwise.
    path = tmp_path / "metrics.db"
    conn = new_store(path)
    add_run(conn, "s-gone", agent_id="a1", description="TOP-SECRET-TEXT")
    add_run(conn, "s-kept", agent_id="a2")
    conn.execute("PRAGMA secure_delete = OFF")
    assert purge(conn, Filters(sessions=("s-gone",))) == PurgeCounts(runs=1, api_calls=0)
    conn.close()
    assert b"TOP-SECRET-TEXT" not in path.read_bytes()


def test_purge_without_a_store_says_so(tmp_path: Path, run_cli) -> None:
    result = run_cli("--db", str(tmp_path / "none.db"), "purge", "--session", "x", code=1)
    assert result.stderr.startswith("Error: no store at")
