"""Judging a store file without changing it: only a private copy is ever opened.

Opening a SQLite file, even read-only, may leave ``-wal``/``-shm`` files or
finish a checkpoint; a file that is damaged or belongs to someone else must
stay exactly as it was, so ``merge`` and ``doctor`` look at a copy.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import attrs

from interstat.errors import StoreError
from interstat.store import migrations
from interstat.store.times import utc_now

SQLITE_HEADER = b"SQLite format 3\x00"

OK, OLDER, MISSING, EMPTY = "ok", "older", "missing", "empty"
NOT_SQLITE, FOREIGN, NEWER, DAMAGED = "not-sqlite", "foreign", "newer", "damaged"
UNREADABLE = "unreadable"
_CHECKS = {"quick": "PRAGMA quick_check", "full": "PRAGMA integrity_check"}

#: Kinds whose rows can be read (an older store after upgrading a copy).
READABLE = (OK, OLDER)


@attrs.frozen
class StoreState:
    """What a file is: its kind, what is wrong, and what to do about it as the store."""

    path: Path
    kind: str
    problem: str
    fix: str = ""
    schema_version: int | None = None

    @property
    def message(self) -> str:
        return f"{self.problem}; {self.fix}" if self.fix else self.problem


def _repair_hint(path: Path) -> str:
    return f"run 'interstat --db {path} doctor --repair' to save what can be read"


def snapshot(path: Path, folder: Path) -> Path:
    """Copy the store and its write-ahead log into ``folder``; returns the copy."""
    copy = folder / path.name
    shutil.copyfile(path, copy)
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
    return copy


def _classify(conn: sqlite3.Connection, path: Path, check: str) -> StoreState:
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    current = len(migrations.MIGRATIONS)
    if app_id != migrations.APPLICATION_ID and (app_id != 0 or tables - {"schema_migrations"}):
        return StoreState(path, FOREIGN, f"{path} is another program's SQLite database",
                          "point --db at an interstat store")
    if version > current:
        return StoreState(path, NEWER, f"{path} has schema version {version}, newer than "
                          f"this interstat's {current}", "upgrade interstat",
                          schema_version=version)
    problems = [row[0] for row in conn.execute(_CHECKS[check])]
    if problems != ["ok"]:
        return StoreState(path, DAMAGED, f"{path} is damaged ({problems[0]})",
                          _repair_hint(path), schema_version=version)
    if version < current:
        return StoreState(path, OLDER, f"{path} has schema version {version} of {current}",
                          f"run 'interstat --db {path} init-db' to upgrade it",
                          schema_version=version)
    return StoreState(path, OK, f"{path} is a healthy interstat store",
                      schema_version=version)


def require_sound(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse to go on writing a store whose pages are damaged (``PRAGMA quick_check``)."""
    try:
        problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as error:
        problems = [str(error)]
    if problems != ["ok"]:
        raise StoreError(f"{path} is damaged ({problems[0]}); {_repair_hint(path)}")


def _state_of_copy(copy: Path, path: Path, check: str = "quick") -> StoreState:
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        return _classify(conn, path, check)
    except sqlite3.DatabaseError as error:
        return StoreState(path, DAMAGED, f"{path} is damaged ({error})", _repair_hint(path))
    finally:
        conn.close()


def _state_without_opening(path: Path) -> StoreState | None:
    if not path.exists():
        return StoreState(path, MISSING, f"{path} does not exist")
    try:
        with open(path, "rb") as stream:
            header = stream.read(len(SQLITE_HEADER))
    except OSError as error:
        return StoreState(path, UNREADABLE, f"cannot read {path}: {error.strerror}",
                          "check its owner and permissions")
    if not header:
        return StoreState(path, EMPTY, f"{path} is empty: nothing was recorded in it yet")
    if header != SQLITE_HEADER:
        return StoreState(path, NOT_SQLITE, f"{path} is not a SQLite database",
                          "point --db at an interstat store, or move the file aside "
                          "to start a new store there")
    return None


def inspect_store(path: Path, *, check: str = "quick") -> StoreState:
    """What ``path`` holds; the file is never opened by SQLite.

    ``check`` is ``"quick"`` (pages and rows) or ``"full"`` (indexes too).
    """
    early = _state_without_opening(path)
    if early is not None:
        return early
    with tempfile.TemporaryDirectory(prefix="interstat-check-") as folder:
        return _state_of_copy(snapshot(path, Path(folder)), path, check)


@contextlib.contextmanager
def readable_copy(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to a checked copy of the store at ``path``, at the current schema.

    Raises StoreError naming the problem when the file is not a usable interstat
    store (with the fix when it is one of ours that is damaged or too new).
    The copy is deleted on exit; ``path`` is never opened.
    """
    early = _state_without_opening(path)
    if early is not None:
        raise StoreError(early.problem)
    with tempfile.TemporaryDirectory(prefix="interstat-read-") as folder:
        copy = snapshot(path, Path(folder))
        state = _state_of_copy(copy, path)
        if state.kind not in READABLE:
            raise StoreError(state.message if state.kind in (DAMAGED, NEWER) else state.problem)
        conn = sqlite3.connect(copy, isolation_level=None)
        try:
            migrations.migrate(conn, utc_now())
            yield conn
        finally:
            conn.close()
