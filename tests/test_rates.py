"""Published percentages are exact: every rate and completion is the exact ratio rounded once, half up.

The oracle here computes with fractions; the library with integers. Every form is checked: the
score table, JSON and CSV, the ledger, and bulletins in every format and language.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengdu_infoscore import Adopted, Event, QuotaTable, Submitted, load_quotas, sample_year, score
from chengdu_infoscore.bulletins import monthly_bulletin, year_end_bulletin
from chengdu_infoscore.bulletins.render import bulletin_csv, bulletin_json, bulletin_markdown, bulletin_table
from chengdu_infoscore.periods import Figures
from chengdu_infoscore.reports import ledger_json, ledger_table, results_csv, results_json, results_table
from chengdu_infoscore.results import percent, ratio


def oracle_percent(part: int, whole: int) -> str:
    """The exact ratio as a percentage, rounded once, half up, to one decimal; ``-`` for nothing."""
    if whole == 0:
        return "-"
    tenths = math.floor(Fraction(part * 1000, whole) + Fraction(1, 2))
    return f"{tenths // 10}.{tenths % 10}%"


def oracle_ratio(part: int, whole: int) -> str:
    """The exact ratio rounded once, half up, to four places, as text."""
    q = math.floor(Fraction(part * 10_000, whole) + Fraction(1, 2))
    return f"{q // 10_000}.{q % 10_000:04d}"


# -- the two functions that own every rate ---------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "shown", "exact"),
    [
        (5, 11, "45.5%", "0.4545"),  # 45.4545…: rounding 0.4545 again gave 45.4
        (1, 32, "3.1%", "0.0313"),  # 0.03125 is halfway at four places: half up
        (1, 2000, "0.1%", "0.0005"),  # 0.05 % is halfway at one decimal: half up
        (1, 8, "12.5%", "0.1250"),
        (2, 3, "66.7%", "0.6667"),
        (0, 7, "0.0%", "0.0000"),
        (150, 120, "125.0%", "1.2500"),
        (73, 120, "60.8%", "0.6083"),
    ],
)
def test_rates_worked_by_hand(part: int, whole: int, shown: str, exact: str) -> None:
    """percent() and ratio() on hand-worked counts: 5/11 is 45.5 %, halfway cases go up."""
    assert (shown, Decimal(exact), exact) == (
        percent(part, whole),
        ratio(part, whole),
        str(ratio(part, whole)),
    )


@given(part=st.integers(0, 10**7), whole=st.integers(1, 10**7))
def test_rates_are_the_exact_ratio_rounded_once_half_up(part: int, whole: int) -> None:
    """For any counts, percent() and ratio() equal the fraction rounded once, half up."""
    assert (oracle_percent(part, whole), oracle_ratio(part, whole)) == (
        percent(part, whole),
        str(ratio(part, whole)),
    )


@pytest.mark.parametrize(("part", "whole"), [(-1, 3), (1, 0), (1, -2), (Decimal(1), 3)])
def test_a_rate_of_impossible_counts_is_refused(part: Any, whole: Any) -> None:
    """A negative count, a zero or negative whole, a count that is not an integer: ValueError."""
    with pytest.raises(ValueError, match="a rate needs counts part >= 0 and whole > 0"):
        percent(part, whole)


# -- every printed form, for any counts ------------------------------------------------------------


def table(office_target: int, district_target: int) -> QuotaTable:
    return QuotaTable.from_toml(
        f"""
year = 2007
source = "test"
[[groups]]
key = "district"
label = "区"
basis = "adopted"
[[groups.units]]
name = "乙区"
label = "乙区"
target = {district_target}
[[groups]]
key = "office"
label = "办事处"
basis = "submitted"
[[groups.units]]
name = "甲办"
label = "甲办"
target = {office_target}
""",
        "test.toml",
    )


def log(unit: str, month: int, submitted: int, adopted: int) -> list[Event]:
    """``submitted`` items of ``unit`` in ``month``, the first ``adopted`` of them adopted by 政务信息."""
    events: list[Event] = []
    for i in range(submitted):
        day = dt.date(2007, month, 1 + i % 28)
        events.append(Submitted(id=f"{unit}-s{i}", date=day, unit=unit, item=f"{unit}-{i}"))
        if i < adopted:
            events.append(Adopted(id=f"{unit}-a{i}", date=day, item=f"{unit}-{i}", channel="zwxx"))
    return events


def markdown_rows(text: str) -> list[tuple[str, list[str]]]:
    """Every row of every Markdown table, with the heading of its table."""
    rows, heading = [], ""
    for line in text.splitlines():
        if line.startswith("## "):
            heading = line
        elif line.startswith("| ") and not line.startswith("| ---"):
            rows.append((heading, [c.strip() for c in line[2:-2].split(" | ")]))
    return rows


def check_monthly_markdown(text: str, words: dict[str, str]) -> int:
    """Check every rate of a monthly bulletin in Markdown against the counts of its row; return how many."""
    checked = 0
    for heading, cells in markdown_rows(text):
        if len(cells) != 16 or not cells[3].isdigit():
            continue
        target, m_sub, m_adopt, sub, adopt = (
            int(c) if c else 0 for c in (cells[2], *cells[3:5], *cells[7:9])
        )
        assert (oracle_percent(m_adopt, m_sub), oracle_percent(adopt, sub)) == (cells[5], cells[9])
        if cells[11]:  # a unit's row (totals have no completion)
            counted = adopt if words["adopted"] in heading else sub
            assert oracle_percent(counted, target) == cells[11]
        checked += 1
    return checked


def check_year_end_markdown(text: str, words: dict[str, str]) -> int:
    checked = 0
    for heading, cells in markdown_rows(text):
        if len(cells) != 15 or not cells[0].isdigit():
            continue
        target, sub, adopt = int(cells[2]), int(cells[3]), int(cells[4])
        counted = adopt if words["adopted"] in heading else sub
        assert (oracle_percent(adopt, sub), oracle_percent(counted, target)) == (cells[5], cells[7])
        checked += 1
    return checked


def check_figures_json(f: dict[str, Any]) -> None:
    expected = None if f["submitted"] == 0 else oracle_ratio(f["adopted"], f["submitted"])
    assert expected == f["adoption_rate"]


def check_bulletin_json(data: dict[str, Any]) -> None:
    parts = ["month", "cumulative"] if data["bulletin"] == "monthly" else ["cumulative"]
    for part in parts:
        check_figures_json(data["city"][part])
    for g in data["groups"]:
        for part in parts:
            check_figures_json(g[part])
            for u in g["units"]:
                check_figures_json(u[part])


def check_bulletin_csv(text: str) -> None:
    for row in csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))):
        for part in ("month", "cumulative"):
            if f"{part}_submitted" in row:
                sub, adopt = int(row[f"{part}_submitted"]), int(row[f"{part}_adopted"])
                assert ("" if sub == 0 else oracle_ratio(adopt, sub)) == row[f"{part}_adoption_rate"]


WORDS = {"zh": {"adopted": "采用数"}, "en": {"adopted": "adopted items"}}


@given(
    office=st.tuples(st.integers(1, 400), st.integers(0, 45), st.integers(0, 45)),
    district=st.tuples(st.integers(1, 400), st.integers(0, 45), st.integers(0, 45)),
    month=st.integers(1, 12),
)
def test_every_printed_rate_is_the_exact_ratio_of_its_counts(
    office: tuple[int, int, int], district: tuple[int, int, int], month: int
) -> None:
    """For any counts and targets: the score table, JSON and CSV, the ledger, and monthly and year-end
    bulletins in every form and language print each rate as the exact ratio rounded once, half up."""
    (ot, os_, oa), (dt_, ds, da) = office, district
    quotas = table(ot, dt_)
    results = score(
        [*log("甲办", month, os_, min(oa, os_)), *log("乙区", month, ds, min(da, ds))],
        quotas=quotas,
        as_of=dt.date(2007, 12, 31),
    )
    counted = {"甲办": (os_, ot), "乙区": (min(da, ds), dt_)}
    # score: table, JSON, CSV; explain: table and JSON
    for u in results_json(results)["units"]:
        assert oracle_ratio(*counted[u["unit"]]) == u["completion"]
    for row in csv.DictReader(io.StringIO(results_csv(results).removeprefix("\ufeff"))):
        assert oracle_ratio(*counted[row["unit"]]) == row["completion"]
    for line in results_table(results, quotas, "en").splitlines():
        cells = line.split()
        if cells and cells[0] in counted:
            assert oracle_percent(*counted[cells[0]]) == cells[5]
    for name, (part, whole) in counted.items():
        unit = results.unit(name)
        title = ledger_table(unit, results, "en").splitlines()[0]
        assert f"{part} so far ({oracle_percent(part, whole)})" in title
        assert oracle_ratio(part, whole) == ledger_json(unit, results)["completion"]
    # bulletins: the month of the events (and the next, where the month has nothing) and year end
    for m in sorted({month, min(month + 1, 12)}):
        b = monthly_bulletin(results, quotas, m)
        for lang in ("zh", "en"):
            assert 0 < check_monthly_markdown(bulletin_markdown(b, lang), WORDS[lang])
            assert bulletin_markdown(b, lang).count("%") == bulletin_table(b, lang).count("%")
        check_bulletin_json(bulletin_json(b))
        check_bulletin_csv(bulletin_csv(b))
    y = year_end_bulletin(results, quotas)
    for lang in ("zh", "en"):
        assert 2 == check_year_end_markdown(bulletin_markdown(y, lang), WORDS[lang])
    check_bulletin_json(bulletin_json(y))
    check_bulletin_csv(bulletin_csv(y))


def test_five_of_eleven_is_45_5_percent_everywhere() -> None:
    """A unit with target 11 and 5 counted shows 45.5 % in the score table, the ledger and the bulletins,
    and 0.4545 in JSON."""
    quotas = table(11, 11)
    results = score(log("甲办", 3, 5, 0), quotas=quotas, as_of=dt.date(2007, 12, 31))
    unit = results.unit("甲办")
    b = monthly_bulletin(results, quotas, 3)
    shown = (
        [line.split()[5] for line in results_table(results, quotas).splitlines() if line.startswith("甲办")],
        ledger_table(unit, results).splitlines()[0][-7:],
        [r.completion for g in b.groups for r in g.rows if r.unit.name == "甲办"],
        results_json(results)["units"][1]["completion"],
    )
    assert (["45.5%"], "(45.5%)", ["45.5%"], "0.4545") == shown


def test_figures_round_halfway_rates_up() -> None:
    """An adoption rate exactly halfway at four places (1/32) goes up, as the office rounds."""
    assert (Decimal("0.0313"), None) == (
        Figures(submitted=32, adopted=1).adoption_rate,
        Figures().adoption_rate,
    )


# -- every monthly bulletin of the sample year -----------------------------------------------------


@pytest.fixture(scope="module")
def sample_results() -> Any:
    return score(sample_year(), as_of=dt.date(2007, 12, 31))


@pytest.mark.slow
@pytest.mark.parametrize("month", range(1, 13))
def test_every_rate_of_the_sample_year_monthly_bulletins_is_exact(sample_results: Any, month: int) -> None:
    """In each monthly bulletin of the sample year, in both languages, every printed rate and completion
    is the exact ratio of the counts printed beside it, rounded once, half up; JSON and CSV likewise."""
    quotas = load_quotas(2007)
    b = monthly_bulletin(sample_results, quotas, month)
    rows = [check_monthly_markdown(bulletin_markdown(b, lang), WORDS[lang]) for lang in ("zh", "en")]
    check_bulletin_json(json.loads(json.dumps(bulletin_json(b))))
    check_bulletin_csv(bulletin_csv(b))
    # 118 units, three group totals and the city
    assert [122, 122] == rows


def test_every_rate_of_the_sample_year_end_bulletin_is_exact(sample_results: Any) -> None:
    """The sample year's year-end bulletin: every unit's rate and completion exact, in both languages."""
    y = year_end_bulletin(sample_results, load_quotas(2007))
    assert [118, 118] == [
        check_year_end_markdown(bulletin_markdown(y, lang), WORDS[lang]) for lang in ("zh", "en")
    ]
    check_bulletin_json(bulletin_json(y))
