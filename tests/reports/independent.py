"""Expected numbers computed from expected.json with simple code of the tests' own."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

PRICES_FILE = Path(__file__).resolve().parents[2] / "src/interstat/prices.toml"


def percentile(values: list[int], percent: int) -> int | None:
    """Smallest value with at least percent% of the values at or below it."""
    ordered = sorted(values)
    for value in ordered:
        if sum(1 for item in ordered if item <= value) * 100 >= percent * len(ordered):
            return value
    return None


def by_agent(runs: list[dict]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for run in runs:
        groups[run["agent_name"]].append(run)
    return dict(groups)


def opus_rates() -> dict[str, float]:
    """The bundled rates for claude-opus-5-5, read straight from prices.toml."""
    with PRICES_FILE.open("rb") as handle:
        return tomllib.load(handle)["prices"]["claude-opus-5-5*"]


def cost(run: dict, rates: dict[str, float]) -> float:
    # expected.json has no 5m/1h split: all cache writes are priced at the 5m rate.
    return (
        run["input_tokens"] * rates["input"]
        + run["output_tokens"] * rates["output"]
        + run["cache_hit_tokens"] * rates["cache_read"]
        + run["cache_creation_tokens"] * rates["cache_write_5m"]
    ) / 1_000_000


def opus_cost(runs: list[dict]) -> float | None:
    """Cost of runs when every run with tokens is on claude-opus-5-5, else None."""
    rates = opus_rates()
    total = 0.0
    for run in runs:
        if run["total_tokens"] == 0:
            continue
        if run["model"] != "claude-opus-5-5":
            return None
        total += cost(run, rates)
    return total
