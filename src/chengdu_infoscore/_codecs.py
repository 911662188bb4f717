"""Codecs: for each type of record, the one place that says how its events travel and are kept.

Inside the library an event travels as a **row**, a plain tuple ``(date, id, kind, unit, item, a,
b, pos)``: ``kind`` is its type's number, ``a`` and ``b`` hold the two fields of its type that
are neither ``unit`` nor ``item``, and ``pos`` says where the record was read
(:class:`._places.Places`). A million rows take a fraction of the memory of a million event
objects and a tenth of the time to make; the event types stay the public form.

Each type has one :class:`Codec`, which owns

- its kind number and its phase (the order in which the events of one day are folded:
  commissions, submissions, adoptions, then the rest);
- its row: a typed tuple per type (:data:`AdoptedRow`…) whose slots ``a`` and ``b`` have names
  (:data:`CHANNEL`, :data:`PICTURE`…), so that mypy checks what a handler reads;
- its fingerprint text (:func:`text_of`, made by :func:`fingerprint_text`);
- its reader shape (what the JSON Lines reader's plain path needs to know of it);
- its stored form (:meth:`Codec.to_record`, :meth:`Codec.from_record`; :func:`to_stored`, the
  store's content), numbered :data:`STORED_FORM_VERSION`;
- the conversions between an event and its row (:meth:`Codec.row_of`, :meth:`Codec.event_of`).

Rows are plain tuples, not a ``NamedTuple`` per type: making a ``NamedTuple`` costs seven times
a tuple (0.34 against 0.05 µs on the machine of benchmarks/run.py), a second per million
events read, and rows are cut and rebuilt (``(*row[:POS], pos)``) as a plain tuple. Handlers read
them by named unpacking (``day, eid, _, unit, item, channel, picture, pos = row``) or by the
named slot constants, which mypy resolves to the slot's type.

The last kind, a withdrawal (:class:`~.events.Withdrawn`), is a record that is never folded: its
``a`` slot holds the id of the event it withdraws (:data:`WITHDRAWS`). :class:`Handlers` holds one
handler per scored type, checked when the module that registers them is imported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, Generic, TypeVar

import attrs

from ._time import parse_date
from .events import (
    Adopted,
    Commissioned,
    Contact,
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

# -- rows ---------------------------------------------------------------------------------------

#: A row of any type.
Row = tuple[Any, ...]

#: The slots every row has.
DATE: Final = 0
ID: Final = 1
KIND: Final = 2
UNIT: Final = 3
ITEM: Final = 4
#: The two slots whose meaning depends on the type: use the names below.
A: Final = 5
B: Final = 6
POS: Final = 7

# Each type's row, and the names of its slots a and b. A slot a type does not use holds None.

#: 约稿: ``commission`` (its id) and ``due`` (the day an answer is due).
CommissionedRow = tuple[dt.date, str, int, str, None, str, dt.date, int]
COMMISSION: Final = 5
DUE: Final = 6
#: 上报: ``topic`` (a key point, or None) and the commission it ``ANSWERS`` (or None).
SubmittedRow = tuple[dt.date, str, int, str, str, str | None, str | None, int]
TOPIC: Final = 5
ANSWERS: Final = 6
#: 采用: ``channel`` and ``picture`` (whether with a picture).
AdoptedRow = tuple[dt.date, str, int, str | None, str, str, bool, int]
CHANNEL: Final = 5
PICTURE: Final = 6
#: 批示: ``leader`` (who, or None) and the leader's level (``LEADER_LEVEL``, or None).
InstructedRow = tuple[dt.date, str, int, str | None, str, str | None, str | None, int]
LEADER: Final = 5
LEADER_LEVEL: Final = 6
#: Adopted by a higher office: its ``level``.
HigherAdoptedRow = tuple[dt.date, str, int, str | None, str, str, None, int]
LEVEL: Final = 5
#: 漏报 and 迟报: ``category`` and ``subject`` (or None).
MissedRow = tuple[dt.date, str, int, str, None, str, str | None, int]
ReportedLateRow = MissedRow
CATEGORY: Final = 5
SUBJECT: Final = 6
#: 差错 and 虚假、不实: ``note`` (or None) and the ``points`` decided for the case (a Decimal, or
#: None: the rule set's figure).
ErrorFoundRow = tuple[dt.date, str, int, str | None, str, str | None, Decimal | None, int]
FoundFalseRow = ErrorFoundRow
NOTE: Final = 5
CASE_POINTS: Final = 6
#: 优秀信息: no slot of its own.
SelectedExcellentRow = tuple[dt.date, str, int, str | None, str, None, None, int]
#: 撤回: the id of the event it ``WITHDRAWS``.
WithdrawnRow = tuple[dt.date, str, int, None, None, str, None, int]
WITHDRAWS: Final = 5
#: 联系人: its ``ROLE`` as written, and its ``DETAILS``: ``(name, title, phone, left)``, title and
#: phone None when absent, left a bool.
ContactDetails = tuple[str, str | None, str | None, bool]
ContactRow = tuple[dt.date, str, int, str, None, str, ContactDetails, int]
ROLE: Final = 5
DETAILS: Final = 6

R = TypeVar("R", bound=Row)

# -- fingerprints -------------------------------------------------------------------------------

#: What separates the parts of a fingerprint text, and what escapes a separator (or itself) that a
#: part holds, so that no two contents share a text.
SEPARATOR: Final = "\x1f"
ESCAPE: Final = "\x1e"

#: The fingerprint text of parts none of which holds :data:`SEPARATOR` or :data:`ESCAPE`: the
#: parts joined. (:func:`fingerprint_text` is the one definition; the reader's plain path joins
#: with this and checks a whole block at once with :func:`plainly_joined`.)
joined: Final[Callable[[Iterable[str]], str]] = SEPARATOR.join


def fingerprint_text(parts: Sequence[str]) -> str:
    """The fingerprint text of an event from the texts of its parts, in this order: its type word,
    id, date (``YYYY-MM-DD``), and its ``unit``, ``item``, ``a`` and ``b`` slots (each as
    :func:`slot_text` writes it), joined by :data:`SEPARATOR`. A separator or :data:`ESCAPE`
    within a part is escaped, so that two different contents never give one text. The one
    definition: :func:`text_of` and the JSON Lines reader's plain path both use it.
    """
    text = joined(parts)
    if text.count(SEPARATOR) == len(parts) - 1 and ESCAPE not in text:  # no part holds either
        return text
    return joined(
        part.replace(ESCAPE, ESCAPE + ESCAPE).replace(SEPARATOR, ESCAPE + SEPARATOR) for part in parts
    )


def plainly_joined(texts: Sequence[str], parts: int = 7) -> bool:
    """Whether every text joined ``parts`` parts none of which held a separator or escape (then
    each is its :func:`fingerprint_text`): one scan of them all."""
    whole = "".join(texts)
    return whole.count(SEPARATOR) == (parts - 1) * len(texts) and ESCAPE not in whole


_ISO: dict[dt.date, str] = {}


def _iso(day: dt.date) -> str:
    iso = _ISO.get(day)
    if iso is None:
        iso = _ISO[day] = day.isoformat()
    return iso


def slot_text(value: Any) -> str:
    """A slot's value as its fingerprint writes it: absent (None) and false as nothing, true as
    ``true``, a date as ``YYYY-MM-DD``, text as itself, a figure as its plain text (``-60``; the
    event keeps it in that form)."""
    if value.__class__ is str:
        return str(value)
    if value is None or value is False:
        return ""
    if value is True:
        return "true"
    if isinstance(value, dt.date):
        return _iso(value)
    if value.__class__ is tuple:  # a contact's details: their own fingerprint text, escaped again
        return fingerprint_text([slot_text(part) for part in value])
    return str(value)


def text_of(row: Row) -> str:
    """The fingerprint text of a row's content as written: its type, id, date and fields."""
    a, b = row[A], row[B]
    return fingerprint_text(
        (
            CODECS[row[KIND]].kind,
            row[ID],
            _iso(row[DATE]),
            row[UNIT] or "",
            row[ITEM] or "",
            a if a.__class__ is str else slot_text(a),
            b if b.__class__ is str else slot_text(b),
        )
    )


def fingerprint(row: Row) -> int:
    """A 256-bit number for an event's content as written: the SHA-256 of its :func:`text_of`.

    The same content gives the same number whether the event was read from JSON Lines, from
    CSV or built in Python; where it was read plays no part.
    """
    text = text_of(row).encode("utf-8", "backslashreplace")
    return int.from_bytes(hashlib.sha256(text).digest(), "big")


# -- the codecs ---------------------------------------------------------------------------------

#: The fields whose values are names out of a short list (topics, channels…): the reader keeps one
#: copy of each value.
_WORDS: Final = frozenset({"topic", "channel", "level", "category", "leader"})

#: What the JSON Lines reader's plain path needs of a type: its kind number, its type word, the
#: keys a record of it must have, the keys of its ``unit``, ``item`` and ``a`` slots, whether ``a``
#: is a name out of a short list, and the key of its ``b`` slot.
Shape = tuple[int, str, frozenset[str], str | None, str | None, str | None, bool, str | None]

_NEW = object.__new__
_SET = object.__setattr__


class Codec(Generic[R]):
    """How the events of one type travel as rows and are kept (see the module's docstring).

    Attributes:
        type: the event type.
        kind: its type word in the interchange form (``adopted``).
        code: its kind number, the row's ``kind`` slot.
        phase: where its events come among those of one day (0 commissions, 1 submissions,
            2 adoptions, 3 the rest).
        layout: the fields held in the ``unit``, ``item``, ``a`` and ``b`` slots (None: unused).
        row_type: the type of its rows (:data:`AdoptedRow`…).
        scored: whether its events are folded (every type but :class:`~.events.Withdrawn` and
            :class:`~.events.Contact`).
        shape: its reader shape (:data:`Shape`).
    """

    __slots__ = (
        "code",
        "dates",
        "figures",
        "flags",
        "kind",
        "layout",
        "phase",
        "row_type",
        "scored",
        "shape",
        "type",
    )

    def __init__(
        self,
        type_: type[Event],
        code: int,
        row_type: object,
        layout: tuple[str | None, str | None, str | None, str | None],
        *,
        dates: tuple[str, ...] = (),
        flags: tuple[str, ...] = (),
        figures: tuple[str, ...] = (),
    ) -> None:
        self.type = type_
        self.kind = type_.kind
        self.code = code
        self.phase = min(code, 3)
        self.row_type = row_type
        self.layout = layout
        #: The fields that hold a date, and those that hold a flag (False when absent from a record).
        self.dates = dates
        self.flags = flags
        #: The fields that hold a figure (a Decimal): kept as text in the stored form, and never
        #: plain for the JSON Lines reader, so that a record giving one takes the general path.
        self.figures = figures
        self.scored = type_ not in (Withdrawn, Contact)
        unit, item, a, b = layout
        required = {f.name for f in attrs.fields(type_) if f.name != "origin" and f.default is attrs.NOTHING}
        plain_b = None if b in figures else b
        self.shape: Shape = (
            code,
            self.kind,
            frozenset(required | {"type"}),
            unit,
            item,
            a,
            a in _WORDS,
            plain_b,
        )

    def __repr__(self) -> str:
        return f"<codec of {self.kind} records, kind {self.code}>"

    def slot(self, name: str) -> int:
        """The slot of the row that holds the field ``name``.

        Raises:
            KeyError: the type has no such field in its row.
        """
        if name in ("date", "id"):
            return DATE if name == "date" else ID
        if name not in self.layout:
            raise KeyError(f"{self.kind} rows hold no field {name!r}")
        return UNIT + self.layout.index(name)

    def row_of(self, event: Event, pos: int) -> R:
        """The row of an event of this type; ``pos`` is where it was read."""
        unit, item, a, b = (None if name is None else getattr(event, name) for name in self.layout)
        return (event.date, event.id, self.code, unit, item, a, b, pos)  # type: ignore[return-value]

    def event_of(self, row: R, origin: Origin | None) -> Event:
        """The event of a row. The row's values were checked when it was made, so they are not again."""
        event = _NEW(self.type)
        _SET(event, "id", row[ID])
        _SET(event, "date", row[DATE])
        _SET(event, "origin", origin)
        for name, value in zip(self.layout, row[UNIT:POS], strict=True):
            if name is not None:
                _SET(event, name, False if value is None and name in self.flags else value)
        return event

    def to_record(self, row: R) -> dict[str, Any]:
        """The row's event in the stored form (:data:`STORED_FORM_VERSION` 1): its record in the
        interchange form (events.md), as :func:`~.events.event_record` gives it — ``id``, ``type``,
        ``date``, and the fields present, a flag only when true, dates as ``YYYY-MM-DD``, a figure
        as its exact text (``"-60"``; a record with one is of stored form 2, see :func:`stored_form`)."""
        record: dict[str, Any] = {"id": row[ID], "type": self.kind, "date": _iso(row[DATE])}
        for name, value in zip(self.layout, row[UNIT:POS], strict=True):
            if name is not None and value is not None and value is not False:
                record[name] = (
                    _iso(value) if name in self.dates else str(value) if name in self.figures else value
                )
        return record

    def from_record(self, record: Mapping[str, Any], pos: int) -> R:
        """The row of a record in the stored form, read at ``pos``.

        The record was checked when it was stored, so it is not again: this is for records the
        store wrote, not for input (which :mod:`.readers` checks).
        """
        values: list[Any] = []
        for name in self.layout:
            value = None if name is None else record.get(name)
            if name in self.dates:
                value = parse_date(str(value))
            elif name in self.figures:
                value = None if value is None else Decimal(value)
            elif name in self.flags:
                value = bool(value)
            values.append(value)
        unit, item, a, b = values
        return (parse_date(record["date"]), record["id"], self.code, unit, item, a, b, pos)  # type: ignore[return-value]


class ContactCodec(Codec[ContactRow]):
    """The codec of contacts, whose name, title, phone and ``left`` travel together in the row's
    ``b`` slot (:data:`DETAILS`), since a row has two slots of its own and a contact more fields."""

    __slots__ = ()

    #: The fields held in the details slot, in order.
    DETAILS: Final = ("name", "title", "phone", "left")

    def slot(self, name: str) -> int:
        return DETAILS if name in self.DETAILS else super().slot(name)

    def row_of(self, event: Event, pos: int) -> ContactRow:
        c: Any = event
        return (c.date, c.id, self.code, c.unit, None, c.role, (c.name, c.title, c.phone, c.left), pos)

    def event_of(self, row: ContactRow, origin: Origin | None) -> Event:
        event = _NEW(Contact)
        for name, value in (("id", row[ID]), ("date", row[DATE]), ("origin", origin), ("unit", row[UNIT])):
            _SET(event, name, value)
        _SET(event, "role", row[ROLE])
        for name, detail in zip(self.DETAILS, row[DETAILS], strict=True):
            _SET(event, name, detail)
        return event

    def to_record(self, row: ContactRow) -> dict[str, Any]:
        record: dict[str, Any] = {"id": row[ID], "type": self.kind, "date": _iso(row[DATE])}
        record["unit"], record["role"] = row[UNIT], row[ROLE]
        for name, value in zip(self.DETAILS, row[DETAILS], strict=True):
            if value is not None and value is not False:
                record[name] = value
        return record

    def from_record(self, record: Mapping[str, Any], pos: int) -> ContactRow:
        details = (record["name"], record.get("title"), record.get("phone"), bool(record.get("left")))
        return (
            parse_date(record["date"]),
            record["id"],
            self.code,
            record["unit"],
            None,
            record["role"],
            details,
            pos,
        )


#: Every type's codec, by kind number; the withdrawal and the contact last.
CODECS: Final[tuple[Codec[Any], ...]] = (
    Codec[CommissionedRow](
        Commissioned, 0, CommissionedRow, ("unit", None, "commission", "due"), dates=("due",)
    ),
    Codec[SubmittedRow](Submitted, 1, SubmittedRow, ("unit", "item", "topic", "commission")),
    Codec[AdoptedRow](Adopted, 2, AdoptedRow, ("unit", "item", "channel", "picture"), flags=("picture",)),
    Codec[InstructedRow](Instructed, 3, InstructedRow, ("unit", "item", "leader", "level")),
    Codec[HigherAdoptedRow](HigherAdopted, 4, HigherAdoptedRow, ("unit", "item", "level", None)),
    Codec[MissedRow](Missed, 5, MissedRow, ("unit", None, "category", "subject")),
    Codec[ReportedLateRow](ReportedLate, 6, ReportedLateRow, ("unit", None, "category", "subject")),
    Codec[ErrorFoundRow](
        ErrorFound, 7, ErrorFoundRow, ("unit", "item", "note", "points"), figures=("points",)
    ),
    Codec[FoundFalseRow](
        FoundFalse, 8, FoundFalseRow, ("unit", "item", "note", "points"), figures=("points",)
    ),
    Codec[SelectedExcellentRow](SelectedExcellent, 9, SelectedExcellentRow, ("unit", "item", None, None)),
    # Not a scored event: the rule of corrections takes it out before any fold (corrections.py).
    Codec[WithdrawnRow](Withdrawn, 10, WithdrawnRow, (None, None, "event", None)),
    # Not a scored event either: contacts are set apart from the events before any fold (engine.py).
    ContactCodec(Contact, 11, ContactRow, ("unit", None, "role", "details")),
)
#: Each type's codec.
CODEC: Final[dict[type[Event], Codec[Any]]] = {c.type: c for c in CODECS}
#: Each type's codec by its type word.
BY_WORD: Final[dict[str, Codec[Any]]] = {c.kind: c for c in CODECS}
#: The codecs of the types that are folded, by kind number (0 to 9).
SCORED: Final[tuple[Codec[Any], ...]] = tuple(c for c in CODECS if c.scored)

#: The event types by kind number.
KINDS: Final[tuple[type[Event], ...]] = tuple(c.type for c in CODECS)
#: Each event type's kind number.
CODE: Final[dict[type[Event], int]] = {c.type: c.code for c in CODECS}
#: The fields held in the ``unit``, ``item``, ``a`` and ``b`` slots, by type.
LAYOUT: Final[dict[type[Event], tuple[str | None, str | None, str | None, str | None]]] = {
    c.type: c.layout for c in CODECS
}
#: The phase of each kind number: commissions, submissions, adoptions, then the rest.
PHASE: Final[tuple[int, ...]] = tuple(c.phase for c in CODECS)

COMMISSIONED, SUBMITTED, ADOPTED = CODE[Commissioned], CODE[Submitted], CODE[Adopted]
INSTRUCTED, HIGHER_ADOPTED = CODE[Instructed], CODE[HigherAdopted]
MISSED, LATE = CODE[Missed], CODE[ReportedLate]
ERROR_FOUND, FOUND_FALSE, SELECTED_EXCELLENT = CODE[ErrorFound], CODE[FoundFalse], CODE[SelectedExcellent]
WITHDRAWN = CODE[Withdrawn]
CONTACT = CODE[Contact]


def _check_codecs() -> None:
    """What the rest of the library relies on: kind numbers in order with the scored types first,
    and every named slot holding the field its name says."""
    assert tuple(c.code for c in CODECS) == tuple(range(len(CODECS)))
    assert SCORED == CODECS[: len(SCORED)]
    named = {
        Commissioned: {"commission": COMMISSION, "due": DUE},
        Submitted: {"topic": TOPIC, "commission": ANSWERS},
        Adopted: {"channel": CHANNEL, "picture": PICTURE},
        Instructed: {"leader": LEADER, "level": LEADER_LEVEL},
        HigherAdopted: {"level": LEVEL},
        Missed: {"category": CATEGORY, "subject": SUBJECT},
        ReportedLate: {"category": CATEGORY, "subject": SUBJECT},
        ErrorFound: {"note": NOTE, "points": CASE_POINTS},
        FoundFalse: {"note": NOTE, "points": CASE_POINTS},
        SelectedExcellent: {},
        Withdrawn: {"event": WITHDRAWS},
        Contact: {"role": ROLE, "details": DETAILS},
    }
    for cls, slots in named.items():
        codec = CODEC[cls]
        assert {name: codec.slot(name) for name in codec.layout[2:] if name is not None} == slots, codec
        fields = {f.name for f in attrs.fields(cls)} - {"id", "date", "origin"}
        laid = {name for name in codec.layout if name is not None}
        if cls is Contact:
            laid = (laid - {"details"}) | set(ContactCodec.DETAILS)
        assert fields == laid, codec


_check_codecs()


def row_of(event: Event, pos: int) -> Row:
    """The row of an event; ``pos`` is where it was read."""
    return CODEC[type(event)].row_of(event, pos)  # type: ignore[no-any-return]


def event_of(row: Row, origin: Origin | None) -> Event:
    """The event of a row, with its origin."""
    return CODECS[row[KIND]].event_of(row, origin)


# -- the stored form ----------------------------------------------------------------------------

#: The version of the stored form: how a store writes each record's content. 1: the record in the
#: interchange form (events.md) as JSON with sorted keys and no spaces (:func:`to_stored`). 2: the
#: same, where a record may give ``points`` (a figure decided for the case, as text), which a
#: library that reads form 1 only would ignore. A store notes with each batch the form its
#: records were written in — 1 unless one of them gives ``points`` (:func:`stored_form`), so that
#: a store without such a record stays readable by a library of form 1 — and refuses to read a
#: form newer than this. 3: the same, where a record may be a contact (``"type":"contact"``),
#: which a library of form 2 does not know; a batch notes form 3 only when it holds one.
STORED_FORM_VERSION: Final = 3


def stored_form(content: str) -> int:
    """The stored form a content (:func:`to_stored`) needs: 3 when it is a contact, 2 when it gives
    ``points``, else 1.

    In the sorted-key JSON, ``"points":`` and ``"type":"contact"`` are a key and its value: a quote
    inside a text is written ``\\"``.
    """
    if '"type":"contact"' in content:
        return 3
    return 2 if '"points":' in content else 1


def to_record(row: Row) -> dict[str, Any]:
    """The row's record in the stored form (:meth:`Codec.to_record`)."""
    return CODECS[row[KIND]].to_record(row)


def to_stored(row: Row) -> str:
    """A record's content as a store keeps it: the sorted-key JSON of :func:`to_record`."""
    return json.dumps(to_record(row), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def from_stored(content: str, pos: int) -> Row:
    """The row of a content a store wrote (:func:`to_stored`), read at ``pos``."""
    record = json.loads(content)
    return BY_WORD[record["type"]].from_record(record, pos)  # type: ignore[no-any-return]


# -- handlers by type ---------------------------------------------------------------------------

F = TypeVar("F", bound=Callable[..., None])


class Handlers(Generic[F]):
    """One handler per scored event type, registered by type (``@handlers.on(Adopted)``), and
    laid out by kind number for the fold's loop by :meth:`table`.

    A handler takes the fold and a row of its type, annotated as the codec's row type
    (``row: AdoptedRow``). A second handler for one type, or one for a withdrawal (which never
    reaches a fold), is refused when it is registered; a type without a handler, when the table is
    made. Both happen as the module that registers them is imported.
    """

    def __init__(self, owner: str) -> None:
        self.owner = owner
        self._by_type: dict[type[Event], F] = {}

    def on(self, event_type: type[Event]) -> Callable[[F], F]:
        """Register the decorated function as the handler of ``event_type``.

        Raises:
            TypeError: ``event_type`` has a handler already, is not folded, or is not an event type.
        """
        codec = CODEC.get(event_type)

        def register(handler: F) -> F:
            name = getattr(handler, "__name__", repr(handler))
            if codec is None:
                raise TypeError(f"{self.owner}.{name} handles {event_type!r}, which is not an event type")
            if not codec.scored:
                raise TypeError(
                    f"{self.owner}.{name} handles {codec.kind} records, which never reach a fold:"
                    " corrections take them out first"
                )
            if event_type in self._by_type:
                first = getattr(self._by_type[event_type], "__name__", "?")
                raise TypeError(
                    f"{self.owner}.{name} handles {codec.kind} events, which {self.owner}.{first}"
                    " handles already: one handler per type"
                )
            self._by_type[event_type] = handler
            return handler

        return register

    def table(self) -> tuple[F, ...]:
        """The handlers by kind number, for the fold's loop.

        Raises:
            TypeError: a scored type has no handler, or one whose ``row`` is not of its type's row.
        """
        missing = [c.kind for c in SCORED if c.type not in self._by_type]
        if missing:
            raise TypeError(
                f"{self.owner} has no handler for {', '.join(missing)} events: every scored event"
                " type needs exactly one"
            )
        for codec in SCORED:
            handler = self._by_type[codec.type]
            found = typing.get_type_hints(handler).get("row")
            if found != codec.row_type:
                name = getattr(handler, "__name__", repr(handler))
                raise TypeError(
                    f"{self.owner}.{name} handles {codec.kind} events, so its row must be annotated as"
                    f" {codec.type.__name__}Row, not {found}"
                )
        return tuple(self._by_type[c.type] for c in SCORED)
