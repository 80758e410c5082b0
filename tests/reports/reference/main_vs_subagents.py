"""Section ``main-vs-subagents``: how much of each session's tokens sub-agents spent."""

from __future__ import annotations

from interstat.registry import Column, ReportSection, SectionData
from interstat_reports.context import ReportContext
from interstat_reports.stats import group_by, share_pct

COLUMNS = (
    Column("session", "Session"),
    Column("runs", "Runs", "int"),
    Column("main_tokens", "Main thread", "int"),
    Column("subagent_tokens", "Sub-agents", "int"),
    Column("internal_tokens", "Internal", "int"),
    Column("subagent_pct", "Sub-agent share", "pct"),
)


def build(context: ReportContext) -> SectionData:
    dispatched = group_by(context.dispatched(), lambda run: run.session_id)
    internal = group_by(context.internal(), lambda run: run.session_id)
    main = context.main_thread_tokens(dispatched)
    rows = []
    for session, runs in dispatched.items():
        sub = sum(run.total_tokens for run in runs if run.has_tokens)
        side = sum(run.total_tokens for run in internal.get(session, []) if run.has_tokens)
        rows.append({
            "session": session, "runs": len(runs), "main_tokens": main[session],
            "subagent_tokens": sub, "internal_tokens": side,
            "subagent_pct": share_pct(sub, main[session] + sub + side),
        })
    totals = {key: sum(row[key] for row in rows)
              for key in ("main_tokens", "subagent_tokens", "internal_tokens")}
    facts = {
        "sessions": len(rows),
        **totals,
        "subagent_pct": share_pct(totals["subagent_tokens"], sum(totals.values())),
    }
    rows.sort(key=lambda row: (-(row["main_tokens"] + row["subagent_tokens"]), row["session"]))
    shown = context.thresholds.session_rows
    notes = ["Main thread = the session's own API calls; internal = compaction and other "
             "side transcripts."]
    if len(rows) > shown:
        notes.append(f"{len(rows) - shown} more sessions not listed; the totals cover all.")
    return SectionData(columns=COLUMNS, rows=rows[:shown], facts=facts, notes=notes)


SECTION = ReportSection(
    name="main-vs-subagents",
    title="Main thread vs sub-agents",
    description="Per session: tokens of the main thread against tokens of its sub-agents.",
    build=build,
    order=80,
)
