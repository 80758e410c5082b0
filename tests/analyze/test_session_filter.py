"""`interstat analyze --session ID` reads that session's files, matching the id whole."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from interstat.analyze.discover import DiscoveryProblems, belongs_to_session, find_transcripts
from interstat.analyze.select import read_head
from interstat.cli import cli
from tests.analyze.test_corpus import comparable, dispatched_runs, key_of
from tests.corpus import corpus_dir, load_expected

SESSION = "abc-1"


def line(session_id: str, text: str = "hi") -> str:
    return json.dumps({"type": "user", "sessionId": session_id,
                       "message": {"role": "user", "content": text}}) + "\n"


# Each file of the tree, and whether it is one of SESSION's transcripts.
TREE = {
    "-p/abc-1.jsonl": (line(SESSION), True),
    "-p/abc-1/subagents/agent-a1.jsonl": (line(SESSION), True),
    "-p/abc-1/subagents/workflows/wf_1/agent-a2.jsonl": (line(SESSION), True),
    "-p/agent-f1.jsonl": (line(SESSION), True),  # flat layout, 2.0.28 to 2.1.1
    "-p/abc-12.jsonl": (line("abc-12"), False),
    "-p/abc-12/subagents/agent-a3.jsonl": (line("abc-12"), False),
    "-p/agent-f2.jsonl": (line("abc-12"), False),
    "-p/other.jsonl": (line("other", text="see session abc-1"), False),
    "-p/agent-f3.jsonl": (line("other", text='{"sessionId":"abc-1"} was quoted'), False),
}


def make_tree(root: Path) -> None:
    for name, (content, _mine) in TREE.items():
        path = root / "projects" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


def chosen(root: Path, session_id: str) -> list[str]:
    found = find_transcripts([root], DiscoveryProblems())
    return sorted(
        str(item.path.relative_to(root / "projects")) for item in found
        if belongs_to_session(item, session_id, read_head(item.path, item.size))
    )


def test_a_session_means_its_own_files_only(tmp_path: Path) -> None:
    make_tree(tmp_path)
    assert chosen(tmp_path, SESSION) == sorted(name for name, (_, mine) in TREE.items() if mine)


def test_a_part_of_an_id_matches_no_file(tmp_path: Path) -> None:
    make_tree(tmp_path)
    assert chosen(tmp_path, "s") == []
    assert chosen(tmp_path, "abc") == []


def analyze(store: Path, root: Path, session: str) -> dict:
    result = CliRunner().invoke(
        cli, ["--db", str(store), "analyze", "--claude-dir", str(root), "--session", session,
              "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_analyze_one_flat_layout_session_gives_its_expected_runs(tmp_path: Path) -> None:
    name = "cc-2.0.76-small"
    expected = load_expected(name)
    session = expected[-1]["session_id"]
    store = tmp_path / "metrics.db"
    analyze(store, corpus_dir() / name, session)
    conn = sqlite3.connect(store)
    try:
        stored = {key_of(run): comparable(run) for run in dispatched_runs(conn)}
    finally:
        conn.close()
    mine = [run for run in expected if run["session_id"] == session]
    assert 0 < len(mine) < len(expected)
    assert sorted(stored) == sorted(key_of(run) for run in mine)
    for run in mine:
        assert stored[key_of(run)] == comparable(run)


def test_analyze_with_a_part_of_an_id_reads_nothing(tmp_path: Path) -> None:
    summary = analyze(tmp_path / "metrics.db", corpus_dir() / "cc-2.1.332-small", "s")
    assert summary["files_read"] == 0
    assert summary["files_filtered"] == summary["files_found"] > 0
