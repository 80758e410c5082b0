"""The JSON shape matches docs/report-json.md, and every format shows the same values."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from interstat_reports.render.values import fact_label, format_value, kind_of_fact
from tests.reports.conftest import REPO, invoke, report_json

pytestmark = pytest.mark.usefixtures("no_user_config")

DOC = (REPO / "docs" / "report-json.md").read_text()
SECTION_KEYS = {"name", "title", "description", "columns", "rows", "facts", "notes"}


def doc_json_blocks() -> list[dict]:
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", DOC, re.S)]


def documented(name: str) -> bool:
    """Is this key named in backticks in the doc (``<limit>`` standing for a number)?"""
    generic = re.sub(r"_\d+(?=_|$)", "_<limit>", name)
    return f"`{name}`" in DOC or f"`{generic}`" in DOC


def test_top_level_and_section_keys_are_the_documented_ones(reviews_store):
    document = report_json(reviews_store)
    top, section_example = doc_json_blocks()
    assert set(document) == set(top)
    assert document["schema_version"] == top["schema_version"] == 1
    assert set(section_example) == SECTION_KEYS
    assert set(document["settings"]) == set(top["settings"])
    assert set(document["filters"]) == set(top["filters"])
    for data in document["sections"]:
        assert set(data) == SECTION_KEYS
        assert f"### `{data['name']}`" in DOC, data["name"]
        for column in data["columns"]:
            assert set(column) == {"name", "title", "kind"}
            assert column["kind"] in {"text", "int", "float", "usd", "pct"}
            assert documented(column["name"]), (data["name"], column["name"])
        for key in data["facts"]:
            assert documented(key), (data["name"], key)
        for row in data["rows"]:
            assert set(row) == {column["name"] for column in data["columns"]}


def sections_of(document: dict) -> list[dict]:
    return [data for data in document["sections"]]


def markdown_rows(markdown: str, title: str) -> list[list[str]]:
    """The body rows of the first table after ``## title``."""
    part = markdown.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in part.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in line[2:-2].split(" | ")] for line in lines[1:]]


def test_markdown_shows_the_json_values(reviews_store):
    document = report_json(reviews_store)
    markdown = invoke("--db", str(reviews_store), "report", "--format", "markdown").output
    for data in sections_of(document):
        for key, value in data["facts"].items():
            line = f"- **{fact_label(key)}**: {format_value(value, kind_of_fact(key, value))}"
            assert line in markdown, line
        expected = [[format_value(row[c["name"]], c["kind"]) for c in data["columns"]]
                    for row in data["rows"]]
        if expected:
            assert markdown_rows(markdown, data["title"]) == expected
        for note in data["notes"]:
            assert note in markdown


def csv_blocks(text: str) -> list[list[list[str]]]:
    blocks, current = [], []
    for record in csv.reader(io.StringIO(text)):
        if not record:
            blocks.append(current)
            current = []
        else:
            current.append(record)
    return blocks + [current]


def raw(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(value)
    return str(value)


def test_csv_holds_the_json_values(reviews_store):
    document = report_json(reviews_store)
    text = invoke("--db", str(reviews_store), "report", "--format", "csv").output
    records = [record for block in csv_blocks(text) for record in block]
    for data in sections_of(document):
        name = data["name"]
        for key, value in data["facts"].items():
            assert [name, key, raw(value)] in records
        if data["columns"]:
            header = ["section"] + [c["name"] for c in data["columns"]]
            assert header in records
            for row in data["rows"]:
                assert [name] + [raw(row[c["name"]]) for c in data["columns"]] in records


def test_table_text_shows_the_json_values(reviews_store):
    document = report_json(reviews_store)
    text = invoke("--db", str(reviews_store), "report").output
    lines = text.splitlines()
    for data in sections_of(document):
        assert data["title"] in lines
        for key, value in data["facts"].items():
            shown = format_value(value, kind_of_fact(key, value))
            assert any(re.fullmatch(rf"{re.escape(fact_label(key))}\s+{re.escape(shown)}", line)
                       for line in lines), (key, shown)
        for row in data["rows"]:
            cells = [format_value(row[c["name"]], c["kind"]) for c in data["columns"]]
            pattern = r"\s+".join(re.escape(cell) for cell in cells)
            assert any(re.fullmatch(rf"\s*{pattern}\s*", line) for line in lines), cells


def test_piped_table_is_plain_ascii(reviews_store, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    text = invoke("--db", str(reviews_store), "report").output
    assert "\x1b[" not in text
    assert text.isascii()


def test_list_sections_names_every_builtin():
    names = [line.split()[0] for line in invoke("report", "--list-sections").output.splitlines()]
    assert names == ["summary", "gate", "agents", "context-limits", "findings", "models",
                     "invocations", "main-vs-subagents"]
    listed = json.loads(invoke("report", "--list-sections", "--format", "json").output)
    assert [entry["name"] for entry in listed["sections"]] == names


def test_section_option_picks_and_orders(reviews_store):
    document = report_json(reviews_store, "--section", "models", "--section", "gate")
    assert [data["name"] for data in document["sections"]] == ["models", "gate"]


def test_unknown_section_is_a_one_line_error(reviews_store):
    from click.testing import CliRunner

    from interstat.cli import cli

    result = CliRunner().invoke(cli, ["--db", str(reviews_store), "report", "--section", "nope"])
    assert result.exit_code == 1
    assert "unknown section nope; known: summary, gate" in result.output
