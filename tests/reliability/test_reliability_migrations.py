"""Stores of every earlier schema version upgrade with all their rows, also under a race.

schema-3 and schema-4 are committed fixtures (tests/tools). Versions 1 and 2
came before the fixtures; migrations are never edited, so applying only the
first N of them reproduces schema N exactly, and the fixture builder's rows
fill it. Sixteen hooks then meet such a store at the same moment.
"""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from interstat.capture import spool
from interstat.store import migrations
from interstat.store.connect import open_store
from tests.reliability.support import REPO, clean_env, dispatch, integrity, query, run_interstat

TABLES = ("agent_runs", "api_calls", "transcript_files", "hook_events", "schema_migrations")
NOW = "2026-01-01T00:00:00.000Z"


def _builder():
    path = REPO / "tests" / "make_store_fixtures.py"
    spec = importlib.util.spec_from_file_location("make_store_fixtures", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def store_at_version(path: Path, version: int) -> Path:
    """A store as interstat wrote it when MIGRATIONS held ``version`` entries."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for name, step in migrations.MIGRATIONS[:version]:
        step(conn)
        conn.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", (name, NOW))
    conn.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {int(version)}")
    builder = _builder()
    builder._runs(conn)
    builder._bookkeeping(conn)
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    path.chmod(0o600)
    return path


def every_row(path: Path) -> dict[str, list[dict]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return {table: sorted((dict(row) for row in conn.execute(f"SELECT * FROM {table}")),
                              key=repr) for table in TABLES}
    finally:
        conn.close()


def assert_rows_kept(before: dict, after: dict) -> None:
    for table, rows in before.items():
        if table == "schema_migrations":
            assert set(map(repr, rows)) <= set(map(repr, after[table]))
            continue
        kept = [{column: row[column] for column in rows[0]} for row in after[table]]
        assert kept == rows, table


EARLIER = list(range(1, len(migrations.MIGRATIONS)))


@pytest.mark.parametrize("version", EARLIER)
def test_a_store_of_an_earlier_schema_upgrades_with_every_row(tmp_path: Path, version: int):
    store = store_at_version(tmp_path / "metrics.db", version)
    before = every_row(store)
    assert before["agent_runs"] and before["api_calls"]
    open_store(store).close()
    after = every_row(store)
    assert_rows_kept(before, after)
    assert [row["name"] for row in after["schema_migrations"]] == [
        name for name, _ in migrations.MIGRATIONS]
    assert query(store, "PRAGMA user_version") == [(len(migrations.MIGRATIONS),)]


@pytest.mark.parametrize("version", [1, *sorted(
    int(path.stem.removeprefix("schema-"))
    for path in (REPO / "tests" / "data" / "stores").glob("schema-*.db"))])
def test_sixteen_hooks_meeting_an_old_store_upgrade_it_once(tmp_path: Path, version: int):
    store = tmp_path / "interstat" / "metrics.db"
    fixture = REPO / "tests" / "data" / "stores" / f"schema-{version}.db"
    if fixture.exists():
        store.parent.mkdir(mode=0o700)
        shutil.copyfile(fixture, store)
    else:
        store_at_version(store, version)
    before = every_row(store)
    env = clean_env(tmp_path / "home")

    def hook(number: int) -> subprocess.CompletedProcess:
        return run_interstat(["--db", str(store), "hook", "PreToolUse"], env,
                             stdin=dispatch("race", f"toolu_race_{number}"))

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(hook, range(16)))
    assert [(done.returncode, done.stderr) for done in outcomes] == [(0, b"")] * 16
    conn = open_store(store)
    try:
        spool.drain(conn, store)  # events that met the store busy upgrading
    finally:
        conn.close()
    assert integrity(store) == "ok"
    after = every_row(store)
    assert len(after["schema_migrations"]) == len(migrations.MIGRATIONS)
    raced = [row for row in after["agent_runs"] if row["session_id"] == "race"]
    assert sorted(row["tool_use_id"] for row in raced) == sorted(
        f"toolu_race_{number}" for number in range(16))
    for table in ("agent_runs", "hook_events"):
        after[table] = [row for row in after[table] if row["session_id"] != "race"]
    assert_rows_kept(before, after)
