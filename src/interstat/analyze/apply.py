"""Applying a parser's facts to the store.

Every write here is idempotent: a call is keyed by its id, a run by its ids,
and totals are recomputed from the stored calls. Applying the same facts
twice, or after a crash half-way, gives the same rows.
"""

from __future__ import annotations

import os
import sqlite3

from interstat.records import (
    ApiCall,
    Dispatch,
    DispatchResult,
    Fact,
    RunTranscript,
    tool_owner,
)
from interstat.registry import Correlator, FindingsCounter
from interstat.store import calls, runs

#: Prompts and answers are private; descriptions are stored only on request.
DESCRIPTIONS_ENV = "INTERSTAT_STORE_DESCRIPTIONS"
#: Calls written per ``executemany``: one statement instead of one per call.
CALLS_PER_BATCH = 500


def descriptions_opted_in() -> bool:
    return os.environ.get(DESCRIPTIONS_ENV, "") in ("1", "true", "yes")


def call_row_of(call: ApiCall) -> tuple:
    """The call as the parameters of ``calls.upsert_calls``: a plain tuple, which
    also crosses from a worker process at a fraction of the cost of the record."""
    usage = call.usage
    return calls.call_row(
        call.call_key, call.session_id, call.owner, call.model, usage.input_tokens,
        usage.output_tokens, usage.cache_read_tokens, usage.cache_creation_tokens,
        usage.cache_creation_5m_tokens, usage.cache_creation_1h_tokens,
        call.synthetic, call.output_is_placeholder, call.timestamp,
    )


def count_findings(counters: list[FindingsCounter], text: str, agent_name: str | None) -> int:
    for counter in counters:
        counted = counter.count(text, agent_name)
        if counted is not None:
            return counted
    return 0


class FactApplier:
    """Writes facts into an open write transaction and remembers which runs changed."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        now: str,
        correlators: list[Correlator],
        counters: list[FindingsCounter],
        *,
        whole_files: bool = True,
    ):
        self.conn = conn
        self.now = now
        self.correlators = correlators
        self.counters = counters
        self.keep_descriptions = descriptions_opted_in()
        #: Facts come from whole files, not from a time window's part of them:
        #: a transcript without a call then truly has none.
        self.whole_files = whole_files
        self.touched_owners: set[tuple[str, str]] = set()
        self.touched_runs: set[int] = set()
        #: Runs whose own transcript these facts came from.
        self.read_runs: set[int] = set()
        self._pending_calls: list[tuple] = []

    def apply(self, fact: Fact) -> None:
        if isinstance(fact, ApiCall):
            self._call(fact)
            return
        # Calls wait in a batch; everything else sees the store as if each
        # call had been written when it came.
        self._flush_calls()
        if isinstance(fact, Dispatch):
            self._dispatch(fact)
        elif isinstance(fact, DispatchResult):
            self._result(fact)
        elif isinstance(fact, RunTranscript):
            self._transcript(fact)

    def _call(self, call: ApiCall) -> None:
        self.apply_call_row(call_row_of(call))

    def apply_call_row(self, row: tuple) -> None:
        """Apply an ApiCall already turned into its ``call_row_of`` tuple."""
        self._pending_calls.append(row)
        if len(self._pending_calls) >= CALLS_PER_BATCH:
            self._flush_calls()
        self.touched_owners.add((row[1], row[2]))

    def _flush_calls(self) -> None:
        if self._pending_calls:
            calls.upsert_calls(self.conn, self._pending_calls)
            self._pending_calls = []

    def _correlate(self, probe: RunTranscript) -> int | None:
        for correlator in self.correlators:
            found = correlator.find(self.conn, probe)
            if found is not None:
                return found
        return None

    def _run_for(self, session_id: str, agent_id: str | None, tool_use_id: str | None,
                 probe: RunTranscript) -> int:
        """The run these ids name, else one a correlator recognises, else a new one."""
        found = runs.find_run(self.conn, session_id, agent_id=agent_id, tool_use_id=tool_use_id)
        if found is None:
            found = self._correlate(probe)
            if found is not None:
                ids = {"agent_id": agent_id, "tool_use_id": tool_use_id}
                runs.fill_fields(self.conn, found, ids, self.now)
                return found
        # ensure_run also links a second id, merging two rows when both exist.
        return runs.ensure_run(
            self.conn, session_id, self.now, agent_id=agent_id, tool_use_id=tool_use_id
        )

    def _dispatch(self, dispatch: Dispatch) -> None:
        probe = RunTranscript(
            session_id=dispatch.session_id,
            owner=tool_owner(dispatch.tool_use_id),
            agent_id=None,
            tool_use_id=dispatch.tool_use_id,
            agent_name=dispatch.agent_name,
            prompt_sha256=dispatch.prompt_sha256,
            started_at=dispatch.timestamp,
        )
        run_id = self._run_for(dispatch.session_id, None, dispatch.tool_use_id, probe)
        # The transcript names the dispatching message: it replaces the
        # provisional group a hook guessed.
        runs.set_fields(self.conn, run_id, {
            "agent_name": dispatch.agent_name,
            "invocation_id": dispatch.invocation_id,
            "parent_agent_id": dispatch.parent_agent_id,
            "requested_model": dispatch.requested_model,
            "prompt_sha256": dispatch.prompt_sha256,
            "prompt_length": dispatch.prompt_length,
        }, self.now)
        if dispatch.background is not None:
            runs.set_fields(self.conn, run_id, {"background": int(dispatch.background)}, self.now)
        runs.fill_fields(self.conn, run_id, {
            "background": 0,
            "workflow_id": dispatch.session_id,
            "project": dispatch.project,
            "started_at": dispatch.timestamp,
            "description": dispatch.description if self.keep_descriptions else None,
        }, self.now)
        self.touched_runs.add(run_id)

    def _result(self, result: DispatchResult) -> None:
        known = runs.find_run(
            self.conn, result.session_id, agent_id=result.agent_id, tool_use_id=result.tool_use_id
        )
        if known is None:
            # A read resumed mid-file recognises results by their shape alone;
            # one whose call and agent were never seen is not a sub-agent run.
            return
        # Links the agentId to the call, folding two rows into one if needed.
        run_id = runs.ensure_run(
            self.conn, result.session_id, self.now,
            agent_id=result.agent_id, tool_use_id=result.tool_use_id,
        )
        if result.status == "async_launched":
            runs.set_fields(self.conn, run_id, {"background": 1}, self.now)
            runs.set_status(self.conn, run_id, "running", self.now)
        else:
            runs.set_status(self.conn, run_id, result.status, self.now)
            runs.fill_fields(self.conn, run_id, {"ended_at": result.timestamp}, self.now)
        runs.fill_fields(self.conn, run_id, {
            "result_length": result.result_length,
            "reported_total_tokens": result.reported_total_tokens,
        }, self.now)
        self.touched_runs.add(run_id)

    def _transcript(self, run: RunTranscript) -> None:
        run_id = self._run_for(run.session_id, run.agent_id, run.tool_use_id, run)
        runs.set_fields(self.conn, run_id, {
            "kind": run.kind,
            "layout": run.layout,
            "transcript_path": run.transcript_path,
        }, self.now)
        if run.background is not None:
            runs.set_fields(self.conn, run_id, {"background": int(run.background)}, self.now)
        runs.fill_fields(self.conn, run_id, {
            "agent_name": run.agent_name,
            "requested_model": run.model,
            "workflow_id": run.session_id,
            "project": run.project,
            "started_at": run.started_at,
            "description": run.description if self.keep_descriptions else None,
        }, self.now)
        self._extend_end(run_id, run.ended_at)
        if run.final_text is not None:
            name = self.conn.execute(
                "SELECT agent_name FROM agent_runs WHERE run_id = ?", (run_id,)
            ).fetchone()[0]
            runs.set_fields(self.conn, run_id, {
                "findings": count_findings(self.counters, run.final_text, name),
                "result_length": len(run.final_text),
            }, self.now)
        self.touched_runs.add(run_id)
        self.read_runs.add(run_id)

    def _extend_end(self, run_id: int, ended_at: str | None) -> None:
        if ended_at:
            self.conn.execute(
                "UPDATE agent_runs SET ended_at = ? WHERE run_id = ?"
                " AND (ended_at IS NULL OR ended_at < ?)",
                (ended_at, run_id, ended_at),
            )

    def discard(self) -> None:
        """Forget what was applied since the last ``finish``: it was rolled back."""
        self._pending_calls = []
        self.touched_owners.clear()
        self.touched_runs.clear()
        self.read_runs.clear()

    def finish(self) -> set[int]:
        """Recompute totals of every run these facts touched; returns their ids.

        A run whose transcript was read and holds no call is marked read
        (``parsed_at``) with no token data: reading it again would find
        nothing more, so it is not pending.
        """
        self._flush_calls()
        for session_id, owner in self.touched_owners:
            run_id = _run_of_owner(self.conn, session_id, owner)
            if run_id is not None:
                self.touched_runs.add(run_id)
        # A run touched early may have been folded into another one since.
        self.touched_runs.intersection_update(_existing_runs(self.conn, self.touched_runs))
        for run_id in self.touched_runs:
            summed = calls.refresh_totals(self.conn, run_id, self.now)
            if not summed and self.whole_files and run_id in self.read_runs:
                runs.set_fields(self.conn, run_id, {"parsed_at": self.now}, self.now)
            runs.refresh_wall_clock(self.conn, run_id)
        changed = set(self.touched_runs)
        self.touched_owners.clear()
        self.touched_runs.clear()
        self.read_runs.clear()
        return changed


def _run_of_owner(conn: sqlite3.Connection, session_id: str, owner: str) -> int | None:
    kind, _, ident = owner.partition(":")
    if kind == "agent":
        return runs.find_run(conn, session_id, agent_id=ident)
    if kind == "tool":
        return runs.find_run(conn, session_id, tool_use_id=ident)
    return None


def _existing_runs(conn: sqlite3.Connection, run_ids: set[int]) -> set[int]:
    found: set[int] = set()
    ids = sorted(run_ids)
    # Bounded lists: SQLite caps the parameters of one statement.
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(f"SELECT run_id FROM agent_runs WHERE run_id IN ({marks})", chunk)
        found.update(row[0] for row in rows)
    return found
