"""Analyze against ccusage on one tree: cold, warm, after appends, by size, memory."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import corpus, peers
from benchmarks.suite import check
from benchmarks.suite.measure import BenchmarkError, Sample, clean_env, run, summary
from benchmarks.suite.presets import Preset
from benchmarks.suite.workspace import Workspace, interstat_command, tree_bytes

GB = 1024 ** 3


def _analyze(ws: Workspace, store: Path, tree: Path, memory: bool = False) -> Sample:
    argv = [*interstat_command(), "--db", str(store), "analyze", "--claude-dir", str(tree),
            "--format", "json"]
    return run(argv, env=clean_env({"HOME": str(ws.home)}), tree_memory=memory)


def _ccusage(tree: Path) -> Sample:
    command = peers.ccusage_session_command(tree)
    return run(command.argv, env=command.env, cwd=command.cwd, tree_memory=True)


def _memory(samples: list[Sample]) -> dict:
    return {"max_rss_mb": max(s.max_rss_kb for s in samples) / 1024,
            "tree_pss_mb": max(s.tree_pss_kb or 0 for s in samples) / 1024}


def cold_against_ccusage(ws: Workspace, preset: Preset, tree: Path,
                         ccusage: bool) -> tuple[dict, Path]:
    """Cold analyze and ccusage, alternated run by run; the last store is kept."""
    ours, theirs, ccusage_right = [], [], None
    for index in range(preset.cold_runs):
        store = ws.fresh_store("cold")
        ours.append(_analyze(ws, store, tree, memory=True))
        if index == 0:
            check.check_store(store, tree)
        if ccusage:
            theirs.append(_ccusage(tree))
            if index == 0:
                ccusage_right = check.ccusage_matches(theirs[0].output, tree)
    result = {
        "tree_bytes": tree_bytes(tree),
        "runs_checked": len(check.expected(tree)["runs"]),
        "interstat": {**summary([s.seconds for s in ours]), **_memory(ours)},
        "ccusage": None,
    }
    if theirs:
        result["ccusage"] = {**summary([s.seconds for s in theirs]), **_memory(theirs),
                             "totals_match_expected": ccusage_right}
        result["ratio"] = result["interstat"]["median"] / result["ccusage"]["median"]
        result["pair_ratios"] = [a.seconds / b.seconds for a, b in zip(ours, theirs)]
    return result, store


def warm(ws: Workspace, preset: Preset, tree: Path, store: Path) -> dict:
    samples = []
    for _ in range(preset.warm_runs):
        sample = _analyze(ws, store, tree)
        if json.loads(sample.output)["files_read"] != 0:
            raise BenchmarkError("a warm analyze read files although none changed")
        samples.append(sample)
    return summary([s.seconds for s in samples])


def appended(ws: Workspace, preset: Preset, tree: Path, store: Path) -> list[dict]:
    """Grow 1% of the files, analyze again, check the totals; once per round."""
    rounds = []
    for round_no, percent in enumerate(preset.append_percents, start=1):
        before = tree_bytes(tree)
        corpus.append_lines(tree, percent, round_no, share=0.01)
        sample = _analyze(ws, store, tree)
        check.check_store(store, tree)
        read = json.loads(sample.output)
        rounds.append({"round": round_no, "percent": percent, "seconds": sample.seconds,
                       "bytes_added": tree_bytes(tree) - before,
                       "bytes_read": read["bytes_read"], "files_read": read["files_read"]})
    return rounds


def cold_only(ws: Workspace, tree: Path, runs: int) -> dict:
    samples = []
    for index in range(runs):
        store = ws.fresh_store("scaling")
        samples.append(_analyze(ws, store, tree, memory=True))
        if index == 0:
            check.check_store(store, tree)
    return {"tree_bytes": tree_bytes(tree), **summary([s.seconds for s in samples]),
            **_memory(samples)}


def scaling(ws: Workspace, preset: Preset, main_tree: str, main_cold: dict) -> list[dict]:
    """Cold time per GB at each size; the main tree's cold runs give its own row.

    Each row also has the marginal seconds per GB from the next smaller tree:
    start-up and finding files cost the same at every size, so linear growth
    shows in the difference, not in the ratio.
    """
    rows = []
    for name, runs in preset.scaling:
        tree = ws.tree(name)
        rows.append({"tree": name, **cold_only(ws, tree, runs)})
        ws.drop(tree)
    rows.append({"tree": main_tree, "tree_bytes": main_cold["tree_bytes"],
                 **main_cold["interstat"]})
    rows.sort(key=lambda row: row["tree_bytes"])
    for smaller, row in zip([None, *rows], rows):
        row["seconds_per_gb"] = row["median"] / (row["tree_bytes"] / GB)
        row["marginal_seconds_per_gb"] = None if smaller is None else (
            (row["median"] - smaller["median"])
            / ((row["tree_bytes"] - smaller["tree_bytes"]) / GB))
    return rows


def big_files(ws: Workspace, preset: Preset) -> list[dict]:
    rows = []
    for size in preset.big_files:
        tree = ws.big_tree(size)
        rows.append({"file_bytes": size, **cold_only(ws, tree, preset.big_runs)})
        ws.drop(tree)
    return rows


def pace(cold: dict, warm_runs: dict, rounds: list[dict]) -> dict:
    """The append rounds as a line: time = fixed + bytes read x seconds per byte.

    Least squares over the rounds; the slope is set against the cold run's
    seconds per byte, the fixed part against the warm pass.
    """
    xs = [row["bytes_read"] for row in rounds]
    ys = [row["seconds"] for row in rounds]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / spread if spread else 0.0
    cold_rate = cold["interstat"]["median"] / cold["tree_bytes"]
    return {"rounds": rounds, "seconds_per_gb": slope * GB,
            "fixed_seconds": mean_y - slope * mean_x,
            "cold_seconds_per_gb": cold_rate * GB, "warm_seconds": warm_runs["median"],
            "to_cold_rate": slope / cold_rate}
