"""Inline-era runs: sidechain chains linked to the Task calls that started them."""

from __future__ import annotations

import hashlib

from parser_support import assistant, of_type, parse, session_file, usage, user

from interstat.records import ApiCall, RunTranscript

V = "1.0.128"


def side(line: dict, uuid: str, parent: str | None) -> dict:
    return {**line, "isSidechain": True, "uuid": uuid, "parentUuid": parent}


def main(line: dict, uuid: str, parent: str | None) -> dict:
    return {**line, "isSidechain": False, "uuid": uuid, "parentUuid": parent}


def task(tool_use_id: str, prompt: str) -> dict:
    return {"type": "tool_use", "id": tool_use_id, "name": "Task",
            "input": {"description": "d", "prompt": prompt}}


def chain_lines(prefix: str, prompt: str, parent: str | None, answer: str) -> list[dict]:
    """A two-call run: prompt, a Read call, its result, the answer."""
    return [
        side(user(prompt, version=V), f"{prefix}0", parent),
        side(assistant(f"{prefix}-m1", usage(1, 10), version=V, request=f"{prefix}-r1",
                       content=[{"type": "tool_use", "id": f"{prefix}-read", "name": "Read",
                                 "input": {}}]), f"{prefix}1", f"{prefix}0"),
        side(user([{"type": "tool_result", "tool_use_id": f"{prefix}-read", "content": "x"}],
                  version=V), f"{prefix}2", f"{prefix}1"),
        side(assistant(f"{prefix}-m2", usage(2, 20), version=V, request=f"{prefix}-r2",
                       content=[{"type": "text", "text": answer}]), f"{prefix}3", f"{prefix}2"),
    ]


def owners_by_call(facts) -> dict[str, str]:
    return {call.call_key: call.owner for call in of_type(facts, ApiCall)}


def test_chains_take_equal_prompts_in_dispatch_order_whatever_order_they_run(tmp_path):
    dispatch = main(assistant("main-1", usage(5), version=V, request="main-r1", content=[
        task("toolu_A", "same"), task("toolu_B", "same"), task("toolu_C", "other")]), "d0", None)
    other = chain_lines("o", "other", None, "done other")
    first = chain_lines("x", "same", "d0", "done x")
    second = chain_lines("y", "same", None, "done y")
    # The runs start in the order other, x, y and their lines interleave.
    lines = [dispatch, *other, first[0], second[0], first[1], second[1], second[2], first[2],
             first[3], second[3]]
    facts = parse(session_file(tmp_path, lines))
    assert owners_by_call(facts) == {
        "main-r1|main-1": "main",
        "o-r1|o-m1": "tool:toolu_C", "o-r2|o-m2": "tool:toolu_C",
        "x-r1|x-m1": "tool:toolu_A", "x-r2|x-m2": "tool:toolu_A",
        "y-r1|y-m1": "tool:toolu_B", "y-r2|y-m2": "tool:toolu_B",
    }


def test_each_chain_is_a_run_transcript_with_its_prompt_and_answer(tmp_path):
    dispatch = main(assistant("main-1", usage(5), version=V, content=[task("toolu_A", "look")]),
                    "d0", None)
    lines = [dispatch, *chain_lines("x", "look", None, "## Findings\n- one")]
    [run] = of_type(parse(session_file(tmp_path, lines)), RunTranscript)
    assert (run.owner, run.agent_id, run.tool_use_id, run.layout, run.kind) == (
        "tool:toolu_A", None, "toolu_A", "inline", "dispatched")
    assert run.final_text == "## Findings\n- one"
    assert run.prompt_sha256 == hashlib.sha256(b"look").hexdigest()
    assert (run.started_at, run.ended_at) == (
        "2026-01-01T00:00:01.000Z", "2026-01-01T00:00:00.000Z")


def test_a_chain_no_task_call_explains_keeps_its_own_owner(tmp_path):
    lines = chain_lines("z", "nobody asked", None, "hm")
    facts = parse(session_file(tmp_path, lines))
    assert set(owners_by_call(facts).values()) == {"sidechain:z0"}
    [run] = of_type(facts, RunTranscript)
    assert (run.owner, run.tool_use_id) == ("sidechain:z0", None)
