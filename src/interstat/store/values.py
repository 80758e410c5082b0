"""Numbers, flags and digests read from untrusted JSON, in the form the store keeps.

Hook input (capture) and transcript lines (the parsers) both go through
these, so a run seen by both gets the same values. Standard library only and
cheap to import: the capture hook imports this on every event.
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

__all__ = ["SQLITE_INT_MAX", "TOKEN_LIMIT", "count", "flag", "prompt_digest", "sha256"]

SQLITE_INT_MAX = 2**63 - 1
#: More tokens than one API call or run can hold. A larger number is garbage,
#: and capping counts here keeps sums over millions of calls inside SQLite's range.
TOKEN_LIMIT = 2**40


def count(value: object, limit: int = SQLITE_INT_MAX) -> int | None:
    """A JSON integer from 0 to ``limit``, else None (booleans are not counts)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= limit else None


def flag(value: object) -> bool | None:
    """A JSON boolean, else None (``"true"`` or 1 are not booleans)."""
    return value if isinstance(value, bool) else None


def prompt_digest(text: str) -> str:
    """Hex SHA-256 of the text's UTF-8 bytes: the store's ``prompt_sha256``.

    ``surrogatepass`` makes any string hashable (JSON may carry lone
    surrogates) and equals plain UTF-8 for every valid string, so the hook's
    digest of a prompt and analyze's digest of the same prompt agree.
    """
    return sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
