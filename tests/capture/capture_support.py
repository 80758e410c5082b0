"""Helpers for the capture tests: the corpus, running the hook, reading rows."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from interstat.capture.hook import run_hook

REPO = Path(__file__).resolve().parents[2]
ERAS = [
    "cc-1.0.128-small",
    "cc-2.0.76-small",
    "cc-2.1.62-small",
    "cc-2.1.77-small",
    "cc-2.1.112-small",
    "cc-2.1.332-small",
    "cc-2.1.332-reviews",
]


def corpus_root() -> Path:
    shared = Path(os.environ.get("INTERSTAT_SHARED", REPO / "../shared")).resolve()
    corpus = shared / "corpus"
    if not corpus.is_dir():
        pytest.fail(
            f"corpus not found at {corpus}; clone the repository next to shared/ "
            "or set INTERSTAT_SHARED to the folder holding corpus/"
        )
    return corpus


def hook_files(era: str) -> list[Path]:
    """The era's hook inputs in the order Claude Code sent them (sorted by name)."""
    files = sorted((corpus_root() / era / "hooks").glob("*.json"))
    if not files:
        pytest.fail(f"no hook inputs under {corpus_root() / era / 'hooks'}")
    return files


def event_of(path: Path) -> str:
    """``<nanoseconds>-<Event>-<pid>.json`` -> ``Event``."""
    return path.stem.split("-")[1]


def expected_runs(era: str) -> list[dict]:
    return json.loads((corpus_root() / era / "expected.json").read_text())


class HookRunner:
    """Runs ``run_hook`` in-process with bytes on stdin; returns the stderr lines."""

    def __init__(self, store: Path, monkeypatch: pytest.MonkeyPatch, capsys):
        self.store = store
        self.monkeypatch = monkeypatch
        self.capsys = capsys

    def __call__(self, event: str | None, raw: bytes) -> list[str]:
        self.capsys.readouterr()
        self.monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
        args = ([event] if event else []) + ["--db", str(self.store)]
        assert run_hook(args) == 0
        captured = self.capsys.readouterr()
        assert captured.out == ""
        return captured.err.splitlines()

    def file(self, path: Path) -> list[str]:
        return self(event_of(path), path.read_bytes())


def rows(store: Path, sql: str = "SELECT * FROM agent_runs ORDER BY run_id") -> list[dict]:
    if not store.exists():
        return []
    conn = sqlite3.connect(store)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(sql)]
    finally:
        conn.close()


def interstat_command() -> list[str]:
    """The installed console script, as Claude Code's wrapper would run it."""
    script = Path(sys.executable).with_name("interstat")
    if not script.exists():
        pytest.fail(f"no interstat console script beside {sys.executable}; run 'uv sync'")
    return [str(script)]


def hook_process(
    event: str, stdin: bytes, store: Path, *, env: dict | None = None, timeout: float = 30
) -> subprocess.CompletedProcess:
    """Run ``interstat hook EVENT`` as a real process with the store in INTERSTAT_DB."""
    environment = {**os.environ, "INTERSTAT_DB": str(store), **(env or {})}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    return subprocess.run(
        [*interstat_command(), "hook", event], input=stdin, capture_output=True,
        env=environment, timeout=timeout, check=False,
    )


def dispatch_event(session_id: str, tool_use_id: str, prompt: str = "look at foo.py") -> bytes:
    """A hand-made PreToolUse for the Agent tool."""
    return json.dumps({
        "session_id": session_id, "hook_event_name": "PreToolUse", "cwd": "/work/project",
        "tool_name": "Agent", "tool_use_id": tool_use_id,
        "tool_input": {"prompt": prompt, "subagent_type": "fd-quality"},
    }).encode()


def result_event(session_id: str, tool_use_id: str, agent_id: str, answer: str) -> bytes:
    """A hand-made PostToolUse: the foreground run ``agent_id`` completed."""
    return json.dumps({
        "session_id": session_id, "hook_event_name": "PostToolUse", "cwd": "/work/project",
        "tool_name": "Agent", "tool_use_id": tool_use_id,
        "tool_input": {"prompt": "look at foo.py", "subagent_type": "fd-quality"},
        "tool_response": {
            "status": "completed", "agentId": agent_id, "totalTokens": 1234,
            "content": [{"type": "text", "text": answer}],
        },
    }).encode()


def spool_files(store: Path) -> list[Path]:
    """The spool and any claimed (draining) copies of it."""
    return sorted(store.parent.glob(store.name + ".spool*"))


def wait_for_analyze_to_end(store: Path, timeout: float = 30) -> bool:
    """Wait until no detached ``interstat analyze`` for ``store`` runs; False on timeout."""
    needle = str(store).encode()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running = False
        for proc in Path("/proc").iterdir():
            try:
                command = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if needle in command and b"analyze" in command:
                running = True
                break
        if not running:
            return True
        time.sleep(0.05)
    return False
