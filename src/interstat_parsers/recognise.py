"""Which format era a transcript belongs to, from its head and its path.

The version Claude Code wrote on the first lines decides. A file whose head
names no version is placed by its path (``subagents/`` or ``agent-*.jsonl``);
a session file holding only ``summary`` lines (written by 1.0.x and 2.0.x on
resume) goes to the inline era; anything else is left to no parser, so the
host reports it as an unknown format and can retry once the file has grown.
"""

from __future__ import annotations

from interstat.registry import SourceFile
from interstat_parsers.head import head_version, only_summaries
from interstat_parsers.memo import remember_last
from interstat_parsers.paths import agent_id_from_name, subagents_folder
from interstat_parsers.versions import era_of_version


@remember_last
def era_of(source: SourceFile) -> str | None:
    """``inline``, ``flat``, ``subagents``, or None for a file of no known era."""
    if source.path.suffix != ".jsonl":
        return None
    version = head_version(source.head)
    if version is not None:
        return era_of_version(version)
    if subagents_folder(source.path) is not None:
        return "subagents"
    if agent_id_from_name(source.path) is not None:
        return "flat"
    if only_summaries(source.head):
        return "inline"
    return None
