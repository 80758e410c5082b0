"""Section ``context-limits``: runs whose peak context went above each limit."""

from __future__ import annotations

from interstat.registry import Column, ReportSection, SectionData
from interstat_reports.agents import by_agent
from interstat_reports.context import ReportContext
from interstat_reports.groups import groups
from interstat_reports.sql import (
    AGENT_PEAK_INDEX,
    PEAK_INDEX,
    TOKEN_RUN_TERMS,
    agent_condition,
    agent_label,
)
from interstat_reports.stats import share_pct, short_id


def _label(limit: int) -> str:
    return f"{limit // 1000}K" if limit % 1000 == 0 else f"{limit:,}"


def _columns(limits: tuple[int, ...]) -> tuple[Column, ...]:
    return (
        Column("agent", "Agent"),
        Column("runs", "Runs", "int"),
        *(Column(f"over_{limit}", f"> {_label(limit)}", "int") for limit in limits),
        Column("max_peak", "Max peak", "int"),
    )


_OVER = (
    f"SELECT COUNT(*) FROM agent_runs INDEXED BY {AGENT_PEAK_INDEX}{{where}}"
)


def _over(context: ReportContext, agent: str, limit: int) -> int:
    # A range of the (agent_name, peak) index: its entries are counted, no
    # run is read.
    condition, values = agent_condition(agent)
    where, filter_values = context.where(*TOKEN_RUN_TERMS, condition, "peak_context_tokens > ?")
    sql = _OVER.format(where=where)
    return context.conn.execute(sql, [*values, limit, *filter_values]).fetchone()[0]


def _row(context: ReportContext, agent: str, found: list[dict],
         limits: tuple[int, ...]) -> dict:
    row: dict = {"agent": agent, "runs": sum(group["token_runs"] for group in found)}
    for limit in limits:
        row[f"over_{limit}"] = _over(context, agent, limit)
    row["max_peak"] = max(group["max_peak"] for group in found if group["token_runs"])
    return row


_TOP = (
    "SELECT peak_context_tokens, agent_name, session_id, agent_id, tool_use_id"
    f" FROM agent_runs INDEXED BY {PEAK_INDEX}{{where}}"
    " ORDER BY peak_context_tokens DESC, run_id LIMIT ?"
)
_NTH_PEAK = (
    f"SELECT peak_context_tokens FROM agent_runs INDEXED BY {PEAK_INDEX}{{where}}"
    " ORDER BY peak_context_tokens DESC LIMIT 1 OFFSET ?"
)


def _top_notes(context: ReportContext, lowest: int, count: int) -> list[str]:
    # The count-th largest peak first (read down the peak index), then only
    # the runs at or above it are sorted, ties broken by run_id.
    where, values = context.where(*TOKEN_RUN_TERMS, "peak_context_tokens > ?")
    nth = context.conn.execute(
        _NTH_PEAK.format(where=where), [lowest, *values, count - 1]).fetchone()
    if nth is None:
        nth = (lowest,)
    where, values = context.where(
        *TOKEN_RUN_TERMS, "peak_context_tokens > ?", "peak_context_tokens >= ?")
    top = context.conn.execute(_TOP.format(where=where), [lowest, nth[0], *values, count])
    return [
        f"Top run {rank}: {peak:,} tokens, {agent_label(name)}, "
        f"session {short_id(session)}, agent {short_id(agent_id or tool_use_id, 17)}"
        for rank, (peak, name, session, agent_id, tool_use_id) in enumerate(top, start=1)
    ]


def build(context: ReportContext) -> SectionData:
    limits = context.thresholds.context_limits
    found = [group for group in groups(context) if group["token_runs"]]
    runs = sum(group["token_runs"] for group in found)
    rows = [_row(context, agent, group, limits) for agent, group in by_agent(found).items()]
    facts: dict = {"runs": runs}
    for limit in limits:
        over = sum(row[f"over_{limit}"] for row in rows)
        facts[f"runs_over_{limit}"] = over
        facts[f"runs_over_{limit}_pct"] = share_pct(over, runs)
    rows.sort(key=lambda row: (-row["max_peak"], row["agent"]))
    notes = _top_notes(context, limits[0], context.thresholds.top_runs) if runs else []
    return SectionData(columns=_columns(limits), rows=rows, facts=facts, notes=notes)


SECTION = ReportSection(
    name="context-limits",
    title="Context limits",
    description="Runs whose peak context passed each limit (100K and 150K by default), "
    "per agent, with the largest runs.",
    build=build,
    order=40,
)
