"""Seeded identifiers and timestamps shaped like the ones Claude Code writes."""

from __future__ import annotations

import random
import time

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

# Sessions start inside a 30-day window, the default transcript retention.
EPOCH_MS = 1_798_761_600_000  # 2027-01-01T00:00:00Z
WINDOW_MS = 30 * 86_400_000


class Ids:
    """Every id comes from one seeded Random, so a rerun gives the same ids."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _b62(self, n: int) -> str:
        return "".join(self.rng.choices(B62, k=n))

    def uuid(self) -> str:
        h = "%032x" % self.rng.getrandbits(128)
        variant = "89ab"[int(h[16], 16) & 3]
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}"

    def msg(self) -> str:
        return "msg_01" + self._b62(22)

    def request(self) -> str:
        return "req_011C" + self._b62(20)

    def tool_use(self) -> str:
        return "toolu_01" + self._b62(22)

    def agent(self) -> str:
        # Real agent ids are "a" and 16 hex digits: 17 hex characters in all.
        return "a%016x" % self.rng.getrandbits(64)

    def sha(self) -> str:
        return "%064x" % self.rng.getrandbits(256)


def iso(ms: int) -> str:
    t = time.gmtime(ms // 1000)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (*t[:6], ms % 1000)


class Clock:
    """A per-file clock that only moves forward, by seeded steps."""

    def __init__(self, start_ms: int, rng: random.Random) -> None:
        self.ms = start_ms
        self.rng = rng

    def tick(self, lo: int = 2, hi: int = 900) -> str:
        self.ms += self.rng.randint(lo, hi)
        return iso(self.ms)
