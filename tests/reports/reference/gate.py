"""Section ``gate`` over the loaded runs: p99 of the sorted peak contexts."""

from __future__ import annotations

from interstat.registry import SectionData
from interstat_reports.context import ReportContext
from interstat_reports.gate import _distance_note, _verdict_text, decide
from interstat_reports.percentiles import nearest_rank
from interstat_reports.stats import share_pct


def build(context: ReportContext) -> SectionData:
    peaks = sorted(run.peak_context_tokens for run in context.token_runs())
    threshold = context.thresholds.gate
    baseline = context.thresholds.baseline_runs
    p99 = nearest_rank(peaks, 99)
    decision = decide(p99, threshold)
    facts = {
        "verdict": _verdict_text(decision, len(peaks), baseline),
        "decision": decision.split()[0] if decision else None,
        "provisional": len(peaks) < baseline,
        "p99_peak_context_tokens": p99,
        "runs": len(peaks),
        "threshold_tokens": threshold,
        "distance_tokens": None if p99 is None else p99 - threshold,
        "distance_pct": None if p99 is None else share_pct(p99 - threshold, threshold),
        "percentile_method": context.percentile_method,
    }
    notes = [] if p99 is None else [_distance_note(p99, threshold, len(peaks))]
    if decision and len(peaks) < baseline:
        notes.append(
            f"Provisional: {len(peaks)} runs with token data, fewer than the "
            f"{baseline}-run baseline."
        )
    return SectionData(facts=facts, notes=notes)
