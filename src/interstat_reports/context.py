"""What every report section receives: the store, the filters, thresholds and prices."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from interstat.config import Thresholds
from interstat.filters import Filters, where_clause
from interstat.prices import PriceTable, price_table
from interstat_reports.percentiles import METHOD, METHOD_DESCRIPTION
from interstat_reports.runs import Run, load_runs

Value = TypeVar("Value")

_MAIN_TOKENS = (
    "SELECT session_id, SUM(total_tokens) FROM api_calls"
    " WHERE owner = 'main' AND synthetic = 0 GROUP BY session_id"
)


@attrs.define
class ReportContext:
    """The input of every section's ``build``.

    ``conn`` is a read connection to the store, inside one read transaction
    for the whole report. A section either aggregates in SQL under
    ``where(...)``, which honours ``filters`` (what the built-in sections do:
    no run is loaded into Python), or reads the loaded runs (``runs``,
    ``dispatched``, ``internal``, ``token_runs``), loaded on first use only.
    """

    conn: sqlite3.Connection
    filters: Filters = attrs.field(factory=Filters)
    thresholds: Thresholds = attrs.field(factory=Thresholds)
    prices: PriceTable = attrs.field(factory=price_table)
    percentile_method: str = METHOD
    percentile_description: str = METHOD_DESCRIPTION
    # Loaded and split once: every section asks, and a store may hold millions.
    _runs: list[Run] | None = attrs.field(default=None, init=False)
    _subsets: dict[str, list[Run]] = attrs.field(factory=dict, init=False)
    _costs: dict[int, float | None] = attrs.field(factory=dict, init=False)
    _shared: dict[str, Any] = attrs.field(factory=dict, init=False)

    def where(self, *conditions: str) -> tuple[str, list[Any]]:
        """``" WHERE ..."`` over ``agent_runs`` for the filters, and its parameters.

        ``conditions`` are fixed SQL from the caller's code, such as
        ``"kind = 'dispatched'"``; values always go in parameters.
        """
        sql, values = where_clause(self.filters, extra=conditions)
        return sql, values

    def shared(self, key: str, compute: Callable[[ReportContext], Value]) -> Value:
        """``compute(self)``, computed once per report: sections share aggregates."""
        if key not in self._shared:
            self._shared[key] = compute(self)
        return self._shared[key]

    def runs(self) -> list[Run]:
        """Every filtered run of every kind, loaded on first use."""
        if self._runs is None:
            self._runs = load_runs(self.conn, self.filters)
        return self._runs

    def dispatched(self) -> list[Run]:
        """Sub-agent runs that a tool call started: the runs every section counts."""
        if "dispatched" not in self._subsets:
            self._subsets["dispatched"] = [run for run in self.runs() if run.dispatched]
        return self._subsets["dispatched"]

    def internal(self) -> list[Run]:
        """Side transcripts (compaction, /btw questions, warm-ups): shown apart."""
        if "internal" not in self._subsets:
            self._subsets["internal"] = [run for run in self.runs() if not run.dispatched]
        return self._subsets["internal"]

    def token_runs(self) -> list[Run]:
        """Dispatched runs with exact token counts: what percentiles and costs use."""
        if "tokens" not in self._subsets:
            self._subsets["tokens"] = [run for run in self.dispatched() if run.has_tokens]
        return self._subsets["tokens"]

    def cost(self, run: Run) -> float | None:
        """Dollars for ``run``: 0.0 without tokens, None when it cannot be priced."""
        # Several sections price the same run; each is priced once.
        try:
            return self._costs[run.run_id]
        except KeyError:
            cost = self._costs[run.run_id] = self.prices.cost(run.model, run)
            return cost

    def main_thread_tokens(self, session_ids: Iterable[str]) -> dict[str, int]:
        """Tokens of each session's own (main thread) API calls."""
        # One grouped query instead of one per session: reports cover many.
        totals = dict(self.conn.execute(_MAIN_TOKENS).fetchall())
        return {session: totals.get(session) or 0 for session in session_ids}
