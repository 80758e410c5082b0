"""Where the shared transcript corpus is, for every test that reads it.

The repository is cloned beside the read-only ``shared/`` folder (in CI too);
``INTERSTAT_SHARED`` points elsewhere, e.g. from a git worktree.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    configured = os.environ.get("INTERSTAT_SHARED")
    return Path(configured) if configured else (REPO_ROOT.parent / "shared").resolve()


def corpus_dir() -> Path:
    corpus = shared_dir() / "corpus"
    if not corpus.is_dir():
        pytest.fail(
            f"the transcript corpus is missing at {corpus}; clone the repository beside "
            "shared/ or set INTERSTAT_SHARED to the folder holding corpus/"
        )
    return corpus


def corpora_with_expected() -> list[str]:
    names = sorted(path.parent.name for path in corpus_dir().glob("*/expected.json"))
    if not names:
        pytest.fail(f"no expected.json under {corpus_dir()}; the corpus is incomplete")
    return names


def load_expected(name: str) -> list[dict]:
    return json.loads((corpus_dir() / name / "expected.json").read_text())
