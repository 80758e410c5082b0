"""CLAUDE_CONFIG_DIR: a comma-separated list; no store is made in a folder it names wrongly."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from interstat.capture.hook import run_hook

DISPATCH = json.dumps({
    "session_id": "s-1", "hook_event_name": "PreToolUse", "tool_name": "Agent",
    "tool_use_id": "toolu_1", "tool_input": {"prompt": "review", "subagent_type": "x"},
}).encode()


def everything_under(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*"))


@pytest.fixture
def colon_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two folders joined with ':' as PATH is, a list Claude Code does not read."""
    value = f"{tmp_path / 'nonexistent'}:{tmp_path / 'also'}"
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", value)
    return Path(value)


@pytest.mark.parametrize("command", [["init-db"], ["analyze"], ["status"], ["report"]])
def test_a_missing_root_is_one_line_and_creates_nothing(colon_list: Path, tmp_path: Path,
                                                        run_cli, command) -> None:
    before = everything_under(tmp_path)
    result = run_cli(*command, code=1)
    assert result.stderr == (
        f"Error: CLAUDE_CONFIG_DIR names {colon_list}, which does not exist; create it, "
        "correct CLAUDE_CONFIG_DIR (folders are separated by commas, not colons), "
        "or give --db\n")
    assert everything_under(tmp_path) == before


def test_a_missing_root_without_colons_is_named_too(tmp_path: Path, run_cli,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "typo"))
    result = run_cli("init-db", code=1)
    assert f"CLAUDE_CONFIG_DIR names {tmp_path / 'typo'}, which does not exist" in result.stderr
    assert "colons" not in result.stderr
    assert not (tmp_path / "typo").exists()


def test_db_still_works_with_a_missing_root(colon_list: Path, tmp_path: Path,
                                            run_cli) -> None:
    run_cli("--db", str(tmp_path / "mine.db"), "init-db")
    assert (tmp_path / "mine.db").is_file()


def test_the_store_goes_in_the_first_root_of_a_comma_list(tmp_path: Path, run_cli,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", f"{first}, {second}")
    run_cli("init-db")
    assert (first / "interstat" / "metrics.db").is_file()
    assert not second.exists()


@pytest.mark.parametrize("how", ["unset", "named"])
def test_the_default_root_may_be_created(isolated_home: Path, run_cli, how: str,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    if how == "named":
        monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(isolated_home / ".claude"))
    run_cli("init-db")
    assert (isolated_home / ".claude" / "interstat" / "metrics.db").is_file()


def test_the_hook_warns_once_exits_0_and_creates_nothing(colon_list: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys) -> None:
    before = everything_under(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(DISPATCH)))
    assert run_hook(["PreToolUse"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith(f"interstat: CLAUDE_CONFIG_DIR names {colon_list}, which does not")
    assert line.endswith("; event lost")
    assert everything_under(tmp_path) == before


def test_doctor_flags_a_missing_root(colon_list: Path, run_cli) -> None:
    report = json.loads(run_cli("doctor", "--format", "json", code=1).stdout)
    problems = [f["message"] for f in report["findings"] if f["status"] == "problem"]
    assert any(f"CLAUDE_CONFIG_DIR names {colon_list}, which does not exist" in message
               for message in problems), problems
    assert not any(f["area"] == "store" for f in report["findings"])
