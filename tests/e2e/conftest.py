"""Fixtures that drive the real Claude Code CLI against the fake Messages API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from . import hook_timing
from .claude_cli import CliUnavailable, install
from .fake_api import FakeAnthropic
from .session import Runner, Session

HERE = Path(__file__).parent


def pytest_configure(config: pytest.Config) -> None:
    # The top-level pyproject will declare markers; until then this keeps
    # --strict-markers happy.
    config.addinivalue_line("markers", "e2e: drives the real Claude Code CLI (slow, needs npm)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Everything in this folder runs the real CLI, so select it all with -m e2e.
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    # What the product costs in the real client belongs in CI's output, not
    # only in a temporary file.
    lines = config.stash.get(hook_timing.REPORT_KEY, [])
    if lines:
        terminalreporter.section("interstat hook cost (real Claude Code sessions)")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def claude_binary() -> Path:
    """The pinned native ``claude`` binary, installed once into a cache outside the repo."""
    try:
        return install()
    except CliUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture
def fake_api() -> Iterator[FakeAnthropic]:
    """A fresh scripted Messages API on 127.0.0.1; a script error fails the test."""
    with FakeAnthropic() as api:
        yield api
    assert not api.errors, f"the fake API could not answer: {api.errors}"


@pytest.fixture
def claude_runner(claude_binary: Path, fake_api: FakeAnthropic, tmp_path: Path) -> Runner:
    """Runs ``claude`` sessions and subcommands in temporary HOMEs under ``tmp_path``."""
    return Runner(claude_binary, fake_api.url, tmp_path)


@pytest.fixture
def run_session(claude_runner: Runner) -> Callable[..., Session]:
    """``run_session(prompt, plugin_dir=None, agents_json=None, model=None, extra_args=(),
    home=None, cwd=None, timeout=120, env=None)`` -> :class:`Session`."""

    def run(prompt: str, **kwargs: Any) -> Session:
        return claude_runner.session(prompt, **kwargs)

    return run
