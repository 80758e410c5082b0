"""What purge deleted, remembered so that neither analyze nor a hook brings it back.

Purge leaves a tombstone in ``purged_runs`` for each id of each run it
deletes (``agent:<agentId>``, ``tool:<toolUseId>``) and one for each session
it leaves with no run (``WHOLE_SESSION``). Whatever a tombstone names is
then dropped: a transcript whose mtime changed does not re-create the run
empty, and lines appended later are not counted as a part of it.
``interstat analyze --reread`` lifts the tombstones and reads the files again.

Tombstones hold SHA-256 digests of the ids, never the ids themselves, so that
a purged id does not stay in the file. Standard library only: the capture
hook checks its events here.
"""

from __future__ import annotations

from collections.abc import Iterable

from interstat.store.driver import sqlite3
from interstat.store.values import sha256

#: The owner digest of a tombstone that covers a whole session.
WHOLE_SESSION = "*"

_REMEMBER = (
    "INSERT OR IGNORE INTO purged_runs (session_digest, owner_digest, purged_at)"
    " VALUES (?, ?, ?)"
)
_HIDES = (
    "SELECT 1 FROM purged_runs WHERE session_digest = ?"
    " AND owner_digest IN (?, ?, ?) LIMIT 1"
)


def digest(text: str) -> str:
    # surrogatepass: ids come from JSON, which can spell a lone surrogate.
    return sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def run_owners(agent_id: str | None, tool_use_id: str | None) -> list[str]:
    """Every owner key a run answers to: calls and facts name it by either id."""
    owners = []
    if agent_id:
        owners.append(f"agent:{agent_id}")
    if tool_use_id:
        owners.append(f"tool:{tool_use_id}")
    return owners


def remember_runs(
    conn: sqlite3.Connection, runs: Iterable[tuple[str, str | None, str | None]], now: str
) -> None:
    """Tombstones for these (session_id, agent_id, tool_use_id) runs."""
    conn.executemany(_REMEMBER, (
        (digest(session_id), digest(owner), now)
        for session_id, agent_id, tool_use_id in runs
        for owner in run_owners(agent_id, tool_use_id)
    ))


def remember_sessions(conn: sqlite3.Connection, session_ids: Iterable[str], now: str) -> None:
    """Tombstones for whole sessions: nothing of them comes back."""
    conn.executemany(_REMEMBER, ((digest(session_id), WHOLE_SESSION, now)
                                 for session_id in session_ids))


def lift(conn: sqlite3.Connection, session_id: str | None = None) -> int:
    """Forget the tombstones of one session, or of every session; returns how many."""
    if session_id is None:
        return conn.execute("DELETE FROM purged_runs").rowcount
    return conn.execute(
        "DELETE FROM purged_runs WHERE session_digest = ?", (digest(session_id),)
    ).rowcount


def is_purged(conn: sqlite3.Connection, session_id: str, agent_id: str | None = None,
              tool_use_id: str | None = None) -> bool:
    """Whether a tombstone names this session, or the run with these ids in it."""
    owners = [digest(owner) for owner in run_owners(agent_id, tool_use_id)]
    # A run has at most two owner keys, so the third place (at least) asks for
    # the whole-session tombstone; one fixed statement serves every event.
    owners += [WHOLE_SESSION] * (3 - len(owners))
    row = conn.execute(_HIDES, (digest(session_id), *owners)).fetchone()
    return row is not None


class PurgedRuns:
    """Every tombstone, read once for an analyze pass that checks many facts."""

    def __init__(self, by_session: dict[str, set[str]]):
        self._by_session = by_session
        # Facts come by the thousand per session and owner: digest each once.
        self._sessions: dict[str, set[str]] = {}
        self._owners: dict[str, str] = {}

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> PurgedRuns | None:
        """The store's tombstones; None when there are none, so callers skip the check."""
        by_session: dict[str, set[str]] = {}
        for session_digest, owner_digest in conn.execute(
            "SELECT session_digest, owner_digest FROM purged_runs"
        ):
            by_session.setdefault(session_digest, set()).add(owner_digest)
        return cls(by_session) if by_session else None

    def hides(self, session_id: str, owners: Iterable[str]) -> bool:
        """Whether the session, or the run one of these owner keys names, was purged."""
        tombstones = self._sessions.get(session_id)
        if tombstones is None:
            tombstones = self._by_session.get(digest(session_id), set())
            self._sessions[session_id] = tombstones
        if not tombstones:
            return False
        if WHOLE_SESSION in tombstones:
            return True
        return any(self._owner_digest(owner) in tombstones for owner in owners)

    def _owner_digest(self, owner: str) -> str:
        known = self._owners.get(owner)
        if known is None:
            known = self._owners[owner] = digest(owner)
        return known
