"""Nearest-rank percentiles read from an index in order, one value per query.

The p-th percentile of a group of n runs is its value at rank k
(``percentiles.rank``). With an index on (group, value), SQLite reaches it
by stepping k entries from the group's smallest value, or n - k from its
largest, whichever is fewer: no run is loaded and nothing is sorted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from interstat_reports.context import ReportContext
from interstat_reports.percentiles import rank
from interstat_reports.sql import TOKEN_RUN_TERMS

_NTH = (
    "SELECT {column} FROM agent_runs INDEXED BY {index}{where}"
    " ORDER BY {column} {direction} LIMIT 1 OFFSET ?"
)


def token_run_percentiles(
    context: ReportContext,
    column: str,
    index: str,
    count: int,
    percents: Sequence[float],
    condition: tuple[str, list[Any]] | None = None,
) -> list:
    """Percentiles of ``column`` over the ``count`` filtered token runs ``condition`` picks.

    ``column`` and ``index`` are names from our code: a partial index on the
    token runs whose last column is ``column``, led by the columns
    ``condition`` fixes (an ``agent_name`` index for one agent's runs).
    ``count`` must be the number of runs the condition and filters select.
    """
    if count == 0:
        return [None for _ in percents]
    extra, values = condition or ("", [])
    # where_clause puts the fixed conditions first: their values go first.
    where, filter_values = context.where(*TOKEN_RUN_TERMS, *([extra] if extra else []))
    found = []
    for percent in percents:
        position = rank(count, percent) - 1
        from_top = count - 1 - position
        direction = "DESC" if from_top < position else "ASC"
        offset = from_top if direction == "DESC" else position
        sql = _NTH.format(column=column, index=index, where=where, direction=direction)
        row = context.conn.execute(sql, [*values, *filter_values, offset]).fetchone()
        found.append(None if row is None else row[0])
    return found
