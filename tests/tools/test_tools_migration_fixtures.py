"""Stores written by every schema version so far open with the current code, rows intact."""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from conftest import table_rows

from interstat.store import migrations
from interstat.store.connect import open_store
from interstat.store_check import snapshot

TESTS = Path(__file__).resolve().parents[1]
FIXTURES = sorted((TESTS / "data" / "stores").glob("schema-*.db"))
TABLES = ("agent_runs", "api_calls", "transcript_files", "hook_events", "schema_migrations")
#: Tables a later migration added, and the schema version that has them.
LATER_TABLES = {"purged_runs": 7}


def _builder():
    spec = importlib.util.spec_from_file_location("make_store_fixtures",
                                                  TESTS / "make_store_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rows_by_column(path: Path, table: str) -> list[dict[str, object]]:
    """Rows as dicts, read from a copy: a committed fixture is never opened in place."""
    with tempfile.TemporaryDirectory() as folder:
        conn = sqlite3.connect(snapshot(path, Path(folder)))
        conn.row_factory = sqlite3.Row
        try:
            rows = [dict(row) for row in conn.execute(f"SELECT * FROM {table}")]
        finally:
            conn.close()
    return sorted(rows, key=repr)


def schema_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def test_there_is_a_fixture_for_the_current_schema() -> None:
    current = TESTS / "data" / "stores" / f"schema-{len(migrations.MIGRATIONS)}.db"
    assert current.exists(), (
        f"no {current.name}: a migration was added; run "
        "'uv run python tests/make_store_fixtures.py' and commit the file")


@pytest.mark.parametrize("fixture", FIXTURES, ids=[path.name for path in FIXTURES])
def test_upgrading_a_fixture_keeps_every_row(fixture: Path, tmp_path: Path) -> None:
    copy = tmp_path / "metrics.db"
    shutil.copyfile(fixture, copy)
    before = {table: rows_by_column(copy, table) for table in TABLES}
    assert before["agent_runs"] and before["api_calls"]
    version = int(fixture.stem.removeprefix("schema-"))
    assert schema_version(copy) == version
    for table, since in LATER_TABLES.items():
        if version >= since:
            before[table] = rows_by_column(copy, table)
            assert before[table], table

    open_store(copy).close()

    for table, rows in before.items():
        after = rows_by_column(copy, table)
        kept = [{column: row[column] for column in rows[0]} for row in after] if rows else []
        if table == "schema_migrations":
            assert set(map(repr, rows)) <= set(map(repr, kept))
        else:
            assert kept == rows, table
    assert schema_version(copy) == len(migrations.MIGRATIONS)


def test_the_builder_still_writes_the_current_fixture(tmp_path: Path) -> None:
    builder = _builder()
    built = builder.build(tmp_path / "built.db")
    committed = builder.fixture_path()
    for table in ("agent_runs", "api_calls", "transcript_files", "hook_events", *LATER_TABLES):
        assert table_rows(built, table) == table_rows(committed, table), table


def test_the_fixture_holds_what_the_builder_says() -> None:
    # The first run's two calls: (10 + 200 + 40000 + 3000) + (5 + 9 + 43000 + 500)
    # tokens, the larger context 5 + 43000 + 500; the synthetic-only run failed.
    rows = {(row["session_id"], row["agent_id"] or row["tool_use_id"]): row
            for row in rows_by_column(_builder().fixture_path(), "agent_runs")}
    assert rows[("s1", "a1")]["total_tokens"] == 86724
    assert rows[("s1", "a1")]["peak_context_tokens"] == 43505
    assert rows[("s1", "a1")]["wall_clock_ms"] == 120_000
    assert rows[("s1", "a3")]["status"] == "failed"
    assert rows[("s2", "toolu_9")]["total_tokens"] == 3 + 30 + 9000 + 100
    assert len(rows) == 5
