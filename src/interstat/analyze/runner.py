"""One analyze pass: every transcript file, read from where the last pass stopped."""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

import attrs

from interstat.analyze.apply import FactApplier
from interstat.analyze.discover import (
    DiscoveryProblems,
    FoundFile,
    belongs_to_session,
    find_transcripts,
)
from interstat.analyze.select import choose_parser, read_head
from interstat.errors import FormatError
from interstat.plugins import PluginHost, load_plugins
from interstat.records import ApiCall, Dispatch, Fact, ReadUpTo, RunTranscript, SkippedLine
from interstat.registry import ParseRequest, SourceFile, TranscriptParser
from interstat.store.times import parse_time, utc_now

log = logging.getLogger(__name__)

#: Facts applied between commits, so hooks waiting on the lock are not starved.
FACTS_PER_COMMIT = 5000


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


@attrs.frozen
class TimeWindow:
    since: datetime | None = None
    until: datetime | None = None

    @property
    def active(self) -> bool:
        return self.since is not None or self.until is not None

    def file_may_match(self, found: FoundFile) -> bool:
        # A file last written before ``since`` holds nothing newer.
        return self.since is None or found.mtime_ns >= self.since.timestamp() * 1e9

    def keeps(self, fact: Fact) -> bool:
        stamp = _fact_time(fact)
        if stamp is None:
            return True
        moment = parse_time(stamp)
        if moment is None:
            return True
        if self.since and moment < self.since:
            return False
        # ``until`` is exclusive, as in every other command's filters.
        return not (self.until and moment >= self.until)


def _fact_time(fact: Fact) -> str | None:
    if isinstance(fact, (ApiCall, Dispatch)):
        return fact.timestamp
    if isinstance(fact, RunTranscript):
        return fact.started_at
    return None


def _progress_row(conn: sqlite3.Connection, path: Path) -> tuple | None:
    return conn.execute(
        "SELECT size, mtime_ns, read_offset, parser FROM transcript_files WHERE path = ?",
        (str(path),),
    ).fetchone()


def _start_offset(found: FoundFile, stored: tuple | None, parser: TranscriptParser) -> int | None:
    """Where to start reading, or None when the file has not changed."""
    if stored is None:
        return 0
    size, mtime_ns, read_offset, parser_name = stored
    if size == found.size and mtime_ns == found.mtime_ns:
        return None
    if found.size < read_offset or parser_name != parser.name or not parser.resumable:
        return 0
    return read_offset


def _save_progress(conn, found: FoundFile, offset: int, parser: str, skipped: int) -> None:
    conn.execute(
        """
        INSERT INTO transcript_files (path, size, mtime_ns, read_offset, parser,
                                      skipped_lines, parsed_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,
            read_offset = excluded.read_offset, parser = excluded.parser,
            skipped_lines = transcript_files.skipped_lines + excluded.skipped_lines,
            parsed_at = excluded.parsed_at
        """,
        (str(found.path), found.size, found.mtime_ns, offset, parser, skipped, utc_now()),
    )


class _Pass:
    """State of one analyze pass over many files."""

    def __init__(self, conn: sqlite3.Connection, host: PluginHost, strict: bool,
                 window: TimeWindow, summary: AnalyzeSummary):
        self.conn = conn
        self.parsers = host.parsers()
        self.strict = strict
        self.window = window
        self.summary = summary
        self.applier = FactApplier(conn, utc_now(), host.correlators(), host.findings_counters())
        self.updated_runs: set[int] = set()

    def read_file(self, found: FoundFile, head: bytes) -> None:
        source = SourceFile(found.path, found.projects_dir, head, found.size)
        parser = choose_parser(source, self.parsers)
        start = _start_offset(found, _progress_row(self.conn, found.path), parser)
        if start is None:
            self.summary.files_unchanged += 1
            return
        log.info("%s: %s from byte %d", found.path, parser.name, start)
        facts = parser.parse(ParseRequest(source, start, self.strict))
        offset, skipped = self._apply_all(facts, start)
        # A filtered pass saw only part of the file: the next full pass must
        # read it all again, so it records no progress.
        if not self.window.active:
            _save_progress(self.conn, found, offset, parser.name, skipped)
        self._commit()
        self.summary.files_read += 1
        self.summary.bytes_read += found.size - start
        self.summary.parsers[parser.name] += 1

    def _apply_all(self, facts: Iterable[Fact], offset: int) -> tuple[int, int]:
        skipped = 0
        pending = 0
        self.conn.execute("BEGIN IMMEDIATE")
        for fact in facts:
            if isinstance(fact, ReadUpTo):
                offset = fact.offset
            elif isinstance(fact, SkippedLine):
                skipped += 1
                self.summary.skipped_lines[fact.reason] += 1
            elif self.window.keeps(fact):
                self.applier.apply(fact)
                pending += 1
                if pending >= FACTS_PER_COMMIT:
                    self._commit()
                    self.conn.execute("BEGIN IMMEDIATE")
                    pending = 0
        return offset, skipped

    def _commit(self) -> None:
        self.updated_runs |= self.applier.finish()
        self.summary.runs_updated = len(self.updated_runs)
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")


def run_analyze(
    conn: sqlite3.Connection,
    claude_dirs: list[Path],
    *,
    session: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    strict: bool = False,
    host: PluginHost | None = None,
    on_file: Callable[[FoundFile], None] | None = None,
) -> AnalyzeSummary:
    """Read every new or grown transcript under ``claude_dirs`` into the store.

    A file that cannot be read or matches no parser is named in the summary's
    problems and the pass goes on; what was stored before is never touched.
    """
    summary = AnalyzeSummary()
    problems = DiscoveryProblems()
    window = TimeWindow(since, until)
    found_files = find_transcripts(claude_dirs, problems)
    summary.files_found = len(found_files)
    work = _Pass(conn, host or load_plugins(), strict, window, summary)
    for found in found_files:
        if on_file:
            on_file(found)
        if not window.file_may_match(found):
            summary.files_filtered += 1
            continue
        try:
            head = read_head(found.path, found.size)
            if session and not belongs_to_session(found, session, head):
                summary.files_filtered += 1
                continue
            work.read_file(found, head)
        except (OSError, FormatError) as error:
            work.rollback()
            reason = getattr(error, "strerror", None) or str(error)
            summary.problems.append(f"{found.path}: {reason}")
    summary.problems.extend(problems.unreadable)
    return summary
