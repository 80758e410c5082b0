"""The hook path stays light: Claude Code starts it for every sub-agent event."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# docs/capture.md promises these stay off the hook path: the CLI's libraries,
# and modules that cost time but that the hook does not need.
HEAVY = ("click", "rich", "pluggy", "attrs", "cattrs", "typing", "hashlib")

EVENTS = {
    "SessionStart": {"source": "startup"},
    "PreToolUse": {"tool_name": "Agent", "tool_use_id": "toolu_1",
                   "tool_input": {"prompt": "p", "subagent_type": "Explore"}},
    "SubagentStart": {"agent_id": "a1", "agent_type": "Explore"},
    "SubagentStop": {"agent_id": "a1", "agent_type": "Explore",
                     "last_assistant_message": "done"},
}

SCRIPT = """
import sys
from interstat.entry import main
sys.argv = ["interstat", "hook", sys.argv[1]]
try:
    main()
except SystemExit:
    pass
heavy = {heavy!r}
sys.stdout.write(repr(sorted(m for m in sys.modules if m.split(".")[0] in heavy)))
"""


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_hook_event_imports_nothing_heavy(event, tmp_path):
    payload = {"session_id": "s1", "hook_event_name": event, **EVENTS[event]}
    env = {"INTERSTAT_DB": str(tmp_path / "metrics.db"), "HOME": str(tmp_path),
           "INTERSTAT_NO_AUTO_ANALYZE": "1", "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(heavy=HEAVY), event],
        input=json.dumps(payload), capture_output=True, text=True, env=env, check=True,
    )
    assert done.stderr == ""
    assert done.stdout == "[]"
