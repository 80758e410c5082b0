"""Section ``models``: tokens and dollars per model."""

from __future__ import annotations

from interstat.prices import Price, PriceTable, sum_costs
from interstat.registry import Column, ReportSection, SectionData
from interstat_reports.context import ReportContext
from interstat_reports.groups import groups
from interstat_reports.sql import NO_MODEL
from interstat_reports.stats import group_by

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


def price_label(price: Price | None, total_tokens: int) -> str:
    """The Price column: the price's name; for runs that used no tokens (failed
    before any call) and have no price, "none needed": they cost $0 either way."""
    if price is not None:
        return price.name or price.pattern
    return "none needed" if total_tokens == 0 else "no price"


def _total(found: list[dict], key: str) -> int:
    return sum(group[key] for group in found)


def _row(context: ReportContext, model: str, found: list[dict]) -> dict:
    price = context.prices.find(None if model == NO_MODEL else model)
    return {
        "model": model,
        "price": price_label(price, _total(found, "total_tokens")),
        "runs": _total(found, "token_runs"),
        "input_tokens": _total(found, "input_tokens"),
        "output_tokens": _total(found, "output_tokens"),
        "cache_read_tokens": _total(found, "cache_hit_tokens"),
        "cache_write_tokens": _total(found, "cache_creation_tokens"),
        "total_tokens": _total(found, "total_tokens"),
        "cost_usd": sum_costs(group["cost"] for group in found),
    }


def build(context: ReportContext) -> SectionData:
    priced = [group for group in groups(context) if group["token_runs"]]
    by_model = group_by(priced, lambda group: group["model"] or NO_MODEL)
    rows = [_row(context, model, found) for model, found in by_model.items()]
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
