"""Dates as the notice counts them: local dates in Asia/Shanghai (scoring-2007.md §6)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Final

from dateutil import parser, tz

from .exceptions import EventFieldError
from .messages import Message

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
            raise EventFieldError(field, _says("rejected.naive_datetime", field, value=value.isoformat()))
        return _local(value, field)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise EventFieldError(field, _says("rejected.date_type", field, found=_kind(value)))
    return _text_date(value, field)


@functools.lru_cache(maxsize=4096)
def _text_date(value: str, field: str) -> dt.date:
    # A year's log repeats the same few hundred dates: parse each once.
    text = value.strip()
    if _DATE.fullmatch(text):
        try:
            return parse_date(text)
        except ValueError:  # the form is right (above): the day is not in the calendar
            raise EventFieldError(
                field, _says("rejected.not_a_calendar_date", field, value=repr(text))
            ) from None
    if not _DATETIME.fullmatch(text):
        raise EventFieldError(field, _says("rejected.not_a_date", field, value=repr(value)))
    try:
        moment = parser.isoparse(text)
    except (ValueError, OverflowError):
        raise EventFieldError(field, _says("rejected.not_a_date", field, value=repr(value))) from None
    if moment.tzinfo is None:
        raise EventFieldError(field, _says("rejected.datetime_no_offset", field, value=repr(value)))
    return _local(moment, field)


def _local(moment: dt.datetime, field: str) -> dt.date:
    try:
        local: dt.date = moment.astimezone(LOCAL_ZONE).date()
    except (OverflowError, ValueError):
        raise EventFieldError(
            field, _says("rejected.date_out_of_range", field, value=moment.isoformat())
        ) from None
    return local


def _says(code: str, field: str, **params: object) -> Message:
    """The message ``code`` about ``field`` (named as messages quote it)."""
    return Message.of(code, field=repr(field), **params)


def _kind(value: object) -> Message:
    if value is None:
        return Message.of("rejected.found.literal", value="null")
    if isinstance(value, bool):
        return Message.of("rejected.found.boolean")
    if isinstance(value, int | float):
        return Message.of("rejected.found.number", value=repr(value))
    return Message.of("rejected.found.type", type=type(value).__name__)
