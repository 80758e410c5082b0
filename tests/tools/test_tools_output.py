"""Printed output: whole lines when piped, no styles at all under NO_COLOR."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import new_store


def test_config_piped_shows_long_paths_whole(tmp_path: Path, run_cli) -> None:
    store = tmp_path / ("a-folder-with-a-long-name-" * 4) / "metrics.db"
    result = run_cli("--db", str(store), "config")
    assert len(str(store)) > 100
    assert str(store) in result.stdout
    assert "…" not in result.stdout


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "metrics.db"
    new_store(path).close()
    return path


def test_a_terminal_gets_styles(store: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    # rich takes FORCE_COLOR as "this is a terminal".
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\x1b[" in run_cli("--db", str(store), "report").stdout


def test_no_color_drops_every_style(store: Path, run_cli,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    result = run_cli("--db", str(store), "report")
    assert "Summary" in result.stdout
    assert "\x1b[" not in result.stdout
