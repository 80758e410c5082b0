"""Install the pinned Claude Code CLI once, and build sealed environments to run it in."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import tempfile
from pathlib import Path

VERSION = "2.1.332"
PACKAGE = "@anthropic-ai/claude-code"

# Without the first, the CLI probes the base URL and looks up api.anthropic.com
# in DNS; the rest stop telemetry and self-updates. See README.md.
QUIET_ENV = {
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    "DISABLE_TELEMETRY": "1",
    "DISABLE_ERROR_REPORTING": "1",
    "DISABLE_AUTOUPDATER": "1",
    "IS_SANDBOX": "1",  # lets root use --permission-mode bypassPermissions
}

# Outer-session variables that must not reach the CLI under test.
_LEAKY_PREFIXES = ("CLAUDE", "ANTHROPIC", "OTEL_", "AWS_", "GOOGLE_", "VERTEX_", "MCP_")
_LEAKY_NAMES = {"HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME",
                "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                "all_proxy", "NO_PROXY", "no_proxy", "NODE_OPTIONS", "TMUX", "TERM_PROGRAM"}


class CliUnavailable(RuntimeError):
    """node/npm are missing, so the CLI cannot be installed here."""


def cache_dir() -> Path:
    """Where the package is installed: outside the repository, shared by runs."""
    override = os.environ.get("INTERSTAT_E2E_CACHE")
    base = Path(override) if override else Path.home() / ".cache" / "interstat-e2e"
    return base / f"claude-code-{VERSION}"


def _platform_key() -> str:
    machine = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64"}.get(
        platform.machine().lower(), platform.machine().lower())
    system = platform.system().lower()
    musl = system == "linux" and not platform.libc_ver()[0]
    return f"{system}-{machine}" + ("-musl" if musl else "")


def find_binary(root: Path) -> Path | None:
    """The native binary of an install under ``root``, made executable; None if absent."""
    modules = root / "node_modules" / "@anthropic-ai"
    candidates = [modules / f"claude-code-{_platform_key()}" / "claude"]
    candidates += sorted(modules.glob("claude-code-*/claude"))
    # The wrapper's bin/claude.exe becomes the binary only when npm ran the
    # postinstall script, which --ignore-scripts or allowScripts may prevent.
    candidates.append(modules / "claude-code" / "bin" / "claude.exe")
    for path in candidates:
        if path.is_file() and path.stat().st_size > 1_000_000:
            if not os.access(path, os.X_OK):
                path.chmod(path.stat().st_mode | 0o111)
            return path
    return None


def install(root: Path | None = None) -> Path:
    """Install the pinned CLI into ``root`` unless it is there; return the binary."""
    root = root or cache_dir()
    found = find_binary(root)
    if found is not None and _reports_version(found):
        return found
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise CliUnavailable("node and npm are needed to install Claude Code for e2e tests")
    root.mkdir(parents=True, exist_ok=True)
    # A package.json of our own stops npm from walking up into a parent project.
    (root / "package.json").write_text('{"name": "interstat-e2e-cli", "private": true}\n')
    done = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--no-save", "--loglevel=error",
         "--prefix", str(root), f"{PACKAGE}@{VERSION}"],
        capture_output=True, text=True, timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"npm install {PACKAGE}@{VERSION} failed:\n{done.stderr[-3000:]}")
    found = find_binary(root)
    if found is None or not _reports_version(found):
        raise RuntimeError(f"npm installed {PACKAGE}@{VERSION} but no native binary in {root}")
    return found


def _reports_version(binary: Path) -> bool:
    with tempfile.TemporaryDirectory(prefix="claude-version-") as home:
        try:
            out = subprocess.run([str(binary), "--version"], capture_output=True, text=True,
                                 timeout=60, env={"PATH": os.defpath, "HOME": home})
        except (OSError, subprocess.TimeoutExpired):
            return False
    return out.stdout.startswith(VERSION)


def session_env(home: Path, base_url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """A sealed environment: own HOME, the fake API, nothing from the outer session."""
    env = {
        name: value for name, value in os.environ.items()
        if not name.startswith(_LEAKY_PREFIXES) and name not in _LEAKY_NAMES
    }
    env.update(QUIET_ENV)
    env.update({
        "HOME": str(home),
        "ANTHROPIC_BASE_URL": base_url,
        "ANTHROPIC_API_KEY": "sk-ant-fake-e2e",
        "NO_PROXY": "127.0.0.1,localhost",
        "TERM": "dumb",
    })
    env.update(extra or {})
    return env
