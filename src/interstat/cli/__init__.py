"""The click command group; each command lives in a module of its own."""

from __future__ import annotations

import importlib
import logging
import sqlite3

import click
from click.core import ParameterSource

from interstat import __version__
from interstat.cli import stdout
from interstat.cli.commands import COMMANDS
from interstat.cli.context import Settings
from interstat.errors import InterstatError
from interstat.store.connect import failure_message


#: Analyze commits as it goes and starts where its last commit ended.
_ANALYZE_INTERRUPTED = (
    "interrupted; the files read so far are saved: run analyze again to read the rest"
)


class Interrupted(click.ClickException):
    """Ctrl-C: one line saying what was kept, and the shell's usual exit status."""

    exit_code = 130


class _Group(click.Group):
    """Loads each command on first use; expected failures become one line.

    Bugs keep their traceback.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, _, attribute = target.partition(":")
        return getattr(importlib.import_module(module_name), attribute)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InterstatError as error:
            raise click.ClickException(str(error)) from error
        except sqlite3.DatabaseError as error:
            # Damage deep in the file, or a disk that fills, shows only mid-run.
            message = failure_message(error, ctx.ensure_object(Settings).store_path)
            if message is None:
                raise
            raise click.ClickException(message) from error
        except KeyboardInterrupt:
            analyzing = ctx.invoked_subcommand == "analyze"
            raise Interrupted(_ANALYZE_INTERRUPTED if analyzing else "interrupted") from None


class _EnvironmentOption(click.Option):
    """An option that names its environment variable in errors about a value taken from it.

    The user who set only ``INTERSTAT_DB`` gave no ``--db`` to correct.
    """

    def get_error_hint(self, ctx: click.Context) -> str:
        if ctx.get_parameter_source(self.name) is ParameterSource.ENVIRONMENT:
            return str(self.envvar)
        return super().get_error_hint(ctx)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="interstat")
@click.option(
    "--db",
    "db_path",
    cls=_EnvironmentOption,
    type=click.Path(dir_okay=False),
    envvar="INTERSTAT_DB",
    help="The SQLite store (default: ~/.claude/interstat/metrics.db).",
)
@click.option("-v", "--verbose", count=True, help="Say more; repeat for debug output.")
@click.option("-q", "--quiet", is_flag=True, help="Only print errors.")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None, verbose: int, quiet: bool) -> None:
    """Measure what Claude Code sub-agent runs really cost."""
    if db_path == "":
        # An empty --db would quietly mean the default store.
        raise click.BadParameter("give the store's file path", param_hint="'--db'")
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[
        min(verbose, 2)
    ]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = Settings(db_path=db_path, verbosity=-1 if quiet else verbose)


def main() -> None:
    stdout.guard()
    try:
        cli(prog_name="interstat")
    except SystemExit:
        # A full disk may refuse only the last buffer: the status must say so.
        stdout.flush()
        raise
