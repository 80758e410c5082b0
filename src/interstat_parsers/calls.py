"""API calls of one file, each kept once with its best numbers.

Claude Code writes one line per content block of a response, each repeating
the usage; ``output_tokens`` grows across them. The copy with the largest
total is the one to keep.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import attrs

from interstat.records import ApiCall, Usage
from interstat_parsers.fields import text
from interstat_parsers.versions import Version, may_hold_placeholders

SYNTHETIC_MODEL = "<synthetic>"


def call_key(line: dict, message: dict) -> str | None:
    """``requestId|message.id``, the message id alone without a request id."""
    message_id = text(message.get("id"))
    if not message_id:
        return None
    request_id = text(line.get("requestId"))
    return f"{request_id}|{message_id}" if request_id else message_id


@attrs.define
class _Call:
    owner: str
    session_id: str
    model: str | None
    usage: Usage
    timestamp: str | None
    synthetic: bool
    stopped: bool
    version: Version | None


@attrs.define
class CallBook:
    """Collects the calls of a file; ``facts`` yields each once."""

    _calls: dict[str, _Call] = attrs.field(factory=dict)

    def add(
        self,
        key: str,
        line: dict,
        message: dict,
        usage: Usage,
        *,
        owner: str,
        session_id: str,
        version: Version | None,
    ) -> None:
        stopped = bool(message.get("stop_reason"))
        known = self._calls.get(key)
        if known is not None:
            known.stopped = known.stopped or stopped
            if usage.total > known.usage.total:
                known.usage = usage
            return
        model = text(message.get("model"))
        self._calls[key] = _Call(
            owner=owner,
            session_id=session_id,
            model=model,
            usage=usage,
            timestamp=text(line.get("timestamp")),
            synthetic=model == SYNTHETIC_MODEL or line.get("isApiErrorMessage") is True,
            stopped=stopped,
            version=version,
        )

    def repeat(self, key: str, message: dict) -> None:
        """Another line of a known call with the same usage: it may carry the stop."""
        known = self._calls[key]
        known.stopped = known.stopped or bool(message.get("stop_reason"))

    def stopped(self, key: str) -> bool:
        """Whether a line of this held call carried its stop reason."""
        call = self._calls.get(key)
        return call is not None and call.stopped

    def __len__(self) -> int:
        return len(self._calls)

    def release_finished(
        self, keep: int, resolve_owner: Callable[[str], str] = str
    ) -> list[ApiCall]:
        """The oldest calls whose closing line was read, leaving at most ``keep`` held.

        A file of gigabytes holds hundreds of thousands of calls; holding them
        all until its end would make memory grow with the file. A released
        call seen again later is stored once all the same (its key is).
        """
        released = []
        for key in list(self._calls)[: max(0, len(self._calls) - keep)]:
            call = self._calls[key]
            if call.stopped:
                del self._calls[key]
                released.append(self._fact(key, call, resolve_owner))
        return released

    def facts(self, resolve_owner: Callable[[str], str] = str) -> Iterator[ApiCall]:
        for key, call in self._calls.items():
            yield self._fact(key, call, resolve_owner)

    @staticmethod
    def _fact(key: str, call: _Call, resolve_owner: Callable[[str], str]) -> ApiCall:
        # In the affected versions a response whose closing line was never
        # written keeps the streaming placeholder as its output count.
        placeholder = (
            not call.synthetic and not call.stopped and may_hold_placeholders(call.version)
        )
        return ApiCall(
            call_key=key,
            session_id=call.session_id,
            owner=resolve_owner(call.owner),
            model=call.model,
            usage=call.usage,
            timestamp=call.timestamp,
            synthetic=call.synthetic,
            output_is_placeholder=placeholder,
        )
