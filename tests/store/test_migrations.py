"""The store is created once, safely, and refuses files it does not own."""

from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3
import stat

import pytest

from interstat.errors import StoreError
from interstat.store import migrations
from interstat.store.connect import open_store


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_open_twice_applies_each_migration_once(store_path):
    open_store(store_path).close()
    conn = open_store(store_path)
    names = [row[0] for row in conn.execute("SELECT name FROM schema_migrations")]
    assert names == [name for name, _ in migrations.MIGRATIONS]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def _open_and_close(path: str) -> None:
    open_store(__import__("pathlib").Path(path)).close()


def test_parallel_first_opens_do_not_race(store_path):
    context = multiprocessing.get_context("spawn")
    with context.Pool(6) as pool:
        pool.map(_open_and_close, [str(store_path)] * 12)
    conn = open_store(store_path)
    count = conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0]
    assert count == len(migrations.MIGRATIONS)


def test_store_folder_and_file_are_private(store_path):
    open_store(store_path).close()
    assert stat.S_IMODE(store_path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(store_path.stat().st_mode) == 0o600


def test_random_bytes_are_refused_and_left_untouched(tmp_path):
    path = tmp_path / "metrics.db"
    path.write_bytes(bytes(range(256)) * 64)
    before = _digest(path)
    with pytest.raises(StoreError, match="damaged or not a SQLite database"):
        open_store(path)
    assert _digest(path) == before


def test_another_programs_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "other.db"
    foreign = sqlite3.connect(path)
    foreign.execute("CREATE TABLE bookmarks (url TEXT)")
    foreign.commit()
    foreign.close()
    before = _digest(path)
    with pytest.raises(StoreError, match="not an interstat store"):
        open_store(path)
    assert _digest(path) == before


def test_a_newer_schema_is_refused(store_path):
    conn = open_store(store_path)
    conn.execute(f"PRAGMA user_version = {len(migrations.MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(StoreError, match="upgrade interstat"):
        open_store(store_path)


def test_reading_a_missing_store_says_what_to_run(tmp_path):
    with pytest.raises(StoreError, match="interstat init-db"):
        open_store(tmp_path / "absent.db", create=False)
    assert not (tmp_path / "absent.db").exists()
