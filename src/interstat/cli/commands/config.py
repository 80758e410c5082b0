"""``interstat config``: the effective settings and where each one came from."""

from __future__ import annotations

import click
from click.core import ParameterSource

from interstat.cli.context import Settings, pass_settings
from interstat.cli.output import console_for, emit_json, plain_table
from interstat.config import load_config


def _shown(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return "  ".join(f"{name} {amount:g}" if isinstance(amount, float) else f"{name} {amount}"
                         for name, amount in value.items())
    return str(value)


@click.command("config")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table")
@pass_settings
def config(settings: Settings, output_format: str) -> None:
    """Show the effective settings and where each came from.

    Each is a default, from the config file, from the environment, or from --db.

    Prices are US dollars per million tokens, under [prices."MODEL-GLOB"].
    """
    loaded = load_config()
    rows = loaded.settings()
    root = click.get_current_context().find_root()
    if root.get_parameter_source("db_path") is ParameterSource.COMMANDLINE:
        rows[0] = ("paths.db", str(settings.store_path), "option")
    if output_format == "json":
        emit_json({
            "file": str(loaded.file),
            "file_exists": loaded.file.is_file(),
            "settings": [{"key": k, "value": v, "source": s} for k, v, s in rows],
        })
        return
    state = "" if loaded.file.is_file() else " (not found: defaults apply)"
    console = console_for()
    console.print(f"Config file: {loaded.file}{state}")
    console.print(plain_table("Settings", ["key", "value", "source"],
                              [[k, _shown(v), s] for k, v, s in rows]))
