"""Fixtures shared by every test: where the corpus is, and a fresh store."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from interstat.store.connect import open_store

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """The read-only ``shared/`` folder that sits beside the repository."""
    configured = os.environ.get("INTERSTAT_SHARED")
    return Path(configured) if configured else (REPO_ROOT.parent / "shared").resolve()


def corpus_dir() -> Path:
    corpus = shared_dir() / "corpus"
    if not corpus.is_dir():
        raise RuntimeError(
            f"the transcript corpus is missing at {corpus}; clone the repository beside "
            "shared/ or set INTERSTAT_SHARED"
        )
    return corpus


def corpora_with_expected() -> list[str]:
    return sorted(path.parent.name for path in corpus_dir().glob("*/expected.json"))


def load_expected(name: str) -> list[dict]:
    return json.loads((corpus_dir() / name / "expected.json").read_text())


@pytest.fixture
def store(tmp_path):
    conn = open_store(tmp_path / "interstat" / "metrics.db")
    yield conn
    conn.close()


@pytest.fixture
def store_path(tmp_path) -> Path:
    return tmp_path / "interstat" / "metrics.db"
