"""Replaying recorded hook inputs, as Claude Code would have sent them.

Each file holds one event's JSON and is named ``<nanoseconds>-<Event>-<pid>.json``
(the corpus and the demo sample are recorded that way), so the name gives
both the event and the moment it fired. SessionEnd is skipped: a replay is
followed by an explicit analyze instead of one started per session.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from interstat.capture.hook import store_event
from interstat.capture.intake import parse_input
from interstat.capture.warn import warn
from interstat.store.times import format_time


def _moment(nanoseconds: str) -> str | None:
    if not nanoseconds.isdigit():
        return None
    return format_time(datetime.fromtimestamp(int(nanoseconds) / 1e9, tz=timezone.utc))


def replay_hook_files(paths: list[Path], store_path: Path) -> int:
    """Apply each recorded event in the order given; returns how many were read."""
    replayed = 0
    for path in paths:
        stamp, _, rest = path.stem.partition("-")
        named = rest.rsplit("-", 1)[0] or None
        payload = parse_input(path.read_bytes())
        if payload is None:
            warn(f"{path.name}: not a hook input; skipped")
            continue
        event = payload.get("hook_event_name") or named
        if event == "SessionEnd" or not isinstance(event, str):
            continue
        store_event(store_path, event, path.read_bytes(), payload, _moment(stamp))
        replayed += 1
    return replayed
