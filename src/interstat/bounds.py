"""The largest values thresholds may take, on the command line or in the config file.

SQLite holds integers of at most 64 bits, so a larger one stops a report
halfway; and a gate far beyond any model's context only prints numbers that
mean nothing.
"""

from __future__ import annotations

#: Peak-context sizes (the gate, context limits, a price's context window):
#: a hundred times the largest context window of any model so far.
MAX_TOKENS = 100_000_000

#: Counts of runs or rows (the baseline, the runs and sessions a report lists).
MAX_ROWS = 1_000_000
