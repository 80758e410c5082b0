"""Which lines are worth decoding, told from their bytes alone.

Most of a transcript cannot change the facts (request logs, snapshots,
progress copies of sub-agent messages, ordinary tool results), and decoding
JSON is the bulk of the cost, so a few byte searches decide first. Each test
is a necessary condition for a line that matters; strict mode decodes every
line instead, and a test checks both reads agree on the corpus.
"""

from __future__ import annotations

from collections.abc import Collection

from interstat_parsers.notifications import MARKER

#: Line types seen in Claude Code's files; strict mode reports any other.
KNOWN_LINE_TYPES = frozenset(
    {
        "user", "assistant", "system", "summary", "progress", "attachment",
        "queue-operation", "api-request", "api-request-blob", "api-request-shape",
        "tools-used", "last-prompt", "atis-latch", "cost-state", "file-history-snapshot",
    }
)

# Line types holding nothing we read. Claude Code writes their "type" before
# any nested object (progress lines embed whole sub-agent messages after it),
# while in message lines the first "type" is nested and never one of these.
_UNREAD_TYPES = frozenset(
    {
        b"progress", b"api-request", b"api-request-blob", b"api-request-shape",
        b"tools-used", b"last-prompt", b"atis-latch", b"cost-state",
        b"file-history-snapshot", b"summary",
    }
)
_TYPE_KEY = b'"type":"'
# Where a task notification is delivered: a user message, or a queued command
# attached to the conversation (other attachments only quote it).
_NOTIFYING = (b'"type":"user"', b'"type": "user"', b'"queued_command"')
_RESULT_SHAPE = (b'"totalTokens"', b'"async_launched"')


def may_matter(data: bytes, unanswered: Collection[bytes], *, resumed: bool) -> bool:
    """Whether a line may hold a call, a dispatch, a result or a notification.

    ``unanswered`` holds the ids of sub-agent calls whose result is not seen
    yet; ``resumed`` says the read started mid-file, after some calls.
    """
    # This runs once for every line of every file. bytes.find, not "in":
    # CPython first tries "in" with an integer, and building the TypeError
    # that attempt raises costs more than the search.
    find = data.find
    start = find(_TYPE_KEY)
    end = find(b'"', start + len(_TYPE_KEY)) if start >= 0 else -1
    if end > 0:
        first = data[start + len(_TYPE_KEY):end]
        if first == b"queue-operation":
            return find(MARKER) >= 0
        if first in _UNREAD_TYPES:
            return False
    if find(b'"assistant"') >= 0:
        return True
    if find(MARKER) >= 0 and any(find(marker) >= 0 for marker in _NOTIFYING):
        return True
    if find(b'"tool_result"') < 0:
        return False
    for tool_use_id in unanswered:
        if find(tool_use_id) >= 0:
            return True
    # A resumed read has not seen the call; the result's shape tells. Nested
    # runs' results have no toolUseResult, only the answer's trailers.
    if not resumed:
        return False
    if find(b'"toolUseResult"') >= 0 and any(find(key) >= 0 for key in _RESULT_SHAPE):
        return True
    return find(b"agentId: ") >= 0 and find(b"subagent_tokens: ") >= 0
