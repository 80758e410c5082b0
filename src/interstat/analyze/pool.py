"""Parsing files in worker processes, handed back in the order they were found.

Parsing is most of analyze's work and every file is parsed on its own, so
groups of files go to worker processes while the main process applies what
came back, strictly in file order (session files before agent files): the
store ends up the same whatever the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

import attrs

from interstat.analyze.jobs import FileJob, FileOutcome, JobReader
from interstat.errors import ConfigError

#: Worker processes; 1 (or 0) reads every file in the main process.
WORKERS_ENV = "INTERSTAT_WORKERS"
MAX_WORKERS = 8
#: Bytes one task reads: big enough that handing it over costs little,
#: small enough that every core stays busy until the end.
GROUP_BYTES = 8 * 1024 * 1024
GROUP_FILES = 64
#: A file with more than this to read is streamed by the main process, so
#: that its facts never wait in memory all at once.
STREAM_BYTES = 256 * 1024 * 1024
#: Tasks handed out ahead of the one being applied, per worker.
AHEAD_PER_WORKER = 4

# Set in the parent just before the workers fork, so they inherit the
# parsers (closures, which cannot be sent to another process).
_reader: JobReader | None = None


@attrs.frozen
class Task:
    """Files read together; a ``streamed`` task is one file read by the caller."""

    jobs: tuple[FileJob, ...]
    streamed: bool = False


def plan_tasks(jobs: Iterable[tuple[FileJob, int]]) -> list[Task]:
    """Group ``(job, bytes to read)`` pairs into tasks, keeping their order."""
    tasks: list[Task] = []
    group: list[FileJob] = []
    size = 0
    for job, cost in jobs:
        if cost > STREAM_BYTES:
            if group:
                tasks.append(Task(tuple(group)))
                group, size = [], 0
            tasks.append(Task((job,), streamed=True))
            continue
        group.append(job)
        size += cost
        if size >= GROUP_BYTES or len(group) >= GROUP_FILES:
            tasks.append(Task(tuple(group)))
            group, size = [], 0
    if group:
        tasks.append(Task(tuple(group)))
    return tasks


def worker_count() -> int:
    """``$INTERSTAT_WORKERS``, else the CPUs this process may use (at most 8)."""
    raw = os.environ.get(WORKERS_ENV, "").strip()
    if raw:
        if not raw.isdigit():
            raise ConfigError(f"{WORKERS_ENV}={raw!r} is not a number; use 1 for no workers")
        return int(raw)
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS))


def _can_fork() -> bool:
    # Only Linux forks safely here; elsewhere (spawn) workers would have to
    # load every plugin again, so files are read in the main process.
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _start_worker(parent: int) -> None:
    """Worker start: end with the analyze process, and leave Ctrl-C to it.

    A worker waits on a pipe whose writing end its sibling workers also hold, so
    it would never see the end of it: killed or terminated, analyze would leave
    its workers behind, holding the store open. Linux kills them instead
    (PR_SET_PDEATHSIG). Ctrl-C reaches the whole process group; the main
    process alone answers it, and shuts the workers down.
    """
    import ctypes

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    set_death_signal = 1  # PR_SET_PDEATHSIG in <linux/prctl.h>
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(set_death_signal, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _read_in_worker(jobs: tuple[FileJob, ...]) -> list[FileOutcome]:
    assert _reader is not None, "workers are forked after the reader is set"
    return _reader.read_all(jobs)


class TaskRunner:
    """Yields each task with its outcomes (None for a streamed one), in order."""

    def __init__(self, reader: JobReader, workers: int):
        self.reader = reader
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None

    def results(
        self, tasks: list[Task]
    ) -> Iterator[tuple[Task, list[FileOutcome] | None]]:
        pooled = sum(not task.streamed for task in tasks)
        if self.workers < 2 or pooled < 2 or not _can_fork():
            for task in tasks:
                yield task, None if task.streamed else self.reader.read_all(task.jobs)
            return
        global _reader
        _reader = self.reader
        context = multiprocessing.get_context("fork")
        self._executor = ProcessPoolExecutor(
            min(self.workers, pooled), mp_context=context,
            initializer=_start_worker, initargs=(os.getpid(),))
        try:
            yield from self._ordered(tasks)
        finally:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
            _reader = None

    def _ordered(
        self, tasks: list[Task]
    ) -> Iterator[tuple[Task, list[FileOutcome] | None]]:
        assert self._executor is not None
        queue: deque[tuple[Task, Future | None]] = deque()
        running = 0
        limit = self.workers * AHEAD_PER_WORKER
        for task in tasks:
            future = None if task.streamed else self._executor.submit(_read_in_worker, task.jobs)
            queue.append((task, future))
            running += future is not None
            while queue and running >= limit:
                front, done = queue.popleft()
                running -= done is not None
                yield front, done.result() if done is not None else None
        while queue:
            front, done = queue.popleft()
            yield front, done.result() if done is not None else None
