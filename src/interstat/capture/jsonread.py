"""Decoding a hook's JSON input without importing the json package.

json imports re (and with it enum) only to skip blanks around the value: a
fifth of what the capture hook spends on starting. The C scanner json itself
uses needs neither; anything it does not take plainly, and any input it
fails on however it fails, goes to json.loads, so the result and the errors
are json's.
"""

from __future__ import annotations

try:
    from _json import make_scanner
except ImportError:  # another Python than CPython
    make_scanner = None

_CONSTANTS = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}


class _Settings:
    """The attributes the C scanner reads from a JSONDecoder, as json.loads sets them."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = _CONSTANTS.__getitem__


_scan = make_scanner(_Settings()) if make_scanner is not None else None


def loads(raw: bytes) -> object:
    """``json.loads(raw)``, faster to start for a UTF-8 object with no leading blanks."""
    if _scan is not None and raw[:1] == b"{":
        try:
            text = raw.decode("utf-8")
            value, end = _scan(text, 0)
        except Exception:
            # json.loads below says what is wrong. Before Python 3.12 the scanner
            # looks its error class up in json.decoder, which the hook never
            # imports: a cut-off object then raises SystemError, not ValueError.
            pass
        else:
            if not text[end:].strip(" \t\n\r"):
                return value
    import json

    return json.loads(raw)
