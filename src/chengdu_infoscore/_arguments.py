"""Checks of the arguments of public functions: a wrong type or value is named, not met deep inside.

Each check costs one ``isinstance`` per argument, made once per call, never per event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from .exceptions import ArgumentError, ArgumentTypeError


def describe(value: object) -> str:
    """A value as a message shows what was found: ``the text '2007-06-30'``, ``None``, ``a list``."""
    if value is None:
        return "None"
    if isinstance(value, bool):
        return f"the boolean {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "…"
        return f"the text {shown!r}"
    if isinstance(value, dt.datetime):
        return f"the datetime {value.isoformat()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def need(name: str, value: Any, kind: type | tuple[type, ...], what: str, hint: str = "") -> None:
    """``value`` is an instance of ``kind``, or :class:`ArgumentTypeError` says ``name must be what``."""
    if not isinstance(value, kind):
        raise ArgumentTypeError(f"{name} must be {what}, not {describe(value)}{hint}")


def need_date(name: str, value: Any) -> None:
    """``value`` is a :class:`datetime.date` (and not a datetime, whose date depends on a time zone)."""
    if isinstance(value, dt.datetime):
        raise ArgumentTypeError(
            f"{name} must be a datetime.date, not {describe(value)}: its date depends on the time zone;"
            " pass the date you mean"
        )
    hint = f" (datetime.date.fromisoformat({value!r}) reads it)" if isinstance(value, str) else ""
    need(name, value, dt.date, "a datetime.date", hint)


def need_int(name: str, value: Any, low: int | None = None, high: int | None = None, what: str = "") -> None:
    """``value`` is an int (not a bool) from ``low`` to ``high``; the wrong type is a TypeError, a value
    out of range a ValueError (:class:`ArgumentError`)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentTypeError(f"{name} must be {what or 'a whole number (int)'}, not {describe(value)}")
    if (low is not None and value < low) or (high is not None and value > high):
        span = f"from {low} to {high}" if low is not None and high is not None else f"{low} or more"
        raise ArgumentError(f"{name} must be {span}, not {value}")


def many(
    value: Any,
    single: type | tuple[type, ...],
    when_single: Callable[[], str],
    when_not_iterable: Callable[[], str],
) -> Iterator[Any]:
    """``iter(value)`` for an argument that is a collection.

    A lone value of the ``single`` types where a collection is meant (a path for a list of paths,
    text for a list of rejections), or a value that cannot be iterated, is an
    :class:`ArgumentTypeError` whose message the function given for that case makes (only then).
    """
    if isinstance(value, single):
        raise ArgumentTypeError(when_single())
    try:
        return iter(value)
    except TypeError:
        raise ArgumentTypeError(when_not_iterable()) from None
