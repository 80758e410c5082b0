"""Which facts an analyze pass drops because purge deleted their run or session.

The tombstones themselves are ``interstat.store.purged``; here a fact is
matched to them by the ids it names.
"""

from __future__ import annotations

from interstat.records import ApiCall, Dispatch, DispatchResult, Fact, RunTranscript
from interstat.store.purged import PurgedRuns, run_owners


def is_purged_fact(purged: PurgedRuns, fact: Fact | tuple) -> bool:
    """Whether ``fact`` (or a call compacted by ``apply.call_row_of``) was purged."""
    if type(fact) is tuple:
        return purged.hides(fact[1], (fact[2],))
    if isinstance(fact, ApiCall):
        return purged.hides(fact.session_id, (fact.owner,))
    if isinstance(fact, Dispatch):
        return purged.hides(fact.session_id, run_owners(None, fact.tool_use_id))
    if isinstance(fact, (DispatchResult, RunTranscript)):
        return purged.hides(fact.session_id, run_owners(fact.agent_id, fact.tool_use_id))
    return False
