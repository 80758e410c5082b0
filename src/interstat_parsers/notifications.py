"""``<task-notification>`` messages: a background sub-agent has finished.

Claude Code queues the notification (``queue-operation``), attaches it
(``attachment``) and may deliver it as a user message; any of them tells the
run's end. Background shell commands send the same markup, so a notification
counts only for a known sub-agent call or when it describes an agent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from interstat.records import DispatchResult
from interstat_parsers.fields import as_dict, block_texts, text

MARKER = b"<task-notification>"

_NOTIFICATION = re.compile(r"<task-notification>(.*?)</task-notification>", re.DOTALL)
_DIGITS = re.compile(r"[0-9]+")
_STATUSES = {
    "completed": "completed",
    "failed": "failed",
    "error": "failed",
    "killed": "failed",
    "cancelled": "failed",
    "canceled": "failed",
}
_TAGS = {
    name: re.compile(f"<{name}>(.*?)</{name}>", re.DOTALL)
    for name in ("task-id", "tool-use-id", "status", "summary", "result", "subagent_tokens")
}


def _tag(body: str, name: str) -> str | None:
    match = _TAGS[name].search(body)
    return match.group(1).strip() if match else None


def notification_texts(line: dict) -> list[str]:
    """Where each line type carries a notification's text."""
    kind = line.get("type")
    if kind == "user":
        return block_texts(as_dict(line.get("message")).get("content"))
    if kind == "attachment":
        prompt = as_dict(line.get("attachment")).get("prompt")
        return [prompt] if isinstance(prompt, str) else []
    if kind == "queue-operation":
        content = line.get("content")
        return [content] if isinstance(content, str) else []
    return []


def notifications_in(
    line: dict, dispatch_ids: set[str], session_id: str
) -> Iterator[DispatchResult]:
    for body_text in notification_texts(line):
        for match in _NOTIFICATION.finditer(body_text):
            result = _result(match.group(1), dispatch_ids, session_id, line)
            if result is not None:
                yield result


def _describes_agent(body: str) -> bool:
    summary = _tag(body, "summary") or ""
    return summary.startswith("Agent ") or "<subagent_tokens>" in body


def _result(
    body: str, dispatch_ids: set[str], session_id: str, line: dict
) -> DispatchResult | None:
    tool_use_id = text(_tag(body, "tool-use-id"))
    if not tool_use_id or (tool_use_id not in dispatch_ids and not _describes_agent(body)):
        return None
    status_text = _tag(body, "status")
    status = _STATUSES.get(status_text) if status_text else "completed"
    if status is None:
        return None
    answer = _tag(body, "result")
    tokens = _tag(body, "subagent_tokens")
    return DispatchResult(
        session_id=session_id,
        tool_use_id=tool_use_id,
        agent_id=text(_tag(body, "task-id")),
        status=status,
        result_length=len(answer) if answer is not None else None,
        reported_total_tokens=int(tokens) if tokens and _DIGITS.fullmatch(tokens) else None,
        timestamp=text(line.get("timestamp")),
    )
