"""The third-party parser in examples/interstat-example-parser, loaded through its entry point.

Every expected number below is worked out by hand from
examples/interstat-example-parser/sample/review-session.jsonl.
"""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from interstat.cli import cli
from interstat.plugins import load_plugins
from interstat.registry import ParseRequest, SourceFile
from tests.corpus import corpus_dir, load_expected
from tests.examples import EXAMPLES, install_example

EXAMPLE = EXAMPLES / "interstat-example-parser"
SAMPLE = EXAMPLE / "sample" / "review-session.jsonl"
SESSION = "log-2026-05-01"
CORPUS = "cc-2.1.332-small"
RUN_COLUMNS = ("agent_name", "api_calls", "input_tokens", "output_tokens", "cache_hit_tokens",
               "cache_creation_tokens", "total_tokens", "peak_context_tokens", "findings",
               "started_at", "ended_at", "wall_clock_ms", "layout", "project")


@pytest.fixture
def installed(tmp_path, monkeypatch):
    distribution = install_example(EXAMPLE, tmp_path / "site", monkeypatch)
    yield distribution
    load_plugins.cache_clear()


@pytest.fixture
def claude_dir(tmp_path):
    """A Claude config root with a real corpus session and the agentlog sample beside it."""
    root = tmp_path / "claude"
    shutil.copytree(corpus_dir() / CORPUS / "projects", root / "projects")
    (root / "projects" / "-work-app").mkdir()
    shutil.copy(SAMPLE, root / "projects" / "-work-app" / SAMPLE.name)
    return root


def cli_json(*args: str) -> dict:
    result = CliRunner().invoke(cli, [*args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def stored_runs(store) -> dict[str, dict]:
    with sqlite3.connect(store) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute("SELECT * FROM agent_runs WHERE session_id = ?", (SESSION,))
        return {row["agent_id"]: {column: row[column] for column in RUN_COLUMNS}
                for row in rows}


def test_interstat_plugins_lists_the_example_after_the_builtins(installed):
    host = load_plugins()
    (plugin,) = [plugin for plugin in host.loaded if plugin.name == "agentlog"]
    assert plugin.distribution == installed == "interstat-example-parser"
    assert not plugin.builtin
    assert [parser.name for parser in host.parsers()][-1] == "agentlog"

    shown = cli_json("plugins")
    assert {"name": "agentlog", "distribution": installed, "builtin": False} in shown["plugins"]
    assert {"kind": "parser", "name": "agentlog", "detail": "agentlog v1"} in shown["registered"]
    table = CliRunner().invoke(cli, ["plugins"], catch_exceptions=False).output
    assert "agentlog" in table and installed in table


@pytest.mark.usefixtures("installed")
def test_analyze_reads_the_sample_beside_claude_transcripts(tmp_path, claude_dir):
    store = tmp_path / "metrics.db"
    summary = cli_json("--db", str(store), "analyze", "--claude-dir", str(claude_dir))
    assert summary["files_by_parser"]["agentlog"] == 1
    assert summary["skipped_lines"] == {"bad-field": 1}  # c5: "in" is not a count
    assert summary["problems"] == []

    runs = stored_runs(store)
    assert runs["r1"] == {
        "agent_name": "reviewer", "api_calls": 2,  # c2 and c4
        "input_tokens": 2500, "output_tokens": 1100, "cache_hit_tokens": 21500,
        "cache_creation_tokens": 4000, "total_tokens": 29100,
        # c2: 2000 + 10000 + 1500 = 13500; c4: 500 + 11500 + 2500 = 14500
        "peak_context_tokens": 14500, "findings": 2,
        "started_at": "2026-05-01T10:00:05.000Z", "ended_at": "2026-05-01T10:00:20.000Z",
        "wall_clock_ms": 15_000, "layout": "agentlog", "project": "/work/app",
    }
    assert runs["r2"] == {
        "agent_name": "tester", "api_calls": 1, "input_tokens": 3000, "output_tokens": 200,
        "cache_hit_tokens": 0, "cache_creation_tokens": 0, "total_tokens": 3200,
        "peak_context_tokens": 3000, "findings": 0,
        "started_at": "2026-05-01T10:00:06.000Z", "ended_at": "2026-05-01T10:00:06.000Z",
        "wall_clock_ms": 0, "layout": "agentlog", "project": "/work/app",
    }
    with sqlite3.connect(store) as conn:
        main = conn.execute("SELECT call_key, total_tokens FROM api_calls WHERE owner = 'main'"
                            " AND session_id = ?", (SESSION,)).fetchall()
        claude_runs = conn.execute("SELECT COUNT(*) FROM agent_runs WHERE kind = 'dispatched'"
                                   " AND session_id != ?", (SESSION,)).fetchone()[0]
    assert main == [(f"agentlog|{SESSION}|c1", 900 + 120 + 0 + 4000)]
    # The built-in parsers still read every Claude Code file of the corpus.
    assert claude_runs == len(load_expected(CORPUS))


@pytest.mark.usefixtures("installed")
def test_a_grown_agentlog_is_read_from_where_the_last_pass_stopped(tmp_path, claude_dir):
    store = tmp_path / "metrics.db"
    cli_json("--db", str(store), "analyze", "--claude-dir", str(claude_dir))
    added = json.dumps({"at": "2026-05-01T10:01:00.000Z", "run": "r2", "agent": "tester",
                        "model": "claude-haiku-4-5", "id": "c6", "in": 100, "out": 50,
                        "cached": 3200, "wrote": 0, "answer": "## Issues\n- flaky test_io"})
    with (claude_dir / "projects" / "-work-app" / SAMPLE.name).open("a") as handle:
        handle.write(added + "\n")

    summary = cli_json("--db", str(store), "analyze", "--claude-dir", str(claude_dir))
    assert summary["files_read"] == 1 and summary["bytes_read"] == len(added) + 1
    assert summary["skipped_lines"] == {}  # the bad line c5 is not read again
    r2 = stored_runs(store)["r2"]
    assert (r2["api_calls"], r2["total_tokens"]) == (2, 3200 + 100 + 50 + 3200)
    assert r2["peak_context_tokens"] == 100 + 3200  # c6's context beats c3's 3000
    assert (r2["findings"], r2["wall_clock_ms"]) == (1, 54_000)  # 10:00:06 to 10:01:00


def test_the_example_recognises_only_agentlog_files(installed):
    parser = next(p for p in load_plugins().parsers() if p.name == "agentlog")
    head = SAMPLE.read_bytes()
    assert parser.recognises(SourceFile(SAMPLE, SAMPLE.parent, head, len(head)))
    claude_files = sorted(corpus_dir().rglob("*.jsonl"))
    assert claude_files, "the corpus has no transcripts"
    for path in claude_files:
        with path.open("rb") as handle:
            start = handle.read(64 * 1024)
        assert not parser.recognises(SourceFile(path, path.parent, start, len(start))), path


def test_strict_reading_reports_fields_the_format_does_not_have(installed, tmp_path):
    parser = next(p for p in load_plugins().parsers() if p.name == "agentlog")
    path = tmp_path / "odd.jsonl"
    path.write_text('{"agentlog": 1, "session": "s"}\n'
                    '{"id": "c1", "in": 1, "colour": "red"}\n')
    head = path.read_bytes()
    source = SourceFile(path, tmp_path, head, len(head))
    reasons = [getattr(fact, "reason", None)
               for fact in parser.parse(ParseRequest(source, 0, strict=True))]
    assert reasons.count("unknown-field") == 1
    assert "unknown-field" not in [getattr(fact, "reason", None)
                                   for fact in parser.parse(ParseRequest(source, 0))]
