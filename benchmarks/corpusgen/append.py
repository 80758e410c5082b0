"""Grow a generated tree as a live user would between two scans: a few
conversations go on, each by a few percent. expected.json follows."""

from __future__ import annotations

import json
import math
import os
import random
import re
from pathlib import Path

from .lines import Transcript
from .plan import Call, make_calls
from .text import TextPool
from .truth import totals
from .turns import final_turn, tool_turn
from .writer import flush

TAIL = 256 * 1024
LINES_PER_TURN = 4  # api-request, one or two assistant blocks, the tool result
SUMMED = ("api_calls", "input_tokens", "output_tokens", "cache_hit_tokens",
          "cache_creation_tokens", "cache_creation_1h_tokens", "total_tokens")


def append(root: Path, percent: float, round_no: int, share: float) -> dict:
    root = Path(root)
    doc = json.loads((root / "expected.json").read_text())
    seed = int(doc["generator"]["seed"])
    done = doc["generator"].setdefault("appends", [])
    if any(a["round"] == round_no for a in done):
        raise ValueError(f"round {round_no} was already appended: its lines would repeat")

    runs = {r["transcript"]: r for r in doc["runs"]}
    sessions = {s["session_id"]: s for s in doc["sessions"]}
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.jsonl"))
    # A failed run's file holds only an API error; going on with it would make it a success.
    files = [f for f in files if runs.get(f, {}).get("status") != "failed"]
    rng = random.Random(f"append/{seed}/{round_no}")
    chosen = sorted(rng.sample(files, max(1, round(len(files) * share))))

    pool = TextPool(seed)
    added_lines = added_bytes = 0
    for rel in chosen:
        lines, size, calls = _grow(root / rel, percent, seed, round_no, pool)
        added_lines += lines
        added_bytes += size
        run = runs.get(rel)
        session_id = run["session_id"] if run else Path(rel).stem
        for record in (run, sessions[session_id]):
            if record is not None:
                _add(record, totals(calls))
        if run is None:
            sessions[session_id]["main_api_calls"] += len(calls)

    done.append({"round": round_no, "percent": percent, "files": len(chosen)})
    tmp = root / "expected.tmp"
    tmp.write_text(json.dumps(doc, indent=1) + "\n")
    os.replace(tmp, root / "expected.json")
    return {"files": len(chosen), "lines": added_lines, "bytes": added_bytes,
            "touched": chosen}


def _grow(path: Path, percent: float, seed: int, round_no: int,
          pool: TextPool) -> tuple[int, int, list[Call]]:
    """Append about `percent`% more lines (and bytes) to one transcript;
    return the lines and bytes added and the calls they hold."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
        f.seek(max(0, size - TAIL))
        tail = f.read().decode("ascii", "replace")

    def last(field: str, default: str) -> str:
        found = re.findall(r'"%s":"((?:[^"\\]|\\.)*)"' % field, tail)
        return json.loads('"%s"' % found[-1]) if found else default

    agent_id = path.stem[len("agent-"):] if path.parent.name == "subagents" else None
    session_id = path.parent.parent.name if agent_id else path.stem
    rng = random.Random(f"append/{seed}/{round_no}/{path.name}")
    t = Transcript(seed, session_id, last("cwd", "/home/dev"), last("gitBranch", "main"),
                   agent_id, int(path.stat().st_mtime * 1000), rng, pool)
    t.parent = last("uuid", "") or None
    model = last("model", "claude-opus-5-5")
    model = model if model.startswith("claude-") else "claude-opus-5-5"

    n_turns = max(1, math.ceil(lines * percent / 100 / LINES_PER_TURN))
    calls = make_calls(n_turns, model, t.ids, rng, start_ctx=rng.randint(20_000, 120_000))
    t.user_prompt(t.prose(20, 600))
    kind = "general-purpose" if agent_id else None
    for call in calls:
        if call.tool:
            tool_turn(t, call, kind)
        else:
            final_turn(t, call, kind, t.prose(100, 1500))
    written = flush(t, path, int(size * percent / 100), mode="a")
    return sum(p.count("\n") for p in t.parts if isinstance(p, str)), written, calls


def _add(record: dict, extra: dict) -> None:
    for key in SUMMED:
        record[key] += extra[key]
    record["peak_context_tokens"] = max(record["peak_context_tokens"],
                                        extra["peak_context_tokens"])
