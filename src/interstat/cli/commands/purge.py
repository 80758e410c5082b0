"""``interstat purge``: delete runs by date, session or project."""

from __future__ import annotations

import attrs
import click

from interstat.cli.context import Settings, pass_settings
from interstat.cli.output import console_for, emit_json
from interstat.filters import Filters, OptionValueError, filters_from_options, parse_moment
from interstat.purge import plan_purge, purge
from interstat.store_check import require_sound


def _selection(before: str | None, utc: bool, session: tuple[str, ...],
               project: tuple[str, ...]) -> Filters:
    if not (before or session or project):
        raise click.UsageError("say what to delete: --before DATE, --session ID or --project PATH")
    try:
        until = parse_moment(before, utc=utc) if before else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--before'") from error
    try:
        chosen = filters_from_options(session=session, project=project)
    except OptionValueError as error:
        raise click.BadParameter(str(error), param_hint=f"'--{error.option}'") from error
    return attrs.evolve(chosen, until=until)


@click.command("purge")
@click.option("--before", metavar="WHEN",
              help="Runs that started before this time (2026-03-01, 2026-03-01T14:30, 30d).")
@click.option("--utc", is_flag=True, help="Read --before as UTC, not local time.")
@click.option("--session", multiple=True, metavar="ID",
              help="Runs of this session: the whole id, or a glob; repeatable.")
@click.option("--project", multiple=True, metavar="PATH",
              help="Runs in this project folder; repeatable.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask before deleting.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@pass_settings
def purge_command(settings: Settings, before: str | None, utc: bool, session: tuple[str, ...],
                  project: tuple[str, ...], yes: bool, output_format: str) -> None:
    """Delete runs and their API calls for good.

    Several options narrow the choice together. Asks first unless --yes.
    Analyze and the hooks do not bring purged runs back; 'interstat analyze
    --reread --session ID' reads a session's transcripts again.
    """
    filters = _selection(before, utc, session, project)
    conn = settings.open_store(create=False)
    try:
        require_sound(conn, settings.store_path)
        planned = plan_purge(conn, filters)
        if planned.runs and not yes:
            click.confirm(
                f"Delete {planned.runs} runs and {planned.api_calls} API calls from "
                f"{settings.store_path}?", abort=True, err=True)
        done = purge(conn, filters) if planned.runs else planned
    finally:
        conn.close()
    if output_format == "json":
        emit_json({"runs": done.runs, "api_calls": done.api_calls})
    elif settings.verbosity >= 0:
        console_for().print(f"Deleted {done.runs} runs and {done.api_calls} API calls.")
