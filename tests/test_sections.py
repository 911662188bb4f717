"""A method states only what it has: sections left out, events it does not score rejected, the year
that follows the versions given, and submission caps that differ by group of units."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from importlib import resources
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengdu_infoscore import (
    Adopted,
    ArgumentError,
    Commissioned,
    DataFileError,
    ErrorFound,
    Event,
    FoundFalse,
    HigherAdopted,
    Instructed,
    Missed,
    QuotaTable,
    ReportedLate,
    RuleSet,
    SelectedExcellent,
    Submitted,
    Timeline,
    load_quotas,
    load_rules,
    monthly_bulletin,
    periods,
    score,
    year_end_bulletin,
)
from chengdu_infoscore.live import Scorer
from chengdu_infoscore.testing import event_logs

ROOT = Path(__file__).parent.parent
RULES_2007 = (resources.files("chengdu_infoscore.rules") / "ruleset-2007.toml").read_text(encoding="utf-8")

COUNTY = """
[ruleset]
id = "county-2007"
effective = 2007-01-01

[[clauses]]
id = "C1"
text = "县政府信息采用每条3分。"

[[clauses]]
id = "C2"
text = "县网站采用每条1分。"

[[clauses]]
id = "C3"
text = "上报信息每条0.5分,每年不超过5分。"

[channels.county]
label = "县政府信息"
clause = "C1"
points = 3
counts_toward_target = true

[channels.web]
label = "县网站"
clause = "C2"
points = 1
counts_toward_target = false

[submission]
clause = "C3"
points = 0.5
cap = 5
"""


def without(text: str, *headers: str) -> str:
    """The TOML ``text`` without the tables whose header starts with one of ``headers``."""
    kept: list[str] = []
    skipping = False
    for line in text.splitlines(keepends=True):
        if line.startswith("["):
            skipping = any(line.startswith(h) for h in headers)
        if not skipping:
            kept.append(line)
    return "".join(kept)


def county_events() -> list[Event]:
    """Submissions, adoptions by both channels, and events the county's method does not score."""
    return [
        *(Submitted(id=f"s{n}", date=f"2007-03-{n:02d}", unit="锦江区", item=f"J{n}") for n in range(1, 13)),
        Adopted(id="a1", date="2007-03-20", unit="锦江区", item="J1", channel="county"),
        Adopted(id="a2", date="2007-03-21", unit="锦江区", item="J1", channel="县网站"),
        Adopted(id="a3", date="2007-03-22", unit="锦江区", item="J2", channel="web"),
        Instructed(id="i1", date="2007-05-02", unit="锦江区", item="J1"),
        Missed(id="m1", date="2007-05-03", unit="青羊区", category="work_dynamic"),
        Commissioned(id="c1", date="2007-05-04", unit="青羊区", commission="K1", due="2007-05-10"),
    ]


def test_a_two_channel_county_method_scores_and_rejects_what_it_does_not_score() -> None:
    """12 submissions at 0.5 capped at 5, adoptions 3 + 1 + 1: 锦江区 scores 10; the instruction,
    the missed report and the commission are rejected, each saying why."""
    results = score(county_events(), rules=RuleSet.from_toml(COUNTY, "county.toml"))
    jj = results.unit("锦江区")
    assert (Decimal(10), (("C1", Decimal(3)), ("C2", Decimal(2)), ("C3", Decimal(5)))) == (
        jj.score,
        jj.breakdown,
    )
    assert (12, 1, dt.date(2007, 3, 11)) == (jj.submitted, jj.adopted, jj.capped_on)
    assert [
        (
            "c1",
            "the rule set 'county-2007' in force on 2007-05-04 does not score commissions"
            " (no [commission] section)",
        ),
        (
            "i1",
            "the rule set 'county-2007' in force on 2007-05-02 does not score instructions"
            " (no [instruction] section)",
        ),
        (
            "m1",
            "the rule set 'county-2007' in force on 2007-05-03 does not score missed reports"
            " (no [categories] section)",
        ),
    ] == [(r.event, r.reason) for r in results.rejections]
    assert (len(county_events()), 15) == (results.read, results.counted)
    qy = results.unit("青羊区")
    zero = Decimal(0)
    assert ((("C1", zero), ("C2", zero), ("C3", zero)), (), ()) == (qy.breakdown, qy.missed, qy.commissions)


@pytest.mark.parametrize(
    ("headers", "event", "reason"),
    [
        (
            ("[channels",),
            Adopted(id="x", date="2007-04-01", unit="锦江区", item="J1", channel="zwxx"),
            "does not score adoptions (no [channels] section)",
        ),
        (
            ("[instruction",),
            Instructed(id="x", date="2007-04-01", unit="锦江区", item="J1"),
            "does not score instructions (no [instruction] section)",
        ),
        (
            ("[levels",),
            HigherAdopted(id="x", date="2007-04-01", unit="锦江区", item="J1", level="province"),
            "does not score adoptions by higher offices (no [levels] section)",
        ),
        (
            ("[categories",),
            ReportedLate(id="x", date="2007-04-01", unit="锦江区", category="important"),
            "does not score late reports (no [categories] section)",
        ),
        (
            ("[error",),
            ErrorFound(id="x", date="2007-04-01", unit="锦江区", item="J1"),
            "does not score errors (no [error] section)",
        ),
        (
            ("[false_report",),
            FoundFalse(id="x", date="2007-04-01", unit="锦江区", item="J1"),
            "does not score false reports (no [false_report] section)",
        ),
        (
            ("[excellent",),
            SelectedExcellent(id="x", date="2007-04-01", unit="锦江区", item="J1"),
            "does not score excellent items (no [excellent] section)",
        ),
        (
            ("[commission",),
            Commissioned(id="x", date="2007-04-01", unit="锦江区", commission="K9", due="2007-04-09"),
            "does not score commissions (no [commission] section)",
        ),
    ],
)
def test_each_section_left_out_rejects_its_events(
    headers: tuple[str, ...], event: Event, reason: str
) -> None:
    """The 2007 file without one section loads, and an event of that section's type is rejected."""
    version = RuleSet.from_toml(without(RULES_2007, *headers), "cut.toml")
    submitted = Submitted(id="s", date="2007-03-01", unit="锦江区", item="J1")
    results = score([submitted, event], rules=version)
    assert [("x", f"the rule set 'chengdu-2007' in force on 2007-04-01 {reason}")] == [
        (r.event, r.reason) for r in results.rejections
    ]


def test_without_submission_a_submission_counts_and_earns_nothing() -> None:
    """Without [submission], a submission makes its item (an adoption of it scores) and books no line."""
    version = RuleSet.from_toml(without(RULES_2007, "[submission"), "cut.toml")
    events = [
        Submitted(id="s", date="2007-03-01", unit="锦江区", item="J1"),
        Adopted(id="a", date="2007-03-02", unit="锦江区", item="J1", channel="zwxx"),
    ]
    jj = score(events, rules=version).unit("锦江区")
    earned = {c: p for c, p in jj.breakdown if p}
    assert (1, 1, {"A3.1.1": Decimal(4)}, 1) == (jj.submitted, jj.adopted, earned, len(jj.ledger))


def test_a_version_that_scores_nothing_is_refused() -> None:
    """A file with only [ruleset] and [[clauses]] is a DataFileError saying what it needs."""
    text = '[ruleset]\nid = "x"\neffective = 2007-01-01\n\n[[clauses]]\nid = "C1"\ntext = "t"\n'
    with pytest.raises(DataFileError) as info:
        RuleSet.from_toml(text, "empty.toml")
    assert [
        "the version scores nothing: give at least one of [channels], [submission], [commission],"
        " [instruction], [levels], [categories], [error], [false_report], [excellent], [target] reached"
        " or [[extensions]]"
    ] == list(info.value.problems)


def test_a_commission_issued_before_a_version_without_commissions_is_still_judged() -> None:
    """Issued under 2007 and answered on time after a version without [commission] takes over, the
    answer earns 2007's 4 points; another, never answered, costs 2007's 10."""
    later = RuleSet.from_toml(
        without(RULES_2007, "[commission")
        .replace('id = "chengdu-2007"', 'id = "later"\nbase = "chengdu-2007"')
        .replace("effective = 2007-01-01", "effective = 2007-06-01"),
        "later.toml",
    )
    events = [
        Commissioned(id="c1", date="2007-05-20", unit="锦江区", commission="K1", due="2007-06-10"),
        Commissioned(id="c2", date="2007-05-20", unit="锦江区", commission="K2", due="2007-06-10"),
        Submitted(id="s1", date="2007-06-05", unit="锦江区", item="J1", commission="K1"),
    ]
    results = score(events, rules=Timeline((load_rules(2007), later)), as_of=dt.date(2007, 12, 31))
    jj = results.unit("锦江区")
    earned = {c: p for c, p in jj.breakdown if p}
    assert {"A3.1.4": Decimal("0.1"), "A3.1.5": Decimal(4), "A3.2.3": Decimal(-10)} == earned
    assert ["on_time", "unanswered"] == [c.outcome for c in jj.commissions]


SECTIONS = (
    "channels",
    "submission",
    "commission",
    "instruction",
    "levels",
    "categories",
    "error",
    "false_report",
    "excellent",
)


def _cut(names: frozenset[str]) -> RuleSet:
    """The 2007 rules, in Python, without the sections ``names``."""
    empty: dict[str, object] = {
        "channels": (),
        "levels": (),
        "categories": (),
        "submission": None,
        "commission": None,
        "instruction": None,
        "error": None,
        "false_report": None,
        "excellent": None,
    }
    return attrs.evolve(load_rules(2007), **{n: empty[n] for n in names}, disqualifications=())


@pytest.mark.slow
@given(log=event_logs(max_items=30), names=st.frozensets(st.sampled_from(SECTIONS)))
def test_any_sections_left_out_never_crash_and_lose_nothing(log: list[Event], names: frozenset[str]) -> None:
    """The 2007 rules with any sections removed score any valid log: every event is counted or
    rejected, and the live scorer gives the same figures."""
    rules = _cut(names)
    results = score(log, rules=rules, as_of=dt.date(2007, 12, 31))
    assert len(log) == results.read == results.counted + len(results.rejections) + results.repeats
    scorer = Scorer(rules=rules)
    scorer.add(log)
    live = scorer.results(as_of=dt.date(2007, 12, 31))
    assert [u.score for u in results.units] == [u.score for u in live.units]
    assert results.rejections == live.rejections
    # The month-by-month figures (bulletins) count what score counts, sections or none.
    year = periods(results)
    assert [(u.submitted, u.adopted, u.score) for u in results.units] == [
        (c.submitted, c.adopted, c.points)
        for c in (year.unit(u.unit.name).cumulative[-1] for u in results.units)
    ]


def test_without_submission_the_bulletins_count_the_submissions() -> None:
    """Without [submission], 北京办's one submission shows in the March bulletin and at year end, as in
    score: submitted 1 (of a submitted-items target of 1 500), shortfall 1 499."""
    version = RuleSet.from_toml(without(RULES_2007, "[submission"), "cut.toml")
    events = [Submitted(id="s", date="2007-03-12", unit="北京办", item="B1")]
    results = score(events, rules=version, as_of=dt.date(2007, 12, 31))
    quotas = load_quotas(2007)
    rows = [r for g in monthly_bulletin(results, quotas, 3).groups for r in g.rows if r.unit.name == "北京办"]
    ends = [r for g in year_end_bulletin(results, quotas).groups for r in g.rows if r.unit.name == "北京办"]
    assert (1, 1, 1, 1499) == (
        results.unit("北京办").submitted,
        rows[0].month.submitted,
        ends[0].cumulative.submitted,
        ends[0].shortfall,
    )


# -- the year follows the versions given -------------------------------------------------------

TABLE_2023 = QuotaTable.from_toml(
    'year = 2023\n[[groups]]\nkey = "d"\nlabel = "D"\nbasis = "adopted"\n'
    '[[groups.units]]\nname = "锦江区"\nlabel = "锦江区"\ntarget = 10\n',
    "t2023.toml",
)


def test_the_year_is_the_year_of_the_version_given() -> None:
    """score(events, rules=version) of a 2023 version assesses 2023, without year="""
    version = RuleSet.from_toml(COUNTY.replace("2007-01-01", "2023-01-01"), "c.toml")
    events = [Submitted(id="s1", date="2023-03-01", unit="锦江区", item="J1")]
    results = score(events, rules=version, quotas=TABLE_2023)
    assert (2023, Decimal("0.5")) == (results.year, results.unit("锦江区").score)
    assert 2023 == Scorer(rules=version, quotas=TABLE_2023).results().year


def test_versions_of_several_years_need_the_year_said() -> None:
    """A version in force from 2023 to 2024 leaves the year open: an ArgumentError says how to choose."""
    version = RuleSet.from_toml(COUNTY.replace("2007-01-01", "2023-07-01\nend = 2024-06-30"), "c.toml")
    with pytest.raises(ArgumentError) as info:
        score([], rules=version)
    assert (
        "the rule-set versions given are in force in 2023 and 2024:"
        " pass year= or as_of= to say which year to assess" == str(info.value)
    )
    assert 2024 == score([], rules=version, year=2024, quotas=attrs.evolve(TABLE_2023, year=2024)).year


# -- caps by group ------------------------------------------------------------------------------

GROUP_CAPS = COUNTY.replace("cap = 5", "cap_per_target = 0.02\ncap = { office = 1, department = 0.7 }")


def test_caps_differ_by_group() -> None:
    """0.5 per submission, 4 each: 锦江区 (district, 0.02 × 120 = 2.4) earns 2, 市公安局 (department,
    fixed 0.7) 0.7, 市委办公厅… an office (fixed 1) 1; the notes name each cap."""
    table = load_quotas(2007)
    office = next(u for u in table if u.group == "office").name
    units = ["锦江区", "市公安局", office]
    events = [
        Submitted(id=f"s{u}{n}", date=f"2007-03-0{n}", unit=u, item=f"{u}{n}")
        for u in units
        for n in range(1, 6)
    ]
    results = score(events, rules=RuleSet.from_toml(GROUP_CAPS, "g.toml"))
    assert [Decimal("2.4"), Decimal("0.7"), Decimal(1)] == [results.unit(u).score for u in units]
    note = [line.reason for line in results.unit("市公安局").ledger][1]
    assert "submitted item 市公安局2 (yearly cap of 0.7 points reached)" == note


@pytest.mark.parametrize(
    ("cap", "problem"),
    [
        ("cap = { office = 0 }", "submission.cap.office: expected a number above 0, found 0"),
        (
            "cap = {}",
            "submission.cap: expected a number, or a table of numbers by group key; found an empty table",
        ),
        ('cap = { office = "1" }', "submission.cap.office: expected a number, found text '1'"),
        (
            "cap = { office = 1 }\ncap_per_target = { office = 0.5 }",
            "submission.cap.office: give cap_per_target or cap for a group, not both",
        ),
    ],
)
def test_bad_group_caps_are_named(cap: str, problem: str) -> None:
    """Each wrong cap by group is reported at its key path."""
    with pytest.raises(DataFileError) as info:
        RuleSet.from_toml(COUNTY.replace("cap = 5", cap), "g.toml")
    assert [problem] == list(info.value.problems)


def test_a_cap_for_a_group_the_table_lacks_is_an_error() -> None:
    """A group key the target table does not have stops scoring, naming the table's groups."""
    version = RuleSet.from_toml(COUNTY.replace("cap = 5", "cap = { ofice = 1 }"), "g.toml")
    with pytest.raises(ArgumentError) as info:
        score([], rules=version)
    assert (
        "rule set 'county-2007': submission.cap.ofice: the 2007 target table has no group 'ofice';"
        " its groups are: district, department, office"
    ) == str(info.value)


def test_the_file_examples_stay_word_for_word_in_the_docs() -> None:
    """docs/targets.md shows docs/example-targets-2008.toml and docs/example-county-2008.toml in full."""
    page = (ROOT / "docs" / "targets.md").read_text(encoding="utf-8")
    for name in ("example-targets-2008.toml", "example-county-2008.toml"):
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        block = re.search(
            rf"<!-- the block below is docs/{re.escape(name)}.*?-->\n```toml\n(.*?)```", page, re.S
        )
        assert block is not None and text == block.group(1)


def test_an_instruction_under_a_method_whose_channels_allow_none_says_why() -> None:
    """[instruction] kept (adoption required) but [channels] left out: each instruction is rejected
    with a message naming the rule set and the two keys, not an empty list of channels."""
    version = RuleSet.from_toml(without(RULES_2007, "[channels"), "cut.toml")
    events = [
        Submitted(id="s", date="2007-03-01", unit="锦江区", item="J1"),
        Instructed(id="i", date="2007-03-05", item="J1"),
    ]
    results = score(events, rules=version)
    assert [
        (
            "i",
            "rule set 'chengdu-2007' requires an adoption before an instruction"
            " (instruction.requires_adoption), but none of its channels allows instructions"
            " (instruction_eligible)",
        )
    ] == [(r.event, r.reason) for r in results.rejections]


def test_versions_not_in_force_in_the_year_assessed_are_an_error() -> None:
    """A 2023 version with year=2007: an ArgumentError saying so, not a year of rejected events."""
    version = RuleSet.from_toml(COUNTY.replace("2007-01-01", "2023-01-01"), "c.toml")
    with pytest.raises(ArgumentError) as caught:
        score([], rules=version, year=2007)
    assert (
        "no rule-set version given is in force in 2007 (county-2007 from 2023-01-01): every event would"
        " be rejected; assess the year the versions are for"
    ) == str(caught.value)


def test_the_bulletins_count_submissions_whether_or_not_the_ledger_was_read_first() -> None:
    """Without [submission]: reading a unit's ledger before the bulletin changes nothing in it (the
    count-only bookings are kept when the lines are made)."""
    version = RuleSet.from_toml(without(RULES_2007, "[submission"), "cut.toml")
    events = [
        Submitted(id=f"s{i}", date=dt.date(2007, 3, i), unit="锦江区", item=f"J{i}") for i in range(1, 6)
    ]
    results = score(events, rules=version, as_of=dt.date(2007, 3, 31))
    untouched = periods(results).unit("锦江区").cumulative[2].submitted
    lines = len(results.unit("锦江区").ledger)  # the lines are made now: none, nothing was booked
    groups = monthly_bulletin(results, load_quotas(2007), 3).groups
    bulletin = next(r.cumulative.submitted for g in groups for r in g.rows if r.unit.name == "锦江区")
    assert (5, 0, 5) == (untouched, lines, bulletin)
