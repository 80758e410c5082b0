"""Stores built from the corpus's expected.json, for checking report sections.

Rows go straight into ``agent_runs`` with the store's columns, so these tests
check the report alone, whatever capture and analyze do.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from interstat.cli import cli
from interstat.store.connect import open_store
from tests.corpus import corpus_dir

REPO = Path(__file__).resolve().parents[2]
NOW = "2026-12-03T12:00:00.000Z"
TOKEN_COLUMNS = (
    "api_calls", "input_tokens", "output_tokens", "cache_hit_tokens",
    "cache_creation_tokens", "total_tokens", "peak_context_tokens", "findings",
)


def reviews_dir() -> Path:
    return corpus_dir() / "cc-2.1.332-reviews"


def expected_runs() -> list[dict]:
    return json.loads((reviews_dir() / "expected.json").read_text())


def insert_run(conn: sqlite3.Connection, **values) -> None:
    """Insert one agent_runs row; created/updated times default to NOW."""
    values.setdefault("created_at", NOW)
    values.setdefault("updated_at", NOW)
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    conn.execute(f"INSERT INTO agent_runs ({columns}) VALUES ({marks})", list(values.values()))


def expected_row(run: dict) -> dict:
    """The agent_runs columns for one expected.json run, as analyze would leave them."""
    row = {
        "session_id": run["session_id"],
        "agent_id": run["agent_id"],
        "tool_use_id": run["tool_use_id"],
        "agent_name": run["agent_name"],
        "parent_agent_id": run["parent_agent_id"],
        "invocation_id": f"{run['session_id']}:{run['invocation_group']}",
        "workflow_id": run["session_id"],
        "model": run["model"],
        "background": int(bool(run["background"])),
        "status": run["status"],
        "kind": "dispatched",
        "tokens_source": "transcript",
        "parsed_at": NOW,
    }
    row.update({column: run[column] for column in TOKEN_COLUMNS})
    return row


def make_store(path: Path, runs: list[dict]) -> Path:
    """A store holding ``runs`` (dicts of agent_runs columns)."""
    conn = open_store(path)
    conn.execute("BEGIN")
    for run in runs:
        insert_run(conn, **run)
    conn.execute("COMMIT")
    conn.close()
    return path


@pytest.fixture
def reviews_store(tmp_path: Path) -> Path:
    """The reviews corpus's 68 expected runs as a store."""
    return make_store(tmp_path / "metrics.db", [expected_row(run) for run in expected_runs()])


@pytest.fixture
def no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the config file at an empty one, away from the user's home."""
    path = tmp_path / "no-config.toml"
    path.write_text("")
    monkeypatch.setenv("INTERSTAT_CONFIG", str(path))
    return path


def invoke(*args: str):
    """Run the CLI; bugs raise, and a non-zero exit fails with the output."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def report_json(store: Path, *args: str) -> dict:
    return json.loads(invoke("--db", str(store), "report", "--format", "json", *args).output)


def section(document: dict, name: str) -> dict:
    (found,) = [s for s in document["sections"] if s["name"] == name]
    return found
