"""Each hook, through a plugin registered beside the built-ins as a third party would."""

from __future__ import annotations

import json

from interstat import hookimpl
from interstat.analyze import run_analyze
from interstat.analyze.apply import FactApplier, count_findings
from interstat.analyze.select import choose_parser
from interstat.plugins import PluginHost, build_manager
from interstat.records import ApiCall, ReadUpTo, RunTranscript, Usage
from interstat.registry import (
    Column,
    Correlator,
    FindingsCounter,
    ReportSection,
    SectionData,
    SourceFile,
    TranscriptParser,
)
from interstat.store.connect import open_store
from interstat_reports.context import ReportContext
from interstat_reports.render.json_out import report_document
from interstat_reports.report import build_report
from tests.parsers.parser_support import SESSION, assistant, usage, write_lines

NOW = "2026-12-03T12:00:00.000Z"


def host_with(plugin: object) -> PluginHost:
    """The real host (built-ins from the entry points) plus ``plugin``."""
    manager, loaded = build_manager()
    manager.register(plugin, name="extra")
    return PluginHost(manager, loaded)


# Parsers: a toy format whose first line is {"toylog": 1}, then one call a line.

def _parse_toy(request):
    with open(request.source.path, "rb") as handle:
        lines = handle.read().splitlines(keepends=True)
    offset = len(lines[0])
    for raw in lines[1:]:
        call = json.loads(raw)
        yield ApiCall(call_key=f"toy|{call['id']}", session_id="toy-session", owner="main",
                      model="toy-model", usage=Usage(input_tokens=call["in"]))
        offset += len(raw)
    yield ReadUpTo(offset)


class ToyParser:
    @hookimpl
    def interstat_register_parsers(self, register):
        register(TranscriptParser(
            name="toy-log", era="toy",
            recognises=lambda source: source.head.startswith(b'{"toylog"'),
            parse=_parse_toy))


def test_interstat_register_parsers_adds_a_parser_that_reads_only_its_files(tmp_path):
    host = host_with(ToyParser())
    names = [parser.name for parser in host.parsers()]
    assert names[-1] == "toy-log" and len(names) == 4  # after the three built-in eras

    projects = tmp_path / "claude" / "projects" / "-proj"
    projects.mkdir(parents=True)
    toy = projects / "toy.jsonl"
    toy.write_text('{"toylog": 1}\n{"id": "c1", "in": 30}\n{"id": "c2", "in": 12}\n')
    claude = write_lines(projects / f"{SESSION}.jsonl", [assistant("msg-1", usage(5, 1))])
    for path, wanted in ((toy, "toy-log"), (claude, None)):
        source = SourceFile(path, projects.parent, path.read_bytes(), path.stat().st_size)
        chosen = choose_parser(source, host.parsers()).name
        assert chosen == wanted if wanted else chosen != "toy-log"

    conn = open_store(tmp_path / "metrics.db")
    summary = run_analyze(conn, [tmp_path / "claude"], host=host)
    assert summary.parsers["toy-log"] == 1
    rows = conn.execute("SELECT call_key, input_tokens FROM api_calls WHERE session_id = ?"
                        " ORDER BY call_key", ("toy-session",)).fetchall()
    assert rows == [("toy|c1", 30), ("toy|c2", 12)]
    conn.close()


# Correlators: join a transcript to a hook row that has no ids, by agent type.

def _by_agent_type(conn, run):
    row = conn.execute("SELECT run_id FROM agent_runs WHERE session_id = ? AND agent_id IS NULL"
                       " AND tool_use_id IS NULL AND agent_name = ?",
                       (run.session_id, run.agent_name)).fetchone()
    return row[0] if row else None


class TypeCorrelator:
    @hookimpl
    def interstat_register_correlators(self, register):
        register(Correlator(name="by-agent-type", find=_by_agent_type))


def _apply_transcript(tmp_path, host: PluginHost) -> list[tuple]:
    conn = open_store(tmp_path / f"{len(list(tmp_path.iterdir()))}.db")
    conn.execute("INSERT INTO agent_runs (session_id, agent_name, created_at, updated_at)"
                 " VALUES ('s1', 'auditor', ?, ?)", (NOW, NOW))
    applier = FactApplier(conn, NOW, host.correlators(), host.findings_counters())
    conn.execute("BEGIN IMMEDIATE")
    applier.apply(RunTranscript(session_id="s1", owner="agent:a1", agent_id="a1",
                                agent_name="auditor"))
    applier.finish()
    conn.execute("COMMIT")
    rows = conn.execute("SELECT run_id, agent_id FROM agent_runs ORDER BY run_id").fetchall()
    conn.close()
    return rows


def test_interstat_register_correlators_joins_a_transcript_to_the_hook_row(tmp_path):
    host = host_with(TypeCorrelator())
    assert [c.name for c in host.correlators()] == ["prompt-digest", "by-agent-type"]
    # With the plugin the transcript lands on the hook's row; without it, on a new one.
    assert _apply_transcript(tmp_path, host) == [(1, "a1")]
    assert _apply_transcript(tmp_path, PluginHost(*build_manager())) == [(1, None), (2, "a1")]


# Findings counters: an auditor's answer counts its "BUG:" lines.

def _bug_lines(text, agent_name):
    if agent_name != "auditor":
        return None
    return sum(line.startswith("BUG:") for line in text.splitlines())


class BugCounter:
    @hookimpl
    def interstat_register_findings_counters(self, register):
        register(FindingsCounter(name="bug-lines", count=_bug_lines))


def test_interstat_register_findings_counters_are_asked_before_the_default():
    counters = host_with(BugCounter()).findings_counters()
    assert [counter.name for counter in counters] == ["bug-lines", "default"]
    answer = "BUG: off by one\nBUG: leak\n\n## Findings\n- style nit\n"
    assert count_findings(counters, answer, "auditor") == 2  # the two BUG: lines
    assert count_findings(counters, answer, "reviewer") == 1  # default: one list item


# Report sections: placed by their order, built from the context.

def _count_runs(context):
    return SectionData(columns=(Column("runs", "Runs", "int"),),
                       rows=[{"runs": len(context.dispatched())}])


class TwoSections:
    @hookimpl
    def interstat_register_report_sections(self, register):
        register(ReportSection(name="first-look", title="First", description="",
                               build=_count_runs, order=1))
        register(ReportSection(name="last-word", title="Last", description="",
                               build=_count_runs, order=10_000))


def test_interstat_register_report_sections_are_ordered_and_built(tmp_path):
    sections = host_with(TwoSections()).report_sections()
    names = [section.name for section in sections]
    assert names[0] == "first-look" and names[-1] == "last-word"
    assert "summary" in names[1:-1]

    conn = open_store(tmp_path / "metrics.db")
    for agent in ("a1", "a2"):
        conn.execute("INSERT INTO agent_runs (session_id, agent_id, created_at, updated_at)"
                     " VALUES ('s1', ?, ?, ?)", (agent, NOW, NOW))
    chosen = [section for section in sections if section.name in ("first-look", "last-word")]
    document = report_document(build_report(ReportContext(conn), chosen))
    conn.close()
    assert [(s["name"], s["rows"]) for s in document["sections"]] == [
        ("first-look", [{"runs": 2}]), ("last-word", [{"runs": 2}])]
