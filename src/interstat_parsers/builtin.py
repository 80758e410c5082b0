"""Registers the built-in parsers through the ``interstat`` entry-point group."""

from __future__ import annotations

from interstat import hookimpl


@hookimpl
def interstat_register_parsers(register):
    """Every era's parser; the host asks each which files it recognises."""
