"""Docs that cannot drift: generated pages are current, every hook is documented and tested."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _docgen():
    spec = importlib.util.spec_from_file_location("docgen", REPO / "docs" / "docgen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


docgen = _docgen()


def test_generated_docs_are_current():
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "-I", "docs", *docgen.GENERATED],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, (
        f"generated docs are stale; run: {docgen.REGENERATE}\n{result.stdout}{result.stderr}"
    )


def test_every_generated_doc_has_cog_blocks():
    for name in docgen.GENERATED:
        text = (REPO / name).read_text()
        assert "[[[cog" in text and "[[[end]]]" in text, name


def test_every_hookspec_is_in_plugins_md_with_its_signature():
    text = (REPO / "docs" / "plugins.md").read_text()
    nodes = docgen.hookspec_nodes()
    assert nodes, "no hookspecs found in interstat.hookspecs"
    for node in nodes:
        assert f"### `{node.name}`" in text, f"{node.name} has no heading in docs/plugins.md"
        assert docgen.hookspec_signature(node) in text, (
            f"{node.name}'s signature in docs/plugins.md is stale; run: {docgen.REGENERATE}")


def _test_function_names() -> set[str]:
    names = set()
    for path in (REPO / "tests").rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                    and node.name.startswith("test_"):
                names.add(node.name)
    return names


def test_every_hookspec_has_a_test_named_after_it():
    tests = _test_function_names()
    untested = [node.name for node in docgen.hookspec_nodes()
                if not any(node.name in test for test in tests)]
    assert untested == [], f"add a test whose name contains each of: {untested}"


def test_every_store_column_is_described():
    with tempfile.TemporaryDirectory() as folder:
        conn = docgen.fresh_store(folder)
        try:
            problems = docgen.undocumented_columns(conn)
        finally:
            conn.close()
    assert problems == [], f"update COLUMN_NOTES in docs/docgen.py: {problems}"


def test_cli_reference_covers_every_command():
    from interstat.cli.commands import COMMANDS

    text = (REPO / "docs" / "cli.md").read_text()
    for name in COMMANDS:
        assert f"## `interstat {name}`" in text
        assert f"Usage: interstat {name} [OPTIONS]" in text
