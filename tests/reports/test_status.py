"""interstat status: counts, the baseline bar, the latest runs, and its lean import path."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from interstat_reports.status import progress_bar
from tests.reports.conftest import REPO, expected_row, expected_runs, invoke, make_store

pytestmark = pytest.mark.usefixtures("no_user_config")


def pending(row: dict) -> dict:
    return {**row, "parsed_at": None, "tokens_source": None, "total_tokens": None,
            "peak_context_tokens": None}


@pytest.fixture
def store(tmp_path):
    """The reviews runs, one minute apart in file order; every fourth not parsed yet."""
    rows = []
    for index, run in enumerate(expected_runs()):
        row = expected_row(run)
        row["started_at"] = f"2026-12-01T10:{index:02d}:00.000Z"
        rows.append(pending(row) if index % 4 == 3 else row)
    rows.append({**rows[0], "agent_id": "acompact-x", "tool_use_id": None, "kind": "compaction"})
    return make_store(tmp_path / "m.db", rows)


def test_status_json_counts(store):
    runs = expected_runs()
    data = json.loads(invoke("--db", str(store), "status", "--format", "json").output)
    waiting = len([index for index in range(len(runs)) if index % 4 == 3])
    assert data["runs"] == len(runs)  # the compaction transcript is not a run
    assert data["runs_pending_parse"] == waiting
    assert data["runs_with_token_data"] == len(runs) - waiting
    assert data["sessions"] == len({run["session_id"] for run in runs})
    assert data["agents"] == len({run["agent_name"] for run in runs})
    assert data["baseline_runs"] == 50
    assert data["baseline_pct"] == 100.0
    latest = data["latest"]
    last = len(runs) - 1
    assert [entry["started_at"] for entry in latest] == [
        f"2026-12-01T10:{index:02d}:00.000Z" for index in range(last, last - 5, -1)
    ]
    assert [entry["agent"] for entry in latest] == [
        runs[index]["agent_name"] for index in range(last, last - 5, -1)
    ]
    assert [entry["state"] for entry in latest] == [
        "pending" if index % 4 == 3 else "parsed" for index in range(last, last - 5, -1)
    ]


def test_status_text(store):
    text = invoke("--db", str(store), "status", "--baseline", "100").output
    runs = len(expected_runs())
    assert f"Runs:                 {runs}" in text
    assert progress_bar(runs, 100) in text
    assert "Run 'interstat analyze'" in text
    assert text.count("pending") + text.count("parsed") >= 5


@pytest.mark.parametrize(
    ("runs", "baseline", "bar"),
    [
        (0, 50, "[" + "." * 30 + "] 0/50 runs"),
        (25, 50, "[" + "#" * 15 + "." * 15 + "] 25/50 runs"),
        (49, 50, "[" + "#" * 29 + "." + "] 49/50 runs"),  # 49*30//50 = 29
        (80, 50, "[" + "#" * 30 + "] 80/50 runs (baseline reached)"),
    ],
)
def test_progress_bar(runs, baseline, bar):
    assert progress_bar(runs, baseline) == bar


def test_status_without_a_store_says_what_to_do(tmp_path):
    from click.testing import CliRunner

    from interstat.cli import cli

    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "none.db"), "status"])
    assert result.exit_code == 1
    assert "run 'interstat init-db'" in result.output


def test_status_loads_neither_pluggy_nor_rich(store):
    # Status must stay fast on big stores; the plugin host and rich cost
    # a large share of its time, so they must stay off its import path.
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from interstat.cli import cli\n"
        f"result = CliRunner().invoke(cli, ['--db', {str(store)!r}, 'status'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pluggy', 'rich')))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout
    assert output.strip() == "[]"
