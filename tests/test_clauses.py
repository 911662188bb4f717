"""Each clause of the 2007 rules and each worked example of scoring-2007.md §8, worked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chengdu_infoscore import (
    Adopted,
    Commissioned,
    ErrorFound,
    Event,
    FoundFalse,
    HigherAdopted,
    Instructed,
    Missed,
    ReportedLate,
    Results,
    SelectedExcellent,
    Submitted,
    score,
)

D = Decimal


def run(*events: Event, as_of: str | None = None) -> Results:
    return score(list(events), as_of=dt.date.fromisoformat(as_of) if as_of else None)


def subs(unit: str, n: int, prefix: str = "S", start: str = "2007-01-01") -> list[Event]:
    """``n`` submissions by ``unit``, one a day from ``start`` (wrapping within the year)."""
    first = dt.date.fromisoformat(start)
    return [
        Submitted(
            id=f"{prefix}{i:04d}", date=first + dt.timedelta(days=i % 300), unit=unit, item=f"{prefix}-{i}"
        )
        for i in range(n)
    ]


# -- worked examples (scoring-2007.md §8) --------------------------------------------------------


def test_example_1_jinjiang_650_submissions_capped_at_60() -> None:
    """650 submissions of 锦江区 (target 120) earn 65.0 before the cap and 60 after it."""
    result = run(*subs("锦江区", 650)).unit("锦江区")
    assert (650, D("60")) == (result.submitted, result.score)
    assert D("60") == result.points("A3.1.4")


def test_example_2_renfang_capped_at_2_5() -> None:
    """市人防办 (target 5) submitting 60 items earns 2.5, not 6.0."""
    assert D("2.5") == run(*subs("市人防办", 60)).unit("市人防办").score


def test_example_3_one_item_four_channels_and_an_instruction() -> None:
    """One 青羊区 item: 0.1 + 4 (政务信息) + 6 (政务要闻, picture) + 1 (成都动态) + 8 = 19.1, 1 adopted."""
    result = run(
        Submitted(id="e1", date="2007-03-01", unit="青羊区", item="QY-1"),
        Adopted(id="e2", date="2007-03-02", item="QY-1", channel="zwxx"),
        Adopted(id="e3", date="2007-03-02", item="QY-1", channel="zwyw", picture=True),
        Adopted(id="e4", date="2007-03-03", item="QY-1", channel="cddt"),
        Instructed(id="e5", date="2007-03-04", item="QY-1", leader="副市长"),
    ).unit("青羊区")
    assert (D("19.1"), 1) == (result.score, result.adopted)
    assert {"A3.1.1": D(4), "A3.1.3": D(7), "A3.1.4": D("0.1"), "A3.1.6": D(8)} == {
        c: p for c, p in result.breakdown if p
    }


def test_example_4_jinniu_missed_three_late_two() -> None:
    """金牛区: three missed work-dynamic reports −(2+4+4) and two late −(1+2): −13."""
    events = [
        Missed(id=f"m{i}", date=f"2007-0{i + 1}-10", unit="金牛区", category="work_dynamic") for i in range(3)
    ]
    events += [
        ReportedLate(id=f"l{i}", date=f"2007-0{i + 5}-10", unit="金牛区", category="工作动态")
        for i in range(2)
    ]
    result = run(*events).unit("金牛区")
    assert D(-13) == result.score
    assert ([D(-2), D(-4), D(-4), D(-1), D(-2)]) == [line.points for line in result.ledger]
    assert (
        result.missed,
        result.late,
    ) == ((("work_dynamic", 3), ("important", 0)), (("work_dynamic", 2), ("important", 0)))


def test_example_5_shanghai_office_completes_on_submissions() -> None:
    """上海办 (office, target 800 submissions) submits 812, none adopted: completed, 81.2 points."""
    result = run(*subs("上海办", 812)).unit("上海办")
    assert (True, 0, D("81.2"), 812, D("1.0150")) == (
        result.completed,
        result.shortfall,
        result.score,
        result.counted,
        result.completion,
    )


def test_example_6_commission_answered_late() -> None:
    """市统计局, due 2007-05-10, answers on 05-12: −10 booked on 05-11, +0.1 for the submission."""
    events = [
        Commissioned(id="c", date="2007-05-01", unit="市统计局", commission="YG-1", due="2007-05-10"),
        Submitted(id="s", date="2007-05-12", unit="市统计局", item="TJ-1", commission="YG-1"),
    ]
    result = run(*events).unit("市统计局")
    assert D("-9.9") == result.score
    late = [line for line in result.ledger if line.clause == "A3.2.3"]
    assert [(dt.date(2007, 5, 11), D(-10))] == [(line.date, line.points) for line in late]


def test_example_6_commission_pending_on_its_due_date() -> None:
    """As of the due date, an unanswered commission is pending: 0 points, listed as pending."""
    events = [Commissioned(id="c", date="2007-05-01", unit="市统计局", commission="YG-1", due="2007-05-10")]
    result = run(*events, as_of="2007-05-10").unit("市统计局")
    assert (D(0), ["YG-1"]) == (result.score, [p.commission for p in result.pending])


# -- plus items ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "picture", "clause", "points"),
    [
        ("zwxx", False, "A3.1.1", "4"),
        ("政务信息", True, "A3.1.1", "4"),  # no picture figure: a picture changes nothing
        ("zwxx_brief", False, "A3.1.1", "2"),
        ("简明信息", True, "A3.1.1", "2"),
        ("zwxx_special", False, "A3.1.2", "8"),
        ("专刊", True, "A3.1.2", "8"),
        ("zwyw", False, "A3.1.3", "4"),
        ("政务要闻", True, "A3.1.3", "6"),
        ("cddt", False, "A3.1.3", "1"),
        ("成都动态", True, "A3.1.3", "3"),
    ],
)
def test_adoption_points_by_channel(channel: str, picture: bool, clause: str, points: str) -> None:
    """A3.1.1–A3.1.3: one adoption earns its channel's figure; a picture replaces it where one is set."""
    result = run(
        Submitted(id="s", date="2007-02-01", unit="武侯区", item="W-1"),
        Adopted(id="a", date="2007-02-02", item="W-1", channel=channel, picture=picture),
    ).unit("武侯区")
    assert (D(points), D(points) + D("0.1")) == (result.points(clause), result.score)


def test_only_city_publications_and_zwyw_count_toward_target() -> None:
    """Adoptions by 成都动态 and by higher offices score but do not count toward the target."""
    result = run(
        Submitted(id="s1", date="2007-02-01", unit="武侯区", item="W-1"),
        Submitted(id="s2", date="2007-02-01", unit="武侯区", item="W-2"),
        Adopted(id="a1", date="2007-02-02", item="W-1", channel="cddt"),
        HigherAdopted(id="h1", date="2007-02-02", item="W-1", level="province"),
        Adopted(id="a2", date="2007-02-02", item="W-2", channel="zwyw"),
    ).unit("武侯区")
    assert (1, 119, D("11.2")) == (result.adopted, result.shortfall, result.score)


def test_item_in_two_counting_channels_counts_once() -> None:
    """An item adopted by 政务信息 and 政务要闻 scores in both (4 + 4) but counts once toward the target."""
    result = run(
        Submitted(id="s", date="2007-02-01", unit="成华区", item="C-1"),
        Adopted(id="a1", date="2007-02-02", item="C-1", channel="zwxx"),
        Adopted(id="a2", date="2007-02-03", item="C-1", channel="zwyw"),
    ).unit("成华区")
    assert (1, D("8.1")) == (result.adopted, result.score)


def test_submission_points_are_exact_decimals() -> None:
    """A3.1.4: three submissions earn exactly 0.3, not 0.30000000000000004."""
    assert D("0.3") == run(*subs("市民政局", 3)).unit("市民政局").score


def test_submission_cap_reached_exactly_then_zero_lines() -> None:
    """A3.1.4: 市粮食局 (target 5, cap 2.5): the 25th submission reaches the cap; the 26th earns a 0 line."""
    result = run(*subs("市粮食局", 26)).unit("市粮食局")
    assert (D("2.5"), D("0.1"), D(0)) == (result.score, result.ledger[24].points, result.ledger[25].points)
    assert "cap" in result.ledger[25].reason


def test_cap_goes_to_submissions_in_date_order() -> None:
    """A3.1.4: with submissions in any order, the earliest dated ones take the capped points."""
    events = subs("市地震局", 30)
    result = run(*reversed(events)).unit("市地震局")
    paid = [line.event for line in result.ledger if line.points]
    assert [f"S{i:04d}" for i in range(25)] == paid


def test_commission_answered_on_time_earns_4() -> None:
    """A3.1.5: an answer on the due date is on time: +4, plus 0.1 for the submission."""
    result = run(
        Commissioned(id="c", date="2007-06-01", unit="市教育局", commission="K", due="2007-06-05"),
        Submitted(id="s", date="2007-06-05", unit="市教育局", item="E-1", commission="K"),
    ).unit("市教育局")
    assert (D("4.1"), D(4)) == (result.score, result.points("A3.1.5"))


def test_instruction_once_per_item() -> None:
    """A3.1.6: two instructions on one item earn 8 once; the second books a 0 line."""
    result = run(
        Submitted(id="s", date="2007-04-01", unit="市公安局", item="G-1"),
        Adopted(id="a", date="2007-04-02", item="G-1", channel="zwxx_brief"),
        Instructed(id="i1", date="2007-04-03", item="G-1", leader="市长"),
        Instructed(id="i2", date="2007-04-04", item="G-1", leader="副市长"),
    ).unit("市公安局")
    assert (D("10.1"), [D(8), D(0)]) == (
        result.score,
        [line.points for line in result.ledger if line.clause == "A3.1.6"],
    )


def test_instruction_on_the_day_of_adoption_counts_whatever_the_ids() -> None:
    """A3.1.6: an adoption and an instruction of the same day: the adoption comes first, so it counts."""
    results = run(
        Submitted(id="z1", date="2007-04-01", unit="市公安局", item="G-1"),
        Adopted(id="z2", date="2007-04-02", item="G-1", channel="zwxx_special"),
        Instructed(id="a0", date="2007-04-02", item="G-1"),
    )
    assert ((), D("16.1")) == (results.rejections, results.unit("市公安局").score)


def test_instruction_needs_a_zwxx_adoption_first() -> None:
    """A3.1.6: an instruction on an item adopted only by 政务要闻 is rejected."""
    results = run(
        Submitted(id="s", date="2007-04-01", unit="市公安局", item="G-1"),
        Adopted(id="a", date="2007-04-02", item="G-1", channel="zwyw"),
        Instructed(id="i", date="2007-04-03", item="G-1"),
    )
    assert (["i"], D("4.1")) == ([r.event for r in results.rejections], results.unit("市公安局").score)


def test_higher_adoption_once_per_item_and_level() -> None:
    """A3.1.7: State Council 16 and province 6, each once per item; a repeat books 0."""
    result = run(
        Submitted(id="s", date="2007-04-01", unit="双流县", item="SL-1"),
        HigherAdopted(id="h1", date="2007-04-05", item="SL-1", level="国务院办公厅"),
        HigherAdopted(id="h2", date="2007-04-06", item="SL-1", level="state_council"),
        HigherAdopted(id="h3", date="2007-04-07", item="SL-1", level="省政府办公厅"),
    ).unit("双流县")
    assert (D("22.1"), 0) == (result.score, result.adopted)


# -- minus items ---------------------------------------------------------------------------------


def test_first_missed_is_the_earliest_whatever_the_order() -> None:
    """A3.2.1: the cheaper first deduction goes to the earliest event, by (date, id)."""
    result = run(
        Missed(id="b", date="2007-09-01", unit="温江区", category="work_dynamic"),
        Missed(id="a", date="2007-03-01", unit="温江区", category="work_dynamic"),
    ).unit("温江区")
    assert [("a", D(-2)), ("b", D(-4))] == [(line.event, line.points) for line in result.ledger]


def test_missed_and_late_are_counted_separately() -> None:
    """A3.2.1: one missed and one late report are each a first time: −2 and −1."""
    result = run(
        Missed(id="m", date="2007-03-01", unit="新都区", category="work_dynamic"),
        ReportedLate(id="l", date="2007-03-02", unit="新都区", category="work_dynamic"),
    ).unit("新都区")
    assert D(-3) == result.score


def test_errors_cost_2_each_time() -> None:
    """A3.2.1: two errors in one item cost −2 each."""
    result = run(
        Submitted(id="s", date="2007-04-01", unit="郫县", item="P-1"),
        ErrorFound(id="x1", date="2007-04-02", item="P-1", note="数字有误"),
        ErrorFound(id="x2", date="2007-04-03", item="P-1"),
    ).unit("郫县")
    assert (D("-3.9"), 2) == (result.score, result.errors)


def test_important_information_costs_10_each() -> None:
    """A3.2.2: missed and late important information: −10 each, from the first."""
    result = run(
        Missed(id="m1", date="2007-07-01", unit="都江堰市", category="important", subject="山洪灾情"),
        Missed(id="m2", date="2007-07-02", unit="都江堰市", category="重要信息"),
        ReportedLate(id="l1", date="2007-07-03", unit="都江堰市", category="important"),
    ).unit("都江堰市")
    assert (D(-30), D(-30)) == (result.score, result.points("A3.2.2"))


def test_commission_never_answered_costs_10_the_day_after_due() -> None:
    """A3.2.3: a commission still unanswered after its due date: −10 booked on the next day."""
    result = run(
        Commissioned(id="c", date="2007-08-01", unit="市水务局", commission="K", due="2007-08-31"),
        as_of="2007-09-01",
    ).unit("市水务局")
    assert [(dt.date(2007, 9, 1), "A3.2.3", D(-10))] == [(x.date, x.clause, x.points) for x in result.ledger]


def test_false_report_keeps_points_and_costs_30_once() -> None:
    """A3.2.4: a false item keeps its 4.1 points and costs −30 once, however often it is found false."""
    result = run(
        Submitted(id="s", date="2007-04-01", unit="市农委", item="N-1"),
        Adopted(id="a", date="2007-04-02", item="N-1", channel="zwxx"),
        FoundFalse(id="f1", date="2007-05-01", item="N-1"),
        FoundFalse(id="f2", date="2007-05-02", item="N-1"),
    ).unit("市农委")
    assert (D("-25.9"), 1) == (result.score, result.false_reports)


def test_excellent_items_are_counted_without_points() -> None:
    """A3.3.1: an excellent item is counted and scores nothing in 2007."""
    result = run(
        Submitted(id="s", date="2007-04-01", unit="市审计局", item="A-1"),
        SelectedExcellent(id="x", date="2007-04-20", item="A-1"),
    ).unit("市审计局")
    assert (1, D("0.1")) == (result.excellent, result.score)


# -- names and time ------------------------------------------------------------------------------


def test_aliases_and_chengdu_prefix_name_the_unit() -> None:
    """能源办 is 市经委; 成都市公安局 is 市公安局; a printed label names its unit."""
    results = run(
        Submitted(id="s1", date="2007-04-01", unit="能源办", item="1"),
        Submitted(id="s2", date="2007-04-01", unit="成都市公安局", item="2"),
        Submitted(id="s3", date="2007-04-01", unit="市卫生局(含中医药局)", item="3"),
    )
    assert [results.unit(n).submitted for n in ("市经委", "市公安局", "市卫生局")] == [1, 1, 1]


def test_as_of_leaves_later_events_uncounted() -> None:
    """Events after the as-of date are neither counted nor rejected."""
    results = run(*subs("锦江区", 10, start="2007-03-01"), as_of="2007-03-05")
    assert (results.unit("锦江区").submitted, results.after_as_of, len(results.rejections)) == (5, 5, 0)


def test_every_unit_has_a_result_in_table_order() -> None:
    """Scoring no events gives all 118 units, in the target table's order, each with 0."""
    results = run()
    assert (len(results.units), results.units[0].name, results.units[-1].name) == (118, "锦江区", "深圳办")
    assert {D(0)} == {u.score for u in results.units}
