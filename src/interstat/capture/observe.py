"""From one hook's JSON to the facts interstat stores about a sub-agent run.

``extract`` is pure: it reads the payload and the environment and returns a
small JSON-able dict (or None when the event is not about a sub-agent run).
The facts, not the raw input, are what the store and the spool receive, so
prompt and answer text never reach the disk, and the environment (workflow
id, description opt-in) is the hook's own even when the spool is replayed
later by another process.
"""

from __future__ import annotations

from collections.abc import Mapping

from interstat.capture.fields import PATH_LIMIT, content_length, mapping, text
from interstat.store.values import TOKEN_LIMIT, count, flag, prompt_digest

#: The sub-agent tool: ``Task`` up to 2.1.62, ``Agent`` from 2.1.63.
AGENT_TOOLS = frozenset({"Task", "Agent"})
TOOL_EVENTS = frozenset({"PreToolUse", "PostToolUse", "PostToolUseFailure"})
#: Events the plugin may send that carry nothing to store.
QUIET_EVENTS = frozenset({"SessionStart", "SessionEnd", "Stop", "UserPromptSubmit"})
#: The type Claude Code runs when the tool call names none.
DEFAULT_AGENT_TYPE = "general-purpose"
DESCRIPTION_LIMIT = 4096


class BadInput(ValueError):
    """The hook input cannot be about a sub-agent run as it claims to be."""


def extract(event: str, payload: Mapping, env: Mapping[str, str]) -> dict | None:
    """The facts of one hook event, or None when there is nothing to store."""
    if event in TOOL_EVENTS:
        tool = payload.get("tool_name")
        if not isinstance(tool, str):
            raise BadInput(f"{event} input has no tool_name")
        if tool not in AGENT_TOOLS:
            return None
    if event not in _EXTRACTORS:
        if event in QUIET_EVENTS:
            return None
        raise BadInput(f"hook event {event!r} is not one interstat records")
    session_id = text(payload.get("session_id"))
    if session_id is None:
        raise BadInput(f"{event} input has no session_id")
    facts = _EXTRACTORS[event](payload, session_id, env)
    if facts is not None:
        facts["session_id"] = session_id
    return facts


def _dispatch(payload: Mapping, session_id: str, env: Mapping[str, str]) -> dict:
    """What the tool call says about the run it starts (Pre and Post alike)."""
    tool_input = payload.get("tool_input")
    if not isinstance(tool_input, dict):
        raise BadInput(f"{payload.get('hook_event_name')} input has no tool_input object")
    prompt = tool_input.get("prompt")
    facts = {
        "tool_use_id": text(payload.get("tool_use_id")),
        # Inside a sub-agent the hook's agent_id names the caller.
        "parent_agent_id": text(payload.get("agent_id")),
        "agent_name": text(tool_input.get("subagent_type")),
        "requested_model": text(tool_input.get("model")),
        "background": flag(tool_input.get("run_in_background")),
        "prompt_sha256": prompt_digest(prompt) if isinstance(prompt, str) else None,
        "prompt_length": len(prompt) if isinstance(prompt, str) else None,
        # Provisional: analyze replaces it with the dispatching message id.
        "invocation_id": text(payload.get("prompt_id")),
        "workflow_id": text(env.get("INTERSTAT_WORKFLOW_ID")) or session_id,
        "project": text(payload.get("cwd"), PATH_LIMIT),
    }
    if env.get("INTERSTAT_STORE_DESCRIPTIONS") == "1":
        facts["description"] = text(tool_input.get("description"), DESCRIPTION_LIMIT)
    return facts


def _outcome(response: Mapping) -> str | None:
    status = text(response.get("status"))
    if status is None and "content" in response:
        status = "completed"  # 1.0.x results carry no status
    # A failed run still reports "completed" before 2.1.332, with the API
    # error as its answer; totalTokens is the last call's size, and only a
    # synthetic error message has zero: a real call always sends input.
    if status == "completed" and count(response.get("totalTokens"), TOKEN_LIMIT) == 0:
        return "failed"
    return status


def _tool_result(payload: Mapping, session_id: str, env: Mapping[str, str]) -> dict:
    facts = _dispatch(payload, session_id, env)
    response = mapping(payload.get("tool_response"))
    facts.update(
        agent_id=text(response.get("agentId")),
        outcome=_outcome(response),
        reported_agent_name=text(response.get("agentType")),
        model=text(response.get("resolvedModel")),
        result_length=content_length(response.get("content")),
        reported_total_tokens=count(response.get("totalTokens"), TOKEN_LIMIT),
    )
    return facts


def _tool_failure(payload: Mapping, session_id: str, env: Mapping[str, str]) -> dict:
    facts = _dispatch(payload, session_id, env)
    facts["outcome"] = "failed"
    return facts


def _subagent_start(payload: Mapping, session_id: str, env: Mapping[str, str]) -> dict:
    agent_id = text(payload.get("agent_id"))
    if agent_id is None:
        raise BadInput("SubagentStart input has no agent_id")
    return {"agent_id": agent_id, "agent_name": text(payload.get("agent_type"))}


def _subagent_stop(payload: Mapping, session_id: str, env: Mapping[str, str]) -> dict | None:
    agent_id = text(payload.get("agent_id"))
    if agent_id is None:
        return None  # 1.0.x does not say which agent stopped
    answer = payload.get("last_assistant_message")
    return {
        "agent_id": agent_id,
        "agent_name": text(payload.get("agent_type")),
        "result_length": len(answer) if isinstance(answer, str) else None,
        "transcript_path": text(payload.get("agent_transcript_path"), PATH_LIMIT),
    }


_EXTRACTORS = {
    "PreToolUse": _dispatch,
    "PostToolUse": _tool_result,
    "PostToolUseFailure": _tool_failure,
    "SubagentStart": _subagent_start,
    "SubagentStop": _subagent_stop,
}
