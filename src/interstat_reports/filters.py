"""Which runs a report or status looks at, as a parameterised SQL condition.

Every filter but the dates is a list of globs (``*``, ``?``, ``[...]``, case
sensitive, as SQLite's GLOB reads them); a plain id is a glob that matches
itself. Several values of one filter match any of them; different filters
must all match. This module is on ``interstat status``'s fast path: standard
library and attrs only.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from typing import Any

import attrs

from interstat.errors import ConfigError

#: Filter name -> agent_runs column. Column names only ever come from here.
GLOB_COLUMNS = {
    "projects": "project",
    "agents": "agent_name",
    "models": "model",
    "sessions": "session_id",
    "workflows": "workflow_id",
}


@attrs.frozen
class Filters:
    """``since`` and ``until`` are UTC bounds in the store's timestamp format."""

    since: str | None = None
    until: str | None = None
    projects: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    sessions: tuple[str, ...] = ()
    workflows: tuple[str, ...] = ()

    def where(self) -> tuple[str, list[Any]]:
        """A condition for ``agent_runs`` (``1`` when nothing is filtered) and its values."""
        parts: list[str] = []
        values: list[Any] = []
        if self.since is not None:
            parts.append("started_at >= ?")
            values.append(self.since)
        if self.until is not None:
            parts.append("started_at < ?")
            values.append(self.until)
        for field, column in GLOB_COLUMNS.items():
            globs = getattr(self, field)
            if globs:
                parts.append("(" + " OR ".join(f"{column} GLOB ?" for _ in globs) + ")")
                values.extend(globs)
        return (" AND ".join(parts) or "1"), values

    def to_dict(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "until": self.until,
            **{field: list(getattr(self, field)) for field in GLOB_COLUMNS},
        }

    @property
    def active(self) -> bool:
        return any(self.to_dict().values())


def store_timestamp(moment: datetime) -> str:
    """``moment`` as the store writes times: ISO 8601 UTC with milliseconds and a Z."""
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_bound(text: str, *, utc: bool, end: bool) -> str:
    """A ``--since`` (``end`` false) or ``--until`` value as a UTC store timestamp.

    A date alone means the start of that day for ``--since`` and the start of
    the next day for ``--until`` (whose bound is exclusive), so
    ``--since 2026-12-01 --until 2026-12-01`` is that whole day. Times without
    an offset are local unless ``utc``.
    """
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"{text!r} is not a date; use YYYY-MM-DD or an ISO 8601 time like 2026-12-01T09:30"
        ) from None
    date_only = len(text.strip()) == 10
    if date_only:
        moment = datetime.combine(moment.date(), time())
        if end:
            moment += timedelta(days=1)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc) if utc else moment.astimezone()
    return store_timestamp(moment)
