"""An example report section from outside interstat: the slowest sub-agent runs.

Install it next to interstat (``uv pip install -e examples/interstat-slowest-runs``)
and ``interstat report --section slowest-runs`` shows it, in every format.
"""

from __future__ import annotations

from interstat import hookimpl
from interstat.registry import Column, ReportSection, SectionData

SHOWN = 5

COLUMNS = (
    Column("agent", "Agent"),
    Column("session", "Session"),
    Column("wall_s", "Wall s", "float"),
    Column("total_tokens", "Tokens", "int"),
)


def build(context) -> SectionData:
    timed = [run for run in context.dispatched() if run.wall_clock_ms is not None]
    timed.sort(key=lambda run: -run.wall_clock_ms)
    rows = [
        {"agent": run.agent, "session": run.session_id, "wall_s": run.wall_clock_ms / 1000,
         "total_tokens": run.total_tokens}
        for run in timed[:SHOWN]
    ]
    return SectionData(columns=COLUMNS, rows=rows, facts={"timed_runs": len(timed)})


@hookimpl
def interstat_register_report_sections(register):
    register(ReportSection(
        name="slowest-runs",
        title="Slowest runs",
        description="The sub-agent runs that took longest, wall clock.",
        build=build,
        order=900,
    ))
