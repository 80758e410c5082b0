"""Section ``agents`` over the loaded runs: percentiles per agent type."""

from __future__ import annotations

from interstat.registry import SectionData
from interstat_reports.agents import COLUMNS, PERCENTS
from interstat_reports.context import ReportContext
from interstat_reports.percentiles import percentiles
from interstat_reports.runs import Run
from interstat_reports.stats import group_by, mean, seconds


def _row(agent: str, runs: list[Run]) -> dict:
    token_runs = [run for run in runs if run.has_tokens]
    totals = percentiles((run.total_tokens for run in token_runs), PERCENTS)
    peaks = percentiles((run.peak_context_tokens for run in token_runs), PERCENTS)
    row = {
        "agent": agent,
        "runs": len(runs),
        "token_runs": len(token_runs),
        "total_tokens": sum(run.total_tokens for run in token_runs),
    }
    row.update({f"tokens_p{p}": value for p, value in zip(PERCENTS, totals, strict=True)})
    row.update({f"peak_p{p}": value for p, value in zip(PERCENTS, peaks, strict=True)})
    row["mean_api_calls"] = mean((run.api_calls for run in token_runs), digits=2)
    row["mean_wall_s"] = seconds(mean(run.wall_clock_ms for run in runs))
    return row


def build(context: ReportContext) -> SectionData:
    groups = group_by(context.dispatched(), lambda run: run.agent)
    rows = [_row(agent, runs) for agent, runs in groups.items()]
    rows.sort(key=lambda row: (-row["total_tokens"], row["agent"]))
    notes = [f"Percentiles: {context.percentile_description}; over runs with token data."]
    return SectionData(columns=COLUMNS, rows=rows, notes=notes)
