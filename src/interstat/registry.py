"""The records a plugin registers: parsers, correlators, findings counters, sections.

Each hook in ``interstat.hookspecs`` receives a ``register`` callable and
passes it one of these frozen records. The host checks names for clashes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from interstat.records import Fact, RunTranscript


@attrs.frozen
class SourceFile:
    """A transcript file offered to the parsers.

    ``head`` holds the file's first bytes (up to 64 KiB), enough to recognise
    the format without reading the whole file. ``projects_dir`` is the
    ``projects/`` folder the file was found under.
    """

    path: Path
    projects_dir: Path
    head: bytes
    size: int


@attrs.frozen
class ParseRequest:
    """Parse ``source`` from byte ``start_offset`` (0 for the whole file).

    ``strict`` asks the parser to report fields and line types it does not
    know as skipped lines (reason ``unknown-...``), so tests see format drift.
    """

    source: SourceFile
    start_offset: int = 0
    strict: bool = False


@attrs.frozen
class TranscriptParser:
    """A reader for one era of Claude Code's transcript format.

    ``recognises`` must be cheap and must not raise for files of other eras.
    ``parse`` yields facts and ends with a ``ReadUpTo``. ``resumable`` says
    whether ``parse`` can start in the middle of a file; when false the host
    re-reads a grown file from the start (facts are idempotent).
    """

    name: str
    era: str
    recognises: Callable[[SourceFile], bool]
    parse: Callable[[ParseRequest], Iterable[Fact]]
    resumable: bool = True
    description: str = ""


@attrs.frozen
class Correlator:
    """Finds the stored run a transcript describes, when ids alone do not.

    ``find`` gets a read-only view of the store and the transcript's run; it
    returns the ``run_id`` of the matching ``agent_runs`` row, or ``None``.
    """

    name: str
    find: Callable[[sqlite3.Connection, RunTranscript], int | None]
    description: str = ""


@attrs.frozen
class FindingsCounter:
    """Counts findings in a sub-agent's final answer.

    ``count(text, agent_name)`` returns a number, or ``None`` for answers the
    counter does not handle so that the next counter is asked.
    """

    name: str
    count: Callable[[str, str | None], int | None]
    description: str = ""


@attrs.frozen
class Column:
    """One column of a report section: ``kind`` is text, int, float, usd or pct."""

    name: str
    title: str
    kind: str = "text"


@attrs.frozen
class SectionData:
    """What a report section found, independent of how it is rendered.

    ``rows`` are mappings keyed by column name. ``facts`` holds single values
    (a verdict, a count) for renderers that show them as a list. ``notes``
    are sentences shown under the section.
    """

    columns: Sequence[Column] = ()
    rows: Sequence[Mapping[str, Any]] = ()
    facts: Mapping[str, Any] = attrs.field(factory=dict)
    notes: Sequence[str] = ()


@attrs.frozen
class ReportSection:
    """A part of ``interstat report``; ``order`` sorts sections, smaller first."""

    name: str
    title: str
    description: str
    build: Callable[[Any], SectionData]
    order: int = 100
