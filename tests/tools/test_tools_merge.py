"""``interstat merge``: pooling stores without duplicates, idempotent, refusing bad files."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from conftest import add_call, add_run, checksum, dump, new_store, refresh, run_row

from interstat.merge import RUN_COLUMNS


@pytest.fixture
def ours(tmp_path: Path) -> Path:
    path = tmp_path / "ours.db"
    conn = new_store(path)
    first = add_run(conn, "s1", agent_id="a1", agent_name="fd-quality", status="running")
    add_call(conn, "r1|m1", "s1", "agent:a1", input_tokens=10, output_tokens=5)
    refresh(conn, first)
    add_run(conn, "s1", tool_use_id="t2", agent_name="fd-architecture",
            started_at="2026-03-01T10:00:00.000Z")
    conn.close()
    return path


@pytest.fixture
def theirs(tmp_path: Path) -> Path:
    folder = tmp_path / "laptop"
    folder.mkdir()
    path = folder / "metrics.db"
    conn = new_store(path)
    first = add_run(conn, "s1", agent_id="a1", agent_name="fd-quality", status="completed",
                    description="review the diff")
    # The same call as ours, read later with its final output count, plus one more.
    add_call(conn, "r1|m1", "s1", "agent:a1", input_tokens=10, output_tokens=50)
    add_call(conn, "r3|m3", "s1", "agent:a1", input_tokens=100, cache_read=1000)
    refresh(conn, first)
    second = add_run(conn, "s1", agent_id="a2", tool_use_id="t2",
                     ended_at="2026-03-01T10:05:00.000Z")
    add_call(conn, "r4|m4", "s1", "agent:a2", input_tokens=7, output_tokens=3)
    refresh(conn, second)
    third = add_run(conn, "s2", agent_id="a9", agent_name="Explore", status="completed")
    add_call(conn, "r5|m5", "s2", "agent:a9", input_tokens=1, output_tokens=1)
    refresh(conn, third)
    add_run(conn, "s3", agent_name="old-inline", started_at="2025-01-01T00:00:00.000Z")
    conn.close()
    return path


def test_run_columns_cover_the_schema(ours: Path) -> None:
    conn = sqlite3.connect(ours)
    columns = [row[1] for row in conn.execute("PRAGMA table_info(agent_runs)")]
    conn.close()
    assert ["run_id", *RUN_COLUMNS] == columns


def test_merge_adds_new_runs_and_completes_known_ones(ours: Path, theirs: Path,
                                                      run_cli) -> None:
    result = run_cli("--db", str(ours), "merge", str(theirs), "--format", "json")
    counts = json.loads(result.stdout)["merged"][0]
    assert counts == {"source": str(theirs), "runs_added": 2, "runs_updated": 2,
                      "calls_added": 3, "calls_updated": 1}

    first = run_row(ours, session_id="s1", agent_id="a1")
    assert first["status"] == "completed"
    assert first["description"] == "review the diff"
    # r1|m1 keeps the larger copy (10 + 50), r3|m3 adds 100 + 1000.
    assert first["api_calls"] == 2
    assert first["total_tokens"] == 60 + 1100
    assert first["peak_context_tokens"] == 1100

    linked = run_row(ours, session_id="s1", tool_use_id="t2")
    assert linked["agent_id"] == "a2"
    assert linked["agent_name"] == "fd-architecture"
    assert linked["ended_at"] == "2026-03-01T10:05:00.000Z"
    assert linked["total_tokens"] == 10

    assert run_row(ours, session_id="s2")["total_tokens"] == 2
    assert run_row(ours, session_id="s3")["agent_name"] == "old-inline"
    assert len(dump(ours)["agent_runs"]) == 4


def test_merging_twice_changes_nothing(ours: Path, theirs: Path, run_cli) -> None:
    run_cli("--db", str(ours), "merge", str(theirs))
    after_first = dump(ours)
    result = run_cli("--db", str(ours), "merge", str(theirs), str(theirs))
    assert result.stdout.count("0 runs added, 0 updated; 0 API calls added, 0 updated.") == 2
    assert dump(ours) == after_first


def test_merge_into_a_new_store_copies_everything(tmp_path: Path, theirs: Path,
                                                  run_cli) -> None:
    pooled = tmp_path / "pooled.db"
    run_cli("--db", str(pooled), "merge", str(theirs))
    assert dump(pooled)["api_calls"] == dump(theirs)["api_calls"]
    assert dump(pooled)["agent_runs"] == dump(theirs)["agent_runs"]
    assert stat.S_IMODE(pooled.stat().st_mode) == 0o600


def test_the_other_store_is_left_untouched(ours: Path, theirs: Path, run_cli) -> None:
    before = checksum(theirs)
    files = sorted(os.listdir(theirs.parent))
    run_cli("--db", str(ours), "merge", str(theirs))
    assert checksum(theirs) == before
    assert sorted(os.listdir(theirs.parent)) == files


def test_merging_the_store_into_itself_is_refused(ours: Path, run_cli) -> None:
    before = dump(ours)
    result = run_cli("--db", str(ours), "merge", str(ours), code=1)
    assert result.stderr == f"Error: {ours} is the store itself; name other stores to merge\n"
    assert dump(ours) == before


def test_one_bad_file_stops_the_whole_merge(ours: Path, theirs: Path, tmp_path: Path,
                                            run_cli) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite at all" * 100)
    before, junk_sum = dump(ours), checksum(junk)
    result = run_cli("--db", str(ours), "merge", str(theirs), str(junk), code=1)
    assert result.stderr == (
        f"Error: {junk} is not a SQLite database; nothing was merged\n")
    assert dump(ours) == before
    assert checksum(junk) == junk_sum


def test_a_missing_file_is_named(ours: Path, tmp_path: Path, run_cli) -> None:
    result = run_cli("--db", str(ours), "merge", str(tmp_path / "gone.db"), code=1)
    assert result.stderr == f"Error: {tmp_path / 'gone.db'} does not exist; nothing was merged\n"


def test_wal_content_of_the_other_store_is_merged(ours: Path, tmp_path: Path,
                                                  run_cli) -> None:
    # A store copied while its last writes are still in the -wal file.
    source = tmp_path / "live.db"
    conn = new_store(source)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    add_run(conn, "s7", agent_id="a7", agent_name="late")
    copy_folder = tmp_path / "copied"
    copy_folder.mkdir()
    for name in ("live.db", "live.db-wal"):
        shutil.copyfile(tmp_path / name, copy_folder / name)
    conn.close()
    run_cli("--db", str(ours), "merge", str(copy_folder / "live.db"))
    assert run_row(ours, session_id="s7")["agent_name"] == "late"
