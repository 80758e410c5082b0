"""Section ``models``: tokens and dollars per model."""

from __future__ import annotations

from interstat.prices import PriceTable, sum_costs
from interstat.registry import Column, ReportSection, SectionData
from interstat_reports.context import ReportContext
from interstat_reports.runs import Run
from interstat_reports.stats import group_by

NO_MODEL = "(no model)"

COLUMNS = (
    Column("model", "Model"),
    Column("price", "Price"),
    Column("runs", "Runs", "int"),
    Column("input_tokens", "Input", "int"),
    Column("output_tokens", "Output", "int"),
    Column("cache_read_tokens", "Cache read", "int"),
    Column("cache_write_tokens", "Cache write", "int"),
    Column("total_tokens", "Tokens", "int"),
    Column("cost_usd", "Cost", "usd"),
)


def _total(runs: list[Run], field: str) -> int:
    return sum(getattr(run, field) or 0 for run in runs)


def _row(context: ReportContext, model: str, runs: list[Run]) -> dict:
    price = context.prices.find(None if model == NO_MODEL else model)
    return {
        "model": model,
        "price": (price.name or price.pattern) if price else "no price",
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


def _dates_note(prices: PriceTable) -> str:
    note = f"Prices in US dollars, list prices checked {prices.checked}."
    if not prices.user_prices():
        return note
    if prices.user_checked:
        return note + f" Prices from config.toml checked {prices.user_checked}."
    return note + (" Prices from config.toml: date not stated"
                   " (add checked = YYYY-MM-DD under [prices]).")


SECTION = ReportSection(
    name="models",
    title="Models",
    description="Tokens and cost per model, with the models that lack a price.",
    build=build,
    order=60,
)
