"""Prices per model and what a run cost.

The bundled table (``prices.toml``, shipped in the wheel) is merged with the
user's ``[prices."glob"]`` tables. A run whose model has no price, or whose
peak context is above the range its price covers, has an unknown cost
(``None``), never zero; sums that include an unknown cost are unknown too.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from importlib.resources import files
from typing import Any, Protocol

import attrs

from interstat.errors import ConfigError
from interstat_reports.config import tomllib

RATE_FIELDS = ("input", "output", "cache_read", "cache_write_5m", "cache_write_1h")
OPTIONAL_FIELDS = ("name", "max_context_tokens")
PER_TOKENS = 1_000_000


class TokenCounts(Protocol):
    input_tokens: int | None
    output_tokens: int | None
    cache_hit_tokens: int | None
    cache_creation_tokens: int | None
    cache_creation_5m_tokens: int | None
    cache_creation_1h_tokens: int | None
    peak_context_tokens: int | None
    total_tokens: int | None


@attrs.frozen
class Price:
    """US dollars per million tokens for the models ``pattern`` matches."""

    pattern: str
    input: float
    output: float
    cache_read: float
    cache_write_5m: float
    cache_write_1h: float
    name: str = ""
    max_context_tokens: int | None = None
    origin: str = "bundled"

    @property
    def specificity(self) -> int:
        return sum(1 for char in self.pattern if char not in "*?[]")

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
    checked: str
    source: str
    # A report prices a million runs of a handful of models: match each once.
    _found: dict[str, Price | None] = attrs.field(
        factory=dict, init=False, eq=False, repr=False
    )

    def find(self, model: str | None) -> Price | None:
        """The most specific price whose pattern matches ``model``; user prices win ties."""
        if not model:
            return None
        if model not in self._found:
            self._found[model] = self._match(model)
        return self._found[model]

    def _match(self, model: str) -> Price | None:
        matching = [price for price in self.prices if fnmatch.fnmatchcase(model, price.pattern)]
        if not matching:
            return None
        return max(matching, key=lambda price: (price.specificity, price.origin == "config"))

    def cost(self, model: str | None, run: TokenCounts) -> float | None:
        """A run's cost: 0 for a run with no tokens, None when it cannot be priced."""
        if not run.total_tokens:
            return 0.0
        price = self.find(model)
        return price.cost(run) if price else None


def sum_costs(costs: Iterable[float | None]) -> float | None:
    """The total, or None as soon as one part is unknown."""
    total = 0.0
    for cost in costs:
        if cost is None:
            return None
        total += cost
    return total


def _price(pattern: str, fields: Mapping[str, Any], origin: str, where: str) -> Price:
    unknown = set(fields) - set(RATE_FIELDS) - set(OPTIONAL_FIELDS)
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    missing = [name for name in RATE_FIELDS if name not in fields]
    if missing:
        raise ConfigError(f"{where}: missing {', '.join(missing)} (dollars per million tokens)")
    for name in RATE_FIELDS:
        value = fields[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ConfigError(f"{where}.{name} must be a number of dollars >= 0, not {value!r}")
    limit = fields.get("max_context_tokens")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
        raise ConfigError(f"{where}.max_context_tokens must be a whole number")
    return Price(
        pattern=pattern,
        name=str(fields.get("name", "")),
        max_context_tokens=limit,
        origin=origin,
        **{name: float(fields[name]) for name in RATE_FIELDS},
    )


def bundled_table() -> dict[str, Any]:
    resource = files("interstat_reports").joinpath("prices.toml")
    with resource.open("rb") as handle:
        return tomllib.load(handle)


def build_price_table(
    overrides: Mapping[str, Mapping[str, Any]] | None = None, where: str = "config.toml"
) -> PriceTable:
    """The bundled prices with the user's tables merged in, field by field."""
    bundled = bundled_table()
    merged: dict[str, tuple[dict[str, Any], str]] = {
        pattern: (dict(fields), "bundled") for pattern, fields in bundled["prices"].items()
    }
    for pattern, fields in (overrides or {}).items():
        if not isinstance(fields, Mapping):
            raise ConfigError(f'{where}: prices."{pattern}" must be a table of rates')
        base = merged.get(pattern, ({}, "config"))[0]
        merged[pattern] = ({**base, **fields}, "config")
    prices = tuple(
        _price(pattern, fields, origin, f'{where}: prices."{pattern}"')
        for pattern, (fields, origin) in merged.items()
    )
    meta = bundled.get("meta", {})
    return PriceTable(prices, str(meta.get("checked", "")), str(meta.get("source", "")))
