"""``interstat demo``: capture, analyze and report on a bundled sample, in a temporary store."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from interstat.cli.commands.report import FORMATS, print_report


def _say(message: str) -> None:
    click.echo(message, err=True)


@click.command("demo")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="table")
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path),
              help="Build the demo store in this new or empty folder and keep it, to explore "
              "afterwards.")
def demo(output_format: str, keep: Path | None) -> None:
    """Run the whole pipeline on bundled real transcripts and print the report."""
    from interstat.config import Thresholds
    from interstat.demo import run_demo
    from interstat.plugins import load_plugins
    from interstat.prices import price_table
    from interstat.store.connect import open_store
    from interstat_reports.context import ReportContext
    from interstat_reports.report import build_report

    with tempfile.TemporaryDirectory(prefix="interstat-demo-") as scratch:
        workdir = keep or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        result = run_demo(workdir)
        if keep:
            _say(f"Sample: {result.sample_dir}")
        else:
            # The folder goes when the demo ends: naming it would point nowhere.
            _say("Sample: the bundled reviews transcripts, in a temporary folder removed "
                 "at the end (--keep DIR keeps them)")
        _say(f"Hook events: {result.hook_files} "
             + ("replayed through capture" if result.hooks_replayed else "not replayed"))
        analyzed = result.analyze
        _say(f"Analyze: {analyzed.files_read} transcript files read, "
             f"{analyzed.runs_updated} runs updated")
        if analyzed.problems:
            _say(f"Analyze skipped {len(analyzed.problems)} files, first: {analyzed.problems[0]}")
        conn = open_store(result.store_path, create=False)
        try:
            # The demo shows the built-in defaults, whatever the user's config says.
            context = ReportContext(conn, thresholds=Thresholds(), prices=price_table())
            report = build_report(context, load_plugins().report_sections())
            print_report(report, output_format)
        finally:
            conn.close()
        if keep:
            _say(f"Store kept: {result.store_path} (interstat --db {result.store_path} report)")
