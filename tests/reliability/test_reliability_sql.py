"""Every SQL statement is parameterised: no text from input is ever part of SQL."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.reliability.sql_check import Checker, Source
from tests.reliability.support import REPO

#: Names the analysis cannot follow, each with why it only ever holds our own text.
ALLOWED: dict[tuple[str, str, str], str] = {
    ("interstat/store/runs.py", "_update", "column"):
        "keys of values: fill_fields and set_fields pass only names _checked accepts "
        "(WRITABLE_COLUMNS); merge_runs passes the two id names and _MERGED_COLUMNS",
    ("interstat/analyze/reading.py", "_tune", "name"):
        "keys of _PASS_PRAGMAS, a module constant, or of the dict _tune read from them",
    ("interstat/merge.py", "_fill", "column"):
        "keys of updates: names from _FILLED, plus 'status'",
    ("interstat_reports/context.py", "where", "conditions"):
        "fixed SQL conditions sections write in their code (report sections are "
        "plugins: the public ReportContext.where takes their own text, values as ?)",
}


def problems_in(root: Path, allowed=None) -> list[str]:
    return list(Checker(Source(root), ALLOWED if allowed is None else allowed).problems())


def test_all_sql_in_src_is_built_from_our_own_constants():
    found = problems_in(REPO / "src")
    assert found == [], (
        "SQL text built from something the check cannot prove constant; pass values as "
        "? parameters, or add the name to ALLOWED with the reason it is safe:\n"
        + "\n".join(found)
    )


UNSAFE = {
    "f-string of a parameter from input": """
        def find(conn, name):
            return conn.execute(f"SELECT * FROM agent_runs WHERE agent_name = '{name}'")
        def main(conn, argv):
            return find(conn, argv[1])
    """,
    "percent formatting": """
        def find(conn, value):
            conn.execute("SELECT * FROM agent_runs WHERE model = '%s'" % value)
    """,
    "concatenation": """
        def find(conn, value):
            conn.execute("SELECT * FROM agent_runs WHERE model = " + value)
    """,
    "format with a variable": """
        QUERY = "SELECT * FROM {table}"
        def find(conn, table):
            conn.execute(QUERY.format(table=table))
    """,
    "SQL kept in a local first": """
        def find(conn, payload):
            sql = "DELETE FROM agent_runs WHERE session_id = '" + payload["id"] + "'"
            conn.execute(sql)
    """,
    "a builder that returns input": """
        def where(value):
            return f"model = '{value}'"
        def find(conn, request):
            conn.execute("SELECT * FROM agent_runs WHERE " + where(request.model))
    """,
    "one caller of many passes input": """
        def count(conn, column):
            return conn.execute(f"SELECT COUNT({column}) FROM agent_runs")
        def a(conn):
            return count(conn, "model")
        def b(conn, argv):
            return count(conn, argv[0])
    """,
    "a column list grown from input": """
        def pick(conn, wanted):
            columns = ["run_id"]
            columns.append(wanted)
            conn.execute(f"SELECT {', '.join(columns)} FROM agent_runs")
    """,
}

SAFE = """
    COLUMNS = ("run_id", "model")
    QUERY = "SELECT {columns} FROM agent_runs WHERE model = ?"
    def version(conn, number):
        conn.execute(f"PRAGMA user_version = {int(number)}")
    def listing(conn, model):
        conn.execute(QUERY.format(columns=", ".join(COLUMNS)), (model,))
    def insert(conn, values):
        marks = ", ".join("?" for _ in values)
        conn.execute(f"INSERT INTO t ({', '.join(COLUMNS)}) VALUES ({marks})", values)
    def count(conn, column):
        return conn.execute(f"SELECT COUNT({column}) FROM agent_runs")
    def a(conn):
        return count(conn, "model")
    def where(since):
        parts = []
        if since:
            parts.append("started_at >= ?")
        return (" AND ".join(parts) or "1"), [since]
    def select(conn, since):
        condition, values = where(since)
        conn.execute(f"SELECT * FROM agent_runs WHERE {condition}", values)
"""


def _tree(tmp_path: Path, code: str) -> Path:
    root = tmp_path / "src"
    root.mkdir()
    (root / "module.py").write_text(textwrap.dedent(code))
    return root


@pytest.mark.parametrize("case", sorted(UNSAFE))
def test_the_check_finds_sql_built_from_input(tmp_path: Path, case: str):
    assert problems_in(_tree(tmp_path, UNSAFE[case]), allowed={}) != []


def test_the_check_passes_sql_built_from_constants(tmp_path: Path):
    assert problems_in(_tree(tmp_path, SAFE), allowed={}) == []


def test_an_allowed_name_is_let_through_and_nothing_else(tmp_path: Path):
    root = _tree(tmp_path, UNSAFE["f-string of a parameter from input"])
    assert problems_in(root, allowed={("module.py", "find", "name"): "a test"}) == []
    assert problems_in(root, allowed={("module.py", "main", "name"): "a test"}) != []


@pytest.mark.parametrize("name", sorted(ALLOWED), ids=lambda key: ":".join(key))
def test_every_allowed_name_is_still_needed(name):
    rest = {key: reason for key, reason in ALLOWED.items() if key != name}
    assert problems_in(REPO / "src", allowed=rest) != [], f"{name} is no longer needed"
