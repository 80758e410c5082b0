"""Dispatch and DispatchResult facts: sub-agent calls, their results, notifications."""

from __future__ import annotations

import hashlib

from parser_support import SESSION, assistant, of_type, parse, session_file, usage, user

from interstat.records import Dispatch, DispatchResult


def task(tool_use_id, prompt="do it", *, name="Task", **tool_input):
    return {"type": "tool_use", "id": tool_use_id, "name": name,
            "input": {"description": "Review", "prompt": prompt, **tool_input}}


def tool_result(tool_use_id, text="answer", **block):
    return [{"type": "tool_result", "tool_use_id": tool_use_id,
             "content": [{"type": "text", "text": text}], **block}]


def notification(tool_use_id, status="completed", *, task_id="a1", summary='Agent "x" finished',
                 result="three words here"):
    return ("<task-notification>\n"
            f"<task-id>{task_id}</task-id>\n<tool-use-id>{tool_use_id}</tool-use-id>\n"
            f"<status>{status}</status>\n<summary>{summary}</summary>\n"
            f"<result>{result}</result>\n"
            "<usage><subagent_tokens>8039</subagent_tokens></usage>\n</task-notification>")


def results(facts) -> list[tuple]:
    return [(r.tool_use_id, r.agent_id, r.status, r.result_length, r.reported_total_tokens)
            for r in of_type(facts, DispatchResult)]


def test_each_task_or_agent_call_is_a_dispatch_with_its_inputs(tmp_path):
    lines = [
        assistant("msg-1", usage(1), cwd="/home/u/proj",
                  content=[task("toolu_1", "find bugs", subagent_type="fd-quality",
                                run_in_background=True, model="haiku")]),
        assistant("msg-1", usage(1), content=[task("toolu_2", name="Agent")]),
        assistant("msg-1", usage(1), content=[task("toolu_2", name="Agent")]),
        assistant("msg-2", usage(1), agentId="a7", content=[
            {"type": "tool_use", "id": "toolu_3", "name": "Read", "input": {}},
            task("toolu_4", run_in_background=False),
        ]),
    ]
    first, second, nested = of_type(parse(session_file(tmp_path, lines)), Dispatch)
    assert first == Dispatch(
        session_id=SESSION, tool_use_id="toolu_1", invocation_id="msg-1", parent_agent_id=None,
        agent_name="fd-quality", description="Review",
        prompt_sha256=hashlib.sha256(b"find bugs").hexdigest(), prompt_length=9,
        background=True, requested_model="haiku", timestamp="2026-01-01T00:00:00.000Z",
        project="/home/u/proj", version="2.1.62",
    )
    assert (second.tool_use_id, second.invocation_id, second.agent_name, second.background) == (
        "toolu_2", "msg-1", "general-purpose", None)
    assert (nested.tool_use_id, nested.invocation_id, nested.parent_agent_id,
            nested.background) == ("toolu_4", "msg-2", "a7", False)


def test_results_of_dispatched_calls_carry_status_agent_and_lengths(tmp_path):
    lines = [
        assistant("msg-1", usage(1), content=[task("toolu_1"), task("toolu_2"),
                                              task("toolu_3"), task("toolu_4")]),
        user(tool_result("toolu_1", "full answer plus trailer"), toolUseResult={
            "status": "completed", "agentId": "a1", "totalTokens": 44062,
            "content": [{"type": "text", "text": "full answer"}]}),
        user(tool_result("toolu_2", "boom", is_error=True), toolUseResult="Error: boom"),
        user(tool_result("toolu_3", "launched"), toolUseResult={
            "isAsync": True, "status": "async_launched", "agentId": "a3"}),
        user(tool_result("toolu_4", "text\nagentId: a4 (use SendMessage)\n"
                                    "<usage>subagent_tokens: 512\n</usage>")),
        user(tool_result("toolu_9", "file contents")),
    ]
    assert results(parse(session_file(tmp_path, lines))) == [
        ("toolu_1", "a1", "completed", len("full answer"), 44062),
        ("toolu_2", None, "failed", len("Error: boom"), None),
        ("toolu_3", "a3", "async_launched", None, None),
        ("toolu_4", "a4", "completed",
         len("text\nagentId: a4 (use SendMessage)\n<usage>subagent_tokens: 512\n</usage>"), 512),
    ]


def test_a_resumed_read_knows_results_by_their_shape(tmp_path):
    dispatch = assistant("msg-1", usage(1), content=[task("toolu_1"), task("toolu_2")])
    lines = [
        dispatch,
        user(tool_result("toolu_1"), toolUseResult={
            "status": "completed", "agentId": "a1", "totalTokens": 10, "content": []}),
        user(tool_result("toolu_2"), toolUseResult={
            "content": [{"type": "text", "text": "old"}], "totalDurationMs": 5,
            "totalTokens": 7, "totalToolUseCount": 0}),
        user(tool_result("toolu_5"), toolUseResult={"stdout": "", "stderr": ""}),
    ]
    path = session_file(tmp_path, lines)
    offset = len(path.read_bytes().split(b"\n")[0]) + 1
    assert results(parse(path, start=offset)) == [
        ("toolu_1", "a1", "completed", 0, 10),
        ("toolu_2", None, "completed", 3, 7),
    ]


def test_task_notifications_end_background_runs_once_each(tmp_path):
    text = notification("toolu_1")
    lines = [
        assistant("msg-1", usage(1), content=[task("toolu_1"), task("toolu_2")]),
        {"type": "queue-operation", "operation": "enqueue", "sessionId": SESSION,
         "content": text},
        {"type": "attachment", "sessionId": SESSION, "version": "2.1.332",
         "attachment": {"type": "queued_command", "prompt": text}},
        user(text),
        user([{"type": "text", "text": notification("toolu_2", "killed", task_id="a2")}]),
    ]
    assert results(parse(session_file(tmp_path, lines))) == [
        ("toolu_1", "a1", "completed", len("three words here"), 8039),
        ("toolu_2", "a2", "failed", len("three words here"), 8039),
    ]


def test_background_shell_notifications_are_not_sub_agent_results(tmp_path):
    shell = ("<task-notification>\n<task-id>bnclpiaj0</task-id>\n"
             "<tool-use-id>toolu_bash</tool-use-id>\n<status>completed</status>\n"
             "<summary>Background command completed</summary>\n</task-notification>")
    lines = [
        assistant("msg-1", usage(1), content=[
            {"type": "tool_use", "id": "toolu_bash", "name": "Bash", "input": {}}]),
        user(shell),
        user(notification("toolu_elsewhere", task_id="a8")),
    ]
    # The second one names no call of this file but describes an agent.
    assert results(parse(session_file(tmp_path, lines))) == [
        ("toolu_elsewhere", "a8", "completed", len("three words here"), 8039),
    ]


def test_a_full_read_counts_only_results_of_calls_it_saw(tmp_path):
    # Other tools may return agentId and status (reading an agent's output);
    # from the start of the file every sub-agent call is seen before its result.
    lines = [
        assistant("msg-1", usage(1), content=[
            {"type": "tool_use", "id": "toolu_out", "name": "TaskOutput", "input": {}}]),
        user(tool_result("toolu_out"), toolUseResult={
            "status": "completed", "agentId": "a1", "totalTokens": 5}),
    ]
    assert results(parse(session_file(tmp_path, lines))) == []
