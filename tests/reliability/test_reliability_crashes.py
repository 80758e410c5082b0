"""Crashes: analyze SIGKILLed at 20 seeded moments; its workers end with it; a hook dies
mid-drain.

After each kill the store passes ``PRAGMA integrity_check``, every run's token
columns still equal the sums of its stored calls (the two are written in one
transaction), and the next analyze ends with exactly the generator's runs and
calls: no run counted twice, no file skipped.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks import corpus
from interstat.analyze import run_analyze
from interstat.capture import spool
from interstat.plugins import load_plugins
from interstat.store.connect import open_store
from interstat.store.paths import spool_path
from tests.reliability.support import (
    REPO,
    assert_tree_matches,
    clean_env,
    dispatch,
    integrity,
    interstat_exe,
    query,
    run_interstat,
)

pytestmark = pytest.mark.slow

KILLS = 20
MOVES_EARLIER = 4  # how often a kill that came too late is moved earlier
SEED = 20260
TREES = 3  # three tiny trees: 180 files, about 10 MB

#: Analyze committing every 5 facts instead of 5000, so that kills also land
#: between the commits inside one file (whose read position is saved only at
#: its end). A runner that saved a file's position early fails this test.
SMALL_COMMITS = """
import sys
import interstat.analyze.runner as runner
runner.FACTS_PER_COMMIT = int(sys.argv.pop(1))
from interstat.entry import main
main()
"""


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    roots = []
    for seed in range(TREES):
        root = tmp_path_factory.mktemp(f"crash-tree-{seed}")
        corpus.generate(root, "tiny", seed=100 + seed)
        roots.append(root)
    return roots


def analyze_command(store: Path, trees: list[Path], small_commits: bool) -> list[str]:
    dirs = [argument for tree in trees for argument in ("--claude-dir", str(tree))]
    start = [sys.executable, "-c", SMALL_COMMITS, "5"] if small_commits else [interstat_exe()]
    return [*start, "-v", "--db", str(store), "analyze", *dirs]


def kill_at(command: list[str], env: dict[str, str], files_first: int, delay: float) -> dict:
    """Start analyze; SIGKILL it ``delay`` s after it starts reading file ``files_first``
    (-1: ``delay`` s after it started). Returns what happened."""
    victim = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env=env, cwd=REPO)
    started = time.monotonic()
    reading = 0
    if files_first >= 0:
        for line in victim.stderr:
            if b" from byte " in line:
                reading += 1
                if reading > files_first:
                    break
    time.sleep(delay)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=60)
    victim.stderr.close()
    return {"exit": victim.returncode, "files_started": reading,
            "after_s": round(time.monotonic() - started, 3)}


def totals_match_calls(store: Path) -> list[tuple]:
    """Runs whose token columns differ from the sums of their stored calls."""
    return query(store, """
        SELECT r.run_id, r.total_tokens, SUM(c.total_tokens), r.api_calls, COUNT(c.call_key)
        FROM agent_runs r JOIN api_calls c ON c.session_id = r.session_id
            AND c.owner = 'agent:' || r.agent_id AND c.synthetic = 0
        WHERE r.tokens_source = 'transcript'
        GROUP BY r.run_id
        HAVING r.total_tokens != SUM(c.total_tokens) OR r.api_calls != COUNT(c.call_key)
    """)


def analyze_to_the_end(store: Path, trees: list[Path], host) -> None:
    """The next analyze, as the command runs it (drain, then read), in this process."""
    conn = open_store(store)
    try:
        spool.drain(conn, store)
        summary = run_analyze(conn, trees, host=host)
    finally:
        conn.close()
    assert summary.problems == []


def test_analyze_killed_at_twenty_random_moments(tmp_path: Path, trees: list[Path]):
    env = clean_env(tmp_path / "home")
    files = sum(len(list((tree / "projects").rglob("*.jsonl"))) for tree in trees)
    chooser = random.Random(SEED)
    host = load_plugins()
    kills = []
    for trial in range(KILLS):
        store = tmp_path / f"trial-{trial}" / "metrics.db"
        # One kill in five lands during start-up: opening, creating or migrating the store.
        early = chooser.random() < 0.2
        files_first = -1 if early else chooser.randrange(files - 10)
        delay = chooser.uniform(0, 0.35) if early else chooser.uniform(0, 0.05)
        small_commits = trial % 2 == 1
        command = analyze_command(store, trees, small_commits)
        kill = kill_at(command, env, files_first, delay)
        # A fast machine can finish the last files before a late kill lands: try that
        # trial again earlier (a finished analyze is thrown away with its store).
        for _ in range(MOVES_EARLIER):
            if kill["exit"] == -signal.SIGKILL:
                break
            for leftover in store.parent.glob("metrics.db*"):
                leftover.unlink()
            files_first, delay = files_first // 2, delay / 2
            kill = kill_at(command, env, files_first, delay)
        assert kill["exit"] == -signal.SIGKILL, f"trial {trial} ended before its kill"
        kills.append({"trial": trial, "small_commits": small_commits, **kill})

        if store.exists():
            assert integrity(store) == "ok", trial
            assert totals_match_calls(store) == [], trial
        analyze_to_the_end(store, trees, host)
        assert integrity(store) == "ok", trial
        for tree in trees:
            assert_tree_matches(store, tree)
    print("crash figures:", json.dumps({
        "kills": len(kills), "files": files,
        "in_start_up": sum(kill["files_started"] == 0 for kill in kills),
        "files_started_at_kill": sorted(kill["files_started"] for kill in kills),
    }))


DIE_MID_DRAIN = """
import os, signal, sys
from interstat.capture import writer
real_open = writer.open_store
replayed = 0
def open_then_die_mid_drain(*args, **kwargs):
    conn = real_open(*args, **kwargs)
    def trace(statement):
        global replayed
        if statement.lstrip().startswith("INSERT OR IGNORE INTO hook_events"):
            replayed += 1
            if replayed == int(sys.argv[2]):
                os.kill(os.getpid(), signal.SIGKILL)
    conn.set_trace_callback(trace)
    return conn
writer.open_store = open_then_die_mid_drain
from interstat.capture.hook import run_hook
run_hook(["PreToolUse", "--db", sys.argv[1]])
"""


def test_a_hook_killed_while_draining_the_spool_loses_and_repeats_nothing(tmp_path: Path):
    store = tmp_path / "interstat" / "metrics.db"
    env = clean_env(tmp_path / "home")
    open_store(store).close()
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    for number in range(10):
        done = run_interstat(["--db", str(store), "hook", "PreToolUse"], env,
                             stdin=dispatch("s-1", f"toolu_{number}"))
        assert (done.returncode, done.stderr) == (0, b"")
    holder.execute("ROLLBACK")
    holder.close()
    assert spool_path(store).read_text().count("\n") == 10

    # The drainer dies after replaying 6 of the 10 spooled events, before its commit.
    killed = subprocess.run(
        [sys.executable, "-c", DIE_MID_DRAIN, str(store), "6"],
        input=dispatch("s-1", "toolu_10"), capture_output=True, env=env, timeout=60,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL
    assert integrity(store) == "ok"
    assert query(store, "SELECT COUNT(*) FROM agent_runs") == [(0,)]
    assert [path.name.endswith(".draining") for path in store.parent.glob("*.spool*")] == [True]

    done = run_interstat(["--db", str(store), "hook", "PreToolUse"], env,
                         stdin=dispatch("s-1", "toolu_11"))
    assert (done.returncode, done.stderr) == (0, b"")
    ids = [row[0] for row in query(store, "SELECT tool_use_id FROM agent_runs")]
    assert sorted(ids) == sorted(f"toolu_{n}" for n in (*range(10), 11))
    assert query(store, "SELECT COUNT(*) FROM hook_events") == [(11,)]
    assert list(store.parent.glob("*.spool*")) == []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork only on Linux")
@pytest.mark.parametrize("ending", [signal.SIGKILL, signal.SIGTERM])
def test_workers_end_with_a_killed_analyze(tmp_path: Path, trees: list[Path], ending):
    env = clean_env(tmp_path / "home", INTERSTAT_WORKERS="2")
    victim = subprocess.Popen(analyze_command(tmp_path / "metrics.db", trees, False),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        for line in victim.stderr:
            if b" from byte " in line:
                break
        # Stopped, it can neither finish nor end its workers itself.
        victim.send_signal(signal.SIGSTOP)
        children = Path(f"/proc/{victim.pid}/task/{victim.pid}/children").read_text().split()
        workers = [int(pid) for pid in children]
        assert len(workers) == 2
        victim.send_signal(ending)
        victim.send_signal(signal.SIGCONT)
        assert victim.wait(timeout=30) == -ending
        deadline = time.monotonic() + 10
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [pid for pid in workers if _alive(pid)] == []
    finally:
        victim.kill()
        victim.wait()
        victim.stderr.close()


#: Analyze whose terminal sends Ctrl-C (SIGINT to the whole process group,
#: workers included) when the main process has applied its 40th file.
CTRL_C_AT_FILE_40 = """
import contextlib, os, signal
import interstat.cli.commands.analyze as command
applied = 0
def count(_found):
    global applied
    applied += 1
    if applied == 40:
        os.killpg(os.getpgid(0), signal.SIGINT)
@contextlib.contextmanager
def progress(_show):
    yield count
command._progress = progress
from interstat.entry import main
main()
"""


def test_ctrl_c_says_what_was_kept_and_the_next_analyze_finishes(tmp_path: Path, trees):
    store = tmp_path / "metrics.db"
    dirs = [argument for tree in trees for argument in ("--claude-dir", str(tree))]
    interrupted = subprocess.run(
        [sys.executable, "-c", CTRL_C_AT_FILE_40, "--db", str(store), "analyze", *dirs],
        capture_output=True, env=clean_env(tmp_path / "home", INTERSTAT_WORKERS="2"),
        start_new_session=True, timeout=120, check=False,
    )
    assert interrupted.returncode == 130
    assert interrupted.stderr.decode().splitlines() == [
        "Error: interrupted; the files read so far are saved: run analyze again to read the rest"
    ]
    assert integrity(store) == "ok"
    assert totals_match_calls(store) == []
    analyze_to_the_end(store, trees, load_plugins())
    for tree in trees:
        assert_tree_matches(store, tree)


#: Ctrl-C while the CLI's modules load, before any command has begun.
CTRL_C_WHILE_LOADING = """
import os, signal, sys

class CtrlCOnLoad:
    def find_spec(self, name, path=None, target=None):
        if name == "interstat.cli":
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, CtrlCOnLoad())
from interstat.entry import main
main()
"""


def test_ctrl_c_while_loading_is_one_line(tmp_path: Path, trees):
    interrupted = subprocess.run(
        [sys.executable, "-c", CTRL_C_WHILE_LOADING, "--db", str(tmp_path / "m.db"),
         "analyze", "--claude-dir", str(trees[0])],
        capture_output=True, env=clean_env(tmp_path / "home"), timeout=60, check=False,
    )
    assert (interrupted.returncode, interrupted.stderr) == (130, b"Error: interrupted\n")
    assert not (tmp_path / "m.db").exists()
