"""An example transcript parser from outside interstat: the made-up "agentlog" format.

agentlog stands for the log some other agent runner might write: JSON Lines,
a header line, then one API call per line.

    {"agentlog": 1, "session": "log-7", "project": "/work/app"}
    {"at": "2026-05-01T10:00:05.000Z", "run": "r1", "agent": "reviewer",
     "model": "claude-sonnet-5", "id": "c2", "in": 2000, "out": 300,
     "cached": 10000, "wrote": 1500, "answer": "## Findings ..."}

``run`` names the sub-agent run that made the call (null for the main
thread) and ``agent`` its type; ``in``, ``out``, ``cached`` and ``wrote`` are
input, output, cache-read and cache-write tokens (writes of the default
five-minute lifetime); ``answer`` is the text of a run's answer, and the last
one a run gives is its final answer. The format says nothing of how a run
ended, so the run's status stays what the hooks recorded.

Install it next to interstat (``uv pip install -e examples/interstat-example-parser``);
``interstat plugins`` then lists the ``agentlog`` parser, and ``interstat
analyze`` reads agentlog files among the ``.jsonl`` files it finds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import attrs

from interstat import hookimpl
from interstat.records import (
    MAIN_OWNER,
    ApiCall,
    Fact,
    ReadUpTo,
    RunTranscript,
    SkippedLine,
    Usage,
    agent_owner,
)
from interstat.registry import ParseRequest, SourceFile, TranscriptParser

#: Every header starts so; the cheap first test of ``recognises``.
HEADER_START = b'{"agentlog"'
KNOWN_KEYS = frozenset({"at", "run", "agent", "model", "id", "in", "out", "cached", "wrote",
                        "answer"})
#: More tokens than one call can hold: a larger count is garbage.
TOKEN_LIMIT = 2**40


def _header(head: bytes) -> dict[str, Any] | None:
    first = head.split(b"\n", 1)[0]
    if not first.startswith(HEADER_START):
        return None
    try:
        header = json.loads(first)
    except ValueError:
        return None
    return header if isinstance(header, dict) and header.get("agentlog") == 1 else None


def recognises(source: SourceFile) -> bool:
    """An agentlog file: its first line is a version-1 header. Never raises."""
    return _header(source.head) is not None


def _tokens(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= TOKEN_LIMIT:
        return None
    return value


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


@attrs.define
class _Run:
    agent: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    answer: str | None = None

    def note(self, line: dict[str, Any]) -> None:
        self.agent = self.agent or _text(line.get("agent"))
        moment = _text(line.get("at"))
        if moment:
            self.started_at = self.started_at or moment
            self.ended_at = moment
        self.answer = _text(line.get("answer")) or self.answer


def _usage(line: dict[str, Any]) -> Usage | None:
    counts = [_tokens(line.get(key, 0)) for key in ("in", "out", "cached", "wrote")]
    if None in counts:
        return None
    tokens_in, tokens_out, cached, wrote = counts
    return Usage(input_tokens=tokens_in, output_tokens=tokens_out, cache_read_tokens=cached,
                 cache_creation_tokens=wrote, cache_creation_5m_tokens=wrote)


def _read(raw: bytes) -> dict[str, Any] | str:
    """The line's call, or why it cannot be used."""
    try:
        line = json.loads(raw)
    except (ValueError, RecursionError):
        return "bad-json"
    if not isinstance(line, dict):
        return "not-object"
    if _text(line.get("id")) is None or _usage(line) is None:
        return "bad-field"
    return line


class _Reader:
    """One parse of one file: the calls as they come, the runs at the end."""

    def __init__(self, request: ParseRequest, header: dict[str, Any]):
        self.request = request
        source = request.source
        self.session = _text(header.get("session")) or source.path.stem
        self.project = _text(header.get("project"))
        self.runs: dict[str, _Run] = {}

    def facts(self) -> Iterator[Fact]:
        offset = self.request.start_offset
        with open(self.request.source.path, "rb") as handle:
            handle.seek(offset)
            for number, raw in enumerate(handle, start=1):
                if not raw.endswith(b"\n"):
                    break  # still being written: the next pass reads it whole
                if offset > 0:
                    yield from self._line(raw, number, offset)
                offset += len(raw)
        yield from self._transcripts()
        yield ReadUpTo(offset)

    def _line(self, raw: bytes, number: int, offset: int) -> Iterator[Fact]:
        line = _read(raw)
        if isinstance(line, str):
            yield SkippedLine(line, number, offset)
            return
        if self.request.strict and set(line) - KNOWN_KEYS:
            yield SkippedLine("unknown-field", number, offset)
        run_id = _text(line.get("run"))
        if run_id:
            self.runs.setdefault(run_id, _Run()).note(line)
        yield ApiCall(
            call_key=f"agentlog|{self.session}|{line['id']}",
            session_id=self.session,
            owner=agent_owner(run_id) if run_id else MAIN_OWNER,
            model=_text(line.get("model")),
            usage=_usage(line),
            timestamp=_text(line.get("at")),
        )

    def _transcripts(self) -> Iterator[RunTranscript]:
        for run_id, run in self.runs.items():
            yield RunTranscript(
                session_id=self.session, owner=agent_owner(run_id), agent_id=run_id,
                layout="agentlog", agent_name=run.agent, started_at=run.started_at,
                ended_at=run.ended_at, final_text=run.answer,
                transcript_path=str(self.request.source.path), project=self.project,
            )


def parse(request: ParseRequest) -> Iterator[Fact]:
    """The calls of the file from ``request.start_offset`` on, then its runs."""
    header = _header(request.source.head) or {}
    return _Reader(request, header).facts()


PARSER = TranscriptParser(
    name="agentlog",
    era="agentlog v1",
    recognises=recognises,
    parse=parse,
    resumable=True,
    description="the made-up agentlog format: a header line, then one API call per line",
)


@hookimpl
def interstat_register_parsers(register):
    register(PARSER)
