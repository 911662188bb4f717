"""Results from a fold: a unit's sums by clause, its floor, its ledger made when read."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from collections.abc import Iterator
from decimal import Decimal
from operator import itemgetter
from typing import Any

from ._codecs import DATE, ID, ITEM, KIND, PHASE
from ._compiled import SHIFTED, ZERO
from ._fold import NO_CLOSING, Closing, Folded, Tally
from .messages import Message
from .quotas import Unit
from .results import Entry, Ledger, LedgerLine, UnitResult, format_points
from .rules import RuleSet, Timeline

#: The phase of each kind number, and of a period hook's line (see _fold.PERIOD): after the day's events.
PHASES = (*PHASE, max(PHASE) + 1)


class UnitBook:
    """A unit's bookings, turned into ledger lines when they are read."""

    def __init__(self, book: list[Any], size: int, closing: list[Any], tail: tuple[LedgerLine, ...]) -> None:
        # The fold may go on booking into ``book`` after these results were made: only the first
        # ``size`` slots are theirs. The bookings of commissions judged on the as-of date follow.
        self._book = book
        self._size = size
        self._closing = closing
        self._tail = tail
        self._unlined: tuple[Entry, ...] | None = None

    def _bookings(self) -> Iterator[Any]:
        return itertools.chain(itertools.islice(self._book, self._size), self._closing)

    def lines(self) -> tuple[LedgerLine, ...]:
        lines = []
        unlined = []
        it = self._bookings()
        for row, entry, points, detail in zip(it, it, it, it, strict=True):
            if entry.clause is None:  # a count moved, no line (see _compiled.BookingKind)
                unlined.append((row[DATE], points, entry.tally, entry.key(row), row[ID], row[ITEM]))
                continue
            day = entry.day(row, detail)
            line = LedgerLine(
                day,
                row[ID],
                entry.clause,
                points,
                entry.reason(row, points, detail),
                row[ITEM],
                entry.tally,
                entry.key(row),
                entry.version,
            )
            lines.append(((day, PHASES[row[KIND]], row[ID]), line))
        lines.sort(key=itemgetter(0))  # stable: an event's lines keep the order they were booked in
        self._unlined = tuple(unlined)
        return tuple(line for _, line in lines) + self._tail

    def unlined(self) -> tuple[Entry, ...]:
        """The entries of the bookings that are no ledger line (counts moved under no clause), as
        :meth:`lines` found them."""
        if self._unlined is None:
            self.lines()
        assert self._unlined is not None
        return self._unlined

    def entries(
        self, tally: str | None = None
    ) -> Iterator[tuple[dt.date, Decimal, str | None, str | None, str, str | None]]:
        it = self._bookings()
        if tally is not None:
            for row, entry, points, _ in zip(it, it, it, it, strict=True):
                if entry.tally == tally:
                    yield row[DATE], points, tally, entry.key(row), row[ID], row[ITEM]
            for line in self._tail:
                if line.tally == tally:
                    yield line.date, line.points, line.tally, line.key, line.event, line.item
            return
        for row, entry, points, detail in zip(it, it, it, it, strict=True):
            tally = entry.tally
            if tally is None:  # most lines of most ledgers: no count moved, no key, the event's date
                day = entry.day(row, detail) if entry.code in SHIFTED else row[DATE]
                yield day, points, None, None, row[ID], row[ITEM]
            else:
                yield row[DATE], points, tally, entry.key(row), row[ID], row[ITEM]
        for line in self._tail:
            yield line.date, line.points, line.tally, line.key, line.event, line.item


class Shape:
    """What the results of one timeline share: clause ids, categories, the closing version."""

    def __init__(self, timeline: Timeline, as_of: dt.date) -> None:
        self.timeline = timeline
        self.closing = timeline.at(as_of) or timeline.versions[-1]
        self.clause_ids = list(dict.fromkeys(c.id for v in timeline.versions for c in v.clauses))
        self.categories = list(dict.fromkeys(c.key for v in timeline.versions for c in v.categories))
        self.as_of = as_of
        self.zero = dict.fromkeys(self.clause_ids, ZERO)
        self.no_counts = tuple((c, 0) for c in self.categories)
        self.zeros = [0] * len(self.categories)

    def at(self, as_of: dt.date) -> Shape:
        """The same shape for results as of another date."""
        other = copy.copy(self)
        other.as_of = as_of
        other.closing = self.timeline.at(as_of) or self.timeline.versions[-1]
        return other

    def unit(self, unit: Unit, folded: Folded) -> UnitResult:
        """A unit's result from a fold of all its events."""
        tally = folded.fold.tallies[unit.name]
        return self.result(tally, folded.closings.get(unit.name, NO_CLOSING), BookSums(self, tally.book))

    def result(self, tally: Tally, closing: Closing, sums: BookSums) -> UnitResult:
        """A unit's result: its tally, its commissions judged on the as-of date, and its book's sums
        by clause (brought up to the book's end)."""
        unit = tally.unit
        rules = self.closing
        sums.catch_up()
        by_clause, total = sums.by_clause, sums.total
        book = closing.book
        if book or rules.floor is not None:  # lines of the as-of date only: the sums stay the book's
            by_clause = by_clause.copy()
            for entry, points in zip(book[1::4], book[2::4], strict=True):
                by_clause[entry.clause] = by_clause.get(entry.clause, ZERO) + points
                total += points
        tail: tuple[LedgerLine, ...] = ()
        if rules.floor is not None and total < rules.floor.points:
            # The floor is a ledger line too, so that the total stays the sum of the ledger.
            lift = rules.floor.points - total
            reason = Message.of(
                "reason.floor", score=format_points(total), floor=format_points(rules.floor.points)
            )
            tail = (LedgerLine(self.as_of, "-", rules.floor.clause, lift, reason, rules=rules.id),)
            by_clause[rules.floor.clause] = by_clause.get(rules.floor.clause, ZERO) + lift
            total = rules.floor.points
        return UnitResult(
            unit=unit,
            submitted=tally.submitted,
            adopted=tally.adopted,
            score=total,
            breakdown=tuple(by_clause.items()),
            ledger=Ledger.of(UnitBook(tally.book, len(tally.book), closing.book, tail)),
            missed=self.counts(tally.missed),
            late=self.counts(tally.late),
            errors=tally.errors,
            false_reports=tally.false_reports,
            excellent=tally.excellent,
            commissions=tuple(closing.statuses),
            disqualified=disqualified(tally, closing.unanswered, rules),
            capped_on=tally.capped_on,
        )

    def counts(self, found: dict[str, int]) -> tuple[tuple[str, int], ...]:
        """Counts by category, every category of the timeline in order."""
        if not found:
            return self.no_counts
        return tuple(zip(self.categories, map(found.get, self.categories, self.zeros), strict=True))


class BookSums:
    """A book's points by clause — every clause of the timeline first, in its order, then any other
    — and their total, brought up to the book's end by adding only what was booked since."""

    __slots__ = ("book", "by_clause", "size", "total")

    def __init__(self, shape: Shape, book: list[Any]) -> None:
        self.book = book
        self.by_clause: dict[str, Decimal] = shape.zero.copy()
        self.total = ZERO
        #: How many slots of the book are in the sums.
        self.size = 0

    def follows(self, book: list[Any]) -> bool:
        """Whether these are the sums of ``book`` so far (a rewind cuts a book back into a new list)."""
        return self.book is book and self.size <= len(book)

    def catch_up(self) -> None:
        book, by_clause, total = self.book, self.by_clause, self.total
        for entry, points in zip(book[self.size + 1 :: 4], book[self.size + 2 :: 4], strict=True):
            if entry.clause is not None:  # a booking under no clause only moves a count
                by_clause[entry.clause] = by_clause.get(entry.clause, ZERO) + points
                total += points
        self.total, self.size = total, len(book)


def disqualified(tally: Tally, unanswered: int, rules: RuleSet) -> tuple[str, ...]:
    reasons = []
    for rule in rules.disqualifications:
        if rule.kind in ("missed", "late"):
            counts = tally.missed if rule.kind == "missed" else tally.late
            n = counts.get(rule.category, 0) if rule.category else sum(counts.values())
        else:
            n = {"error": tally.errors, "false_report": tally.false_reports, "unanswered": unanswered}[
                rule.kind
            ]
        if n >= rule.count:
            reasons.append(rule.reason)
    return tuple(reasons)
