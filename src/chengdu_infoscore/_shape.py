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
from .quotas import Unit
from .results import Ledger, LedgerLine, UnitResult, format_points
from .rules import RuleSet, Timeline


class UnitBook:
    """A unit's bookings, turned into ledger lines when they are read."""

    def __init__(self, book: list[Any], size: int, closing: list[Any], tail: tuple[LedgerLine, ...]) -> None:
        # The fold may go on booking into ``book`` after these results were made: only the first
        # ``size`` slots are theirs. The bookings of commissions judged on the as-of date follow.
        self._book = book
        self._size = size
        self._closing = closing
        self._tail = tail

    def _bookings(self) -> Iterator[Any]:
        return itertools.chain(itertools.islice(self._book, self._size), self._closing)

    def lines(self) -> tuple[LedgerLine, ...]:
        lines = []
        it = self._bookings()
        for row, entry, points, detail in zip(it, it, it, it, strict=True):
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
            lines.append(((day, PHASE[row[KIND]], row[ID]), line))
        lines.sort(key=itemgetter(0))  # stable: an event's lines keep the order they were booked in
        return tuple(line for _, line in lines) + self._tail

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
        return self.result(tally, folded.closings.get(unit.name, NO_CLOSING), self.sums(tally.book))

    def sums(self, book: list[Any], start: int = 0, by_clause: Sums | None = None) -> Sums:
        """The points of a book by clause, from slot ``start`` on, added to ``by_clause``."""
        by_clause = {} if by_clause is None else by_clause
        for entry, points in zip(book[start + 1 :: 4], book[start + 2 :: 4], strict=True):
            clause = entry.clause
            by_clause[clause] = by_clause.get(clause, ZERO) + points
        return by_clause

    def result(self, tally: Tally, closing: Closing, by_clause: Sums) -> UnitResult:
        """A unit's result: its tally, its commissions judged on the as-of date, and its book's sums
        by clause (see :meth:`sums`)."""
        unit = tally.unit
        rules = self.closing
        sums: dict[str, Decimal] = self.zero.copy()
        sums.update(by_clause)  # every clause of the timeline in its order, then any other
        total = sum(by_clause.values(), ZERO)
        book = closing.book
        for entry, points in zip(book[1::4], book[2::4], strict=True):
            sums[entry.clause] = sums.get(entry.clause, ZERO) + points
            total += points
        tail: tuple[LedgerLine, ...] = ()
        if rules.floor is not None and total < rules.floor.points:
            # The floor is a ledger line too, so that the total stays the sum of the ledger.
            lift = rules.floor.points - total
            reason = (
                f"score {format_points(total)} raised to the floor of {format_points(rules.floor.points)}"
            )
            tail = (LedgerLine(self.as_of, "-", rules.floor.clause, lift, reason, rules=rules.id),)
            sums[rules.floor.clause] = sums.get(rules.floor.clause, ZERO) + lift
            total = rules.floor.points
        return UnitResult(
            unit=unit,
            submitted=tally.submitted,
            adopted=tally.adopted,
            score=total,
            breakdown=tuple(sums.items()),
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


#: A book's points by clause.
Sums = dict[str, Decimal]


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
