"""The built-in findings counter."""

from __future__ import annotations

from interstat import hookimpl


@hookimpl
def interstat_register_findings_counters(register):
    """The default counter, asked after every plugin's own."""
