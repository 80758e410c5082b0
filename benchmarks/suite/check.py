"""Are the measured tools right? Their totals against the generator's expected.json.

A fast wrong answer is no result: interstat's per-run totals must equal the
tree's ground truth or the benchmark stops. ccusage's per-session totals are
checked the same way and reported.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from benchmarks.suite.measure import BenchmarkError

RUN_FIELDS = ("status", "api_calls", "input_tokens", "output_tokens", "cache_hit_tokens",
              "cache_creation_tokens", "cache_creation_1h_tokens", "total_tokens",
              "peak_context_tokens")
SESSION_FIELDS = {"input_tokens": "inputTokens", "output_tokens": "outputTokens",
                  "cache_hit_tokens": "cacheReadTokens",
                  "cache_creation_tokens": "cacheCreationTokens"}


def expected(tree: Path) -> dict:
    return json.loads((tree / "expected.json").read_text())


def check_store(store: Path, tree: Path) -> int:
    """Raise BenchmarkError unless every expected run is stored with its exact totals;
    returns how many runs were compared."""
    want = {(run["session_id"], run["agent_id"]): run for run in expected(tree)["runs"]}
    columns = ", ".join(RUN_FIELDS)
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            f"SELECT session_id, agent_id, {columns} FROM agent_runs WHERE kind = 'dispatched'"
        ).fetchall()
    got = {(session, agent): dict(zip(RUN_FIELDS, rest)) for session, agent, *rest in rows}
    if set(got) != set(want):
        missing, extra = len(set(want) - set(got)), len(set(got) - set(want))
        raise BenchmarkError(f"interstat stored {len(got)} runs, expected {len(want)} "
                             f"({missing} missing, {extra} unexpected)")
    for key, run in want.items():
        wrong = {field: (got[key][field], run[field]) for field in RUN_FIELDS
                 if got[key][field] != run[field]}
        if wrong:
            raise BenchmarkError(f"run {key}: stored != expected for {wrong}")
    return len(want)


def ccusage_matches(report: bytes, tree: Path) -> bool:
    """Whether ccusage's per-session totals equal the tree's expected sessions."""
    sessions = json.loads(report)["sessions"]
    got = {s["sessionId"]: tuple(s[name] for name in SESSION_FIELDS.values()) for s in sessions}
    want = {s["session_id"]: tuple(s[name] for name in SESSION_FIELDS)
            for s in expected(tree)["sessions"]}
    return got == want
