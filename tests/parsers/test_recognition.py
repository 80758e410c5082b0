"""Exactly one parser recognises each transcript; the rules for each era."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from parser_support import corpus_folder, source_of

from interstat.registry import SourceFile
from interstat_parsers.builtin import BUILTIN_PARSERS


def accepting(source: SourceFile) -> list[str]:
    return [parser.era for parser in BUILTIN_PARSERS if parser.recognises(source)]


def head_of(*lines: dict) -> bytes:
    return b"".join(json.dumps(line).encode() + b"\n" for line in lines)


def source(path: str, head: bytes) -> SourceFile:
    return SourceFile(Path(path), Path("/p"), head, len(head))


def test_every_corpus_file_is_recognised_by_exactly_one_parser():
    files = sorted(corpus_folder().rglob("*.jsonl"))
    assert files
    for path in files:
        assert len(accepting(source_of(path))) == 1, path


@pytest.mark.parametrize(
    ("name", "era"),
    [
        ("ccv_1.0.98_fe5e1c67.jsonl", "inline"),
        ("grc_2.0.60_agent-0cbdf933.jsonl", "flat"),
        ("spotter_2.1.38_subagent.jsonl", "subagents"),
        ("spotter_2.1.39_agent-acompact-e1f845.jsonl", "subagents"),
    ],
)
def test_public_files_are_placed_by_their_version(name, era):
    assert accepting(source_of(corpus_folder() / "public" / name)) == [era]


@pytest.mark.parametrize(
    ("version", "era"),
    [
        ("1.0.128", "inline"), ("2.0.27", "inline"), ("2.0.28", "flat"),
        ("2.1.1", "flat"), ("2.1.2", "subagents"), ("2.1.332", "subagents"),
    ],
)
def test_the_version_on_the_first_lines_decides_the_era(version, era):
    head = head_of(
        {"type": "queue-operation", "operation": "enqueue"},
        {"type": "user", "version": version, "message": {"role": "user", "content": "hi"}},
    )
    assert accepting(source("/p/proj/s.jsonl", head)) == [era]


def test_a_first_line_longer_than_the_head_is_placed_by_its_version_field():
    head = b'{"type":"user","version":"2.0.40","message":{"content":"' + b"x" * 1000
    assert accepting(source("/p/proj/s.jsonl", head)) == ["flat"]


@pytest.mark.parametrize(
    ("path", "era"),
    [
        ("/p/proj/sess/subagents/agent-a1.jsonl", "subagents"),
        ("/p/proj/sess/subagents/workflows/wf_7/agent-a2.jsonl", "subagents"),
        ("/p/proj/agent-a3.jsonl", "flat"),
    ],
)
def test_agent_files_with_no_version_in_their_head_are_placed_by_path(path, era):
    head = head_of({"type": "progress", "data": {"type": "hook_progress"}})
    assert accepting(source(path, head)) == [era]


def test_a_session_file_of_summaries_only_goes_to_the_inline_era():
    head = head_of({"type": "summary", "summary": "s", "leafUuid": "u1"})
    assert accepting(source("/p/proj/s.jsonl", head)) == ["inline"]


@pytest.mark.parametrize(
    ("path", "head"),
    [
        ("/p/proj/s.jsonl", head_of({"type": "queue-operation", "operation": "enqueue"})),
        ("/p/proj/s.jsonl", b""),
        ("/p/proj/sess/subagents/agent-a1.meta.json", b'{"agentType": "Explore"}'),
    ],
)
def test_files_of_no_known_era_are_recognised_by_none(path, head):
    assert accepting(source(path, head)) == []


def test_recognition_never_raises_on_garbage():
    garbage = b"\xff\xfe{not json\n\x00\x01\n" + b"[" * 100_000 + b"\n"
    assert accepting(source("/p/proj/s.jsonl", garbage)) == []
