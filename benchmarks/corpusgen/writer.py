"""Writes one session's files: its transcript, its sub-agents' transcripts and metas."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from .agentlines import AgentText, agent_text, dispatch, notification
from .lines import Slot, Transcript
from .plan import Agent, Call, Session
from .text import TextPool
from .turns import final_turn, interlude, opening, session_closing, session_opening, tool_turn

BUILT_IN = {"general-purpose", "Explore", "Plan"}


def session_dir(root: Path, session: Session) -> Path:
    return root / "projects" / session.enc


def session_path(root: Path, session: Session) -> Path:
    return session_dir(root, session) / f"{session.session_id}.jsonl"


def agent_path(root: Path, session: Session, agent: Agent) -> Path:
    return (session_dir(root, session) / session.session_id / "subagents"
            / f"agent-{agent.agent_id}.jsonl")


def write_session(root: Path, session: Session, seed: int, pool: TextPool) -> int:
    """Write the session and its sub-agents; return the bytes of .jsonl written."""
    rng = random.Random(f"file/{seed}/{session.session_id}")
    t = Transcript(seed, session.session_id, session.cwd, session.branch, None,
                   session.start_ms, rng, pool)
    session_opening(t, session.size, session.model)
    final = t.prose(100, min(3000, 100 + session.size // 10))
    turns(t, session.calls, session.dispatches, None, final, chatty=True)
    every_call = session.calls + [c for a in session.agents for c in a.calls]
    session_closing(t, every_call, session.model)
    written = flush(t, session_path(root, session), session.size)
    launches = t.launches
    # Dispatchers first, so a nested run knows when its parent run started it.
    for agent in sorted(session.agents, key=lambda a: (a.depth, a.agent_id)):
        written += write_agent(root, session, agent, seed, pool, launches)
    return written


def write_agent(root: Path, session: Session, agent: Agent, seed: int, pool: TextPool,
                launches: dict[str, int]) -> int:
    rng = random.Random(f"file/{seed}/{agent.agent_id}")
    start = launches.get(agent.agent_id, session.start_ms) + rng.randint(20, 900)
    t = Transcript(seed, session.session_id, session.cwd, session.branch, agent.agent_id,
                   start, rng, pool)
    text = agent_text(pool, seed, agent)
    t.message('"promptId":"%s","type":"user","message":{"role":"user","content":"%s"},'
              '"rowSource":"recorded"' % (t.prompt_id, text.prompt))
    opening(t, agent.size, agent.model)
    if agent.failed:
        for _ in range(rng.randint(1, 3)):  # the retries before giving up
            t.api_request(agent.model)
        t.synthetic(agent.calls[0])
    else:
        turns(t, agent.calls, agent.dispatches, agent.agent_type, text.final, chatty=False)
    launches.update(t.launches)
    path = agent_path(root, session, agent)
    written = flush(t, path, agent.size)
    meta = path.with_name(f"agent-{agent.agent_id}.meta.json")
    meta.write_text(json.dumps(agent_meta(agent, session, text), separators=(",", ":")))
    return written


def turns(t: Transcript, calls: list[Call], dispatches: list[tuple[int, list[Agent]]],
          agent_type: str | None, final: str, chatty: bool) -> None:
    """Every API call of one transcript in order, with background notifications
    arriving a few calls after their launch."""
    spots = dict(dispatches)
    pending: list[tuple[Agent, AgentText]] = []
    due: list[tuple[int, Agent, AgentText]] = []
    for i, call in enumerate(calls):
        while due and (due[0][0] <= i or i == len(calls) - 1):
            notification(t, *due.pop(0)[1:])
        if i in spots:
            dispatch(t, call, spots[i], agent_type, pending)
            due += [(i + t.rng.randint(1, 4), a, x) for a, x in pending]
            due.sort(key=lambda d: d[0])
            pending.clear()
        elif call.tool:
            tool_turn(t, call, agent_type)
        else:
            final_turn(t, call, agent_type, final)
        if chatty:
            interlude(t)


def flush(t: Transcript, path: Path, target: int, mode: str = "w") -> int:
    """Size the tool results so the file (or appended part) lands near `target`,
    then write it."""
    slots = list({id(p): p for p in t.parts if isinstance(p, Slot)}.values())
    room = target - t.fixed
    weight = sum(s.weight * s.copies for s in slots) or 1.0
    for s in slots:
        n = int(room * s.weight / weight) if room > 0 else t.rng.randint(20, 400)
        s.text = t.pool.code_text(t.rng, n)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, mode, encoding="ascii", newline="\n") as f:
        f.writelines(p if isinstance(p, str) else p.text for p in t.parts)
    # The file's mtime is its last line's time, as if Claude Code had just written it.
    os.utime(path, (t.clock.ms / 1000, t.clock.ms / 1000))
    return t.fixed + sum(len(s.text) * s.copies for s in slots)


def agent_meta(agent: Agent, session: Session, text: AgentText) -> dict[str, object]:
    meta: dict[str, object] = {"agentType": agent.agent_type,
                               "isBuiltIn": agent.agent_type in BUILT_IN}
    if agent.background:
        meta["launchedWithDefaults"] = True
    meta["description"] = json.loads('"%s"' % text.description)
    meta["toolUseId"] = agent.tool_use_id
    if agent.parent:
        meta["parentAgentId"] = agent.parent.agent_id
    meta.update(spawnDepth=agent.depth,
                requestShape="background" if agent.background else "foreground",
                requestNonInteractive=False, model=agent.alias or agent.model)
    if not agent.alias:
        meta["modelNotNamed"] = True
    meta.update(pickedEffortModel=session.model, finished=True)
    return meta
