"""Running a command as a user would and measuring it: wall time, peak memory.

Each run is a fresh process. When asked, peak memory is sampled every 10 ms
from /proc two ways: the proportional set size (PSS) of the whole process
tree (analyze has worker processes, and their summed RSS would count the
pages they share with their parent several times) and the largest single
RSS. Not ``ru_maxrss``: Linux charges a child that execs with the resident
size of the parent it forked from, here the benchmark itself.
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
    #: Sampled only when asked (``tree_memory``): the largest single process's
    #: RSS, and the PSS of the whole process tree.
    max_rss_kb: int | None
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


def _tree_memory_kb(root: int) -> tuple[int, int]:
    """PSS of ``root`` and its descendants summed, and the largest single RSS.

    PSS because forked workers share pages with their parent, and plain RSS
    would count those once per process.
    """
    total, largest, stack = 0, 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
                for line in handle:
                    if line.startswith(b"Rss:"):
                        largest = max(largest, int(line.split()[1]))
                    elif line.startswith(b"Pss:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{pid}/task/{pid}/children", "rb") as handle:
                stack.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError, IndexError):
            continue  # the process ended between two reads
    return total, largest


class _TreeSampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.pss, self.rss, self.done = pid, 0, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_EVERY):
            pss, rss = _tree_memory_kb(self.pid)
            self.pss, self.rss = max(self.pss, pss), max(self.rss, rss)


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
        status = _wait(proc.pid, began + timeout)
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
    if sampler is None:
        return Sample(seconds, None, None, output)
    return Sample(seconds, sampler.rss, sampler.pss, output)


def _wait(pid: int, deadline: float) -> int:
    # Blocking, so that the measuring process takes no CPU from the measured;
    # a timer kills a run past its deadline.
    timer = threading.Timer(max(0.0, deadline - time.perf_counter()), os.kill, (pid, 9))
    timer.start()
    try:
        return os.waitpid(pid, 0)[1]
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
