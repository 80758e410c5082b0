"""The report as CSV for spreadsheets.

Each section gives up to three blocks, separated by an empty line: its
facts (``section,fact,value``), its table (``section,<columns>``) and its
notes (``section,note``). Numbers are raw (no thousands separators, dollars
unrounded to six decimals); unknown values are empty cells.
"""

from __future__ import annotations

import csv
import io

from interstat_reports.render.json_out import _number
from interstat_reports.render.values import kind_of_fact


def _raw(value, kind: str):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(item) for item in value)
    return _number(value, kind)


def _blocks(built) -> list[list[list]]:
    name, data = built.section.name, built.data
    blocks = []
    if data.facts:
        blocks.append([["section", "fact", "value"]] + [
            [name, key, _raw(value, kind_of_fact(key, value))]
            for key, value in data.facts.items()
        ])
    if data.columns:
        blocks.append([["section"] + [c.name for c in data.columns]] + [
            [name] + [_raw(row.get(c.name), c.kind) for c in data.columns] for row in data.rows
        ])
    if data.notes:
        blocks.append([["section", "note"]] + [[name, note] for note in data.notes])
    return blocks


def render_csv(report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    first = True
    for built in report.sections:
        for block in _blocks(built):
            if not first:
                writer.writerow([])
            writer.writerows(block)
            first = False
    return buffer.getvalue()
