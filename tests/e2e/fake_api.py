"""A fake Anthropic Messages API on 127.0.0.1 that answers from a script.

Every request is logged as a :class:`Call` saying which scripted agent and turn
it served and what usage it returned, so tests compute expected totals from the
script and compare them with the log and with what the CLI wrote.  The turn is
the number of assistant messages already in the request.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .replies import (
    Reply,
    agent_reply,
    find_plan,
    main_reply,
    side_reply,
    skill_reply,
    sse_events,
)
from .script import SIDE_USAGE, AgentSpec, Script, SkillPlan, Usage

# A held background run waits this long at most for the main turn to end.
HOLD_TIMEOUT = 30.0
HOLD_GRACE = 0.3


@dataclass
class Call:
    """One request the server answered, with what it answered."""

    seq: int
    kind: str  # main, agent, skill, side, count_tokens or other
    path: str
    key: str | None = None  # "main", the agent's key or the skill's name
    turn: int | None = None
    status: int = 200
    usage: Usage | None = None
    model: str | None = None
    message_id: str | None = None
    session_id: str | None = None
    extra: bool = False  # an agent call beyond its scripted turns
    body: Any = field(default=None, repr=False)


class FakeAnthropic:
    """The server plus the log of every call it answered; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._recorded = threading.Condition(self._lock)
        self._seq = itertools.count(1)
        self._tool_ids = itertools.count(1)
        self._calls: list[Call] = []
        self.errors: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeAnthropic:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def scripted(self, session_id: str | None = None) -> list[Call]:
        """Main and agent calls (no side calls), optionally of one session."""
        return [c for c in self.calls if c.kind in ("main", "agent")
                and (session_id is None or c.session_id == session_id)]

    def calls_of(self, key: str, session_id: str | None = None) -> list[Call]:
        return [c for c in self.scripted(session_id) if c.key == key]

    def record(self, call: Call) -> Call:
        with self._recorded:
            self._calls.append(call)
            self._recorded.notify_all()
        return call

    def _hold_until_main_turn_ended(self, key: str, sid: str | None) -> None:
        def main_answered_again() -> bool:
            return any(c.kind == "main" and c.session_id == sid and (c.turn or 0) >= 1
                       for c in self._calls)

        with self._recorded:
            if not self._recorded.wait_for(main_answered_again, timeout=HOLD_TIMEOUT):
                self.errors.append(f"agent {key} held {HOLD_TIMEOUT}s for a main turn that "
                                   "never came: is it a foreground run?")
        # Let the CLI take in the main reply, so the notification cannot join it.
        time.sleep(HOLD_GRACE)

    def next_seq(self) -> int:
        with self._lock:
            return next(self._seq)

    def answer(self, body: dict[str, Any], sid: str | None) -> tuple[Call, Reply]:
        """Match one Messages request to the script, log it, and say what to send."""
        seq = self.next_seq()
        plan = find_plan(body)
        turn = sum(1 for m in body.get("messages", []) if m.get("role") == "assistant")
        if plan is None:
            kind, key = "side", None
            reply = side_reply()
        elif isinstance(plan, SkillPlan):
            kind, key = "skill", plan.name
            with self._lock:
                reply = skill_reply(plan, body, self._tool_ids)
        else:
            kind = "main" if isinstance(plan, Script) else "agent"
            key = "main" if isinstance(plan, Script) else plan.key
            if isinstance(plan, AgentSpec) and plan.hold and turn == len(plan.turns) - 1:
                self._hold_until_main_turn_ended(plan.key, sid)
            if isinstance(plan, AgentSpec) and plan.delay:
                time.sleep(plan.delay)
            with self._lock:
                reply = (main_reply(plan, turn, self._tool_ids) if isinstance(plan, Script)
                         else agent_reply(plan, turn, self._tool_ids))
        ok = reply.status == 200
        extra = isinstance(plan, AgentSpec) and turn >= len(plan.turns)
        # A failed call spends nothing, so it logs no usage and no message id.
        call = Call(seq, kind, "/v1/messages", key, turn, reply.status,
                    reply.usage if ok else None, str(body.get("model", "claude-fake")),
                    f"msg_fake{seq:06d}" if ok else None, sid, extra, body)
        return self.record(call), reply


def _session_id(headers: Any, body: Any) -> str | None:
    sid = headers.get("X-Claude-Code-Session-Id")
    if sid or not isinstance(body, dict):
        return sid
    try:
        return json.loads(body.get("metadata", {}).get("user_id", "")).get("session_id")
    except (ValueError, AttributeError):
        return None


def _handler_for(api: FakeAnthropic) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            # The default writes every request to stderr, drowning test output.
            pass

        def do_HEAD(self) -> None:
            api.record(Call(api.next_seq(), "other", self.path))
            self._send(200, b"", "application/json")

        do_GET = do_HEAD

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                self._answer(json.loads(raw or b"{}"))
            except Exception as exc:  # noqa: BLE001 - any fault must reach the test
                # A broken script or fake must fail the test loudly, not make the
                # CLI retry or hang; the fake_api fixture asserts errors is empty.
                api.errors.append(f"{self.path}: {exc!r}")
                self._send(500, json.dumps({"type": "error", "error": {
                    "type": "api_error", "message": f"fake API: {exc}"}}).encode())

        def _answer(self, body: Any) -> None:
            sid = _session_id(self.headers, body)
            path = self.path.split("?")[0]
            if path.endswith("/count_tokens"):
                api.record(Call(api.next_seq(), "count_tokens", path, session_id=sid,
                                body=body))
                self._send(200, json.dumps({"input_tokens": SIDE_USAGE.input}).encode())
            elif path != "/v1/messages" or not isinstance(body, dict):
                api.record(Call(api.next_seq(), "other", path, session_id=sid, body=body))
                self._send(404, b'{"type":"error","error":{"type":"not_found_error"}}')
            else:
                call, reply = api.answer(body, sid)
                self._reply(call, reply, bool(body.get("stream")))

        def _reply(self, call: Call, reply: Reply, stream: bool) -> None:
            rid = call.message_id or f"msg_fake{call.seq:06d}"
            if reply.status != 200:
                error = {"type": "error", "error": {"type": "invalid_request_error",
                                                    "message": "scripted failure"}}
                self._send(reply.status, json.dumps(error).encode(), rid=rid)
            elif stream:
                data = sse_events(rid, call.model or "", reply)
                self._send(200, data, "text/event-stream", rid=rid)
            else:
                message = {"id": rid, "type": "message", "role": "assistant",
                           "model": call.model, "content": reply.blocks,
                           "stop_reason": reply.stop_reason, "stop_sequence": None,
                           "usage": reply.usage.as_api()}
                self._send(200, json.dumps(message).encode(), rid=rid)

        def _send(self, status: int, data: bytes, ctype: str = "application/json",
                  rid: str | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            if rid:
                self.send_header("request-id", f"req_{rid}")
            self.end_headers()
            self.wfile.write(data)

    return Handler
