"""Reading lines: truncation and resume, BOM, bad bytes, huge lines, strict mode."""

from __future__ import annotations

import json

from parser_support import (
    agent_file,
    assistant,
    of_type,
    parse,
    session_file,
    source_of,
    usage,
)

from interstat.records import ApiCall, Dispatch, ReadUpTo, SkippedLine
from interstat.registry import ParseRequest
from interstat_parsers.builtin import BUILTIN_PARSERS
from interstat_parsers.chains import InlineThreads
from interstat_parsers.lines import BadLine, LineReader
from interstat_parsers.scan import Scan
from interstat_parsers.threads import SessionThreads


def encoded(line: dict) -> bytes:
    return json.dumps(line).encode()


def skipped(facts) -> list[tuple[str, int]]:
    return [(fact.reason, fact.line_number) for fact in of_type(facts, SkippedLine)]


def test_only_the_inline_parser_rereads_grown_files_from_the_start():
    assert {parser.era: parser.resumable for parser in BUILTIN_PARSERS} == {
        "inline": False, "flat": True, "subagents": True,
    }


def test_a_last_line_without_newline_is_not_consumed_and_is_read_on_resume(tmp_path):
    first = encoded(assistant("m1", usage(1, 1)))
    second = encoded(assistant("m2", usage(2, 2)))
    partial = encoded(assistant("m3", usage(3, 3)))
    path = session_file(tmp_path, [first, second, partial[:20]], end=b"")
    facts = parse(path)
    assert skipped(facts) == [("truncated", 3)]
    assert facts[-1] == ReadUpTo(len(first) + len(second) + 2)
    assert [call.call_key for call in of_type(facts, ApiCall)] == ["req-1|m1", "req-1|m2"]

    with open(path, "ab") as stream:
        stream.write(partial[20:] + b"\n")
    resumed = parse(path, start=facts[-1].offset)
    assert [call.call_key for call in of_type(resumed, ApiCall)] == ["req-1|m3"]
    assert skipped(resumed) == []
    assert resumed[-1] == ReadUpTo(path.stat().st_size)


def test_a_byte_order_mark_at_the_start_is_tolerated(tmp_path):
    path = session_file(tmp_path, [b"\xef\xbb\xbf" + encoded(assistant("m1", usage(1)))])
    facts = parse(path, strict=True)
    assert skipped(facts) == []
    assert len(of_type(facts, ApiCall)) == 1


def test_bad_lines_are_skipped_with_their_reason_and_the_rest_is_read(tmp_path):
    lines = [
        b'{"type": "assistant", "message": {"text": "\xff\xfe"}}',
        b'{"type": "assistant", "message":',
        b'["assistant"]',
        b"",
        b"   ",
        encoded(assistant("m1", usage(1, 1))),
    ]
    facts = parse(session_file(tmp_path, lines))
    assert skipped(facts) == [("invalid-utf8", 1), ("bad-json", 2), ("not-object", 3)]
    assert len(of_type(facts, ApiCall)) == 1


def test_strict_mode_decodes_every_line_and_flags_unknown_types_and_usage_keys(tmp_path):
    lines = [
        encoded(assistant("m1", usage(1, 1))),
        b"[1, 2]",
        encoded({"type": "brand-new-kind", "sessionId": "s"}),
        encoded(assistant("m2", usage(1, 1, new_counter=5))),
        encoded({"type": "file-history-snapshot", "snapshot": {}}),
    ]
    facts = parse(session_file(tmp_path, lines), strict=True)
    assert skipped(facts) == [("not-object", 2), ("unknown-type", 3), ("unknown-usage-key", 4)]
    # A new usage key is reported, and the call is still counted.
    assert len(of_type(facts, ApiCall)) == 2
    assert skipped(parse(session_file(tmp_path, lines))) == []


def test_a_line_over_the_cap_is_skipped_and_reading_goes_on(tmp_path):
    huge = encoded(assistant("m1", usage(1), content=[{"type": "text", "text": "x" * 5000}]))
    path = session_file(tmp_path, [huge, encoded(assistant("m2", usage(2, 2)))])
    source = source_of(path)
    facts = list(Scan(ParseRequest(source), SessionThreads(), max_line_bytes=1000).facts())
    assert skipped(facts) == [("too-long", 1)]
    assert [call.call_key for call in of_type(facts, ApiCall)] == ["req-1|m2"]
    assert facts[-1] == ReadUpTo(path.stat().st_size)


def test_a_huge_unfinished_last_line_is_truncated_not_consumed(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_bytes(b'{"a": 1}\n' + b"y" * 5000)
    reader = LineReader(path, 0, max_line_bytes=100)
    items = list(reader)
    assert isinstance(items[-1], BadLine) and items[-1].reason == "truncated"
    assert reader.consumed == len(b'{"a": 1}\n')


def test_lone_surrogates_never_raise_and_are_replaced_in_facts(tmp_path):
    tool_use = {"type": "tool_use", "id": "toolu_1", "name": "Task",
                "input": {"description": "bad \ud800 text", "prompt": "p \udfff"}}
    path = session_file(tmp_path, [assistant("m1", usage(1), content=[tool_use])])
    [dispatch] = of_type(parse(path), Dispatch)
    assert dispatch.description == "bad ? text"
    assert dispatch.description.encode("utf-8")
    assert dispatch.prompt_length == 3


def test_the_inline_scan_reads_from_a_given_offset_too(tmp_path):
    first = encoded(assistant("m1", usage(1), version="1.0.128"))
    second = encoded(assistant("m2", usage(2), version="1.0.128"))
    path = session_file(tmp_path, [first, second])
    request = ParseRequest(source_of(path), start_offset=len(first) + 1)
    facts = list(Scan(request, InlineThreads(path)).facts())
    assert [call.call_key for call in of_type(facts, ApiCall)] == ["req-1|m2"]


def test_agent_files_report_no_skips_for_ordinary_lines(tmp_path):
    lines = [assistant("m1", usage(1), agentId="a1", isSidechain=True)]
    assert skipped(parse(agent_file(tmp_path, "a1", lines), strict=True)) == []
