"""``interstat demo``: the whole pipeline on a bundled sample of real transcripts.

The sample (``demo_data/reviews.tar.xz``) is unpacked into a folder laid out
like a Claude config root (``projects/``) plus the hook inputs Claude Code
sent (``hooks/``). The hooks are replayed through capture in the order they
fired, analyze reads the transcripts, and the caller prints the report.
"""

from __future__ import annotations

import logging
import os
import tarfile
from importlib.resources import as_file, files
from pathlib import Path

import attrs

from interstat.errors import InterstatError
from interstat.store.connect import open_store
from interstat.store.locate import STORE_FILE_NAME

log = logging.getLogger(__name__)

SAMPLE_ARCHIVE = "reviews.tar.xz"
SAMPLE_FOLDER = "sample"


@attrs.frozen
class DemoRun:
    """Where the demo put things and what each step did."""

    sample_dir: Path
    store_path: Path
    hook_files: int
    hooks_replayed: bool
    analyze: object


def _check_member(member: tarfile.TarInfo, target: Path) -> None:
    # Our own archive, but unpacking must never write outside the folder.
    destination = (target / member.name).resolve()
    if not destination.is_relative_to(target.resolve()) or not (member.isfile() or member.isdir()):
        raise InterstatError(f"the demo sample holds an unexpected entry {member.name!r}; "
                             "reinstall interstat")


def unpack_sample(target: Path) -> Path:
    """Unpack the bundled sample into ``target``; returns ``target``."""
    resource = files("interstat") / "demo_data" / SAMPLE_ARCHIVE
    with as_file(resource) as archive, tarfile.open(archive, "r:xz") as tar:
        members = tar.getmembers()
        for member in members:
            _check_member(member, target)
        # The "data" filter (where this Python has it) also refuses odd modes and links.
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(target, members=members, **safe)
    return target


def hook_files(sample_dir: Path) -> list[Path]:
    """The recorded hook inputs, in the order they fired (their names start with ns)."""
    return sorted((sample_dir / "hooks").glob("*.json"), key=lambda path: path.name)


def replay_hooks(paths: list[Path], store_path: Path) -> bool:
    """Feed the hook inputs to capture; False when this build has no capture replay."""
    try:
        from interstat.capture.replay import replay_hook_files
    except ImportError:
        log.warning("capture replay is not available in this build; runs come from "
                    "the transcripts alone")
        return False
    replay_hook_files(paths, store_path)
    return True


def files_in_the_way(workdir: Path) -> list[str]:
    """Names in ``workdir`` the demo would write into: a store holding runs, a sample.

    The demo adds its runs to whatever store it finds, so a real one would be
    mixed with sample runs for good; a store without runs (``init-db``'s) is
    harmless.
    """
    try:
        names = os.listdir(workdir)
    except FileNotFoundError:
        return []
    store_files = [name for name in names if name.startswith(STORE_FILE_NAME)]
    if STORE_FILE_NAME in store_files and not _holds_runs(workdir / STORE_FILE_NAME):
        store_files = []
    return sorted(store_files + [name for name in names if name == SAMPLE_FOLDER])


def _holds_runs(store_path: Path) -> bool:
    """Whether the store has runs; a file that is no readable store counts as holding some."""
    import sqlite3

    try:
        # Read-write (never creating), so that closing removes the WAL files it opened.
        conn = sqlite3.connect(f"{store_path.resolve().as_uri()}?mode=rw", uri=True)
        try:
            return conn.execute("SELECT EXISTS (SELECT 1 FROM agent_runs)").fetchone()[0] == 1
        finally:
            conn.close()
    except sqlite3.Error:
        return True


def run_demo(workdir: Path) -> DemoRun:
    """Unpack, replay hooks, analyze; the store is left at ``workdir/metrics.db``."""
    from interstat.analyze import run_analyze

    in_the_way = files_in_the_way(workdir)
    if in_the_way:
        raise InterstatError(
            f"{workdir} already holds {', '.join(in_the_way)}: the demo would mix its "
            "sample runs into them; give --keep a new or empty folder"
        )
    sample_dir = unpack_sample(workdir / SAMPLE_FOLDER)
    store_path = workdir / STORE_FILE_NAME
    open_store(store_path).close()
    paths = hook_files(sample_dir)
    replayed = replay_hooks(paths, store_path)
    conn = open_store(store_path)
    try:
        summary = run_analyze(conn, [sample_dir])
    finally:
        conn.close()
    return DemoRun(sample_dir, store_path, len(paths), replayed, summary)
