"""Many hooks at once, a hook killed mid-write, and the files' permissions."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from capture_support import (
    dispatch_event,
    hook_process,
    result_event,
    rows,
    spool_files,
    wait_for_analyze_to_end,
)

from interstat.capture import spool
from interstat.store.connect import open_store

WORKER = """
import io, sys, time
from pathlib import Path
from interstat.capture.hook import run_hook
sys.path.insert(0, sys.argv[4])
from capture_support import dispatch_event, result_event
worker, runs, store, go = sys.argv[1], int(sys.argv[2]), sys.argv[3], Path(sys.argv[5])
while not go.exists():
    time.sleep(0.005)
for number in range(runs):
    tool, agent = f"toolu_{worker}_{number}", f"a{worker}x{number}"
    for event, raw in (("PreToolUse", dispatch_event("s-1", tool)),
                       ("PostToolUse", result_event("s-1", tool, agent, "ok"))):
        sys.stdin = io.TextIOWrapper(io.BytesIO(raw))
        assert run_hook([event, "--db", store]) == 0
"""


def test_sixteen_processes_store_every_event_exactly_once(store: Path, tmp_path: Path):
    workers, runs_each = 16, 25  # 50 events per process
    open_store(store).close()
    go = tmp_path / "go"
    support = str(Path(__file__).parent)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(worker), str(runs_each), str(store), support,
             str(go)],
            stderr=subprocess.PIPE, text=True,
        )
        for worker in range(workers)
    ]
    time.sleep(1)  # let every worker import and wait for the go file
    go.touch()
    errors = [process.communicate(timeout=240)[1] for process in processes]
    assert [process.returncode for process in processes] == [0] * workers, errors
    assert errors == [""] * workers

    # Events that met a busy store wait in the spool until the next writer.
    conn = open_store(store)
    try:
        spool.drain(conn, store)
    finally:
        conn.close()
    stored = rows(store)
    assert len(stored) == workers * runs_each
    assert len(rows(store, "SELECT * FROM hook_events")) == workers * runs_each * 2
    assert all(row["status"] == "completed" and row["agent_id"] for row in stored)
    assert len({row["tool_use_id"] for row in stored}) == workers * runs_each
    assert spool_files(store) == []


def test_sixteen_real_hook_processes_at_once(store: Path):
    open_store(store).close()
    events = [dispatch_event("s-1", f"toolu_{number}") for number in range(16)]
    processes = [
        subprocess.Popen(
            [str(Path(sys.executable).with_name("interstat")), "hook", "PreToolUse",
             "--db", str(store)],
            stdin=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for _ in events
    ]
    outcomes = [process.communicate(raw, timeout=120) for process, raw in zip(processes, events)]
    assert [process.returncode for process in processes] == [0] * 16
    assert [err for _out, err in outcomes] == [b""] * 16
    conn = open_store(store)
    try:
        spool.drain(conn, store)
    finally:
        conn.close()
    assert len(rows(store)) == 16


KILLER = """
import io, os, signal, sys
from interstat.capture import writer
real_open = writer.open_store
def open_then_die_mid_write(*args, **kwargs):
    conn = real_open(*args, **kwargs)
    def trace(statement):
        # The run row is inserted; die before it is filled in and committed.
        if statement.lstrip().startswith("UPDATE agent_runs"):
            os.kill(os.getpid(), signal.SIGKILL)
    conn.set_trace_callback(trace)
    return conn
writer.open_store = open_then_die_mid_write
from interstat.capture.hook import run_hook
run_hook(["PreToolUse", "--db", sys.argv[1]])
"""


def test_a_hook_killed_mid_write_leaves_no_partial_row(store: Path):
    open_store(store).close()
    raw = dispatch_event("s-1", "toolu_1")
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, str(store)], input=raw, capture_output=True, timeout=60,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL
    assert rows(store) == []
    assert rows(store, "SELECT * FROM hook_events") == []
    conn = sqlite3.connect(store)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()

    # Nothing was recorded as applied, so the same delivery still counts.
    done = hook_process("PreToolUse", raw, store)
    assert (done.returncode, done.stderr) == (0, b"")
    assert [row["tool_use_id"] for row in rows(store)] == ["toolu_1"]


def test_folder_is_0700_and_every_file_0600(store: Path, monkeypatch):
    monkeypatch.setenv("INTERSTAT_NO_AUTO_ANALYZE", "0")
    done = hook_process("PreToolUse", dispatch_event("s-1", "toolu_1"), store)
    assert done.returncode == 0
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("SELECT COUNT(*) FROM agent_runs").fetchone()  # keeps -wal and -shm
    holder.execute("BEGIN IMMEDIATE")
    spooled = hook_process("PostToolUse", result_event("s-1", "toolu_1", "a1", "ok"), store)
    assert spooled.returncode == 0
    end = b'{"session_id": "s-1", "hook_event_name": "SessionEnd", "reason": "other"}'
    assert hook_process("SessionEnd", end, store).returncode == 0
    try:
        assert store.parent.stat().st_mode & 0o777 == 0o700
        files = sorted(store.parent.iterdir())
        names = {path.name for path in files}
        assert {"metrics.db", "metrics.db-wal", "metrics.db-shm", "metrics.db.spool",
                "analyze.log"} <= names
        for path in files:
            assert path.stat().st_mode & 0o777 == 0o600, path
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        assert wait_for_analyze_to_end(store)
