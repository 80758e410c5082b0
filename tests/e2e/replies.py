"""What the fake Messages API answers: script lookup, replies, and their event streams.

A request belongs to the main session or to one scripted sub-agent according to
the first user text that starts with ``DISPATCH`` or ``SUBAGENT``, or to a
skill when that text is a skill Claude Code expanded; requests with none of
these (or without tools) are side calls.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

from .script import MAIN_USAGE, SIDE_USAGE, AgentSpec, Script, SkillPlan, Usage, parse_marked


@dataclass
class Reply:
    """What to send back for one Messages call."""

    blocks: list[dict[str, Any]]
    usage: Usage
    stop_reason: str
    status: int = 200


def _texts(message: dict[str, Any]) -> list[str]:
    content = message.get("content")
    if isinstance(content, str):
        return [content]
    if not isinstance(content, list):
        return []
    return [b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text"]


def find_plan(body: dict[str, Any]) -> Script | AgentSpec | SkillPlan | None:
    """The script a request belongs to, from the first marked user text."""
    if not body.get("tools"):
        # Title and summary side calls carry the prompt too, but never tools.
        return None
    for message in body.get("messages", []):
        if message.get("role") != "user":
            continue
        for text in _texts(message):
            plan = parse_marked(text)
            if plan is not None:
                return plan
    return None


def _tool_use(ids: itertools.count, name: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_use", "id": f"toolu_fake{next(ids):05d}", "name": name,
            "input": tool_input}


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def side_reply() -> Reply:
    return Reply([_text("OK.")], SIDE_USAGE, "end_turn")


def main_reply(script: Script, turn: int, ids: itertools.count) -> Reply:
    """The main session dispatches every top-level agent at once, then ends its turn."""
    if turn == 0 and script.agents:
        blocks = [_text(f"Dispatching {len(script.agents)} agents.")]
        blocks += [_tool_use(ids, "Agent", a.tool_input()) for a in script.agents]
        return Reply(blocks, script.main_usage, "tool_use")
    return Reply([_text(script.raw.get("text", "Done."))], script.main_usage, "end_turn")


def agent_reply(spec: AgentSpec, turn: int, ids: itertools.count) -> Reply:
    """Tool turns first (nested dispatch on turn 0), findings on the last turn."""
    last = len(spec.turns) - 1
    if turn > last:
        return Reply([_text(spec.final_text())], SIDE_USAGE, "end_turn")
    usage = spec.turns[turn]
    if spec.fail_at == turn:
        return Reply([], usage, "error", status=400)
    if turn == last:
        return Reply([_text(spec.final_text())], usage, "end_turn")
    if turn == 0 and spec.agents:
        blocks = [_tool_use(ids, "Agent", child.tool_input()) for child in spec.agents]
        return Reply(blocks, usage, "tool_use")
    return Reply([_tool_use(ids, "Read", {"file_path": spec.file})], usage, "tool_use")


def skill_reply(skill: SkillPlan, body: dict[str, Any], ids: itertools.count) -> Reply:
    """Follow the skill: run its command with Bash, then show the output in a code block.

    The skill's turn is over once a tool result came back: the reply quotes the
    latest one verbatim, as the skills ask ("show the output exactly as printed").
    """
    output = _last_tool_result(body.get("messages", []))
    if output is None:
        tool_input = {"command": skill.command, "description": f"Run {skill.command}"}
        return Reply([_text(f"Running `{skill.command}`."), _tool_use(ids, "Bash", tool_input)],
                     MAIN_USAGE, "tool_use")
    return Reply([_text(f"```\n{output}\n```")], MAIN_USAGE, "end_turn")


def _last_tool_result(messages: list[dict[str, Any]]) -> str | None:
    results = [block for message in messages if message.get("role") == "user"
               and isinstance(message.get("content"), list)
               for block in message["content"]
               if isinstance(block, dict) and block.get("type") == "tool_result"]
    if not results:
        return None
    content = results[-1].get("content")
    if isinstance(content, list):
        content = "\n".join(b.get("text", "") for b in content if isinstance(b, dict))
    return str(content or "")


def sse_events(message_id: str, model: str, reply: Reply) -> bytes:
    """The event stream of one response, shaped like the real API's."""
    start_usage = {**reply.usage.as_api(), "output_tokens": 1}
    events: list[tuple[str, dict[str, Any]]] = [("message_start", {
        "type": "message_start",
        "message": {"id": message_id, "type": "message", "role": "assistant", "model": model,
                    "content": [], "stop_reason": None, "stop_sequence": None,
                    "usage": start_usage},
    })]
    for index, block in enumerate(reply.blocks):
        events += _block_events(index, block)
    events.append(("message_delta", {
        "type": "message_delta",
        "delta": {"stop_reason": reply.stop_reason, "stop_sequence": None},
        "usage": reply.usage.as_api(),
    }))
    events.append(("message_stop", {"type": "message_stop"}))
    return b"".join(
        f"event: {name}\ndata: {json.dumps(data)}\n\n".encode() for name, data in events
    )


def _block_events(index: int, block: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    if block["type"] == "text":
        start = {"type": "text", "text": ""}
        delta = {"type": "text_delta", "text": block["text"]}
    else:
        start = {**block, "input": {}}
        delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
    return [
        ("content_block_start", {"type": "content_block_start", "index": index,
                                 "content_block": start}),
        ("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}),
        ("content_block_stop", {"type": "content_block_stop", "index": index}),
    ]
