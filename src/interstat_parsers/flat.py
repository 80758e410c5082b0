"""Claude Code 2.0.28 to 2.1.1: ``agent-<id>.jsonl`` beside the session file."""

from __future__ import annotations

from interstat_parsers.eras import make_parser

PARSER = make_parser(
    "claude-code-flat",
    "flat",
    "Claude Code 2.0.28 to 2.1.1: session files and agent-<id>.jsonl beside them",
)
