"""The report as Markdown, for pasting into a review or an issue."""

from __future__ import annotations

from interstat_reports.render.values import fact_label, format_value, kind_of_fact, report_header

_NUMERIC = {"int", "float", "usd", "pct"}


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _table(data) -> list[str]:
    columns = list(data.columns)
    lines = [
        "| " + " | ".join(_cell(c.title) for c in columns) + " |",
        "|" + "|".join("---:" if c.kind in _NUMERIC else "---" for c in columns) + "|",
    ]
    for row in data.rows:
        cells = [_cell(format_value(row.get(c.name), c.kind)) for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _section(built) -> list[str]:
    data = built.data
    lines = [f"## {built.section.title}", ""]
    for key, value in data.facts.items():
        lines.append(f"- **{fact_label(key)}**: {format_value(value, kind_of_fact(key, value))}")
    if data.facts:
        lines.append("")
    if data.columns and data.rows:
        lines += _table(data) + [""]
    elif data.columns:
        lines += ["No runs.", ""]
    for note in data.notes:
        lines += [note, ""]
    return lines


def render_markdown(report) -> str:
    lines = ["# interstat report", ""]
    for line in report_header(report):
        lines += [line, ""]
    for built in report.sections:
        lines += _section(built)
    return "\n".join(lines).rstrip("\n") + "\n"
