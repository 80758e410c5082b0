"""Sub-agent tool calls (``Task``/``Agent``) and what they returned.

Facts carry hashes and lengths of prompts and answers, never the text.
"""

from __future__ import annotations

import re
from typing import Any

from interstat.records import Dispatch, DispatchResult
from interstat.store.values import TOKEN_LIMIT, count, flag, prompt_digest
from interstat_parsers.fields import as_dict, as_list, block_texts, text

#: ``Task`` up to 2.1.62, ``Agent`` from 2.1.63 (``Task`` stays an alias).
DISPATCH_TOOLS = frozenset({"Task", "Agent"})
#: The agent Claude Code runs when the call names no ``subagent_type``
#: (1.0.x calls never name one; their runs are general-purpose).
DEFAULT_AGENT = "general-purpose"

_FAILED_STATUSES = frozenset({"failed", "error", "killed", "cancelled", "canceled"})
# The answer's trailer since 2.0.x ("agentId: a1b2c3 (for resuming ...)") and
# 2.1.x's usage block; used when no toolUseResult accompanies the answer.
_AGENT_ID_TRAILER = re.compile(r"agentId: ([A-Za-z0-9_-]+)")
_TOKENS_TRAILER = re.compile(r"subagent_tokens: (\d+)")


def dispatches_in(line: dict, message: dict, session_id: str) -> list[Dispatch]:
    found = []
    for block in as_list(message.get("content")):
        block = as_dict(block)
        tool_use_id = text(block.get("id"))
        if block.get("type") != "tool_use" or text(block.get("name")) not in DISPATCH_TOOLS:
            continue
        if tool_use_id:
            tool_input = as_dict(block.get("input"))
            found.append(_dispatch(line, message, tool_input, tool_use_id, session_id))
    return found


def _dispatch(
    line: dict, message: dict, tool_input: dict, tool_use_id: str, session_id: str
) -> Dispatch:
    prompt = tool_input.get("prompt")
    has_prompt = isinstance(prompt, str)
    return Dispatch(
        session_id=session_id,
        tool_use_id=tool_use_id,
        invocation_id=text(message.get("id")),
        parent_agent_id=text(line.get("agentId")),
        agent_name=text(tool_input.get("subagent_type")) or DEFAULT_AGENT,
        description=text(tool_input.get("description")),
        prompt_sha256=prompt_digest(prompt) if has_prompt else None,
        prompt_length=len(prompt) if has_prompt else None,
        background=flag(tool_input.get("run_in_background")),
        requested_model=text(tool_input.get("model")),
        timestamp=text(line.get("timestamp")),
        project=text(line.get("cwd")),
        version=text(line.get("version")),
    )


def is_subagent_result(tool_use_result: Any) -> bool:
    """Whether a ``toolUseResult`` has the sub-agent tool's shape (any era)."""
    result = as_dict(tool_use_result)
    if result.get("status") == "async_launched":
        return True
    if "agentId" in result and ("status" in result or "totalTokens" in result):
        return True
    return "totalTokens" in result and "totalToolUseCount" in result


def results_in(
    line: dict, message: dict, dispatch_ids: set[str], session_id: str, *, by_shape: bool
) -> list[DispatchResult]:
    """Results of sub-agent calls held by a user line's ``tool_result`` blocks.

    A result counts when its call is in ``dispatch_ids`` or, with ``by_shape``
    (a read resumed after the call's line), when it has the tool's shape.
    """
    blocks = [
        as_dict(block) for block in as_list(message.get("content"))
        if as_dict(block).get("type") == "tool_result"
    ]
    # toolUseResult describes the line's only tool result; with several it is
    # ambiguous, so it is used for none of them.
    tool_use_result = line.get("toolUseResult") if len(blocks) == 1 else None
    found = []
    for block in blocks:
        tool_use_id = text(block.get("tool_use_id"))
        if not tool_use_id:
            continue
        if tool_use_id in dispatch_ids or (by_shape and _has_result_shape(block, tool_use_result)):
            found.append(_result(line, block, tool_use_result, tool_use_id, session_id))
    return found


def _has_result_shape(block: dict, tool_use_result: Any) -> bool:
    """Whether a result whose call was not read looks like a sub-agent's.

    Results inside a sub-agent's own file (nested runs) carry no
    ``toolUseResult``; their answer ends with the agentId and usage trailers.
    """
    if is_subagent_result(tool_use_result):
        return True
    shown = "".join(block_texts(block.get("content")))
    return bool(_AGENT_ID_TRAILER.search(shown) and _TOKENS_TRAILER.search(shown))


def _result(
    line: dict, block: dict, tool_use_result: Any, tool_use_id: str, session_id: str
) -> DispatchResult:
    result = as_dict(tool_use_result)
    shown = "".join(block_texts(block.get("content")))
    status = _status(block, result)
    trailer_id = _AGENT_ID_TRAILER.search(shown)
    trailer_tokens = _TOKENS_TRAILER.search(shown)
    reported = count(result.get("totalTokens"), TOKEN_LIMIT)
    if reported is None and trailer_tokens:
        reported = int(trailer_tokens.group(1))
    launched = status == "async_launched"
    return DispatchResult(
        session_id=session_id,
        tool_use_id=tool_use_id,
        agent_id=text(result.get("agentId")) or (trailer_id.group(1) if trailer_id else None),
        status=status,
        result_length=None if launched else _answer_length(result, tool_use_result, shown),
        reported_total_tokens=reported,
        timestamp=text(line.get("timestamp")),
    )


def _status(block: dict, result: dict) -> str:
    if block.get("is_error") is True:
        return "failed"
    if result.get("status") == "async_launched" or result.get("isAsync") is True:
        return "async_launched"
    if text(result.get("status")) in _FAILED_STATUSES:
        return "failed"
    return "completed"


def _answer_length(result: dict, tool_use_result: Any, shown: str) -> int | None:
    # toolUseResult.content is the agent's answer alone; the tool_result the
    # model saw may add trailers, so it is only the fallback.
    if "content" in result:
        return len("".join(block_texts(result.get("content"))))
    if isinstance(tool_use_result, str):
        return len(tool_use_result)
    return len(shown) if shown else None
