"""``interstat analyze``: read transcripts into the store, incrementally."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from interstat.capture import spool
from interstat.cli.context import Settings, pass_settings

if TYPE_CHECKING:
    from interstat.analyze import AnalyzeSummary

#: How long analyze waits for the write lock. Hooks of busy sessions take it
#: for a few milliseconds each, many times a second, and SQLite lets no writer
#: queue: under sixteen sessions of parallel agents analyze could wait longer
#: than the usual 5 s. It is not in a hurry; a hook is (hooks wait 300 ms).
ANALYZE_BUSY_TIMEOUT_MS = 120_000


def default_claude_dirs() -> list[Path]:
    """The config file's folders (else every Claude root), and ~/.config/claude."""
    from interstat.config import load_config

    roots = list(load_config().paths.claude_dirs)
    xdg = Path.home() / ".config" / "claude"
    if xdg.is_dir() and xdg not in roots:
        roots.append(xdg)
    return roots


def _window(since: str | None, until: str | None,
            utc: bool) -> tuple[datetime | None, datetime | None]:
    """--since/--until read as report and export read theirs."""
    from interstat.filters import OptionValueError, parse_window

    try:
        return parse_window(since, until, utc=utc)
    except OptionValueError as error:
        raise click.BadParameter(str(error), param_hint=f"'--{error.option}'") from error


def _warn_if_nothing_matched(summary: AnalyzeSummary, roots: list[Path],
                             session: str | None) -> None:
    """A pass that found nothing to read says why, on stderr: it is not an error."""
    if summary.files_found == 0:
        folders = ", ".join(str(root) for root in roots)
        click.echo(f"Warning: no transcript files under {folders}; --claude-dir takes a Claude "
                   "config root, the folder that holds projects/", err=True)
    elif session is not None and summary.files_filtered == summary.files_found:
        click.echo(f"Warning: no transcript file belongs to session {session}; give the whole "
                   "session id ('interstat status' lists recent ones)", err=True)


def _print_summary(summary: AnalyzeSummary, settings: Settings) -> None:
    from interstat.cli.output import console_for

    console = console_for()
    console.print(
        f"Read {summary.files_read} of {summary.files_found} transcript files "
        f"({summary.files_unchanged} unchanged, {summary.files_filtered} filtered out); "
        f"{summary.runs_updated} runs updated."
    )
    if summary.skipped_lines:
        reasons = ", ".join(f"{reason}: {n}" for reason, n in sorted(summary.skipped_lines.items()))
        console.print(f"Skipped lines: {reasons}")
    for problem in summary.problems[: None if settings.verbosity > 0 else 5]:
        console.print(f"Skipped file: {problem}")
    hidden = len(summary.problems) - 5
    if settings.verbosity <= 0 and hidden > 0:
        console.print(f"... and {hidden} more files skipped (-v lists them)")
    if settings.verbosity > 0:
        for parser, count in sorted(summary.parsers.items()):
            console.print(f"Parser {parser}: {count} files")


@click.command("analyze")
@click.option(
    "--claude-dir",
    "claude_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="A Claude config root (holding projects/); repeat for several. "
    "Default: $CLAUDE_CONFIG_DIR entries or ~/.claude, and ~/.config/claude.",
)
@click.option("--session", metavar="ID",
              help="Only this session's transcripts: its <ID>.jsonl, its <ID>/ folder and "
              "flat agent files of that session. The whole id, not a part of it.")
@click.option("--since", metavar="WHEN",
              help="Only lines from this time on: 2026-03-01, 2026-03-01T14:30, or an age like 7d.")
@click.option("--until", metavar="WHEN",
              help="Only lines before this time; a bare date includes that whole day.")
@click.option("--utc", is_flag=True, help="Read --since/--until as UTC, not local time.")
@click.option("--strict", is_flag=True, help="Count unknown line types and fields as skipped.")
@click.option("--reread", is_flag=True,
              help="Read the transcripts (of --session) again from their start, bringing "
              "back what purge deleted from them.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@pass_settings
def analyze(settings: Settings, claude_dirs: tuple[str, ...], session: str | None,
            since: str | None, until: str | None, utc: bool, strict: bool, reread: bool,
            output_format: str) -> None:
    """Read transcripts and fill in exact token counts for every sub-agent run."""
    from interstat.analyze import run_analyze

    for root in claude_dirs:
        if not root:
            # An empty value would mean the current folder and read all below it.
            raise click.BadParameter("give a folder", param_hint="--claude-dir")
        if not Path(root).is_dir():
            raise click.BadParameter(f"{root} is not a folder", param_hint="--claude-dir")
    if session is not None and not session.strip():
        # Read as "no --session", it would quietly read every session.
        raise click.BadParameter("it is empty; give a session id", param_hint="'--session'")
    # Stored transcript paths must not depend on the folder analyze ran in.
    roots = [Path(root).absolute() for root in claude_dirs or default_claude_dirs()]
    if reread and (since or until):
        raise click.UsageError("--reread reads whole transcripts: leave out --since/--until")
    first, last = _window(since, until, utc)
    conn = settings.open_store(busy_timeout_ms=ANALYZE_BUSY_TIMEOUT_MS)
    try:
        # Events the hooks could not write (a locked store) wait in the spool.
        if spool.pending(settings.store_path):
            spool.drain(conn, settings.store_path)
        show_bar = output_format == "text" and sys.stderr.isatty() and settings.verbosity >= 0
        with _progress(show_bar) as advance:
            summary = run_analyze(conn, roots, session=session, since=first, until=last,
                                  strict=strict, reread=reread, on_file=advance)
    finally:
        conn.close()
    if settings.verbosity >= 0:
        _warn_if_nothing_matched(summary, roots, session)
    if output_format == "json":
        from interstat.cli.output import emit_json

        emit_json(summary.to_dict())
    elif settings.verbosity >= 0:
        _print_summary(summary, settings)


@contextmanager
def _progress(show: bool) -> Iterator[Callable[[object], None] | None]:
    """A bar on stderr counting files, when shown; rich is imported only then, since
    a pass where nothing changed takes less time than importing it."""
    if not show:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from interstat.cli.output import console_for

    with Progress(
        TextColumn("Reading transcripts"), BarColumn(), MofNCompleteColumn(),
        console=console_for(stderr=True), transient=True,
    ) as progress:
        task = progress.add_task("files", total=None)
        yield lambda _found: progress.advance(task)
