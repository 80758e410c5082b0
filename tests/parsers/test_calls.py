"""ApiCall facts: one per response, the best copy, usage read by the counting rules."""

from __future__ import annotations

from parser_support import (
    agent_file,
    assistant,
    corpus_folder,
    of_type,
    parse,
    session_file,
    usage,
    user,
)

from interstat.records import ApiCall, SkippedLine


def calls_of(facts) -> list[ApiCall]:
    return of_type(facts, ApiCall)


def test_per_block_copies_are_one_call_with_the_largest_output(tmp_path):
    lines = [
        assistant("msg-1", usage(5, 1, 30000, 2000)),
        assistant("msg-1", usage(5, 1, 30000, 2000)),
        assistant("msg-1", usage(5, 40, 30000, 2000), stop="tool_use"),
    ]
    [call] = calls_of(parse(session_file(tmp_path, lines)))
    assert call.call_key == "req-1|msg-1"
    assert call.usage.output_tokens == 40
    assert call.usage.total == 5 + 40 + 30000 + 2000


def test_a_smaller_later_copy_does_not_replace_a_larger_one(tmp_path):
    lines = [assistant("msg-1", usage(5, 40)), assistant("msg-1", usage(5, 3))]
    [call] = calls_of(parse(session_file(tmp_path, lines)))
    assert call.usage.output_tokens == 40


def test_the_key_falls_back_to_the_message_id_without_a_request_id(tmp_path):
    lines = [
        assistant("msg-a", usage(1), request=None),
        assistant("msg-b", usage(1), request=""),
        assistant("msg-c", usage(1), request="req-9"),
    ]
    keys = [call.call_key for call in calls_of(parse(session_file(tmp_path, lines)))]
    assert keys == ["msg-a", "msg-b", "req-9|msg-c"]


def test_nested_cache_creation_counts_when_the_flat_field_is_zero(tmp_path):
    lines = [
        assistant("msg-1", usage(1, creation=0, five=300, hour=700)),
        assistant("msg-2", usage(1, five=20, hour=0)),
    ]
    first, second = calls_of(parse(session_file(tmp_path, lines)))
    assert (first.usage.cache_creation_tokens, first.usage.cache_creation_5m_tokens,
            first.usage.cache_creation_1h_tokens) == (1000, 300, 700)
    assert (second.usage.cache_creation_tokens, second.usage.cache_creation_5m_tokens) == (20, 20)


def test_a_flat_count_without_the_split_is_priced_as_five_minutes(tmp_path):
    [call] = calls_of(parse(session_file(tmp_path, [assistant("m", usage(1, creation=800))])))
    assert (call.usage.cache_creation_tokens, call.usage.cache_creation_5m_tokens,
            call.usage.cache_creation_1h_tokens) == (800, 800, 0)


def test_a_flat_count_keeps_its_value_and_the_split_comes_from_the_nested_object(tmp_path):
    line = assistant("m", usage(1, creation=900, five=0, hour=900))
    [call] = calls_of(parse(session_file(tmp_path, [line])))
    assert (call.usage.cache_creation_tokens, call.usage.cache_creation_5m_tokens,
            call.usage.cache_creation_1h_tokens) == (900, 0, 900)


def test_api_error_messages_are_synthetic_calls(tmp_path):
    lines = [
        assistant("m1", usage(), request=None, model="<synthetic>"),
        assistant("m2", usage(), model="claude-test", isApiErrorMessage=True),
        assistant("m3", usage(4, 2)),
    ]
    flags = [call.synthetic for call in calls_of(parse(session_file(tmp_path, lines)))]
    assert flags == [True, True, False]


def test_progress_copies_and_tool_result_usage_are_never_counted(tmp_path):
    embedded = assistant("msg-inner", usage(100, 100), agentId="a1")
    lines = [
        {"type": "progress", "sessionId": "s", "version": "2.1.38",
         "data": {"type": "agent_progress", "agentId": "a1", "message": embedded}},
        user([{"type": "tool_result", "tool_use_id": "toolu_1", "content": "done"}],
             toolUseResult={"usage": usage(7, 7), "totalTokens": 14}),
        assistant("msg-main", usage(2, 3)),
    ]
    [call] = calls_of(parse(session_file(tmp_path, lines)))
    assert call.call_key == "req-1|msg-main"


def test_owners_follow_the_line_and_the_file(tmp_path):
    session = [assistant("m1", usage(1)), assistant("m2", usage(1), agentId="a9")]
    owners = [call.owner for call in calls_of(parse(session_file(tmp_path, session)))]
    assert owners == ["main", "agent:a9"]
    agent = [assistant("m3", usage(1), agentId="a5", isSidechain=True),
             assistant("m4", usage(1), isSidechain=True)]
    owners = [call.owner for call in calls_of(parse(agent_file(tmp_path, "a5", agent)))]
    assert owners == ["agent:a5", "agent:a5"]


def test_usage_that_is_not_counts_is_a_bad_field(tmp_path):
    lines = [
        assistant("m1", {"input_tokens": "12", "output_tokens": 1}),
        assistant("m2", {"input_tokens": True, "output_tokens": 1}),
        assistant("m3", {"input_tokens": -1, "output_tokens": 1}),
        assistant("m4", "lots"),
        assistant("m6", {"input_tokens": 1.0, "output_tokens": 1}),
        assistant("m7", {"input_tokens": 2**40 + 1, "output_tokens": 1}),
        assistant("m8", {"output_tokens": 1, "cache_creation": {"ephemeral_1h_input_tokens": "9"}}),
        assistant(None, usage(1)),
        assistant("m5", usage(1, 1)),
    ]
    facts = parse(session_file(tmp_path, lines))
    assert [call.call_key for call in calls_of(facts)] == ["req-1|m5"]
    skipped = of_type(facts, SkippedLine)
    assert [(s.reason, s.line_number) for s in skipped] == [("bad-field", n) for n in range(1, 9)]


def test_unfinished_output_counts_are_flagged_in_the_affected_versions(tmp_path):
    lines = [
        assistant("m1", usage(1, 3), version="2.1.38"),
        assistant("m1", usage(1, 3), version="2.1.38"),
        assistant("m2", usage(1, 2), version="2.1.38"),
        assistant("m2", usage(1, 90), version="2.1.38", stop="end_turn"),
        assistant("m3", usage(1, 3), version="2.1.97"),
        assistant("m4", usage(1, 3), version="2.0.76"),
    ]
    flags = [call.output_is_placeholder for call in calls_of(parse(session_file(tmp_path, lines)))]
    assert flags == [True, False, False, False]


def test_the_public_2_1_38_agent_file_has_only_placeholder_outputs():
    # Its 18 responses have no stop_reason on any line (checked by hand).
    path = corpus_folder() / "public" / "spotter_2.1.38_agent-afc096d.jsonl"
    calls = calls_of(parse(path))
    assert len(calls) == 18
    assert all(call.output_is_placeholder for call in calls)


def test_finalised_2_1_62_outputs_are_not_flagged():
    calls = calls_of(parse(next((corpus_folder() / "cc-2.1.62-small").rglob("agent-*.jsonl"))))
    assert calls and not any(call.output_is_placeholder for call in calls)
