"""The report as rich tables on a terminal, plain ASCII text when piped.

The console (``interstat.cli.output.console_for``) writes no styles when the
output is not a terminal or NO_COLOR is set; piped table lines are ASCII
too, so piped text stays plain.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from interstat_reports.render.values import fact_label, format_value, kind_of_fact, report_header

_NUMERIC = {"int", "float", "usd", "pct"}

#: Like rich's SIMPLE box (a rule under the header only), in ASCII.
PLAIN = box.Box("    \n    \n -- \n    \n    \n -- \n    \n    \n", ascii=True)


def _fact_lines(data) -> list[str]:
    labels = [fact_label(key) for key in data.facts]
    width = max(map(len, labels))
    return [
        f"{label:<{width}}  {format_value(value, kind_of_fact(key, value))}"
        for label, (key, value) in zip(labels, data.facts.items(), strict=True)
    ]


def _rows(data, terminal: bool) -> Table:
    table = Table(box=box.SIMPLE_HEAD if terminal else PLAIN, show_edge=False, pad_edge=False)
    for column in data.columns:
        table.add_column(column.title, justify="right" if column.kind in _NUMERIC else "left")
    for row in data.rows:
        table.add_row(*(format_value(row.get(c.name), c.kind) for c in data.columns))
    return table


def render_table(report, console: Console) -> None:
    for line in report_header(report):
        console.print(line)
    for built in report.sections:
        data = built.data
        console.print()
        console.print(Text(built.section.title, style="bold underline"))
        if data.facts:
            console.print("\n".join(_fact_lines(data)))
        if data.columns and data.rows:
            console.print(_rows(data, console.is_terminal))
        elif data.columns:
            console.print("No runs.")
        for note in data.notes:
            console.print(note)
