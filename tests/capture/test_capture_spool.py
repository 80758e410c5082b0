"""A locked or unwritable store sends events to the spool; draining applies each once."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from capture_support import (
    dispatch_event,
    hook_process,
    result_event,
    rows,
    spool_files,
)

from interstat.capture import spool, writer
from interstat.store.connect import open_store
from interstat.store.paths import spool_path


@pytest.fixture
def locked(store: Path, monkeypatch: pytest.MonkeyPatch):
    """A migrated store that another connection holds the write lock on.

    In-process hooks give up after 5 ms instead of 300 to keep the tests quick.
    """
    monkeypatch.setattr(writer, "BUSY_TIMEOUT_MS", 5)
    open_store(store).close()
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield holder
    if holder.in_transaction:
        holder.execute("ROLLBACK")
    holder.close()


def release(holder: sqlite3.Connection) -> None:
    holder.execute("ROLLBACK")


def test_locked_store_spools_quickly_and_the_next_hook_drains(store: Path, locked):
    prompt = "secret prompt text that must never reach the disk"
    started = time.monotonic()
    done = hook_process("PreToolUse", dispatch_event("s-1", "toolu_1", prompt), store)
    elapsed = time.monotonic() - started
    assert (done.returncode, done.stderr, done.stdout) == (0, b"", b"")
    assert elapsed < 3  # 300 ms of waiting, plus starting Python on a busy machine
    (spooled,) = spool_files(store)
    assert spooled.stat().st_mode & 0o777 == 0o600
    content = spooled.read_text()
    assert content.count("\n") == 1 and prompt not in content

    release(locked)
    done = hook_process("PostToolUse", result_event("s-1", "toolu_1", "a1", "done"), store)
    assert (done.returncode, done.stderr) == (0, b"")
    (row,) = rows(store)
    assert (row["tool_use_id"], row["agent_id"], row["status"]) == ("toolu_1", "a1", "completed")
    assert row["prompt_length"] == len(prompt)
    assert len(rows(store, "SELECT * FROM hook_events")) == 2
    assert spool_files(store) == []


def test_the_same_event_spooled_twice_is_applied_once(hook, store: Path, locked):
    raw = dispatch_event("s-1", "toolu_1")
    assert hook("PreToolUse", raw) == []
    assert hook("PreToolUse", raw) == []
    assert spool_path(store).read_text().count("\n") == 2
    release(locked)
    conn = open_store(store)
    try:
        assert spool.drain(conn, store) == 1
        assert spool.drain(conn, store) == 0
    finally:
        conn.close()
    assert len(rows(store)) == 1
    assert len(rows(store, "SELECT * FROM hook_events")) == 1
    assert spool_files(store) == []


def test_session_start_drains_the_spool(hook, store: Path, locked):
    hook("PreToolUse", dispatch_event("s-1", "toolu_1"))
    release(locked)
    start = b'{"session_id": "s-2", "hook_event_name": "SessionStart", "source": "startup"}'
    assert hook("SessionStart", start) == []
    assert [row["tool_use_id"] for row in rows(store)] == ["toolu_1"]
    assert spool_files(store) == []


DRAINER = """
import sys, time
from pathlib import Path
from interstat.capture import spool, writer
from interstat.store.connect import open_store
store, go = Path(sys.argv[1]), Path(sys.argv[2])
while not go.exists():
    time.sleep(0.005)
conn = open_store(store)
print(spool.drain(conn, store))
conn.close()
"""


def test_two_drainers_at_once_apply_each_event_exactly_once(hook, store: Path, locked, tmp_path):
    events = 40
    for number in range(events):
        hook("PreToolUse", dispatch_event("s-1", f"toolu_{number}"))
    release(locked)
    go = tmp_path / "go"
    drainers = [
        subprocess.Popen([sys.executable, "-c", DRAINER, str(store), str(go)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    time.sleep(0.5)  # both are waiting for the go file
    go.touch()
    outputs = [drainer.communicate(timeout=60) for drainer in drainers]
    assert [drainer.returncode for drainer in drainers] == [0, 0], outputs
    assert sum(int(out) for out, _err in outputs) == events
    assert len(rows(store)) == events
    assert len(rows(store, "SELECT * FROM hook_events")) == events
    assert spool_files(store) == []


def test_a_file_left_by_a_dead_drainer_is_drained(hook, store: Path, locked):
    hook("PreToolUse", dispatch_event("s-1", "toolu_1"))
    # A drainer claimed the spool, then died before its commit.
    claimed = spool_path(store).with_name(spool_path(store).name + ".4242.1.draining")
    spool_path(store).rename(claimed)
    release(locked)
    assert hook("PreToolUse", dispatch_event("s-1", "toolu_2")) == []
    assert sorted(row["tool_use_id"] for row in rows(store)) == ["toolu_1", "toolu_2"]
    assert spool_files(store) == []


def test_a_damaged_spool_line_is_skipped_with_one_warning(hook, store: Path, locked):
    hook("PreToolUse", dispatch_event("s-1", "toolu_1"))
    with open(spool_path(store), "a") as spooled:
        spooled.write('{"event": "PreToolUse", "key": \n')  # cut short by a crash
    release(locked)
    warnings = hook("PreToolUse", dispatch_event("s-1", "toolu_2"))
    assert len(warnings) == 1 and "damaged line" in warnings[0]
    assert len(rows(store)) == 2
    assert spool_files(store) == []


def test_a_full_spool_loses_the_event_with_one_warning(
    hook, store: Path, locked, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(spool, "SPOOL_LIMIT_BYTES", 10)
    warnings = hook("PreToolUse", dispatch_event("s-1", "toolu_1"))
    assert len(warnings) == 1 and "event lost" in warnings[0]
    assert not spool_path(store).exists() or spool_path(store).stat().st_size == 0


def test_a_store_that_cannot_be_opened_spools_with_one_warning(tmp_path: Path):
    store = tmp_path / "metrics.db"
    store.mkdir()  # a folder where the database file should be
    done = hook_process("PreToolUse", dispatch_event("s-1", "toolu_1"), store)
    lines = done.stderr.decode().splitlines()
    assert done.returncode == 0 and len(lines) == 1 and lines[0].startswith("interstat: ")
    assert spool_path(store).read_text().count("\n") == 1


def test_no_writable_place_at_all_warns_once_and_exits_0(tmp_path: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    store = blocker / "interstat" / "metrics.db"
    done = hook_process("PreToolUse", dispatch_event("s-1", "toolu_1"), store)
    lines = done.stderr.decode().splitlines()
    assert done.returncode == 0 and len(lines) == 1 and "event lost" in lines[0]
    assert blocker.read_text() == ""
