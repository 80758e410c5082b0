"""Peer tools the benchmarks compare interstat with, installed outside the repo.

    python -m benchmarks.peers install          # npm install ccusage into the cache
    python -m benchmarks.peers ccusage TREE     # run it once on TREE, print the time

ccusage is pointed at a tree with CLAUDE_CONFIG_DIR=TREE, where TREE holds
`projects/` (a `projects/` folder itself is accepted too). HOME is an empty
folder so that the user's own ~/.claude and ccusage config stay out of it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import stat
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

CCUSAGE_VERSION = "20.0.24"
_ARCH = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}


@dataclass(frozen=True)
class Command:
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None

    def run(self, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.argv, env=self.env, cwd=self.cwd, capture_output=True,
                              text=True, timeout=timeout, check=True)


def cache_dir() -> Path:
    """Where peers are installed: never inside the repository."""
    return Path(os.environ.get("INTERSTAT_BENCH_CACHE",
                               Path.home() / ".cache" / "interstat-bench"))


def ccusage_prefix(cache: Path | None = None) -> Path:
    return (cache or cache_dir()) / f"ccusage-{CCUSAGE_VERSION}"


def ccusage_binary(cache: Path | None = None) -> Path:
    """The native binary inside the platform package that ccusage's npm
    wrapper would spawn; running it directly keeps node's start-up out of
    the timings."""
    system = platform.system().lower()
    arch = _ARCH.get(platform.machine().lower(), platform.machine())
    name = "ccusage.exe" if system == "windows" else "ccusage"
    system = "win32" if system == "windows" else system
    return (ccusage_prefix(cache) / "node_modules" / "@ccusage"
            / f"ccusage-{system}-{arch}" / "bin" / name)


def install_ccusage(cache: Path | None = None) -> Path:
    """npm-install the pinned ccusage into the cache (once) and return its binary."""
    binary = ccusage_binary(cache)
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is needed to install ccusage")
        subprocess.run([npm, "install", "--prefix", str(ccusage_prefix(cache)), "--no-audit",
                        "--no-fund", f"ccusage@{CCUSAGE_VERSION}"], check=True)
    # npm unpacks the platform package without the executable bit.
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return binary


def ccusage_session_command(tree: Path, cache: Path | None = None) -> Command:
    """`ccusage claude session --json --offline` over the tree at `tree`."""
    home = (cache or cache_dir()) / "empty-home"
    home.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "CLAUDE_CONFIG_DIR": str(Path(tree).resolve()),
        "NO_COLOR": "1",
        "TZ": "UTC",
    }
    argv = [str(ccusage_binary(cache)), "claude", "session", "--json", "--offline"]
    return Command(argv, env, home)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("install", help="install ccusage into the cache")
    run = sub.add_parser("ccusage", help="run ccusage session --json on a tree")
    run.add_argument("tree", type=Path)
    args = parser.parse_args(argv)

    if args.command == "install":
        print(install_ccusage())
        return 0
    cmd = ccusage_session_command(args.tree)
    started = time.perf_counter()
    out = cmd.run()
    elapsed = time.perf_counter() - started
    report = json.loads(out.stdout)
    print(json.dumps({"seconds": round(elapsed, 3), "sessions": len(report["sessions"]),
                      "totals": report["totals"]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
