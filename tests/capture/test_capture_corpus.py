"""Replaying each era's real hook inputs gives one correct row per sub-agent run.

What a hook can know is worked out from the hook inputs themselves (which
events name which ids); the values come from the corpus's expected.json.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest
from capture_support import ERAS, expected_runs, hook_files, rows

ID_ERAS = [era for era in ERAS if not era.startswith("cc-1.")]


class HookFacts:
    """Which ids and endings the era's hook inputs mention."""

    def __init__(self, era: str):
        self.linked: set[tuple[str, str, str]] = set()
        self.failed_tools: set[tuple[str, str]] = set()
        self.ended_tools: set[tuple[str, str]] = set()
        self.stopped_agents: set[tuple[str, str]] = set()
        self.prompts: list[str] = []
        for path in hook_files(era):
            self._read(json.loads(path.read_bytes()))

    def _read(self, payload: dict) -> None:
        event, session = payload["hook_event_name"], payload["session_id"]
        agent_tool = payload.get("tool_name") in ("Task", "Agent")
        tool_use_id = payload.get("tool_use_id")
        if event == "PreToolUse" and agent_tool:
            self.prompts.append(payload["tool_input"]["prompt"])
        if event == "PostToolUse" and agent_tool:
            response = payload["tool_response"]
            if response.get("agentId") and tool_use_id:
                self.linked.add((session, tool_use_id, response["agentId"]))
            if response.get("status") == "completed":
                self.ended_tools.add((session, tool_use_id))
        if event == "PostToolUseFailure" and agent_tool:
            self.failed_tools.add((session, tool_use_id))
        if event == "SubagentStop" and payload.get("agent_id"):
            self.stopped_agents.add((session, payload["agent_id"]))

    def status_seen(self, run: dict) -> str:
        """The status the hooks alone can give this expected run."""
        tool = (run["session_id"], run["tool_use_id"])
        if tool in self.failed_tools:
            return "failed"
        if tool in self.ended_tools or (run["session_id"], run["agent_id"]) in self.stopped_agents:
            return run["status"]
        return "running"  # no hook ever said it ended (a background run that failed)


def replay(hook, era: str) -> list[str]:
    warnings: list[str] = []
    for path in hook_files(era):
        warnings += hook.file(path)
    return warnings


def _index(stored: list[dict]) -> tuple[dict, dict]:
    by_agent = {(r["session_id"], r["agent_id"]): r for r in stored if r["agent_id"]}
    by_tool = {(r["session_id"], r["tool_use_id"]): r for r in stored if r["tool_use_id"]}
    return by_agent, by_tool


@pytest.mark.parametrize("era", ID_ERAS)
def test_each_run_is_one_row_keyed_by_the_ids_the_hooks_name(hook, store: Path, era: str):
    assert replay(hook, era) == []
    facts, expected = HookFacts(era), expected_runs(era)
    stored = rows(store)
    by_agent, by_tool = _index(stored)

    unlinked = 0
    for run in expected:
        session = run["session_id"]
        tool_row = by_tool[(session, run["tool_use_id"])]
        if (session, run["tool_use_id"], run["agent_id"]) in facts.linked:
            assert tool_row["agent_id"] == run["agent_id"]
            run_rows = [tool_row]
        else:
            # No hook names both ids (the run failed before its result):
            # analyze links the two rows from the agent's meta file.
            unlinked += 1
            agent_row = by_agent[(session, run["agent_id"])]
            assert tool_row["agent_id"] is None and agent_row["tool_use_id"] is None
            run_rows = [tool_row, agent_row]
        for row in run_rows:
            assert row["agent_name"] == run["agent_name"], run
        assert tool_row["parent_agent_id"] == run["parent_agent_id"], run
        assert bool(tool_row["background"]) == run["background"], run
        assert tool_row["status"] == facts.status_seen(run), run

    assert len(stored) == len(expected) + unlinked
    assert all(r["agent_id"] or r["tool_use_id"] for r in stored)


@pytest.mark.parametrize("era", ID_ERAS)
def test_runs_that_ended_have_times_and_lengths(hook, store: Path, era: str):
    replay(hook, era)
    facts = HookFacts(era)
    for row in rows(store):
        tool = (row["session_id"], row["tool_use_id"])
        agent = (row["session_id"], row["agent_id"])
        assert row["started_at"] is not None
        if tool in facts.ended_tools or agent in facts.stopped_agents:
            assert row["ended_at"] >= row["started_at"]
            assert row["wall_clock_ms"] is not None and row["wall_clock_ms"] >= 0
            assert row["result_length"] is not None


def test_warm_up_agents_of_2_0_76_leave_no_row(hook, store: Path):
    replay(hook, "cc-2.0.76-small")
    expected_agents = {run["agent_id"] for run in expected_runs("cc-2.0.76-small")}
    started = set()
    for path in hook_files("cc-2.0.76-small"):
        payload = json.loads(path.read_bytes())
        if payload["hook_event_name"] == "SubagentStart":
            started.add(payload["agent_id"])
    warm_ups = started - expected_agents
    assert len(warm_ups) == 4  # Explore and Plan, in each of the two sessions
    assert not warm_ups & {row["agent_id"] for row in rows(store)}


def test_inline_era_runs_are_rows_without_ids_matched_by_prompt(hook, store: Path):
    era = "cc-1.0.128-small"
    assert replay(hook, era) == []
    expected, stored = expected_runs(era), rows(store)
    assert len(stored) == len(expected)
    assert all(r["agent_id"] is None and r["tool_use_id"] is None for r in stored)
    assert Counter(r["status"] for r in stored) == Counter(run["status"] for run in expected)
    assert Counter(r["agent_name"] for r in stored) == Counter(
        run["agent_name"] for run in expected
    )
    assert all(bool(r["background"]) is False for r in expected)
    assert all(r["background"] == 0 for r in stored)
    digests = {hashlib.sha256(p.encode()).hexdigest() for p in HookFacts(era).prompts}
    assert {r["prompt_sha256"] for r in stored} == digests
    assert all(r["ended_at"] is not None for r in stored)


@pytest.mark.parametrize("era", ERAS)
def test_replaying_an_era_twice_changes_nothing(hook, store: Path, era: str):
    replay(hook, era)
    runs_before = rows(store)
    events_before = rows(store, "SELECT * FROM hook_events ORDER BY event_key")
    assert replay(hook, era) == []
    assert rows(store) == runs_before
    assert rows(store, "SELECT * FROM hook_events ORDER BY event_key") == events_before


def test_requested_model_and_invocation_come_from_the_tool_call(hook, store: Path):
    era = "cc-2.1.332-reviews"
    replay(hook, era)
    requested = {}
    for path in hook_files(era):
        payload = json.loads(path.read_bytes())
        if payload["hook_event_name"] == "PreToolUse" and payload["tool_name"] == "Agent":
            key = (payload["session_id"], payload["tool_use_id"])
            requested[key] = (payload["tool_input"].get("model"), payload["prompt_id"])
    by_tool = _index(rows(store))[1]
    assert len(requested) == len(expected_runs(era))
    for key, (model, prompt_id) in requested.items():
        assert (by_tool[key]["requested_model"], by_tool[key]["invocation_id"]) == (
            model, prompt_id
        )
