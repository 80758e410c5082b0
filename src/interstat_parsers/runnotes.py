"""What one sub-agent run's lines tell: when it ran, its prompt, its last answer."""

from __future__ import annotations

import attrs

from interstat.store.values import prompt_digest
from interstat_parsers.fields import as_dict, as_list, block_texts, text


def prompt_text(message: dict) -> str | None:
    """The text of a user message that is a prompt, not a tool result."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    blocks = [as_dict(block) for block in as_list(content)]
    if not blocks or any(block.get("type") == "tool_result" for block in blocks):
        return None
    texts = block_texts(blocks)
    return "\n".join(texts) if texts else None


@attrs.define
class RunNotes:
    session_id: str | None = None
    project: str | None = None
    version: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    prompt: str | None = None
    messages: int = 0
    _final_message: str | None = None
    _final_texts: list[str] = attrs.field(factory=list)

    def note_line(self, line: dict) -> None:
        """Called for each user or assistant line of the run, in order."""
        self.messages += 1
        timestamp = text(line.get("timestamp"))
        if timestamp:
            self.started_at = self.started_at or timestamp
            self.ended_at = timestamp
        if self.session_id is None:
            self.session_id = text(line.get("sessionId"))
        if self.project is None:
            self.project = text(line.get("cwd"))
        self.version = text(line.get("version")) or self.version

    @property
    def expects_prompt(self) -> bool:
        return self.messages == 0

    def note_user(self, message: dict) -> None:
        # The prompt opens the run; a run whose first message is something
        # else (a copy cut short, a replay) has no prompt we can trust.
        if self.messages == 1 and self.prompt is None:
            self.prompt = prompt_text(message)

    def note_assistant(self, message: dict) -> None:
        texts = [part for part in block_texts(message.get("content")) if part.strip()]
        if not texts:
            return
        message_id = text(message.get("id"))
        if message_id is None or message_id != self._final_message:
            self._final_message = message_id
            self._final_texts = []
        self._final_texts.extend(texts)

    @property
    def final_text(self) -> str | None:
        return text("\n".join(self._final_texts)) if self._final_texts else None

    @property
    def prompt_sha256(self) -> str | None:
        return prompt_digest(self.prompt) if self.prompt is not None else None

    def transcript_fields(self, fallback_session_id: str | None) -> dict[str, str | None]:
        """The ``RunTranscript`` fields the lines give, in every layout."""
        return {
            "session_id": self.session_id or fallback_session_id or "",
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "final_text": self.final_text,
            "prompt_sha256": self.prompt_sha256,
            "project": self.project,
            "version": self.version,
        }
