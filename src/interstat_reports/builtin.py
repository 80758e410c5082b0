"""Registers the built-in report sections through the ``interstat`` entry points."""

from __future__ import annotations

from interstat import hookimpl
from interstat_reports import (
    agents,
    context_limits,
    findings,
    gate,
    invocations,
    main_vs_subagents,
    models,
    summary,
)

BUILTIN_MODULES = (
    summary, gate, agents, context_limits, findings, models, invocations, main_vs_subagents,
)


@hookimpl
def interstat_register_report_sections(register):
    """Every built-in section, each a module of ``interstat_reports``."""
    for module in BUILTIN_MODULES:
        register(module.SECTION)
