"""The options that choose runs, shared by ``report`` and ``status``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from interstat_reports.filters import Filters, parse_bound

_GLOB_HELP = "glob; repeat for several"


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --since/--until/--utc and the glob filters to ``command``."""
    options = [
        click.option("--since", help="Runs started on or after this date or time "
                     "(YYYY-MM-DD or ISO 8601; local time unless --utc)."),
        click.option("--until", help="Runs started before this time; a date alone "
                     "includes that whole day."),
        click.option("--utc", is_flag=True, help="Read --since/--until as UTC."),
        click.option("--project", "projects", multiple=True, help=f"Project ({_GLOB_HELP})."),
        click.option("--agent", "agents", multiple=True, help=f"Agent name ({_GLOB_HELP})."),
        click.option("--model", "models", multiple=True, help=f"Model id ({_GLOB_HELP})."),
        click.option("--session", "sessions", multiple=True,
                     help=f"Session id ({_GLOB_HELP}; 'abc*' for a prefix)."),
        click.option("--workflow", "workflows", multiple=True,
                     help=f"Workflow id ({_GLOB_HELP})."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def filters_from(options: dict[str, Any]) -> Filters:
    """Pop the filter options out of a command's keyword arguments."""
    utc = options.pop("utc")
    since, until = options.pop("since"), options.pop("until")
    return Filters(
        since=None if since is None else parse_bound(since, utc=utc, end=False),
        until=None if until is None else parse_bound(until, utc=utc, end=True),
        **{name: tuple(options.pop(name)) for name in
           ("projects", "agents", "models", "sessions", "workflows")},
    )
