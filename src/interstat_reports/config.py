"""The user's settings file: report thresholds and price overrides.

It lives at ``$INTERSTAT_CONFIG`` or else ``config.toml`` in the interstat
folder of the first Claude config root (``~/.claude/interstat/config.toml``).
A missing file means defaults. Standard library (and tomli before 3.11) only,
since ``interstat status`` reads the baseline size from it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from interstat.errors import ConfigError
from interstat.store.paths import claude_config_roots

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

CONFIG_FILE_NAME = "config.toml"


@attrs.frozen
class ReportSettings:
    """Thresholds of the report; each comes from an option, the config file or here."""

    gate_threshold: int = 120_000
    context_limits: tuple[int, ...] = (100_000, 150_000)
    baseline_runs: int = 50
    top_runs: int = 5
    session_rows: int = 20


@attrs.frozen
class UserConfig:
    settings: ReportSettings
    prices: Mapping[str, Mapping[str, Any]]
    path: Path
    found: bool


def default_config_path() -> Path:
    explicit = os.environ.get("INTERSTAT_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    return claude_config_roots()[0] / "interstat" / CONFIG_FILE_NAME


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML ({error}); fix or remove it") from None
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error}") from None


def _positive_int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"{where} must be a positive whole number, not {value!r}")
    return value


def _settings(section: Mapping[str, Any], path: Path) -> ReportSettings:
    known = {field.name for field in attrs.fields(ReportSettings)}
    unknown = set(section) - known
    if unknown:
        raise ConfigError(
            f"{path}: unknown [report] setting(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(known))}"
        )
    values: dict[str, Any] = {}
    for name, value in section.items():
        where = f"{path}: report.{name}"
        if name == "context_limits":
            if not isinstance(value, list) or not value:
                raise ConfigError(f"{where} must be a list of token counts")
            values[name] = tuple(sorted(_positive_int(v, where) for v in value))
        else:
            values[name] = _positive_int(value, where)
    return ReportSettings(**values)


def load_config(path: Path | None = None) -> UserConfig:
    """Read the config file; defaults when it does not exist."""
    path = path or default_config_path()
    if not path.exists():
        return UserConfig(ReportSettings(), {}, path, found=False)
    data = read_toml(path)
    unknown = set(data) - {"report", "prices"}
    if unknown:
        raise ConfigError(
            f"{path}: unknown table(s) {', '.join(sorted(unknown))}; use [report] and [prices]"
        )
    prices = data.get("prices", {})
    if not isinstance(prices, dict):
        raise ConfigError(f'{path}: prices must be tables like [prices."claude-opus-5-5*"]')
    return UserConfig(_settings(data.get("report", {}), path), prices, path, found=True)
