"""RunTranscript facts of agent files: meta, kinds, workflows, resumed reads."""

from __future__ import annotations

import hashlib

from parser_support import (
    SESSION,
    agent_file,
    assistant,
    corpus_folder,
    of_type,
    parse,
    usage,
    user,
    write_lines,
)

from interstat.records import RunTranscript


def run_lines(agent_id: str, prompt: str = "review foo.py", *, version: str = "2.1.332"):
    marks = {"agentId": agent_id, "isSidechain": True, "cwd": "/home/u/proj"}
    return [
        user(prompt, version=version, **marks),
        assistant("m1", usage(1), version=version, content=[
            {"type": "text", "text": "part one"}], **marks),
        assistant("m1", usage(1, 5), version=version, content=[
            {"type": "text", "text": "part two"}], **marks),
        assistant("m2", usage(1, 5), version=version, timestamp="2026-01-01T00:09:00.000Z",
                  content=[{"type": "tool_use", "id": "t", "name": "Read", "input": {}}],
                  **marks),
    ]


def transcript_of(path) -> RunTranscript:
    [run] = of_type(parse(path), RunTranscript)
    return run


def test_meta_fields_fill_the_run_transcript(tmp_path):
    meta = {"agentType": "fd-safety", "description": "Run fd-safety", "toolUseId": "toolu_7",
            "requestShape": "background", "model": "claude-opus-5-5", "spawnDepth": 1}
    run = transcript_of(agent_file(tmp_path, "a1", run_lines("a1"), meta=meta))
    assert run == RunTranscript(
        session_id=SESSION, owner="agent:a1", agent_id="a1", tool_use_id="toolu_7",
        kind="dispatched", layout="subagents", agent_name="fd-safety",
        description="Run fd-safety", background=True, model="claude-opus-5-5",
        started_at="2026-01-01T00:00:01.000Z", ended_at="2026-01-01T00:09:00.000Z",
        final_text="part one\npart two",
        prompt_sha256=hashlib.sha256(b"review foo.py").hexdigest(),
        transcript_path=str(tmp_path / "proj" / SESSION / "subagents" / "agent-a1.jsonl"),
        project="/home/u/proj", workflow_id=None, version="2.1.332",
    )


def test_without_meta_the_meta_fields_are_unknown(tmp_path):
    run = transcript_of(agent_file(tmp_path, "a2", run_lines("a2")))
    assert (run.tool_use_id, run.agent_name, run.background, run.model) == (None,) * 4
    meta = {"requestShape": "foreground"}
    assert transcript_of(agent_file(tmp_path, "a3", run_lines("a3"), meta=meta)).background is False


def test_workflow_agents_name_their_workflow(tmp_path):
    folder = tmp_path / "proj" / SESSION / "subagents" / "workflows" / "wf_42"
    folder.mkdir(parents=True)
    run = transcript_of(write_lines(folder / "agent-a4.jsonl", run_lines("a4")))
    assert (run.workflow_id, run.agent_id, run.session_id) == ("wf_42", "a4", SESSION)


def test_side_transcripts_are_named_by_their_agent_id(tmp_path):
    compaction = "acompact-e1f845"
    side = "aside_question-c5e5c961a7749e08"
    assert transcript_of(agent_file(tmp_path, compaction, run_lines(compaction))).kind == (
        "compaction")
    assert transcript_of(agent_file(tmp_path, side, run_lines(side))).kind == "side_question"


def test_warmup_agents_exist_only_in_the_flat_era(tmp_path):
    folder = tmp_path / "proj"
    folder.mkdir()
    flat = write_lines(folder / "agent-a5.jsonl", run_lines("a5", "Warmup", version="2.0.76"))
    assert transcript_of(flat).kind == "warmup"
    later = agent_file(tmp_path, "a6", run_lines("a6", "Warmup", version="2.1.332"))
    assert transcript_of(later).kind == "dispatched"


def test_a_resumed_read_takes_prompt_and_start_from_the_head(tmp_path):
    folder = tmp_path / "proj"
    folder.mkdir()
    path = write_lines(folder / "agent-a7.jsonl", run_lines("a7", "Warmup", version="2.0.76"))
    offset = sum(len(line) + 1 for line in path.read_bytes().split(b"\n")[:3])
    [run] = of_type(parse(path, start=offset), RunTranscript)
    assert (run.kind, run.prompt_sha256, run.started_at, run.ended_at, run.final_text) == (
        "warmup", hashlib.sha256(b"Warmup").hexdigest(), "2026-01-01T00:00:01.000Z",
        "2026-01-01T00:09:00.000Z", None)


def test_a_renamed_agent_file_is_known_by_its_lines():
    run = transcript_of(corpus_folder() / "public" / "grc_2.0.60_agent-0cbdf933.jsonl")
    assert (run.agent_id, run.owner, run.layout) == ("0cbdf933", "agent:0cbdf933", "flat")
