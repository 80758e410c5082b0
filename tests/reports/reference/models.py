"""Section ``models`` over the loaded runs: tokens and dollars per model."""

from __future__ import annotations

from interstat.prices import sum_costs
from interstat.registry import SectionData
from interstat_reports.context import ReportContext
from interstat_reports.models import COLUMNS, _dates_note, price_label
from interstat_reports.runs import Run
from interstat_reports.stats import group_by

#: The report's name for runs without a model (the SQL section's is in sql.py).
NO_MODEL = "(no model)"


def _total(runs: list[Run], field: str) -> int:
    return sum(getattr(run, field) or 0 for run in runs)


def _row(context: ReportContext, model: str, runs: list[Run]) -> dict:
    price = context.prices.find(None if model == NO_MODEL else model)
    return {
        "model": model,
        "price": price_label(price, _total(runs, "total_tokens")),
        "runs": len(runs),
        "input_tokens": _total(runs, "input_tokens"),
        "output_tokens": _total(runs, "output_tokens"),
        "cache_read_tokens": _total(runs, "cache_hit_tokens"),
        "cache_write_tokens": _total(runs, "cache_creation_tokens"),
        "total_tokens": _total(runs, "total_tokens"),
        "cost_usd": sum_costs(context.cost(run) for run in runs),
    }


def build(context: ReportContext) -> SectionData:
    groups = group_by(context.token_runs(), lambda run: run.model or NO_MODEL)
    rows = [_row(context, model, runs) for model, runs in groups.items()]
    rows.sort(key=lambda row: (-row["total_tokens"], row["model"]))
    unknown = [row["model"] for row in rows if row["cost_usd"] is None]
    facts = {
        "total_cost_usd": sum_costs(row["cost_usd"] for row in rows),
        "models_without_prices": unknown,
        "prices_checked": context.prices.checked,
        "user_prices_checked": context.prices.user_checked or None,
    }
    notes = []
    if unknown:
        notes.append(
            f"Cost unknown for {', '.join(unknown)}: no price, or a run's context is beyond "
            "the range its price covers. Add [prices.\"<model glob>\"] to config.toml."
        )
    notes.append(_dates_note(context.prices))
    return SectionData(columns=COLUMNS, rows=rows, facts=facts, notes=notes)
