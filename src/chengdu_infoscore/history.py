"""What a rule kind written in Python may read: the unit's and the item's history for the year so
far, and the periods whose end a hook marks (see docs/rulesets.md, "Rule kinds written in Python").

The views read the fold's own state; they hold nothing a rule kind can change, and they answer only
while the call that received them runs (a view kept for later raises :class:`~.exceptions.PluginError`),
so that what a rule kind sees never depends on when it looks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import attrs

from ._codecs import (
    ADOPTED,
    CHANNEL,
    ERROR_FOUND,
    FOUND_FALSE,
    HIGHER_ADOPTED,
    ID,
    INSTRUCTED,
    KIND,
    POS,
    SELECTED_EXCELLENT,
    SUBMITTED,
    Row,
    event_of,
)
from .events import Event
from .exceptions import PluginError
from .quotas import Unit
from .rules import RuleSet

if TYPE_CHECKING:
    from ._fold import Fold

__all__ = ["ItemHistory", "Period", "RuleContext", "UnitHistory"]

_ZERO: Final = Decimal(0)


@attrs.frozen
class Period:
    """A month, a quarter or the year, whose end a hook marks.

    Attributes:
        kind: ``"month"``, ``"quarter"`` or ``"year"``.
        year: the assessment year.
        number: the month (1–12), the quarter (1–4), or the year again.
        first: the period's first day.
        last: its last day: the day its hook's ledger lines are dated.
    """

    kind: str
    year: int
    number: int
    first: dt.date
    last: dt.date

    @property
    def months(self) -> range:
        """The months of the period, e.g. ``range(4, 7)`` for the second quarter."""
        return range(self.first.month, self.last.month + 1)

    def __str__(self) -> str:
        """``month 2007-03``, ``quarter 2007-Q1`` or ``year 2007``."""
        if self.kind == "month":
            return f"month {self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"quarter {self.year}-Q{self.number}"
        return f"year {self.year}"


def period_ends(year: int) -> tuple[tuple[dt.date, tuple[Period, ...]], ...]:
    """Every period end of ``year``, in order, with the periods that end on it (month, quarter, year)."""
    ends = []
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        last = (dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)) - dt.timedelta(1)
        here = [Period("month", year, month, first, last)]
        if month % 3 == 0:
            here.append(Period("quarter", year, month // 3, dt.date(year, month - 2, 1), last))
        if month == 12:
            here.append(Period("year", year, year, dt.date(year, 1, 1), last))
        ends.append((last, tuple(here)))
    return tuple(ends)


class UnitLog:
    """What the fold keeps of one unit's counted events for the views (only when a rule kind is used)."""

    __slots__ = (
        "adopted",
        "adopted_seen",
        "by_clause",
        "channels",
        "items",
        "rows",
        "submitted",
        "summed",
        "total",
    )

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.submitted = [0] * 13
        self.adopted = [0] * 13
        self.adopted_seen = 0
        self.channels: dict[str, int] = {}
        self.items: list[str] = []
        # The unit's book summed by clause, and how many of its slots are in the sums (see points).
        self.by_clause: dict[str, Decimal] = {}
        self.total = _ZERO
        self.summed = 0


class _Call:
    """One call of a rule kind: its views answer while it runs."""

    __slots__ = ("name", "open")

    def __init__(self, name: str) -> None:
        self.name = name
        self.open = True

    def check(self) -> None:
        if not self.open:
            raise PluginError(
                f"a history view was read after its {self.name} call had returned;"
                " read the views only while the call that received them runs"
            )


class UnitHistory:
    """A unit's counted events in the year so far, under every version (also those before the
    version of the rule kind began), and handy counts. Read-only.

    In ``on_event``, "so far" includes the event in front of the rule kind (its built-in bookings
    are made); in a period hook, it is every event dated on or before the period's last day.
    """

    __slots__ = ("_call", "_fold", "_log", "_tally", "_unit")

    def __init__(self, fold: Fold, unit: Unit, call: _Call) -> None:
        self._fold = fold
        self._call = call
        self._unit = unit
        self._tally = fold.tallies[unit.name]
        log = fold.logs.get(unit.name)
        if log is None:
            log = fold.logs[unit.name] = UnitLog()
        self._log = log

    @property
    def unit(self) -> Unit:
        """The unit (of the target table)."""
        return self._unit

    def _open(self) -> UnitLog:
        self._call.check()
        return self._log

    @property
    def submitted(self) -> int:
        """Items submitted so far."""
        self._open()
        return int(self._tally.submitted)

    @property
    def adopted(self) -> int:
        """Items adopted so far that count toward the target (an item counts once)."""
        self._open()
        return int(self._tally.adopted)

    def submitted_in(self, month: int) -> int:
        """Items submitted in ``month`` (1–12)."""
        return self._open().submitted[_month(month)]

    def adopted_in(self, month: int) -> int:
        """Items whose adoption counted toward the target in ``month`` (1–12)."""
        return self._open().adopted[_month(month)]

    @property
    def by_channel(self) -> Mapping[str, int]:
        """Adoptions so far by channel key (every adoption, counted toward the target or not)."""
        return MappingProxyType(dict(sorted(self._open().channels.items())))

    @property
    def missed(self) -> Mapping[str, int]:
        """Missed reports so far by category key."""
        self._open()
        return MappingProxyType(dict(sorted(self._tally.missed.items())))

    @property
    def late(self) -> Mapping[str, int]:
        """Late reports so far by category key."""
        self._open()
        return MappingProxyType(dict(sorted(self._tally.late.items())))

    @property
    def errors(self) -> int:
        """Errors found so far."""
        self._open()
        return int(self._tally.errors)

    @property
    def false_reports(self) -> int:
        """Items found false so far (every finding counted by the version then in force)."""
        self._open()
        return int(self._tally.false_reports)

    @property
    def items(self) -> tuple[str, ...]:
        """The ids of the items submitted so far, in fold order."""
        return tuple(self._open().items)

    def item(self, item: str) -> ItemHistory | None:
        """The history of an item this unit submitted, or None."""
        self._open()
        if item not in self._fold.item_rows:
            return None
        history = ItemHistory(self._fold, item, self._call)
        return history if history.unit == self.unit else None

    def events(self, *types: type[Event]) -> tuple[Event, ...]:
        """The unit's counted events so far, in fold order (date; commissions, submissions,
        adoptions, the rest; id): all, or those of the given types. Item events count for the
        unit that submitted the item."""
        rows = self._open().rows
        return self._fold.events_of(rows, types)

    def points(self, clause: str | None = None) -> Decimal:
        """The points booked for the unit so far, under every clause or one (plug-in lines too;
        commissions judged on the as-of date and a floor are not yet booked)."""
        log = self._open()
        book = self._tally.book
        if log.summed < len(book):  # the book only grows in a fold with rule kinds: add what is new
            by_clause, total = log.by_clause, log.total
            for entry, points in zip(book[log.summed + 1 :: 4], book[log.summed + 2 :: 4], strict=True):
                if entry.clause is not None:  # a booking under no clause only moves a count
                    by_clause[entry.clause] = by_clause.get(entry.clause, _ZERO) + points
                    total += points
            log.total, log.summed = total, len(book)
        return log.total if clause is None else log.by_clause.get(clause, _ZERO)


class ItemHistory:
    """An item's history so far: its submission and every counted event about it. Read-only."""

    __slots__ = ("_call", "_fold", "_item", "_rows", "_unit")

    def __init__(self, fold: Fold, item: str, call: _Call) -> None:
        self._fold = fold
        self._call = call
        self._item = item
        self._rows = fold.item_rows[item]
        self._unit = fold.tally_of_item(item).unit

    @property
    def item(self) -> str:
        """The item's id."""
        return self._item

    @property
    def unit(self) -> Unit:
        """The unit that submitted it."""
        return self._unit

    def _of(self, kind: int) -> tuple[Any, ...]:
        self._call.check()
        return self._fold.events_of([r for r in self._rows if r[KIND] == kind], ())

    @property
    def submission(self) -> Any:
        """The ``Submitted`` event."""
        return self._of(SUBMITTED)[0]

    @property
    def adoptions(self) -> tuple[Any, ...]:
        """Its ``Adopted`` events (each names its channel: the publication that adopted it)."""
        return self._of(ADOPTED)

    @property
    def channels(self) -> tuple[str, ...]:
        """The keys of the channels that adopted it, in order."""
        self._call.check()
        return tuple(r[CHANNEL] for r in self._rows if r[KIND] == ADOPTED)

    @property
    def instructions(self) -> tuple[Any, ...]:
        """Its ``Instructed`` events (each with its leader's level, ``None`` for the default)."""
        return self._of(INSTRUCTED)

    @property
    def higher_adoptions(self) -> tuple[Any, ...]:
        """Its ``HigherAdopted`` events."""
        return self._of(HIGHER_ADOPTED)

    @property
    def errors(self) -> tuple[Any, ...]:
        """Its ``ErrorFound`` events."""
        return self._of(ERROR_FOUND)

    @property
    def false_findings(self) -> tuple[Any, ...]:
        """Its ``FoundFalse`` events."""
        return self._of(FOUND_FALSE)

    @property
    def excellent(self) -> tuple[Any, ...]:
        """Its ``SelectedExcellent`` events."""
        return self._of(SELECTED_EXCELLENT)

    def events(self) -> tuple[Event, ...]:
        """Every counted event about the item so far, in fold order."""
        self._call.check()
        return self._fold.events_of(self._rows, ())


@attrs.frozen
class RuleContext:
    """What a rule kind's call may read besides its arguments (the 4th argument of ``on_event`` and
    of the period hooks).

    Attributes:
        date: the event's date, or the period's last day.
        version: the version in force then (the one that names the rule kind).
        unit: the unit's history (:class:`UnitHistory`).
        item: for an event about an item, the item's history (:class:`ItemHistory`); else None.
        period: for a hook, the period whose end it marks; else None.
    """

    date: dt.date
    version: RuleSet
    unit: UnitHistory
    item: ItemHistory | None
    period: Period | None


def _month(month: int) -> int:
    if month.__class__ is not int or not 1 <= month <= 12:
        raise ValueError(f"month: expected a whole number from 1 to 12, found {month!r}")
    return month


def make_events(
    origin: Callable[[int], Any],
) -> Callable[[list[Row], tuple[type[Event], ...]], tuple[Event, ...]]:
    """How a fold turns rows into events for the views, each made once."""
    made: dict[str, Event] = {}

    def events_of(rows: list[Row], types: tuple[type[Event], ...]) -> tuple[Event, ...]:
        found = []
        for row in rows:
            event = made.get(row[ID])
            if event is None:
                event = made[row[ID]] = event_of(row, origin(row[POS]))
            if not types or isinstance(event, types):
                found.append(event)
        return tuple(found)

    return events_of
