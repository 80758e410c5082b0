"""Finding transcripts: each file once, however many ways it is reached."""

from __future__ import annotations

import os
from pathlib import Path

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


def test_a_file_is_known_by_the_text_of_its_path_however_its_root_is_written(
    tmp_path, monkeypatch
):
    _tree(tmp_path, ["-p/s1.jsonl", "-p/s1/subagents/agent-x.jsonl"])
    monkeypatch.chdir(tmp_path / "projects")
    # A root without projects/ is listed itself; "." must not add "./" to the keys.
    relative = find_transcripts([Path(".")], DiscoveryProblems())
    assert [item.location for item in relative] == [
        os.path.join("-p", "s1.jsonl"), os.path.join("-p", "s1", "subagents", "agent-x.jsonl")
    ]
    absolute = find_transcripts([tmp_path], DiscoveryProblems())
    assert [item.location for item in absolute] == [
        str(tmp_path / "projects" / "-p" / "s1.jsonl"),
        str(tmp_path / "projects" / "-p" / "s1" / "subagents" / "agent-x.jsonl"),
    ]
    assert all(item.path == Path(item.location) for item in relative + absolute)
