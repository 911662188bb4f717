"""Dates as the notice counts them: local dates in Asia/Shanghai (scoring-2007.md §6)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Final

from dateutil import parser, tz

from .exceptions import EventFieldError

# The system's zone data when it has it; otherwise UTC+8, which is what Asia/Shanghai has been
# without interruption since China last observed summer time in 1991.
LOCAL_ZONE: Final[dt.tzinfo] = tz.gettz("Asia/Shanghai") or tz.tzoffset("CST", 8 * 3600)

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# An ISO 8601 datetime has a time of day: at least the hour follows the T. (dateutil alone would
# read "2007-03-04T+14:00" as midnight.)
_DATETIME = re.compile(r"[0-9-]+T[0-9]{2}.*")


def parse_date(value: str) -> dt.date:
    """Parse an ISO date (``2007-03-05``) strictly.

    Raises:
        ValueError: the text is not a real calendar date in that form.
    """
    if not _DATE.fullmatch(value):
        raise ValueError(f"{value!r} is not a date of the form YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a real calendar date") from None


def to_local_date(value: object, field: str = "date") -> dt.date:
    """Turn what an event's ``date`` holds into the Asia/Shanghai calendar date.

    Accepts a :class:`datetime.date`, an aware :class:`datetime.datetime` (converted to
    Asia/Shanghai first), or the text of either in ISO 8601 (``2007-03-05``,
    ``2007-03-05T23:30:00+00:00``).

    Raises:
        EventFieldError: anything else, including a datetime without a UTC offset, whose
            local date would be a guess.
    """
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise EventFieldError(field, f"the datetime {value.isoformat()} has no UTC offset")
        return _local(value, field)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise EventFieldError(field, f"expected a date text YYYY-MM-DD, found {_kind(value)}")
    return _text_date(value, field)


@functools.lru_cache(maxsize=4096)
def _text_date(value: str, field: str) -> dt.date:
    # A year's log repeats the same few hundred dates: parse each once.
    text = value.strip()
    if _DATE.fullmatch(text):
        try:
            return parse_date(text)
        except ValueError as exc:
            raise EventFieldError(field, str(exc)) from None
    if not _DATETIME.fullmatch(text):
        raise EventFieldError(
            field, f"{value!r} is not a date (YYYY-MM-DD) or an ISO 8601 datetime with a UTC offset"
        )
    try:
        moment = parser.isoparse(text)
    except (ValueError, OverflowError):
        raise EventFieldError(
            field, f"{value!r} is not a date (YYYY-MM-DD) or an ISO 8601 datetime with a UTC offset"
        ) from None
    if moment.tzinfo is None:
        raise EventFieldError(field, f"the datetime {value!r} has no UTC offset (add e.g. +08:00)")
    return _local(moment, field)


def _local(moment: dt.datetime, field: str) -> dt.date:
    try:
        local: dt.date = moment.astimezone(LOCAL_ZONE).date()
    except (OverflowError, ValueError):
        raise EventFieldError(field, f"{moment.isoformat()} is out of the range of dates") from None
    return local


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    return f"a {type(value).__name__}"
