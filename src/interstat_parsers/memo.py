"""Remembering the answer for the object asked about last.

The host asks every parser about the same file in a row, and recognising a
file then reading it asks again about the same head: the last answer,
recognised by the object's identity, spares the work. Hashing the object
instead would cost more than the answer (a head is up to 64 KiB).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

Argument = TypeVar("Argument")
Answer = TypeVar("Answer")


def remember_last(function: Callable[[Argument], Answer]) -> Callable[[Argument], Answer]:
    last: list = []

    @functools.wraps(function)
    def answer_for(argument: Argument) -> Answer:
        if last and last[0] is argument:
            return last[1]
        answer = function(argument)
        last[:] = [argument, answer]
        return answer

    return answer_for
