"""Installing interstat as a user does, and reading what its hooks left behind.

The CLI comes from ``uv tool install <repo>`` into a temporary HOME, the plugin
from ``claude plugin marketplace add <repo>`` and ``claude plugin install``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .session import Runner

REPO_ROOT = Path(__file__).resolve().parents[2]
MARKETPLACE_FILE = REPO_ROOT / ".claude-plugin" / "marketplace.json"
HOOKS_FILE = REPO_ROOT / "plugin" / "hooks" / "hooks.json"
CLI_NAME = "interstat"


def marketplace_name() -> str:
    return str(json.loads(MARKETPLACE_FILE.read_text())["name"])


def install_plugin(runner: Runner, home: Path, env: dict[str, str]) -> None:
    """``claude plugin marketplace add <repo>`` then ``claude plugin install``, as documented."""
    runner.cli(["plugin", "marketplace", "add", str(REPO_ROOT)], home=home, env=env)
    runner.cli(["plugin", "install", f"interstat@{marketplace_name()}"], home=home, env=env)


def path_without_cli(path: str) -> str:
    """``path`` minus every folder that holds an ``interstat`` (``uv run`` adds the venv's)."""
    kept = [part for part in path.split(os.pathsep)
            if part and not (Path(part) / CLI_NAME).exists()]
    return os.pathsep.join(kept)


@dataclass(frozen=True)
class ToolInstall:
    """Where ``uv tool install`` put the CLI, how long it took and whether it went online."""

    executable: Path
    seconds: float
    offline: bool


def uv_tool_install(home: Path) -> ToolInstall:
    """``uv tool install <repo>`` with its tool and bin folders in ``home``'s default places.

    uv keeps the caller's cache. The locked versions are the constraints, so a
    cache filled by ``uv sync`` serves every wheel; offline is tried first and
    only index pages missing from the cache make uv ask the package index.
    """
    uv = shutil.which("uv")
    assert uv is not None, "uv is needed to install the CLI as a user does (.ci/run installs it)"
    bin_dir = home / ".local" / "bin"
    env = {name: value for name, value in os.environ.items() if name != "VIRTUAL_ENV"}
    env.update({"UV_TOOL_DIR": str(home / ".local" / "share" / "uv" / "tools"),
                "UV_TOOL_BIN_DIR": str(bin_dir)})
    constraints = home / "locked-versions.txt"
    _run([uv, "export", "--frozen", "--no-dev", "--no-emit-project", "--no-hashes",
          "--no-header", "-o", str(constraints)], env)
    # As the README installs it: compiled, so hook timings are a user's even
    # where PYTHONDONTWRITEBYTECODE is set (as it may be where tests run).
    install = [uv, "tool", "install", "--compile-bytecode", "--python", sys.executable,
               "--constraints", str(constraints), str(REPO_ROOT)]
    start = time.monotonic()
    offline = _run([*install, "--offline"], env, check=False).returncode == 0
    if not offline:
        _run(install, env)
    seconds = time.monotonic() - start
    executable = bin_dir / CLI_NAME
    assert executable.is_file(), f"uv tool install left no {executable}"
    return ToolInstall(executable, seconds, offline)


def _run(argv: list[str], env: dict[str, str], check: bool = True
         ) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, env=env, cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"{argv} exited {done.returncode}\n{done.stderr[-3000:]}")
    return done


def hook_timeouts() -> dict[str, float]:
    """Each event's timeout in seconds, as the plugin's hooks.json sets it."""
    table = json.loads(HOOKS_FILE.read_text())["hooks"]
    return {event: float(entry["hooks"][0]["timeout"]) for event, (entry, *_) in table.items()}


def store_rows(store: Path) -> list[dict[str, Any]]:
    """Every ``agent_runs`` row, as dicts."""
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute("SELECT * FROM agent_runs ORDER BY run_id")]


def wait_for_analysis(store: Path, session_ids: Iterable[str], timeout: float = 60) -> float:
    """Wait until SessionEnd's analyses of ``session_ids`` ended; return the seconds waited.

    An analysis ended when the log says it started and no process runs it any
    more. Without ``/proc`` to look at processes, wait until every run of
    those sessions has ``parsed_at`` instead.
    """
    wanted = set(session_ids)
    log = store.parent / "analyze.log"
    start = time.monotonic()
    while not _analyses_done(store, log, wanted):
        if time.monotonic() - start > timeout:
            text = log.read_text() if log.exists() else "(no analyze.log)"
            raise AssertionError(f"analysis of {sorted(wanted)} not done after {timeout}s;"
                                 f" analyze.log:\n{text[-3000:]}")
        time.sleep(0.2)
    return time.monotonic() - start


def _analyses_done(store: Path, log: Path, wanted: set[str]) -> bool:
    if not (store.exists() and log.exists()):
        return False
    started = log.read_text()
    if not all(f"analyze --session={sid}" in started for sid in wanted):
        return False
    if Path("/proc/self").exists():
        return not _analyses_running(wanted)
    return all(row["parsed_at"] for row in store_rows(store) if row["session_id"] in wanted)


def _analyses_running(wanted: set[str]) -> bool:
    """Whether a process still runs ``analyze --session=ID`` for one of ``wanted``."""
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # it ended while we looked
        if any(arg.decode(errors="replace").removeprefix("--session=") in wanted
               for arg in argv if arg.startswith(b"--session=")):
            return True
    return False
