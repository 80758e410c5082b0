"""A store that cannot be written: writers say so in one line, readers still read it.

"Read-only" is made two ways. ``file``: the store file alone cannot be
written (as root ``chattr +i``, else mode 0400). ``folder``: nothing beside
it can be created either (as root a tmpfs remounted read-only, else modes
0500 and 0400), so SQLite cannot make the ``-shm`` file a WAL store needs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import add_run, new_store

SESSION = "11111111-2222-3333-4444-555555555555"


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill(store: Path) -> None:
    """Two dispatched runs of one session, checkpointed into the main file."""
    conn = new_store(store)
    add_run(conn, SESSION, agent_id="a1", agent_name="fd-quality",
            started_at="2026-03-01T10:00:00.000Z")
    add_run(conn, SESSION, agent_id="a2", agent_name="Explore",
            started_at="2026-03-01T11:00:00.000Z")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for suffix in ("-wal", "-shm"):
        store.with_name(store.name + suffix).unlink(missing_ok=True)


def _run(*command: str) -> bool:
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


def _copy_files(source: Path, folder: Path) -> None:
    for path in source.iterdir():
        shutil.copy(path, folder / path.name)


@contextlib.contextmanager
def _lock_file(store: Path) -> Iterator[None]:
    if os.geteuid() != 0:
        store.chmod(0o400)
        try:
            yield
        finally:
            store.chmod(0o600)
    elif _run("chattr", "+i", str(store)):
        try:
            yield
        finally:
            _run("chattr", "-i", str(store))
    else:
        pytest.skip("root ignores file modes and chattr +i does not work here")


@contextlib.contextmanager
def _lock_folder(folder: Path, built: Path) -> Iterator[None]:
    """``folder`` holding copies of the files in ``built``, on a read-only disk."""
    if os.geteuid() != 0:
        _copy_files(built, folder)
        for path in folder.iterdir():
            path.chmod(0o400)
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
    elif _run("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(folder)):
        try:
            _copy_files(built, folder)
            _run("mount", "-o", "remount,ro", str(folder))
            yield
        finally:
            _run("umount", "-l", str(folder))
    else:
        pytest.skip("root ignores file modes and no tmpfs can be mounted here")


def _built(tmp_path: Path) -> Path:
    built = tmp_path / "built"
    built.mkdir()
    fill(built / "metrics.db")
    return built


@pytest.fixture(params=["file", "folder"])
def read_only_store(request, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o700)
    store = folder / "metrics.db"
    built = _built(tmp_path)
    if request.param == "file":
        _copy_files(built, folder)
        lock = _lock_file(store)
    else:
        lock = _lock_folder(folder, built)
    with lock:
        yield store


def files_beside(store: Path) -> list[str]:
    return sorted(os.listdir(store.parent))


def assert_one_error(result, store: Path) -> None:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Error: cannot write the store at {store}"), lines[0]
    assert "read-only disk" in lines[0]


def test_purge_on_a_read_only_store_says_so_and_changes_nothing(read_only_store: Path,
                                                                 run_cli) -> None:
    before, names = checksum(read_only_store), files_beside(read_only_store)
    result = run_cli("--db", str(read_only_store), "purge", "--session", SESSION, "--yes",
                     code=1)
    assert_one_error(result, read_only_store)
    assert checksum(read_only_store) == before
    assert files_beside(read_only_store) == names


def test_analyze_on_a_read_only_store_says_so_and_changes_nothing(read_only_store: Path,
                                                                  run_cli,
                                                                  tmp_path: Path) -> None:
    claude = tmp_path / "claude"
    (claude / "projects").mkdir(parents=True)
    before, names = checksum(read_only_store), files_beside(read_only_store)
    result = run_cli("--db", str(read_only_store), "analyze", "--claude-dir", str(claude),
                     code=1)
    assert_one_error(result, read_only_store)
    assert checksum(read_only_store) == before
    assert files_beside(read_only_store) == names


def test_merge_into_a_read_only_store_says_so_and_changes_nothing(read_only_store: Path,
                                                                  run_cli,
                                                                  tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = new_store(other)
    add_run(conn, "s-other", agent_id="b1", started_at="2026-03-02T10:00:00.000Z")
    conn.close()
    before = checksum(read_only_store)
    result = run_cli("--db", str(read_only_store), "merge", str(other), code=1)
    assert_one_error(result, read_only_store)
    assert checksum(read_only_store) == before


def test_a_store_locked_past_the_wait_is_one_line(tmp_path: Path, run_cli,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from interstat.cli.commands import analyze

    def locked(*_args) -> None:
        raise sqlite3.OperationalError("database is locked")

    store = tmp_path / "metrics.db"
    fill(store)
    # The first write analyze makes is draining the hooks' spool.
    monkeypatch.setattr(analyze.spool, "pending", lambda _path: True)
    monkeypatch.setattr(analyze.spool, "drain", locked)
    result = run_cli("--db", str(store), "analyze", "--claude-dir", str(tmp_path), code=1)
    assert result.stderr.splitlines() == [
        f"Error: the store at {store} stayed locked by another process; "
        "run the command again when it is done"
    ]


def test_status_reads_a_read_only_store(read_only_store: Path, run_cli) -> None:
    before = checksum(read_only_store)
    result = run_cli("--db", str(read_only_store), "status", "--format", "json")
    assert json.loads(result.stdout)["runs"] == 2
    assert checksum(read_only_store) == before


def test_export_reads_a_read_only_store(read_only_store: Path, run_cli) -> None:
    result = run_cli("--db", str(read_only_store), "export", "--format", "jsonl")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(row["agent_id"], row["agent_name"]) for row in rows] == [
        ("a1", "fd-quality"), ("a2", "Explore")]


def test_report_reads_a_read_only_store(read_only_store: Path, run_cli) -> None:
    result = run_cli("--db", str(read_only_store), "report", "--format", "csv",
                     "--section", "agents")
    assert "fd-quality" in result.stdout and "Explore" in result.stdout


def test_reading_a_read_only_folder_creates_nothing(tmp_path: Path, run_cli) -> None:
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o700)
    store = folder / "metrics.db"
    with _lock_folder(folder, _built(tmp_path)):
        for command in (["status"], ["report"], ["export"]):
            run_cli("--db", str(store), *command)
        assert files_beside(store) == ["metrics.db"]
        # A store that is not there is not created, in a folder that can be written or not.
        result = run_cli("--db", str(folder / "none.db"), "status", code=1)
        assert "no store at" in result.stderr
    result = run_cli("--db", str(tmp_path / "new" / "none.db"), "report", code=1)
    assert not (tmp_path / "new").exists()


def test_a_log_left_on_a_read_only_disk_is_skipped_with_a_warning(
        tmp_path: Path, run_cli, caplog: pytest.LogCaptureFixture) -> None:
    store = _built(tmp_path) / "metrics.db"
    # A third run stays in the write-ahead log; the copies get no -shm file to read it with.
    conn = new_store(store)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    add_run(conn, SESSION, agent_id="a3", started_at="2026-03-01T12:00:00.000Z")
    built = tmp_path / "copied"
    built.mkdir()
    for name in ("metrics.db", "metrics.db-wal"):
        shutil.copy(store.with_name(name), built / name)
    conn.close()
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o700)
    with _lock_folder(folder, built):
        result = run_cli("--db", str(folder / "metrics.db"), "status", "--format", "json")
    assert json.loads(result.stdout)["runs"] == 2
    assert "the newest runs may be missing" in caplog.text


@pytest.mark.parametrize("command", [["status"], ["report"], ["export"],
                                     ["purge", "--session", SESSION, "--yes"]])
def test_an_empty_file_is_an_empty_store_to_readers(tmp_path: Path, run_cli,
                                                    command: list[str]) -> None:
    store = tmp_path / "metrics.db"
    store.touch()
    result = run_cli("--db", str(store), *command, code=1)
    assert result.stderr == (f"Error: {store} is an empty store: nothing is recorded in it "
                             "yet; run 'interstat analyze'\n")
    assert store.stat().st_size == 0


@pytest.mark.parametrize("command", [["init-db"], ["analyze", "--claude-dir", "."]])
def test_an_empty_file_becomes_a_new_store(tmp_path: Path, run_cli, command: list[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "metrics.db"
    store.touch()
    run_cli("--db", str(store), *command)
    result = run_cli("--db", str(store), "status", "--format", "json")
    assert json.loads(result.stdout)["runs"] == 0


def test_doctor_finds_a_read_only_store_a_problem(read_only_store: Path, run_cli) -> None:
    result = run_cli("--db", str(read_only_store), "doctor", "--format", "json", code=1)
    problems = [finding["message"] for finding in json.loads(result.stdout)["findings"]
                if finding["area"] == "store" and finding["status"] == "problem"]
    named = (f"cannot write {read_only_store} (", f"cannot write {read_only_store.parent} (")
    assert [message for message in problems if message.startswith(named)], problems
