"""Times as the store keeps them: ISO 8601 UTC with milliseconds and a ``Z``.

That is how Claude Code writes its timestamps, so stored times from hooks,
transcripts and interstat itself compare as text. Standard library only.
"""

from __future__ import annotations

try:
    # The C module itself: the datetime package's Python layer costs the
    # capture hook (which stores every event's time) about a millisecond to
    # import. The classes are the very same ones.
    from _datetime import datetime, timezone
except ImportError:  # an interpreter without CPython's C module
    from datetime import datetime, timezone


def format_time(moment: datetime) -> str:
    """An aware ``moment`` in the stored format (sub-millisecond digits dropped)."""
    utc = moment.astimezone(timezone.utc)
    return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def utc_now() -> str:
    """The current time in the stored format."""
    return format_time(datetime.now(timezone.utc))


def parse_time(stamp: str | None) -> datetime | None:
    """A stored (or any ISO 8601) time, or None when absent or unreadable."""
    if not stamp:
        return None
    try:
        # Python 3.10's fromisoformat does not take the "Z".
        return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
