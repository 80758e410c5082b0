"""Events that could not be written wait in a spool file beside the store.

A hook that finds the store locked or unwritable appends its event (the
extracted facts, never the raw input) as one JSON line. Whoever next holds
the store's write lock drains the spool: it renames the file to a unique
name first, so a second drainer never reads the same lines, replays every
line through ``apply.record`` and deletes the file only after the commit.
``hook_events`` makes every replay exactly-once even when a drainer dies
between its commit and the delete and its file is read again.

Appenders and the drainer take an ``flock`` on the file: an appender that
opened the spool just before it was renamed notices and writes to the new one.
Paths are plain strings (a store given as a ``Path`` is accepted): the hook
checks the spool on every event and must not import pathlib for it.
"""

from __future__ import annotations

import os
import time

from interstat.capture.apply import APPLIERS, record
from interstat.capture.warn import warn
from interstat.store.driver import sqlite3
from interstat.store.locate import parent, spool_path

#: The spool stops growing here: something is wrong for longer than a while.
SPOOL_LIMIT_BYTES = 64 * 1024 * 1024
_CLAIMED_SUFFIX = ".draining"


class SpoolFull(OSError):
    """The spool reached its size limit."""


def _lock(fd: int) -> None:
    # Imported here: only a hook that spools, or a drain that found a spool,
    # takes a lock, and most events do neither.
    try:
        from fcntl import LOCK_EX, flock
    except ImportError:  # Windows: no flock; renames alone still keep drains apart
        return
    flock(fd, LOCK_EX)


def _is_current_spool(fd: int, path: str) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def append(store_path: str | os.PathLike[str], entry: dict) -> None:
    """Add one event to the spool (created 0600 in a 0700 folder)."""
    import json  # only a hook that could not write pays for it

    path = spool_path(store_path)
    os.makedirs(parent(path), mode=0o700, exist_ok=True)
    line = (json.dumps(entry, separators=(",", ":")) + "\n").encode("ascii")
    for _attempt in range(5):
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            _lock(fd)
            if not _is_current_spool(fd, path):
                continue  # a drainer renamed it between our open and our lock
            if os.fstat(fd).st_size + len(line) > SPOOL_LIMIT_BYTES:
                raise SpoolFull(f"the spool {path} is full")
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view):]
            return
        finally:
            os.close(fd)
    raise OSError(f"the spool {path} kept moving while it was written")


def _claimed_names(store_path: str | os.PathLike[str]) -> tuple[str | None, list[str]]:
    """The spool (None when absent) and files claimed by drainers that died."""
    path = spool_path(store_path)
    folder, name = os.path.split(path)
    try:
        names = os.listdir(folder or ".")
    except FileNotFoundError:
        return None, []
    prefix = name + "."
    leftovers = [
        os.path.join(folder, other)
        for other in names
        if other.startswith(prefix) and other.endswith(_CLAIMED_SUFFIX)
    ]
    return (path if name in names else None), leftovers


def pending(store_path: str | os.PathLike[str]) -> bool:
    """Whether any spooled event waits (a cheap directory listing)."""
    current, leftovers = _claimed_names(store_path)
    return current is not None or bool(leftovers)


def claim(store_path: str | os.PathLike[str]) -> list[str]:
    """Take the spool and any file a dead drainer left; call under the write lock."""
    current, claimed = _claimed_names(store_path)
    if current is not None:
        target = f"{current}.{os.getpid()}.{time.time_ns()}{_CLAIMED_SUFFIX}"
        try:
            os.rename(current, target)
            claimed.append(target)
        except FileNotFoundError:
            pass
    return claimed


def _valid(entry: object) -> bool:
    if not isinstance(entry, dict) or entry.get("event") not in APPLIERS:
        return False
    facts = entry.get("facts")
    return (
        isinstance(entry.get("key"), str)
        and isinstance(entry.get("received_at"), str)
        and isinstance(facts, dict)
        and isinstance(facts.get("session_id"), str)
    )


def load(paths: list[str]) -> list[dict]:
    """Every well-formed entry of the claimed files, in file order."""
    if not paths:
        return []
    import json  # only a drain that found events pays for it

    entries: list[dict] = []
    for path in paths:
        try:
            with open(path, "rb") as spool_file:
                _lock(spool_file.fileno())  # wait for an appender mid-write
                lines = spool_file.read().splitlines()
        except FileNotFoundError:
            continue  # its drainer committed and deleted it meanwhile
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                entry = None
            if _valid(entry):
                entries.append(entry)
            elif line.strip():
                warn(f"skipped a damaged line in the spool {os.path.basename(path)}")
    return entries


def release(paths: list[str]) -> None:
    for path in paths:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def _replay(conn: sqlite3.Connection, entry: dict) -> bool:
    try:
        return record(conn, entry)
    except sqlite3.OperationalError:
        raise  # the store itself is failing: keep the spool for later
    except Exception as error:  # noqa: BLE001 - one bad line must not block the rest
        warn(f"dropped a spooled {entry['event']} event: {error}")
        return False


def drain(
    conn: sqlite3.Connection, store_path: str | os.PathLike[str], current: dict | None = None
) -> int:
    """Replay the spool, then ``current`` (if given), in one write transaction.

    Returns how many spooled events were new to the store. ``conn`` must be
    in autocommit mode (as ``open_store`` returns it); raises
    ``sqlite3.OperationalError`` when the store is locked or unwritable, in
    which case nothing was applied and the spool is kept.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        claimed = claim(store_path)
        applied = sum(_replay(conn, entry) for entry in load(claimed))
        if current is not None:
            record(conn, current)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    release(claimed)
    return applied
