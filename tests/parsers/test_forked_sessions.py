"""A forked session's file copies its parent's history: those runs stay the parent's.

Claude Code 2.1.332 (``--fork-session``, seen) writes the parent's lines into
the fork's file under the fork's ``sessionId``, with the same message ids,
tool-use ids and results, and marks each copied assistant line with
``requestSessionId``: the session that made the request.
"""

from __future__ import annotations

from parser_support import SESSION, assistant, of_type, parse, session_file, usage, user

from interstat.records import ApiCall, Dispatch, DispatchResult

PARENT = "99999999-8888-7777-6666-555555555555"


def _dispatch(tool_use_id):
    return {"type": "tool_use", "id": tool_use_id, "name": "Agent",
            "input": {"description": "Review", "prompt": "look"}}


def _result(tool_use_id, agent_id, status="completed"):
    return user([{"type": "tool_result", "tool_use_id": tool_use_id,
                  "content": [{"type": "text", "text": "done"}]}],
                version="2.1.332",
                toolUseResult={"status": status, "agentId": agent_id, "totalTokens": 9,
                               "content": [{"type": "text", "text": "done"}]})


def _fork_lines():
    copied = {"requestSessionId": PARENT, "version": "2.1.332"}
    return [
        user("DISPATCH", version="2.1.332"),
        assistant("msg-1", usage(5), request="req-1", content=[_dispatch("toolu_1")], **copied),
        assistant("msg-1", usage(5), request="req-1", content=[_dispatch("toolu_2")], **copied),
        _result("toolu_1", "a1"),
        _result("toolu_2", "a2", "async_launched"),
        assistant("msg-2", usage(6), request="req-2", **copied),
        user("and again", version="2.1.332"),
        assistant("msg-3", usage(7), request="req-3", version="2.1.332"),
    ]


def test_copied_dispatches_and_results_belong_to_the_parent_session(tmp_path):
    facts = parse(session_file(tmp_path, _fork_lines()))

    assert [(d.session_id, d.tool_use_id) for d in of_type(facts, Dispatch)] == [
        (PARENT, "toolu_1"), (PARENT, "toolu_2")]
    assert [(r.session_id, r.tool_use_id, r.agent_id) for r in of_type(facts, DispatchResult)
            ] == [(PARENT, "toolu_1", "a1"), (PARENT, "toolu_2", "a2")]


def test_copied_calls_are_the_parent_s_and_new_calls_the_fork_s(tmp_path):
    facts = parse(session_file(tmp_path, _fork_lines()))

    sessions = {call.call_key: call.session_id for call in of_type(facts, ApiCall)}
    assert sessions == {"req-1|msg-1": PARENT, "req-2|msg-2": PARENT, "req-3|msg-3": SESSION}


def test_a_session_without_copies_keeps_its_own_id(tmp_path):
    lines = _fork_lines()
    for line in lines:
        line.pop("requestSessionId", None)
    facts = parse(session_file(tmp_path, lines))

    assert {d.session_id for d in of_type(facts, Dispatch)} == {SESSION}
    assert {r.session_id for r in of_type(facts, DispatchResult)} == {SESSION}
    assert {c.session_id for c in of_type(facts, ApiCall)} == {SESSION}
