"""Claude Code 2.1.2 and later: ``<sessionId>/subagents/agent-<id>.jsonl`` (+ meta)."""

from __future__ import annotations

from interstat_parsers.eras import make_parser

PARSER = make_parser(
    "claude-code-subagents",
    "subagents",
    "Claude Code 2.1.2 and later: session files and <sessionId>/subagents/ agent files",
)
