"""Timing every hook process: a shim the plugin's wrapper runs in place of the CLI.

The wrapper runs ``$INTERSTAT_BIN hook EVENT``; the shim stamps the time
before it starts the real CLI and after the CLI exited, and writes one file
per hook process. bash's ``EPOCHREALTIME`` reads the clock without starting a
process, and its ``times`` builtin gives the CPU time the CLI used, so the
report can tell work from waiting (for a core, or for the store's lock).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

#: Lines the test run prints in its terminal summary (see conftest.py).
REPORT_KEY = pytest.StashKey[list]()

SHIM = """#!{bash}
start=$EPOCHREALTIME
{real} "$@"
status=$?
end=$EPOCHREALTIME
# One file per process: concurrent hooks never interleave their lines.
{{ printf '%s %s %s %s\\n' "${{2:-none}}" "$start" "$end" "$status"; times; }} \\
    > {folder}/"$$-$end.hook"
exit $status
"""


def write_shim(path: Path, real: Path, folder: Path) -> Path:
    """A timing shim at ``path`` that runs ``real`` and writes into ``folder``."""
    bash = shutil.which("bash")
    assert bash is not None, "bash is needed for the hook timing shim"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(SHIM.format(bash=bash, real=_quoted(real), folder=_quoted(folder)))
    path.chmod(0o755)
    return path


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "'\\''") + "'"


@dataclass(frozen=True)
class HookTime:
    """One hook process: its event, how long the CLI ran and used a CPU, its exit code."""

    event: str
    seconds: float
    cpu_seconds: float
    exit_code: int


def _microseconds(stamp: str) -> int:
    # EPOCHREALTIME is seconds and six decimals; some locales write a comma.
    whole, _, fraction = stamp.replace(",", ".").partition(".")
    return int(whole) * 1_000_000 + int(fraction.ljust(6, "0")[:6])


def _clock(text: str) -> float:
    # ``times`` writes durations such as 0m0.052s.
    minutes, _, rest = text.partition("m")
    return int(minutes) * 60 + float(rest.rstrip("s").replace(",", "."))


def read_times(folder: Path) -> list[HookTime]:
    times = []
    for path in sorted(folder.glob("*.hook")):
        # Line 1: the stamps; line 2: the shell's own CPU; line 3: its children's.
        stamps, _, children = path.read_text().splitlines()
        event, start, end, code = stamps.split()
        user, system = children.split()
        seconds = (_microseconds(end) - _microseconds(start)) / 1e6
        times.append(HookTime(event, seconds, _clock(user) + _clock(system), int(code)))
    return times


def summary(times: list[HookTime]) -> dict[str, dict[str, float]]:
    """Count, median and worst wall time, median CPU time (ms), over all hooks and per event."""
    groups: dict[str, list[HookTime]] = defaultdict(list)
    for hook in times:
        groups["all events"].append(hook)
        groups[hook.event].append(hook)
    return {
        name: {"count": len(hooks),
               "median_ms": _ms(statistics.median(h.seconds for h in hooks)),
               "worst_ms": _ms(max(h.seconds for h in hooks)),
               "median_cpu_ms": _ms(statistics.median(h.cpu_seconds for h in hooks))}
        for name, hooks in sorted(groups.items(), key=lambda item: item[0] != "all events")
    }


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def interpreter_floor(executable: Path, runs: int = 5) -> float:
    """Median ms to start and stop the Python behind a console script, doing nothing.

    The part of a hook's time that no change to interstat's code can save.
    """
    python = executable.read_text().splitlines()[0].removeprefix("#!").strip()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([python, "-c", "pass"], check=True, stdin=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 1)


def format_summary(table: dict[str, dict[str, float]]) -> list[str]:
    lines = [f"{'event':<20} {'hooks':>5} {'median ms':>10} {'worst ms':>9} {'median CPU ms':>14}"]
    for name, row in table.items():
        lines.append(f"{name:<20} {row['count']:>5} {row['median_ms']:>10} {row['worst_ms']:>9}"
                     f" {row['median_cpu_ms']:>14}")
    return lines
