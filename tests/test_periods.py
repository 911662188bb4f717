"""Monthly and cumulative figures from one fold agree with scoring as of each month's end."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengdu_infoscore import Commissioned, Event, Missed, Submitted, score
from chengdu_infoscore.periods import month_end, periods
from chengdu_infoscore.testing import event_logs


@pytest.mark.slow
@given(log=event_logs(), last=st.integers(1, 12))
def test_cumulative_at_each_month_end_equals_score_as_of_that_day(log: list[Event], last: int) -> None:
    """For every month, the cumulative figures equal those of score(as_of=the month's last day)."""
    table = periods(score(log, as_of=month_end(2007, last)))
    for month in range(1, last + 1):
        direct = score(log, as_of=month_end(2007, month))
        for unit, p in zip(direct.units, table.units, strict=True):
            c = p.cumulative[month - 1]
            assert (unit.submitted, unit.adopted, unit.score, unit.missed, unit.late) == (
                c.submitted,
                c.adopted,
                c.points,
                c.missed,
                c.late,
            )
            assert (unit.errors, unit.false_reports, unit.excellent) == (
                c.errors,
                c.false_reports,
                c.excellent,
            )


@pytest.mark.slow
@given(log=event_logs())
def test_months_add_up_to_the_year(log: list[Event]) -> None:
    """The twelve months' points and counts add up to the year's."""
    results = score(log)
    for unit, p in zip(results.units, periods(results).units, strict=True):
        assert unit.score == sum((m.points for m in p.months), Decimal(0))
        assert unit.submitted == sum(m.submitted for m in p.months)
        assert unit.adopted == sum(m.adopted for m in p.months)


def test_month_figures_worked_by_hand() -> None:
    """A unit's months: a commission overdue on 31 May is booked in May, not when it was issued."""
    log = [
        Submitted(id="s1", date="2007-04-10", unit="市统计局", item="A", topic="2.14"),
        Submitted(id="s2", date="2007-04-11", unit="市统计局", item="B"),
        Commissioned(id="c1", date="2007-04-20", unit="市统计局", commission="K", due="2007-05-30"),
        Missed(id="m1", date="2007-05-02", unit="市统计局", category="work_dynamic"),
        Missed(id="m2", date="2007-06-02", unit="市统计局", category="work_dynamic"),
    ]
    p = periods(score(log, as_of=dt.date(2007, 6, 30))).unit("市统计局")
    assert [Decimal(0), Decimal(0), Decimal(0), Decimal("0.2"), Decimal(-12), Decimal(-4)] == [
        m.points for m in p.months
    ]
    april = p.months[3]
    assert (2, (("1", 0), ("2", 1), ("3", 0), ("4", 0), ("5", 0), ("none", 1))) == (
        april.submitted,
        april.sections,
    )
    assert ((("work_dynamic", 2), ("important", 0)), Decimal("-15.8")) == (
        p.cumulative[5].missed,
        p.cumulative[5].points,
    )
