"""``interstat export``: dispatched runs as CSV, JSON Lines or Parquet."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from interstat.cli.context import Settings, pass_settings
from interstat.cli.output import console_for
from interstat.errors import InterstatError
from interstat.export import FORMATS, export_runs, format_for
from interstat.filters import Filters, filter_options


@click.command("export")
@click.option("--format", "output_format", type=click.Choice(FORMATS),
              help="Default: from the output file's suffix (.csv, .jsonl, .ndjson, .parquet, "
              ".pq; another suffix is an error), else csv.")
@click.option("--output", "-o", default="-", metavar="FILE|-",
              help="Where to write (default: standard output).")
@filter_options
@pass_settings
def export(settings: Settings, output_format: str | None, output: str,
           filters: Filters) -> None:
    """Write dispatched runs as CSV, JSON Lines or Parquet.

    Every agent_runs column, one row per run, oldest first.
    """
    try:
        chosen = format_for(output, output_format)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--output'") from error
    sys.stdout.flush()
    stdout = sys.stdout.buffer
    if output == "-" and chosen == "parquet" and stdout.isatty():
        raise InterstatError("Parquet is binary: give --output FILE.parquet or pipe the output")
    conn = settings.read_store()
    try:
        target = None if output == "-" else Path(output).expanduser()
        count = export_runs(conn, filters, chosen, target, stdout)
    except BrokenPipeError:
        # The reader closed the pipe (| head); stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    finally:
        conn.close()
    if target is not None and settings.verbosity >= 0:
        console_for(stderr=True).print(f"Wrote {count} runs to {target} ({chosen})")
