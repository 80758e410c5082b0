"""What every report section receives: the store, the filters, thresholds and prices."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

import attrs

from interstat.config import Thresholds
from interstat.filters import Filters
from interstat.prices import PriceTable, price_table
from interstat_reports.percentiles import METHOD, METHOD_DESCRIPTION
from interstat_reports.runs import Run, load_runs

_MAIN_TOKENS = (
    "SELECT COALESCE(SUM(total_tokens), 0) FROM api_calls"
    " WHERE session_id = ? AND owner = 'main' AND synthetic = 0"
)


@attrs.define
class ReportContext:
    """The input of every section's ``build``.

    ``conn`` is a read connection to the store. Sections should use the
    loaded runs (``runs``, ``dispatched``, ``internal``, ``token_runs``), which
    already honour ``filters``, rather than query ``agent_runs`` themselves.
    """

    conn: sqlite3.Connection
    filters: Filters = attrs.field(factory=Filters)
    thresholds: Thresholds = attrs.field(factory=Thresholds)
    prices: PriceTable = attrs.field(factory=price_table)
    percentile_method: str = METHOD
    percentile_description: str = METHOD_DESCRIPTION
    _runs: list[Run] | None = attrs.field(default=None, init=False)

    def runs(self) -> list[Run]:
        """Every filtered run of every kind, loaded on first use."""
        if self._runs is None:
            self._runs = load_runs(self.conn, self.filters)
        return self._runs

    def dispatched(self) -> list[Run]:
        """Sub-agent runs that a tool call started: the runs every section counts."""
        return [run for run in self.runs() if run.dispatched]

    def internal(self) -> list[Run]:
        """Side transcripts (compaction, /btw questions, warm-ups): shown apart."""
        return [run for run in self.runs() if not run.dispatched]

    def token_runs(self) -> list[Run]:
        """Dispatched runs with exact token counts: what percentiles and costs use."""
        return [run for run in self.dispatched() if run.has_tokens]

    def cost(self, run: Run) -> float | None:
        """Dollars for ``run``: 0.0 without tokens, None when it cannot be priced."""
        return self.prices.cost(run.model, run)

    def main_thread_tokens(self, session_ids: Iterable[str]) -> dict[str, int]:
        """Tokens of each session's own (main thread) API calls."""
        return {
            session: self.conn.execute(_MAIN_TOKENS, (session,)).fetchone()[0]
            for session in session_ids
        }
