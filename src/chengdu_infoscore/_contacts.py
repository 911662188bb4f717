"""Contacts in a run: set apart from the events, checked, and counted — never folded.

A contact (:class:`~.events.Contact`, 附件3 三(三)) scores nothing. The engine takes contacts out
of the rows in force before anything is selected or folded (:func:`split`: one pass at the speed
of C, nothing when there are none), so the fold, its speed and the default as-of date are those
of the events alone. Contacts are still records: they are read, fingerprinted into the events
digest, repeated, revised, withdrawn and rejected like any other, and a counted contact is in
``Results.counted`` and ``Results.contacts``.

:func:`take` does for contacts what :func:`._select.select` does for events (repeats, ids used by
different records, unknown units, dates after the as-of date); :func:`in_order` the one check of
contacts against each other — a ``left`` needs that person on record — which the live scorer
shares through :class:`InForce`, which keeps what it made until the contacts or the dates change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter

from ._codecs import CONTACT, DATE, DETAILS, ID, KIND, POS, ROLE, UNIT, Row, event_of
from ._compiled import Rejected, shown
from ._run import Refused, Run
from ._select import conflicting, first_copy
from .corrections import used_twice
from .events import CONTACT_ROLES, Event, Origin, role_key
from .messages import Message
from .results import Rejection

_KIND = itemgetter(KIND)


def split(rows: list[Row]) -> tuple[list[Row], list[Row]]:
    """The rows of events, and those of contacts (none, cheaply, when there are none)."""
    if CONTACT not in map(_KIND, rows):
        return rows, []
    return [r for r in rows if r[KIND] != CONTACT], [r for r in rows if r[KIND] == CONTACT]


def resolve(run: Run, row: Row) -> Row | Refused:
    """The contact with its unit and role in canonical form, or why it can never count (an unknown
    unit). Its date is not judged: a leader on record since before the year is on record in it."""
    written = row[UNIT]
    try:
        unit = run._unit_names.get(written) or run._unit(written)
    except Rejected as exc:
        return Refused(row, exc.message)
    role = role_key(row[ROLE]) or row[ROLE]
    if unit == written and role == row[ROLE]:
        return row
    return (row[DATE], row[ID], row[KIND], unit, None, role, row[DETAILS], row[POS])


class Taken:
    """What :func:`take` made of the contacts of a run."""

    __slots__ = ("after", "counted", "rejections", "repeats", "unreadable")

    def __init__(self) -> None:
        self.counted: list[Row] = []
        self.rejections: list[Rejection] = []
        self.repeats = 0
        self.after = 0
        #: The ids of events that a contact also uses, with the contacts' places: for the
        #: selection of events, which rejects those events as it rejects an id used twice.
        self.unreadable: dict[str, list[Origin | None]] = {}


def take(
    run: Run,
    events: Sequence[Row],
    contacts: Sequence[Row],
    unreadable: Mapping[str, Sequence[Origin | None]],
) -> Taken:
    """The contacts of a run: repeats merged; every copy of an id used by different records (another
    contact, an event, a record the reader rejected) rejected; unknown units rejected; those dated
    after the as-of date set aside; the rest checked in order (:func:`in_order`)."""
    taken = Taken()
    places = run.places
    origin = places.origin
    copies: dict[str, list[Row | Refused]] = {}
    for row in contacts:
        copies.setdefault(row[ID], []).append(resolve(run, row))
    event_ids = set(map(itemgetter(ID), events))
    clashing = event_ids.intersection(copies)
    event_places: dict[str, list[Origin | None]] = {}
    if clashing:
        for row in events:
            if row[ID] in clashing:
                event_places.setdefault(row[ID], []).append(origin(row[POS]))
    kept: list[Row] = []
    for cid, group in copies.items():
        others = [*event_places.get(cid, ()), *unreadable.get(cid, ())]
        if cid in clashing:
            mine = [origin(_pos(c)) for c in group]
            taken.unreadable[cid] = mine
            reason = used_twice(cid, [*mine, *others])
            taken.rejections += [Rejection(o, cid, reason) for o in mine]
            continue
        if len(group) > 1 or others:
            conflict = conflicting(cid, group, places, others)
            if conflict is not None:
                taken.rejections += conflict
                continue
            taken.repeats += len(group) - 1
        got = first_copy(group, places) if len(group) > 1 else group[0]
        if isinstance(got, Refused):
            taken.rejections.append(Rejection(origin(got.row[POS]), cid, got.reason))
        else:
            kept.append(got)
    counted, after, rejections = in_order(kept, run.as_of, origin)
    taken.counted, taken.after = counted, after
    taken.rejections += rejections
    return taken


def _pos(copy: Row | Refused) -> int:
    return copy.row[POS] if isinstance(copy, Refused) else copy[POS]  # type: ignore[no-any-return]


def _order(row: Row) -> tuple[dt.date, bool, str]:
    """Contacts in the order they take effect: by date, those on record before those who left, by id."""
    return (row[DATE], row[DETAILS][3], row[ID])


def in_order(
    contacts: Sequence[Row], as_of: dt.date, origin: Callable[[int], Origin | None]
) -> tuple[list[Row], int, list[Rejection]]:
    """The contacts counted as of ``as_of`` (resolved rows, by date and id), how many are dated after
    it, and the ``left`` records rejected: one whose person (unit, role and name) is not on record
    for the unit on or before its date."""
    counted: list[Row] = []
    rejections: list[Rejection] = []
    on_record: set[tuple[str, str, str]] = set()
    after = 0
    for row in sorted(contacts, key=_order):
        if row[DATE] > as_of:
            after += 1
            continue
        name, _, _, left = row[DETAILS]
        person = (row[UNIT], row[ROLE], name)
        if left:
            if person not in on_record:
                reason = Message.of(
                    "rejected.contact_left_unknown",
                    name=shown(name),
                    role=Message.of(f"contacts.{row[ROLE]}") if row[ROLE] in CONTACT_ROLES else row[ROLE],
                    unit=row[UNIT],
                    day=str(row[DATE]),
                )
                rejections.append(Rejection(origin(row[POS]), row[ID], reason))
                continue
            on_record.discard(person)
        else:
            on_record.add(person)
        counted.append(row)
    counted.sort(key=itemgetter(DATE, ID))
    return counted, after, rejections


class InForce:
    """The contacts in force of a live scorer (resolved rows, by id), and what they make as of a
    date: the contacts counted (as events), how many are dated after it, the ``left`` records
    rejected.

    Results are asked for day after day while contacts change now and then: what was made is kept
    while the contacts are the same and no contact's date lies between the as-of dates, and each
    contact is made an event once.
    """

    __slots__ = ("_events", "_made", "rows")

    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}
        self._events: dict[int, Event] = {}  # by the row's position: a new content is a new row
        #: (how many contacts are dated on or before the as-of date, what they make), while valid.
        self._made: tuple[int, tuple[tuple[Event, ...], int, list[Rejection]]] | None = None

    def __bool__(self) -> bool:
        return bool(self.rows)

    def put(self, eid: str, row: Row) -> None:
        self.rows[eid] = row
        self._made = None

    def drop(self, eid: str) -> None:
        self._events.pop(self.rows.pop(eid)[POS], None)
        self._made = None

    def as_of(
        self, as_of: dt.date, origin: Callable[[int], Origin | None]
    ) -> tuple[tuple[Event, ...], int, list[Rejection]]:
        """The contacts counted as of ``as_of`` as events (by date and id), how many are dated
        after it, and the ``left`` records rejected (:func:`in_order`)."""
        on_or_before = sum(row[DATE] <= as_of for row in self.rows.values())
        if self._made is not None and self._made[0] == on_or_before:
            return self._made[1]
        counted, after, rejections = in_order(list(self.rows.values()), as_of, origin)
        made = (tuple(self._event(row, origin) for row in counted), after, rejections)
        self._made = (on_or_before, made)
        return made

    def _event(self, row: Row, origin: Callable[[int], Origin | None]) -> Event:
        event = self._events.get(row[POS])
        if event is None:
            event = self._events[row[POS]] = event_of(row, origin(row[POS]))
        return event
