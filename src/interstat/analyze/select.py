"""Choosing the one parser that reads a file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interstat.errors import FormatError

if TYPE_CHECKING:
    from interstat.registry import SourceFile, TranscriptParser

#: Bytes read from the start of a file to recognise its format.
HEAD_BYTES = 64 * 1024


def read_head(path, size: int) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(min(size, HEAD_BYTES))


def choose_parser(source: SourceFile, parsers: list[TranscriptParser]) -> TranscriptParser:
    """The single parser that recognises ``source``.

    A parser that raises while recognising is a bug in that parser: it is
    reported by name instead of being taken for "not mine".
    """
    accepted = []
    for parser in parsers:
        try:
            if parser.recognises(source):
                accepted.append(parser)
        except Exception as error:
            raise FormatError(
                f"parser {parser.name!r} failed on {source.path}: {error!r}"
            ) from error
    if len(accepted) == 1:
        return accepted[0]
    if not accepted:
        eras = ", ".join(f"{p.name} ({p.era})" for p in parsers) or "none loaded"
        raise FormatError(f"unknown format; known eras: {eras}")
    names = ", ".join(parser.name for parser in accepted)
    raise FormatError(f"several parsers claim this file: {names}; block one of them")
