"""Standard output a disk refuses: one line and exit 1; a reader that leaves: quiet.

Each command runs as a real process with its standard output on a device
that refuses every write (``/dev/full``'s twin), on a file past the
process's size limit (any user can set one), or on a pipe already closed.
"""

from __future__ import annotations

import errno
import io
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import add_call, add_run, new_store, refresh

COMMANDS = {
    "report": ["report"],
    "report json": ["report", "--format", "json"],
    "report csv": ["report", "--format", "csv"],
    "report markdown": ["report", "--format", "markdown"],
    "report sections": ["report", "--list-sections"],
    "status": ["status"],
    "status json": ["status", "--format", "json"],
    "export": ["export"],
    "export jsonl": ["export", "--format", "jsonl"],
    "config": ["config"],
    "plugins": ["plugins"],
    "init-db": ["init-db"],
    "version": ["--version"],
    "help": ["--help"],
}


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "metrics.db"
    conn = new_store(path)
    run = add_run(conn, "s1", agent_id="a1", agent_name="fd-quality", model="claude-opus-5",
                  started_at="2026-03-01T10:00:00.000Z", status="completed")
    add_call(conn, "r1|m1", "s1", "agent:a1", input_tokens=10, output_tokens=5)
    refresh(conn, run)
    conn.close()
    return path


def interstat(store: Path, args: list[str], stdout, **options) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("interstat")
    return subprocess.run([str(script), "--db", str(store), *args], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=60, check=False,
                          **options)


def assert_one_error(done: subprocess.CompletedProcess, code: int) -> None:
    assert done.returncode == 1, done.stderr
    assert done.stderr == f"Error: cannot write standard output: {os.strerror(code)}\n"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_full_device_is_one_error(store: Path, full_device: Path, name: str) -> None:
    with open(full_device, "wb") as target:
        done = interstat(store, COMMANDS[name], target)
    assert_one_error(done, errno.ENOSPC)


def no_file_over(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize("name", ["report", "report csv", "status json", "export"])
def test_a_file_at_the_size_limit_is_one_error(store: Path, tmp_path: Path, name: str) -> None:
    # The store's own files stay far below the limit; the output starts at it.
    limit = 1024 * 1024
    output = tmp_path / "out.txt"
    output.write_bytes(b"x" * limit)
    with open(output, "ab") as target:
        done = interstat(store, COMMANDS[name], target, preexec_fn=no_file_over(limit))
    assert_one_error(done, errno.EFBIG)
    assert output.stat().st_size == limit


def test_a_refusal_seen_only_at_exit_is_one_error(store: Path, full_device: Path) -> None:
    # A report this small stays in the buffer until the process ends.
    args = COMMANDS["report csv"]
    whole = interstat(store, args, subprocess.PIPE)
    assert whole.returncode == 0 and 0 < len(whole.stdout) < io.DEFAULT_BUFFER_SIZE
    with open(full_device, "wb") as target:
        done = interstat(store, args, target)
    assert_one_error(done, errno.ENOSPC)


@pytest.mark.parametrize("name", ["report", "report json", "status", "export", "help"])
def test_a_reader_gone_before_the_output_is_quiet(store: Path, name: str) -> None:
    reading, writing = os.pipe()
    os.close(reading)
    try:
        done = interstat(store, COMMANDS[name], writing)
    finally:
        os.close(writing)
    assert (done.returncode, done.stderr) == (1, "")
