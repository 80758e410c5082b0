"""Finding transcripts: each file once, however many ways it is reached."""

from __future__ import annotations

import os

from interstat.analyze.discover import DiscoveryProblems, find_transcripts


def _tree(root, names):
    for name in names:
        path = root / "projects" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('{"type": "user"}\n')


def test_a_file_reached_through_a_link_or_a_second_root_is_found_once(tmp_path):
    first = tmp_path / "a"
    _tree(first, ["-p/s1.jsonl", "-p/s1/subagents/agent-x.jsonl"])
    os.symlink(first / "projects" / "-p", first / "projects" / "-p-link")
    second = tmp_path / "b"
    second.mkdir()
    os.symlink(first / "projects", second / "projects")
    found = find_transcripts([first, second], DiscoveryProblems())
    names = sorted(item.path.name for item in found)
    assert names == ["agent-x.jsonl", "s1.jsonl"]


def test_session_files_come_before_agent_files(tmp_path):
    _tree(tmp_path, ["-p/z.jsonl", "-p/a/subagents/agent-b.jsonl", "-q/b.jsonl"])
    found = find_transcripts([tmp_path], DiscoveryProblems())
    assert [item.path.name for item in found] == ["z.jsonl", "b.jsonl", "agent-b.jsonl"]
