"""Where the store and the config file live, as ``Path`` objects for the commands.

The rules are ``interstat.store.locate``'s, which answers in plain strings so
that the capture hook need not import pathlib; this module only wraps them.
"""

from __future__ import annotations

import os
from pathlib import Path

from interstat.store import locate


def claude_config_roots() -> list[Path]:
    """Every Claude config root this user has, in the order Claude Code reads them."""
    return [Path(root) for root in locate.config_roots()]


def missing_config_root() -> Path | None:
    """The first ``$CLAUDE_CONFIG_DIR`` folder when it does not exist, else None."""
    missing = locate.missing_config_root()
    return Path(missing) if missing is not None else None


def default_store_path() -> Path:
    return Path(locate.default_store_path())


def config_path() -> Path:
    """The config file: ``$INTERSTAT_CONFIG``, else ``config.toml`` beside the default store."""
    return Path(locate.config_path())


def config_location() -> tuple[Path, str | None]:
    """The config file, and the variable that named it (None: the default place)."""
    path, named_by = locate.config_location()
    return Path(path), named_by


def read_config_file(path: Path, named_by: str | None = None) -> dict[str, object]:
    """The config file's TOML as a dict; see ``locate.read_config_file``."""
    return locate.read_config_file(os.fspath(path), named_by)


def config_relative_path(raw: str, config_file: Path) -> Path:
    """A path written in the config file; relative ones start at the file's folder."""
    return Path(locate.config_relative_path(raw, os.fspath(config_file)))


def configured_store_path() -> Path | None:
    """``paths.db`` of the config file, or None when it does not set one."""
    configured = locate.configured_store_path()
    return Path(configured) if configured is not None else None


def resolve_store_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The store in effect; ConfigError when it would sit in a missing config root."""
    return Path(locate.resolve_store_path(explicit))


def spool_path(store_path: Path) -> Path:
    """Events that could not be written wait here, beside the store."""
    return Path(locate.spool_path(store_path))
