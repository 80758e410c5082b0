"""Fixtures for the capture tests: a private environment and store, an in-process hook."""

from __future__ import annotations

from pathlib import Path

import pytest
from capture_support import HookRunner


@pytest.fixture(autouse=True)
def quiet_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may start analyze, touch the real ~/.claude, or inherit options."""
    monkeypatch.setenv("INTERSTAT_NO_AUTO_ANALYZE", "1")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in ("INTERSTAT_DB", "INTERSTAT_CONFIG", "INTERSTAT_WORKFLOW_ID",
                 "INTERSTAT_STORE_DESCRIPTIONS", "CLAUDE_CONFIG_DIR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "interstat" / "metrics.db"


@pytest.fixture
def hook(store: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> HookRunner:
    return HookRunner(store, monkeypatch, capsys)
