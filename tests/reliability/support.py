"""Helpers for the reliability tests: real processes, faults, and what the store holds."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def interstat_exe() -> str:
    """The installed console script, as the plugin's wrapper runs it."""
    script = Path(sys.executable).with_name("interstat")
    if not script.exists():
        pytest.fail(f"no interstat console script beside {sys.executable}; run 'uv sync'")
    return str(script)


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a child process: its own HOME, none of interstat's settings."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("INTERSTAT_") and name != "CLAUDE_CONFIG_DIR"}
    env.update(HOME=str(home), INTERSTAT_NO_AUTO_ANALYZE="1", **extra)
    return env


def run_interstat(args: list[str], env: dict[str, str], *, stdin: bytes = b"",
                  preexec_fn=None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [interstat_exe(), *args], input=stdin, capture_output=True, env=env,
        preexec_fn=preexec_fn, timeout=timeout, check=False,
    )


def query(store: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(store)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def integrity(store: Path) -> str:
    return query(store, "PRAGMA integrity_check")[0][0]


def store_files(store: Path) -> list[Path]:
    """The store and every file beside it that belongs to it."""
    return sorted(path for path in store.parent.iterdir() if path.name.startswith(store.name))


def hook_event(event: str, session: str, **fields: object) -> bytes:
    payload = {"session_id": session, "hook_event_name": event, "cwd": "/work/project",
               "transcript_path": f"/home/u/.claude/projects/p/{session}.jsonl", **fields}
    return json.dumps(payload).encode()


def dispatch(session: str, tool_use_id: str, agent_type: str = "fd-quality",
             background: bool = False, prompt: str = "review the parser") -> bytes:
    tool_input = {"description": "Review parser", "prompt": prompt,
                  "subagent_type": agent_type, "run_in_background": background}
    return hook_event("PreToolUse", session, tool_name="Agent", tool_use_id=tool_use_id,
                      tool_input=tool_input)


def answer_of(agent_id: str) -> str:
    return f"Reviewed the parser for {agent_id}: two findings."


def run_events(session: str, tool_use_id: str, agent_id: str, agent_type: str,
               background: bool) -> dict[str, bytes]:
    """The four hook inputs of one sub-agent run, as 2.1.332 sends them."""
    tool_input = {"description": "Review parser", "prompt": f"review part {tool_use_id}",
                  "subagent_type": agent_type, "run_in_background": background}
    tool = {"tool_name": "Agent", "tool_use_id": tool_use_id, "tool_input": tool_input}
    if background:
        response = {"status": "async_launched", "agentId": agent_id,
                    "outputFile": f"/tmp/claude/{agent_id}.output"}
    else:
        response = {"status": "completed", "agentId": agent_id, "agentType": agent_type,
                    "content": [{"type": "text", "text": answer_of(agent_id)}],
                    "totalDurationMs": 4000, "totalTokens": 21000, "totalToolUseCount": 3,
                    "resolvedModel": "claude-opus-5-5"}
    return {
        "PreToolUse": hook_event("PreToolUse", session, **tool),
        "SubagentStart": hook_event("SubagentStart", session, agent_id=agent_id,
                                    agent_type=agent_type),
        "PostToolUse": hook_event("PostToolUse", session, **tool, tool_response=response,
                                  duration_ms=4000),
        "SubagentStop": hook_event(
            "SubagentStop", session, agent_id=agent_id, agent_type=agent_type,
            agent_transcript_path=f"/home/u/.claude/projects/p/{session}/subagents/"
                                  f"agent-{agent_id}.jsonl",
            last_assistant_message=answer_of(agent_id), stop_hook_active=False),
    }


#: The order Claude Code fires the events of a batch of parallel runs: every
#: dispatch, every start, then results and stops (a background run's result
#: comes right after it starts, its stop later).
PHASES = (
    ("PreToolUse",),
    ("SubagentStart",),
    ("PostToolUse:background", "SubagentStop:foreground"),
    ("SubagentStop:background", "PostToolUse:foreground"),
)


def phase_events(phase: tuple[str, ...], runs: list[dict]) -> list[tuple[str, bytes]]:
    """The (event, input) pairs of one phase for a batch of runs."""
    chosen = []
    for step in phase:
        event, _, only = step.partition(":")
        for run in runs:
            kind = "background" if run["background"] else "foreground"
            if not only or only == kind:
                chosen.append((event, run["events"][event]))
    return chosen


def plan_runs(session: str, count: int, prefix: str) -> list[dict]:
    """``count`` runs of one session; every fifth runs in the background."""
    runs = []
    for number in range(count):
        run = {
            "session": session, "tool_use_id": f"toolu_{prefix}_{number:04d}",
            "agent_id": f"a{prefix}{number:04d}",
            "agent_type": ("fd-quality", "fd-safety")[number % 2],
            "background": number % 5 == 0,
        }
        run["events"] = run_events(session, run["tool_use_id"], run["agent_id"],
                                   run["agent_type"], run["background"])
        runs.append(run)
    return runs


def assert_hook_rows(store: Path, runs: list[dict]) -> None:
    """Each planned run is one row holding what its four events said."""
    conn = sqlite3.connect(store)
    conn.row_factory = sqlite3.Row
    try:
        stored = {
            row["tool_use_id"]: dict(row)
            for session in sorted({run["session"] for run in runs})
            for row in conn.execute("SELECT * FROM agent_runs WHERE session_id = ?", (session,))
        }
    finally:
        conn.close()
    assert len(stored) == len(runs)
    for run in runs:
        row = stored[run["tool_use_id"]]
        assert (row["session_id"], row["agent_id"], row["agent_name"]) == (
            run["session"], run["agent_id"], run["agent_type"])
        assert (row["status"], row["background"]) == ("completed", int(run["background"]))
        assert row["result_length"] == len(answer_of(run["agent_id"]))
        assert row["prompt_length"] == len(f"review part {run['tool_use_id']}")


RUN_COLUMNS = (
    "agent_name", "parent_agent_id", "tool_use_id", "status", "model", "api_calls",
    "input_tokens", "output_tokens", "cache_hit_tokens", "cache_creation_tokens",
    "cache_creation_1h_tokens", "total_tokens", "peak_context_tokens",
)
#: expected.json's session fields and the api_calls sums that must equal them.
SESSION_SUMS = {
    "api_calls": "COUNT(*)", "input_tokens": "SUM(input_tokens)",
    "output_tokens": "SUM(output_tokens)", "cache_hit_tokens": "SUM(cache_read_tokens)",
    "cache_creation_tokens": "SUM(cache_creation_tokens)",
    "cache_creation_1h_tokens": "SUM(cache_creation_1h_tokens)",
    "total_tokens": "SUM(total_tokens)", "peak_context_tokens": "MAX(context_tokens)",
}
_SESSION_QUERY = (
    "SELECT " + ", ".join(SESSION_SUMS.values())
    + " FROM api_calls WHERE session_id = ? AND synthetic = 0"
)


def assert_tree_matches(store: Path, tree: Path) -> None:
    """The store holds exactly the generated tree's runs and calls, every file read whole.

    The numbers come from the generator's expected.json (its plan, not a parse).
    """
    expected = json.loads((tree / "expected.json").read_text())
    sessions = {session["session_id"] for session in expected["sessions"]}
    conn = sqlite3.connect(store)
    conn.row_factory = sqlite3.Row
    try:
        stored = {
            (row["session_id"], row["agent_id"]): dict(row)
            for row in conn.execute("SELECT * FROM agent_runs WHERE kind = 'dispatched'")
            if row["session_id"] in sessions
        }
        assert sorted(stored) == sorted((r["session_id"], r["agent_id"])
                                        for r in expected["runs"])
        for run in expected["runs"]:
            got = stored[(run["session_id"], run["agent_id"])]
            assert {c: got[c] for c in RUN_COLUMNS} == {c: run[c] for c in RUN_COLUMNS}
            assert bool(got["background"]) == run["background"]
        for session in expected["sessions"]:
            sums = conn.execute(_SESSION_QUERY, (session["session_id"],)).fetchone()
            assert dict(zip(SESSION_SUMS, sums)) == {k: session[k] for k in SESSION_SUMS}
        files = {row["path"]: (row["size"], row["read_offset"]) for row in conn.execute(
            "SELECT path, size, read_offset FROM transcript_files")}
    finally:
        conn.close()
    on_disk = {str(path): path.stat().st_size for path in (tree / "projects").rglob("*.jsonl")}
    assert len(on_disk) == expected["tree"]["jsonl_files"]
    assert {path: files.get(path) for path in on_disk} == {
        path: (size, size) for path, size in on_disk.items()}
