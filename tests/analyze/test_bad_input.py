"""No file can stop an analyze pass, and nothing already stored is lost."""

from __future__ import annotations

import os
import shutil

import pytest

from interstat.analyze import run_analyze, runner
from tests.analyze.test_corpus import assert_matches_expected
from tests.corpus import corpus_dir

SMALL = "cc-2.1.332-small"


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "claude"
    shutil.copytree(corpus_dir() / SMALL / "projects", root / "projects")
    return root


def _project(tree):
    return next((tree / "projects").iterdir())


def test_unknown_and_broken_files_are_named_and_the_rest_is_read(store, tree):
    project = _project(tree)
    (project / "notes.jsonl").write_bytes(b"not json at all\n\xff\xfe garbage\n")
    (project / "empty.jsonl").write_bytes(b"")
    summary = run_analyze(store, [tree])
    named = " ".join(summary.problems)
    assert "notes.jsonl" in named and "unknown format" in named
    assert_matches_expected(store, SMALL)


def test_an_unreadable_folder_is_named_and_the_rest_is_read(store, tree, monkeypatch):
    locked = _project(tree) / "locked"
    locked.mkdir()
    real_scandir = os.scandir

    def scandir(path):
        # Tests run as root, who can read any folder: refuse this one as the
        # system would refuse another user.
        if os.fspath(path) == os.fspath(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    summary = run_analyze(store, [tree])
    assert any("locked" in problem and "Permission denied" in problem
               for problem in summary.problems)
    assert_matches_expected(store, SMALL)


def test_a_file_deleted_while_the_pass_runs_is_skipped_and_read_next_time(
    store, tree, monkeypatch
):
    victim = sorted(_project(tree).rglob("agent-*.jsonl"))[0]
    saved = victim.read_bytes()
    listed = runner.find_transcripts

    def list_then_delete(*args, **kwargs):
        # The file is found, then goes away before the pass reads it.
        found = listed(*args, **kwargs)
        victim.unlink()
        return found

    monkeypatch.setattr(runner, "find_transcripts", list_then_delete)
    summary = run_analyze(store, [tree])
    assert any(victim.name in problem for problem in summary.problems)
    monkeypatch.setattr(runner, "find_transcripts", listed)
    victim.write_bytes(saved)
    run_analyze(store, [tree])
    assert_matches_expected(store, SMALL)


def test_lines_that_are_not_json_are_skipped_and_counted(store, tree):
    session_file = sorted(_project(tree).glob("*.jsonl"))[0]
    with open(session_file, "ab") as handle:
        # Lines that look like assistant messages but are not whole JSON.
        handle.write(b'{"type":"assistant","message":{"usage":{"input_tokens":\n')
        handle.write(b'{"type":"assistant", "message": [1, 2\n')
    summary = run_analyze(store, [tree])
    assert summary.skipped_lines.get("bad-json", 0) == 2
    assert_matches_expected(store, SMALL)


def test_a_truncated_last_line_is_read_once_it_is_complete(store, tree):
    agent_file = sorted(_project(tree).rglob("agent-*.jsonl"))[0]
    whole = agent_file.read_bytes()
    lines = whole.splitlines(keepends=True)
    agent_file.write_bytes(b"".join(lines[:-1]) + lines[-1][:-20])
    run_analyze(store, [tree])
    agent_file.write_bytes(whole)
    run_analyze(store, [tree])
    assert_matches_expected(store, SMALL)


def test_a_transcript_with_no_readable_line_is_read_not_pending(store, tree):
    # Its name makes it a run; none of its lines is a call. Read, it has no
    # data, and no later pass would find any: it must not wait as pending.
    subagents = next(_project(tree).rglob("subagents"))
    garbage = subagents / "agent-a0000000000000000.jsonl"
    garbage.write_bytes(b"not json\n{\"type\": \"assistant\", \"message\": [1\nnull\n")
    run_analyze(store, [tree])
    run_analyze(store, [tree])
    row = store.execute(
        "SELECT parsed_at IS NOT NULL, total_tokens, tokens_source FROM agent_runs"
        " WHERE agent_id = 'a0000000000000000'"
    ).fetchone()
    assert row == (1, None, None)
    pending = store.execute(
        "SELECT COUNT(*) FROM agent_runs WHERE kind = 'dispatched' AND parsed_at IS NULL"
    ).fetchone()
    assert pending == (0,)
