"""One config file, read by interstat.config, drives report, status and `interstat config`."""

from __future__ import annotations

import json

import pytest

from tests.reports.conftest import invoke, make_store, report_json, section
from tests.reports.test_small_stores import run

# Three sessions, one run each; the peaks are 110K, 130K and 170K tokens.
PEAKS = {"s1": 110_000, "s2": 130_000, "s3": 170_000}


@pytest.fixture
def store(tmp_path):
    return make_store(tmp_path / "m.db", [
        run(session=session, agent_id=f"a-{session}", peak_context_tokens=peak,
            total_tokens=peak)
        for session, peak in PEAKS.items()
    ])


@pytest.fixture
def config(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text(
        "[thresholds]\ngate = 150000\ncontext_limits = [160000, 120000]\n"
        "baseline_runs = 4\ntop_runs = 2\nsession_rows = 1\n"
    )
    monkeypatch.setenv("INTERSTAT_CONFIG", str(path))
    return path


@pytest.mark.usefixtures("config")
def test_report_takes_every_threshold_from_the_file(store):
    document = report_json(store)
    assert document["settings"] == {"gate_threshold": 150_000,
                                    "context_limits": [120_000, 160_000],
                                    "baseline_runs": 4, "top_runs": 2, "session_rows": 1}
    gate = section(document, "gate")["facts"]
    # p99 of three runs is the largest, 170K, above the 150K gate.
    assert gate["threshold_tokens"] == 150_000
    assert gate["verdict"].startswith("BUILD")
    limits = section(document, "context-limits")
    assert limits["facts"]["runs_over_120000"] == 2  # 130K and 170K
    assert limits["facts"]["runs_over_160000"] == 1
    # Limits are sorted, so the top runs are those over 120K: two, as top_runs says.
    assert [note.split(":")[0] for note in limits["notes"]] == ["Top run 1", "Top run 2"]
    sessions = section(document, "main-vs-subagents")
    assert [row["session"] for row in sessions["rows"]] == ["s3"]  # session_rows = 1
    assert "2 more sessions not listed" in sessions["notes"][-1]


@pytest.mark.usefixtures("config")
def test_status_takes_the_baseline_from_the_file(store):
    data = json.loads(invoke("--db", str(store), "status", "--format", "json").output)
    assert (data["runs"], data["baseline_runs"]) == (3, 4)
    data = json.loads(invoke("--db", str(store), "status", "--format", "json",
                             "--baseline", "2").output)
    assert data["baseline_runs"] == 2


@pytest.mark.usefixtures("config")
def test_config_shows_the_report_thresholds_with_their_source(store):
    shown = json.loads(invoke("--db", str(store), "config", "--format", "json").output)
    by_key = {row["key"]: (row["value"], row["source"]) for row in shown["settings"]}
    assert by_key["thresholds.top_runs"] == (2, "file")
    assert by_key["thresholds.session_rows"] == (1, "file")
    assert by_key["thresholds.context_limits"] == ([120_000, 160_000], "file")
