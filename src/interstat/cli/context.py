"""What every command shares: the global options and the store they name."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from interstat.store.connect import open_store
from interstat.store.paths import resolve_store_path


class Settings:
    """Global options given before the command name.

    A plain class: every command builds one, and attrs would cost each start
    more time than ``interstat status`` spends on its queries.
    """

    def __init__(self, db_path: str | None = None, verbosity: int = 0):
        self.db_path = db_path
        self.verbosity = verbosity

    @property
    def store_path(self) -> Path:
        return resolve_store_path(self.db_path)

    def open_store(self, *, create: bool = True) -> sqlite3.Connection:
        return open_store(self.store_path, create=create)


pass_settings = click.make_pass_decorator(Settings, ensure=True)
