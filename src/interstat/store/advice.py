"""How a message tells the user to use another store, in the words of where it is read.

Commands take ``--db``. The capture hook runs under Claude Code, which gives
it no option the user chose: there, another store is named by
``INTERSTAT_DB`` or by ``paths.db`` in the config file.
"""

from __future__ import annotations

_for_hook = False


def word_for_hook(on: bool) -> None:
    """Word the advice for the capture hook (``on``) or, as by default, for commands."""
    global _for_hook
    _for_hook = on


def another_store(target: str | None = None) -> str:
    """'point --db at TARGET' (or 'give --db'), or the hook's way of saying it."""
    if _for_hook:
        named = "set INTERSTAT_DB (or paths.db in the config file)"
        return f"{named} to {target}" if target else named
    return f"point --db at {target}" if target else "give --db"
