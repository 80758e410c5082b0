"""The whole capture path: replay a corpus's hooks, then analyze its transcripts.

Hooks create rows as runs happen; analyze must complete those same rows,
with no duplicate, whatever the era.
"""

from __future__ import annotations

import pytest

from interstat.analyze import run_analyze
from interstat.capture.replay import replay_hook_files
from tests.analyze.test_corpus import assert_matches_expected
from tests.corpus import corpora_with_expected, corpus_dir


def _hook_files(name: str):
    return sorted((corpus_dir() / name / "hooks").glob("*.json"))


@pytest.mark.parametrize("name", corpora_with_expected())
def test_hook_rows_and_transcripts_meet_in_one_row_per_run(store, store_path, name):
    replay_hook_files(_hook_files(name), store_path)
    summary = run_analyze(store, [corpus_dir() / name])
    assert summary.problems == []
    assert_matches_expected(store, name)


def _eras_with_hook_ids() -> list[str]:
    # 1.0.x hooks name neither the agent nor the tool call: a hook that
    # arrives after analyze read its session cannot be told from a new run
    # (a limit stated in the README), so only later eras are checked here.
    return [name for name in corpora_with_expected() if not name.startswith("cc-1.")]


@pytest.mark.parametrize("name", _eras_with_hook_ids())
def test_an_analyze_in_the_middle_of_a_session_changes_no_counted_value(
    store, store_path, name
):
    hooks = _hook_files(name)
    middle = len(hooks) // 2
    replay_hook_files(hooks[:middle], store_path)
    run_analyze(store, [corpus_dir() / name])
    replay_hook_files(hooks[middle:], store_path)
    run_analyze(store, [corpus_dir() / name])
    assert_matches_expected(store, name)
