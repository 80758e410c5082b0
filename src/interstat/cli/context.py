"""What every command shares: the global options and the store they name."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from interstat.store.connect import DEFAULT_BUSY_TIMEOUT_MS, open_store
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

    def open_store(self, *, create: bool = True,
                   busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> sqlite3.Connection:
        return open_store(self.store_path, create=create, busy_timeout_ms=busy_timeout_ms)

    def read_store(self) -> sqlite3.Connection:
        """The store for a command that only reads: read-only when it cannot be written."""
        return open_store(self.store_path, create=False, only_reads=True)


pass_settings = click.make_pass_decorator(Settings, ensure=True)
