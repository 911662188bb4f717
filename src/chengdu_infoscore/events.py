"""The events of a reporting year, one immutable type per kind of record (events.md).

Events are facts as written: names stay as the writer gave them (a unit may be an alias, a
channel a Chinese label) and are resolved against the target table and rule set only when a
result is computed. Each event type is named in the past tense after what happened.

>>> import datetime as dt
>>> Submitted(id="e1", date="2007-03-05", unit="锦江区", item="JJ-0001").date
datetime.date(2007, 3, 5)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Final

import attrs

from ._time import to_local_date
from .exceptions import EventFieldError
from .messages import Message

__all__ = [
    "CONTACT_ROLES",
    "EVENT_TYPES",
    "RECORD_TYPES",
    "Adopted",
    "Commissioned",
    "Contact",
    "ErrorFound",
    "Event",
    "FoundFalse",
    "HigherAdopted",
    "Instructed",
    "Missed",
    "Origin",
    "ReportedLate",
    "SelectedExcellent",
    "Submitted",
    "Withdrawn",
    "event_record",
]


@attrs.frozen
class Origin:
    """Where an event was read: a file and a 1-based line (the first line of a CSV record)."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def _text(field: str) -> Callable[[Any, Any, Any], None]:
    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        if not isinstance(value, str):
            found = Message.of("rejected.found.literal", value=type(value).__name__)
            raise EventFieldError(field, Message.of("rejected.expected_text", field=repr(field), found=found))
        if not value.strip():
            raise EventFieldError(field, Message.of("rejected.empty", field=repr(field)))

    return check


def _optional_text(field: str) -> Callable[[Any, Any, Any], None]:
    required = _text(field)

    def check(instance: Any, attribute: Any, value: Any) -> None:
        if value is not None:
            required(instance, attribute, value)

    return check


def _flag(_instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, bool):
        found = Message.of("rejected.found.literal", value=repr(value))
        name = attribute.name
        raise EventFieldError(name, _points_says("rejected.expected_boolean", name, found=found))


def _to_date(value: Any) -> dt.date:
    return to_local_date(value, "date")


def _to_due(value: Any) -> dt.date:
    return to_local_date(value, "due")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _strip_optional(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _text_field(name: str) -> Any:
    return attrs.field(converter=_strip, validator=_text(name))


def _optional_field(name: str) -> Any:
    return attrs.field(default=None, converter=_strip_optional, validator=_optional_text(name))


#: A figure written as text: a sign, ASCII digits with a point, and an exponent.
_FIGURE_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _figure_problem(value: Decimal) -> str | None:
    from .rules import figure_problem  # the rule sets' own test of a figure

    return figure_problem(value)


def _to_points(value: Any) -> Any:
    """A figure decided for the case: a Decimal (an ``int``, or text such as ``"-60"``, as the
    exact Decimal it writes), in its plain form (``-60.0`` is ``-60``); ``None`` when absent."""
    if isinstance(value, str):
        written = value.strip()
        if not written:
            return None
        # ASCII digits only, as a rule file writes figures (Decimal itself would take "6_0", "٣").
        shown = repr(written) if len(written) <= 40 else repr(written[:37] + "...")
        if not _FIGURE_TEXT.fullmatch(written):
            raise EventFieldError("points", _points_says("rejected.points_not_a_figure", found=shown))
        try:
            value = Decimal(written)
        except InvalidOperation:  # an exponent beyond what a Decimal holds
            raise EventFieldError("points", _points_says("rejected.points_too_big", found=shown)) from None
    elif type(value) is int:
        value = Decimal(value)
    if isinstance(value, Decimal) and _figure_problem(value) is None:
        # The plain form: no exponent, no trailing zeros, 0 without a sign, so that one figure has
        # one fingerprint. (Only a figure is put in it: any other value is left for the check to
        # name, unrounded.)
        if not value:
            return Decimal(0)
        plain = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
        return Decimal(format(plain, "f"))
    return value


def _figure(_instance: Any, _attribute: Any, value: Any) -> None:
    if value is None:
        return
    from .rules import POINTS_LIMIT, POINTS_PLACES, figure_problem  # the rule sets' own test

    if figure_problem(value) is None:
        return
    found: Message
    if not isinstance(value, Decimal):
        if isinstance(value, bool):
            found = Message.of("rejected.found.literal", value="true" if value else "false")
        elif isinstance(value, float):
            found = Message.of("rejected.found.float", value=repr(value))
        else:
            found = Message.of("rejected.found.literal", value=type(value).__name__)
        raise EventFieldError("points", _points_says("rejected.points_type", found=found))
    # A Decimal: the problem figure_problem found, in its order.
    found = _magnitude(value)
    if not value.is_finite():
        raise EventFieldError("points", _points_says("rejected.points_not_finite", found=found))
    if not -POINTS_LIMIT <= value <= POINTS_LIMIT:
        low, high = str(-POINTS_LIMIT), str(POINTS_LIMIT)
        raise EventFieldError(
            "points", _points_says("rejected.points_range", low=low, high=high, found=found)
        )
    raise EventFieldError("points", _points_says("rejected.points_places", places=POINTS_PLACES, found=found))


def _points_says(code: str, field: str = "points", **params: object) -> Message:
    return Message.of(code, field=repr(field), **params)


def _magnitude(value: Decimal) -> Message:
    """A figure as a message shows it: itself when short, else its size (as ``_data.magnitude``)."""
    if not value.is_finite():
        shown = "nan" if value.is_nan() else "-inf" if value < 0 else "inf"
        return Message.of("rejected.found.literal", value=shown)
    text = str(value)
    if len(text) <= 24:
        return Message.of("rejected.found.literal", value=text)
    digits = len(value.as_tuple().digits)
    if value == value.to_integral_value():
        return Message.of("rejected.found.digits", digits=value.adjusted() + 1)
    return Message.of("rejected.found.long_decimal", start=text[:12], digits=digits)


@attrs.frozen(kw_only=True)
class Event:
    """What every event has: its own ``id`` and its local ``date``.

    ``origin`` says where the event was read, for messages; it takes no part in comparing
    events, so the same record read from two files is the same event.
    """

    kind: ClassVar[str] = ""
    id: str = _text_field("id")
    date: dt.date = attrs.field(converter=_to_date)
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def where(self) -> str:
        """``FILE:LINE`` of the record, or ``<api>`` for an event built in Python."""
        return str(self.origin) if self.origin is not None else "<api>"


@attrs.frozen(kw_only=True)
class Submitted(Event):
    """A unit submitted an item (上报) — clause A3.1.4; answering a commission, A3.1.5."""

    kind: ClassVar[str] = "submitted"
    unit: str = _text_field("unit")
    item: str = _text_field("item")
    topic: str | None = _optional_field("topic")
    commission: str | None = _optional_field("commission")


@attrs.frozen(kw_only=True)
class Adopted(Event):
    """The office adopted an item in a channel (采用) — clauses A3.1.1 to A3.1.3."""

    kind: ClassVar[str] = "adopted"
    item: str = _text_field("item")
    channel: str = _text_field("channel")
    picture: bool = attrs.field(default=False, validator=_flag)
    unit: str | None = _optional_field("unit")


@attrs.frozen(kw_only=True)
class Commissioned(Event):
    """The office commissioned an item from a unit, due by a date (约稿) — A3.1.5, A3.2.3."""

    kind: ClassVar[str] = "commissioned"
    unit: str = _text_field("unit")
    commission: str = _text_field("commission")
    due: dt.date = attrs.field(converter=_to_due)


@attrs.frozen(kw_only=True)
class Instructed(Event):
    """A municipal leader wrote an instruction on an item (批示) — clause A3.1.6."""

    kind: ClassVar[str] = "instructed"
    item: str = _text_field("item")
    leader: str | None = _optional_field("leader")
    unit: str | None = _optional_field("unit")
    #: The leader's level where the rule set scores levels differently (default: the rule set's).
    level: str | None = _optional_field("level")


@attrs.frozen(kw_only=True)
class HigherAdopted(Event):
    """A higher office's publication adopted an item — clause A3.1.7."""

    kind: ClassVar[str] = "higher_adopted"
    item: str = _text_field("item")
    level: str = _text_field("level")
    unit: str | None = _optional_field("unit")


@attrs.frozen(kw_only=True)
class Missed(Event):
    """The unit failed to report something it should have (漏报) — A3.2.1, A3.2.2."""

    kind: ClassVar[str] = "missed"
    unit: str = _text_field("unit")
    category: str = _text_field("category")
    subject: str | None = _optional_field("subject")


@attrs.frozen(kw_only=True)
class ReportedLate(Event):
    """The unit reported something late (迟报) — A3.2.1, A3.2.2."""

    kind: ClassVar[str] = "late"
    unit: str = _text_field("unit")
    category: str = _text_field("category")
    subject: str | None = _optional_field("subject")


@attrs.frozen(kw_only=True)
class ErrorFound(Event):
    """An error was found in an item (差错) — clause A3.2.1."""

    kind: ClassVar[str] = "error"
    item: str = _text_field("item")
    note: str | None = _optional_field("note")
    unit: str | None = _optional_field("unit")
    #: The deduction decided for the case, where the rule set in force gives a range (扣50–100分).
    points: Decimal | None = attrs.field(default=None, converter=_to_points, validator=_figure)


@attrs.frozen(kw_only=True)
class FoundFalse(Event):
    """An item was found false or untrue (虚假、不实) — clause A3.2.4."""

    kind: ClassVar[str] = "false_report"
    item: str = _text_field("item")
    note: str | None = _optional_field("note")
    unit: str | None = _optional_field("unit")
    #: The deduction decided for the case, where the rule set in force gives a range (扣50–100分).
    points: Decimal | None = attrs.field(default=None, converter=_to_points, validator=_figure)


@attrs.frozen(kw_only=True)
class SelectedExcellent(Event):
    """An item was selected as excellent (优秀信息) — listed in bulletins (A3.3.1)."""

    kind: ClassVar[str] = "excellent"
    item: str = _text_field("item")
    unit: str | None = _optional_field("unit")


#: The roles of a contact (附件3 三(三)): its key, and the Chinese word the notice uses, which a
#: record may write instead.
CONTACT_ROLES: Final[dict[str, str]] = {"leader": "主管领导", "officer": "信息员"}
_ROLE_KEYS: Final[dict[str, str]] = {
    **{k: k for k in CONTACT_ROLES},
    **{v: k for k, v in CONTACT_ROLES.items()},
}

#: A telephone number as a unit writes it: digits, spaces, ``+``, ``-``, parentheses, and an
#: extension after ``转``, ``分机``, ``ext``/``ext.`` or ``x`` (``028-8625 4321转8021``).
_PHONE: Final = re.compile(
    r"\+?[0-9 ()\-]*[0-9][0-9 ()\-]*(?:\s*(?:转|分机|ext\.?|x)\s*[0-9]+)?", re.IGNORECASE
)
_PHONE_ALLOWED: Final = frozenset("0123456789 +-()")
#: The longest telephone number taken, in characters.
PHONE_LONGEST: Final = 40


def role_key(written: str) -> str | None:
    """The role key of a role as written (``leader`` or ``主管领导``), or ``None``."""
    return _ROLE_KEYS.get(written)


def _role(_instance: Any, _attribute: Any, value: Any) -> None:
    if value not in _ROLE_KEYS:
        found = Message.of("rejected.found.literal", value=repr(value))
        raise EventFieldError("role", Message.of("rejected.contact_role", field="'role'", found=found))


def _phone(_instance: Any, _attribute: Any, value: Any) -> None:
    if value is None:
        return
    shown = repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    found = Message.of("rejected.found.literal", value=shown)
    if len(value) > PHONE_LONGEST:
        raise EventFieldError(
            "phone", Message.of("rejected.phone_too_long", field="'phone'", most=PHONE_LONGEST, found=found)
        )
    if not _PHONE.fullmatch(value):
        if not any(c.isascii() and c.isdigit() for c in value):
            raise EventFieldError(
                "phone", Message.of("rejected.phone_no_digit", field="'phone'", found=found)
            )
        bad = next((c for c in value if c not in _PHONE_ALLOWED), value[0])
        raise EventFieldError(
            "phone", Message.of("rejected.phone", field="'phone'", found=found, char=repr(bad))
        )


def _printable(field: str) -> Callable[[Any, Any, Any], None]:
    """A person's name or post must be text people can read: no control character in it."""

    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        if isinstance(value, str) and not value.isprintable():
            bad = next(c for c in value if not c.isprintable())
            raise EventFieldError(
                field, Message.of("rejected.not_printable", field=repr(field), char=repr(bad))
            )

    return check


@attrs.frozen(kw_only=True)
class Contact(Event):
    """A unit's leader in charge of information work (主管领导) or information officer (信息员), on
    record from ``date`` (附件3 三(三)); with ``left=True``, that person no longer holds the role
    from ``date``. Not a scored event: contacts score nothing, and :data:`EVENT_TYPES` does not
    list it. ``role`` is ``leader`` or ``officer``, or the Chinese word (``主管领导``, ``信息员``);
    ``phone`` is personal data (see :mod:`chengdu_infoscore.contacts`).

    >>> Contact(id="c1", date="2007-01-04", unit="锦江区", role="信息员", name="王敏", phone="84621234").phone
    '84621234'
    """

    kind: ClassVar[str] = "contact"
    unit: str = _text_field("unit")
    role: str = attrs.field(converter=_strip, validator=[_text("role"), _role])
    name: str = attrs.field(converter=_strip, validator=[_text("name"), _printable("name")])
    title: str | None = attrs.field(
        default=None, converter=_strip_optional, validator=[_optional_text("title"), _printable("title")]
    )
    phone: str | None = attrs.field(
        default=None, converter=_strip_optional, validator=[_optional_text("phone"), _phone]
    )
    left: bool = attrs.field(default=False, validator=_flag)


@attrs.frozen(kw_only=True)
class Withdrawn(Event):
    """A record that withdraws an event (撤回): from when it is recorded, the event no longer counts.

    Not a scored event: it scores nothing itself, and :data:`EVENT_TYPES` does not list it. Its
    ``date`` is the day the withdrawal was decided, which may fall after the assessment year; it
    is never rejected for its date nor held back by an as-of date. ``event`` is the id of the
    event withdrawn (events.md, "Corrections").

    >>> Withdrawn(id="w1", date="2008-01-10", event="e123")
    Withdrawn(id='w1', date=datetime.date(2008, 1, 10), event='e123')
    """

    kind: ClassVar[str] = "withdrawn"
    event: str = _text_field("event")


def event_record(event: Event) -> dict[str, object]:
    """One event as a record of the event-log form (events.md).

    Keys are ``id``, ``type`` and ``date`` first, then the event's own fields in their order;
    absent fields are left out, ``picture`` appears only when true, dates are ISO text, and a
    figure (``points``) is its exact text (``"-60"``).

    >>> event_record(Adopted(id="e2", date="2007-03-07", item="JJ-0001", channel="zwyw"))
    {'id': 'e2', 'type': 'adopted', 'date': '2007-03-07', 'item': 'JJ-0001', 'channel': 'zwyw'}
    """
    record: dict[str, object] = {"id": event.id, "type": type(event).kind, "date": event.date.isoformat()}
    for field in attrs.fields(type(event)):
        if field.name in ("id", "date", "origin"):
            continue
        value = getattr(event, field.name)
        if value is None or value is False:
            continue
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        record[field.name] = value
    return record


#: The scored event types by their ``type`` key in the event-log form.
EVENT_TYPES: Final[dict[str, type[Event]]] = {
    cls.kind: cls
    for cls in (
        Submitted,
        Adopted,
        Commissioned,
        Instructed,
        HigherAdopted,
        Missed,
        ReportedLate,
        ErrorFound,
        FoundFalse,
        SelectedExcellent,
    )
}

#: Every type of record of the event-log form by its ``type`` key: the scored event types,
#: :class:`Withdrawn` and :class:`Contact`.
RECORD_TYPES: Final[dict[str, type[Event]]] = {
    **EVENT_TYPES,
    Withdrawn.kind: Withdrawn,
    Contact.kind: Contact,
}
