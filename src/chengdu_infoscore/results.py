"""What scoring gives back: per-unit results with their ledgers, and the rejected events.

All values are frozen. A unit's :attr:`UnitResult.score` is, by construction and by test, the
sum of its ledger's points and of its breakdown by clause.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, overload

import attrs

from ._arguments import need
from .events import Event, Origin
from .exceptions import ArgumentTypeError, UnknownUnitError
from .messages import DEFAULT_LANG, Message, catalogue, check_lang, text
from .provenance import Provenance
from .quotas import Group, QuotaTable, Unit

if TYPE_CHECKING:
    from .diff import ResultsDiff

__all__ = [
    "CommissionStatus",
    "Ledger",
    "LedgerLine",
    "Rejection",
    "Results",
    "UnitResult",
    "format_points",
    "percent",
    "ratio",
]


def _half_up(part: int, whole: int, places: int) -> int:
    """``part ÷ whole × 10**places`` rounded half up to a whole number, in integers: no rounding before."""
    if not (isinstance(part, int) and isinstance(whole, int)) or part < 0 or whole <= 0:
        raise ValueError(f"a rate needs counts part >= 0 and whole > 0, not {part!r} and {whole!r}")
    scale: int = 10**places
    return (2 * part * scale + whole) // (2 * whole)


def ratio(part: int, whole: int, places: int = 4) -> Decimal:
    """``part ÷ whole`` as a decimal of ``places`` places: the exact ratio rounded once, half up.

    Every rate and completion the library gives in figures and in machine forms (JSON, CSV) is
    this; :func:`percent` is the same for people. Half up is how spreadsheets and the office round:
    a ratio exactly halfway goes up (1/32 = 0.03125 → 0.0313).

    >>> ratio(5, 11), ratio(1, 32), ratio(0, 7), ratio(3, 2)
    (Decimal('0.4545'), Decimal('0.0313'), Decimal('0.0000'), Decimal('1.5000'))
    """
    q = _half_up(part, whole, places)
    digits = tuple(int(d) for d in str(q))
    return Decimal((0, digits, -places))


def percent(part: int, whole: int) -> str:
    """``part ÷ whole`` as a percentage with one decimal: the exact ratio rounded once, half up.

    Never a rounded ratio rounded again: 5/11 is 45.45…%, so ``45.5%``, where rounding 0.4545
    again would give 45.4 % or 45.5 % by luck.

    >>> percent(5, 11), percent(1, 2000), percent(2, 3), percent(0, 7), percent(150, 120)
    ('45.5%', '0.1%', '66.7%', '0.0%', '125.0%')
    """
    q = _half_up(part, whole, 3)
    return f"{q // 10}.{q % 10}%"


def format_points(value: Decimal) -> str:
    """A decimal as exact plain text: no exponent, no trailing zeros.

    >>> [format_points(Decimal(x)) for x in ("60.0", "19.10", "-0.3", "0E-1", "1E+1")]
    ['60', '19.1', '-0.3', '0', '10']
    """
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def _reason(value: Message | str) -> Message:
    """A line's reason as given: a message, or a text shown as written in every language."""
    return value if isinstance(value, Message) else Message.of("reason.plugin", text=value)


@attrs.frozen
class LedgerLine:
    """One booking of points: which event, on which date, under which clause, and why.

    Lines of zero points are kept (a submission past the cap, a repeated instruction, a
    pending commission) so that a reader sees why nothing was earned.

    Why is :attr:`message`, a code of the catalogues and its parameters (``reason.submitted``,
    ``item="JJ-001"``…): :meth:`text` puts it in Chinese (the default) or English; :attr:`reason`
    is the English text, as before. A line made by hand may give a text as its reason, which is
    shown as written in every language.
    """

    date: dt.date
    event: str
    clause: str
    points: Decimal
    #: Why the points were booked: a code of the catalogues (``reason.*``) and its parameters.
    message: Message = attrs.field(converter=_reason)
    #: The item the event concerns, if any.
    item: str | None = None
    #: The count the event moved, on the first line it booked: ``submitted``, ``adopted`` (toward
    #: the target), ``missed``, ``late``, ``error``, ``false_report`` or ``excellent``.
    tally: str | None = None
    #: For ``missed`` and ``late``, the category; for ``submitted``, the key-point section, if any.
    key: str | None = None
    #: The id of the rule-set version that booked the line.
    rules: str | None = None

    @property
    def reason(self) -> str:
        """Why the points were booked, in English (``text("en")``)."""
        return self.message.text("en")

    def text(self, lang: str = DEFAULT_LANG) -> str:
        """Why the points were booked, in ``lang``: Chinese (``"zh"``, the default) or ``"en"``.

        Raises:
            ValueError: ``lang`` is neither (:class:`~chengdu_infoscore.ArgumentError`).
        """
        return self.message.text(check_lang(lang))


#: What :meth:`Ledger.entries` gives for each line: date, points, tally, key, event id, item.
Entry = tuple[dt.date, Decimal, str | None, str | None, str, str | None]


class _Source(Protocol):
    def lines(self) -> tuple[LedgerLine, ...]: ...

    def entries(self, tally: str | None = None) -> Iterator[Entry]: ...

    def unlined(self) -> tuple[Entry, ...]: ...


class Ledger(Sequence[LedgerLine]):
    """A unit's ledger: every booking, by date — a sequence of :class:`LedgerLine`.

    The engine keeps bookings compact and makes the lines, with their reasons, when the ledger
    is first read; a ledger compares equal to any sequence of the same lines.
    """

    __slots__ = ("_lines", "_source", "_unlined")

    def __init__(self, lines: Iterable[LedgerLine] = ()) -> None:
        self._lines: tuple[LedgerLine, ...] | None = tuple(lines)
        self._source: _Source | None = None
        #: The entries that are no line (a count moved under no clause), kept once the lines are made.
        self._unlined: tuple[Entry, ...] = ()

    @classmethod
    def of(cls, source: _Source) -> Ledger:
        """A ledger whose lines ``source`` makes when they are first read."""
        ledger = cls()
        ledger._lines, ledger._source = None, source
        return ledger

    @property
    def lines(self) -> tuple[LedgerLine, ...]:
        """Every line, by date."""
        if self._lines is None:
            assert self._source is not None
            self._lines = self._source.lines()
            self._unlined = self._source.unlined()
            self._source = None
        return self._lines

    def entries(self, tally: str | None = None) -> Iterator[Entry]:
        """Each line's date, points, tally, key, event and item, without its reason, in no set order.

        For summing a large ledger (by month, by tally) without making its lines. With
        ``tally``, only the lines that moved that count (``excellent``, ``missed``…).
        """
        if self._source is not None:
            return self._source.entries(tally)
        lines = self.lines if tally is None else [x for x in self.lines if x.tally == tally]
        unlined = self._unlined if tally is None else [e for e in self._unlined if e[2] == tally]
        return itertools.chain(((x.date, x.points, x.tally, x.key, x.event, x.item) for x in lines), unlined)

    @overload
    def __getitem__(self, index: int) -> LedgerLine: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[LedgerLine, ...]: ...

    def __getitem__(self, index: int | slice) -> LedgerLine | tuple[LedgerLine, ...]:
        return self.lines[index]

    def __len__(self) -> int:
        return len(self.lines)

    def __iter__(self) -> Iterator[LedgerLine]:
        return iter(self.lines)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Ledger):
            return self.lines == other.lines
        if isinstance(other, tuple | list):
            return self.lines == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.lines)

    def __repr__(self) -> str:
        return f"Ledger({list(self.lines)!r})"


def _ledger(value: Any) -> Ledger:
    return value if isinstance(value, Ledger) else Ledger(value)


def _message(reason: Message | str) -> Message:
    """A rejection's reason: a message, or a text given in Python (kept as written in every language)."""
    if isinstance(reason, Message):
        return reason
    if not isinstance(reason, str):
        raise ArgumentTypeError(f"Rejection: reason must be a Message or text, not {type(reason).__name__}")
    return Message.of("rejected.text", text=reason)


@attrs.frozen
class Rejection:
    """An input event that was not counted, where it was read, and why.

    Attributes:
        origin: where it was read (``None`` for an event built in Python).
        event: its id, when it could be read.
        message: why, as a code (``rejected.*``) and its parameters: :meth:`text` puts it in a
            language; a reason given as text is kept as written (code ``rejected.text``).
        record: what was read, for a record a reader rejected: the line (JSON Lines) or the
            record (CSV) as text, or as bytes when it is not valid in the file's encoding. It
            stands for the record in the events digest (never the reason, which may be worded or
            translated otherwise); it takes no part in comparing rejections.
    """

    origin: Origin | None
    event: str | None
    message: Message = attrs.field(converter=_message)
    record: str | bytes | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)

    @property
    def reason(self) -> str:
        """Why, in English (as before rejections had codes): :meth:`text` gives other languages."""
        return self.message.text("en")

    @property
    def code(self) -> str:
        """The code of why (``rejected.unknown_unit``…), the same in every language."""
        return self.message.code

    def text(self, lang: str = DEFAULT_LANG) -> str:
        """Why, in ``lang`` (Chinese by default)."""
        return self.message.text(lang)

    @property
    def where(self) -> str:
        """``FILE:LINE``, or ``<api>`` for an event built in Python."""
        return str(self.origin) if self.origin is not None else "<api>"

    def shown_event(self, lang: str = DEFAULT_LANG) -> str:
        """The record's id as people read it: on one line, cut short when it is very long (the
        whole id is in the JSON form), or a word saying there is none."""
        if self.event is None:
            return text("rejected.no_id", lang)
        event = self.event
        if not event.isprintable():  # a line break in an id must not break the one-line form
            event = repr(event)
        if len(event) > 80:
            event = text("rejected.long_id", lang, start=event[:60], length=len(self.event))
        return event

    def line(self, lang: str = DEFAULT_LANG) -> str:
        """The one line the command line prints: ``FILE:LINE: event ID: reason``, in ``lang``."""
        return text(
            "rejected.line", lang, where=self.where, event=self.shown_event(lang), reason=self.message
        )

    def __str__(self) -> str:
        return self.line("en")


@attrs.frozen
class CommissionStatus:
    """A commission (约稿) and its outcome as of the run's date.

    ``outcome`` is ``on_time`` (answered on or before the due date), ``late`` (answered after
    it), ``unanswered`` (due date passed, no answer) or ``pending`` (due date not yet passed).
    """

    commission: str
    event: str
    issued: dt.date
    due: dt.date
    outcome: str
    answered: dt.date | None = None
    answer: str | None = None

    def at(self, day: dt.date) -> str | None:
        """The outcome as it stood at the end of ``day``; ``None`` before the commission was issued."""
        if day < self.issued:
            return None
        if self.answered is not None and self.answered <= day:
            return "on_time" if self.answered <= self.due else "late"
        return "unanswered" if self.due < day else "pending"


@attrs.frozen
class UnitResult:
    """One unit's figures for the assessment year, as of a date.

    Attributes:
        unit: the unit, as the target table gives it.
        submitted: items submitted (上报数).
        adopted: items adopted in channels that count toward the target (采用数).
        score: the composite score (综合计分), the sum of :attr:`ledger`.
        breakdown: ``(clause id, points)`` for every clause of the rule set, in its order.
        ledger: every booking, by date.
        missed: ``(category, count)`` of missed reports (漏报), every category of the rule set.
        late: ``(category, count)`` of late reports (迟报).
        errors: errors found (差错).
        false_reports: items found false (虚假、不实).
        excellent: items selected as excellent (优秀信息).
        commissions: every commission issued to the unit, with its outcome.
    """

    unit: Unit
    submitted: int
    adopted: int
    score: Decimal
    breakdown: tuple[tuple[str, Decimal], ...]
    ledger: Ledger = attrs.field(converter=_ledger)
    missed: tuple[tuple[str, int], ...]
    late: tuple[tuple[str, int], ...]
    errors: int
    false_reports: int
    excellent: int
    commissions: tuple[CommissionStatus, ...] = ()
    #: Why the unit may not be commended (取消评先资格), under the rule set's outcomes; empty if it may.
    disqualified: tuple[str, ...] = ()
    #: The date of the first submission that the cap left short (A3.1.4 in 2007); ``None`` if none.
    capped_on: dt.date | None = None

    @property
    def pending(self) -> tuple[CommissionStatus, ...]:
        """Commissions not answered whose due date has not passed (a bulletin lists them)."""
        return tuple(c for c in self.commissions if c.outcome == "pending")

    @property
    def overdue(self) -> tuple[CommissionStatus, ...]:
        """Commissions whose due date has passed without an answer."""
        return tuple(c for c in self.commissions if c.outcome == "unanswered")

    @property
    def name(self) -> str:
        """The unit's canonical name."""
        return self.unit.name

    @property
    def counted(self) -> int:
        """What counts toward the target: adopted items, or submitted items for an ``office``."""
        return self.submitted if self.unit.basis == "submitted" else self.adopted

    @property
    def completion(self) -> Decimal | None:
        """``counted ÷ target``, the exact ratio rounded once, half up, to four places (see :func:`ratio`);
        ``None`` for a unit without target."""
        target = self.unit.target
        return None if target is None else ratio(self.counted, target)

    @property
    def completed(self) -> bool | None:
        """Whether the target is reached (完成全年目标任务); ``None`` for a unit without target."""
        target = self.unit.target
        return None if target is None else self.counted >= target

    @property
    def shortfall(self) -> int | None:
        """How many items short of the target; 0 when completed; ``None`` for a unit without target."""
        target = self.unit.target
        return None if target is None else max(0, target - self.counted)

    def points(self, clause: str) -> Decimal:
        """The points booked under ``clause`` (0 for a clause with none)."""
        return dict(self.breakdown).get(clause, Decimal(0))


@attrs.frozen
class Results:
    """The result of one scoring run.

    Attributes:
        year: the assessment year.
        as_of: only events dated on or before it count; commissions are judged against it.
        rules: the id of the rule set applied.
        units: one result per unit of the target table, in its order.
        rejections: the events not counted, with the reason, in the order they were read.
        read: records handed in (repeats and withdrawals included).
        counted: records that were counted: events scored, and contacts in force (which score
            nothing; see :attr:`contacts`).
        repeats: repeats of an identical event (same id, same content), counted once.
        after_as_of: valid events dated after ``as_of``, which do not count yet.
        provenance: what the result was computed from.
        withdrawn: records that withdrawals took out: each withdrawal in force and every copy of
            the event it withdraws (see :mod:`~chengdu_infoscore.corrections`). So ``read ==
            counted + repeats + after_as_of + withdrawn + len(rejections)``.
    """

    year: int
    as_of: dt.date
    rules: str
    units: tuple[UnitResult, ...]
    rejections: tuple[Rejection, ...]
    read: int
    counted: int
    repeats: int
    after_as_of: int
    #: What the result was computed from (library, rule-set versions, target table, events).
    provenance: Provenance | None = None
    #: Why :attr:`as_of` is what it is: ``given`` by the caller; ``latest_event``, the default:
    #: the date of the latest event of the year, so that nothing not yet due is judged;
    #: ``year_end``, 31 December, the default when there is no event. See :meth:`as_of_note`.
    as_of_basis: str = "given"
    #: The target table scored against, for finding units by any spelling (see :meth:`unit`).
    quotas: QuotaTable | None = attrs.field(default=None, eq=False, repr=False)
    withdrawn: int = 0
    #: The contacts counted (附件3 三(三)), units and roles in canonical form, by date and id:
    #: what :func:`chengdu_infoscore.contacts.registry` makes the registry of.
    contacts: tuple[Event, ...] = ()
    _memo: dict[Any, Any] = attrs.field(init=False, factory=dict, eq=False, repr=False)

    def as_of_note(self, lang: str = "zh") -> str:
        """How the as-of date was chosen, for people, in ``lang`` (Chinese by default): empty when
        it was given."""
        code = f"header.note.{self.as_of_basis}"
        return text(code, lang, year=self.year) if code in catalogue(lang) else ""

    def _derived(self, key: Any, make: Callable[[], Any]) -> Any:
        """What ``make`` derives from these results, made once (results never change)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def unit(self, name: str) -> UnitResult:
        """The result of a unit, written any way events may write it: its canonical name, its printed
        label, an alias (能源办) or the ``成都市…`` form of a ``市…`` name.

        Raises:
            UnknownUnitError: no unit is written that way (a :class:`KeyError`); the message offers
                the closest names.
        """
        by_name: dict[str, UnitResult] = self._derived("by_name", lambda: {u.name: u for u in self.units})
        found = by_name.get(name) if isinstance(name, str) else None
        if found is not None:
            return found
        need("name", name, str, "a unit's name (str)")
        table = self.quotas
        if table is None:  # results built by hand: the units' own names, labels and aliases
            groups = {u.unit.group: Group(u.unit.group, u.unit.group, u.unit.basis) for u in self.units}
            table = QuotaTable(self.year, "", tuple(groups.values()), tuple(u.unit for u in self.units))
        unit = table.find(name)
        if unit is None or unit.name not in by_name:
            raise UnknownUnitError(name, table.closest(name))
        return by_name[unit.name]

    def diff(self, other: Results) -> ResultsDiff:
        """What changed from these results (the earlier view) to ``other`` (the later view) of the
        same year: per unit, score, figures, rank and ledger lines; see
        :func:`~chengdu_infoscore.diff.diff_results`.

        Raises:
            TypeError: ``other`` is not Results (:class:`~chengdu_infoscore.ArgumentTypeError`).
            ValueError: ``other`` is of another year or target table
                (:class:`~chengdu_infoscore.ArgumentError`).
        """
        from .diff import diff_results  # the diff is built on the results, not the other way

        need("other", other, Results, "the Results of score() or Scorer.results()")
        return diff_results(self, other)

    def to_json(self) -> str:
        """The JSON contract as text: exactly what ``score --format json`` prints for these results
        (see :func:`~chengdu_infoscore.reports.to_json`)."""
        from .reports import to_json  # the renderers are built on the results, not the other way

        return to_json(self)

    def to_records(self) -> list[dict[str, Any]]:
        """One plain ``dict`` per unit, in the target table's order, with the figures of the JSON
        contract as exact values (``Decimal`` points, ``int`` counts, ``datetime.date`` dates); see
        :func:`~chengdu_infoscore.records.unit_records` for the keys."""
        from .records import unit_records

        return unit_records(self)

    def ledger_records(self, lang: str = DEFAULT_LANG) -> list[dict[str, Any]]:
        """One plain ``dict`` per ledger line of every unit: unit, date, event, clause, points,
        reason (in ``lang``: Chinese by default, or ``"en"``), its code and params…; see
        :func:`~chengdu_infoscore.records.ledger_records`."""
        from .records import ledger_records

        return ledger_records(self, lang)

    def to_frame(self) -> Any:
        """:meth:`to_records` as a ``pandas.DataFrame`` (see :func:`~chengdu_infoscore.records.frame`).

        Raises:
            MissingExtraError: pandas is not installed (``pip install 'chengdu-infoscore[frames]'``),
                an :class:`ImportError`.
        """
        from .records import UNIT_KEYS, frame

        return frame(self.to_records(), [k for k in UNIT_KEYS if not k.endswith("…")])

    def ledger_frame(self, lang: str = DEFAULT_LANG) -> Any:
        """:meth:`ledger_records` as a ``pandas.DataFrame``, one row per ledger line, the reasons in
        ``lang`` (Chinese by default, or ``"en"``).

        Raises:
            MissingExtraError: pandas is not installed (``pip install 'chengdu-infoscore[frames]'``).
        """
        from .records import LEDGER_KEYS, frame

        return frame(self.ledger_records(lang), LEDGER_KEYS)
