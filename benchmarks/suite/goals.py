"""The issue's goals, each judged from the figures: met, missed (with the gap), or not measured."""

from __future__ import annotations

from dataclasses import dataclass

MEMORY_LIMIT_MB = 200
#: "Not growing with file size": the largest file's peak within this of the smallest's.
MEMORY_GROWTH_LIMIT = 0.10
#: "Proportional to what was added": appended bytes may cost at most this
#: many times the cold run's seconds per byte.
APPEND_SLACK = 2.0
#: "Linear": the marginal seconds per GB between sizes within this factor.
LINEAR_SPREAD = 1.25


@dataclass(frozen=True)
class Goal:
    name: str
    target: str
    measured: str
    met: bool | None
    gap: str = ""


def _goal(name: str, target: str, measured: str, met: bool | None, gap: str = "") -> Goal:
    return Goal(name, target, measured, met, "" if met else gap)


def judge(results: dict) -> list[Goal]:
    goals = [*_analyze_goals(results), *_hook_goals(results["hook"])]
    goals += _store_goals(results["stores"]) + _memory_goals(results)
    return goals


def _analyze_goals(results: dict) -> list[Goal]:
    cold, warm = results["cold"], results["warm"]
    goals = []
    if cold.get("ratio") is None:
        goals.append(_goal("cold analyze vs ccusage", "ratio <= 1.0", "ccusage unavailable", None))
    else:
        ratio = cold["ratio"]
        goals.append(_goal("cold analyze vs ccusage", "ratio <= 1.0", f"{ratio:.2f}",
                           ratio <= 1.0, f"{(ratio - 1) * 100:.0f}% slower than ccusage"))
    share = warm["median"] / cold["interstat"]["median"]
    goals.append(_goal("warm analyze, nothing changed", "< 2% of cold", f"{share:.1%}",
                       share < 0.02, f"{warm['median']:.3f} s against a 2% budget of "
                       f"{0.02 * cold['interstat']['median']:.3f} s"))
    append = results["append"]
    ratio = append["to_cold_rate"]
    goals.append(_goal("analyze after appending to 1% of files: time per byte added",
                       f"<= {APPEND_SLACK:g}x the cold run's", f"{ratio:.2f}x",
                       ratio <= APPEND_SLACK, f"{ratio:.2f}x the cold run's seconds per byte"))
    rates = [row["marginal_seconds_per_gb"] for row in results["scaling"]
             if row["marginal_seconds_per_gb"] is not None]
    if len(rates) > 1 and min(rates) > 0:
        spread = max(rates) / min(rates)
        goals.append(_goal("analyze time grows linearly with the tree",
                           f"marginal s/GB within {LINEAR_SPREAD:g}x", f"{spread:.2f}x",
                           spread <= LINEAR_SPREAD, f"marginal s/GB varies {spread:.2f}x"))
    return goals


def _hook_goals(hook: dict) -> list[Goal]:
    goals = []
    for event, row in hook["events"].items():
        if "ratio" in row:
            goals.append(_goal(f"hook {event} median vs reference", "<= 1.5x",
                               f"{row['ratio']:.2f}x", row["ratio"] <= 1.5,
                               f"{row['ratio'] / 1.5:.2f}x over the limit"))
        else:
            goals.append(_goal(f"hook {event} median vs reference", "<= 1.5x",
                               "reference unavailable (jq/sqlite3 missing)", None))
        p99_ms = row["interstat_p99"] * 1000
        goals.append(_goal(f"hook {event} p99", "< 50 ms", f"{p99_ms:.1f} ms", p99_ms < 50,
                           f"{p99_ms - 50:.1f} ms over"))
    return goals


def _store_goals(stores: list[dict]) -> list[Goal]:
    largest = max(stores, key=lambda row: row["runs_in_store"])
    size = f"{largest['runs_in_store']:,} runs"
    status, report = largest["status"]["median"], largest["report"]["median"]
    return [
        _goal(f"status at {size}", "< 0.3 s", f"{status:.3f} s", status < 0.3,
              f"{status - 0.3:.3f} s over"),
        _goal(f"report at {size}", "< 2 s", f"{report:.2f} s", report < 2,
              f"{report - 2:.2f} s over"),
    ]


def _memory_goals(results: dict) -> list[Goal]:
    full = results["cold"]["interstat"]["tree_pss_mb"]
    big = results["big_files"]
    largest = big[-1]["tree_pss_mb"]
    growth = largest / big[0]["tree_pss_mb"] - 1
    return [
        _goal("analyze peak memory, whole tree", f"< {MEMORY_LIMIT_MB} MB", f"{full:.0f} MB",
              full < MEMORY_LIMIT_MB, f"{full - MEMORY_LIMIT_MB:.0f} MB over"),
        _goal("analyze peak memory, single big file", f"< {MEMORY_LIMIT_MB} MB",
              f"{largest:.0f} MB", largest < MEMORY_LIMIT_MB,
              f"{largest - MEMORY_LIMIT_MB:.0f} MB over"),
        _goal("peak memory not growing with file size",
              f"largest file within {MEMORY_GROWTH_LIMIT:.0%} of the smallest",
              f"{growth:+.0%}", growth <= MEMORY_GROWTH_LIMIT, f"grows {growth:+.0%}"),
    ]
