"""A throwaway plugin whose hooks dump their stdin JSON, and a marketplace to install it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TOOL_EVENTS = ("PreToolUse", "PostToolUse", "PostToolUseFailure")
EVENTS = ("SessionStart", "SubagentStart", "SubagentStop", *TOOL_EVENTS, "Stop", "SessionEnd")
AUTHOR = {"name": "interstat e2e tests"}

# Write-then-rename so a reader never sees half a file; the name sorts in
# arrival order (nanoseconds) and the pid keeps concurrent hooks apart.
DUMP_SCRIPT = """#!/bin/sh
tmp="{dump}/.$$.tmp"
cat > "$tmp" && mv "$tmp" "{dump}/$(date +%s%N)-$1-$$.json"
"""


def write_dump_plugin(root: Path, dump_dir: Path, name: str = "hookdump") -> Path:
    """Create plugin ``name`` under ``root``; its hooks write into ``dump_dir``."""
    plugin = root / name
    (plugin / ".claude-plugin").mkdir(parents=True)
    (plugin / "hooks").mkdir()
    dump_dir.mkdir(parents=True, exist_ok=True)
    manifest = {"name": name, "version": "0.1.0", "author": AUTHOR,
                "description": "Dumps the JSON every hook receives, for e2e tests"}
    _write_json(plugin / ".claude-plugin" / "plugin.json", manifest)
    script = plugin / "hooks" / "dump.sh"
    script.write_text(DUMP_SCRIPT.format(dump=dump_dir))
    script.chmod(0o755)
    _write_json(plugin / "hooks" / "hooks.json", {"hooks": _hook_table()})
    return plugin


def _hook_table() -> dict[str, list[dict[str, Any]]]:
    table = {}
    for event in EVENTS:
        # validate --strict wants the plugin root quoted in a shell command.
        command = f'"${{CLAUDE_PLUGIN_ROOT}}/hooks/dump.sh" {event}'
        entry: dict[str, Any] = {"hooks": [{"type": "command", "command": command,
                                            "timeout": 10}]}
        if event in TOOL_EVENTS:
            entry["matcher"] = "Task|Agent"
        table[event] = [entry]
    return table


def write_marketplace(root: Path, plugin: Path, name: str = "e2e-local") -> Path:
    """Make ``root`` a marketplace listing ``plugin``, which must sit inside it."""
    (root / ".claude-plugin").mkdir(parents=True, exist_ok=True)
    manifest = {
        "name": name,
        "description": "Local marketplace for interstat e2e tests",
        "owner": AUTHOR,
        "plugins": [{"name": plugin.name, "source": f"./{plugin.relative_to(root)}",
                     "description": "Dumps hook inputs"}],
    }
    _write_json(root / ".claude-plugin" / "marketplace.json", manifest)
    return root


def read_dumps(dump_dir: Path) -> list[tuple[str, dict[str, Any]]]:
    """``(event, payload)`` for every dumped hook call, in arrival order."""
    events = []
    for path in sorted(dump_dir.glob("*.json")):
        _, event, _ = path.stem.split("-", 2)
        events.append((event, json.loads(path.read_text())))
    return events


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n")
