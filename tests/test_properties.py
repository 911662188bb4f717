"""Properties that hold for every valid event log (hypothesis), built on chengdu_infoscore.testing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengdu_infoscore import Event, Missed, Submitted, load_quotas, load_rules, score
from chengdu_infoscore.reports import results_csv, results_json, to_json_text
from chengdu_infoscore.testing import dates, event_logs, minus_events, plus_events

QUOTAS = load_quotas(2007)
RULES = load_rules(2007)
SMALL = ["市人防办", "市粮食局", "锦江区", "北京办", "市经委"]


@given(log=event_logs(), data=st.data())
def test_any_order_gives_the_same_bytes(log: list[Event], data: st.DataObject) -> None:
    """Shuffled events give the same results, byte for byte, in JSON and CSV."""
    shuffled = data.draw(st.permutations(log))
    first, second = score(log), score(shuffled)
    assert to_json_text(results_json(first)) == to_json_text(results_json(second))
    assert results_csv(first) == results_csv(second)


@pytest.mark.slow
@given(log=event_logs())
def test_valid_logs_are_accepted_whole(log: list[Event]) -> None:
    """A log built by the strategy is valid: nothing is rejected and every event is counted."""
    results = score(log)
    assert ((), len(log)) == (results.rejections, results.counted)


@pytest.mark.slow
@given(log=event_logs())
def test_total_is_the_sum_of_ledger_and_of_breakdown(log: list[Event]) -> None:
    """Every unit's score equals the sum of its ledger lines and the sum of its breakdown."""
    for unit in score(log).units:
        assert unit.score == sum((line.points for line in unit.ledger), Decimal(0))
        assert unit.score == sum((points for _, points in unit.breakdown), Decimal(0))


@pytest.mark.slow
@given(log=event_logs(units=SMALL, max_items=60, max_units=2))
def test_submission_points_never_exceed_half_the_target(log: list[Event]) -> None:
    """A3.1.4: no unit earns more than 0.5 × its target from submissions."""
    for unit in score(log).units:
        assert unit.points("A3.1.4") <= Decimal("0.5") * unit.unit.target


@pytest.mark.slow
@given(log=event_logs(), data=st.data())
def test_a_plus_event_never_lowers_a_score(log: list[Event], data: st.DataObject) -> None:
    """Appending an event that earns points leaves every score equal or higher (both as of the year's
    end: by default each would be as of its own latest event, and a later one judges more
    commissions unanswered)."""
    extra = data.draw(plus_events(log))
    year_end = dt.date(2007, 12, 31)
    before, after = score(log, as_of=year_end), score([*log, extra], as_of=year_end)
    assert after.rejections == ()
    for b, a in zip(before.units, after.units, strict=True):
        assert a.score >= b.score


@pytest.mark.slow
@given(log=event_logs(), data=st.data())
def test_a_minus_event_never_raises_a_score(log: list[Event], data: st.DataObject) -> None:
    """Appending a missed, late, error or false report leaves every score equal or lower (both as of
    the year's end, as above)."""
    extra = data.draw(minus_events(log))
    year_end = dt.date(2007, 12, 31)
    before, after = score(log, as_of=year_end), score([*log, extra], as_of=year_end)
    assert after.rejections == ()
    for b, a in zip(before.units, after.units, strict=True):
        assert a.score <= b.score


@pytest.mark.slow
@given(log=event_logs(), day=dates(), later=dates())
def test_an_earlier_as_of_never_shows_more(log: list[Event], day: dt.date, later: dt.date) -> None:
    """Scoring as of an earlier date never shows more submissions or adoptions."""
    early, late = sorted([day, later])
    a, b = score(log, as_of=early), score(log, as_of=late)
    for x, y in zip(a.units, b.units, strict=True):
        assert x.submitted <= y.submitted and x.adopted <= y.adopted


@given(
    log=event_logs(),
    junk=st.lists(st.sampled_from(["unknown-unit", "no-item", "repeat", "clash"]), max_size=6),
)
def test_every_event_is_counted_rejected_repeated_or_deferred(log: list[Event], junk: list[str]) -> None:
    """Nothing is lost: read = counted + rejected + repeats + after as-of, whatever the input."""
    extra: list[Event] = []
    for n, kind in enumerate(junk):
        if kind == "unknown-unit":
            extra.append(Missed(id=f"j{n}", date="2007-05-01", unit="市不存在局", category="work_dynamic"))
        elif kind == "no-item":
            extra.append(Missed(id=f"j{n}", date="2007-05-01", unit="锦江区", category="no-such-category"))
        elif kind == "repeat" and log:
            extra.append(log[n % len(log)])
        elif kind == "clash" and log:
            extra.append(
                Submitted(id=log[n % len(log)].id, date="2007-05-01", unit="锦江区", item=f"clash{n}")
            )
    results = score([*log, *extra], as_of=dt.date(2007, 9, 30))
    total = results.counted + len(results.rejections) + results.repeats + results.after_as_of
    assert len(log) + len(extra) == results.read == total


@pytest.mark.slow
@given(log=event_logs())
def test_repeating_the_log_changes_nothing(log: list[Event]) -> None:
    """Every event given twice (identical content) counts once: the results are the same."""
    once, twice = score(log), score([*log, *log])
    assert (results_json(once)["units"], len(log)) == (results_json(twice)["units"], twice.repeats)
