"""Timing every hook process: a shim the plugin's wrapper runs in place of the CLI.

The wrapper runs ``$INTERSTAT_BIN hook EVENT``; the shim stamps the time
before it starts the real CLI and after the CLI exited, and appends one line
per hook process to a log. bash's ``EPOCHREALTIME`` reads the clock without
starting a process, so the stamps add no fork of their own.
"""

from __future__ import annotations

import shutil
import statistics
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
printf '%s %s %s %s\\n' "${{2:-none}}" "$start" "$end" "$status" >> {log}
exit $status
"""


def write_shim(path: Path, real: Path, log: Path) -> Path:
    """A timing shim at ``path`` that runs ``real`` and appends to ``log``."""
    bash = shutil.which("bash")
    assert bash is not None, "bash is needed for the hook timing shim"
    path.write_text(SHIM.format(bash=bash, real=_quoted(real), log=_quoted(log)))
    path.chmod(0o755)
    return path


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "'\\''") + "'"


@dataclass(frozen=True)
class HookTime:
    """One hook process: its event, how long the CLI ran, and its exit code."""

    event: str
    seconds: float
    exit_code: int


def _microseconds(stamp: str) -> int:
    # EPOCHREALTIME is seconds and six decimals; some locales write a comma.
    whole, _, fraction = stamp.replace(",", ".").partition(".")
    return int(whole) * 1_000_000 + int(fraction.ljust(6, "0")[:6])


def read_times(log: Path) -> list[HookTime]:
    times = []
    for line in log.read_text().splitlines():
        event, start, end, code = line.split()
        seconds = (_microseconds(end) - _microseconds(start)) / 1e6
        times.append(HookTime(event, seconds, int(code)))
    return times


def summary(times: list[HookTime]) -> dict[str, dict[str, float]]:
    """Count, median and worst in milliseconds, over all hooks and per event."""
    groups: dict[str, list[float]] = defaultdict(list)
    for hook in times:
        groups["all events"].append(hook.seconds)
        groups[hook.event].append(hook.seconds)
    return {
        name: {"count": len(values),
               "median_ms": round(statistics.median(values) * 1000, 1),
               "worst_ms": round(max(values) * 1000, 1)}
        for name, values in sorted(groups.items(), key=lambda item: item[0] != "all events")
    }


def format_summary(table: dict[str, dict[str, float]]) -> list[str]:
    lines = [f"{'event':<20} {'hooks':>5} {'median ms':>10} {'worst ms':>9}"]
    for name, row in table.items():
        lines.append(f"{name:<20} {row['count']:>5} {row['median_ms']:>10} {row['worst_ms']:>9}")
    return lines
