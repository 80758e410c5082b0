"""interstat.filters: which runs each option keeps, and how times are read."""

from __future__ import annotations

import json
import re
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import add_run, dump, new_store
from hypothesis import given, settings
from hypothesis import strategies as st

from interstat.filters import (
    Filters,
    OptionValueError,
    filters_from_options,
    parse_moment,
    where_clause,
)

UTC = timezone.utc

RUNS = [
    # session, agent_id, agent_name, model, project, workflow, started_at
    ("s1", "a1", "fd-architecture", "claude-opus-5", "/src/app", None, "2026-03-01T09:00:00.000Z"),
    ("s1", "a2", "fd-quality", "claude-sonnet-5", "/src/app", "wf_1", "2026-03-01T23:30:00.000Z"),
    ("s2", "a3", "Explore", "claude-haiku-5", "/src/lib", None, "2026-03-02T00:30:00.000Z"),
    ("s3", "a4", "fd-safety", "claude-opus-5", "/src/lib", "wf_2", "2026-03-05T12:00:00.000Z"),
]


@pytest.fixture
def conn(tmp_path: Path):
    conn = new_store(tmp_path / "metrics.db")
    for session, agent, name, model, project, workflow, started in RUNS:
        add_run(conn, session, agent_id=agent, agent_name=name, model=model,
                project=project, workflow_id=workflow, started_at=started)
    yield conn
    conn.close()


def agents(conn, filters: Filters) -> list[str]:
    where, parameters = where_clause(filters)
    rows = conn.execute(f"SELECT agent_id FROM agent_runs{where} ORDER BY agent_id", parameters)
    return [row[0] for row in rows]


def test_no_filter_means_no_clause() -> None:
    assert where_clause(Filters()) == ("", [])
    assert Filters().is_empty


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(agents=("fd-*",)), ["a1", "a2", "a4"]),
        (Filters(agents=("fd-q*", "Explore")), ["a2", "a3"]),
        (Filters(models=("claude-opus-*",)), ["a1", "a4"]),
        (Filters(sessions=("s1",)), ["a1", "a2"]),
        (Filters(projects=("/src/lib",)), ["a3", "a4"]),
        (Filters(workflows=("wf_*",)), ["a2", "a4"]),
        (Filters(agents=("fd-*",), projects=("/src/lib",)), ["a4"]),
        (Filters(since=datetime(2026, 3, 1, 23, 30, tzinfo=UTC)), ["a2", "a3", "a4"]),
        (Filters(until=datetime(2026, 3, 2, 0, 30, tzinfo=UTC)), ["a1", "a2"]),
        (Filters(since=datetime(2026, 3, 2, 2, 30, tzinfo=timezone(timedelta(hours=2)))),
         ["a3", "a4"]),
    ],
)
def test_each_filter_keeps_the_runs_it_names(conn, filters: Filters, expected) -> None:
    assert agents(conn, filters) == expected


def test_extra_conditions_and_alias_are_combined(conn) -> None:
    where, parameters = where_clause(Filters(sessions=("s1",)), alias="r",
                                     extra=["r.agent_name != 'fd-quality'"])
    rows = conn.execute(f"SELECT r.agent_id FROM agent_runs r{where}", parameters).fetchall()
    assert rows == [("a1",)]


def test_values_never_become_sql(conn) -> None:
    assert agents(conn, Filters(sessions=("s1' OR '1'='1",))) == []


def test_runs_without_a_start_use_their_end(conn) -> None:
    add_run(conn, "s4", agent_id="a5", ended_at="2026-04-01T00:00:00.000Z")
    assert agents(conn, Filters(since=datetime(2026, 3, 31, tzinfo=UTC))) == ["a5"]


@settings(max_examples=40, deadline=None)
@given(
    moments=st.lists(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1),
                                  timezones=st.just(UTC)), min_size=1, max_size=8),
    since=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1),
                       timezones=st.just(UTC)),
    width=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=900)),
)
def test_time_window_keeps_exactly_the_runs_inside(tmp_path_factory, moments, since,
                                                   width) -> None:
    # Stored times have whole milliseconds; the bounds may be finer.
    moments = [m.replace(microsecond=m.microsecond // 1000 * 1000) for m in moments]
    until = since + width
    conn = new_store(tmp_path_factory.mktemp("window") / "metrics.db")
    for index, moment in enumerate(moments):
        stamp = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        add_run(conn, "s", agent_id=f"a{index}", started_at=stamp)
    expected = sorted(f"a{i}" for i, m in enumerate(moments) if since <= m < until)
    assert agents(conn, Filters(since=since, until=until)) == expected
    conn.close()


NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ("2026-03-01", {"utc": True}, datetime(2026, 3, 1, tzinfo=UTC)),
        ("2026-03-01", {"utc": True, "end_of_day": True}, datetime(2026, 3, 2, tzinfo=UTC)),
        ("2026-03-01T14:30", {"utc": True}, datetime(2026, 3, 1, 14, 30, tzinfo=UTC)),
        ("2026-03-01 14:30:05", {"utc": True}, datetime(2026, 3, 1, 14, 30, 5, tzinfo=UTC)),
        ("2026-03-01T14:30Z", {}, datetime(2026, 3, 1, 14, 30, tzinfo=UTC)),
        ("2026-03-01T14:30+02:00", {"utc": True}, datetime(2026, 3, 1, 12, 30, tzinfo=UTC)),
        ("7d", {}, datetime(2026, 3, 3, 12, 0, tzinfo=UTC)),
        ("12h", {}, datetime(2026, 3, 10, 0, 0, tzinfo=UTC)),
        ("90m", {}, datetime(2026, 3, 10, 10, 30, tzinfo=UTC)),
        ("2w", {}, datetime(2026, 2, 24, 12, 0, tzinfo=UTC)),
    ],
)
def test_times_are_read_as_written(text: str, options: dict, expected: datetime) -> None:
    assert parse_moment(text, now=NOW, **options) == expected


@pytest.fixture
def tokyo_time(monkeypatch: pytest.MonkeyPatch):
    # POSIX TZ syntax: "JST-9" is nine hours ahead of UTC, with no summer time.
    monkeypatch.setenv("TZ", "JST-9")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_times_without_offset_are_local_unless_utc(tokyo_time) -> None:
    assert parse_moment("2026-03-01T09:00") == datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
    assert parse_moment("2026-03-01T09:00", utc=True) == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    until = filters_from_options(until="2026-03-01").until
    assert until == datetime(2026, 3, 1, 15, 0, tzinfo=UTC)


def test_plain_project_paths_are_made_absolute(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    filters = filters_from_options(project=(".", "/src/*"))
    assert filters.projects == (str(tmp_path), "/src/*")


def test_bad_time_option_is_a_usage_error(run_cli) -> None:
    result = run_cli("export", "--since", "last tuesday", code=2)
    assert "Invalid value for '--since'" in result.stderr
    assert "2026-03-01" in result.stderr


@pytest.mark.parametrize(
    ("args", "option"),
    [
        # 99999999 days before now is about 271,000 years ago: before year 1.
        (["report", "--since", "99999999d"], "--since"),
        (["status", "--since", "99999999d"], "--since"),
        (["export", "--until", "99999999999999d"], "--until"),
        # The end of 9999-12-31 is the start of year 10000.
        (["report", "--until", "9999-12-31"], "--until"),
        (["report", "--since", "9999-12-31"], "--since"),
        (["status", "--since", "0001-06-01", "--utc"], "--since"),
        (["purge", "--before", "99999999d", "--yes"], "--before"),
        (["analyze", "--since", "99999999d"], "--since"),
    ],
)
def test_out_of_range_times_are_a_usage_error(run_cli, tmp_path: Path, args: list[str],
                                              option: str) -> None:
    new_store(tmp_path / "metrics.db").close()
    result = run_cli("--db", str(tmp_path / "metrics.db"), *args, code=2)
    assert f"Invalid value for '{option}'" in result.stderr
    assert "out of range" in result.stderr
    assert "0002-01-01" in result.stderr


def test_year_one_in_local_time_is_out_of_range(tokyo_time) -> None:
    # Midnight of 0001-01-01 in Tokyo is nine hours before year 1 begins in UTC.
    with pytest.raises(ValueError, match="out of range; use a date between 0002-01-01"):
        parse_moment("0001-01-01")
    assert parse_moment("0002-01-01") == datetime(1, 12, 31, 15, tzinfo=UTC)


@pytest.fixture(params=["UTC0", "JST-9", "HST10"])
def any_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("option", ["since", "until"])
def test_the_range_the_message_names_is_the_range_taken(any_zone, option: str) -> None:
    with pytest.raises(OptionValueError) as refused:
        filters_from_options(**{option: "9999-12-31"})
    first, last = (date.fromisoformat(day) for day in
                   re.search(r"between (\S+) and (\S+),", str(refused.value)).groups())
    for inside in (first, last):
        filters_from_options(**{option: inside.isoformat()})
        filters_from_options(**{option: f"{inside.isoformat()}T12:00"})
    for outside in (first - timedelta(days=1), last + timedelta(days=1)):
        with pytest.raises(OptionValueError, match="out of range"):
            filters_from_options(**{option: outside.isoformat()})


@pytest.mark.parametrize(("args", "option"), [
    (["report", "--session", ""], "--session"),
    (["report", "--agent", ""], "--agent"),
    (["report", "--model", " "], "--model"),
    (["report", "--project", ""], "--project"),
    (["report", "--workflow", ""], "--workflow"),
    (["status", "--session", ""], "--session"),
    (["export", "--agent", "fd-*", "--agent", ""], "--agent"),
    (["purge", "--session", "", "--yes"], "--session"),
    (["purge", "--project", "", "--yes"], "--project"),
    (["analyze", "--session", ""], "--session"),
])
def test_an_empty_pattern_is_a_usage_error(run_cli, tmp_path: Path, args: list[str],
                                           option: str) -> None:
    store = tmp_path / "metrics.db"
    conn = new_store(store)
    add_run(conn, "s1", agent_id="a1", project=str(Path.cwd()))
    conn.close()
    before = dump(store)
    result = run_cli("--db", str(store), *args, code=2)
    assert f"Invalid value for '{option}': it is empty" in result.stderr
    assert dump(store) == before


@pytest.mark.parametrize("command", ["report", "status", "export", "analyze"])
def test_since_after_until_is_a_usage_error(run_cli, tmp_path: Path, command: str) -> None:
    new_store(tmp_path / "metrics.db").close()
    result = run_cli("--db", str(tmp_path / "metrics.db"), command, "--utc",
                     "--since", "2026-03-05", "--until", "2026-03-01", code=2)
    assert "Invalid value for '--until'" in result.stderr
    assert "not later than --since '2026-03-05'" in result.stderr


def test_since_and_until_on_one_day_keep_that_day() -> None:
    filters = filters_from_options(since="2026-03-01", until="2026-03-01", utc=True)
    assert (filters.since, filters.until) == (datetime(2026, 3, 1, tzinfo=UTC),
                                              datetime(2026, 3, 2, tzinfo=UTC))


@pytest.fixture
def prefix_store(tmp_path: Path) -> Path:
    store = tmp_path / "prefix.db"
    conn = new_store(store)
    for session, agent in (("18f9a4b7-aaaa", "a1"), ("18f9a4b7-aaaa", "a2"),
                           ("18f9a4b8-bbbb", "a3"), ("28f9a4b7-cccc", "a4")):
        add_run(conn, session, agent_id=agent, started_at="2026-03-01T09:00:00.000Z")
    conn.close()
    return store


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["18f9a4b7"], ["a1", "a2"]),           # the first 8 characters, as reports show
        (["18f9a4b7-aaaa"], ["a1", "a2"]),      # the whole id
        (["18f9a4b"], ["a1", "a2", "a3"]),
        (["18f9a4b7", "28f9"], ["a1", "a2", "a4"]),
        (["*cccc"], ["a4"]),                    # a glob is used as written
        (["8f9a4b7"], []),                      # a prefix, not any part
    ],
)
def test_session_takes_an_id_prefix_or_a_glob(prefix_store: Path, run_cli, values,
                                              expected) -> None:
    options = [part for value in values for part in ("--session", value)]
    exported = run_cli("--db", str(prefix_store), "export", "--format", "jsonl", *options)
    assert [json.loads(row)["agent_id"] for row in exported.stdout.splitlines()] == expected
    status = run_cli("--db", str(prefix_store), "status", "--format", "json", *options)
    assert json.loads(status.stdout)["runs"] == len(expected)


def test_purge_session_still_wants_the_whole_id(prefix_store: Path, run_cli) -> None:
    result = run_cli("--db", str(prefix_store), "purge", "--session", "18f9a4b7", "--yes",
                     "--format", "json")
    assert json.loads(result.stdout) == {"runs": 0, "api_calls": 0}
