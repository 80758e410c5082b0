"""Folding other stores into this one, so a team can pool runs without duplicates.

A run is the same run when it has the same session and agentId, or the same
session and dispatching tool call; an API call is the same call when it has
the same call_key (the larger copy wins, as when reading transcripts). Run
totals are then summed again from the calls. Only rows that gain something
are written, so merging the same store twice changes nothing.

``transcript_files`` and ``hook_events`` are not merged: they describe how far
*this* machine read its own files and which of its own hooks were applied.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from interstat.errors import StoreError
from interstat.store import calls, runs
from interstat.store_check import readable_copy, require_sound

#: Every ``agent_runs`` column but the local ``run_id``, in schema order.
RUN_COLUMNS = (
    "session_id", "agent_id", "tool_use_id", "agent_name", "parent_agent_id",
    "invocation_id", "workflow_id", "project", "description", "prompt_sha256",
    "prompt_length", "requested_model", "model", "background", "kind", "layout", "status",
    "started_at", "ended_at", "wall_clock_ms", "result_length", "findings", "api_calls",
    "input_tokens", "output_tokens", "cache_hit_tokens", "cache_creation_tokens",
    "cache_creation_5m_tokens", "cache_creation_1h_tokens", "total_tokens",
    "peak_context_tokens", "output_is_lower_bound", "tokens_source",
    "reported_total_tokens", "transcript_path", "parsed_at", "created_at", "updated_at",
)

#: Columns a merged copy fills in where this store has nothing. The ids,
#: kind and status follow their own rules; the row's own times stay.
_FILLED = tuple(
    column for column in RUN_COLUMNS
    if column not in {"session_id", "kind", "status", "output_is_lower_bound",
                      "created_at", "updated_at"}
)

#: Every ``api_calls`` column but the derived total and context, in schema order.
CALL_COLUMNS = (
    "call_key", "session_id", "owner", "model", "input_tokens", "output_tokens",
    "cache_read_tokens", "cache_creation_tokens", "cache_creation_5m_tokens",
    "cache_creation_1h_tokens", "synthetic", "output_is_placeholder", "timestamp",
)

#: Runs with neither id (1.0.x hooks) are the same run when all of these agree.
_ANONYMOUS_MATCH = """
SELECT run_id FROM agent_runs
WHERE agent_id IS NULL AND tool_use_id IS NULL AND session_id = ?
  AND agent_name IS ? AND started_at IS ? AND prompt_sha256 IS ?
"""


@attrs.define
class MergeCounts:
    """What one merged store added to this one."""

    source: str
    runs_added: int = 0
    runs_updated: int = 0
    calls_added: int = 0
    calls_updated: int = 0


def _merge_calls(target: sqlite3.Connection, source: sqlite3.Connection,
                 counts: MergeCounts) -> set[tuple[str, str]]:
    """Upsert every call; returns the (session, owner) pairs whose calls changed."""
    changed: set[tuple[str, str]] = set()
    for row in source.execute(f"SELECT {', '.join(CALL_COLUMNS)} FROM api_calls"):
        call = dict(zip(CALL_COLUMNS, row))
        existing = target.execute(
            "SELECT owner FROM api_calls WHERE call_key = ?", (call["call_key"],)
        ).fetchone()
        before = target.total_changes
        calls.upsert_call(
            target, **{**call, "synthetic": bool(call["synthetic"]),
                       "output_is_placeholder": bool(call["output_is_placeholder"])},
        )
        if target.total_changes == before:
            continue
        if existing is None:
            counts.calls_added += 1
        else:
            counts.calls_updated += 1
            changed.add((call["session_id"], existing[0]))
        changed.add((call["session_id"], call["owner"]))
    return changed


def _find(target: sqlite3.Connection, run: dict[str, Any], now: str) -> int | None:
    session = run["session_id"]
    if not run["agent_id"] and not run["tool_use_id"]:
        found = target.execute(
            _ANONYMOUS_MATCH,
            (session, run["agent_name"], run["started_at"], run["prompt_sha256"]),
        ).fetchone()
        return found[0] if found else None
    by_agent = by_tool = None
    if run["agent_id"]:
        by_agent = runs.find_run(target, session, agent_id=run["agent_id"])
    if run["tool_use_id"]:
        by_tool = runs.find_run(target, session, tool_use_id=run["tool_use_id"])
    if by_agent and by_tool and by_agent != by_tool:
        runs.merge_runs(target, keep=by_tool, drop=by_agent, now=now)
        return by_tool
    return by_tool or by_agent


def _insert(target: sqlite3.Connection, run: dict[str, Any]) -> int:
    placeholders = ", ".join("?" for _ in RUN_COLUMNS)
    cursor = target.execute(
        f"INSERT INTO agent_runs ({', '.join(RUN_COLUMNS)}) VALUES ({placeholders})",
        [run[column] for column in RUN_COLUMNS],
    )
    return int(cursor.lastrowid)


def _fill(target: sqlite3.Connection, run_id: int, run: dict[str, Any], now: str) -> bool:
    """Give the target row what the merged copy knows and it lacks; True if it changed."""
    current = dict(zip(
        ("status", *_FILLED),
        target.execute(
            f"SELECT status, {', '.join(_FILLED)} FROM agent_runs WHERE run_id = ?", (run_id,)
        ).fetchone(),
    ))
    updates = {column: run[column] for column in _FILLED
               if current[column] is None and run[column] is not None}
    if run["status"] in runs.FINAL_STATUSES and current["status"] not in runs.FINAL_STATUSES:
        updates["status"] = run["status"]
    if not updates:
        return False
    assignments = ", ".join(f"{column} = ?" for column in updates)
    target.execute(
        f"UPDATE agent_runs SET {assignments}, updated_at = ? WHERE run_id = ?",
        (*updates.values(), now, run_id),
    )
    return True


def _merge_runs(target: sqlite3.Connection, source: sqlite3.Connection,
                counts: MergeCounts, now: str) -> set[int]:
    """Add or fill every run; returns the run_ids that changed."""
    touched: set[int] = set()
    for row in source.execute(f"SELECT {', '.join(RUN_COLUMNS)} FROM agent_runs"):
        run = dict(zip(RUN_COLUMNS, row))
        before = target.total_changes
        run_id = _find(target, run, now)
        if run_id is None:
            touched.add(_insert(target, run))
            counts.runs_added += 1
        elif _fill(target, run_id, run, now) or target.total_changes != before:
            touched.add(run_id)
            counts.runs_updated += 1
    return touched


def _runs_of(target: sqlite3.Connection, owners: set[tuple[str, str]]) -> set[int]:
    found = set()
    for session, owner in owners:
        kind, _, key = owner.partition(":")
        ids = {"agent": {"agent_id": key}, "tool": {"tool_use_id": key}}.get(kind)
        run_id = runs.find_run(target, session, **ids) if ids else None
        if run_id is not None:
            found.add(run_id)
    return found


def merge_one(target: sqlite3.Connection, source: sqlite3.Connection, name: str,
              now: str) -> MergeCounts:
    """Fold ``source`` into ``target`` inside the caller's write transaction."""
    counts = MergeCounts(source=name)
    changed_owners = _merge_calls(target, source, counts)
    touched = _merge_runs(target, source, counts, now) | _runs_of(target, changed_owners)
    for run_id in sorted(touched):
        _refresh(target, run_id, now)
    return counts


#: What ``refresh_totals`` may change besides the times it stamps.
_SUMMED = ("status", "model", "tokens_source", "output_is_lower_bound", "api_calls",
           "input_tokens", "output_tokens", "cache_hit_tokens", "cache_creation_tokens",
           "cache_creation_5m_tokens", "cache_creation_1h_tokens", "total_tokens",
           "peak_context_tokens")
_SUMMED_SQL = f"SELECT {', '.join(_SUMMED)}, parsed_at, updated_at FROM agent_runs WHERE run_id = ?"


def _refresh(target: sqlite3.Connection, run_id: int, now: str) -> None:
    """Sum the run's calls again; a run whose sums did not move keeps its own times."""
    before = target.execute(_SUMMED_SQL, (run_id,)).fetchone()
    if before is None:  # folded into another run during this merge
        return
    calls.refresh_totals(target, run_id, now)
    after = target.execute(_SUMMED_SQL, (run_id,)).fetchone()
    if after[: len(_SUMMED)] == before[: len(_SUMMED)]:
        target.execute("UPDATE agent_runs SET parsed_at = ?, updated_at = ? WHERE run_id = ?",
                       (*before[len(_SUMMED):], run_id))


def _refuse_self(target_path: Path, others: Sequence[Path]) -> None:
    for other in others:
        if target_path.exists() and other.exists() and os.path.samefile(target_path, other):
            raise StoreError(f"{other} is the store itself; name other stores to merge")


def merge_stores(target: sqlite3.Connection, target_path: Path, others: Sequence[Path],
                 now: str) -> list[MergeCounts]:
    """Check every other store first, then fold them all in one transaction.

    Any unusable file stops the merge before anything is written; the other
    files are only ever read through private copies.
    """
    _refuse_self(target_path, others)
    require_sound(target, target_path)
    with contextlib.ExitStack() as stack:
        try:
            sources = [(str(other), stack.enter_context(readable_copy(other)))
                       for other in others]
        except StoreError as error:
            raise StoreError(f"{error}; nothing was merged") from error
        target.execute("BEGIN IMMEDIATE")
        try:
            results = [merge_one(target, conn, name, now) for name, conn in sources]
            target.execute("COMMIT")
        except BaseException:
            target.execute("ROLLBACK")
            raise
    return results
