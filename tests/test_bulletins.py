"""Monthly and year-end bulletins: figures, ranking, the lists they name, and every output form."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengdu_infoscore import (
    Adopted,
    Commissioned,
    Event,
    Missed,
    SelectedExcellent,
    Submitted,
    load_quotas,
    score,
)
from chengdu_infoscore.bulletins import monthly_bulletin, year_end_bulletin
from chengdu_infoscore.bulletins.render import bulletin_csv, bulletin_json, bulletin_markdown, bulletin_table
from chengdu_infoscore.periods import month_end
from chengdu_infoscore.reports import display_width
from chengdu_infoscore.testing import event_logs

QUOTAS = load_quotas(2007)
ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "example-2007.jsonl"


def small_log() -> list[Event]:
    """Three units in May and June 2007, worked by hand in the tests below."""
    return [
        # 锦江区: one item in May adopted in June by 政务信息 (4) → May 0.1, June 4.
        Submitted(id="a1", date="2007-05-03", unit="锦江区", item="J1", topic="1.2"),
        Adopted(id="a2", date="2007-06-04", item="J1", channel="zwxx"),
        # 青羊区: two items in May, one adopted in May by 政务要闻 with picture (6) → May 6.2.
        Submitted(id="b1", date="2007-05-10", unit="青羊区", item="Q1", topic="3.4"),
        Submitted(id="b2", date="2007-05-11", unit="青羊区", item="Q2"),
        Adopted(id="b3", date="2007-05-12", item="Q1", channel="zwyw", picture=True),
        SelectedExcellent(id="b4", date="2007-05-20", item="Q1"),
        # 金牛区: missed in May (−2); a commission due 06-15 pending at May's end, overdue at June's.
        Missed(id="c1", date="2007-05-15", unit="金牛区", category="work_dynamic"),
        Commissioned(id="c2", date="2007-05-25", unit="金牛区", commission="YG-9", due="2007-06-15"),
        # 上海办 (office): 3 submissions in June.
        *[Submitted(id=f"d{i}", date=f"2007-06-0{i + 1}", unit="上海办", item=f"S{i}") for i in range(3)],
    ]


def test_may_bulletin_worked_by_hand() -> None:
    """May: ranks by cumulative points, month figures, zero lists, pending commission, excellent item."""
    b = monthly_bulletin(score(small_log(), as_of=dt.date(2007, 6, 30)), QUOTAS, 5)
    district = b.groups[0]
    top = [(r.rank, r.unit.name, str(r.cumulative.points)) for r in district.rows[:3]]
    assert [(1, "青羊区", "6.2"), (2, "锦江区", "0.1"), (3, "武侯区", "0")] == top
    assert ("金牛区", -2) == (district.rows[-1].unit.name, district.rows[-1].cumulative.points)
    qy = district.rows[0]
    assert (2, 1, "0.5000", 1) == (
        qy.month.submitted,
        qy.month.adopted,
        str(qy.month.adoption_rate),
        qy.counted,
    )
    assert ("2007-05-31", 3, 1) == (b.as_of.isoformat(), b.city_month.submitted, b.city_month.adopted)
    assert (
        "锦江区" not in b.zero_submission,
        "锦江区" in b.zero_adoption,
        "上海办" in b.zero_submission,
    ) == (
        True,
        True,
        True,
    )
    assert [("金牛区", "YG-9", "pending")] == [(n.unit, n.commission, n.status) for n in b.pending]
    assert ([], ["Q1"]) == (list(b.overdue), [x.item for x in b.excellent])
    assert (("1", 1), ("2", 0), ("3", 1), ("4", 0), ("5", 0), ("none", 1)) == b.city_month.sections


def test_june_bulletin_sees_the_overdue_commission() -> None:
    """June: the commission due 06-15 is overdue (−10 in June), and 锦江区's adoption counts in June."""
    b = monthly_bulletin(score(small_log(), as_of=dt.date(2007, 6, 30)), QUOTAS, 6)
    rows = {r.unit.name: r for g in b.groups for r in g.rows}
    assert ("-10", "-12") == (str(rows["金牛区"].month.points), str(rows["金牛区"].cumulative.points))
    assert (1, "4", "4.1") == (
        rows["锦江区"].month.adopted,
        str(rows["锦江区"].month.points),
        str(rows["锦江区"].cumulative.points),
    )
    assert (["YG-9"], []) == ([n.commission for n in b.overdue], list(b.pending))
    assert (3, "0.3", 3) == (
        rows["上海办"].month.submitted,
        str(rows["上海办"].month.points),
        rows["上海办"].counted,
    )


def test_ties_are_broken_by_table_order() -> None:
    """Units with equal points, targets counted and submissions keep the target table's order."""
    b = monthly_bulletin(score([], as_of=dt.date(2007, 1, 31)), QUOTAS, 1)
    assert [u.name for u in QUOTAS if u.group == "department"] == [r.unit.name for r in b.groups[1].rows]


@pytest.mark.slow
@given(log=event_logs(), month=st.integers(1, 12))
def test_bulletin_cumulative_figures_equal_score_as_of_month_end(log: list[Event], month: int) -> None:
    """A bulletin's cumulative figures for every unit equal score(as_of=the month's last day)."""
    b = monthly_bulletin(score(log, as_of=dt.date(2007, 12, 31)), QUOTAS, month)
    direct = {u.unit.name: u for u in score(log, as_of=month_end(2007, month)).units}
    for g in b.groups:
        for r in g.rows:
            u = direct[r.unit.name]
            assert (u.submitted, u.adopted, u.score) == (
                r.cumulative.submitted,
                r.cumulative.adopted,
                r.cumulative.points,
            )
            pending = {c.commission for c in u.pending}
            assert pending == {n.commission for n in b.pending if n.unit == r.unit.name}


@pytest.mark.slow
@given(log=event_logs())
def test_city_totals_are_the_sum_of_the_groups(log: list[Event]) -> None:
    """The whole city's cumulative points are the sum of its groups' and of all units'."""
    b = monthly_bulletin(score(log, as_of=dt.date(2007, 12, 31)), QUOTAS, 12)
    assert b.city_cumulative.points == sum(
        (g.cumulative.points for g in b.groups), start=b.city_cumulative.points * 0
    )
    assert b.city_cumulative.points == sum(
        (u.score for u in score(log, as_of=dt.date(2007, 12, 31)).units), start=b.city_cumulative.points * 0
    )


def test_year_end_completion_and_commendation() -> None:
    """Year end: 上海办 reaches 800 submissions and completes; the top N of each group are proposed."""
    log = [
        Submitted(
            id=f"s{i}", date=dt.date(2007, 1, 1) + dt.timedelta(days=i % 360), unit="上海办", item=f"S{i}"
        )
        for i in range(800)
    ]
    log += small_log()[:6]
    b = year_end_bulletin(score(log, as_of=dt.date(2007, 12, 31)), QUOTAS, top=2)
    assert ["上海办"] == [r.unit.name for r in b.completed]
    assert 117 == len(b.not_completed)
    short = {r.unit.name: r.shortfall for r in b.not_completed}
    assert (119, 119, 1500) == (short["青羊区"], short["锦江区"], short["北京办"])
    commended = dict(b.commended)
    assert (["青羊区", "锦江区"], ["上海办", "北京办"]) == (
        [r.unit.name for r in commended["district"]],
        [r.unit.name for r in commended["office"]],
    )


def test_year_end_needs_results_as_of_31_december() -> None:
    """A year-end bulletin of results as of June is refused with a clear message."""
    with pytest.raises(ValueError, match="as of 2007-12-31"):
        year_end_bulletin(score([], as_of=dt.date(2007, 6, 30)), QUOTAS)


def test_a_month_after_the_results_is_refused() -> None:
    """A bulletin for July from results as of June is refused: July's figures are not known."""
    with pytest.raises(ValueError, match="before the end of 2007-07"):
        monthly_bulletin(score([], as_of=dt.date(2007, 6, 30)), QUOTAS, 7)


def test_json_contract_names_month_and_cumulative() -> None:
    """The JSON names each unit's month and cumulative figures plainly, points as decimal strings."""
    data = bulletin_json(monthly_bulletin(score(small_log(), as_of=dt.date(2007, 6, 30)), QUOTAS, 6))
    assert ("monthly", 2007, 6, ["district", "department", "office"]) == (
        data["bulletin"],
        data["year"],
        data["month"],
        [g["group"] for g in data["groups"]],
    )
    jj = next(u for u in data["groups"][0]["units"] if u["unit"] == "锦江区")
    assert {"submitted": 0, "adopted": 1, "adoption_rate": None, "points": "4"} == {
        k: jj["month"][k] for k in ("submitted", "adopted", "adoption_rate", "points")
    }
    assert {"submitted": 1, "adopted": 1, "adoption_rate": "1.0000", "points": "4.1"} == {
        k: jj["cumulative"][k] for k in ("submitted", "adopted", "adoption_rate", "points")
    }
    assert [{"unit": "金牛区", "commission": "YG-9", "issued": "2007-05-25", "due": "2007-06-15"}] == data[
        "overdue_commissions"
    ]


def test_tables_markdown_and_csv() -> None:
    """Text tables align by display width; Markdown has a section per table and list; CSV has a BOM."""
    b = monthly_bulletin(score(small_log(), as_of=dt.date(2007, 6, 30)), QUOTAS, 6)
    text = bulletin_table(b)
    district = text.split("\n\n")[1].splitlines()[1:]  # header, rule and rows, without the heading
    assert (22, 1) == (len(district), len({display_width(line) for line in district}))
    assert text.startswith("2007年6月全市政务信息报送情况通报\n")
    assert bulletin_table(b, "en").startswith("Government information bulletin, 2007-06\n")
    markdown = bulletin_markdown(b)
    headings = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert (11, "| 排名 | 单位 | 任务数 |") == (len(headings), markdown.split("\n\n")[3][:17])
    lines = bulletin_csv(b).splitlines()
    assert ("\ufeffgroup,rank,unit,label,target", 119) == (lines[0][:29], len(lines))


def cli(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "chengdu_infoscore", *map(str, args)], capture_output=True, check=False
    )


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
@pytest.mark.parametrize("which", [["--month", "2007-07"], ["--year-end"]])
def test_bulletin_command_every_form(fmt: str, which: list[str]) -> None:
    """chengdu-infoscore bulletin prints every form of both bulletins and exits 0."""
    done = cli("bulletin", EXAMPLE, *which, "--format", fmt)
    assert (0, b"") == (done.returncode, done.stderr)


@pytest.mark.slow
def test_bulletin_command_json_matches_the_api() -> None:
    """The command's JSON is the API's bulletin_json of the same month."""
    done = cli("bulletin", EXAMPLE, "--month", "2007-07", "--format", "json")
    from chengdu_infoscore import read_events

    read = read_events([EXAMPLE])
    expected = bulletin_json(monthly_bulletin(score(read.events, as_of=dt.date(2007, 7, 31)), QUOTAS, 7))
    assert expected == json.loads(done.stdout)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--month", "2007-13"], "not a month of the form YYYY-MM"),
        (["--month", "2007-07", "--as-of", "2007-07-01"], "leave out --as-of"),
        (["--month", "2007-07", "--year-end"], "not allowed with argument"),
        (["--year-end", "--top", "-1"], "argument --top: '-1' is not a number of units: expected 0 or more"),
    ],
)
def test_bulletin_usage_problems(args: list[str], words: str) -> None:
    """Bad bulletin options exit 2 with a message and no traceback."""
    done = cli("bulletin", EXAMPLE, *args)
    err = done.stderr.decode("utf-8")
    assert (2, True, False) == (done.returncode, words in err, "Traceback" in err)


@pytest.mark.slow
def test_demo_prints_a_monthly_and_the_year_end_bulletin() -> None:
    """demo needs no input and prints June's bulletin and the year-end bulletin of the sample year."""
    done = cli("demo")
    text = done.stdout.decode("utf-8")
    assert (0, True, True, True) == (
        done.returncode,
        text.startswith("2007年6月全市政务信息报送情况通报\n"),
        "2007年度全市政务信息工作通报" in text,
        "拟表彰先进单位(各组综合得分前3名)" in text,
    )


@pytest.mark.slow
def test_sample_command_writes_the_sample_year(tmp_path: Path) -> None:
    """sample --out writes the log that sample_year() builds; scoring the file equals scoring the events."""
    from chengdu_infoscore import read_events, sample_year
    from chengdu_infoscore.reports import results_json

    out = tmp_path / "year.jsonl"
    done = cli("sample", "--out", out)
    read = read_events([out])
    assert (0, (), len(sample_year())) == (done.returncode, read.rejections, len(read.events))
    assert results_json(score(sample_year()))["units"] == results_json(score(read.events))["units"]
    assert out.read_bytes() == cli("sample", "--out", "-").stdout


def test_a_disqualified_unit_is_passed_over_for_commendation() -> None:
    """Under a version that bars units after a false report, a barred unit is listed and never commended."""
    from importlib import resources

    from chengdu_infoscore import FoundFalse, RuleSet

    text = (resources.files("chengdu_infoscore.rules") / "ruleset-2007.toml").read_text(encoding="utf-8")
    rules = RuleSet.from_toml(
        text + '\n[[disqualification]]\nwhen = "false_report"\nreason = "上报虚假信息"\n'
    )
    log = [*small_log(), FoundFalse(id="z", date="2007-09-01", item="Q2")]
    b = year_end_bulletin(score(log, rules=rules, as_of=dt.date(2007, 12, 31)), QUOTAS, top=2)
    # 青羊区: 6.2 − 30 = −23.8, last of its group, and barred anyway; 锦江区 (4.1) leads.
    assert ((("青羊区", ("上报虚假信息",)),), ["锦江区", "武侯区"]) == (
        b.disqualified,
        [r.unit.name for r in dict(b.commended)["district"]],
    )


def test_year_end_names_capped_units_and_totals_by_clause() -> None:
    """Year end: 市粮食局 (target 5) capped on its 26th submission's day; city points by clause add up."""
    log = [
        Submitted(
            id=f"g{i:02d}", date=dt.date(2007, 2, 1) + dt.timedelta(days=i), unit="市粮食局", item=f"G{i}"
        )
        for i in range(30)
    ]
    log += small_log()
    results = score(log, as_of=dt.date(2007, 12, 31))
    b = year_end_bulletin(results, QUOTAS)
    totals = dict(b.by_clause)
    assert ((("市粮食局", dt.date(2007, 2, 26)),), sum(u.score for u in results.units)) == (
        b.capped,
        sum(totals.values()),
    )
    # A3.1.4: 2.5 (capped) + 0.1 + 0.2 + 0.3 for small_log's six submissions; −2 missed, −10 unanswered.
    assert (Decimal("3.1"), Decimal("-12")) == (totals["A3.1.4"], totals["A3.2.1"] + totals["A3.2.3"])
