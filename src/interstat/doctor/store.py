"""Checks of the store file, its folder, their owner and modes, and the spool."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from interstat.doctor import INFO, OK, PROBLEM, WARN, Finding
from interstat.store.paths import spool_path
from interstat.store_check import EMPTY, FOREIGN, MISSING, NOT_SQLITE, inspect_store
from interstat.store_check import OK as STORE_OK

AREA = "store"

#: What a store's folder and files may allow: the owner only.
FOLDER_MODE, FILE_MODE = 0o700, 0o600


def store_files(store: Path) -> list[Path]:
    """The store and the files SQLite and the hook keep beside it, those that exist."""
    names = [store.name, f"{store.name}-wal", f"{store.name}-shm", spool_path(store).name]
    return [store.with_name(name) for name in names if store.with_name(name).exists()]


def private_folder(store: Path) -> bool:
    """Whether the store's folder holds only interstat's files, so it must be private.

    A store put in a folder of the user's own (``--db ~/work/x.db``) leaves
    that folder's mode to the user.
    """
    allowed = (store.name, "config.toml")
    return all(entry.name.startswith(allowed) for entry in store.parent.iterdir())


def check_state(store: Path) -> tuple[Finding, str]:
    """What the file is, and its kind (``interstat.store_check``)."""
    state = inspect_store(store, check="full")
    if state.kind == MISSING:
        found = Finding(AREA, WARN, f"no store at {store} yet; the plugin's hook creates it "
                        "on the first sub-agent run, or run 'interstat init-db'")
    elif state.kind == EMPTY:
        found = Finding(AREA, INFO, f"{store} is empty; it is set up on first use")
    elif state.kind == STORE_OK:
        found = Finding(AREA, OK, f"{store}: integrity ok, schema version "
                        f"{state.schema_version}")
    else:
        found = Finding(AREA, PROBLEM, state.message)
    return found, state.kind


def _mode_problem(path: Path, allowed: int) -> str | None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & ~allowed & 0o777:
        return f"{path} has mode {mode:04o}, readable by others; --repair sets {allowed:04o}"
    return None


def guarded_paths(store: Path) -> list[tuple[Path, int]]:
    """The paths whose owner and mode doctor checks, with the widest mode allowed."""
    if not store.parent.exists():
        return []
    folder = [(store.parent, FOLDER_MODE)] if private_folder(store) else []
    return folder + [(path, FILE_MODE) for path in store_files(store)]


def check_access(store: Path) -> Iterator[Finding]:
    """Owner and modes of the folder and every store file."""
    checked = guarded_paths(store)
    if not checked:
        return
    problems = 0
    for path, allowed in checked:
        owner = path.stat().st_uid
        if owner != os.getuid():
            problems += 1
            yield Finding(AREA, PROBLEM, f"{path} belongs to user id {owner}, not to you; "
                          f"give it back with 'sudo chown $(id -un) {path}'")
        problem = _mode_problem(path, allowed)
        if problem:
            problems += 1
            yield Finding(AREA, PROBLEM, problem)
    if not problems:
        yield Finding(AREA, OK, f"{store} and the files beside it are yours and private")


_READ_ONLY_DISK = "it is on a read-only disk"


def _on_read_only_disk(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _why_unwritable(path: Path) -> tuple[str, str] | None:
    """Why ``path`` cannot be written and what to do, or None when it can."""
    folder = path.is_dir()
    if os.access(path, os.W_OK | os.X_OK if folder else os.W_OK):
        return None
    if _on_read_only_disk(path):
        return _READ_ONLY_DISK, "remount that disk read-write"
    if folder:
        return "the folder is read-only", f"run 'chmod u+wx {path}'"
    return ("the file is read-only or immutable",
            f"run 'chmod u+w {path}' (or 'sudo chattr -i {path}')")


def check_writable(store: Path) -> Iterator[Finding]:
    """The store, the files beside it, and the folder SQLite and the hook write them in.

    Reading needs none of them writable, so an intact store says nothing of this.
    """
    folder = store.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # a store not made yet goes under its nearest folder
    disk_named = False
    for path in [folder, *store_files(store)]:
        unwritable = _why_unwritable(path)
        if unwritable is None:
            continue
        why, fix = unwritable
        if why == _READ_ONLY_DISK:
            if disk_named:
                continue  # one read-only disk is one problem, whatever sits on it
            disk_named = True
        yield Finding(AREA, PROBLEM, f"cannot write {path} ({why}): analyze fails and "
                      f"hooks cannot store runs; {fix}, or use another store (--db, "
                      "INTERSTAT_DB or paths.db)")


def check_spool(store: Path) -> Finding | None:
    spool = spool_path(store)
    try:
        content = spool.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        return Finding(AREA, PROBLEM, f"cannot read the spool {spool}: {error.strerror}")
    pending = sum(1 for line in content.splitlines() if line.strip())
    if not pending:
        return None
    return Finding(AREA, WARN, f"{pending} hook events wait in {spool}; the next hook that "
                   "can write the store adds them")


def check_store(store: Path) -> list[Finding]:
    state, kind = check_state(store)
    # Another program's file is not ours to judge, nor to change.
    if kind in (FOREIGN, NOT_SQLITE):
        findings = [state]
    else:
        findings = [state, *check_writable(store), *check_access(store)]
    spool = check_spool(store)
    return findings + ([spool] if spool else [])
