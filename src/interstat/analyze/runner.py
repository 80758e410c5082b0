"""One analyze pass: every transcript file, read from where the last pass stopped.

The main process finds the files and skips those that did not change by size
and mtime alone; ``analyze.reading`` reads the rest.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import attrs

from interstat.analyze.discover import (
    DiscoveryProblems,
    FoundFile,
    belongs_to_session,
    find_transcripts,
)
from interstat.analyze.progress import StoredProgress, bytes_to_read, stored_progress, unchanged
from interstat.analyze.select import read_head
from interstat.analyze.window import TimeWindow
from interstat.store.purged import lift

if TYPE_CHECKING:
    from interstat.plugins import PluginHost

OnFile = Callable[[FoundFile], None]


class Planned(NamedTuple):
    """A file this pass reads: what the store said of it, its head if already read."""

    found: FoundFile
    stored: StoredProgress | None
    head: bytes | None


@attrs.define
class AnalyzeSummary:
    """What one pass did, for the CLI's summary and ``--format json``."""

    files_found: int = 0
    files_read: int = 0
    files_unchanged: int = 0
    files_filtered: int = 0
    runs_updated: int = 0
    bytes_read: int = 0
    parsers: Counter = attrs.field(factory=Counter)
    skipped_lines: Counter = attrs.field(factory=Counter)
    problems: list[str] = attrs.field(factory=list)

    def to_dict(self) -> dict:
        return {
            "files_found": self.files_found,
            "files_read": self.files_read,
            "files_unchanged": self.files_unchanged,
            "files_filtered": self.files_filtered,
            "runs_updated": self.runs_updated,
            "bytes_read": self.bytes_read,
            "files_by_parser": dict(sorted(self.parsers.items())),
            "skipped_lines": dict(sorted(self.skipped_lines.items())),
            "problems": list(self.problems),
        }


def _plan(
    conn: sqlite3.Connection,
    found_files: list[FoundFile],
    window: TimeWindow,
    session: str | None,
    summary: AnalyzeSummary,
    on_file: OnFile | None,
    reread: bool,
) -> list[Planned]:
    """The files worth reading: what the store says of each, and its head if read.

    Unchanged files are told apart by size and mtime alone, so a pass over a
    tree where nothing changed reads no file and loads no plugin. ``reread``
    forgets what the store says: every file is read from its start.
    """
    progress = {} if reread else stored_progress(conn)
    planned = []
    for found in found_files:
        stored = progress.get(found.location)
        wanted, head = _wanted(found, window, session, stored, summary)
        if wanted:
            planned.append(Planned(found, stored, head))
        elif on_file:
            on_file(found)
    return planned


def _wanted(found: FoundFile, window: TimeWindow, session: str | None,
            stored: StoredProgress | None, summary: AnalyzeSummary) -> tuple[bool, bytes | None]:
    """Whether this pass reads the file, and its head when that had to be read."""
    if not window.file_may_match(found):
        summary.files_filtered += 1
        return False, None
    head = None
    if session:
        try:
            head = read_head(found.path, found.size)
        except OSError as error:
            summary.problems.append(f"{found.path}: {error.strerror or error}")
            return False, None
        if not belongs_to_session(found, session, head):
            summary.files_filtered += 1
            return False, None
    if unchanged(found, stored):
        summary.files_unchanged += 1
        return False, None
    return True, head


def _lift_tombstones(conn: sqlite3.Connection, session: str | None) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        lift(conn, session)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def run_analyze(
    conn: sqlite3.Connection,
    claude_dirs: list[Path],
    *,
    session: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    strict: bool = False,
    reread: bool = False,
    host: PluginHost | None = None,
    on_file: OnFile | None = None,
) -> AnalyzeSummary:
    """Read every new or grown transcript under ``claude_dirs`` into the store.

    A file that cannot be read or matches no parser is named in the summary's
    problems and the pass goes on; what was stored before is never touched.
    ``reread`` reads every file (of ``session``) from its start and first lifts
    purge's tombstones (of that session), bringing back what purge deleted.
    """
    summary = AnalyzeSummary()
    problems = DiscoveryProblems()
    window = TimeWindow(since, until)
    if reread:
        if window.active:
            # Tombstones lifted for lines a window then skips would be lost.
            raise ValueError("a reread reads whole files: it takes no time window")
        _lift_tombstones(conn, session)
    found_files = find_transcripts(claude_dirs, problems)
    summary.files_found = len(found_files)
    jobs = _plan(conn, found_files, window, session, summary, on_file, reread)
    if jobs:
        from interstat.analyze.reading import ReadingPass
        from interstat.plugins import load_plugins

        ReadingPass(conn, host or load_plugins(), strict, window, summary, on_file).run(jobs)
    summary.problems.extend(problems.unreadable)
    return summary
