"""Ordered, named schema migrations.

Each migration runs once, inside the same ``BEGIN IMMEDIATE`` transaction that
records it, and the list of applied migrations is re-read inside that
transaction: several hooks starting at once on a new machine cannot race.
``PRAGMA user_version`` mirrors the count so that an up-to-date store is
recognised without touching a table. Never edit a released migration; add one.
"""

from __future__ import annotations

from collections.abc import Callable

from interstat.errors import StoreError
from interstat.store import advice
from interstat.store.driver import sqlite3

#: Written into the database header so a foreign SQLite file is recognised.
APPLICATION_ID = 0x49535431  # "IST1"


def _create_core_tables(conn: sqlite3.Connection) -> None:
    # One row per sub-agent run. A run is known by its agentId, by the tool
    # call that dispatched it, or (1.0.x hooks) by neither yet; the two
    # UNIQUE keys let hooks and transcripts meet on whichever id they have.
    conn.execute(
        """
        CREATE TABLE agent_runs (
            run_id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL,
            agent_id TEXT,
            tool_use_id TEXT,
            agent_name TEXT,
            parent_agent_id TEXT,
            invocation_id TEXT,
            workflow_id TEXT,
            project TEXT,
            description TEXT,
            prompt_sha256 TEXT,
            prompt_length INTEGER,
            requested_model TEXT,
            model TEXT,
            background INTEGER,
            kind TEXT NOT NULL DEFAULT 'dispatched',
            layout TEXT,
            status TEXT NOT NULL DEFAULT 'running',
            started_at TEXT,
            ended_at TEXT,
            wall_clock_ms INTEGER,
            result_length INTEGER,
            findings INTEGER,
            api_calls INTEGER,
            input_tokens INTEGER,
            output_tokens INTEGER,
            cache_hit_tokens INTEGER,
            cache_creation_tokens INTEGER,
            cache_creation_5m_tokens INTEGER,
            cache_creation_1h_tokens INTEGER,
            total_tokens INTEGER,
            peak_context_tokens INTEGER,
            output_is_lower_bound INTEGER NOT NULL DEFAULT 0,
            tokens_source TEXT,
            reported_total_tokens INTEGER,
            transcript_path TEXT,
            parsed_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (session_id, agent_id),
            UNIQUE (session_id, tool_use_id)
        )
        """
    )
    # Each API call once, whichever file it was read from; run totals are
    # sums over this table, so re-reading a file can never count twice.
    conn.execute(
        """
        CREATE TABLE api_calls (
            call_key TEXT PRIMARY KEY,
            session_id TEXT NOT NULL,
            owner TEXT NOT NULL,
            model TEXT,
            input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            cache_read_tokens INTEGER NOT NULL,
            cache_creation_tokens INTEGER NOT NULL,
            cache_creation_5m_tokens INTEGER NOT NULL,
            cache_creation_1h_tokens INTEGER NOT NULL,
            total_tokens INTEGER NOT NULL,
            context_tokens INTEGER NOT NULL,
            synthetic INTEGER NOT NULL DEFAULT 0,
            output_is_placeholder INTEGER NOT NULL DEFAULT 0,
            timestamp TEXT
        )
        """
    )
    # How far each transcript was read, so a second analyze reads only what
    # was appended since.
    conn.execute(
        """
        CREATE TABLE transcript_files (
            path TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            read_offset INTEGER NOT NULL,
            parser TEXT,
            session_id TEXT,
            skipped_lines INTEGER NOT NULL DEFAULT 0,
            parsed_at TEXT NOT NULL
        )
        """
    )
    # One row per hook event ever applied (a digest of its input, never the
    # input itself): replaying the spool or a hook twice is then a no-op.
    conn.execute(
        """
        CREATE TABLE hook_events (
            event_key TEXT PRIMARY KEY,
            event TEXT NOT NULL,
            session_id TEXT,
            received_at TEXT NOT NULL
        )
        """
    )


def _create_indexes(conn: sqlite3.Connection) -> None:
    # report: percentiles per agent; status: latest runs and pending parses.
    conn.execute("CREATE INDEX idx_runs_agent_name ON agent_runs (agent_name, peak_context_tokens)")
    conn.execute("CREATE INDEX idx_runs_started_at ON agent_runs (started_at)")
    conn.execute("CREATE INDEX idx_runs_pending ON agent_runs (parsed_at) WHERE parsed_at IS NULL")
    conn.execute("CREATE INDEX idx_runs_invocation ON agent_runs (invocation_id)")
    conn.execute("CREATE INDEX idx_calls_owner ON api_calls (session_id, owner)")


def _create_views(conn: sqlite3.Connection) -> None:
    conn.execute(
        """
        CREATE VIEW v_agent_summary AS
        SELECT agent_name,
               COUNT(*) AS runs,
               SUM(parsed_at IS NOT NULL) AS parsed_runs,
               SUM(status = 'failed') AS failed_runs,
               SUM(total_tokens) AS total_tokens,
               AVG(total_tokens) AS mean_total_tokens,
               MAX(peak_context_tokens) AS max_peak_context_tokens,
               AVG(api_calls) AS mean_api_calls,
               SUM(findings) AS findings
        FROM agent_runs
        WHERE kind = 'dispatched'
        GROUP BY agent_name
        """
    )
    conn.execute(
        """
        CREATE VIEW v_invocation_summary AS
        SELECT invocation_id,
               session_id,
               COUNT(*) AS runs,
               MIN(started_at) AS started_at,
               MAX(ended_at) AS ended_at,
               MAX(wall_clock_ms) AS longest_run_ms,
               SUM(wall_clock_ms) AS summed_run_ms,
               SUM(total_tokens) AS total_tokens
        FROM agent_runs
        WHERE kind = 'dispatched' AND invocation_id IS NOT NULL
        GROUP BY invocation_id, session_id
        """
    )


def _create_status_indexes(conn: sqlite3.Connection) -> None:
    # interstat status must answer in well under a second on a million runs:
    # counts and distinct sessions/agents of dispatched runs come from small
    # covering indexes, and the runs still lacking data from partial ones
    # (their WHERE is repeated verbatim in interstat_reports.status).
    conn.execute("CREATE INDEX idx_runs_kind_session ON agent_runs (kind, session_id)")
    conn.execute("CREATE INDEX idx_runs_kind_agent ON agent_runs (kind, agent_name)")
    conn.execute(
        "CREATE INDEX idx_runs_kind_pending ON agent_runs (kind) WHERE parsed_at IS NULL"
    )
    conn.execute(
        "CREATE INDEX idx_runs_kind_no_tokens ON agent_runs (kind) WHERE tokens_source IS NULL"
        " OR tokens_source = 'hook_estimate' OR total_tokens IS NULL"
    )


# One kind's counts change by one row: +1 or -1 run, and a session gained or
# lost when no other row of that kind names it. {row} is NEW or OLD.
_COUNT_ROW = """
    INSERT INTO run_counts (kind) VALUES ({row}.kind) ON CONFLICT (kind) DO NOTHING;
    UPDATE run_counts SET runs = runs {sign} 1,
        sessions = sessions {sign} NOT EXISTS (
            SELECT 1 FROM agent_runs WHERE kind = {row}.kind
            AND session_id = {row}.session_id AND run_id != {row}.run_id)
    WHERE kind = {row}.kind;
"""


def _create_run_counts(conn: sqlite3.Connection) -> None:
    # interstat status on a million runs: counting them, and above all their
    # distinct sessions, read a whole index each time (a third of a second).
    # Triggers keep both counts per kind as rows come, go or change kind or
    # session, whoever writes them (hooks, analyze, merge, purge, doctor).
    conn.execute(
        "CREATE TABLE run_counts (kind TEXT PRIMARY KEY,"
        " runs INTEGER NOT NULL DEFAULT 0, sessions INTEGER NOT NULL DEFAULT 0)"
    )
    conn.execute(
        "INSERT INTO run_counts (kind, runs, sessions)"
        " SELECT kind, COUNT(*), COUNT(DISTINCT session_id) FROM agent_runs GROUP BY kind"
    )
    added = _COUNT_ROW.format(row="NEW", sign="+")
    removed = _COUNT_ROW.format(row="OLD", sign="-")
    conn.execute(f"CREATE TRIGGER run_counts_insert AFTER INSERT ON agent_runs BEGIN {added} END")
    conn.execute(
        f"CREATE TRIGGER run_counts_delete AFTER DELETE ON agent_runs BEGIN {removed} END"
    )
    conn.execute(
        "CREATE TRIGGER run_counts_update AFTER UPDATE OF kind, session_id ON agent_runs"
        " WHEN OLD.kind IS NOT NEW.kind OR OLD.session_id IS NOT NEW.session_id"
        f" BEGIN {removed} {added} END"
    )


#: A dispatched run with exact token counts: the rows percentiles and costs
#: read. interstat_reports.sql repeats it word for word, which is what lets
#: SQLite use the partial indexes below.
TOKEN_RUN_WHERE = (
    "kind = 'dispatched' AND tokens_source IS NOT NULL"
    " AND tokens_source != 'hook_estimate' AND total_tokens IS NOT NULL"
    " AND peak_context_tokens IS NOT NULL"
)


def _create_report_aggregate_indexes(conn: sqlite3.Connection) -> None:
    # interstat report on a million runs must answer in about a second: the
    # built-in sections aggregate in SQL, each reading a narrow covering
    # index in GROUP BY order instead of the wide table. Per agent and model
    # (summary, agents, context-limits, findings, models):
    # The three flags after tokens_source sort the rows of a group into
    # classes (tokens complete or not, findings counted or not, zero tokens
    # or not) so that the query sums plain columns, with no test per row.
    conn.execute(
        "CREATE INDEX idx_runs_report_agents ON agent_runs (kind, agent_name, model,"
        " tokens_source, (total_tokens IS NULL OR peak_context_tokens IS NULL),"
        " (findings IS NULL), (total_tokens = 0), total_tokens, peak_context_tokens,"
        " findings, api_calls, wall_clock_ms, input_tokens, output_tokens,"
        " cache_hit_tokens, cache_creation_tokens, cache_creation_5m_tokens,"
        " cache_creation_1h_tokens)"
    )
    # Per session and invocation (main-vs-subagents, invocations):
    conn.execute(
        "CREATE INDEX idx_runs_report_sessions ON agent_runs (kind, session_id,"
        " invocation_id, tokens_source, total_tokens, peak_context_tokens, started_at,"
        " ended_at, wall_clock_ms)"
    )
    # Nearest-rank percentiles: the k-th value of a group, read in order.
    conn.execute(
        "CREATE INDEX idx_token_runs_agent_peak ON agent_runs"
        f" (agent_name, peak_context_tokens) WHERE {TOKEN_RUN_WHERE}"
    )
    conn.execute(
        "CREATE INDEX idx_token_runs_agent_total ON agent_runs"
        f" (agent_name, total_tokens) WHERE {TOKEN_RUN_WHERE}"
    )
    conn.execute(
        f"CREATE INDEX idx_token_runs_peak ON agent_runs (peak_context_tokens)"
        f" WHERE {TOKEN_RUN_WHERE}"
    )
    # Totals that no section needs per group: counted from the few runs
    # each partial index holds, not summed on every row.
    conn.execute(
        "CREATE INDEX idx_runs_kind_failed ON agent_runs (kind) WHERE status = 'failed'"
    )
    conn.execute(
        "CREATE INDEX idx_runs_kind_lower_bound ON agent_runs (kind)"
        " WHERE output_is_lower_bound != 0"
    )


def _create_purged_runs(conn: sqlite3.Connection) -> None:
    # What purge deleted, so that analyze and the hooks do not bring it back
    # (interstat.store.purged): a row per id of each deleted run, and one per
    # session left with no run. Digests, not ids: a purged id must not stay in
    # the file.
    conn.execute(
        """
        CREATE TABLE purged_runs (
            session_digest TEXT NOT NULL,
            owner_digest TEXT NOT NULL,
            purged_at TEXT NOT NULL,
            PRIMARY KEY (session_digest, owner_digest)
        )
        """
    )


Migration = tuple[str, Callable[[sqlite3.Connection], None]]

MIGRATIONS: list[Migration] = [
    ("0001_core_tables", _create_core_tables),
    ("0002_report_indexes", _create_indexes),
    ("0003_summary_views", _create_views),
    ("0004_status_indexes", _create_status_indexes),
    ("0005_run_counts", _create_run_counts),
    ("0006_report_aggregate_indexes", _create_report_aggregate_indexes),
    ("0007_purged_runs", _create_purged_runs),
]


def _applied(conn: sqlite3.Connection) -> list[str]:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    return [row[0] for row in conn.execute("SELECT name FROM schema_migrations ORDER BY name")]


def is_current(conn: sqlite3.Connection) -> bool:
    return conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def _unowned_state(conn: sqlite3.Connection) -> tuple[int, int]:
    """The application id and count of tables of a file not marked ours, read at one moment.

    Another process may be creating the store: read one after the other, the
    id could predate and the tables follow its first migration, and a store
    half-way through its creation would look like another program's file.
    """
    outside = not conn.in_transaction
    if outside:
        conn.execute("BEGIN")
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute(
            "SELECT COUNT(*) FROM sqlite_master"
            " WHERE type = 'table' AND name != 'schema_migrations'"
        ).fetchone()[0]
    finally:
        if outside:
            conn.execute("COMMIT")
    return app_id, tables


def check_ownership(conn: sqlite3.Connection) -> None:
    """Refuse a database that some other program wrote, or a newer interstat."""
    # Once marked ours a store stays ours: only other files need a closer look.
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        app_id, tables = _unowned_state(conn)
        if app_id not in (0, APPLICATION_ID):
            raise StoreError("this SQLite file belongs to another program; "
                             + advice.another_store("an interstat store"))
        if app_id == 0 and tables:
            raise StoreError("this SQLite file is not an interstat store; "
                             + advice.another_store("another path"))
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise StoreError(
            f"the store has schema version {version}, newer than this interstat "
            f"({len(MIGRATIONS)}); upgrade interstat"
        )


def migrate(conn: sqlite3.Connection, now: str) -> list[str]:
    """Bring the store to the current schema; returns the migrations applied."""
    if is_current(conn) and _owned(conn):
        return []
    conn.execute("BEGIN IMMEDIATE")
    try:
        check_ownership(conn)
        done = set(_applied(conn))
        known = {name for name, _ in MIGRATIONS}
        if done - known:
            raise StoreError(
                "the store was written by a newer interstat "
                f"({', '.join(sorted(done - known))}); upgrade interstat"
            )
        applied = []
        for name, step in MIGRATIONS:
            if name in done:
                continue
            step(conn)
            conn.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", (name, now)
            )
            applied.append(name)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return applied


def _owned(conn: sqlite3.Connection) -> bool:
    return conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
