"""Registers the built-in parsers through the ``interstat`` entry-point group."""

from __future__ import annotations

from collections.abc import Callable

from interstat import hookimpl
from interstat.registry import TranscriptParser
from interstat_parsers import flat, inline, subagents

BUILTIN_PARSERS = (inline.PARSER, flat.PARSER, subagents.PARSER)


@hookimpl
def interstat_register_parsers(register: Callable[[TranscriptParser], None]) -> None:
    """Every era's parser; the host asks each which files it recognises."""
    for parser in BUILTIN_PARSERS:
        register(parser)
