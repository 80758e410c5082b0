"""Section ``summary``: how many runs the report stands on, and how good the data is."""

from __future__ import annotations

from collections import Counter

from interstat.prices import sum_costs
from interstat.registry import ReportSection, SectionData
from interstat_reports.context import ReportContext
from interstat_reports.runs import HOOK_ESTIMATE
from interstat_reports.stats import share_pct


def sufficiency(runs: int, baseline: int) -> str:
    """The sentence that says whether there are enough runs to trust the numbers."""
    if runs < baseline:
        return (
            f"Insufficient data ({runs}/{baseline} runs), results may not be representative"
        )
    return f"Sufficient data ({runs} runs, baseline {baseline})"


def _data_notes(context: ReportContext, facts: dict) -> list[str]:
    notes = []
    if facts["runs_pending_parse"]:
        notes.append(
            f"{facts['runs_pending_parse']} runs have no transcript data yet; "
            "run 'interstat analyze' to read them."
        )
    if facts["hook_estimate_runs"]:
        notes.append(
            f"{facts['hook_estimate_runs']} runs have only a hook's token estimate; they are "
            "left out of percentiles, token sums and costs."
        )
    if facts["output_lower_bound_runs"]:
        notes.append(
            f"{facts['output_lower_bound_runs']} runs have output token counts that are lower "
            "bounds (their transcript wrote streaming placeholders)."
        )
    return notes


def _internal_note(context: ReportContext) -> str | None:
    internal = context.internal()
    if not internal:
        return None
    kinds = Counter(run.kind for run in internal)
    listed = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
    tokens = sum(run.total_tokens for run in internal if run.has_tokens)
    return (
        f"Internal side transcripts, not counted as sub-agent runs: {listed} "
        f"({tokens:,} tokens)."
    )


def build(context: ReportContext) -> SectionData:
    runs = context.dispatched()
    token_runs = context.token_runs()
    parsed = sum(run.parsed_at is not None for run in runs)
    starts = sorted(run.started_at for run in runs if run.started_at)
    unpriced = sorted({run.model or "(no model)" for run in token_runs
                       if context.cost(run) is None})
    facts = {
        "runs": len(runs),
        "runs_with_token_data": len(token_runs),
        "runs_pending_parse": len(runs) - parsed,
        "parsed_pct": share_pct(parsed, len(runs)),
        "sessions": len({run.session_id for run in runs}),
        "agents": len({run.agent for run in runs}),
        "failed_runs": sum(run.status == "failed" for run in runs),
        "first_run_utc": starts[0] if starts else None,
        "last_run_utc": starts[-1] if starts else None,
        "total_tokens": sum(run.total_tokens for run in token_runs),
        "total_cost_usd": sum_costs(context.cost(run) for run in token_runs),
        "models_without_prices": unpriced,
        "output_lower_bound_runs": sum(bool(run.output_is_lower_bound) for run in runs),
        "hook_estimate_runs": sum(run.tokens_source == HOOK_ESTIMATE for run in runs),
        "internal_transcripts": len(context.internal()),
        "baseline_runs": context.thresholds.baseline_runs,
        "data_sufficiency": sufficiency(len(runs), context.thresholds.baseline_runs),
    }
    notes = _data_notes(context, facts)
    internal = _internal_note(context)
    if internal:
        notes.append(internal)
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
