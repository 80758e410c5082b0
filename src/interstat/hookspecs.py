"""Every hook interstat calls, grouped by when it is called.

A plugin is a module or object with functions of these names, decorated with
``interstat.hookimpl``, published in the ``interstat`` entry-point group. The
built-in parsers, correlators, findings counters and report sections are
registered the same way. Each registration hook gets a ``register`` callable;
call it once per record and return nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import pluggy

from interstat.registry import Correlator, FindingsCounter, ReportSection, TranscriptParser

hookspec = pluggy.HookspecMarker("interstat")

# Reading transcripts


@hookspec
def interstat_register_parsers(register: Callable[[TranscriptParser], None]) -> None:
    """Register transcript parsers, one per format era.

    Called once when ``interstat analyze`` (or anything that reads
    transcripts) first needs the parsers. ``register`` takes a
    ``TranscriptParser``; names must be unique across all plugins. For each
    file, every parser's ``recognises`` is asked: exactly one must accept it.
    Returns nothing.
    """


@hookspec
def interstat_register_correlators(register: Callable[[Correlator], None]) -> None:
    """Register correlators that match transcript runs to rows the hooks stored.

    Called once before transcripts are applied to the store. Correlators are
    asked in registration order after the exact id match failed; the first
    one returning a ``run_id`` wins, and ``None`` means "not mine".
    Returns nothing.
    """


@hookspec
def interstat_register_findings_counters(register: Callable[[FindingsCounter], None]) -> None:
    """Register counters of findings in a sub-agent's final answer.

    Called once before transcripts are applied. Counters are asked in
    registration order (the built-in default last); the first that returns a
    number decides, ``None`` passes the answer on. Returns nothing.
    """


# Reporting


@hookspec
def interstat_register_report_sections(register: Callable[[ReportSection], None]) -> None:
    """Register sections of ``interstat report``.

    Called once when a report is built. ``register`` takes a
    ``ReportSection`` whose ``build`` receives the report context (the store
    connection, filters, thresholds and prices) and returns ``SectionData``;
    names must be unique. Returns nothing.
    """
