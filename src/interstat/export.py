"""Dispatched runs out of the store as CSV, JSON Lines or Parquet.

Every ``agent_runs`` column is written, in schema order, under its own name,
so an export reads the same way as the store's documented table. A file is
written beside its target and renamed into place: a failed export never
leaves half a file under the name asked for. A target that is no regular
file (a FIFO, ``/dev/stdout``, a device) is written in place: renaming over
it would replace it with a file.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from interstat.errors import InterstatError
from interstat.filters import RUN_TIME_SQL, Filters, where_clause

FORMATS = ("csv", "jsonl", "parquet")
_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl",
             ".parquet": "parquet", ".pq": "parquet"}
#: interstat is not on PyPI (an unrelated project has the name there): the
#: extra comes from the clone it was installed from.
PARQUET_HINT = (
    "Parquet export needs pyarrow: install the 'parquet' extra from your interstat "
    "clone (uv tool install --compile-bytecode '.[parquet]', or uv sync --extra parquet "
    "in a checkout)"
)


def format_for(output: str | None, chosen: str | None) -> str:
    """The chosen format, else the one the output file's suffix names, else CSV.

    A suffix of another format (``runs.xlsx``) is a ValueError: writing CSV
    under that name would make a file its own program cannot open.
    """
    if chosen:
        return chosen
    suffix = Path(output).suffix.lower() if output and output != "-" else ""
    if suffix and suffix not in _SUFFIXES:
        known = ", ".join(list(_SUFFIXES)[:-1]) + " or " + list(_SUFFIXES)[-1]
        raise ValueError(f"export writes no {suffix} files; end the name with {known}, "
                         "or give --format")
    return _SUFFIXES.get(suffix, "csv")


def run_columns(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """``agent_runs`` columns in schema order with their declared SQL types."""
    return [(row[1], row[2].upper()) for row in conn.execute("PRAGMA table_info(agent_runs)")]


def select_runs(conn: sqlite3.Connection, filters: Filters) -> sqlite3.Cursor:
    """Dispatched runs that pass ``filters``, oldest first."""
    where, parameters = where_clause(filters, extra=["kind = 'dispatched'"])
    order = RUN_TIME_SQL.format(p="")
    return conn.execute(
        f"SELECT * FROM agent_runs{where} ORDER BY {order}, run_id", parameters
    )


def write_csv(cursor: sqlite3.Cursor, stream: IO[str]) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(column[0] for column in cursor.description)
    count = 0
    for row in cursor:
        writer.writerow("" if value is None else value for value in row)
        count += 1
    return count


def write_jsonl(cursor: sqlite3.Cursor, stream: IO[str]) -> int:
    names = [column[0] for column in cursor.description]
    count = 0
    for row in cursor:
        stream.write(json.dumps(dict(zip(names, row)), ensure_ascii=False) + "\n")
        count += 1
    return count


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise InterstatError(PARQUET_HINT) from None
    return pyarrow


def write_parquet(cursor: sqlite3.Cursor, columns: list[tuple[str, str]],
                  stream: IO[bytes]) -> int:
    pyarrow = _pyarrow()
    types = {"INTEGER": pyarrow.int64(), "REAL": pyarrow.float64()}
    schema = pyarrow.schema(
        [(name, types.get(declared, pyarrow.string())) for name, declared in columns]
    )
    rows = cursor.fetchall()
    table = pyarrow.Table.from_pylist(
        [dict(zip(schema.names, row)) for row in rows], schema=schema
    )
    pyarrow.parquet.write_table(table, stream)
    return len(rows)


def _opened(target: Path, binary: bool) -> contextlib.AbstractContextManager[IO[Any]]:
    if target.exists() and not target.is_file():
        return _in_place(target, binary)
    # Through a link to a file, the file is replaced and the link kept.
    return _replacing(target.resolve() if target.is_symlink() else target, binary)


def _stream(descriptor: int, binary: bool) -> IO[Any]:
    return os.fdopen(descriptor, "wb" if binary else "w", newline=None if binary else "",
                     encoding=None if binary else "utf-8")


@contextlib.contextmanager
def _in_place(target: Path, binary: bool) -> Iterator[IO[Any]]:
    # Closing flushes, so a device that refuses the last block fails the export.
    with _stream(os.open(target, os.O_WRONLY), binary) as stream:
        yield stream


@contextlib.contextmanager
def _replacing(target: Path, binary: bool) -> Iterator[IO[Any]]:
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    # Exports hold the same private data as the store: owner-only, like it.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with _stream(descriptor, binary) as stream:
            yield stream
            stream.flush()
            # A disk that is full (or a network one) may refuse the data only here.
            os.fsync(stream.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def export_runs(conn: sqlite3.Connection, filters: Filters, output_format: str,
                target: Path | None, stdout: IO[bytes]) -> int:
    """Write the runs to ``target`` (None: ``stdout``); returns how many."""
    if output_format == "parquet":
        _pyarrow()
    cursor = select_runs(conn, filters)
    binary = output_format == "parquet"
    try:
        with (_opened(target, binary) if target else _unclosed(stdout, binary)) as stream:
            if output_format == "csv":
                return write_csv(cursor, stream)
            if output_format == "jsonl":
                return write_jsonl(cursor, stream)
            return write_parquet(cursor, run_columns(conn), stream)
    except BrokenPipeError:
        raise  # the reader stopped early (| head): not a failure to report
    except OSError as error:
        raise InterstatError(
            f"cannot write {target or 'standard output'}: {error.strerror}"
        ) from error


@contextlib.contextmanager
def _unclosed(stdout: IO[bytes], binary: bool) -> Iterator[IO[Any]]:
    if binary:
        yield stdout
        stdout.flush()
        return
    text = io.TextIOWrapper(stdout, encoding="utf-8", newline="", write_through=True)
    try:
        yield text
        text.flush()
    finally:
        text.detach()
