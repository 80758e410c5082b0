"""Where a benchmark run keeps its generated trees, stores and empty HOME."""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks import corpus
from benchmarks.suite.measure import BenchmarkError


def interstat_command() -> list[str]:
    """The installed console script, as a user runs it (not ``python -m``)."""
    script = Path(sys.prefix) / "bin" / "interstat"
    if not script.exists():
        found = shutil.which("interstat")
        if found is None:
            raise BenchmarkError("no interstat console script; run 'uv sync' first")
        script = Path(found)
    return [str(script)]


@dataclass
class Workspace:
    root: Path
    seed: int
    keep: bool = False

    def __post_init__(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)

    @property
    def home(self) -> Path:
        """An empty HOME: the user's own ~/.claude and config stay out of every run."""
        return self.root / "home"

    def tree(self, preset: str) -> Path:
        """A freshly generated tree of ``preset`` (regenerated when a run grew it)."""
        path = self.root / "trees" / f"{preset}-seed{self.seed}"
        if path.exists() and _appended(path):
            shutil.rmtree(path)
        if not path.exists():
            corpus.generate(path, preset, self.seed)
        return path

    def big_tree(self, size: int) -> Path:
        path = self.root / "trees" / f"big-{size // (1024 * 1024)}m-seed{self.seed}"
        if not path.exists():
            corpus.write_big_file(path, size, self.seed)
        return path

    def store(self, name: str) -> Path:
        path = self.root / "stores" / f"{name}.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def fresh_store(self, name: str) -> Path:
        path = self.store(name)
        for suffix in ("", "-wal", "-shm", ".spool"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return path

    def drop(self, path: Path) -> None:
        """Delete a generated tree unless the caller keeps data between runs."""
        if not self.keep and path.exists():
            shutil.rmtree(path)


def _appended(tree: Path) -> bool:
    try:
        doc = json.loads((tree / "expected.json").read_text())
    except (OSError, ValueError):
        return True  # a half-written tree: generate it again
    return bool(doc["generator"].get("appends"))


def tree_bytes(tree: Path) -> int:
    return sum(path.stat().st_size for path in (tree / "projects").rglob("*.jsonl"))
