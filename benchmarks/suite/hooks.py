"""The capture hook, whole process per event, against the sh + jq + sqlite3 reference.

Both hooks get the same events in the order Claude Code sends them for a
foreground sub-agent (PreToolUse, SubagentStart, SubagentStop, PostToolUse),
each run with new ids so every event lands a new or changed row, and the two
are interleaved event by event (ours, then the reference) so that the load
of the machine weighs on both alike.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from benchmarks.suite.measure import BenchmarkError, clean_env, median, percentile, run
from benchmarks.suite.workspace import Workspace, interstat_command

EVENTS = ("PreToolUse", "SubagentStart", "SubagentStop", "PostToolUse")
REFERENCE = Path(__file__).resolve().parents[1] / "reference_hook.sh"
WARM_UP = 5
RESPONSE_BYTES = 20 * 1024
_FILLER = "The handler checks the session before it reads the queue; found 3 issues. "


def _text(size: int) -> str:
    return (_FILLER * (size // len(_FILLER) + 1))[:size]


def events(index: int) -> dict[str, dict]:
    """The four events of one sub-agent run, as 2.1.332 sends them."""
    session = f"5e55{index:04d}-0000-4000-8000-000000000000"
    agent, tool = f"a{index:016x}", f"toolu_bench{index:014d}"
    common = {
        "session_id": session, "cwd": "/home/dev/src/project", "permission_mode": "default",
        "transcript_path": f"/home/dev/.claude/projects/-home-dev-src-project/{session}.jsonl",
        "prompt_id": f"prompt-{index}",
    }
    tool_input = {"description": "Review the queue module", "prompt": _text(1500),
                  "subagent_type": "fd-correctness", "model": "sonnet",
                  "run_in_background": False}
    response = {"status": "completed", "agentId": agent, "agentType": "fd-correctness",
                "content": [{"type": "text", "text": _text(RESPONSE_BYTES)}],
                "totalDurationMs": 41234, "totalTokens": 52340, "totalToolUseCount": 7,
                "usage": {"input_tokens": 12, "cache_read_input_tokens": 48000,
                          "cache_creation_input_tokens": 3900, "output_tokens": 428},
                "resolvedModel": "claude-sonnet-5-5"}
    agent_fields = {"agent_id": agent, "agent_type": "fd-correctness"}
    return {
        "PreToolUse": {**common, "hook_event_name": "PreToolUse", "tool_name": "Agent",
                       "tool_input": tool_input, "tool_use_id": tool},
        "SubagentStart": {**common, **agent_fields, "hook_event_name": "SubagentStart"},
        "SubagentStop": {**common, **agent_fields, "hook_event_name": "SubagentStop",
                         "agent_transcript_path": f"/tmp/{session}/agent-{agent}.jsonl",
                         "last_assistant_message": _text(2000), "stop_hook_active": False},
        "PostToolUse": {**common, "hook_event_name": "PostToolUse", "tool_name": "Agent",
                        "tool_input": tool_input, "tool_use_id": tool,
                        "tool_response": response, "duration_ms": 41240},
    }


def reference_available() -> bool:
    return bool(shutil.which("jq") and shutil.which("sqlite3") and shutil.which("sh"))


def benchmark(ws: Workspace, runs: int) -> dict:
    # No --db: the hook finds its store as it does under Claude Code, through
    # CLAUDE_CONFIG_DIR (the first config root) and the config file beside it.
    config_root = ws.root / "claude"
    shutil.rmtree(config_root, ignore_errors=True)
    # Claude Code creates its config folder before any hook runs.
    config_root.mkdir(parents=True)
    ours_store = config_root / "interstat" / "metrics.db"
    ref_store = ws.fresh_store("reference-hook")
    env = clean_env({"HOME": str(ws.home), "CLAUDE_CONFIG_DIR": str(config_root)})
    ref_env = clean_env({"HOME": str(ws.home), "INTERSTAT_REF_DB": str(ref_store)})
    with_reference = reference_available()
    times = {tool: {event: [] for event in EVENTS} for tool in ("interstat", "reference")}
    for index in range(WARM_UP + runs):
        for event, payload in events(index).items():
            data = json.dumps(payload).encode()
            ours = run([*interstat_command(), "hook", event], env=env, stdin=data)
            ref = run(["sh", str(REFERENCE)], env=ref_env, stdin=data) if with_reference else None
            if index >= WARM_UP:
                times["interstat"][event].append(ours.seconds)
                if ref:
                    times["reference"][event].append(ref.seconds)
    _check(ours_store, ref_store if with_reference else None, WARM_UP + runs)
    return _figures(times, with_reference, len(json.dumps(events(0)["PostToolUse"])))


def _check(ours: Path, reference: Path | None, runs: int) -> None:
    with sqlite3.connect(ours) as conn:
        done = conn.execute("SELECT COUNT(*) FROM agent_runs WHERE status = 'completed'"
                            " AND agent_id IS NOT NULL AND tool_use_id IS NOT NULL").fetchone()
    if done[0] != runs:
        raise BenchmarkError(f"interstat's hook recorded {done[0]} complete runs of {runs}")
    if reference is not None:
        with sqlite3.connect(reference) as conn:
            rows = conn.execute("SELECT COUNT(*) FROM agent_runs").fetchone()[0]
        if rows != runs * len(EVENTS):
            raise BenchmarkError(f"the reference hook wrote {rows} rows of {runs * 4}")


def _figures(times: dict, with_reference: bool, post_bytes: int) -> dict:
    rows = {}
    for event in EVENTS:
        ours = times["interstat"][event]
        row = {"interstat_median": median(ours), "interstat_p99": percentile(ours, 99),
               "runs": len(ours)}
        if with_reference:
            ref = times["reference"][event]
            row.update(reference_median=median(ref), reference_p99=percentile(ref, 99),
                       ratio=median(ours) / median(ref))
        rows[event] = row
    return {"events": rows, "reference_available": with_reference,
            "post_tool_use_bytes": post_bytes}
