"""Shared helpers for the parser tests: the corpus, parsing a file, summing calls."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

from interstat.records import ApiCall, Fact
from interstat.registry import ParseRequest, SourceFile, TranscriptParser
from interstat_parsers.builtin import BUILTIN_PARSERS
from tests.corpus import corpus_dir as corpus_folder

HEAD_BYTES = 64 * 1024


def expected_folders() -> list[Path]:
    """Corpus folders that come with an expected.json."""
    folders = sorted(path.parent for path in corpus_folder().glob("*/expected.json"))
    if not folders:
        pytest.fail(f"no expected.json under {corpus_folder()}; the corpus is incomplete")
    return folders


def source_of(path: Path, projects_dir: Path | None = None) -> SourceFile:
    data = path.read_bytes()
    return SourceFile(path, projects_dir or path.parent, data[:HEAD_BYTES], len(data))


def parser_for(source: SourceFile) -> TranscriptParser:
    accepted = [parser for parser in BUILTIN_PARSERS if parser.recognises(source)]
    assert len(accepted) == 1, (source.path, [parser.name for parser in accepted])
    return accepted[0]


def parse(path: Path, *, strict: bool = False, start: int = 0) -> list[Fact]:
    source = source_of(path)
    return list(parser_for(source).parse(ParseRequest(source, start, strict)))


def parse_tree(folder: Path, *, strict: bool = False) -> list[Fact]:
    facts: list[Fact] = []
    for path in sorted(folder.rglob("*.jsonl")):
        facts.extend(parse(path, strict=strict))
    return facts


def of_type(facts: list[Fact], kind: type) -> list:
    return [fact for fact in facts if isinstance(fact, kind)]


def stored_calls(facts: list[Fact]) -> dict[str, ApiCall]:
    """Calls as the store keeps them: once per key, the largest total, first owner."""
    calls: dict[str, ApiCall] = {}
    for call in of_type(facts, ApiCall):
        known = calls.get(call.call_key)
        if known is None:
            calls[call.call_key] = call
        elif call.usage.total > known.usage.total:
            calls[call.call_key] = ApiCall(
                known.call_key, known.session_id, known.owner, known.model, call.usage,
                known.timestamp, known.synthetic, call.output_is_placeholder,
            )
    return calls


def run_totals(calls: dict[str, ApiCall]) -> dict[tuple[str, str], dict]:
    """Per (session, owner): the store's run columns summed from real calls."""
    totals: dict[tuple[str, str], dict] = defaultdict(lambda: defaultdict(int))
    for call in calls.values():
        row = totals[(call.session_id, call.owner)]
        if call.synthetic:
            row["synthetic_calls"] += 1
            continue
        usage = call.usage
        row["api_calls"] += 1
        row["input_tokens"] += usage.input_tokens
        row["output_tokens"] += usage.output_tokens
        row["cache_hit_tokens"] += usage.cache_read_tokens
        row["cache_creation_tokens"] += usage.cache_creation_tokens
        row["total_tokens"] += usage.total
        row["peak_context_tokens"] = max(row["peak_context_tokens"], usage.context)
    return totals


def load_expected(folder: Path) -> list[dict]:
    return json.loads((folder / "expected.json").read_text())


def owner_of(run: dict) -> str:
    if run["agent_id"]:
        return f"agent:{run['agent_id']}"
    return f"tool:{run['tool_use_id']}"


def write_lines(path: Path, lines: list, *, end: bytes = b"\n") -> Path:
    """Write JSON objects (or raw bytes) one per line."""
    parts = [line if isinstance(line, bytes) else json.dumps(line).encode() for line in lines]
    path.write_bytes(b"\n".join(parts) + end)
    return path


SESSION = "11111111-2222-3333-4444-555555555555"


def usage(input_tokens=0, output=0, cache_read=0, creation=None, five=None, hour=None, **more):
    """A usage object; ``creation``/``five``/``hour`` left out when None."""
    raw = {"input_tokens": input_tokens, "output_tokens": output,
           "cache_read_input_tokens": cache_read}
    if creation is not None:
        raw["cache_creation_input_tokens"] = creation
    if five is not None or hour is not None:
        raw["cache_creation"] = {"ephemeral_5m_input_tokens": five or 0,
                                 "ephemeral_1h_input_tokens": hour or 0}
    raw.update(more)
    return raw


def assistant(message_id, raw_usage=None, *, request="req-1", version="2.1.62", content=None,
              stop=None, model="claude-test", **line):
    message = {"id": message_id, "role": "assistant", "model": model,
               "content": content if content is not None else [{"type": "text", "text": "ok"}],
               "stop_reason": stop}
    if raw_usage is not None:
        message["usage"] = raw_usage
    entry = {"type": "assistant", "sessionId": SESSION, "version": version,
             "timestamp": "2026-01-01T00:00:00.000Z", "message": message}
    if request is not None:
        entry["requestId"] = request
    entry.update(line)
    return entry


def user(content, *, version="2.1.62", **line):
    entry = {"type": "user", "sessionId": SESSION, "version": version,
             "timestamp": "2026-01-01T00:00:01.000Z",
             "message": {"role": "user", "content": content}}
    entry.update(line)
    return entry


def session_file(tmp_path: Path, lines: list, **options) -> Path:
    folder = tmp_path / "proj"
    folder.mkdir(exist_ok=True)
    return write_lines(folder / f"{SESSION}.jsonl", lines, **options)


def agent_file(tmp_path: Path, agent_id: str, lines: list, *, meta: dict | None = None) -> Path:
    folder = tmp_path / "proj" / SESSION / "subagents"
    folder.mkdir(parents=True, exist_ok=True)
    if meta is not None:
        (folder / f"agent-{agent_id}.meta.json").write_text(json.dumps(meta))
    return write_lines(folder / f"agent-{agent_id}.jsonl", lines)
