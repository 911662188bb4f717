"""Target tables as data files: a 2008 rule file and a 2008 target file score 2008 on the command line
with no plug-in; a unit without target in every output; bad target files exit 2 with their messages."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from chengdu_infoscore import QuotaTable, RuleSet, Unit, read_events, score
from chengdu_infoscore.cli import main
from chengdu_infoscore.quotas import Group

ROOT = Path(__file__).parent.parent
RULES = str(ROOT / "docs" / "example-county-2008.toml")
TARGETS = str(ROOT / "docs" / "example-targets-2008.toml")
EVENTS = str(ROOT / "tests" / "targets" / "events-2008.jsonl")
COMMON = [EVENTS, "--rules", RULES, "--targets", TARGETS, "--keep-going"]
REJECTED = [
    f"{EVENTS}:16: event i1: the rule set 'example-county-2008' in force on 2008-06-02 does not score"
    " instructions (no [instruction] section)",
    f"{EVENTS}:17: event m1: the rule set 'example-county-2008' in force on 2008-06-03 does not score"
    " missed reports (no [categories] section)",
]


def run(*args: str) -> tuple[int, str, str]:
    """Run main() with ``args``; return its status, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def row(text: str, unit: str) -> list[str]:
    """The cells of the first line of ``text`` that names ``unit`` (after a rank, if any)."""
    line = next(line for line in text.splitlines() if unit in line.split())
    cells = line.split()
    return cells[cells.index(unit) :]


def test_score_json_gives_the_hand_worked_2008_figures() -> None:
    """甲镇: 5 × 0.5 capped at 0.2 × 10 = 2, adoptions 3 + 1: 6; 乙镇 (by its alias): 0.5 + 3; 县档案局,
    no target and an office's fixed cap of 2: 2; 县政务服务中心: 0.5, 1 of 30 submitted."""
    status, out, _ = run("score", *COMMON, "--as-of", "2008-12-31", "--format", "json", "--lang", "en")
    data = json.loads(out)
    figures = {
        u["unit"]: (u["target"], u["counted"], u["completion"], u["completed"], u["shortfall"], u["score"])
        for u in data["units"]
    }
    assert (0, 2008, "example-county-2008") == (status, data["year"], data["rules"])
    assert {
        "甲镇": (10, 1, "0.1000", False, 9, "6"),
        "乙镇": (20, 1, "0.0500", False, 19, "3.5"),
        "县档案局": (None, 5, None, None, None, "2"),
        "县政务服务中心": (30, 1, "0.0333", False, 29, "0.5"),
    } == figures
    assert REJECTED == [
        f"{r['file']}:{r['line']}: event {r['event']}: {r['reason']}" for r in data["rejections"]
    ]
    assert (17, 15) == (data["events"]["read"], data["events"]["counted"])


def test_the_year_follows_the_rules_and_the_table() -> None:
    """Without --year or --as-of the year is 2008, the year of the version given."""
    status, out, _ = run("score", *COMMON, "--format", "json")
    assert (0, 2008, "2008-06-03") == (status, json.loads(out)["year"], json.loads(out)["as_of"])


def test_the_table_shows_no_target_in_chinese_and_english() -> None:
    """The score table reads 无任务数 (zh) or "no target" (en) for target and completion, "-" as shortfall."""
    _, zh, _ = run("score", *COMMON, "--as-of", "2008-12-31")
    _, en, _ = run("score", *COMMON, "--as-of", "2008-12-31", "--lang", "en")
    assert ["县档案局", "无任务数", "上报", "5", "0", "无任务数", "-", "2", "0", "0"] == row(zh, "县档案局")
    assert ["县档案局", "no", "target", "submitted", "5", "0", "no", "target", "-", "2", "0", "0"] == row(
        en, "县档案局"
    )


def test_csv_says_none_and_no_target() -> None:
    """In CSV a unit without target has target "none", completion "no target", the rest empty."""
    _, out, _ = run("score", *COMMON, "--as-of", "2008-12-31", "--format", "csv", "--keys")
    rows = {r["unit"]: r for r in csv.DictReader(io.StringIO(out.lstrip("\ufeff")))}
    archive = rows["县档案局"]
    assert ("none", "no target", "", "", "2") == (
        archive["target"],
        archive["completion"],
        archive["completed"],
        archive["shortfall"],
        archive["score"],
    )
    assert ("10", "0.1000", "false", "9") == tuple(
        rows["甲镇"][k] for k in ("target", "completion", "completed", "shortfall")
    )


def test_year_end_bulletin_lists_a_unit_without_target_in_neither_list() -> None:
    """The year-end bulletin: 县档案局 reads 无任务数, is neither completed nor not completed, and is
    proposed for commendation by its score like any unit."""
    status, out, _ = run("bulletin", *COMMON, "--year-end")
    assert 0 == status
    cells = [
        "县档案局",
        "无任务数",
        "5",
        "0",
        "0.0%",
        "2",
        "无任务数",
        "无任务数",
        "-",
        "0",
        "0",
        "0",
        "0",
        "0",
    ]
    assert cells == row(out, "县档案局")
    assert "完成全年目标任务的单位 (0)\n  无\n" in out
    assert (
        "未完成全年目标任务的单位 (3)\n  甲镇 10.0%, 差额 9\n  乙镇(含乙镇工业园) 5.0%, 差额 19\n"
        "  县政务服务中心 3.3%, 差额 29\n" in out
    )
    assert "  县级部门: 1. 县档案局 (2), 2. 县政务服务中心 (0.5)\n" in out


def test_bulletin_json_csv_and_markdown_for_a_unit_without_target() -> None:
    """Bulletin JSON: null target, completed, shortfall; CSV: "none" and empty cells; Markdown: 无任务数."""
    _, out, _ = run("bulletin", *COMMON, "--year-end", "--format", "json")
    data = json.loads(out)
    office = next(g for g in data["groups"] if g["group"] == "office")
    archive = next(r for r in office["units"] if r["unit"] == "县档案局")
    assert (None, None, None, 5) == (
        archive["target"],
        archive["completed"],
        archive["shortfall"],
        archive["counted"],
    )
    assert ["甲镇", "乙镇", "县政务服务中心"] == [u["unit"] for u in data["not_completed"]]
    _, out, _ = run("bulletin", *COMMON, "--year-end", "--format", "csv", "--keys")
    row = next(r for r in csv.DictReader(io.StringIO(out.lstrip("\ufeff"))) if r["unit"] == "县档案局")
    assert ("none", "", "") == (row["target"], row["completed"], row["shortfall"])
    _, out, _ = run("bulletin", *COMMON, "--month", "2008-05", "--format", "markdown")
    assert "| 县档案局 | 无任务数 |" in out


def test_quotas_prints_a_target_file() -> None:
    """`quotas --targets FILE` shows the table as read, a group's target given to its units."""
    _, out, _ = run("quotas", "--targets", TARGETS, "--format", "json")
    assert [("甲镇", 10), ("乙镇", 20), ("县档案局", None), ("县政务服务中心", 30)] == [
        (u["unit"], u["target"]) for u in json.loads(out)["units"]
    ]


def test_compare_and_explain_take_targets() -> None:
    """compare and explain score against the --targets table too."""
    status, out, _ = run(
        "compare", EVENTS, "--rules", RULES, "--rules", RULES, "--targets", TARGETS, "--keep-going"
    )
    assert (0, "B = example-county-2008") == (status, out.splitlines()[1])
    status, out, _ = run("explain", *COMMON, "--unit", "县档案局", "--lang", "en")
    assert (0, "县档案局 — office, no target; 5 submitted items so far") == (status, out.splitlines()[0])


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "quotas_target_missing.toml",
            "groups[0].units[0].target: missing; expected a whole number from 1 to 1000000,"
            ' or "none" for a unit without target, here or in its group',
        ),
        (
            "quotas_unit_twice.toml",
            "groups[0].units[1]: the unit '甲镇' appears twice (the name '甲镇' would designate both)",
        ),
        (
            "quotas_target_fraction.toml",
            "groups[0].units[0].target: expected a whole number, found a number 12.0",
        ),
        (
            "quotas_gb18030.toml",
            "not UTF-8: byte 0xb8 on line 4 is not valid UTF-8 (GB18030?); save it as UTF-8",
        ),
    ],
)
def test_a_bad_target_file_exits_2_with_its_message(name: str, message: str) -> None:
    """Every command that takes --targets stops with status 2 and the problem at its key path."""
    path = str(ROOT / "tests" / "bad_data" / name)
    expected = f"chengdu-infoscore: error: {path}: 1 problem(s):\n  - {message}\n"
    for command in (["score", EVENTS, "--rules", RULES], ["quotas"]):
        assert (2, "", expected) == run(*command, "--targets", path)


def test_a_missing_target_file_exits_2() -> None:
    """A --targets file that does not exist is an error, not the year's own table."""
    status, out, err = run("score", EVENTS, "--rules", RULES, "--targets", "no-such-file.toml")
    assert (2, "") == (status, out)
    assert err.startswith("chengdu-infoscore: error: no-such-file.toml: ")


def test_a_cap_per_target_for_a_unit_without_target_stops_scoring() -> None:
    """A cap per target cannot apply to a unit without target: exit 2, saying to give its group a cap."""
    table = QuotaTable.from_file(TARGETS)
    rules = RuleSet.from_file(RULES)
    uncapped = RuleSet.from_toml(
        (ROOT / "docs" / "example-county-2008.toml")
        .read_text(encoding="utf-8")
        .replace("cap = { office = 2 }", ""),
        "no-office-cap.toml",
    )
    assert Decimal(2) == score(read_events([EVENTS]), rules=rules, quotas=table).unit("县档案局").score
    with pytest.raises(ValueError) as info:
        score([], rules=uncapped, quotas=table)
    assert (
        "rule set 'example-county-2008': [submission] caps a unit of the group 'office' at a multiple of its"
        " target, but the unit '县档案局' of the 2008 target table has no target; give its group a fixed cap"
        " (cap = { office = … })"
    ) == str(info.value)


def test_a_unit_without_target_in_python() -> None:
    """Unit(target=None) is allowed; completion, completed and shortfall are None."""
    table = QuotaTable.from_file(TARGETS)
    result = score([], rules=RuleSet.from_file(RULES), quotas=table).unit("县档案局")
    assert (None, None, None, None) == (
        Unit("x", "x", "office", "submitted", None).target,
        result.completion,
        result.completed,
        result.shortfall,
    )


# -- names in full-width forms ----------------------------------------------------------------------


def test_a_name_in_full_width_parentheses_names_its_unit() -> None:
    """市经委（含能源办）, the label with full-width parentheses, names 市经委 for --unit, for an event
    and for QuotaTable.unit, as the label 市经委(含能源办) does."""
    from chengdu_infoscore import Submitted, load_quotas

    table = load_quotas(2007)
    results = score(
        [Submitted(id="e1", date="2007-03-01", unit="市经委（含能源办）", item="X")], quotas=table
    )
    status, out, _ = run(
        "explain", str(ROOT / "examples" / "example-2007.jsonl"), "--unit", "市经委（含能源办）"
    )
    assert ("市经委", "市经委", (), 1, 0) == (
        table.unit("市经委（含能源办）").name,
        table.unit(" 市经委（含能源办） ").name,
        results.rejections,
        results.unit("市经委").submitted,
        status,
    )
    assert "市经委" in out.splitlines()[0]


def test_folding_full_width_forms_never_makes_a_name_designate_two_units() -> None:
    """Two units written A(1) and A（1）: each name keeps its own unit, and a mixed spelling A(1）,
    which folds to both, names neither."""
    a = Unit(name="甲", label="A(1)", group="g", target=5, basis="submitted")
    b = Unit(name="乙", label="A（1）", group="g", target=5, basis="submitted")
    c = Unit(name="丙", label="Ｃ１", group="g", target=5, basis="submitted")
    group = Group(key="g", label="组", basis="submitted")
    table = QuotaTable(year=2007, source="test", groups=[group], units=[a, b, c])
    assert ("甲", "乙", None, "丙", "丙") == (
        table.unit("A(1)").name,
        table.unit("A（1）").name,
        table.find("A(1）"),
        table.unit("C1").name,
        table.unit("Ｃ1").name,
    )
