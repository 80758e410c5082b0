"""The built-in correlators: match transcript runs to rows the hooks stored.

Claude Code 1.0.x hooks carry neither an agentId nor the tool call's id, so
a row they wrote can only be recognised by the prompt it was given.
"""

from __future__ import annotations

import sqlite3

from interstat import hookimpl
from interstat.records import RunTranscript
from interstat.registry import Correlator
from interstat.store.runs import find_id_less_by_prompt


def find_by_prompt(conn: sqlite3.Connection, run: RunTranscript) -> int | None:
    """The oldest id-less row of the session that was given the same prompt."""
    if not run.prompt_sha256:
        return None
    return find_id_less_by_prompt(conn, run.session_id, run.prompt_sha256)


@hookimpl
def interstat_register_correlators(register):
    """Correlators asked after the exact agentId / tool call match failed."""
    register(
        Correlator(
            name="prompt-digest",
            find=find_by_prompt,
            description="id-less hook rows (1.0.x) matched by the digest of their prompt",
        )
    )
