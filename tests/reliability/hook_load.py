"""One load worker: a session dispatching batches of parallel sub-agents.

    python -m tests.reliability.hook_load WORKER RUNS BATCH STORE GO MODE

Says it is ready (file GO.ready-WORKER), waits for the file GO, then fires
each batch's events phase by phase, every event of a phase at once, as
Claude Code runs the hooks of parallel agents.
MODE ``fork`` runs each hook in a forked child (the hook's whole code path,
without the interpreter's start-up, so thousands fit in a test); ``exec``
starts the real ``interstat hook`` command. Prints one JSON line per event:
its start and end (``time.monotonic``, comparable across processes), exit
status, stderr and, in fork mode, how many events it spooled and drained.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from interstat.capture import spool
from interstat.capture.hook import run_hook
from tests.reliability.support import PHASES, interstat_exe, phase_events, plan_runs

COUNTS = {"spooled": 0, "drained": 0}
_real_append, _real_drain = spool.append, spool.drain


def _counting_append(*args, **kwargs):
    _real_append(*args, **kwargs)
    COUNTS["spooled"] += 1


def _counting_drain(*args, **kwargs):
    applied = _real_drain(*args, **kwargs)
    COUNTS["drained"] += applied
    return applied


def _child(event: str, raw: bytes, store: str, err_w: int, result_w: int) -> None:
    """The forked hook: stderr into a pipe, one JSON result, then exit."""
    code = 70
    try:
        os.dup2(err_w, 2)
        sys.stdin = io.TextIOWrapper(io.BytesIO(raw))
        COUNTS.update(spooled=0, drained=0)
        code = run_hook([event, "--db", store])
        sys.stderr.flush()
        os.write(result_w, json.dumps({**COUNTS, "end": time.monotonic()}).encode())
    finally:
        os._exit(code)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def fire_forked(events: list[tuple[str, bytes]], store: str) -> list[dict]:
    sys.stdout.flush()
    sys.stderr.flush()
    children = []
    for event, raw in events:
        err_r, err_w = os.pipe()
        result_r, result_w = os.pipe()
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            os.close(err_r)
            os.close(result_r)
            _child(event, raw, store, err_w, result_w)
        os.close(err_w)
        os.close(result_w)
        children.append((event, start, pid, err_r, result_r))
    outcomes = []
    for event, start, pid, err_r, result_r in children:
        stderr, result = _read_all(err_r), _read_all(result_r)
        _, status, usage = os.wait4(pid, 0)
        counts = json.loads(result) if result else {"spooled": 0, "drained": 0, "end": None}
        end = counts.pop("end") or time.monotonic()
        outcomes.append({"event": event, "start": start, "seconds": end - start,
                         "cpu": usage.ru_utime + usage.ru_stime,
                         "exit": os.waitstatus_to_exitcode(status),
                         "stderr": stderr.decode(errors="replace"), **counts})
    return outcomes


def _exec_one(event: str, raw: bytes, store: str) -> dict:
    start = time.monotonic()
    hook = subprocess.Popen([interstat_exe(), "hook", event, "--db", store],
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    hook.stdin.write(raw)
    hook.stdin.close()
    stderr = hook.stderr.read()
    # wait4, not wait: the child's own CPU time tells waiting from working.
    _, status, usage = os.wait4(hook.pid, 0)
    hook.returncode = os.waitstatus_to_exitcode(status)
    return {"event": event, "start": start, "seconds": time.monotonic() - start,
            "cpu": usage.ru_utime + usage.ru_stime, "exit": hook.returncode,
            "stderr": stderr.decode(errors="replace")}


def fire_exec(events: list[tuple[str, bytes]], store: str) -> list[dict]:
    with ThreadPoolExecutor(max_workers=len(events)) as pool:
        return list(pool.map(lambda pair: _exec_one(*pair, store), events))


def main(argv: list[str]) -> None:
    worker, runs, batch, store, go, mode = argv
    planned = plan_runs(f"load-session-{worker}", int(runs), f"w{worker}")
    spool.append, spool.drain = _counting_append, _counting_drain
    fire = fire_forked if mode == "fork" else fire_exec
    Path(f"{go}.ready-{worker}").touch()
    while not Path(go).exists():
        time.sleep(0.005)
    outcomes = []
    size = int(batch)
    for first in range(0, len(planned), size):
        for phase in PHASES:
            outcomes += fire(phase_events(phase, planned[first:first + size]), store)
    for outcome in outcomes:
        print(json.dumps(outcome))


if __name__ == "__main__":
    main(sys.argv[1:])
