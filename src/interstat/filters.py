"""Which runs a command looks at: one set of filters for report, status, export and purge.

``Filters`` holds the choice, ``where_clause`` turns it into parameterised SQL
over ``agent_runs``, and ``filter_options`` adds the matching click options
(``--since --until --utc --project --agent --model --session --workflow``)
and hands the command a ready ``filters`` argument.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import attrs
import click

from interstat.store.times import format_time

#: When a run happened: its start, else its end, else when it was first recorded.
RUN_TIME_SQL = "COALESCE({p}started_at, {p}ended_at, {p}created_at)"

#: Glob options and the ``agent_runs`` column each one matches.
_GLOB_COLUMNS = (
    ("projects", "project"),
    ("agents", "agent_name"),
    ("models", "model"),
    ("sessions", "session_id"),
    ("workflows", "workflow_id"),
)

_RELATIVE = re.compile(r"^(\d+)\s*([mhdw])$")
_RELATIVE_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class OptionValueError(ValueError):
    """A filter option's value cannot be read; ``option`` names it."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


@attrs.frozen
class Filters:
    """Runs to keep. Empty tuples and None bounds mean "any".

    Each text filter is a tuple of globs (``*``, ``?``, ``[...]``, case-sensitive);
    a run passes when one glob of every non-empty filter matches. ``since`` is
    inclusive and ``until`` exclusive; both are aware datetimes.
    """

    since: datetime | None = None
    until: datetime | None = None
    projects: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    sessions: tuple[str, ...] = ()
    workflows: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self == Filters()

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON: bounds in the stored time format, globs as lists."""
        return {
            "since": None if self.since is None else sql_time(self.since),
            "until": None if self.until is None else sql_time(self.until),
            **{attribute: list(getattr(self, attribute)) for attribute, _ in _GLOB_COLUMNS},
        }


def sql_time(moment: datetime) -> str:
    """A bound in the stored format: ISO 8601 UTC with milliseconds and ``Z``.

    Stored times have whole milliseconds, so a bound rounded up to the next
    one keeps exactly the same runs on either side of it.
    """
    utc = moment.astimezone(timezone.utc)
    if utc.microsecond % 1000:
        utc += timedelta(microseconds=1000 - utc.microsecond % 1000)
    return format_time(utc)


def where_clause(
    filters: Filters, *, alias: str = "", extra: Sequence[str] = ()
) -> tuple[str, list[Any]]:
    """``" WHERE ..."`` (or ``""`` when nothing filters) and its parameters.

    ``alias`` prefixes the columns (``"r"`` gives ``r.model``); ``extra`` adds
    fixed conditions written in the caller's code, such as
    ``"kind = 'dispatched'"``. Times compare through SQLite's julianday, so
    any ISO 8601 spelling of a stored time compares right.
    """
    conditions, parameters = _conditions(filters, alias, extra)
    if not conditions:
        return "", []
    return " WHERE " + " AND ".join(conditions), parameters


def sql_condition(filters: Filters, *, alias: str = "") -> tuple[str, list[Any]]:
    """The same test as ``where_clause`` as one condition (``1`` when nothing filters).

    For queries that put the filters beside conditions of their own.
    """
    conditions, parameters = _conditions(filters, alias, ())
    return " AND ".join(conditions) or "1", parameters


def _conditions(
    filters: Filters, alias: str, extra: Sequence[str]
) -> tuple[list[str], list[Any]]:
    prefix = f"{alias}." if alias else ""
    conditions = list(extra)
    parameters: list[Any] = []
    run_time = RUN_TIME_SQL.format(p=prefix)
    if filters.since is not None:
        conditions.append(f"julianday({run_time}) >= julianday(?)")
        parameters.append(sql_time(filters.since))
    if filters.until is not None:
        conditions.append(f"julianday({run_time}) < julianday(?)")
        parameters.append(sql_time(filters.until))
    for attribute, column in _GLOB_COLUMNS:
        globs = getattr(filters, attribute)
        if globs:
            either = " OR ".join(f"{prefix}{column} GLOB ?" for _ in globs)
            conditions.append(f"({either})")
            parameters.extend(globs)
    return conditions, parameters


#: Dates in this range work in every time zone; outside it, a bound may not
#: fit Python's datetime once turned into UTC (or into the end of its day).
#: The check holds to these years in every zone, so the message is always true.
_FIRST_YEAR, _LAST_YEAR = 2, 9998
_SAFE_RANGE = (f"use a date between {_FIRST_YEAR:04d}-01-01 and {_LAST_YEAR:04d}-12-31, "
               "or an age like 7d")


def parse_moment(text: str, *, utc: bool = False, end_of_day: bool = False,
                 now: datetime | None = None) -> datetime:
    """A time given on the command line, as an aware datetime.

    Accepts ISO dates and times (``2026-03-01``, ``2026-03-01T14:30``, with an
    optional offset or ``Z``) and ages (``90m``, ``12h``, ``7d``, ``2w``
    before ``now``). Times without an offset are local unless ``utc``. With
    ``end_of_day``, a bare date means the end of that day. A time Python
    cannot hold, here or in UTC, is a ValueError that says so.
    """
    now = now or datetime.now(timezone.utc)
    text = text.strip()
    try:
        moment = _read_moment(text, utc, end_of_day, now)
        sql_time(moment)  # the bound must also fit the stored format
    except (OverflowError, _OutOfRange):
        raise ValueError(f"{text!r} is out of range; {_SAFE_RANGE}") from None
    return moment


class _OutOfRange(Exception):
    """A parsed time that its own zone or UTC cannot hold."""


def _within_safe_years(moment: date) -> None:
    if not _FIRST_YEAR <= moment.year <= _LAST_YEAR:
        raise _OutOfRange


def _read_moment(text: str, utc: bool, end_of_day: bool, now: datetime) -> datetime:
    relative = _RELATIVE.match(text)
    if relative:
        amount, unit = int(relative.group(1)), _RELATIVE_UNITS[relative.group(2)]
        moment = now - timedelta(**{unit: amount})
        _within_safe_years(moment)
        return moment
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is not None:
        _within_safe_years(day)
        moment = datetime.combine(day + timedelta(days=1 if end_of_day else 0), time())
    else:
        moment = _parse_datetime(text)
        _within_safe_years(moment)
    if moment.tzinfo is not None:
        return moment
    if utc:
        return moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone()
    except ValueError as error:
        # Near year 1 or 9999 the local offset pushes the year out of range.
        raise _OutOfRange from error


def _parse_datetime(text: str) -> datetime:
    # Python 3.10's fromisoformat takes neither "Z" nor a space before the time.
    cleaned = re.sub(r"[zZ]$", "+00:00", text)
    try:
        return datetime.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date or time; use 2026-03-01, 2026-03-01T14:30 or 7d"
        ) from None


def _normal_project(value: str) -> str:
    # A plain path (".", "~/src/app") means that folder as the hooks record it.
    if any(char in value for char in "*?["):
        return value
    return os.path.abspath(os.path.expanduser(value))


def parse_window(since: str | None, until: str | None, *,
                 utc: bool = False) -> tuple[datetime | None, datetime | None]:
    """``--since`` and ``--until`` read (a bare ``until`` date includes its day).

    OptionValueError names the option that is wrong, including an ``until``
    that is not later than ``since``: such a window holds nothing.
    """
    bounds: dict[str, datetime | None] = {"since": None, "until": None}
    for option, text in (("since", since), ("until", until)):
        try:
            if text:
                bounds[option] = parse_moment(text, utc=utc, end_of_day=option == "until")
        except ValueError as error:
            raise OptionValueError(option, str(error)) from None
    first, last = bounds["since"], bounds["until"]
    if first is not None and last is not None and first >= last:
        raise OptionValueError(
            "until", f"{until!r} is not later than --since {since!r}; swap the two"
        )
    return first, last


#: What each glob option names, for the error an empty value gets.
_PATTERN_NOUNS = {
    "project": "a project folder or a glob",
    "agent": "an agent type or a glob",
    "model": "a model name or a glob",
    "session": "a session id or a glob",
    "workflow": "a workflow id or a glob",
}


def require_pattern(option: str, value: str) -> None:
    """An empty glob would match everything or nothing depending on the option
    (a --project of "" even meant the current folder): it is refused everywhere."""
    if not value.strip():
        raise OptionValueError(option, f"it is empty; give {_PATTERN_NOUNS[option]}")


def filters_from_options(
    *, since: str | None = None, until: str | None = None, utc: bool = False,
    project: Sequence[str] = (), agent: Sequence[str] = (), model: Sequence[str] = (),
    session: Sequence[str] = (), workflow: Sequence[str] = (),
) -> Filters:
    """Filters from raw option values; OptionValueError names the wrong option."""
    for option, values in (("project", project), ("agent", agent), ("model", model),
                           ("session", session), ("workflow", workflow)):
        for value in values:
            require_pattern(option, value)
    first, last = parse_window(since, until, utc=utc)
    return Filters(
        since=first,
        until=last,
        projects=tuple(_normal_project(value) for value in project),
        agents=tuple(agent),
        models=tuple(model),
        sessions=tuple(session),
        workflows=tuple(workflow),
    )


_OPTIONS = (
    click.option("--since", metavar="WHEN",
                 help="Runs from this time on: 2026-03-01, 2026-03-01T14:30, or an age like 7d."),
    click.option("--until", metavar="WHEN",
                 help="Runs before this time; a bare date includes that whole day."),
    click.option("--utc", is_flag=True, help="Read --since/--until as UTC, not local time."),
    click.option("--project", multiple=True, metavar="PATH",
                 help="Runs in this project folder (or glob); repeatable."),
    click.option("--agent", multiple=True, metavar="GLOB",
                 help="Runs of agent types matching this glob; repeatable."),
    click.option("--model", multiple=True, metavar="GLOB",
                 help="Runs whose model matches this glob; repeatable."),
    click.option("--session", multiple=True, metavar="ID",
                 help="Runs of sessions whose id starts with this (8 characters are "
                 "enough), or matches this glob; repeatable."),
    click.option("--workflow", multiple=True, metavar="ID",
                 help="Runs of this workflow id (or glob); repeatable."),
)

_OPTION_NAMES = ("since", "until", "utc", "project", "agent", "model", "session", "workflow")


def session_glob(value: str) -> str:
    """A ``--session`` value as a glob: an id, or the start of one, matches as a prefix.

    Reports show the first characters of long ids; those are enough to name one.
    """
    return value if any(char in value for char in "*?[") else value + "*"


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the filter options to a click command; it receives ``filters: Filters``.

    Unlike ``purge --session``, which deletes, ``--session`` here takes an id prefix.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        raw = {name: kwargs.pop(name) for name in _OPTION_NAMES}
        try:
            filters = filters_from_options(**raw)
        except OptionValueError as error:
            raise click.BadParameter(str(error), param_hint=f"'--{error.option}'") from error
        kwargs["filters"] = attrs.evolve(
            filters, sessions=tuple(session_glob(value) for value in filters.sessions)
        )
        return command(*args, **kwargs)

    for option in reversed(_OPTIONS):
        wrapper = option(wrapper)
    return wrapper
