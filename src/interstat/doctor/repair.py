"""``doctor --repair``: a timestamped backup first, then only the safe fixes.

Safe means: nothing is deleted and nothing belonging to someone else is
changed. Modes are narrowed to the owner; an older schema is upgraded; a
damaged store is replaced by a new one holding every run, API call and
purge tombstone that can still be read, the damaged file kept beside it
under another name.
Foreign files, files of a newer interstat and files that are not SQLite are
left alone.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from interstat.doctor import OK, PROBLEM, Finding
from interstat.doctor.pages import scan_records
from interstat.doctor.store import guarded_paths
from interstat.errors import StoreError
from interstat.merge import RUN_COLUMNS
from interstat.store.connect import open_store
from interstat.store_check import DAMAGED, EMPTY, OLDER, inspect_store, snapshot
from interstat.store_check import OK as STORE_OK

AREA = "repair"

#: The tables a recovery copies, with their columns. Read positions in
#: transcript_files are left out on purpose: the next analyze then reads
#: every transcript again and fills in what the damage took. purge's
#: tombstones (purged_runs) are kept, or that analyze would bring back
#: everything purge deleted.
RECOVERED_TABLES = {
    "agent_runs": ("run_id", *RUN_COLUMNS),
    "api_calls": (
        "call_key", "session_id", "owner", "model", "input_tokens", "output_tokens",
        "cache_read_tokens", "cache_creation_tokens", "cache_creation_5m_tokens",
        "cache_creation_1h_tokens", "total_tokens", "context_tokens", "synthetic",
        "output_is_placeholder", "timestamp",
    ),
    "purged_runs": ("session_digest", "owner_digest", "purged_at"),
}

#: Give up on a table after this many unreadable stretches in a row.
_MAX_SKIPS = 40


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _free_name(store: Path, label: str) -> Path:
    candidate = store.with_name(f"{store.name}.{label}-{_stamp()}")
    serial = 1
    while candidate.exists():
        serial += 1
        candidate = store.with_name(f"{store.name}.{label}-{_stamp()}-{serial}")
    return candidate


def _private(path: Path) -> None:
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


def backup(store: Path, *, damaged: bool = False) -> Path:
    """Copy the store (with its write-ahead log) to ``<name>.backup-<UTC time>``.

    A sound store goes through SQLite's backup API, giving one consistent
    file. A damaged one is copied byte for byte, its log beside it, so that
    the backup keeps every page exactly as it was for a later rescue.
    """
    target = _free_name(store, "backup")
    with tempfile.TemporaryDirectory(prefix="interstat-backup-") as folder:
        copy = snapshot(store, Path(folder))
        _private(target)
        if not damaged:
            source, destination = sqlite3.connect(copy), sqlite3.connect(target)
            try:
                source.backup(destination)
                return target
            finally:
                source.close()
                destination.close()
        target.write_bytes(copy.read_bytes())
        wal = copy.with_name(copy.name + "-wal")
        if wal.exists():
            wal_backup = target.with_name(target.name + "-wal")
            _private(wal_backup)
            wal_backup.write_bytes(wal.read_bytes())
    return target


def fix_modes(store: Path) -> list[Finding]:
    findings = []
    for path, allowed in guarded_paths(store):
        info = path.stat()
        if info.st_uid != os.getuid() or not info.st_mode & ~allowed & 0o777:
            continue
        os.chmod(path, allowed)
        findings.append(Finding(AREA, OK, f"{path} is now {allowed:04o}"))
    return findings


def salvage_rows(conn: sqlite3.Connection, table: str,
                 columns: tuple[str, ...]) -> Iterator[tuple[object, ...]]:
    """Every row of ``table`` that can be read, stepping over damaged stretches."""
    sql = (f"SELECT rowid, {', '.join(columns)} FROM {table}"
           " WHERE rowid > ? ORDER BY rowid")
    after, step, skips = -(2**63), 1, 0
    while skips < _MAX_SKIPS:
        try:
            for row in conn.execute(sql, (after,)):
                after, step, skips = row[0], 1, 0
                yield row[1:]
            return
        except sqlite3.DatabaseError:
            # The rows between here and the next readable page are lost;
            # jump further each time until the reads work again.
            after = max(after, 0) + step
            step, skips = step * 2, skips + 1


def _table_of(values: list[object]) -> str | None:
    """Which recovered table a raw record belongs to, told by its shape."""
    for table, columns in RECOVERED_TABLES.items():
        key = values[1] if table == "agent_runs" else values[0]
        if len(values) != len(columns) or not isinstance(key, str):
            continue
        # run_counts rows have three values too; a tombstone's are all text.
        if table != "purged_runs" or all(isinstance(value, str) for value in values):
            return table
    return None


def _inserts() -> dict[str, str]:
    return {
        table: f"INSERT OR IGNORE INTO {table} ({', '.join(columns)})"
               f" VALUES ({', '.join('?' for _ in columns)})"
        for table, columns in RECOVERED_TABLES.items()
    }


def _copy_rows(damaged: Path, target: sqlite3.Connection) -> dict[str, int]:
    """Rows reachable through SQL first, then rows only their leaf pages still hold."""
    inserts, saved = _inserts(), dict.fromkeys(RECOVERED_TABLES, 0)
    conn = sqlite3.connect(damaged)
    try:
        with contextlib.suppress(sqlite3.DatabaseError):
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for table, columns in RECOVERED_TABLES.items():
            for row in salvage_rows(conn, table, columns):
                saved[table] += target.execute(inserts[table], row).rowcount
    finally:
        conn.close()
    for rowid, values in scan_records(damaged):
        table = _table_of(values)
        if table == "agent_runs":
            values = [rowid, *values[1:]]  # run_id is the rowid, stored as NULL
        if table:
            saved[table] += target.execute(inserts[table], values).rowcount
    return saved


def recover(store: Path) -> tuple[Path, dict[str, int]]:
    """Copy every readable row into a new store; returns it and rows saved per table."""
    fresh = _free_name(store, "recovered")
    with tempfile.TemporaryDirectory(prefix="interstat-recover-") as folder:
        damaged = snapshot(store, Path(folder))
        target = open_store(fresh)
        try:
            target.execute("BEGIN IMMEDIATE")
            saved = _copy_rows(damaged, target)
            target.execute("COMMIT")
        finally:
            target.close()
    return fresh, saved


def _swap_in(store: Path, recovered: Path) -> Path:
    """Move the damaged files aside (never deleting them) and the new store in."""
    kept = _free_name(store, "damaged")
    for suffix in ("", "-wal", "-shm"):
        current = store.with_name(store.name + suffix)
        if current.exists():
            current.rename(kept.with_name(kept.name + suffix))
    recovered.rename(store)
    return kept


def repair_store(store: Path) -> list[Finding]:
    """Back up, then fix what is safe to fix; says what was done."""
    if not store.exists():
        return []
    state = inspect_store(store, check="full")
    if state.kind not in (STORE_OK, OLDER, DAMAGED, EMPTY):
        return [Finding(AREA, PROBLEM, f"left {store} alone: {state.message}")]
    if state.kind in (STORE_OK, EMPTY) and not fix_needed(store):
        return []
    saved_to = backup(store, damaged=state.kind == DAMAGED)
    findings = [Finding(AREA, OK, f"backed up {store} to {saved_to}")]
    findings += fix_modes(store)
    if state.kind == OLDER:
        open_store(store).close()
        findings.append(Finding(AREA, OK, f"upgraded {store} to the current schema"))
    elif state.kind == DAMAGED:
        findings += _replace_damaged(store)
    return findings


def _replace_damaged(store: Path) -> list[Finding]:
    try:
        recovered, saved = recover(store)
    except (sqlite3.Error, StoreError) as error:
        return [Finding(AREA, PROBLEM, f"could not recover {store}: {error}; "
                        "the backup and the original are untouched")]
    kept = _swap_in(store, recovered)
    return [Finding(AREA, OK, f"saved {saved['agent_runs']} runs and {saved['api_calls']} "
                    f"API calls into a new {store}; the damaged file is now {kept}; run "
                    "'interstat analyze' to read the transcripts again")]


def fix_needed(store: Path) -> bool:
    """Whether any mode of the folder or the store files is wider than allowed."""
    return any(
        path.stat().st_uid == os.getuid() and path.stat().st_mode & ~allowed & 0o777
        for path, allowed in guarded_paths(store)
    )
