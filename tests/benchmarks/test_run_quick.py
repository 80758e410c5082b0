"""The quick benchmark runs end to end and produces every figure RESULTS.md needs.

It checks that the figures exist and are sane in kind (positive times, one row
per hook event and store size), never their values: those depend on the machine.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.suite import goals, render
from benchmarks.suite.hooks import EVENTS
from benchmarks.suite.presets import QUICK

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ("## Machine and versions", "## Goals", "## Cold analyze against ccusage",
            "## Warm and incremental analyze", "## Analyze time against tree size",
            "## Peak memory of analyze", "## Capture hook, whole process per event",
            "## status and report on large stores")


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    data = tmp_path_factory.mktemp("bench")
    out = data / "RESULTS.md"
    done = subprocess.run([sys.executable, "-m", "benchmarks.run", "--preset", "quick",
                           "--data", str(data), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert not (data / "trees").exists(), "generated trees must be deleted"
    return json.loads((data / "results.json").read_text()), out.read_text()


def _positive(*values: float) -> bool:
    return all(isinstance(v, (int, float)) and v > 0 for v in values)


@pytest.mark.slow
def test_quick_benchmark_measures_every_figure(quick) -> None:
    results, _ = quick
    cold = results["cold"]
    assert cold["runs_checked"] > 0
    assert _positive(cold["interstat"]["median"], cold["interstat"]["tree_pss_mb"])
    if cold["ccusage"] is not None:
        assert _positive(cold["ratio"]) and cold["ccusage"]["totals_match_expected"] is True
    assert _positive(results["warm"]["median"])
    rounds = results["append"]["rounds"]
    assert [row["percent"] for row in rounds] == list(QUICK.append_percents)
    assert all(_positive(row["seconds"], row["bytes_read"]) for row in rounds)
    assert _positive(results["append"]["cold_seconds_per_gb"])
    assert [row["tree"] for row in results["scaling"]] == [QUICK.tree]
    assert _positive(cold["interstat"]["max_rss_mb"])
    assert [row["file_bytes"] for row in results["big_files"]] == list(QUICK.big_files)
    assert list(results["hook"]["events"]) == list(EVENTS)
    for row in results["hook"]["events"].values():
        assert row["runs"] == QUICK.hook_runs and _positive(row["interstat_median"])
    assert [row["runs_in_store"] for row in results["stores"]] == list(QUICK.store_sizes)
    assert all(_positive(row["status"]["median"], row["report"]["median"])
               for row in results["stores"])
    assert _positive(results["version"]["median"])


@pytest.mark.slow
def test_quick_results_md_has_every_section_and_a_verdict_per_goal(quick) -> None:
    results, text = quick
    for heading in SECTIONS:
        assert heading in text
    assert len(results["goals"]) >= 6 + 2 * len(EVENTS)
    assert render.MARKER in text


@pytest.mark.slow
def test_missing_peers_are_not_measured_rather_than_failed(quick) -> None:
    results = copy.deepcopy(quick[0])
    results["cold"]["ccusage"] = None
    results["cold"].pop("ratio", None)
    for row in results["hook"]["events"].values():
        for key in ("reference_median", "reference_p99", "ratio"):
            row.pop(key, None)
    judged = goals.judge(results)
    unmeasured = [goal.name for goal in judged if goal.met is None]
    assert "cold analyze vs ccusage" in unmeasured
    assert len(unmeasured) == 1 + len(EVENTS)
    text = render.render(results, judged, None)
    assert "| ccusage | unavailable |" in text
