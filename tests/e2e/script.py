"""The script language the fake Messages API answers from.

A main session's prompt is ``DISPATCH {json}``; every sub-agent it starts gets
the prompt ``SUBAGENT {json}``, where the JSON is the agent's own spec plus the
``key`` the server uses to recognise it in later requests.  The README of this
folder documents every field; the tests compute expected totals from the same
objects the server answers from, so the two cannot disagree.  A third form is
no prompt of ours: the text Claude Code sends when a slash command expands a
skill, which the fake model follows as :class:`SkillPlan`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

DISPATCH = "DISPATCH "
SUBAGENT = "SUBAGENT "
# 2.1.332 sends a skill's body (front matter removed) as a user text that
# starts with this line, right after the <command-name> text of the slash command.
SKILL_BASE = "Base directory for this skill: "
# The step a skill uses to name its command: "Run `interstat report`".
SKILL_RUN_STEP = re.compile(r"\bRun `([^`]+)`")
SEVERITIES = ("P0", "P1", "P2", "P3")
# The project folder that session.Runner makes holds this file; a missing file
# only turns the Read into an error result, which costs the same tokens.
DEFAULT_FILE = "foo.py"


class ScriptError(ValueError):
    """A DISPATCH or SUBAGENT payload that does not follow the script format."""


@dataclass(frozen=True)
class Usage:
    """The token counts of one API call, as the fake API reports them."""

    input: int = 0
    cache_read: int = 0
    cache_creation: int = 0
    output: int = 0
    cache_creation_1h: int = 0

    @classmethod
    def of(cls, turn: Any) -> Usage:
        """Read ``[input, cache_read, cache_creation, output(, 1h part of creation)]``."""
        if not isinstance(turn, (list, tuple)) or len(turn) not in (4, 5):
            raise ScriptError(f"a turn is [in, cache_read, cache_creation, out]: {turn!r}")
        if not all(isinstance(n, int) and n >= 0 for n in turn):
            raise ScriptError(f"turn counts must be non-negative ints: {turn!r}")
        usage = cls(*turn)
        if usage.cache_creation_1h > usage.cache_creation:
            raise ScriptError(f"the 1h part exceeds cache_creation: {turn!r}")
        return usage

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input + other.input,
            self.cache_read + other.cache_read,
            self.cache_creation + other.cache_creation,
            self.output + other.output,
            self.cache_creation_1h + other.cache_creation_1h,
        )

    @property
    def context(self) -> int:
        """Tokens the call read: what a run's peak context is made of."""
        return self.input + self.cache_read + self.cache_creation

    @property
    def total(self) -> int:
        return self.context + self.output

    def as_api(self) -> dict[str, Any]:
        """The ``usage`` object of a Messages API response."""
        return {
            "input_tokens": self.input,
            "cache_read_input_tokens": self.cache_read,
            "cache_creation_input_tokens": self.cache_creation,
            "output_tokens": self.output,
            "cache_creation": {
                "ephemeral_5m_input_tokens": self.cache_creation - self.cache_creation_1h,
                "ephemeral_1h_input_tokens": self.cache_creation_1h,
            },
            "service_tier": "standard",
        }


MAIN_USAGE = Usage(20, 5000, 100, 4)
SIDE_USAGE = Usage(1, 0, 0, 1)


def _findings(raw: Any) -> tuple[str, ...]:
    # An int asks for that many generated lines; a list gives them verbatim.
    if isinstance(raw, int):
        return tuple(
            f"- [{SEVERITIES[i % len(SEVERITIES)]}] issue {i + 1} in foo.py" for i in range(raw)
        )
    if isinstance(raw, list) and all(isinstance(line, str) for line in raw):
        return tuple(raw)
    raise ScriptError(f"findings is an int or a list of lines: {raw!r}")


@dataclass(frozen=True)
class AgentSpec:
    """One scripted sub-agent run; ``raw`` is the JSON it was read from."""

    key: str
    raw: dict[str, Any]
    turns: tuple[Usage, ...]
    findings: tuple[str, ...]
    fail_at: int | None
    agents: tuple[AgentSpec, ...]

    @classmethod
    def parse(cls, raw: Any, key: str, file: str | None = None) -> AgentSpec:
        if not isinstance(raw, dict):
            raise ScriptError(f"agent {key}: a spec is a JSON object, got {raw!r}")
        if file and "file" not in raw:
            # Nested prompts carry the Read target so the server needs no other state.
            raw = {**raw, "file": file}
        turns = tuple(Usage.of(t) for t in raw.get("turns", [[10, 0, 1000, 20]]))
        children = tuple(
            cls.parse(child, f"{key}.{i}", raw.get("file"))
            for i, child in enumerate(raw.get("agents", []))
        )
        fail_at = raw.get("fail_at", 0 if raw.get("fail") else None)
        if not turns:
            raise ScriptError(f"agent {key}: needs at least one turn")
        if children and len(turns) < 2 and fail_at is None:
            raise ScriptError(f"agent {key}: dispatching nested agents needs two turns")
        if fail_at is not None and not 0 <= fail_at < len(turns):
            raise ScriptError(f"agent {key}: fail_at {fail_at} is not a turn index")
        return cls(key, raw, turns, _findings(raw.get("findings", 0)), fail_at, children)

    @property
    def type(self) -> str | None:
        return self.raw.get("type")

    @property
    def description(self) -> str:
        return self.raw.get("description") or f"Run {self.type or 'agent'} {self.key}"

    @property
    def file(self) -> str:
        """The file each tool turn Reads; relative paths resolve against the CLI's cwd."""
        return str(self.raw.get("file") or DEFAULT_FILE)

    @property
    def hold(self) -> bool:
        """Answer the last turn only once the main session has ended its dispatch turn.

        This makes a background run finish late for sure; a foreground run
        that holds would wait for itself, so the server gives up and fails.
        """
        return bool(self.raw.get("hold"))

    @property
    def delay(self) -> float:
        """Seconds the server waits before answering each of this agent's calls."""
        return float(self.raw.get("delay", 0))

    def tool_input(self) -> dict[str, Any]:
        """The Agent tool's input that dispatches this spec."""
        prompt = {**self.raw, "key": self.key}
        tool_input: dict[str, Any] = {
            "description": self.description,
            "prompt": SUBAGENT + json.dumps(prompt, sort_keys=True),
        }
        for field, name in (("type", "subagent_type"), ("model", "model")):
            if field in self.raw:
                tool_input[name] = self.raw[field]
        if "bg" in self.raw:
            tool_input["run_in_background"] = bool(self.raw["bg"])
        return tool_input

    def final_text(self) -> str:
        if "text" in self.raw:
            return str(self.raw["text"])
        if not self.findings:
            return "No issues found."
        return "## Findings\n" + "\n".join(self.findings)

    def answered_turns(self) -> tuple[Usage, ...]:
        """Turns that return a response: those before a scripted failure."""
        return self.turns if self.fail_at is None else self.turns[: self.fail_at]

    def expected_usage(self) -> Usage:
        """What this run's transcript should add up to, nested runs excluded."""
        return sum(self.answered_turns(), Usage())

    def peak_context(self) -> int:
        return max((u.context for u in self.answered_turns()), default=0)

    def expected_row(self) -> dict[str, Any]:
        """The run as the store should hold it, in the corpus's expected.json names.

        The ids, the model and the invocation group come from the CLI, so they
        are left out; ``background`` follows 2.1.332, where omitted means true.
        """
        usage = self.expected_usage()
        return {
            "agent_name": self.type or "general-purpose",
            "status": "completed" if self.fail_at is None else "failed",
            "background": bool(self.raw.get("bg", True)),
            "api_calls": len(self.answered_turns()),
            "input_tokens": usage.input,
            "output_tokens": usage.output,
            "cache_hit_tokens": usage.cache_read,
            "cache_creation_tokens": usage.cache_creation,
            "total_tokens": usage.total,
            "peak_context_tokens": self.peak_context(),
            "findings": len(self.findings) if self.fail_at is None else 0,
        }

    def walk(self) -> Iterator[AgentSpec]:
        """This spec, then every nested spec, depth first."""
        yield self
        for child in self.agents:
            yield from child.walk()


@dataclass(frozen=True)
class Script:
    """A whole DISPATCH payload: the main session's plan."""

    raw: dict[str, Any]
    agents: tuple[AgentSpec, ...]
    main_usage: Usage

    @classmethod
    def parse(cls, raw: Any) -> Script:
        if not isinstance(raw, dict):
            raise ScriptError(f"DISPATCH takes a JSON object, got {raw!r}")
        file = raw.get("file")
        agents = tuple(
            AgentSpec.parse(a, str(i), file) for i, a in enumerate(raw.get("agents", []))
        )
        main = Usage.of(raw["main"]) if "main" in raw else MAIN_USAGE
        return cls(raw, agents, main)

    def prompt(self) -> str:
        return DISPATCH + json.dumps(self.raw, sort_keys=True)

    def all_agents(self) -> list[AgentSpec]:
        return [spec for top in self.agents for spec in top.walk()]

    def by_key(self) -> dict[str, AgentSpec]:
        return {spec.key: spec for spec in self.all_agents()}


@dataclass(frozen=True)
class SkillPlan:
    """An expanded skill: the fake model runs the command the skill names, then shows it."""

    name: str  # the skill's folder name, e.g. interstat-report
    command: str  # the first "Run `...`" of the skill's text

    @classmethod
    def parse(cls, text: str) -> SkillPlan:
        base, _, body = text[len(SKILL_BASE):].partition("\n")
        name = base.strip().rstrip("/").rpartition("/")[2]
        found = SKILL_RUN_STEP.search(body)
        if not name or found is None:
            raise ScriptError(f"skill {name or base!r} names no command (Run `...`)")
        return cls(name, found.group(1))


def dispatch(agents: list[dict[str, Any]], **top: Any) -> str:
    """Build a main-session prompt; ``top`` may hold ``main``, ``file`` or ``text``."""
    return Script.parse({"agents": agents, **top}).prompt()


def parse_marked(text: str) -> Script | AgentSpec | SkillPlan | None:
    """Read a DISPATCH or SUBAGENT prompt or an expanded skill; None for any other text."""
    text = text.strip()
    if text.startswith(SKILL_BASE):
        return SkillPlan.parse(text)
    if text.startswith(DISPATCH):
        return Script.parse(json.loads(text[len(DISPATCH):]))
    if text.startswith(SUBAGENT):
        raw = json.loads(text[len(SUBAGENT):])
        return AgentSpec.parse(raw, str(raw.get("key", "?")))
    return None
