"""The SQL-built sections give what the earlier Python sections give, on random stores.

The reference (tests/reports/reference/) loops over every loaded run; the
built-in sections aggregate in SQL. Hypothesis writes small stores full of
the awkward cases (no name, no model, hook estimates, zero tokens, missing
times, unsplit cache writes, prices with a context limit, side
transcripts) and random filters and thresholds; every section must come out
the same, dollars to within floating-point rounding (a sum of per-run costs
and the cost of summed tokens differ in the last bits).
"""

from __future__ import annotations

import ast
import importlib
import math
import sqlite3
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import CodeType, FunctionType, ModuleType

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interstat.config import Thresholds
from interstat.filters import Filters
from interstat.prices import price_table
from interstat.store.connect import open_store
from interstat_reports import builtin, groups, ranked, sql
from interstat_reports.context import ReportContext
from tests.reports.conftest import insert_run
from tests.reports.reference import (
    agents,
    context_limits,
    findings,
    gate,
    invocations,
    main_vs_subagents,
    models,
    summary,
)

#: Each built-in section's name, and the build that computes it over the loaded runs.
REFERENCE = {
    "summary": summary.build,
    "gate": gate.build,
    "agents": agents.build,
    "context-limits": context_limits.build,
    "findings": findings.build,
    "models": models.build,
    "invocations": invocations.build,
    "main-vs-subagents": main_vs_subagents.build,
}
#: What the SQL sections share and the reference must not use.
SQL_HELPERS = (groups, ranked, sql)
START = datetime(2026, 3, 1, tzinfo=timezone.utc)
#: Bundled opus prices, a user price with a context limit, and a model with none.
PRICES = price_table({
    "claude-sonnet-5-5*": {"input": 2.0, "output": 10.0, "cache_read": 0.2,
                           "cache_write_5m": 2.5, "cache_write_1h": 4.0,
                           "max_context_tokens": 150_000},
})


def _stamp(minutes: int) -> str:
    moment = START + timedelta(minutes=minutes, milliseconds=minutes * 7)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


small = st.one_of(st.integers(min_value=1_000, max_value=400_000), st.just(0))
#: Peaks on both sides of every context limit and price range below.
peaks = st.one_of(
    st.sampled_from([4_999, 5_000, 5_001, 100_000, 100_001, 150_000, 150_001, 390_001]),
    st.integers(min_value=0, max_value=400_000),
)
maybe_time = st.one_of(st.integers(0, 5000).map(_stamp), st.none(), st.just(""))


def mostly(values: st.SearchStrategy) -> st.SearchStrategy:
    """``values``, or None one time in four."""
    return st.one_of(values, values, values, st.none())


@st.composite
def cache_writes(draw) -> dict:
    """Cache writes with no 5m/1h split (older transcripts), a split, or a bad split."""
    total = draw(mostly(small))
    shape = draw(st.sampled_from(["split", "unsplit", "any"]))
    if shape == "unsplit":
        five, hour = None, None
    elif shape == "split" and total is not None:
        five = draw(st.integers(0, total))
        hour = total - five
    else:
        five, hour = draw(mostly(small)), draw(mostly(small))
    return {"cache_creation_tokens": total, "cache_creation_5m_tokens": five,
            "cache_creation_1h_tokens": hour}


@st.composite
def runs(draw) -> dict:
    started = draw(st.integers(0, 4000))
    return draw(cache_writes()) | {
        "session_id": draw(st.sampled_from(["s-a", "s-b", "s-c", "s-d"])),
        "agent_name": draw(st.sampled_from(["fd-a", "Plan", "fd-b", None, "", "(unnamed)"])),
        "model": draw(st.sampled_from(["claude-opus-5-5", "claude-sonnet-5-5", None, "",
                                       "mystery-model"])),
        "kind": draw(st.sampled_from(["dispatched"] * 6 + ["compaction", "btw"])),
        "status": draw(st.sampled_from(["completed", "failed", "running"])),
        "invocation_id": draw(st.sampled_from(["m1", "m2", "m3", None, ""])),
        "started_at": draw(st.one_of(st.just(_stamp(started)), maybe_time)),
        "ended_at": draw(st.one_of(st.just(_stamp(started + 3)), maybe_time)),
        "wall_clock_ms": draw(mostly(st.integers(0, 900_000))),
        "findings": draw(mostly(st.integers(0, 4))),
        "api_calls": draw(mostly(st.integers(0, 30))),
        "tokens_source": draw(st.sampled_from(["transcript"] * 3 + [None, "hook_estimate"])),
        "total_tokens": draw(mostly(small)),
        "peak_context_tokens": draw(mostly(peaks)),
        "input_tokens": draw(mostly(small)),
        "output_tokens": draw(mostly(small)),
        "cache_hit_tokens": draw(mostly(small)),
        "output_is_lower_bound": draw(st.integers(0, 1)),
        "parsed_at": draw(mostly(st.just(_stamp(9000)))),
    }


filters = st.just(Filters()) | st.builds(
    Filters,
    since=st.one_of(st.none(), st.integers(0, 3000).map(lambda m: START + timedelta(minutes=m))),
    agents=st.sampled_from([(), ("fd-*",), ("Plan", "")]),
    sessions=st.sampled_from([(), ("s-a*",), ("s-[bc]*",)]),
    models=st.sampled_from([(), ("claude-*",)]),
)
thresholds = st.builds(
    Thresholds,
    context_limits=st.sampled_from([(100_000, 150_000), (150_000,), (5_000, 390_000)]),
    top_runs=st.integers(1, 4),
    session_rows=st.integers(1, 3),
    baseline_runs=st.integers(1, 60),
)


def _store(folder: Path, rows: list[dict], main_calls: list[tuple]) -> sqlite3.Connection:
    conn = open_store(folder / "metrics.db")
    conn.execute("BEGIN")
    for number, row in enumerate(rows):
        insert_run(conn, agent_id=f"a{number}", **row)
    for number, (session, tokens, synthetic) in enumerate(main_calls):
        conn.execute(
            "INSERT INTO api_calls (call_key, session_id, owner, input_tokens, output_tokens,"
            " cache_read_tokens, cache_creation_tokens, cache_creation_5m_tokens,"
            " cache_creation_1h_tokens, total_tokens, context_tokens, synthetic)"
            " VALUES (?, ?, 'main', 0, 0, 0, 0, 0, 0, ?, 0, ?)",
            (f"c{number}", session, tokens, synthetic),
        )
    conn.execute("COMMIT")
    return conn


def _same(built, expected, path: str = "") -> None:
    if isinstance(expected, float) and isinstance(built, float):
        assert math.isclose(built, expected, rel_tol=1e-9, abs_tol=1e-9), path
    elif isinstance(expected, dict):
        assert list(built) == list(expected), path
        for key in expected:
            _same(built[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, (list, tuple)):
        assert len(built) == len(expected), path
        for index, (one, other) in enumerate(zip(built, expected)):
            _same(one, other, f"{path}[{index}]")
    else:
        assert built == expected, path


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    rows=st.lists(runs(), min_size=4, max_size=40),
    main_calls=st.lists(st.tuples(st.sampled_from(["s-a", "s-b", "s-z"]),
                                  st.integers(0, 50_000), st.integers(0, 1)), max_size=6),
    chosen_filters=filters,
    chosen_thresholds=thresholds,
)
def test_every_builtin_section_matches_the_python_reference(
    rows, main_calls, chosen_filters, chosen_thresholds
):
    with tempfile.TemporaryDirectory() as folder:
        conn = _store(Path(folder), rows, main_calls)
        try:
            for module in builtin.BUILTIN_MODULES:
                name = module.SECTION.name
                context = ReportContext(conn, chosen_filters, chosen_thresholds, PRICES)
                expected = REFERENCE[name](
                    ReportContext(conn, chosen_filters, chosen_thresholds, PRICES))
                _same(attrs.asdict(module.SECTION.build(context)), attrs.asdict(expected), name)
        finally:
            conn.close()


def _defined_in(module: ModuleType) -> set[int]:
    """The objects a module itself assigns or defines at its top level (not its imports)."""
    tree = ast.parse(Path(module.__file__).read_text())
    names = {target.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
             for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
             if isinstance(target, ast.Name)}
    names |= {node.name for node in tree.body
              if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    return {id(getattr(module, name)) for name in names}


def _reaches(function: FunctionType, forbidden: set[int], seen: set[int]) -> list[str]:
    """The forbidden globals that ``function`` uses, itself or through the
    ``interstat_reports`` functions it calls."""
    if id(function) in seen:
        return []
    seen.add(id(function))
    codes, found = [function.__code__], []
    while codes:
        code = codes.pop()
        codes.extend(const for const in code.co_consts if isinstance(const, CodeType))
        for name in code.co_names:
            if name not in function.__globals__:
                continue  # a builtin or an attribute name
            value = function.__globals__[name]
            if id(value) in forbidden:
                found.append(f"{function.__qualname__} uses {name}")
            elif (isinstance(value, FunctionType)
                  and value.__module__.startswith("interstat_reports.")):
                found.extend(_reaches(value, forbidden, seen))
    return found


def test_the_reference_is_the_loaded_runs_path():
    # The reference must not use the SQL helpers it is held against, neither
    # directly nor through what it imports from the section modules.
    forbidden = {id(module) for module in SQL_HELPERS}
    forbidden |= set().union(*(_defined_in(module) for module in SQL_HELPERS))
    for name, build in REFERENCE.items():
        module = sys.modules[build.__module__]
        source = Path(module.__file__).read_text()
        for helper in SQL_HELPERS:
            assert helper.__name__ not in source, (name, helper.__name__)
        assert any(f"context.{runs}()" in source
                   for runs in ("runs", "token_runs", "dispatched")), name
        uses = []
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.module.startswith("interstat_reports"):
                imported = vars(importlib.import_module(node.module))
                for alias in node.names:
                    value = imported[alias.name]
                    if id(value) in forbidden:
                        uses.append(f"imports {alias.name}")
                    elif isinstance(value, FunctionType):
                        uses.extend(_reaches(value, forbidden, set()))
        assert not uses, (name, uses)
