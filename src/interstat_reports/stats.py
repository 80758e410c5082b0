"""Small arithmetic shared by the sections: shares, means, grouping."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

Item = TypeVar("Item")
Key = TypeVar("Key", bound=Hashable)


def share_pct(part: int | float, whole: int | float) -> float | None:
    """``part`` as a percentage of ``whole``, one decimal; None when whole is 0."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


def mean(values: Iterable[int | float | None], digits: int = 1) -> float | None:
    """Mean of the known values, rounded; None when none is known."""
    known = [value for value in values if value is not None]
    if not known:
        return None
    return round(sum(known) / len(known), digits)


def seconds(milliseconds: int | float | None) -> float | None:
    return None if milliseconds is None else round(milliseconds / 1000, 1)


def group_by(items: Iterable[Item], key: Callable[[Item], Key]) -> dict[Key, list[Item]]:
    """Items grouped by ``key``, groups in order of first appearance."""
    groups: dict[Key, list[Item]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return dict(groups)




def short_id(value: str | None, length: int = 8) -> str:
    """The start of an id, enough to find it again in a table."""
    if not value:
        return "-"
    return value if len(value) <= length else value[:length]
