"""The plugin and its marketplace as Claude Code's own validator reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from .product import REPO_ROOT
from .session import Runner


@pytest.mark.parametrize("target", [REPO_ROOT / "plugin", REPO_ROOT], ids=["plugin", "repo"])
def test_claude_plugin_validate_strict_passes(claude_runner: Runner, target: Path):
    home = claude_runner.new_home()
    done = claude_runner.cli(["plugin", "validate", "--strict", str(target)], home=home,
                             check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Validation passed" in done.stdout
