"""``--since``/``--until``: which files and facts a filtered pass keeps."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from interstat.analyze.discover import FoundFile
from interstat.store.times import parse_time

if TYPE_CHECKING:
    from interstat.records import Fact


@attrs.frozen
class TimeWindow:
    since: datetime | None = None
    until: datetime | None = None

    @property
    def active(self) -> bool:
        return self.since is not None or self.until is not None

    def file_may_match(self, found: FoundFile) -> bool:
        # A file last written before ``since`` holds nothing newer.
        return self.since is None or found.mtime_ns >= self.since.timestamp() * 1e9

    def keeps(self, fact: Fact) -> bool:
        stamp = _fact_time(fact)
        if stamp is None:
            return True
        moment = parse_time(stamp)
        if moment is None:
            return True
        if self.since and moment < self.since:
            return False
        # ``until`` is exclusive, as in every other command's filters.
        return not (self.until and moment >= self.until)


def _fact_time(fact: Fact) -> str | None:
    # Imported here: only a filtered pass asks, and a pass where nothing
    # changed should not pay for the records' classes.
    from interstat.records import ApiCall, Dispatch, RunTranscript

    if isinstance(fact, (ApiCall, Dispatch)):
        return fact.timestamp
    if isinstance(fact, RunTranscript):
        return fact.started_at
    return None
