"""How much each benchmark does: the full run for RESULTS.md, and a quick one for CI."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Preset:
    name: str
    #: Corpus preset of the tree the cold, warm and append runs use.
    tree: str
    cold_runs: int
    warm_runs: int
    #: Append rounds: each grows 1% of the files by its percentage, from a
    #: few KB to several times a file, so that the cost per byte shows.
    append_percents: tuple[float, ...]
    #: (corpus preset, runs) for the time-against-size series; the main
    #: tree's cold runs are reused for its own size.
    scaling: tuple[tuple[str, int], ...]
    #: Sizes of the single-file trees whose peak memory is measured.
    big_files: tuple[int, ...]
    big_runs: int
    hook_runs: int
    #: Synthetic store sizes (runs) for status and report.
    store_sizes: tuple[int, ...]
    store_runs: int
    largest_store_runs: int
    version_runs: int
    seed: int = 1


FULL = Preset(
    name="full", tree="full", cold_runs=5, warm_runs=5, append_percents=(5.0, 100.0, 400.0),
    scaling=(("0.1gb", 5), ("0.3gb", 3)), big_files=(512 * MB, 1024 * MB), big_runs=2,
    hook_runs=200, store_sizes=(10_000, 100_000, 1_000_000), store_runs=5,
    largest_store_runs=3, version_runs=10,
)
QUICK = Preset(
    name="quick", tree="tiny", cold_runs=2, warm_runs=2, append_percents=(5.0, 100.0),
    scaling=(), big_files=(4 * MB, 16 * MB), big_runs=1, hook_runs=10,
    store_sizes=(1_000, 5_000), store_runs=2, largest_store_runs=2, version_runs=3,
)
PRESETS = {preset.name: preset for preset in (FULL, QUICK)}
