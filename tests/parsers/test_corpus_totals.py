"""Token totals from the parsers' ApiCall facts equal expected.json for every run."""

from __future__ import annotations

from pathlib import Path

import pytest
from parser_support import (
    expected_folders,
    load_expected,
    owner_of,
    parse_tree,
    run_totals,
    stored_calls,
)

from interstat.records import SkippedLine

COLUMNS = (
    "api_calls", "input_tokens", "output_tokens", "cache_hit_tokens",
    "cache_creation_tokens", "total_tokens", "peak_context_tokens",
)


@pytest.fixture(scope="module", params=expected_folders(), ids=lambda folder: folder.name)
def corpus_run(request):
    folder: Path = request.param
    facts = parse_tree(folder / "projects")
    return folder, facts, run_totals(stored_calls(facts))


def test_every_expected_run_has_the_expected_token_totals(corpus_run):
    folder, _facts, totals = corpus_run
    for run in load_expected(folder):
        row = totals.get((run["session_id"], owner_of(run)), {})
        found = {column: row.get(column, 0) for column in COLUMNS}
        wanted = {column: run[column] for column in COLUMNS}
        assert found == wanted, (folder.name, owner_of(run))


def test_failed_runs_hold_only_synthetic_calls(corpus_run):
    folder, _facts, totals = corpus_run
    for run in load_expected(folder):
        if run["status"] == "failed" and run["api_calls"] == 0:
            row = totals.get((run["session_id"], owner_of(run)), {})
            assert row.get("synthetic_calls", 0) >= 1, (folder.name, owner_of(run))


def test_the_run_model_is_its_calls_model(corpus_run):
    folder, facts, _totals = corpus_run
    calls = stored_calls(facts).values()
    for run in load_expected(folder):
        models = {
            call.model for call in calls
            if call.owner == owner_of(run) and call.session_id == run["session_id"]
            and not call.synthetic
        }
        assert models == ({run["model"]} if run["model"] else set()), owner_of(run)


def test_strict_parsing_of_the_corpus_skips_no_line(corpus_run):
    folder, _facts, _totals = corpus_run
    skipped = [fact for fact in parse_tree(folder / "projects", strict=True)
               if isinstance(fact, SkippedLine)]
    assert skipped == []
