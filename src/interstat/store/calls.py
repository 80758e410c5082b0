"""API calls, each stored once, and the run totals summed from them."""

from __future__ import annotations

import sqlite3

from interstat.store.runs import run_owner

_UPSERT_CALL = """
INSERT INTO api_calls (
    call_key, session_id, owner, model, input_tokens, output_tokens, cache_read_tokens,
    cache_creation_tokens, cache_creation_5m_tokens, cache_creation_1h_tokens,
    total_tokens, context_tokens, synthetic, output_is_placeholder, timestamp
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (call_key) DO UPDATE SET
    input_tokens = excluded.input_tokens,
    output_tokens = excluded.output_tokens,
    cache_read_tokens = excluded.cache_read_tokens,
    cache_creation_tokens = excluded.cache_creation_tokens,
    cache_creation_5m_tokens = excluded.cache_creation_5m_tokens,
    cache_creation_1h_tokens = excluded.cache_creation_1h_tokens,
    total_tokens = excluded.total_tokens,
    context_tokens = excluded.context_tokens,
    output_is_placeholder = excluded.output_is_placeholder
WHERE excluded.total_tokens > api_calls.total_tokens
"""


def upsert_call(
    conn: sqlite3.Connection,
    *,
    call_key: str,
    session_id: str,
    owner: str,
    model: str | None,
    input_tokens: int,
    output_tokens: int,
    cache_read_tokens: int,
    cache_creation_tokens: int,
    cache_creation_5m_tokens: int,
    cache_creation_1h_tokens: int,
    synthetic: bool,
    output_is_placeholder: bool,
    timestamp: str | None,
) -> None:
    """Store a call once; a later copy with a larger total replaces the counts.

    The owner of the first copy stays: mirrors of a call in another file
    (a parent file, a resumed session, a /btw replay) must not move it.
    """
    conn.execute(
        _UPSERT_CALL,
        call_row(
            call_key, session_id, owner, model, input_tokens, output_tokens,
            cache_read_tokens, cache_creation_tokens, cache_creation_5m_tokens,
            cache_creation_1h_tokens, synthetic, output_is_placeholder, timestamp,
        ),
    )


def call_row(
    call_key: str, session_id: str, owner: str, model: str | None, input_tokens: int,
    output_tokens: int, cache_read_tokens: int, cache_creation_tokens: int,
    cache_creation_5m_tokens: int, cache_creation_1h_tokens: int, synthetic: bool,
    output_is_placeholder: bool, timestamp: str | None,
) -> tuple:
    """The parameters ``upsert_calls`` takes for one call, totals included."""
    total = input_tokens + output_tokens + cache_read_tokens + cache_creation_tokens
    context = input_tokens + cache_read_tokens + cache_creation_tokens
    return (
        call_key, session_id, owner, model, input_tokens, output_tokens,
        cache_read_tokens, cache_creation_tokens, cache_creation_5m_tokens,
        cache_creation_1h_tokens, total, context, int(synthetic),
        int(output_is_placeholder), timestamp,
    )


def upsert_calls(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    """``upsert_call`` for many ``call_row`` tuples in one statement, applied in order."""
    conn.executemany(_UPSERT_CALL, rows)


_TOTALS = """
SELECT COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cache_read_tokens),
       SUM(cache_creation_tokens), SUM(cache_creation_5m_tokens),
       SUM(cache_creation_1h_tokens), SUM(total_tokens), MAX(context_tokens),
       MAX(output_is_placeholder)
FROM api_calls WHERE session_id = ? AND owner = ? AND synthetic = 0
"""

_MAIN_MODEL = """
SELECT model FROM api_calls
WHERE session_id = ? AND owner = ? AND synthetic = 0 AND model IS NOT NULL
GROUP BY model ORDER BY COUNT(*) DESC, MAX(timestamp) DESC LIMIT 1
"""


def refresh_totals(conn: sqlite3.Connection, run_id: int, now: str) -> bool:
    """Sum the run's stored calls into its token columns.

    Returns False (and changes nothing) when no call of the run is stored.
    A run whose only calls are synthetic API-error messages is failed.
    """
    session_id, agent_id, tool_use_id = conn.execute(
        "SELECT session_id, agent_id, tool_use_id FROM agent_runs WHERE run_id = ?", (run_id,)
    ).fetchone()
    owner = run_owner(agent_id, tool_use_id)
    if owner is None:
        return False
    synthetic_calls = conn.execute(
        "SELECT COUNT(*) FROM api_calls WHERE session_id = ? AND owner = ? AND synthetic = 1",
        (session_id, owner),
    ).fetchone()[0]
    row = conn.execute(_TOTALS, (session_id, owner)).fetchone()
    real_calls = row[0] or 0
    if real_calls == 0 and synthetic_calls == 0:
        return False
    model_row = conn.execute(_MAIN_MODEL, (session_id, owner)).fetchone()
    sums = [value or 0 for value in row[1:10]]
    conn.execute(
        """
        UPDATE agent_runs SET api_calls = ?, input_tokens = ?, output_tokens = ?,
            cache_hit_tokens = ?, cache_creation_tokens = ?, cache_creation_5m_tokens = ?,
            cache_creation_1h_tokens = ?, total_tokens = ?, peak_context_tokens = ?,
            output_is_lower_bound = ?, model = ?, tokens_source = 'transcript',
            parsed_at = ?, updated_at = ?
        WHERE run_id = ?
        """,
        (real_calls, *sums, model_row[0] if model_row else None, now, now, run_id),
    )
    if real_calls == 0:
        conn.execute(
            "UPDATE agent_runs SET status = 'failed' WHERE run_id = ?", (run_id,)
        )
    return True
