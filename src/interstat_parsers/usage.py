"""Token counts of one API response, read from a message's ``usage``."""

from __future__ import annotations

from typing import Any

import attrs

from interstat.records import Usage
from interstat.store.values import TOKEN_LIMIT
from interstat_parsers.fields import as_dict

#: Usage keys seen in Claude Code's files; strict mode reports any other.
KNOWN_USAGE_KEYS = frozenset(
    {
        "input_tokens", "output_tokens", "cache_read_input_tokens",
        "cache_creation_input_tokens", "cache_creation", "service_tier",
        "server_tool_use", "inference_geo", "iterations", "speed",
        "output_tokens_details", "fallback_credit",
    }
)
KNOWN_CACHE_CREATION_KEYS = frozenset(
    {"ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens"}
)


@attrs.frozen
class UsageReading:
    """``usage`` is None when a counted field holds something other than a count."""

    usage: Usage | None
    unknown_keys: tuple[str, ...] = ()


_FLAT_KEYS = (
    "input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens",
)
_LIFETIME_KEYS = ("ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens")


def _counts(raw: dict, keys: tuple[str, ...]) -> list[int] | None:
    """The count at each key (0 when absent or null); None when one is not a count."""
    # Inlined rather than a call to values.count per key: this runs for every
    # API response read, and for a decoded JSON value ``type(v) is int`` is
    # exactly count's test (a bool is an int to isinstance, never a count).
    found = []
    for key in keys:
        value = raw.get(key)
        if value is None:
            found.append(0)
        elif type(value) is int and 0 <= value <= TOKEN_LIMIT:
            found.append(value)
        else:
            return None
    return found


def read_usage(raw_usage: Any) -> UsageReading:
    raw = as_dict(raw_usage)
    nested = as_dict(raw.get("cache_creation"))
    unknown: list[str] = []
    if not (raw.keys() <= KNOWN_USAGE_KEYS and nested.keys() <= KNOWN_CACHE_CREATION_KEYS):
        unknown = sorted(set(raw) - KNOWN_USAGE_KEYS)
        unknown += sorted(
            f"cache_creation.{key}" for key in set(nested) - KNOWN_CACHE_CREATION_KEYS
        )
    values = _counts(raw, _FLAT_KEYS)
    lifetimes = _counts(nested, _LIFETIME_KEYS)
    if values is None or lifetimes is None:
        return UsageReading(None, tuple(unknown))
    input_tokens, output_tokens, cache_read, flat_creation = values
    five_minutes, one_hour = lifetimes
    return UsageReading(
        _usage(input_tokens, output_tokens, cache_read, flat_creation, five_minutes, one_hour),
        tuple(unknown),
    )


def _usage(
    input_tokens: int,
    output_tokens: int,
    cache_read: int,
    flat_creation: int,
    five_minutes: int,
    one_hour: int,
) -> Usage:
    # Before 2.1.152 the flat field could be 0 while the nested split held the
    # real numbers; a flat count with no split is priced as the 5-minute kind.
    creation = flat_creation or five_minutes + one_hour
    if five_minutes + one_hour == 0 and flat_creation > 0:
        five_minutes = flat_creation
    return Usage(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cache_read_tokens=cache_read,
        cache_creation_tokens=creation,
        cache_creation_5m_tokens=five_minutes,
        cache_creation_1h_tokens=one_hour,
    )
