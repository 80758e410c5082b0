"""The plugin installed without the CLI: sessions go on, the user is told once."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .product import install_plugin, path_without_cli
from .script import dispatch
from .session import Session
from .transcripts import hook_attachments


def system_messages(session: Session) -> list[dict[str, Any]]:
    """The hook messages Claude Code showed the user."""
    return [a for a in hook_attachments(session) if a["type"] == "hook_system_message"]


def test_missing_cli_is_reported_once_and_sessions_go_on(claude_runner, fake_api):
    home = claude_runner.new_home()
    env = {"PATH": path_without_cli(os.environ.get("PATH", os.defpath))}
    install_plugin(claude_runner, home, env)
    prompt = dispatch([{"bg": False, "turns": [[2, 0, 4000, 9]]}])

    sessions = [claude_runner.session(prompt, home=home, env=env) for _ in range(2)]

    for session in sessions:
        assert session.returncode == 0 and session.result, session.describe()
        assert not session.result["is_error"], session.describe()
        assert session.result["subagent_stats"]["completed"] == 1, session.describe()
    first, second = (system_messages(session) for session in sessions)
    assert second == [], "the message is shown once, not at every session"
    (message,) = first
    assert message["hookEvent"] == "SessionStart"
    assert "interstat" in message["content"] and "uv tool install" in message["content"]
    hooks = [a for session in sessions for a in hook_attachments(session)]
    assert all("error" not in a["type"] and a.get("exitCode", 0) == 0 for a in hooks), hooks
    assert not (home / ".claude" / "interstat" / "metrics.db").exists()
    bodies = [json.dumps(call.body) for call in fake_api.calls if call.body]
    encoded = json.dumps(message["content"])[1:-1]
    assert not any(encoded in body for body in bodies), (
        "a systemMessage is for the user; the model must not receive it")


def test_cli_missing_test_sees_no_cli(tmp_path):
    # The test above is only meaningful if nothing on its PATH is the CLI.
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "interstat").write_text("#!/bin/sh\n")
    path = os.pathsep.join([str(tmp_path / "bin"), "/usr/bin"])
    assert path_without_cli(path) == "/usr/bin"
    assert not any((Path(part) / "interstat").exists()
                   for part in path_without_cli(os.environ.get("PATH", "")).split(os.pathsep)
                   if part)
