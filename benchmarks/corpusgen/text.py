"""Filler text, already escaped for a JSON string, cut from seeded pools.

Tool results make up most of a transcript's bytes. Building them by slicing
one large pre-escaped string keeps generation fast; json.dumps on each
payload would dominate the run time.
"""

from __future__ import annotations

import random

WORDS = (
    "request handler session token cache parser record store window agent "
    "result usage budget config context stream buffer entry index column "
    "schema migration worker event queue batch filter report summary limit "
    "offset cursor payload message transcript project branch model plugin "
    "review change commit module client server retry timeout signal status"
).split()

CODE_TEMPLATES = (
    "def {a}_{b}(self, {c}: int) -> {D}:",
    "    return self.{a}.{b}({c})",
    "    {a} = {b}.get(\\\"{c}\\\", None)",
    "    if {a} is not None and {b} > {n}:",
    "        raise {D}Error(f\\\"bad {a}: {{{b}!r}}\\\")",
    "class {D}{E}:",
    "    # {a} {b} {c} before the {d} is flushed",
    "    for {a} in self.{b}s[{n}:]:",
    "import {a}.{b} as {c}",
    "        {a}[{b}] += len({c}) * {n}",
    "",
)

PROSE_TEMPLATES = (
    "The {a} {b} keeps its {c} until the {d} is read.",
    "I checked the {a} and the {b}; the {c} path handles {n} cases.",
    "Next I will look at how the {a} {b} reaches the {c}.",
    "Found: the {a} is rebuilt on every {b}, which costs about {n} ms.",
    "- [P{m}] {a} {b} ignores the {c} {d} when {e} is empty",
)


def _fill(rng: random.Random, template: str) -> str:
    w = rng.choices(WORDS, k=5)
    return template.format(
        a=w[0], b=w[1], c=w[2], d=w[3], e=w[4],
        D=w[3].capitalize(), E=w[4].capitalize(),
        n=rng.randint(2, 4096), m=rng.randint(0, 3),
    )


def _code_pool(rng: random.Random, size: int) -> str:
    out, total, num = [], 0, 1
    while total < size:
        line = "%6d\\t%s\\n" % (num, _fill(rng, rng.choice(CODE_TEMPLATES)))
        out.append(line)
        total += len(line)
        num = 1 if rng.random() < 0.004 else num + 1
    return "".join(out)


def _prose_pool(rng: random.Random, size: int) -> str:
    out, total = [], 0
    while total < size:
        line = _fill(rng, rng.choice(PROSE_TEMPLATES))
        line += "\\n" if rng.random() < 0.3 else " "
        out.append(line)
        total += len(line)
    return "".join(out)


class TextPool:
    """Two pools (code-like and prose) of JSON-escaped ASCII text."""

    def __init__(self, seed: int, size: int = 1 << 20) -> None:
        rng = random.Random(f"text-pool/{seed}")
        self.code = _code_pool(rng, size)
        self.prose = _prose_pool(rng, size // 8)
        self._code2 = self.code + self.code
        self._prose2 = self.prose + self.prose

    def code_text(self, rng: random.Random, n: int) -> str:
        return _cut(self.code, self._code2, rng, n)

    def prose_text(self, rng: random.Random, n: int) -> str:
        return _cut(self.prose, self._prose2, rng, n)


def _cut(pool: str, doubled: str, rng: random.Random, n: int) -> str:
    """About n characters of pool from a random offset, never splitting an escape.

    The pools hold backslashes only as the first character of a two-character
    escape (never an escaped backslash). A start just after a backslash would
    begin inside an escape (a bare quote there ends the string), so skip one;
    an end just after one would leave it open, so take one more. Both pools
    end on a whole escape, so the join inside `doubled` is safe too.
    """
    n = max(0, n)
    whole, n = divmod(n, len(pool))
    start = rng.randrange(len(pool))
    space = doubled.find(" ", start, start + 24)  # start on a word when one is near
    start = space + 1 if space >= 0 else start
    if doubled[start - 1] == "\\":
        start += 1
    end = start + n
    if end > start and doubled[end - 1] == "\\":
        end += 1
    return pool * whole + doubled[start:end]
