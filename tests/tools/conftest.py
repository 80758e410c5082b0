"""Shared set-up for the tests of config, export, merge, purge and doctor.

Every test runs with its own HOME and none of interstat's variables set, so
no test can read or write the real ~/.claude.
"""

from __future__ import annotations

import errno
import hashlib
import os
import sqlite3
import stat
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from interstat.cli import cli
from interstat.store import calls, runs
from interstat.store.connect import open_store
from interstat.store_check import snapshot

NOW = "2026-03-01T12:00:00.000Z"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("INTERSTAT_DB", "INTERSTAT_CONFIG", "CLAUDE_CONFIG_DIR"):
        monkeypatch.delenv(name, raising=False)
    return home


def _mode(path: Path) -> int:
    try:
        return path.stat().st_mode
    except OSError:
        return 0


def _refuses_every_write(device: Path) -> bool:
    try:
        descriptor = os.open(device, os.O_WRONLY)
    except OSError:
        return False
    try:
        os.write(descriptor, b"x")
    except OSError as error:
        return error.errno == errno.ENOSPC
    finally:
        os.close(descriptor)
    return False


@pytest.fixture
def full_device(tmp_path: Path) -> Path:
    """A device that refuses every write as a full disk does: /dev/full's twin.

    A private node comes first: the machine's /dev/full may be missing, or no
    longer a device (a plain file takes every write).
    """
    private = tmp_path / "full"
    try:
        os.mknod(private, 0o600 | stat.S_IFCHR, os.makedev(1, 7))
    except OSError:
        pass
    for device in (private, Path("/dev/full")):
        if stat.S_ISCHR(_mode(device)) and _refuses_every_write(device):
            return device
    pytest.skip("no /dev/full here, and no right to make one")


class Cli:
    """Runs the CLI the way a user would, bugs surfacing as tracebacks."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, code: int = 0) -> Any:
        result = self.runner.invoke(cli, list(args), input=input, catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result


@pytest.fixture
def run_cli() -> Cli:
    return Cli()


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_run(conn: sqlite3.Connection, session_id: str, *, agent_id: str | None = None,
            tool_use_id: str | None = None, **fields: Any) -> int:
    """A run with these ids and columns, in its own transaction."""
    conn.execute("BEGIN IMMEDIATE")
    run_id = runs.ensure_run(conn, session_id, NOW, agent_id=agent_id, tool_use_id=tool_use_id)
    runs.set_fields(conn, run_id, fields, NOW)
    conn.execute("COMMIT")
    return run_id


def add_call(conn: sqlite3.Connection, call_key: str, session_id: str, owner: str, *,
             input_tokens: int = 0, output_tokens: int = 0, cache_read: int = 0,
             cache_creation: int = 0, model: str | None = "claude-test",
             timestamp: str | None = NOW) -> None:
    conn.execute("BEGIN IMMEDIATE")
    calls.upsert_call(
        conn, call_key=call_key, session_id=session_id, owner=owner, model=model,
        input_tokens=input_tokens, output_tokens=output_tokens,
        cache_read_tokens=cache_read, cache_creation_tokens=cache_creation,
        cache_creation_5m_tokens=cache_creation, cache_creation_1h_tokens=0,
        synthetic=False, output_is_placeholder=False, timestamp=timestamp,
    )
    conn.execute("COMMIT")


def refresh(conn: sqlite3.Connection, run_id: int) -> None:
    conn.execute("BEGIN IMMEDIATE")
    calls.refresh_totals(conn, run_id, NOW)
    conn.execute("COMMIT")


def new_store(path: Path) -> sqlite3.Connection:
    return open_store(path)


def table_rows(path: Path, table: str) -> list[tuple[Any, ...]]:
    """Every row of ``table``, read from a copy so that the file itself is never opened."""
    with tempfile.TemporaryDirectory() as folder:
        conn = sqlite3.connect(snapshot(path, Path(folder)))
        try:
            return sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
        finally:
            conn.close()


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of a store."""
    return {table: table_rows(path, table) for table in
            ("agent_runs", "api_calls", "transcript_files", "hook_events", "schema_migrations")}


def run_row(path: Path, **where: str) -> dict[str, Any]:
    """The one agent_runs row whose columns equal ``where``, as a dict."""
    with tempfile.TemporaryDirectory() as folder:
        conn = sqlite3.connect(snapshot(path, Path(folder)))
        conn.row_factory = sqlite3.Row
        try:
            condition = " AND ".join(f"{column} = ?" for column in where)
            rows = conn.execute(f"SELECT * FROM agent_runs WHERE {condition}",
                                list(where.values())).fetchall()
        finally:
            conn.close()
    assert len(rows) == 1, rows
    return dict(rows[0])
