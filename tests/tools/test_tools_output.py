"""Printed output: whole lines when piped."""

from __future__ import annotations

from pathlib import Path



def test_config_piped_shows_long_paths_whole(tmp_path: Path, run_cli) -> None:
    store = tmp_path / ("a-folder-with-a-long-name-" * 4) / "metrics.db"
    result = run_cli("--db", str(store), "config")
    assert len(str(store)) > 100
    assert str(store) in result.stdout
    assert "…" not in result.stdout
