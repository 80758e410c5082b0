"""The store is created once, safely, and refuses files it does not own."""

from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3
import stat
import threading

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


def _new_wal_file(path) -> None:
    # What a first opener leaves before its migration commits: an empty file
    # already switched to write-ahead logging.
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()


@pytest.mark.parametrize("statement", [1, 2, 3, 4, 5])
def test_ownership_check_sees_one_moment_of_a_store_being_created(store_path, statement):
    # Another process's migration commits just before the check's n-th
    # statement: whichever moment the check reads, the store is ours.
    _new_wal_file(store_path)
    creator = sqlite3.connect(store_path, isolation_level=None)
    checker = sqlite3.connect(store_path, isolation_level=None)
    started = []

    def create_before_the_nth(sql: str) -> None:
        started.append(sql)
        if len(started) == statement:
            migrations.migrate(creator, "2026-01-01T00:00:00Z")

    checker.set_trace_callback(create_before_the_nth)
    try:
        migrations.check_ownership(checker)
    finally:
        checker.close()
        creator.close()


def test_switch_to_wal_waits_for_a_process_creating_the_store(store_path):
    # The other opener holds the write lock while this one is about to switch
    # the file to write-ahead logging, and lets go well within the timeout.
    store_path.parent.mkdir(parents=True)
    store_path.touch()
    other = sqlite3.connect(store_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
    release = threading.Timer(0.2, other.execute, ("COMMIT",))
    release.start()
    try:
        conn = open_store(store_path, busy_timeout_ms=5000)
    finally:
        release.join()
        other.close()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert migrations.is_current(conn)
    conn.close()


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
