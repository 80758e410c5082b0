"""Sums per agent and model over the filtered dispatched runs, one query per report.

Summary, agents, context-limits, findings and models all read these few
rows (one per stored agent name and model), computed once by ``groups``
from one pass over the covering index ``idx_runs_report_agents``. SQL sums
plain columns per class of runs (the index's order); Python adds the
classes up by what ``Run.has_tokens`` and the sections ask. Sums of no
rows are 0, as Python's ``sum`` gives; maxima of no rows are None.
"""

from __future__ import annotations

from typing import Any

import attrs

from interstat.prices import PriceTable
from interstat_reports.context import ReportContext
from interstat_reports.runs import HOOK_ESTIMATE
from interstat_reports.sql import DISPATCHED_SQL

#: The classes the index idx_runs_report_agents sorts a group's runs into,
#: after tokens_source (its expressions, word for word).
_CLASSES = (
    "(total_tokens IS NULL OR peak_context_tokens IS NULL)",
    "(findings IS NULL)",
    "(total_tokens = 0)",
)
_FIVE = "COALESCE(cache_creation_5m_tokens, 0)"
_HOUR = "COALESCE(cache_creation_1h_tokens, 0)"
# A cache write without the 5m/1h split had the default lifetime, 5 minutes;
# the unsplit part is worked out per run, as Price.cost does, then summed.
_WRITE_5M = f"{_FIVE} + MAX(COALESCE(cache_creation_tokens, 0) - {_FIVE} - {_HOUR}, 0)"

#: (key, aggregate) per class of runs: plain sums, no condition per row.
_SUMS = (
    ("runs", "COUNT(*)"),
    ("wall_ms", "SUM(wall_clock_ms)"),
    ("timed", "COUNT(wall_clock_ms)"),
    ("total_tokens", "SUM(total_tokens)"),
    ("api_calls", "SUM(api_calls)"),
    ("with_api_calls", "COUNT(api_calls)"),
    ("max_peak", "MAX(peak_context_tokens)"),
    ("input_tokens", "SUM(input_tokens)"),
    ("output_tokens", "SUM(output_tokens)"),
    ("cache_hit_tokens", "SUM(cache_hit_tokens)"),
    ("cache_creation_tokens", "SUM(cache_creation_tokens)"),
    ("write_5m", f"SUM({_WRITE_5M})"),
    ("write_1h", f"SUM({_HOUR})"),
    ("findings", "SUM(findings)"),
)
#: Sums over every run, over token runs, and over token runs with findings.
_RUN_KEYS = ("runs", "wall_ms", "timed")
_TOKEN_KEYS = ("total_tokens", "api_calls", "with_api_calls", "input_tokens",
               "output_tokens", "cache_hit_tokens", "cache_creation_tokens")
#: What pricing reads, summed over the runs that cost something.
_PRICED_KEYS = ("input_tokens", "output_tokens", "cache_hit_tokens", "write_5m",
                "write_1h", "total_tokens")


@attrs.frozen
class TokenSums:
    """A group's tokens in the shape ``Price.cost`` reads (``prices.TokenCounts``)."""

    input_tokens: int
    output_tokens: int
    cache_hit_tokens: int
    cache_creation_5m_tokens: int
    cache_creation_1h_tokens: int
    peak_context_tokens: int | None
    total_tokens: int

    @property
    def cache_creation_tokens(self) -> int:
        # The unsplit writes are already in the 5m sum: nothing is left unsplit.
        return self.cache_creation_5m_tokens + self.cache_creation_1h_tokens


def _cost(prices: PriceTable, model: str | None, sums: dict[str, int],
          peak: int | None) -> float | None:
    """Dollars for runs whose tokens ``sums`` adds up (0 when there are none).

    Prices are linear in each token class, so the sum of the runs costs what
    their costs add up to; the highest peak decides whether the price's
    context range covers every one of them.
    """
    if not sums["total_tokens"]:
        return 0.0
    tokens = TokenSums(sums["input_tokens"], sums["output_tokens"], sums["cache_hit_tokens"],
                       sums["write_5m"], sums["write_1h"], peak, sums["total_tokens"])
    return prices.cost(model, tokens)


def _new_group(agent_name: str | None, model: str | None) -> dict:
    group: dict[str, Any] = {"agent_name": agent_name, "model": model, "hook_estimates": 0,
                             "token_runs": 0, "counted_runs": 0, "counted_tokens": 0,
                             "findings": 0, "max_peak": None}
    group.update({key: 0 for key in (*_RUN_KEYS, *_TOKEN_KEYS)})
    group["priced"] = dict.fromkeys(_PRICED_KEYS, 0)
    group["counted_priced"] = dict.fromkeys(_PRICED_KEYS, 0)
    group["priced_peak"] = group["counted_peak"] = None
    return group


def _higher(first: int | None, second: int | None) -> int | None:
    return second if first is None else first if second is None else max(first, second)


def _add(group: dict, sums: dict, counted: bool, priced: bool) -> None:
    """Add one class of token runs to its group."""
    group["token_runs"] += sums["runs"]
    for key in _TOKEN_KEYS:
        group[key] += sums[key]
    group["max_peak"] = _higher(group["max_peak"], sums["max_peak"])
    for prefix, included in (("", priced), ("counted_", counted and priced)):
        if included:
            for key in _PRICED_KEYS:
                group[f"{prefix}priced"][key] += sums[key]
            peak = f"{prefix or 'priced_'}peak"
            group[peak] = _higher(group[peak], sums["max_peak"])
    if counted:
        group["counted_runs"] += sums["runs"]
        group["counted_tokens"] += sums["total_tokens"]
        group["findings"] += sums["findings"]


def _query(context: ReportContext) -> list[dict[str, Any]]:
    where, values = context.where(DISPATCHED_SQL)
    classes = ", ".join(_CLASSES)
    sql = (
        f"SELECT agent_name, model, tokens_source, {classes},"
        f" {', '.join(aggregate for _, aggregate in _SUMS)}"
        f" FROM agent_runs{where} GROUP BY agent_name, model, tokens_source, {classes}"
    )
    keys = [key for key, _ in _SUMS]
    found: dict[tuple, dict] = {}
    for agent_name, model, source, incomplete, uncounted, zero, *row in context.conn.execute(
        sql, values
    ):
        sums = {key: 0 if value is None else value for key, value in zip(keys, row)}
        sums["max_peak"] = row[keys.index("max_peak")]
        group = found.get((agent_name, model))
        if group is None:
            group = found[(agent_name, model)] = _new_group(agent_name, model)
        for key in _RUN_KEYS:
            group[key] += sums[key]
        if source == HOOK_ESTIMATE:
            group["hook_estimates"] += sums["runs"]
        if source is not None and source != HOOK_ESTIMATE and not incomplete:
            _add(group, sums, counted=not uncounted, priced=not zero)
    for group in found.values():
        model = group["model"]
        group["cost"] = _cost(context.prices, model, group["priced"], group["priced_peak"])
        group["counted_cost"] = _cost(
            context.prices, model, group["counted_priced"], group["counted_peak"])
    return list(found.values())


def groups(context: ReportContext) -> list[dict[str, Any]]:
    """One dict per stored (agent_name, model) among the filtered dispatched runs.

    Keys: ``agent_name`` and ``model`` as stored; counts of every run
    (``runs hook_estimates``, ``wall_ms`` over ``timed`` runs); sums over
    token runs (``token_runs total_tokens api_calls`` over
    ``with_api_calls``, ``max_peak``, the four token classes, ``cost``); and
    over token runs with a findings count (``counted_runs findings
    counted_tokens counted_cost``). Each aggregate costs time on every row
    of a million: what only a total needs is counted from an index instead.
    A cost is None when some run of the group cannot be priced.
    """
    return context.shared("groups", _query)
