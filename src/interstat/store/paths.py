"""Where the store lives.

``--db`` wins, then ``$INTERSTAT_DB``, then ``interstat/metrics.db`` under the
first Claude config root (``$CLAUDE_CONFIG_DIR``, which may be a
comma-separated list, else ``~/.claude``).
"""

from __future__ import annotations

import os
from pathlib import Path

STORE_FILE_NAME = "metrics.db"


def claude_config_roots() -> list[Path]:
    """Every Claude config root this user has, in the order Claude Code reads them."""
    raw = os.environ.get("CLAUDE_CONFIG_DIR", "")
    roots = [Path(part).expanduser() for part in raw.split(",") if part.strip()]
    return roots or [Path.home() / ".claude"]


def default_store_path() -> Path:
    return claude_config_roots()[0] / "interstat" / STORE_FILE_NAME


def resolve_store_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get("INTERSTAT_DB")
    if from_env:
        return Path(from_env).expanduser()
    return default_store_path()


def spool_path(store_path: Path) -> Path:
    """Events that could not be written wait here, beside the store."""
    return store_path.with_name(store_path.name + ".spool")
