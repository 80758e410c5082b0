"""Probe: the real CLI, offline against the fake API, writes what the product reads.

These tests pin down the facts the product relies on (transcript layout, usage
numbers, hook order) for the pinned CLI version, using only the script as truth.
"""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from .claude_cli import VERSION
from .fake_api import FakeAnthropic
from .probe_plugin import read_dumps, write_dump_plugin, write_marketplace
from .script import SUBAGENT, AgentSpec, Script, Usage, dispatch
from .session import Session
from .transcripts import read_transcript, transcripts_by_key

PROBE_AGENTS: list[dict[str, Any]] = [
    {"type": "general-purpose", "bg": False, "findings": 2,
     "turns": [[5, 30000, 2000, 40], [7, 41000, 3000, 55, 1000]]},
    {"type": "Explore", "bg": False, "model": "haiku", "findings": 1,
     "turns": [[3, 0, 9000, 20]]},
    {"type": "general-purpose", "bg": True, "hold": True,
     "turns": [[9, 0, 8000, 30], [2, 8000, 10, 5]]},
    {"type": "general-purpose", "bg": False, "findings": 1,
     "turns": [[3, 0, 9000, 20], [4, 9020, 700, 90]],
     "agents": [{"type": "general-purpose", "bg": False, "findings": 4,
                 "turns": [[11, 90000, 1000, 300], [12, 125000, 500, 800]]}]},
    {"type": "general-purpose", "bg": False, "fail": True, "turns": [[1, 1, 1, 1]]},
]


def served(api: FakeAnthropic, key: str, session_id: str) -> dict[str, Usage]:
    """What the fake API answered for one scripted agent, by message id."""
    return {c.message_id: c.usage for c in api.calls_of(key, session_id)
            if c.message_id and c.usage}


def assert_ok(session: Session) -> dict[str, Any]:
    assert session.returncode == 0, session.describe()
    assert session.result is not None and not session.result["is_error"], session.describe()
    return session.result


def meta_of(path: Path) -> dict[str, Any]:
    return json.loads(path.with_suffix(".meta.json").read_text())


def test_binary_is_the_pinned_version(claude_runner, tmp_path):
    out = claude_runner.cli(["--version"], home=tmp_path)
    assert out.stdout.startswith(VERSION)


def test_one_message_dispatches_every_kind_of_run(run_session, fake_api, tmp_path):
    plugin = write_dump_plugin(tmp_path / "plugins", tmp_path / "dumps")
    script = Script.parse({"agents": PROBE_AGENTS})
    session = run_session(script.prompt(), plugin_dir=plugin)

    result = assert_ok(session)
    stats = result["subagent_stats"]
    assert (stats["spawned"], stats["completed"], stats["failed"]) == (6, 5, 1)
    assert (stats["max_depth"], stats["spawned_by_subagents"]) == (2, 1)
    assert fake_api.errors == []
    _check_model_usage(result, fake_api)
    _check_transcripts(session, fake_api, script)
    _check_hooks(session, read_dumps(tmp_path / "dumps"), script)


def _check_model_usage(result: dict[str, Any], api: FakeAnthropic) -> None:
    # modelUsage covers the whole process, sub-agents included; the result's
    # own "usage" covers only the main calls of the last turn, which timing decides.
    served_total = sum((c.usage for c in api.scripted() if c.usage), Usage())
    reported = result["modelUsage"].values()
    assert sum(m["inputTokens"] for m in reported) == served_total.input
    assert sum(m["outputTokens"] for m in reported) == served_total.output
    assert sum(m["cacheReadInputTokens"] for m in reported) == served_total.cache_read
    assert sum(m["cacheCreationInputTokens"] for m in reported) == served_total.cache_creation


def _check_transcripts(session: Session, api: FakeAnthropic, script: Script) -> None:
    runs = transcripts_by_key(session)
    specs = script.by_key()
    assert sorted(runs) == sorted(specs)
    for key, spec in specs.items():
        path, calls = runs[key]
        assert sum(calls.values(), Usage()) == spec.expected_usage(), key
        assert calls == served(api, key, session.session_id), key
        meta = meta_of(path)
        assert meta["agentType"] == spec.type
        assert meta["requestShape"] == ("background" if spec.raw.get("bg") else "foreground")
        assert meta["spawnDepth"] == key.count(".") + 1
    failed_path, failed_calls = runs["4"]
    assert failed_calls == {}, "a failed run writes only synthetic zero-usage lines"
    assert meta_of(runs["1"][0])["model"] == "haiku"
    nested_parent = runs["3"][0].stem.removeprefix("agent-")
    assert meta_of(runs["3.0"][0])["parentAgentId"] == nested_parent
    _, main_calls = read_transcript(session.session_file)
    assert main_calls == served(api, "main", session.session_id)


def _check_hooks(session: Session, dumps: list[tuple[str, dict[str, Any]]],
                 script: Script) -> None:
    counts = Counter(event for event, _ in dumps)
    # The failed run gets no SubagentStop; its Agent call ends in PostToolUseFailure.
    # The held background run ends after the main turn, so Stop fires twice.
    assert counts == {"SessionStart": 1, "PreToolUse": 6, "SubagentStart": 6,
                      "SubagentStop": 5, "PostToolUse": 5, "PostToolUseFailure": 1,
                      "Stop": 2, "SessionEnd": 1}, counts
    agent_ids = {p.stem.removeprefix("agent-"): p for p in session.agent_files()}
    starts = {d["agent_id"] for e, d in dumps if e == "SubagentStart"}
    assert starts == set(agent_ids)
    assert all(d["session_id"] == session.session_id for _, d in dumps)
    by_event = {e: [d for ev, d in dumps if ev == e] for e in counts}
    failure = by_event["PostToolUseFailure"][0]
    assert json.loads(failure["tool_input"]["prompt"][len(SUBAGENT):])["key"] == "4"
    launched = [d for d in by_event["PostToolUse"]
                if d["tool_response"].get("status") == "async_launched"]
    assert len(launched) == 1
    nested_pre = [d for d in by_event["PreToolUse"] if d.get("agent_id")]
    assert [d["agent_type"] for d in nested_pre] == ["general-purpose"]
    for stop in by_event["SubagentStop"]:
        assert Path(stop["agent_transcript_path"]) == agent_ids[stop["agent_id"]]
    assert dumps[-1][0] == "SessionEnd"


def test_default_dispatch_runs_in_background_and_print_mode_waits(run_session, fake_api,
                                                                  tmp_path):
    # No "bg": the CLI's default applies; "hold" makes the run outlive the main turn.
    plugin = write_dump_plugin(tmp_path / "plugins", tmp_path / "dumps")
    script = Script.parse({"agents": [{"findings": 1, "hold": True,
                                       "turns": [[9, 0, 8000, 30], [2, 8000, 10, 5]]}]})
    session = run_session(script.prompt(), plugin_dir=plugin)

    assert_ok(session)
    (path,) = session.agent_files()
    assert meta_of(path)["requestShape"] == "background"
    assert sum(read_transcript(path)[1].values(), Usage()) == script.agents[0].expected_usage()
    main_turns = [c.turn for c in fake_api.calls_of("main")]
    assert main_turns == [0, 1, 2], "the notification arrives as a third main turn"
    assert "<task-notification>" in session.session_file.read_text()
    events = [e for e, _ in read_dumps(tmp_path / "dumps")]
    assert events.index("PostToolUse") < events.index("Stop") < events.index("SubagentStop")
    assert events[-2:] == ["Stop", "SessionEnd"]


def test_plugin_installs_from_a_local_marketplace(claude_runner, tmp_path):
    market = tmp_path / "market"
    plugin = write_dump_plugin(market, tmp_path / "dumps")
    write_marketplace(market, plugin)
    home = claude_runner.new_home()

    claude_runner.cli(["plugin", "validate", "--strict", str(plugin)], home=home)
    claude_runner.cli(["plugin", "validate", "--strict", str(market)], home=home)
    claude_runner.cli(["plugin", "marketplace", "add", str(market)], home=home)
    claude_runner.cli(["plugin", "install", "hookdump@e2e-local"], home=home)
    cached = list((home / ".claude" / "plugins" / "cache").rglob("hooks/dump.sh"))
    assert len(cached) == 1, "install copies the plugin into the HOME's cache"

    session = claude_runner.session(dispatch([{"bg": False, "turns": [[1, 0, 100, 1]]}]),
                                    home=home)
    assert_ok(session)
    events = Counter(e for e, _ in read_dumps(tmp_path / "dumps"))
    assert events["SubagentStart"] == events["SubagentStop"] == 1


def test_custom_agent_types_and_main_model(run_session, fake_api):
    agents_json = {"fd-arch": {"description": "Reviews architecture",
                               "prompt": "You review architecture."}}
    prompt = dispatch([{"type": "fd-arch", "bg": False, "findings": 3,
                        "turns": [[2, 0, 500, 10], [3, 500, 20, 40]]}])
    session = run_session(prompt, agents_json=agents_json, model="sonnet")

    assert_ok(session)
    (path,) = session.agent_files()
    assert meta_of(path)["agentType"] == "fd-arch"
    main_models = {c.model for c in fake_api.calls_of("main")}
    assert len(main_models) == 1 and "sonnet" in main_models.pop()
    spec = AgentSpec.parse({"turns": [[2, 0, 500, 10], [3, 500, 20, 40]]}, "0")
    assert sum(read_transcript(path)[1].values(), Usage()) == spec.expected_usage()


def test_parallel_sessions_share_one_fake_api(run_session, fake_api):
    plans = [[{"bg": False, "turns": [[n, 0, 1000 * n, n]]}] for n in (1, 2, 3)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        sessions = list(pool.map(lambda plan: run_session(dispatch(plan)), plans))

    for plan, session in zip(plans, sessions, strict=True):
        assert_ok(session)
        (path,) = session.agent_files()
        expected = Usage.of(plan[0]["turns"][0])
        assert list(read_transcript(path)[1].values()) == [expected]
        assert [c.usage for c in fake_api.calls_of("0", session.session_id)] == [expected]
