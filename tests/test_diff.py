"""Results.diff: what changed between two views of a year, worked by hand and as properties."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengdu_infoscore import (
    Adopted,
    ArgumentError,
    ArgumentTypeError,
    Commissioned,
    CountChange,
    DiffSide,
    ErrorFound,
    Event,
    LineChange,
    Missed,
    Origin,
    RankChange,
    Rejection,
    Results,
    ResultsDiff,
    SelectedExcellent,
    Submitted,
    UnitDiff,
    Withdrawn,
    diff_results,
    load_quotas,
    monthly_bulletin,
    score,
)
from chengdu_infoscore.diff import DIFF_KEYS, LINE_KEYS, UNIT_DIFF_KEYS, diff_json, diff_table
from chengdu_infoscore.reports import to_json_text
from chengdu_infoscore.testing import dates, event_logs, minus_events, plus_events

D = Decimal

# 青羊区 4.1 (rank 1 of the districts), 锦江区 3.1 (rank 2), every other district 0.
LOG: list[Event] = [
    Submitted(id="q1", date="2007-03-05", unit="青羊区", item="QY-1"),
    Adopted(id="q2", date="2007-03-07", item="QY-1", channel="zwxx"),
    Submitted(id="j1", date="2007-03-06", unit="锦江区", item="JJ-1"),
    Adopted(id="j2", date="2007-03-08", item="JJ-1", channel="zwxx_brief"),
    Adopted(id="j3", date="2007-03-09", item="JJ-1", channel="cddt"),
]


def _bare(results: Results) -> Results:
    """The results without provenance, whose line names the library's version."""
    return attrs.evolve(results, provenance=None)


def _line(d: ResultsDiff, unit: str) -> UnitDiff:
    return next(u for u in d.units if u.name == unit)


# -- worked by hand -------------------------------------------------------------------------------


def test_a_channel_corrected_within_its_clause_changes_the_line_score_and_ranks() -> None:
    """zwxx (4) corrected to zwxx_brief (2): 青羊区 4.1 → 2.1, line changed, 1st → 2nd; 锦江区 2nd → 1st."""
    before = score(LOG)
    after = score(
        [*LOG[:1], Adopted(id="q2", date="2007-03-07", item="QY-1", channel="zwxx_brief"), *LOG[2:]]
    )
    d = before.diff(after)
    qy = after.unit("青羊区").unit
    assert (
        UnitDiff(
            unit=qy,
            score_before=D("4.1"),
            score_after=D("2.1"),
            rank_before=1,
            rank_after=2,
            submitted_before=1,
            submitted_after=1,
            adopted_before=1,
            adopted_after=1,
            counted_before=1,
            counted_after=1,
            completion_before=D("0.0083"),
            completion_after=D("0.0083"),
            counts=(),
            ledger=(
                LineChange(
                    "changed",
                    "q2",
                    "A3.1.1",
                    0,
                    before.unit("青羊区").ledger[1],
                    after.unit("青羊区").ledger[1],
                ),
            ),
        ),
    ) == d.units
    assert (D(-2), D(-2)) == (d.units[0].change, d.units[0].ledger[0].points_change)
    assert ("item QY-1 adopted by 政务信息", "item QY-1 adopted by 简明信息") == (
        d.units[0].ledger[0].before.reason,  # type: ignore[union-attr]
        d.units[0].ledger[0].after.reason,  # type: ignore[union-attr]
    )
    assert (117, (RankChange(after.unit("锦江区").unit, 2, 1),)) == (d.unchanged, d.reranked)
    assert ((), ()) == (d.rejections_appeared, d.rejections_disappeared)


def test_a_channel_that_stops_counting_toward_the_target_moves_adopted_counted_and_completion() -> None:
    """zwyw (4, counts) corrected to cddt (1, does not): adopted and counted 1 → 0, completion 0.0167 → 0."""
    log = [
        Submitted(id="s", date="2007-05-02", unit="市统计局", item="T"),
        Adopted(id="a", date="2007-05-03", item="T", channel="zwyw"),
    ]
    d = score(log).diff(score([log[0], Adopted(id="a", date="2007-05-03", item="T", channel="cddt")]))
    [u] = d.units
    assert ("市统计局", D("4.1"), D("1.1"), D(-3)) == (u.name, u.score_before, u.score_after, u.change)
    assert ((1, 0), (1, 0), (1, 1)) == (
        (u.adopted_before, u.adopted_after),
        (u.counted_before, u.counted_after),
        (u.submitted_before, u.submitted_after),
    )
    assert (D("0.0167"), D("0.0000")) == (u.completion_before, u.completion_after)
    assert [("changed", "a", "A3.1.3", D(4), D(1))] == [
        (c.change, c.event, c.clause, c.before.points, c.after.points)  # type: ignore[union-attr]
        for c in u.ledger
    ]


def test_an_event_removed_removes_its_lines_and_renumbers_the_next_miss() -> None:
    """Without January's miss (−2) March's is the first (−4 → −2): +4, one line removed, one changed."""
    log = [
        Missed(id="m1", date="2007-01-10", unit="锦江区", category="work_dynamic"),
        Submitted(id="s1", date="2007-02-01", unit="锦江区", item="J"),
        ErrorFound(id="x1", date="2007-02-03", item="J"),
        Missed(id="m2", date="2007-03-10", unit="锦江区", category="work_dynamic"),
    ]
    d = score(log).diff(score(log[1:]))
    [u] = d.units
    assert (D("-7.9"), D("-3.9"), D(4)) == (u.score_before, u.score_after, u.change)
    assert [
        ("removed", "m1", "A3.2.1", dt.date(2007, 1, 10), D(-2), "工作动态 missed #1 this year", None),
        ("changed", "m2", "A3.2.1", dt.date(2007, 3, 10), D(-4), "工作动态 missed #2 this year", "#1"),
    ] == [
        (
            c.change,
            c.event,
            c.clause,
            c.before.date,  # type: ignore[union-attr]
            c.before.points,  # type: ignore[union-attr]
            c.before.reason,  # type: ignore[union-attr]
            None if c.after is None else c.after.reason.split()[-3],
        )
        for c in u.ledger
    ]
    assert [D(2), D(2)] == [c.points_change for c in u.ledger]
    assert (CountChange("missed", "work_dynamic", 2, 1),) == u.counts


def test_an_event_added_adds_its_lines() -> None:
    """A new adoption of 锦江区's item in 政务信息: one line added, +4, and 锦江区 overtakes 青羊区."""
    d = score(LOG).diff(score([*LOG, Adopted(id="j4", date="2007-03-20", item="JJ-1", channel="zwxx")]))
    [u] = d.units
    assert ("锦江区", D("3.1"), D("7.1"), 2, 1) == (
        u.name,
        u.score_before,
        u.score_after,
        u.rank_before,
        u.rank_after,
    )
    assert [("added", "j4", "A3.1.1", 0, None, dt.date(2007, 3, 20), D(4))] == [
        (c.change, c.event, c.clause, c.occurrence, c.before, c.after.date, c.after.points)  # type: ignore[union-attr]
        for c in u.ledger
    ]
    assert ((1, 1), (1, 1)) == ((u.adopted_before, u.adopted_after), (u.counted_before, u.counted_after))


def test_moving_the_as_of_date_past_a_due_date_changes_the_commission_line() -> None:
    """As of 5 March a commission is pending (0, on its issue); as of 31 March unanswered (−10, 11 March)."""
    log = [Commissioned(id="c1", date="2007-03-01", unit="青羊区", commission="C1", due="2007-03-10")]
    d = score(log, as_of=dt.date(2007, 3, 5)).diff(score(log, as_of=dt.date(2007, 3, 31)))
    [u] = d.units
    [c] = u.ledger
    assert ("changed", "c1", "A3.2.3") == (c.change, c.event, c.clause)
    assert (dt.date(2007, 3, 1), D(0), dt.date(2007, 3, 11), D(-10)) == (
        c.before.date,  # type: ignore[union-attr]
        c.before.points,  # type: ignore[union-attr]
        c.after.date,  # type: ignore[union-attr]
        c.after.points,  # type: ignore[union-attr]
    )
    # All districts at 0, 青羊区 second in table order; at −10 it is last and the 17 after it move up.
    assert (2, 19, 17) == (u.rank_before, u.rank_after, len(d.reranked))
    assert ("金牛区", 3, 2) == (d.reranked[0].name, d.reranked[0].before, d.reranked[0].after)
    assert (dt.date(2007, 3, 5), dt.date(2007, 3, 31)) == (d.before.as_of, d.after.as_of)


def test_a_date_corrected_changes_the_line_with_the_same_points() -> None:
    """A submission corrected from 5 to 4 March: its line is changed (same 0.1 points, another date)."""
    d = score(LOG).diff(score([Submitted(id="q1", date="2007-03-04", unit="青羊区", item="QY-1"), *LOG[1:]]))
    [u] = d.units
    assert [("changed", "q1", dt.date(2007, 3, 5), dt.date(2007, 3, 4), D(0))] == [
        (c.change, c.event, c.before.date, c.after.date, c.points_change)  # type: ignore[union-attr]
        for c in u.ledger
    ]
    assert (D("4.1"), D("4.1"), 1, 1) == (u.score_before, u.score_after, u.rank_before, u.rank_after)


def test_changes_are_in_date_order_the_earlier_date_of_a_moved_line_first_both_ways() -> None:
    """A commission's line (1 March → 11 March) comes before a miss added on 5 March, in either direction."""
    log = [Commissioned(id="c1", date="2007-03-01", unit="青羊区", commission="C1", due="2007-03-10")]
    early = score(log, as_of=dt.date(2007, 3, 5))
    late = score(
        [*log, Missed(id="m", date="2007-03-05", unit="青羊区", category="work_dynamic")],
        as_of=dt.date(2007, 12, 31),
    )
    forwards, backwards = early.diff(late), late.diff(early)
    assert [("changed", "c1"), ("added", "m")] == [(c.change, c.event) for c in forwards.units[0].ledger]
    assert [("changed", "c1"), ("removed", "m")] == [(c.change, c.event) for c in backwards.units[0].ledger]


def test_identical_inputs_give_an_empty_diff() -> None:
    """Scoring the same log twice (in another order): no unit, no rejection, every unit unchanged."""
    d = score(LOG).diff(score(list(reversed(LOG))))
    assert (True, (), 118, (), (), ()) == (
        d.empty,
        d.units,
        d.unchanged,
        d.reranked,
        d.rejections_appeared,
        d.rejections_disappeared,
    )


def test_the_sides_carry_as_of_rules_counts_and_provenance() -> None:
    """Each side: its as-of date, rules, read/counted/repeats/after-as-of/rejected counts and provenance."""
    before = score(LOG, as_of=dt.date(2007, 3, 7))
    after = score(
        [*LOG, LOG[0], Adopted(id="bad", date="2007-04-01", item="NONE", channel="zwxx")],
        as_of=dt.date(2007, 12, 31),
    )
    d = before.diff(after)
    assert DiffSide(dt.date(2007, 3, 7), "chengdu-2007", 5, 3, 0, 2, 0, before.provenance) == d.before
    assert DiffSide(dt.date(2007, 12, 31), "chengdu-2007", 7, 5, 1, 0, 1, after.provenance) == d.after
    assert after.provenance is not None and before.provenance is not None
    assert before.provenance.stamp != after.provenance.stamp


def test_rejections_that_appeared_and_disappeared() -> None:
    """By origin, id and reason: one rejection kept, one gone, one new (an adoption of an unknown item)."""
    kept = Rejection(Origin("day1.jsonl", 3), "r1", "line is not JSON")
    gone = Rejection(Origin("day1.jsonl", 7), "r2", "missing field 'date'")
    before = score(LOG, rejected=[kept, gone])
    after = score([*LOG, Adopted(id="bad", date="2007-04-01", item="NONE", channel="zwxx")], rejected=[kept])
    d = before.diff(after)
    assert (gone,) == d.rejections_disappeared
    assert [(None, "bad", "item 'NONE' has not been submitted on or before 2007-04-01")] == [
        (r.origin, r.event, r.reason) for r in d.rejections_appeared
    ]
    assert ((), False) == (d.units, d.empty)


def test_the_same_rejection_twice_is_counted_as_often_as_it_appears() -> None:
    """A rejection held twice before and once after disappeared once."""
    r = Rejection(Origin("a.jsonl", 1), None, "line is not JSON")
    d = score(LOG, rejected=[r, r]).diff(score(LOG, rejected=[r]))
    assert ((r,), ()) == (d.rejections_disappeared, d.rejections_appeared)


def test_ranks_are_those_of_the_monthly_bulletin() -> None:
    """As of a month's end, the diff's ranks are the ranks the month's bulletin prints."""
    june = dt.date(2007, 6, 30)
    before = score(LOG, as_of=june)
    after = score([*LOG, Missed(id="m", date="2007-06-01", unit="青羊区", category="important")], as_of=june)
    d = before.diff(after)
    quotas = load_quotas(2007)
    printed = {
        side: {r.unit.name: r.rank for g in monthly_bulletin(results, quotas, 6).groups for r in g.rows}
        for side, results in (("before", before), ("after", after))
    }
    ranks = {u.name: (u.rank_before, u.rank_after) for u in d.units}
    ranks |= {r.name: (r.before, r.after) for r in d.reranked}
    assert {name: (printed["before"][name], printed["after"][name]) for name in ranks} == ranks
    assert (1, 19) == ranks["青羊区"]


# -- errors ---------------------------------------------------------------------------------------


def test_results_of_different_years_are_an_argument_error() -> None:
    """Two years cannot be diffed: an ArgumentError (a ValueError) naming both."""
    results = score(LOG)
    with pytest.raises(ArgumentError) as caught:
        results.diff(attrs.evolve(results, year=2008))
    assert "the results are for 2007 and 2008: a diff compares two views of one year" == str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_results_of_different_target_tables_are_an_argument_error() -> None:
    """A table with one target changed is another table: an ArgumentError naming both digests."""
    quotas = load_quotas(2007)
    other = attrs.evolve(quotas, units=(attrs.evolve(quotas.units[0], target=99), *quotas.units[1:]))
    a, b = score(LOG, quotas=quotas), score(LOG, quotas=other)
    assert a.provenance is not None and b.provenance is not None
    with pytest.raises(ArgumentError) as caught:
        a.diff(b)
    assert (
        f"the results of 2007 were scored against different target tables ({a.provenance.targets_digest[:12]}"
        f" and {b.provenance.targets_digest[:12]}): a diff compares two views scored against the same table"
    ) == str(caught.value)
    with pytest.raises(ArgumentError, match="different target tables: a diff"):
        _bare(a).diff(_bare(b))


def test_what_is_not_results_is_an_argument_type_error() -> None:
    """Diffing with something other than Results says what was expected and what was found."""
    with pytest.raises(ArgumentTypeError) as caught:
        score(LOG).diff("2007-06-30")  # type: ignore[arg-type]
    assert "other must be the Results of score() or Scorer.results(), not the text '2007-06-30'" == str(
        caught.value
    )
    with pytest.raises(ArgumentTypeError, match=r"^before must be the Results"):
        diff_results(None, score(LOG))  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match=r"^after must be the Results .*, not a list$"):
        diff_results(score(LOG), LOG)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match=r"^d must be a ResultsDiff"):
        diff_json(score(LOG))  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match=r"^lang must be 'zh' or 'en', not the text 'fr'$"):
        diff_table(score(LOG).diff(score(LOG)), "fr")


# -- rendering ------------------------------------------------------------------------------------

CORRECTED = [*LOG[:1], Adopted(id="q2", date="2007-03-07", item="QY-1", channel="zwxx_brief"), *LOG[2:]]

TABLE_EN = """\
What changed in 2007
before: as of 2007-12-31 · rules chengdu-2007 · 5 events read, 5 counted, 0 repeats, 0 dated later, 0 rejected
after: as of 2007-12-31 · rules chengdu-2007 · 6 events read, 5 counted, 0 repeats, 0 dated later, 1 rejected

1 unit(s) changed, 117 unchanged

unit    score before  score after  change  rank in group  submitted  adopted  counted  completion
------  ------------  -----------  ------  -------------  ---------  -------  -------  ----------
青羊区           4.1          2.1      -2          1 → 2          1        1        1        0.8%

青羊区 · 4.1 → 2.1 (-2)
  what  date        event  clause  points  change  reason
  ----  ----------  -----  ------  ------  ------  -----------------------------
  was   2007-03-07  q2     A3.1.1       4          item QY-1 adopted by 政务信息
  now   2007-03-07  q2     A3.1.1       2      -2  item QY-1 adopted by 简明信息

Units whose results are the same but whose rank in their group moved (1)
  unit    rank in group
  ------  -------------
  锦江区          2 → 1

Rejections that appeared (1)
  <api>: event bad: item 'NONE' has not been submitted on or before 2007-04-01
"""

TABLE_ZH = """\
2007年计分变动
变动前: 截至2007-12-31 · 规则 chengdu-2007 · 读入7条,计入6条,重复0条,截至日后0条,未计入1条
变动后: 截至2007-12-31 · 规则 chengdu-2007 · 读入7条,计入7条,重复0条,截至日后0条,未计入0条

2个单位有变动,116个单位无变动

单位    原得分  现得分  增减  组内排名   上报   采用  计入任务     完成进度
------  ------  ------  ----  --------  -----  -----  --------  -----------
锦江区     3.1       0  -3.1     2 → 3  1 → 0  1 → 0     1 → 0  0.8% → 0.0%
青羊区     4.1     4.1     0         1      1      1         1         0.8%

锦江区 · 3.1 → 0 (-3.1)
  变动  日期        事件  条款    分值  增减  说明
  ----  ----------  ----  ------  ----  ----  ----------------------------
  删除  2007-03-06  j1    A3.1.4   0.1  -0.1  上报信息 JJ-1
  删除  2007-03-08  j2    A3.1.1     2    -2  信息 JJ-1 被《简明信息》采用
  删除  2007-03-09  j3    A3.1.3     1    -1  信息 JJ-1 被《成都动态》采用

青羊区 · 4.1 → 4.1 (0)
  漏报 work_dynamic 0 → 2 · 差错 0 → 1
  变动  日期        事件  条款    分值  增减  说明
  ----  ----------  ----  ------  ----  ----  ------------------------
  新增  2007-04-01  q3    A3.1.2     8    +8  信息 QY-1 被《专刊》采用
  新增  2007-04-02  x     A3.2.1    -2    -2  信息 QY-1 出现差错
  新增  2007-04-03  m1    A3.2.1    -2    -2  工作动态 本年第1次漏报
  新增  2007-04-04  m2    A3.2.1    -4    -4  工作动态 本年第2次漏报

得分未变、组内排名变动的单位(1个)
  单位    组内排名
  ------  --------
  金牛区     3 → 2

不再出现的未计入记录(1条)
  day1.jsonl:3:事件 r1:line is not JSON
"""


def test_table_in_english_worked_by_hand() -> None:
    """The English table: both sides, the changed unit, its line as was/now, rank moves, rejections."""
    bad = Adopted(id="bad", date="2007-04-01", item="NONE", channel="zwxx")
    d = _bare(score(LOG, as_of=dt.date(2007, 12, 31))).diff(
        _bare(score([*CORRECTED, bad], as_of=dt.date(2007, 12, 31)))
    )
    assert TABLE_EN == diff_table(d, "en")


def test_table_in_chinese_worked_by_hand() -> None:
    """The Chinese table: removed and added lines with their signed change, counts moved, rejections gone."""
    jn = Submitted(id="n1", date="2007-02-01", unit="金牛区", item="JN-1")
    rejected = [Rejection(Origin("day1.jsonl", 3), "r1", "line is not JSON")]
    # 锦江区's events are gone; 青羊区 gains 8 and loses 2 + 2 + 4: its score is the same, its lines are not.
    after_log = [
        *LOG[:2],
        jn,
        Adopted(id="q3", date="2007-04-01", item="QY-1", channel="zwxx_special"),
        ErrorFound(id="x", date="2007-04-02", item="QY-1"),
        Missed(id="m1", date="2007-04-03", unit="青羊区", category="work_dynamic"),
        Missed(id="m2", date="2007-04-04", unit="青羊区", category="work_dynamic"),
    ]
    d = _bare(score([*LOG, jn], rejected=rejected, as_of=dt.date(2007, 12, 31))).diff(
        _bare(score(after_log, as_of=dt.date(2007, 12, 31)))
    )
    assert TABLE_ZH == diff_table(d)


def test_the_table_of_an_empty_diff_says_nothing_changed() -> None:
    """With nothing changed the table says so, after both sides and the count of unchanged units."""
    d = _bare(score(LOG)).diff(_bare(score(LOG)))
    assert diff_table(d, "en").endswith("\n0 unit(s) changed, 118 unchanged\nnothing changed\n")
    assert diff_table(d).endswith("\n0个单位有变动,118个单位无变动\n无变动\n")


def test_json_has_the_documented_keys_and_exact_decimal_strings() -> None:
    """The JSON's keys are those documented; points and completions are exact strings; ranks are numbers."""
    log = [
        Submitted(id="s", date="2007-05-02", unit="市统计局", item="T"),
        Adopted(id="a", date="2007-05-03", item="T", channel="zwyw"),
    ]
    d = score(log).diff(score([log[0], Adopted(id="a", date="2007-05-03", item="T", channel="cddt")]))
    data = diff_json(d)
    assert list(DIFF_KEYS) == list(data)
    assert ("year", "before", "after", "units", "unchanged", "reranked", "rejections") == DIFF_KEYS
    [unit] = data["units"]
    assert list(UNIT_DIFF_KEYS) == list(unit)
    assert [list(LINE_KEYS)] == [list(line) for line in unit["ledger"]]
    assert {"before": "4.1", "after": "1.1", "change": "-3"} == unit["score"]
    assert {"before": "0.0167", "after": "0.0000"} == unit["completion"]
    assert {"before": 1, "after": 0} == unit["counted"]
    assert {
        "change": "changed",
        "event": "a",
        "clause": "A3.1.3",
        "occurrence": 0,
        "points_change": "-3",
        "before": {
            "date": "2007-05-03",
            "points": "4",
            "reason": "信息 T 被《政务要闻》采用",
            "code": "reason.adopted",
            "params": {"channel": "政务要闻", "item": "T", "note": ""},
        },
        "after": {
            "date": "2007-05-03",
            "points": "1",
            "reason": "信息 T 被《成都动态》采用",
            "code": "reason.adopted",
            "params": {"channel": "成都动态", "item": "T", "note": ""},
        },
    } == unit["ledger"][0]
    assert "item T adopted by 成都动态" == diff_json(d, "en")["units"][0]["ledger"][0]["after"]["reason"]
    assert {"appeared": [], "disappeared": []} == data["rejections"]
    assert ["as_of", "as_of_basis", "rules", "events", "provenance"] == list(data["before"])
    assert {"read": 2, "counted": 2, "repeats": 0, "after_as_of": 0, "withdrawn": 0, "rejected": 0} == data[
        "after"
    ]["events"]


def test_a_side_counts_what_withdrawals_took_out_and_says_how_its_as_of_date_was_chosen() -> None:
    """A later view with a withdrawal: its side counts 2 withdrawn (the withdrawal and the miss), so that
    read = counted + repeats + after + withdrawn + rejected; a defaulted as-of date is said so."""
    m1 = Missed(id="m1", date="2007-03-01", unit="青羊区", category="work_dynamic")
    m2 = Missed(id="m2", date="2007-03-02", unit="青羊区", category="work_dynamic")
    after = score([m1, m2, Withdrawn(id="w", date="2007-03-03", event="m1")])
    d = score([m1, m2]).diff(after)
    side = diff_json(d)["after"]
    assert (
        "latest_event",
        {"read": 3, "counted": 1, "repeats": 0, "after_as_of": 0, "withdrawn": 2, "rejected": 0},
    ) == (
        side["as_of_basis"],
        side["events"],
    )
    assert ", 2 withdrawn (as of the latest event's date)" in diff_table(d, "en")


def test_json_round_trips_and_names_both_provenances() -> None:
    """json.loads of the written JSON gives the same values; each side carries its provenance stamp."""
    bad = Adopted(id="bad", date="2007-04-01", item="NONE", channel="zwxx")
    before, after = score(LOG), score([*CORRECTED, bad])
    data = diff_json(before.diff(after), "en")
    assert data == json.loads(to_json_text(data))
    assert before.provenance is not None and after.provenance is not None
    assert (before.provenance.stamp, after.provenance.stamp) == (
        data["before"]["provenance"]["stamp"],
        data["after"]["provenance"]["stamp"],
    )
    said = {"code": "rejected.item_not_submitted", "params": {"item": "'NONE'", "day": "2007-04-01"}}
    assert [{"file": None, "line": None, "event": "bad", "reason": bad_reason(), **said}] == data[
        "rejections"
    ]["appeared"]
    assert [
        {"unit": "锦江区", "label": "锦江区", "group": "district", "rank": {"before": 2, "after": 1}}
    ] == data["reranked"]


def bad_reason() -> str:
    return "item 'NONE' has not been submitted on or before 2007-04-01"


# -- properties -----------------------------------------------------------------------------------


Views = tuple[list[Event], dt.date, list[Event], dt.date]
Redatable = Submitted | Adopted | Missed | ErrorFound | SelectedExcellent


@st.composite
def two_views(draw: st.DrawFn) -> Views:
    """A log and a later one without some of its events and with some new ones, each with an as-of date."""
    log: list[Event] = draw(event_logs(max_items=8))
    kept = [e for e in log if draw(st.booleans()) or draw(st.booleans())]
    # Some kept events are corrected to another date (their lines move, or are refused).
    kept = [
        attrs.evolve(e, date=draw(dates()))
        if isinstance(e, Redatable) and draw(st.integers(0, 4)) == 0
        else e
        for e in kept
    ]
    for _ in range(draw(st.integers(0, 3))):
        kept.append(draw(st.one_of(plus_events(kept), minus_events(kept))))
    return log, draw(dates()), kept, draw(dates())


def _scored(views: Views) -> tuple[Results, Results]:
    return score(views[0], as_of=views[1]), score(views[2], as_of=views[3])


def _mirror(d: ResultsDiff) -> ResultsDiff:
    """The diff with its sides swapped, field by field."""
    flip = {"added": "removed", "removed": "added", "changed": "changed"}
    return ResultsDiff(
        year=d.year,
        before=d.after,
        after=d.before,
        units=tuple(
            UnitDiff(
                unit=u.unit,
                score_before=u.score_after,
                score_after=u.score_before,
                rank_before=u.rank_after,
                rank_after=u.rank_before,
                submitted_before=u.submitted_after,
                submitted_after=u.submitted_before,
                adopted_before=u.adopted_after,
                adopted_after=u.adopted_before,
                counted_before=u.counted_after,
                counted_after=u.counted_before,
                completion_before=u.completion_after,
                completion_after=u.completion_before,
                counts=tuple(CountChange(c.count, c.category, c.after, c.before) for c in u.counts),
                ledger=tuple(
                    LineChange(flip[c.change], c.event, c.clause, c.occurrence, c.after, c.before)
                    for c in u.ledger
                ),
            )
            for u in d.units
        ),
        unchanged=d.unchanged,
        reranked=tuple(RankChange(r.unit, r.after, r.before) for r in d.reranked),
        rejections_appeared=d.rejections_disappeared,
        rejections_disappeared=d.rejections_appeared,
    )


@given(log=event_logs(max_items=10), as_of=dates())
def test_the_diff_of_results_with_themselves_is_empty(log: list[Event], as_of: dt.date) -> None:
    """results.diff(results), and the diff of two scorings of one log, list nothing."""
    results = score(log, as_of=as_of)
    for d in (results.diff(results), results.diff(score(list(reversed(log)), as_of=as_of))):
        assert (True, (), 118, ()) == (d.empty, d.units, d.unchanged, d.reranked)


@given(views=two_views())
def test_a_units_score_moves_by_the_points_of_its_changed_lines(views: Views) -> None:
    """score_after − score_before is the sum of the points changes of the unit's ledger lines."""
    before, after = _scored(views)
    d = before.diff(after)
    for u in d.units:
        assert u.change == sum((c.points_change for c in u.ledger), D(0))


@pytest.mark.slow
@given(views=two_views())
def test_the_changes_turn_the_earlier_ledgers_into_the_later(views: Views) -> None:
    """Earlier lines, less those removed or changed, plus those added or changed, are the later lines."""
    before, after = _scored(views)
    d = before.diff(after)
    listed = {u.name: u for u in d.units}

    def lines(ledger: object) -> Counter[tuple[object, ...]]:
        return Counter((x.event, x.clause, x.date, x.points, x.reason) for x in ledger)  # type: ignore[attr-defined]

    for b, a in zip(before.units, after.units, strict=True):
        rebuilt = lines(b.ledger)
        for c in listed[b.name].ledger if b.name in listed else ():
            rebuilt -= lines([c.before] if c.before is not None else [])
            rebuilt += lines([c.after] if c.after is not None else [])
        assert lines(a.ledger) == rebuilt
        if b.name not in listed:
            assert (b.score, b.counted, b.submitted) == (a.score, a.counted, a.submitted)
    assert len(before.units) == d.unchanged + len(d.units)


@given(views=two_views())
def test_the_diff_backwards_mirrors_the_diff_forwards(views: Views) -> None:
    """b.diff(a) is a.diff(b) with before and after, added and removed, appeared and disappeared swapped."""
    before, after = _scored(views)
    assert _mirror(before.diff(after)) == after.diff(before)
    assert diff_results(before, after) == before.diff(after)


@pytest.mark.slow
@given(views=two_views())
def test_the_json_round_trips_and_the_table_names_every_listed_unit(views: Views) -> None:
    """The JSON of any diff reads back equal; the table names each listed unit, in both languages."""
    before, after = _scored(views)
    d = before.diff(after)
    data = diff_json(d)
    assert data == json.loads(to_json_text(data))
    for lang in ("zh", "en"):
        heads = [
            m[1]
            for m in re.finditer(r"^(\S+) · -?[\d.]+ → -?[\d.]+ \([+-]?[\d.]+\)$", diff_table(d, lang), re.M)
        ]
        assert [u.unit.label for u in d.units] == heads
