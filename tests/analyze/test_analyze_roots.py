"""What analyze makes of the folders and session it is given."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from interstat.cli import cli
from tests.analyze.test_session_filter import TREE, make_tree


def invoke(store: Path, *arguments: str):
    return CliRunner().invoke(cli, ["--db", str(store), "analyze", *arguments])


def test_an_empty_claude_dir_is_refused_not_read_as_the_current_folder(tmp_path: Path):
    result = invoke(tmp_path / "metrics.db", "--claude-dir", "")
    assert result.exit_code == 2
    assert "Invalid value for --claude-dir: give a folder" in result.stderr
    assert not (tmp_path / "metrics.db").exists()


def test_a_relative_claude_dir_stores_absolute_paths(tmp_path: Path, monkeypatch):
    make_tree(tmp_path / "root")
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "metrics.db"
    assert invoke(store, "--claude-dir", "root").exit_code == 0
    with sqlite3.connect(store) as conn:
        paths = [row[0] for row in conn.execute("SELECT path FROM transcript_files")]
    every_file = {str(tmp_path / "root" / "projects" / name) for name in TREE}
    assert paths
    assert set(paths) <= every_file


def test_a_folder_without_transcripts_gets_a_warning(tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = invoke(tmp_path / "metrics.db", "--claude-dir", str(empty))
    assert result.exit_code == 0
    assert result.stderr == (
        f"Warning: no transcript files under {empty}; --claude-dir takes a Claude config "
        "root, the folder that holds projects/\n")


def test_a_session_matching_no_file_gets_a_warning(tmp_path: Path):
    make_tree(tmp_path / "root")
    result = invoke(tmp_path / "metrics.db", "--claude-dir", str(tmp_path / "root"),
                    "--session", "abc", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr.startswith("Warning: no transcript file belongs to session abc;")
    assert '"files_read": 0' in result.stdout
