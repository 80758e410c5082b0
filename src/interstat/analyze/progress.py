"""How far each transcript was read: the ``transcript_files`` rows."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import attrs

from interstat.analyze.discover import FoundFile
from interstat.store.connect import utc_now

if TYPE_CHECKING:
    from interstat.registry import TranscriptParser


@attrs.frozen
class StoredProgress:
    size: int
    mtime_ns: int
    read_offset: int
    parser: str | None


def stored_progress(conn: sqlite3.Connection) -> dict[str, StoredProgress]:
    """Every file's row, read at once: one query instead of one per file."""
    rows = conn.execute("SELECT path, size, mtime_ns, read_offset, parser FROM transcript_files")
    return {path: StoredProgress(*rest) for path, *rest in rows}


def unchanged(found: FoundFile, stored: StoredProgress | None) -> bool:
    return stored is not None and (stored.size, stored.mtime_ns) == (found.size, found.mtime_ns)


def start_offset(
    found: FoundFile, stored: StoredProgress | None, parser: TranscriptParser
) -> int | None:
    """Where to start reading, or None when the file has not changed."""
    if stored is None:
        return 0
    if unchanged(found, stored):
        return None
    if found.size < stored.read_offset or stored.parser != parser.name or not parser.resumable:
        return 0
    return stored.read_offset


def bytes_to_read(found: FoundFile, stored: StoredProgress | None) -> int:
    """About what a read will cost, before its parser is known."""
    if stored is None or found.size < stored.read_offset:
        return found.size
    return found.size - stored.read_offset


def save_progress(
    conn: sqlite3.Connection, found: FoundFile, offset: int, parser: str, skipped: int
) -> None:
    conn.execute(
        """
        INSERT INTO transcript_files (path, size, mtime_ns, read_offset, parser,
                                      skipped_lines, parsed_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,
            read_offset = excluded.read_offset, parser = excluded.parser,
            skipped_lines = transcript_files.skipped_lines + excluded.skipped_lines,
            parsed_at = excluded.parsed_at
        """,
        (found.location, found.size, found.mtime_ns, offset, parser, skipped, utc_now()),
    )
