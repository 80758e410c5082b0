"""The built-in parsers load through the entry point like any plugin."""

from __future__ import annotations

from interstat.plugins import build_manager
from interstat_parsers.builtin import BUILTIN_PARSERS


def test_the_entry_point_registers_one_parser_per_era():
    manager, _loaded = build_manager()
    registered = []
    manager.hook.interstat_register_parsers(register=registered.append)
    assert sorted(parser.name for parser in registered) == [
        "claude-code-flat", "claude-code-inline", "claude-code-subagents",
    ]
    assert sorted(parser.era for parser in registered) == ["flat", "inline", "subagents"]
    assert {parser.name for parser in BUILTIN_PARSERS} == {parser.name for parser in registered}
