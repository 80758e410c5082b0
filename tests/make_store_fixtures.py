"""Write a small store at the current schema version: tests/data/stores/schema-N.db.

Run it once each time a migration is added (``uv run python
tests/make_store_fixtures.py``) and commit the new file. Never rewrite an
older fixture: each one must stay as that version of interstat wrote it,
so that upgrading it proves no row is lost.
"""

from __future__ import annotations

import sys
from pathlib import Path

from interstat.store import calls, migrations, purged, runs
from interstat.store.connect import open_store

FOLDER = Path(__file__).resolve().parent / "data" / "stores"
NOW = "2026-03-01T12:00:00.000Z"


def fixture_path(folder: Path = FOLDER) -> Path:
    return folder / f"schema-{len(migrations.MIGRATIONS)}.db"


def _call(conn, key: str, session: str, owner: str, usage: tuple[int, int, int, int],
          *, synthetic: bool = False, placeholder: bool = False) -> None:
    input_tokens, output_tokens, cache_read, cache_creation = usage
    calls.upsert_call(
        conn, call_key=key, session_id=session, owner=owner, model="claude-opus-5",
        input_tokens=input_tokens, output_tokens=output_tokens, cache_read_tokens=cache_read,
        cache_creation_tokens=cache_creation, cache_creation_5m_tokens=cache_creation,
        cache_creation_1h_tokens=0, synthetic=synthetic, output_is_placeholder=placeholder,
        timestamp=NOW,
    )


def _runs(conn) -> None:
    # One run of each shape: agentId and tool call, agentId only, tool call only
    # (inline era), no id yet (1.0.x hooks), and a failed run.
    both = runs.ensure_run(conn, "s1", NOW, agent_id="a1", tool_use_id="toolu_1")
    runs.set_fields(conn, both, {
        "agent_name": "fd-quality", "project": "/src/app", "status": "completed",
        "background": 0, "layout": "subagents", "started_at": "2026-03-01T10:00:00.000Z",
        "ended_at": "2026-03-01T10:02:00.000Z", "prompt_sha256": "ab" * 32,
        "prompt_length": 1200, "result_length": 800, "findings": 3,
        "invocation_id": "inv-1", "requested_model": "opus"}, NOW)
    _call(conn, "req_1|msg_1", "s1", "agent:a1", (10, 200, 40000, 3000))
    _call(conn, "req_2|msg_2", "s1", "agent:a1", (5, 9, 43000, 500), placeholder=True)
    calls.refresh_totals(conn, both, NOW)
    runs.refresh_wall_clock(conn, both)

    agent_only = runs.ensure_run(conn, "s1", NOW, agent_id="a2")
    runs.set_fields(conn, agent_only, {"agent_name": "Explore", "status": "running"}, NOW)

    inline = runs.ensure_run(conn, "s2", NOW, tool_use_id="toolu_9")
    runs.set_fields(conn, inline, {"agent_name": "general-purpose", "layout": "inline"}, NOW)
    _call(conn, "msg_9", "s2", "tool:toolu_9", (3, 30, 9000, 100))
    calls.refresh_totals(conn, inline, NOW)

    anonymous = runs.insert_run(conn, "s3", NOW)
    runs.set_fields(conn, anonymous, {"agent_name": "old", "started_at": NOW}, NOW)

    failed = runs.ensure_run(conn, "s1", NOW, agent_id="a3")
    _call(conn, "req_3|msg_3", "s1", "agent:a3", (0, 0, 0, 0), synthetic=True)
    calls.refresh_totals(conn, failed, NOW)

    _call(conn, "req_4|msg_4", "s1", "main", (20, 400, 60000, 2000))


def _bookkeeping(conn) -> None:
    conn.execute(
        "INSERT INTO transcript_files (path, size, mtime_ns, read_offset, parser, session_id,"
        " skipped_lines, parsed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ("/home/u/.claude/projects/-src-app/s1.jsonl", 5000, 1_770_000_000_000_000_000, 5000,
         "claude-code-2.1", "s1", 2, NOW),
    )
    conn.execute(
        "INSERT INTO hook_events (event_key, event, session_id, received_at) VALUES (?, ?, ?, ?)",
        ("f" * 64, "SubagentStop", "s1", NOW),
    )


def _tombstones(conn) -> None:
    # What a purge of one run of s4 and of the whole session s5 left behind
    # (schema 7 on; older schemas have no purged_runs table).
    purged.remember_runs(conn, [("s4", "a4", "toolu_4")], NOW)
    purged.remember_sessions(conn, ["s5"], NOW)


def build(path: Path) -> Path:
    conn = open_store(path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        _runs(conn)
        _bookkeeping(conn)
        _tombstones(conn)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return path


def main() -> None:
    target = fixture_path(Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER)
    if target.exists():
        sys.exit(f"{target} exists; fixtures of released schemas are never rewritten")
    target.parent.mkdir(parents=True, exist_ok=True)
    print(f"wrote {build(target)}")


if __name__ == "__main__":
    main()
