"""ccusage, run on a generated tree, must agree with the tree's expected.json:
a second, independent reading of the generator's output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import peers

pytestmark = pytest.mark.skipif(
    not peers.ccusage_binary().exists(),
    reason="ccusage not installed: python -m benchmarks.peers install",
)


def test_command_points_ccusage_at_the_tree(tmp_path: Path) -> None:
    cmd = peers.ccusage_session_command(tmp_path)
    assert cmd.argv[1:] == ["claude", "session", "--json", "--offline"]
    assert cmd.env["CLAUDE_CONFIG_DIR"] == str(tmp_path.resolve())
    assert Path(cmd.env["HOME"]) != Path.home()


def test_ccusage_session_totals_match_expected(tiny_tree: Path) -> None:
    report = json.loads(peers.ccusage_session_command(tiny_tree).run().stdout)
    expected = json.loads((tiny_tree / "expected.json").read_text())["sessions"]
    want = {s["session_id"]: (s["input_tokens"], s["output_tokens"], s["cache_hit_tokens"],
                              s["cache_creation_tokens"]) for s in expected}
    got = {s["sessionId"]: (s["inputTokens"], s["outputTokens"], s["cacheReadTokens"],
                            s["cacheCreationTokens"]) for s in report["sessions"]}
    assert got == want
