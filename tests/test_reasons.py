"""Ledger reasons: a code and its parameters, put in Chinese (the default) or English at the edge."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from chengdu_infoscore import (
    Adopted,
    Commissioned,
    ErrorFound,
    Event,
    FoundFalse,
    HigherAdopted,
    Instructed,
    LedgerLine,
    ReportedLate,
    RuleSet,
    SelectedExcellent,
    Submitted,
    read_events,
    score,
)
from chengdu_infoscore.exceptions import ArgumentError
from chengdu_infoscore.messages import LANGS, Message, catalogue
from chengdu_infoscore.testing import event_logs

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "example-2007.jsonl"
SOURCES = ROOT / "src" / "chengdu_infoscore"
END = dt.date(2007, 12, 31)


def _lines(results: Any, unit: str) -> list[tuple[str, str, str, str]]:
    """Each line of ``unit``'s ledger: event, code, Chinese reason, English reason."""
    return [(x.event, x.message.code, x.text(), x.text("en")) for x in results.unit(unit).ledger]


# -- hand-checked, from real ledgers --------------------------------------------------------------


def test_the_example_ledger_of_jinjiang_reads_in_both_languages() -> None:
    """锦江区 of the example log: each line's code, its Chinese in the notice's words, its English."""
    assert [
        ("jj-1", "reason.submitted", "上报信息 JJ-001", "submitted item JJ-001"),
        (
            "jj-2",
            "reason.adopted_picture",
            "信息 JJ-001 被《政务要闻》采用(配图)",
            "item JJ-001 adopted by 政务要闻 with picture",
        ),
        ("jj-3", "reason.adopted", "信息 JJ-001 被《政务信息》采用", "item JJ-001 adopted by 政务信息"),
        ("jj-4", "reason.instructed_by", "副市长批示信息 JJ-001", "instruction by 副市长 on item JJ-001"),
        (
            "jj-5",
            "reason.missed",
            "工作动态 本年第1次漏报:3月19日防汛工作会议",
            "工作动态 missed #1 this year: 3月19日防汛工作会议",
        ),
        ("jj-6", "reason.excellent", "信息 JJ-001 评为优秀信息", "item JJ-001 selected as excellent"),
        ("jj-7", "reason.submitted", "上报信息 JJ-002", "submitted item JJ-002"),
        ("jj-8", "reason.adopted", "信息 JJ-002 被《成都动态》采用", "item JJ-002 adopted by 成都动态"),
    ] == _lines(score(read_events([EXAMPLE])), "锦江区")


def test_the_2007_bookings_read_in_both_languages() -> None:
    """Commissions answered on time, late, never and not yet; an instruction without a leader and a
    repeated one; a higher office twice; a late report, an error, a false item twice, an excellent one."""
    log: list[Event] = [
        Commissioned(id="c1", date="2007-02-01", unit="市统计局", commission="YG-1", due="2007-02-10"),
        Commissioned(id="c2", date="2007-02-01", unit="市统计局", commission="YG-2", due="2007-02-10"),
        Commissioned(id="c3", date="2007-02-01", unit="市统计局", commission="YG-3", due="2007-02-10"),
        Commissioned(id="c4", date="2007-12-20", unit="市统计局", commission="YG-4", due="2008-01-10"),
        Submitted(id="s1", date="2007-02-09", unit="市统计局", item="TJ-1", commission="YG-1"),
        Submitted(id="s2", date="2007-02-12", unit="市统计局", item="TJ-2", commission="YG-2"),
        Adopted(id="a1", date="2007-03-01", item="TJ-1", channel="zwxx"),
        Instructed(id="i1", date="2007-03-02", item="TJ-1"),
        Instructed(id="i2", date="2007-03-03", item="TJ-1", leader="市长"),
        HigherAdopted(id="h1", date="2007-03-04", item="TJ-1", level="province"),
        HigherAdopted(id="h2", date="2007-03-05", item="TJ-1", level="province"),
        ReportedLate(id="l1", date="2007-03-06", unit="市统计局", category="important", subject="春运"),
        ErrorFound(id="x1", date="2007-03-07", item="TJ-2", note="数字有误"),
        FoundFalse(id="f1", date="2007-03-08", item="TJ-2"),
        FoundFalse(id="f2", date="2007-03-09", item="TJ-2", note="再次"),
        SelectedExcellent(id="v1", date="2007-03-10", item="TJ-1"),
    ]
    assert [
        ("s1", "reason.submitted", "上报信息 TJ-1", "submitted item TJ-1"),
        (
            "s1",
            "reason.on_time",
            "约稿 YG-1 按时报送(截止 2007-02-10)",
            "commission YG-1 answered on time (due 2007-02-10)",
        ),
        (
            "c3",
            "reason.unanswered",
            "约稿 YG-3(截止 2007-02-10)不报",
            "commission YG-3 due 2007-02-10 not answered",
        ),
        (
            "s2",
            "reason.answered_late",
            "约稿 YG-2 迟报:截止 2007-02-10,2007-02-12 报送",
            "commission YG-2 due 2007-02-10 answered late, on 2007-02-12",
        ),
        ("s2", "reason.submitted", "上报信息 TJ-2", "submitted item TJ-2"),
        ("a1", "reason.adopted", "信息 TJ-1 被《政务信息》采用", "item TJ-1 adopted by 政务信息"),
        ("i1", "reason.instructed", "领导批示信息 TJ-1", "instruction on item TJ-1"),
        (
            "i2",
            "reason.instructed_again_by",
            "市长批示信息 TJ-1:该信息已计分一次",
            "instruction by 市长 on item TJ-1: already counted once for this item",
        ),
        ("h1", "reason.higher", "信息 TJ-1 被省政府办公厅信息刊物采用", "item TJ-1 adopted by 省政府办公厅"),
        (
            "h2",
            "reason.higher_again",
            "信息 TJ-1 再次被省政府办公厅信息刊物采用:只计一次",
            "item TJ-1 adopted by 省政府办公厅 again: counted once",
        ),
        ("l1", "reason.late", "重要信息 本年第1次迟报:春运", "重要信息 reported late #1 this year: 春运"),
        ("x1", "reason.error", "信息 TJ-2 出现差错:数字有误", "error in item TJ-2: 数字有误"),
        ("f1", "reason.false", "上报虚假、不实信息 TJ-2", "item TJ-2 found false"),
        (
            "f2",
            "reason.false_again",
            "信息 TJ-2 再次被认定为虚假信息(每条只扣一次):再次",
            "item TJ-2 found false again: deducted once per item: 再次",
        ),
        ("v1", "reason.excellent", "信息 TJ-1 评为优秀信息", "item TJ-1 selected as excellent"),
        (
            "c4",
            "reason.pending",
            "约稿 YG-4(截止 2008-01-10)尚未报送",
            "commission YG-4 due 2008-01-10 pending: not answered yet",
        ),
    ] == _lines(score(log, as_of=END), "市统计局")


def test_the_notes_of_an_adjusted_version_are_codes_too() -> None:
    """Under the docs' adjustment (monthly cap 0.05 × 5, highest adoption only, leader levels, false
    items revoked, a floor of 0): each note is put in the reason's language, two notes one after the other."""
    log: list[Event] = [
        *(Submitted(id=f"s{i}", date=f"2007-10-0{i}", unit="市粮食局", item=f"LS-{i}") for i in range(1, 4)),
        Adopted(id="a1", date="2007-10-10", item="LS-1", channel="zwxx"),
        Adopted(id="a2", date="2007-10-11", item="LS-1", channel="wechat"),
        Instructed(id="i1", date="2007-10-12", item="LS-1", leader="省长", level="provincial"),
        FoundFalse(id="f1", date="2007-10-13", item="LS-1"),
        Adopted(id="a3", date="2007-10-14", item="LS-1", channel="zwxx_special"),
        Instructed(id="i2", date="2007-10-15", item="LS-1", level="national"),
    ]
    rules = RuleSet.from_file(ROOT / "docs" / "example-adjustment.toml")
    false = ("(该信息已被认定为虚假信息:不得分)", " (item found false: earns nothing)")
    assert [
        ("s1", "reason.submitted", "上报信息 LS-1", "submitted item LS-1"),
        ("s2", "reason.submitted", "上报信息 LS-2", "submitted item LS-2"),
        (
            "s3",
            "reason.submitted",
            "上报信息 LS-3(当月累计分数已达上限 0.25 分)",
            "submitted item LS-3 (monthly cap of 0.25 points reached)",
        ),
        ("a1", "reason.adopted", "信息 LS-1 被《政务信息》采用", "item LS-1 adopted by 政务信息"),
        (
            "a2",
            "reason.adopted",
            "信息 LS-1 被《政务微信》采用(只计最高一次采用:比此前最高的 5 分多 0 分)",
            "item LS-1 adopted by 政务微信 (only the highest adoption counts: +0 over 5)",
        ),
        (
            "i1",
            "reason.instructed_by",
            "省长(省级领导)批示信息 LS-1",
            "instruction by 省长 (省级领导) on item LS-1",
        ),
        (
            "f1",
            "reason.false_revoke",
            "信息 LS-1 被认定为虚假信息:撤销其已得 17.1 分",
            "item LS-1 found false: its 17.1 points revoked",
        ),
        ("f1", "reason.false", "上报虚假、不实信息 LS-1", "item LS-1 found false"),
        (
            "a3",
            "reason.adopted",
            "信息 LS-1 被《专刊》采用(只计最高一次采用:比此前最高的 5 分多 3 分)" + false[0],
            "item LS-1 adopted by 专刊 (only the highest adoption counts: +3 over 5)" + false[1],
        ),
        (
            "i2",
            "reason.instructed",
            "领导(国家领导人)批示信息 LS-1" + false[0],
            "instruction (国家领导人) on item LS-1" + false[1],
        ),
        ("-", "reason.floor", "得分 -29.85 提至保底分 0", "score -29.85 raised to the floor of 0"),
    ] == _lines(score(log, rules=rules, as_of=END), "市粮食局")


def test_a_figure_decided_per_case_is_a_note_of_its_own() -> None:
    """Under the docs' per-case version, an error's and a false item's reason say the figure and its range."""
    log: list[Event] = [
        Submitted(id="s1", date="2007-07-02", unit="锦江区", item="J1"),
        ErrorFound(id="x1", date="2007-07-03", item="J1", points="-3"),
        FoundFalse(id="f1", date="2007-07-04", item="J1", points="-60", note="编造"),
    ]
    rules = RuleSet.from_file(ROOT / "docs" / "example-per-case-2007.toml")
    assert [
        ("s1", "reason.submitted", "上报信息 J1", "submitted item J1"),
        (
            "x1",
            "reason.error",
            "信息 J1 出现差错(按个案确定分值 -3 分,范围 -5 至 -1 分)",
            "error in item J1 (figure decided for the case: -3, within -5 to -1)",
        ),
        (
            "f1",
            "reason.false",
            "上报虚假、不实信息 J1(按个案确定分值 -60 分,范围 -100 至 -50 分):编造",
            "item J1 found false (figure decided for the case: -60, within -100 to -50): 编造",
        ),
    ] == _lines(score(log, rules=rules, as_of=END), "锦江区")


def test_the_bonus_for_reaching_the_target_says_what_counted() -> None:
    """市人防办 (target 5 adopted items) reaches its target with its fifth adopted item."""
    rules = RuleSet.from_toml(
        '[ruleset]\nid = "reached-2007"\ntitle = "t"\neffective = 2007-01-02\nadjusts = "chengdu-2007"\n'
        'default = false\n\n[target]\nreached = { clause = "A3.3.1", points = 5 }\n',
        "reached.toml",
    )
    log: list[Event] = [
        e
        for i in range(1, 6)
        for e in (
            Submitted(id=f"s{i}", date=f"2007-03-0{i}", unit="市人防办", item=f"RF-{i}"),
            Adopted(id=f"a{i}", date=f"2007-04-0{i}", item=f"RF-{i}", channel="zwxx"),
        )
    ]
    [line] = [x for x in score(log, rules=rules, as_of=END).unit("市人防办").ledger if x.clause == "A3.3.1"]
    assert (
        "a5",
        "完成全年目标任务:采用信息5条",
        "target of 5 adopted items reached",
    ) == (
        line.event,
        line.text(),
        line.reason,
    )


# -- every code ------------------------------------------------------------------------------------

#: Every reason code with parameters, and its Chinese and English (checked by hand).
EVERY_CODE: list[tuple[Message, str, str]] = [
    (
        Message.of("reason.reached_submitted", target=1500),
        "完成全年目标任务:上报信息1500条",
        "target of 1500 submitted items reached",
    ),
    (
        Message.of("reason.reached_adoptions", target=10),
        "完成全年目标任务:信息采用10次",
        "target of 10 adoptions reached",
    ),
    (
        Message.of("reason.submitted", item="J1", note=Message.of("reason.note.cap_year", cap="60")),
        "上报信息 J1(全年累计分数已达上限 60 分)",
        "submitted item J1 (yearly cap of 60 points reached)",
    ),
    (
        Message.of(
            "reason.instructed_again",
            item="J1",
            at=Message.of("reason.part.at_level", level="市级领导"),
        ),
        "领导批示信息 J1:该信息已计分一次(级别:市级领导)",
        "instruction on item J1: already counted once for this item at level 市级领导",
    ),
    (Message.of("reason.plugin", text="额外 extra"), "额外 extra", "额外 extra"),
    (Message.of("reason.plugin_both", zh="加分", en="bonus"), "加分", "bonus"),
    (
        Message.of(
            "reason.plugin_period",
            period=Message.of("reason.period.quarter", year=2007, number=1),
            kind="k",
            text=Message.of("reason.plugin", text="x"),
        ),
        "2007年第1季度末,k:x",
        "end of quarter 2007-Q1, k: x",
    ),
    (Message.of("reason.period.month", year=2007, number=3), "2007年3月", "month 2007-03"),
    (Message.of("reason.period.year", year=2007, number=2007), "2007年", "year 2007"),
]


@pytest.mark.parametrize(("message", "zh", "en"), EVERY_CODE, ids=[m.code for m, _, _ in EVERY_CODE])
def test_a_reason_code_reads_so_in_each_language(message: Message, zh: str, en: str) -> None:
    """The codes the ledgers above do not show: the text in Chinese and in English."""
    assert (zh, en) == (message.text(), message.text("en"))


def _codes_in_sources() -> set[str]:
    """Every reason code the engine's sources name (a hook's period code is made from its kind)."""
    found: set[str] = set()
    for name in ("_compiled.py", "_fold.py", "_shape.py", "results.py"):
        text = (SOURCES / name).read_text(encoding="utf-8")
        found |= set(re.findall(r'"(reason\.[a-z_.]+[a-z_])"', text))
    assert "reason.period.{period.kind}" in (SOURCES / "_fold.py").read_text(encoding="utf-8")
    return found | {f"reason.period.{kind}" for kind in ("month", "quarter", "year")}


def test_every_reason_code_of_the_engine_is_in_both_catalogues_and_no_other() -> None:
    """A code the engine books that a catalogue lacks would fail only when that line is read; a code no
    booking makes is a text nobody sees."""
    used = _codes_in_sources()
    kept = [{code for code in catalogue(lang) if code.startswith("reason.")} for lang in LANGS]
    assert [used, used] == kept


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(log=event_logs())
def test_any_ledger_reads_in_both_languages(log: list[Event]) -> None:
    """Every line of every unit renders in Chinese and in English, its code a reason code, and its
    English is its ``reason``; JSON carries the same code and parameters in both."""
    for unit in score(log).units:
        for line in unit.ledger:
            zh, en = line.text(), line.text("en")
            assert (True, True, en) == (line.message.code.startswith("reason."), bool(zh and en), line.reason)
            assert json.loads(json.dumps(line.message.as_json())) == line.message.as_json()


# -- lines, JSON, plug-ins -------------------------------------------------------------------------


def test_a_line_compares_by_its_message_and_takes_text_as_written() -> None:
    """Two lines of the same message are equal and hash alike; a text given by hand reads the same in
    both languages; an unknown language is refused."""
    made = [
        LedgerLine(dt.date(2007, 3, 1), "e1", "A3.1.4", 1, Message.of("reason.submitted", item="Q", note="")),
        LedgerLine(dt.date(2007, 3, 1), "e1", "A3.1.4", 1, Message.of("reason.submitted", note="", item="Q")),
    ]
    assert (made[0], hash(made[0])) == (made[1], hash(made[1]))
    by_hand = LedgerLine(dt.date(2007, 3, 1), "e1", "A3.1.4", 1, "手写 by hand")
    assert ("手写 by hand", "手写 by hand", "reason.plugin") == (
        by_hand.text(),
        by_hand.reason,
        by_hand.message.code,
    )
    with pytest.raises(ArgumentError, match="'fr'"):
        by_hand.text("fr")


def _explain(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "chengdu_infoscore", "explain", str(EXAMPLE), "--unit", "锦江区", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.mark.slow
def test_explain_json_carries_code_and_params_beside_the_reason_in_its_language() -> None:
    """explain --format json: the reason in Chinese by default, in English with --lang en; the code and
    parameters the same in both."""
    zh, en = _explain("--format", "json"), _explain("--format", "json", "--lang", "en")
    expected = {
        "date": "2007-03-20",
        "event": "jj-5",
        "clause": "A3.2.1",
        "points": "-2",
        "reason": "工作动态 本年第1次漏报:3月19日防汛工作会议",
        "code": "reason.missed",
        "params": {
            "about": {"code": "reason.part.about", "params": {"text": "3月19日防汛工作会议"}},
            "category": "工作动态",
            "n": 1,
        },
        "rules": "chengdu-2007",
    }
    assert expected == zh["ledger"][4]
    assert {**expected, "reason": "工作动态 missed #1 this year: 3月19日防汛工作会议"} == en["ledger"][4]


def test_the_example_plugin_gives_a_reason_in_both_languages() -> None:
    """The example plug-in's monthly bonus (a hook) books its reason in both languages: the period and the
    rule kind before it, in the language asked for."""
    case = ROOT / "examples" / "plugin-midyear-2007" / "cases" / "monthly-bonus" / "events.jsonl"
    results = score(read_events([case]), rules="example-monthly-bonus-2007", as_of=dt.date(2007, 3, 31))
    lines = [x for x in results.unit("锦江区").ledger if x.clause == "EX.B"]
    assert [
        (
            "2007年1月末,adoption-minimum:采用 2 条,达到最低数 2 条",
            "end of month 2007-01, adoption-minimum: 2 adopted, the minimum of 2 met",
        ),
        (
            "2007年3月末,adoption-minimum:采用 2 条,达到最低数 2 条",
            "end of month 2007-03, adoption-minimum: 2 adopted, the minimum of 2 met",
        ),
    ] == [(x.text(), x.reason) for x in lines]
    assert {"en": "2 adopted, the minimum of 2 met", "zh": "采用 2 条,达到最低数 2 条"} == (
        lines[0].message.as_json()["params"]["text"]["params"]
    )
