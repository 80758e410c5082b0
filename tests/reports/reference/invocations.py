"""Section ``invocations`` over the loaded runs: invocations grouped in Python.

An invocation's wall time is parsed from its runs' start and end times here,
where the SQL section compares the stored strings.
"""

from __future__ import annotations

from interstat.registry import SectionData
from interstat.store.times import parse_time
from interstat_reports.context import ReportContext
from interstat_reports.invocations import COLUMNS
from interstat_reports.runs import Run
from interstat_reports.stats import group_by, mean, seconds


def invocation_wall_ms(runs: list[Run]) -> int | None:
    """First start to last end, when every run has both times."""
    starts = [parse_time(run.started_at) for run in runs]
    ends = [parse_time(run.ended_at) for run in runs]
    if None in starts or None in ends:
        return None
    return round((max(ends) - min(starts)).total_seconds() * 1000)


def summed_run_ms(runs: list[Run]) -> int | None:
    if any(run.wall_clock_ms is None for run in runs):
        return None
    return sum(run.wall_clock_ms for run in runs)


def _row(fan_out: int, groups: list[list[Run]]) -> dict:
    walls = [invocation_wall_ms(runs) for runs in groups]
    summed = [summed_run_ms(runs) for runs in groups]
    timed = [(wall, total) for wall, total in zip(walls, summed, strict=True)
             if wall and total is not None]
    tokens = [sum(run.total_tokens for run in runs if run.has_tokens) for runs in groups]
    return {
        "fan_out": fan_out,
        "invocations": len(groups),
        "runs": sum(len(runs) for runs in groups),
        "mean_wall_s": seconds(mean(walls)),
        "mean_summed_run_s": seconds(mean(summed)),
        "speedup": round(sum(t for _, t in timed) / sum(w for w, _ in timed), 2) if timed else None,
        "mean_tokens": round(sum(tokens) / len(tokens)),
    }


def build(context: ReportContext) -> SectionData:
    runs = context.dispatched()
    grouped = [run for run in runs if run.invocation_id]
    invocations = group_by(grouped, lambda run: (run.session_id, run.invocation_id))
    by_fan_out = group_by(invocations.values(), len)
    rows = [_row(fan_out, groups) for fan_out, groups in sorted(by_fan_out.items())]
    facts = {
        "invocations": len(invocations),
        "parallel_invocations": sum(len(g) > 1 for g in invocations.values()),
        "max_fan_out": max(by_fan_out, default=None),
        "runs_without_invocation": len(runs) - len(grouped),
    }
    notes = [
        "Speed-up = summed run time / wall time, over invocations whose runs all have times."
    ]
    return SectionData(columns=COLUMNS, rows=rows, facts=facts, notes=notes)

