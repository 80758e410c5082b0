"""Prices per model and what a run cost.

The bundled list (``prices.toml``, shipped in the wheel) holds interstat's
default prices; ``interstat.config`` lays the user's ``[prices."glob"]``
tables over it with ``price_table``. A run whose model has no price, or whose
peak context is above the range its price covers, has an unknown cost
(``None``), never zero; sums that include an unknown cost are unknown too.
"""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Iterable, Mapping
from importlib.resources import files
from typing import Any, Protocol

import attrs

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

RATE_FIELDS = ("input", "output", "cache_read", "cache_write_5m", "cache_write_1h")
PER_TOKENS = 1_000_000

#: Where a price came from, in the words ``interstat config`` uses for sources.
BUNDLED, USER = "default", "file"


class TokenCounts(Protocol):
    input_tokens: int | None
    output_tokens: int | None
    cache_hit_tokens: int | None
    cache_creation_tokens: int | None
    cache_creation_5m_tokens: int | None
    cache_creation_1h_tokens: int | None
    peak_context_tokens: int | None
    total_tokens: int | None


class IncompletePrice(ValueError):
    """A user's price for a model the bundled list lacks leaves out some rates."""

    def __init__(self, pattern: str, missing: list[str]) -> None:
        super().__init__(f"missing {', '.join(missing)} (dollars per million tokens)")
        self.pattern = pattern


@attrs.frozen
class Price:
    """US dollars per million tokens of each kind, for the models ``pattern`` matches."""

    pattern: str
    input: float
    output: float
    cache_read: float
    cache_write_5m: float
    cache_write_1h: float
    name: str = ""
    #: The price holds only for runs whose peak context is at most this.
    max_context_tokens: int | None = None
    origin: str = BUNDLED

    @property
    def specificity(self) -> int:
        return sum(1 for char in self.pattern if char not in "*?[]")

    def shown(self) -> dict[str, Any]:
        """The rates, plus the name and context limit when set, as plain values."""
        shown: dict[str, Any] = {field: getattr(self, field) for field in RATE_FIELDS}
        if self.name:
            shown["name"] = self.name
        if self.max_context_tokens is not None:
            shown["max_context_tokens"] = self.max_context_tokens
        return shown

    def cost(self, run: TokenCounts) -> float | None:
        """Dollars for the run's tokens; None when its context is beyond this price."""
        peak = run.peak_context_tokens or 0
        if self.max_context_tokens is not None and peak > self.max_context_tokens:
            return None
        cache_5m = run.cache_creation_5m_tokens or 0
        cache_1h = run.cache_creation_1h_tokens or 0
        # Without the 5m/1h split (older transcripts) a cache write had the
        # API's default lifetime, five minutes.
        unsplit = max((run.cache_creation_tokens or 0) - cache_5m - cache_1h, 0)
        dollars = (
            (run.input_tokens or 0) * self.input
            + (run.output_tokens or 0) * self.output
            + (run.cache_hit_tokens or 0) * self.cache_read
            + (cache_5m + unsplit) * self.cache_write_5m
            + cache_1h * self.cache_write_1h
        )
        return dollars / PER_TOKENS


@attrs.frozen
class PriceTable:
    prices: tuple[Price, ...]
    #: When the bundled list prices were last checked (ISO date).
    checked: str
    source: str
    #: When the user says their own prices were checked ("" when not stated).
    user_checked: str = ""

    def find(self, model: str | None) -> Price | None:
        """The price for ``model``: an exact pattern, else the most specific glob.

        Of two equally specific patterns the user's wins over the bundled one.
        """
        if not model:
            return None
        matching = [price for price in self.prices if fnmatch.fnmatchcase(model, price.pattern)]
        if not matching:
            return None
        return max(matching, key=lambda price: (
            price.pattern == model, price.specificity, price.origin == USER))

    def cost(self, model: str | None, run: TokenCounts) -> float | None:
        """A run's cost: 0 for a run with no tokens, None when it cannot be priced."""
        if not run.total_tokens:
            return 0.0
        price = self.find(model)
        return price.cost(run) if price else None

    def user_prices(self) -> tuple[Price, ...]:
        return tuple(price for price in self.prices if price.origin == USER)


def sum_costs(costs: Iterable[float | None]) -> float | None:
    """The total, or None as soon as one part is unknown."""
    total = 0.0
    for cost in costs:
        if cost is None:
            return None
        total += cost
    return total


@functools.lru_cache(maxsize=1)
def _bundled() -> dict[str, Any]:
    # Cached and never mutated: callers copy what they change.
    with files("interstat").joinpath("prices.toml").open("rb") as handle:
        return tomllib.load(handle)


def _price(pattern: str, fields: Mapping[str, Any], origin: str) -> Price:
    rates = {name: float(fields[name]) for name in RATE_FIELDS}
    return Price(pattern=pattern, name=str(fields.get("name", "")),
                 max_context_tokens=fields.get("max_context_tokens"), origin=origin, **rates)


def price_table(
    overrides: Mapping[str, Mapping[str, Any]] | None = None, user_checked: str = ""
) -> PriceTable:
    """The bundled prices with ``overrides`` (already type-checked) merged in, field by field.

    A pattern the bundled list has keeps the fields an override leaves out; a
    new pattern needs every rate, else ``IncompletePrice``.
    """
    bundled = _bundled()
    merged: dict[str, tuple[dict[str, Any], str]] = {
        pattern: (dict(fields), BUNDLED) for pattern, fields in bundled["prices"].items()
    }
    for pattern, fields in (overrides or {}).items():
        base = merged.get(pattern, ({}, USER))[0]
        combined = {**base, **fields}
        missing = [name for name in RATE_FIELDS if name not in combined]
        if missing:
            raise IncompletePrice(pattern, missing)
        merged[pattern] = (combined, USER)
    meta = bundled.get("meta", {})
    return PriceTable(
        prices=tuple(_price(pattern, fields, origin)
                     for pattern, (fields, origin) in merged.items()),
        checked=str(meta.get("checked", "")),
        source=str(meta.get("source", "")),
        user_checked=user_checked,
    )
