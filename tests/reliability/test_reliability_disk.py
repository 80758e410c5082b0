"""A full or read-only disk: the hook warns once and exits 0; analyze says so and keeps the store.

"Full" is made two ways: RLIMIT_FSIZE in the child (every write past the
limit fails with EFBIG; works for any user) and, where this test may mount
one, a real 1 MiB tmpfs filled up (ENOSPC). "Read-only" is a tmpfs remounted
read-only, or for a user other than root a folder and file without write bits.
"""

from __future__ import annotations

import errno
import hashlib
import os
import resource
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.analyze.test_corpus import assert_matches_expected
from tests.corpus import corpus_dir
from tests.reliability.support import (
    clean_env,
    dispatch,
    integrity,
    query,
    run_interstat,
)

CORPUS = "cc-2.1.332-reviews"


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def _mount_tmpfs(folder: Path, options: str) -> bool:
    if os.geteuid() != 0:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                          capture_output=True, check=False)
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB file system, or a skip that says why there is none."""
    yield from _tmpfs(tmp_path, "1m")


@pytest.fixture
def store_sized_disk(tmp_path: Path) -> Iterator[Path]:
    """A 192 KiB file system: room for an empty store, not for an analyzed one."""
    yield from _tmpfs(tmp_path, "192k")


def _tmpfs(tmp_path: Path, size: str) -> Iterator[Path]:
    folder = tmp_path / "disk"
    folder.mkdir()
    if not _mount_tmpfs(folder, f"size={size},mode=0700"):
        pytest.skip("cannot mount a tmpfs here (needs root); the RLIMIT_FSIZE tests "
                    "cover a full disk")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> None:
    """Write to ``folder`` until its file system has no space left."""
    with open(folder / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return clean_env(tmp_path / "home")


def store_with_one_run(store: Path, env: dict[str, str]) -> None:
    done = run_interstat(["--db", str(store), "hook", "PreToolUse"], env,
                         stdin=dispatch("s-1", "toolu_1"))
    assert (done.returncode, done.stderr) == (0, b"")
    conn = sqlite3.connect(store)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def empty_store(store: Path, env: dict[str, str]) -> None:
    done = run_interstat(["--db", str(store), "init-db"], env)
    assert done.returncode == 0, done.stderr


def tool_use_ids(store: Path) -> list[str]:
    return [row[0] for row in query(store, "SELECT tool_use_id FROM agent_runs ORDER BY 1")]


def assert_one_warning(done: subprocess.CompletedProcess, *words: str) -> str:
    assert done.returncode == 0 and done.stdout == b""
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("interstat: "), lines
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def assert_one_error(done: subprocess.CompletedProcess, store: Path, *words: str) -> str:
    """Exit 1 and a single ``Error:`` line naming the store: never a traceback."""
    assert done.returncode == 1, done.stderr.decode()
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr.decode()
    assert str(store) in lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_hook_on_a_full_disk_warns_once_and_exits_0(tmp_path: Path, env):
    store = tmp_path / "interstat" / "metrics.db"
    store_with_one_run(store, env)
    before = checksum(store)
    done = run_interstat(["--db", str(store), "hook", "PreToolUse"], env,
                         stdin=dispatch("s-1", "toolu_2"), preexec_fn=file_size_limit(0))
    assert_one_warning(done, str(store), "event lost")
    assert checksum(store) == before
    assert integrity(store) == "ok"
    assert tool_use_ids(store) == ["toolu_1"]

    # With room again the next event is stored as usual.
    done = run_interstat(["--db", str(store), "hook", "PreToolUse"], env,
                         stdin=dispatch("s-1", "toolu_3"))
    assert (done.returncode, done.stderr) == (0, b"")
    assert tool_use_ids(store) == ["toolu_1", "toolu_3"]


def test_hook_on_a_really_full_file_system(small_disk: Path, env):
    store = small_disk / "interstat" / "metrics.db"
    store_with_one_run(store, env)
    before = checksum(store)
    fill(small_disk)
    done = run_interstat(["--db", str(store), "hook", "PreToolUse"], env,
                         stdin=dispatch("s-1", "toolu_2"))
    assert_one_warning(done, "No space left on device", "event lost")
    assert checksum(store) == before
    (small_disk / "filler").unlink()
    assert integrity(store) == "ok"
    assert tool_use_ids(store) == ["toolu_1"]


def test_analyze_on_a_full_disk_says_so_and_changes_nothing(tmp_path: Path, env):
    store = tmp_path / "interstat" / "metrics.db"
    store_with_one_run(store, env)
    before = checksum(store)
    done = run_interstat(
        ["--db", str(store), "analyze", "--claude-dir", str(corpus_dir() / CORPUS)], env,
        preexec_fn=file_size_limit(0),
    )
    assert_one_error(done, store, "free some disk space")
    assert checksum(store) == before
    assert tool_use_ids(store) == ["toolu_1"]


def _analyze_until_full(store: Path, env: dict[str, str], **fault) -> None:
    """Analyze runs out of space part-way: one line, and the next analyze completes."""
    done = run_interstat(
        ["--db", str(store), "analyze", "--claude-dir", str(corpus_dir() / CORPUS)], env,
        **fault,
    )
    assert_one_error(done, store, "free some disk space")
    assert integrity(store) == "ok"
    read = query(store, "SELECT COUNT(*) FROM transcript_files")[0][0]
    total = len(list((corpus_dir() / CORPUS / "projects").rglob("*.jsonl")))
    # A pass commits in time slices, so this small corpus may be a single
    # transaction: what must hold is that the pass did not complete and left
    # nothing half-written.
    assert read < total, "the disk must fill before the pass completes"
    # A file is recorded as read only together with everything read from it.
    assert query(store, "SELECT COUNT(*) FROM transcript_files WHERE read_offset = 0") == [(0,)]


def _analyze_again_matches_expected(store: Path, env: dict[str, str]) -> None:
    done = run_interstat(
        ["--db", str(store), "analyze", "--claude-dir", str(corpus_dir() / CORPUS)], env,
    )
    assert (done.returncode, done.stderr) == (0, b"")
    conn = sqlite3.connect(store)
    try:
        assert_matches_expected(conn, CORPUS)
    finally:
        conn.close()


def test_analyze_that_fills_the_disk_part_way(tmp_path: Path, env):
    store = tmp_path / "interstat" / "metrics.db"
    empty_store(store, env)
    # The empty store is about 100 KB; the corpus makes the store and its log
    # grow past 160 KB.
    _analyze_until_full(store, env, preexec_fn=file_size_limit(120_000))
    _analyze_again_matches_expected(store, env)


def test_analyze_that_fills_a_real_file_system(store_sized_disk: Path, env, tmp_path: Path):
    store = store_sized_disk / "interstat" / "metrics.db"
    empty_store(store, env)
    _analyze_until_full(store, env)
    # Make room by moving the store to a roomier disk, as a user would.
    roomy = tmp_path / "roomy" / "metrics.db"
    roomy.parent.mkdir(mode=0o700)
    source = sqlite3.connect(store)
    target = sqlite3.connect(roomy)
    source.backup(target)
    source.close()
    target.close()
    _analyze_again_matches_expected(roomy, env)


@pytest.fixture
def read_only_store(tmp_path: Path, env) -> Iterator[Path]:
    """A store with one run, on a read-only file system or without write permission."""
    folder = tmp_path / "ro"
    folder.mkdir()
    mounted = _mount_tmpfs(folder, "size=4m,mode=0700")
    if not mounted and os.geteuid() == 0:
        pytest.skip("root ignores file modes and no tmpfs can be mounted here")
    store = folder / "interstat" / "metrics.db"
    store_with_one_run(store, env)
    if mounted:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    else:
        store.chmod(0o400)
        store.parent.chmod(0o500)
    yield store
    if mounted:
        subprocess.run(["umount", "-l", str(folder)], check=False)
    else:
        store.parent.chmod(0o700)


def test_hook_on_a_read_only_store_warns_once_and_exits_0(read_only_store: Path, env):
    before = checksum(read_only_store)
    done = run_interstat(["--db", str(read_only_store), "hook", "PreToolUse"], env,
                         stdin=dispatch("s-1", "toolu_2"))
    assert_one_warning(done, str(read_only_store), "event lost")
    assert checksum(read_only_store) == before


def test_analyze_on_a_read_only_store_says_so_and_changes_nothing(read_only_store: Path, env):
    before = checksum(read_only_store)
    done = run_interstat(
        ["--db", str(read_only_store), "analyze", "--claude-dir", str(corpus_dir() / CORPUS)],
        env,
    )
    assert_one_error(done, read_only_store, "cannot write the store")
    assert checksum(read_only_store) == before
    assert os.listdir(read_only_store.parent) == ["metrics.db"]
