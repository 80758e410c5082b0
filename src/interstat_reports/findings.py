"""Section ``findings``: what a finding costs, per agent, in tokens and dollars."""

from __future__ import annotations

from interstat.prices import sum_costs
from interstat.registry import Column, ReportSection, SectionData
from interstat_reports.agents import by_agent
from interstat_reports.context import ReportContext
from interstat_reports.groups import groups

COLUMNS = (
    Column("agent", "Agent"),
    Column("runs", "Runs", "int"),
    Column("findings", "Findings", "int"),
    Column("total_tokens", "Tokens", "int"),
    Column("tokens_per_finding", "Tokens/finding", "int"),
    Column("cost_usd", "Cost", "usd"),
    Column("usd_per_finding", "Cost/finding", "usd"),
)


def _per_finding(amount: float | None, findings: int) -> float | None:
    return None if amount is None else amount / findings


def build(context: ReportContext) -> SectionData:
    # Only runs whose answer was read have a findings count; others are unknown.
    counted = [group for group in groups(context) if group["counted_runs"]]
    rows, silent = [], []
    for agent, found in by_agent(counted).items():
        runs = sum(group["counted_runs"] for group in found)
        findings = sum(group["findings"] for group in found)
        tokens = sum(group["counted_tokens"] for group in found)
        cost = sum_costs(group["counted_cost"] for group in found)
        if findings == 0:
            silent.append((agent, runs, tokens, cost))
            continue
        rows.append({
            "agent": agent, "runs": runs, "findings": findings, "total_tokens": tokens,
            "tokens_per_finding": round(tokens / findings),
            "cost_usd": cost, "usd_per_finding": _per_finding(cost, findings),
        })
    rows.sort(key=lambda row: (row["tokens_per_finding"], row["agent"]))
    silent.sort()
    facts = {
        "runs_counted": sum(group["counted_runs"] for group in counted),
        "findings": sum(row["findings"] for row in rows),
        "agents_without_findings": [agent for agent, *_ in silent],
    }
    notes = [
        f"No findings from {agent}: {runs} runs, {tokens:,} tokens, "
        + ("cost unknown" if cost is None else f"${cost:,.4f}")
        for agent, runs, tokens, cost in silent
    ]
    notes.append("Agents ranked by tokens per finding, cheapest first.")
    return SectionData(columns=COLUMNS, rows=rows, facts=facts, notes=notes)


SECTION = ReportSection(
    name="findings",
    title="Findings",
    description="Tokens and dollars per finding per agent; agents without findings apart.",
    build=build,
    order=50,
)
