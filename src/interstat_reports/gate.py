"""Section ``gate``: build hierarchical dispatch or not, from the p99 peak context.

Hierarchical dispatch only pays off when sub-agents run out of context. The
gate compares the 99th percentile of peak context over every dispatched run
with exact token data against a threshold (120,000 tokens by default).
"""

from __future__ import annotations

from interstat.registry import ReportSection, SectionData
from interstat_reports.context import ReportContext
from interstat_reports.groups import groups
from interstat_reports.ranked import token_run_percentiles
from interstat_reports.sql import PEAK_INDEX
from interstat_reports.stats import share_pct

SKIP = "SKIP hierarchical dispatch"
BUILD = "BUILD hierarchical dispatch"


def decide(p99: int | None, threshold: int) -> str | None:
    """BUILD when the p99 peak context reaches the threshold, else SKIP; None without data."""
    if p99 is None:
        return None
    return SKIP if p99 < threshold else BUILD


def _verdict_text(decision: str | None, runs: int, baseline: int) -> str:
    if decision is None:
        return "NO VERDICT: no dispatched runs with token data yet"
    if runs < baseline:
        return f"{decision} (provisional: {runs}/{baseline} runs)"
    return decision


def _distance_note(p99: int, threshold: int, runs: int) -> str:
    distance = p99 - threshold
    side = "above" if distance >= 0 else "below"
    return (
        f"p99 peak context is {p99:,} tokens over {runs} runs: {abs(distance):,} tokens "
        f"({abs(share_pct(distance, threshold) or 0.0)}%) {side} the {threshold:,} threshold."
    )


def build(context: ReportContext) -> SectionData:
    runs = sum(group["token_runs"] for group in groups(context))
    (p99,) = token_run_percentiles(context, "peak_context_tokens", PEAK_INDEX, runs, (99,))
    threshold = context.thresholds.gate
    baseline = context.thresholds.baseline_runs
    decision = decide(p99, threshold)
    facts = {
        "verdict": _verdict_text(decision, runs, baseline),
        "decision": decision.split()[0] if decision else None,
        "provisional": runs < baseline,
        "p99_peak_context_tokens": p99,
        "runs": runs,
        "threshold_tokens": threshold,
        "distance_tokens": None if p99 is None else p99 - threshold,
        "distance_pct": None if p99 is None else share_pct(p99 - threshold, threshold),
        "percentile_method": context.percentile_method,
    }
    notes = [] if p99 is None else [_distance_note(p99, threshold, runs)]
    if decision and runs < baseline:
        notes.append(
            f"Provisional: {runs} runs with token data, fewer than the "
            f"{baseline}-run baseline."
        )
    return SectionData(facts=facts, notes=notes)


SECTION = ReportSection(
    name="gate",
    title="Decision gate: hierarchical dispatch",
    description="p99 of peak context over dispatched runs against the threshold.",
    build=build,
    order=20,
)
