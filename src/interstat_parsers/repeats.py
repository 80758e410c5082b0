"""Telling, from its bytes, a response line that only repeats the one before.

Claude Code writes one line per content block of an API response, each with
the response's id, request id and usage. In a session file such a line adds
nothing when its usage is unchanged, it cannot newly close the response
(the response was seen stopping already, or its ``stop_reason`` is null) and
it calls no sub-agent: recognising it costs a few byte searches and decoding
the usage object alone, where decoding the whole line cost several times
that. Anything less plain is read in full.
"""

from __future__ import annotations

import json

from interstat_parsers.notifications import MARKER

_scan_once = json.JSONDecoder().scan_once
_USAGE_KEY = b'"usage":'
_STOP_KEY = b'"stop_reason":'
# Lines holding any of these are read in full: a sub-agent call, a
# notification, or a tool result (which may quote transcript lines).
_READ_IN_FULL = (b'"Agent"', b'"Task"', MARKER, b'"tool_result"')


def _plain(value: object) -> bool:
    # Ids are written as-is only when JSON needs no escape for them.
    return isinstance(value, str) and value.isascii() and '"' not in value and "\\" not in value


class LastResponse:
    """What a full read of a response's line found: its ids, as bytes, and its usage."""

    def __init__(self, message_id: str, request_id: str, usage: dict, stopped: bool):
        self.message = b'"id":"' + message_id.encode() + b'"'
        self.request = b'"requestId":"' + request_id.encode() + b'"'
        self.usage = usage
        self.stopped = stopped

    @classmethod
    def of(cls, line: dict, message: dict, usage: object, stopped: bool) -> LastResponse | None:
        message_id, request_id = message.get("id"), line.get("requestId")
        if _plain(message_id) and _plain(request_id) and isinstance(usage, dict):
            return cls(message_id, request_id, usage, stopped)
        return None

    def repeated_by(self, data: bytes) -> bool:
        """Whether ``data`` is another line of this response that adds nothing."""
        # bytes.find, not "in": see prefilter.may_matter.
        find = data.find
        if find(self.message) < 0 or find(self.request) < 0:
            return False
        if any(find(marker) >= 0 for marker in _READ_IN_FULL):
            return False
        if not self.stopped and (data.count(_STOP_KEY) != 1 or find(_STOP_KEY + b"null") < 0):
            return False
        return _usage(data) == self.usage


def _usage(data: bytes) -> object:
    # The message's usage is its last "usage" key: content comes before it.
    start = data.rfind(_USAGE_KEY)
    if start < 0:
        return None
    try:
        return _scan_once(data[start + len(_USAGE_KEY):].decode("utf-8"), 0)[0]
    except (UnicodeDecodeError, StopIteration, ValueError, RecursionError):
        return None
