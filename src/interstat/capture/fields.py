"""Typed reads of hook JSON: every field is optional and may have the wrong type.

A value of the wrong type counts as absent, so odd input can never be stored
as if it were right. Counts, flags and the prompt digest are shared with the
parsers: ``interstat.store.values``.
"""

from __future__ import annotations

#: Longest id or name we accept; Claude Code's ids are a few dozen characters.
ID_LIMIT = 256
#: Longest path we accept (PATH_MAX on Linux).
PATH_LIMIT = 4096


def text(value: object, limit: int = ID_LIMIT) -> str | None:
    """A non-empty string of at most ``limit`` characters, else None.

    A string with lone surrogates (possible in JSON, impossible in UTF-8) is
    broken input: it counts as absent rather than being stored mangled.
    """
    if not isinstance(value, str) or not value or len(value) > limit:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return value


def mapping(value: object) -> dict:
    """A JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def content_length(content: object) -> int | None:
    """Characters of text in a tool result: a string, or a list of text blocks."""
    if isinstance(content, str):
        return len(content)
    if not isinstance(content, list):
        return None
    blocks = [block for block in content if isinstance(block, dict)]
    texts = [block.get("text") for block in blocks if block.get("type") == "text"]
    return sum(len(piece) for piece in texts if isinstance(piece, str))
