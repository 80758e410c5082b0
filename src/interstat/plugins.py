"""The plugin host: loads entry points and collects what plugins register.

Nothing is loaded at import time. ``load_plugins()`` builds the manager once
per process; setting ``INTERSTAT_BLOCK_PLUGINS`` to a comma-separated list of
distribution or plugin names keeps those out (``*`` keeps out every
third-party plugin, never the built-ins).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib.metadata import EntryPoint, entry_points
from typing import TypeVar

import attrs
import pluggy

from interstat import hookspecs
from interstat.errors import PluginError
from interstat.registry import Correlator, FindingsCounter, ReportSection, TranscriptParser

ENTRY_POINT_GROUP = "interstat"
BUILTIN_DISTRIBUTION = "interstat"

Record = TypeVar("Record", TranscriptParser, Correlator, FindingsCounter, ReportSection)


@attrs.frozen
class LoadedPlugin:
    """One registered plugin: its name and the distribution that shipped it."""

    name: str
    distribution: str
    builtin: bool


def _blocked_names() -> set[str]:
    raw = os.environ.get("INTERSTAT_BLOCK_PLUGINS", "")
    return {part.strip() for part in raw.split(",") if part.strip()}


def _is_blocked(name: str, distribution: str, blocked: set[str]) -> bool:
    if distribution == BUILTIN_DISTRIBUTION:
        return False
    return "*" in blocked or name in blocked or distribution in blocked


def _distribution(entry: EntryPoint) -> str:
    return entry.dist.name if entry.dist else "?"


def _builtins_first(entries: Iterable[EntryPoint]) -> list[EntryPoint]:
    # Records are used in registration order, and the environment's order of
    # distributions is not ours to choose.
    return sorted(entries, key=lambda entry: _distribution(entry) != BUILTIN_DISTRIBUTION)


def build_manager() -> tuple[pluggy.PluginManager, list[LoadedPlugin]]:
    """A fresh plugin manager with every entry point of the group registered."""
    manager = pluggy.PluginManager("interstat")
    manager.add_hookspecs(hookspecs)
    blocked = _blocked_names()
    loaded: list[LoadedPlugin] = []
    for entry in _builtins_first(entry_points(group=ENTRY_POINT_GROUP)):
        distribution = _distribution(entry)
        if _is_blocked(entry.name, distribution, blocked):
            continue
        try:
            module = entry.load()
        except Exception as error:  # a broken plugin must name itself
            raise PluginError(
                f"plugin {entry.name!r} from {distribution} failed to load: {error}; "
                "reinstall it or block it with INTERSTAT_BLOCK_PLUGINS"
            ) from error
        manager.register(module, name=entry.name)
        builtin = distribution == BUILTIN_DISTRIBUTION
        loaded.append(LoadedPlugin(entry.name, distribution, builtin))
    # A misspelt hook name in a plugin would otherwise be ignored silently.
    manager.check_pending()
    return manager, loaded


@lru_cache(maxsize=1)
def load_plugins() -> PluginHost:
    """The process-wide plugin host, built on first use."""
    manager, loaded = build_manager()
    return PluginHost(manager, loaded)


class PluginHost:
    """A typed view of the plugin manager: what each kind of plugin registered."""

    def __init__(self, manager: pluggy.PluginManager, loaded: list[LoadedPlugin]):
        self.manager = manager
        self.loaded = loaded

    def _collect(self, hook: Callable[..., object], kind: str) -> list:
        records: list = []
        owners: dict[str, str] = {}
        # get_hookimpls() is in registration order (pluggy *calls* them in
        # reverse); walking it directly keeps built-ins, registered first, in front.
        for impl in hook.get_hookimpls():
            def register(record, _plugin=impl.plugin_name) -> None:
                if record.name in owners:
                    raise PluginError(
                        f"{kind} {record.name!r} is registered by both "
                        f"{owners[record.name]!r} and {_plugin!r}; remove one of them"
                    )
                owners[record.name] = _plugin
                records.append(record)

            impl.function(register=register)
        return records

    def parsers(self) -> list[TranscriptParser]:
        return self._collect(self.manager.hook.interstat_register_parsers, "parser")

    def correlators(self) -> list[Correlator]:
        return self._collect(self.manager.hook.interstat_register_correlators, "correlator")

    def findings_counters(self) -> list[FindingsCounter]:
        counters = self._collect(
            self.manager.hook.interstat_register_findings_counters, "findings counter"
        )
        # The default counter accepts every answer, so it must be asked last.
        return sorted(counters, key=lambda counter: counter.name == "default")

    def report_sections(self) -> list[ReportSection]:
        sections = self._collect(
            self.manager.hook.interstat_register_report_sections, "report section"
        )
        return sorted(sections, key=lambda section: (section.order, section.name))
