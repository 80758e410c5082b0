"""``interstat doctor``: checks of the store, the Claude Code plugin and the transcripts.

Each check yields ``Finding`` records: one line each, saying what is wrong
and what to do. Checks only look; ``interstat.doctor.repair`` changes things,
and only after a backup.
"""

from __future__ import annotations

import attrs

OK, INFO, WARN, PROBLEM = "ok", "info", "warn", "problem"


@attrs.frozen
class Finding:
    """One check's result. ``message`` says what was found and, if wrong, what to do."""

    area: str
    status: str
    message: str
