"""Reading the first bytes of a file (``SourceFile.head``) without the file."""

from __future__ import annotations

import re
from collections.abc import Iterator

from interstat_parsers.fields import decode_line, text
from interstat_parsers.memo import remember_last
from interstat_parsers.versions import Version, parse_version

_BOM = b"\xef\xbb\xbf"
# For a first line longer than the head, whose end (with its top-level
# "version") is not in the head.
_VERSION_FIELD = re.compile(rb'"version"\s*:\s*"(\d+\.\d+\.\d+)')


def head_lines(head: bytes) -> Iterator[dict | str]:
    """The head's complete lines, decoded one at a time (a reason string for bad ones).

    Lazily: every caller stops at the first line that answers it, and a head
    holds up to 64 KiB of tool results that decoding would only waste time on.
    """
    start = len(_BOM) if head.startswith(_BOM) else 0
    while True:
        end = head.find(b"\n", start)
        if end < 0:
            return
        line = head[start:end]
        start = end + 1
        if line.strip():
            yield decode_line(line)


def head_objects(head: bytes) -> Iterator[dict]:
    return (line for line in head_lines(head) if isinstance(line, dict))


@remember_last
def head_version(head: bytes) -> Version | None:
    for line in head_objects(head):
        version = parse_version(line.get("version"))
        if version is not None:
            return version
    match = _VERSION_FIELD.search(head)
    return parse_version(match.group(1).decode("ascii")) if match else None


def only_summaries(head: bytes) -> bool:
    seen = False
    for line in head_lines(head):
        if not isinstance(line, dict) or line.get("type") != "summary":
            return False
        seen = True
    return seen


def first_agent_id(head: bytes) -> str | None:
    """The agentId on the head's first message line, when it is a sidechain line."""
    for line in head_objects(head):
        if line.get("type") in ("user", "assistant"):
            if line.get("isSidechain") is True:
                return text(line.get("agentId"))
            return None
    return None
