"""Writes to ``agent_runs`` and ``api_calls`` shared by the hooks and analyze.

A run can first be seen by its dispatching tool call (PreToolUse, the parent
transcript), by its agentId (SubagentStart, its own transcript), or by
neither (1.0.x hooks). ``ensure_run`` finds or creates the row for whatever
ids are known and merges two rows once something names both ids. Callers
hold a write transaction; nothing here commits.
"""

from __future__ import annotations

from collections.abc import Mapping

from interstat.store.driver import sqlite3
from interstat.store.times import parse_time

#: Columns callers may set; names are never taken from input data.
WRITABLE_COLUMNS = frozenset(
    {
        "agent_id", "tool_use_id", "agent_name", "parent_agent_id", "invocation_id",
        "workflow_id", "project", "description", "prompt_sha256", "prompt_length",
        "requested_model", "model", "background", "kind", "layout", "status",
        "started_at", "ended_at", "result_length", "findings", "reported_total_tokens",
        "tokens_source", "transcript_path", "parsed_at",
    }
)

#: Columns copied from a row folded into another when they are empty there.
_MERGED_COLUMNS = sorted(WRITABLE_COLUMNS - {"agent_id", "tool_use_id"}) + [
    "wall_clock_ms", "api_calls", "input_tokens", "output_tokens", "cache_hit_tokens",
    "cache_creation_tokens", "cache_creation_5m_tokens", "cache_creation_1h_tokens",
    "total_tokens", "peak_context_tokens",
]

#: Statuses a later, weaker observation must not overwrite.
FINAL_STATUSES = ("completed", "failed")


def run_owner(agent_id: str | None, tool_use_id: str | None) -> str | None:
    """The ``api_calls.owner`` key of a run's calls."""
    if agent_id:
        return f"agent:{agent_id}"
    if tool_use_id:
        return f"tool:{tool_use_id}"
    return None


def find_run(
    conn: sqlite3.Connection,
    session_id: str,
    *,
    agent_id: str | None = None,
    tool_use_id: str | None = None,
) -> int | None:
    """The run_id with this agentId, else with this tool call, else None."""
    found = _find_by(conn, session_id, "agent_id", agent_id) if agent_id else None
    if found is None and tool_use_id:
        found = _find_by(conn, session_id, "tool_use_id", tool_use_id)
    return found


def _find_by(conn: sqlite3.Connection, session_id: str, column: str, value: str) -> int | None:
    sql = {
        "agent_id": "SELECT run_id FROM agent_runs WHERE session_id = ? AND agent_id = ?",
        "tool_use_id": "SELECT run_id FROM agent_runs WHERE session_id = ? AND tool_use_id = ?",
    }[column]
    row = conn.execute(sql, (session_id, value)).fetchone()
    return row[0] if row else None


def find_id_less_by_prompt(
    conn: sqlite3.Connection, session_id: str, digest: str, *, unfinished_only: bool = False
) -> int | None:
    """The oldest row of the session with neither id that was given this prompt.

    Claude Code 1.0.x hooks name neither the agent nor the tool call, so such
    a row can only be recognised by its prompt's digest. Identical prompts
    finish in an order no one can know; the oldest row is as good a match.
    """
    sql = (
        "SELECT run_id FROM agent_runs WHERE session_id = ? AND prompt_sha256 = ?"
        " AND agent_id IS NULL AND tool_use_id IS NULL"
    )
    if unfinished_only:
        sql += " AND status NOT IN ('completed', 'failed')"
    row = conn.execute(sql + " ORDER BY run_id LIMIT 1", (session_id, digest)).fetchone()
    return row[0] if row else None


def insert_run(conn: sqlite3.Connection, session_id: str, now: str, **ids: str | None) -> int:
    cursor = conn.execute(
        "INSERT INTO agent_runs (session_id, agent_id, tool_use_id, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (session_id, ids.get("agent_id"), ids.get("tool_use_id"), now, now),
    )
    return int(cursor.lastrowid)


def ensure_run(
    conn: sqlite3.Connection,
    session_id: str,
    now: str,
    *,
    agent_id: str | None = None,
    tool_use_id: str | None = None,
) -> int:
    """The run for these ids, created if new, with both ids linked on one row."""
    by_agent = _find_by(conn, session_id, "agent_id", agent_id) if agent_id else None
    by_tool = _find_by(conn, session_id, "tool_use_id", tool_use_id) if tool_use_id else None
    if by_agent and by_tool and by_agent != by_tool:
        merge_runs(conn, keep=by_tool, drop=by_agent, now=now)
        return by_tool
    run_id = by_tool or by_agent
    if run_id is None:
        return insert_run(conn, session_id, now, agent_id=agent_id, tool_use_id=tool_use_id)
    fill_fields(conn, run_id, {"agent_id": agent_id, "tool_use_id": tool_use_id}, now)
    return run_id


def merge_runs(conn: sqlite3.Connection, *, keep: int, drop: int, now: str) -> None:
    """Fold row ``drop`` into row ``keep``: ``keep`` gains what it lacks."""
    dropped = conn.execute(
        "SELECT agent_id, tool_use_id, " + ", ".join(_MERGED_COLUMNS)
        + " FROM agent_runs WHERE run_id = ?",
        (drop,),
    ).fetchone()
    conn.execute("DELETE FROM agent_runs WHERE run_id = ?", (drop,))
    ids = {"agent_id": dropped[0], "tool_use_id": dropped[1]}
    values = dict(zip(_MERGED_COLUMNS, dropped[2:]))
    _update(conn, keep, {**ids, **values}, now, keep_set=True)
    if values.get("status") in FINAL_STATUSES:
        set_fields(conn, keep, {"status": values["status"]}, now)


def _update(conn: sqlite3.Connection, run_id: int, values: Mapping[str, object], now: str,
            *, keep_set: bool) -> None:
    """Write the non-None ``values``; with ``keep_set``, only into columns still NULL."""
    present = {column: value for column, value in values.items() if value is not None}
    if not present:
        return
    template = "{0} = COALESCE({0}, ?)" if keep_set else "{0} = ?"
    assignments = ", ".join(template.format(column) for column in present)
    conn.execute(
        f"UPDATE agent_runs SET {assignments}, updated_at = ? WHERE run_id = ?",
        (*present.values(), now, run_id),
    )


def _checked(values: Mapping[str, object]) -> dict[str, object]:
    unknown = set(values) - WRITABLE_COLUMNS
    if unknown:
        raise ValueError(f"not writable agent_runs columns: {sorted(unknown)}")
    return {column: value for column, value in values.items() if value is not None}


def fill_fields(
    conn: sqlite3.Connection, run_id: int, values: Mapping[str, object], now: str
) -> None:
    """Set the columns of ``values`` that are still NULL; None values are ignored."""
    _update(conn, run_id, _checked(values), now, keep_set=True)


def set_fields(
    conn: sqlite3.Connection, run_id: int, values: Mapping[str, object], now: str
) -> None:
    """Overwrite the columns of ``values``; None values are ignored."""
    _update(conn, run_id, _checked(values), now, keep_set=False)


def set_status(conn: sqlite3.Connection, run_id: int, status: str, now: str) -> None:
    """Record a status; a running or launched run never hides a final one."""
    if status in FINAL_STATUSES:
        set_fields(conn, run_id, {"status": status}, now)
        return
    conn.execute(
        "UPDATE agent_runs SET status = ?, updated_at = ?"
        " WHERE run_id = ? AND status NOT IN ('completed', 'failed')",
        (status, now, run_id),
    )


def refresh_wall_clock(conn: sqlite3.Connection, run_id: int) -> None:
    started, ended = conn.execute(
        "SELECT started_at, ended_at FROM agent_runs WHERE run_id = ?", (run_id,)
    ).fetchone()
    start, end = parse_time(started), parse_time(ended)
    if start and end and end >= start:
        milliseconds = round((end - start).total_seconds() * 1000)
        conn.execute(
            "UPDATE agent_runs SET wall_clock_ms = ? WHERE run_id = ?", (milliseconds, run_id)
        )
