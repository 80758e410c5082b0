"""Section ``findings`` over the loaded runs: tokens and dollars per finding."""

from __future__ import annotations

from interstat.prices import sum_costs
from interstat.registry import SectionData
from interstat_reports.context import ReportContext
from interstat_reports.findings import COLUMNS, _per_finding
from interstat_reports.stats import group_by


def build(context: ReportContext) -> SectionData:
    # Only runs whose answer was read have a findings count; others are unknown.
    counted = [run for run in context.token_runs() if run.findings is not None]
    rows, silent = [], []
    for agent, runs in group_by(counted, lambda run: run.agent).items():
        findings = sum(run.findings for run in runs)
        tokens = sum(run.total_tokens for run in runs)
        cost = sum_costs(context.cost(run) for run in runs)
        if findings == 0:
            silent.append((agent, len(runs), tokens, cost))
            continue
        rows.append({
            "agent": agent, "runs": len(runs), "findings": findings, "total_tokens": tokens,
            "tokens_per_finding": round(tokens / findings),
            "cost_usd": cost, "usd_per_finding": _per_finding(cost, findings),
        })
    rows.sort(key=lambda row: (row["tokens_per_finding"], row["agent"]))
    silent.sort()
    facts = {
        "runs_counted": len(counted),
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
