"""Opening the store: private permissions, WAL, a busy timeout, the right schema.

The capture hook opens the store on every event, so paths are handled with
``os`` (a ``Path`` or a string is accepted) and pathlib stays off its path.
"""

from __future__ import annotations

import os
import time

from interstat.errors import StoreError
from interstat.store import advice, migrations
from interstat.store.driver import sqlite3
from interstat.store.locate import exists, parent
from interstat.store.times import utc_now

#: How long a writer waits for another one before giving up (milliseconds).
DEFAULT_BUSY_TIMEOUT_MS = 5000
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
#: Between two tries at switching a new store to write-ahead logging (seconds).
_WAL_RETRY_PAUSE = 0.005


def is_busy(error: BaseException | None) -> bool:
    """Whether ``error`` only means that another connection held the lock."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)


def _make_private_folder(folder: str) -> None:
    # The store holds what the user's agents did: only the user may read it.
    os.makedirs(folder, mode=0o700, exist_ok=True)


def _make_private_file(path: str) -> None:
    if not exists(path):
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


def damaged_message(error: sqlite3.Error, path: str | os.PathLike[str]) -> str | None:
    """The one-line message for an error that means the file is damaged, else None.

    A damaged page may only show when a query reaches it, long after opening.
    """
    text = str(error)
    if "not a database" in text or "malformed" in text:
        return (f"{path} is damaged or not a SQLite database; run 'interstat doctor' or "
                + advice.another_store("another path"))
    return None


def cannot_write_message(path: str | os.PathLike[str], reason: str) -> str:
    return (
        f"cannot write the store at {path}: {reason}; check that you may write it and "
        "its folder (permissions, a read-only disk or an immutable file)"
    )


def _cannot_write(error: sqlite3.Error) -> bool:
    text = str(error)
    return "readonly" in text or "unable to open" in text


def failure_message(error: sqlite3.Error, path: str | os.PathLike[str]) -> str | None:
    """The one-line message for a store error the user can act on, else None (a bug).

    Like damage, a full disk or a lost write permission may only show in the
    middle of a run, when a commit needs room that is not there.
    """
    damaged = damaged_message(error, path)
    if damaged:
        return damaged
    text = str(error)
    if "disk is full" in text or "disk I/O error" in text:
        return (
            f"cannot write the store at {path}: {text}; free some disk space (or check "
            "the disk) and run the command again"
        )
    if _cannot_write(error):
        return cannot_write_message(path, text)
    if "locked" in text:
        return (
            f"the store at {path} stayed locked by another process; "
            "run the command again when it is done"
        )
    return None


def _describe(error: sqlite3.Error, path: str) -> str:
    return failure_message(error, path) or f"store {path}: {error}"


def _require_content(path: str) -> None:
    """Refuse to read a store that is not there, or holds nothing yet.

    SQLite takes an empty file for a new database: writers set it up, but a
    reader would only find it "needs an upgrade".
    """
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        size = None
    if size is None:
        raise StoreError(f"no store at {path} yet; run 'interstat init-db' or 'interstat analyze'")
    if size == 0:
        raise StoreError(f"{path} is an empty store: nothing is recorded in it yet; "
                         "run 'interstat analyze'")


def open_store(
    path: str | os.PathLike[str],
    *,
    create: bool = True,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    only_reads: bool = False,
) -> sqlite3.Connection:
    """Open (and when ``create``, create or migrate) the store at ``path``.

    The connection is in autocommit mode: callers open their own
    transactions, ``BEGIN IMMEDIATE`` for writes. A caller that ``only_reads``
    gets a read-only connection to a store it cannot write (a read-only
    file, folder or disk); any other caller gets a StoreError saying so,
    before SQLite leaves files beside the store.
    """
    path = os.fspath(path)
    if not create:
        _require_content(path)
    if exists(path) and not os.access(path, os.W_OK):
        if not only_reads:
            raise StoreError(cannot_write_message(path, "the file is read-only"))
        return open_read_only(path, busy_timeout_ms)
    try:
        if create:
            _make_private_folder(parent(path))
            _make_private_file(path)
        conn = sqlite3.connect(path, timeout=busy_timeout_ms / 1000, isolation_level=None)
    except (OSError, sqlite3.Error) as error:
        raise StoreError(f"cannot open the store at {path}: {error}") from error
    try:
        _prepare(conn, path, create, busy_timeout_ms)
    except sqlite3.Error as error:
        conn.close()
        if only_reads and _cannot_write(error):
            # The folder cannot take the -shm file a WAL store needs.
            return open_read_only(path, busy_timeout_ms)
        raise StoreError(_describe(error, path)) from error
    except BaseException:
        conn.close()
        raise
    return conn


def _prepare(conn: sqlite3.Connection, path: str, create: bool,
             busy_timeout_ms: int) -> None:
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    try:
        migrations.check_ownership(conn)
        if create:
            _use_write_ahead_log(conn, busy_timeout_ms)
            migrations.migrate(conn, utc_now())
    except StoreError as error:
        raise StoreError(f"{path}: {error}") from error
    if not create and not migrations.is_current(conn):
        raise StoreError(f"the store at {path} needs an upgrade; run 'interstat init-db'")
    conn.execute("PRAGMA synchronous = NORMAL")


def _use_write_ahead_log(conn: sqlite3.Connection, busy_timeout_ms: int) -> None:
    """Switch a new store to WAL, waiting for other processes creating it too.

    The switch reads the file, then takes the write lock. When another
    process took that lock in between, SQLite answers "locked" at once rather
    than wait (both would wait forever), so the switch is tried again here
    until the busy timeout runs out.
    """
    if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return
    deadline = time.monotonic() + busy_timeout_ms / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if not is_busy(error) or time.monotonic() >= deadline:
                raise
        time.sleep(_WAL_RETRY_PAUSE)


def open_read_only(path: str | os.PathLike[str], busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS
                   ) -> sqlite3.Connection:
    """A read-only connection to the current store at ``path``; nothing is written.

    SQLite reads a WAL store read-only when it may use or create the
    ``-shm`` file beside it. On read-only media without one, the last resort
    is to read the main file as it stands (``immutable=1``), which misses
    what the write-ahead log holds, if anything.
    """
    from pathlib import Path  # only here: the hook never reads a store read-only

    path = os.fspath(path)
    uri = Path(path).absolute().as_uri()
    try:
        return _connect_prepared(f"{uri}?mode=ro", path, busy_timeout_ms)
    except sqlite3.Error as error:
        if not _cannot_write(error):
            raise StoreError(_describe(error, path)) from error
    _warn_if_log_unread(path)
    try:
        return _connect_prepared(f"{uri}?immutable=1", path, busy_timeout_ms)
    except sqlite3.Error as error:
        raise StoreError(_describe(error, path)) from error


def _connect_prepared(uri: str, path: str, busy_timeout_ms: int) -> sqlite3.Connection:
    conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout_ms / 1000, isolation_level=None)
    try:
        _prepare(conn, path, False, busy_timeout_ms)
    except BaseException:
        conn.close()
        raise
    return conn


def _warn_if_log_unread(path: str) -> None:
    try:
        unread = os.stat(path + "-wal").st_size > 0
    except OSError:
        return
    if unread:
        import logging  # only here: the hook path never reads a store read-only

        logging.getLogger(__name__).warning(
            "%s cannot be read with its write-ahead log on this read-only disk; "
            "the newest runs may be missing", path)
