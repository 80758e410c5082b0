"""The facts a transcript parser reports, as frozen attrs records.

A parser never writes to the store. It reads one file and yields these facts;
``interstat.analyze`` applies them. Keeping parsers pure makes them easy to
test, lets third-party parsers stay small, and gives every era one writer.
"""

from __future__ import annotations

from typing import Union

import attrs

#: ``owner`` of the main thread's API calls.
MAIN_OWNER = "main"


def agent_owner(agent_id: str) -> str:
    """The owner key of calls made inside the sub-agent with this agentId."""
    return f"agent:{agent_id}"


def tool_owner(tool_use_id: str) -> str:
    """The owner key of an inline-era run, named by the call that dispatched it."""
    return f"tool:{tool_use_id}"


@attrs.frozen
class Usage:
    """Token counts of one API call, cache creation split by lifetime."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_creation_tokens: int = 0
    cache_creation_5m_tokens: int = 0
    cache_creation_1h_tokens: int = 0

    @property
    def total(self) -> int:
        return (
            self.input_tokens
            + self.output_tokens
            + self.cache_read_tokens
            + self.cache_creation_tokens
        )

    @property
    def context(self) -> int:
        """Tokens the model had in front of it for this call."""
        return self.input_tokens + self.cache_read_tokens + self.cache_creation_tokens


@attrs.frozen
class ApiCall:
    """One API response, however many transcript lines repeated it.

    ``call_key`` is ``requestId|message.id`` (or the message id alone when the
    request id is missing), so the same call read from two files is one call.
    ``owner`` says whose call it is: ``main``, ``agent:<agentId>`` or, in the
    inline era, ``tool:<toolUseId>``.
    """

    call_key: str
    session_id: str
    owner: str
    model: str | None
    usage: Usage
    timestamp: str | None = None
    synthetic: bool = False
    output_is_placeholder: bool = False


@attrs.frozen
class Dispatch:
    """A sub-agent tool call (``Task`` or ``Agent``) seen in a parent transcript.

    ``invocation_id`` is the id of the assistant message that made the call:
    the calls of one message were dispatched together.
    """

    session_id: str
    tool_use_id: str
    invocation_id: str | None
    parent_agent_id: str | None
    agent_name: str | None
    description: str | None = None
    prompt_sha256: str | None = None
    prompt_length: int | None = None
    background: bool | None = None
    requested_model: str | None = None
    timestamp: str | None = None
    project: str | None = None
    #: Claude Code's version on the dispatching line: when ``background`` is
    #: None, the version decides the default (background from 2.1.232).
    version: str | None = None


@attrs.frozen
class DispatchResult:
    """What the sub-agent tool returned to its caller.

    ``status`` is ``completed``, ``failed`` or ``async_launched``.
    ``reported_total_tokens`` is Claude Code's ``totalTokens``: the size of the
    run's last call, kept only as an estimate when no transcript exists.
    """

    session_id: str
    tool_use_id: str
    agent_id: str | None
    status: str
    result_length: int | None = None
    reported_total_tokens: int | None = None
    timestamp: str | None = None


@attrs.frozen
class RunTranscript:
    """A sub-agent's own transcript: an agent file or an inline sidechain.

    ``kind`` is ``dispatched`` for runs a tool call started, or one of
    ``compaction``, ``side_question``, ``warmup`` for internal side
    transcripts that cost tokens but were not dispatched. ``final_text`` is
    the run's last answer, used to count findings and never stored.
    """

    session_id: str
    owner: str
    agent_id: str | None
    tool_use_id: str | None = None
    kind: str = "dispatched"
    layout: str | None = None
    agent_name: str | None = None
    description: str | None = None
    background: bool | None = None
    model: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    final_text: str | None = None
    prompt_sha256: str | None = None
    transcript_path: str | None = None
    project: str | None = None
    #: ``wf_<id>`` for workflow agents (``subagents/workflows/wf_<id>/``).
    workflow_id: str | None = None
    version: str | None = None


@attrs.frozen
class SkippedLine:
    """A line the parser could not use, and why (``bad-json``, ``not-object``...).

    ``line_number`` counts from 1 at the offset the parse started from;
    ``offset`` is the line's byte offset in the file.
    """

    reason: str
    line_number: int
    offset: int | None = None


@attrs.frozen
class ReadUpTo:
    """The parser consumed every complete line before this byte offset."""

    offset: int


Fact = Union[ApiCall, Dispatch, DispatchResult, RunTranscript, SkippedLine, ReadUpTo]
