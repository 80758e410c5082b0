"""The Claude Code plugin: manifest, hook registrations, and the wrapper that finds the CLI.

Claude Code's own ``plugin validate --strict`` runs in tests/e2e, which installs it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from capture_support import REPO, dispatch_event, rows

PLUGIN = REPO / "plugin"
WRAPPER = PLUGIN / "hooks" / "interstat-hook"
TOOL_EVENTS = {"PreToolUse", "PostToolUse", "PostToolUseFailure"}
ALL_EVENTS = TOOL_EVENTS | {"SubagentStart", "SubagentStop", "SessionStart", "SessionEnd"}
BASE_PATH = "/usr/bin:/bin"


def hooks_config() -> dict:
    return json.loads((PLUGIN / "hooks" / "hooks.json").read_text())["hooks"]


def test_every_sub_agent_event_is_registered_once():
    config = hooks_config()
    assert set(config) == ALL_EVENTS
    for event, groups in config.items():
        (group,) = groups
        (handler,) = group["hooks"]
        assert handler["type"] == "command"
        assert handler["command"] == f'sh "${{CLAUDE_PLUGIN_ROOT}}/hooks/interstat-hook" {event}'
        assert isinstance(handler["timeout"], int) and 1 <= handler["timeout"] <= 10


def test_tool_events_only_fire_for_the_sub_agent_tool():
    for event, groups in hooks_config().items():
        matcher = groups[0].get("matcher")
        assert matcher == ("Task|Agent" if event in TOOL_EVENTS else None), event


def test_manifest_and_marketplace_name_the_plugin():
    manifest = json.loads((PLUGIN / ".claude-plugin" / "plugin.json").read_text())
    assert manifest["name"] == "interstat" and manifest["license"] == "MIT"
    for field in ("version", "description", "author", "homepage", "repository", "keywords"):
        assert manifest[field], field
    marketplace = json.loads((REPO / ".claude-plugin" / "marketplace.json").read_text())
    (listed,) = marketplace["plugins"]
    assert (listed["name"], listed["source"]) == ("interstat", "./plugin")
    assert marketplace["name"] and marketplace["owner"]["name"]


def fake_cli(folder: Path) -> Path:
    """An ``interstat`` that writes its arguments and stdin to files beside itself."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "interstat"
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > "{folder}/args"\n'
        f'cat > "{folder}/stdin"\n'
    )
    script.chmod(0o755)
    return script


def run_wrapper(event: str, home: Path, env: dict | None = None, stdin: bytes = b"{}"):
    environment = {"HOME": str(home), "PATH": BASE_PATH, **(env or {})}
    return subprocess.run(
        ["sh", str(WRAPPER), event], input=stdin, capture_output=True, env=environment,
        timeout=30, check=False,
    )


@pytest.mark.parametrize("where", ["INTERSTAT_BIN", "PATH", "~/.local/bin"])
def test_the_wrapper_finds_the_cli_and_passes_the_event_on(tmp_path: Path, where: str):
    home = tmp_path / "home"
    env = {}
    if where == "INTERSTAT_BIN":
        env["INTERSTAT_BIN"] = str(fake_cli(tmp_path / "anywhere"))
        folder = tmp_path / "anywhere"
    elif where == "PATH":
        folder = tmp_path / "on-path"
        fake_cli(folder)
        env["PATH"] = f"{folder}:{BASE_PATH}"
    else:
        folder = home / ".local" / "bin"
        fake_cli(folder)
    done = run_wrapper("SubagentStop", home, env, stdin=b'{"agent_id": "a1"}')
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    assert (folder / "args").read_text().split() == ["hook", "SubagentStop"]
    assert (folder / "stdin").read_bytes() == b'{"agent_id": "a1"}'


def broken_cli(folder: Path, kind: str) -> Path:
    """An ``interstat`` that cannot run (``missing-interpreter``) or fails (``exit-1``)."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "interstat"
    first_line = "#!/nonexistent/python3\n" if kind == "missing-interpreter" else "#!/bin/sh\n"
    script.write_text(first_line + 'echo "partial output"\nexit 1\n')
    script.chmod(0o755)
    return script


@pytest.mark.parametrize(("kind", "status"), [("missing-interpreter", 127), ("exit-1", 1)])
@pytest.mark.parametrize("event", ["PreToolUse", "SessionStart"])
def test_a_broken_cli_never_fails_the_hook(tmp_path: Path, kind: str, status: int, event: str):
    cli = broken_cli(tmp_path / "bin", kind)
    done = run_wrapper(event, tmp_path / "home", {"INTERSTAT_BIN": str(cli)},
                       stdin=dispatch_event("s-1", "toolu_1"))
    assert (done.returncode, done.stdout) == (0, b"")
    last = done.stderr.decode().splitlines()[-1]
    assert last == (f"interstat: '{cli} hook {event}' exited with status {status}, so this "
                    "event was not recorded; reinstall interstat or point INTERSTAT_BIN at "
                    "a working one")


def test_what_the_cli_prints_never_reaches_claude_code(tmp_path: Path):
    folder = tmp_path / "bin"
    folder.mkdir()
    cli = folder / "interstat"
    cli.write_text('#!/bin/sh\necho "not JSON"\ncat >/dev/null\n')
    cli.chmod(0o755)
    done = run_wrapper("SessionStart", tmp_path / "home", {"INTERSTAT_BIN": str(cli)})
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"not JSON\n")


def test_interstat_bin_wins_over_path(tmp_path: Path):
    chosen, other = tmp_path / "chosen", tmp_path / "other"
    env = {"INTERSTAT_BIN": str(fake_cli(chosen)), "PATH": f"{other}:{BASE_PATH}"}
    fake_cli(other)
    assert run_wrapper("SessionEnd", tmp_path / "home", env).returncode == 0
    assert (chosen / "args").exists() and not (other / "args").exists()


def test_without_a_cli_the_user_is_told_once(tmp_path: Path):
    home = tmp_path / "home"
    first = run_wrapper("SessionStart", home)
    assert (first.returncode, first.stderr) == (0, b"")
    message = json.loads(first.stdout)["systemMessage"]
    assert message.startswith("interstat: ") and "INTERSTAT_BIN" in message
    marker = home / ".claude" / "interstat" / "cli-missing-notified"
    assert marker.stat().st_mode & 0o777 == 0o600
    again = run_wrapper("SessionStart", home)
    assert (again.returncode, again.stdout, again.stderr) == (0, b"", b"")


def test_without_a_cli_other_events_are_silent(tmp_path: Path):
    home = tmp_path / "home"
    done = run_wrapper("PreToolUse", home, stdin=dispatch_event("s-1", "toolu_1"))
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    assert not (home / ".claude").exists()


def test_the_marker_follows_claude_config_dir_and_goes_once_the_cli_is_back(tmp_path: Path):
    home, first_root = tmp_path / "home", tmp_path / "config-a"
    first_root.mkdir()  # Claude Code makes its config folder before any hook runs
    env = {"CLAUDE_CONFIG_DIR": f"{first_root},{tmp_path / 'config-b'}"}
    run_wrapper("SessionStart", home, env)
    marker = first_root / "interstat" / "cli-missing-notified"
    assert marker.exists()
    env["INTERSTAT_BIN"] = str(fake_cli(tmp_path / "bin"))
    assert run_wrapper("SessionStart", home, env).returncode == 0
    assert not marker.exists()


def test_without_a_cli_a_missing_config_root_gets_no_folder(tmp_path: Path):
    root = tmp_path / "nonexistent:" / "also"
    done = run_wrapper("SessionStart", tmp_path / "home", {"CLAUDE_CONFIG_DIR": str(root)})
    assert done.returncode == 0
    assert "systemMessage" in json.loads(done.stdout)
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_the_wrapper_drives_the_real_cli_into_the_store(tmp_path: Path):
    store = tmp_path / "store" / "metrics.db"
    env = {
        "INTERSTAT_BIN": str(Path(sys.executable).with_name("interstat")),
        "INTERSTAT_DB": str(store),
        "INTERSTAT_NO_AUTO_ANALYZE": "1",
    }
    done = run_wrapper("PreToolUse", tmp_path / "home", env, stdin=dispatch_event("s-1", "t1"))
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    assert [row["tool_use_id"] for row in rows(store)] == ["t1"]


def test_the_wrapper_is_posix_sh():
    checker = shutil.which("dash") or shutil.which("sh")
    done = subprocess.run([checker, "-n", str(WRAPPER)], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
