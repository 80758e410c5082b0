"""SessionEnd starts ``interstat analyze --session ID`` detached and returns at once."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import ClassVar

import pytest
from capture_support import hook_process, rows, wait_for_analyze_to_end
from click.testing import CliRunner

from interstat.capture import launch
from interstat.cli import cli
from interstat.store.connect import open_store

END = b'{"session_id": "s-42", "hook_event_name": "SessionEnd", "reason": "other"}'


class RecordedPopen:
    calls: ClassVar[list[tuple[list[str], dict]]] = []

    def __init__(self, command, **options):
        RecordedPopen.calls.append((command, options))


@pytest.fixture
def popen(monkeypatch: pytest.MonkeyPatch) -> type[RecordedPopen]:
    RecordedPopen.calls = []
    monkeypatch.setattr(subprocess, "Popen", RecordedPopen)
    return RecordedPopen


def test_session_end_starts_analyze_for_that_session_detached(
    hook, store: Path, popen, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("INTERSTAT_NO_AUTO_ANALYZE")
    assert hook("SessionEnd", END) == []
    ((command, options),) = popen.calls
    assert command == [
        sys.executable, "-m", "interstat", "--db", str(store), "analyze", "--session=s-42"
    ]
    assert options["start_new_session"] is True
    assert options["stdin"] == subprocess.DEVNULL
    assert options["stdout"] == options["stderr"]  # the log beside the store
    log = store.parent / launch.LOG_NAME
    assert "analyze --session=s-42" in log.read_text()
    assert rows(store) == []  # SessionEnd itself writes nothing to the store


def test_no_auto_analyze_starts_nothing(hook, popen):
    assert hook("SessionEnd", END) == []
    assert popen.calls == []


def test_session_end_without_session_id_warns(hook, popen, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("INTERSTAT_NO_AUTO_ANALYZE")
    warnings = hook("SessionEnd", b'{"hook_event_name": "SessionEnd"}')
    assert len(warnings) == 1 and "session_id" in warnings[0]
    assert popen.calls == []


def test_the_real_hook_returns_well_within_claude_codes_limit(store: Path):
    started = time.monotonic()
    done = hook_process("SessionEnd", END, store, env={"INTERSTAT_NO_AUTO_ANALYZE": "0"})
    elapsed = time.monotonic() - started
    try:
        assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
        assert elapsed < 1.5  # Claude Code kills SessionEnd hooks after 1.5 s
        assert (store.parent / launch.LOG_NAME).exists()
    finally:
        assert wait_for_analyze_to_end(store)


def test_the_log_starts_afresh_when_too_big(store: Path, popen, monkeypatch, hook):
    monkeypatch.delenv("INTERSTAT_NO_AUTO_ANALYZE")
    store.parent.mkdir(parents=True)
    log = store.parent / launch.LOG_NAME
    log.write_text("x" * (launch.LOG_LIMIT_BYTES + 1))
    hook("SessionEnd", END)
    assert log.stat().st_size < 200


def _status(store: Path) -> str:
    result = CliRunner().invoke(cli, ["--db", str(store), "status"])
    assert result.exit_code == 0, result.output
    return result.stdout


def _outcome_in_log(store: Path) -> str:
    """The ``Error:`` or ``Read`` line the latest detached analyze wrote to the log."""
    log = store.parent / launch.LOG_NAME
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        latest = log.read_text().rsplit(" start: analyze", 1)[-1].splitlines()
        outcomes = [line for line in latest if line.startswith(("Error: ", "Read "))]
        if outcomes:
            return outcomes[-1]
        time.sleep(0.05)
    raise AssertionError(f"analyze wrote no outcome to {log}")


def test_status_tells_when_the_last_automatic_analyze_failed(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    open_store(store).close()
    monkeypatch.delenv("INTERSTAT_NO_AUTO_ANALYZE", raising=False)
    broken = tmp_path / "broken.toml"
    broken.write_text("[thresholds]\ngaet = 1\n")
    monkeypatch.setenv("INTERSTAT_CONFIG", str(broken))
    launch.start_analyze(store, "s-42")  # the real command, failing on the config
    error = _outcome_in_log(store)
    monkeypatch.delenv("INTERSTAT_CONFIG")
    assert error.startswith("Error: ") and "gaet" in error
    assert f"The last analyze at the end of a session failed: {error[7:]}" in _status(store)

    launch.start_analyze(store, "s-42")  # works again once the config is fixed
    assert _outcome_in_log(store).startswith("Read ")
    assert "failed" not in _status(store)
