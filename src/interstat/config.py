"""interstat's settings: paths, thresholds and prices.

Each setting comes from the code's default (for prices: the bundled list,
``interstat.prices``), then ``config.toml`` (see
``interstat.store.paths.config_path``), then the environment
(``$INTERSTAT_DB``, ``$CLAUDE_CONFIG_DIR``); ``Config.sources`` says which
one won for every key. ``load_config()`` is the one entry point; report,
status, analyze and doctor all read their settings through it.
"""

from __future__ import annotations

import datetime
import os
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from interstat.bounds import MAX_ROWS, MAX_TOKENS
from interstat.errors import ConfigError
from interstat.prices import RATE_FIELDS, IncompletePrice, Price, PriceTable, price_table
from interstat.store import locate as store_locate
from interstat.store import paths as store_paths

DEFAULT, FILE, ENV = "default", "file", "env"


__all__ = ["Config", "Paths", "Price", "PriceTable", "Thresholds", "load_config"]


def _ascending(limits: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(sorted(limits))


def _at_most(largest: int) -> dict[str, int]:
    return {"max": largest}


@attrs.frozen
class Thresholds:
    """The decision gate and the sizes and counts reports work with.

    Each field's metadata holds the largest value it may take.
    """

    #: Peak-context tokens the p99 is held against.
    gate: int = attrs.field(default=120_000, metadata=_at_most(MAX_TOKENS))
    #: Peak-context sizes to count runs above, smallest first.
    context_limits: tuple[int, ...] = attrs.field(default=(100_000, 150_000),
                                                  converter=_ascending,
                                                  metadata=_at_most(MAX_TOKENS))
    #: Runs needed before results are representative.
    baseline_runs: int = attrs.field(default=50, metadata=_at_most(MAX_ROWS))
    #: Largest runs the context-limits section lists.
    top_runs: int = attrs.field(default=5, metadata=_at_most(MAX_ROWS))
    #: Sessions the main-vs-subagents section lists.
    session_rows: int = attrs.field(default=20, metadata=_at_most(MAX_ROWS))


@attrs.frozen
class Paths:
    db: Path
    claude_dirs: tuple[Path, ...]


@attrs.frozen
class Config:
    paths: Paths
    thresholds: Thresholds
    #: The bundled prices with the file's [prices] tables laid over them.
    prices: PriceTable
    #: The config file consulted (it may not exist).
    file: Path
    #: Dotted key (``thresholds.gate``, ``prices.<glob>``) to DEFAULT, FILE or ENV.
    sources: Mapping[str, str]

    def price_for(self, model: str) -> Price | None:
        """The price of ``model``: an exact pattern, else the most specific glob."""
        return self.prices.find(model)

    def settings(self) -> list[tuple[str, Any, str]]:
        """Every setting as (dotted key, plain value, source), for display and JSON."""
        rows: list[tuple[str, Any, str]] = [
            ("paths.db", str(self.paths.db), self.sources["paths.db"]),
            ("paths.claude_dirs", [str(path) for path in self.paths.claude_dirs],
             self.sources["paths.claude_dirs"]),
        ]
        for field in attrs.fields(Thresholds):
            value = getattr(self.thresholds, field.name)
            key = f"thresholds.{field.name}"
            rows.append((key, list(value) if isinstance(value, tuple) else value,
                         self.sources[key]))
        checked = self.prices.user_checked or self.prices.checked
        rows.append(("prices.checked", checked, self.sources["prices.checked"]))
        for price in self.prices.prices:
            key = f"prices.{price.pattern}"
            rows.append((key, price.shown(), self.sources[key]))
        return rows


#: A path written in the file: a non-empty string.
_PathText = typing.NewType("_PathText", str)


@attrs.frozen
class _FilePaths:
    db: _PathText | None = None
    claude_dirs: tuple[str, ...] | None = None


@attrs.frozen
class _FilePrice:
    """One ``[prices."glob"]`` table; a field left out keeps the bundled value."""

    input: float | None = None
    output: float | None = None
    cache_read: float | None = None
    cache_write_5m: float | None = None
    cache_write_1h: float | None = None
    name: str | None = None
    max_context_tokens: int | None = None

    def given(self) -> dict[str, Any]:
        return {key: value for key, value in attrs.asdict(self).items() if value is not None}


@attrs.frozen
class _FileConfig:
    """The file's content, before defaults and the environment are applied."""

    paths: _FilePaths = _FilePaths()
    thresholds: Thresholds = Thresholds()
    prices: dict[str, _FilePrice] = attrs.Factory(dict)


class _Expected(ValueError):
    """A value of the wrong type; the message says what was expected."""


def _strict_int(value: Any, _type: Any) -> int:
    # bool is an int in Python, and cattrs would turn "12" or 1.5 into 12 or 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Expected("expected an integer")
    return value


def _strict_float(value: Any, _type: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Expected("expected a number")
    return float(value)


def _strict_str(value: Any, _type: Any) -> str:
    if not isinstance(value, str):
        raise _Expected("expected a string")
    return value


def _strict_path(value: Any, _type: Any) -> str:
    # The hook reads paths.db too, without cattrs: both say the same.
    if not isinstance(value, str) or not value:
        raise _Expected(store_locate.PATH_EXPECTED)
    return value


_ITEM_HOOKS = {int: _strict_int, str: _strict_str}


def _is_list_setting(type_: Any) -> bool:
    return typing.get_origin(type_) is tuple and typing.get_args(type_)[1:] == (...,)


def _strict_list(value: Any, type_: Any) -> tuple[Any, ...]:
    # cattrs would take a string as a list of its characters.
    if not isinstance(value, list):
        raise _Expected("expected a list")
    item_hook = _ITEM_HOOKS[typing.get_args(type_)[0]]
    items = []
    for index, item in enumerate(value, start=1):
        try:
            items.append(item_hook(item, None))
        except _Expected as error:
            raise _Expected(f"item {index}: {error}") from None
    return tuple(items)


def _converter() -> Any:
    import cattrs

    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(int, _strict_int)
    converter.register_structure_hook(float, _strict_float)
    converter.register_structure_hook(str, _strict_str)
    converter.register_structure_hook(_PathText, _strict_path)
    converter.register_structure_hook_func(_is_list_setting, _strict_list)
    return converter


def _describe(error: BaseException, _type: Any) -> str:
    import cattrs

    if isinstance(error, _Expected):
        return str(error)
    if isinstance(error, cattrs.ForbiddenExtraKeysError):
        return f"unknown key {', '.join(sorted(error.extra_fields))}"
    if isinstance(error, KeyError):
        return "required key missing"
    return "expected a table" if isinstance(error, (TypeError, AttributeError)) else str(error)


def _key_path(raw_path: str) -> str:
    # cattrs writes $.prices['claude-*'].input; people write prices."claude-*".input
    return raw_path.removeprefix("$").removeprefix(".").replace("['", '."').replace("']", '"')


def _structure(raw: dict[str, Any], config_file: Path) -> _FileConfig:
    # cattrs takes longer to import than `interstat status` takes to count, so
    # it is imported only when there is a file to read.
    if not raw:
        return _FileConfig()
    import cattrs

    try:
        return _converter().structure(raw, _FileConfig)
    except cattrs.BaseValidationError as error:
        messages = cattrs.transform_error(error, path="$", format_exception=_describe)
        message, _, where = messages[0].rpartition(" @ ")
        where = _key_path(where)
        location = f"{where}: " if where else ""
        raise ConfigError(f"{config_file.name}: {location}{message}; fix {config_file}") from error


def _check_values(parsed: _FileConfig, config_file: Path) -> None:
    def fail(key: str, message: str) -> None:
        raise ConfigError(f"{config_file.name}: {key}: {message}; fix {config_file}")

    limits = parsed.thresholds
    for field in attrs.fields(Thresholds):
        value, largest = getattr(limits, field.name), field.metadata["max"]
        if isinstance(value, int) and not 1 <= value <= largest:
            fail(f"thresholds.{field.name}", f"expected a positive integer up to {largest}")
    if not limits.context_limits or any(not 1 <= value <= MAX_TOKENS
                                        for value in limits.context_limits):
        fail("thresholds.context_limits",
             f"expected a list of positive integers up to {MAX_TOKENS}")
    for glob, price in parsed.prices.items():
        if any(getattr(price, name) is not None and getattr(price, name) < 0
               for name in RATE_FIELDS):
            fail(f'prices."{glob}"', "prices cannot be negative")
        if price.max_context_tokens is not None and not 1 <= price.max_context_tokens <= MAX_TOKENS:
            fail(f'prices."{glob}".max_context_tokens',
                 f"expected a positive integer up to {MAX_TOKENS}")


def _paths(parsed: _FilePaths, config_file: Path, sources: dict[str, str]) -> Paths:
    db, sources["paths.db"] = store_paths.default_store_path(), DEFAULT
    if parsed.db is not None:
        db, sources["paths.db"] = store_paths.config_relative_path(parsed.db, config_file), FILE
    if os.environ.get("INTERSTAT_DB"):
        db, sources["paths.db"] = store_paths.resolve_store_path(), ENV

    dirs, sources["paths.claude_dirs"] = (Path.home() / ".claude",), DEFAULT
    if parsed.claude_dirs is not None:
        dirs = tuple(store_paths.config_relative_path(raw, config_file)
                     for raw in parsed.claude_dirs)
        sources["paths.claude_dirs"] = FILE
    if os.environ.get("CLAUDE_CONFIG_DIR", "").strip(","):
        dirs, sources["paths.claude_dirs"] = tuple(store_paths.claude_config_roots()), ENV
    return Paths(db=db, claude_dirs=dirs)


def _split_checked(raw: dict[str, Any], config_file: Path) -> tuple[dict[str, Any], str]:
    """The file without ``[prices] checked``, and that date ("" when not stated).

    ``[prices]`` holds model globs as tables and this one plain key, which
    says when the user last checked the prices they wrote.
    """
    prices = raw.get("prices")
    if not isinstance(prices, dict) or "checked" not in prices:
        return raw, ""
    checked = _iso_date(prices["checked"])
    if checked is None:
        raise ConfigError(f"{config_file.name}: prices.checked: expected a date such as "
                          f"2026-12-01 (YYYY-MM-DD); fix {config_file}")
    rest = {glob: table for glob, table in prices.items() if glob != "checked"}
    return {**raw, "prices": rest}, checked


def _iso_date(value: Any) -> str | None:
    """``value`` as YYYY-MM-DD when it is a TOML date or a string written so, else None.

    The report prints it as "checked <date>": "yesterday" would stay
    yesterday for ever, and a time of day says more than anyone checked.
    """
    if isinstance(value, datetime.datetime):
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    try:
        date = datetime.date.fromisoformat(value)
    except ValueError:
        return None
    # fromisoformat also reads 20261201 and 2026-W48-2.
    return value if date.isoformat() == value else None


def _prices(parsed: _FileConfig, checked: str, config_file: Path) -> PriceTable:
    try:
        return price_table({glob: price.given() for glob, price in parsed.prices.items()},
                           user_checked=checked)
    except IncompletePrice as error:
        raise ConfigError(f'{config_file.name}: prices."{error.pattern}": {error}; '
                          f"fix {config_file}") from error


def load_config(config_file: Path | None = None, named_by: str = "--config") -> Config:
    """The effective settings; raises ConfigError naming the bad key of a broken file.

    ``config_file``, when given, must exist; ``named_by`` says where its path
    came from, for the message when it does not.
    """
    named: str | None = named_by
    if config_file is None:
        config_file, named = store_paths.config_location()
    raw = store_paths.read_config_file(config_file, named)
    raw, checked = _split_checked(raw, config_file)
    parsed = _structure(raw, config_file)
    _check_values(parsed, config_file)
    prices = _prices(parsed, checked, config_file)

    sources: dict[str, str] = {}
    resolved_paths = _paths(parsed.paths, config_file, sources)
    written_thresholds = raw.get("thresholds", {})
    for field in attrs.fields(Thresholds):
        key = f"thresholds.{field.name}"
        sources[key] = FILE if field.name in written_thresholds else DEFAULT
    sources["prices.checked"] = FILE if checked else DEFAULT
    for price in prices.prices:
        sources[f"prices.{price.pattern}"] = price.origin
    return Config(
        paths=resolved_paths,
        thresholds=parsed.thresholds,
        prices=prices,
        file=config_file,
        sources=sources,
    )
