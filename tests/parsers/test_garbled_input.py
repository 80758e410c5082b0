"""Random and garbled lines never make a parser raise; ReadUpTo stays on a line end."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from parser_support import corpus_folder, source_of

from interstat.records import ReadUpTo
from interstat.registry import ParseRequest
from interstat_parsers.builtin import BUILTIN_PARSERS

KEYS = st.sampled_from([
    "type", "message", "usage", "content", "id", "name", "input", "prompt", "subagent_type",
    "tool_use_id", "toolUseResult", "agentId", "isSidechain", "uuid", "parentUuid",
    "requestId", "version", "sessionId", "timestamp", "input_tokens", "output_tokens",
    "cache_creation_input_tokens", "cache_read_input_tokens", "cache_creation",
    "ephemeral_5m_input_tokens", "status", "is_error", "text", "attachment", "data", "model",
    "stop_reason", "cwd", "run_in_background", "description", "totalTokens", "isAsync",
])
WORDS = st.sampled_from([
    "assistant", "user", "tool_use", "tool_result", "Task", "Agent", "text", "<synthetic>",
    "2.1.38", "1.0.128", "2.0.76", "async_launched", "progress", "queue-operation",
    "attachment", "u1", "u2", "toolu_1", "msg_1", "a1",
    "<task-notification><tool-use-id>toolu_1</tool-use-id><status>x</status>",
])
SCALARS = (st.none() | st.booleans() | st.integers(-5, 2**70) | st.floats() | st.text(max_size=20)
           | WORDS)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=6),
    max_leaves=25,
)

ANY = WORDS | VALUES
BLOCKS = st.fixed_dictionaries({}, optional={
    "type": ANY, "name": ANY, "id": ANY, "input": ANY, "tool_use_id": ANY, "content": ANY,
    "is_error": ANY, "text": ANY,
})
USAGE = st.fixed_dictionaries({}, optional={
    key: st.integers(-2, 10**6) | ANY for key in (
        "input_tokens", "output_tokens", "cache_read_input_tokens",
        "cache_creation_input_tokens", "cache_creation", "service_tier")
})
MESSAGES = st.fixed_dictionaries({}, optional={
    "id": ANY, "content": st.lists(BLOCKS, max_size=3) | ANY, "usage": USAGE | ANY,
    "model": ANY, "stop_reason": ANY,
})
SHAPED = st.fixed_dictionaries({}, optional={
    "type": ANY, "message": MESSAGES | ANY, "toolUseResult": ANY, "agentId": ANY,
    "isSidechain": ANY, "uuid": ANY, "parentUuid": ANY, "version": ANY, "requestId": ANY,
    "attachment": ANY, "content": ANY, "isApiErrorMessage": ANY, "timestamp": ANY,
})


def _corpus_lines() -> list[bytes]:
    lines = []
    for path in sorted(corpus_folder().glob("cc-2.1.332-small/projects/*/*.jsonl")):
        lines.extend(path.read_bytes().split(b"\n")[:40])
    return [line for line in lines if line]


CORPUS_LINES = _corpus_lines()


@st.composite
def garbled_corpus_line(draw) -> bytes:
    line = bytearray(draw(st.sampled_from(CORPUS_LINES)))
    for _ in range(draw(st.integers(0, 4))):
        position = draw(st.integers(0, len(line) - 1))
        line[position] = draw(st.integers(0, 255))
    cut = draw(st.integers(0, len(line)))
    return bytes(line[:cut] if draw(st.booleans()) else line)


LINES = st.one_of(
    VALUES.map(lambda value: json.dumps(value).encode()),
    SHAPED.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=120),
    garbled_corpus_line(),
)
PLACES = st.sampled_from([
    "proj/s.jsonl", "proj/agent-a1.jsonl", "proj/s/subagents/agent-a2.jsonl",
    "proj/s/subagents/workflows/wf_1/agent-acompact-3.jsonl",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(LINES, max_size=12), place=PLACES, bom=st.booleans(),
       newline_at_end=st.booleans(), strict=st.booleans(), start=st.integers(0, 400))
def test_no_parser_raises_on_garbled_files(lines, place, bom, newline_at_end, strict, start):
    data = (b"\xef\xbb\xbf" if bom else b"") + b"\n".join(lines)
    data += b"\n" if newline_at_end else b""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / place
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        source = source_of(path)
        for parser in BUILTIN_PARSERS:
            parser.recognises(source)
            offset = min(start, len(data))
            facts = list(parser.parse(ParseRequest(source, offset, strict)))
            assert isinstance(facts[-1], ReadUpTo)
            end = facts[-1].offset
            assert offset <= end <= len(data)
            assert end == offset or data[end - 1:end] == b"\n"
