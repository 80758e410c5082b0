"""Reading the hook's stdin: bounded in size, and only JSON objects pass."""

from __future__ import annotations

from io import BufferedIOBase

from interstat.capture.jsonread import loads
from interstat.capture.warn import warn

#: A sub-agent tool call carries its prompt and answer; more than this is
#: not a hook input we can use, and reading it all would only cost memory.
INPUT_LIMIT_BYTES = 8 * 1024 * 1024
_DISCARD_CHUNK = 1024 * 1024


def read_input(stream: BufferedIOBase | None) -> bytes | None:
    """The raw hook input, or None (after one warning) when it is unusable."""
    if stream is None:
        warn("no stdin; a hook gets its event as JSON on stdin")
        return None
    if stream.isatty():
        warn("'interstat hook' reads a Claude Code hook event as JSON on stdin")
        return None
    data = stream.read(INPUT_LIMIT_BYTES + 1)
    if len(data) > INPUT_LIMIT_BYTES:
        # Read the rest so the writer does not fail on a closed pipe.
        while stream.read(_DISCARD_CHUNK):
            pass
        warn(f"hook input is larger than {INPUT_LIMIT_BYTES // (1024 * 1024)} MiB; event skipped")
        return None
    if not data.strip():
        warn("empty hook input; a hook gets its event as JSON on stdin")
        return None
    return data


def parse_input(raw: bytes) -> dict | None:
    """The hook input as a JSON object, or None (after one warning)."""
    try:
        payload = loads(raw)
    except (ValueError, RecursionError) as error:
        warn(f"hook input is not valid JSON ({type(error).__name__}); event skipped")
        return None
    if not isinstance(payload, dict):
        warn("hook input is not a JSON object; event skipped")
        return None
    return payload
