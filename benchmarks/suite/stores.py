"""``status`` and ``report`` over synthetic stores of many runs, and bare start-up."""

from __future__ import annotations

from pathlib import Path

from benchmarks.suite.measure import clean_env, run, summary
from benchmarks.suite.presets import Preset
from benchmarks.suite.workspace import Workspace, interstat_command
from tests.reports.synthetic_store import build_synthetic_store


def synthetic_store(ws: Workspace, runs: int) -> Path:
    """The store of ``runs`` synthetic runs, built once and kept in the workspace."""
    path = ws.store(f"synthetic-{runs}")
    done = path.with_name(path.name + ".built")
    if not done.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        build_synthetic_store(path, runs, seed=ws.seed)
        done.touch()
    return path


def commands(ws: Workspace, preset: Preset) -> list[dict]:
    """Per store size: status and report, alternated run by run."""
    env = clean_env({"HOME": str(ws.home)})
    rows = []
    for size in preset.store_sizes:
        store = synthetic_store(ws, size)
        runs = preset.largest_store_runs if size == max(preset.store_sizes) else preset.store_runs
        timings: dict[str, list] = {"status": [], "report": []}
        for _ in range(runs):
            for command in timings:
                sample = run([*interstat_command(), "--db", str(store), command], env=env,
                             tree_memory=True)
                timings[command].append(sample)
        rows.append({
            "runs_in_store": size, "store_mb": store.stat().st_size / 1e6,
            **{command: {**summary([s.seconds for s in samples]),
                         "max_rss_mb": max(s.max_rss_kb for s in samples) / 1024}
               for command, samples in timings.items()},
        })
    return rows


def version(ws: Workspace, preset: Preset) -> dict:
    env = clean_env({"HOME": str(ws.home)})
    samples = [run([*interstat_command(), "--version"], env=env)
               for _ in range(preset.version_runs)]
    return summary([s.seconds for s in samples])
