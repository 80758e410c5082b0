"""``interstat merge OTHER.db...``: pool runs from other machines into this store."""

from __future__ import annotations

from pathlib import Path

import attrs
import click

from interstat.cli.context import Settings, pass_settings
from interstat.cli.output import console_for, emit_json
from interstat.merge import merge_stores
from interstat.store.times import utc_now


@click.command("merge")
@click.argument("others", nargs=-1, required=True, metavar="OTHER.db...",
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table")
@pass_settings
def merge(settings: Settings, others: tuple[Path, ...], output_format: str) -> None:
    """Fold other stores into this one, without duplicates.

    Merging the same store again changes nothing.

    The other files are only read, through private copies. Any file that is
    not a healthy interstat store stops the merge before anything is written.
    """
    conn = settings.open_store()
    try:
        results = merge_stores(conn, settings.store_path, others, utc_now())
    finally:
        conn.close()
    if output_format == "json":
        emit_json({"store": str(settings.store_path),
                   "merged": [attrs.asdict(counts) for counts in results]})
        return
    if settings.verbosity < 0:
        return
    console = console_for()
    for counts in results:
        console.print(
            f"Merged {counts.source}: {counts.runs_added} runs added, "
            f"{counts.runs_updated} updated; {counts.calls_added} API calls added, "
            f"{counts.calls_updated} updated."
        )
