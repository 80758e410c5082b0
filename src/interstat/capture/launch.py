"""SessionEnd: start ``interstat analyze`` for the session, detached.

Claude Code kills SessionEnd hooks after 1.5 s, so the hook only starts the
analysis in a new session (its own process group, which that kill does not
reach) with no terminal, and returns at once. Its output goes to a log
beside the store.
"""

from __future__ import annotations

import os
import sys

from interstat.store.locate import join, parent
from interstat.store.times import utc_now

LOG_NAME = "analyze.log"
#: The log is started afresh past this size; it only ever holds recent runs.
LOG_LIMIT_BYTES = 1024 * 1024


def analyze_command(store_path: str | os.PathLike[str], session_id: str) -> list[str]:
    """The command line; ``sys.executable`` so that PATH does not matter."""
    return [
        sys.executable, "-m", "interstat", "--db", str(store_path),
        "analyze", f"--session={session_id}",
    ]


def _open_log(folder: str) -> int:
    os.makedirs(folder, mode=0o700, exist_ok=True)
    path = join(folder, LOG_NAME)
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
    try:
        if os.stat(path).st_size > LOG_LIMIT_BYTES:
            flags |= os.O_TRUNC
    except FileNotFoundError:
        pass
    return os.open(path, flags, 0o600)


def start_analyze(store_path: str | os.PathLike[str], session_id: str) -> None:
    """Start the analysis of ``session_id`` unless ``INTERSTAT_NO_AUTO_ANALYZE=1``."""
    if os.environ.get("INTERSTAT_NO_AUTO_ANALYZE") == "1":
        return
    import subprocess  # only SessionEnd pays for it

    command = analyze_command(store_path, session_id)
    log = _open_log(parent(os.fspath(store_path)))
    try:
        os.write(log, f"{utc_now()} start: analyze --session={session_id}\n".encode())
        subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
            close_fds=True,
        )
    finally:
        os.close(log)


def last_failure(store_path: str | os.PathLike[str]) -> str | None:
    """The error of the latest automatic analyze in the log, if the latest one failed.

    Each analyze ends its output with a ``Read ...`` summary or an ``Error: ...``
    line; only the log's tail is read, so that status stays fast.
    """
    path = join(parent(os.fspath(store_path)), LOG_NAME)
    try:
        with open(path, "rb") as log:
            log.seek(max(0, os.fstat(log.fileno()).st_size - 8192))
            tail = log.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    for line in reversed(tail):
        if line.startswith("Read "):
            return None
        if line.startswith("Error: "):
            return line.removeprefix("Error: ")
    return None
