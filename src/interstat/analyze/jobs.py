"""Reading one file into its facts, the part of a pass a worker process can do.

Nothing here touches the store: a job carries what the store said about the
file, and its outcome carries the facts back for the main process to apply.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from interstat.analyze.apply import call_row_of
from interstat.analyze.discover import FoundFile
from interstat.analyze.progress import StoredProgress, start_offset
from interstat.analyze.select import choose_parser, read_head
from interstat.errors import FormatError
from interstat.records import ApiCall, Fact
from interstat.registry import ParseRequest, SourceFile, TranscriptParser


@attrs.frozen
class FileJob:
    """A file to read; ``head`` when the caller already read it."""

    found: FoundFile
    stored: StoredProgress | None
    head: bytes | None = None


@attrs.frozen
class Prepared:
    """A file's parser and where its read starts (None: unchanged)."""

    source: SourceFile
    parser: TranscriptParser
    start: int | None


@attrs.frozen
class FileOutcome:
    """What reading a file gave: its facts, or that it was unchanged, or a problem.

    With ``compact_calls`` the ApiCall facts are ``apply.call_row_of`` tuples.
    """

    found: FoundFile
    parser: str | None = None
    start: int | None = None
    facts: list[Fact | tuple] = attrs.field(factory=list)
    problem: str | None = None


def problem_text(found: FoundFile, error: OSError | FormatError) -> str:
    reason = getattr(error, "strerror", None) or str(error)
    return f"{found.path}: {reason}"


def prepare(job: FileJob, parsers: list[TranscriptParser]) -> Prepared:
    """Choose the parser and the start offset; raises OSError or FormatError."""
    found = job.found
    head = job.head if job.head is not None else read_head(found.path, found.size)
    source = SourceFile(found.path, found.projects_dir, head, found.size)
    parser = choose_parser(source, parsers)
    return Prepared(source, parser, start_offset(found, job.stored, parser))


@attrs.frozen
class JobReader:
    """Reads jobs with the given parsers; a worker process holds one."""

    parsers: list[TranscriptParser]
    strict: bool = False
    #: Hand calls over as plain tuples: most facts are calls, and a record
    #: costs several times a tuple to send from a worker (see FileOutcome).
    compact_calls: bool = False

    def read(self, job: FileJob) -> FileOutcome:
        try:
            prepared = prepare(job, self.parsers)
            if prepared.start is None:
                return FileOutcome(job.found, prepared.parser.name)
            request = ParseRequest(prepared.source, prepared.start, self.strict)
            facts = prepared.parser.parse(request)
            if self.compact_calls:
                facts = [call_row_of(f) if isinstance(f, ApiCall) else f for f in facts]
            facts = list(facts)
        except (OSError, FormatError) as error:
            return FileOutcome(job.found, problem=problem_text(job.found, error))
        return FileOutcome(job.found, prepared.parser.name, prepared.start, facts)

    def read_all(self, jobs: Iterable[FileJob]) -> list[FileOutcome]:
        return [self.read(job) for job in jobs]
