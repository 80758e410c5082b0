"""Claude Code versions and the format changes tied to them (see FORMATS.md)."""

from __future__ import annotations

import re

Version = tuple[int, int, int]

_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")

#: Sub-agent messages moved out of the session file into agent-<id>.jsonl.
FLAT_FROM: Version = (2, 0, 28)
#: Agent files moved into <sessionId>/subagents/.
SUBAGENTS_FROM: Version = (2, 1, 2)
#: Versions whose per-block lines may keep the streaming placeholder for
#: output_tokens (seen in 2.1.38 and 2.1.39; fixed in 2.1.97 per the changelog).
PLACEHOLDER_FROM: Version = (2, 1, 0)
PLACEHOLDER_UNTIL: Version = (2, 1, 97)


#: Every line names its version and a file holds few: parse each string once.
_PARSED: dict[str, Version | None] = {}
_PARSED_LIMIT = 256


def parse_version(value: object) -> Version | None:
    if not isinstance(value, str):
        return None
    try:
        return _PARSED[value]
    except KeyError:
        pass
    match = _VERSION.match(value)
    version = None
    if match is not None:
        major, minor, patch = (int(part) for part in match.groups())
        version = (major, minor, patch)
    if len(_PARSED) < _PARSED_LIMIT:
        _PARSED[value] = version
    return version


def era_of_version(version: Version) -> str:
    if version < FLAT_FROM:
        return "inline"
    if version < SUBAGENTS_FROM:
        return "flat"
    return "subagents"


def may_hold_placeholders(version: Version | None) -> bool:
    return version is not None and PLACEHOLDER_FROM <= version < PLACEHOLDER_UNTIL
