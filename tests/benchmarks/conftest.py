"""Shared fixtures for the benchmark tooling tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The benchmarks package sits at the repository root, outside src/.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import corpus  # noqa: E402


@pytest.fixture(scope="session")
def tiny_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One tiny tree for the read-only tests; tests that change a tree copy it."""
    root = tmp_path_factory.mktemp("tiny")
    corpus.generate(root, "tiny", seed=7)
    return root
