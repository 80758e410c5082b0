"""The ordinary parts of a transcript: its opening lines, tool turns and closing lines."""

from __future__ import annotations

from .lines import Transcript, esc
from .plan import Call
from .sizes import KB


def opening(t: Transcript, size: int, model: str) -> None:
    """What Claude Code writes before the first API call; big attachments only
    in files big enough to hold them, so small files stay small."""
    room = min(1.0, size / (200 * KB))
    t.attachment("deferred_tools_delta",
                 '"addedNames":["Monitor","NotebookEdit","WebFetch","WebSearch"],'
                 '"removedNames":[],"readdedNames":[]',
                 "The following deferred tools are now available: "
                 + t.prose(100, 100 + int(800 * room)))
    t.attachment("environment",
                 '"snapshot":{"workingDirectory":"%s","isWorktree":false,"isGitRepo":true,'
                 '"platform":"linux","shell":"bash"}' % esc(t.cwd),
                 "# Environment\\n - Primary working directory: %s" % esc(t.cwd))
    t.attachment("model", '"identity":{"modelId":"%s"}' % model,
                 "You are powered by the model %s." % model)
    if room > 0.2:
        t.attachment("skill_listing", '"content":"%s"' % t.prose(2000, int(13 * KB * room)))
        t.attachment("date", '"date":"%s"' % t.clock.tick()[:10])
    if room > 0.4:
        t.attachment("prompt_snapshot", '"systemPrompt":["%s"]' % t.prose(3000, int(8 * KB * room)))
        t.record("api-request-shape", '"shapeHash":"%s","timestamp":"%s","version":"2.1.332",'
                 '"shape":{"system":[{"type":"text","text":"%s"}],"tools":["%s"]}'
                 % (t.shape_hash, t.clock.tick(), t.prose(4000, int(20 * KB * room)),
                    t.code(4000, int(18 * KB * room))))
        t.record("api-request-blob", '"hash":"%s","message":{"role":"system","content":'
                 '[{"type":"text","text":"%s"}]}' % (t.ids.sha(), t.prose(800, 9000)))


def session_opening(t: Transcript, size: int, model: str) -> None:
    prompt = t.prose(40, min(1500, 40 + size // 10))
    t.record("queue-operation", '"operation":"enqueue","timestamp":"%s","content":"%s"'
             % (t.clock.tick(), prompt))
    t.record("queue-operation", '"operation":"dequeue","timestamp":"%s"' % t.clock.tick())
    t.user_prompt(prompt)
    opening(t, size, model)
    t.emit('{"type":"atis-latch","atis":"","sessionId":"%s"}\n' % t.session_id)


def tool_block(t: Transcript, call: Call) -> str:
    tool, path = call.tool, "%s/src/%s.py" % (esc(t.cwd), t.rng.choice(("app", "store", "cli")))
    if tool == "Read":
        args = '"file_path":"%s"' % path
    elif tool == "Bash":
        args = '"command":"python -m pytest -q tests/ -k %s","description":"Run the tests"' % (
            t.rng.choice(("store", "parse", "report")))
    elif tool == "Grep":
        args = '"pattern":"def %s","path":"%s","output_mode":"content"' % (
            t.rng.choice(("load", "scan", "sum")), esc(t.cwd))
    else:
        args = '"file_path":"%s","old_string":"%s","new_string":"%s"' % (
            path, t.code(80, 700), t.code(80, 900))
    return '{"type":"tool_use","id":"%s","name":"%s","input":{%s}}' % (call.tool_id, tool, args)


def thinking_block(t: Transcript) -> str:
    return '{"type":"thinking","thinking":"%s","signature":"%s"}' % (
        t.prose(100, 1600), t.ids.sha() + t.ids.sha())


def call_blocks(t: Transcript, call: Call, last: list[str]) -> list[str]:
    """Thinking and a line of text before the tool call, each sometimes."""
    blocks = [thinking_block(t)] if call.thinking else []
    if t.rng.random() < 0.5:
        blocks.append('{"type":"text","text":"%s"}' % t.prose(40, 500))
    return blocks + last


def tool_turn(t: Transcript, call: Call, agent_type: str | None) -> None:
    """One API call that used a tool, and the tool's result."""
    ref = t.api_request(call.model)
    source = t.assistant(call, call_blocks(t, call, [tool_block(t, call)]), ref, agent_type)
    payload = t.slot()
    head = ('"promptId":"%s","type":"user","message":{"role":"user","content":'
            '[{"tool_use_id":"%s","type":"tool_result","content":"' % (t.prompt_id, call.tool_id))
    src = '"sourceToolAssistantUUID":"%s",' % source
    lines = t.rng.randint(20, 2000)
    if call.tool == "Read":
        after = ('"toolUseResult":{"type":"text","file":{"filePath":"%s/src/app.py","content":"'
                 % esc(t.cwd), payload,
                 '","numLines":%d,"startLine":1,"totalLines":%d}},' % (lines, lines), src)
    elif call.tool == "Bash":
        after = ('"toolUseResult":{"stdout":"', payload,
                 '","stderr":"","interrupted":false,"isImage":false,"noOutputExpected":false},',
                 src)
    elif call.tool == "Grep":
        after = ('"toolUseResult":{"mode":"content","numFiles":%d,"filenames":[],"content":"'
                 % t.rng.randint(1, 40), payload, '","numLines":%d},' % lines, src)
    else:
        t.message(head + 'The file has been updated successfully."}]}',
                  after=('"toolUseResult":{"filePath":"%s/src/app.py","userModified":false,'
                         '"replaceAll":false},' % esc(t.cwd), src))
        return
    t.message(head, payload, '"}]}', after=after)


def final_turn(t: Transcript, call: Call, agent_type: str | None, text: str) -> None:
    ref = t.api_request(call.model)
    blocks = [thinking_block(t)] if call.thinking else []
    t.assistant(call, blocks + ['{"type":"text","text":"%s"}' % text], ref, agent_type)


def interlude(t: Transcript) -> None:
    """Lines between a session's turns: a new prompt, a snapshot, a reminder."""
    roll = t.rng.random()
    if roll < 0.05:
        t.message('"type":"system","subtype":"stop_hook_summary","hookCount":1,"hookErrors":[],'
                  '"preventedContinuation":false,"level":"suggestion"')
        t.emit('{"type":"file-history-snapshot","messageId":"%s","snapshot":{"messageId":"%s",'
               '"trackedFileBackups":{},"timestamp":"%s"},"isSnapshotUpdate":false}\n'
               % (t.parent, t.parent, t.clock.tick()))
        t.prompt_id = t.ids.uuid()
        t.user_prompt(t.prose(20, 1200))
    elif roll < 0.09:
        t.attachment("todo_reminder", '"itemCount":%d' % t.rng.randint(1, 9),
                     "The task list: " + t.prose(100, 1500))
    elif roll < 0.11:
        t.emit('{"type":"tools-used","tools":["Read","Bash","Grep"],"sessionId":"%s"}\n'
               % t.session_id)


def session_closing(t: Transcript, calls: list[Call], model: str) -> None:
    t.emit('{"type":"last-prompt","lastPrompt":"%s","leafUuid":"%s","sessionId":"%s"}\n'
           % (t.prose(20, 200), t.parent, t.session_id))
    t.message('"type":"system","subtype":"stop_hook_summary","hookCount":0,"hookInfos":[],'
              '"hookErrors":[],"preventedContinuation":false,"stopReason":"",'
              '"hasOutput":false,"level":"suggestion"')
    real = [c for c in calls if not c.synthetic]
    sums = [sum(getattr(c, f) for c in real)
            for f in ("inp", "out", "cache_read", "cache_creation")]
    t.record("cost-state", '"totalAPIDuration":%d,"modelUsage":{"%s":{"inputTokens":%d,'
             '"outputTokens":%d,"cacheReadInputTokens":%d,"cacheCreationInputTokens":%d}}'
             % (len(real) * 2300, model, *sums))
