"""Dispatch, result and run-transcript facts give expected.json's run attributes."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from parser_support import (
    expected_folders,
    load_expected,
    of_type,
    owner_of,
    parse_tree,
    run_totals,
    stored_calls,
)

from interstat.records import Dispatch, DispatchResult, RunTranscript


@pytest.fixture(scope="module", params=expected_folders(), ids=lambda folder: folder.name)
def corpus(request):
    folder: Path = request.param
    facts = parse_tree(folder / "projects")
    dispatches = {fact.tool_use_id: fact for fact in of_type(facts, Dispatch)}
    results = defaultdict(list)
    for result in of_type(facts, DispatchResult):
        results[result.tool_use_id].append(result)
    return folder, facts, dispatches, results, load_expected(folder)


def test_each_run_has_its_dispatch_with_the_agent_and_parent(corpus):
    _folder, _facts, dispatches, _results, runs = corpus
    for run in runs:
        dispatch = dispatches[run["tool_use_id"]]
        assert dispatch.session_id == run["session_id"]
        assert dispatch.agent_name == run["agent_name"], run["tool_use_id"]
        assert dispatch.parent_agent_id == run["parent_agent_id"], run["tool_use_id"]
        assert dispatch.version is not None


def test_runs_share_an_invocation_exactly_when_expected(corpus):
    _folder, _facts, dispatches, _results, runs = corpus
    for first in runs:
        for second in runs:
            same_group = first["invocation_group"] == second["invocation_group"]
            same_invocation = (
                dispatches[first["tool_use_id"]].invocation_id
                == dispatches[second["tool_use_id"]].invocation_id
            )
            assert same_group == same_invocation, (first["tool_use_id"], second["tool_use_id"])


def test_background_is_told_by_the_call_the_meta_or_the_launch(corpus):
    _folder, facts, dispatches, results, runs = corpus
    shapes = {fact.tool_use_id: fact.background for fact in of_type(facts, RunTranscript)}
    for run in runs:
        requested = dispatches[run["tool_use_id"]].background
        if requested is not None:
            assert requested == run["background"], run["tool_use_id"]
        if shapes.get(run["tool_use_id"]) is not None:
            assert shapes[run["tool_use_id"]] == run["background"], run["tool_use_id"]
        launched = any(r.status == "async_launched" for r in results[run["tool_use_id"]])
        assert launched == run["background"], run["tool_use_id"]


def test_results_and_synthetic_calls_give_the_expected_status(corpus):
    _folder, facts, _dispatches, results, runs = corpus
    totals = run_totals(stored_calls(facts))
    for run in runs:
        statuses = {result.status for result in results[run["tool_use_id"]]}
        row = totals.get((run["session_id"], owner_of(run)), {})
        only_synthetic = row.get("api_calls", 0) == 0 and row.get("synthetic_calls", 0) > 0
        if "failed" in statuses or only_synthetic:
            status = "failed"
        else:
            status = "completed" if "completed" in statuses else "running"
        assert status == run["status"], run["tool_use_id"]


def test_each_agent_id_is_linked_to_its_tool_call(corpus):
    _folder, facts, _dispatches, results, runs = corpus
    linked = {(t.agent_id, t.tool_use_id) for t in of_type(facts, RunTranscript)}
    for run in runs:
        if run["agent_id"] is None:
            continue
        by_result = {r.agent_id for r in results[run["tool_use_id"]]}
        assert run["agent_id"] in by_result or (run["agent_id"], run["tool_use_id"]) in linked


def test_dispatched_transcripts_are_exactly_the_expected_runs(corpus):
    folder, facts, _dispatches, _results, runs = corpus
    transcripts = [t for t in of_type(facts, RunTranscript) if t.kind == "dispatched"]
    assert sorted(t.owner for t in transcripts) == sorted(owner_of(run) for run in runs)
    by_owner = {t.owner: t for t in transcripts}
    for run in runs:
        transcript = by_owner[owner_of(run)]
        assert transcript.session_id == run["session_id"]
        if "layout" in run:
            assert transcript.layout == run["layout"], folder.name
        if run["status"] == "completed":
            assert transcript.final_text


def test_warmup_agents_are_flagged_and_only_they(corpus):
    folder, facts, _dispatches, _results, _runs = corpus
    warmups = [t for t in of_type(facts, RunTranscript) if t.kind == "warmup"]
    # README: 2.0.76 starts two hidden warm-up agents per session.
    sessions = {path.stem for path in (folder / "projects").glob("*/*.jsonl")
                if not path.name.startswith("agent-")}
    expected_count = 2 * len(sessions) if folder.name.startswith("cc-2.0.") else 0
    assert len(warmups) == expected_count
