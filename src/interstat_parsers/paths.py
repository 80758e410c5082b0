"""What a transcript's path says: agent file or session file, ids, side files."""

from __future__ import annotations

import re
from pathlib import Path

_AGENT_FILE = re.compile(r"agent-(.+)\.jsonl")

#: Internal side transcripts, named by their agentId's prefix: they cost
#: tokens but no tool call dispatched them.
_SIDE_KINDS = (("acompact", "compaction"), ("aside_question", "side_question"))


def agent_id_from_name(path: Path) -> str | None:
    """``<id>`` of a file named ``agent-<id>.jsonl``."""
    match = _AGENT_FILE.fullmatch(path.name)
    return match.group(1) if match else None


def subagents_folder(path: Path) -> Path | None:
    """The ``subagents`` folder holding this agent file, directly or via a workflow."""
    parent = path.parent
    if parent.name == "subagents":
        return parent
    if parent.name.startswith("wf_") and parent.parent.name == "workflows":
        if parent.parent.parent.name == "subagents":
            return parent.parent.parent
    return None


def workflow_id(path: Path) -> str | None:
    parent = path.parent
    if parent.name.startswith("wf_") and parent.parent.name == "workflows":
        return parent.name
    return None


def session_id_from_path(path: Path) -> str | None:
    """The session a file belongs to, when its path says so."""
    folder = subagents_folder(path)
    if folder is not None:
        return folder.parent.name
    if agent_id_from_name(path) is None:
        return path.stem
    return None


def meta_path(path: Path) -> Path:
    """Where 2.1.70+ writes the agent's ``.meta.json``, beside its transcript."""
    return path.with_name(path.name[: -len(".jsonl")] + ".meta.json")


def side_kind(agent_id: str | None) -> str | None:
    """``compaction`` or ``side_question`` for internal side transcripts."""
    for prefix, kind in _SIDE_KINDS:
        if agent_id and agent_id.startswith(prefix):
            return kind
    return None
