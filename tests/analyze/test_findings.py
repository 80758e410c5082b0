"""The default findings rule, on answers whose count is plain to see."""

from __future__ import annotations

import pytest

from interstat.findings import count_default

CASES = [
    ("No issues found.", 0),
    ("## Findings\n- [P0] issue 1 in foo.py\n- [P1] issue 2 in foo.py", 2),
    ("## Findings\n- first\n- second\n- third\n\n## Notes\n- not a finding", 3),
    ("**Issues**\n1. race in cache\n2) leak in pool", 2),
    ("Summary\n[critical] token leak\nSeverity: low - naming", 2),
    ("## Summary\n- a list item outside a findings section", 0),
]


@pytest.mark.parametrize(("answer", "expected"), CASES)
def test_default_counter(answer, expected):
    assert count_default(answer) == expected
