"""Every corpus folder with an expected.json: analyze yields exactly its runs.

The expected numbers were written by the scripted API that produced the
transcripts; nothing here is computed by interstat.
"""

from __future__ import annotations

import shutil

import pytest

from tests.corpus import corpora_with_expected, corpus_dir, load_expected
from interstat.analyze import run_analyze

COMPARED = [
    "agent_name", "parent_agent_id", "status", "model", "background", "api_calls",
    "input_tokens", "output_tokens", "cache_hit_tokens", "cache_creation_tokens",
    "total_tokens", "peak_context_tokens", "findings",
]


def dispatched_runs(conn) -> list[dict]:
    cursor = conn.execute("SELECT * FROM agent_runs WHERE kind = 'dispatched'")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def key_of(run: dict) -> tuple:
    """Runs are named by agentId, or by their tool call in the inline era."""
    return (run["session_id"], run["agent_id"] or run["tool_use_id"])


def comparable(run: dict) -> dict:
    values = {column: run[column] for column in COMPARED}
    values["background"] = bool(values["background"])
    return values


def assert_matches_expected(conn, name: str) -> None:
    expected = {key_of(run): run for run in load_expected(name)}
    stored = {key_of(run): run for run in dispatched_runs(conn)}
    assert sorted(stored) == sorted(expected)
    for key, want in expected.items():
        got = stored[key]
        assert comparable(got) == {c: want[c] for c in COMPARED}, key
        assert got["tool_use_id"] == want["tool_use_id"], key
        if "layout" in want:
            assert got["layout"] == want["layout"], key
    groups: dict[int, set] = {}
    for key, want in expected.items():
        groups.setdefault(want["invocation_group"], set()).add(stored[key]["invocation_id"])
    ids = [next(iter(group)) for group in groups.values()]
    assert all(len(group) == 1 for group in groups.values()), groups
    assert len(set(ids)) == len(ids), "different dispatch groups share an invocation_id"


@pytest.mark.parametrize("name", corpora_with_expected())
def test_analyze_matches_expected(store, name):
    summary = run_analyze(store, [corpus_dir() / name])
    assert summary.problems == []
    assert_matches_expected(store, name)


@pytest.mark.parametrize("name", corpora_with_expected())
def test_a_second_analyze_changes_nothing(store, name):
    run_analyze(store, [corpus_dir() / name])
    before = store.execute("SELECT * FROM agent_runs ORDER BY run_id").fetchall()
    summary = run_analyze(store, [corpus_dir() / name])
    assert summary.files_read == 0
    assert store.execute("SELECT * FROM agent_runs ORDER BY run_id").fetchall() == before


def _cut_every_file_in_half(tree) -> dict:
    """Keep the first half of each file's lines; return the cut-off tails."""
    tails = {}
    for path in sorted(tree.rglob("*.jsonl")):
        data = path.read_bytes()
        lines = data.splitlines(keepends=True)
        head = b"".join(lines[: len(lines) // 2])
        path.write_bytes(head)
        tails[path] = data[len(head):]
    return tails


@pytest.mark.parametrize("name", corpora_with_expected())
def test_reading_a_growing_tree_in_two_steps_gives_the_same_rows(store, tmp_path, name):
    tree = tmp_path / name
    shutil.copytree(corpus_dir() / name / "projects", tree / "projects")
    tails = _cut_every_file_in_half(tree)
    run_analyze(store, [tree])
    for path, tail in tails.items():
        with open(path, "ab") as handle:
            handle.write(tail)
    run_analyze(store, [tree])
    assert_matches_expected(store, name)
