"""Nearest-rank percentiles against values worked out by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interstat_reports.percentiles import nearest_rank, percentiles


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # n=1: every percentile is the one value.
        ([7], {50: 7, 90: 7, 99: 7}),
        # n=2: p50 -> rank ceil(1.0)=1; p90 -> ceil(1.8)=2; p99 -> ceil(1.98)=2.
        ([20, 10], {50: 10, 90: 20, 99: 20}),
        # n=3 sorted [1, 5, 9]: p50 -> ceil(1.5)=2; p90 -> ceil(2.7)=3; p99 -> ceil(2.97)=3.
        ([5, 1, 9], {50: 5, 90: 9, 99: 9}),
        # n=10 sorted [10..100]: p10 -> 1, p25 -> ceil(2.5)=3, p50 -> 5, p90 -> 9,
        # p99 -> ceil(9.9)=10, p100 -> 10.
        (
            [70, 10, 100, 40, 20, 90, 30, 60, 50, 80],
            {10: 10, 25: 30, 50: 50, 90: 90, 99: 100, 100: 100},
        ),
    ],
)
def test_percentiles_match_hand_computed_ranks(values, expected):
    wanted = list(expected)
    assert percentiles(values, wanted) == [expected[p] for p in wanted]


def test_no_values_have_no_percentile():
    assert nearest_rank([], 99) is None


@pytest.mark.parametrize("percent", [0, -1, 100.5])
def test_percent_outside_range_is_refused(percent):
    with pytest.raises(ValueError):
        nearest_rank([1, 2, 3], percent)


def share_at_or_below(values: list[int], value: int) -> int:
    return sum(1 for item in values if item <= value)


@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=300), st.integers(1, 100))
def test_nearest_rank_is_smallest_value_covering_the_share(values, percent):
    # Definition checked independently with integer arithmetic: the result is
    # the smallest observed value with at least percent% of values at or below it.
    result = nearest_rank(sorted(values), percent)
    assert result in values
    assert share_at_or_below(values, result) * 100 >= percent * len(values)
    smaller = [value for value in values if value < result]
    if smaller:
        assert share_at_or_below(values, max(smaller)) * 100 < percent * len(values)
