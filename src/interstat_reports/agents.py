"""Section ``agents``: token and peak-context percentiles per agent type."""

from __future__ import annotations

from interstat.registry import Column, ReportSection, SectionData
from interstat_reports.context import ReportContext
from interstat_reports.groups import groups
from interstat_reports.ranked import token_run_percentiles
from interstat_reports.sql import (
    AGENT_PEAK_INDEX,
    AGENT_TOTAL_INDEX,
    agent_condition,
    agent_label,
)
from interstat_reports.stats import group_by, seconds

PERCENTS = (50, 90, 99)

COLUMNS = (
    Column("agent", "Agent"),
    Column("runs", "Runs", "int"),
    Column("token_runs", "With tokens", "int"),
    Column("total_tokens", "Tokens", "int"),
    *(Column(f"tokens_p{p}", f"Tokens p{p}", "int") for p in PERCENTS),
    *(Column(f"peak_p{p}", f"Peak p{p}", "int") for p in PERCENTS),
    Column("mean_api_calls", "API calls (mean)", "float"),
    Column("mean_wall_s", "Wall s (mean)", "float"),
)


def by_agent(found: list[dict]) -> dict[str, list[dict]]:
    """The (agent_name, model) groups under the name ``Run.agent`` shows."""
    return group_by(found, lambda group: agent_label(group["agent_name"]))


def _total(found: list[dict], key: str) -> int:
    return sum(group[key] for group in found)


def _mean(total: int, count: int, digits: int) -> float | None:
    # stats.mean's rounding, from a sum and a count.
    return round(total / count, digits) if count else None


def _row(context: ReportContext, agent: str, found: list[dict]) -> dict:
    token_runs = _total(found, "token_runs")
    condition = agent_condition(agent)
    totals = token_run_percentiles(
        context, "total_tokens", AGENT_TOTAL_INDEX, token_runs, PERCENTS, condition)
    peaks = token_run_percentiles(
        context, "peak_context_tokens", AGENT_PEAK_INDEX, token_runs, PERCENTS, condition)
    row = {
        "agent": agent,
        "runs": _total(found, "runs"),
        "token_runs": token_runs,
        "total_tokens": _total(found, "total_tokens"),
    }
    row.update({f"tokens_p{p}": value for p, value in zip(PERCENTS, totals, strict=True)})
    row.update({f"peak_p{p}": value for p, value in zip(PERCENTS, peaks, strict=True)})
    row["mean_api_calls"] = _mean(
        _total(found, "api_calls"), _total(found, "with_api_calls"), 2)
    row["mean_wall_s"] = seconds(_mean(_total(found, "wall_ms"), _total(found, "timed"), 1))
    return row


def build(context: ReportContext) -> SectionData:
    rows = [_row(context, agent, found) for agent, found in by_agent(groups(context)).items()]
    rows.sort(key=lambda row: (-row["total_tokens"], row["agent"]))
    notes = [f"Percentiles: {context.percentile_description}; over runs with token data."]
    return SectionData(columns=COLUMNS, rows=rows, notes=notes)


SECTION = ReportSection(
    name="agents",
    title="Agents",
    description="Per agent: runs, p50/p90/p99 of total tokens and peak context, "
    "mean API calls, wall time.",
    build=build,
    order=30,
)
