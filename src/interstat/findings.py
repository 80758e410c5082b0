"""The built-in findings counter.

The rule: a finding is a line that carries a severity tag (``[P0]`` to
``[P3]``, or ``critical``/``high``/``medium``/``low`` as a bracketed or
bold label or a ``Severity:`` value), or a list item in a section whose
heading names findings, issues or problems. A line that is both counts once.
Answers with no such line have zero findings.
"""

from __future__ import annotations

import re

from interstat import hookimpl
from interstat.registry import FindingsCounter

_HEADING = re.compile(r"^\s*(#{1,6}\s+|\*\*|__)?(?P<title>[^#*_].*?)(\*\*|__)?:?\s*$")
_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s+\S|^\s*(\*\*|__)[^*_]+(\*\*|__):?\s*$")
_FINDINGS_TITLE = re.compile(r"\b(findings?|issues?|problems?)\b", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*([-*+]|\d+[.)])\s+\S")
_SEVERITY = re.compile(
    r"\[(P[0-3])\]"
    r"|\[(critical|high|medium|low)\]"
    r"|\*\*(critical|high|medium|low)\*\*"
    r"|\bseverity\s*:\s*(critical|high|medium|low)\b",
    re.IGNORECASE,
)


def _heading_title(line: str) -> str | None:
    if not _MARKDOWN_HEADING.match(line):
        return None
    match = _HEADING.match(line)
    return match.group("title") if match else line


def count_default(text: str, agent_name: str | None = None) -> int:
    """Count findings in ``text`` by the rule in this module's docstring."""
    count = 0
    in_findings = False
    for line in text.splitlines():
        title = _heading_title(line)
        if title is not None:
            in_findings = bool(_FINDINGS_TITLE.search(title))
            continue
        tagged = _SEVERITY.search(line) is not None
        listed = in_findings and _LIST_ITEM.match(line) is not None
        if tagged or listed:
            count += 1
    return count


@hookimpl
def interstat_register_findings_counters(register):
    """The default counter, asked after every plugin's own."""
    register(
        FindingsCounter(
            name="default",
            count=count_default,
            description="severity-tagged lines and list items under a Findings heading",
        )
    )
