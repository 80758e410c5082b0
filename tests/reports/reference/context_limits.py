"""Section ``context-limits`` over the loaded runs: peaks above each limit."""

from __future__ import annotations

from interstat.registry import SectionData
from interstat_reports.context import ReportContext
from interstat_reports.context_limits import _columns
from interstat_reports.runs import Run
from interstat_reports.stats import group_by, share_pct, short_id


def _row(agent: str, runs: list[Run], limits: tuple[int, ...]) -> dict:
    peaks = [run.peak_context_tokens for run in runs]
    row: dict = {"agent": agent, "runs": len(runs)}
    for limit in limits:
        row[f"over_{limit}"] = sum(peak > limit for peak in peaks)
    row["max_peak"] = max(peaks)
    return row


def _top_notes(runs: list[Run], lowest: int, count: int) -> list[str]:
    over = [run for run in runs if run.peak_context_tokens > lowest]
    over.sort(key=lambda run: (-run.peak_context_tokens, run.run_id))
    return [
        f"Top run {rank}: {run.peak_context_tokens:,} tokens, {run.agent}, "
        f"session {short_id(run.session_id)}, agent {short_id(run.agent_id or run.tool_use_id, 17)}"
        for rank, run in enumerate(over[:count], start=1)
    ]


def build(context: ReportContext) -> SectionData:
    limits = context.thresholds.context_limits
    runs = context.token_runs()
    facts: dict = {"runs": len(runs)}
    for limit in limits:
        over = sum(run.peak_context_tokens > limit for run in runs)
        facts[f"runs_over_{limit}"] = over
        facts[f"runs_over_{limit}_pct"] = share_pct(over, len(runs))
    groups = group_by(runs, lambda run: run.agent)
    rows = [_row(agent, group, limits) for agent, group in groups.items()]
    rows.sort(key=lambda row: (-row["max_peak"], row["agent"]))
    notes = _top_notes(runs, limits[0], context.thresholds.top_runs) if runs else []
    return SectionData(columns=_columns(limits), rows=rows, facts=facts, notes=notes)
