"""Chinese by default, English with --lang en: headers, titles, provenance, groups, key points, cells."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import attrs
import pytest

from chengdu_infoscore import load_quotas, load_rules, score
from chengdu_infoscore.bulletins import monthly_bulletin, year_end_bulletin
from chengdu_infoscore.bulletins.render import bulletin_csv, bulletin_markdown, bulletin_table
from chengdu_infoscore.cli import main
from chengdu_infoscore.diff import diff_table
from chengdu_infoscore.exceptions import ArgumentError
from chengdu_infoscore.provenance import Provenance, RuleStamp
from chengdu_infoscore.readers import read_events
from chengdu_infoscore.reports import ledger_table, quotas_csv, quotas_table, results_csv, results_table
from chengdu_infoscore.rules.describe import rule_lines

ROOT = Path(__file__).parent.parent
EXAMPLE = str(ROOT / "examples" / "example-2007.jsonl")
CASES = str(ROOT / "tests" / "golden" / "ex1_cap_district_650")


@pytest.fixture(scope="module")
def example() -> Any:
    return score(read_events([EXAMPLE]), quotas=load_quotas(2007), year=2007)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


# -- hand-checked lines -------------------------------------------------------------------------


def test_the_header_line_in_each_language(example: Any) -> None:
    """The year, the as-of date and how it was chosen, and the rules: Chinese by default."""
    quotas = load_quotas(2007)
    zh = results_table(example, quotas).splitlines()[0]
    en = results_table(example, quotas, "en").splitlines()[0]
    assert (
        "2007年 截至2007-12-03(最新事件的日期;--as-of 2007-12-31 按全年计) · 规则 chengdu-2007",
        "2007 as of 2007-12-03 (the latest event's date; --as-of 2007-12-31 judges the whole year)"
        " · rules chengdu-2007",
    ) == (zh, en)


def test_the_explain_title_in_each_language(example: Any) -> None:
    """A unit's ledger opens with its group, target, basis and completion, in words of the language."""
    unit = example.unit("锦江区")
    assert (
        "锦江区 — 各区(市)县政府,任务数120条(采用数);至今计入1条(0.8%)",
        "锦江区 — district, target 120 adopted items; 1 so far (0.8%)",
    ) == (ledger_table(unit, example).splitlines()[0], ledger_table(unit, example, "en").splitlines()[0])


def test_the_explain_headings_and_total_in_each_language(example: Any) -> None:
    """The ledger's column headings and its closing total are in the language asked for."""
    unit = example.unit("锦江区")
    zh, en = ledger_table(unit, example).splitlines(), ledger_table(unit, example, "en").splitlines()
    assert (["日期", "事件", "条款", "分值", "说明"], ["date", "event", "clause", "points", "reason"]) == (
        zh[3].split(),
        en[3].split(),
    )
    assert (["合计", "17.2"], ["total", "17.2"]) == (zh[-1].split(), en[-1].split())


def test_group_lines_name_the_group_by_its_label_in_chinese(example: Any) -> None:
    """The English group key is not in Chinese output; in English it follows the label."""
    quotas = load_quotas(2007)
    zh, en = results_table(example, quotas).splitlines(), results_table(example, quotas, "en").splitlines()
    groups = ["各区(市)县政府", "市政府各部门及有关单位", "市政府驻外办事处"]
    assert groups == [line for line in zh if line in groups]
    assert [f"{g} ({k})" for g, k in zip(groups, ("district", "department", "office"), strict=True)] == [
        line for line in en if line.startswith(tuple(groups))
    ]


def test_quotas_group_lines_in_each_language() -> None:
    """The target table names each group with its count of units."""
    quotas = load_quotas(2007)
    assert ("各区(市)县政府(19个单位)", "各区(市)县政府 (district, 19)") == (
        quotas_table(quotas).splitlines()[2],
        quotas_table(quotas, "en").splitlines()[2],
    )
    assert ["单位", "任务数(采用数)"] == quotas_table(quotas).splitlines()[3].split()


def _provenance(problems: tuple[str, ...] = ()) -> Provenance:
    rule = RuleStamp("chengdu-2007", "ab" * 32, "shipped", dt.date(2007, 1, 1), None)
    return Provenance("1.2.3", (rule,), 2007, "cd" * 32, "ef" * 32, 30, dt.date(2007, 12, 3), problems)


def test_the_provenance_line_in_each_language() -> None:
    """Library, rules, table, events and as-of date with shortened digests, then the stamp."""
    p = _provenance()
    stamp = p.stamp[:16]
    assert (
        "chengdu_infoscore 1.2.3 · 规则 chengdu-2007 (abababababab) · 任务表 2007年(cdcdcdcdcdcd)"
        f" · 事件30条(efefefefefef) · 截至2007-12-03 · 标记 {stamp}",
        "chengdu_infoscore 1.2.3 · rules chengdu-2007 (abababababab) · targets 2007 (cdcdcdcdcdcd)"
        f" · 30 events (efefefefefef) · as of 2007-12-03 · stamp {stamp}",
    ) == (p.line(), p.line("en"))


def test_the_provenance_line_counts_plug_in_problems_in_each_language() -> None:
    """Plug-ins that failed to load are counted in the line, in either language."""
    p = _provenance(("a: broken", "b: broken"))
    assert (" · 插件问题2个 · 标记 ", " · 2 plug-in problem(s) · stamp ") == (
        p.line()[-len(" · 插件问题2个 · 标记 ") - 16 : -16],
        p.line("en")[-len(" · 2 plug-in problem(s) · stamp ") - 16 : -16],
    )


def test_key_point_sections_are_titled_from_the_topics_data(example: Any) -> None:
    """A bulletin's submissions by key-point section name each section by its title, not 一 (1)."""
    b = monthly_bulletin(example, load_quotas(2007), 6)
    zh, en = bulletin_table(b), bulletin_table(b, "en")
    assert "一、抓好有效调控,促进城乡一体化发展方面信息" in zh.splitlines()[-9]
    assert "五、强化依法治市,不断提升规范化服务水平方面信息" in zh.splitlines()[-5]
    assert (
        "1. Information on effective regulation and the integrated development of town and country"
        in (en.splitlines()[-9])
    )
    assert "| 二、加快产业发展,实现“三新”突破方面信息 |" in bulletin_markdown(b)
    assert "一 (1)" not in zh


def test_csv_cells_are_chinese_under_zh_and_the_keys_otherwise(example: Any) -> None:
    """Group, basis, completed and no-target cells: Chinese under zh, the JSON's values for machines."""
    row = {
        lang: next(r for r in results_csv(example, lang).splitlines() if r.startswith("深圳办"))
        for lang in ("zh", None)
    }
    assert (
        "深圳办,深圳办,市政府驻外办事处,上报,800,"
        == row["zh"][: len("深圳办,深圳办,市政府驻外办事处,上报,800,")]
    )
    assert "深圳办,深圳办,office,submitted,800," == row[None][: len("深圳办,深圳办,office,submitted,800,")]
    assert (["0.0000", "未完成", "800"], ["0.0000", "false", "800"]) == (
        row["zh"].split(",")[7:10],
        row[None].split(",")[7:10],
    )
    assert row[None] == next(r for r in results_csv(example, "en").splitlines() if r.startswith("深圳办"))


def test_bulletin_csv_cells_are_chinese_under_zh(example: Any) -> None:
    """The year-end bulletin's CSV: the group's label and 未完成 under zh, district and false for machines."""
    quotas = load_quotas(2007)
    b = year_end_bulletin(
        score(read_events([EXAMPLE]), quotas=quotas, as_of=dt.date(2007, 12, 31)), quotas, 3
    )
    zh, keys = bulletin_csv(b, "zh").splitlines()[1], bulletin_csv(b).splitlines()[1]
    assert ("各区(市)县政府", "district") == (zh.split(",")[0].lstrip("\ufeff"), keys.split(",")[0])
    assert ("未完成", "false") == (zh.split(",")[6], keys.split(",")[6])


def test_quotas_csv_in_each_language() -> None:
    """The target table's CSV: Chinese headings and words under zh; the keys otherwise."""
    quotas = load_quotas(2007)
    zh, keys = quotas_csv(quotas, "zh").splitlines()[:2], quotas_csv(quotas).splitlines()[:2]
    assert ["\ufeff单位,任务表名称,组别,任务口径,任务数,别名", "锦江区,锦江区,各区(市)县政府,采用,120,"] == zh
    assert ["\ufeffunit,label,group,basis,target,aliases", "锦江区,锦江区,district,adopted,120,"] == keys


@pytest.mark.parametrize(
    "render",
    [
        lambda r: results_table(r, load_quotas(2007), "fr"),
        lambda r: ledger_table(r.units[0], r, "fr"),
        lambda r: quotas_table(load_quotas(2007), "fr"),
        lambda r: quotas_csv(load_quotas(2007), "fr"),
        lambda r: results_csv(r, "fr"),
        lambda r: bulletin_table(monthly_bulletin(r, load_quotas(2007), 6), "fr"),
        lambda r: bulletin_csv(monthly_bulletin(r, load_quotas(2007), 6), "fr"),
        lambda r: r.provenance.line("fr"),
        lambda r: r.as_of_note("fr"),
        lambda r: diff_table(r.diff(r), "fr"),
    ],
)
def test_an_unknown_language_is_an_argument_error(example: Any, render: Any) -> None:
    """Every renderer for people refuses a language there is no catalogue for."""
    with pytest.raises(ArgumentError, match="'fr'"):
        render(example)


# -- rules show, rules list: the figures of a version, in the notice's words -----------------------

#: Lines of `rules show` (the lines under a clause, without their "  - "), by version and language.
RULE_LINES: list[tuple[str, list[str], list[str]]] = [
    (
        "chengdu-2007",
        [
            "《政务要闻》采用:每条4分,配有图片的每条6分(计入任务数)",
            "上报信息:每条0.1分,全年累计不超过任务数的0.5倍",
            "市级领导批示:每条8分,只计一次(须先被采用;批示未注明级别时按此级别)",
            "国务院办公厅信息刊物采用:每条16分,只计一次",
            "工作动态漏报:第1次-2分,第2次起每次-4分",
            "重要信息迟报:每次-10分",
            "约稿到期不报:每次-10分",
            "上报虚假、不实信息:每条-30分,只扣一次;该信息已得分数保留",
        ],
        [
            "adoption by zwyw 政务要闻: 4, with picture 6 (counts toward the target)",
            "submission: 0.1 each, cap 0.5 × target per year",
            "instruction, municipal 市级领导: 8 once per item (needs an adoption first, the default)",
            "adoption by state_council 国务院办公厅: 16 once per item",
            "missed work_dynamic 工作动态: -2, then -4 (the last repeats)",
            "late important 重要信息: -10 (the last repeats)",
            "commission not answered by its due date: -10",
            "false or untrue item: -30 once per item; the item keeps its points",
        ],
    ),
    (
        str(ROOT / "docs" / "example-adjustment.toml"),
        [
            "上报信息:每条0.1分,每月累计不超过任务数的0.05倍",
            "省级领导批示:每条12分,只计一次(须先被采用)",
            "《政务微博》采用:每条2分,配有图片的每条3分",
            "工作动态漏报:第1次-2分,第2次-4分,第3次起每次-6分",
            "信息出现差错:第1次-2分,第2次起每次-3分",
            "上报虚假、不实信息:每条-30分,只扣一次;撤销该信息已得分数",
            "保底分:0分",
            "同一条信息多次采用:只计分值最高的一次",
            "重要信息漏报达2次即取消评先资格:两次漏报重要信息,取消当年评先资格(示例)",
        ],
        [
            "submission: 0.1 each, cap 0.05 × target per month",
            "instruction, provincial 省级领导: 12 once per item (needs an adoption first)",
            "adoption by weibo 政务微博: 2, with picture 3",
            "missed work_dynamic 工作动态: -2, then -4, then -6 (the last repeats)",
            "error in an item: -2, then -3",
            "false or untrue item: -30 once per item; the item's points revoked",
            "floor under the score: 0",
            "several adoptions of one item: only the highest",
            "disqualified after 2 × missed important: 两次漏报重要信息,取消当年评先资格(示例)",
        ],
    ),
    (
        str(ROOT / "docs" / "example-per-case-2007.toml"),
        [
            "信息出现差错:逐件确定分值,-5分至-1分",
            "上报虚假、不实信息:逐件确定分值,-100分至-50分,只扣一次;该信息已得分数保留",
        ],
        [
            "error in an item: decided per case, from -5 to -1",
            "false or untrue item: decided per case, from -100 to -50, once per item;"
            " the item keeps its points",
        ],
    ),
    (
        str(ROOT / "docs" / "example-county-2008.toml"),
        ["上报信息:每条0.5分,全年累计不超过任务数的0.2倍;组别 office:全年累计不超过2分"],
        ["submission: 0.5 each, cap 0.2 × target per year; office: cap 2 per year"],
    ),
]


@pytest.mark.parametrize("version, zh, en", RULE_LINES, ids=[Path(v[0]).stem for v in RULE_LINES])
def test_rules_show_states_each_figure_in_each_language(
    capsys: pytest.CaptureFixture[str], version: str, zh: list[str], en: list[str]
) -> None:
    """rules show: each figure in the notice's words by default, as before with --lang en."""
    shown = {lang: run(capsys, "rules", "show", version, "--lang", lang) for lang in ("zh", "en")}
    figures = {
        lang: [x[4:] for x in out.splitlines() if x.startswith("  - ")] for lang, (_, out, _) in shown.items()
    }
    assert (0, 0) == (shown["zh"][0], shown["en"][0])
    assert (zh, en) == (
        [x for x in figures["zh"] if x in zh],
        [x for x in figures["en"] if x in en],
    )


def test_where_a_version_comes_from_in_each_language(capsys: pytest.CaptureFixture[str]) -> None:
    """rules show and rules list say where a version comes from: shipped, a file, a plug-in."""
    adjustment = str(ROOT / "docs" / "example-adjustment.toml")
    heads = {
        lang: [
            run(capsys, "rules", "show", v, "--lang", lang)[1].splitlines()[1]
            for v in ("chengdu-2007", adjustment)
        ]
        for lang in ("zh", "en")
    }
    example = "EXAMPLE — not a real notice (docs/rulesets.md)"
    assert {
        "zh": ["成办发〔2007〕30号 附件3 · 生效 2007-01-01 · 随本库提供:ruleset-2007.toml",
               f"{example} · 生效 2007-10-01 · 调整 chengdu-2007 · 文件:{adjustment}"],
        "en": ["成办发〔2007〕30号 附件3 · effective 2007-01-01 · shipped: ruleset-2007.toml",
               f"{example} · effective 2007-10-01 · adjusts chengdu-2007 · file: {adjustment}"],
    } == heads  # fmt: skip
    listed = {lang: run(capsys, "rules", "list", "--lang", lang)[1] for lang in ("zh", "en")}
    plugin = "example-midyear-2007 (chengdu_infoscore_example_adjustment:rule_sets)"
    assert (True, True, True, True) == (
        f"插件:{plugin}" in listed["zh"],
        f"plug-in: {plugin}" in listed["en"],
        "随本库提供:ruleset-2007.toml" in listed["zh"],
        "shipped: ruleset-2007.toml" in listed["en"],
    )


def test_two_channels_of_one_label_are_told_apart_by_their_keys() -> None:
    """A label two channels share is followed by the key in Chinese (English always shows keys)."""
    rules = load_rules(2007)
    twins = attrs.evolve(
        rules,
        channels=tuple(
            attrs.evolve(c, label="政务信息") if c.key == "zwxx_brief" else c for c in rules.channels
        ),
    )
    zh, en = ([x.what for x in rule_lines(twins, lang) if x.clause == "A3.1.1"] for lang in ("zh", "en"))
    assert (
        ["《政务信息》采用(zwxx)", "《政务信息》采用(zwxx_brief)"],
        ["adoption by zwxx 政务信息", "adoption by zwxx_brief 政务信息"],
    ) == (zh, en)


def test_rules_diff_in_each_language(capsys: pytest.CaptureFixture[str]) -> None:
    """rules diff: the changed lines, what changed and a clause text, in the language asked for."""
    zh = run(capsys, "rules", "diff", "chengdu-2007", "example-2007-07")[1].splitlines()
    en = run(capsys, "rules", "diff", "chengdu-2007", "example-2007-07", "--lang", "en")[1].splitlines()
    assert (
        ["A3.1.1", "《政务信息》采用", "每条4分(计入任务数;可计领导批示)",
         "每条5分(计入任务数;可计领导批示)"],
        ["A3.1.1", "adoption by zwxx 政务信息", "4 (counts toward the target; allows instructions)",
         "5 (counts toward the target; allows instructions)"],
        "条款原文",
        "clause text",
    ) == (
        re.split(r"\s{2,}", zh[3]),
        re.split(r"\s{2,}", en[3]),
        re.split(r"\s{2,}", zh[5])[1],
        re.split(r"\s{2,}", en[5])[1],
    )  # fmt: skip


# -- no English words in Chinese output -----------------------------------------------------------

#: English words that must not show in Chinese output (ids, clause ids, file names, digests,
#: option names such as --as-of and rule-set ids such as chengdu-2007 aside).
ENGLISH = ("district", "department", "office", "adopted", "submitted", "as of", "rules", "target", "total")
ENGLISH += ("events", "event", "none", "true", "false", "completed", "read", "valid", "batch", "stamp")
ENGLISH += ("adoption", "submission", "cap", "each", "then", "repeats", "shipped", "plug-in", "instruction")
ENGLISH += ("instructions", "commission", "missed", "late", "once", "picture", "disqualified", "warning")
ENGLISH += ("item", "text", "file", "change", "changes", "effective", "adjusts", "unit", "rank", "score")


def _english(text: str) -> list[str]:
    text = re.sub(r"--[a-z-]+|chengdu[-_][a-z0-9_-]+|\S+\.(jsonl|sqlite|json)", "", text)
    return sorted({w for w in ENGLISH if re.search(rf"(?<![\w-]){w}(?![\w-])", text, re.IGNORECASE)})


def _store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    store = str(tmp_path / "office.sqlite")
    assert 0 == main(["ingest", store, EXAMPLE, "--recorded", "2008-01-02"])
    capsys.readouterr()
    return store


CHINESE_COMMANDS: list[tuple[str, ...]] = [
    ("score", EXAMPLE),
    ("explain", EXAMPLE, "--unit", "锦江区"),
    ("explain", EXAMPLE, "--unit", "深圳办"),
    ("bulletin", EXAMPLE, "--month", "2007-06"),
    ("bulletin", EXAMPLE, "--year-end"),
    ("bulletin", EXAMPLE, "--year-end", "--format", "markdown"),
    ("validate", EXAMPLE),
    ("quotas",),
    ("score", EXAMPLE, "--format", "csv"),
    ("bulletin", EXAMPLE, "--year-end", "--format", "csv"),
    ("rules", "list"),
    ("rules", "show", "chengdu-2007"),
    ("rules", "show", "example-2007-07"),
    ("rules", "show", str(ROOT / "docs" / "example-adjustment.toml")),
    ("rules", "diff", "chengdu-2007", "example-2007-07"),
    ("rules", "diff", "chengdu-2007", str(ROOT / "docs" / "example-adjustment.toml")),
    ("compare", EXAMPLE, "--rules", "chengdu-2007", "--rules", "example-2007-07"),
]


@pytest.mark.parametrize("argv", CHINESE_COMMANDS, ids=[" ".join(a[:1] + a[2:]) for a in CHINESE_COMMANDS])
def test_chinese_output_has_no_english_words(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    """What people read by default is Chinese: none of a list of English words shows (a ledger's
    reasons aside: they are put in words by the ledger's own catalogue codes)."""
    status, out, err = run(capsys, *argv)
    if argv[0] == "explain":  # the title, header and heading lines, and the total
        out = "".join(out.splitlines(True)[:4] + out.splitlines(True)[-1:])
    assert (0, [], []) == (status, _english(out), _english(err))


def test_ingest_and_diff_say_it_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """ingest's summary and diff's views and sides are Chinese by default."""
    store = str(tmp_path / "office.sqlite")
    status, ingested, _ = run(capsys, "ingest", store, EXAMPLE, "--recorded", "2008-01-02")
    assert (0, "第1批于2008-01-02登记到 ") == (status, ingested[: len("第1批于2008-01-02登记到 ")])
    status, diffed, _ = run(capsys, "diff", "--store", store, "--from", "2008-01-01", "--as-of", "2007-12-31")
    sides = "".join(
        diffed.splitlines(True)[:9]
    )  # the views, both sides, the summary: not the ledger's reasons
    assert (0, [], []) == (status, _english(ingested), _english(sides))
    assert "第1批之前(无记录)" in diffed


# -- --lang on every command ----------------------------------------------------------------------

#: Each command with --lang, and a text its output holds in English and the text in Chinese.
EVERY_COMMAND: list[tuple[tuple[str, ...], str, str]] = [
    (("score", EXAMPLE), "as of 2007-12-03", "截至2007-12-03"),
    (("explain", EXAMPLE, "--unit", "锦江区"), "target 120 adopted items", "任务数120条(采用数)"),
    (("validate", EXAMPLE), "no problems.", "无问题。"),
    (("bulletin", EXAMPLE, "--year-end"), "Government information work", "全市政务信息工作通报"),
    (("rules", "list"), "effective", "生效日期"),
    (("rules", "show", "chengdu-2007"), "effective 2007-01-01", "生效 2007-01-01"),
    (("rules", "diff", "chengdu-2007", "chengdu-2007"), "0 change(s)", "0处变动"),
    (("compare", EXAMPLE, "--rules", "chengdu-2007", "--rules", "chengdu-2007"), "rank A", "A组内排名"),
    (("check", CASES), "1 passed, 0 failed", "1个通过,0个未通过"),
    (("demo", "--month", "2007-03"), "Government information bulletin", "全市政务信息报送情况通报"),
    (("quotas",), "target (adopted)", "任务数(采用数)"),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    "argv, english, chinese", EVERY_COMMAND, ids=[" ".join(c[0][:2]) for c in EVERY_COMMAND]
)
def test_every_command_takes_lang(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], english: str, chinese: str
) -> None:
    """--lang en gives English, the default and --lang zh Chinese."""
    outputs = [run(capsys, *argv, *lang) for lang in ((), ("--lang", "zh"), ("--lang", "en"))]
    assert [0, 0, 0] == [status for status, _, _ in outputs]
    default, zh, en = (out + err for _, out, err in outputs)
    assert (True, True, True, False) == (chinese in default, chinese in zh, english in en, english in zh)
    assert default == zh


@pytest.mark.slow
def test_sample_ingest_and_diff_take_lang(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The lines sample, ingest and diff print for people follow --lang."""
    sample = str(tmp_path / "year.jsonl")
    status, out, err = run(capsys, "sample", "--out", sample)
    assert (0, "", "样本2007年的21338条事件已写入 ") == (
        status,
        out,
        err[: len("样本2007年的21338条事件已写入 ")],
    )
    assert (
        "21338 events of the sample 2007 year written to "
        in run(capsys, "sample", "--out", sample, "--lang", "en")[2]
    )
    store = str(tmp_path / "office.sqlite")
    ingested = run(capsys, "ingest", store, EXAMPLE, "--recorded", "2008-01-02", "--lang", "en")[1]
    assert ingested.startswith("batch 1 recorded on 2008-01-02 in ")
    argv = ("diff", "--store", store, "--from", "2008-01-01", "--as-of", "2007-12-31", "--lang", "en")
    assert "before the first batch (no records)" in run(capsys, *argv)[1]


def test_every_subcommand_has_lang() -> None:
    """No command that prints for people is without --lang (the helpers read args.lang)."""
    from chengdu_infoscore.cli import _parser

    parser = _parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    missing = []
    for name, sub in commands.items():
        subs = [(name, sub)]
        if sub._subparsers is not None:
            subs = [(f"{name} {n}", s) for n, s in sub._subparsers._group_actions[0].choices.items()]
        missing += [n for n, s in subs if "--lang" not in s._option_string_actions]
    assert [] == missing
