"""Reading what the CLI wrote: scripted keys, calls' usage, hook notes and tool results."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .script import SUBAGENT, Usage
from .session import Session


def read_transcript(path: Path) -> tuple[str | None, dict[str, Usage]]:
    """The scripted key of a transcript and its calls' usage, one entry per message id."""
    key, calls = None, {}
    for line in path.read_text().splitlines():
        entry = json.loads(line)
        message = entry.get("message") or {}
        content = message.get("content")
        if (key is None and entry.get("type") == "user" and isinstance(content, str)
                and content.startswith(SUBAGENT)):
            key = json.loads(content[len(SUBAGENT):])["key"]
        if entry.get("type") == "assistant" and message.get("model") != "<synthetic>":
            u = message["usage"]
            usage = Usage(u["input_tokens"], u["cache_read_input_tokens"],
                          u["cache_creation_input_tokens"], u["output_tokens"],
                          u["cache_creation"]["ephemeral_1h_input_tokens"])
            # One response is written as one line per content block: keep the largest.
            if message["id"] not in calls or usage.total > calls[message["id"]].total:
                calls[message["id"]] = usage
    return key, calls


def transcripts_by_key(session: Session) -> dict[str, tuple[Path, dict[str, Usage]]]:
    """Every sub-agent transcript of ``session`` by the scripted key in its prompt."""
    found = {}
    for path in session.agent_files():
        key, calls = read_transcript(path)
        assert key is not None, f"{path} holds no SUBAGENT prompt"
        found[key] = (path, calls)
    return found


def agent_ids_by_key(session: Session) -> dict[str, str]:
    """The CLI's agentId of every scripted run, from its transcript's file name."""
    return {key: path.stem.removeprefix("agent-")
            for key, (path, _) in transcripts_by_key(session).items()}


def hook_attachments(session: Session) -> list[dict[str, Any]]:
    """What Claude Code recorded about hooks (output, messages, errors) in the session file."""
    found = []
    for line in session.session_file.read_text().splitlines():
        entry = json.loads(line)
        attachment = entry.get("attachment") or {}
        if entry.get("type") == "attachment" and attachment.get("type", "").startswith("hook_"):
            found.append(attachment)
    return found


@dataclass(frozen=True)
class ToolRun:
    """One tool call of the main session and what came back, as the transcript holds them."""

    name: str
    tool_input: dict[str, Any]
    result: str  # the tool_result the model was sent, as text
    details: dict[str, Any]  # the result line's toolUseResult (Bash: stdout, stderr...)


def tool_runs(session: Session) -> list[ToolRun]:
    """Every tool_use in the session file with the tool_result that answered it, in order."""
    calls: dict[str, dict[str, Any]] = {}
    runs = []
    for line in session.session_file.read_text().splitlines():
        entry = json.loads(line)
        content = (entry.get("message") or {}).get("content")
        if entry.get("type") not in ("user", "assistant") or not isinstance(content, list):
            continue
        for block in content:
            if block.get("type") == "tool_use":
                calls[block["id"]] = block
            elif block.get("type") == "tool_result" and block["tool_use_id"] in calls:
                call = calls[block["tool_use_id"]]
                runs.append(ToolRun(call["name"], call["input"], _result_text(block),
                                    entry.get("toolUseResult") or {}))
    return runs


def _result_text(block: dict[str, Any]) -> str:
    content = block.get("content")
    if isinstance(content, list):
        return "\n".join(part.get("text", "") for part in content)
    return str(content or "")
