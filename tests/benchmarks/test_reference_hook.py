"""The sh + jq + sqlite3 reference hook: one row per event, values stored
verbatim whatever they hold, silent, and safe when hooks run in parallel."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.corpus import corpus_dir

HOOK = Path(__file__).resolve().parents[2] / "benchmarks" / "reference_hook.sh"
pytestmark = pytest.mark.skipif(
    not (shutil.which("jq") and shutil.which("sqlite3")), reason="needs jq and sqlite3"
)
HOSTILE = "x'); DROP TABLE agent_runs; --\n\"q\" \\ \u00e9 \u2603 \U0001f600 ''"


def fire(db: Path, event: dict | str) -> subprocess.CompletedProcess[str]:
    data = event if isinstance(event, str) else json.dumps(event)
    return subprocess.run(["sh", str(HOOK)], input=data, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "INTERSTAT_REF_DB": str(db)},
                          timeout=60, check=False)


def rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT session_id, agent_id, tool_use_id, agent_name, status "
                           "FROM agent_runs ORDER BY rowid").fetchall()


def test_subagent_start_lands_one_row(tmp_path: Path) -> None:
    db = tmp_path / "deep" / "ref.db"
    out = fire(db, {"session_id": "s1", "agent_id": "a1", "agent_type": "Explore",
                    "hook_event_name": "SubagentStart"})
    assert (out.returncode, out.stdout, out.stderr) == (0, "", "")
    assert rows(db) == [("s1", "a1", None, "Explore", "running")]
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_agent_tool_result_names_the_dispatched_run(tmp_path: Path) -> None:
    db = tmp_path / "ref.db"
    fire(db, {"session_id": "s1", "agent_id": "caller", "agent_type": "Plan",
              "hook_event_name": "PostToolUse", "tool_name": "Agent", "tool_use_id": "toolu_1",
              "tool_input": {"subagent_type": "Explore"},
              "tool_response": {"status": "async_launched", "agentId": "a2"}})
    fire(db, {"session_id": "s1", "hook_event_name": "PostToolUse", "tool_name": "Agent",
              "tool_use_id": "toolu_2", "tool_response": "Error: Agent terminated early"})
    assert rows(db) == [("s1", "a2", "toolu_1", "Explore", "async_launched"),
                        ("s1", None, "toolu_2", None, "PostToolUse")]


def test_hostile_values_are_stored_verbatim(tmp_path: Path) -> None:
    db = tmp_path / "ref.db"
    event = {"session_id": HOSTILE, "agent_id": "a\u0000b'c", "agent_type": HOSTILE,
             "hook_event_name": "SubagentStop"}
    assert fire(db, event).returncode == 0
    assert rows(db) == [(HOSTILE, "ab'c", None, HOSTILE, "completed")]


def test_bad_input_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    db = tmp_path / "ref.db"
    out = fire(db, "not json {")
    assert out.returncode == 0 and out.stdout == ""
    assert "reference_hook:" in out.stderr
    assert not db.exists() or rows(db) == []


def test_parallel_hooks_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "ref.db"
    # The first event makes the store: switching a new file to WAL does not wait for
    # a lock, so a dozen shells creating it at once can fail (the benchmark's store
    # always exists before it is timed).
    first = {"session_id": "s", "agent_id": "a-first", "hook_event_name": "SubagentStart"}
    assert fire(db, first).returncode == 0
    events = [{"session_id": "s", "agent_id": f"a{i}", "hook_event_name": "SubagentStart"}
              for i in range(24)]
    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(lambda e: fire(db, e), events))
    assert all(r.returncode == 0 and r.stderr == "" for r in results)
    assert sorted(r[1] for r in rows(db)) == sorted(e["agent_id"] for e in [first, *events])


def test_replays_real_2_1_332_hook_events(tmp_path: Path) -> None:
    db = tmp_path / "ref.db"
    files = sorted((corpus_dir() / "cc-2.1.332-small" / "hooks").glob("*.json"))
    assert files, "the corpus holds no 2.1.332 hook inputs"
    for f in files:
        assert fire(db, f.read_text()).returncode == 0
    got = rows(db)
    assert len(got) == len(files)
    starts = {r[1] for r in got if r[4] == "running"}
    assert starts == {json.loads(f.read_text())["agent_id"] for f in files
                      if "SubagentStart" in f.name}
