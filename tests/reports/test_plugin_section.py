"""A third-party section (examples/interstat-slowest-runs) loads through the entry point."""

from __future__ import annotations

import pytest

from interstat.plugins import load_plugins
from tests.examples import EXAMPLES, install_example
from tests.reports.conftest import make_store, report_json, section
from tests.reports.test_small_stores import run


@pytest.fixture
def installed_example(tmp_path, monkeypatch):
    """Make the example look installed: its module and a dist-info on sys.path."""
    install_example(EXAMPLES / "interstat-slowest-runs", tmp_path / "site", monkeypatch)
    yield
    load_plugins.cache_clear()


@pytest.mark.usefixtures("installed_example", "no_user_config")
def test_example_section_is_registered_and_rendered(tmp_path):
    store = make_store(tmp_path / "m.db", [
        run(agent_id="a1", agent_name="quick", wall_clock_ms=2_000, total_tokens=10),
        run(agent_id="a2", agent_name="slow", wall_clock_ms=9_500, total_tokens=20),
        run(agent_id="a3", agent_name="untimed"),
    ])
    host = load_plugins()
    plugin = next(p for p in host.loaded if p.name == "slowest-runs")
    assert plugin.distribution == "interstat-slowest-runs" and not plugin.builtin
    assert host.report_sections()[-1].name == "slowest-runs"

    data = section(report_json(store, "--section", "slowest-runs"), "slowest-runs")
    assert data["facts"] == {"timed_runs": 2}
    assert [(row["agent"], row["wall_s"]) for row in data["rows"]] == [("slow", 9.5),
                                                                       ("quick", 2.0)]
