"""Lines about sub-agents in the file that dispatched them: the Agent tool_use
blocks, progress copies, results, background launches and notifications."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .lines import Transcript, esc, usage_json
from .plan import Agent, Call
from .text import TextPool

FRAME = ("[Subagent hand-back] The text below is the final report of a subagent this "
         "session delegated to. The report follows:\\n")
LAUNCHED = ("Async agent launched successfully.\\nagentId: %s (internal ID - do not mention "
            "to user.)\\nThe agent is working in the background. You will be notified "
            "automatically when it completes.\\noutput_file: %s")
FAILURE = ("Agent terminated early due to an API error: API Error: 529 overloaded_error "
           "(model sent to the API: %s)")
PROGRESS_COPIES = 6  # a long run's progress is not all kept; the first calls are enough


@dataclass(frozen=True)
class AgentText:
    """Text about a run that both its own file and its dispatcher's file show;
    seeded by the agent id so the two files agree without sharing state."""

    description: str
    prompt: str
    final: str
    duration_ms: int


def agent_text(pool: TextPool, seed: int, agent: Agent) -> AgentText:
    rng = random.Random(f"agent-text/{seed}/{agent.agent_id}")
    verb = rng.choice(("Review", "Explore", "Audit", "Trace", "Plan", "Check"))
    topic = rng.choice(("store schema", "parser errors", "hook timing", "CLI output"))
    prompt = rng.randint(100, max(150, min(2500, agent.size // 8)))
    final = rng.randint(80, max(100, min(1800, agent.size // 10)))
    return AgentText(esc(f"{verb} {topic}"), pool.prose_text(rng, prompt),
                     pool.prose_text(rng, final), rng.randint(4_000, 900_000))


def last_total(agent: Agent) -> int:
    """What Claude Code reports as totalTokens: the last call's size, not the run's."""
    last = agent.calls[-1]
    return last.context + last.out


def output_file(t: Transcript, agent: Agent) -> str:
    enc = "".join(c if c.isalnum() else "-" for c in t.cwd)
    return "/tmp/claude-0/%s/%s/tasks/%s.output" % (enc, t.session_id, agent.agent_id)


def agent_block(agent: Agent, text: AgentText) -> str:
    extra = ',"model":"%s"' % agent.alias if agent.alias else ""
    extra += ',"run_in_background":%s' % ("true" if agent.background else "false")
    return ('{"type":"tool_use","id":"%s","name":"Agent","input":{"description":"%s",'
            '"prompt":"%s","subagent_type":"%s"%s}}'
            % (agent.tool_use_id, text.description, text.prompt, agent.agent_type, extra))


def result_head(t: Transcript, agent: Agent) -> str:
    return ('"promptId":"%s","type":"user","message":{"role":"user","content":'
            '[{"tool_use_id":"%s","type":"tool_result",' % (t.prompt_id, agent.tool_use_id))


def launched(t: Transcript, agent: Agent, text: AgentText, source: str) -> None:
    out = output_file(t, agent)
    t.message(result_head(t, agent) + '"content":[{"type":"text","text":"%s"}]}]}'
              % (LAUNCHED % (agent.agent_id, out)),
              after=('"toolUseResult":{"isAsync":true,"status":"async_launched","agentId":"%s",'
                     '"description":"%s","resolvedModel":"%s","prompt":"%s","outputFile":"%s",'
                     '"canReadOutputFile":true,"canContinueAgent":true},'
                     '"sourceToolAssistantUUID":"%s",'
                     % (agent.agent_id, text.description, agent.model, text.prompt, out, source),))


def progress(t: Transcript, agent: Agent, text: AgentText, call: Call) -> None:
    """A copy of one of the run's messages, usage included: counting it again
    would double the run."""
    block = ('{"type":"tool_use","id":"%s","name":"%s","input":{}}' % (call.tool_id, call.tool)
             if call.tool else '{"type":"text","text":"%s"}' % text.final)
    t.message('"type":"progress","data":{"message":{"type":"assistant","timestamp":"%s",'
              '"message":{"model":"%s","id":"%s","type":"message","role":"assistant",'
              '"content":[%s],"stop_reason":null,"stop_sequence":null,"usage":%s},'
              '"requestId":"%s","uuid":"%s"},"normalizedMessages":[],"type":"agent_progress",'
              '"prompt":"%s","agentId":"%s"},"toolUseID":"agent_msg_%s","parentToolUseID":"%s"'
              % (t.clock.tick(), call.model, call.msg_id, block, usage_json(call), call.req_id,
                 t.ids.uuid(), text.prompt, agent.agent_id, call.msg_id[4:], agent.tool_use_id))


def completed(t: Transcript, agent: Agent, text: AgentText, source: str) -> None:
    src = '"sourceToolAssistantUUID":"%s",' % source
    if agent.failed:
        error = FAILURE % agent.model
        t.message(result_head(t, agent) + '"content":"%s","is_error":true}]}' % error,
                  after=('"toolUseResult":"Error: %s",' % error, src))
        return
    total, tools = last_total(agent), len(agent.calls) - 1
    t.message(result_head(t, agent) + '"content":[{"type":"text","text":"%s%s\\nagentId: %s\\n'
              '<usage>subagent_tokens: %d\\ntool_uses: %d\\nduration_ms: %d</usage>"}]}]}'
              % (FRAME, text.final, agent.agent_id, total, tools, text.duration_ms),
              after=('"toolUseResult":{"status":"completed","prompt":"%s","agentId":"%s",'
                     '"agentType":"%s","content":[{"type":"text","text":"%s"}],'
                     '"resolvedModel":"%s","totalDurationMs":%d,"totalTokens":%d,'
                     '"totalToolUseCount":%d,"usage":%s,"canContinueAgent":true},'
                     % (text.prompt, agent.agent_id, agent.agent_type, text.final, agent.model,
                        text.duration_ms, total, tools, usage_json(agent.calls[-1])), src))


def notification(t: Transcript, agent: Agent, text: AgentText) -> None:
    """A background run's completion: a queued command, then a user line."""
    result = (FAILURE % agent.model) if agent.failed else text.final
    total = 0 if agent.failed else last_total(agent)
    body = ("<task-notification>\\n<task-id>%s</task-id>\\n<tool-use-id>%s</tool-use-id>\\n"
            "<output-file>%s</output-file>\\n<status>completed</status>\\n<summary>Agent "
            "\\\"%s\\\" finished</summary>\\n<result>%s</result>\\n<usage><subagent_tokens>%d"
            "</subagent_tokens><tool_uses>%d</tool_uses><duration_ms>%d</duration_ms></usage>"
            "\\n</task-notification>"
            % (agent.agent_id, agent.tool_use_id, output_file(t, agent), text.description,
               result, total, len(agent.calls) - 1, text.duration_ms))
    t.record("queue-operation", '"operation":"enqueue","timestamp":"%s","content":"%s"'
             % (t.clock.tick(), body))
    t.prompt_id = t.ids.uuid()
    t.message('"promptId":"%s","type":"user","message":{"role":"user","content":"%s"},'
              '"origin":{"kind":"task-notification","producer":"session-task"},'
              '"promptSource":"system","turnOrigin":"task_notification"' % (t.prompt_id, body))


def dispatch(t: Transcript, call: Call, batch: list[Agent], agent_type: str | None,
             pending: list[tuple[Agent, AgentText]]) -> None:
    """One assistant message starting `batch`; background runs report later,
    so their notifications are queued on `pending` for the caller to place."""
    texts = [agent_text(t.pool, t.seed, a) for a in batch]
    ref = t.api_request(call.model)
    blocks = ['{"type":"text","text":"Dispatching %d agents."}' % len(batch)]
    blocks += [agent_block(a, x) for a, x in zip(batch, texts, strict=True)]
    source = t.assistant(call, blocks, ref, agent_type)
    for agent in batch:
        t.launches[agent.agent_id] = t.clock.ms
    for agent, text in zip(batch, texts, strict=True):
        if agent.background:
            launched(t, agent, text, source)
            pending.append((agent, text))
    for agent, text in zip(batch, texts, strict=True):
        if not agent.background:
            for copied in agent.calls[:PROGRESS_COPIES] if not agent.failed else ():
                progress(t, agent, text, copied)
            t.clock.ms += text.duration_ms // len(batch)  # the batch ran side by side
            completed(t, agent, text, source)
