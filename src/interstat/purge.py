"""Deleting runs for good: by date, session or project, with the API calls they made.

The main thread's calls of a session go too once none of its runs is left.
Deleted content is overwritten (``secure_delete``) and the write-ahead log
checkpointed, so purged prompts' hashes and ids do not linger in the file.
What went is remembered as tombstones (``interstat.store.purged``): analyze
and the hooks do not bring it back, whatever is written to its transcripts.
"""

from __future__ import annotations

import sqlite3

import attrs

from interstat.filters import Filters, where_clause
from interstat.store.purged import remember_runs, remember_sessions
from interstat.store.times import utc_now

_RUN_OWNS_CALL = (
    "r.session_id = api_calls.session_id"
    " AND api_calls.owner IN ('agent:' || r.agent_id, 'tool:' || r.tool_use_id)"
)


@attrs.frozen
class PurgeCounts:
    runs: int
    api_calls: int


def _matching(filters: Filters) -> tuple[str, list[object]]:
    where, parameters = where_clause(filters, alias="r")
    if not where:
        raise ValueError("purge needs at least one filter")
    return where, parameters


def _sessions_left_empty(where: str) -> str:
    """SQL for the sessions whose every run matches: their main calls go too."""
    return (
        f"SELECT r.session_id FROM agent_runs r{where} GROUP BY r.session_id"
        " HAVING COUNT(*) = (SELECT COUNT(*) FROM agent_runs a"
        " WHERE a.session_id = r.session_id)"
    )


def plan_purge(conn: sqlite3.Connection, filters: Filters) -> PurgeCounts:
    """How many runs and API calls ``purge`` would delete."""
    where, parameters = _matching(filters)
    runs = conn.execute(f"SELECT COUNT(*) FROM agent_runs r{where}", parameters).fetchone()[0]
    emptied = _sessions_left_empty(where)
    calls = conn.execute(
        f"SELECT COUNT(*) FROM api_calls WHERE EXISTS"
        f" (SELECT 1 FROM agent_runs r{where} AND {_RUN_OWNS_CALL})"
        f" OR session_id IN ({emptied})",
        [*parameters, *parameters],
    ).fetchone()[0]
    return PurgeCounts(runs=runs, api_calls=calls)


def _remember(conn: sqlite3.Connection, where: str, parameters: list[object],
              emptied: list[str]) -> None:
    now = utc_now()
    remember_runs(conn, conn.execute(
        f"SELECT r.session_id, r.agent_id, r.tool_use_id FROM agent_runs r{where}",
        parameters).fetchall(), now)
    remember_sessions(conn, emptied, now)


def purge(conn: sqlite3.Connection, filters: Filters) -> PurgeCounts:
    """Delete the matching runs, their calls, and the calls of sessions left empty."""
    where, parameters = _matching(filters)
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("BEGIN IMMEDIATE")
    try:
        emptied = [row[0] for row in conn.execute(
            _sessions_left_empty(where), parameters)]
        _remember(conn, where, parameters, emptied)
        calls = conn.execute(
            f"DELETE FROM api_calls WHERE EXISTS"
            f" (SELECT 1 FROM agent_runs r{where} AND {_RUN_OWNS_CALL})",
            parameters,
        ).rowcount
        for session_id in emptied:
            calls += conn.execute(
                "DELETE FROM api_calls WHERE session_id = ?", (session_id,)).rowcount
            # The log of applied hook events names the session; its tombstone now
            # keeps any replayed event out instead.
            conn.execute("DELETE FROM hook_events WHERE session_id = ?", (session_id,))
        runs = conn.execute(
            f"DELETE FROM agent_runs WHERE run_id IN (SELECT r.run_id FROM agent_runs r{where})",
            parameters,
        ).rowcount
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return PurgeCounts(runs=runs, api_calls=calls)
