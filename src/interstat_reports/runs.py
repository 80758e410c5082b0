"""The rows of ``agent_runs`` a report reads, loaded once per report."""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

from interstat.filters import Filters, where_clause

#: The columns a report reads, in ``Run``'s field order.
RUN_COLUMNS = (
    "run_id", "session_id", "agent_id", "tool_use_id", "agent_name", "kind", "status",
    "model", "invocation_id", "workflow_id", "project", "started_at", "ended_at",
    "wall_clock_ms", "findings", "api_calls", "input_tokens", "output_tokens",
    "cache_hit_tokens", "cache_creation_tokens", "cache_creation_5m_tokens",
    "cache_creation_1h_tokens", "total_tokens", "peak_context_tokens",
    "output_is_lower_bound", "tokens_source", "parsed_at",
)

DISPATCHED = "dispatched"
HOOK_ESTIMATE = "hook_estimate"
#: ``Run.agent`` for a run without a name.
UNNAMED = "(unnamed)"


class Run(NamedTuple):
    """One ``agent_runs`` row; token fields are None until a transcript was read.

    A tuple: a report may load a million of them, and a tuple is built from
    its row in one step where an attrs instance sets its 27 fields one by one.
    """

    run_id: int
    session_id: str
    agent_id: str | None
    tool_use_id: str | None
    agent_name: str | None
    kind: str
    status: str
    model: str | None
    invocation_id: str | None
    workflow_id: str | None
    project: str | None
    started_at: str | None
    ended_at: str | None
    wall_clock_ms: int | None
    findings: int | None
    api_calls: int | None
    input_tokens: int | None
    output_tokens: int | None
    cache_hit_tokens: int | None
    cache_creation_tokens: int | None
    cache_creation_5m_tokens: int | None
    cache_creation_1h_tokens: int | None
    total_tokens: int | None
    peak_context_tokens: int | None
    output_is_lower_bound: int
    tokens_source: str | None
    parsed_at: str | None

    @property
    def dispatched(self) -> bool:
        """A sub-agent run some tool call started; side transcripts are not."""
        return self.kind == DISPATCHED

    @property
    def has_tokens(self) -> bool:
        """Exact token counts from a transcript; a hook's estimate does not count."""
        return (
            self.tokens_source is not None
            and self.tokens_source != HOOK_ESTIMATE
            and self.total_tokens is not None
            and self.peak_context_tokens is not None
        )

    @property
    def agent(self) -> str:
        return self.agent_name or UNNAMED


def load_runs(conn: sqlite3.Connection, filters: Filters) -> list[Run]:
    """Every run that passes ``filters``, of every kind, oldest first."""
    where, values = where_clause(filters)
    sql = f"SELECT {', '.join(RUN_COLUMNS)} FROM agent_runs{where} ORDER BY started_at, run_id"
    # tuple.__new__ skips NamedTuple's per-row argument handling: a million
    # rows load in a fraction of the time.
    make = tuple.__new__
    return [make(Run, row) for row in conn.execute(sql, values)]
