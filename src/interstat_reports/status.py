"""What ``interstat status`` shows, read with a few indexed queries.

This runs on every ``interstat status``, possibly on a store of millions of
runs: each query is answered from an index (migration 0004_status_indexes)
or, unfiltered, from the counts triggers keep (migration 0005_run_counts),
and the module imports nothing beyond the standard library, attrs and the
store. The conditions on missing data repeat those indexes' WHERE clauses
word for word, which is what lets SQLite use them.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import attrs

from interstat.filters import Filters, sql_condition
from interstat_reports.runs import UNNAMED

LATEST_RUNS = 5
BAR_WIDTH = 30

_DISPATCHED = "SELECT COUNT(*) FROM agent_runs WHERE kind = 'dispatched' AND {condition}"
_PENDING = _DISPATCHED + " AND parsed_at IS NULL"
_NO_TOKENS = _DISPATCHED + (
    " AND (tokens_source IS NULL OR tokens_source = 'hook_estimate' OR total_tokens IS NULL)"
)
# Unfiltered, the partial indexes are named: on a store whose statistics
# predate migration 0006, SQLite would count through the wide report index
# instead (seconds, not milliseconds). Filtered, it may pick a better range.
_PENDING_ALL = _PENDING.replace("agent_runs", "agent_runs INDEXED BY idx_runs_kind_pending")
_NO_TOKENS_ALL = _NO_TOKENS.replace(
    "agent_runs", "agent_runs INDEXED BY idx_runs_kind_no_tokens")
_SESSIONS = (
    "SELECT COUNT(DISTINCT session_id) FROM agent_runs"
    " WHERE kind = 'dispatched' AND {condition}"
)
_KEPT_COUNTS = "SELECT runs, sessions FROM run_counts WHERE kind = 'dispatched'"
# Few agent names, many runs: hop from one name to the next through the
# (kind, agent_name) index instead of reading every entry. Named agent types
# only, as the report's summary counts them: '' and the report's (unnamed)
# name no type.
_AGENTS = """
WITH RECURSIVE names(name) AS (
    SELECT MIN(agent_name) FROM agent_runs WHERE kind = 'dispatched' AND {condition}
    UNION ALL
    SELECT (SELECT MIN(agent_name) FROM agent_runs
            WHERE kind = 'dispatched' AND {condition} AND agent_name > names.name)
    FROM names WHERE name IS NOT NULL
)
SELECT COUNT(name) FROM names WHERE name NOT IN ('', ?)
"""
# The unary + keeps SQLite from using the kind index here, so that it walks
# idx_runs_started_at backwards and stops after the first few rows.
_LATEST = (
    "SELECT started_at, agent_name, parsed_at IS NOT NULL FROM agent_runs"
    " WHERE +kind = 'dispatched' AND {condition} ORDER BY started_at DESC LIMIT ?"
)


@attrs.frozen
class LatestRun:
    started_at: str | None
    agent: str | None
    parsed: bool


@attrs.frozen
class Status:
    runs: int
    runs_with_token_data: int
    runs_pending_parse: int
    sessions: int
    agents: int
    baseline_runs: int
    latest: tuple[LatestRun, ...]

    @property
    def baseline_pct(self) -> float:
        return round(min(self.runs / self.baseline_runs, 1) * 100, 1)

    def to_dict(self) -> dict[str, Any]:
        data = attrs.asdict(self)
        data["baseline_pct"] = self.baseline_pct
        data["latest"] = [
            {"started_at": run.started_at, "agent": run.agent,
             "state": "parsed" if run.parsed else "pending"}
            for run in self.latest
        ]
        return data


def _count(conn: sqlite3.Connection, sql: str, condition: str, values: list) -> int:
    return conn.execute(sql.format(condition=condition), values).fetchone()[0]


def _runs_and_sessions(
    conn: sqlite3.Connection, filters: Filters, condition: str, values: list
) -> tuple[int, int]:
    if filters.is_empty:
        # Kept by triggers (migration 0005_run_counts): no index is read.
        row = conn.execute(_KEPT_COUNTS).fetchone()
        return (row[0], row[1]) if row else (0, 0)
    return (_count(conn, _DISPATCHED, condition, values),
            _count(conn, _SESSIONS, condition, values))


def read_status(conn: sqlite3.Connection, filters: Filters, baseline_runs: int) -> Status:
    condition, values = sql_condition(filters)
    runs, sessions = _runs_and_sessions(conn, filters, condition, values)
    every = filters.is_empty
    no_tokens = _count(conn, _NO_TOKENS_ALL if every else _NO_TOKENS, condition, values)
    pending = _count(conn, _PENDING_ALL if every else _PENDING, condition, values)
    agents = _count(conn, _AGENTS, condition, [*values, *values, UNNAMED])
    latest = tuple(
        LatestRun(started, agent, bool(parsed))
        for started, agent, parsed in conn.execute(
            _LATEST.format(condition=condition), (*values, LATEST_RUNS)
        )
    )
    return Status(runs, runs - no_tokens, pending, sessions, agents, baseline_runs, latest)


def progress_bar(runs: int, baseline: int, width: int = BAR_WIDTH) -> str:
    """``[#######.......] 20/50 runs`` toward the baseline; full once it is reached."""
    filled = min(width, runs * width // baseline)
    reached = " (baseline reached)" if runs >= baseline else ""
    return f"[{'#' * filled}{'.' * (width - filled)}] {runs:,}/{baseline} runs{reached}"
