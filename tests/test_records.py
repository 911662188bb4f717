"""Results and bulletins as records and data frames, and the JSON contract as a public function:
hand-worked records of a small log, records equal to the JSON figures of the sample year, the
same records for the same events in any order, exact Decimals, pandas frames and a clear message
without pandas, and to_json() equal byte for byte to what the command line prints."""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from chengdu_infoscore import (
    Adopted,
    ArgumentTypeError,
    InfoscoreError,
    Instructed,
    Missed,
    MissingExtraError,
    QuotaTable,
    Results,
    Submitted,
    load_quotas,
    month_end,
    monthly_bulletin,
    read_events,
    sample_year,
    score,
    to_json,
    write_jsonl,
    year_end_bulletin,
)
from chengdu_infoscore.bulletins.render import bulletin_json
from chengdu_infoscore.records import LEDGER_KEYS
from chengdu_infoscore.reports import ledger_json, results_json, to_json_text
from chengdu_infoscore.results import ratio
from chengdu_infoscore.testing import event_logs

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "example-2007.jsonl"
RULES_2008 = str(ROOT / "docs" / "example-county-2008.toml")
TARGETS_2008 = str(ROOT / "docs" / "example-targets-2008.toml")
EVENTS_2008 = str(ROOT / "tests" / "targets" / "events-2008.jsonl")

SMALL = [
    Submitted(id="e1", date="2007-03-01", unit="青羊区", item="QY-1", topic="1.7"),
    Adopted(id="e2", date="2007-03-02", item="QY-1", channel="zwxx"),
    Adopted(id="e3", date="2007-03-02", item="QY-1", channel="政务要闻", picture=True),
    Adopted(id="e4", date="2007-03-03", item="QY-1", channel="cddt"),
    Instructed(id="e5", date="2007-03-04", item="QY-1", leader="副市长"),
    Missed(id="e6", date="2007-03-20", unit="青羊区", category="work_dynamic"),
]
CLAUSES = [
    "A3.1.1",
    "A3.1.2",
    "A3.1.3",
    "A3.1.4",
    "A3.1.5",
    "A3.1.6",
    "A3.1.7",
    "A3.2.1",
    "A3.2.2",
    "A3.2.3",
    "A3.2.4",
    "A3.3.1",
]


@pytest.fixture(scope="module")
def sample() -> Results:
    """The sample year, scored as of 31 December."""
    return score(sample_year(), as_of=dt.date(2007, 12, 31))


def cli(*args: str | Path) -> bytes:
    """What the command line writes to standard output (it must succeed quietly)."""
    done = subprocess.run(
        [sys.executable, "-m", "chengdu_infoscore", *map(str, args)], capture_output=True, check=False
    )
    assert (0, b"") == (done.returncode, done.stderr)
    return done.stdout


def _values(value: Any) -> list[Any]:
    """Every scalar within a record's value (a tuple of reasons gives its reasons, a reason's
    parameters their values)."""
    if isinstance(value, dict):
        value = tuple(value.values())
    return [v for item in value for v in _values(item)] if isinstance(value, tuple) else [value]


# -- hand-worked ------------------------------------------------------------------------------------


def test_a_units_record_of_a_small_log_is_worked_by_hand() -> None:
    """青羊区: 0.1 + 4 + 6 + 1 + 8 − 2 = 17.1; one item of 120 adopted toward the target: 1/120 = 0.0083,
    119 short; one work-dynamic report missed."""
    record = score(SMALL).to_records()[1]
    points = {"A3.1.1": "4", "A3.1.3": "7", "A3.1.4": "0.1", "A3.1.6": "8", "A3.2.1": "-2"}
    assert {
        "unit": "青羊区",
        "label": "青羊区",
        "group": "district",
        "basis": "adopted",
        "target": 120,
        "submitted": 1,
        "adopted": 1,
        "counted": 1,
        "completion": Decimal("0.0083"),
        "completed": False,
        "shortfall": 119,
        "score": Decimal("17.1"),
        **{f"breakdown.{c}": Decimal(points.get(c, "0")) for c in CLAUSES},
        "missed.work_dynamic": 1,
        "missed.important": 0,
        "late.work_dynamic": 0,
        "late.important": 0,
        "errors": 0,
        "false_reports": 0,
        "excellent": 0,
        "commissions.on_time": 0,
        "commissions.late": 0,
        "commissions.unanswered": 0,
        "commissions.pending": 0,
        "disqualified": (),
        "capped_on": None,
    } == record


def test_the_ledger_records_of_a_small_log_are_worked_by_hand() -> None:
    """Six lines, all 青羊区's, by date, with the clause, points and reason of each booking (in
    English here; the Chinese reasons are the next test's)."""
    records = score(SMALL).ledger_records(lang="en")
    assert [
        (dt.date(2007, 3, 1), "e1", "A3.1.4", Decimal("0.1"), "submitted item QY-1", "submitted", "1"),
        (dt.date(2007, 3, 2), "e2", "A3.1.1", Decimal("4"), "item QY-1 adopted by 政务信息", "adopted", None),
        (
            dt.date(2007, 3, 2),
            "e3",
            "A3.1.3",
            Decimal("6"),
            "item QY-1 adopted by 政务要闻 with picture",
            None,
            None,
        ),
        (dt.date(2007, 3, 3), "e4", "A3.1.3", Decimal("1"), "item QY-1 adopted by 成都动态", None, None),
        (dt.date(2007, 3, 4), "e5", "A3.1.6", Decimal("8"), "instruction by 副市长 on item QY-1", None, None),
        (
            dt.date(2007, 3, 20),
            "e6",
            "A3.2.1",
            Decimal("-2"),
            "工作动态 missed #1 this year",
            "missed",
            "work_dynamic",
        ),
    ] == [
        (r["date"], r["event"], r["clause"], r["points"], r["reason"], r["tally"], r["key"]) for r in records
    ]
    assert ({"青羊区"}, {"chengdu-2007"}, list(LEDGER_KEYS)) == (
        {r["unit"] for r in records},
        {r["rules"] for r in records},
        list(records[0]),
    )


def test_the_ledger_records_give_reasons_in_chinese_by_default_with_their_codes() -> None:
    """The same six lines: the reason in Chinese, its code and parameters beside it, alike in both."""
    records = score(SMALL).ledger_records()
    assert [
        ("上报信息 QY-1", "reason.submitted", {"item": "QY-1", "note": ""}),
        (
            "信息 QY-1 被《政务信息》采用",
            "reason.adopted",
            {"item": "QY-1", "channel": "政务信息", "note": ""},
        ),
        (
            "信息 QY-1 被《政务要闻》采用(配图)",
            "reason.adopted_picture",
            {"item": "QY-1", "channel": "政务要闻", "note": ""},
        ),
        (
            "信息 QY-1 被《成都动态》采用",
            "reason.adopted",
            {"item": "QY-1", "channel": "成都动态", "note": ""},
        ),
        (
            "副市长批示信息 QY-1",
            "reason.instructed_by",
            {"leader": "副市长", "item": "QY-1", "level": "", "note": ""},
        ),
        ("工作动态 本年第1次漏报", "reason.missed", {"category": "工作动态", "n": 1, "about": ""}),
    ] == [(r["reason"], r["code"], r["params"]) for r in records]
    english = score(SMALL).ledger_records(lang="en")
    assert [(r["code"], r["params"]) for r in records] == [(r["code"], r["params"]) for r in english]


def test_a_monthly_bulletin_record_is_worked_by_hand() -> None:
    """March: 青羊区 ranks first of the districts with 17.1 points, 1 submitted, 1 adopted (rate 1.0000)."""
    results = score(SMALL, as_of=dt.date(2007, 3, 31))
    record = monthly_bulletin(results, load_quotas(2007), 3).to_records()[0]
    assert ("district", 1, "青羊区", 120, 1, Decimal("0.0083"), False, 119) == tuple(
        record[k]
        for k in ("group", "rank", "unit", "target", "counted", "completion", "completed", "shortfall")
    )
    assert (1, 1, Decimal("1.0000"), Decimal("17.1"), 1, 1) == tuple(
        record[k]
        for k in (
            "month.submitted",
            "month.adopted",
            "month.adoption_rate",
            "month.points",
            "month.missed.work_dynamic",
            "cumulative.sections.1",
        )
    )
    assert (0, None, Decimal("0")) == tuple(
        monthly_bulletin(results, load_quotas(2007), 3).to_records()[1][k]
        for k in ("month.submitted", "month.adoption_rate", "month.points")
    )


@pytest.mark.slow
def test_a_unit_without_target_has_none_in_its_record_and_na_in_its_frame() -> None:
    """县档案局 (2008 county example) has no target: target, completion, completed and shortfall are
    None in its record; the frame's count columns stay whole numbers (Int64) with <NA>."""
    pd = pytest.importorskip("pandas")
    results = score(
        read_events([EVENTS_2008]),
        rules=RULES_2008,
        quotas=QuotaTable.from_file(TARGETS_2008),
        as_of=dt.date(2008, 12, 31),
    )
    record = next(r for r in results.to_records() if r["unit"] == "县档案局")
    frame = results.to_frame().set_index("unit")
    assert (None, None, None, None, 5, Decimal("2")) == tuple(
        record[k] for k in ("target", "completion", "completed", "shortfall", "counted", "score")
    )
    assert (True, True, True, "Int64", "boolean", 30) == (
        frame.loc["县档案局", "target"] is pd.NA,
        frame.loc["县档案局", "shortfall"] is pd.NA,
        frame.loc["县档案局", "completed"] is pd.NA,
        str(frame["target"].dtype),
        str(frame["completed"].dtype),
        frame.loc["县政务服务中心", "target"],
    )


# -- the same figures as the JSON ---------------------------------------------------------------


def _as_json(record: dict[str, Any]) -> dict[str, Any]:
    """A unit's record written as the JSON contract writes its unit (commissions as counts); a
    figure is its Decimal's own text, so that 599.0 where the JSON has 599 is a difference."""

    def part(prefix: str) -> dict[str, Any]:
        return {k[len(prefix) + 1 :]: v for k, v in record.items() if k.startswith(prefix + ".")}

    return {
        **{k: v for k, v in record.items() if "." not in k},
        "completion": None if record["completion"] is None else str(record["completion"]),
        # str(), not format_points(): a record holds the JSON's very figure (599, not 599.0).
        "score": str(record["score"]),
        "breakdown": {c: str(p) for c, p in part("breakdown").items()},
        "missed": part("missed"),
        "late": part("late"),
        "commissions": {k: n for k, n in part("commissions").items() if n},
        "disqualified": list(record["disqualified"]),
        "capped_on": None if record["capped_on"] is None else record["capped_on"].isoformat(),
    }


@pytest.mark.slow
def test_the_records_of_the_sample_year_give_the_figures_of_its_json(sample: Results) -> None:
    """Every unit's record of the sample year, written as the JSON writes it, is its unit in the JSON
    (commissions counted by outcome)."""
    expected = [
        {**u, "commissions": dict(Counter(c["outcome"] for c in u["commissions"]))}
        for u in results_json(sample)["units"]
    ]
    assert expected == [_as_json(r) for r in sample.to_records()]


@pytest.mark.slow
def test_ledger_record_points_are_the_jsons_text(sample: Results) -> None:
    """Each ledger record's points, as str(), is the text explain's JSON prints for the line."""
    expected = [
        line["points"]
        for u in sample.units
        for line in json.loads(to_json_text(ledger_json(u, sample)))["ledger"]
    ]
    assert expected == [str(r["points"]) for r in sample.ledger_records()]


@pytest.mark.slow
def test_the_ledger_records_of_the_sample_year_are_its_ledgers(sample: Results) -> None:
    """Ledger records are every line of every unit, in table order; each unit's points add up to its score."""
    records = sample.ledger_records()
    expected = [(u.name, line.date, line.event, line.points) for u in sample.units for line in u.ledger]
    totals: dict[str, Decimal] = {}
    for r in records:
        totals[r["unit"]] = totals.get(r["unit"], Decimal(0)) + r["points"]
    assert expected == [(r["unit"], r["date"], r["event"], r["points"]) for r in records]
    assert {u.name: u.score for u in sample.units if u.name in totals} == totals


def _bulletin_row_as_json(record: dict[str, Any], spans: list[str]) -> dict[str, Any]:
    """A bulletin record written as the bulletin's JSON writes a unit's row."""

    def figures(span: str) -> dict[str, Any]:
        def part(name: str) -> dict[str, Any]:
            prefix = f"{span}.{name}."
            return {k[len(prefix) :]: v for k, v in record.items() if k.startswith(prefix)}

        rate = record[f"{span}.adoption_rate"]
        return {
            **{
                k: record[f"{span}.{k}"]
                for k in ("submitted", "adopted", "errors", "false_reports", "excellent")
            },
            "adoption_rate": None if rate is None else str(rate),
            "points": str(record[f"{span}.points"]),
            "missed": part("missed"),
            "late": part("late"),
            "sections": part("sections"),
        }

    keys = ("rank", "unit", "label", "basis", "target", "counted", "completed", "shortfall")
    return {**{k: record[k] for k in keys}, **{span: figures(span) for span in spans}}


@pytest.mark.parametrize("month", [6, None])
def test_bulletin_records_give_the_figures_of_the_bulletins_json(sample: Results, month: int | None) -> None:
    """June's and the year-end bulletin's records, written as their JSON writes a row, are the JSON's
    rows, group by group in rank order; completion is counted ÷ target to four places."""
    quotas = load_quotas(2007)
    bulletin = monthly_bulletin(sample, quotas, month) if month else year_end_bulletin(sample, quotas)
    spans = ["month", "cumulative"] if month else ["cumulative"]
    data = bulletin_json(bulletin)
    expected = [(g["group"], row) for g in data["groups"] for row in g["units"]]
    records = bulletin.to_records()
    assert expected == [(r["group"], _bulletin_row_as_json(r, spans)) for r in records]
    assert [
        None if row["target"] is None else ratio(row["counted"], row["target"]) for _, row in expected
    ] == [r["completion"] for r in records]
    if month is None:
        assert [sample.unit(r["unit"]).completion for r in records] == [r["completion"] for r in records]


# -- determinism and exactness -------------------------------------------------------------------


@pytest.mark.slow
@given(log=event_logs(max_items=8))
def test_the_same_events_in_any_order_give_the_same_records(log: list[Any]) -> None:
    """Records, ledger records and bulletin records are equal, keys in the same order, for a shuffled log."""
    shuffled = list(log)
    random.Random(len(log)).shuffle(shuffled)
    a, b = score(log, as_of=dt.date(2007, 12, 31)), score(shuffled, as_of=dt.date(2007, 12, 31))
    quotas = load_quotas(2007)

    def everything(r: Results) -> list[Any]:
        made = [r.to_records(), r.ledger_records(), year_end_bulletin(r, quotas).to_records()]
        return [[list(x.items()) for x in records] for records in made]

    assert everything(a) == everything(b)


@pytest.mark.slow
def test_every_record_has_the_same_keys_and_exact_values_only(sample: Results) -> None:
    """No float anywhere: points and rates are Decimals; every record of a call has the keys of the first."""
    quotas = load_quotas(2007)
    made = {
        "units": sample.to_records(),
        "ledger": sample.ledger_records(),
        "monthly": monthly_bulletin(sample, quotas, 9).to_records(),
        "year_end": year_end_bulletin(sample, quotas).to_records(),
    }
    kinds = {
        name: {type(v).__name__ for r in records for value in r.values() for v in _values(value)}
        for name, records in made.items()
    }
    assert {name: [True] for name in made} == {
        name: sorted({list(r) == list(records[0]) for r in records}) for name, records in made.items()
    }
    assert {
        "units": {"str", "int", "Decimal", "bool", "NoneType", "date"},
        "ledger": {"str", "int", "date", "Decimal", "NoneType"},
        "monthly": {"str", "int", "Decimal", "bool", "NoneType"},
        "year_end": {"str", "int", "Decimal", "bool"},
    } == kinds


def test_a_records_breakdown_adds_up_to_its_score_exactly(sample: Results) -> None:
    """For every unit, the sum of its breakdown.* Decimals is its score, with no rounding."""
    records = sample.to_records()
    assert [r["score"] for r in records] == [
        sum((v for k, v in r.items() if k.startswith("breakdown.")), Decimal(0)) for r in records
    ]


# -- frames -------------------------------------------------------------------------------------


def test_the_frame_of_the_year_holds_the_records_exactly(sample: Results) -> None:
    """One row per unit, a column per record key; Decimals stay Decimals (the total is exact)."""
    pytest.importorskip("pandas")
    records = sample.to_records()
    frame = sample.to_frame()
    assert (list(records[0]), len(records)) == (list(frame.columns), len(frame))
    assert records == frame.astype(object).to_dict("records")
    assert (Decimal, sum((u.score for u in sample.units), Decimal(0))) == (
        type(frame["score"].sum()),
        frame["score"].sum(),
    )
    assert {"Int64": 16, "boolean": 1, "object": 20} == frame.dtypes.astype(str).value_counts().to_dict()


@pytest.mark.slow
def test_the_ledger_and_bulletin_frames_hold_their_records(sample: Results) -> None:
    """ledger_frame() and a bulletin's to_frame() are their records, row for row, dates as datetime.date."""
    pytest.importorskip("pandas")
    bulletin = monthly_bulletin(sample, load_quotas(2007), 9)
    ledger = sample.ledger_frame()
    assert sample.ledger_records() == ledger.astype(object).to_dict("records")
    assert bulletin.to_records() == bulletin.to_frame().astype(object).to_dict("records")
    assert (dt.date, "object", "Int64") == (
        type(ledger["date"].iloc[0]),
        str(ledger["points"].dtype),
        str(bulletin.to_frame()["rank"].dtype),
    )


def test_an_empty_ledger_gives_a_frame_with_its_columns() -> None:
    """Results without any event: no ledger line, and the ledger frame still has its ten columns."""
    pytest.importorskip("pandas")
    frame = score([]).ledger_frame()
    assert (0, list(LEDGER_KEYS)) == (len(frame), list(frame.columns))


@pytest.mark.parametrize("make", ["results", "ledger", "bulletin"])
def test_without_pandas_a_frame_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch, make: str
) -> None:
    """With pandas missing, to_frame() raises MissingExtraError (an InfoscoreError and an ImportError)
    naming the extra; records need no pandas."""
    results = score(SMALL)
    monkeypatch.setitem(sys.modules, "pandas", None)
    calls = {
        "results": results.to_frame,
        "ledger": results.ledger_frame,
        "bulletin": monthly_bulletin(results, load_quotas(2007), 2).to_frame,
    }
    with pytest.raises(MissingExtraError) as caught:
        calls[make]()
    assert (
        "a data frame needs pandas, which is not installed: pip install 'chengdu-infoscore[frames]'",
        True,
        True,
        "frames",
        118,
    ) == (
        str(caught.value),
        isinstance(caught.value, InfoscoreError),
        isinstance(caught.value, ImportError),
        caught.value.extra,
        len(results.to_records()),
    )


@pytest.mark.slow
def test_the_package_does_not_import_pandas() -> None:
    """Importing chengdu_infoscore and scoring, records included, never imports pandas."""
    code = (
        "import sys, chengdu_infoscore as c; r = c.score([]); r.to_records(); r.to_json();"
        " print('pandas' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert b"False\n" == done.stdout


# -- the JSON contract --------------------------------------------------------------------------


@pytest.mark.slow
def test_to_json_is_what_score_format_json_prints_byte_for_byte() -> None:
    """to_json(score(read_events([log]))) is the standard output of `score LOG --format json`."""
    results = score(read_events([EXAMPLE]))
    assert cli("score", EXAMPLE, "--format", "json") == to_json(results).encode("utf-8")
    assert to_json(results) == results.to_json()


@pytest.mark.slow
def test_to_json_of_the_sample_year_is_what_score_prints(tmp_path: Path, sample: Results) -> None:
    """For the sample year written as a file, to_json() equals `score --as-of 2007-12-31 --format json`."""
    log = tmp_path / "sample.jsonl"
    with log.open("w", encoding="utf-8") as out:
        write_jsonl(sample_year(), out)
    results = score(read_events([log]), as_of=dt.date(2007, 12, 31))
    expected = cli("score", log, "--as-of", "2007-12-31", "--format", "json")
    assert expected == to_json(results).encode("utf-8")
    assert results_json(sample)["units"] == results_json(results)["units"]


@pytest.mark.slow
def test_to_json_of_a_bulletin_is_what_bulletin_format_json_prints() -> None:
    """A monthly and a year-end bulletin: to_json() equals `bulletin … --format json`, byte for byte."""
    read, quotas = read_events([EXAMPLE]), load_quotas(2007)
    june = monthly_bulletin(score(read, as_of=month_end(2007, 6)), quotas, 6)
    year_end = year_end_bulletin(score(read, as_of=dt.date(2007, 12, 31)), quotas)
    assert cli("bulletin", EXAMPLE, "--month", "2007-06", "--format", "json") == to_json(june).encode("utf-8")
    assert cli("bulletin", EXAMPLE, "--year-end", "--format", "json") == year_end.to_json().encode("utf-8")


def test_to_json_of_something_else_names_what_it_takes() -> None:
    """to_json of a dict (say, results_json's) is an ArgumentTypeError saying what it takes."""
    with pytest.raises(ArgumentTypeError) as caught:
        to_json(results_json(score([])))  # type: ignore[arg-type]
    assert (
        "value must be the Results of score() or a bulletin of monthly_bulletin() or year_end_bulletin(),"
        " not a dict"
    ) == str(caught.value)
