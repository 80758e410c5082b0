"""Typed reads of hook JSON: every field is optional and may have the wrong type.

A value of the wrong type counts as absent, so odd input can never be stored
as if it were right.
"""

from __future__ import annotations

try:
    # CPython's built-in SHA-256 spares the hook the OpenSSL start-up that
    # ``hashlib`` pays on import (a few ms on every event). Same digests.
    from _sha2 import sha256  # Python 3.12+
except ImportError:
    try:
        from _sha256 import sha256  # Python 3.10, 3.11
    except ImportError:
        from hashlib import sha256

#: Longest id or name we accept; Claude Code's ids are a few dozen characters.
ID_LIMIT = 256
#: Longest path we accept (PATH_MAX on Linux).
PATH_LIMIT = 4096
_INT_MAX = 2**63 - 1


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


def flag(value: object) -> bool | None:
    """A JSON boolean, else None (``"true"`` or 1 are not booleans)."""
    return value if isinstance(value, bool) else None


def count(value: object) -> int | None:
    """A non-negative JSON integer that fits SQLite, else None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= _INT_MAX else None


def mapping(value: object) -> dict:
    """A JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def digest(value: str) -> str:
    """Hex SHA-256 of the text's UTF-8 bytes; lone surrogates pass through as-is.

    ``surrogatepass`` makes any string hashable and equals plain UTF-8 for
    every valid string, so analyze gets the same digest from a transcript.
    """
    return sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def content_length(content: object) -> int | None:
    """Characters of text in a tool result: a string, or a list of text blocks."""
    if isinstance(content, str):
        return len(content)
    if not isinstance(content, list):
        return None
    blocks = [block for block in content if isinstance(block, dict)]
    texts = [block.get("text") for block in blocks if block.get("type") == "text"]
    return sum(len(piece) for piece in texts if isinstance(piece, str))
