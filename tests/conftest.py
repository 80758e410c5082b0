"""Fixtures shared by every test: a fresh store."""

from __future__ import annotations

from pathlib import Path

import pytest

from interstat.store.connect import open_store


@pytest.fixture
def store(tmp_path):
    conn = open_store(tmp_path / "interstat" / "metrics.db")
    yield conn
    conn.close()


@pytest.fixture
def store_path(tmp_path) -> Path:
    return tmp_path / "interstat" / "metrics.db"
