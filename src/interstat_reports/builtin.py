"""Registers the built-in report sections through the ``interstat`` entry points."""

from __future__ import annotations

from interstat import hookimpl


@hookimpl
def interstat_register_report_sections(register):
    """Every built-in section, each a module of ``interstat_reports``."""
