"""Inline-era runs (up to 2.0.27): sidechains inside the session file.

A sub-agent's lines carry ``isSidechain: true`` and no agentId. Each run is
one ``parentUuid`` chain from a sidechain root (a sidechain line whose parent
is null or not a sidechain line). A chain is linked to the ``Task`` call that
started it by its first prompt, which is the call's ``input.prompt``; chains
with equal prompts take the equal calls in dispatch order.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from interstat.records import MAIN_OWNER, Dispatch, RunTranscript, agent_owner, tool_owner
from interstat_parsers.fields import text
from interstat_parsers.runnotes import RunNotes

_SIDECHAIN_MARKERS = (b'"isSidechain":true', b'"isSidechain": true')
_PROVISIONAL = "chain:"
#: Owner of a chain that no Task call in the file explains.
UNLINKED_PREFIX = "sidechain:"


@attrs.define
class _Chain:
    root: str
    notes: RunNotes = attrs.field(factory=RunNotes)
    tool_use_id: str | None = None


@attrs.define
class InlineThreads:
    path: Path
    fallback_session_id: str | None = None
    _root_of: dict[str, str] = attrs.field(factory=dict)
    _chains: dict[str, _Chain] = attrs.field(factory=dict)
    _dispatches: list[Dispatch] = attrs.field(factory=list)
    # An inline run's owner is known only once its chain is: its calls wait.
    owners_final = False
    repeats_matter = True  # every sidechain line keeps its chain connected

    def wants(self, data: bytes) -> bool:
        # Every sidechain line, whatever its type, keeps its chain connected.
        return any(data.find(marker) >= 0 for marker in _SIDECHAIN_MARKERS)

    def route(self, line: dict) -> tuple[str, RunNotes | None]:
        agent_id = text(line.get("agentId"))
        if line.get("isSidechain") is not True or agent_id:
            return (agent_owner(agent_id) if agent_id else MAIN_OWNER), None
        chain = self._chain_for(line)
        return _PROVISIONAL + chain.root, chain.notes

    def _chain_for(self, line: dict) -> _Chain:
        uuid = text(line.get("uuid"))
        parent = text(line.get("parentUuid"))
        root = self._root_of.get(parent) if parent else None
        if root is None:
            root = uuid or f"line-{len(self._chains)}"
            self._chains.setdefault(root, _Chain(root))
        if uuid:
            self._root_of[uuid] = root
        return self._chains[root]

    def note_dispatch(self, dispatch: Dispatch) -> None:
        self._dispatches.append(dispatch)

    def resolve_owner(self, owner: str) -> str:
        if not owner.startswith(_PROVISIONAL):
            return owner
        chain = self._chains.get(owner[len(_PROVISIONAL):])
        if chain is not None and chain.tool_use_id:
            return tool_owner(chain.tool_use_id)
        return UNLINKED_PREFIX + owner[len(_PROVISIONAL):]

    def finish(self) -> list[RunTranscript]:
        self._link()
        return [self._transcript(chain) for chain in self._chains.values()]

    def _link(self) -> None:
        unused = list(self._dispatches)
        for chain in self._chains.values():
            wanted = chain.notes.prompt_sha256
            for dispatch in unused:
                if wanted is not None and dispatch.prompt_sha256 == wanted:
                    chain.tool_use_id = dispatch.tool_use_id
                    unused.remove(dispatch)
                    break

    def _transcript(self, chain: _Chain) -> RunTranscript:
        return RunTranscript(
            owner=self.resolve_owner(_PROVISIONAL + chain.root),
            agent_id=None,
            tool_use_id=chain.tool_use_id,
            kind="dispatched",
            layout="inline",
            transcript_path=str(self.path),
            **chain.notes.transcript_fields(self.fallback_session_id),
        )
