"""Section ``summary`` over the loaded runs: counts, sums and dates in Python."""

from __future__ import annotations

from collections import Counter

from interstat.prices import sum_costs
from interstat.registry import SectionData
from interstat_reports.context import ReportContext
from interstat_reports.runs import HOOK_ESTIMATE, UNNAMED
from interstat_reports.stats import share_pct
from interstat_reports.summary import _data_notes, sufficiency


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
        "runs_read_without_calls": sum(run.parsed_at is not None and run.total_tokens is None
                                       for run in runs),
        "parsed_pct": share_pct(parsed, len(runs)),
        "sessions": len({run.session_id for run in runs}),
        "agents": len({run.agent for run in runs} - {UNNAMED}),
        "unnamed_runs": sum(run.agent == UNNAMED for run in runs),
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
    notes = _data_notes(facts)
    internal = _internal_note(context)
    if internal:
        notes.append(internal)
    if unpriced:
        notes.append(
            f"Cost unknown for models without a price: {', '.join(unpriced)}; "
            "add them to config.toml as [prices.\"<model glob>\"]."
        )
    return SectionData(facts=facts, notes=notes)

