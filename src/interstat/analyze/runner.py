"""One analyze pass: every transcript file, read from where the last pass stopped.

The main process finds the files and skips those that did not change; worker
processes (``analyze.pool``) parse the rest; the main process applies their
facts in file order and records how far each file was read.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import closing
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
from interstat.analyze.jobs import FileJob, FileOutcome, JobReader, prepare, problem_text
from interstat.analyze.pool import TaskRunner, plan_tasks, worker_count
from interstat.analyze.progress import bytes_to_read, save_progress, stored_progress, unchanged
from interstat.analyze.select import read_head
from interstat.analyze.window import TimeWindow
from interstat.errors import FormatError
from interstat.plugins import PluginHost, load_plugins
from interstat.records import Fact, ReadUpTo, SkippedLine
from interstat.registry import ParseRequest
from interstat.store.connect import utc_now

log = logging.getLogger(__name__)

#: Facts applied between commits, so hooks waiting on the lock are not starved.
FACTS_PER_COMMIT = 5000

OnFile = Callable[[FoundFile], None]


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


class _Pass:
    """Applies the files' facts, in order, in bounded write transactions."""

    def __init__(self, conn: sqlite3.Connection, host: PluginHost, strict: bool,
                 window: TimeWindow, summary: AnalyzeSummary, on_file: OnFile | None):
        self.conn = conn
        self.reader = JobReader(host.parsers(), strict)
        self.window = window
        self.summary = summary
        self.on_file = on_file
        self.applier = FactApplier(conn, utc_now(), host.correlators(), host.findings_counters())
        self.updated_runs: set[int] = set()
        self.pending = 0

    def run(self, jobs: list[tuple[FileJob, int]]) -> None:
        runner = TaskRunner(self.reader, worker_count())
        try:
            with closing(runner.results(plan_tasks(jobs))) as results:
                for task, outcomes in results:
                    if outcomes is None:
                        self._stream(task.jobs[0])
                    else:
                        self._apply_outcomes(outcomes)
        except BaseException:
            self._rollback()
            raise

    def _apply_outcomes(self, outcomes: list[FileOutcome]) -> None:
        self._begin()
        for outcome in outcomes:
            self._announce(outcome.found)
            if outcome.problem is not None:
                self.summary.problems.append(outcome.problem)
            elif outcome.start is None:
                self.summary.files_unchanged += 1
            else:
                offset, skipped = self._apply_facts(outcome.facts, outcome.start)
                self._file_done(outcome.found, outcome.parser, outcome.start, offset, skipped)
        self._commit()

    def _stream(self, job: FileJob) -> None:
        """Read a huge file here, applying its facts as they come."""
        self._announce(job.found)
        try:
            prepared = prepare(job, self.reader.parsers)
            if prepared.start is None:
                self.summary.files_unchanged += 1
                return
            request = ParseRequest(prepared.source, prepared.start, self.reader.strict)
            self._begin()
            offset, skipped = self._apply_facts(prepared.parser.parse(request), prepared.start)
            self._file_done(job.found, prepared.parser.name, prepared.start, offset, skipped)
            self._commit()
        except (OSError, FormatError) as error:
            self._rollback()
            self.summary.problems.append(problem_text(job.found, error))

    def _announce(self, found: FoundFile) -> None:
        if self.on_file:
            self.on_file(found)

    def _apply_facts(self, facts: Iterable[Fact], offset: int) -> tuple[int, int]:
        skipped = 0
        filtered = self.window.active
        for fact in facts:
            if isinstance(fact, ReadUpTo):
                offset = fact.offset
            elif isinstance(fact, SkippedLine):
                skipped += 1
                self.summary.skipped_lines[fact.reason] += 1
            elif not filtered or self.window.keeps(fact):
                self.applier.apply(fact)
                self.pending += 1
                if self.pending >= FACTS_PER_COMMIT:
                    self._commit()
                    self._begin()
        return offset, skipped

    def _file_done(self, found: FoundFile, parser: str, start: int, offset: int,
                   skipped: int) -> None:
        log.info("%s: %s from byte %d", found.path, parser, start)
        # A filtered pass saw only part of the file: the next full pass must
        # read it all again, so it records no progress.
        if not self.window.active:
            save_progress(self.conn, found, offset, parser, skipped)
        self.summary.files_read += 1
        self.summary.bytes_read += found.size - start
        self.summary.parsers[parser] += 1

    def _begin(self) -> None:
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")

    def _commit(self) -> None:
        self.updated_runs |= self.applier.finish()
        self.summary.runs_updated = len(self.updated_runs)
        self.conn.execute("COMMIT")
        self.pending = 0

    def _rollback(self) -> None:
        self.applier.discard()
        self.pending = 0
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")


def _plan(
    conn: sqlite3.Connection,
    found_files: list[FoundFile],
    window: TimeWindow,
    session: str | None,
    summary: AnalyzeSummary,
    on_file: OnFile | None,
) -> list[tuple[FileJob, int]]:
    """The files worth reading, each with about how many bytes it will take.

    Unchanged files are told apart by size and mtime alone, so a pass over a
    tree where nothing changed reads no file and loads no plugin.
    """
    progress = stored_progress(conn)
    jobs = []
    for found in found_files:
        job = _job_for(found, window, session, progress.get(str(found.path)), summary)
        if job is not None:
            jobs.append((job, bytes_to_read(found, job.stored)))
        elif on_file:
            on_file(found)
    return jobs


def _job_for(found, window, session, stored, summary) -> FileJob | None:
    if not window.file_may_match(found):
        summary.files_filtered += 1
        return None
    head = None
    if session:
        try:
            head = read_head(found.path, found.size)
        except OSError as error:
            summary.problems.append(problem_text(found, error))
            return None
        if not belongs_to_session(found, session, head):
            summary.files_filtered += 1
            return None
    if unchanged(found, stored):
        summary.files_unchanged += 1
        return None
    return FileJob(found, stored, head)


def run_analyze(
    conn: sqlite3.Connection,
    claude_dirs: list[Path],
    *,
    session: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    strict: bool = False,
    host: PluginHost | None = None,
    on_file: OnFile | None = None,
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
    jobs = _plan(conn, found_files, window, session, summary, on_file)
    if jobs:
        _Pass(conn, host or load_plugins(), strict, window, summary, on_file).run(jobs)
    summary.problems.extend(problems.unreadable)
    return summary
