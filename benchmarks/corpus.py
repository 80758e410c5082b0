"""Seeded generator of a Claude Code 2.1.332 `projects/` tree, with its ground truth.

    python -m benchmarks.corpus generate OUT --preset small --seed 1
    python -m benchmarks.corpus big OUT --size 1G --seed 1
    python -m benchmarks.corpus append OUT --percent 5 --round 1
    python -m benchmarks.corpus hash OUT
    python -m benchmarks.corpus stats OUT

OUT gets `projects/` (point CLAUDE_CONFIG_DIR at OUT) and `expected.json`.
The same seed and preset give a byte-identical tree.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .corpusgen import append as appender
from .corpusgen import planner, truth
from .corpusgen.plan import Session
from .corpusgen.sizes import KB, MB, PRESETS, file_sizes, split_roles
from .corpusgen.text import TextPool
from .corpusgen.writer import write_session

EXPECTED = "expected.json"
_POOLS: dict[int, TextPool] = {}


def generate(root: Path, preset: str = "tiny", seed: int = 0, workers: int = 2) -> dict:
    """Write the preset's tree under `root` (which must not hold a projects/ yet)."""
    spec = PRESETS[preset]
    session_sizes, agent_sizes = split_roles(file_sizes(spec), spec,
                                             random.Random(f"roles/{seed}"))
    sessions = planner.build(session_sizes, agent_sizes, seed)
    return _write(root, sessions, seed, {"mode": "preset", "preset": preset}, workers)


def write_big_file(root: Path, size: int, seed: int = 0, agents: int = 4) -> dict:
    """One session transcript of about `size` bytes (and a few small sub-agent
    files it dispatched), for measuring memory on a single huge file."""
    sessions = planner.build([size], [200 * KB] * agents, seed)
    return _write(root, sessions, seed, {"mode": "big", "size": size}, workers=1)


def append_lines(root: Path, percent: float, round_no: int = 1,
                 share: float = 0.01) -> dict:
    """Append about `percent`% new lines to `share` of the files, updating expected.json."""
    return appender.append(root, percent, round_no, share)


def _write(root: Path, sessions: list[Session], seed: int, mode: dict, workers: int) -> dict:
    root = Path(root)
    if (root / "projects").exists():
        raise FileExistsError(f"{root / 'projects'} exists: generate into an empty folder")
    root.mkdir(parents=True, exist_ok=True)
    # Biggest first so the two workers finish together; the order of writing
    # does not change any byte, each file has its own seeded Random.
    order = sorted(sessions, key=lambda s: -(s.size + sum(a.size for a in s.agents)))
    chunks = [order[i::workers] for i in range(workers)] if workers > 1 else [order]
    if len(chunks) > 1:
        with ProcessPoolExecutor(len(chunks)) as ex:
            size = sum(ex.map(_write_chunk, [root] * len(chunks), chunks,
                              [seed] * len(chunks)))
    else:
        size = _write_chunk(root, order, seed)
    files = len(sessions) + sum(len(s.agents) for s in sessions)
    generator = {"name": "interstat-bench-corpus", "version": "2.1.332", "seed": seed, **mode}
    truth_doc = truth.expected(root, sessions, generator, files, size)
    _dump(root / EXPECTED, truth_doc)
    return truth_doc["tree"]


def _write_chunk(root: Path, sessions: list[Session], seed: int) -> int:
    pool = _POOLS.get(seed) or _POOLS.setdefault(seed, TextPool(seed))
    return sum(write_session(root, s, seed, pool) for s in sessions)


def _dump(path: Path, doc: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, indent=1) + "\n")
    os.replace(tmp, path)


def tree_hash(root: Path) -> str:
    """sha256 over every file's relative path and bytes, in sorted order."""
    root = Path(root)
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
        h.update(b"\0")
    return h.hexdigest()


def stats(root: Path) -> dict:
    """Size distribution of the tree's .jsonl files, to compare with a preset."""
    sizes, agent_bytes = [], 0
    for path in Path(root, "projects").rglob("*.jsonl"):
        n = path.stat().st_size
        sizes.append(n)
        agent_bytes += n if path.parent.name == "subagents" else 0
    sizes = sorted(sizes) or [0]

    def pick(q: float) -> int:
        return sizes[min(len(sizes) - 1, int(q * len(sizes)))]

    return {"files": len(sizes), "bytes": sum(sizes), "median": pick(0.5),
            "p90": pick(0.9), "p99": pick(0.99), "largest": sizes[-1],
            "agent_byte_share": round(agent_bytes / max(1, sum(sizes)), 3)}


def parse_size(text: str) -> int:
    units = {"K": KB, "M": MB, "G": 1024 * MB}
    text = text.strip().upper().rstrip("B")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.corpus", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write a preset's tree")
    gen.add_argument("--preset", choices=sorted(PRESETS), default="tiny")
    gen.add_argument("--workers", type=int, default=2)
    big = sub.add_parser("big", help="write one big session file")
    big.add_argument("--size", type=parse_size, required=True, help="e.g. 1G, 300M")
    big.add_argument("--agents", type=int, default=4)
    for p in (gen, big):
        p.add_argument("--seed", type=int, default=0)
    app = sub.add_parser("append", help="append new lines to some files")
    app.add_argument("--percent", type=float, default=5.0)
    app.add_argument("--share", type=float, default=0.01, help="fraction of files touched")
    app.add_argument("--round", type=int, default=1, help="a new round gives new lines")
    sub.add_parser("hash", help="print the tree's sha256")
    sub.add_parser("stats", help="print the size distribution")
    for p in sub.choices.values():
        p.add_argument("root", type=Path)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        result = _run(args)
    except (FileExistsError, FileNotFoundError, ValueError) as e:
        # Expected misuse gets one line; anything else keeps its traceback.
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=1) if not isinstance(result, str) else result)
    print(f"{args.command}: {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return 0


def _run(args: argparse.Namespace) -> object:
    if args.command == "generate":
        return generate(args.root, args.preset, args.seed, args.workers)
    if args.command == "big":
        return write_big_file(args.root, args.size, args.seed, args.agents)
    if args.command == "append":
        return append_lines(args.root, args.percent, args.round, args.share)
    if args.command == "hash":
        return tree_hash(args.root)
    return stats(args.root)


if __name__ == "__main__":
    sys.exit(main())
