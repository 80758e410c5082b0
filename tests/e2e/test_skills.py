"""The plugin's skills in the real client: a slash command shows interstat's own output.

One HOME gets the CLI from ``uv tool install <repo>``, with its bin folder on
``PATH`` as uv advises, and the plugin from the repository's marketplace. One
dispatching session fills the store; then ``/interstat-report`` and
``/interstat:interstat-status`` (the plugin-qualified form) run there. The
fake model does what an expanded skill says (README: "Skills"), so these
tests check what Claude Code does around it: the skill reaches the model, its
command runs in the user's shell and the output comes back. The sessions run
in the default permission mode, so only the skill's ``allowed-tools`` let the
command run without a prompt.
"""

from __future__ import annotations

import math
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .fake_api import FakeAnthropic
from .product import (
    REPO_ROOT,
    install_plugin,
    path_without_cli,
    uv_tool_install,
    wait_for_analysis,
)
from .script import Script
from .session import Runner, Session
from .transcripts import ToolRun, tool_runs

SKILLS_DIR = REPO_ROOT / "plugin" / "skills"
# What each skill's step 2 says to run, read by hand from its SKILL.md.
SKILL_COMMANDS = {"interstat-report": "interstat report", "interstat-status": "interstat status"}
# Both forms a user may type; 2.1.332 expands them the same way.
SLASH_COMMANDS = {"interstat-report": "/interstat-report",
                  "interstat-status": "/interstat:interstat-status"}
GATE_THRESHOLD = 120_000  # docs/reports.md: the gate's default threshold
BASELINE_RUNS = 50  # docs/reports.md: fewer runs make the verdict provisional

# Foreground runs only, so the store's content does not depend on timing.
# Peak contexts: 130,006, 9,003 and 4,002 tokens.
STORE = Script.parse({"agents": [
    {"bg": False, "findings": 1, "turns": [[5, 0, 20000, 30], [6, 20000, 110000, 40]]},
    {"bg": False, "turns": [[3, 0, 9000, 20]]},
    {"type": "Explore", "bg": False, "turns": [[2, 0, 4000, 10]]},
]})


@dataclass
class SkillRun:
    """The HOME, its store and the sessions that ran one skill each."""

    api: FakeAnthropic
    store: Path
    dispatched: Session
    skills: dict[str, Session]


@pytest.fixture(scope="module")
def skill_run(claude_binary: Path, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[SkillRun]:
    base = tmp_path_factory.mktemp("skills")
    with FakeAnthropic() as api:
        runner = Runner(claude_binary, api.url, base)
        home = runner.new_home()
        tool = uv_tool_install(home)
        path = path_without_cli(os.environ.get("PATH", os.defpath))
        env = {"PATH": os.pathsep.join([str(tool.executable.parent), path])}
        install_plugin(runner, home, env)
        store = home / ".claude" / "interstat" / "metrics.db"
        dispatched = _succeeded(runner.session(STORE.prompt(), home=home, env=env))
        wait_for_analysis(store, [dispatched.session_id])
        # A later --permission-mode wins over the runner's bypassPermissions.
        default_mode = ["--permission-mode", "default"]
        skills = {name: _succeeded(runner.session(slash, home=home, env=env,
                                                  extra_args=default_mode))
                  for name, slash in SLASH_COMMANDS.items()}
        # Their SessionEnd starts analyses too: let none outlive the test.
        wait_for_analysis(store, [session.session_id for session in skills.values()])
        yield SkillRun(api, store, dispatched, skills)
    assert not api.errors, f"the fake API could not answer: {api.errors}"


def _succeeded(session: Session) -> Session:
    assert session.returncode == 0 and session.result, session.describe()
    assert not session.result["is_error"], session.describe()
    return session


def dispatched_runs(store: Path) -> int:
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as conn:
        (count,) = conn.execute(
            "SELECT COUNT(*) FROM agent_runs WHERE kind = 'dispatched' AND parsed_at IS NOT NULL"
        ).fetchone()
    return int(count)


def the_skill_command(run: SkillRun, name: str) -> ToolRun:
    """The one tool call of the skill's session, checked to be the command SKILL.md names."""
    command = SKILL_COMMANDS[name]
    assert f"Run `{command}`" in (SKILLS_DIR / name / "SKILL.md").read_text()
    session = run.skills[name]
    (tool,) = tool_runs(session)
    assert (tool.name, tool.tool_input["command"]) == ("Bash", command)
    assert session.result["permission_denials"] == [], "allowed-tools must grant the command"
    assert [(c.kind, c.turn) for c in run.api.calls if c.key == name] == [
        ("skill", 0), ("skill", 1)]
    assert tool.details["stderr"] == "" and not tool.details["interrupted"], tool.details
    assert tool.result == tool.details["stdout"]
    # What the user reads is the command's output, verbatim in a code block.
    assert session.result["result"] == f"```\n{tool.result}\n```"
    return tool


def section(text: str, title: str) -> dict[str, str]:
    """A plain-text report section's ``label   value`` lines, up to the blank line."""
    lines = text.splitlines()
    start = lines.index(title) + 1
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    pairs = (re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in lines[start:end])
    return {pair[0]: pair[1] for pair in pairs if len(pair) == 2}


def nearest_rank(values: list[int], percent: int) -> int:
    ordered = sorted(values)
    return ordered[max(math.ceil(percent * len(ordered) / 100), 1) - 1]


def test_the_report_skill_shows_the_report_of_the_store(skill_run):
    report = the_skill_command(skill_run, "interstat-report").result
    runs = dispatched_runs(skill_run.store)
    assert runs == len(STORE.all_agents())
    p99 = nearest_rank([spec.peak_context() for spec in STORE.all_agents()], 99)
    decision = "BUILD" if p99 >= GATE_THRESHOLD else "SKIP"

    gate = section(report, "Decision gate: hierarchical dispatch")
    assert gate["Verdict"] == (f"{decision} hierarchical dispatch"
                               f" (provisional: {runs}/{BASELINE_RUNS} runs)")
    assert gate["Runs"] == str(runs)
    assert gate["P99 peak context tokens"] == f"{p99:,}"
    summary = section(report, "Summary")
    assert (summary["Runs"], summary["Runs pending parse"]) == (str(runs), "0")


def test_the_status_skill_shows_what_the_store_holds(skill_run):
    status = the_skill_command(skill_run, "interstat-status").result
    runs = dispatched_runs(skill_run.store)
    fields = dict(re.split(r":\s+", line, maxsplit=1) for line in status.splitlines()[:6])
    assert fields["Runs"] == fields["With token data"] == str(runs)
    assert fields["Pending parse"] == "0"
    assert fields["Sessions"] == "1"
    assert fields["Agents"] == str(len({spec.type for spec in STORE.all_agents()}))
