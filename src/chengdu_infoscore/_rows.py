"""Events as rows: the compact form in which the reader hands events to the engine.

A row is a plain tuple ``(date, id, kind, unit, item, a, b, pos)``. ``kind`` is a small number
(:data:`KINDS`), ``a`` and ``b`` hold the two fields of its type that are neither ``unit`` nor
``item`` (:data:`LAYOUT`), and ``pos`` says where the record was read (:class:`Places`). A
million rows take a fraction of the memory of a million event objects and cost a tenth of
the time to build; the event types stay the public form, and :func:`event_of` and
:func:`row_of` convert between the two without loss.

Kinds are numbered in the order the engine folds the events of one day: commissions first,
then submissions, then adoptions, then the rest (``phase``). The last kind, a withdrawal
(:class:`~.events.Withdrawn`), is a record that is never folded: its ``a`` slot holds the id
of the event it withdraws.
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Final

from .events import (
    Adopted,
    Commissioned,
    ErrorFound,
    Event,
    FoundFalse,
    HigherAdopted,
    Instructed,
    Missed,
    Origin,
    ReportedLate,
    SelectedExcellent,
    Submitted,
    Withdrawn,
)

Row = tuple[Any, ...]

DATE, ID, KIND, UNIT, ITEM, A, B, POS = range(8)

#: For each event type, in kind order: the fields kept in the ``unit``, ``item``, ``a`` and ``b`` slots.
LAYOUT: Final[dict[type[Event], tuple[str | None, str | None, str | None, str | None]]] = {
    Commissioned: ("unit", None, "commission", "due"),
    Submitted: ("unit", "item", "topic", "commission"),
    Adopted: ("unit", "item", "channel", "picture"),
    Instructed: ("unit", "item", "leader", "level"),
    HigherAdopted: ("unit", "item", "level", None),
    Missed: ("unit", None, "category", "subject"),
    ReportedLate: ("unit", None, "category", "subject"),
    ErrorFound: ("unit", "item", "note", None),
    FoundFalse: ("unit", "item", "note", None),
    SelectedExcellent: ("unit", "item", None, None),
    # Not a scored event: the rule of corrections takes it out before any fold (corrections.py).
    Withdrawn: (None, None, "event", None),
}
#: The event types by kind number.
KINDS: Final[tuple[type[Event], ...]] = tuple(LAYOUT)
CODE: Final[dict[type[Event], int]] = {cls: code for code, cls in enumerate(KINDS)}
COMMISSIONED, SUBMITTED, ADOPTED = CODE[Commissioned], CODE[Submitted], CODE[Adopted]
INSTRUCTED, HIGHER_ADOPTED = CODE[Instructed], CODE[HigherAdopted]
MISSED, LATE = CODE[Missed], CODE[ReportedLate]
WITHDRAWN = CODE[Withdrawn]
#: The order of kinds within a day: commissions, submissions, adoptions, then the rest.
PHASE: Final[tuple[int, ...]] = tuple(min(code, 3) for code in range(len(KINDS)))

_NEW = object.__new__
_SET = object.__setattr__


def row_of(event: Event, pos: int) -> Row:
    """The row of an event; ``pos`` is where it was read."""
    cls = type(event)
    unit, item, a, b = (None if name is None else getattr(event, name) for name in LAYOUT[cls])
    return (event.date, event.id, CODE[cls], unit, item, a, b, pos)


def event_of(row: Row, origin: Origin | None) -> Event:
    """The event of a row. The row's values were checked when it was made, so they are not again."""
    cls = KINDS[row[KIND]]
    event = _NEW(cls)
    _SET(event, "id", row[ID])
    _SET(event, "date", row[DATE])
    _SET(event, "origin", origin)
    for name, value in zip(LAYOUT[cls], row[UNIT:POS], strict=True):
        if name is not None:
            _SET(event, name, value)
    if cls is Adopted and row[B] is None:
        _SET(event, "picture", False)
    return event


_ISO: dict[dt.date, str] = {}


def _text(value: Any) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "true"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def fingerprint(row: Row) -> int:
    """A 256-bit number for an event's content as written: its type, id, date and fields.

    The same content gives the same number whether the event was read from JSON Lines, from
    CSV or built in Python; where it was read plays no part.
    """
    day = row[DATE]
    iso = _ISO.get(day)
    if iso is None:
        iso = _ISO[day] = day.isoformat()
    a, b = row[A], row[B]
    text = "\x1f".join(
        (
            KINDS[row[KIND]].kind,
            row[ID],
            iso,
            row[UNIT] or "",
            row[ITEM] or "",
            a if a.__class__ is str else _text(a),
            b if b.__class__ is str else _text(b),
        )
    )
    return int.from_bytes(hashlib.sha256(text.encode("utf-8", "backslashreplace")).digest(), "big")


class Places:
    """Where rows were read: positions are numbered across files, and mapped back to file and line.

    A file's lines take the positions ``base + line``; an event built in Python takes a
    negative position that indexes its own origin (usually ``None``).
    """

    def __init__(self) -> None:
        self._bases: list[int] = []
        self._names: list[str] = []
        self._next = 1
        self._given: list[Origin | None] = []

    def add_file(self, name: str) -> int:
        """Start a file: its line ``n`` takes the position ``base + n``; return the base."""
        self._bases.append(self._next)
        self._names.append(name)
        return self._next

    def end_file(self, lines: int) -> None:
        """The file just started had ``lines`` lines."""
        self._next = self._bases[-1] + lines + 1

    def add_origin(self, origin: Origin | None) -> int:
        """A position for an event built in Python (or read elsewhere), with its own origin."""
        self._given.append(origin)
        return -len(self._given)

    def origin(self, pos: int) -> Origin | None:
        """The file and line of a position."""
        if pos < 0:
            return self._given[-pos - 1]
        i = bisect.bisect_right(self._bases, pos) - 1
        return Origin(self._names[i], pos - self._bases[i])

    def where_key(self, pos: int) -> tuple[int, str, int]:
        """A sort key for positions that orders them as their origins are ordered: by file, then line."""
        origin = self.origin(pos)
        return (0, "", 0) if origin is None else (1, origin.file, origin.line)

    def merged(self, other: Places) -> tuple[Places, Callable[[int], int]]:
        """Places holding both; and how to move a position of ``other`` into them."""
        both = Places()
        both._bases, both._names, both._next = list(self._bases), list(self._names), self._next
        both._given = list(self._given)
        shift, given = both._next - 1, len(both._given)
        both._bases += [b + shift for b in other._bases]
        both._names += other._names
        both._next = other._next + shift
        both._given += other._given

        def move(pos: int) -> int:
            return pos - given if pos < 0 else pos + shift

        return both, move


@contextmanager
def quiet_collector() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a million small, acyclic objects are made.

    Rows, bookings and item states would otherwise be traversed again and again as they
    survive collection after collection; none of them can be cyclic garbage, so nothing is
    lost by waiting. The collector's own setting is restored afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
