"""Section ``main-vs-subagents``: how much of each session's tokens sub-agents spent."""

from __future__ import annotations

from interstat.registry import Column, ReportSection, SectionData
from interstat_reports.context import ReportContext
from interstat_reports.sql import DISPATCHED_SQL, HAS_TOKENS, INTERNAL_SQL, SESSIONS_INDEX
from interstat_reports.stats import share_pct

COLUMNS = (
    Column("session", "Session"),
    Column("runs", "Runs", "int"),
    Column("main_tokens", "Main thread", "int"),
    Column("subagent_tokens", "Sub-agents", "int"),
    Column("internal_tokens", "Internal", "int"),
    Column("subagent_pct", "Sub-agent share", "pct"),
)


_TOKENS = f"SUM(CASE WHEN {HAS_TOKENS} THEN total_tokens ELSE 0 END)"
# Every session with dispatched runs, its main thread summed once per
# session (idx_calls_main); the window sums cover all sessions, the LIMIT
# keeps the rows shown. Side transcripts are few: the two kind ranges read
# only theirs from idx_runs_report_sessions.
_SESSIONS = f"""
WITH sub AS (
    SELECT session_id, COUNT(*) AS runs, {_TOKENS} AS tokens,
        COALESCE((SELECT SUM(calls.total_tokens) FROM api_calls AS calls
                  WHERE calls.session_id = agent_runs.session_id
                  AND calls.owner = 'main' AND calls.synthetic = 0), 0) AS main
    FROM agent_runs{{dispatched}} GROUP BY session_id
), side AS (
    SELECT session_id, {_TOKENS} AS tokens
    FROM agent_runs INDEXED BY {SESSIONS_INDEX}{{internal}} GROUP BY session_id
)
SELECT sub.session_id, sub.runs, sub.main, sub.tokens, COALESCE(side.tokens, 0),
    COUNT(*) OVER (), SUM(sub.main) OVER (), SUM(sub.tokens) OVER (),
    SUM(COALESCE(side.tokens, 0)) OVER ()
FROM sub LEFT JOIN side ON side.session_id = sub.session_id
ORDER BY sub.main + sub.tokens DESC, sub.session_id LIMIT ?
"""


def _row(session: str, runs: int, main: int, sub: int, side: int) -> dict:
    return {
        "session": session, "runs": runs, "main_tokens": main,
        "subagent_tokens": sub, "internal_tokens": side,
        "subagent_pct": share_pct(sub, main + sub + side),
    }


def build(context: ReportContext) -> SectionData:
    dispatched, dispatched_values = context.where(DISPATCHED_SQL)
    internal, internal_values = context.where(INTERNAL_SQL)
    shown = context.thresholds.session_rows
    sql = _SESSIONS.format(dispatched=dispatched, internal=internal)
    found = context.conn.execute(sql, [*dispatched_values, *internal_values, shown]).fetchall()
    rows = [_row(*values[:5]) for values in found]
    sessions, *sums = found[0][5:] if found else (0, 0, 0, 0)
    totals = dict(zip(("main_tokens", "subagent_tokens", "internal_tokens"), sums))
    facts = {
        "sessions": sessions,
        **totals,
        "subagent_pct": share_pct(totals["subagent_tokens"], sum(totals.values())),
    }
    notes = ["Main thread = the session's own API calls; internal = compaction and other "
             "side transcripts."]
    if sessions > shown:
        notes.append(f"{sessions - shown} more sessions not listed; the totals cover all.")
    return SectionData(columns=COLUMNS, rows=rows, facts=facts, notes=notes)


SECTION = ReportSection(
    name="main-vs-subagents",
    title="Main thread vs sub-agents",
    description="Per session: tokens of the main thread against tokens of its sub-agents.",
    build=build,
    order=80,
)
