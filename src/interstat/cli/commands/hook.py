"""``interstat hook EVENT``: the command the Claude Code plugin runs.

``interstat.entry`` sends ``interstat hook ...`` straight to
``interstat.capture`` without loading click; this command only serves
``--help`` and the ``interstat --db PATH hook EVENT`` spelling.
"""

from __future__ import annotations

import click

from interstat.cli.context import Settings, pass_settings


@click.command("hook")
@click.argument("event")
@pass_settings
def hook(settings: Settings, event: str) -> None:
    """Record one Claude Code hook EVENT, read as JSON from stdin.

    Always exits 0; problems are one line on stderr. Set
    INTERSTAT_STORE_DESCRIPTIONS=1 to keep the tool call's description,
    INTERSTAT_WORKFLOW_ID to group runs, INTERSTAT_NO_AUTO_ANALYZE=1 to skip
    the analysis started at SessionEnd.
    """
    from interstat.capture.hook import run_hook

    arguments = [event, "--db", str(settings.store_path)]
    raise SystemExit(run_hook(arguments))
