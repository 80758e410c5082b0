"""Reading the first bytes of a file (``SourceFile.head``) without the file."""

from __future__ import annotations

import re
from functools import lru_cache

from interstat_parsers.fields import decode_line, text
from interstat_parsers.versions import Version, parse_version

_BOM = b"\xef\xbb\xbf"
# For a first line longer than the head, whose end (with its top-level
# "version") is not in the head.
_VERSION_FIELD = re.compile(rb'"version"\s*:\s*"(\d+\.\d+\.\d+)')


@lru_cache(maxsize=8)
def head_lines(head: bytes) -> tuple[dict | str, ...]:
    """The head's complete lines, decoded (a reason string for bad ones)."""
    lines = head.split(b"\n")[:-1]
    if lines and lines[0].startswith(_BOM):
        lines[0] = lines[0][len(_BOM):]
    return tuple(decode_line(line) for line in lines if line.strip())


def head_objects(head: bytes) -> list[dict]:
    return [line for line in head_lines(head) if isinstance(line, dict)]


def head_version(head: bytes) -> Version | None:
    for line in head_objects(head):
        version = parse_version(line.get("version"))
        if version is not None:
            return version
    match = _VERSION_FIELD.search(head)
    return parse_version(match.group(1).decode("ascii")) if match else None


def only_summaries(head: bytes) -> bool:
    lines = head_lines(head)
    return bool(lines) and all(
        isinstance(line, dict) and line.get("type") == "summary" for line in lines
    )


def first_agent_id(head: bytes) -> str | None:
    """The agentId on the head's first message line, when it is a sidechain line."""
    for line in head_objects(head):
        if line.get("type") in ("user", "assistant"):
            if line.get("isSidechain") is True:
                return text(line.get("agentId"))
            return None
    return None
