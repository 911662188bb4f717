"""Rule-set versions in data alone: each adjustment a later notice may make changes scores as intended."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from chengdu_infoscore import (
    Adopted,
    Commissioned,
    Event,
    FoundFalse,
    Instructed,
    Missed,
    Results,
    RuleSet,
    Submitted,
    score,
)
from chengdu_infoscore.rules import Timeline

D = Decimal
BASE = (resources.files("chengdu_infoscore.rules") / "ruleset-2007.toml").read_text(encoding="utf-8")


def variant(*edits: tuple[str, str], rid: str = "test-variant", append: str = "") -> RuleSet:
    """The 2007 rule set with each ``(old, new)`` edit made (each applies once) and ``append`` added."""
    text = BASE.replace('id = "chengdu-2007"', f'id = "{rid}"')
    for old, new in edits:
        assert 1 == text.count(old), old
        text = text.replace(old, new)
    return RuleSet.from_toml(text + append, f"{rid}.toml")


def run(rules: RuleSet | Timeline, *events: Event, as_of: str = "2007-12-31") -> Results:
    return score(list(events), rules=rules, as_of=dt.date.fromisoformat(as_of))


def adoption_log(*channels: tuple[str, bool]) -> list[Event]:
    log: list[Event] = [Submitted(id="s", date="2007-03-01", unit="锦江区", item="I")]
    log += [
        Adopted(id=f"a{i}", date="2007-03-02", item="I", channel=c, picture=p)
        for i, (c, p) in enumerate(channels)
    ]
    return log


def test_a_channel_can_be_repriced() -> None:
    """政务信息 re-priced from 4 to 5: one adoption earns 5 (plus 0.1 for the submission)."""
    rules = variant(
        (
            'label = "政务信息"\nclause = "A3.1.1"\npoints = 4',
            'label = "政务信息"\nclause = "A3.1.1"\npoints = 5',
        )
    )
    assert D("5.1") == run(rules, *adoption_log(("zwxx", False))).unit("锦江区").score


def test_a_channel_can_be_added_and_count_toward_the_target() -> None:
    """A new channel 政务微信 (3 points, counts toward the target) is known by key and label."""
    rules = variant(
        append='\n[channels.wechat]\nlabel = "政务微信"\nclause = "A3.1.3"\npoints = 3\n'
        "counts_toward_target = true\n"
    )
    result = run(rules, *adoption_log(("政务微信", False))).unit("锦江区")
    assert (D("3.1"), 1) == (result.score, result.adopted)


def test_a_channel_can_be_removed() -> None:
    """Without 成都动态 in the catalogue, an adoption there is rejected as an unknown channel."""
    start = BASE.index("[channels.cddt]")
    end = BASE.index("# ---", start)
    rules = variant((BASE[start:end], ""))
    results = run(rules, *adoption_log(("cddt", False)))
    assert (["a0"], "unknown channel 'cddt'") == (
        [r.event for r in results.rejections],
        results.rejections[0].reason[:22],
    )


def test_a_channel_can_stop_counting_toward_the_target() -> None:
    """政务要闻 no longer counts toward the target: still 4 points, 0 adopted."""
    rules = variant(("points = 6\ncounts_toward_target = true", "points = 6\ncounts_toward_target = false"))
    result = run(rules, *adoption_log(("zwyw", False))).unit("锦江区")
    assert (D("4.1"), 0) == (result.score, result.adopted)


def test_only_the_highest_adoption_counts() -> None:
    """combine = "highest": 政务信息 4, 政务要闻 with picture 6, 成都动态 1 earn 6, not 11."""
    log = adoption_log(("zwxx", False), ("zwyw", True), ("cddt", False))
    assert D("11.1") == run(variant(), *log).unit("锦江区").score
    highest = variant(append='\n[adoption]\ncombine = "highest"\n')
    result = run(highest, *log).unit("锦江区")
    assert (D("6.1"), [D(4), D(2), D(0)]) == (
        result.score,
        [x.points for x in result.ledger if x.clause != "A3.1.4"],
    )


def test_a_fixed_yearly_cap() -> None:
    """cap = 3 instead of 0.5 × target: 40 submissions of 锦江区 earn 3."""
    rules = variant(("cap_per_target = 0.5", "cap = 3"))
    log = [Submitted(id=f"s{i:02d}", date="2007-03-01", unit="锦江区", item=f"I{i}") for i in range(40)]
    assert D(3) == run(rules, *log).unit("锦江区").score


def test_a_monthly_cap() -> None:
    """cap 0.05 × target a month: 市粮食局 (target 5) earns 0.25 for 30 in March, 0.1 for 1 in April."""
    rules = variant(("cap_per_target = 0.5", 'cap_per_target = 0.05\ncap_period = "month"'))
    log = [Submitted(id=f"s{i:02d}", date="2007-03-01", unit="市粮食局", item=f"I{i}") for i in range(30)]
    log.append(Submitted(id="t", date="2007-04-01", unit="市粮食局", item="J"))
    assert D("0.35") == run(rules, *log).unit("市粮食局").score


def test_instruction_bonuses_by_leader_level() -> None:
    """Municipal 8, provincial 12, State Council 20: once per item and level; municipal by default."""
    old = '[instruction]\nclause = "A3.1.6"\npoints = 8'
    new = (
        '[instruction]\ndefault_level = "municipal"\n'
        '[instruction.levels.municipal]\nlabel = "市级领导"\nclause = "A3.1.6"\npoints = 8\n'
        '[instruction.levels.provincial]\nlabel = "省级领导"\nclause = "A3.1.6"\npoints = 12\n'
        '[instruction.levels.state]\nlabel = "国家领导"\nclause = "A3.1.6"\npoints = 20'
    )
    log = [
        *adoption_log(("zwxx", False)),
        Instructed(id="i1", date="2007-03-05", item="I"),
        Instructed(id="i2", date="2007-03-06", item="I", level="省级领导"),
        Instructed(id="i3", date="2007-03-07", item="I", level="provincial"),
        Instructed(id="i4", date="2007-03-08", item="I", level="state"),
    ]
    result = run(variant((old, new)), *log).unit("锦江区")
    assert (D("44.1"), [D(8), D(12), D(0), D(20)]) == (
        result.score,
        [x.points for x in result.ledger if x.clause == "A3.1.6"],
    )


def test_an_unknown_leader_level_is_rejected() -> None:
    """Under 2007 rules (one level), an instruction naming another level is rejected."""
    results = run(
        variant(),
        *adoption_log(("zwxx", False)),
        Instructed(id="i", date="2007-03-05", item="I", level="省级"),
    )
    assert ["i"] == [r.event for r in results.rejections]


def test_a_deduction_schedule_whose_last_figure_repeats() -> None:
    """Missed work-dynamic reports at [-1, -2, -3]: four of them cost 1 + 2 + 3 + 3 = 9."""
    rules = variant(
        (
            'missed = { clause = "A3.2.1", points = [-2, -4] }',
            'missed = { clause = "A3.2.1", points = [-1, -2, -3] }',
        )
    )
    log = [
        Missed(id=f"m{i}", date=f"2007-0{i + 1}-01", unit="金牛区", category="work_dynamic") for i in range(4)
    ]
    assert D(-9) == run(rules, *log).unit("金牛区").score


def test_commission_outcomes_are_data() -> None:
    """On time +5, late −5, never answered −15."""
    rules = variant(
        (
            '[commission.on_time]\nclause = "A3.1.5"\npoints = 4',
            '[commission.on_time]\nclause = "A3.1.5"\npoints = 5',
        ),
        (
            '[commission.late]\nclause = "A3.2.3"\npoints = -10',
            '[commission.late]\nclause = "A3.2.3"\npoints = -5',
        ),
        (
            '[commission.unanswered]\nclause = "A3.2.3"\npoints = -10',
            '[commission.unanswered]\nclause = "A3.2.3"\npoints = -15',
        ),
    )
    log = [
        Commissioned(id="c1", date="2007-05-01", unit="市统计局", commission="K1", due="2007-05-10"),
        Submitted(id="s1", date="2007-05-09", unit="市统计局", item="A", commission="K1"),
        Commissioned(id="c2", date="2007-05-01", unit="市统计局", commission="K2", due="2007-05-10"),
        Submitted(id="s2", date="2007-05-12", unit="市统计局", item="B", commission="K2"),
        Commissioned(id="c3", date="2007-05-01", unit="市统计局", commission="K3", due="2007-05-10"),
    ]
    assert D("-14.8") == run(rules, *log).unit("市统计局").score


def test_disqualification_is_an_outcome_not_points() -> None:
    """A false report disqualifies from commendation; two missed important reports do too."""
    append = (
        '\n[[disqualification]]\nwhen = "false_report"\nreason = "上报虚假信息"\n'
        '\n[[disqualification]]\nwhen = "missed"\ncategory = "important"\ncount = 2\n'
        'reason = "两次漏报重要信息"\n'
    )
    rules = variant(append=append)
    log = [
        Submitted(id="s", date="2007-03-01", unit="锦江区", item="I"),
        FoundFalse(id="f", date="2007-03-05", item="I"),
        Missed(id="m1", date="2007-04-01", unit="青羊区", category="important"),
        Missed(id="m2", date="2007-05-01", unit="青羊区", category="important"),
        Missed(id="m3", date="2007-05-01", unit="金牛区", category="important"),
    ]
    results = run(rules, *log)
    assert (("上报虚假信息",), ("两次漏报重要信息",), (), D("-29.9")) == (
        results.unit("锦江区").disqualified,
        results.unit("青羊区").disqualified,
        results.unit("金牛区").disqualified,
        results.unit("锦江区").score,
    )


def test_a_floor_under_the_score_is_a_ledger_line() -> None:
    """floor = 0: 金牛区's four misses (−14) become 0 by a ledger line of +14; the ledger still sums."""
    rules = variant(
        (
            '[[clauses]]\nid = "A3.3.1"',
            '[[clauses]]\nid = "F"\nsection = "floor"\ntext = "得分不低于0分"\n\n[[clauses]]\nid = "A3.3.1"',
        ),
        append='\n[score]\nfloor = 0\nfloor_clause = "F"\n',
    )
    log = [
        Missed(id=f"m{i}", date=f"2007-0{i + 1}-10", unit="金牛区", category="work_dynamic") for i in range(3)
    ]
    log += [
        Missed(id=f"l{i}", date=f"2007-0{i + 5}-10", unit="金牛区", category="work_dynamic") for i in range(1)
    ]
    result = run(rules, *log).unit("金牛区")
    assert (D(0), D(14), D(0)) == (result.score, result.points("F"), sum(x.points for x in result.ledger))


# -- timelines -----------------------------------------------------------------------------------

JULY = variant(
    ("effective = 2007-01-01", 'effective = 2007-07-01\nbase = "chengdu-2007"'),
    (
        'label = "政务信息"\nclause = "A3.1.1"\npoints = 4',
        'label = "政务信息"\nclause = "A3.1.1"\npoints = 6',
    ),
    (
        'missed = { clause = "A3.2.1", points = [-2, -4] }',
        'missed = { clause = "A3.2.1", points = [-3, -5] }',
    ),
    ("cap_per_target = 0.5", "cap_per_target = 0.2"),
    rid="test-2007-07",
)


def test_each_event_is_scored_by_the_version_in_force_on_its_date() -> None:
    """An adoption in June earns 4 (2007 rules); one in July earns 6 (the July version)."""
    from chengdu_infoscore import load_rules

    timeline = Timeline((load_rules(2007), JULY))
    log = [
        Submitted(id="s1", date="2007-06-01", unit="锦江区", item="A"),
        Adopted(id="a1", date="2007-06-30", item="A", channel="zwxx"),
        Submitted(id="s2", date="2007-06-01", unit="锦江区", item="B"),
        Adopted(id="a2", date="2007-07-01", item="B", channel="zwxx"),
    ]
    result = run(timeline, *log).unit("锦江区")
    assert ([D(4), D(6)], "chengdu-2007+test-2007-07") == (
        [x.points for x in result.ledger if x.clause == "A3.1.1"],
        run(timeline).rules,
    )


def test_counters_run_on_across_a_change_of_version() -> None:
    """The first missed report (May, −2) is counted before July: August's is the second, at July's −5;
    市人防办 earned 2.0 by June, above July's cap of 1.0, so July submissions earn 0."""
    from chengdu_infoscore import load_rules

    timeline = Timeline((load_rules(2007), JULY))
    log: list[Event] = [
        Missed(id="m1", date="2007-05-01", unit="金牛区", category="work_dynamic"),
        Missed(id="m2", date="2007-08-01", unit="金牛区", category="work_dynamic"),
    ]
    log += [Submitted(id=f"s{i:02d}", date="2007-06-01", unit="市人防办", item=f"R{i}") for i in range(20)]
    log += [Submitted(id=f"t{i:02d}", date="2007-07-02", unit="市人防办", item=f"T{i}") for i in range(5)]
    results = run(timeline, *log)
    assert (D(-7), D("2.0"), 25) == (
        results.unit("金牛区").score,
        results.unit("市人防办").score,
        results.unit("市人防办").submitted,
    )


def test_an_event_no_version_covers_is_rejected() -> None:
    """With a timeline of the July version alone, a June event is rejected with the reason."""
    results = run(Timeline((JULY,)), Submitted(id="s", date="2007-06-01", unit="锦江区", item="A"))
    assert ["dated 2007-06-01, when no rule-set version of test-2007-07 is in force"] == [
        r.reason for r in results.rejections
    ]


def test_a_version_given_alone_brings_the_versions_it_adjusts() -> None:
    """score(rules=the July version) scores June by chengdu-2007, which the July version adjusts."""
    results = run(JULY, *adoption_log(("zwxx", False)))
    assert ("chengdu-2007+test-2007-07", D("4.1")) == (results.rules, results.unit("锦江区").score)


def test_a_version_ending_early_leaves_a_gap() -> None:
    """A version with an end date, and no successor, covers nothing after it."""
    short = variant(("effective = 2007-01-01", "effective = 2007-01-01\nend = 2007-03-31"), rid="short")
    timeline = Timeline((short,))
    assert (short, None) == (timeline.at(dt.date(2007, 3, 31)), timeline.at(dt.date(2007, 4, 1)))


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (('count = "items"', 'count = "items"\ncounts = 1'), "target.counts: unknown key"),
        (("cap_per_target = 0.5", "cap_per_target = 0.5\ncap = 3"), "give cap_per_target or cap, not both"),
        (("cap_per_target = 0.5", 'cap_per_target = 0.5\ncap_period = "week"'), 'expected "year" or "month"'),
        (
            ('[error]\nclause = "A3.2.1"\npoints = -2', '[error]\nclause = "A3.2.1"\npoints = []'),
            "non-empty list",
        ),
    ],
)
def test_malformed_versions_say_where_and_what(edit: tuple[str, str], words: str) -> None:
    """A malformed version is refused with the key path and what was expected."""
    from chengdu_infoscore import DataFileError

    with pytest.raises(DataFileError, match=words.replace("[", r"\[").replace("(", r"\(")):
        variant(edit)


HIGHEST_FROM_JULY = variant(
    ("effective = 2007-01-01", 'effective = 2007-07-01\nbase = "chengdu-2007"'),
    rid="highest-2007-07",
    append='\n[adoption]\ncombine = "highest"\n',
)


def test_highest_counts_adoptions_made_under_an_earlier_version() -> None:
    """政务信息 (4) in June under 2007 rules, 政务要闻 (4) in July under "highest": the second adds 0."""
    log = [*adoption_log(("zwxx", False)), Adopted(id="a9", date="2007-07-05", item="I", channel="zwyw")]
    assert D("4.1") == run(HIGHEST_FROM_JULY, *log).unit("锦江区").score


def test_a_monthly_cap_counts_the_month_before_a_change_of_version() -> None:
    """A monthly cap from 15 March counts 1–14 March too: 市粮食局 has 0.25 by then and earns 0 more."""
    monthly = variant(
        ("effective = 2007-01-01", 'effective = 2007-03-15\nbase = "chengdu-2007"'),
        ("cap_per_target = 0.5", 'cap_per_target = 0.05\ncap_period = "month"'),
        rid="monthly-2007-03",
    )
    log = [Submitted(id=f"s{i}", date="2007-03-01", unit="市粮食局", item=f"A{i}") for i in range(3)]
    log += [Submitted(id=f"t{i}", date="2007-03-20", unit="市粮食局", item=f"B{i}") for i in range(3)]
    assert D("0.3") == run(monthly, *log).unit("市粮食局").score


@pytest.mark.parametrize(
    ("append", "words"),
    [
        ("\n[score]\nfloor = 0\n", "score.floor_clause: missing"),
        ('\n[[disqualification]]\nreason = "x"\n', "disqualification[0].when: missing"),
        (
            '\n[[disqualification]]\nwhen = "error"\ncategory = "important"\nreason = "x"\n',
            "only a missed or late rule has a category",
        ),
    ],
)
def test_incomplete_outcomes_are_refused(append: str, words: str) -> None:
    """A floor without its clause, a disqualification without `when`, a category on an error rule: refused."""
    from chengdu_infoscore import DataFileError

    with pytest.raises(DataFileError, match=words.replace("[", r"\[")):
        variant(append=append)


# -- a version takes effect after its base -----------------------------------------------------------

EXAMPLE_TEXT = (Path(__file__).parent.parent / "docs" / "example-adjustment.toml").read_text(encoding="utf-8")


def adjustment_file(folder: Path, rid: str, effective: str) -> Path:
    """docs/example-adjustment.toml (base chengdu-2007) under another id, taking effect on ``effective``."""
    text = EXAMPLE_TEXT.replace('id = "example-doc-2007-10"', f'id = "{rid}"')
    text = text.replace("effective = 2007-10-01", f"effective = {effective}")
    path = folder / f"{rid}.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("rid", "effective"),
    [("aaa-2007", "2007-01-01"), ("zzz-2007", "2007-01-01"), ("ex-early", "2006-01-01")],
)
def test_a_version_that_does_not_take_effect_after_its_base_is_refused(
    tmp_path: Path, rid: str, effective: str
) -> None:
    """A --rules file based on chengdu-2007 (in force from 2007-01-01) that takes effect the same day —
    whether its id sorts before or after the base's — or a year earlier, would never be in force or
    hide its base depending on its id: it is refused naming both versions and both dates."""
    from chengdu_infoscore import DataFileError
    from chengdu_infoscore.rules.registry import timeline_for

    path = adjustment_file(tmp_path, rid, effective)
    version = RuleSet.from_file(path)
    with pytest.raises(DataFileError) as info:
        timeline_for(version, extra=[version])
    with pytest.raises(DataFileError) as scored:
        score([], rules=version)
    assert (
        [
            f"ruleset.effective: version {rid!r} takes effect {effective}, not after its base"
            " 'chengdu-2007' (2007-01-01); a version adjusts the one it is based on from a later day"
        ],
        str(path),
        str(info.value),
    ) == (list(info.value.problems), info.value.source, str(scored.value))


def test_the_command_line_refuses_a_same_day_adjustment_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """score --rules FILE with a version taking effect on its base's day: exit 2 and the reason, no
    scores printed."""
    from chengdu_infoscore.cli import main

    path = adjustment_file(tmp_path, "aaa-2007", "2007-01-01")
    log = tmp_path / "log.jsonl"
    log.write_text(
        '{"id": "s1", "type": "submitted", "date": "2007-03-01", "unit": "锦江区", "item": "A"}\n',
        encoding="utf-8",
    )
    status = main(["score", str(log), "--rules", str(path)])
    out, err = capsys.readouterr()
    assert (2, "", f"chengdu-infoscore: error: {path}: 1 problem(s):") == (status, out, err.splitlines()[0])


def test_a_timeline_built_in_python_holds_a_version_only_after_its_base() -> None:
    """Timeline((chengdu-2007, a version based on it from the same day)): an ArgumentError naming both,
    whichever order they are given in; from the next day it is a timeline of the two."""
    from chengdu_infoscore import ArgumentError, load_rules

    base = load_rules(2007)
    text = BASE.replace('id = "chengdu-2007"', 'id = "aaa-2007"').replace(
        "effective = 2007-01-01", 'effective = 2007-01-01\nbase = "chengdu-2007"'
    )
    aaa = RuleSet.from_toml(text, "aaa.toml")
    later = RuleSet.from_toml(text.replace("effective = 2007-01-01", "effective = 2007-01-02"), "aaa.toml")
    messages = []
    for versions in ((base, aaa), (aaa, base)):
        with pytest.raises(ArgumentError) as info:
            Timeline(versions)
        messages.append(str(info.value))
    assert [
        "a timeline cannot hold both: version 'aaa-2007' takes effect 2007-01-01, not after its base"
        " 'chengdu-2007' (2007-01-01); a version adjusts the one it is based on from a later day"
    ] * 2 + ["chengdu-2007+aaa-2007"] == [*messages, Timeline((later, base)).id]
