"""Where the store and the config file live.

``--db`` wins, then ``$INTERSTAT_DB``, then ``paths.db`` in the config file,
then ``interstat/metrics.db`` under the first Claude config root
(``$CLAUDE_CONFIG_DIR``, which may be a comma-separated list, else
``~/.claude``). The config file is ``config.toml`` beside the default store,
or ``$INTERSTAT_CONFIG``. Standard library only (the capture hook reads this).
"""

from __future__ import annotations

import os
from pathlib import Path

from interstat.errors import ConfigError

STORE_FILE_NAME = "metrics.db"
CONFIG_FILE_NAME = "config.toml"


def claude_config_roots() -> list[Path]:
    """Every Claude config root this user has, in the order Claude Code reads them."""
    raw = os.environ.get("CLAUDE_CONFIG_DIR", "")
    roots = [Path(part).expanduser() for part in raw.split(",") if part.strip()]
    return roots or [Path.home() / ".claude"]


def default_store_path() -> Path:
    return claude_config_roots()[0] / "interstat" / STORE_FILE_NAME


def config_path() -> Path:
    """The config file: ``$INTERSTAT_CONFIG``, else ``config.toml`` beside the default store."""
    from_env = os.environ.get("INTERSTAT_CONFIG")
    if from_env:
        return Path(from_env).expanduser()
    return default_store_path().parent / CONFIG_FILE_NAME


def read_config_file(path: Path) -> dict[str, object]:
    """The config file's TOML as a dict; an empty one when there is no file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from error
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path.name}: not valid TOML: {error}; fix {path}") from error


def config_relative_path(raw: str, config_file: Path) -> Path:
    """A path written in the config file; relative ones start at the file's folder."""
    return config_file.parent / Path(raw).expanduser()


def configured_store_path() -> Path | None:
    """``paths.db`` of the config file, or None when it does not set one."""
    config_file = config_path()
    section = read_config_file(config_file).get("paths", {})
    raw = section.get("db") if isinstance(section, dict) else None
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw:
        raise ConfigError(f"{config_file.name}: paths.db: expected a path; fix {config_file}")
    return config_relative_path(raw, config_file)


def resolve_store_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get("INTERSTAT_DB")
    if from_env:
        return Path(from_env).expanduser()
    return configured_store_path() or default_store_path()


def spool_path(store_path: Path) -> Path:
    """Events that could not be written wait here, beside the store."""
    return store_path.with_name(store_path.name + ".spool")
