"""The plugin's skills: front matter Claude Code accepts, and bodies that run the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SKILLS = Path(__file__).resolve().parents[2] / "plugin" / "skills"
EXPECTED = {
    "interstat-report": "interstat report",
    "interstat-status": "interstat status",
    "interstat-analyze": "interstat analyze",
}


def front_matter(text: str) -> tuple[dict[str, str], str]:
    match = re.match(r"---\n(.*?)\n---\n(.*)", text, re.DOTALL)
    assert match, "SKILL.md must start with a --- front matter block"
    fields = dict(line.split(": ", 1) for line in match.group(1).splitlines())
    return fields, match.group(2)


def test_the_plugin_ships_exactly_these_skills() -> None:
    assert sorted(path.name for path in SKILLS.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_front_matter_names_and_describes_the_skill(name: str) -> None:
    fields, _ = front_matter((SKILLS / name / "SKILL.md").read_text())
    assert fields["name"] == name
    assert re.fullmatch(r"[a-z0-9-]{1,64}", fields["name"])
    # Claude Code shows the description to the model to pick a skill; keep it whole.
    assert 40 < len(fields["description"]) <= 1024
    assert set(fields) <= {"name", "description", "allowed-tools"}


@pytest.mark.parametrize(("name", "command"), sorted(EXPECTED.items()))
def test_body_runs_the_cli_and_handles_its_absence(name: str, command: str) -> None:
    fields, body = front_matter((SKILLS / name / "SKILL.md").read_text())
    assert f"Run `{command}`" in body
    assert "command -v interstat" in body
    assert "## When the CLI is missing" in body
    assert "uv tool install ." in body
    # The PyPI project called interstat is someone else's: never suggest it.
    assert "install interstat" not in body.replace("install interstat@", "")
    assert f"Bash({command}:*)" in fields["allowed-tools"]
