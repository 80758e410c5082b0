"""Each built-in section on the reviews corpus, against numbers from expected.json."""

from __future__ import annotations

import pytest

from tests.reports.conftest import expected_runs, report_json, section
from tests.reports.independent import by_agent, opus_cost, percentile

pytestmark = pytest.mark.usefixtures("no_user_config")


@pytest.fixture
def document(reviews_store):
    return report_json(reviews_store)


def test_summary_counts_runs_sessions_agents(document):
    runs = expected_runs()
    facts = section(document, "summary")["facts"]
    assert facts["runs"] == len(runs)
    assert facts["runs_with_token_data"] == len(runs)
    assert facts["runs_pending_parse"] == 0
    assert facts["parsed_pct"] == 100.0
    assert facts["sessions"] == len({run["session_id"] for run in runs})
    assert facts["agents"] == len({run["agent_name"] for run in runs})
    assert facts["failed_runs"] == sum(run["status"] == "failed" for run in runs)
    assert facts["total_tokens"] == sum(run["total_tokens"] for run in runs)
    assert facts["baseline_runs"] == 50
    assert facts["data_sufficiency"] == f"Sufficient data ({len(runs)} runs, baseline 50)"


def test_summary_names_models_without_prices(document):
    priced_in_bundle = {"claude-opus-5-5"}
    unpriced = {
        run["model"] for run in expected_runs()
        if run["total_tokens"] and run["model"] not in priced_in_bundle
    }
    facts = section(document, "summary")["facts"]
    assert set(facts["models_without_prices"]) == unpriced
    assert facts["total_cost_usd"] is None




def test_gate_verdict_from_independent_p99(document):
    peaks = [run["peak_context_tokens"] for run in expected_runs()]
    p99 = percentile(peaks, 99)
    facts = section(document, "gate")["facts"]
    assert facts["p99_peak_context_tokens"] == p99
    assert facts["runs"] == len(peaks)
    assert facts["threshold_tokens"] == 120_000
    assert facts["distance_tokens"] == p99 - 120_000
    assert facts["distance_pct"] == round(100 * (p99 - 120_000) / 120_000, 1)
    assert facts["decision"] == ("BUILD" if p99 >= 120_000 else "SKIP")
    assert facts["provisional"] is (len(peaks) < 50)
    assert facts["percentile_method"] == "nearest-rank"


def test_gate_threshold_option_can_flip_the_verdict(reviews_store):
    peaks = [run["peak_context_tokens"] for run in expected_runs()]
    above = max(peaks) + 1
    facts = section(
        report_json(reviews_store, "--gate-threshold", str(above), "--section", "gate"), "gate"
    )["facts"]
    assert facts["verdict"] == "SKIP hierarchical dispatch"
    assert facts["distance_tokens"] == percentile(peaks, 99) - above


def test_agents_percentiles_and_means(document):
    rows = {row["agent"]: row for row in section(document, "agents")["rows"]}
    groups = by_agent(expected_runs())
    assert set(rows) == set(groups)
    for agent, runs in groups.items():
        row = rows[agent]
        totals = [run["total_tokens"] for run in runs]
        peaks = [run["peak_context_tokens"] for run in runs]
        assert row["runs"] == len(runs)
        assert row["total_tokens"] == sum(totals)
        for p in (50, 90, 99):
            assert row[f"tokens_p{p}"] == percentile(totals, p), (agent, p)
            assert row[f"peak_p{p}"] == percentile(peaks, p), (agent, p)
        calls = [run["api_calls"] for run in runs]
        assert row["mean_api_calls"] == round(sum(calls) / len(calls), 2)
        assert row["mean_wall_s"] is None  # expected.json carries no times


def test_context_limits_counts_per_agent_and_top_runs(document):
    data = section(document, "context-limits")
    runs = expected_runs()
    for limit in (100_000, 150_000):
        over = sum(run["peak_context_tokens"] > limit for run in runs)
        assert data["facts"][f"runs_over_{limit}"] == over
    rows = {row["agent"]: row for row in data["rows"]}
    for agent, group in by_agent(runs).items():
        assert rows[agent]["over_100000"] == sum(r["peak_context_tokens"] > 100_000 for r in group)
        assert rows[agent]["over_150000"] == sum(r["peak_context_tokens"] > 150_000 for r in group)
        assert rows[agent]["max_peak"] == max(r["peak_context_tokens"] for r in group)
    top = sorted(runs, key=lambda r: -r["peak_context_tokens"])[:5]
    for note, run in zip(data["notes"], top, strict=True):
        assert f"{run['peak_context_tokens']:,} tokens, {run['agent_name']}," in note
        assert run["agent_id"] in note


def test_findings_per_agent(document):
    data = section(document, "findings")
    rows = {row["agent"]: row for row in data["rows"]}
    for agent, runs in by_agent(expected_runs()).items():
        findings = sum(run["findings"] for run in runs)
        tokens = sum(run["total_tokens"] for run in runs)
        if findings == 0:
            assert agent in data["facts"]["agents_without_findings"]
            continue
        row = rows[agent]
        assert row["findings"] == findings
        assert row["tokens_per_finding"] == round(tokens / findings)
        expected_cost = opus_cost(runs)
        if expected_cost is None:
            assert row["cost_usd"] is None and row["usd_per_finding"] is None
        else:
            assert row["cost_usd"] == pytest.approx(expected_cost, abs=1e-6)
            assert row["usd_per_finding"] == pytest.approx(expected_cost / findings, abs=1e-6)
    ranked = [row["tokens_per_finding"] for row in data["rows"]]
    assert ranked == sorted(ranked)


def test_models_tokens_and_cost(document):
    rows = {row["model"]: row for row in section(document, "models")["rows"]}
    groups: dict = {}
    for run in expected_runs():
        groups.setdefault(run["model"] or "(no model)", []).append(run)
    assert set(rows) == set(groups)
    for model, runs in groups.items():
        row = rows[model]
        assert row["runs"] == len(runs)
        for column, field in [("input_tokens", "input_tokens"), ("output_tokens", "output_tokens"),
                              ("cache_read_tokens", "cache_hit_tokens"),
                              ("cache_write_tokens", "cache_creation_tokens"),
                              ("total_tokens", "total_tokens")]:
            assert row[column] == sum(run[field] for run in runs), (model, column)
        expected_cost = opus_cost(runs)
        if expected_cost is None:
            assert row["cost_usd"] is None, model
        else:
            assert row["cost_usd"] == pytest.approx(expected_cost, abs=1e-6), model


def test_invocations_group_runs_by_dispatching_message(document):
    data = section(document, "invocations")
    groups: dict = {}
    for run in expected_runs():
        groups.setdefault((run["session_id"], run["invocation_group"]), []).append(run)
    fan_outs: dict = {}
    for runs in groups.values():
        fan_outs.setdefault(len(runs), []).append(runs)
    assert data["facts"]["invocations"] == len(groups)
    assert data["facts"]["parallel_invocations"] == sum(len(g) > 1 for g in groups.values())
    assert data["facts"]["max_fan_out"] == max(fan_outs)
    rows = {row["fan_out"]: row for row in data["rows"]}
    assert set(rows) == set(fan_outs)
    for fan_out, invocations in fan_outs.items():
        tokens = [sum(run["total_tokens"] for run in runs) for runs in invocations]
        assert rows[fan_out]["invocations"] == len(invocations)
        assert rows[fan_out]["runs"] == fan_out * len(invocations)
        assert rows[fan_out]["mean_tokens"] == round(sum(tokens) / len(tokens))


def test_main_vs_subagents_without_main_calls_is_all_subagent(document):
    data = section(document, "main-vs-subagents")
    runs = expected_runs()
    sessions = {run["session_id"] for run in runs}
    assert data["facts"]["sessions"] == len(sessions)
    assert data["facts"]["subagent_tokens"] == sum(run["total_tokens"] for run in runs)
    assert data["facts"]["main_tokens"] == 0
    assert len(data["rows"]) == min(len(sessions), 20)
