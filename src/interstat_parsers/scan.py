"""Reading one transcript into facts: the loop every era shares.

Facts come out in this order: skipped lines, dispatches and results as their
lines are read; then each API call once; then the run transcripts; then
``ReadUpTo``. Calls wait for the end because a response's lines may be
interleaved with others and its best copy is only known then.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from interstat.records import Fact, ReadUpTo, SkippedLine
from interstat.registry import ParseRequest
from interstat_parsers.calls import CallBook, call_key
from interstat_parsers.dispatches import dispatches_in, results_in
from interstat_parsers.fields import as_dict, decode_line, text
from interstat_parsers.head import head_version
from interstat_parsers.lines import MAX_LINE_BYTES, BadLine, LineReader, RawLine
from interstat_parsers.notifications import MARKER, notifications_in
from interstat_parsers.paths import session_id_from_path
from interstat_parsers.prefilter import KNOWN_LINE_TYPES, may_matter
from interstat_parsers.threads import Threads
from interstat_parsers.usage import read_usage
from interstat_parsers.versions import Version, parse_version


@attrs.define
class Scan:
    """One read of one file; ``facts`` may be iterated once."""

    request: ParseRequest
    threads: Threads
    max_line_bytes: int = MAX_LINE_BYTES
    calls: CallBook = attrs.field(factory=CallBook)
    _dispatch_ids: set[str] = attrs.field(factory=set)
    _unanswered: set[bytes] = attrs.field(factory=set)
    # One notification is queued, attached and delivered: report it once.
    _notified: set[tuple[str, str]] = attrs.field(factory=set)
    # The lines of one response follow each other, each repeating its usage:
    # the last call's key and raw usage spare a repeat from being read again.
    _last_call: tuple[str, dict] | None = None
    _file_version: Version | None = attrs.field(init=False)
    _fallback_session: str = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        source = self.request.source
        self._file_version = head_version(source.head)
        self._fallback_session = session_id_from_path(source.path) or ""

    def facts(self) -> Iterator[Fact]:
        source = self.request.source
        reader = LineReader(source.path, self.request.start_offset, self.max_line_bytes)
        for item in reader:
            if isinstance(item, BadLine):
                yield SkippedLine(item.reason, item.number, item.offset)
            elif item.data.strip() and self._worth_reading(item.data):
                yield from self._read(item)
        runs = self.threads.finish()
        yield from self.calls.facts(self.threads.resolve_owner)
        yield from runs
        yield ReadUpTo(reader.consumed)

    def _worth_reading(self, data: bytes) -> bool:
        return (
            self.request.strict
            or self.threads.wants(data)
            or may_matter(data, self._unanswered, resumed=self.request.start_offset > 0)
        )

    def _read(self, item: RawLine) -> Iterator[Fact]:
        line = decode_line(item.data)
        if isinstance(line, str):
            yield SkippedLine(line, item.number, item.offset)
            return
        kind = text(line.get("type"))
        if self.request.strict and kind not in KNOWN_LINE_TYPES:
            yield SkippedLine("unknown-type", item.number, item.offset)
        owner, notes = self.threads.route(line)
        message = as_dict(line.get("message"))
        if kind in ("user", "assistant") and notes is not None:
            notes.note_line(line)
        if kind == "assistant":
            if notes is not None:
                notes.note_assistant(message)
            yield from self._assistant(line, message, owner, item)
        elif kind == "user":
            if notes is not None:
                notes.note_user(message)
            yield from self._results(line, message)
        if MARKER in item.data:
            yield from self._notifications(line)

    def _session(self, line: dict) -> str:
        return text(line.get("sessionId")) or self._fallback_session

    def _assistant(
        self, line: dict, message: dict, owner: str, item: RawLine
    ) -> Iterator[Fact]:
        if message.get("usage") is not None:
            yield from self._call(line, message, owner, item)
        for dispatch in dispatches_in(line, message, self._session(line)):
            if dispatch.tool_use_id in self._dispatch_ids:
                continue
            self._dispatch_ids.add(dispatch.tool_use_id)
            self._unanswered.add(dispatch.tool_use_id.encode("utf-8"))
            self.threads.note_dispatch(dispatch)
            yield dispatch

    def _call(self, line: dict, message: dict, owner: str, item: RawLine) -> Iterator[Fact]:
        raw_usage = message.get("usage")
        key = call_key(line, message)
        last = self._last_call
        if last is not None and last[0] == key and last[1] == raw_usage:
            # Same call, same counts: only its stop reason may be new.
            self.calls.repeat(key, message)
            if not self.request.strict:
                return
        reading = read_usage(raw_usage)
        if self.request.strict and reading.unknown_keys:
            yield SkippedLine("unknown-usage-key", item.number, item.offset)
        if reading.usage is None or key is None or not isinstance(raw_usage, dict):
            yield SkippedLine("bad-field", item.number, item.offset)
            return
        version = parse_version(line.get("version")) or self._file_version
        self.calls.add(
            key, line, message, reading.usage,
            owner=owner, session_id=self._session(line), version=version,
        )
        self._last_call = (key, raw_usage)

    def _notifications(self, line: dict) -> Iterator[Fact]:
        for result in notifications_in(line, self._dispatch_ids, self._session(line)):
            seen = (result.tool_use_id, result.status)
            if seen not in self._notified:
                self._notified.add(seen)
                yield result

    def _results(self, line: dict, message: dict) -> Iterator[Fact]:
        resumed = self.request.start_offset > 0
        session_id = self._session(line)
        for result in results_in(line, message, self._dispatch_ids, session_id, by_shape=resumed):
            self._unanswered.discard(result.tool_use_id.encode("utf-8"))
            yield result
