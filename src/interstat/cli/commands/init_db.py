"""``interstat init-db``: create or upgrade the store; safe to run any number of times."""

from __future__ import annotations

import click

from interstat.cli.context import Settings, pass_settings
from interstat.store_check import require_sound


@click.command("init-db")
@pass_settings
def init_db(settings: Settings) -> None:
    """Create the store, or bring it to the current schema."""
    from interstat.cli.output import console_for  # rich, only when printing

    conn = settings.open_store()
    try:
        require_sound(conn, settings.store_path)
    finally:
        conn.close()
    if settings.verbosity >= 0:
        console_for().print(f"Store ready: {settings.store_path}")
