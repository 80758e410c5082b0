"""Analyze in worker processes, or streamed, gives exactly the corpus's expected runs.

The corpora are small, so the tests shrink the task size to force every file
into its own worker task (or every file onto the streamed path).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from interstat.analyze import pool, run_analyze
from interstat.analyze.discover import FoundFile
from interstat.analyze.jobs import FileJob
from interstat.errors import ConfigError
from tests.analyze.test_corpus import assert_matches_expected
from tests.corpus import corpora_with_expected, corpus_dir


@pytest.fixture
def one_file_per_task(monkeypatch) -> list:
    """Two workers, one file per task; yields the pools started."""
    monkeypatch.setenv(pool.WORKERS_ENV, "2")
    monkeypatch.setattr(pool, "GROUP_FILES", 1)
    started = []

    class CountedPool(pool.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            started.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(pool, "ProcessPoolExecutor", CountedPool)
    return started


@pytest.mark.parametrize("name", corpora_with_expected())
def test_workers_give_the_expected_runs(store, name, one_file_per_task):
    summary = run_analyze(store, [corpus_dir() / name])
    assert summary.problems == []
    assert summary.files_read == summary.files_found
    assert one_file_per_task == [(2,)]
    assert_matches_expected(store, name)


@pytest.mark.parametrize("name", corpora_with_expected())
def test_streamed_files_give_the_expected_runs(store, name, monkeypatch):
    monkeypatch.setattr(pool, "STREAM_BYTES", 0)
    summary = run_analyze(store, [corpus_dir() / name])
    assert summary.problems == []
    assert_matches_expected(store, name)


def test_workers_and_one_process_store_the_same_rows(tmp_path, one_file_per_task, monkeypatch):
    from interstat.store.connect import open_store

    name = corpora_with_expected()[0]
    with_workers = open_store(tmp_path / "a.db")
    run_analyze(with_workers, [corpus_dir() / name])
    monkeypatch.setenv(pool.WORKERS_ENV, "1")
    alone = open_store(tmp_path / "b.db")
    run_analyze(alone, [corpus_dir() / name])
    query = "SELECT * FROM api_calls ORDER BY call_key"
    assert with_workers.execute(query).fetchall() == alone.execute(query).fetchall()
    columns = "session_id, agent_id, tool_use_id, agent_name, status, total_tokens"
    runs = f"SELECT {columns} FROM agent_runs ORDER BY session_id, agent_id, tool_use_id"
    assert with_workers.execute(runs).fetchall() == alone.execute(runs).fetchall()


def test_a_file_gone_before_its_worker_reads_it_is_a_problem(store, one_file_per_task,
                                                              monkeypatch, tmp_path):
    from interstat.analyze import runner

    discover = runner.find_transcripts
    gone = tmp_path / "projects" / "-gone" / "gone.jsonl"

    def with_a_gone_file(roots, problems):
        found = discover(roots, problems)
        return [FoundFile(gone, tmp_path / "projects", 100, 1), *found]

    monkeypatch.setattr(runner, "find_transcripts", with_a_gone_file)
    name = corpora_with_expected()[0]
    summary = run_analyze(store, [corpus_dir() / name])
    assert len(summary.problems) == 1 and str(gone) in summary.problems[0]
    assert summary.files_read == summary.files_found - 1
    assert_matches_expected(store, name)


def _job(name: str, size: int) -> tuple[FileJob, int]:
    return FileJob(FoundFile(Path(name), Path("."), size, 0), None), size


def test_tasks_keep_file_order_and_stream_huge_files(monkeypatch):
    monkeypatch.setattr(pool, "GROUP_BYTES", 100)
    monkeypatch.setattr(pool, "STREAM_BYTES", 1000)
    sizes = [60, 60, 10, 5000, 30, 200, 1]
    tasks = pool.plan_tasks([_job(f"f{i}", size) for i, size in enumerate(sizes)])
    shapes = [([job.found.size for job in task.jobs], task.streamed) for task in tasks]
    assert shapes == [
        ([60, 60], False), ([10], False), ([5000], True), ([30, 200], False), ([1], False),
    ]


@pytest.mark.parametrize("raw, workers", [("1", 1), ("3", 3), (" 2 ", 2)])
def test_worker_count_follows_the_environment(monkeypatch, raw, workers):
    monkeypatch.setenv(pool.WORKERS_ENV, raw)
    assert pool.worker_count() == workers


def test_a_worker_count_that_is_not_a_number_says_so(monkeypatch):
    monkeypatch.setenv(pool.WORKERS_ENV, "many")
    with pytest.raises(ConfigError, match="INTERSTAT_WORKERS"):
        pool.worker_count()


@pytest.mark.parametrize("name", corpora_with_expected())
def test_calls_handed_out_before_a_files_end_give_the_expected_runs(store, name,
                                                                     monkeypatch):
    """Huge files release finished calls early to bound memory; nothing changes."""
    from interstat_parsers import scan

    monkeypatch.setattr(scan, "CALLS_HELD", 2)
    summary = run_analyze(store, [corpus_dir() / name])
    assert summary.problems == []
    assert_matches_expected(store, name)
