"""The built-in correlators: match transcript runs to rows the hooks stored."""

from __future__ import annotations

from interstat import hookimpl


@hookimpl
def interstat_register_correlators(register):
    """Correlators asked after the exact agentId / tool call match failed."""
