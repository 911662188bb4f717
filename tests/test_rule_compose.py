"""Versions that state only what they change, chains of rule files, and versions by id from Python."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chengdu_infoscore import (
    Adopted,
    ArgumentError,
    ArgumentTypeError,
    DataFileError,
    Event,
    Results,
    RuleSet,
    Scorer,
    Submitted,
    UnknownRuleSetError,
    load_rules,
    score,
    write_jsonl,
)
from chengdu_infoscore.cli import main
from chengdu_infoscore.reports import results_json
from chengdu_infoscore.rules import Timeline
from chengdu_infoscore.rules.compose import timeline_of, version_toml
from chengdu_infoscore.rules.describe import diff
from chengdu_infoscore.testing import event_logs

D = Decimal
ZWXX_5 = """[ruleset]
id = "reprice-zwxx"
effective = 2007-07-01
adjusts = "chengdu-2007"
[channels.zwxx]
points = 5
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def partial(rid: str, effective: str, adjusts: str, body: str, end: str | None = None) -> str:
    """The TOML of a version that states only ``body`` over the version ``adjusts`` names."""
    ends = f"end = {end}\n" if end else ""
    return f'[ruleset]\nid = "{rid}"\neffective = {effective}\n{ends}adjusts = "{adjusts}"\n\n{body}'


def item(n: int, day: str, channel: str, unit: str = "锦江区", picture: bool = False) -> list[Event]:
    """Item ``I{n}`` submitted and adopted by ``channel`` on ``day``."""
    return [
        Submitted(id=f"s{n}", date=day, unit=unit, item=f"I{n}"),
        Adopted(id=f"a{n}", date=day, item=f"I{n}", channel=channel, picture=picture),
    ]


def figures(results: Results, unit: str = "锦江区") -> tuple[Decimal, dict[str, Decimal]]:
    u = results.unit(unit)
    return u.score, {c: p for c, p in u.breakdown if p}


YEAR_END = dt.date(2007, 12, 31)


def test_a_five_line_version_reprices_one_channel(tmp_path: Path) -> None:
    """政务信息 at 5 from July, stated in five lines: March earns 4, August 5, the rest as in 2007."""
    version = RuleSet.from_file(write(tmp_path, "zwxx5.toml", ZWXX_5))
    log = [*item(1, "2007-03-01", "zwxx"), *item(2, "2007-08-01", "zwxx"), *item(3, "2007-08-01", "zwyw")]
    under_2007 = score(log, as_of=YEAR_END)
    under_version = score(log, rules=version, as_of=YEAR_END)
    assert (D("12.3"), {"A3.1.1": D(8), "A3.1.3": D(4), "A3.1.4": D("0.3")}) == figures(under_2007)
    assert (D("13.3"), {"A3.1.1": D(9), "A3.1.3": D(4), "A3.1.4": D("0.3")}) == figures(under_version)
    changed = [c for c in diff(load_rules(2007), version)]
    assert [("A3.1.1", "《政务信息》采用", "每条4分(计入任务数;可计领导批示)",
             "每条5分(计入任务数;可计领导批示)")] == [
        (c.clause, c.what, c.before, c.after) for c in changed
    ]  # fmt: skip
    in_english = [c for c in diff(load_rules(2007), version, lang="en")]
    assert [("A3.1.1", "adoption by zwxx 政务信息", "4 (counts toward the target; allows instructions)",
             "5 (counts toward the target; allows instructions)")] == [
        (c.clause, c.what, c.before, c.after) for c in in_english
    ]  # fmt: skip
    expected = attrs.evolve(
        load_rules(2007),
        id="reprice-zwxx",
        title="",
        source="",
        effective=dt.date(2007, 7, 1),
        base="chengdu-2007",
        channels=tuple(
            attrs.evolve(c, points=D(5)) if c.key == "zwxx" else c for c in load_rules(2007).channels
        ),
    )
    assert expected.same_rules(version)


def test_three_files_chained_by_file_names(tmp_path: Path) -> None:
    """a.toml (April: 政务信息 5) ← b.toml (July: 政务要闻 6) ← c.toml (October: submission 0.2)."""
    write(
        tmp_path, "a.toml", partial("chain-a", "2007-04-01", "chengdu-2007", "[channels.zwxx]\npoints = 5\n")
    )
    write(tmp_path, "b.toml", partial("chain-b", "2007-07-01", "a.toml", "[channels.zwyw]\npoints = 6\n"))
    write(tmp_path, "c.toml", partial("chain-c", "2007-10-01", "b.toml", "[submission]\npoints = 0.2\n"))
    log = [
        *item(1, "2007-03-01", "zwxx"),  # 4 + 0.1
        *item(2, "2007-05-01", "zwxx"),  # 5 + 0.1
        *item(3, "2007-08-01", "zwyw"),  # 6 + 0.1
        *item(4, "2007-11-01", "zwxx"),  # 5 + 0.2
    ]
    timeline = timeline_of([str(tmp_path / "c.toml")])
    results = score(log, rules=timeline, as_of=YEAR_END)
    assert ("chengdu-2007+chain-a+chain-b+chain-c", D("20.5")) == (
        results.rules,
        results.unit("锦江区").score,
    )
    assert [
        ("chengdu-2007", "2007-01-01", "2007-03-31"),
        ("chain-a", "2007-04-01", "2007-06-30"),
        ("chain-b", "2007-07-01", "2007-09-30"),
        ("chain-c", "2007-10-01", None),
    ] == [(r.id, str(r.effective), r.end and str(r.end)) for r in results.provenance.rules]


FLOOD = partial("flood-2007", "2007-06-01", "chengdu-2007", "[channels.zwxx]\npoints = 6\n", end="2007-08-31")


def test_a_version_with_an_end_hands_back_to_its_base(tmp_path: Path) -> None:
    """政务信息 at 6 from June to August: May earns 4, July 6, September 4 again (2007 comes back)."""
    flood = RuleSet.from_file(write(tmp_path, "flood.toml", FLOOD))
    log = [*item(1, "2007-05-15", "zwxx"), *item(2, "2007-07-15", "zwxx"), *item(3, "2007-09-15", "zwxx")]
    results = score(log, rules=flood, as_of=YEAR_END)
    assert (D("14.3"), {"A3.1.1": D(14), "A3.1.4": D("0.3")}) == figures(results)
    assert [
        ("chengdu-2007", dt.date(2007, 1, 1), dt.date(2007, 5, 31)),
        ("flood-2007", dt.date(2007, 6, 1), dt.date(2007, 8, 31)),
        ("chengdu-2007", dt.date(2007, 9, 1), None),
    ] == [(r.id, r.effective, r.end) for r in results.provenance.rules]


def test_a_scorer_with_a_temporary_version_gives_what_score_gives(tmp_path: Path) -> None:
    """Scorer(rules=[file]) fed in two batches gives score(rules=[file]) byte for byte, past the hand-back."""
    path = str(write(tmp_path, "flood.toml", FLOOD))
    log = [*item(1, "2007-05-15", "zwxx"), *item(2, "2007-07-15", "zwxx"), *item(3, "2007-09-15", "zwxx")]
    scorer = Scorer(rules=[path])
    scorer.add(log[3:])
    scorer.results(as_of=dt.date(2007, 7, 31))
    scorer.add(log[:3])
    for day in (dt.date(2007, 7, 31), YEAR_END):
        assert results_json(score(log, rules=[path], as_of=day)) == results_json(scorer.results(as_of=day))


def test_a_removed_channel_rejects_its_adoptions_after_the_change(tmp_path: Path) -> None:
    """成都动态 removed from July: a March adoption earns 1, an August one is an unknown channel."""
    text = partial("no-cddt", "2007-07-01", "chengdu-2007", "[channels.cddt]\nremove = true\n")
    version = RuleSet.from_file(write(tmp_path, "no-cddt.toml", text))
    results = score([*item(1, "2007-03-01", "cddt"), *item(2, "2007-08-01", "cddt")], rules=version)
    assert (
        D("1.2"),
        [
            (
                "a2",
                "unknown channel 'cddt'; rule set no-cddt knows: zwxx, zwxx_brief, zwxx_special, zwyw",
            )
        ],
    ) == (results.unit("锦江区").score, [(r.event, r.reason) for r in results.rejections])


def test_a_clause_merged_by_id_removed_and_added(tmp_path: Path) -> None:
    """[[clauses]] merge by id: A3.1.1 keeps its section with a new text, A3.3.1 goes, X.1 is added last."""
    body = (
        '[[clauses]]\nid = "A3.1.1"\ntext = "new text"\n\n[[clauses]]\nid = "X.1"\ntext = "added"\n\n'
        '[[clauses]]\nid = "A3.3.1"\nremove = true\n\n[excellent]\nclause = "X.1"\n'
    )
    version = RuleSet.from_file(
        write(tmp_path, "c.toml", partial("clauses", "2007-07-01", "chengdu-2007", body))
    )
    ids = [c.id for c in load_rules(2007).clauses if c.id != "A3.3.1"] + ["X.1"]
    assert (ids, "一、加分项目 (一)", "new text", "X.1") == (
        [c.id for c in version.clauses],
        version.clause("A3.1.1").section,
        version.clause("A3.1.1").text,
        version.excellent.clause,
    )


def test_keys_of_a_table_removed_by_name(tmp_path: Path) -> None:
    """remove = ["picture_points"] in [channels.zwyw]: a picture no longer earns 6 but 4."""
    body = '[channels.zwyw]\nremove = ["picture_points"]\n'
    version = RuleSet.from_file(
        write(tmp_path, "p.toml", partial("no-pic", "2007-07-01", "chengdu-2007", body))
    )
    assert (None, D(4)) == (version.channel("zwyw").picture_points, version.channel("zwyw").points)


@pytest.mark.parametrize(
    ("body", "problems"),
    [
        (
            '[[clauses]]\nid = "A3.1.7"\nremove = true\n',
            [
                "levels.state_council.clause: names clause 'A3.1.7', which [[clauses]] does not list"
                " (from 'chengdu-2007', which this version adjusts)",
                "levels.province.clause: names clause 'A3.1.7', which [[clauses]] does not list"
                " (from 'chengdu-2007', which this version adjusts)",
            ],
        ),
        (
            "[channels.wechat]\nremove = true\n",
            ["channels.wechat.remove: 'chengdu-2007' has no channels.wechat to remove"],
        ),
        (
            "[channels.zwxx]\nremove = true\npoints = 3\n",
            ["channels.zwxx.remove: remove = true removes the whole table; give no other key with it"],
        ),
        (
            "[channels.zwxx]\nremove = false\n",
            ["channels.zwxx.remove: expected true or a list of keys, found false"],
        ),
        (
            '[channels.zwxx]\nremove = ["points"]\npoints = 3\n',
            ["channels.zwxx.remove: 'points' is both removed and given"],
        ),
        ("[channels.zwxx]\npoints = -3\n", [
            "channels.zwxx.points: -3 takes points away, but an adoption earns points; if that is meant,"
            " write allow_negative = true in channels.zwxx"
        ]),
        ("[channels.zwxx]\npoint = 3\n", [
            "channels.zwxx.point: unknown key; the keys known here are: allow_negative, clause,"
            " counts_toward_target, instruction_eligible, label, picture_points, points"
        ]),
    ],
)  # fmt: skip
def test_a_partial_version_that_does_not_hold_says_where(
    tmp_path: Path, body: str, problems: list[str]
) -> None:
    """Every check of the full form applies to the resolved whole; a key the version did not state says
    which version it comes from."""
    path = write(tmp_path, "bad.toml", partial("bad", "2007-07-01", "chengdu-2007", body))
    with pytest.raises(DataFileError) as caught:
        RuleSet.from_file(path)
    assert (str(path), problems) == (caught.value.source, list(caught.value.problems))


def test_base_and_adjusts_together_are_refused(tmp_path: Path) -> None:
    """A version names the one before it once: base (full form) or adjusts (only the changes)."""
    text = ZWXX_5.replace('adjusts = "chengdu-2007"', 'adjusts = "chengdu-2007"\nbase = "chengdu-2007"')
    with pytest.raises(DataFileError) as caught:
        RuleSet.from_file(write(tmp_path, "both.toml", text))
    assert ["ruleset.base: give base or adjusts, not both"] == list(caught.value.problems)


def test_a_version_built_in_python_cannot_be_adjusted_partially(tmp_path: Path) -> None:
    """Without TOML there is nothing to lay the changes over: the message says to state it in full."""
    built = attrs.evolve(load_rules(2007), id="py-built", origin="", digest="", text=None)
    with pytest.raises(DataFileError) as caught:
        timeline_of([built, str(write(tmp_path, "p.toml", ZWXX_5.replace("chengdu-2007", "py-built")))])
    assert [
        "ruleset.adjusts: 'py-built' (built in Python) was not read from TOML, so a version cannot state only"
        " its changes over it; state this version in full, with base = 'py-built'"
    ] == list(caught.value.problems)


def test_files_adjusting_each_other_in_a_circle_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """a.toml adjusts b.toml, which adjusts a.toml: refused, naming the files in order."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.toml", partial("cyc-a", "2007-07-01", "b.toml", ""))
    write(tmp_path, "b.toml", partial("cyc-b", "2007-08-01", "a.toml", ""))
    with pytest.raises(DataFileError) as caught:
        timeline_of(["a.toml"])
    assert (
        "b.toml: 1 problem(s):\n  - ruleset.adjusts: a.toml → b.toml → a.toml: these versions adjust each"
        " other in a circle"
    ) == str(caught.value)


def test_ids_adjusting_each_other_in_a_circle_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """a.toml adjusts the id of b.toml and b.toml the id of a.toml: the command says so, exit 2."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.toml", partial("cyc-a", "2007-07-01", "cyc-b", ""))
    write(tmp_path, "b.toml", partial("cyc-b", "2007-08-01", "cyc-a", ""))
    write(tmp_path, "e.jsonl", "")
    status = main(["score", "e.jsonl", "--rules", "a.toml", "--rules", "b.toml"])
    assert (
        2,
        "chengdu-infoscore: error: b.toml: 1 problem(s):\n  - ruleset.adjusts: a.toml → b.toml → a.toml:"
        " these versions adjust each other in a circle\n",
    ) == (status, capsys.readouterr().err)


def test_a_chain_with_a_gap_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A version ending in April under one taking effect in June: May would have no version."""
    monkeypatch.chdir(tmp_path)
    whole = version_toml(load_rules(2007)).replace('id = "chengdu-2007"', 'id = "g0"\nend = 2007-04-30')
    write(tmp_path, "g0.toml", whole)
    write(tmp_path, "g1.toml", partial("g1", "2007-06-01", "g0.toml", ""))
    with pytest.raises(DataFileError) as caught:
        timeline_of(["g1.toml"])
    assert (
        "g1.toml: 1 problem(s):\n  - ruleset.effective: 'g1' takes effect 2007-06-01, but 'g0', in force"
        " before it, ends 2007-04-30: no version would be in force from 2007-05-01 to 2007-05-31"
    ) == str(caught.value)


def test_versions_given_that_do_not_chain_are_refused(tmp_path: Path) -> None:
    """Two versions that each adjust chengdu-2007, given together: which one is meant cannot be told."""
    one = write(tmp_path, "one.toml", ZWXX_5)
    two = write(tmp_path, "two.toml", ZWXX_5.replace("reprice-zwxx", "other").replace("07-01", "08-01"))
    from chengdu_infoscore import ArgumentError

    with pytest.raises(ArgumentError) as caught:
        timeline_of([str(one), str(two)])
    assert (
        "the rule-set versions given do not form one chain: 'reprice-zwxx' and 'other' are each adjusted by"
        " none of the others; give versions of which the latest adjusts every other (base or adjusts)"
    ) == str(caught.value)


def test_score_with_several_rules_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """score --rules a.toml --rules b.toml, b adjusting a by id: the chain, in either order."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.toml", ZWXX_5)
    write(tmp_path, "b.toml", partial("later", "2007-10-01", "reprice-zwxx", "[channels.zwxx]\npoints = 7\n"))
    log = [*item(1, "2007-03-01", "zwxx"), *item(2, "2007-08-01", "zwxx"), *item(3, "2007-11-01", "zwxx")]
    with (tmp_path / "e.jsonl").open("w", encoding="utf-8") as out:
        write_jsonl(log, out)
    outputs = []
    for order in (["a.toml", "b.toml"], ["b.toml", "a.toml"]):
        status = main(["score", "e.jsonl", "--format", "json", *(x for f in order for x in ("--rules", f))])
        data = json.loads(capsys.readouterr().out)
        unit = next(u for u in data["units"] if u["unit"] == "锦江区")
        outputs.append((status, data["rules"], unit["score"]))
    assert [(0, "chengdu-2007+reprice-zwxx+later", "16.3")] * 2 == outputs


def test_rules_show_toml_reads_back_to_the_same_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """rules show --toml of a partial version prints full-form TOML that loads to the same rules."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.toml", ZWXX_5)
    write(tmp_path, "b.toml", partial("b", "2007-10-01", "a.toml", "[channels.cddt]\nremove = true\n"))
    status = main(["rules", "show", "b.toml", "--toml"])
    shown = capsys.readouterr().out
    again = RuleSet.from_toml(shown, "shown.toml")
    resolved = RuleSet.from_file("b.toml")
    assert (0, True, "reprice-zwxx", None) == (
        status,
        resolved.same_rules(again),
        again.base,
        again.channel("cddt"),
    )


def test_rules_diff_of_one_version_compares_it_with_what_it_adjusts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """rules diff zwxx5.toml: the one figure it changes, against chengdu-2007."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "zwxx5.toml", ZWXX_5)
    status = main(["rules", "diff", "zwxx5.toml", "--lang", "en"])
    lines = capsys.readouterr().out.splitlines()
    assert (0, "chengdu-2007 → reprice-zwxx: 1 change(s)", 4) == (status, lines[0], len(lines))


def test_versions_by_id_from_python() -> None:
    """load_rules, score and Scorer take a version's id; score(rules=id) is score() for 2007."""
    log = [*item(1, "2007-03-01", "zwxx"), *item(2, "2007-08-01", "cddt", picture=True)]
    scorer = Scorer(rules="chengdu-2007")
    scorer.add(log)
    assert (True, results_json(score(log)), results_json(score(log))) == (
        load_rules("chengdu-2007") is load_rules(2007),
        results_json(score(log, rules="chengdu-2007")),
        results_json(scorer.results()),
    )


def test_an_unknown_id_lists_the_ids_that_exist() -> None:
    """load_rules and score with an id no version has: UnknownRuleSetError naming those that exist."""
    for call in (lambda: load_rules("chengdu-2099"), lambda: score([], rules="chengdu-2099")):
        with pytest.raises(UnknownRuleSetError) as caught:
            call()
        assert str(caught.value).startswith(
            "no rule-set version 'chengdu-2099'; known versions: chengdu-2007"
        )


def test_a_timeline_hands_back_after_an_end() -> None:
    """Timeline((2007, a version of June to August)): 2007 again from September."""
    flood = RuleSet.from_toml(FLOOD.replace('adjusts = "chengdu-2007"', 'adjusts = "chengdu-2007"'), "f.toml")
    timeline = Timeline((load_rules(2007), flood))
    assert ["chengdu-2007", "flood-2007", "chengdu-2007", "flood-2007"] == [
        v.id
        for v in (
            timeline.at(dt.date(2007, 5, 31)),
            timeline.at(dt.date(2007, 6, 1)),
            timeline.at(dt.date(2007, 9, 1)),
            timeline.at(dt.date(2007, 8, 31)),
        )
    ]


RESTATED = partial(
    "restated",
    "2007-07-01",
    "chengdu-2007",
    """[channels.zwxx]
points = 4
label = "政务信息"

[categories.work_dynamic]
missed = { points = [-2, -4] }

[[clauses]]
id = "A3.1.1"
text = "《政务信息》采用:4分/条(其中简明信息2分/条)。"

[submission]
cap_per_target = 0.5
""",
    end="2007-09-30",
)
RESTATED_VERSION = RuleSet.from_toml(RESTATED, "restated.toml")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=event_logs(max_units=3), as_of=st.dates(dt.date(2007, 1, 1), dt.date(2007, 12, 31)))
def test_restating_the_base_changes_no_figure(log: list[Event], as_of: dt.date) -> None:
    """A partial version that restates its base's values gives the base's figures for any log."""
    base = score(log, as_of=as_of)
    restated = score(log, rules=RESTATED_VERSION, as_of=as_of)
    assert (plain(base), [r.event for r in base.rejections]) == (
        plain(restated),
        [r.event for r in restated.rejections],
    )


def plain(results: Results) -> list[dict[str, object]]:
    """Every unit's result, its ledger lines without the version that booked them."""
    return [
        {
            f.name: [attrs.evolve(line, rules="") for line in u.ledger]
            if f.name == "ledger"
            else getattr(u, f.name)
            for f in attrs.fields(type(u))
        }
        for u in results.units
    ]


def test_a_version_read_from_a_file_brings_the_files_it_adjusts(tmp_path: Path) -> None:
    """score(rules=RuleSet.from_file(b.toml)), b adjusting a.toml: the chain of both files and 2007."""
    write(tmp_path, "a.toml", ZWXX_5)
    b = write(tmp_path, "b.toml", partial("b", "2007-10-01", "a.toml", "[channels.zwxx]\npoints = 7\n"))
    log = [*item(1, "2007-03-01", "zwxx"), *item(2, "2007-08-01", "zwxx"), *item(3, "2007-11-01", "zwxx")]
    results = score(log, rules=RuleSet.from_file(b), as_of=YEAR_END)
    assert ("chengdu-2007+reprice-zwxx+b", D("16.3")) == (results.rules, results.unit("锦江区").score)


def test_compare_under_2007_and_a_partial_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """compare --rules chengdu-2007 --rules zwxx5.toml: 锦江区 gains 1 for its August 政务信息 adoption."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "zwxx5.toml", ZWXX_5)
    with (tmp_path / "e.jsonl").open("w", encoding="utf-8") as out:
        write_jsonl([*item(1, "2007-03-01", "zwxx"), *item(2, "2007-08-01", "zwxx")], out)
    status = main(
        ["compare", "e.jsonl", "--rules", "chengdu-2007", "--rules", "zwxx5.toml", "--format", "json"]
    )
    data = json.loads(capsys.readouterr().out)
    unit = next(u for u in data["units"] if u["unit"] == "锦江区")
    assert (0, "8.2", "9.2") == (status, unit["a"]["score"], unit["b"]["score"])


def test_the_documented_partial_example_is_the_file() -> None:
    """docs/rulesets.md shows docs/example-partial.toml word for word."""
    text = Path("docs/example-partial.toml").read_text(encoding="utf-8")
    page = Path("docs/rulesets.md").read_text(encoding="utf-8")
    assert True is (f"```toml\n{text}```" in page)


# -- review: one id, one content; order-free origins; arguments ---------------------------------


def test_two_files_with_one_id_and_different_content_are_refused_in_either_order(tmp_path: Path) -> None:
    """dup1.toml and dup2.toml both say id "dup" with other figures: exit 2 naming both, whichever
    is given first — never a score that depends on the order."""
    one = write(
        tmp_path, "dup1.toml", partial("dup", "2007-07-01", "chengdu-2007", "[channels.zwxx]\npoints = 5\n")
    )
    two = write(
        tmp_path, "dup2.toml", partial("dup", "2007-07-01", "chengdu-2007", "[channels.zwxx]\npoints = 9\n")
    )
    messages = []
    for first, second in ((one, two), (two, one)):
        with pytest.raises(DataFileError) as caught:
            score([], rules=[str(first), str(second)])
        messages.append(list(caught.value.problems))
    said = "with different content; give each version an id of its own"
    assert [
        [f"ruleset.id: 'dup' is also the id of {one}, {said}"],
        [f"ruleset.id: 'dup' is also the id of {two}, {said}"],
    ] == messages


def test_two_versions_in_python_with_one_id_and_different_content_are_refused(tmp_path: Path) -> None:
    """The same with RuleSet values: a DataFileError naming the id, not the last one winning."""
    one = RuleSet.from_file(
        write(
            tmp_path, "d1.toml", partial("dup", "2007-07-01", "chengdu-2007", "[channels.zwxx]\npoints = 5\n")
        )
    )
    two = RuleSet.from_file(
        write(
            tmp_path, "d2.toml", partial("dup", "2007-07-01", "chengdu-2007", "[channels.zwxx]\npoints = 9\n")
        )
    )
    with pytest.raises(DataFileError) as caught:
        score([], rules=[one, two])
    assert "ruleset.id: 'dup' is also the id of another version given" in str(caught.value)


def test_the_origins_do_not_depend_on_the_order_the_files_are_given_in(tmp_path: Path) -> None:
    """c1 ← c2 ← c3 (c3 in another directory, naming c2 by a path through ..): given in any order,
    each version's origin is the file as it was given, so the provenance is the same."""
    (tmp_path / "a" / "sub").mkdir(parents=True)
    (tmp_path / "b").mkdir()
    c1 = write(
        tmp_path / "a" / "sub",
        "c1.toml",
        partial("c1", "2007-03-01", "chengdu-2007", "[channels.zwxx]\npoints = 5\n"),
    )
    c2 = write(
        tmp_path / "a", "c2.toml", partial("c2", "2007-06-01", "sub/c1.toml", "[channels.zwxx]\npoints = 6\n")
    )
    c3 = write(
        tmp_path / "b",
        "c3.toml",
        partial("c3", "2007-09-01", "../a/c2.toml", "[channels.zwxx]\npoints = 7\n"),
    )
    stamps = [
        [(r.id, r.origin) for r in score([], rules=order, as_of=YEAR_END).provenance.rules]
        for order in ([str(c3), str(c2), str(c1)], [str(c1), str(c3), str(c2)], [str(c2), str(c1), str(c3)])
    ]
    assert stamps[0] == stamps[1] == stamps[2]
    assert ("c1", f"file: {c1}") in stamps[0]


@pytest.mark.parametrize("given", [["chengdu-2007"], None, True, 2007.0, b"chengdu-2007"])
def test_load_rules_of_something_else_names_the_argument(given: object) -> None:
    """load_rules of a list, None, a bool, a float or bytes: ArgumentTypeError saying what it takes."""
    with pytest.raises(ArgumentTypeError) as caught:
        load_rules(given)  # type: ignore[arg-type]
    assert str(caught.value).startswith("version must be a year (int), a version's id or a rule file")


def test_an_empty_list_of_rules_says_it_names_no_version() -> None:
    """score(rules=[]): an ArgumentError that says the list is empty, not that a list is wrong."""
    with pytest.raises(ArgumentError) as caught:
        score([], rules=[])
    assert "rules is an empty list, which names no version" in str(caught.value)


def test_one_clause_id_twice_in_a_partial_version_is_refused(tmp_path: Path) -> None:
    """Two [[clauses]] with id A3.1.1 in a partial file: refused as the full form refuses it, not
    the last one winning."""
    body = '[[clauses]]\nid = "A3.1.1"\ntext = "a"\n\n[[clauses]]\nid = "A3.1.1"\ntext = "b"\n'
    path = write(tmp_path, "twice.toml", partial("twice", "2007-07-01", "chengdu-2007", body))
    with pytest.raises(DataFileError) as caught:
        RuleSet.from_file(path)
    assert ["clauses[1].id: clause 'A3.1.1' appears twice (also clauses[0])"] == list(caught.value.problems)


def test_a_key_removed_twice_and_a_version_left_with_nothing_are_said_plainly(tmp_path: Path) -> None:
    """remove = ["label", "label"] says the key is listed twice (not that 2007 lacks it); a partial
    version that removes every section is told it scores nothing, not that 2007 does."""
    twice = write(
        tmp_path,
        "twice.toml",
        partial(
            "twice",
            "2007-07-01",
            "chengdu-2007",
            '[channels.cddt]\nremove = ["picture_points", "picture_points"]\n',
        ),
    )
    sections = [
        "channels",
        "submission",
        "commission",
        "instruction",
        "levels",
        "categories",
        "error",
        "false_report",
        "excellent",
    ]
    body = "".join(f"[{s}]\nremove = true\n\n" for s in sections)
    nothing = write(tmp_path, "nothing.toml", partial("nothing", "2007-07-01", "chengdu-2007", body))
    problems = []
    for path in (twice, nothing):
        with pytest.raises(DataFileError) as caught:
            RuleSet.from_file(path)
        problems.append(list(caught.value.problems))
    assert [
        ["channels.cddt.remove: 'picture_points' is listed twice"],
        [
            "the version scores nothing: give at least one of [channels], [submission], [commission],"
            " [instruction], [levels], [categories], [error], [false_report], [excellent], [target] reached"
            " or [[extensions]]"
        ],
    ] == problems
