"""The generated parts of docs/, computed from the code; cog runs these.

Regenerate every generated doc with the command in ``REGENERATE``;
tests/test_docs.py fails while one of them is stale. The text comes from the
source itself (hookspecs, records, the CLI's ``--help``, a fresh store), so
the docs say what the code does.
"""

from __future__ import annotations

import ast
import inspect
import sqlite3
import tempfile
import textwrap
from pathlib import Path
from types import ModuleType

GENERATED = ("docs/cli.md", "docs/plugins.md", "docs/schema.md")
REGENERATE = "uv run cog -r -I docs " + " ".join(GENERATED)

#: Help is wrapped at a fixed width so the text does not follow the terminal.
HELP_WIDTH = 80

FENCE = "```"


def _block(text: str, language: str = "") -> str:
    return f"{FENCE}{language}\n{text.rstrip()}\n{FENCE}\n"


# The command line ------------------------------------------------------------


def command_help(*args: str) -> str:
    """What ``interstat ARGS --help`` prints, at HELP_WIDTH columns."""
    from click.testing import CliRunner

    from interstat.cli import cli

    result = CliRunner().invoke(cli, [*args, "--help"], prog_name="interstat",
                                terminal_width=HELP_WIDTH, catch_exceptions=False)
    if result.exit_code != 0:
        raise RuntimeError(f"interstat {' '.join(args)} --help failed: {result.output}")
    return result.output


def cli_reference() -> str:
    """A heading and the ``--help`` text of ``interstat`` and of every command."""
    from interstat.cli.commands import COMMANDS

    parts = ["## `interstat`\n\n", _block(command_help())]
    for name in COMMANDS:
        parts += [f"\n## `interstat {name}`\n\n", _block(command_help(name))]
    return "".join(parts)


# Source reading ----------------------------------------------------------------


def _source(module: ModuleType) -> tuple[ast.Module, list[str]]:
    text = Path(inspect.getfile(module)).read_text(encoding="utf-8")
    return ast.parse(text), text.splitlines()


def _lines(lines: list[str], first: int, last: int) -> list[str]:
    """Source lines ``first`` to ``last`` (1-based, inclusive)."""
    return lines[first - 1:last]


def _comments_above(lines: list[str], lineno: int) -> list[str]:
    """The ``#:`` comment lines right above line ``lineno``."""
    found: list[str] = []
    index = lineno - 2
    while index >= 0 and lines[index].strip().startswith("#:"):
        found.insert(0, lines[index])
        index -= 1
    return found


def _has_docstring(node: ast.AST) -> bool:
    return ast.get_docstring(node) is not None  # type: ignore[arg-type]


def _header(node: ast.FunctionDef, lines: list[str]) -> list[str]:
    """A function's ``def`` line(s), verbatim, without its decorators or body."""
    return _lines(lines, node.lineno, node.body[0].lineno - 1)


def _function_stub(node: ast.FunctionDef, lines: list[str]) -> list[str]:
    decorators = [line for d in node.decorator_list
                  for line in _lines(lines, d.lineno, d.end_lineno or d.lineno)]
    stub = decorators + _header(node, lines)
    indent = " " * (node.col_offset + 4)
    doc = ast.get_docstring(node)
    if doc:
        stub.append(f'{indent}"""{doc.splitlines()[0]}"""')
    else:
        stub.append(f"{indent}...")
    return stub


def class_stub(node: ast.ClassDef, lines: list[str]) -> str:
    """The class's decorators, fields and public method signatures, verbatim."""
    stub = [line for d in node.decorator_list
            for line in _lines(lines, d.lineno, d.end_lineno or d.lineno)]
    stub += _lines(lines, node.lineno, node.lineno)
    body = node.body[1:] if _has_docstring(node) else node.body
    for statement in body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            if statement.target.id.startswith("_"):
                continue
            stub += _comments_above(lines, statement.lineno)
            stub += _lines(lines, statement.lineno, statement.end_lineno or statement.lineno)
        elif isinstance(statement, ast.FunctionDef) and not statement.name.startswith("_"):
            stub += [""] + _function_stub(statement, lines)
    return textwrap.dedent("\n".join(stub))


# Plugins ----------------------------------------------------------------------


def hookspec_nodes() -> list[ast.FunctionDef]:
    """Every hookspec, in the order hookspecs.py declares them."""
    from interstat import hookspecs

    tree, _ = _source(hookspecs)
    return [node for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("interstat_")]


def hookspec_signature(node: ast.FunctionDef) -> str:
    from interstat import hookspecs

    _tree, lines = _source(hookspecs)
    return textwrap.dedent("\n".join(_header(node, lines)))


def hook_reference() -> str:
    """Each hookspec: a heading, its exact signature and its docstring."""
    parts = []
    for node in hookspec_nodes():
        parts += [
            f"### `{node.name}`\n\n",
            _block(hookspec_signature(node), "python"),
            "\n", ast.get_docstring(node) or "", "\n\n",
        ]
    return "".join(parts).rstrip() + "\n"


def record_reference(module_name: str, names: tuple[str, ...]) -> str:
    """Each named class of ``module_name``: a heading, a stub of it, its docstring."""
    import importlib

    tree, lines = _source(importlib.import_module(module_name))
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    parts = []
    for name in names:
        node = classes[name]
        parts += [f"### `{module_name}.{name}`\n\n",
                  _block(class_stub(node, lines), "python"),
                  "\n", ast.get_docstring(node) or "", "\n\n"]
    return "".join(parts).rstrip() + "\n"


# The store --------------------------------------------------------------------

#: What each table holds, shown above its columns.
TABLE_NOTES = {
    "run_counts": "Runs and distinct sessions per kind, kept by triggers on agent_runs so "
                  "`interstat status` reads them without counting.",
    "agent_runs": "One row per sub-agent run (and per internal side transcript, by `kind`).",
    "api_calls": "Every API call once, whichever file it was read from; run totals are "
                 "sums over this table.",
    "transcript_files": "How far analyze read each transcript, so the next pass reads only "
                        "what was appended.",
    "hook_events": "A digest of every hook input applied, so a replay changes nothing.",
    "purged_runs": "What `interstat purge` deleted, so that neither analyze nor a hook brings "
                   "it back; `interstat analyze --reread` lifts it. Digests, never ids.",
    "schema_migrations": "The migrations applied to this store, in order.",
}

#: What each column holds. A test fails when a column has no note or a note no column.
COLUMN_NOTES = {
    "run_counts": {
        "kind": "A kind of run (`dispatched`, `compaction`, ...).",
        "runs": "How many agent_runs rows have this kind, kept by triggers.",
        "sessions": "How many distinct sessions those rows belong to, kept by triggers.",
    },
    "agent_runs": {
        "run_id": "Row id.",
        "session_id": "The Claude Code session the run belongs to.",
        "agent_id": "The sub-agent's agentId; NULL in the inline era (1.0.x) and until "
                    "something names it.",
        "tool_use_id": "Id of the `Task`/`Agent` tool call that dispatched the run.",
        "agent_name": "Sub-agent type (`subagent_type`, `agentType`); `general-purpose` "
                      "when none was named.",
        "parent_agent_id": "agentId of the sub-agent that dispatched this one; NULL when "
                           "the main thread did.",
        "invocation_id": "Id of the assistant message that dispatched the run: runs with "
                         "one id were dispatched together.",
        "workflow_id": "`$INTERSTAT_WORKFLOW_ID`, `wf_<id>` for workflow agents, else the "
                       "session id.",
        "project": "The session's working directory.",
        "description": "The tool call's short description; kept only with "
                       "`INTERSTAT_STORE_DESCRIPTIONS=1`.",
        "prompt_sha256": "Hex SHA-256 of the prompt (the prompt itself is never stored).",
        "prompt_length": "Characters in the prompt.",
        "requested_model": "The model the dispatch or the agent's meta file asked for.",
        "model": "The model most of the run's API calls used.",
        "background": "1 when dispatched in the background, 0 in the foreground.",
        "kind": "`dispatched`, or `compaction`, `side_question`, `warmup` for side "
                "transcripts no tool call started.",
        "layout": "Where the run's lines were: `inline`, `flat` or `subagents`.",
        "status": "`running`, `completed` or `failed`.",
        "started_at": "When the run started (ISO 8601 UTC, milliseconds).",
        "ended_at": "When the run ended.",
        "wall_clock_ms": "`ended_at` minus `started_at`, in milliseconds.",
        "result_length": "Characters in the run's final answer.",
        "findings": "Findings the findings counters counted in the final answer.",
        "api_calls": "API calls of the run, not counting synthetic error messages.",
        "input_tokens": "Sum of the calls' uncached input tokens.",
        "output_tokens": "Sum of the calls' output tokens.",
        "cache_hit_tokens": "Sum of the calls' cache reads.",
        "cache_creation_tokens": "Sum of the calls' cache writes.",
        "cache_creation_5m_tokens": "Cache writes with a 5-minute lifetime.",
        "cache_creation_1h_tokens": "Cache writes with a 1-hour lifetime.",
        "total_tokens": "input + output + cache reads + cache writes, over all calls.",
        "peak_context_tokens": "The largest input + cache reads + cache writes of one call.",
        "output_is_lower_bound": "1 when a call's output count may be a streaming "
                                 "placeholder.",
        "tokens_source": "`transcript` when the token columns are sums of read calls; "
                         "`hook_estimate` when only the hook's `totalTokens` is known.",
        "reported_total_tokens": "Claude Code's `totalTokens`: the size of the run's last "
                                 "call, not its consumption.",
        "transcript_path": "The run's transcript file.",
        "parsed_at": "When analyze last read the run's transcript and summed its calls; "
                     "NULL while pending. Set with NULL token columns when the transcript "
                     "held no call.",
        "created_at": "When the row was made.",
        "updated_at": "When the row last changed.",
    },
    "api_calls": {
        "call_key": "`requestId\\|message.id`, or the message id when there is no request id.",
        "session_id": "The session the call belongs to.",
        "owner": "`main`, `agent:<agentId>`, or `tool:<toolUseId>` (inline era).",
        "model": "The model that answered (`message.model`).",
        "input_tokens": "Uncached input tokens.",
        "output_tokens": "Output tokens.",
        "cache_read_tokens": "Cache reads.",
        "cache_creation_tokens": "Cache writes.",
        "cache_creation_5m_tokens": "Cache writes with a 5-minute lifetime.",
        "cache_creation_1h_tokens": "Cache writes with a 1-hour lifetime.",
        "total_tokens": "input + output + cache reads + cache writes.",
        "context_tokens": "input + cache reads + cache writes: the context of this call.",
        "synthetic": "1 for an API-error message Claude Code wrote itself (no real call).",
        "output_is_placeholder": "1 when the output count may be a streaming placeholder.",
        "timestamp": "When the call's line was written.",
    },
    "transcript_files": {
        "path": "The transcript file.",
        "size": "Its size in bytes when last read.",
        "mtime_ns": "Its modification time when last read.",
        "read_offset": "Bytes read so far: the next pass starts here.",
        "parser": "The parser that read it.",
        "session_id": "The session it belongs to, when known.",
        "skipped_lines": "Lines skipped so far (bad JSON, unknown shapes, ...).",
        "parsed_at": "When it was last read.",
    },
    "hook_events": {
        "event_key": "SHA-256 of the hook's raw input.",
        "event": "The hook event's name.",
        "session_id": "The session it came from.",
        "received_at": "When the hook received it.",
    },
    "purged_runs": {
        "session_digest": "SHA-256 of the purged run's session id.",
        "owner_digest": "SHA-256 of `agent:<agentId>` or `tool:<toolUseId>` of the purged "
                        "run; `*` when the whole session was purged.",
        "purged_at": "When purge deleted it.",
    },
    "schema_migrations": {
        "name": "The migration's name.",
        "applied_at": "When it was applied.",
    },
}


def fresh_store(folder: str) -> sqlite3.Connection:
    from interstat.store.connect import open_store

    return open_store(Path(folder) / "metrics.db")


def undocumented_columns(conn: sqlite3.Connection) -> list[str]:
    """``table.column`` of every column without a note, and of every note without one."""
    problems = []
    for table in _objects(conn, "table"):
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        notes = COLUMN_NOTES.get(table, {})
        problems += [f"{table}.{column}" for column in columns if column not in notes]
        problems += [f"{table}.{column} (no such column)" for column in notes
                     if column not in columns]
    return problems


def _objects(conn: sqlite3.Connection, kind: str) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE"
                        " 'sqlite_%' ORDER BY name", (kind,))
    return [name for (name,) in rows]


def _sql(conn: sqlite3.Connection, name: str) -> str:
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    first, _, rest = sql.strip().partition("\n")
    return first + ("\n" + textwrap.dedent(rest) if rest else "")


def _unique_keys(conn: sqlite3.Connection, table: str) -> list[str]:
    keys = []
    for _seq, name, unique, origin, _partial in conn.execute(f"PRAGMA index_list({table})"):
        if unique and origin == "u":
            columns = [row[2] for row in conn.execute(f"PRAGMA index_info({name})")]
            keys.append("`(" + ", ".join(columns) + ")`")
    return sorted(keys)


def _table(conn: sqlite3.Connection, table: str) -> str:
    notes = COLUMN_NOTES[table]
    rows = ["| column | type | constraint | holds |", "|---|---|---|---|"]
    for _cid, name, kind, notnull, default, primary in conn.execute(
            f"PRAGMA table_info({table})"):
        constraint = ("primary key" if primary else
                      "not null" + (f", default {default}" if default is not None else "")
                      if notnull else "")
        rows.append(f"| `{name}` | {kind} | {constraint} | {notes[name]} |")
    text = f"### `{table}`\n\n{TABLE_NOTES[table]}\n\n" + "\n".join(rows) + "\n"
    keys = _unique_keys(conn, table)
    if keys:
        text += f"\nUnique: {', '.join(keys)}.\n"
    indexes = [name for name in _objects(conn, "index")
               if conn.execute("SELECT tbl_name FROM sqlite_master WHERE name = ?",
                               (name,)).fetchone()[0] == table]
    if indexes:
        text += "\n" + _block("\n".join(_sql(conn, name) + ";" for name in indexes), "sql")
    return text


def _view(conn: sqlite3.Connection, view: str) -> str:
    columns = ", ".join(f"`{row[1]}`" for row in conn.execute(f"PRAGMA table_info({view})"))
    return f"### `{view}`\n\nColumns: {columns}.\n\n" + _block(_sql(conn, view) + ";", "sql")


def schema_reference() -> str:
    """Tables, columns, unique keys, indexes and views of a store made now."""
    from interstat.store.migrations import APPLICATION_ID, MIGRATIONS

    with tempfile.TemporaryDirectory(prefix="interstat-docs-") as folder:
        conn = fresh_store(folder)
        try:
            missing = undocumented_columns(conn)
            if missing:
                raise ValueError(f"describe in docs/docgen.py COLUMN_NOTES: {missing}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            parts = [
                f"Schema version {version} (`PRAGMA user_version`), application id "
                f"`{APPLICATION_ID:#x}`. Migrations, in order: "
                + ", ".join(f"`{name}`" for name, _ in MIGRATIONS) + ".\n\n",
                "## Tables\n\n",
                "\n".join(_table(conn, table) for table in _objects(conn, "table")),
                "\n## Views\n\n",
                "\n".join(_view(conn, view) for view in _objects(conn, "view")),
            ]
        finally:
            conn.close()
    return "".join(parts)
