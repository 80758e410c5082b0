"""A synthetic store of many runs, for measuring ``interstat status`` at scale.

Run ``uv run python tests/reports/synthetic_store.py [RUNS]`` to build one in a
temporary folder and print how long ``interstat status`` takes on it. Rows
look like real ones (uuids, digests, paths) so the file has a realistic size.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from interstat.store.connect import open_store

AGENTS = ["fd-quality", "fd-safety", "fd-correctness", "fd-architecture", "fd-performance",
          "Explore", "general-purpose", "Plan", "code-reviewer", "test-runner"]
MODELS = ["claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5"]
COLUMNS = (
    "session_id", "agent_id", "tool_use_id", "agent_name", "invocation_id", "workflow_id",
    "project", "description", "prompt_sha256", "model", "kind", "status", "started_at",
    "ended_at", "wall_clock_ms", "findings", "api_calls", "input_tokens", "output_tokens",
    "cache_hit_tokens", "cache_creation_tokens", "total_tokens", "peak_context_tokens",
    "tokens_source", "transcript_path", "parsed_at", "created_at", "updated_at",
)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _rows(count: int, rng: random.Random):
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    session = str(uuid.UUID(int=rng.getrandbits(128)))
    for index in range(count):
        if index % 5 == 0:
            session = str(uuid.UUID(int=rng.getrandbits(128)))
        began = start + timedelta(seconds=index * 30)
        wall = rng.randint(5_000, 600_000)
        parsed = rng.random() < 0.95
        peak = rng.randint(8_000, 180_000)
        total = peak * rng.randint(1, 6)
        stamp = _stamp(began)
        yield (
            session, f"a{rng.getrandbits(64):016x}", f"toolu_{rng.getrandbits(96):024x}",
            rng.choice(AGENTS), f"msg_{index // 3:020d}", session, "/home/dev/project",
            "Run a review", f"{rng.getrandbits(256):064x}", rng.choice(MODELS),
            "dispatched" if rng.random() < 0.98 else "compaction", "completed", stamp,
            _stamp(began + timedelta(milliseconds=wall)), wall, rng.randint(0, 6),
            rng.randint(1, 12), total // 100, total // 50, total // 2, total // 10,
            total if parsed else None, peak if parsed else None,
            "transcript" if parsed else None,
            f"/home/dev/.claude/projects/-home-dev-project/{session}/subagents/agent.jsonl",
            stamp if parsed else None, stamp, stamp,
        )


def build_synthetic_store(path: Path, runs: int = 1_000_000, seed: int = 0) -> Path:
    """Create a current-schema store at ``path`` holding ``runs`` synthetic runs."""
    open_store(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    conn.executemany(
        f"INSERT INTO agent_runs ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
        _rows(runs, random.Random(seed)),
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return path


def time_status(store: Path, repeat: int = 3) -> list[float]:
    """Wall seconds of ``interstat --db STORE status`` in a fresh process, each run."""
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "interstat", "--db", str(store), "status"],
            check=True, capture_output=True,
        )
        timings.append(time.perf_counter() - began)
    return timings


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "metrics.db"
        began = time.perf_counter()
        build_synthetic_store(store, count)
        size = store.stat().st_size / 1e6
        print(f"built {count:,} runs ({size:.0f} MB) in {time.perf_counter() - began:.1f} s")
        print("interstat status:", ", ".join(f"{t:.3f} s" for t in time_status(store)))
