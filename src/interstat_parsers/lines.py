"""Reading a transcript's complete lines as bytes, in bounded memory.

Claude Code appends one JSON object and a newline per write, so a last line
without its newline may still be growing: it is reported as ``truncated`` and
not consumed, and the next read starts at it again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import attrs

#: A line longer than this is skipped unread: nothing Claude Code writes is useful
#: at that size, and holding it would let one line exhaust memory.
MAX_LINE_BYTES = 64 * 1024 * 1024

_DISCARD_CHUNK = 1024 * 1024
#: Read buffer: with the default 8 KiB, lines of many KB are assembled from
#: several reads and ``readline`` costs several times the bytes it returns.
_READ_BUFFER = 1024 * 1024
_BOM = b"\xef\xbb\xbf"


class RawLine(NamedTuple):
    """One complete line without its newline; ``number`` counts from 1."""

    number: int
    offset: int
    data: bytes


_new_line = tuple.__new__


class BadLine(NamedTuple):
    """A line that cannot be read as data: ``truncated`` or ``too-long``."""

    number: int
    offset: int
    reason: str


@attrs.define
class LineReader:
    """Iterates the lines of ``path`` from byte ``start``.

    ``consumed`` is the offset just after the last complete line handed out
    (or skipped as too long): where the next read must start.
    """

    path: Path
    start: int = 0
    max_line_bytes: int = MAX_LINE_BYTES
    consumed: int = attrs.field(init=False, default=0)

    def __iter__(self) -> Iterator[RawLine | BadLine]:
        self.start = max(self.start, 0)
        self.consumed = self.start
        with open(self.path, "rb", buffering=_READ_BUFFER) as stream:
            stream.seek(self.start)
            yield from self._lines(stream)

    def _lines(self, stream) -> Iterator[RawLine | BadLine]:
        limit = self.max_line_bytes + 1
        number = 0
        while True:
            data = stream.readline(limit)
            if not data:
                return
            number += 1
            offset = self.consumed
            if data.endswith(b"\n"):
                self.consumed += len(data)
                if offset:
                    # tuple.__new__ directly: the NamedTuple constructor is a
                    # Python function, and this runs once per line.
                    yield _new_line(RawLine, (number, offset, data[:-1]))
                else:
                    yield self._complete(number, offset, data[:-1])
            elif len(data) < limit:
                yield BadLine(number, offset, "truncated")
                return
            else:
                rest = _discard_line(stream)
                if rest is None:
                    yield BadLine(number, offset, "truncated")
                    return
                self.consumed += len(data) + rest
                yield BadLine(number, offset, "too-long")

    def _complete(self, number: int, offset: int, data: bytes) -> RawLine:
        if offset == 0 and data.startswith(_BOM):
            return RawLine(number, len(_BOM), data[len(_BOM):])
        return RawLine(number, offset, data)


def _discard_line(stream) -> int | None:
    """Skip to just after the next newline; its byte count, or None at end of file."""
    skipped = 0
    while True:
        data = stream.readline(_DISCARD_CHUNK)
        if not data:
            return None
        skipped += len(data)
        if data.endswith(b"\n"):
            return skipped
