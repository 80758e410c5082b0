"""interstat.store.values: what capture and the parsers both make of untrusted JSON."""

from __future__ import annotations

import hashlib
import json
import sqlite3

from click.testing import CliRunner

from interstat.capture.observe import extract
from interstat.cli import cli
from interstat.records import Dispatch
from interstat.store.values import SQLITE_INT_MAX, TOKEN_LIMIT, count, flag, prompt_digest
from tests.parsers.parser_support import (
    SESSION, assistant, of_type, parse, session_file, usage, write_lines,
)


def test_prompt_digest_is_the_sha256_of_the_utf8_text():
    assert prompt_digest("Review é") == hashlib.sha256("Review é".encode()).hexdigest()
    # A lone surrogate (legal in JSON, not in UTF-8) still hashes, as its raw code unit.
    assert prompt_digest("a\ud800") == hashlib.sha256(b"a\xed\xa0\x80").hexdigest()


def test_counts_are_whole_numbers_within_the_limit():
    assert [count(v) for v in (0, 7, SQLITE_INT_MAX, SQLITE_INT_MAX + 1, -1, True, 1.0, "3")] \
        == [0, 7, SQLITE_INT_MAX, None, None, None, None, None]
    assert count(TOKEN_LIMIT, TOKEN_LIMIT) == TOKEN_LIMIT
    assert count(TOKEN_LIMIT + 1, TOKEN_LIMIT) is None
    assert [flag(v) for v in (True, False, 1, "true", None)] == [True, False, None, None, None]


def test_hook_and_transcript_give_one_prompt_the_same_digest(tmp_path):
    prompt = "Find the bug in parser.py \u2014 be brief"
    tool_input = {"prompt": prompt, "description": "bug hunt", "subagent_type": "Explore"}
    payload = {"hook_event_name": "PreToolUse", "session_id": SESSION, "tool_name": "Agent",
               "tool_use_id": "toolu_1", "tool_input": tool_input}
    from_hook = extract("PreToolUse", payload, {})["prompt_sha256"]

    dispatch = {"type": "tool_use", "id": "toolu_1", "name": "Agent", "input": tool_input}
    path = session_file(tmp_path, [assistant("msg-1", usage(10, 1), content=[dispatch])])
    (from_transcript,) = [fact.prompt_sha256 for fact in of_type(parse(path), Dispatch)]
    assert from_hook == from_transcript == hashlib.sha256(prompt.encode()).hexdigest()


def test_a_token_count_beyond_any_call_is_skipped_not_fatal(tmp_path):
    claude = tmp_path / "claude"
    folder = claude / "projects" / "-proj"
    folder.mkdir(parents=True)
    write_lines(folder / f"{SESSION}.jsonl", [
        assistant("msg-huge", usage(10**20, 1), request="req-1"),
        assistant("msg-fine", usage(100, 5), request="req-2"),
    ])
    store = tmp_path / "metrics.db"
    result = CliRunner().invoke(cli, ["--db", str(store), "analyze", "--claude-dir", str(claude),
                                      "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["skipped_lines"] == {"bad-field": 1}
    with sqlite3.connect(store) as conn:
        rows = conn.execute("SELECT call_key, total_tokens FROM api_calls").fetchall()
    assert rows == [("req-2|msg-fine", 105)]
