"""``interstat status``: how much the store holds, in well under a second.

People run this often and stores grow to millions of runs, so the command
imports no rich, pluggy or report machinery: the counts come from indexed
queries (``interstat_reports.status``) and the text is plain.
"""

from __future__ import annotations

import json

import click

from interstat.bounds import MAX_ROWS
from interstat.cli.context import Settings, pass_settings
from interstat.filters import Filters, filter_options


def _latest_lines(status) -> list[str]:
    if not status.latest:
        return ["  (no runs yet)"]
    width = max(len(run.agent or "(unnamed)") for run in status.latest)
    return [
        f"  {run.started_at or 'time unknown':<24}  {(run.agent or '(unnamed)'):<{width}}  "
        + ("parsed" if run.parsed else "pending")
        for run in status.latest
    ]


def _print_text(status, auto_failure: str | None) -> None:
    from interstat_reports.status import progress_bar

    lines = [
        f"Runs:                 {status.runs:,}",
        f"With token data:      {status.runs_with_token_data:,}",
        f"Pending parse:        {status.runs_pending_parse:,}",
        f"Sessions:             {status.sessions:,}",
        f"Agents:               {status.agents:,}",
        f"Baseline:             {progress_bar(status.runs, status.baseline_runs)}",
        "Latest runs (UTC):",
        *_latest_lines(status),
    ]
    if status.runs_pending_parse:
        lines.append("Run 'interstat analyze' to read the pending transcripts.")
    if auto_failure:
        lines.append(f"The last analyze at the end of a session failed: {auto_failure}")
    click.echo("\n".join(lines))


@click.command("status")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.option("--baseline", "baseline_runs", type=click.IntRange(min=1, max=MAX_ROWS),
              help="Runs needed for a representative report (default: config file, else 50).")
@filter_options
@pass_settings
def status(settings: Settings, output_format: str, baseline_runs: int | None,
           filters: Filters) -> None:
    """Runs recorded, parsed and pending, and progress toward the 50-run baseline."""
    from interstat.config import load_config
    from interstat_reports.status import read_status

    baseline = baseline_runs or load_config().thresholds.baseline_runs
    conn = settings.read_store()
    try:
        result = read_status(conn, filters, baseline)
    finally:
        conn.close()
    if output_format == "json":
        click.echo(json.dumps({**result.to_dict(), "filters": filters.to_dict()}, indent=2))
    else:
        from interstat.capture.launch import last_failure

        _print_text(result, last_failure(settings.store_path))
