"""Claude Code up to 2.0.27: sub-agent runs are sidechains inside the session file."""

from __future__ import annotations

from interstat_parsers.eras import make_parser

# Linking a chain to its Task call needs the whole file, so a grown file is
# read again from the start (the facts are idempotent).
PARSER = make_parser(
    "claude-code-inline",
    "inline",
    "Claude Code 1.0.x to 2.0.27: sidechain runs inline in the session file",
    resumable=False,
)
