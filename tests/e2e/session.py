"""Run the real CLI headless against the fake API, one sealed HOME per session."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .claude_cli import session_env


@dataclass
class Session:
    """What one ``claude -p`` run printed and where it wrote."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    duration: float
    home: Path
    cwd: Path
    result: dict[str, Any] | None  # the parsed ``--output-format json`` object

    @property
    def projects(self) -> Path:
        return self.home / ".claude" / "projects"

    @property
    def session_id(self) -> str:
        assert self.result is not None, f"no JSON result; stderr: {self.stderr[-2000:]}"
        return str(self.result["session_id"])

    @property
    def session_file(self) -> Path:
        found = sorted(self.projects.glob(f"*/{self.session_id}.jsonl"))
        assert len(found) == 1, f"expected one session file, found {found}"
        return found[0]

    @property
    def session_dir(self) -> Path:
        """The folder beside the session file that holds ``subagents/``."""
        return self.session_file.with_suffix("")

    def agent_files(self) -> list[Path]:
        """Every sub-agent transcript of this session, nested folders included."""
        return sorted(self.session_dir.rglob("agent-*.jsonl"))

    def describe(self) -> str:
        """A failure message with what the CLI said."""
        return (f"claude exited {self.returncode} after {self.duration:.1f}s\n"
                f"args: {self.args}\nstdout: {self.stdout[-3000:]}\nstderr: {self.stderr[-3000:]}")


class Runner:
    """Runs the binary in fresh temporary HOMEs; safe to call from several threads."""

    def __init__(self, binary: Path, base_url: str, base: Path) -> None:
        self.binary = binary
        self.base_url = base_url
        self.base = base

    def new_home(self) -> Path:
        return Path(tempfile.mkdtemp(prefix="home-", dir=self.base))

    def new_project(self) -> Path:
        project = Path(tempfile.mkdtemp(prefix="proj-", dir=self.base))
        (project / "foo.py").write_text("def foo():\n    return 1\n")
        return project

    def cli(self, args: Sequence[str], *, home: Path, cwd: Path | None = None,
            timeout: float = 60, env: dict[str, str] | None = None,
            check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run any ``claude`` subcommand (``plugin install`` and the like)."""
        argv = [str(self.binary), *args]
        out, err, code = self._run(argv, home, cwd or home, timeout, env)
        done = subprocess.CompletedProcess(argv, code, out, err)
        if check and code != 0:
            raise AssertionError(f"{argv} exited {code}\nstdout: {out}\nstderr: {err}")
        return done

    def session(self, prompt: str, *, plugin_dir: Path | None = None,
                agents_json: dict[str, Any] | str | None = None, model: str | None = None,
                extra_args: Sequence[str] = (), home: Path | None = None,
                cwd: Path | None = None, timeout: float = 120,
                env: dict[str, str] | None = None) -> Session:
        """``claude -p PROMPT --output-format json --permission-mode bypassPermissions``."""
        home = home or self.new_home()
        cwd = cwd or self.new_project()
        args = ["-p", prompt, "--output-format", "json",
                "--permission-mode", "bypassPermissions"]
        if plugin_dir is not None:
            args += ["--plugin-dir", str(plugin_dir)]
        if agents_json is not None:
            text = agents_json if isinstance(agents_json, str) else json.dumps(agents_json)
            args += ["--agents", text]
        if model is not None:
            args += ["--model", model]
        args += list(extra_args)
        start = time.monotonic()
        out, err, code = self._run([str(self.binary), *args], home, cwd, timeout, env)
        return Session(args, code, out, err, time.monotonic() - start, home, cwd,
                       _parse_result(out))

    def _run(self, argv: list[str], home: Path, cwd: Path, timeout: float,
             env: dict[str, str] | None) -> tuple[str, str, int]:
        tmp = home / "tmp"
        tmp.mkdir(exist_ok=True)
        # TMPDIR keeps the CLI's task output files out of the machine's /tmp.
        full_env = session_env(home, self.base_url, {"TMPDIR": str(tmp), **(env or {})})
        # A session of its own lets a timeout kill the hooks the CLI started, too.
        proc = subprocess.Popen(argv, cwd=cwd, env=full_env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            raise AssertionError(f"{argv[:3]} timed out after {timeout}s\n"
                                 f"stdout: {out[-2000:]}\nstderr: {err[-2000:]}") from None
        return out, err, proc.returncode


def _parse_result(stdout: str) -> dict[str, Any] | None:
    # The JSON result is the last non-empty line; anything else means it is missing.
    lines = [line for line in stdout.splitlines() if line.strip()]
    if not lines:
        return None
    try:
        parsed = json.loads(lines[-1])
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None
