"""The fake API and its script on their own, without the CLI: fast and exact."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from . import fake_api
from .fake_api import FakeAnthropic
from .replies import find_plan
from .script import (
    MAIN_USAGE,
    SIDE_USAGE,
    SKILL_BASE,
    AgentSpec,
    Script,
    ScriptError,
    SkillPlan,
    Usage,
    dispatch,
)

NESTED = {"type": "fd-arch", "bg": True, "model": "haiku", "findings": 2,
          "turns": [[1, 2, 3, 4], [5, 6, 7, 8, 3]],
          "agents": [{"fail": True, "turns": [[9, 9, 9, 9]]}]}


def post(api: FakeAnthropic, body: dict[str, Any], path: str = "/v1/messages") -> tuple[int, str]:
    request = urllib.request.Request(api.url + path, json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def request(prompt: str, assistant_turns: int = 0, tools: bool = True) -> dict[str, Any]:
    messages: list[dict[str, Any]] = [{"role": "user", "content": [
        {"type": "text", "text": "<system-reminder>x</system-reminder>"},
        {"type": "text", "text": prompt}]}]
    for _ in range(assistant_turns):
        messages += [{"role": "assistant", "content": [{"type": "text", "text": "."}]},
                     {"role": "user", "content": [{"type": "tool_result", "content": "."}]}]
    return {"model": "claude-test", "stream": True, "messages": messages,
            "tools": [{"name": "Agent"}] if tools else []}


def sse_data(stream: str) -> list[dict[str, Any]]:
    return [json.loads(line[6:]) for line in stream.splitlines() if line.startswith("data: ")]


def test_script_expectations():
    script = Script.parse({"agents": [NESTED], "main": [1, 1, 1, 1]})
    assert [s.key for s in script.all_agents()] == ["0", "0.0"]
    parent, child = script.all_agents()
    assert parent.expected_usage() == Usage(6, 8, 10, 12, 3)
    assert parent.peak_context() == 18
    assert child.expected_usage() == Usage() and child.fail_at == 0
    assert parent.final_text() == "## Findings\n- [P0] issue 1 in foo.py\n- [P1] issue 2 in foo.py"
    assert script.main_usage == Usage(1, 1, 1, 1)
    assert Usage.of([1, 2, 3, 4, 3]).as_api()["cache_creation"] == {
        "ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 3}


def test_expected_rows_match_the_corpus_conventions():
    # The failed and the background runs of corpus/cc-2.1.332-small, in its numbers.
    script = Script.parse({"agents": [
        {"type": "general-purpose", "findings": 0, "turns": [[9, 0, 8000, 30]]},
        {"type": "general-purpose", "bg": False, "fail": True, "turns": [[1, 1, 1, 1]]}]})
    background, failed = (spec.expected_row() for spec in script.agents)
    assert background == {
        "agent_name": "general-purpose", "status": "completed", "background": True,
        "api_calls": 1, "input_tokens": 9, "output_tokens": 30, "cache_hit_tokens": 0,
        "cache_creation_tokens": 8000, "total_tokens": 8039, "peak_context_tokens": 8009,
        "findings": 0}
    assert failed["status"] == "failed" and failed["background"] is False
    assert failed["api_calls"] == failed["total_tokens"] == failed["peak_context_tokens"] == 0


def test_tool_input_carries_the_key_and_the_overrides():
    spec = Script.parse({"agents": [NESTED]}).agents[0]
    tool_input = spec.tool_input()
    assert (tool_input["subagent_type"], tool_input["model"]) == ("fd-arch", "haiku")
    assert tool_input["run_in_background"] is True
    again = find_plan(request(tool_input["prompt"]))
    assert isinstance(again, AgentSpec) and again.key == "0"
    assert again.agents[0].key == "0.0"
    assert "run_in_background" not in AgentSpec.parse({}, "1").tool_input()


@pytest.mark.parametrize("raw", [
    {"turns": []}, {"turns": [[1, 2, 3]]}, {"turns": [[1, 2, 3, -4]]},
    {"turns": [[1, 1, 1, 1]], "agents": [{}]}, {"fail_at": 3}, {"findings": "two"},
    {"turns": [[1, 1, 1, 1, 2]]},
])
def test_bad_specs_are_refused(raw):
    with pytest.raises(ScriptError):
        AgentSpec.parse(raw, "0")


def test_main_dispatches_then_ends_and_agents_follow_their_turns():
    with FakeAnthropic() as api:
        prompt = dispatch([NESTED])
        status, body = post(api, request(prompt))
        events = sse_data(body)
        tool_uses = [e["content_block"] for e in events if e["type"] == "content_block_start"
                     and e["content_block"]["type"] == "tool_use"]
        sub_prompt = json.loads(next(e["delta"]["partial_json"] for e in events
                                     if e.get("delta", {}).get("type") == "input_json_delta"))
        assert status == 200 and [t["name"] for t in tool_uses] == ["Agent"]
        assert events[-2]["usage"]["output_tokens"] == MAIN_USAGE.output

        assert sse_data(post(api, request(prompt, 1))[1])[-2]["delta"]["stop_reason"] == "end_turn"
        turn0 = sse_data(post(api, request(sub_prompt["prompt"]))[1])
        assert turn0[1]["content_block"]["name"] == "Agent"
        turn1 = sse_data(post(api, request(sub_prompt["prompt"], 1))[1])
        assert "## Findings" in turn1[2]["delta"]["text"]
        child = json.loads(turn0[2]["delta"]["partial_json"])["prompt"]
        assert post(api, request(child))[0] == 400

    calls = [(c.kind, c.key, c.turn, c.status) for c in api.calls]
    assert calls == [("main", "main", 0, 200), ("main", "main", 1, 200),
                     ("agent", "0", 0, 200), ("agent", "0", 1, 200), ("agent", "0.0", 0, 400)]
    assert api.calls_of("0")[1].usage == Usage(5, 6, 7, 8, 3)
    assert api.calls_of("0.0")[0].usage is None


def test_side_calls_are_answered_and_kept_apart():
    with FakeAnthropic() as api:
        prompt = dispatch([{"turns": [[1, 1, 1, 1]]}])
        status, body = post(api, {**request(prompt, tools=False), "stream": False})
        assert status == 200 and json.loads(body)["usage"]["output_tokens"] == SIDE_USAGE.output
        assert post(api, request("hello"), "/v1/messages/count_tokens")[0] == 200
        assert post(api, request("DISPATCH {not json"))[0] == 500
    assert [c.kind for c in api.calls] == ["side", "count_tokens"]
    assert api.scripted() == [] and len(api.errors) == 1


def test_a_held_run_answers_its_last_turn_after_the_main_turn_ends(monkeypatch):
    monkeypatch.setattr(fake_api, "HOLD_GRACE", 0)
    prompt = dispatch([{"hold": True, "turns": [[1, 0, 0, 1], [2, 0, 0, 2]]}])
    sub_prompt = Script.parse(json.loads(prompt[len("DISPATCH "):])).agents[0].tool_input()
    with FakeAnthropic() as api:
        post(api, request(prompt))
        assert post(api, request(sub_prompt["prompt"]))[0] == 200, "only the last turn waits"
        held = threading.Thread(target=post, args=(api, request(sub_prompt["prompt"], 1)))
        held.start()
        time.sleep(0.3)
        assert [c.key for c in api.calls] == ["main", "0"]
        post(api, request(prompt, 1))
        held.join(timeout=5)
    assert [(c.key, c.turn) for c in api.calls] == [("main", 0), ("0", 0), ("main", 1), ("0", 1)]


def test_a_held_run_that_no_main_turn_releases_fails_the_test(monkeypatch):
    monkeypatch.setattr(fake_api, "HOLD_TIMEOUT", 0.1)
    monkeypatch.setattr(fake_api, "HOLD_GRACE", 0)
    with FakeAnthropic() as api:
        assert post(api, request(dispatch([{"hold": True, "turns": [[1, 0, 0, 1]]}])))[0] == 200
        spec = AgentSpec.parse({"hold": True, "turns": [[1, 0, 0, 1]]}, "0")
        assert post(api, request(spec.tool_input()["prompt"]))[0] == 200
    assert "held" in api.errors[0]


# What 2.1.332 sends for "/probe-report": the <command-name> text, then the
# skill's body behind the "Base directory" line.
SKILL_TEXT = (SKILL_BASE + "/plugins/probe/skills/probe-report\n\n# probe\n\n"
              "1. Check `command -v probe`.\n2. Run `probe report --all`, then show it.\n"
              "3. Run `probe other` only when asked.\n")
COMMAND_TEXT = ("<command-message>probe:probe-report</command-message>\n"
                "<command-name>/probe:probe-report</command-name>\n")


def skill_request(tool_output: str | None = None) -> dict[str, Any]:
    body = request(COMMAND_TEXT)
    body["messages"][0]["content"].append({"type": "text", "text": SKILL_TEXT})
    if tool_output is not None:
        body["messages"] += [
            {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1"}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1",
                                          "content": [{"type": "text", "text": tool_output}]}]},
        ]
    return body


def test_an_expanded_skill_names_its_first_run_step():
    plan = find_plan(skill_request())
    assert plan == SkillPlan("probe-report", "probe report --all")
    with pytest.raises(ScriptError):
        SkillPlan.parse(SKILL_BASE + "/x/skills/quiet\n\nNothing to run here.\n")


def test_the_fake_model_runs_the_skill_command_then_shows_its_output():
    with FakeAnthropic() as api:
        status, body = post(api, skill_request())
        events = sse_data(body)
        (tool_use,) = [e["content_block"] for e in events if e["type"] == "content_block_start"
                       and e["content_block"]["type"] == "tool_use"]
        tool_input = json.loads(next(e["delta"]["partial_json"] for e in events
                                     if e.get("delta", {}).get("type") == "input_json_delta"))
        assert status == 200 and tool_use["name"] == "Bash"
        assert tool_input["command"] == "probe report --all"
        assert events[-2]["delta"]["stop_reason"] == "tool_use"

        final = sse_data(post(api, skill_request("Runs  3\nVerdict  SKIP"))[1])
        assert final[2]["delta"]["text"] == "```\nRuns  3\nVerdict  SKIP\n```"
        assert final[-2]["delta"]["stop_reason"] == "end_turn"
    assert [(c.kind, c.key, c.turn, c.usage) for c in api.calls] == [
        ("skill", "probe-report", 0, MAIN_USAGE), ("skill", "probe-report", 1, MAIN_USAGE)]
