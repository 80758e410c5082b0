"""A report: the chosen sections built on one context, plus what it was built with."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

import attrs

from interstat.errors import ConfigError
from interstat.filters import sql_time
from interstat.registry import ReportSection, SectionData
from interstat_reports.context import ReportContext


_TOUCH_TABLE = "SELECT run_id FROM agent_runs NOT INDEXED LIMIT 1"


@attrs.frozen
class BuiltSection:
    section: ReportSection
    data: SectionData


@attrs.frozen
class Report:
    sections: tuple[BuiltSection, ...]
    context: ReportContext
    generated_at: str


def choose_sections(
    available: Sequence[ReportSection], names: Sequence[str]
) -> list[ReportSection]:
    """The sections named (in the order given), or all of them when none is named."""
    if not names:
        return list(available)
    by_name = {section.name: section for section in available}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise ConfigError(
            f"unknown section {', '.join(unknown)}; known: {', '.join(by_name)} "
            "(see 'interstat report --list-sections')"
        )
    return [by_name[name] for name in dict.fromkeys(names)]


def _check(section: ReportSection, data: object) -> SectionData:
    # A third-party section returning something else is a bug to report by name.
    if not isinstance(data, SectionData):
        raise TypeError(
            f"report section {section.name!r} returned {type(data).__name__}, not SectionData"
        )
    return data


def build_report(context: ReportContext, sections: Sequence[ReportSection]) -> Report:
    # One read transaction: sections query the store one after another, and
    # a hook writing meanwhile must not make their counts disagree.
    conn = context.conn
    began = not conn.in_transaction
    if began:
        conn.execute("BEGIN")
    try:
        # The built-in sections read indexes; a damaged table must still stop
        # the report, as it did when every run was read.
        conn.execute(_TOUCH_TABLE).fetchall()
        built = tuple(
            BuiltSection(section, _check(section, section.build(context)))
            for section in sections
        )
    finally:
        if began and conn.in_transaction:
            conn.execute("COMMIT")
    return Report(built, context, sql_time(datetime.now(timezone.utc)))
