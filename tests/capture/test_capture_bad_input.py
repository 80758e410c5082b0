"""Whatever arrives on stdin, the hook exits 0, says at most one line, stores nothing wrong."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from capture_support import hook_process, interstat_command, rows

from interstat.capture.hook import run_hook

DISPATCH = {
    "session_id": "s-1",
    "hook_event_name": "PreToolUse",
    "cwd": "/work/project",
    "tool_name": "Agent",
    "tool_use_id": "toolu_1",
    "tool_input": {"prompt": "review foo.py", "subagent_type": "fd-quality"},
}


def dispatch(**changes) -> dict:
    payload = json.loads(json.dumps(DISPATCH))
    for name, value in changes.items():
        if value is None:
            payload.pop(name, None)
        else:
            payload[name] = value
    return payload


def as_bytes(payload: object) -> bytes:
    return json.dumps(payload).encode()


def assert_nothing_stored(store: Path) -> None:
    assert rows(store) == []
    assert rows(store, "SELECT * FROM hook_events") == []


REJECTED = {
    "empty": ("PreToolUse", b""),
    "blank": ("PreToolUse", b" \n\t "),
    "not json": ("PreToolUse", b"{session_id: s-1"),
    "json array": ("PreToolUse", b"[1, 2]"),
    "json string": ("PreToolUse", b'"PreToolUse"'),
    "invalid utf-8": ("PreToolUse", b'{"session_id": "s-\xff", "tool_name": "Agent"}'),
    "nested too deep": ("PreToolUse", b"[" * 200_000),
    "no session_id": ("PreToolUse", as_bytes(dispatch(session_id=None))),
    "numeric session_id": ("PreToolUse", as_bytes(dispatch(session_id=42))),
    "lone surrogate session_id": (
        "PreToolUse", as_bytes(dispatch()).replace(b'"s-1"', b'"s-\\ud800"')
    ),
    "session_id longer than any id": ("PreToolUse", as_bytes(dispatch(session_id="s" * 257))),
    "integer of 5000 digits": (
        "PreToolUse", as_bytes(dispatch()).replace(b'"cwd"', b'"n": ' + b"9" * 5000 + b', "cwd"')
    ),
    "no tool_name": ("PreToolUse", as_bytes(dispatch(tool_name=None))),
    "tool_input not an object": ("PreToolUse", as_bytes(dispatch(tool_input="prompt"))),
    "start without agent_id": (
        "SubagentStart", as_bytes({"session_id": "s-1", "hook_event_name": "SubagentStart"})
    ),
    "unknown event": ("Bogus", as_bytes({"session_id": "s-1", "hook_event_name": "Bogus"})),
    "event differs from the one registered": ("PostToolUse", as_bytes(dispatch())),
    "no event at all": (None, as_bytes({"session_id": "s-1"})),
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_bad_input_is_one_warning_and_nothing_stored(hook, store: Path, case: str):
    event, raw = REJECTED[case]
    warnings = hook(event, raw)
    assert len(warnings) == 1 and warnings[0].startswith("interstat: "), warnings
    assert_nothing_stored(store)


# Cut off mid-way, as a writer that died would leave it. In a fresh process,
# as under Claude Code, where json's Python layer has not been imported.
CUT_OFF = [b'{"a":1', b"{", b'{"a":"x', as_bytes(dispatch())[:-7]]


@pytest.mark.parametrize("raw", CUT_OFF)
def test_cut_off_json_is_named_as_such(store: Path, raw: bytes):
    with pytest.raises(ValueError) as expected:
        json.loads(raw)
    done = hook_process("PreToolUse", raw, store)
    assert done.returncode == 0
    assert done.stderr.decode() == (
        f"interstat: hook input is not valid JSON ({type(expected.value).__name__}); "
        "event skipped\n"
    )
    assert not store.exists() or rows(store) == []


QUIET = {
    "another tool": ("PreToolUse", as_bytes(dispatch(tool_name="Read"))),
    "1.0.x stop without agent": (
        "SubagentStop", as_bytes({"session_id": "s-1", "hook_event_name": "SubagentStop"})
    ),
    "stop of an agent never started": (
        "SubagentStop",
        as_bytes({"session_id": "s-1", "hook_event_name": "SubagentStop", "agent_id": "a1"}),
    ),
    "main thread stop": ("Stop", as_bytes({"session_id": "s-1", "hook_event_name": "Stop"})),
}


@pytest.mark.parametrize("case", sorted(QUIET))
def test_ordinary_events_without_a_run_are_silent(hook, store: Path, case: str):
    event, raw = QUIET[case]
    assert hook(event, raw) == []
    assert rows(store) == []


def test_mistyped_optional_fields_are_left_empty(hook, store: Path):
    tool_input = {"prompt": 7, "subagent_type": ["x"], "model": 5, "run_in_background": "true"}
    assert hook("PreToolUse", as_bytes(dispatch(tool_input=tool_input, cwd=False))) == []
    (row,) = rows(store)
    assert row["tool_use_id"] == "toolu_1"
    for column in ("prompt_sha256", "prompt_length", "agent_name", "requested_model",
                   "background", "project"):
        assert row[column] is None, column


def test_mistyped_result_fields_neither_link_nor_count(hook, store: Path):
    hook("PreToolUse", as_bytes(dispatch()))
    result = dispatch(
        hook_event_name="PostToolUse",
        tool_response={"status": "completed", "agentId": 7, "totalTokens": "44062"},
    )
    assert hook("PostToolUse", as_bytes(result)) == []
    (row,) = rows(store)
    assert row["agent_id"] is None
    assert row["reported_total_tokens"] is None and row["tokens_source"] is None
    assert row["status"] == "completed"


@pytest.mark.parametrize("total", ["NaN", "Infinity", "-1", "1.5", "18446744073709551616"])
def test_out_of_range_token_counts_are_left_empty(hook, store: Path, total: str):
    hook("PreToolUse", as_bytes(dispatch()))
    result = as_bytes(dispatch(
        hook_event_name="PostToolUse",
        tool_response={"status": "completed", "agentId": "a1", "totalTokens": 0},
    )).replace(b'"totalTokens": 0', b'"totalTokens": ' + total.encode())
    assert hook("PostToolUse", result) == []
    (row,) = rows(store)
    assert row["agent_id"] == "a1" and row["status"] == "completed"
    assert row["reported_total_tokens"] is None and row["tokens_source"] is None


def test_odd_but_valid_unicode_is_stored_as_sent(hook, store: Path):
    name = "revue-\u00e9\u0301-\U0001f50d-\u202e-\u0000-\ufeff"
    tool_input = {"prompt": "\U0001f600 \ud83d", "subagent_type": name}
    raw = as_bytes(dispatch(tool_input=tool_input))
    assert hook("PreToolUse", raw) == []
    (row,) = rows(store)
    assert row["agent_name"] == name
    # The prompt held 3 code points: an emoji, a space and a lone surrogate.
    assert row["prompt_length"] == 3


def test_fifty_megabytes_are_refused_quickly_in_bounded_memory(tmp_path: Path):
    store = tmp_path / "interstat" / "metrics.db"
    big = tmp_path / "big.json"
    answer = "x" * (50 * 1024 * 1024)
    payload = dispatch(hook_event_name="PostToolUse", tool_response={"content": answer})
    big.write_text(json.dumps(payload))
    probe = (
        "import resource, subprocess, sys\n"
        "with open(sys.argv[1], 'rb') as stream:\n"
        "    done = subprocess.run(sys.argv[2:], stdin=stream, capture_output=True)\n"
        "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.stderr.write(done.stderr.decode())\n"
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", probe, str(big), *interstat_command(), "hook", "PostToolUse",
         "--db", str(store)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    elapsed = time.monotonic() - started
    returncode, max_rss_kib = (int(part) for part in done.stdout.split())
    assert returncode == 0
    assert done.stderr.count("\n") == 1 and "larger than 8 MiB" in done.stderr
    assert max_rss_kib < 100 * 1024  # the input alone is 50 MiB
    assert elapsed < 10
    assert_nothing_stored(store)


def test_a_large_input_under_the_limit_is_stored(tmp_path: Path):
    store = tmp_path / "metrics.db"
    prompt = "y" * (6 * 1024 * 1024)
    raw = as_bytes(dispatch(tool_input={"prompt": prompt, "subagent_type": "fd-quality"}))
    done = hook_process("PreToolUse", raw, store)
    assert (done.returncode, done.stderr) == (0, b"")
    (row,) = rows(store)
    assert row["prompt_length"] == len(prompt)


def test_unexpected_arguments_are_one_warning(capsys, monkeypatch, store: Path):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(as_bytes(dispatch()))))
    assert run_hook(["PreToolUse", "extra", "--db", str(store)]) == 0
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("interstat: usage: interstat hook EVENT")
    assert_nothing_stored(store)


def test_a_config_variable_naming_no_file_is_one_warning(capsys, monkeypatch, tmp_path: Path):
    # The config it names might have put the store elsewhere: nothing goes
    # to the default store, and the warning says which variable to correct.
    missing = tmp_path / "typo.toml"
    monkeypatch.setenv("INTERSTAT_CONFIG", str(missing))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(as_bytes(dispatch()))))
    assert run_hook(["PreToolUse"]) == 0
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"interstat: INTERSTAT_CONFIG names {missing}, which does not exist")
    assert not (tmp_path / "home" / ".claude").exists()


def _foreign_database(path: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE bookmarks (url TEXT)")
    conn.commit()
    conn.close()


def _not_a_database(path: Path) -> None:
    path.write_bytes(b"plain text, not SQLite " * 100)


@pytest.mark.parametrize("make", [_foreign_database, _not_a_database])
def test_the_hook_names_its_own_ways_to_use_another_store(capsys, monkeypatch, tmp_path: Path,
                                                          make):
    # Claude Code runs the hook: the user can set the environment or the
    # config file there, but never an option of the hook's command line.
    store = tmp_path / "wrong.db"
    make(store)
    monkeypatch.setenv("INTERSTAT_DB", str(store))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(as_bytes(dispatch()))))
    assert run_hook(["PreToolUse"]) == 0
    (line,) = capsys.readouterr().err.splitlines()
    assert "set INTERSTAT_DB (or paths.db in the config file) to another path" in line
    assert "--db" not in line


def test_the_hook_names_the_variable_for_a_missing_config_root(capsys, monkeypatch,
                                                               tmp_path: Path):
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "typo"))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(as_bytes(dispatch()))))
    assert run_hook(["PreToolUse"]) == 0
    (line,) = capsys.readouterr().err.splitlines()
    assert line.endswith("or set INTERSTAT_DB (or paths.db in the config file); event lost")


def test_commands_after_a_hook_still_say_db(monkeypatch, tmp_path: Path):
    from interstat.errors import StoreError
    from interstat.store.connect import open_store

    store = tmp_path / "wrong.db"
    _foreign_database(store)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(as_bytes(dispatch()))))
    run_hook(["PreToolUse", "--db", str(store)])
    with pytest.raises(StoreError, match="point --db at another path"):
        open_store(store)
