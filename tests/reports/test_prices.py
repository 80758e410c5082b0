"""Bundled prices, user overrides and extensions, and models that cannot be priced."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from interstat.cli import cli
from interstat.prices import price_table, sum_costs
from tests.reports.conftest import make_store, report_json, section
from tests.reports.test_small_stores import run

# One run with every kind of token: 1,000 input, 2,000 output, 100,000 cache
# reads, 4,000 cache writes of 5 minutes, 8,000 of one hour, 1,000 written
# before the split existed (priced as 5 minutes).
TOKENS = {
    "input_tokens": 1_000, "output_tokens": 2_000, "cache_hit_tokens": 100_000,
    "cache_creation_tokens": 13_000, "cache_creation_5m_tokens": 4_000,
    "cache_creation_1h_tokens": 8_000, "total_tokens": 116_000, "peak_context_tokens": 114_000,
}


def models_section(store, config=None) -> dict:
    args = ["--section", "models"] + (["--config", str(config)] if config else [])
    return section(report_json(store, *args), "models")


@pytest.fixture
def store(tmp_path):
    return make_store(tmp_path / "m.db", [
        run(agent_id="a1", model="claude-opus-5-5", **TOKENS),
        run(agent_id="a2", model="claude-imaginary-9", **TOKENS),
    ])


@pytest.mark.usefixtures("no_user_config")
def test_bundled_price_of_a_known_model(store):
    # Opus 5.5 list prices per million: input 4, output 20, cache read 0.20,
    # 5m write 5, 1h write 8. 1000*4 + 2000*20 + 100000*0.2 + (4000+1000)*5 + 8000*8
    # = 4000 + 40000 + 20000 + 25000 + 64000 = 153000 -> $0.153.
    rows = {row["model"]: row for row in models_section(store)["rows"]}
    assert rows["claude-opus-5-5"]["cost_usd"] == pytest.approx(0.153)
    assert rows["claude-opus-5-5"]["price"] == "Claude Opus 5.5"


@pytest.mark.usefixtures("no_user_config")
def test_unknown_model_cost_is_unknown_and_named(store):
    data = models_section(store)
    rows = {row["model"]: row for row in data["rows"]}
    assert rows["claude-imaginary-9"]["cost_usd"] is None
    assert rows["claude-imaginary-9"]["price"] == "no price"
    assert data["facts"]["models_without_prices"] == ["claude-imaginary-9"]
    assert data["facts"]["total_cost_usd"] is None
    assert "claude-imaginary-9" in data["notes"][0]


@pytest.mark.usefixtures("no_user_config")
def test_runs_without_tokens_cost_zero_and_need_no_price(tmp_path):
    # Runs that failed before any API call: no model, no tokens.
    failed = {name: 0 for name in TOKENS} | {"model": None, "status": "failed", "api_calls": 0}
    store = make_store(tmp_path / "m.db", [
        run(agent_id="a1", model="claude-imaginary-9", **TOKENS),
        run(agent_id="a2", **failed),
        run(agent_id="a3", **failed),
    ])
    data = models_section(store)
    rows = {row["model"]: row for row in data["rows"]}
    (empty,) = [row for row in data["rows"] if row["total_tokens"] == 0]
    assert (empty["runs"], empty["cost_usd"], empty["price"]) == (2, 0, "none needed")
    assert rows["claude-imaginary-9"]["price"] == "no price"
    assert data["facts"]["models_without_prices"] == ["claude-imaginary-9"]


def test_config_extends_and_overrides_prices(store, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        '[prices."claude-imaginary-*"]\n'
        "input = 1.0\noutput = 2.0\ncache_read = 0.5\ncache_write_5m = 3.0\n"
        "cache_write_1h = 4.0\n\n"
        '[prices."claude-opus-5-5*"]\ninput = 100.0\n'
    )
    rows = {row["model"]: row for row in models_section(store, config)["rows"]}
    # 1000*1 + 2000*2 + 100000*0.5 + 5000*3 + 8000*4 = 102000 -> $0.102.
    assert rows["claude-imaginary-9"]["cost_usd"] == pytest.approx(0.102)
    # Only input changes for Opus 5.5: 153000 - 1000*4 + 1000*100 = 249000 -> $0.249.
    assert rows["claude-opus-5-5"]["cost_usd"] == pytest.approx(0.249)


def test_the_report_says_when_user_prices_were_checked(store, tmp_path):
    bundled_date = price_table().checked
    config = tmp_path / "config.toml"
    config.write_text('[prices]\nchecked = 2026-12-10\n\n[prices."claude-opus-5-5*"]\ninput = 3\n')
    data = models_section(store, config)
    assert data["facts"]["prices_checked"] == bundled_date
    assert data["facts"]["user_prices_checked"] == "2026-12-10"
    assert (f"list prices checked {bundled_date}. Prices from config.toml checked 2026-12-10."
            in data["notes"][-1])

    config.write_text('[prices."claude-opus-5-5*"]\ninput = 3\n')
    data = models_section(store, config)
    assert data["facts"]["user_prices_checked"] is None
    assert "Prices from config.toml: date not stated" in data["notes"][-1]


@pytest.mark.usefixtures("no_user_config")
def test_without_user_prices_only_the_list_date_is_stated(store):
    data = models_section(store)
    checked = price_table().checked
    assert data["notes"][-1] == f"Prices in US dollars, list prices checked {checked}."


def test_price_beyond_its_context_range_is_unknown(store, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[prices."claude-opus-5-5*"]\nmax_context_tokens = 100000\n')
    rows = {row["model"]: row for row in models_section(store, config)["rows"]}
    assert rows["claude-opus-5-5"]["cost_usd"] is None  # peak context 114,000


def test_a_specific_pattern_beats_a_broad_one():
    table = price_table({
        "claude-*": {"input": 1, "output": 1, "cache_read": 1, "cache_write_5m": 1,
                     "cache_write_1h": 1},
    })
    assert table.find("claude-opus-5-5").pattern == "claude-opus-5-5*"
    assert table.find("claude-unheard-of").pattern == "claude-*"
    assert table.find("claude-opus-5-9").pattern == "claude-*"


def test_bundled_prices_do_not_cover_neighbouring_models():
    table = price_table()
    # Dated ids of a priced model are covered; a model the table lacks is not.
    assert table.find("claude-opus-5-20260724").name == "Claude Opus 5 (dated id)"
    assert table.find("claude-sonnet-5-5") is None
    assert table.find("claude-opus-5-9") is None
    assert table.checked


def test_a_run_without_tokens_costs_nothing_even_without_a_price():
    table = price_table()
    empty = type("Run", (), {"total_tokens": 0})()
    assert table.cost("claude-imaginary-9", empty) == 0.0
    assert sum_costs([1.0, None, 2.0]) is None
    assert sum_costs([1.0, 2.0]) == 3.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[prices."new-model"]\ninput = 1.0\n', "missing output, cache_read"),
        ('[prices."claude-opus-5-5*"]\ninput = "cheap"\n',
         'prices."claude-opus-5-5*".input: expected a number'),
        ('[prices."claude-opus-5-5*"]\ncolour = 1\n',
         'prices."claude-opus-5-5*": unknown key colour'),
        ("[thresholds]\ngate = -5\n", "thresholds.gate: expected a positive integer"),
        ("[thresholds]\ntop_runs = 0\n", "thresholds.top_runs: expected a positive integer"),
        ("[reprot]\n", "unknown key reprot"),
        ("[prices]\nchecked = 5\n", "prices.checked: expected a date"),
        ("not toml", "not valid TOML"),
    ],
)
def test_config_mistakes_are_one_line_errors(store, tmp_path, text, message):
    config = tmp_path / "config.toml"
    config.write_text(text)
    result = CliRunner().invoke(cli, ["--db", str(store), "report", "--config", str(config)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_config_thresholds_and_options(store, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[thresholds]\ngate = 100000\nbaseline_runs = 2\n"
                      "context_limits = [110000]\n")
    document = report_json(store, "--config", str(config))
    gate = section(document, "gate")["facts"]
    assert gate["threshold_tokens"] == 100_000
    assert gate["verdict"] == "BUILD hierarchical dispatch"  # p99 114,000, 2 runs = baseline
    assert section(document, "context-limits")["facts"]["runs_over_110000"] == 2
    # An option beats the config file.
    gate = section(report_json(store, "--config", str(config), "--gate-threshold", "200000"),
                   "gate")["facts"]
    assert gate["threshold_tokens"] == 200_000
