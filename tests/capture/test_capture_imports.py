"""The hook path stays light: Claude Code starts it for every sub-agent event.

Each event runs in a fresh interpreter, as under Claude Code, with
``-X importtime``: whatever any module on the path imported, at any depth,
is in its log.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

# docs/capture.md promises these stay off the hook path: the CLI's libraries,
# and modules that cost start-up time the hook does not need to spend
# (pathlib alone, with the re, fnmatch, urllib and enum it imports, was a
# third of the hook's time). json and fcntl are loaded only to spool or drain events.
# The sqlite3 and datetime packages are Python layers over the C modules
# _sqlite3 and _datetime, which the hook uses directly.
HEAVY = (
    "click", "rich", "pluggy", "attrs", "cattrs", "typing", "hashlib", "pathlib", "re",
    "enum", "fnmatch", "urllib", "ipaddress", "json", "tomllib", "logging", "subprocess",
    "sqlite3", "datetime", "fcntl",
)

EVENTS = {
    "SessionStart": {"source": "startup"},
    "PreToolUse": {"tool_name": "Agent", "tool_use_id": "toolu_1",
                   "tool_input": {"prompt": "p", "subagent_type": "Explore"}},
    "SubagentStart": {"agent_id": "a1", "agent_type": "Explore"},
    "SubagentStop": {"agent_id": "a1", "agent_type": "Explore",
                     "last_assistant_message": "done"},
    "PostToolUse": {"tool_name": "Agent", "tool_use_id": "toolu_1",
                    "tool_input": {"prompt": "p", "subagent_type": "Explore"},
                    "tool_response": {"status": "completed", "agentId": "a1",
                                      "content": [{"type": "text", "text": "done"}],
                                      "totalTokens": 10}},
}

# The console script's own code. The hook ends with os._exit, so nothing can
# run after it to list sys.modules: -X importtime logs every import instead.
SCRIPT = "from interstat.entry import main; main()"
IMPORT_LINE = "import time:"


def run_hook_process(event: str, env: dict[str, str]) -> list[str]:
    """The heavy modules one hook process imported, sorted."""
    payload = {"session_id": "s1", "hook_event_name": event, **EVENTS[event]}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", SCRIPT, "hook", event],
        input=json.dumps(payload), capture_output=True, text=True, env=env, check=True,
    )
    lines = done.stderr.splitlines()
    assert [line for line in lines if not line.startswith(IMPORT_LINE)] == []
    imported = {line.rsplit("|", 1)[1].strip() for line in lines[1:]}
    assert "interstat.capture.hook" in imported, "the log shows no hook: a broken test"
    return sorted(name for name in imported if name.split(".")[0] in HEAVY)


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_hook_event_imports_nothing_heavy(event, tmp_path):
    env = {"INTERSTAT_DB": str(tmp_path / "metrics.db"), "HOME": str(tmp_path),
           "INTERSTAT_NO_AUTO_ANALYZE": "1", "PATH": ""}
    assert run_hook_process(event, env) == []


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_store_found_through_claude_config_dir_imports_nothing_heavy(event, tmp_path):
    """As under Claude Code: no --db, the first config root, no config file."""
    root = tmp_path / "claude"
    root.mkdir()
    env = {"CLAUDE_CONFIG_DIR": f"{root},{tmp_path / 'other'}", "HOME": str(tmp_path),
           "INTERSTAT_NO_AUTO_ANALYZE": "1", "PATH": ""}
    assert run_hook_process(event, env) == []
    # SessionStart only drains a spool: with none waiting it opens nothing.
    assert (root / "interstat" / "metrics.db").is_file() == (event != "SessionStart")


def test_every_event_into_an_existing_store_imports_nothing_heavy(tmp_path):
    """The common case: the store is there and current, the run's rows too."""
    env = {"INTERSTAT_DB": str(tmp_path / "metrics.db"), "HOME": str(tmp_path),
           "INTERSTAT_NO_AUTO_ANALYZE": "1", "PATH": ""}
    for event in ("SessionStart", "PreToolUse", "SubagentStart", "SubagentStop",
                  "PostToolUse", "SessionStart"):
        assert run_hook_process(event, env) == [], event
    with sqlite3.connect(tmp_path / "metrics.db") as conn:
        runs = conn.execute("SELECT agent_id, tool_use_id, status FROM agent_runs").fetchall()
    assert runs == [("a1", "toolu_1", "completed")]
