"""RESULTS.md from the figures; a hand-written analysis below the marker is kept."""

from __future__ import annotations

from pathlib import Path

from benchmarks.suite.goals import Goal

MARKER = "<!-- Written by hand below this line; the runner keeps it when it rewrites the file. -->"
MB = 1024 * 1024
GB = 1024 ** 3


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines + [""]


def _s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.3f} s"


def _size(count: int) -> str:
    if count >= GB // 2:
        return f"{count / GB:.2f} GB"
    return f"{count / MB:.1f} MB" if count >= MB else f"{count / 1024:.0f} KB"


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.1f} ms"


def _verdict(goal: Goal) -> str:
    return {True: "met", False: "**missed**", None: "not measured"}[goal.met]


def machine(results: dict) -> list[str]:
    m = results["machine"]
    rows = [[key, value] for key, value in m.items() if key != "load_at_start"]
    rows.append(["load average (1/5/15 min) at start", m["load_at_start"]])
    rows.append(["load average at end", results["load_at_end"]])
    return ["## Machine and versions", "", *_table(["", ""], rows)]


def goals(found: list[Goal]) -> list[str]:
    rows = [[g.name, g.target, g.measured, _verdict(g), g.gap] for g in found]
    return ["## Goals", "", *_table(["goal", "target", "measured", "verdict", "gap"], rows)]


def cold(results: dict) -> list[str]:
    c = results["cold"]
    rows = []
    for tool in ("interstat", "ccusage"):
        t = c[tool]
        if t is None:
            rows.append([tool, "unavailable", "", "", "", ""])
            continue
        rows.append([tool, _s(t["median"]), _s(t["min"]), _s(t["max"]),
                     f"{t['max_rss_mb']:.0f} MB", f"{t['tree_pss_mb']:.0f} MB"])
    lines = [
        "## Cold analyze against ccusage", "",
        f"Tree `{results['preset']['tree']}`: {_size(c['tree_bytes'])} of transcripts, "
        f"{c['runs_checked']:,} runs; {c['interstat']['runs']} runs of each, alternated.", "",
        *_table(["tool", "median", "min", "max", "peak RSS, largest process",
                 "peak PSS, process tree"], rows),
    ]
    if c.get("ratio") is not None:
        pairs = ", ".join(f"{ratio:.2f}" for ratio in c["pair_ratios"])
        lines += [f"Ratio of medians interstat / ccusage: **{c['ratio']:.2f}** "
                  f"(run by run: {pairs}).", "",
                  "ccusage's per-session totals equal expected.json: "
                  f"{c['ccusage']['totals_match_expected']}.", ""]
    lines += ["interstat's per-run totals were checked against expected.json after the first "
              "cold run and after every append round (a mismatch stops the benchmark).", ""]
    return lines


def incremental(results: dict) -> list[str]:
    w, cold_median = results["warm"], results["cold"]["interstat"]["median"]
    a = results["append"]
    rows = [[r["round"], f"{r['percent']:g}%", _size(r["bytes_added"]), _size(r["bytes_read"]),
             r["files_read"], _s(r["seconds"])] for r in a["rounds"]]
    return [
        "## Warm and incremental analyze", "",
        f"Nothing changed: median {_s(w['median'])} over {w['runs']} runs "
        f"({w['median'] / cold_median:.1%} of the cold median).", "",
        "Appending to 1% of the files, each round by a larger share of them "
        "(one run per round, totals checked after each):", "",
        *_table(["round", "growth", "added", "read", "files read", "time"], rows),
        f"As a line over the rounds: {a['fixed_seconds']:.3f} s + "
        f"{a['seconds_per_gb']:.2f} s per GB read, against {a['cold_seconds_per_gb']:.2f} s "
        f"per GB for the cold run ({a['to_cold_rate']:.2f}x) and {_s(a['warm_seconds'])} "
        "for a pass that reads nothing.", "",
    ]


def scaling(results: dict) -> list[str]:
    rows = [[r["tree"], _size(r["tree_bytes"]), r["runs"], _s(r["median"]),
             f"{r['seconds_per_gb']:.2f}",
             "-" if r["marginal_seconds_per_gb"] is None else f"{r['marginal_seconds_per_gb']:.2f}"]
            for r in results["scaling"]]
    return ["## Analyze time against tree size", "",
            "Marginal s/GB = the time added from the next smaller tree over the bytes added: "
            "start-up and finding files cost the same at every size.", "",
            *_table(["tree", "size", "runs", "median", "s/GB", "marginal s/GB"], rows)]


def memory(results: dict) -> list[str]:
    c = results["cold"]["interstat"]
    rows = [[f"tree `{results['preset']['tree']}`", f"{c['tree_pss_mb']:.0f} MB",
             f"{c['max_rss_mb']:.0f} MB", _s(c["median"])]]
    rows += [[f"one {_size(r['file_bytes'])} session file", f"{r['tree_pss_mb']:.0f} MB",
              f"{r['max_rss_mb']:.0f} MB", _s(r["median"])] for r in results["big_files"]]
    return ["## Peak memory of analyze", "",
            "Process tree = the proportional set size (PSS) of analyze and its workers summed, "
            "sampled every 10 ms; largest process = the largest RSS of one of them, sampled "
            "the same way.", "",
            *_table(["input", "peak, process tree", "peak, largest process", "time"], rows)]


def hook(results: dict) -> list[str]:
    h = results["hook"]
    rows = [[event, _ms(r["interstat_median"]), _ms(r["interstat_p99"]),
             _ms(r.get("reference_median")), _ms(r.get("reference_p99")),
             f"{r['ratio']:.2f}" if "ratio" in r else "-", r["runs"]]
            for event, r in h["events"].items()]
    return ["## Capture hook, whole process per event", "",
            f"PostToolUse input: {h['post_tool_use_bytes'] / 1024:.0f} KB. "
            "interstat = the installed `interstat hook EVENT` console script; reference = "
            "`benchmarks/reference_hook.sh` (sh + jq + sqlite3), alternated event by event.", "",
            *_table(["event", "interstat median", "interstat p99", "reference median",
                     "reference p99", "ratio of medians", "runs"], rows)]


def stores(results: dict) -> list[str]:
    rows = [[f"{r['runs_in_store']:,}", f"{r['store_mb']:.0f}", _s(r["status"]["median"]),
             _s(r["report"]["median"]), f"{r['report']['max_rss_mb']:.0f} MB",
             r["status"]["runs"]] for r in results["stores"]]
    v = results["version"]
    return ["## status and report on large stores (start-up included)", "",
            *_table(["runs in store", "store MB", "status median", "report median",
                     "report peak RSS", "runs"], rows),
            f"`interstat --version` (start-up alone): median {_s(v['median'])} over "
            f"{v['runs']} runs.", ""]


def render(results: dict, found: list[Goal], previous: str | None) -> str:
    p = results["preset"]
    lines = [
        "# Benchmark results", "",
        f"Written by `{results['command']}` on {results['finished_at']} "
        f"({results['minutes']:.1f} minutes). Every figure is a median over several fresh "
        "processes; every ratio compares runs made in the same benchmark run. Preset "
        f"`{p['name']}`: cold runs {p['cold_runs']}, hook runs {p['hook_runs']} per event, "
        f"status/report runs {p['store_runs']} ({p['largest_store_runs']} on the largest store), "
        f"big-file runs {p['big_runs']}.", "",
        *machine(results), *goals(found), *cold(results), *incremental(results),
        *scaling(results), *memory(results), *hook(results), *stores(results),
    ]
    kept = previous[previous.index(MARKER):] if previous and MARKER in previous else MARKER + "\n"
    return "\n".join(lines) + "\n" + kept
