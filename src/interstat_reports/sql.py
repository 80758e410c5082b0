"""The SQL words the built-in sections share: which rows count, and how to name them.

A report may cover a million runs, so the built-in sections aggregate in
SQL over the indexes of migration 0006_report_aggregate_indexes and bring
back one row per group. The conditions here repeat the definitions of
``interstat_reports.runs.Run`` (``dispatched``, ``has_tokens``, ``agent``) in
SQL; the token-run terms are those of the partial indexes, word for word,
which is what lets SQLite use them.
"""

from __future__ import annotations

from typing import Any

from interstat_reports.runs import DISPATCHED, HOOK_ESTIMATE, UNNAMED

#: ``Run.dispatched``.
DISPATCHED_SQL = f"kind = '{DISPATCHED}'"
#: ``not Run.dispatched``: side transcripts. Two ranges, so that an index on
#: ``kind`` reads only their few rows.
INTERNAL_SQL = f"(kind < '{DISPATCHED}' OR kind > '{DISPATCHED}')"
#: ``Run.has_tokens``, as separate terms (the partial indexes' WHERE).
TOKEN_TERMS = (
    "tokens_source IS NOT NULL",
    f"tokens_source != '{HOOK_ESTIMATE}'",
    "total_tokens IS NOT NULL",
    "peak_context_tokens IS NOT NULL",
)
#: ``Run.has_tokens`` as one expression, for CASE WHEN inside aggregates.
HAS_TOKENS = "(" + " AND ".join(TOKEN_TERMS) + ")"
#: A dispatched run with token data: what percentiles and costs read.
TOKEN_RUN_TERMS = (DISPATCHED_SQL, *TOKEN_TERMS)

#: Partial indexes over token runs (migration 0006_report_aggregate_indexes),
#: each ordered by the value a percentile reads.
AGENT_TOTAL_INDEX = "idx_token_runs_agent_total"
AGENT_PEAK_INDEX = "idx_token_runs_agent_peak"
PEAK_INDEX = "idx_token_runs_peak"
#: The covering index per session and invocation.
SESSIONS_INDEX = "idx_runs_report_sessions"

#: How reports name runs without a model.
NO_MODEL = "(no model)"
#: The ``agent_name`` values that ``Run.agent`` shows as UNNAMED.
UNNAMED_SQL = f"(agent_name IS NULL OR agent_name IN ('', '{UNNAMED}'))"


def agent_label(agent_name: str | None) -> str:
    """``Run.agent`` from a stored ``agent_name``."""
    return agent_name or UNNAMED


def agent_condition(agent: str) -> tuple[str, list[Any]]:
    """The condition (and its parameter) picking the runs ``Run.agent`` calls ``agent``."""
    if agent == UNNAMED:
        return UNNAMED_SQL, []
    return "agent_name = ?", [agent]
