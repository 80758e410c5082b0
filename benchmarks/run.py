"""Run every benchmark and write RESULTS.md.

    uv run python -m benchmarks.run                    # full: about 25 minutes, 2 cores
    uv run python -m benchmarks.run --preset quick     # seconds: for CI

Generated trees and stores go to --data (default benchmarks/data/, git-ignored)
and are deleted at the end unless --keep-data. The full preset writes
benchmarks/RESULTS.md and installs ccusage when it is missing; the quick one
writes its RESULTS.md and results.json into --data and records a missing
peer as unavailable.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
import time
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from benchmarks import peers
from benchmarks.suite import analyze, goals, hooks, machine, render, stores
from benchmarks.suite.measure import BenchmarkError
from benchmarks.suite.presets import PRESETS, Preset
from benchmarks.suite.workspace import Workspace

HERE = Path(__file__).resolve().parent


def _ccusage_ready(preset: Preset) -> bool:
    if peers.ccusage_binary().exists():
        return True
    if preset.name == "quick" or shutil.which("npm") is None:
        return False
    peers.install_ccusage()
    return True


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def measure_all(ws: Workspace, preset: Preset) -> dict:
    results: dict = {"preset": asdict(preset), "machine": machine.describe()}
    tree = ws.tree(preset.tree)
    _log(f"cold analyze vs ccusage on {preset.tree}")
    results["cold"], store = analyze.cold_against_ccusage(ws, preset, tree,
                                                          _ccusage_ready(preset))
    _log("warm analyze and appends")
    results["warm"] = analyze.warm(ws, preset, tree, store)
    rounds = analyze.appended(ws, preset, tree, store)
    results["append"] = analyze.pace(results["cold"], results["warm"], rounds)
    ws.drop(tree)
    _log("analyze time against tree size")
    results["scaling"] = analyze.scaling(ws, preset, preset.tree, results["cold"])
    _log("peak memory on single big files")
    results["big_files"] = analyze.big_files(ws, preset)
    _log("capture hook against the reference")
    results["hook"] = hooks.benchmark(ws, preset.hook_runs)
    _log("status and report on synthetic stores")
    results["stores"] = stores.commands(ws, preset)
    results["version"] = stores.version(ws, preset)
    results["load_at_end"] = machine.load()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", choices=sorted(PRESETS), default="full")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--out", type=Path, help="RESULTS.md to write")
    parser.add_argument("--keep-data", action="store_true",
                        help="keep generated trees and stores for the next run")
    args = parser.parse_args(argv)
    preset = PRESETS[args.preset]
    out = args.out or (HERE / "RESULTS.md" if preset.name == "full"
                       else args.data / "RESULTS.md")
    ws = Workspace(args.data, preset.seed, keep=args.keep_data)
    started = time.perf_counter()
    try:
        results = measure_all(ws, preset)
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    finally:
        if not args.keep_data:
            shutil.rmtree(args.data / "trees", ignore_errors=True)
    results["command"] = "uv run python -m benchmarks.run " + shlex.join(
        sys.argv[1:] if argv is None else argv)
    results["finished_at"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    results["minutes"] = (time.perf_counter() - started) / 60
    found = goals.judge(results)
    results["goals"] = [asdict(goal) for goal in found]
    args.data.mkdir(parents=True, exist_ok=True)
    (args.data / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    previous = out.read_text() if out.exists() else None
    out.write_text(render.render(results, found, previous))
    _log(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
