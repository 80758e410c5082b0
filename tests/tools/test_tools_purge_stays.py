"""What purge deleted stays deleted: analyze and the hooks do not bring it back.

Only ``analyze --reread`` does, and it brings back all of it.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from interstat.capture.replay import replay_hook_files
from tests.analyze.test_corpus import assert_matches_expected, dispatched_runs, key_of
from tests.corpus import corpus_dir, load_expected
from tests.reliability.support import query

CORPUS = "cc-2.1.332-small"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "claude"
    shutil.copytree(corpus_dir() / CORPUS / "projects", root / "projects")
    return root


@pytest.fixture
def analyzed(tree: Path, tmp_path: Path, run_cli) -> Path:
    store = tmp_path / "metrics.db"
    run_cli("--db", str(store), "analyze", "--claude-dir", str(tree))
    return store


def _sessions() -> list[str]:
    return sorted({run["session_id"] for run in load_expected(CORPUS)})


def _files_of(tree: Path, session_id: str) -> list[Path]:
    project = next((tree / "projects").iterdir())
    return [project / f"{session_id}.jsonl", *sorted((project / session_id).rglob("*.jsonl"))]


def _touch(paths: list[Path]) -> None:
    for path in paths:
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def _append_new_call(path: Path) -> None:
    """Append a copy of the file's last API call under new ids: a call never seen."""
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    call = next(line for line in reversed(lines) if "usage" in line.get("message", {}))
    call["requestId"] = "req_appended_after_purge"
    call["message"]["id"] = "msg_appended_after_purge"
    with path.open("a") as handle:
        handle.write(json.dumps(call) + "\n")


def _run_keys(store: Path) -> list[tuple]:
    conn = sqlite3.connect(store)
    conn.row_factory = sqlite3.Row
    try:
        return sorted(key_of(dict(run)) for run in dispatched_runs(conn))
    finally:
        conn.close()


def _expected_keys(*, leaving_out: set[tuple] | None = None, session: str = "") -> list[tuple]:
    keys = {key_of(run) for run in load_expected(CORPUS)}
    return sorted(key for key in keys - (leaving_out or set()) if key[0] != session)


def test_a_purged_session_stays_purged_when_its_files_change(
    tree: Path, analyzed: Path, run_cli
) -> None:
    gone = _sessions()[0]
    run_cli("--db", str(analyzed), "purge", "--session", gone, "--yes")
    files = _files_of(tree, gone)
    _touch(files)
    _append_new_call(files[-1])  # a sub-agent's own transcript
    _append_new_call(files[0])  # the main thread's

    run_cli("--db", str(analyzed), "analyze", "--claude-dir", str(tree))

    assert _run_keys(analyzed) == _expected_keys(session=gone)
    assert query(analyzed, "SELECT COUNT(*) FROM agent_runs WHERE session_id = ?",
                   (gone,)) == [(0,)]
    assert query(analyzed, "SELECT COUNT(*) FROM api_calls WHERE session_id = ?",
                   (gone,)) == [(0,)]


def test_a_run_purged_from_a_session_that_keeps_others_stays_purged(
    tree: Path, analyzed: Path, run_cli
) -> None:
    session = _sessions()[1]
    first, second = query(
        analyzed, "SELECT started_at, agent_id, tool_use_id FROM agent_runs"
        " WHERE session_id = ? ORDER BY started_at LIMIT 2", (session,))
    run_cli("--db", str(analyzed), "purge", "--session", session, "--before", second[0],
            "--yes")
    gone_file = next(path for path in _files_of(tree, session) if first[1] in path.name)
    _touch(_files_of(tree, session))
    _append_new_call(gone_file)

    run_cli("--db", str(analyzed), "analyze", "--claude-dir", str(tree))

    assert _run_keys(analyzed) == _expected_keys(leaving_out={(session, first[1])})
    assert query(analyzed, "SELECT COUNT(*) FROM api_calls WHERE owner = ?",
                   (f"agent:{first[1]}",)) == [(0,)]


def test_hooks_of_a_purged_session_add_nothing(analyzed: Path, run_cli) -> None:
    gone = _sessions()[0]
    run_cli("--db", str(analyzed), "purge", "--session", gone, "--yes")
    hooks = sorted((corpus_dir() / CORPUS / "hooks").glob("*.json"))
    of_gone = [path for path in hooks if json.loads(path.read_bytes())["session_id"] == gone]
    assert of_gone

    replay_hook_files(of_gone, analyzed)

    assert query(analyzed, "SELECT COUNT(*) FROM agent_runs WHERE session_id = ?",
                   (gone,)) == [(0,)]


def test_reread_brings_a_purged_session_back(tree: Path, analyzed: Path, run_cli) -> None:
    gone, kept = _sessions()
    run_cli("--db", str(analyzed), "purge", "--session", gone, "--yes")
    run_cli("--db", str(analyzed), "purge", "--session", kept, "--yes")

    run_cli("--db", str(analyzed), "analyze", "--claude-dir", str(tree),
            "--session", gone, "--reread")
    assert _run_keys(analyzed) == _expected_keys(session=kept)

    run_cli("--db", str(analyzed), "analyze", "--claude-dir", str(tree), "--reread")
    conn = sqlite3.connect(analyzed)
    try:
        assert_matches_expected(conn, CORPUS)
    finally:
        conn.close()


def test_reread_takes_no_time_window(tree: Path, analyzed: Path, run_cli) -> None:
    result = run_cli("--db", str(analyzed), "analyze", "--claude-dir", str(tree), "--reread",
                     "--since", "7d", code=2)
    assert "--reread reads whole transcripts" in result.stderr
