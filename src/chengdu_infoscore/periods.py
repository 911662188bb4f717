"""Monthly and cumulative figures, from one scoring run.

The notice has the office report every month (附件3 三(一)). :func:`periods` takes the results
of one fold and buckets each unit's ledger by the calendar month of its lines, so that every
month's figures and the cumulative figures at every month's end come from a single pass — not
from twelve folds. The cumulative figures at a month's end equal those of :func:`~.score` as of
that month's last day, and the months' points add up to the year's.

>>> from chengdu_infoscore import Submitted, Adopted, score
>>> results = score([
...     Submitted(id="e1", date="2007-01-20", unit="锦江区", item="A"),
...     Submitted(id="e2", date="2007-02-03", unit="锦江区", item="B"),
...     Adopted(id="e3", date="2007-02-05", item="A", channel="zwxx"),
... ], as_of=__import__("datetime").date(2007, 2, 28))
>>> jj = periods(results).unit("锦江区")
>>> [(m.submitted, m.adopted, m.points) for m in jj.months]
[(1, 0, Decimal('0.1')), (1, 1, Decimal('4.1'))]
>>> jj.cumulative[-1].points, jj.cumulative[-1].adoption_rate
(Decimal('4.2'), Decimal('0.5000'))
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import attrs

from ._arguments import describe, need, need_int
from .exceptions import ArgumentTypeError
from .quotas import Unit
from .results import Results, UnitResult, ratio

__all__ = ["Figures", "PeriodResults", "UnitPeriods", "month_end", "periods"]

_ZERO = Decimal(0)


def month_end(year: int, month: int) -> dt.date:
    """The last day of a month.

    Raises:
        TypeError: ``year`` or ``month`` is not an int.
        ValueError: ``year`` is not 1–9999 or ``month`` not 1–12.
    """
    need_int("year", year, 1, 9999, "a year (int), such as 2007")
    need_int("month", month, 1, 12, "a month (int, 1 to 12)")
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@attrs.frozen
class Figures:
    """A unit's (or the city's) figures over a span: one month, or the year up to a month's end.

    Attributes:
        submitted: items submitted (上报).
        adopted: items adopted toward the target (采用).
        points: points booked in the span.
        missed: ``(category, count)`` of missed reports (漏报).
        late: ``(category, count)`` of late reports (迟报).
        errors: errors found (差错).
        false_reports: items found false.
        excellent: items selected as excellent (优秀信息).
        sections: ``(section, count)`` of submitted items by key-point section (附件2 一 … 五), and
            ``none`` for items that name no topic.
    """

    submitted: int = 0
    adopted: int = 0
    points: Decimal = _ZERO
    missed: tuple[tuple[str, int], ...] = ()
    late: tuple[tuple[str, int], ...] = ()
    errors: int = 0
    false_reports: int = 0
    excellent: int = 0
    sections: tuple[tuple[str, int], ...] = ()

    @property
    def adoption_rate(self) -> Decimal | None:
        """``adopted ÷ submitted``, the exact ratio rounded once, half up, to four places (see
        :func:`~.results.ratio`); ``None`` when nothing was submitted."""
        if not self.submitted:
            return None
        return ratio(self.adopted, self.submitted)

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.submitted + other.submitted,
            self.adopted + other.adopted,
            self.points + other.points,
            _add_pairs(self.missed, other.missed),
            _add_pairs(self.late, other.late),
            self.errors + other.errors,
            self.false_reports + other.false_reports,
            self.excellent + other.excellent,
            _add_pairs(self.sections, other.sections),
        )


def _add_pairs(a: tuple[tuple[str, int], ...], b: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
    if not a:
        return b
    if not b:
        return a
    total = dict(a)
    for k, n in b:
        total[k] = total.get(k, 0) + n
    return tuple(total.items())


@attrs.frozen
class UnitPeriods:
    """One unit's figures month by month (``months[0]`` is January) and cumulatively at each month's end."""

    unit: Unit
    months: tuple[Figures, ...]
    cumulative: tuple[Figures, ...]

    def counted(self, month: int) -> int:
        """What counts toward the target at the end of ``month`` (1–12)."""
        figures = self.cumulative[month - 1]
        return figures.submitted if self.unit.basis == "submitted" else figures.adopted


@attrs.frozen
class PeriodResults:
    """Every unit's monthly and cumulative figures, January to the month of ``as_of``."""

    year: int
    as_of: dt.date
    rules: str
    units: tuple[UnitPeriods, ...]

    def unit(self, name: str) -> UnitPeriods:
        """The periods of the unit with this canonical name.

        Raises:
            KeyError: no unit of that name.
        """
        for u in self.units:
            if u.unit.name == name:
                return u
        raise KeyError(name)

    def city(self, month: int) -> tuple[Figures, Figures]:
        """The whole city's figures for ``month`` and cumulatively at its end."""
        total_month, total_cumulative = Figures(), Figures()
        for u in self.units:
            total_month += u.months[month - 1]
            total_cumulative += u.cumulative[month - 1]
        return total_month, total_cumulative


def periods(results: Results, categories: Iterable[str] | None = None) -> PeriodResults:
    """Bucket every unit's ledger by month, January to the month of ``results.as_of``.

    Args:
        results: one scoring run; its as-of date bounds the last month.
        categories: the missed/late categories to report (default: those of the results).

    Raises:
        TypeError: ``results`` is not :class:`~.results.Results`, or ``categories`` is not an
            iterable of category keys (a single text is not).
    """
    need("results", results, Results, "the Results of score() or Scorer.results()")
    if categories is not None:
        if isinstance(categories, str):
            raise ArgumentTypeError(
                f"categories must be an iterable of category keys, not {describe(categories)}"
            )
        need("categories", categories, Iterable, "an iterable of category keys or None")
        categories = tuple(categories)
        for i, c in enumerate(categories):
            need(f"categories[{i}]", c, str, "a category key (str)")
    last = results.as_of.month
    cats = tuple(categories) if categories is not None else _categories(results)

    def make() -> PeriodResults:
        return PeriodResults(
            year=results.year,
            as_of=results.as_of,
            rules=results.rules,
            units=tuple(_unit_periods(u, last, cats) for u in results.units),
        )

    # Twelve monthly bulletins of one run share one pass over its ledgers.
    found: PeriodResults = results._derived(("periods", cats), make)
    return found


def _categories(results: Results) -> tuple[str, ...]:
    return tuple(c for c, _ in results.units[0].missed) if results.units else ()


_SECTIONS = ("1", "2", "3", "4", "5", "none")


def _unit_periods(result: UnitResult, last: int, cats: tuple[str, ...]) -> UnitPeriods:
    # One counter row a month: submitted, adopted, points, errors, false, excellent, and dicts.
    submitted = [0] * last
    adopted = [0] * last
    points = [_ZERO] * last
    errors = [0] * last
    false = [0] * last
    excellent = [0] * last
    missed = [dict.fromkeys(cats, 0) for _ in range(last)]
    late = [dict.fromkeys(cats, 0) for _ in range(last)]
    sections: list[dict[str, int]] = [dict.fromkeys(_SECTIONS, 0) for _ in range(last)]
    for day, line_points, tally, key, _event, _item in result.ledger.entries():
        m = day.month - 1
        points[m] += line_points
        if tally is None:
            continue
        if tally == "submitted":
            submitted[m] += 1
            section = key or "none"
            sections[m][section] = sections[m].get(section, 0) + 1
        elif tally == "adopted":
            adopted[m] += 1
        elif tally == "missed":
            missed[m][key or ""] = missed[m].get(key or "", 0) + 1
        elif tally == "late":
            late[m][key or ""] = late[m].get(key or "", 0) + 1
        elif tally == "error":
            errors[m] += 1
        elif tally == "false_report":
            false[m] += 1
        elif tally == "excellent":
            excellent[m] += 1
    months = tuple(
        Figures(
            submitted[m],
            adopted[m],
            points[m],
            tuple(missed[m].items()),
            tuple(late[m].items()),
            errors[m],
            false[m],
            excellent[m],
            tuple(sections[m].items()),
        )
        for m in range(last)
    )
    cumulative = []
    running = Figures(
        missed=tuple((c, 0) for c in cats),
        late=tuple((c, 0) for c in cats),
        sections=tuple((s, 0) for s in _SECTIONS),
    )
    for figures in months:
        running += figures
        cumulative.append(running)
    return UnitPeriods(result.unit, months, tuple(cumulative))
