"""`interstat analyze --since/--until` read times as report, status and export do."""

from __future__ import annotations

import json
import sqlite3

from click.testing import CliRunner

from interstat.cli import cli
from tests.parsers.parser_support import SESSION, assistant, usage, write_lines

# Three main-thread calls; the last one is exactly at midnight after 2026-01-02.
STAMPS = {
    "msg-1": "2026-01-01T10:00:00.000Z",
    "msg-2": "2026-01-02T10:00:00.000Z",
    "msg-3": "2026-01-03T00:00:00.000Z",
}


def analyzed_calls(tmp_path, *options: str) -> list[str]:
    claude = tmp_path / "claude"
    folder = claude / "projects" / "-proj"
    folder.mkdir(parents=True)
    lines = [assistant(message_id, usage(10, 1), request=f"req-{message_id}", timestamp=stamp)
             for message_id, stamp in STAMPS.items()]
    write_lines(folder / f"{SESSION}.jsonl", lines)
    store = tmp_path / "metrics.db"
    result = CliRunner().invoke(
        cli, ["--db", str(store), "analyze", "--claude-dir", str(claude), "--format", "json",
              *options], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["files_read"] == 1
    with sqlite3.connect(store) as conn:
        keys = [key for (key,) in conn.execute("SELECT call_key FROM api_calls")]
    return sorted(key.split("|")[-1] for key in keys)


def test_a_utc_date_keeps_that_whole_day_and_nothing_after(tmp_path):
    assert analyzed_calls(tmp_path, "--since", "2026-01-02", "--until", "2026-01-02",
                          "--utc") == ["msg-2"]


def test_until_is_exclusive_for_a_time(tmp_path):
    assert analyzed_calls(tmp_path, "--until", "2026-01-02T10:00:00Z") == ["msg-1"]


def test_a_bad_time_names_the_option(tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "m.db"), "analyze",
                                      "--claude-dir", str(tmp_path), "--until", "soon"])
    assert result.exit_code == 2
    assert "Invalid value for '--until': 'soon' is not a date" in result.output
    assert not (tmp_path / "m.db").exists()
