"""The ground truth, expected.json, computed from the plan rather than the files."""

from __future__ import annotations

from pathlib import Path

from .plan import Agent, Call, Session
from .writer import agent_path, session_path

FORMAT = 1


def totals(calls: list[Call]) -> dict[str, int]:
    """Token sums of the real (not synthetic) calls, in the store's column names."""
    real = [c for c in calls if not c.synthetic]
    sums = {
        "api_calls": len(real),
        "input_tokens": sum(c.inp for c in real),
        "output_tokens": sum(c.out for c in real),
        "cache_hit_tokens": sum(c.cache_read for c in real),
        "cache_creation_tokens": sum(c.cache_creation for c in real),
        "cache_creation_1h_tokens": sum(c.cache_1h for c in real),
    }
    sums["total_tokens"] = (sums["input_tokens"] + sums["output_tokens"]
                            + sums["cache_hit_tokens"] + sums["cache_creation_tokens"])
    sums["peak_context_tokens"] = max((c.context for c in real), default=0)
    return sums


def run_record(root: Path, session: Session, agent: Agent) -> dict[str, object]:
    record: dict[str, object] = {
        "session_id": session.session_id,
        "agent_id": agent.agent_id,
        "agent_name": agent.agent_type,
        "parent_agent_id": agent.parent.agent_id if agent.parent else None,
        "invocation_group": agent.group,
        "tool_use_id": agent.tool_use_id,
        "status": "failed" if agent.failed else "completed",
        "model": None if agent.failed else agent.model,
        "background": agent.background,
    }
    record.update(totals(agent.calls))
    record["transcript"] = agent_path(root, session, agent).relative_to(root).as_posix()
    return record


def session_record(root: Path, session: Session) -> dict[str, object]:
    """A session's main-thread calls plus all its runs' calls, each call once:
    what a tool that reads every file of the session (ccusage) should report."""
    every = session.calls + [c for a in session.agents for c in a.calls]
    record: dict[str, object] = {
        "session_id": session.session_id,
        "project": session.enc,
        "main_api_calls": len(session.calls),
        "runs": len(session.agents),
    }
    record.update(totals(every))
    record["transcript"] = session_path(root, session).relative_to(root).as_posix()
    return record


def expected(root: Path, sessions: list[Session], generator: dict[str, object],
             files: int, size: int) -> dict[str, object]:
    ordered = sorted(sessions, key=lambda s: s.session_id)
    runs = [run_record(root, s, a) for s in ordered for a in s.agents]
    return {
        "format": FORMAT,
        "generator": generator,
        "tree": {"jsonl_files": files, "jsonl_bytes": size, "runs": len(runs),
                 "sessions": len(ordered)},
        "runs": runs,
        "sessions": [session_record(root, s) for s in ordered],
    }
