"""``interstat hook EVENT [--db PATH]``: what Claude Code runs on every hook event.

It reads the event from stdin, stores what it says about a sub-agent run and
exits 0 whatever happens: a metrics tool must never stop the user's session.
Anything wrong is one line on stderr starting with ``interstat:``.
"""

from __future__ import annotations

import os
import sys

from interstat.capture import spool
from interstat.capture.intake import parse_input, read_input
from interstat.capture.observe import BadInput, extract
from interstat.capture.warn import reset, warn
from interstat.capture.writer import save
from interstat.errors import InterstatError
from interstat.store import advice
from interstat.store.locate import resolve_store_path
from interstat.store.times import utc_now
from interstat.store.values import sha256

USAGE = "usage: interstat hook EVENT [--db PATH] (the event's JSON on stdin)"


def run_hook(args: list[str]) -> int:
    """Handle one hook event; always returns 0."""
    reset()
    advice.word_for_hook(True)
    try:
        _handle(args)
    except InterstatError as error:  # such as a config root that does not exist
        warn(f"{error}; event lost")
    except Exception as error:  # noqa: BLE001 - a bug must not break the session
        warn(f"hook failed: {type(error).__name__}: {error}")
    finally:
        advice.word_for_hook(False)
    return 0


def _parse_args(args: list[str]) -> tuple[str | None, str | None] | None:
    event, db_path, rest = None, None, list(args)
    while rest:
        argument = rest.pop(0)
        if argument == "--db" and rest:
            db_path = rest.pop(0)
        elif argument.startswith("--db="):
            db_path = argument[len("--db="):]
        elif event is None and not argument.startswith("-"):
            event = argument
        else:
            return None
    return event, db_path


def _event_name(named: str | None, payload: dict) -> str | None:
    sent = payload.get("hook_event_name")
    if sent is not None and not isinstance(sent, str):
        sent = None
    if named and sent and named != sent:
        warn(f"hook registered for {named!r} received a {sent!r} event; event skipped")
        return None
    if not (named or sent):
        warn("hook input has no hook_event_name; event skipped")
    return sent or named


def _handle(args: list[str]) -> None:
    parsed = _parse_args(args)
    if parsed is None:
        warn(USAGE)
        return
    named, db_path = parsed
    raw = read_input(sys.stdin.buffer if sys.stdin is not None else None)
    payload = parse_input(raw) if raw is not None else None
    event = _event_name(named, payload) if payload is not None else None
    if event is None:
        return
    store_path = resolve_store_path(db_path)
    if event == "SessionEnd":
        _session_end(store_path, payload)
    elif event == "SessionStart":
        if spool.pending(store_path):
            save(store_path, None)
    else:
        store_event(store_path, event, raw, payload)


def _session_end(store_path: str, payload: dict) -> None:
    from interstat.capture.fields import text
    from interstat.capture.launch import start_analyze

    session_id = text(payload.get("session_id"))
    if session_id is None:
        warn("SessionEnd input has no session_id; nothing to analyze")
        return
    start_analyze(store_path, session_id)


def store_event(
    store_path: str | os.PathLike[str],
    event: str,
    raw: bytes,
    payload: dict,
    received_at: str | None = None,
) -> None:
    try:
        facts = extract(event, payload, os.environ)
    except BadInput as error:
        warn(f"{error}; event skipped")
        return
    if facts is None:
        return
    entry = {
        "event": event,
        # The raw bytes' digest: the same delivery replayed is the same key.
        "key": sha256(raw).hexdigest(),
        "received_at": received_at or utc_now(),
        "facts": facts,
    }
    save(store_path, entry)
