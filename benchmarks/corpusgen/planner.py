"""Turns a list of file sizes into sessions, sub-agent runs and their API calls."""

from __future__ import annotations

import random

from .ids import EPOCH_MS, WINDOW_MS, Ids
from .plan import (
    AGENT_TYPES,
    ALIASES,
    BRANCHES,
    MAIN_MODELS,
    PROJECT_NAMES,
    Agent,
    Session,
    calls_for,
    failed_calls,
    make_calls,
)
from .sizes import KB

BACKGROUND = 0.45   # background by default since 2.1.232, but many still wait
FAILED = 0.02
NESTED = 0.06


def build(session_sizes: list[int], agent_sizes: list[int], seed: int) -> list[Session]:
    rng = random.Random(f"plan/{seed}")
    ids = Ids(rng)
    sessions = _sessions(session_sizes, rng, ids)
    agents = _agents(agent_sizes, sessions, rng, ids)
    _nest(agents, rng)
    for s in sessions:
        s.agents.sort(key=lambda a: a.agent_id)
    _calls(sessions, rng, ids)
    _group(sessions, rng)
    return sessions


def _sessions(sizes: list[int], rng: random.Random, ids: Ids) -> list[Session]:
    n_projects = max(2, min(40, len(sizes) // 35))
    cwds = [f"/home/dev/src/{PROJECT_NAMES[i % len(PROJECT_NAMES)]}"
            + (f"-{i // len(PROJECT_NAMES)}" if i >= len(PROJECT_NAMES) else "")
            for i in range(n_projects)]
    weights = [1 / (i + 1) for i in range(n_projects)]  # a few projects get most use
    return [
        Session(ids.uuid(), rng.choices(cwds, weights)[0], rng.choice(BRANCHES),
                rng.choice(MAIN_MODELS), EPOCH_MS + rng.randrange(WINDOW_MS), size)
        for size in sizes
    ]


def _agents(sizes: list[int], sessions: list[Session], rng: random.Random,
            ids: Ids) -> list[Agent]:
    hosts = rng.sample(sessions, max(1, round(len(sessions) * 0.6)))
    weights = [s.size ** 0.5 for s in hosts]
    agents = []
    for size in sizes:
        host = rng.choices(hosts, weights)[0]
        alias = rng.choice((None, None, None, "sonnet", "haiku", "opus"))
        agent = Agent(ids.agent(), ids.tool_use(), host.session_id, rng.choice(AGENT_TYPES),
                      alias, ALIASES[alias] if alias else host.model,
                      rng.random() < BACKGROUND, rng.random() < FAILED, 1, size)
        host.agents.append(agent)
        agents.append(agent)
    return agents


def _nest(agents: list[Agent], rng: random.Random) -> None:
    """Let a few runs be dispatched by another run of the same session."""
    by_session: dict[str, list[Agent]] = {}
    for a in agents:
        by_session.setdefault(a.session_id, []).append(a)
    for a in agents:
        if rng.random() >= NESTED:
            continue
        # One level only: a parent is not itself nested and a child has no children.
        parents = [p for p in by_session[a.session_id]
                   if p is not a and p.parent is None and not p.failed and p.size >= 20 * KB]
        if parents and not _has_children(a, agents):
            a.parent, a.depth = rng.choice(parents), 2


def _has_children(agent: Agent, agents: list[Agent]) -> bool:
    return any(other.parent is agent for other in agents)


def _calls(sessions: list[Session], rng: random.Random, ids: Ids) -> None:
    for s in sessions:
        # Room for every batch on a call of its own, and a final answer after them.
        kids = sum(a.parent is None for a in s.agents)
        s.calls = make_calls(max(calls_for(s.size, rng), kids and kids + 2), s.model, ids, rng)
        for a in s.agents:
            if a.failed:
                a.calls = failed_calls(ids)
            else:
                kids = sum(c.parent is a for c in s.agents)
                n = max(calls_for(a.size, rng), kids and kids + 2)
                a.calls = make_calls(n, a.model, ids, rng)


def _group(sessions: list[Session], rng: random.Random) -> None:
    """Batch each dispatcher's children into assistant messages of 1-4 Agent calls
    and place each batch on one of the dispatcher's tool calls."""
    group = 0
    for s in sessions:
        dispatchers: list[Session | Agent] = [s, *s.agents]
        for d in dispatchers:
            kids = [a for a in s.agents if (a.parent is d) or (d is s and a.parent is None)]
            rng.shuffle(kids)
            batches = []
            while kids:
                k = min(len(kids), rng.choice((1, 1, 2, 3, 4)))
                batches.append(kids[:k])
                kids = kids[k:]
            spots = sorted(rng.sample(range(len(d.calls) - 1), len(batches)))
            for spot, batch in zip(spots, batches, strict=True):
                d.calls[spot].tool = "Agent"
                for a in batch:
                    a.group = group
                group += 1
            d.dispatches = list(zip(spots, batches, strict=True))
