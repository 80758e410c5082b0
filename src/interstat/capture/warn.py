"""The hook's only output: at most one line on stderr per process.

Claude Code runs the hook tens of times a session; a second line would only
repeat what the first one said.
"""

from __future__ import annotations

import sys

_warned = False


def warn(message: str) -> None:
    """Write ``interstat: message`` to stderr, unless this process already did."""
    global _warned
    if _warned:
        return
    _warned = True
    one_line = message.replace("\r", " ").replace("\n", " ")
    try:
        sys.stderr.write(f"interstat: {one_line}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass  # stderr closed or missing: there is no one to tell


def reset() -> None:
    """Allow one more line (each in-process ``run_hook`` call is its own hook)."""
    global _warned
    _warned = False
