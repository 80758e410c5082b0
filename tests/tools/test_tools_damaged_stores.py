"""Every command meets a damaged or foreign store with one line and leaves it untouched.

Other commands join the matrix by adding their arguments to COMMANDS.
"""

from __future__ import annotations

import os
import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import add_call, add_run, checksum, new_store

from interstat.store import migrations
from tests.corpus import corpus_dir


def healthy_store(path: Path) -> Path:
    conn = new_store(path)
    for index in range(120):
        add_run(conn, f"s{index % 4}", agent_id=f"a{index}", description="d" * 300)
        add_call(conn, f"r{index}|m{index}", f"s{index % 4}", f"agent:a{index}",
                 input_tokens=index)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(7).randbytes(16384))


def truncated(path: Path) -> None:
    data = healthy_store(path).read_bytes()
    path.write_bytes(data[: len(data) // 2])


def header_only(path: Path) -> None:
    data = healthy_store(path).read_bytes()
    path.write_bytes(data[:60])


def newer_schema(path: Path) -> None:
    healthy_store(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(migrations.MIGRATIONS) + 1}")
    conn.close()


def foreign_tables(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices (total) VALUES (9.5)")
    conn.commit()
    conn.close()


def foreign_application(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1179603265")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()


def damaged_page(path: Path) -> None:
    healthy_store(path)
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name='agent_runs'").fetchone()
    conn.close()
    data = bytearray(path.read_bytes())
    data[(root[0] - 1) * 4096:root[0] * 4096] = b"\xa5" * 4096
    path.write_bytes(bytes(data))


BAD_FILES: dict[str, Callable[[Path], None]] = {
    "random bytes": random_bytes,
    "truncated": truncated,
    "header only": header_only,
    "newer schema": newer_schema,
    "foreign tables": foreign_tables,
    "foreign application id": foreign_application,
    "damaged page": damaged_page,
}

#: What each kind of file must be called in the error line.
NAMED_AS = {
    "random bytes": "damaged or not a SQLite database",
    "truncated": "damaged",
    "header only": "damaged or not a SQLite database",
    "newer schema": "newer than this interstat",
    "foreign tables": "not an interstat store",
    "foreign application id": "belongs to another program",
    "damaged page": "damaged",
}

COMMANDS: dict[str, list[str]] = {
    "init-db": ["init-db"],
    "analyze": ["analyze", "--claude-dir", "{claude}"],
    "report": ["report"],
    "status": ["status"],
    "export": ["export"],
    "purge": ["purge", "--session", "s1", "--yes"],
    "merge into it": ["merge", "{good}"],
}


@pytest.fixture
def good(tmp_path: Path) -> Path:
    folder = tmp_path / "good"
    folder.mkdir()
    return healthy_store(folder / "metrics.db")


def bad_file(tmp_path: Path, kind: str) -> Path:
    folder = tmp_path / "bad"
    folder.mkdir()
    path = folder / "metrics.db"
    BAD_FILES[kind](path)
    for leftover in folder.iterdir():  # only the file itself, as a user would have it
        if leftover != path:
            leftover.unlink()
    return path


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_command_refuses_in_one_line(tmp_path: Path, good: Path, run_cli, kind: str,
                                     command: str) -> None:
    path = bad_file(tmp_path, kind)
    before = checksum(path)
    claude = corpus_dir() / "cc-2.1.332-small"
    arguments = [argument.format(good=good, claude=claude) for argument in COMMANDS[command]]
    result = run_cli("--db", str(path), *arguments, code=1)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and str(path) in lines[0]
    assert NAMED_AS[kind] in lines[0], lines[0]
    assert checksum(path) == before
    assert os.listdir(path.parent) == ["metrics.db"]


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_merge_refuses_a_bad_source(tmp_path: Path, good: Path, run_cli, kind: str) -> None:
    path = bad_file(tmp_path, kind)
    before, good_before = checksum(path), checksum(good)
    result = run_cli("--db", str(good), "merge", str(path), code=1)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {path} ")
    assert lines[0].endswith("nothing was merged")
    assert checksum(path) == before
    assert checksum(good) == good_before
    assert os.listdir(path.parent) == ["metrics.db"]


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_doctor_explains_without_touching(tmp_path: Path, run_cli, kind: str) -> None:
    path = bad_file(tmp_path, kind)
    before = checksum(path)
    result = run_cli("--db", str(path), "doctor", code=1)
    store_lines = [line for line in result.stdout.splitlines()
                   if line.startswith("problem  store:")]
    assert store_lines and str(path) in store_lines[0]
    assert result.stderr == ""
    assert checksum(path) == before
    assert os.listdir(path.parent) == ["metrics.db"]

