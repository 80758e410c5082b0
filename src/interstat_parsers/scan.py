"""Reading one transcript into facts: the loop every era shares.

Facts come out in this order: skipped lines, dispatches and results as their
lines are read; then each API call once; then the run transcripts; then
``ReadUpTo``. Calls wait for the end because a response's lines may be
interleaved with others and its best copy is only known then; only a file
holding more than ``CALLS_HELD`` calls sees its oldest finished ones earlier.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from interstat.records import DispatchResult, Fact, ReadUpTo, SkippedLine
from interstat.registry import ParseRequest
from interstat_parsers.calls import CallBook, call_key
from interstat_parsers.dispatches import dispatches_in, results_in
from interstat_parsers.fields import as_dict, decode_line, text
from interstat_parsers.head import head_version
from interstat_parsers.lines import MAX_LINE_BYTES, BadLine, LineReader, RawLine
from interstat_parsers.notifications import MARKER, notifications_in
from interstat_parsers.paths import session_id_from_path
from interstat_parsers.prefilter import KNOWN_LINE_TYPES, may_matter
from interstat_parsers.repeats import LastResponse
from interstat_parsers.threads import Threads
from interstat_parsers.usage import read_usage
from interstat_parsers.versions import Version, parse_version

#: Calls held until a file's end at most; past this the oldest finished ones
#: are handed out early, so memory does not grow with the file.
CALLS_HELD = 4096

# A line can only hold a text block, or a sub-agent tool call (Agent, or Task
# before 2.1.63), if these bytes are in it. Searched with bytes.find: see
# prefilter.may_matter for why not "in".
_TEXT = b'"text"'
_AGENT_TOOL = b'"Agent"'
_TASK_TOOL = b'"Task"'


@attrs.define
class Scan:
    """One read of one file; ``facts`` may be iterated once."""

    request: ParseRequest
    threads: Threads
    max_line_bytes: int = MAX_LINE_BYTES
    calls: CallBook = attrs.field(factory=CallBook)
    _dispatch_ids: set[str] = attrs.field(factory=set)
    # The session that made each dispatch, when a copied line names another one.
    _dispatch_sessions: dict[str, str] = attrs.field(factory=dict)
    _unanswered: set[bytes] = attrs.field(factory=set)
    # One notification is queued, attached and delivered: report it once.
    _notified: set[tuple[str, str]] = attrs.field(factory=set)
    # The lines of one response follow each other, each repeating its usage:
    # the last call's key and raw usage spare a repeat from being read again.
    _last_call: tuple[str, dict] | None = None
    # The same, as bytes to look for, where lines that repeat a response
    # without adding to it are skipped unread (see repeats.py).
    _last_response: LastResponse | None = None
    _file_version: Version | None = attrs.field(init=False)
    _fallback_session: str = attrs.field(init=False)
    _strict: bool = attrs.field(init=False)
    _resumed: bool = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        source = self.request.source
        self._strict = self.request.strict
        self._resumed = self.request.start_offset > 0
        self._file_version = head_version(source.head)
        self._fallback_session = session_id_from_path(source.path) or ""

    def facts(self) -> Iterator[Fact]:
        source = self.request.source
        reader = LineReader(source.path, self.request.start_offset, self.max_line_bytes)
        found: list[Fact] = []
        # The loop runs once per line of files of gigabytes: the common case,
        # a line that holds nothing, costs a few byte searches and no call
        # that could be avoided.
        worth_reading = self._worth_reading
        for item in reader:
            if isinstance(item, BadLine):
                yield SkippedLine(item.reason, item.number, item.offset)
            elif item.data.strip() and worth_reading(item.data):
                last = self._last_response
                if last is not None and last.repeated_by(item.data):
                    continue
                self._read(item, found)
                if found:
                    yield from found
                    found.clear()
        runs = self.threads.finish()
        yield from self.calls.facts(self.threads.resolve_owner)
        yield from runs
        yield ReadUpTo(reader.consumed)

    def _worth_reading(self, data: bytes) -> bool:
        return (
            self._strict
            or self.threads.wants(data)
            or may_matter(data, self._unanswered, resumed=self._resumed)
        )

    def _read(self, item: RawLine, found: list[Fact]) -> None:
        line = decode_line(item.data)
        if isinstance(line, str):
            found.append(SkippedLine(line, item.number, item.offset))
            return
        kind = line.get("type")
        if self._strict and text(kind) not in KNOWN_LINE_TYPES:
            found.append(SkippedLine("unknown-type", item.number, item.offset))
        owner, notes = self.threads.route(line)
        message = as_dict(line.get("message"))
        if notes is not None and (kind == "user" or kind == "assistant"):
            notes.note_line(line)
        if kind == "assistant":
            # Byte tests first: most response lines hold no text block at all.
            if notes is not None and (
                item.data.find(_TEXT) >= 0 or not isinstance(message.get("content"), list)
            ):
                notes.note_assistant(message)
            if message.get("usage") is not None:
                self._call(line, message, owner, item, found)
            if item.data.find(_AGENT_TOOL) >= 0 or item.data.find(_TASK_TOOL) >= 0:
                self._dispatches(line, message, found)
        elif kind == "user":
            if notes is not None:
                notes.note_user(message)
            self._results(line, message, found)
        if item.data.find(MARKER) >= 0:
            self._notifications(line, found)

    def _session(self, line: dict) -> str:
        return text(line.get("sessionId")) or self._fallback_session

    def _request_session(self, line: dict) -> str:
        # A forked session's file copies its parent's history under the new
        # sessionId; 2.1.332 keeps the session that made each request in
        # requestSessionId. Those calls and dispatches are the parent's.
        return text(line.get("requestSessionId")) or self._session(line)

    def _in_dispatch_session(self, result: DispatchResult) -> DispatchResult:
        session_id = self._dispatch_sessions.get(result.tool_use_id)
        if session_id is None or session_id == result.session_id:
            return result
        return attrs.evolve(result, session_id=session_id)

    def _dispatches(self, line: dict, message: dict, found: list[Fact]) -> None:
        for dispatch in dispatches_in(line, message, self._request_session(line)):
            if dispatch.tool_use_id in self._dispatch_ids:
                continue
            self._dispatch_ids.add(dispatch.tool_use_id)
            if dispatch.session_id != self._session(line):
                self._dispatch_sessions[dispatch.tool_use_id] = dispatch.session_id
            self._unanswered.add(dispatch.tool_use_id.encode("utf-8"))
            self.threads.note_dispatch(dispatch)
            found.append(dispatch)

    def _call(
        self, line: dict, message: dict, owner: str, item: RawLine, found: list[Fact]
    ) -> None:
        raw_usage = message.get("usage")
        key = call_key(line, message)
        last = self._last_call
        if last is not None and last[0] == key and last[1] == raw_usage:
            # Same call, same counts: only its stop reason may be new.
            self.calls.repeat(key, message)
            if self._last_response is not None:
                self._last_response.stopped = self.calls.stopped(key)
            if not self._strict:
                return
        reading = read_usage(raw_usage)
        if self._strict and reading.unknown_keys:
            found.append(SkippedLine("unknown-usage-key", item.number, item.offset))
        if reading.usage is None or key is None or not isinstance(raw_usage, dict):
            found.append(SkippedLine("bad-field", item.number, item.offset))
            return
        version = parse_version(line.get("version")) or self._file_version
        self.calls.add(
            key, line, message, reading.usage,
            owner=owner, session_id=self._request_session(line), version=version,
        )
        self._last_call = (key, raw_usage)
        if not self._strict and not self.threads.repeats_matter:
            stopped = self.calls.stopped(key)
            self._last_response = LastResponse.of(line, message, raw_usage, stopped)
        if len(self.calls) > CALLS_HELD and self.threads.owners_final:
            found.extend(self.calls.release_finished(CALLS_HELD // 2, self.threads.resolve_owner))

    def _notifications(self, line: dict, found: list[Fact]) -> None:
        for result in notifications_in(line, self._dispatch_ids, self._session(line)):
            seen = (result.tool_use_id, result.status)
            if seen not in self._notified:
                self._notified.add(seen)
                found.append(self._in_dispatch_session(result))

    def _results(self, line: dict, message: dict, found: list[Fact]) -> None:
        session_id = self._session(line)
        results = results_in(line, message, self._dispatch_ids, session_id, by_shape=self._resumed)
        for result in results:
            self._unanswered.discard(result.tool_use_id.encode("utf-8"))
            found.append(self._in_dispatch_session(result))
