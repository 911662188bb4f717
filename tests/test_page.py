"""Pages (--format html): read back with the stdlib's HTML parser, every figure against the JSON."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import random
import re
from collections import Counter
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengdu_infoscore import (
    Adopted,
    ArgumentError,
    QuotaTable,
    Submitted,
    load_quotas,
    monthly_bulletin,
    score,
    year_end_bulletin,
)
from chengdu_infoscore.cli import main
from chengdu_infoscore.page import (
    DONE,
    NEGATIVE,
    POSITIVE,
    SHORT,
    bulletin_html,
    clause_chart,
    completion_chart,
    results_html,
)
from chengdu_infoscore.results import format_points, percent

EXAMPLE = str(Path(__file__).parent.parent / "examples" / "example-2007.jsonl")


# -- reading a page back -----------------------------------------------------------------------------


@attrs.define
class Table:
    """A table as read back: the heading before it, its header row and its rows of cell texts."""

    heading: str
    headers: list[str] = attrs.Factory(list)
    rows: list[list[str]] = attrs.Factory(list)


@attrs.define
class Svg:
    """A chart as read back: its label, its bars' attributes and its texts."""

    label: str
    rects: list[dict[str, str]] = attrs.Factory(list)
    texts: list[str] = attrs.Factory(list)


class Page(HTMLParser):
    """Every tag and attribute, the tables, the charts and the text of a page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.attributes: list[tuple[str, str, str]] = []
        self.tables: list[Table] = []
        self.svgs: list[Svg] = []
        self.headings: list[str] = []
        self.text: list[str] = []
        self._heading: list[str] | None = None
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._in_head_row = False
        self._svg_text: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        values = {k: v or "" for k, v in attrs}
        self.attributes += [(tag, k, v) for k, v in values.items()]
        if tag in ("h1", "h2", "h3"):
            self._heading = []
        elif tag == "table":
            self.tables.append(Table(self.headings[-1] if self.headings else ""))
        elif tag == "thead":
            self._in_head_row = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "svg":
            self.svgs.append(Svg(values.get("aria-label", "")))
        elif tag == "rect":
            self.svgs[-1].rects.append(values)
        elif tag == "text":
            self._svg_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append("".join(self._heading))
            self._heading = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table = self.tables[-1]
            if self._in_head_row:
                table.headers = self._row
            else:
                table.rows.append(self._row)
            self._row = None
        elif tag == "thead":
            self._in_head_row = False
        elif tag == "text" and self._svg_text is not None:
            self.svgs[-1].texts.append("".join(self._svg_text))
            self._svg_text = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for part in (self._heading, self._cell, self._svg_text):
            if part is not None:
                part.append(data)

    def table(self, heading: str) -> Table:
        """The table after the heading that starts with ``heading``."""
        [table] = [t for t in self.tables if t.heading.startswith(heading)]
        return table


def run(*argv: str) -> str:
    """What the command prints on standard output (exit status 0)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert 0 == main(list(argv))
    return out.getvalue()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The sample year's event log, as a file."""
    path = tmp_path_factory.mktemp("page") / "year.jsonl"
    with contextlib.redirect_stderr(io.StringIO()):
        assert 0 == main(["sample", "--out", str(path)])
    return str(path)


def _rows_by_label(page: Page, labels: set[str], width: int) -> dict[str, list[str]]:
    """Every table row whose unit column (the first or second cell) is one of ``labels``."""
    found: dict[str, list[str]] = {}
    for table in page.tables:
        for row in table.rows:
            if len(row) == width:
                label = row[0] if row[0] in labels else row[1]
                if label in labels:
                    assert label not in found, f"{label} twice"
                    found[label] = row
    return found


# -- score ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_units_figures_on_the_score_page_are_those_of_the_json(sample: str) -> None:
    """Per unit: target, counts, completion, shortfall, score, missed and late as the JSON has them."""
    data = json.loads(run("score", sample, "--as-of", "2007-12-31", "--format", "json"))
    page = Page(run("score", sample, "--as-of", "2007-12-31", "--format", "html"))
    units = {u["label"]: u for u in data["units"]}
    rows = _rows_by_label(page, set(units), 10)
    assert len(units) == len(rows) == 118
    for label, u in units.items():
        expected = [
            label,
            str(u["target"]),
            {"adopted": "采用", "submitted": "上报"}[u["basis"]],
            str(u["submitted"]),
            str(u["adopted"]),
            percent(u["counted"], u["target"]),
            str(u["shortfall"]),
            u["score"],
            str(sum(u["missed"].values())),
            str(sum(u["late"].values())),
        ]
        assert expected == rows[label]
    assert 1 + 3 == len(page.svgs)  # a chart per group, one of the clauses
    records = page.table("读入记录")
    assert [["读入", str(data["events"]["read"])], ["计入", str(data["events"]["counted"])]] == records.rows[
        :2
    ]


def test_the_score_page_has_a_bar_per_unit_and_one_per_clause() -> None:
    """Each group's chart has a bar per unit with a target; the clause chart a bar per clause with points."""
    quotas = load_quotas(2007)
    results = score(_log(), quotas=quotas, as_of=dt.date(2007, 12, 31))
    page = Page(results_html(results, quotas))
    sizes = [sum(1 for u in quotas if u.group == g.key) for g in quotas.groups]
    assert sizes == [len(svg.rects) for svg in page.svgs[:3]]
    totals: dict[str, Decimal] = {}
    for u in results.units:
        for clause, points in u.breakdown:
            totals[clause] = totals.get(clause, Decimal(0)) + points
    assert sum(1 for p in totals.values() if p) == len(page.svgs[3].rects)
    texts = page.svgs[3].texts[: 2 * len(totals)]
    shown = dict(zip(texts[0::2], texts[1::2], strict=True))
    assert {c: format_points(p) for c, p in totals.items()} == shown


def _log() -> list[Any]:
    """Two units' submissions and adoptions: 青羊区5 adopted of a target of 120, 市统计局 none."""
    events: list[Any] = []
    for n in range(5):
        events.append(Submitted(id=f"s{n}", date=f"2007-03-{n + 1:02d}", unit="青羊区", item=f"QY-{n}"))
        events.append(Adopted(id=f"a{n}", date=f"2007-03-{n + 10:02d}", item=f"QY-{n}", channel="政务信息"))
    return events


def test_a_bar_is_as_long_as_its_share_of_the_target() -> None:
    """60 of a target of 120 is a bar half as long as the distance to the target line; 0 is no width."""
    quotas = _table(target_a=120, target_b=4)
    events = [
        *(Submitted(id=f"s{n}", date="2007-03-01", unit="甲区", item=f"J-{n}") for n in range(60)),
        *(Adopted(id=f"a{n}", date="2007-03-02", item=f"J-{n}", channel="政务信息") for n in range(60)),
    ]
    results = score(events, quotas=quotas, as_of=dt.date(2007, 12, 31))
    html = results_html(results, quotas)
    page = Page(html)
    chart = page.svgs[0]
    [half, zero] = chart.rects
    target_line = re.search(r'<line x1="([0-9.]+)"[^>]*stroke="#c05621"', html)
    assert target_line is not None
    x0, target_x = Decimal(half["x"]), Decimal(target_line.group(1))
    assert (target_x - x0) / 2 == Decimal(half["width"])
    assert "0" == zero["width"]
    assert ["甲区", "50.0%", "乙区", "0.0%"] == [t for t in chart.texts if not t.endswith("%") or "." in t]
    assert {DONE, SHORT} >= {r["fill"] for r in chart.rects}


def _table(target_a: int | None = 10, target_b: int | None = 4, name_b: str = "乙区") -> QuotaTable:
    def target(t: int | None) -> str:
        return '"none"' if t is None else str(t)

    return QuotaTable.from_toml(
        f"""
year = 2007
source = "test"
[[groups]]
key = "district"
label = "区"
basis = "adopted"
[[groups.units]]
name = "甲区"
label = "甲区"
target = {target(target_a)}
[[groups.units]]
name = {json.dumps(name_b)}
label = {json.dumps(name_b)}
target = {target(target_b)}
""",
        "test.toml",
    )


def test_a_unit_without_target_is_shown_as_such_not_as_zero() -> None:
    """No bar, the words 无任务数 (no target) in the chart and in the table (the 2008 example county)."""
    docs = Path(__file__).parent.parent / "docs"
    county = [
        str(Path(__file__).parent / "targets" / "events-2008.jsonl"),
        *("--rules", str(docs / "example-county-2008.toml")),
        *("--targets", str(docs / "example-targets-2008.toml")),
        *("--keep-going", "--as-of", "2008-12-31", "--format", "html"),
    ]
    for lang, words in (("zh", "无任务数"), ("en", "no target")):
        page = Page(run("score", *county, "--lang", lang))
        chart = page.svgs[1]  # 县级部门: 县档案局 without target, 县政务服务中心1 of 30
        assert 1 == len(chart.rects)
        assert ["县档案局", words, "县政务服务中心", "3.3%"] == chart.texts[-4:]
        row = next(r for t in page.tables for r in t.rows if r[0] == "县档案局")
        assert [words, words] == [row[1], row[5]]


def test_a_unit_called_script_renders_as_text() -> None:
    """Unit names, event ids and reasons are escaped: the page has no script, and shows the name."""
    name = '<script>alert("x")</script>'
    quotas = _table(name_b=name)
    events = [
        Submitted(id="s<1>", date="2007-03-01", unit=name, item="<b>I</b>"),
        Submitted(id="<img src=x>", date="2007-03-01", unit="<nowhere>", item="Q"),
    ]
    results = score(events, quotas=quotas, as_of=dt.date(2007, 12, 31))
    html = results_html(results, quotas)
    page = Page(html)
    assert 0 == page.tags["script"] + page.tags["img"] + page.tags["b"]
    assert name in [r[0] for t in page.tables for r in t.rows]
    assert name in page.svgs[0].texts
    [rejected] = [t for t in page.tables if t.headers[-1] == "说明"]
    assert "<img src=x>" == rejected.rows[0][2]
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.slow
def test_a_page_fetches_nothing_and_runs_nothing(sample: str) -> None:
    """No script, no link, image, frame or object, no http(s) reference, no url() in the style, no handler."""
    pages = [
        run("score", sample, "--format", "html"),
        run("bulletin", sample, "--month", "2007-06", "--format", "html", "--lang", "en"),
        run("bulletin", sample, "--year-end", "--format", "html"),
    ]
    for html in pages:
        page = Page(html)
        assert set() == set(page.tags) & {"script", "link", "img", "iframe", "object", "embed", "base"}
        assert [] == re.findall(r"https?://|url\(|@import|javascript:", html, re.IGNORECASE)
        assert [] == [(t, k) for t, k, _ in page.attributes if k.startswith("on") or k in ("src", "href")]
        assert 1 == page.tags["style"]
        assert html.startswith('<!DOCTYPE html>\n<html lang="')
        assert '<meta charset="utf-8">' in html


@pytest.mark.slow
def test_chart_coordinates_are_plain_decimal_text(sample: str) -> None:
    """Every coordinate and size in the charts is a plain decimal (no exponent, at most one decimal)."""
    html = run("bulletin", sample, "--year-end", "--format", "html")
    numbers = re.findall(r' (?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', html)
    assert len(numbers) > 1000
    assert [] == [n for n in numbers if not re.fullmatch(r"-?[0-9]+(\.[0-9])?", n)]


def test_the_clause_chart_puts_points_taken_left_of_zero() -> None:
    """A bar per clause with points; granted from the zero axis right, taken ending at it."""
    svg = clause_chart("t", [("A", Decimal("30")), ("B", Decimal("-10")), ("C", Decimal(0))])
    page = Page(svg)
    [a, b] = page.svgs[0].rects
    zero = Decimal(re.findall(r'<line x1="([0-9.]+)"', svg)[-1])
    assert (zero, POSITIVE) == (Decimal(a["x"]), a["fill"])
    assert (zero, NEGATIVE) == (Decimal(b["x"]) + Decimal(b["width"]), b["fill"])
    assert Decimal(a["width"]) == 3 * Decimal(b["width"])
    assert ["A", "30", "B", "-10", "C", "0", "0"] == page.svgs[0].texts


# -- bulletins -----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_units_figures_on_the_monthly_page_are_those_of_the_json(sample: str) -> None:
    """Rank, month's and cumulative figures, completion and counts as `bulletin --format json` has them."""
    data = json.loads(run("bulletin", sample, "--month", "2007-06", "--format", "json"))
    page = Page(run("bulletin", sample, "--month", "2007-06", "--format", "html"))
    units = {u["label"]: u for g in data["groups"] for u in g["units"]}
    rows = _rows_by_label(page, set(units), 16)
    assert len(units) == len(rows) == 118

    def figures(f: dict[str, Any]) -> list[str]:
        rate = percent(f["adopted"], f["submitted"]) if f["submitted"] else "-"
        return [str(f["submitted"]), str(f["adopted"]), rate, f["points"]]

    for label, u in units.items():
        m, c = u["month"], u["cumulative"]
        expected = [
            str(u["rank"]),
            label,
            str(u["target"]),
            *figures(m),
            *figures(c),
            percent(u["counted"], u["target"]),
            *(str(sum(f[k].values())) for f in (m, c) for k in ("missed", "late")),
        ]
        assert expected == rows[label]
    assert 3 + 1 == len(page.svgs)
    assert "全市各加减分项目得分(截至2007-06-30)" == page.svgs[3].label


@pytest.mark.slow
def test_every_units_figures_on_the_year_end_page_are_those_of_the_json(sample: str) -> None:
    """Rank, the year's figures, completion, shortfall and counts as `bulletin --year-end --format json`."""
    data = json.loads(run("bulletin", sample, "--year-end", "--format", "json", "--lang", "en"))
    page = Page(run("bulletin", sample, "--year-end", "--format", "html", "--lang", "en"))
    units = {u["label"]: u for g in data["groups"] for u in g["units"]}
    rows = _rows_by_label(page, set(units), 15)
    assert len(units) == len(rows) == 118
    for label, u in units.items():
        c = u["cumulative"]
        expected = [
            str(u["rank"]),
            label,
            str(u["target"]),
            str(c["submitted"]),
            str(c["adopted"]),
            percent(c["adopted"], c["submitted"]) if c["submitted"] else "-",
            c["points"],
            percent(u["counted"], u["target"]),
            "completed" if u["completed"] else "not completed",
            str(u["shortfall"]),
            *(str(sum(c[k].values())) for k in ("missed", "late")),
            str(c["errors"]),
            str(c["false_reports"]),
            str(c["excellent"]),
        ]
        assert expected == rows[label]
    by_clause = page.table("The whole city's points by clause")
    assert [[k, v] for k, v in data["by_clause"].items()] == by_clause.rows
    assert 3 + 1 == len(page.svgs)
    assert "The whole city's points by clause" == page.svgs[3].label


def test_the_page_follows_the_language() -> None:
    """Chinese by default (lang zh-CN, Chinese headings), English with lang="en"."""
    quotas = load_quotas(2007)
    results = score(_log(), quotas=quotas, as_of=dt.date(2007, 12, 31))
    zh, en = Page(results_html(results, quotas)), Page(results_html(results, quotas, "en"))
    assert ("zh-CN", "en") == tuple(
        next(v for t, k, v in page.attributes if (t, k) == ("html", "lang")) for page in (zh, en)
    )
    assert ["2007年各单位政务信息工作得分", "图表"] == zh.headings[:2]
    assert ["Government information work: scores 2007", "Charts"] == en.headings[:2]
    assert "各区(市)县政府任务完成率" == zh.svgs[0].label
    assert "Target completion, district and county governments" == en.svgs[0].label
    assert ["单位", "目标", "口径"] == zh.tables[0].headers[:3]
    assert ["unit", "target", "basis"] == en.tables[0].headers[:3]
    year_end = year_end_bulletin(results, quotas)
    assert "2007年度全市政务信息工作通报" == Page(bulletin_html(year_end)).headings[0]
    with pytest.raises(ArgumentError, match="'fr'"):
        results_html(results, quotas, "fr")


@given(st.randoms(use_true_random=False))
def test_a_page_is_the_same_bytes_whatever_the_order_of_the_events(shuffle: random.Random) -> None:
    """Deterministic: the events in any order give the same page, score and bulletin alike."""
    quotas = _table()
    events: list[Any] = []
    for n in range(8):
        unit = "甲区" if n % 3 else "乙区"
        events.append(Submitted(id=f"s{n}", date=f"2007-0{n % 3 + 1}-{n + 1:02d}", unit=unit, item=f"I-{n}"))
        if n % 2:
            events.append(
                Adopted(id=f"a{n}", date=f"2007-03-{n + 10:02d}", item=f"I-{n}", channel="政务信息")
            )
    shuffled = list(events)
    shuffle.shuffle(shuffled)
    a = score(events, quotas=quotas, as_of=dt.date(2007, 12, 31))
    b = score(shuffled, quotas=quotas, as_of=dt.date(2007, 12, 31))
    assert results_html(a, quotas) == results_html(b, quotas)
    assert bulletin_html(monthly_bulletin(a, quotas, 3)) == bulletin_html(monthly_bulletin(b, quotas, 3))
    assert bulletin_html(year_end_bulletin(a, quotas)) == bulletin_html(year_end_bulletin(b, quotas))


def test_html_goes_to_a_file_with_out(tmp_path: Path) -> None:
    """`--out FILE` writes the page there, the same text as standard output."""
    target = tmp_path / "score.html"
    printed = run("score", EXAMPLE, "--format", "html")
    run("score", EXAMPLE, "--format", "html", "--out", str(target))
    assert printed == target.read_text(encoding="utf-8")


def test_a_rejected_records_reason_is_in_the_pages_language(tmp_path: Path) -> None:
    """With --keep-going, the rejections table says why in Chinese by default, in English on request."""
    log = tmp_path / "log.jsonl"
    log.write_text(
        '{"id": "a1", "type": "adopted", "date": "2007-05-01", "item": "NOPE", "channel": "zwxx"}\n',
        encoding="utf-8",
    )
    reasons = {}
    for lang in ("zh", "en"):
        page = Page(run("score", str(log), "--keep-going", "--format", "html", "--lang", lang))
        [row] = page.table("拒收记录" if lang == "zh" else "Rejected").rows
        reasons[lang] = row[3]
    assert {
        "zh": "信息 'NOPE' 在 2007-05-01 或之前没有上报",
        "en": "item 'NOPE' has not been submitted on or before 2007-05-01",
    } == reasons


def test_a_long_label_is_cut_to_the_charts_room_and_no_bar_is_lost() -> None:
    """A 60-character unit label does not push the bars out: every bar keeps a positive width."""
    svg = completion_chart("t", [("很" * 60, 1, 2), ("甲", 14, 2), ("乙", 0, None)], "zh")
    widths = [Decimal(w) for w in re.findall(r'<rect [^>]*width="([-0-9.]+)"', svg)]
    labels = re.findall(r">([^<>]*)</text>", svg)
    assert (2, True) == (len(widths), all(w > 0 for w in widths))
    assert ["很" * 14 + "…", "甲", "乙"] == [t for t in labels if t.startswith(("很", "甲", "乙"))]


def test_a_very_long_id_is_cut_short_in_the_rejections_table(tmp_path: Path) -> None:
    """A 400-character id reads as its start and its length, so the table fits the printed page."""
    log = tmp_path / "log.jsonl"
    long_id = "x" * 400
    log.write_text(
        f'{{"id": "{long_id}", "type": "missed", "date": "2007-05-01", "unit": "无此单位",'
        ' "category": "important"}\n',
        encoding="utf-8",
    )
    page = Page(run("score", str(log), "--keep-going", "--format", "html"))
    [row] = page.table("拒收记录").rows
    assert "x" * 60 + "…(共400个字符)" == row[2]
