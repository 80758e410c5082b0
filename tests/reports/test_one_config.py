"""One config file, read by interstat.config, drives report, status and `interstat config`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from interstat.bounds import MAX_ROWS, MAX_TOKENS
from interstat.cli import cli
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


def test_the_largest_thresholds_allowed_still_make_a_report(store, tmp_path, monkeypatch):
    path = tmp_path / "largest.toml"
    path.write_text(
        f"[thresholds]\ngate = {MAX_TOKENS}\ncontext_limits = [{MAX_TOKENS}]\n"
        f"baseline_runs = {MAX_ROWS}\ntop_runs = {MAX_ROWS}\nsession_rows = {MAX_ROWS}\n"
    )
    monkeypatch.setenv("INTERSTAT_CONFIG", str(path))
    document = report_json(store)
    gate = section(document, "gate")["facts"]
    assert gate["threshold_tokens"] == MAX_TOKENS
    assert gate["verdict"].startswith("SKIP")
    assert section(document, "context-limits")["facts"][f"runs_over_{MAX_TOKENS}"] == 0
    listed = section(document, "main-vs-subagents")["rows"]
    assert sorted(row["session"] for row in listed) == sorted(PEAKS)


TOO_LARGE = [10 ** 20, 2 ** 63, MAX_TOKENS + 1]


@pytest.mark.usefixtures("no_user_config")
@pytest.mark.parametrize("value", TOO_LARGE)
@pytest.mark.parametrize(("command", "option", "largest"), [
    ("report", "--gate-threshold", MAX_TOKENS),
    ("report", "--context-limit", MAX_TOKENS),
    ("report", "--baseline", MAX_ROWS),
    ("status", "--baseline", MAX_ROWS),
])
def test_an_option_beyond_its_range_names_the_range(store, command, option, largest, value):
    result = CliRunner().invoke(cli, ["--db", str(store), command, option, str(value)],
                                catch_exceptions=False)
    assert result.exit_code == 2, result.output
    error = result.output.strip().splitlines()[-1]
    assert f"'{option}'" in error
    assert f"1<=x<={largest}" in error


@pytest.mark.parametrize("value", TOO_LARGE)
@pytest.mark.parametrize(("key", "written", "largest"), [
    ("gate", "{value}", MAX_TOKENS),
    ("context_limits", "[100000, {value}]", MAX_TOKENS),
    ("baseline_runs", "{value}", MAX_ROWS),
    ("top_runs", "{value}", MAX_ROWS),
    ("session_rows", "{value}", MAX_ROWS),
])
def test_a_threshold_beyond_its_range_names_the_key_and_range(store, tmp_path, monkeypatch,
                                                              key, written, largest, value):
    path = tmp_path / "config.toml"
    path.write_text(f"[thresholds]\n{key} = {written.format(value=value)}\n")
    monkeypatch.setenv("INTERSTAT_CONFIG", str(path))
    result = CliRunner().invoke(cli, ["--db", str(store), "report"], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    error = result.output.strip()
    assert error.startswith(f"Error: config.toml: thresholds.{key}: ")
    assert f"up to {largest}; fix {path}" in error
    assert "\n" not in error
