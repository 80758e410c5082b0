"""Section ``summary``: how many runs the report stands on, and how good the data is."""

from __future__ import annotations

from interstat.prices import sum_costs
from interstat.registry import ReportSection, SectionData
from interstat_reports.context import ReportContext
from interstat_reports.groups import groups
from interstat_reports.runs import DISPATCHED, UNNAMED
from interstat_reports.sql import (
    DISPATCHED_SQL,
    HAS_TOKENS,
    INTERNAL_SQL,
    NO_MODEL,
    SESSIONS_INDEX,
    agent_label,
)
from interstat_reports.stats import share_pct


def sufficiency(runs: int, baseline: int) -> str:
    """The sentence that says whether there are enough runs to trust the numbers."""
    if runs < baseline:
        return (
            f"Insufficient data ({runs}/{baseline} runs), results may not be representative"
        )
    return f"Sufficient data ({runs} runs, baseline {baseline})"


def _say(count: int, one: str, many: str) -> str:
    """``one`` or ``many`` as ``count`` asks, with the count put in for ``{n}``."""
    return (one if count == 1 else many).format(n=f"{count:,}")


def _data_notes(facts: dict) -> list[str]:
    notes = []
    if facts["runs_pending_parse"]:
        notes.append(_say(
            facts["runs_pending_parse"],
            "{n} run has no transcript data yet; run 'interstat analyze' to read it.",
            "{n} runs have no transcript data yet; run 'interstat analyze' to read them.",
        ))
    if facts["runs_read_without_calls"]:
        # Reading these again finds nothing more: the note must not send
        # anyone back to analyze.
        notes.append(_say(
            facts["runs_read_without_calls"],
            "{n} run's transcript was read but holds no API call (its lines could not be "
            "read, or the run had only just started); it has no token data.",
            "{n} runs' transcripts were read but hold no API call (their lines could not be "
            "read, or the runs had only just started); they have no token data.",
        ))
    if facts["unnamed_runs"]:
        notes.append(_say(
            facts["unnamed_runs"],
            f"{{n}} run has no agent name: it is listed as {UNNAMED} and not counted among "
            "the agents.",
            f"{{n}} runs have no agent name: they are listed as {UNNAMED} and not counted "
            "among the agents.",
        ))
    if facts["hook_estimate_runs"]:
        notes.append(_say(
            facts["hook_estimate_runs"],
            "{n} run has only a hook's token estimate; it is left out of percentiles, token "
            "sums and costs.",
            "{n} runs have only a hook's token estimate; they are left out of percentiles, "
            "token sums and costs.",
        ))
    if facts["output_lower_bound_runs"]:
        notes.append(_say(
            facts["output_lower_bound_runs"],
            "{n} run has output token counts that are lower bounds (its transcript wrote "
            "streaming placeholders).",
            "{n} runs have output token counts that are lower bounds (their transcripts "
            "wrote streaming placeholders).",
        ))
    return notes


# Side transcripts are few: the two kind ranges of INTERNAL_SQL read only
# theirs from the covering index.
_INTERNAL = (
    f"SELECT kind, COUNT(*), SUM(CASE WHEN {HAS_TOKENS} THEN total_tokens END)"
    f" FROM agent_runs INDEXED BY {SESSIONS_INDEX}{{where}} GROUP BY kind"
)
_SESSIONS = "SELECT COUNT(DISTINCT session_id) FROM agent_runs{where}"
_COUNT = "SELECT COUNT(*) FROM agent_runs{indexed}{where}"
# Each condition is the WHERE of a partial index (migrations 0004 and 0006),
# named when nothing filters so that only the few runs it holds are read;
# filtered, SQLite may find a narrower range (one session's, say).
_PENDING = ("idx_runs_kind_pending", "parsed_at IS NULL")
# Read, yet no call summed: among the runs without tokens (whose index's
# WHERE comes first, word for word) those analyze marked read.
_READ_WITHOUT_CALLS = (
    "idx_runs_kind_no_tokens",
    "(tokens_source IS NULL OR tokens_source = 'hook_estimate' OR total_tokens IS NULL)"
    " AND parsed_at IS NOT NULL AND total_tokens IS NULL",
)
_FAILED = ("idx_runs_kind_failed", "status = 'failed'")
_LOWER_BOUND = ("idx_runs_kind_lower_bound", "output_is_lower_bound != 0")
_KEPT_SESSIONS = f"SELECT sessions FROM run_counts WHERE kind = '{DISPATCHED}'"
# The unary + keeps SQLite on idx_runs_started_at, read from either end.
_EDGE_START = (
    "SELECT started_at FROM agent_runs{where} ORDER BY started_at {direction} LIMIT 1"
)


def _agents(found: list[dict]) -> tuple[int, int]:
    """How many named agent types, and how many runs have no name.

    Agents are the named types, as interstat status counts them: runs without
    a name are listed as (unnamed) in the agents section, but are no type.
    """
    named = {group["agent_name"] for group in found
             if agent_label(group["agent_name"]) != UNNAMED}
    unnamed = sum(group["runs"] for group in found
                  if agent_label(group["agent_name"]) == UNNAMED)
    return len(named), unnamed


def _internal(context: ReportContext) -> tuple[int, str | None]:
    where, values = context.where(INTERNAL_SQL)
    kinds = context.conn.execute(_INTERNAL.format(where=where), values).fetchall()
    if not kinds:
        return 0, None
    listed = ", ".join(f"{kind} {count}" for kind, count, _ in sorted(kinds))
    tokens = sum(total or 0 for _, _, total in kinds)
    note = (
        f"Internal side transcripts, not counted as sub-agent runs: {listed} "
        f"({tokens:,} tokens)."
    )
    return sum(count for _, count, _ in kinds), note


def _count_in(context: ReportContext, partial_index: tuple[str, str]) -> int:
    index, condition = partial_index
    where, values = context.where(DISPATCHED_SQL, condition)
    indexed = f" INDEXED BY {index}" if context.filters.is_empty else ""
    sql = _COUNT.format(indexed=indexed, where=where)
    return context.conn.execute(sql, values).fetchone()[0]


def _sessions(context: ReportContext) -> int:
    if context.filters.is_empty:
        # Kept by triggers (migration 0005_run_counts): no index is read.
        row = context.conn.execute(_KEPT_SESSIONS).fetchone()
        return row[0] if row else 0
    where, values = context.where(DISPATCHED_SQL)
    return context.conn.execute(_SESSIONS.format(where=where), values).fetchone()[0]


def _edge_start(context: ReportContext, direction: str) -> str | None:
    where, values = context.where(f"+{DISPATCHED_SQL}", "started_at > ''")
    sql = _EDGE_START.format(where=where, direction=direction)
    row = context.conn.execute(sql, values).fetchone()
    return row[0] if row else None


def build(context: ReportContext) -> SectionData:
    found = groups(context)
    runs = sum(group["runs"] for group in found)
    token_runs = sum(group["token_runs"] for group in found)
    parsed = runs - _count_in(context, _PENDING)
    unpriced = sorted({group["model"] or NO_MODEL for group in found if group["cost"] is None})
    internal, internal_note = _internal(context)
    agents, unnamed = _agents(found)
    facts = {
        "runs": runs,
        "runs_with_token_data": token_runs,
        "runs_pending_parse": runs - parsed,
        "runs_read_without_calls": _count_in(context, _READ_WITHOUT_CALLS),
        "parsed_pct": share_pct(parsed, runs),
        "sessions": _sessions(context),
        "agents": agents,
        "unnamed_runs": unnamed,
        "failed_runs": _count_in(context, _FAILED),
        "first_run_utc": _edge_start(context, "ASC"),
        "last_run_utc": _edge_start(context, "DESC"),
        "total_tokens": sum(group["total_tokens"] for group in found),
        "total_cost_usd": sum_costs(group["cost"] for group in found),
        "models_without_prices": unpriced,
        "output_lower_bound_runs": _count_in(context, _LOWER_BOUND),
        "hook_estimate_runs": sum(group["hook_estimates"] for group in found),
        "internal_transcripts": internal,
        "baseline_runs": context.thresholds.baseline_runs,
        "data_sufficiency": sufficiency(runs, context.thresholds.baseline_runs),
    }
    notes = _data_notes(facts)
    if internal_note:
        notes.append(internal_note)
    if unpriced:
        notes.append(
            f"Cost unknown for models without a price: {', '.join(unpriced)}; "
            "add them to config.toml as [prices.\"<model glob>\"]."
        )
    return SectionData(facts=facts, notes=notes)


SECTION = ReportSection(
    name="summary",
    title="Summary",
    description="Runs, sessions and agents covered, date range, parsed share, data sufficiency.",
    build=build,
    order=10,
)
