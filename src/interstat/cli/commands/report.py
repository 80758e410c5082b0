"""``interstat report``: the sections, in the format asked for.

Heavy modules (pluggy through the plugin host, the renderers) are imported
inside the command so that other commands start fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from interstat.bounds import MAX_ROWS, MAX_TOKENS
from interstat.cli.context import Settings, pass_settings
from interstat.filters import Filters, filter_options

FORMATS = ("table", "json", "markdown", "csv")


def threshold_options(command):
    """Thresholds that override the config file's [thresholds] table."""
    for option in reversed([
        click.option("--gate-threshold", type=click.IntRange(min=1, max=MAX_TOKENS),
                     help="Peak-context tokens the p99 is held against (default 120000)."),
        click.option("--context-limit", "context_limits",
                     type=click.IntRange(min=1, max=MAX_TOKENS),
                     multiple=True, help="Peak-context limit to count runs above; "
                     "repeat (default 100000 and 150000)."),
        click.option("--baseline", "baseline_runs", type=click.IntRange(min=1, max=MAX_ROWS),
                     help="Runs needed before results are representative (default 50)."),
        click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
                     help="Settings file (default $INTERSTAT_CONFIG or "
                     "~/.claude/interstat/config.toml)."),
    ]):
        command = option(command)
    return command


def report_context(conn, filters: Filters, options: dict):
    """The ReportContext for these filters and threshold options, over the config file."""
    import attrs

    from interstat.config import load_config
    from interstat_reports.context import ReportContext

    config = load_config(options.pop("config_path"))
    overrides = {
        "gate": options.pop("gate_threshold"),
        "baseline_runs": options.pop("baseline_runs"),
        "context_limits": options.pop("context_limits") or None,
    }
    thresholds = attrs.evolve(
        config.thresholds, **{k: v for k, v in overrides.items() if v is not None}
    )
    return ReportContext(conn, filters, thresholds, config.prices)


def print_report(report, output_format: str) -> None:
    from interstat.cli.output import console_for
    from interstat_reports.render.csv_out import render_csv
    from interstat_reports.render.json_out import render_json
    from interstat_reports.render.markdown import render_markdown
    from interstat_reports.render.table import render_table

    if output_format == "table":
        render_table(report, console_for())
        return
    renderer = {"json": render_json, "markdown": render_markdown, "csv": render_csv}
    sys.stdout.write(renderer[output_format](report))


def _list_sections(sections, output_format: str) -> None:
    rows = [{"name": s.name, "title": s.title, "description": s.description} for s in sections]
    if output_format == "json":
        from interstat.cli.output import emit_json

        emit_json({"sections": rows})
        return
    for row in rows:
        click.echo(f"{row['name']:<20} {row['description']}")


@click.command("report")
@click.option("--section", "section_names", multiple=True, metavar="NAME",
              help="Only this section; repeat for several (see --list-sections).")
@click.option("--list-sections", is_flag=True, help="List the sections and exit.")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="table",
              help="csv is several CSV tables (facts, rows, notes of each section), "
              "separated by blank lines.")
@threshold_options
@filter_options
@pass_settings
def report(settings: Settings, section_names: tuple[str, ...], list_sections: bool,
           output_format: str, filters: Filters, **options) -> None:
    """Answer the decision gate: percentiles, context limits, cost and findings per agent."""
    from interstat.plugins import load_plugins
    from interstat_reports.report import build_report, choose_sections

    available = load_plugins().report_sections()
    if list_sections:
        _list_sections(available, output_format)
        return
    sections = choose_sections(available, section_names)
    conn = settings.read_store()
    try:
        context = report_context(conn, filters, options)
        built = build_report(context, sections)
        print_report(built, output_format)
    finally:
        conn.close()
