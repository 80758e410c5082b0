"""The ``agent-<id>.meta.json`` Claude Code writes beside an agent file (2.1.70+)."""

from __future__ import annotations

from pathlib import Path

from interstat_parsers.fields import as_dict, decode_line, text
from interstat_parsers.paths import meta_path

# A meta file is a few hundred bytes; anything far larger is not one.
_MAX_META_BYTES = 1024 * 1024

_SHAPES = {"background": True, "foreground": False}


def read_meta(transcript: Path) -> dict:
    """The meta object of this agent transcript, or an empty dict."""
    try:
        with open(meta_path(transcript), "rb") as stream:
            data = stream.read(_MAX_META_BYTES + 1)
    except OSError:
        return {}
    if len(data) > _MAX_META_BYTES:
        return {}
    return as_dict(decode_line(data))


def background_of(meta: dict) -> bool | None:
    shape = text(meta.get("requestShape"))
    return _SHAPES.get(shape) if shape else None
