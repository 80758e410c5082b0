"""interstat.config and ``interstat config``: defaults, the file, the environment, errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from interstat.bounds import MAX_TOKENS
from interstat.config import Price, load_config
from interstat.prices import RATE_FIELDS
from interstat.store.paths import resolve_store_path
from tests.reports.independent import PRICES_FILE

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

PRICES = """
[prices."claude-opus-*"]
input = 15
output = 75
cache_read = 1.5
cache_write_5m = 18.75
cache_write_1h = 30

[prices."claude-*"]
input = 3
output = 15
cache_read = 0.3
cache_write_5m = 3.75
cache_write_1h = 6
"""


def write_config(home: Path, text: str) -> Path:
    path = home / ".claude" / "interstat" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_apply_without_a_file(isolated_home: Path) -> None:
    config = load_config()
    assert config.file == isolated_home / ".claude" / "interstat" / "config.toml"
    assert config.thresholds.gate == 120_000
    assert config.thresholds.context_limits == (100_000, 150_000)
    assert config.thresholds.baseline_runs == 50
    assert config.paths.db == isolated_home / ".claude" / "interstat" / "metrics.db"
    assert config.paths.claude_dirs == (isolated_home / ".claude",)
    assert set(config.sources.values()) == {"default"}
    # The default prices are the bundled list, every one of them.
    bundled = tomllib.loads(PRICES_FILE.read_text())
    assert [price.pattern for price in config.prices.prices] == list(bundled["prices"])
    assert config.prices.user_prices() == ()
    assert config.prices.checked == bundled["meta"]["checked"]
    opus = bundled["prices"]["claude-opus-5-5*"]
    assert config.price_for("claude-opus-5-5") == Price(
        "claude-opus-5-5*", **{name: opus[name] for name in RATE_FIELDS}, name=opus["name"])


def test_file_values_win_over_defaults_and_say_so(isolated_home: Path) -> None:
    write_config(isolated_home, "[thresholds]\ngate = 90000\n" + PRICES)
    config = load_config()
    assert config.thresholds.gate == 90_000
    assert config.sources["thresholds.gate"] == "file"
    assert config.sources["thresholds.baseline_runs"] == "default"
    assert config.sources['prices.claude-opus-*'] == "file"
    assert config.sources['prices.claude-opus-5-5*'] == "default"
    assert [price.pattern for price in config.prices.user_prices()] == ["claude-opus-*",
                                                                        "claude-*"]


def test_price_lookup_prefers_the_longest_matching_glob(isolated_home: Path) -> None:
    write_config(isolated_home, PRICES)
    config = load_config()
    # Models the bundled list does not price, so only the file's globs match.
    assert config.price_for("claude-opus-9") == Price("claude-opus-*", 15, 75, 1.5, 18.75, 30,
                                                      origin="file")
    assert config.price_for("claude-sonnet-9") == Price("claude-*", 3, 15, 0.3, 3.75, 6,
                                                        origin="file")
    assert config.price_for("gpt-9") is None


def test_an_exact_pattern_beats_a_glob_as_specific(isolated_home: Path) -> None:
    rates = "input = 1\noutput = 1\ncache_read = 1\ncache_write_5m = 1\ncache_write_1h = 1\n"
    write_config(isolated_home, f'[prices."model-x*"]\n{rates}[prices."model-x"]\n{rates}')
    assert load_config().price_for("model-x").pattern == "model-x"
    assert load_config().price_for("model-xy").pattern == "model-x*"


@pytest.mark.parametrize("written", ["2026-12-10", '"2026-12-10"'])
def test_prices_checked_is_a_toml_date_or_a_string_of_one(isolated_home: Path,
                                                          written: str) -> None:
    write_config(isolated_home, f"[prices]\nchecked = {written}\n")
    assert load_config().prices.user_checked == written.strip('"')


def test_prices_checked_comes_from_the_file_when_stated(isolated_home: Path) -> None:
    bundled_date = tomllib.loads(PRICES_FILE.read_text())["meta"]["checked"]
    config = load_config()
    assert (config.prices.user_checked, config.sources["prices.checked"]) == ("", "default")
    assert ("prices.checked", bundled_date, "default") in config.settings()
    write_config(isolated_home, '[prices]\nchecked = 2026-12-10\n' + PRICES)
    config = load_config()
    assert config.prices.user_checked == "2026-12-10"
    assert config.prices.checked == bundled_date
    assert ("prices.checked", "2026-12-10", "file") in config.settings()


def test_a_partial_price_keeps_the_bundled_fields(isolated_home: Path) -> None:
    write_config(isolated_home, '[prices."claude-opus-5-5*"]\ninput = 100\n')
    opus = tomllib.loads(PRICES_FILE.read_text())["prices"]["claude-opus-5-5*"]
    price = load_config().price_for("claude-opus-5-5")
    assert (price.input, price.output, price.origin) == (100, opus["output"], "file")


def test_environment_wins_over_the_file(isolated_home: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(isolated_home, '[paths]\ndb = "/elsewhere/file.db"\nclaude_dirs = ["/cc"]\n')
    assert load_config().sources["paths.db"] == "file"
    monkeypatch.setenv("INTERSTAT_DB", str(tmp_path / "env.db"))
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", f"{tmp_path / 'a'},{tmp_path / 'b'}")
    monkeypatch.setenv("INTERSTAT_CONFIG", str(isolated_home / ".claude/interstat/config.toml"))
    config = load_config()
    assert config.paths.db == tmp_path / "env.db"
    assert config.paths.claude_dirs == (tmp_path / "a", tmp_path / "b")
    assert config.sources["paths.db"] == config.sources["paths.claude_dirs"] == "env"


def test_config_file_follows_the_first_claude_root(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "root"))
    assert load_config().file == tmp_path / "root" / "interstat" / "config.toml"
    (tmp_path / "mine.toml").write_text("")
    monkeypatch.setenv("INTERSTAT_CONFIG", str(tmp_path / "mine.toml"))
    assert load_config().file == tmp_path / "mine.toml"


def test_relative_db_path_starts_at_the_config_folder(isolated_home: Path) -> None:
    config_file = write_config(isolated_home, '[paths]\ndb = "team/metrics.db"\n')
    expected = config_file.parent / "team" / "metrics.db"
    assert load_config().paths.db == expected
    assert resolve_store_path() == expected


def test_configured_db_is_where_commands_write(isolated_home: Path, tmp_path: Path,
                                               run_cli) -> None:
    write_config(isolated_home, f'[paths]\ndb = "{tmp_path / "configured.db"}"\n')
    run_cli("init-db")
    assert (tmp_path / "configured.db").is_file()
    assert not (isolated_home / ".claude" / "interstat" / "metrics.db").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[thresholds]\ngate = "big"\n', "config.toml: thresholds.gate: expected an integer"),
        ("[thresholds]\ngate = 1.5\n", "config.toml: thresholds.gate: expected an integer"),
        ("[thresholds]\ngate = true\n", "config.toml: thresholds.gate: expected an integer"),
        ("[thresholds]\ngate = 0\n", "config.toml: thresholds.gate: expected a positive integer"),
        ("[thresholds]\ncontext_limits = [100000, 'x']\n",
         "config.toml: thresholds.context_limits: item 2: expected an integer"),
        ('[thresholds]\ncontext_limits = "100000"\n',
         "config.toml: thresholds.context_limits: expected a list"),
        ("[thresholds]\ngates = 5\n", "config.toml: thresholds: unknown key gates"),
        ("colour = 1\n", "config.toml: unknown key colour"),
        ("thresholds = 5\n", "config.toml: thresholds: expected a table"),
        ("[paths]\ndb = 7\n", "config.toml: paths.db: expected a path"),
        ('[prices."claude-*"]\ninput = 1\n',
         'config.toml: prices."claude-*": missing output, cache_read, cache_write_5m, '
         'cache_write_1h'),
        ("[thresholds]\nsession_rows = -1\n",
         "config.toml: thresholds.session_rows: expected a positive integer"),
        ("[thresholds]\ncontext_limits = []\n",
         "config.toml: thresholds.context_limits: expected a list of positive integers"),
        ('[prices]\nchecked = ""\n', "config.toml: prices.checked: expected a date"),
        ('[prices]\nchecked = "yesterday"\n', "config.toml: prices.checked: expected a date"),
        ('[prices]\nchecked = "2026-13-01"\n', "config.toml: prices.checked: expected a date"),
        ('[prices]\nchecked = "20261201"\n', "config.toml: prices.checked: expected a date"),
        ('[prices]\nchecked = "2026-W48-2"\n', "config.toml: prices.checked: expected a date"),
        ("[prices]\nchecked = 2026-12-01T10:00:00\n",
         "config.toml: prices.checked: expected a date"),
        ("[prices]\nchecked = 10:00:00\n", "config.toml: prices.checked: expected a date"),
        ('[prices."claude-*"]\ninput = -1\noutput = 1\ncache_read = 1\n'
         'cache_write_5m = 1\ncache_write_1h = 1\n',
         'config.toml: prices."claude-*": prices cannot be negative'),
        ("[thresholds\n", "config.toml: not valid TOML"),
        (f'[prices."claude-*"]\nmax_context_tokens = {10 ** 20}\n',
         f'config.toml: prices."claude-*".max_context_tokens: expected a positive integer '
         f"up to {MAX_TOKENS}"),
    ],
)
def test_a_bad_value_is_named_in_one_line(isolated_home: Path, run_cli, text: str,
                                          message: str) -> None:
    config_file = write_config(isolated_home, text)
    result = run_cli("config", code=1)
    error = result.stderr.strip()
    assert error.startswith(f"Error: {message}")
    assert str(config_file) in error
    assert "\n" not in error


def test_config_command_reports_values_and_sources(isolated_home: Path, run_cli) -> None:
    write_config(isolated_home, "[thresholds]\nbaseline_runs = 20\n" + PRICES)
    shown = json.loads(run_cli("config", "--format", "json").stdout)
    assert shown["file_exists"] is True
    by_key = {row["key"]: row for row in shown["settings"]}
    assert by_key["thresholds.baseline_runs"] == {
        "key": "thresholds.baseline_runs", "value": 20, "source": "file"}
    assert by_key["thresholds.gate"]["source"] == "default"
    assert by_key["prices.claude-*"]["value"] == {
        "input": 3, "output": 15, "cache_read": 0.3, "cache_write_5m": 3.75,
        "cache_write_1h": 6}
    table = run_cli("config").stdout
    assert "thresholds.baseline_runs" in table and "file" in table


def test_config_command_names_a_db_option(tmp_path: Path, run_cli) -> None:
    shown = json.loads(run_cli("--db", str(tmp_path / "x.db"), "config", "--format",
                               "json").stdout)
    db = next(row for row in shown["settings"] if row["key"] == "paths.db")
    assert db == {"key": "paths.db", "value": str(tmp_path / "x.db"), "source": "option"}


def test_an_empty_db_option_is_a_usage_error(isolated_home: Path, run_cli) -> None:
    result = run_cli("--db", "", "status", code=2)
    assert "Invalid value for '--db': give the store's file path" in result.stderr
    assert not (isolated_home / ".claude").exists()


def test_a_missing_config_at_the_default_place_means_the_defaults(isolated_home: Path,
                                                                  run_cli) -> None:
    shown = json.loads(run_cli("config", "--format", "json").stdout)
    assert shown["file"] == str(isolated_home / ".claude" / "interstat" / "config.toml")
    assert shown["file_exists"] is False


@pytest.mark.parametrize("command", [["config"], ["status"], ["report"], ["analyze"]])
def test_a_config_variable_naming_no_file_stops_every_command(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli, command: list[str]) -> None:
    run_cli("--db", str(tmp_path / "m.db"), "init-db")
    missing = tmp_path / "typo.toml"
    monkeypatch.setenv("INTERSTAT_CONFIG", str(missing))
    error = run_cli("--db", str(tmp_path / "m.db"), *command, code=1).stderr.strip()
    assert error.startswith(f"Error: INTERSTAT_CONFIG names {missing}, which does not exist")
    assert "\n" not in error


def test_a_config_option_naming_no_file_stops_the_report(tmp_path: Path, run_cli) -> None:
    run_cli("--db", str(tmp_path / "m.db"), "init-db")
    missing = tmp_path / "typo.toml"
    error = run_cli("--db", str(tmp_path / "m.db"), "report", "--config", str(missing),
                    code=1).stderr.strip()
    assert error.startswith(f"Error: --config names {missing}, which does not exist")
    assert "\n" not in error


def test_a_config_variable_naming_a_folder_is_named_in_the_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    monkeypatch.setenv("INTERSTAT_CONFIG", str(tmp_path))
    error = run_cli("config", code=1).stderr.strip()
    assert error.startswith(f"Error: cannot read {tmp_path}, named by INTERSTAT_CONFIG: ")
    assert "\n" not in error


@pytest.mark.parametrize("written", ["7", '""', "[1]", "{ a = 1 }"])
def test_a_bad_db_path_reads_the_same_from_every_command(isolated_home: Path, run_cli,
                                                         written: str) -> None:
    config_file = write_config(isolated_home, f"[paths]\ndb = {written}\n")
    expected = f"Error: config.toml: paths.db: expected a path; fix {config_file}\n"
    for command in (["status"], ["report"], ["config"], ["analyze"], ["init-db"]):
        assert run_cli(*command, code=1).stderr == expected, command


def test_a_bad_db_variable_is_named_as_the_variable(tmp_path: Path, run_cli,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERSTAT_DB", str(tmp_path))
    error = run_cli("status", code=2).stderr.splitlines()[-1]
    assert error.startswith("Error: Invalid value for INTERSTAT_DB: ")
    assert str(tmp_path) in error
    # Given as --db, the same value is named as the option.
    error = run_cli("--db", str(tmp_path), "status", code=2).stderr.splitlines()[-1]
    assert error.startswith("Error: Invalid value for '--db': ")
