"""Write one event to the store, or to the spool when the store cannot take it."""

from __future__ import annotations

import os

from interstat.capture import spool
from interstat.capture.warn import warn
from interstat.errors import StoreError
from interstat.store.connect import is_busy, open_store
from interstat.store.driver import sqlite3
from interstat.store.locate import spool_path

#: How long a hook waits for another writer. Claude Code waits for most
#: hooks before it goes on, so a locked store sends the event to the spool
#: rather than keep the session waiting.
BUSY_TIMEOUT_MS = 300


def _keep(store_path: str | os.PathLike[str], entry: dict | None, problem: str | None) -> None:
    """Spool ``entry`` (if any) and say what went wrong, unless it was only a lock."""
    if entry is None:
        if problem:
            warn(problem)
        return
    try:
        spool.append(store_path, entry)
    except OSError as error:
        warn(f"cannot write the store at {store_path} or its spool ({error}); event lost")
        return
    if problem:
        warn(f"{problem}; the event waits in {os.path.basename(spool_path(store_path))}")


def save(store_path: str | os.PathLike[str], entry: dict | None) -> None:
    """Apply waiting spooled events, then ``entry``; spool ``entry`` on failure."""
    try:
        conn = open_store(store_path, busy_timeout_ms=BUSY_TIMEOUT_MS)
    except StoreError as error:
        _keep(store_path, entry, None if is_busy(error.__cause__) else str(error))
        return
    try:
        spool.drain(conn, store_path, current=entry)
    except (sqlite3.Error, OSError) as error:
        problem = None if is_busy(error) else f"cannot write {store_path}: {error}"
        _keep(store_path, entry, problem)
    finally:
        conn.close()
