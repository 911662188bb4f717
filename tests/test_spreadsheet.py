"""Workbooks (--format xlsx) and CSV headings: read back with the standard library alone."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import random
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from chengdu_infoscore.cli import main
from chengdu_infoscore.reports import display_width

EXAMPLE = Path(__file__).parent.parent / "examples" / "example-2007.jsonl"
M = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#: The number formats Excel knows by number, which XlsxWriter writes by number.
BUILTIN = {"0": "General", "1": "0", "2": "0.00", "9": "0%", "10": "0.00%"}
GROUPS = ["各区(市)县政府", "市政府各部门及有关单位", "市政府驻外办事处"]


# -- reading a workbook back -------------------------------------------------------------------------


@attrs.frozen
class Sheet:
    """One worksheet as read back: cells by reference (text, or the number's exact text), formats,
    the frozen pane, the column widths."""

    cells: dict[str, str]
    numeric: frozenset[str]
    formats: dict[str, str]
    pane: dict[str, str]
    widths: dict[int, float]

    def rows(self) -> list[list[str | None]]:
        """Every row, as a list of cells (None where there is none)."""
        found: dict[int, dict[int, str]] = {}
        for ref, value in self.cells.items():
            col, row = _ref(ref)
            found.setdefault(row, {})[col] = value
        last = max(found) if found else 0
        width = max((max(r) for r in found.values()), default=0) + 1
        return [[found.get(r, {}).get(c) for c in range(width)] for r in range(1, last + 1)]

    def row(self, n: int) -> list[str]:
        """Row ``n`` (1-based), without its empty cells at the end."""
        cells = self.rows()[n - 1]
        while cells and cells[-1] is None:
            cells.pop()
        return [c or "" for c in cells]


def _ref(ref: str) -> tuple[int, int]:
    letters, digits = re.fullmatch(r"([A-Z]+)([0-9]+)", ref).groups()  # type: ignore[union-attr]
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return col - 1, int(digits)


def read_book(data: bytes) -> tuple[dict[str, Sheet], list[str]]:
    """The sheets of an .xlsx, in order, and the names of the files it holds."""
    z = zipfile.ZipFile(io.BytesIO(data))
    strings = [
        "".join(t.text or "" for t in si.iter(f"{{{M}}}t"))
        for si in (
            ET.fromstring(z.read("xl/sharedStrings.xml")) if "xl/sharedStrings.xml" in z.namelist() else []
        )
    ]
    styles = ET.fromstring(z.read("xl/styles.xml"))
    codes = {n.get("numFmtId"): n.get("formatCode") for n in styles.iter(f"{{{M}}}numFmt")}
    xfs = [x.get("numFmtId") for x in styles.find(f"{{{M}}}cellXfs")]  # type: ignore[union-attr]
    rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
    sheets: dict[str, Sheet] = {}
    for entry in ET.fromstring(z.read("xl/workbook.xml")).iter(f"{{{M}}}sheet"):
        xml = ET.fromstring(z.read("xl/" + str(rels[entry.get(f"{{{R}}}id")])))
        cells, numeric, formats = {}, set(), {}
        for c in xml.iter(f"{{{M}}}c"):
            ref, v = str(c.get("r")), c.find(f"{{{M}}}v")
            if v is None:
                continue
            if c.get("t") == "s":
                cells[ref] = strings[int(str(v.text))]
            else:
                # The number's text as the file holds it, never through a float: the figure must
                # be written from its Decimal ("8.7", "0.4545", never "8.699999999999999" or "-0").
                cells[ref] = str(v.text)
                numeric.add(ref)
                fmt = xfs[int(c.get("s", "0"))]
                formats[ref] = codes.get(fmt) or BUILTIN[str(fmt)]
        pane = xml.find(f".//{{{M}}}pane")
        widths = {
            int(str(col.get("min"))) - 1: float(str(col.get("width"))) for col in xml.iter(f"{{{M}}}col")
        }
        sheets[str(entry.get("name"))] = Sheet(
            cells, frozenset(numeric), formats, dict(pane.attrib) if pane is not None else {}, widths
        )
    return sheets, z.namelist()


def run(*args: str | Path) -> tuple[int, str, str]:
    """Run main() with ``args``; return its status, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in args])
    return status, out.getvalue(), err.getvalue()


def workbook(tmp: Path, *args: str | Path) -> dict[str, Sheet]:
    """The sheets of the workbook a command writes with --format xlsx --out."""
    target = tmp / "out.xlsx"
    status, out, err = run(*args, "--format", "xlsx", "--out", target)
    said = (
        f"{args[0]}: workbook written to {target}\n" if "en" in args else f"{args[0]}:工作簿已写入 {target}\n"
    )
    assert (0, "", said) == (status, out, err.splitlines(True)[-1])
    return read_book(target.read_bytes())[0]


def table(sheet: Sheet) -> list[dict[str, str]]:
    """A group or ledger sheet as dicts: header row 1, one dict a data row."""
    rows = sheet.rows()
    head = rows[0]
    return [
        {h: c for h, c in zip(head, r, strict=True) if h is not None and c is not None}
        for r in rows[1:]
        if any(c is not None for c in r)
    ]


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded sample year as an event log."""
    path = tmp_path_factory.mktemp("sample") / "year.jsonl"
    assert 0 == run("sample", "--out", path)[0]
    return path


# -- score -------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_score_workbook_has_a_summary_and_a_sheet_per_group(tmp_path: Path) -> None:
    """score --format xlsx: 汇总 then one sheet per group, Chinese headings, frozen header row."""
    sheets = workbook(tmp_path, "score", EXAMPLE)
    assert ["汇总", *GROUPS] == list(sheets)
    district = sheets["各区(市)县政府"]
    assert [
        "单位",
        "任务数",
        "任务口径",
        "上报",
        "采用",
        "计入任务数",
        "完成率",
        "差额",
        "综合得分",
        "A3.1.1",
    ] == (district.row(1)[:10])
    assert ["差错", "虚假", "优秀信息"] == district.row(1)[-3:]
    assert {
        "xSplit": "1",
        "ySplit": "1",
        "topLeftCell": "B2",
        "state": "frozen",
    }.items() <= district.pane.items()
    assert "2007年政务信息工作得分" == sheets["汇总"].cells["A1"]


def test_score_workbook_in_english(tmp_path: Path) -> None:
    """--lang en gives English sheet names and headings."""
    sheets = workbook(tmp_path, "score", EXAMPLE, "--lang", "en")
    assert ["Summary", *GROUPS] == list(sheets)
    assert ["unit", "target", "basis", "submitted", "adopted", "counted", "completion"] == (
        sheets[GROUPS[0]].row(1)[:7]
    )


@pytest.mark.slow
def test_score_workbook_figures_equal_the_json(tmp_path: Path, year: Path) -> None:
    """Every figure of every unit of the sample year is a numeric cell equal to the JSON's figure."""
    status, out, _ = run("score", year, "--as-of", "2007-12-31", "--format", "json")
    data = json.loads(out)
    sheets = workbook(tmp_path, "score", year, "--as-of", "2007-12-31")
    by_label = {u["label"]: u for u in data["units"]}
    seen = 0
    for group in GROUPS:
        sheet = sheets[group]
        for n, row in enumerate(table(sheet), start=2):
            u = by_label[row["单位"]]
            expected = {
                "任务数": str(u["target"]),
                "上报": str(u["submitted"]),
                "采用": str(u["adopted"]),
                "计入任务数": str(u["counted"]),
                "完成率": u["completion"],
                "差额": str(u["shortfall"]),
                "综合得分": u["score"],
                **u["breakdown"],
            }
            assert {k: Decimal(v) for k, v in expected.items()} == {k: Decimal(row[k]) for k in expected}
            assert all(f"{col}{n}" in sheet.numeric for col in "BDEFGHI")
            seen += 1
    assert (0, 118) == (status, seen)


@pytest.mark.slow
def test_number_formats_show_the_displayed_precision(tmp_path: Path) -> None:
    """Counts are 0, points as many decimals as they have (17.2 → 0.0), completion 0.00%."""
    sheets = workbook(tmp_path, "score", EXAMPLE)
    district = sheets["各区(市)县政府"]
    jinjiang = next(n for n, r in enumerate(district.rows(), start=1) if r[0] == "锦江区")
    assert [("2", "0"), ("0.0083", "0.00%"), ("17.2", "0.0")] == [
        (district.cells[f"{c}{jinjiang}"], district.formats[f"{c}{jinjiang}"]) for c in "DGI"
    ]
    qingyang = next(n for n, r in enumerate(district.rows(), start=1) if r[0] == "青羊区")
    assert ("0", "0") == (district.cells[f"I{qingyang}"], district.formats[f"I{qingyang}"])


def test_widths_fit_chinese_text(tmp_path: Path) -> None:
    """A column is at least as wide as its widest text, a Chinese character counted as two."""
    sheets = workbook(tmp_path, "score", EXAMPLE)
    departments = sheets["市政府各部门及有关单位"]
    widest = max(display_width(r[0] or "") for r in departments.rows())
    assert (True, True) == (widest >= 16, departments.widths[0] >= widest)


def test_score_workbook_charts(tmp_path: Path) -> None:
    """A bar chart of completion by unit on each group sheet, a column chart of points by clause on
    the summary."""
    target = tmp_path / "s.xlsx"
    assert 0 == run("score", EXAMPLE, "--format", "xlsx", "--out", target)[0]
    z = zipfile.ZipFile(target)
    charts = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart[0-9]+\.xml", n))
    texts = [z.read(n).decode("utf-8") for n in charts]
    kinds = [re.search(r"<c:(bar|col)Dir val=\"(bar|col)\"", t).group(2) for t in texts]  # type: ignore[union-attr]
    assert ["col", "bar", "bar", "bar"] == kinds
    assert "'各区(市)县政府'!$G$2:$G$20" in texts[1]
    assert "汇总!$B$" in texts[0]
    assert '<c:tickLblPos val="low"/>' in texts[0]  # clause names below the negative bars


def test_a_sheet_prints_one_a4_page_wide(tmp_path: Path) -> None:
    """Every sheet is set up for A4 across, fitted to one page wide (as long as it needs)."""
    target = tmp_path / "s.xlsx"
    assert 0 == run("score", EXAMPLE, "--format", "xlsx", "--out", target)[0]
    z = zipfile.ZipFile(target)
    sheets = sorted(n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet[0-9]+\.xml", n))
    setups = {re.search(r"<pageSetup [^>]*/>", z.read(n).decode("utf-8")).group(0) for n in sheets}  # type: ignore[union-attr]
    assert {'<pageSetup paperSize="9" fitToHeight="0" orientation="landscape"/>'} == setups


@pytest.mark.slow
def test_rejections_have_their_sheet(tmp_path: Path) -> None:
    """With --keep-going, the rejected records are listed on a sheet of their own."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8") + '{"id": "x", "type": "nope"}\n', encoding="utf-8")
    sheets = workbook(tmp_path, "score", bad, "--keep-going")
    assert ["汇总", *GROUPS, "拒收记录"] == list(sheets)
    assert ["文件", "行", "事件", "说明"] == sheets["拒收记录"].row(1)
    assert [str(bad), "31", "x"] == sheets["拒收记录"].row(2)[:3]


# -- explain -----------------------------------------------------------------------------------------


def test_explain_workbook_is_the_ledger(tmp_path: Path) -> None:
    """explain --format xlsx: a summary and the ledger, whose points are the JSON's, ending in the total."""
    _, out, _ = run("explain", EXAMPLE, "--unit", "能源办", "--format", "json")
    data = json.loads(out)
    sheets = workbook(tmp_path, "explain", EXAMPLE, "--unit", "能源办")
    assert ["汇总", "得分明细"] == list(sheets)
    rows = table(sheets["得分明细"])
    expected = [(x["date"], x["event"], x["clause"], Decimal(x["points"])) for x in data["ledger"]]
    expected.append(("", "", "合计", Decimal(data["score"])))
    found = [(r.get("日期", ""), r.get("事件", ""), r["条款"], Decimal(r["得分"])) for r in rows]
    assert expected == found
    summary = {r[0]: r[1] for r in sheets["汇总"].rows() if r[0] is not None and len(r) > 1}
    assert ("市经委", "26.2") == (summary["单位"], summary["综合得分"])
    assert {"ySplit": "1", "state": "frozen"}.items() <= sheets["得分明细"].pane.items()


# -- bulletins ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_year_end_workbook_equals_the_json(tmp_path: Path, year: Path) -> None:
    """The year-end workbook of the sample year: ranks and figures as the JSON, points by clause too."""
    _, out, _ = run("bulletin", year, "--year-end", "--format", "json")
    data = json.loads(out)
    sheets = workbook(tmp_path, "bulletin", year, "--year-end")
    assert ["汇总", *GROUPS] == list(sheets)
    for group in data["groups"]:
        rows = table(sheets[group["label"]])
        expected = [
            (
                *(u["rank"], u["label"], u["cumulative"]["submitted"], u["cumulative"]["adopted"]),
                *(Decimal(u["cumulative"]["adoption_rate"] or "-1"), Decimal(u["cumulative"]["points"])),
            )
            for u in group["units"]
        ]
        found = [
            (
                *(int(r["排名"]), r["单位"], int(r["上报"]), int(r["采用"])),
                *(Decimal(r["采用率"].replace("-", "-1")), Decimal(r["综合得分"])),
            )
            for r in rows[:-1]
        ]
        assert expected == found
        total = rows[-1]
        assert (f"{group['label']} 合计", Decimal(group["cumulative"]["points"])) == (
            total["单位"],
            Decimal(total["综合得分"]),
        )
    summary = sheets["汇总"].rows()
    start = next(i for i, r in enumerate(summary) if r[0] == "全市各加减分项目得分") + 2
    found_clauses = {r[0]: Decimal(str(r[1])) for r in summary[start : start + len(data["by_clause"])]}
    assert {k: Decimal(v) for k, v in data["by_clause"].items()} == found_clauses


@pytest.mark.slow
def test_monthly_workbook_equals_the_json(tmp_path: Path, year: Path) -> None:
    """The June workbook: month and cumulative figures of every unit as the JSON's."""
    _, out, _ = run("bulletin", year, "--month", "2007-06", "--format", "json")
    data = json.loads(out)
    sheets = workbook(tmp_path, "bulletin", year, "--month", "2007-06")
    for group in data["groups"]:
        rows = table(sheets[group["label"]])[:-1]
        expected = [
            (
                u["label"],
                Decimal(u["month"]["points"]),
                u["month"]["submitted"],
                Decimal(u["cumulative"]["points"]),
            )
            for u in group["units"]
        ]
        found = [
            (r["单位"], Decimal(r["本月得分"]), int(r["本月上报"]), Decimal(r["累计得分"])) for r in rows
        ]
        assert expected == found
    assert "2007年6月全市政务信息报送情况通报" == sheets["汇总"].cells["A1"]


def test_bulletin_workbook_charts(tmp_path: Path) -> None:
    """Both bulletins have a chart per group sheet and one of points by clause on the summary."""
    for which in (["--month", "2007-06"], ["--year-end"]):
        target = tmp_path / "b.xlsx"
        assert 0 == run("bulletin", EXAMPLE, *which, "--format", "xlsx", "--out", target)[0]
        names = zipfile.ZipFile(target).namelist()
        assert 4 == len([n for n in names if re.fullmatch(r"xl/charts/chart[0-9]+\.xml", n)])


# -- determinism, output and the extra ---------------------------------------------------------------


@pytest.mark.slow
def test_workbooks_are_deterministic(tmp_path: Path) -> None:
    """Two runs, and the events in another order, give the same bytes (no clock in the workbook)."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    random.Random(12).shuffle(lines)
    shuffled = tmp_path / "shuffled.jsonl"
    shuffled.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for command in (["score"], ["explain", "--unit", "锦江区"], ["bulletin", "--year-end"]):
        books = []
        for events in (EXAMPLE, EXAMPLE, shuffled):
            target = tmp_path / "w.xlsx"
            assert 0 == run(command[0], events, *command[1:], "--format", "xlsx", "--out", target)[0]
            books.append(target.read_bytes())
        assert [books[0]] * 3 == books
    core = zipfile.ZipFile(io.BytesIO(books[0])).read("docProps/core.xml").decode("utf-8")
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2007-12-31T00:00:00Z' in core


def test_xlsx_needs_out(tmp_path: Path) -> None:
    """--format xlsx without --out is a usage error, exit 2, before anything is read."""
    status, out, err = run("score", tmp_path / "missing.jsonl", "--format", "xlsx")
    assert (
        2,
        "",
        "chengdu-infoscore: error: --format xlsx writes a workbook, not text: give --out FILE"
        " (or --out - to a pipe or a file)\n",
    ) == (status, out, err)


def cli(*args: str | Path, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "chengdu_infoscore", *map(str, args)], check=False, **kwargs)


@pytest.mark.slow
def test_xlsx_to_standard_output(tmp_path: Path) -> None:
    """--out - writes the workbook to a pipe, the same bytes as to a file; to a terminal, exit 2."""
    target = tmp_path / "s.xlsx"
    assert 0 == run("score", EXAMPLE, "--format", "xlsx", "--out", target)[0]
    piped = cli("score", EXAMPLE, "--format", "xlsx", "--out", "-", capture_output=True)
    assert (0, target.read_bytes(), b"") == (piped.returncode, piped.stdout, piped.stderr)
    controller, terminal = os.openpty()
    try:
        done = cli(
            "score", EXAMPLE, "--format", "xlsx", "--out", "-", stdout=terminal, stderr=subprocess.PIPE
        )
    finally:
        os.close(terminal)
        os.close(controller)
    assert (
        2,
        b"chengdu-infoscore: error: --format xlsx writes a workbook, not text: standard output is a"
        b" terminal; give --out FILE (or redirect standard output)\n",
    ) == (done.returncode, done.stderr)


def test_missing_extra_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without XlsxWriter, --format xlsx exits 2 naming the extra to install, and writes nothing."""
    monkeypatch.setitem(sys.modules, "xlsxwriter", None)
    target = tmp_path / "s.xlsx"
    status, out, err = run("score", EXAMPLE, "--format", "xlsx", "--out", target)
    assert (
        2,
        "",
        "chengdu-infoscore: error: writing a spreadsheet (--format xlsx) needs XlsxWriter, which is not"
        " installed: pip install 'chengdu-infoscore[xlsx]'\n",
        False,
    ) == (status, out, err, target.exists())


@pytest.mark.slow
def test_the_library_does_not_import_xlsxwriter() -> None:
    """Importing the library and its command line never imports XlsxWriter."""
    code = "import chengdu_infoscore, chengdu_infoscore.cli, sys; print('xlsxwriter' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert (0, b"False\n") == (done.returncode, done.stdout)


def test_a_figure_a_cell_cannot_hold_keeps_its_exact_text() -> None:
    """More than 15 significant digits: a numeric cell with a note of the exact figure; beyond a
    float's range: the exact text."""
    from chengdu_infoscore.spreadsheet import _Book, _words

    book = _Book(_words("zh", 2007), "zh", __import__("datetime").date(2007, 1, 1), "t", None)
    sheet = book.sheet("s")
    sheet.cell(0, 0, Decimal("0.12345678901234567"))
    sheet.cell(0, 1, Decimal("17.2"))
    sheet.cell(0, 2, Decimal("1E+400"))
    data = book.bytes()
    sheets = read_book(data)[0]
    notes = zipfile.ZipFile(io.BytesIO(data)).read("xl/comments1.xml").decode("utf-8")
    assert ("0.1234567890123457", "17.2", "1" + "0" * 400) == tuple(
        sheets["s"].cells[c] for c in ("A1", "B1", "C1")
    )
    assert (["A1", "B1"], True, 1) == (
        sorted(sheets["s"].numeric),
        "精确值:0.12345678901234567" in notes,
        notes.count("精确值"),
    )


# -- CSV headings ------------------------------------------------------------------------------------


def test_csv_headings_follow_the_language() -> None:
    """CSV under --lang zh has Chinese headings; --keys (or --lang en) the JSON contract's keys; the
    rows are the same."""
    _, zh, _ = run("score", EXAMPLE, "--format", "csv")
    _, keys, _ = run("score", EXAMPLE, "--format", "csv", "--keys")
    _, en, _ = run("score", EXAMPLE, "--format", "csv", "--lang", "en")
    head_zh, *rows_zh = list(csv.reader(io.StringIO(zh.lstrip("\ufeff"))))
    head_keys, *rows_keys = list(csv.reader(io.StringIO(keys.lstrip("\ufeff"))))
    assert ["单位", "任务表名称", "组别", "任务口径", "任务数", "上报", "采用", "完成率"] == head_zh[:8]
    assert ["漏报_work_dynamic", "漏报_important"] == [h for h in head_zh if h.startswith("漏报")]
    assert (["unit", "label", "group", "basis", "target"], keys) == (head_keys[:5], en)
    # The figures are the same; the words in cells are Chinese under zh (the group's label, the basis).
    assert (["锦江区", "锦江区", "各区(市)县政府", "采用"], ["锦江区", "锦江区", "district", "adopted"]) == (
        rows_zh[0][:4],
        rows_keys[0][:4],
    )
    assert [r[4:7] + r[9:] for r in rows_keys] == [r[4:7] + r[9:] for r in rows_zh]


def test_bulletin_csv_headings() -> None:
    """The monthly bulletin's CSV: 本月…/累计… headings under zh, the keys with --keys."""
    _, zh, _ = run("bulletin", EXAMPLE, "--month", "2007-06", "--format", "csv")
    _, keys, _ = run("bulletin", EXAMPLE, "--month", "2007-06", "--format", "csv", "--keys")
    head_zh = zh.lstrip("\ufeff").splitlines()[0].split(",")
    head_keys = keys.lstrip("\ufeff").splitlines()[0].split(",")
    assert (
        [
            "组别",
            "排名",
            "单位",
            "任务表名称",
            "任务数",
            "计入任务数",
            "完成情况",
            "差额",
            "本月上报",
            "本月采用",
            "本月采用率",
            "本月得分",
        ],
        "累计虚假",
    ) == (head_zh[:12], head_zh[-2])
    assert (["group", "rank", "unit"], "cumulative_false_reports") == (head_keys[:3], head_keys[-2])
    rows_zh, rows_keys = zh.splitlines()[1:], keys.splitlines()[1:]
    assert (["各区(市)县政府", "未完成"], ["district", "false"]) == (
        rows_zh[0].split(",")[0:7:6],
        rows_keys[0].split(",")[0:7:6],
    )
    assert [r.split(",")[1:6] + r.split(",")[7:] for r in rows_keys] == [
        r.split(",")[1:6] + r.split(",")[7:] for r in rows_zh
    ]


def test_keys_is_for_csv_only() -> None:
    """--keys with another format is a usage error, exit 2."""
    assert (
        2,
        "",
        "chengdu-infoscore: error: --keys names the columns of --format csv, not of --format json\n",
    ) == (run("score", EXAMPLE, "--format", "json", "--keys"))


def test_out_writes_any_format(tmp_path: Path) -> None:
    """--out FILE takes the text formats too: the file holds what standard output would."""
    target = tmp_path / "s.json"
    status, out, err = run("score", EXAMPLE, "--format", "json", "--out", target)
    assert (
        0,
        "",
        f"score:json 输出已写入 {target}\n",
        run("score", EXAMPLE, "--format", "json")[1],
    ) == (
        status,
        out,
        err,
        target.read_text(encoding="utf-8"),
    )


# -- what a sheet name, a chart, a long text and a zero are made of ------------------------------------

TARGETS_2008 = Path(__file__).parent.parent / "docs" / "example-targets-2008.toml"
RULES_2008 = Path(__file__).parent.parent / "docs" / "example-county-2008.toml"
EVENTS_2008 = Path(__file__).parent / "targets" / "events-2008.jsonl"
TABLE_2007 = Path(__file__).parent.parent / "src" / "chengdu_infoscore" / "quotas" / "quotas-2007.toml"


@pytest.mark.parametrize(
    ("wanted", "taken", "expected"),
    [
        ("驻外办事处" * 6 + "'办", (), "驻外办事处" * 6),  # cut to 31, then the quote it ends in dropped
        ("'引号'", (), "引号"),
        ("a\u0001b\u007fc\ud800d\uffff", (), "a_b_c_d_"),  # control characters, XML's refusals
        ("x[1]:y*?/\\z", (), "x_1__y____z"),
        ("History", (), "History (2)"),  # reserved by Excel
        ("HISTORY", (), "HISTORY (2)"),
        ("汇总", ("汇总",), "汇总 (2)"),
        ("汇总", ("汇总", "汇总 (2)"), "汇总 (3)"),
        ("Summary", ("summary",), "Summary (2)"),  # Excel compares names without regard to case
        ("a" * 40, ("a" * 31,), "a" * 27 + " (2)"),
        ("'", (), "_"),
        ("\U0001f600" * 20, (), "\U0001f600" * 15),  # 31 UTF-16 units at most
    ],
)
def test_sheet_names_are_cleaned_after_they_are_cut(
    wanted: str, taken: tuple[str, ...], expected: str
) -> None:
    """A sheet name is what Excel takes: cleaned after the cut to 31, not History, unique."""
    from chengdu_infoscore.spreadsheet import sheet_name

    assert expected == sheet_name(wanted, taken)


@pytest.mark.parametrize(
    ("label", "sheet"),
    [
        ("驻外办事处" * 6 + "'办", "驻外办事处" * 6),
        ("a\\u0001b", "a_b"),  # a TOML escape: U+0001
        ("History", "History (2)"),
        ("汇总", "汇总 (2)"),
    ],
)
def test_a_group_label_excel_refuses_gives_a_well_formed_workbook(
    tmp_path: Path, label: str, sheet: str
) -> None:
    """A target table's group label ending in a quote at the cut, holding a control character, or
    named like a reserved or taken sheet: exit 0, every part of the workbook is well-formed XML."""
    targets = tmp_path / "t.toml"
    text = TABLE_2007.read_text(encoding="utf-8")
    targets.write_text(text.replace('label = "市政府驻外办事处"', f'label = "{label}"'), encoding="utf-8")
    book = tmp_path / "o.xlsx"
    for command in (["score"], ["bulletin", "--year-end"]):
        status, _, err = run(*command, EXAMPLE, "--targets", targets, "--format", "xlsx", "--out", book)
        z = zipfile.ZipFile(book)
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                ET.fromstring(z.read(name))
        sheets = read_book(book.read_bytes())[0]
        assert (0, ["汇总", *GROUPS[:2], sheet]) == (status, list(sheets)), err


def _chart_ranges(path: Path) -> list[tuple[str, str]]:
    """Each bar chart's categories and values, as the formulas the workbook holds."""
    z = zipfile.ZipFile(path)
    found = []
    for name in sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart[0-9]+\.xml", n)):
        text = z.read(name).decode("utf-8")
        if '<c:barDir val="bar"' in text:
            cat = re.search(r"<c:cat>.*?<c:f>(.*?)</c:f>", text).group(1)  # type: ignore[union-attr]
            val = re.search(r"<c:val>.*?<c:f>(.*?)</c:f>", text).group(1)  # type: ignore[union-attr]
            found.append((cat, val))
    return found


def test_a_unit_without_target_has_no_bar(tmp_path: Path) -> None:
    """The completion charts leave out a unit without target (县档案局, and 县气象局 between two units
    with targets): its row is not in the chart's ranges, so it has no bar of 0%."""
    targets = tmp_path / "t.toml"
    targets.write_text(
        TARGETS_2008.read_text(encoding="utf-8").replace(
            '[[groups.units]]\nname = "县政务服务中心"',
            '[[groups.units]]\nname = "县政务服务中心"',
        )
        + '\n[[groups.units]]\nname = "县气象局"\nlabel = "县气象局"\ntarget = "none"\n'
        + '\n[[groups.units]]\nname = "县统计局"\nlabel = "县统计局"\ntarget = 5\n',
        encoding="utf-8",
    )
    book = tmp_path / "o.xlsx"
    common = [
        "--targets",
        targets,
        "--rules",
        RULES_2008,
        "--keep-going",
        "--as-of",
        "2008-12-31",
        "--format",
        "xlsx",
    ]
    assert 0 == run("score", EVENTS_2008, *common, "--out", book)[0]
    # 县档案局 (row 2), 县政务服务中心 (3), 县气象局 (4), 县统计局 (5): rows 3 and 5 are charted.
    assert [
        ("各乡镇!$A$2:$A$3", "各乡镇!$G$2:$G$3"),
        ("(县级部门!$A$3,县级部门!$A$5)", "(县级部门!$G$3,县级部门!$G$5)"),
    ] == _chart_ranges(book)
    assert 0 == run("bulletin", EVENTS_2008, *common[:5], "--year-end", "--format", "xlsx", "--out", book)[0]
    ranked = read_book(book.read_bytes())[0]["县级部门"]
    with_target = [r for r in range(2, 6) if ranked.cells[f"C{r}"] != "无任务数"]
    categories, values = _chart_ranges(book)[1]
    assert (2, with_target, with_target) == (len(with_target), _rows(categories, "B"), _rows(values, "H"))


def _rows(formula: str, col: str) -> list[int]:
    """The rows of column ``col`` a chart's range formula takes (``$H$3:$H$4,$H$6`` → 3, 4, 6)."""
    rows: list[int] = []
    for a, b in re.findall(rf"\${col}\$(\d+)(?::\${col}\$(\d+))?", formula):
        rows += range(int(a), int(b or a) + 1)
    return rows


def test_the_score_charts_read_their_tables(tmp_path: Path) -> None:
    """Each group's chart takes the unit names (column A) and completion (column G) of its rows."""
    book = tmp_path / "s.xlsx"
    assert 0 == run("score", EXAMPLE, "--format", "xlsx", "--out", book)[0]
    assert [
        ("'各区(市)县政府'!$A$2:$A$20", "'各区(市)县政府'!$G$2:$G$20"),
        ("市政府各部门及有关单位!$A$2:$A$97", "市政府各部门及有关单位!$G$2:$G$97"),
        ("市政府驻外办事处!$A$2:$A$4", "市政府驻外办事处!$G$2:$G$4"),
    ] == _chart_ranges(book)


def test_a_text_longer_than_a_cell_is_kept_whole(tmp_path: Path) -> None:
    """An event id of 40 000 characters: its cell holds the beginning and a note that says where the
    whole text is; the sheet 长文本 holds it in parts that join to the text."""
    long_id = "L" * 40000
    log = tmp_path / "l.jsonl"
    log.write_text(
        EXAMPLE.read_text(encoding="utf-8")
        + json.dumps(
            {"id": long_id, "type": "submitted", "date": "2007-03-05", "unit": "锦江区", "item": "Q1"}
        )
        + "\n",
        encoding="utf-8",
    )
    book = tmp_path / "e.xlsx"
    assert 0 == run("explain", log, "--unit", "锦江区", "--format", "xlsx", "--out", book)[0]
    sheets = read_book(book.read_bytes())[0]
    ledger = [r for r in table(sheets["得分明细"]) if r.get("事件", "").startswith("LLL")]
    parts = table(sheets["长文本"])
    notes = zipfile.ZipFile(book).read("xl/comments1.xml").decode("utf-8")
    assert ["长文本"] == list(sheets)[2:]
    assert (1, 32767, "…") == (len(ledger), len(ledger[0]["事件"]), ledger[0]["事件"][-1])
    assert long_id == "".join(p["文字"] for p in parts)
    assert (["得分明细!B2", "得分明细!B2"], ["1", "2"]) == (
        [p["单元格"] for p in parts],
        [p["段"] for p in parts],
    )
    assert "全文共40000字,超过单元格上限(32767字),见工作表“长文本”第2至3行" in notes


def test_a_zero_is_never_written_as_minus_zero() -> None:
    """A Decimal -0 (-0.0, -0E+1) is the number 0 in the file, never "-0"."""
    from chengdu_infoscore.spreadsheet import Rate, _Book, _words

    book = _Book(_words("zh", 2007), "zh", __import__("datetime").date(2007, 1, 1), "t", None)
    sheet = book.sheet("s")
    for col, value in enumerate([Decimal("-0"), Decimal("-0.0"), Decimal("-0E+1"), Rate(Decimal("-0.0000"))]):
        sheet.cell(0, col, value)
    cells = read_book(book.bytes())[0]["s"].cells
    assert ["0", "0", "0", "0"] == [cells[c] for c in ("A1", "B1", "C1", "D1")]


def test_explain_workbook_heads_the_units_own_points(tmp_path: Path) -> None:
    """explain's summary heads the unit's points by clause with the unit's name, not 全市 (the city's)."""
    sheets = workbook(tmp_path, "explain", EXAMPLE, "--unit", "能源办")
    column = [r[0] for r in sheets["汇总"].rows()]
    assert ("市经委(含能源办)各加减分项目得分" in column, "全市各加减分项目得分" in column) == (True, False)
    english = workbook(tmp_path, "explain", EXAMPLE, "--unit", "能源办", "--lang", "en")
    assert "Points of 市经委(含能源办) by clause" in [r[0] for r in english["Summary"].rows()]


def test_bulletin_workbooks_list_rejections(tmp_path: Path) -> None:
    """bulletin --keep-going --format xlsx has the sheet of rejected records, as score and explain do."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8") + '{"id": "x", "type": "nope"}\n', encoding="utf-8")
    for which in (["--month", "2007-06"], ["--year-end"]):
        sheets = workbook(tmp_path, "bulletin", bad, *which, "--keep-going")
        assert (["汇总", *GROUPS, "拒收记录"], [str(bad), "31", "x"]) == (
            list(sheets),
            sheets["拒收记录"].row(2)[:3],
        )


def test_quiet_says_nothing_of_the_file_written(tmp_path: Path) -> None:
    """--quiet: no "written to FILE" line on standard error (score, bulletin, sample)."""
    target = tmp_path / "o.xlsx"
    assert [(0, "", "")] * 3 == [
        run("score", EXAMPLE, "--format", "xlsx", "--out", target, "--quiet"),
        run("bulletin", EXAMPLE, "--year-end", "--format", "csv", "--out", target, "-q"),
        run("sample", "--out", tmp_path / "s.jsonl", "--quiet"),
    ]
