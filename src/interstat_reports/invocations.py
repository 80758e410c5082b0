"""Section ``invocations``: what dispatching sub-agents in parallel gained.

An invocation is the set of runs one assistant message dispatched together
(same ``invocation_id`` in one session). Its wall time runs from the first
start to the last end; the summed time is what the runs would have taken
one after another.
"""

from __future__ import annotations

from interstat.registry import Column, ReportSection, SectionData
from interstat_reports.context import ReportContext
from interstat_reports.groups import groups
from interstat_reports.sql import DISPATCHED_SQL, HAS_TOKENS
from interstat_reports.stats import seconds

COLUMNS = (
    Column("fan_out", "Fan-out", "int"),
    Column("invocations", "Invocations", "int"),
    Column("runs", "Runs", "int"),
    Column("mean_wall_s", "Wall s (mean)", "float"),
    Column("mean_summed_run_s", "Summed run s (mean)", "float"),
    Column("speedup", "Speed-up", "float"),
    Column("mean_tokens", "Tokens/invocation (mean)", "int"),
)


# Stored times are ISO 8601 UTC with milliseconds (store.times), so the
# earliest start and the latest end are the least and greatest strings; only
# those two are read as times, and rounding their difference gives the
# exact milliseconds. A run without both times makes the first start '':
# the invocation has no wall time. (Each aggregate costs time on every row.)
_FIRST_START = "MIN(CASE WHEN ended_at > '' THEN COALESCE(started_at, '') ELSE '' END)"
_WALL_MS = (
    f"CASE WHEN {_FIRST_START} > '' THEN CAST(ROUND("
    f"(julianday(MAX(ended_at)) - julianday({_FIRST_START})) * 86400000) AS INTEGER) END"
)
# Speed-up counts invocations whose runs all have times and a non-zero wall.
_TIMED = "wall != 0 AND summed IS NOT NULL"
_BY_FAN_OUT = f"""
WITH invocation AS (
    SELECT COUNT(*) AS fan_out, {_WALL_MS} AS wall,
        CASE WHEN COUNT(wall_clock_ms) = COUNT(*) THEN SUM(wall_clock_ms) END AS summed,
        SUM(CASE WHEN {HAS_TOKENS} THEN total_tokens ELSE 0 END) AS tokens
    FROM agent_runs{{where}} GROUP BY session_id, invocation_id
)
SELECT fan_out, COUNT(*), SUM(fan_out), SUM(wall), COUNT(wall), SUM(summed), COUNT(summed),
    SUM(CASE WHEN {_TIMED} THEN summed END), SUM(CASE WHEN {_TIMED} THEN wall END),
    SUM(tokens)
FROM invocation GROUP BY fan_out ORDER BY fan_out
"""
#: The columns _BY_FAN_OUT returns, in order.
_SUMS = ("fan_out", "invocations", "runs", "walls", "with_wall", "summed", "with_summed",
         "timed_summed", "timed_walls", "tokens")


def _mean(total: int | None, count: int) -> float | None:
    # stats.mean's rounding, from a sum and a count.
    return round(total / count, 1) if count else None


def _row(sums: dict) -> dict:
    timed = sums["timed_summed"] is not None
    return {
        "fan_out": sums["fan_out"],
        "invocations": sums["invocations"],
        "runs": sums["runs"],
        "mean_wall_s": seconds(_mean(sums["walls"], sums["with_wall"])),
        "mean_summed_run_s": seconds(_mean(sums["summed"], sums["with_summed"])),
        "speedup": round(sums["timed_summed"] / sums["timed_walls"], 2) if timed else None,
        "mean_tokens": round(sums["tokens"] / sums["invocations"]),
    }


def build(context: ReportContext) -> SectionData:
    where, values = context.where(DISPATCHED_SQL, "invocation_id != ''")
    found = context.conn.execute(_BY_FAN_OUT.format(where=where), values)
    rows = [_row(dict(zip(_SUMS, sums))) for sums in found]
    dispatched = sum(group["runs"] for group in groups(context))
    facts = {
        "invocations": sum(row["invocations"] for row in rows),
        "parallel_invocations": sum(row["invocations"] for row in rows if row["fan_out"] > 1),
        "max_fan_out": max((row["fan_out"] for row in rows), default=None),
        "runs_without_invocation": dispatched - sum(row["runs"] for row in rows),
    }
    notes = [
        "Speed-up = summed run time / wall time, over invocations whose runs all have times."
    ]
    return SectionData(columns=COLUMNS, rows=rows, facts=facts, notes=notes)


SECTION = ReportSection(
    name="invocations",
    title="Invocations",
    description="Parallel dispatch: fan-out, wall time against the summed run times, "
    "tokens per invocation.",
    build=build,
    order=70,
)
