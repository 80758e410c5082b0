"""How many transcript files a preset has and how big each one is.

The shape is a heavy user's projects/ tree: a log-normal-like body with a long
tail. It is written as quantile knots (fraction of files, size relative to the
median) rather than sampled, so every preset hits its targets exactly instead
of by luck of the seed; the seed only decides which file gets which size.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

KB = 1024
MB = KB * KB

# (fraction of files, size / median). Full preset: median 100 KB, p90 650 KB,
# p99 5 MB, largest 90 MB; these knots give about 1.2 GB over 3,000 files.
KNOTS = (
    (0.0, 0.02), (0.25, 0.35), (0.5, 1.0), (0.75, 2.5), (0.9, 6.5),
    (0.95, 11.0), (0.98, 23.0), (0.99, 51.0), (0.995, 82.0),
    (0.999, 205.0), (1.0, 920.0),
)
MIN_FILE = 2 * KB


@dataclass(frozen=True)
class Preset:
    name: str
    files: int          # transcript (.jsonl) files; meta.json files come on top
    total: int          # target bytes of all .jsonl files
    largest: int        # the single largest file
    agent_files: float  # fraction of .jsonl files that are sub-agent transcripts
    agent_bytes: float  # fraction of bytes in sub-agent transcripts


PRESETS = {
    p.name: p
    for p in (
        Preset("tiny", 60, 3 * MB, 500 * KB, 0.55, 1 / 3),
        Preset("small", 600, 100 * MB, 12 * MB, 0.57, 1 / 3),
        Preset("0.1gb", 250, 100 * MB, 24 * MB, 0.57, 1 / 3),
        Preset("0.3gb", 750, 300 * MB, 45 * MB, 0.57, 1 / 3),
        Preset("full", 3000, 1200 * MB, 90 * MB, 0.57, 1 / 3),
    )
}


def quantile(p: float) -> float:
    """Size relative to the median at fraction p, log-linear between knots."""
    for (p0, v0), (p1, v1) in zip(KNOTS, KNOTS[1:], strict=False):
        if p <= p1:
            t = (p - p0) / (p1 - p0)
            return math.exp(math.log(v0) + t * (math.log(v1) - math.log(v0)))
    return KNOTS[-1][1]


def file_sizes(preset: Preset) -> list[int]:
    """Sizes in ascending order: the knot shape scaled to the preset's total."""
    n = preset.files
    shape = [quantile((i + 0.5) / n) for i in range(n - 1)]
    scale = (preset.total - preset.largest) / sum(shape)
    sizes = [max(MIN_FILE, int(v * scale)) for v in shape]
    return sorted(sizes) + [preset.largest]


def split_roles(
    sizes: list[int], preset: Preset, rng: random.Random
) -> tuple[list[int], list[int]]:
    """Deal sizes to sessions and sub-agents so agents hold the preset's byte share.

    The largest few files stay sessions (a 90 MB sub-agent transcript would be
    odd). Swaps between the two piles keep the overall distribution intact
    while moving the agents' share of bytes to its target.
    """
    keep = max(1, len(sizes) // 1000)
    pool = list(sizes[:-keep])
    rng.shuffle(pool)
    n_agents = round(len(sizes) * preset.agent_files)
    agents, sessions = pool[:n_agents], pool[n_agents:] + sizes[-keep:]

    total = sum(sizes)
    gap = sum(agents) - total * preset.agent_bytes
    for _ in range(50 * len(sizes)):
        if abs(gap) < total * 0.005:
            break
        i, j = rng.randrange(len(agents)), rng.randrange(len(sessions) - keep)
        delta = sessions[j] - agents[i]
        if abs(gap + delta) < abs(gap):
            agents[i], sessions[j] = sessions[j], agents[i]
            gap += delta
    return sessions, agents
