"""Apply one hook event's facts to the store, exactly once.

``record`` runs inside the caller's write transaction. It first inserts the
event's key into ``hook_events``: when the key is already there the event
was applied before (a spool replay, a double delivery) and nothing changes.
Each event gets a savepoint, so a failing one leaves no partial row. An
event of a session or run that purge deleted is recorded and dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from interstat.capture.observe import DEFAULT_AGENT_TYPE
from interstat.store.driver import sqlite3
from interstat.store.purged import is_purged
from interstat.store.runs import (
    ensure_run,
    find_id_less_by_prompt,
    fill_fields,
    find_run,
    insert_run,
    refresh_wall_clock,
    set_fields,
    set_status,
)

#: Facts of a tool call that describe the run it dispatched.
DISPATCH_COLUMNS = (
    "parent_agent_id", "agent_name", "requested_model", "background", "prompt_sha256",
    "prompt_length", "invocation_id", "workflow_id", "project", "description",
)


def record(conn: sqlite3.Connection, entry: Mapping) -> bool:
    """Apply ``entry`` (event, key, received_at, facts) unless it already was.

    Returns True when the event changed the store's record of events.
    """
    event, facts, received_at = entry["event"], entry["facts"], entry["received_at"]
    conn.execute("SAVEPOINT hook_event")
    try:
        cursor = conn.execute(
            "INSERT OR IGNORE INTO hook_events (event_key, event, session_id, received_at)"
            " VALUES (?, ?, ?, ?)",
            (entry["key"], event, facts["session_id"], received_at),
        )
        fresh = cursor.rowcount == 1
        if fresh and not _purged(conn, facts):
            APPLIERS[event](conn, facts, received_at)
        conn.execute("RELEASE hook_event")
    except BaseException:
        conn.execute("ROLLBACK TO hook_event")
        conn.execute("RELEASE hook_event")
        raise
    return fresh


def _purged(conn: sqlite3.Connection, facts: Mapping) -> bool:
    """Whether purge deleted this event's session or run: it must not come back."""
    return is_purged(conn, facts["session_id"], facts.get("agent_id"), facts.get("tool_use_id"))


def _dispatch_values(facts: Mapping) -> dict:
    return {column: facts.get(column) for column in DISPATCH_COLUMNS}


def _status(conn: sqlite3.Connection, run_id: int) -> str:
    return conn.execute("SELECT status FROM agent_runs WHERE run_id = ?", (run_id,)).fetchone()[0]


def _parsed(conn: sqlite3.Connection, run_id: int) -> bool:
    """Whether analyze has read the run's transcript: its model then wins."""
    row = conn.execute("SELECT parsed_at FROM agent_runs WHERE run_id = ?", (run_id,)).fetchone()
    return row[0] is not None


def _complete(conn: sqlite3.Connection, run_id: int, now: str) -> None:
    # A run that failed stays failed whatever arrives after.
    if _status(conn, run_id) != "failed":
        set_status(conn, run_id, "completed", now)


def _pre_tool_use(conn: sqlite3.Connection, facts: Mapping, now: str) -> None:
    session_id, tool_use_id = facts["session_id"], facts.get("tool_use_id")
    if tool_use_id:
        run_id = ensure_run(conn, session_id, now, tool_use_id=tool_use_id)
    else:
        # 1.0.x names no tool call: a row with neither id, matched later by
        # prompt digest (PostToolUse here, the correlators in analyze).
        run_id = insert_run(conn, session_id, now)
    fill_fields(conn, run_id, {**_dispatch_values(facts), "started_at": now}, now)


def _result_run(conn: sqlite3.Connection, facts: Mapping, now: str) -> int:
    session_id = facts["session_id"]
    agent_id, tool_use_id = facts.get("agent_id"), facts.get("tool_use_id")
    if agent_id or tool_use_id:
        return ensure_run(conn, session_id, now, agent_id=agent_id, tool_use_id=tool_use_id)
    digest = facts.get("prompt_sha256")
    found = (
        find_id_less_by_prompt(conn, session_id, digest, unfinished_only=True)
        if digest else None
    )
    return found if found is not None else insert_run(conn, session_id, now)


def _finish(conn: sqlite3.Connection, run_id: int, facts: Mapping, now: str) -> None:
    reported = facts.get("reported_total_tokens")
    fill_fields(
        conn,
        run_id,
        {
            "ended_at": now,
            "background": False,  # the tool waited for the run
            "result_length": facts.get("result_length"),
            "model": None if _parsed(conn, run_id) else facts.get("model"),
            "reported_total_tokens": reported,
            # Only a run no transcript was read for: analyze's totals win.
            "tokens_source": "hook_estimate" if reported is not None else None,
        },
        now,
    )
    if facts.get("outcome") == "failed":
        set_status(conn, run_id, "failed", now)
    else:
        _complete(conn, run_id, now)
    refresh_wall_clock(conn, run_id)


def _post_tool_use(conn: sqlite3.Connection, facts: Mapping, now: str) -> None:
    run_id = _result_run(conn, facts, now)
    fill_fields(conn, run_id, _dispatch_values(facts), now)
    set_fields(conn, run_id, {"agent_name": facts.get("reported_agent_name")}, now)
    fill_fields(conn, run_id, {"agent_name": DEFAULT_AGENT_TYPE}, now)
    outcome = facts.get("outcome")
    if outcome == "async_launched":
        set_fields(conn, run_id, {"background": True}, now)
        if not _parsed(conn, run_id):
            fill_fields(conn, run_id, {"model": facts.get("model")}, now)
    elif outcome in ("completed", "failed"):
        _finish(conn, run_id, facts, now)


def _post_tool_use_failure(conn: sqlite3.Connection, facts: Mapping, now: str) -> None:
    run_id = _result_run(conn, facts, now)
    fill_fields(conn, run_id, {**_dispatch_values(facts), "ended_at": now}, now)
    set_status(conn, run_id, "failed", now)
    refresh_wall_clock(conn, run_id)


def _dispatch_pending(conn: sqlite3.Connection, session_id: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM agent_runs WHERE session_id = ? AND agent_id IS NULL"
        " AND tool_use_id IS NOT NULL AND status = 'running' LIMIT 1",
        (session_id,),
    ).fetchone()
    return row is not None


def _subagent_start(conn: sqlite3.Connection, facts: Mapping, now: str) -> None:
    session_id, agent_id = facts["session_id"], facts["agent_id"]
    run_id = find_run(conn, session_id, agent_id=agent_id)
    if run_id is None:
        # Agents that start while no tool call is waiting were dispatched by
        # nobody: 2.0.x warm-up agents at launch. Analyze records them from
        # their transcripts with the right kind.
        if not _dispatch_pending(conn, session_id):
            return
        run_id = ensure_run(conn, session_id, now, agent_id=agent_id)
    set_fields(conn, run_id, {"agent_name": facts.get("agent_name")}, now)
    fill_fields(conn, run_id, {"started_at": now}, now)


def _subagent_stop(conn: sqlite3.Connection, facts: Mapping, now: str) -> None:
    run_id = find_run(conn, facts["session_id"], agent_id=facts["agent_id"])
    if run_id is None:
        return  # a warm-up agent, or one whose start was never recorded
    set_fields(
        conn,
        run_id,
        {
            "ended_at": now,
            "result_length": facts.get("result_length"),
            "transcript_path": facts.get("transcript_path"),
        },
        now,
    )
    fill_fields(conn, run_id, {"agent_name": facts.get("agent_name")}, now)
    _complete(conn, run_id, now)
    refresh_wall_clock(conn, run_id)


APPLIERS: dict[str, Callable[[sqlite3.Connection, Mapping, str], None]] = {
    "PreToolUse": _pre_tool_use,
    "PostToolUse": _post_tool_use,
    "PostToolUseFailure": _post_tool_use_failure,
    "SubagentStart": _subagent_start,
    "SubagentStop": _subagent_stop,
}
