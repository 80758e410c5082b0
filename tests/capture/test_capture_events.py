"""What each hook event stores, on small inputs whose right values are worked out by hand."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from capture_support import dispatch_event, result_event, rows

from interstat.store import connect
from interstat.store.connect import open_store

PROMPT = "Review foo.py for secrets: hunter2"


def event(name: str, **fields) -> bytes:
    return json.dumps({"session_id": "s-1", "hook_event_name": name, **fields}).encode()


def pre(tool_use_id: str | None = "toolu_1", **tool_input) -> bytes:
    inputs = {"prompt": PROMPT, "description": "Review foo", **tool_input}
    fields = {"tool_name": "Agent", "tool_input": inputs, "cwd": "/work/p", "prompt_id": "pr-1"}
    if tool_use_id:
        fields["tool_use_id"] = tool_use_id
    return event("PreToolUse", **fields)


def post(response: dict, tool_use_id: str | None = "toolu_1", prompt: str = PROMPT) -> bytes:
    fields = {"tool_name": "Agent", "tool_input": {"prompt": prompt}, "tool_response": response}
    if tool_use_id:
        fields["tool_use_id"] = tool_use_id
    return event("PostToolUse", **fields)


def only_row(store: Path) -> dict:
    (row,) = rows(store)
    return row


def test_dispatch_stores_a_digest_of_the_prompt_never_its_text(hook, store: Path):
    hook("PreToolUse", pre(subagent_type="fd-safety", model="haiku", run_in_background=True))
    row = only_row(store)
    assert row["prompt_sha256"] == hashlib.sha256(PROMPT.encode()).hexdigest()
    assert row["prompt_length"] == len(PROMPT)
    assert (row["agent_name"], row["requested_model"], row["background"]) == (
        "fd-safety", "haiku", 1
    )
    assert (row["project"], row["invocation_id"], row["status"]) == ("/work/p", "pr-1", "running")
    assert row["workflow_id"] == "s-1" and row["description"] is None
    assert b"hunter2" not in store.read_bytes()


def test_descriptions_are_kept_only_when_asked(hook, store: Path, monkeypatch):
    monkeypatch.setenv("INTERSTAT_STORE_DESCRIPTIONS", "1")
    monkeypatch.setenv("INTERSTAT_WORKFLOW_ID", "wf-7")
    hook("PreToolUse", pre())
    row = only_row(store)
    assert (row["description"], row["workflow_id"]) == ("Review foo", "wf-7")


def test_a_dispatch_inside_a_sub_agent_names_its_parent(hook, store: Path):
    raw = json.loads(pre())
    raw.update(agent_id="a-parent", agent_type="general-purpose")
    hook("PreToolUse", json.dumps(raw).encode())
    assert only_row(store)["parent_agent_id"] == "a-parent"


def test_foreground_run_start_stop_result(hook, store: Path):
    hook("PreToolUse", pre())
    hook("SubagentStart", event("SubagentStart", agent_id="a1", agent_type="fd-quality"))
    stop = event("SubagentStop", agent_id="a1", agent_type="fd-quality",
                 last_assistant_message="## Findings\n- one", agent_transcript_path="/t/a1.jsonl")
    hook("SubagentStop", stop)
    response = {"status": "completed", "agentId": "a1", "agentType": "fd-quality",
                "totalTokens": 44062, "resolvedModel": "claude-x",
                "content": [{"type": "text", "text": "## Findings\n- one\n"}]}
    hook("PostToolUse", post(response))
    row = only_row(store)
    ids = (row["agent_id"], row["tool_use_id"], row["agent_name"])
    assert ids == ("a1", "toolu_1", "fd-quality")
    assert (row["status"], row["background"]) == ("completed", 0)
    # The stop's answer (16 characters) wins over the result's text (17).
    assert row["result_length"] == len("## Findings\n- one")
    assert row["transcript_path"] == "/t/a1.jsonl"
    assert (row["reported_total_tokens"], row["tokens_source"]) == (44062, "hook_estimate")
    assert row["model"] == "claude-x"
    assert row["ended_at"] >= row["started_at"] and row["wall_clock_ms"] >= 0


def test_background_run_stays_running_until_it_stops(hook, store: Path):
    hook("PreToolUse", pre())
    hook("SubagentStart", event("SubagentStart", agent_id="a1", agent_type="Explore"))
    hook("PostToolUse", post({"status": "async_launched", "agentId": "a1", "isAsync": True}))
    row = only_row(store)
    assert (row["agent_id"], row["background"], row["status"]) == ("a1", 1, "running")
    assert row["ended_at"] is None
    hook("SubagentStop", event("SubagentStop", agent_id="a1", last_assistant_message="done"))
    row = only_row(store)
    assert (row["status"], row["result_length"], row["agent_name"]) == ("completed", 4, "Explore")


def test_a_failed_run_stays_failed(hook, store: Path):
    hook("PreToolUse", pre())
    failure = event("PostToolUseFailure", tool_name="Agent", tool_use_id="toolu_1",
                    tool_input={"prompt": PROMPT}, error="API Error", is_interrupt=False)
    hook("PostToolUseFailure", failure)
    assert only_row(store)["status"] == "failed"
    hook("PostToolUse", post({"status": "completed", "agentId": "a1", "totalTokens": 5}))
    hook("SubagentStop", event("SubagentStop", agent_id="a1", last_assistant_message="x"))
    assert only_row(store)["status"] == "failed"


def test_a_completed_result_with_zero_tokens_is_a_failed_run(hook, store: Path):
    hook("PreToolUse", pre())
    hook("PostToolUse", post({"status": "completed", "agentId": "a1", "totalTokens": 0,
                              "content": [{"type": "text", "text": "API Error: 400"}]}))
    assert only_row(store)["status"] == "failed"


def test_the_hook_estimate_never_replaces_transcript_totals(hook, store: Path):
    hook("PreToolUse", pre())
    conn = sqlite3.connect(store)
    conn.execute("UPDATE agent_runs SET total_tokens = 76107, tokens_source = 'transcript'")
    conn.commit()
    conn.close()
    hook("PostToolUse", post({"status": "completed", "agentId": "a1", "totalTokens": 44062}))
    row = only_row(store)
    assert (row["total_tokens"], row["tokens_source"]) == (76107, "transcript")


def test_the_agent_type_comes_from_start_when_the_call_names_none(hook, store: Path):
    hook("PreToolUse", pre())
    hook("SubagentStart", event("SubagentStart", agent_id="a1", agent_type="Plan"))
    hook("PostToolUse", post({"status": "completed", "agentId": "a1", "totalTokens": 9}))
    assert only_row(store)["agent_name"] == "Plan"


def test_general_purpose_when_nothing_names_the_type(hook, store: Path):
    hook("PreToolUse", pre(tool_use_id=None))
    hook("PostToolUse", post({"content": "ok", "totalTokens": 9}, tool_use_id=None))
    assert only_row(store)["agent_name"] == "general-purpose"


def test_inline_era_identical_prompts_are_two_runs_finished_in_turn(hook, store: Path):
    hook("PreToolUse", pre(tool_use_id=None))
    hook("PreToolUse", pre(tool_use_id=None, subagent_type="x"))  # different bytes, same prompt
    hook("PostToolUse", post({"content": "first", "totalTokens": 9}, tool_use_id=None))
    first, second = rows(store)
    assert (first["status"], first["result_length"]) == ("completed", 5)
    assert second["status"] == "running"
    hook("PostToolUse", post({"content": "second!", "totalTokens": 9}, tool_use_id=None))
    assert [r["result_length"] for r in rows(store)] == [5, 7]


def test_a_start_with_no_dispatch_waiting_is_not_a_run(hook, store: Path):
    hook("SubagentStart", event("SubagentStart", agent_id="warm", agent_type="Explore"))
    hook("SubagentStop", event("SubagentStop", agent_id="warm"))
    assert rows(store) == []


@pytest.mark.parametrize("event_name", ["PreToolUse", "PostToolUse"])
def test_identical_delivery_twice_is_applied_once(hook, store: Path, event_name: str):
    raw = dispatch_event("s-1", "t1") if event_name == "PreToolUse" else (
        result_event("s-1", "t1", "a1", "ok")
    )
    hook(event_name, raw)
    before = rows(store)
    hook(event_name, raw)
    assert rows(store) == before
    assert len(rows(store, "SELECT * FROM hook_events")) == 1


def test_opening_an_up_to_date_store_only_reads(store: Path, monkeypatch):
    open_store(store).close()
    statements: list[str] = []
    real_connect = sqlite3.connect

    def traced_connect(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(connect.sqlite3, "connect", traced_connect)
    open_store(store, busy_timeout_ms=300).close()
    assert statements, "the trace saw nothing"
    # Reads only, and the two per-connection settings; no transaction, no schema change.
    settings = [s for s in statements if s.startswith("PRAGMA") and "=" in s]
    assert [s.split()[1] for s in settings] == ["busy_timeout", "synchronous"]
    assert all(s.startswith(("PRAGMA", "SELECT")) for s in statements), statements
