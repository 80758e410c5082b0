"""A fake Anthropic Messages API on 127.0.0.1 that answers from a script.

Each ``POST /v1/messages`` is matched to the main session or to one scripted
sub-agent by the ``DISPATCH``/``SUBAGENT`` prompt in its user messages; the
turn is the number of assistant messages already in the request.  Requests
carrying neither marker (title or summary side calls) get a small fixed reply
and are recorded as ``side`` so tests can leave them out of the totals.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .script import SIDE_USAGE, AgentSpec, Script, ScriptError, Usage, parse_marked


@dataclass
class Call:
    """One request the server answered, with what it answered."""

    seq: int
    kind: str  # main, agent, side, count_tokens or other
    path: str
    key: str | None = None  # "main" or the agent's key
    turn: int | None = None
    status: int = 200
    usage: Usage | None = None
    model: str | None = None
    message_id: str | None = None
    session_id: str | None = None
    extra: bool = False  # an agent call beyond its scripted turns
    body: Any = field(default=None, repr=False)


@dataclass
class Reply:
    """What to send back for one Messages call."""

    blocks: list[dict[str, Any]]
    usage: Usage
    stop_reason: str
    status: int = 200


def _texts(message: dict[str, Any]) -> list[str]:
    content = message.get("content")
    if isinstance(content, str):
        return [content]
    if not isinstance(content, list):
        return []
    return [b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text"]


def find_plan(body: dict[str, Any]) -> Script | AgentSpec | None:
    """The script a request belongs to, from the first marked user text."""
    if not body.get("tools"):
        # Title and summary side calls carry the prompt too, but never tools.
        return None
    for message in body.get("messages", []):
        if message.get("role") != "user":
            continue
        for text in _texts(message):
            plan = parse_marked(text)
            if plan is not None:
                return plan
    return None


def _tool_use(ids: itertools.count, name: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_use", "id": f"toolu_fake{next(ids):05d}", "name": name,
            "input": tool_input}


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def main_reply(script: Script, turn: int, ids: itertools.count) -> Reply:
    """The main session dispatches every top-level agent at once, then ends its turn."""
    if turn == 0 and script.agents:
        blocks = [_text(f"Dispatching {len(script.agents)} agents.")]
        blocks += [_tool_use(ids, "Agent", a.tool_input()) for a in script.agents]
        return Reply(blocks, script.main_usage, "tool_use")
    return Reply([_text(script.raw.get("text", "Done."))], script.main_usage, "end_turn")


def agent_reply(spec: AgentSpec, turn: int, ids: itertools.count) -> Reply:
    """Tool turns first (nested dispatch on turn 0), findings on the last turn."""
    last = len(spec.turns) - 1
    if turn > last:
        return Reply([_text(spec.final_text())], SIDE_USAGE, "end_turn")
    usage = spec.turns[turn]
    if spec.fail_at == turn:
        return Reply([], usage, "error", status=400)
    if turn == last:
        return Reply([_text(spec.final_text())], usage, "end_turn")
    if turn == 0 and spec.agents:
        blocks = [_tool_use(ids, "Agent", child.tool_input()) for child in spec.agents]
        return Reply(blocks, usage, "tool_use")
    return Reply([_tool_use(ids, "Read", {"file_path": spec.file})], usage, "tool_use")


def sse_events(message_id: str, model: str, reply: Reply) -> bytes:
    """The event stream of one response, shaped like the real API's."""
    start_usage = {**reply.usage.as_api(), "output_tokens": 1}
    events: list[tuple[str, dict[str, Any]]] = [("message_start", {
        "type": "message_start",
        "message": {"id": message_id, "type": "message", "role": "assistant", "model": model,
                    "content": [], "stop_reason": None, "stop_sequence": None,
                    "usage": start_usage},
    })]
    for index, block in enumerate(reply.blocks):
        events += _block_events(index, block)
    events.append(("message_delta", {
        "type": "message_delta",
        "delta": {"stop_reason": reply.stop_reason, "stop_sequence": None},
        "usage": reply.usage.as_api(),
    }))
    events.append(("message_stop", {"type": "message_stop"}))
    return b"".join(
        f"event: {name}\ndata: {json.dumps(data)}\n\n".encode() for name, data in events
    )


def _block_events(index: int, block: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    if block["type"] == "text":
        start = {"type": "text", "text": ""}
        delta = {"type": "text_delta", "text": block["text"]}
    else:
        start = {**block, "input": {}}
        delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
    return [
        ("content_block_start", {"type": "content_block_start", "index": index,
                                 "content_block": start}),
        ("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}),
        ("content_block_stop", {"type": "content_block_stop", "index": index}),
    ]


class FakeAnthropic:
    """The server plus the log of every call it answered; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
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
        with self._lock:
            self._calls.append(call)
        return call

    def next_seq(self) -> int:
        with self._lock:
            return next(self._seq)

    def plan_reply(self, plan: Script | AgentSpec, turn: int) -> Reply:
        with self._lock:
            if isinstance(plan, Script):
                return main_reply(plan, turn, self._tool_ids)
            return agent_reply(plan, turn, self._tool_ids)


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
                body = json.loads(raw or b"{}")
            except ValueError:
                body = None
            try:
                self._answer(body)
            except (ScriptError, ValueError) as exc:
                # A broken script must fail the test loudly, not hang the CLI.
                api.errors.append(f"{self.path}: {exc}")
                self._send(500, json.dumps({"type": "error", "error": {
                    "type": "api_error", "message": f"fake API: {exc}"}}).encode())

        def _answer(self, body: Any) -> None:
            seq = api.next_seq()
            sid = _session_id(self.headers, body)
            path = self.path.split("?")[0]
            if path.endswith("/count_tokens"):
                api.record(Call(seq, "count_tokens", self.path, session_id=sid, body=body))
                self._send(200, json.dumps({"input_tokens": SIDE_USAGE.input}).encode())
                return
            if path != "/v1/messages" or not isinstance(body, dict):
                api.record(Call(seq, "other", self.path, session_id=sid, body=body))
                self._send(404, b'{"type":"error","error":{"type":"not_found_error"}}')
                return
            self._messages(seq, sid, body)

        def _messages(self, seq: int, sid: str | None, body: dict[str, Any]) -> None:
            plan = find_plan(body)
            turn = sum(1 for m in body.get("messages", []) if m.get("role") == "assistant")
            if plan is None:
                kind, key = "side", None
                reply = Reply([_text("OK.")], SIDE_USAGE, "end_turn")
            else:
                kind = "main" if isinstance(plan, Script) else "agent"
                key = "main" if isinstance(plan, Script) else plan.key
                if isinstance(plan, AgentSpec) and plan.delay:
                    time.sleep(plan.delay)
                reply = api.plan_reply(plan, turn)
            extra = isinstance(plan, AgentSpec) and turn >= len(plan.turns)
            model = str(body.get("model", "claude-fake"))
            message_id = f"msg_fake{seq:06d}"
            ok = reply.status == 200
            # A failed call spends nothing, so it records no usage and no message id.
            api.record(Call(seq, kind, self.path, key, turn, reply.status,
                            reply.usage if ok else None, model, message_id if ok else None,
                            sid, extra, body))
            if not ok:
                error = {"type": "error", "error": {"type": "invalid_request_error",
                                                    "message": "scripted failure"}}
                self._send(reply.status, json.dumps(error).encode(), rid=message_id)
                return
            if body.get("stream"):
                data = sse_events(message_id, model, reply)
                self._send(200, data, "text/event-stream", rid=message_id)
                return
            message = {"id": message_id, "type": "message", "role": "assistant",
                       "model": model, "content": reply.blocks,
                       "stop_reason": reply.stop_reason, "stop_sequence": None,
                       "usage": reply.usage.as_api()}
            self._send(200, json.dumps(message).encode(), rid=message_id)

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
