"""Whose lines these are: the main thread of a session file, or one agent's file.

A thread router tells the scan which owner each line's calls belong to and
which run's notes the line feeds, and turns its notes into ``RunTranscript``
facts at the end. ``chains.py`` holds the inline era's router.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import attrs

from interstat.records import MAIN_OWNER, Dispatch, RunTranscript, agent_owner
from interstat_parsers.fields import text
from interstat_parsers.head import head_objects
from interstat_parsers.meta import background_of, read_meta
from interstat_parsers.paths import side_kind, workflow_id
from interstat_parsers.runnotes import RunNotes

#: The prompt of the hidden agents 2.0.28 to 2.1.0 start at launch (flat era only).
WARMUP_PROMPT = "Warmup"


class Threads(Protocol):
    #: Whether ``route`` gives final owners, so calls may leave before the end.
    owners_final: bool
    #: Whether every line of a response counts (notes, chains), even one that
    #: only repeats the line before.
    repeats_matter: bool

    def wants(self, data: bytes) -> bool:
        """Whether a line the scan would skip unread must be read anyway."""

    def route(self, line: dict) -> tuple[str, RunNotes | None]:
        """The owner of the line's calls (maybe provisional) and its run's notes."""

    def note_dispatch(self, dispatch: Dispatch) -> None: ...

    def finish(self) -> list[RunTranscript]: ...

    def resolve_owner(self, owner: str) -> str:
        """The final owner for a provisional one given by ``route``."""


class SessionThreads:
    """A session file: the main thread, plus mirrors of agents' lines."""

    owners_final = True
    repeats_matter = False

    def wants(self, data: bytes) -> bool:
        return False

    def route(self, line: dict) -> tuple[str, RunNotes | None]:
        agent_id = text(line.get("agentId"))
        return (agent_owner(agent_id) if agent_id else MAIN_OWNER), None

    def note_dispatch(self, dispatch: Dispatch) -> None:
        pass

    def finish(self) -> list[RunTranscript]:
        return []

    def resolve_owner(self, owner: str) -> str:
        return owner


@attrs.define
class AgentFileThreads:
    """One sub-agent's own transcript (``agent-<id>.jsonl``)."""

    path: Path
    layout: str
    agent_id: str | None
    fallback_session_id: str | None = None
    detect_warmup: bool = False
    notes: RunNotes = attrs.field(factory=RunNotes)
    owners_final = True
    repeats_matter = True  # each line may move the run's end or final answer

    def seed_from_head(self, head: bytes) -> None:
        """On a resumed read, learn the prompt and start from the file's head."""
        for line in head_objects(head):
            if line.get("type") not in ("user", "assistant"):
                continue
            ended_at = self.notes.ended_at
            self.notes.note_line(line)
            # Only the new lines may say when the run ended.
            self.notes.ended_at = ended_at
            if line.get("type") == "user":
                message = line.get("message")
                self.notes.note_user(message if isinstance(message, dict) else {})
            return

    def wants(self, data: bytes) -> bool:
        return self.notes.expects_prompt and data.find(b'"user"') >= 0

    def route(self, line: dict) -> tuple[str, RunNotes | None]:
        agent_id = text(line.get("agentId"))
        self.agent_id = self.agent_id or agent_id
        owner_id = agent_id or self.agent_id
        return (agent_owner(owner_id) if owner_id else MAIN_OWNER), self.notes

    def note_dispatch(self, dispatch: Dispatch) -> None:
        pass

    def resolve_owner(self, owner: str) -> str:
        return owner

    def finish(self) -> list[RunTranscript]:
        if not self.agent_id:
            return []
        meta = read_meta(self.path)
        return [
            RunTranscript(
                owner=agent_owner(self.agent_id),
                agent_id=self.agent_id,
                tool_use_id=text(meta.get("toolUseId")),
                kind=self._kind(),
                layout=self.layout,
                agent_name=text(meta.get("agentType")),
                description=text(meta.get("description")),
                background=background_of(meta),
                model=text(meta.get("model")),
                transcript_path=str(self.path),
                workflow_id=workflow_id(self.path),
                **self.notes.transcript_fields(self.fallback_session_id),
            )
        ]

    def _kind(self) -> str:
        side = side_kind(self.agent_id)
        if side:
            return side
        prompt = self.notes.prompt
        if self.detect_warmup and prompt is not None and prompt.strip() == WARMUP_PROMPT:
            return "warmup"
        return "dispatched"

