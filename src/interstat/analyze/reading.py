"""Reading the planned files and applying their facts, in file order.

Worker processes (``analyze.pool``) parse; this process applies what they
found in bounded write transactions and records how far each file was read.
Imported only when some file changed, so a pass where nothing did loads no
plugin and no worker machinery.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterable
from contextlib import closing

from interstat.analyze.apply import FactApplier
from interstat.analyze.discover import FoundFile
from interstat.analyze.jobs import FileJob, FileOutcome, JobReader, prepare, problem_text
from interstat.analyze.pool import TaskRunner, plan_tasks, worker_count
from interstat.analyze.progress import bytes_to_read, save_progress
from interstat.analyze.purged import is_purged_fact
from interstat.analyze.runner import AnalyzeSummary, OnFile, Planned
from interstat.analyze.window import TimeWindow
from interstat.errors import FormatError
from interstat.plugins import PluginHost
from interstat.records import Fact, ReadUpTo, SkippedLine
from interstat.registry import ParseRequest
from interstat.store.connect import utc_now
from interstat.store.purged import PurgedRuns

log = logging.getLogger(__name__)

#: A write transaction is committed once it is this old (or holds this many
#: facts), so that a hook waiting on the lock (300 ms at most) gets its turn.
COMMIT_SECONDS = 0.2
FACTS_PER_COMMIT = 20000
#: For the pass only: checkpoints (each one syncs the file) every 40 MB of log
#: instead of 4 MB. The page cache keeps SQLite's default of 2 MB: a larger
#: one made analyze's memory grow with the store it fills, for no time saved
#: (the pages it would hold are in the system's file cache anyway).
_PASS_PRAGMAS = {"wal_autocheckpoint": 10000}


class ReadingPass:
    """Applies the files' facts, in order, in bounded write transactions."""

    def __init__(self, conn: sqlite3.Connection, host: PluginHost, strict: bool,
                 window: TimeWindow, summary: AnalyzeSummary, on_file: OnFile | None):
        self.conn = conn
        # A filtered pass looks at each call's time, so it keeps the records.
        self.reader = JobReader(host.parsers(), strict, compact_calls=not window.active)
        self.window = window
        self.summary = summary
        self.on_file = on_file
        self.applier = FactApplier(conn, utc_now(), host.correlators(), host.findings_counters(),
                                   whole_files=not window.active)
        self.purged = PurgedRuns.load(conn)
        self.updated_runs: set[int] = set()
        self.pending = 0
        self.began = 0.0

    def run(self, planned: list[Planned]) -> None:
        """Read the planned files and apply their facts, in order."""
        jobs = [(FileJob(found, stored, head), bytes_to_read(found, stored))
                for found, stored, head in planned]
        runner = TaskRunner(self.reader, worker_count())
        saved = self._tune()
        try:
            with closing(runner.results(plan_tasks(jobs))) as results:
                for task, outcomes in results:
                    if outcomes is None:
                        self._stream(task.jobs[0])
                    else:
                        self._apply_outcomes(outcomes)
            if self.conn.in_transaction:
                self._commit()
        except BaseException:
            self._rollback()
            raise
        finally:
            self._tune(saved)

    def _tune(self, values: dict[str, int] | None = None) -> dict[str, int]:
        """Set the pass's pragmas (or put back ``values``); returns the old ones."""
        old = {name: self.conn.execute(f"PRAGMA {name}").fetchone()[0] for name in _PASS_PRAGMAS}
        for name, value in (values or _PASS_PRAGMAS).items():
            self.conn.execute(f"PRAGMA {name} = {int(value)}")
        return old

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
        self._commit_if_due()

    def _stream(self, job: FileJob) -> None:
        """Read a huge file here, applying its facts as they come."""
        self._announce(job.found)
        if self.conn.in_transaction:
            self._commit()  # a failure in this file must not undo the files before
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
        purged = self.purged
        for fact in facts:
            if purged is not None and is_purged_fact(purged, fact):
                continue  # its run or session was purged: it stays gone
            if type(fact) is tuple:  # a call, compacted by the worker
                self.applier.apply_call_row(fact)
                self.pending += 1
            elif isinstance(fact, ReadUpTo):
                offset = fact.offset
            elif isinstance(fact, SkippedLine):
                skipped += 1
                self.summary.skipped_lines[fact.reason] += 1
            elif not filtered or self.window.keeps(fact):
                self.applier.apply(fact)
                self.pending += 1
                if self.pending % 1000 == 0 and self._commit_if_due():
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
            self.began = time.monotonic()

    def _commit_if_due(self) -> bool:
        due = self.pending >= FACTS_PER_COMMIT or time.monotonic() - self.began >= COMMIT_SECONDS
        if due:
            self._commit()
        return due

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
