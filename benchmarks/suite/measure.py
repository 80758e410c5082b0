"""Running a command as a user would and measuring it: wall time, peak memory.

Each run is a fresh process. Peak memory is measured two ways: the largest
single process (``ru_maxrss`` from ``wait4``, which covers the children it
waited for) and, when asked, the proportional set size (PSS) of the whole
process tree, sampled every 10 ms from /proc: analyze uses worker processes,
so the largest one alone would understate what it holds, and their summed
RSS would count the pages they share with their parent several times.
"""

from __future__ import annotations

import math
import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_EVERY = 0.01


class BenchmarkError(RuntimeError):
    """A measured command failed or gave a wrong answer: the benchmark stops."""


@dataclass(frozen=True)
class Sample:
    seconds: float
    max_rss_kb: int
    tree_pss_kb: int | None
    output: bytes


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The caller's environment as a user's shell would have it.

    PYTHONDONTWRITEBYTECODE is dropped: a real install has compiled bytecode,
    and without it every start would compile interstat again.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra or {})
    return env


def _tree_pss_kb(root: int) -> int:
    """Proportional set size of ``root`` and its descendants: forked workers share
    pages with their parent, and plain RSS would count those once per process."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
                for line in handle:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{pid}/task/{pid}/children", "rb") as handle:
                stack.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError, IndexError):
            continue  # the process ended between two reads
    return total


class _TreeSampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_EVERY):
            self.peak = max(self.peak, _tree_pss_kb(self.pid))


def run(argv: list[str], *, env: dict[str, str] | None = None, stdin: bytes | None = None,
        cwd: Path | None = None, tree_memory: bool = False, timeout: float = 3600) -> Sample:
    """Run ``argv`` once; raise BenchmarkError unless it exits 0 with a silent stderr."""
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-out-{os.getpid()}"
    with open(out_path, "w+b") as out, open(f"{out_path}.err", "w+b") as err:
        began = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=err,
                                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL)
        sampler = _TreeSampler(proc.pid) if tree_memory else None
        if sampler:
            sampler.start()
        if stdin is not None:
            proc.stdin.write(stdin)
            proc.stdin.close()
        _, status, usage = _wait(proc.pid, began + timeout)
        seconds = time.perf_counter() - began
        proc.returncode = os.waitstatus_to_exitcode(status)
        if sampler:
            sampler.done.set()
            sampler.join()
        out.seek(0)
        err.seek(0)
        output, errors = out.read(), err.read()
    os.unlink(out_path)
    os.unlink(f"{out_path}.err")
    if proc.returncode != 0 or errors.strip():
        raise BenchmarkError(f"{' '.join(map(str, argv[:4]))}... exited {proc.returncode}: "
                             f"{errors.decode(errors='replace').strip()[:500]}")
    return Sample(seconds, usage.ru_maxrss, sampler.peak if sampler else None, output)


def _wait(pid: int, deadline: float):
    # wait4 rather than Popen.wait: it returns the child's resource usage.
    # Blocking, so that the measuring process takes no CPU from the measured.
    timer = threading.Timer(max(0.0, deadline - time.perf_counter()), os.kill, (pid, 9))
    timer.start()
    try:
        return os.wait4(pid, 0)
    finally:
        timer.cancel()


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: list[float], percent: float) -> float:
    """Nearest rank: the value at rank ceil(p/100 x n) of the sorted values."""
    ordered = sorted(values)
    rank = math.ceil(round(percent * len(ordered) / 100, 9))
    return ordered[max(rank, 1) - 1]


def summary(values: list[float]) -> dict:
    return {"median": median(values), "min": min(values), "max": max(values),
            "runs": len(values)}
