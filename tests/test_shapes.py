"""Shapes of real methods written as data: a bonus for reaching the year's target, and deductions
decided per case (扣50–100分), with their golden cases (docs/cases/) run by ``check``.

Every figure here was worked out by hand from the rule files (see each test's comment).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chengdu_infoscore import (
    Adopted,
    DataFileError,
    ErrorFound,
    Event,
    EventFieldError,
    FoundFalse,
    QuotaTable,
    RuleSet,
    Store,
    Submitted,
    Withdrawn,
    event_record,
    read_events,
    score,
)
from chengdu_infoscore._codecs import fingerprint, from_stored, row_of, to_stored
from chengdu_infoscore.cli import main
from chengdu_infoscore.compare import compare
from chengdu_infoscore.live import Scorer
from chengdu_infoscore.periods import periods
from chengdu_infoscore.reports import results_json
from chengdu_infoscore.rules.describe import diff

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TARGETS = str(DOCS / "example-targets-2008.toml")
COUNTY = str(DOCS / "example-county-2008.toml")
BONUS = str(DOCS / "example-target-bonus-2008.toml")
PER_CASE = str(DOCS / "example-per-case-2007.toml")
END_2008 = dt.date(2008, 12, 31)

# -- golden cases -------------------------------------------------------------------------------

#: Each golden case of docs/cases and the options its check needs.
CASES: dict[str, list[str]] = {
    "target-bonus": ["--rules", BONUS, "--targets", TARGETS],
    "per-case-range": ["--rules", PER_CASE],
    "partial-flood": ["--rules", str(DOCS / "example-partial.toml")],
    "caps-by-group": ["--rules", COUNTY, "--targets", TARGETS],
    "two-channels": ["--rules", COUNTY, "--targets", TARGETS],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_golden_cases_of_the_docs_pass_check(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """chengdu-infoscore check passes each golden case of docs/cases under its rule files."""
    status = main(["check", str(DOCS / "cases" / name), *CASES[name], "--lang", "en"])
    out = capsys.readouterr().out
    assert (0, "1 passed, 0 failed") == (status, out.splitlines()[-1])
    assert out.startswith(f"PASS {DOCS / 'cases' / name} — ")


def test_every_golden_case_of_the_docs_is_run() -> None:
    """Every directory of docs/cases is one of the cases above, with its README's arithmetic."""
    found = sorted(p.name for p in (DOCS / "cases").iterdir() if p.is_dir())
    assert sorted(CASES) == found
    assert [True] * len(found) == [(DOCS / "cases" / n / "README.md").is_file() for n in found]


def test_check_refuses_a_target_table_of_another_year(tmp_path: Path) -> None:
    """check --targets with a table for another year than the case's: the case is malformed, exit 2."""
    table = tmp_path / "t.toml"
    table.write_text(Path(TARGETS).read_text(encoding="utf-8").replace("year = 2008", "year = 2009"), "utf-8")
    with pytest.raises(DataFileError) as caught:
        from chengdu_infoscore.checks import run_case

        run_case(DOCS / "cases" / "two-channels", quotas=QuotaTable.from_file(table))
    assert ("year: 2008, but the target table given (--targets) is for 2009",) == caught.value.problems


# -- a bonus for reaching the target ------------------------------------------------------------


def _bonus_rules(tmp_path: Path, count: str = "items", effective: str = "2008-01-02") -> RuleSet:
    """The county method of 2008 with a bonus of 5 (X4) from ``effective``, counting ``count``."""
    text = f"""
[ruleset]
id = "bonus-{count}"
effective = {effective}
adjusts = "{Path(COUNTY).as_posix()}"
default = false

[[clauses]]
id = "X4"
text = "完成全年目标任务加5分"

[target]
count = "{count}"
reached = {{ clause = "X4", points = 5 }}
"""
    path = tmp_path / f"bonus-{count}.toml"
    path.write_text(text, encoding="utf-8")
    return RuleSet.from_file(path)


def _town(n: int, *, unit: str = "甲镇", month: int = 3) -> list[Event]:
    """``n`` items of ``unit`` submitted and adopted by 县政务信息 on day i of ``month``."""
    events: list[Event] = []
    for i in range(1, n + 1):
        day = f"2008-{month:02}-{i:02}"
        events += [
            Submitted(id=f"{unit}s{month}.{i}", date=day, unit=unit, item=f"{unit}{month}.{i}"),
            Adopted(id=f"{unit}a{month}.{i}", date=day, item=f"{unit}{month}.{i}", channel="county"),
        ]
    return events


def _lines(results: Any, unit: str, clause: str) -> list[tuple[str, str, str]]:
    return [(str(x.date), x.event, str(x.points)) for x in results.unit(unit).ledger if x.clause == clause]


def test_the_bonus_is_booked_on_the_event_that_reaches_the_target(tmp_path: Path) -> None:
    """甲镇 (target 10): its 10th adopted item, on 10 March, books +5 under X4; the 11th nothing more."""
    rules, quotas = _bonus_rules(tmp_path), QuotaTable.from_file(TARGETS)
    results = score(_town(11), rules=rules, quotas=quotas, as_of=END_2008)
    # 11 × 3 (X1) + cap 2 (X3) + 5 (X4) = 40
    assert [("2008-03-10", "甲镇a3.10", "5")] == _lines(results, "甲镇", "X4")
    assert Decimal(40) == results.unit("甲镇").score
    reason = [x.reason for x in results.unit("甲镇").ledger if x.clause == "X4"]
    assert ["target of 10 adopted items reached"] == reason


def test_the_bonus_counts_as_the_target_counts_items_or_adoptions(tmp_path: Path) -> None:
    """Five items each adopted by two counting channels: 5 items (no bonus) or 10 adoptions (bonus on
    the 10th adoption, 5 April)."""
    quotas = QuotaTable.from_file(TARGETS)
    events: list[Event] = []
    for i in range(1, 6):
        events += [
            Submitted(id=f"s{i}", date=f"2008-03-0{i}", unit="甲镇", item=f"J{i}"),
            Adopted(id=f"a{i}", date=f"2008-03-0{i}", item=f"J{i}", channel="county"),
            Adopted(id=f"w{i}", date=f"2008-04-0{i}", item=f"J{i}", channel="web2"),
        ]
    found = {}
    for count in ("items", "adoptions"):
        _bonus_rules(tmp_path, count)
        extra = tmp_path / f"web2-{count}.toml"
        extra.write_text(
            f'[ruleset]\nid = "web2-{count}"\neffective = 2008-02-01\nadjusts = "bonus-{count}.toml"\n'
            'default = false\n[channels.web2]\nlabel = "网站二"\nclause = "X2"\npoints = 1\n'
            "counts_toward_target = true\n",
            encoding="utf-8",
        )
        results = score(events, rules=RuleSet.from_file(extra), quotas=quotas, as_of=END_2008)
        found[count] = (_lines(results, "甲镇", "X4"), results.unit("甲镇").adopted)
    assert {"items": ([], 5), "adoptions": ([("2008-04-05", "w5", "5")], 10)} == found
    reasons = [line.reason for line in results.unit("甲镇").ledger if line.clause == "X4"]
    assert ["target of 10 adoptions reached"] == reasons  # not "10 adopted items"


def test_a_unit_whose_target_counts_submissions_reaches_it_by_a_submission(tmp_path: Path) -> None:
    """县政务服务中心 (target 30 submitted items): its 30th submission, on 30 April, books the bonus."""
    rules, quotas = _bonus_rules(tmp_path), QuotaTable.from_file(TARGETS)
    events = [
        Submitted(
            id=f"z{i:02}",
            date=dt.date(2008, 4, 1) + dt.timedelta(days=i - 1),
            unit="县政务服务中心",
            item=f"Z{i}",
        )
        for i in range(1, 32)
    ]
    results = score(events, rules=rules, quotas=quotas, as_of=END_2008)
    # submissions: the office's fixed cap 2; bonus 5: 7
    assert ([("2008-04-30", "z30", "5")], Decimal(7)) == (
        _lines(results, "县政务服务中心", "X4"),
        results.unit("县政务服务中心").score,
    )


def test_a_unit_without_target_never_gets_the_bonus(tmp_path: Path) -> None:
    """县档案局 (no target) submits 40 items, 10 adopted: no X4 line."""
    rules, quotas = _bonus_rules(tmp_path), QuotaTable.from_file(TARGETS)
    results = score(_town(10, unit="县档案局"), rules=rules, quotas=quotas, as_of=END_2008)
    assert ([], Decimal(32)) == (_lines(results, "县档案局", "X4"), results.unit("县档案局").score)


def test_the_bonus_follows_the_version_in_force_on_the_day_the_target_is_reached(tmp_path: Path) -> None:
    """Reached in March, before the bonus version of 1 July: no bonus, not in July either."""
    rules, quotas = _bonus_rules(tmp_path, effective="2008-07-01"), QuotaTable.from_file(TARGETS)
    events = [*_town(10), *_town(2, month=8)]
    results = score(events, rules=rules, quotas=quotas, as_of=END_2008)
    assert ([], Decimal(38)) == (_lines(results, "甲镇", "X4"), results.unit("甲镇").score)


def test_as_of_a_date_before_the_target_is_reached_there_is_no_bonus(tmp_path: Path) -> None:
    """As of 9 March, 9 of 10: no bonus; as of 10 March, the bonus; monthly figures agree."""
    rules, quotas = _bonus_rules(tmp_path), QuotaTable.from_file(TARGETS)
    events = [*_town(9), *_town(3, month=4)]
    before = score(events, rules=rules, quotas=quotas, as_of=dt.date(2008, 3, 31))
    after = score(events, rules=rules, quotas=quotas, as_of=dt.date(2008, 4, 30))
    assert ([], [("2008-04-01", "甲镇a4.1", "5")]) == (
        _lines(before, "甲镇", "X4"),
        _lines(after, "甲镇", "X4"),
    )
    # March: 9 × 3 + cap 2 = 29; April: 3 × 3 + 5 = 14 (the cap was reached in March)
    months = periods(after).unit("甲镇").months
    assert [Decimal(29), Decimal(14)] == [months[2].points, months[3].points]


def test_a_withdrawal_that_takes_the_count_back_below_the_target_removes_the_bonus(tmp_path: Path) -> None:
    """The 10th adoption withdrawn: 9 of 10, no bonus; a later 10th books it on its own day."""
    rules, quotas = _bonus_rules(tmp_path), QuotaTable.from_file(TARGETS)
    events = [*_town(10), Withdrawn(id="w1", date="2008-05-01", event="甲镇a3.10")]
    assert [] == _lines(score(events, rules=rules, quotas=quotas, as_of=END_2008), "甲镇", "X4")
    events += _town(1, month=6)
    results = score(events, rules=rules, quotas=quotas, as_of=END_2008)
    assert [("2008-06-01", "甲镇a6.1", "5")] == _lines(results, "甲镇", "X4")


def test_compare_attributes_the_bonus_to_its_clause(tmp_path: Path) -> None:
    """The county method against the bonus version: 甲镇 +5 under X4."""
    quotas = QuotaTable.from_file(TARGETS)
    events = _town(10)
    a = score(events, rules=RuleSet.from_file(COUNTY), quotas=quotas, as_of=END_2008)
    b = score(events, rules=_bonus_rules(tmp_path), quotas=quotas, as_of=END_2008)
    unit = next(u for u in compare(a, b, quotas).units if u.unit == "甲镇")
    assert (Decimal(32), Decimal(37)) == (unit.score_a, unit.score_b)
    assert (("X4", Decimal(5)),) == tuple((c, p) for c, p in unit.clauses if p)


def test_rules_diff_shows_the_bonus_and_the_ranges() -> None:
    """rules diff lists the bonus and each range with its clause."""
    bonus = RuleSet.from_file(BONUS)
    changes = [(c.clause, c.what, c.before, c.after) for c in diff(RuleSet.from_file(COUNTY), bonus)]
    assert ("X4", "完成全年目标任务", None, "5分,只计一次") == changes[0]
    in_english = [(c.clause, c.what, c.before, c.after) for c in diff(RuleSet.from_file(COUNTY), bonus, "en")]
    assert ("X4", "target reached", None, "5 once") == in_english[0]
    ranged = RuleSet.from_file(PER_CASE)
    from chengdu_infoscore import load_rules

    figures = [(c.what, c.after) for c in diff(load_rules(2007), ranged) if c.what != "条款原文"]
    assert [
        ("信息出现差错", "逐件确定分值,-5分至-1分"),
        ("上报虚假、不实信息", "逐件确定分值,-100分至-50分,只扣一次;该信息已得分数保留"),
    ] == figures
    figures = [(c.what, c.after) for c in diff(load_rules(2007), ranged, "en") if c.what != "clause text"]
    assert [
        ("error in an item", "decided per case, from -5 to -1"),
        (
            "false or untrue item",
            "decided per case, from -100 to -50, once per item; the item keeps its points",
        ),
    ] == figures


_TOWN = st.lists(
    st.tuples(st.sampled_from(["甲镇", "乙镇", "县政务服务中心"]), st.integers(1, 300), st.booleans()),
    max_size=40,
)


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(data=st.data(), drawn=_TOWN)
def test_scorer_fed_in_batches_gives_the_bonus_as_score_does(
    tmp_path_factory: Any, data: Any, drawn: Any
) -> None:
    """Random submissions and adoptions, with the bonus at small targets, added to a Scorer in
    batches: the results equal score's, byte for byte, as of any date."""
    tmp = tmp_path_factory.mktemp("bonus")
    table = Path(TARGETS).read_text(encoding="utf-8")
    table = table.replace("target = 10 ", "target = 2 ").replace("target = 20 ", "target = 3 ")
    table = table.replace("target = 30", "target = 2")
    (tmp / "t.toml").write_text(table, encoding="utf-8")
    quotas = QuotaTable.from_file(tmp / "t.toml")
    rules = _bonus_rules(tmp, data.draw(st.sampled_from(["items", "adoptions"])))
    events: list[Event] = []
    for n, (unit, day, adopted) in enumerate(drawn):
        date = dt.date(2008, 1, 1) + dt.timedelta(days=day)
        events.append(Submitted(id=f"s{n}", date=date, unit=unit, item=f"I{n}"))
        if adopted:
            events.append(
                Adopted(id=f"a{n}", date=date + dt.timedelta(days=3), item=f"I{n}", channel="county")
            )
    shuffled = data.draw(st.permutations(events))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(shuffled)), max_size=4)))
    scorer = Scorer(rules=rules, quotas=quotas)
    start = 0
    for cut in [*cuts, len(shuffled)]:
        scorer.add(shuffled[start:cut])
        start = cut
    as_of = dt.date(2008, 1, 1) + dt.timedelta(days=data.draw(st.integers(0, 365)))
    expected = score(events, rules=rules, quotas=quotas, as_of=as_of)
    assert results_json(expected) == results_json(scorer.results(as_of=as_of))


# -- deductions decided per case ----------------------------------------------------------------


def _item(unit: str = "锦江区", day: str = "2007-08-01", item: str = "JJ-1") -> Submitted:
    return Submitted(id=f"s-{item}", date=day, unit=unit, item=item)


def _reasons(events: list[Event]) -> list[tuple[str | None, str]]:
    results = score(events, rules=PER_CASE, as_of=dt.date(2007, 12, 31))
    return sorted((r.event, r.reason) for r in results.rejections)


def test_a_figure_in_the_range_is_booked_and_explained() -> None:
    """-75 for a false item and -3 for an error, within their ranges: booked as given, reason says so."""
    events: list[Event] = [
        _item(),
        FoundFalse(id="f1", date="2007-08-02", item="JJ-1", points=Decimal("-75")),
        ErrorFound(id="e1", date="2007-08-03", item="JJ-1", points=Decimal("-3")),
    ]
    results = score(events, rules=PER_CASE, as_of=dt.date(2007, 12, 31))
    lines = [(x.event, x.clause, str(x.points), x.reason) for x in results.unit("锦江区").ledger]
    assert [
        ("s-JJ-1", "A3.1.4", "0.1", "submitted item JJ-1"),
        (
            "f1",
            "A3.2.4",
            "-75",
            "item JJ-1 found false (figure decided for the case: -75, within -100 to -50)",
        ),
        ("e1", "A3.2.1", "-3", "error in item JJ-1 (figure decided for the case: -3, within -5 to -1)"),
    ] == lines
    assert Decimal("-77.9") == results.unit("锦江区").score


def test_the_ends_of_the_range_are_allowed() -> None:
    """-100 and -50 (the ends) are booked; -100.0001 and -49.9999 are rejected."""
    events: list[Event] = [_item(item=f"JJ-{i}") for i in range(4)]
    events += [
        FoundFalse(id="f0", date="2007-09-01", item="JJ-0", points="-100"),
        FoundFalse(id="f1", date="2007-09-01", item="JJ-1", points="-50"),
        FoundFalse(id="f2", date="2007-09-01", item="JJ-2", points="-100.0001"),
        FoundFalse(id="f3", date="2007-09-01", item="JJ-3", points="-49.9999"),
    ]
    outside = "is outside the range of the rule set 'example-doc-per-case-2007' in force on 2007-09-01"
    assert [
        ("f2", f"points -100.0001 {outside} for [false_report]: from -100 to -50"),
        ("f3", f"points -49.9999 {outside} for [false_report]: from -100 to -50"),
    ] == _reasons(events)


def test_every_wrong_figure_is_rejected_saying_what_applies() -> None:
    """No figure under a range, a figure outside it, and a figure under a fixed version: exact messages."""
    events: list[Event] = [
        _item(day="2007-03-01"),
        ErrorFound(id="e0", date="2007-03-02", item="JJ-1", points="-2"),
        FoundFalse(id="f0", date="2007-03-03", item="JJ-1", points="-30"),
        ErrorFound(id="e1", date="2007-08-02", item="JJ-1"),
        ErrorFound(id="e2", date="2007-08-03", item="JJ-1", points="-6"),
        FoundFalse(id="f1", date="2007-08-04", item="JJ-1"),
    ]
    assert [
        (
            "e0",
            "points -2: the rule set 'chengdu-2007' in force on 2007-03-02 fixes the figure of [error]"
            " (error.points = -2); leave points out",
        ),
        (
            "e1",
            "no points: the rule set 'example-doc-per-case-2007' in force on 2007-08-02 decides the figure"
            " of [error] per case, from -5 to -1; give the figure decided in the event's points field",
        ),
        (
            "e2",
            "points -6 is outside the range of the rule set 'example-doc-per-case-2007' in force on"
            " 2007-08-03 for [error]: from -5 to -1",
        ),
        (
            "f0",
            "points -30: the rule set 'chengdu-2007' in force on 2007-03-03 fixes the figure of"
            " [false_report] (false_report.points = -30); leave points out",
        ),
        (
            "f1",
            "no points: the rule set 'example-doc-per-case-2007' in force on 2007-08-04 decides the figure"
            " of [false_report] per case, from -100 to -50; give the figure decided in the event's points"
            " field",
        ),
    ] == _reasons(events)


def test_a_rejected_finding_counts_nothing() -> None:
    """A finding rejected for its figure is not an error or false report of the unit."""
    events: list[Event] = [_item(), ErrorFound(id="e1", date="2007-08-02", item="JJ-1", points="-9")]
    unit = score(events, rules=PER_CASE, as_of=dt.date(2007, 12, 31)).unit("锦江区")
    assert (0, Decimal("0.1")) == (unit.errors, unit.score)


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("abc", "field 'points': expected a figure such as -60, found 'abc'"),
        ("−60", "field 'points': expected a figure such as -60, found '−60'"),
        (
            0.5,
            "field 'points': expected a figure such as -60 (a number, or text), found float 0.5 (a float is"
            " not exact: give a Decimal, an int or text)",
        ),
        (True, "field 'points': expected a figure such as -60 (a number, or text), found true"),
        ("nan", "field 'points': expected a figure such as -60, found 'nan'"),
        ("-6_0", "field 'points': expected a figure such as -60, found '-6_0'"),
        ("٣", "field 'points': expected a figure such as -60, found '٣'"),
        (Decimal("nan"), "field 'points': expected a finite number, found nan"),
        (
            "-49.99999999999999999999999999999",
            "field 'points': expected at most 4 decimal places, found -49.99999999… (31 digits)",
        ),
        (
            Decimal("-50.000000000000000000000000000001"),
            "field 'points': expected at most 4 decimal places, found -50.00000000… (32 digits)",
        ),
        (
            "1e-99999999999999999999",
            "field 'points': expected a figure from -10000 to 10000, found '1e-99999999999999999999'",
        ),
        ("-0.00001", "field 'points': expected at most 4 decimal places, found -0.00001"),
        (Decimal("-10001"), "field 'points': expected a number from -10000 to 10000, found -10001"),
    ],
)
def test_a_figure_that_is_not_one_is_refused_in_python(points: Any, message: str) -> None:
    """FoundFalse(points=…) refuses what is not an exact figure, naming the field."""
    with pytest.raises(EventFieldError) as caught:
        FoundFalse(id="f", date="2007-08-01", item="x", points=points)
    assert message == str(caught.value)


def test_a_figure_has_one_plain_form() -> None:
    """-60, "-60.0", -6E+1 and the int -60 are one figure, Decimal('-60'), with one fingerprint; so
    are 0, "-0", "0.00" and Decimal("-0.0"): 0 has no sign."""
    for forms, plain in (
        ([Decimal("-60"), "-60.0", Decimal("-6E+1"), -60, " -60 "], "-60"),
        ([0, "-0", "0.00", Decimal("-0.0"), "-0E+3"], "0"),
    ):
        events = [FoundFalse(id="f", date="2007-08-01", item="x", points=p) for p in forms]
        assert {plain} == {str(e.points) for e in events}
        assert 1 == len({fingerprint(row_of(e, 0)) for e in events})


def test_an_event_without_points_keeps_its_fingerprint() -> None:
    """The fingerprint of an error or false report without points is that of before points existed."""
    import hashlib

    event = FoundFalse(id="f1", date="2007-08-01", item="JJ-1", note="n")
    old = "\x1f".join(["false_report", "f1", "2007-08-01", "", "JJ-1", "n", ""])
    assert int.from_bytes(hashlib.sha256(old.encode()).digest(), "big") == fingerprint(row_of(event, 0))


def test_points_travel_through_json_lines_csv_the_store_and_python(tmp_path: Path) -> None:
    """A figure given as a JSON number, JSON text or a CSV cell reads as the same event, and comes
    back from the stored form and event_record."""
    jsonl = tmp_path / "e.jsonl"
    jsonl.write_text(
        '{"id":"f1","type":"false_report","date":"2007-08-02","item":"JJ-1","points":-60}\n'
        '{"id":"e1","type":"error","date":"2007-08-03","item":"JJ-1","points":"-2.50"}\n',
        encoding="utf-8",
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "type", "date", "item", "points"])
    writer.writerow(["f1", "false_report", "2007-08-02", "JJ-1", "-60"])
    writer.writerow(["e1", "error", "2007-08-03", "JJ-1", "-2.5"])
    (tmp_path / "e.csv").write_text(out.getvalue(), encoding="utf-8")
    expected = (
        FoundFalse(id="f1", date="2007-08-02", item="JJ-1", points=Decimal("-60")),
        ErrorFound(id="e1", date="2007-08-03", item="JJ-1", points=Decimal("-2.5")),
    )
    assert expected == read_events([jsonl]).events
    assert expected == read_events([tmp_path / "e.csv"]).events
    rows = [row_of(e, 0) for e in expected]
    assert [r[:7] for r in rows] == [from_stored(to_stored(r), 0)[:7] for r in rows]
    assert ['"points":"-60"', '"points":"-2.5"'] == [
        to_stored(r)[to_stored(r).index('"points"') :].split(",")[0].rstrip("}") for r in rows
    ]
    assert [{"id": "f1", "type": "false_report", "date": "2007-08-02", "item": "JJ-1", "points": "-60"}] == [
        event_record(expected[0])
    ]
    assert expected[0] == read_events([_written(tmp_path, event_record(expected[0]))]).events[0]
    with Store.open(tmp_path / "s.store", create=True) as store:
        store.ingest([_item(), *expected], recorded=dt.date(2007, 8, 10))
        stored = store.read()
    assert sorted([_item(), *expected], key=lambda e: e.id) == sorted(stored.events, key=lambda e: e.id)
    from_store = score(stored, rules=PER_CASE, as_of=dt.date(2007, 12, 31))
    assert Decimal("-62.4") == from_store.unit("锦江区").score


def _written(tmp_path: Path, record: dict[str, Any]) -> Path:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def test_a_record_with_points_is_read_by_the_general_path_among_plain_ones(tmp_path: Path) -> None:
    """A block of plain records with one giving points: every event read, in order, points kept."""
    lines = [
        json.dumps(
            {"id": f"s{i}", "type": "submitted", "date": "2007-08-01", "unit": "锦江区", "item": f"J{i}"}
        )
        for i in range(50)
    ]
    lines.insert(
        25, '{"id": "f1", "type": "false_report", "date": "2007-08-02", "item": "J3", "points": -55}'
    )
    path = tmp_path / "e.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    read = read_events([path])
    assert (51, Decimal("-55"), "f1") == (len(read.events), read.events[25].points, read.events[25].id)  # type: ignore[attr-defined]


#: A method of false reports alone, with a range.
RANGED = """
[ruleset]
id = "ranged"
effective = 2007-01-01
default = false

[[clauses]]
id = "Z1"
text = "虚假信息视情节扣50至100分"

[false_report]
clause = "Z1"
points = { from = -100, to = -50 }
"""


def test_a_method_of_a_range_alone_loads() -> None:
    """The full form of a range: false_report.range is (-100, -50), its fixed figure unused (0)."""
    rule = RuleSet.from_toml(RANGED, "r.toml").false_report
    assert rule is not None
    assert ((Decimal(-100), Decimal(-50)), Decimal(0)) == (rule.range, rule.points)


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (
            "points = { from = -50, to = -100 }",
            "false_report.points.to: -100 is below from = -50; from is the lowest figure a case may be given,"
            " to the highest (扣50–100分 is from = -100, to = -50)",
        ),
        ("points = { from = -100 }", "false_report.points.to: missing; expected a number"),
        (
            "points = { from = -100, to = -50, step = 1 }",
            "false_report.points.step: unknown key; the keys known here are: from, to",
        ),
        (
            "points = { from = -100, to = 50 }",
            "false_report.points.to: 50 adds points, but a false report is a deduction; if that is meant,"
            " write allow_positive = true in false_report",
        ),
        (
            'points = { from = "-100", to = -50 }',
            "false_report.points.from: expected a number, found text '-100'",
        ),
        (
            "points = { from = -100, to = -50.00001 }",
            "false_report.points.to: expected at most 4 decimal places, found -50.00001",
        ),
    ],
)
def test_a_malformed_range_is_refused_at_its_key(edit: str, problem: str) -> None:
    """Each mistake in a range is one problem with its key path."""
    text = RANGED.replace("points = { from = -100, to = -50 }", edit)
    with pytest.raises(DataFileError) as caught:
        RuleSet.from_toml(text, "r.toml")
    assert (problem,) == caught.value.problems


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (
            'reached = { clause = "X4", points = -5 }',
            "target.reached.points: -5 takes points away, but reaching the target earns points; if that is"
            " meant, write allow_negative = true in target.reached",
        ),
        (
            'reached = { clause = "X9", points = 5 }',
            "target.reached.clause: names clause 'X9', which [[clauses]] does not list",
        ),
        ('reached = { clause = "X4" }', "target.reached.points: missing; expected a number"),
        ("reached = 5", "target.reached: expected a table, found a whole number 5"),
    ],
)
def test_a_malformed_bonus_is_refused_at_its_key(tmp_path: Path, edit: str, problem: str) -> None:
    """Each mistake in [target] reached is one problem with its key path."""
    text = Path(BONUS).read_text(encoding="utf-8").replace('reached = { clause = "X4", points = 5 }', edit)
    path = tmp_path / "bad-bonus.toml"
    path.write_text(text.replace("example-county-2008.toml", Path(COUNTY).as_posix()), encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        RuleSet.from_file(path)
    assert (problem,) == caught.value.problems


def test_a_bad_figure_on_the_command_line_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """score stops with status 2 and names the file, line and id of a figure outside the range."""
    path = tmp_path / "e.jsonl"
    path.write_text(
        '{"id":"s1","type":"submitted","date":"2007-08-01","unit":"锦江区","item":"J1"}\n'
        '{"id":"f1","type":"false_report","date":"2007-08-02","item":"J1","points":-120}\n',
        encoding="utf-8",
    )
    status = main(["score", str(path), "--rules", PER_CASE, "--as-of", "2007-12-31", "--lang", "en"])
    err = capsys.readouterr().err
    assert 2 == status
    assert (
        f"{path}:2: event f1: points -120 is outside the range of the rule set 'example-doc-per-case-2007' in"
        " force on 2007-08-02 for [false_report]: from -100 to -50"
    ) in err


def test_a_method_of_a_target_bonus_alone_loads() -> None:
    """[target] reached is scoring something: a version with only it (and its clause) loads."""
    text = (
        '[ruleset]\nid = "bonus-only"\neffective = 2007-01-01\n\n'
        '[[clauses]]\nid = "B1"\ntext = "完成目标加5分"\n\n'
        '[target]\nreached = { clause = "B1", points = 5 }\n'
    )
    assert Decimal(5) == RuleSet.from_toml(text, "bonus-only.toml").reached.points  # type: ignore[union-attr]
