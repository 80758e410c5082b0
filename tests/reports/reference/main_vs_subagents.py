"""Section ``main-vs-subagents`` over the loaded runs: tokens summed per session."""

from __future__ import annotations

from interstat.registry import SectionData
from interstat_reports.context import ReportContext
from interstat_reports.main_vs_subagents import COLUMNS, _row
from interstat_reports.stats import group_by, share_pct


def build(context: ReportContext) -> SectionData:
    dispatched = group_by(context.dispatched(), lambda run: run.session_id)
    internal = group_by(context.internal(), lambda run: run.session_id)
    main = context.main_thread_tokens(dispatched)
    rows = []
    for session, runs in dispatched.items():
        sub = sum(run.total_tokens for run in runs if run.has_tokens)
        side = sum(run.total_tokens for run in internal.get(session, []) if run.has_tokens)
        rows.append(_row(session, len(runs), main[session], sub, side))
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
