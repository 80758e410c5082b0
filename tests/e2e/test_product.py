"""The product in the real client: installed as a user does, measured exactly.

One HOME gets the CLI from ``uv tool install <repo>`` and the plugin from the
repository's marketplace. Three ``claude -p`` sessions run in parallel, and a
fork of one of them; the plugin's hooks record them and SessionEnd's analysis
fills in the tokens, with no other step. Every expected number comes from the
scripts, the fake API's log or Claude Code's own result, never from interstat.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from . import hook_timing
from .fake_api import FakeAnthropic
from .product import (
    ToolInstall,
    hook_timeouts,
    install_plugin,
    path_without_cli,
    store_rows,
    uv_tool_install,
    wait_for_analysis,
)
from .script import AgentSpec, Script
from .session import Runner, Session
from .transcripts import agent_ids_by_key, hook_attachments

CUSTOM_AGENTS = {
    "fd-architecture": {"description": "Reviews architecture", "prompt": "You review design."},
    "fd-safety": {"description": "Reviews safety", "prompt": "You review safety."},
}

# One message dispatches everything: foreground and background runs, custom
# types, several tool turns, a model override, a nested run and two failures.
REVIEW = Script.parse({"agents": [
    {"type": "fd-architecture", "bg": False, "findings": 3,
     "turns": [[5, 30000, 2000, 40], [7, 41000, 3000, 55, 1000], [6, 45000, 1500, 70]]},
    {"type": "Explore", "bg": False, "model": "haiku", "findings": 1,
     "turns": [[3, 0, 9000, 20]]},
    {"type": "fd-safety", "bg": True, "hold": True, "findings": 2,
     "turns": [[9, 0, 8000, 30], [2, 8000, 10, 5]]},
    {"bg": True, "turns": [[4, 0, 12000, 25]]},
    {"bg": False, "turns": [[3, 0, 9000, 20], [4, 9020, 700, 90]],
     "agents": [{"type": "fd-architecture", "bg": False, "findings": 4,
                 "turns": [[11, 90000, 1000, 300], [12, 125000, 500, 800]]}]},
    {"type": "fd-safety", "bg": False, "fail": True, "turns": [[1, 1, 1, 1]]},
    {"type": "fd-architecture", "bg": True, "fail": True, "turns": [[1, 1, 1, 1]]},
]})

# The main model is overridden with --model; one run asks for another model,
# one fails after a call that succeeded, and a background run nests another.
SONNET = Script.parse({"main": [30, 6000, 200, 8], "agents": [
    {"bg": False, "findings": 1, "turns": [[2, 0, 5000, 10], [3, 5000, 200, 15]]},
    {"type": "Plan", "bg": False, "turns": [[4, 0, 7000, 12]]},
    {"bg": True, "model": "opus", "turns": [[6, 0, 20000, 40]]},
    {"bg": False, "fail_at": 1, "turns": [[5, 100, 2000, 40], [1, 1, 1, 1]]},
    {"bg": True, "turns": [[3, 0, 9000, 20], [4, 9020, 700, 90]],
     "agents": [{"bg": True, "findings": 1,
                 "turns": [[11, 900, 1000, 300], [12, 1250, 500, 800]]}]},
]})

# Run without INTERSTAT_BIN and without the CLI on PATH: the wrapper must find
# ~/.local/bin/interstat, where uv tool install put it. The main calls cost
# nothing, so the CLI's own cost of the session is the cost of its runs.
PLAIN = Script.parse({"main": [0, 0, 0, 0], "agents": [
    {"bg": False, "findings": 2, "turns": [[1, 0, 3000, 2], [2, 3000, 500, 30, 200]]},
    {"bg": True, "turns": [[7, 0, 4000, 9]]},
]})

#: Sessions whose hooks run through the timing shim.
TIMED = ("review", "sonnet")


@dataclass
class ProductRun:
    """Everything the module's tests look at, made once."""

    api: FakeAnthropic
    runner: Runner
    home: Path
    env: dict[str, str]
    tool: ToolInstall
    sessions: dict[str, tuple[Session, Script]]
    fork: Session  # plain, resumed with --fork-session: its file copies plain's runs
    hook_times: Path
    analysis_seconds: float

    @property
    def store(self) -> Path:
        return self.home / ".claude" / "interstat" / "metrics.db"

    def interstat(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The installed CLI, run as the user would in that HOME."""
        env = {**os.environ, **self.env, "HOME": str(self.home)}
        env = {k: v for k, v in env.items() if not k.startswith(("INTERSTAT_", "CLAUDE"))}
        done = subprocess.run([str(self.tool.executable), *args], env=env, capture_output=True,
                              text=True, timeout=120, stdin=subprocess.DEVNULL, check=False)
        assert done.returncode == 0, f"interstat {args} exited {done.returncode}: {done.stderr}"
        return done


@pytest.fixture(scope="module")
def product(claude_binary: Path, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[ProductRun]:
    base = tmp_path_factory.mktemp("product")
    with FakeAnthropic() as api:
        runner = Runner(claude_binary, api.url, base)
        home = runner.new_home()
        env = {"PATH": path_without_cli(os.environ.get("PATH", os.defpath))}
        tool = uv_tool_install(home)
        install_plugin(runner, home, env)
        hook_times = base / "hook-times"
        shim = hook_timing.write_shim(base / "timed-interstat", tool.executable, hook_times)
        sessions, fork = _run_sessions(runner, home, env, {**env, "INTERSTAT_BIN": str(shim)})
        store = home / ".claude" / "interstat" / "metrics.db"
        sids = [s.session_id for s, _ in sessions.values()] + [fork.session_id]
        waited = wait_for_analysis(store, sids)
        yield ProductRun(api, runner, home, env, tool, sessions, fork, hook_times, waited)
    assert not api.errors, f"the fake API could not answer: {api.errors}"


def _run_sessions(runner: Runner, home: Path, env: dict[str, str], timed: dict[str, str]
                  ) -> tuple[dict[str, tuple[Session, Script]], Session]:
    """The three sessions in parallel; after ``plain``, a fork of it (which copies its runs)."""
    plans = {
        "review": (REVIEW, {"agents_json": CUSTOM_AGENTS}),
        "sonnet": (SONNET, {"model": "sonnet"}),
        "plain": (PLAIN, {}),
    }
    for name, (_, kwargs) in plans.items():
        kwargs["env"] = timed if name in TIMED else env

    def run(name: str) -> Session:
        script, kwargs = plans[name]
        return _succeeded(runner.session(script.prompt(), home=home, **kwargs))

    def plain_then_fork() -> tuple[Session, Session]:
        plain = run("plain")
        resume = ["--resume", plain.session_id, "--fork-session"]
        return plain, _succeeded(runner.session("Once more.", home=home, cwd=plain.cwd,
                                                env=env, extra_args=resume))

    with ThreadPoolExecutor(max_workers=len(plans)) as pool:
        parallel = {name: pool.submit(run, name) for name in TIMED}
        plain, fork = pool.submit(plain_then_fork).result()
        sessions = {name: (future.result(), plans[name][0]) for name, future in parallel.items()}
    sessions["plain"] = (plain, PLAIN)
    return sessions, fork


def _succeeded(session: Session) -> Session:
    assert session.returncode == 0 and session.result, session.describe()
    assert not session.result["is_error"], session.describe()
    return session


def expected_rows(session: Session, script: Script, api: FakeAnthropic) -> dict[str, dict]:
    """Each scripted run as its store row should read, by agent id.

    Tokens come from the script; ids from the CLI's files; models and the
    dispatching messages from the fake API's log.
    """
    sid = session.session_id
    ids = agent_ids_by_key(session)
    dispatch_message = {"main": _turn0_message(api, "main", sid)}
    rows = {}
    for spec in script.all_agents():
        parent = spec.key.rpartition(".")[0] or None
        if parent is not None and parent not in dispatch_message:
            dispatch_message[parent] = _turn0_message(api, parent, sid)
        row = spec.expected_row()
        row.update({
            "session_id": sid,
            "agent_id": ids[spec.key],
            "parent_agent_id": ids[parent] if parent else None,
            "invocation_id": dispatch_message[parent or "main"],
            "model": _served_model(api, spec, sid),
            "cache_creation_1h_tokens": spec.expected_usage().cache_creation_1h,
        })
        rows[ids[spec.key]] = row
    return rows


def _turn0_message(api: FakeAnthropic, key: str, sid: str) -> str:
    (call,) = [c for c in api.calls_of(key, sid) if c.turn == 0 and c.message_id]
    return str(call.message_id)


def _served_model(api: FakeAnthropic, spec: AgentSpec, sid: str) -> str | None:
    # A failed run's transcript holds only a synthetic message, which names no model.
    models = {c.model for c in api.calls_of(spec.key, sid) if c.usage}
    assert len(models) <= 1, f"agent {spec.key} was served {models}"
    return models.pop() if models else None


def stored_row(row: dict[str, Any], names: list[str]) -> dict[str, Any]:
    picked = {name: row[name] for name in names}
    picked["background"] = None if row["background"] is None else bool(row["background"])
    return picked


def all_expected(product: ProductRun) -> dict[str, dict]:
    rows = {}
    for session, script in product.sessions.values():
        rows.update(expected_rows(session, script, product.api))
    return rows


def test_cli_installs_with_uv_tool_into_the_home(product):
    done = product.interstat("--version")
    assert "0.1.0" in done.stdout
    assert product.tool.executable == product.home / ".local" / "bin" / "interstat"


def test_every_run_is_one_row_with_the_scripted_numbers(product):
    expected = all_expected(product)
    rows = store_rows(product.store)
    assert len(rows) == len(expected), [(r["session_id"], r["agent_id"]) for r in rows]
    names = sorted(next(iter(expected.values())))
    actual = {row["agent_id"]: stored_row(row, names) for row in rows}
    assert actual == expected
    assert all(row["kind"] == "dispatched" and row["tokens_source"] == "transcript"
               and row["tool_use_id"] and row["parsed_at"] for row in rows)


def test_hooks_are_silent_in_the_sessions(product):
    # Claude Code records a hook's output or error in the transcript; ours say nothing.
    sessions = [session for session, _ in product.sessions.values()] + [product.fork]
    assert [a for session in sessions for a in hook_attachments(session)] == []


def test_a_forked_session_copies_no_runs(product):
    fork_id = product.fork.session_id
    plain, _ = product.sessions["plain"]
    assert fork_id != plain.session_id
    assert "toolu_" in product.fork.session_file.read_text(), "the fork copies the dispatches"
    assert [row for row in store_rows(product.store) if row["session_id"] == fork_id] == []


def test_runs_of_one_message_share_an_invocation(product):
    groups: dict[str, set[str]] = defaultdict(set)
    for row in store_rows(product.store):
        groups[row["invocation_id"]].add(row["agent_id"])
    expected: dict[str, set[str]] = defaultdict(set)
    for agent_id, row in all_expected(product).items():
        expected[row["invocation_id"]].add(agent_id)
    assert dict(groups) == dict(expected)
    # Each session's first message, and each run that dispatches nested runs.
    scripted = [len(script.agents) for _, script in product.sessions.values()]
    scripted += [len(spec.agents) for _, script in product.sessions.values()
                 for spec in script.all_agents() if spec.agents]
    assert sorted(len(members) for members in groups.values()) == sorted(scripted)


def test_analysis_ran_by_itself_and_logged_no_error(product):
    log = (product.store.parent / "analyze.log").read_text()
    starts = [line for line in log.splitlines() if " start: analyze --session=" in line]
    assert len(starts) == len(product.sessions) + 1, log  # and the fork
    assert "Traceback" not in log and "error" not in log.lower(), log


def nearest_rank(values: list[int], percent: int) -> int:
    ordered = sorted(values)
    return ordered[max(math.ceil(percent * len(ordered) / 100), 1) - 1]


def report_sections(product: ProductRun) -> dict[str, dict[str, Any]]:
    report = json.loads(product.interstat("report", "--format", "json").stdout)
    return {section["name"]: section for section in report["sections"]}


def test_report_json_agrees_with_the_script(product):
    sections = report_sections(product)
    expected = list(all_expected(product).values())
    peaks = [row["peak_context_tokens"] for row in expected]

    summary = sections["summary"]["facts"]
    assert summary["runs"] == summary["runs_with_token_data"] == len(expected)
    assert summary["runs_pending_parse"] == 0
    assert summary["sessions"] == len(product.sessions)
    assert summary["failed_runs"] == sum(row["status"] == "failed" for row in expected)
    assert summary["total_tokens"] == sum(row["total_tokens"] for row in expected)

    gate = sections["gate"]["facts"]
    assert gate["runs"] == len(expected)
    assert gate["p99_peak_context_tokens"] == nearest_rank(peaks, 99)
    assert gate["decision"] == ("BUILD" if nearest_rank(peaks, 99) >= 120_000 else "SKIP")

    by_agent = defaultdict(list)
    for row in expected:
        by_agent[row["agent_name"]].append(row)
    agents = {row["agent"]: row for row in sections["agents"]["rows"]}
    assert set(agents) == set(by_agent)
    for name, runs in by_agent.items():
        agent_peaks = [run["peak_context_tokens"] for run in runs]
        assert agents[name]["runs"] == agents[name]["token_runs"] == len(runs), name
        assert agents[name]["total_tokens"] == sum(run["total_tokens"] for run in runs), name
        for percent in (50, 90, 99):
            assert agents[name][f"peak_p{percent}"] == nearest_rank(agent_peaks, percent), name

    findings = {row["agent"]: row["findings"] for row in sections["findings"]["rows"]}
    assert findings == {name: sum(run["findings"] for run in runs)
                        for name, runs in by_agent.items()
                        if sum(run["findings"] for run in runs)}


def test_report_counts_main_and_dispatch_groups_like_the_log(product):
    sections = report_sections(product)
    invocations = sections["invocations"]["facts"]
    fan_outs = Counter(row["invocation_id"] for row in all_expected(product).values())
    assert invocations["invocations"] == len(fan_outs)
    assert invocations["max_fan_out"] == max(fan_outs.values())
    assert invocations["runs_without_invocation"] == 0

    main_tokens = {
        session.session_id: sum(c.usage.total for c in product.api.calls_of("main",
                                                                            session.session_id))
        for session, _ in product.sessions.values()
    }
    rows = {row["session"]: row for row in sections["main-vs-subagents"]["rows"]}
    assert {sid: rows[sid]["main_tokens"] for sid in main_tokens} == main_tokens


def test_report_cost_matches_what_claude_code_charged(product):
    session, _ = product.sessions["plain"]
    charged = {model: usage["costUSD"] for model, usage in session.result["modelUsage"].items()}
    assert not [c for c in product.api.calls if c.kind == "side" and c.session_id ==
                session.session_id], "side calls would add cost the runs do not have"
    report = json.loads(product.interstat(
        "report", "--format", "json", "--session", session.session_id).stdout)
    (models,) = [s for s in report["sections"] if s["name"] == "models"]
    costs = {row["model"]: row["cost_usd"] for row in models["rows"]}
    assert set(costs) == set(charged)
    for model, cost in charged.items():
        assert costs[model] == pytest.approx(cost, abs=1e-6), model


def test_hook_cost_in_the_sessions(product, request):
    times = hook_timing.read_times(product.hook_times)
    table = hook_timing.summary(times)
    install = "offline" if product.tool.offline else "online"
    lines = [
        f"every hook process of the {' and '.join(TIMED)} sessions, run in parallel:",
        *hook_timing.format_summary(table),
        (f"the same Python doing nothing: {hook_timing.interpreter_floor(product.tool.executable)}"
         f" ms; load average: {' '.join(f'{load:.1f}' for load in os.getloadavg())}"),
        (f"uv tool install: {product.tool.seconds:.1f}s ({install}); SessionEnd's"
         f" analysis was done {product.analysis_seconds:.1f}s after the sessions ended"),
    ]
    report = product.hook_times.with_name("hook-cost.json")
    report.write_text(json.dumps({"hooks": table, "notes": lines}, indent=2) + "\n")
    request.config.stash.setdefault(hook_timing.REPORT_KEY, []).extend(
        [*lines, f"written to {report}"])
    print("\n".join(lines))

    runs = sum(len(product.sessions[name][1].all_agents()) for name in TIMED)
    counts = Counter(hook.event for hook in times)
    assert counts["SessionStart"] == counts["SessionEnd"] == len(TIMED)
    assert counts["PreToolUse"] == counts["SubagentStart"] == runs
    assert counts["PostToolUse"] + counts["PostToolUseFailure"] == runs
    assert all(hook.exit_code == 0 for hook in times), times
    limits = hook_timeouts()
    slow = [hook for hook in times if hook.seconds >= limits[hook.event]]
    assert not slow, f"hooks that Claude Code would have killed: {slow}"
