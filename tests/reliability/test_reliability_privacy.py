"""Privacy: what users wrote stays out of the store, the files stay theirs, nothing goes out.

The demo pipeline (the bundled reviews sample: its hooks replayed through
capture, then analyze) builds a store; every byte of the database and its
write-ahead log is then searched for the prompts, answers, descriptions and
file contents the sample's hooks and transcripts carry.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from interstat.store.connect import open_store
from tests.corpus import corpus_dir
from tests.reliability.support import (
    clean_env,
    dispatch,
    interstat_exe,
    query,
    run_interstat,
    store_files,
)


AGENT_TOOLS = ("Task", "Agent")
PROSE_WORD = re.compile(r"^[A-Za-z,.;:'\"()!?\[\]#*]+$")


def _texts_of(content: object) -> list[str]:
    """The text of a message's content: a string or a list of text/tool_result blocks."""
    if isinstance(content, str):
        return [content]
    texts = []
    for block in content if isinstance(content, list) else []:
        if isinstance(block, dict):
            for key in ("text", "thinking", "content"):
                texts += _texts_of(block.get(key))
            arguments = block.get("input") if isinstance(block.get("input"), dict) else {}
            for key in ("prompt", "description", "content", "command", "new_string"):
                texts += _texts_of(arguments.get(key))
    return texts


def _descriptions(content: object) -> list[str]:
    blocks = content if isinstance(content, list) else []
    return [block["input"].get("description") for block in blocks
            if isinstance(block, dict) and block.get("name") in AGENT_TOOLS
            and isinstance(block.get("input"), dict)]


def private_texts(sample: Path) -> dict[str, set[str]]:
    """Prompts, answers, descriptions and other prose of the sample's hooks and transcripts.

    Only texts with a space in them: single tokens are names and ids, which
    the store keeps on purpose.
    """
    found: dict[str, set[str]] = {"prompt": set(), "answer": set(), "description": set(),
                                  "transcript text": set()}
    for path in (sample / "hooks").glob("*.json"):
        event = json.loads(path.read_text())
        tool_input = event.get("tool_input") or {}
        found["prompt"] |= set(_texts_of(tool_input.get("prompt")))
        found["description"] |= set(_texts_of(tool_input.get("description")))
        found["answer"] |= set(_texts_of(event.get("last_assistant_message")))
        found["answer"] |= set(_texts_of((event.get("tool_response") or {}).get("content")))
    for path in (sample / "projects").rglob("*.jsonl"):
        for line in path.read_text().splitlines():
            message = json.loads(line).get("message")
            if isinstance(message, dict):
                found["transcript text"] |= set(_texts_of(message.get("content")))
                found["description"] |= set(_descriptions(message.get("content")))
    return {kind: {text for text in texts if isinstance(text, str) and " " in text.strip()}
            for kind, texts in found.items()}


def needles(text: str) -> list[bytes]:
    """The text's start, the whole of a short text, and its first run of plain words.

    Windows of a text that hold a path or an id would match the paths and ids
    the store keeps on purpose; runs of plain words cannot.
    """
    pieces = {text[:24], text[:200] if len(text) <= 200 else ""}
    words = list(re.finditer(r"\S+", text))
    for first in range(len(words) - 3):
        run = words[first:first + 4]
        if all(PROSE_WORD.match(word.group()) for word in run):
            pieces.add(text[run[0].start():run[-1].end()])
            break
    return [piece.encode() for piece in pieces if len(piece) >= 10]


def run_demo(folder: Path, env: dict[str, str]) -> Path:
    """``interstat demo --keep`` while this process holds the store open, keeping the WAL."""
    store = folder / "metrics.db"
    open_store(store).close()
    reader = sqlite3.connect(store)
    reader.execute("SELECT COUNT(*) FROM agent_runs").fetchone()
    try:
        done = run_interstat(["demo", "--keep", str(folder), "--format", "json"], env)
        assert done.returncode == 0, done.stderr
        assert (store.parent / "metrics.db-wal").stat().st_size > 0
        return {path.name: path.read_bytes() for path in store_files(store)}
    finally:
        reader.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("demo")
    files = run_demo(folder, clean_env(folder / "home"))
    return folder, files


def test_the_demo_store_holds_no_prompt_answer_description_or_content(demo):
    folder, files = demo
    texts = private_texts(folder / "sample")
    runs = query(folder / "metrics.db", "SELECT COUNT(*), COUNT(prompt_sha256), "
                 "COUNT(description) FROM agent_runs WHERE kind = 'dispatched'")[0]
    assert runs[0] >= 60 and runs[1] >= 60 and runs[2] == 0
    assert len(texts["prompt"]) >= 60 and texts["answer"] and texts["description"]
    assert any(text.startswith("SUBAGENT {") for text in texts["prompt"])
    everything = b"".join(files.values())
    # The search does find what is stored: ids and agent types.
    agent_ids = [row[0] for row in query(folder / "metrics.db",
                                         "SELECT agent_id FROM agent_runs WHERE agent_id "
                                         "IS NOT NULL")]
    assert all(agent_id.encode() in everything for agent_id in agent_ids)
    searched = {kind: len(group) for kind, group in texts.items()}
    leaks = [(kind, text[:40]) for kind, group in texts.items() for text in group
             if any(needle in everything for needle in needles(text))]
    print("privacy figures:", json.dumps({"texts_searched": searched,
                                          "bytes_searched": len(everything)}))
    assert leaks == []
    assert sorted(files) == ["metrics.db", "metrics.db-shm", "metrics.db-wal"]


def test_descriptions_are_kept_only_when_asked(tmp_path: Path):
    env = clean_env(tmp_path / "home", INTERSTAT_STORE_DESCRIPTIONS="1")
    files = run_demo(tmp_path, env)
    texts = private_texts(tmp_path / "sample")
    stored = {row[0] for row in query(tmp_path / "metrics.db",
                                      "SELECT DISTINCT description FROM agent_runs")}
    assert stored - {None} == texts["description"]
    everything = b"".join(files.values())
    # The same search finds the descriptions now that they are kept.
    assert all(any(needle in everything for needle in needles(text))
               for text in texts["description"])
    leaks = [(kind, text[:40]) for kind in ("prompt", "answer") for text in texts[kind]
             if any(needle in everything for needle in needles(text))]
    assert leaks == []


def _umask_zero() -> None:
    os.umask(0)


def test_store_files_stay_private_even_with_umask_0(tmp_path: Path):
    store = tmp_path / "interstat" / "metrics.db"
    env = clean_env(tmp_path / "home")
    first = run_interstat(["--db", str(store), "hook", "PreToolUse"], env,
                          stdin=dispatch("s-1", "toolu_1"), preexec_fn=_umask_zero)
    assert first.returncode == 0
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    spooled = run_interstat(["--db", str(store), "hook", "PreToolUse"], env,
                            stdin=dispatch("s-1", "toolu_2"), preexec_fn=_umask_zero)
    assert spooled.returncode == 0
    assert store.with_name("metrics.db.spool").exists()
    holder.execute("ROLLBACK")
    holder.close()
    commands = [
        ["analyze", "--claude-dir", str(corpus_dir() / "cc-2.1.332-small")],
        ["export", "--output", str(store.parent / "runs.csv")],
        ["export", "--output", str(store.parent / "runs.jsonl")],
    ]
    for command in commands:
        done = run_interstat(["--db", str(store), *command], env, preexec_fn=_umask_zero)
        assert done.returncode == 0, (command, done.stderr)
    store.chmod(0o644)  # something for doctor to repair: it backs the store up first
    done = run_interstat(["--db", str(store), "doctor", "--repair"], env,
                         preexec_fn=_umask_zero)
    assert b"Traceback" not in done.stderr, done.stderr
    names = sorted(path.name for path in store.parent.iterdir())
    assert "runs.csv" in names and "runs.jsonl" in names
    assert any(name.startswith("metrics.db.backup-") for name in names)
    assert store.parent.stat().st_mode & 0o777 == 0o700
    loose = {path.name: oct(path.stat().st_mode & 0o777) for path in store.parent.iterdir()
             if path.stat().st_mode & 0o777 != 0o600}
    assert loose == {}


#: Runs the CLI with every socket operation refused and recorded.
NO_NETWORK = """
import sys
attempts = open(sys.argv[1], "a")
def refuse(event, args):
    if event.startswith(("socket.", "http.", "urllib.", "ftplib.", "smtplib.")):
        attempts.write(event + "\\n")
        attempts.flush()
        raise PermissionError("network access refused by the test: " + event)
sys.addaudithook(refuse)
sys.argv = ["interstat", *sys.argv[2:]]
if sys.argv[1:2] == ["--try-the-guard"]:
    import socket
    socket.create_connection(("127.0.0.1", 9))
from interstat.entry import main
main()
"""


def _offline_commands(tmp_path: Path) -> list[tuple[list[str], bytes]]:
    store = str(tmp_path / "interstat" / "metrics.db")
    corpus = str(corpus_dir() / "cc-2.1.332-reviews")
    return [
        (["--db", store, "hook", "PreToolUse"], dispatch("s-1", "toolu_1")),
        (["--db", store, "analyze", "--claude-dir", corpus], b""),
        (["--db", store, "report", "--format", "json"], b""),
        (["--db", store, "status", "--format", "json"], b""),
        (["--db", store, "export", "--output", str(tmp_path / "runs.csv")], b""),
        (["--db", store, "doctor", "--format", "json"], b""),
        (["--db", store, "purge", "--session", "s-1", "--yes"], b""),
        (["demo", "--format", "json"], b""),
    ]


def test_no_command_opens_a_socket(tmp_path: Path):
    env = clean_env(tmp_path / "home")
    attempts = tmp_path / "attempts"
    guard = subprocess.run([sys.executable, "-c", NO_NETWORK, str(attempts), "--try-the-guard"],
                           capture_output=True, env=env, check=False)
    assert guard.returncode != 0 and attempts.read_text() != ""
    attempts.unlink()
    for arguments, stdin in _offline_commands(tmp_path):
        done = subprocess.run([sys.executable, "-c", NO_NETWORK, str(attempts), *arguments],
                              input=stdin, capture_output=True, env=env, check=False)
        assert done.returncode in (0, 1), (arguments, done.stderr)  # doctor: 1, no plugin
        assert b"Traceback" not in done.stderr, (arguments, done.stderr)
    assert not attempts.exists() or attempts.read_text() == ""


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True,
                          check=False).returncode == 0


def test_the_commands_work_with_no_network_at_all(tmp_path: Path):
    if not _unshare_works():
        pytest.skip("unshare -n is not permitted here; the socket audit test covers this")
    env = clean_env(tmp_path / "home")
    for arguments, stdin in _offline_commands(tmp_path):
        done = subprocess.run(["unshare", "-n", interstat_exe(), *arguments], input=stdin,
                              capture_output=True, env=env, timeout=120, check=False)
        assert done.returncode in (0, 1) and b"Traceback" not in done.stderr, (
            arguments, done.stderr)
