"""--since/--until (local or UTC), and the glob filters, on report and status."""

from __future__ import annotations

import json
import time

import pytest

from tests.reports.conftest import expected_runs, invoke, make_store, report_json, section
from tests.reports.test_small_stores import run

pytestmark = pytest.mark.usefixtures("no_user_config")

TIMES = {
    "a1": "2026-11-30T23:30:00.000Z",
    "a2": "2026-12-01T00:30:00.000Z",
    "a3": "2026-12-01T23:59:00.000Z",
    "a4": "2026-12-02T00:00:00.000Z",
}


@pytest.fixture
def timed_store(tmp_path):
    return make_store(tmp_path / "m.db", [
        run(agent_id=agent, started_at=stamp, project="/home/dev/app" if agent < "a3" else "/x",
            workflow_id="wf-1" if agent == "a4" else "s1")
        for agent, stamp in TIMES.items()
    ])


def runs_of(store, *args) -> int:
    return section(report_json(store, "--section", "summary", *args), "summary")["facts"]["runs"]


def test_a_utc_date_covers_that_whole_day(timed_store):
    # a2 and a3 start on 2026-12-01 UTC; a1 is the day before, a4 the day after.
    assert runs_of(timed_store, "--since", "2026-12-01", "--until", "2026-12-01", "--utc") == 2


@pytest.fixture
def tokyo(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("tokyo")
def test_dates_are_local_time_without_utc(timed_store):
    # 2026-12-01 in Tokyo (UTC+9) is 2026-11-30T15:00Z to 2026-12-01T15:00Z: a1 and a2.
    assert runs_of(timed_store, "--since", "2026-12-01", "--until", "2026-12-01") == 2
    document = report_json(timed_store, "--since", "2026-12-01", "--section", "summary")
    assert document["filters"]["since"] == "2026-11-30T15:00:00.000Z"


def test_times_with_an_offset_are_taken_as_written(timed_store):
    assert runs_of(timed_store, "--since", "2026-12-01T09:30:00+09:00") == 3


def test_project_and_workflow_globs(timed_store):
    assert runs_of(timed_store, "--project", "/home/*") == 2
    assert runs_of(timed_store, "--workflow", "wf-*") == 1


def test_agent_globs_repeat_as_alternatives(reviews_store):
    runs = expected_runs()
    fd = sum(run["agent_name"].startswith("fd-") for run in runs)
    assert runs_of(reviews_store, "--agent", "fd-*") == fd
    both = sum(run["agent_name"] in ("Explore", "general-purpose") for run in runs)
    assert runs_of(reviews_store, "--agent", "Explore", "--agent", "general-purpose") == both


def test_model_and_session_filters_combine(reviews_store):
    runs = expected_runs()
    session = runs[0]["session_id"]
    haiku = sum(run["model"] == "claude-haiku-5-5" for run in runs)
    assert runs_of(reviews_store, "--model", "claude-haiku*") == haiku
    in_session = sum(run["session_id"] == session for run in runs)
    assert runs_of(reviews_store, "--session", session[:8] + "*") == in_session
    both = sum(r["session_id"] == session and r["model"] == "claude-opus-5-5" for r in runs)
    assert runs_of(reviews_store, "--session", session, "--model", "claude-opus-5-5") == both


def test_status_takes_the_same_filters(reviews_store):
    runs = expected_runs()
    result = invoke("--db", str(reviews_store), "status", "--format", "json", "--agent", "fd-*")
    data = json.loads(result.output)
    fd = [run for run in runs if run["agent_name"].startswith("fd-")]
    assert data["runs"] == len(fd)
    assert data["agents"] == len({run["agent_name"] for run in fd})
    assert data["filters"]["agents"] == ["fd-*"]


def test_a_date_that_is_not_one_is_a_one_line_error(reviews_store):
    from click.testing import CliRunner

    from interstat.cli import cli

    result = CliRunner().invoke(cli, ["--db", str(reviews_store), "report", "--since", "soon"])
    assert result.exit_code == 2  # a usage error, like every bad option value
    assert "Invalid value for '--since': 'soon' is not a date" in result.output
    assert "Traceback" not in result.output
