"""Bulletins: the monthly (月度通报) and year-end (年度通报) reports the office publishes.

Computing is kept apart from formatting: the functions here build frozen data from the results
of one scoring run; :mod:`chengdu_infoscore.bulletins.render` turns it into tables, Markdown,
CSV or JSON.

Ranking rule: within its group, units are ranked by cumulative points (highest first); ties are
broken by what counts toward the target (more first), then by items submitted (more first), then
by the unit's place in the target table. Every unit thus has its own rank.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs

from .._arguments import need, need_int
from ..exceptions import ArgumentError
from ..periods import Figures, PeriodResults, UnitPeriods, month_end, periods
from ..provenance import Provenance
from ..quotas import Group, QuotaTable, Unit
from ..results import Results, percent

__all__ = [
    "BulletinRow",
    "CommissionNotice",
    "ExcellentItem",
    "GroupTable",
    "MonthlyBulletin",
    "YearEndBulletin",
    "monthly_bulletin",
    "year_end_bulletin",
]


@attrs.frozen
class BulletinRow:
    """One unit's line in a bulletin: its rank in its group and its figures."""

    rank: int
    unit: Unit
    month: Figures
    cumulative: Figures

    @property
    def counted(self) -> int:
        """What counts toward the target so far: adopted items, or submitted items for an office."""
        return self.cumulative.submitted if self.unit.basis == "submitted" else self.cumulative.adopted

    @property
    def completion(self) -> str | None:
        """``counted ÷ target`` as a percentage with one decimal, e.g. ``"41.7%"``: the exact ratio
        rounded once, half up (see :func:`~chengdu_infoscore.results.percent`); ``None`` for a unit
        without target."""
        target = self.unit.target
        return None if target is None else percent(self.counted, target)

    @property
    def completed(self) -> bool | None:
        """Whether the target is reached; ``None`` for a unit without target."""
        target = self.unit.target
        return None if target is None else self.counted >= target

    @property
    def shortfall(self) -> int | None:
        """Items still short of the target; 0 when completed; ``None`` for a unit without target."""
        target = self.unit.target
        return None if target is None else max(0, target - self.counted)


@attrs.frozen
class GroupTable:
    """The units of one group of the target table, ranked, with the group's totals."""

    group: Group
    rows: tuple[BulletinRow, ...]
    month: Figures
    cumulative: Figures


@attrs.frozen
class CommissionNotice:
    """A commission (约稿) a bulletin names: pending, or overdue without an answer."""

    unit: str
    commission: str
    issued: dt.date
    due: dt.date
    status: str


@attrs.frozen
class ExcellentItem:
    """An item selected as excellent (优秀信息)."""

    date: dt.date
    unit: str
    item: str
    event: str


class _Outputs:
    """What a bulletin gives besides its text: records, a data frame and the JSON contract."""

    __slots__ = ()

    def to_records(self) -> list[dict[str, Any]]:
        """One plain ``dict`` per unit, by group and rank, with its rank and figures (a monthly
        bulletin's: the month's and the year's so far) as exact values; see
        :func:`~chengdu_infoscore.records.bulletin_records` for the keys."""
        from ..records import bulletin_records  # records are built on the bulletins, not the other way

        return bulletin_records(self)  # type: ignore[arg-type]

    def to_frame(self) -> Any:
        """:meth:`to_records` as a ``pandas.DataFrame`` (see :func:`~chengdu_infoscore.records.frame`).

        Raises:
            MissingExtraError: pandas is not installed (``pip install 'chengdu-infoscore[frames]'``),
                an :class:`ImportError`.
        """
        from ..records import BULLETIN_KEYS, frame

        return frame(self.to_records(), BULLETIN_KEYS)

    def to_json(self) -> str:
        """The JSON contract as text: exactly what ``bulletin --format json`` prints."""
        from ..reports import to_json

        return to_json(self)  # type: ignore[arg-type]


@attrs.frozen
class MonthlyBulletin(_Outputs):
    """The monthly bulletin (月度通报): the month's and the year's figures of every unit.

    Attributes:
        year, month: the month reported.
        as_of: its last day.
        rules: the rule set applied.
        groups: the units by group, ranked by cumulative points.
        city_month, city_cumulative: the whole city's totals.
        zero_submission: units that submitted nothing this month (零报送), in table order.
        zero_adoption: units with nothing adopted this month (零采用), in table order.
        pending: commissions not yet due and not answered at the month's end.
        overdue: commissions past their due date without an answer at the month's end.
        excellent: the month's excellent items, by date.
        no_contacts: the units with no leader or no information officer on record at the month's
            end (附件3 三(三)), in table order, each with the roles it lacks (``leader``,
            ``officer``); ``None`` when no contact at all is on record by then (a log that keeps no
            contacts: the section is left out rather than naming every unit). Never a telephone.
    """

    year: int
    month: int
    as_of: dt.date
    rules: str
    groups: tuple[GroupTable, ...]
    city_month: Figures
    city_cumulative: Figures
    zero_submission: tuple[str, ...]
    zero_adoption: tuple[str, ...]
    pending: tuple[CommissionNotice, ...]
    overdue: tuple[CommissionNotice, ...]
    excellent: tuple[ExcellentItem, ...]
    provenance: Provenance | None = None
    no_contacts: tuple[tuple[str, tuple[str, ...]], ...] | None = None


@attrs.frozen
class YearEndBulletin(_Outputs):
    """The year-end bulletin (年度通报): final figures, completion, and candidates for commendation.

    Attributes:
        groups: every unit's final figures and rank in its group.
        completed: units that reached their target, in table order.
        not_completed: units that did not, in table order (named in the bulletin with their shortfall).
        commended: the top ``top`` units of each group by composite score (先进单位 candidates).
        top: how many units per group are proposed for commendation.
    """

    year: int
    as_of: dt.date
    rules: str
    groups: tuple[GroupTable, ...]
    city: Figures
    completed: tuple[BulletinRow, ...]
    not_completed: tuple[BulletinRow, ...]
    commended: tuple[tuple[str, tuple[BulletinRow, ...]], ...]
    top: int
    #: Units the rule set bars from commendation (取消评先资格), with the reasons; never commended.
    disqualified: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: Units whose submissions reached the cap, with the date of the first one it left short.
    capped: tuple[tuple[str, dt.date], ...] = ()
    #: The whole city's points by clause, in the rule set's order.
    by_clause: tuple[tuple[str, Decimal], ...] = ()
    provenance: Provenance | None = None


def _ranked(quotas: QuotaTable, table: PeriodResults, month: int) -> tuple[GroupTable, ...]:
    order = {u.name: i for i, u in enumerate(quotas.units)}
    groups = []
    for group in quotas.groups:
        members: list[UnitPeriods] = [p for p in table.units if p.unit.group == group.key]

        def key(p: UnitPeriods) -> tuple[object, ...]:
            c = p.cumulative[month - 1]
            return (-c.points, -p.counted(month), -c.submitted, order[p.unit.name])

        members.sort(key=key)
        rows = tuple(
            BulletinRow(rank, p.unit, p.months[month - 1], p.cumulative[month - 1])
            for rank, p in enumerate(members, start=1)
        )
        total_month, total_cumulative = Figures(), Figures()
        for row in rows:
            total_month += row.month
            total_cumulative += row.cumulative
        groups.append(GroupTable(group, rows, total_month, total_cumulative))
    return tuple(groups)


def _check(results: Results, quotas: QuotaTable, month: int) -> None:
    need("results", results, Results, "the Results of score() or Scorer.results()")
    need("quotas", quotas, QuotaTable, "a QuotaTable (load_quotas(year) gives one)")
    need_int("month", month, 1, 12, "a month (int, 1 to 12)")
    if month_end(results.year, month) > results.as_of:
        raise ArgumentError(
            f"the results are as of {results.as_of}, before the end of {results.year}-{month:02d}: "
            "score as of the month's last day or later"
        )
    if quotas.year != results.year or len(quotas) != len(results.units):
        raise ArgumentError(f"the target table is for {quotas.year}, the results for {results.year}")


def _excellent(results: Results) -> dict[str, list[tuple[dt.date, str, str | None]]]:
    """Every unit's items selected as excellent: date, event and item, by date and event."""

    def make() -> dict[str, list[tuple[dt.date, str, str | None]]]:
        found = {}
        for result in results.units:
            lines = [(d, e, i) for d, _, _, _, e, i in result.ledger.entries("excellent")]
            found[result.unit.name] = sorted(lines, key=lambda x: (x[0], x[1]))
        return found

    chosen: dict[str, list[tuple[dt.date, str, str | None]]] = results._derived("excellent", make)
    return chosen


def monthly_bulletin(results: Results, quotas: QuotaTable, month: int) -> MonthlyBulletin:
    """The bulletin of ``month`` (1–12) of the results' year.

    ``results`` may be scored as of the month's last day or any later day of the year: the
    month's figures and its cumulative figures depend only on events up to the month's end, and
    commissions are judged as they stood then.

    Raises:
        TypeError: an argument of the wrong type (:class:`~chengdu_infoscore.ArgumentTypeError`,
            naming it), such as a month given as text.
        ValueError: the month is not 1–12 or is not covered by the results, or the table is of
            another year.
    """
    _check(results, quotas, month)
    table = periods(results)
    end = month_end(results.year, month)
    groups = _ranked(quotas, table, month)
    city_month, city_cumulative = table.city(month)
    zero_submission = tuple(p.unit.name for p in table.units if not p.months[month - 1].submitted)
    zero_adoption = tuple(p.unit.name for p in table.units if not p.months[month - 1].adopted)
    pending: list[CommissionNotice] = []
    overdue: list[CommissionNotice] = []
    excellent: list[ExcellentItem] = []
    for result in results.units:
        for c in result.commissions:
            status = c.at(end)
            if status in ("pending", "unanswered"):
                notice = CommissionNotice(result.unit.name, c.commission, c.issued, c.due, status)
                (pending if status == "pending" else overdue).append(notice)
        for day, event, item in _excellent(results).get(result.unit.name, ()):
            if day.month == month:
                excellent.append(ExcellentItem(day, result.unit.name, item or "", event))
    return MonthlyBulletin(
        year=results.year,
        month=month,
        as_of=end,
        rules=results.rules,
        groups=groups,
        city_month=city_month,
        city_cumulative=city_cumulative,
        zero_submission=zero_submission,
        zero_adoption=zero_adoption,
        pending=tuple(sorted(pending, key=lambda n: (n.due, n.unit, n.commission))),
        overdue=tuple(sorted(overdue, key=lambda n: (n.due, n.unit, n.commission))),
        excellent=tuple(sorted(excellent, key=lambda x: (x.date, x.unit, x.item))),
        provenance=results.provenance,
        no_contacts=_no_contacts(results, quotas, end),
    )


def _no_contacts(
    results: Results, quotas: QuotaTable, end: dt.date
) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    """The units lacking a leader or an officer on record at ``end``; ``None`` with no contact on record."""
    on_record = [c for c in results.contacts if c.date <= end]
    if not on_record:
        return None
    from ..contacts import registry  # the registry reads results; bulletins only use it

    made = registry(on_record, quotas, end, phones=False)
    return tuple((u.unit, u.missing) for u in made.missing)


def _by_clause(results: Results) -> tuple[tuple[str, Decimal], ...]:
    totals: dict[str, Decimal] = {}
    for u in results.units:
        for clause, points in u.breakdown:
            totals[clause] = totals.get(clause, Decimal(0)) + points
    return tuple(totals.items())


def year_end_bulletin(results: Results, quotas: QuotaTable, top: int = 3) -> YearEndBulletin:
    """The year-end bulletin; ``top`` units of each group are proposed for commendation.

    Raises:
        TypeError: an argument of the wrong type (:class:`~chengdu_infoscore.ArgumentTypeError`,
            naming it).
        ValueError: the results are not as of 31 December, or ``top`` is negative.
    """
    need("results", results, Results, "the Results of score() or Scorer.results()")
    need_int("top", top, 0, None, "a number of units (int, 0 or more)")
    if results.as_of != dt.date(results.year, 12, 31):
        raise ArgumentError(
            f"a year-end bulletin needs results as of {results.year}-12-31, not {results.as_of}"
        )
    _check(results, quotas, 12)
    table = periods(results)
    groups = _ranked(quotas, table, 12)
    disqualified = {u.unit.name: u.disqualified for u in results.units}
    order = {u.name: i for i, u in enumerate(quotas.units)}
    rows = sorted((row for g in groups for row in g.rows), key=lambda r: order[r.unit.name])
    return YearEndBulletin(
        year=results.year,
        as_of=results.as_of,
        rules=results.rules,
        groups=groups,
        city=table.city(12)[1],
        completed=tuple(r for r in rows if r.completed),
        not_completed=tuple(r for r in rows if r.completed is False),  # a unit without target is in neither
        commended=tuple(
            (g.group.key, tuple(r for r in g.rows if not disqualified.get(r.unit.name))[:top]) for g in groups
        ),
        top=top,
        disqualified=tuple((name, reasons) for name, reasons in disqualified.items() if reasons),
        capped=tuple((u.unit.name, u.capped_on) for u in results.units if u.capped_on is not None),
        by_clause=_by_clause(results),
        provenance=results.provenance,
    )
