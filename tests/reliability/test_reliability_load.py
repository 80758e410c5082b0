"""Load: 16 sessions dispatching parallel sub-agents at once while analyze runs.

Every event must be stored exactly once, no hook may fail, print anything or
take longer than the plugin's hook timeout, and events that met a busy store
must come back out of the spool exactly once. Analyze runs again and again
during the load over a generated tree that grows between passes, and must end
with exactly the generator's runs. The figures are printed (``pytest -rP``)
and written down in docs/reliability.md.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from benchmarks import corpus
from interstat.capture import spool
from interstat.store.connect import open_store
from tests.reliability.support import (
    REPO,
    assert_hook_rows,
    assert_tree_matches,
    clean_env,
    interstat_exe,
    plan_runs,
    query,
    store_files,
)

pytestmark = pytest.mark.slow

WORKERS = 16


def hook_timeout_seconds(event: str) -> float:
    """The timeout the plugin gives its hook for ``event`` (Claude Code kills it after)."""
    groups = json.loads((REPO / "plugin" / "hooks" / "hooks.json").read_text())["hooks"][event]
    return min(hook["timeout"] for group in groups for hook in group["hooks"])


@pytest.fixture(scope="module")
def tiny_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tiny-tree")
    corpus.generate(root, "tiny", seed=11)
    return root


class AnalyzeLoop(threading.Thread):
    """``interstat analyze`` over and over until stopped; the tree grows between passes.

    Each growth is followed by a pass, so the last pass has read everything.
    """

    def __init__(self, store: Path, tree: Path, env: dict[str, str]):
        super().__init__(daemon=True)
        self.store, self.tree, self.env = store, tree, env
        self.stop = threading.Event()
        self.passes: list[dict] = []

    def run(self) -> None:
        round_no = 0
        while True:
            started = time.monotonic()
            done = subprocess.run(
                [interstat_exe(), "--db", str(self.store), "analyze", "--claude-dir",
                 str(self.tree)], capture_output=True, env=self.env, text=True, timeout=300,
                check=False,
            )
            self.passes.append({"start": started, "end": time.monotonic(),
                                "exit": done.returncode, "stderr": done.stderr})
            if self.stop.is_set() or done.returncode != 0:
                return
            round_no += 1
            corpus.append_lines(self.tree, percent=20, round_no=round_no, share=0.25)

    def during(self, moment: float) -> bool:
        return any(one["start"] <= moment <= one["end"] for one in self.passes)


def start_workers(store: Path, go: Path, runs: int, batch: int, mode: str,
                  env: dict[str, str]) -> list[subprocess.Popen]:
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.hook_load", str(worker), str(runs),
             str(batch), str(store), str(go), mode],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for worker in range(WORKERS)
    ]
    deadline = time.monotonic() + 120
    while len(list(go.parent.glob(go.name + ".ready-*"))) < WORKERS:
        assert time.monotonic() < deadline, "the load workers did not start"
        assert all(worker.poll() is None for worker in workers)
        time.sleep(0.05)
    return workers


def collect(workers: list[subprocess.Popen]) -> list[dict]:
    outcomes = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert (worker.returncode, err) == (0, ""), err
        outcomes += [json.loads(line) for line in out.splitlines()]
    return outcomes


def figures_of(outcomes: list[dict], analyze: AnalyzeLoop, began: float) -> dict:
    seconds = sorted(outcome["seconds"] for outcome in outcomes)
    return {
        "processes": WORKERS, "events": len(outcomes),
        "p50_ms": round(statistics.median(seconds) * 1000),
        "p99_ms": round(statistics.quantiles(seconds, n=100)[98] * 1000),
        "max_ms": round(seconds[-1] * 1000),
        "cpu_p50_ms": round(statistics.median(o["cpu"] for o in outcomes) * 1000),
        "during_analyze": sum(analyze.during(o["start"]) for o in outcomes),
        "analyze_passes": len(analyze.passes),
        "load_s": round(max(o["start"] + o["seconds"] for o in outcomes) - began, 1),
    }


def run_load(tmp_path: Path, tiny_tree: Path, runs: int, batch: int, mode: str) -> dict:
    """Fire the load during analyze passes; check everything; return the figures."""
    tree = tmp_path / "tree"
    shutil.copytree(tiny_tree, tree)
    store = tmp_path / "interstat" / "metrics.db"
    env = clean_env(tmp_path / "home")
    open_store(store).close()
    go = tmp_path / "go"
    workers = start_workers(store, go, runs, batch, mode, env)
    analyze = AnalyzeLoop(store, tree, env)
    analyze.start()
    go.touch()
    began = time.monotonic()
    outcomes = collect(workers)
    analyze.stop.set()
    analyze.join(timeout=300)
    assert [(one["exit"], one["stderr"]) for one in analyze.passes] == [
        (0, "")] * len(analyze.passes)

    # Events spooled by the last hooks wait for the next writer (a SessionStart
    # or analyze in real use): drain them here and count them.
    conn = open_store(store)
    try:
        final_drain = spool.drain(conn, store)
    finally:
        conn.close()

    planned = [run for worker in range(WORKERS)
               for run in plan_runs(f"load-session-{worker}", runs, f"w{worker}")]
    assert len(outcomes) == len(planned) * 4
    assert [o for o in outcomes if o["exit"] != 0 or o["stderr"]] == []
    assert query(store, "SELECT COUNT(*) FROM hook_events WHERE session_id LIKE 'load-%'") == [
        (len(planned) * 4,)]
    assert_hook_rows(store, planned)
    assert_tree_matches(store, tree)
    assert [path.name for path in store_files(store) if ".spool" in path.name] == []

    figures = {"mode": mode, **figures_of(outcomes, analyze, began)}
    if mode == "fork":
        spooled = sum(o["spooled"] for o in outcomes)
        drained = sum(o["drained"] for o in outcomes)
        # The rest of the spooled events were drained by analyze passes.
        assert drained + final_drain <= spooled
        figures.update(spooled=spooled, drained_by_hooks=drained, final_drain=final_drain)
    print("load figures:", json.dumps(figures))
    assert figures["during_analyze"] > 0
    late = [o for o in outcomes if o["seconds"] >= hook_timeout_seconds(o["event"])]
    assert late == [], figures
    return figures


def test_sixteen_sessions_of_200_hook_events_during_analyze(tmp_path: Path, tiny_tree):
    # 50 runs x 4 events, in batches of 5 parallel agents: up to 80 hooks at once.
    run_load(tmp_path, tiny_tree, runs=50, batch=5, mode="fork")


def test_sixteen_sessions_of_real_hook_processes_during_analyze(tmp_path: Path, tiny_tree):
    # Each real hook starts a Python (about 60 ms of CPU): 16 at once, one per session,
    # is what two shared cores can start well inside the timeout.
    run_load(tmp_path, tiny_tree, runs=5, batch=1, mode="exec")
