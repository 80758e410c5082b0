"""How a value looks in text: one place, so table, Markdown and notes agree."""

from __future__ import annotations

from typing import Any

UNKNOWN = "unknown"
MISSING = "-"


def kind_of_fact(key: str, value: Any) -> str:
    """Facts carry no column kind; their name says it (``*_usd``, ``*_pct``)."""
    if key.endswith("_usd"):
        return "usd"
    if key.endswith("_pct"):
        return "pct"
    return "text"


def format_usd(value: float) -> str:
    # Per-run and per-finding costs are often cents: keep four decimals there.
    return f"${value:,.4f}" if abs(value) < 10 else f"${value:,.2f}"


def format_value(value: Any, kind: str = "text") -> str:
    """A cell or fact as text; None is "unknown" for money and "-" elsewhere."""
    if value is None:
        return UNKNOWN if kind == "usd" else MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if kind == "usd":
        return format_usd(value)
    if kind == "pct":
        return f"{value}%"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value) or "none"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,}"
    return str(value)


def fact_label(key: str) -> str:
    """``total_cost_usd`` -> ``Total cost (USD)``; ``parsed_pct`` -> ``Parsed (%)``."""
    suffix = ""
    for ending, shown in (("_usd", " (USD)"), ("_pct", " (%)"), ("_utc", " (UTC)")):
        if key.endswith(ending):
            key, suffix = key[: -len(ending)], shown
    words = key.replace("_", " ")
    return words[:1].upper() + words[1:] + suffix


def report_header(report) -> list[str]:
    """The lines that say what a report was built from."""
    context = report.context
    active = {k: v for k, v in context.filters.to_dict().items() if v}
    filters = "; ".join(
        f"{name}={', '.join(value) if isinstance(value, list) else value}"
        for name, value in active.items()
    )
    return [
        f"Generated {report.generated_at} (UTC). Filters: {filters or 'none'}.",
        f"Percentiles: {context.percentile_description}.",
    ]
