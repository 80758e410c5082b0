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
