"""The byte prefilter only skips lines that cannot change the facts."""

from __future__ import annotations

import pytest
from parser_support import corpus_folder, parse

from interstat.records import SkippedLine


def corpus_files():
    return sorted(corpus_folder().rglob("*.jsonl"))


@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: path.name)
def test_reading_every_line_gives_the_same_facts_as_the_prefiltered_read(path):
    everything = [fact for fact in parse(path, strict=True) if not isinstance(fact, SkippedLine)]
    assert parse(path) == everything
