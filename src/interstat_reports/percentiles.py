"""Percentiles by the nearest-rank method, the one method every report uses.

The p-th percentile of n sorted values is the value at 1-based rank
``ceil(p / 100 * n)`` (rank 1 when that is 0). It is always one of the
observed values, so token counts stay whole numbers, and it is defined for
any n >= 1: with 3 runs, p50 is the 2nd smallest and p90 and p99 the largest.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

METHOD = "nearest-rank"
METHOD_DESCRIPTION = (
    "nearest-rank: the p-th percentile of n sorted values is the value at rank ceil(p/100 x n)"
)


def rank(count: int, percent: float) -> int:
    """The 1-based rank of the ``percent``-th percentile among ``count`` >= 1 values."""
    if not 0 < percent <= 100:
        raise ValueError(f"percentile must be in (0, 100], not {percent}")
    # Rounding guards against 0.99 * 100 landing a hair above 99 in floating point.
    return max(math.ceil(round(percent * count / 100, 9)), 1)


def nearest_rank(sorted_values: Sequence[int | float], percent: float) -> int | float | None:
    """The ``percent``-th percentile of already sorted values; None when there are none."""
    position = rank(max(len(sorted_values), 1), percent)
    if not sorted_values:
        return None
    return sorted_values[position - 1]


def percentiles(values: Iterable[int | float], wanted: Sequence[float]) -> list:
    """Several percentiles of unsorted values, in the order asked."""
    ordered = sorted(values)
    return [nearest_rank(ordered, percent) for percent in wanted]
