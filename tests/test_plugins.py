"""The plugin host: built-ins load like third-party plugins; clashes are errors."""

from __future__ import annotations

import inspect
from importlib.metadata import EntryPoint, entry_points

import pluggy
import pytest

from interstat import hookimpl, hookspecs, plugins
from interstat.errors import PluginError
from interstat.plugins import ENTRY_POINT_GROUP, PluginHost, build_manager
from interstat.registry import Correlator, FindingsCounter


def test_every_hookspec_is_prefixed_and_documented():
    specs = [name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction)
             if name.startswith("interstat_")]
    assert specs, "no hookspecs found"
    for name in specs:
        doc = inspect.getdoc(getattr(hookspecs, name)) or ""
        assert "Called" in doc and "Returns" in doc, f"{name} must say when it is called"


def test_builtins_register_through_the_entry_point_group():
    _manager, loaded = build_manager()
    names = {plugin.name for plugin in loaded if plugin.builtin}
    assert {"parsers", "correlators", "findings", "reports"} <= names


def _host_with(*plugins) -> PluginHost:
    manager = pluggy.PluginManager("interstat")
    manager.add_hookspecs(hookspecs)
    for plugin in plugins:
        manager.register(plugin)
    return PluginHost(manager, [])


class _CounterA:
    @hookimpl
    def interstat_register_findings_counters(self, register):
        register(FindingsCounter("bullets", lambda text, agent: 1))


class _CounterB:
    @hookimpl
    def interstat_register_findings_counters(self, register):
        register(FindingsCounter("bullets", lambda text, agent: 2))


def test_two_plugins_registering_one_name_is_an_error_naming_both():
    host = _host_with(_CounterA(), _CounterB())
    with pytest.raises(PluginError, match="registered by both"):
        host.findings_counters()


def test_a_misspelt_hook_fails_loudly():
    class Misspelt:
        @hookimpl
        def interstat_register_parser(self, register):
            """Missing the final s."""

    manager = pluggy.PluginManager("interstat")
    manager.add_hookspecs(hookspecs)
    manager.register(Misspelt())
    with pytest.raises(pluggy.PluginValidationError):
        manager.check_pending()


class _LateCorrelator:
    @hookimpl
    def interstat_register_correlators(self, register):
        register(Correlator("late", lambda conn, run: None))


LATE_CORRELATOR = _LateCorrelator()


def test_builtins_register_first_whatever_order_the_environment_lists(monkeypatch):
    builtin = list(entry_points(group=ENTRY_POINT_GROUP))
    # A bare entry point has no distribution: a third party, listed first here.
    third_party = EntryPoint("late", "tests.test_plugins:LATE_CORRELATOR", ENTRY_POINT_GROUP)
    monkeypatch.setattr(plugins, "entry_points", lambda group: [third_party, *builtin])
    manager, loaded = build_manager()
    assert [plugin.builtin for plugin in loaded] == [True] * len(builtin) + [False]
    names = [correlator.name for correlator in PluginHost(manager, loaded).correlators()]
    assert names == ["prompt-digest", "late"]
