"""Line templates for one transcript file, in the 2.1.332 shapes.

Lines are assembled from %-templates and pre-escaped text rather than
json.dumps: the big tool-result strings are spliced in as `Slot`s whose
length is only fixed once the whole file is laid out (see writer.py).
"""

from __future__ import annotations

import json
import random

from .ids import Clock, Ids
from .plan import Call
from .text import TextPool

VERSION = "2.1.332"

USAGE = (
    '{"input_tokens":%d,"cache_creation_input_tokens":%d,"cache_read_input_tokens":%d,'
    '"output_tokens":%d,"output_tokens_details":{"thinking_tokens":%d},'
    '"server_tool_use":{"web_search_requests":0,"web_fetch_requests":0},'
    '"service_tier":"standard","cache_creation":{"ephemeral_1h_input_tokens":%d,'
    '"ephemeral_5m_input_tokens":%d},"inference_geo":"","iterations":[],'
    '"speed":"standard","fallback_credit":null}'
)

ASSISTANT = (
    '"message":{"id":"%s","type":"message","role":"assistant","model":"%s",'
    '"content":[%s],"stop_reason":"%s","stop_sequence":null,"usage":%s,'
    '"stop_details":null},"apiBlockIndex":%d,"requestId":"%s","requestRef":"%s",'
    '"requestedModel":"%s","promptCacheRequested":"5m",%s"type":"assistant"'
)

SYNTHETIC = (
    '"type":"assistant","message":{"diagnostics":null,"id":"%s","container":null,'
    '"model":"<synthetic>","role":"assistant","stop_details":null,'
    '"stop_reason":"stop_sequence","stop_sequence":"","type":"message","usage":'
    '{"output_tokens_details":null,"input_tokens":0,"output_tokens":0,'
    '"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"server_tool_use":'
    '{"web_search_requests":0,"web_fetch_requests":0},"service_tier":null,'
    '"cache_creation":{"ephemeral_1h_input_tokens":0,"ephemeral_5m_input_tokens":0},'
    '"inference_geo":null,"iterations":null,"speed":null,"fallback_credit":null},'
    '"content":[{"type":"text","text":"API Error: 529 overloaded_error"}],'
    '"context_management":null},"error":"unknown","isApiErrorMessage":true,'
    '"apiErrorStatus":529,"apiErrorType":"overloaded_error"'
)


def usage_json(call: Call) -> str:
    thinking = call.out // 3 if call.thinking else 0
    return USAGE % (call.inp, call.cache_creation, call.cache_read, call.out, thinking,
                    call.cache_1h, call.cache_creation - call.cache_1h)


def esc(text: str) -> str:
    """JSON string body (no quotes) for short text that is not pre-escaped."""
    return json.dumps(text)[1:-1]


class Slot:
    """A tool-result string whose length is settled after layout; it may be
    written more than once (content and toolUseResult repeat the output)."""

    __slots__ = ("weight", "copies", "text")

    def __init__(self, weight: float) -> None:
        self.weight = weight
        self.copies = 0
        self.text = ""


class Transcript:
    """The growing list of parts of one file, with its per-file context."""

    def __init__(self, seed: int, session_id: str, cwd: str, branch: str,
                 agent_id: str | None, start_ms: int, rng: random.Random,
                 pool: TextPool) -> None:
        self.seed, self.session_id, self.cwd, self.agent_id = seed, session_id, cwd, agent_id
        self.rng, self.pool = rng, pool
        self.ids = Ids(rng)
        self.clock = Clock(start_ms, rng)
        self.parts: list[str | Slot] = []
        self.fixed = 0
        self.launches: dict[str, int] = {}  # agent id -> when its dispatch was written
        self.parent: str | None = None
        self.prompt_id = self.ids.uuid()
        self.shape_hash = self.ids.sha()
        side = "true" if agent_id else "false"
        self.head = '"isSidechain":%s,' % side
        self.sid_field = '"sessionId":"%s",' % session_id
        if agent_id:
            self.head += '"agentId":"%s",' % agent_id
            self.sid_field += '"agentId":"%s",' % agent_id
        self.tail = ('"userType":"external","entrypoint":"cli","cwd":"%s","sessionId":"%s",'
                     '"version":"%s","gitBranch":"%s"}\n'
                     % (esc(cwd), session_id, VERSION, esc(branch)))

    def emit(self, *parts: str | Slot) -> None:
        for p in parts:
            if isinstance(p, Slot):
                p.copies += 1
            else:
                self.fixed += len(p)
        self.parts.extend(parts)

    def slot(self) -> Slot:
        return Slot(self.rng.lognormvariate(0.0, 0.9))

    def message(self, *body: str | Slot, after: tuple[str | Slot, ...] = ()) -> str:
        """A chained message line; `after` goes between timestamp and the tail."""
        uuid = self.ids.uuid()
        parent = '"%s"' % self.parent if self.parent else "null"
        self.emit('{"parentUuid":%s,%s' % (parent, self.head), *body,
                  ',"uuid":"%s","timestamp":"%s",' % (uuid, self.clock.tick()), *after,
                  self.tail)
        self.parent = uuid
        return uuid

    def record(self, kind: str, body: str) -> None:
        """A non-message line (no uuid chain): queue ops, api requests, state."""
        self.emit('{"type":"%s",%s%s}\n' % (kind, self.sid_field, body))

    def prose(self, lo: int, hi: int) -> str:
        return self.pool.prose_text(self.rng, self.rng.randint(lo, hi))

    def code(self, lo: int, hi: int) -> str:
        return self.pool.code_text(self.rng, self.rng.randint(lo, hi))

    def user_prompt(self, text: str) -> str:
        return self.message(
            '"promptId":"%s","type":"user","message":{"role":"user","content":"%s"},'
            '"permissionMode":"default","promptSource":"user"' % (self.prompt_id, text))

    def attachment(self, kind: str, fields: str, rendered: str = "") -> None:
        body = '"attachment":{"type":"%s",%s},"type":"attachment"' % (kind, fields)
        if rendered:
            body += (',"rendered":[{"content":"<system-reminder>\\n%s\\n</system-reminder>"}],'
                     '"renderedRole":"system"' % rendered)
        self.message(body)

    def api_request(self, model: str) -> str:
        rid = self.ids.uuid()
        source = "agent:builtin:general-purpose" if self.agent_id else "cli"
        self.record("api-request", (
            '"id":"%s","timestamp":"%s","version":"%s","querySource":"%s","shapeHash":"%s",'
            '"params":{"model":"%s","betas":["claude-code-20250219",'
            '"interleaved-thinking-2025-05-14","context-management-2025-06-27"],'
            '"max_tokens":64000,"thinking":{"type":"adaptive","display":"omitted"},'
            '"output_config":{"effort":"medium"}},"thread":{"type":"none"},"keep":0,'
            '"tail":["%s"],"requestDigest":"%s"'
            % (rid, self.clock.tick(), VERSION, source, self.shape_hash, model,
               self.ids.sha(), self.ids.sha())))
        return rid

    def assistant(self, call: Call, blocks: list[str], request_ref: str,
                  agent_type: str | None = None) -> str:
        """One line per content block, each repeating id, requestId and usage."""
        usage = usage_json(call)
        stop = "tool_use" if call.tool else "end_turn"
        attribution = '"attributionAgent":"%s",' % agent_type if agent_type else ""
        for index, block in enumerate(blocks):
            self.message(ASSISTANT % (call.msg_id, call.model, block, stop, usage, index,
                                      call.req_id, request_ref, call.model, attribution),
                         after=('"effort":"medium","madeBy":"model",',))
        return self.parent or ""

    def synthetic(self, call: Call) -> None:
        self.message(SYNTHETIC % call.msg_id, after=('"failedResponseHadNoToolCall":true,',))
