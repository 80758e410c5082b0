"""Reading fields of decoded lines without trusting their types.

Every field of Claude Code's files is optional and may hold anything, so
these helpers return a safe empty value instead of raising. Counts, flags
and the prompt digest are shared with capture: ``interstat.store.values``.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_EMPTY: dict = {}


# The C scanner behind json.loads, called directly: json.loads adds two regex
# matches and three Python calls per line, a fifth of the cost of a short one.
_scan_once = json.JSONDecoder().scan_once


def decode_line(data: bytes) -> dict | str:
    """The line's JSON object, or the reason it cannot be used."""
    # orjson decodes in about half the standard library's time, and decoding
    # is most of the cost of a line worth reading. What it refuses (lone
    # surrogate escapes, NaN, invalid UTF-8) the standard library decides, as
    # it always did. Integers past 64 bits come back as floats where json
    # gives int: no field that holds a count accepts either.
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return _decode_standard(data)
    return value if isinstance(value, dict) else "not-object"


def _decode_standard(data: bytes) -> dict | str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "invalid-utf8"
    try:
        value, end = _scan_once(text, 0)
        if end != len(text) and text[end:].strip(" \t\n\r"):
            raise ValueError("extra data")
    except (StopIteration, ValueError, RecursionError):
        # Leading blanks, or not JSON: json.loads decides.
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            return "bad-json"
    if not isinstance(value, dict):
        return "not-object"
    return value


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else _EMPTY


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def text(value: Any) -> str | None:
    """A string safe to store: None for non-strings, lone surrogates replaced.

    JSON escapes may carry unpaired surrogates, which SQLite cannot encode.
    """
    if not isinstance(value, str):
        return None
    if value.isascii():  # nearly every id and stamp; no encoding needed to know
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")
    return value


def block_texts(content: Any) -> list[str]:
    """The text of a message's content: a string, or its ``text`` blocks."""
    if isinstance(content, str):
        return [content]
    texts = []
    for block in as_list(content):
        block = as_dict(block)
        if block.get("type") == "text" and isinstance(block.get("text"), str):
            texts.append(block["text"])
    return texts
