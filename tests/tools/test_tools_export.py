"""``interstat export``: every column of dispatched runs, in three formats, filtered."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest
from conftest import add_call, add_run, new_store, refresh

from interstat.export import PARQUET_HINT


def schema_columns(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[1] for row in conn.execute("PRAGMA table_info(agent_runs)")]
    finally:
        conn.close()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "metrics.db"
    conn = new_store(path)
    first = add_run(conn, "s1", agent_id="a1", agent_name="fd-quality", model="claude-opus-5",
                    started_at="2026-03-01T10:00:00.000Z", status="completed")
    add_call(conn, "r1|m1", "s1", "agent:a1", input_tokens=10, output_tokens=5,
             cache_read=1000, cache_creation=200)
    add_call(conn, "r2|m2", "s1", "agent:a1", input_tokens=20, output_tokens=7,
             cache_read=3000, cache_creation=0)
    refresh(conn, first)
    add_run(conn, "s2", tool_use_id="toolu_1", agent_name="Explore",
            started_at="2026-03-02T10:00:00.000Z", description="look around, \"carefully\"")
    add_run(conn, "s2", agent_id="acompact-1", kind="internal",
            started_at="2026-03-02T11:00:00.000Z")
    conn.close()
    return path


def test_csv_has_every_column_and_only_dispatched_runs(store: Path, run_cli) -> None:
    result = run_cli("--db", str(store), "export")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == schema_columns(store)
    assert [row["agent_name"] for row in rows] == ["fd-quality", "Explore"]
    first, second = rows
    # Two calls: 10+5+1000+200 and 20+7+3000+0 tokens; peak context 3020.
    assert first["total_tokens"] == "4242"
    assert first["peak_context_tokens"] == "3020"
    assert first["api_calls"] == "2"
    assert second["description"] == 'look around, "carefully"'
    assert second["total_tokens"] == ""


def test_jsonl_keeps_types_and_nulls(store: Path, run_cli) -> None:
    result = run_cli("--db", str(store), "export", "--format", "jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 2
    assert records[0]["input_tokens"] == 30
    assert records[0]["cache_hit_tokens"] == 4000
    assert records[1]["agent_id"] is None
    assert records[1]["tool_use_id"] == "toolu_1"


def test_filters_apply(store: Path, run_cli) -> None:
    result = run_cli("--db", str(store), "export", "--format", "jsonl", "--agent", "fd-*")
    assert [json.loads(line)["agent_id"] for line in result.stdout.splitlines()] == ["a1"]
    result = run_cli("--db", str(store), "export", "--format", "jsonl",
                     "--since", "2026-03-02", "--utc")
    assert [json.loads(line)["tool_use_id"] for line in result.stdout.splitlines()] == ["toolu_1"]


def test_output_file_is_private_and_format_follows_suffix(store: Path, tmp_path: Path,
                                                          run_cli) -> None:
    target = tmp_path / "out" / "runs.jsonl"
    target.parent.mkdir()
    result = run_cli("--db", str(store), "export", "--output", str(target))
    assert "Wrote 2 runs" in result.stderr
    assert json.loads(target.read_text().splitlines()[0])["agent_id"] == "a1"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["runs.jsonl"]


def test_an_unknown_suffix_is_refused_unless_format_is_given(store: Path, tmp_path: Path,
                                                              run_cli) -> None:
    target = tmp_path / "runs.xlsx"
    result = run_cli("--db", str(store), "export", "--output", str(target), code=2)
    assert "Invalid value for '--output': export writes no .xlsx files" in result.stderr
    assert ".csv, .jsonl, .ndjson, .parquet or .pq, or give --format" in result.stderr
    assert not target.exists()
    run_cli("--db", str(store), "export", "--output", str(target), "--format", "csv")
    assert target.read_text().startswith("run_id,")
    # No suffix at all: CSV, as the help says.
    run_cli("--db", str(store), "export", "--output", str(tmp_path / "runs"))
    assert (tmp_path / "runs").read_text().startswith("run_id,")


def test_parquet_round_trips(store: Path, tmp_path: Path, run_cli) -> None:
    parquet = pytest.importorskip("pyarrow.parquet", reason="install the 'parquet' extra")
    target = tmp_path / "runs.parquet"
    run_cli("--db", str(store), "export", "--output", str(target))
    table = parquet.read_table(target)
    assert table.column_names == schema_columns(store)
    assert str(table.schema.field("total_tokens").type) == "int64"
    assert table.column("total_tokens").to_pylist() == [4242, None]
    assert table.column("agent_name").to_pylist() == ["fd-quality", "Explore"]


def test_parquet_without_pyarrow_says_what_to_install(store: Path, tmp_path: Path, run_cli,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry makes "import pyarrow" raise ImportError, as when it is not installed.
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    target = tmp_path / "runs.parquet"
    result = run_cli("--db", str(store), "export", "--output", str(target), code=1)
    assert result.stderr == f"Error: {PARQUET_HINT}\n"
    # The PyPI project called interstat is another one: never send users there.
    assert "pip install" not in PARQUET_HINT
    assert "uv tool install --compile-bytecode '.[parquet]'" in PARQUET_HINT
    assert "uv sync --extra parquet" in PARQUET_HINT
    assert not target.exists()
    assert list(tmp_path.glob("*.partial")) == []


def test_export_without_a_store_says_so(tmp_path: Path, run_cli) -> None:
    result = run_cli("--db", str(tmp_path / "none.db"), "export", code=1)
    assert result.stderr.startswith("Error: no store at")
    assert not (tmp_path / "none.db").exists()


def test_a_full_device_fails_the_export_in_one_line(store: Path, full_device: Path,
                                                    run_cli) -> None:
    result = run_cli("--db", str(store), "export", "-o", str(full_device), code=1)
    assert result.stderr == f"Error: cannot write {full_device}: {os.strerror(errno.ENOSPC)}\n"
    assert stat.S_ISCHR(full_device.stat().st_mode)


def test_a_fifo_is_written_through_not_replaced(store: Path, tmp_path: Path, run_cli) -> None:
    fifo = tmp_path / "pipes" / "runs.csv"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    # Opened without waiting for a writer; two runs fit in the pipe's buffer.
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        result = run_cli("--db", str(store), "export", "-o", str(fifo))
        received = os.read(reader, 1 << 20).decode()
    finally:
        os.close(reader)
    rows = list(csv.DictReader(io.StringIO(received)))
    assert [row["agent_name"] for row in rows] == ["fd-quality", "Explore"]
    assert f"Wrote {len(rows)} runs to {fifo}" in result.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert [path.name for path in fifo.parent.iterdir()] == ["runs.csv"]


def test_a_link_stays_a_link_to_the_new_export(store: Path, tmp_path: Path, run_cli) -> None:
    real = tmp_path / "exports" / "runs.csv"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "latest.csv"
    link.symlink_to(real)
    run_cli("--db", str(store), "export", "-o", str(link))
    assert link.is_symlink() and link.resolve() == real
    assert real.read_text().startswith("run_id,")
