"""What the tree will hold, decided before any byte is written.

Every API call, id and token count lives here, so the ground truth and the
transcripts are two views of one plan: expected.json never parses output.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from .ids import Ids
from .sizes import KB

MAIN_MODELS = ("claude-opus-5-5",) * 4 + ("claude-sonnet-5-5",)
ALIASES = {"opus": "claude-opus-5-5", "sonnet": "claude-sonnet-5-5",
           "haiku": "claude-haiku-5-5"}
AGENT_TYPES = ("general-purpose",) * 4 + ("Explore",) * 3 + (
    "Plan", "code-reviewer", "test-runner", "fd-safety", "fd-quality")
TOOLS = ("Read",) * 5 + ("Bash",) * 3 + ("Grep",) * 2 + ("Edit",)
PROJECT_NAMES = ("interstat", "api-gateway", "web_app", "infra.tf", "notes",
                 "ml-pipeline", "mobile app", "docs-site", "billing_svc", "cli")
BRANCHES = ("main", "main", "HEAD", "feature/usage-report", "fix/retry_budget")
CONTEXT_LIMIT = 190_000


@dataclass
class Call:
    """One API response: the unit the counting rules dedupe to."""

    msg_id: str
    req_id: str
    tool_id: str
    tool: str | None      # None: the final answer, no tool call
    model: str
    inp: int
    cache_read: int
    cache_creation: int
    cache_1h: int         # part of cache_creation written to the 1h cache
    out: int
    thinking: bool
    synthetic: bool = False

    @property
    def context(self) -> int:
        return self.inp + self.cache_read + self.cache_creation


@dataclass
class Agent:
    agent_id: str
    tool_use_id: str
    session_id: str
    agent_type: str
    alias: str | None     # the `model` the dispatch named, if any
    model: str
    background: bool
    failed: bool
    depth: int
    size: int
    parent: Agent | None = None
    group: int = 0
    calls: list[Call] = field(default_factory=list)
    # (index of the dispatching call, the runs that one message started)
    dispatches: list[tuple[int, list[Agent]]] = field(default_factory=list)


@dataclass
class Session:
    session_id: str
    cwd: str
    branch: str
    model: str
    start_ms: int
    size: int
    calls: list[Call] = field(default_factory=list)
    dispatches: list[tuple[int, list[Agent]]] = field(default_factory=list)
    agents: list[Agent] = field(default_factory=list)

    @property
    def enc(self) -> str:
        return re.sub(r"[^A-Za-z0-9]", "-", self.cwd)


def calls_for(size: int, rng: random.Random) -> int:
    """API calls in a transcript of `size` bytes: bigger files, bigger tool results."""
    per_call = min(60 * KB, 8 * KB + size / 200) * rng.uniform(0.7, 1.3)
    opening = min(45 * KB, size / 4)  # see turns.opening: it grows with the file
    return max(2 if size > 8 * KB else 1, round((size - opening) / per_call))


def make_calls(n: int, model: str, ids: Ids, rng: random.Random,
               start_ctx: int = 0) -> list[Call]:
    """A run of n calls whose context grows by what each turn adds, compacted
    back down when it nears the window, as a long conversation does.
    `start_ctx` continues a conversation whose last context is known."""
    tier = rng.random()
    prev_ctx, prev_out = start_ctx, 0
    base = rng.randint(6_000, 30_000)
    calls = []
    for i in range(n):
        inp = rng.choice((1, 2, 3, 5, 8, 12)) if rng.random() < 0.9 else rng.randint(50, 4000)
        if i == 0 and not start_ctx:
            cache_read = rng.choice((0, base * 3 // 4))
            creation = base - cache_read
        else:
            cache_read = prev_ctx
            creation = prev_out + int(rng.lognormvariate(7.3, 1.0))
        if cache_read + creation > CONTEXT_LIMIT:
            cache_read, creation = rng.randint(12_000, 25_000), rng.randint(2_000, 6_000)
        out = int(rng.lognormvariate(5.5, 1.1)) + 1
        one_hour = creation if tier < 0.3 else (creation // 4 if tier < 0.5 else 0)
        tool = None if i == n - 1 else rng.choice(TOOLS)
        calls.append(Call(ids.msg(), ids.request(), ids.tool_use(), tool, model, inp,
                          cache_read, creation, one_hour, out, rng.random() < 0.3))
        prev_ctx, prev_out = inp + cache_read + creation, out
    return calls


def failed_calls(ids: Ids) -> list[Call]:
    """A run whose only call was an API error: one synthetic zero-usage message."""
    return [Call(ids.uuid(), "", "", None, "<synthetic>", 0, 0, 0, 0, 0, False, True)]
