"""Another process holds the store's write lock for 10 seconds.

Real hook processes must return quickly, keep their events in the spool and
exit 0 in silence; an analyze started meanwhile waits; once the lock goes, the
waiting analyze and two SessionStart hooks drain the spool at the same time,
and every event lands exactly once.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from interstat.store.connect import open_store
from interstat.store.paths import spool_path
from tests.corpus import corpus_dir
from tests.reliability.support import (
    PHASES,
    assert_hook_rows,
    clean_env,
    hook_event,
    interstat_exe,
    phase_events,
    plan_runs,
    query,
    store_files,
)

pytestmark = pytest.mark.slow

HOLD_SECONDS = 10
#: Takes the write lock, says so, and keeps it for SECONDS or until RELEASE appears.
HOLDER = """
import sqlite3, sys, time
from pathlib import Path
store, held, seconds = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
release = Path(sys.argv[4]) if len(sys.argv) > 4 else None
conn = sqlite3.connect(store, isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
held.touch()
deadline = time.monotonic() + seconds
while time.monotonic() < deadline and not (release and release.exists()):
    time.sleep(0.01)
conn.execute("ROLLBACK")
"""


def timed_hook(event: str, raw: bytes, store: Path, env: dict[str, str]) -> dict:
    started = time.monotonic()
    done = subprocess.run([interstat_exe(), "--db", str(store), "hook", event], input=raw,
                          capture_output=True, env=env, timeout=60, check=False)
    return {"event": event, "seconds": time.monotonic() - started, "exit": done.returncode,
            "stdout": done.stdout, "stderr": done.stderr}


def fire_phases(runs: list[dict], store: Path, env: dict[str, str]) -> list[dict]:
    """Each phase's events at once, as Claude Code runs the hooks of parallel agents."""
    outcomes = []
    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        for phase in PHASES:
            events = phase_events(phase, runs)
            outcomes += pool.map(lambda pair: timed_hook(*pair, store, env), events)
    return outcomes


def spooled_lines(store: Path) -> int:
    return sum(path.read_bytes().count(b"\n") for path in store_files(store)
               if path.name.startswith(spool_path(store).name))


def test_a_ten_second_lock_spools_every_event_then_drains_each_once(tmp_path: Path):
    store = tmp_path / "interstat" / "metrics.db"
    env = clean_env(tmp_path / "home")
    open_store(store).close()
    runs = plan_runs("locked-a", 3, "la") + plan_runs("locked-b", 3, "lb")
    held = tmp_path / "held"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(store), str(held),
                               str(HOLD_SECONDS)])
    while not held.exists():
        assert holder.poll() is None
        time.sleep(0.01)
    locked_at = time.monotonic()

    outcomes = fire_phases(runs, store, env)
    analyze_started = time.monotonic()
    analyze = subprocess.Popen(
        [interstat_exe(), "--db", str(store), "analyze", "--claude-dir",
         str(corpus_dir() / "cc-2.1.332-small")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    assert holder.poll() is None, "every hook must have met the lock"
    assert [(o["exit"], o["stdout"], o["stderr"]) for o in outcomes] == [(0, b"", b"")] * 24
    assert spooled_lines(store) == len(outcomes)
    assert query(store, "SELECT COUNT(*) FROM hook_events") == [(0,)]

    assert holder.wait(timeout=60) == 0
    start = b'{"session_id": "s-9", "hook_event_name": "SessionStart", "source": "startup"}'
    with ThreadPoolExecutor(max_workers=2) as pool:
        starts = list(pool.map(lambda _: timed_hook("SessionStart", start, store, env), (1, 2)))
    _out, err = analyze.communicate(timeout=180)
    analyze_seconds = time.monotonic() - analyze_started

    assert [(o["exit"], o["stderr"]) for o in starts] == [(0, b"")] * 2
    assert (analyze.returncode, err) == (0, b""), err
    assert analyze_seconds >= HOLD_SECONDS - (analyze_started - locked_at)
    assert query(store, "SELECT COUNT(*) FROM hook_events") == [(len(outcomes),)]
    assert_hook_rows(store, runs)
    assert [path.name for path in store_files(store) if ".spool" in path.name] == []

    seconds = sorted(o["seconds"] for o in outcomes)
    figures = {"hold_s": HOLD_SECONDS, "events": len(outcomes), "spooled": len(outcomes),
               "p50_ms": round(statistics.median(seconds) * 1000),
               "max_ms": round(seconds[-1] * 1000),
               "analyze_waited_s": round(analyze_seconds, 1)}
    print("locked figures:", json.dumps(figures))
    assert seconds[-1] < 5, figures  # the plugin's timeout for these hooks


def test_two_session_starts_drain_a_spool_left_by_a_lock(tmp_path: Path):
    """Without analyze: only two hooks race for a spool of 40 events."""
    store = tmp_path / "interstat" / "metrics.db"
    env = clean_env(tmp_path / "home")
    open_store(store).close()
    runs = plan_runs("locked-c", 10, "lc")
    held = tmp_path / "held"
    release = tmp_path / "release"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(store), str(held), "120",
                               str(release)])
    while not held.exists():
        time.sleep(0.01)
    outcomes = fire_phases(runs, store, env)
    assert holder.poll() is None, "every hook must have met the lock"
    assert spooled_lines(store) == 40
    release.touch()
    assert holder.wait(timeout=60) == 0
    start = hook_event("SessionStart", "s-9", source="startup")
    with ThreadPoolExecutor(max_workers=2) as pool:
        starts = list(pool.map(lambda _: timed_hook("SessionStart", start, store, env), (1, 2)))
    assert [(o["exit"], o["stderr"]) for o in outcomes + starts] == [(0, b"")] * 42
    assert query(store, "SELECT COUNT(*) FROM hook_events") == [(40,)]
    assert_hook_rows(store, runs)
    assert [path.name for path in store_files(store) if ".spool" in path.name] == []
