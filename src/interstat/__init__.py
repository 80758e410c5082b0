"""interstat: what Claude Code sub-agent runs really cost.

This package is imported on the capture hook's path, so it imports nothing
heavy itself. ``interstat.hookimpl`` (for plugin authors) is built on first
access, which keeps pluggy off that path; ``typing`` stays off it too.
"""

from __future__ import annotations

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    if name == "hookimpl":
        import pluggy

        return pluggy.HookimplMarker("interstat")
    raise AttributeError(f"module 'interstat' has no attribute {name!r}")
