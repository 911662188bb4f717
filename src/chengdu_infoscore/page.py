"""Pages (``--format html``): results and bulletins as one self-contained, printable HTML page.

A page is a single UTF-8 document with its style inline and nothing to fetch: no script, no
external font, image or style sheet, no link to follow for its content. It opens with its title
and the as-of line, then bar charts drawn as inline SVG — target completion by unit, one chart
per unit group (bars on a scale where the target is 100 %, a line marking the target; a unit
without target is shown as such, never as 0 %), and points by clause around a zero axis — and
then the tables: for ``score`` the rows and figures of the table output, for a bulletin those of
the bulletin's table (the same function makes both), and the provenance line last.

Texts are Chinese by default, English with ``lang="en"``; headings are the tables' and the
bulletins' own, the page's other texts come from the catalogue (``page.*`` codes). Every text
that comes from the input — unit names and labels, event and item ids, reasons, a plug-in's
texts — is escaped: a unit called ``<script>`` is shown as text. Figures are printed as every
other output prints them (exact decimals; a completion is the exact ratio rounded once, half up);
only the bars' geometry is computed from the ratios, as decimals, and written as plain decimal
text. A page is deterministic: the same input gives the same bytes.

>>> from chengdu_infoscore import load_quotas, score
>>> page = results_html(score([]), load_quotas(2007))
>>> page.startswith("<!DOCTYPE html>"), page.count("<svg"), "<script" in page
(True, 4, False)
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape

from .bulletins import MonthlyBulletin, YearEndBulletin
from .bulletins.render import _doc
from .compare import group_ranks
from .contacts import Registry, history_table, missing_table, people_table, registry_summary
from .messages import check_lang, text, words
from .quotas import QuotaTable
from .reports import (
    _BASIS,
    _HEAD,
    LEDGER_RIGHT,
    RESULTS_RIGHT,
    _completion,
    _group,
    _target,
    display_width,
    encodable,
    ledger_head,
    ledger_row,
    results_row,
)
from .results import Rejection, Results, UnitResult, format_points, percent, ratio

__all__ = ["bulletin_html", "group_rank", "no_bulletin_html", "registry_html", "results_html", "unit_html"]

Bulletin = MonthlyBulletin | YearEndBulletin

# -- the style --------------------------------------------------------------------------------------

#: Fonts that the office's machines have (Chinese first); nothing is fetched.
_FONTS = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimHei",'
    ' "WenQuanYi Micro Hei", sans-serif'
)
#: The bars' colours (the browser test looks for them in the screenshot).
DONE, SHORT, TARGET = "#2f7d4f", "#2b6cb0", "#c05621"
POSITIVE, NEGATIVE = "#2b6cb0", "#c53030"
_STYLE = f"""
:root {{ color-scheme: light; }}
* {{ box-sizing: border-box; }}
html {{ background: #ffffff; }}
body {{ margin: 24px auto; max-width: 1160px; padding: 0 16px; color: #1a202c; background: #ffffff;
  font-family: {_FONTS}; font-size: 14px; line-height: 1.5; }}
h1 {{ font-size: 22px; margin: 0 0 4px; }}
h2 {{ font-size: 17px; margin: 28px 0 8px; border-bottom: 2px solid #cbd5e0; padding-bottom: 2px; }}
h3 {{ font-size: 15px; margin: 18px 0 6px; }}
p.note {{ margin: 0 0 8px; color: #4a5568; }}
figure.chart {{ margin: 12px 0 20px; }}
figure.chart figcaption {{ font-weight: bold; margin-bottom: 4px; }}
svg {{ display: block; max-width: 100%; height: auto; font-family: {_FONTS}; }}
svg text {{ font-size: 12px; fill: #1a202c; }}
svg text.value {{ fill: #2d3748; paint-order: stroke; stroke: #ffffff; stroke-width: 3px;
  stroke-linejoin: round; }}
svg text.none {{ fill: #718096; font-style: italic; }}
svg text.axis {{ font-size: 11px; fill: #4a5568; }}
.legend {{ display: flex; flex-wrap: wrap; gap: 4px 18px; font-size: 12px; color: #4a5568;
  margin: 2px 0 6px; }}
.legend span::before {{ content: ""; display: inline-block; width: 12px; height: 12px; margin-right: 5px;
  vertical-align: -1px; background: var(--swatch); }}
.legend span.line::before {{ height: 0; border-top: 2px dashed var(--swatch); background: none;
  vertical-align: 3px; }}
table {{ border-collapse: collapse; margin: 4px 0 12px; font-size: 13px; }}
th, td {{ border: 1px solid #cbd5e0; padding: 3px 7px; vertical-align: top; }}
th {{ background: #edf2f7; font-weight: bold; text-align: center; white-space: nowrap; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
tbody tr:nth-child(even) td {{ background: #f7fafc; }}
tr.total td {{ font-weight: bold; background: #edf2f7; }}
ul {{ margin: 4px 0 12px; padding-left: 22px; }}
ul.names {{ column-width: 11em; column-gap: 16px; }}
p.provenance, ul.provenance {{ font-size: 12px; color: #4a5568; word-break: break-all; }}
* {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
@page {{ size: A4; margin: 12mm; }}
@media print {{
  body {{ margin: 0; max-width: none; padding: 0; font-size: 9pt; }}
  h1 {{ font-size: 15pt; }}
  h2 {{ font-size: 11pt; margin-top: 14pt; }}
  h2, h3, figcaption {{ break-after: avoid; page-break-after: avoid; }}
  figure.chart {{ break-inside: avoid; page-break-inside: avoid; }}
  svg {{ width: auto; height: auto; max-width: 100%; max-height: 255mm; }}
  table {{ font-size: 7.5pt; }}
  th, td {{ padding: 1px 3px; }}
  th {{ white-space: normal; }}
  thead {{ display: table-header-group; }}
  tr, li {{ break-inside: avoid; page-break-inside: avoid; }}
}}
"""


def _e(value: object) -> str:
    """Any text for the page, escaped (quotes too: it may stand in an attribute; a lone surrogate as
    its escape, ``\\ud800``)."""
    return escape(encodable(str(value)), quote=True)


# -- numbers for the charts -------------------------------------------------------------------------

#: The bars' geometry is computed in this context whatever the caller's decimal context is.
_GEOMETRY = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)
_TENTH = Decimal("0.1")


def _n(value: Decimal | int) -> str:
    """A coordinate as plain decimal text, to a tenth of a unit (``12.5``, ``300``)."""
    q = Decimal(value).quantize(_TENTH, rounding=decimal.ROUND_HALF_UP, context=_GEOMETRY)
    return format_points(q)


#: The most room a chart gives its labels: a longer label is cut to fit, ending in "…".
_LABEL_ROOM = 210


def _label_width(labels: Iterable[str]) -> int:
    """Room for the longest label at 12 px (a Chinese character is 12 px, other characters less),
    never more than the charts give labels."""
    return min(max((display_width(label) * 13 // 2 for label in labels), default=0) + 10, _LABEL_ROOM)


def _fitted(label: str) -> str:
    """``label`` as a chart shows it: whole when it fits the labels' room, else cut, ending in "…"."""
    if display_width(label) * 13 // 2 + 10 <= _LABEL_ROOM:
        return label
    cut = ""
    for ch in label:
        if (display_width(cut + ch) + 2) * 13 // 2 + 10 > _LABEL_ROOM:
            break
        cut += ch
    return cut + "…"


#: The charts' width, its rows' height and the bars' height, in the SVG's units (CSS pixels).
_WIDTH, _ROW, _BAR = 760, 20, 13
_TOP, _BOTTOM = 26, 8


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg role="img" aria-label="{_e(label)}" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}">\n<title>{_e(label)}</title>\n' + "\n".join(body) + "\n</svg>"
    )


def _text(x: Decimal | int, y: Decimal | int, content: str, anchor: str = "start", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{klass}>{_e(content)}</text>'


def _scale_top(ratios: Iterable[Decimal]) -> Decimal:
    """The completion axis: from 0 to 100 %, or further in quarters when a unit went beyond its
    target (to 200 % at most; a bar beyond is drawn to the end, its figure printed beside it)."""
    highest = max(ratios, default=Decimal(0))
    top = Decimal(1)
    while top < highest and top < 2:
        top += Decimal("0.25")
    return top


def completion_chart(title: str, units: Sequence[tuple[str, int, int | None]], lang: str) -> str:
    """A bar chart of target completion: one bar per ``(label, counted, target)``, in order."""
    with decimal.localcontext(_GEOMETRY):
        return _completion_chart(title, units, lang)


def _completion_chart(title: str, units: Sequence[tuple[str, int, int | None]], lang: str) -> str:
    left = max(_label_width(label for label, _, _ in units), 60)
    x0, x1 = Decimal(left), Decimal(_WIDTH - 70)
    span = x1 - x0
    top = _scale_top(ratio(counted, target) for _, counted, target in units if target is not None)
    height = _TOP + _ROW * len(units) + _BOTTOM
    bottom = _TOP + _ROW * len(units)
    grid: list[str] = []
    bars: list[str] = []
    labels: list[str] = []
    tick = Decimal(0)
    while tick <= top:  # the grid, every 25 %
        x = x0 + span * tick / top
        grid.append(f'<line x1="{_n(x)}" y1="{_TOP - 4}" x2="{_n(x)}" y2="{bottom}" stroke="#e2e8f0"/>')
        grid.append(_text(x, _TOP - 8, f"{format_points(tick * 100)}%", "middle", "axis"))
        tick += Decimal("0.25")
    for i, (label, counted, target) in enumerate(units):
        y = _TOP + _ROW * i
        middle = y + _ROW // 2 + 4
        labels.append(_text(left - 6, middle, _fitted(label), "end"))
        if target is None:
            labels.append(_text(x0 + 4, middle, text("page.no_target", lang), cls="none"))
            continue
        width = span * min(ratio(counted, target), top) / top
        colour = DONE if counted >= target else SHORT
        shown = percent(counted, target)
        bars.append(
            f'<rect x="{_n(x0)}" y="{y + (_ROW - _BAR) // 2}" width="{_n(width)}" height="{_BAR}"'
            f' fill="{colour}"><title>{_e(label)} {_e(shown)}</title></rect>'
        )
        labels.append(_text(x0 + width + 4, middle, shown, cls="value"))
    target_x = x0 + span / top
    lines = [
        f'<line x1="{_n(target_x)}" y1="{_TOP - 4}" x2="{_n(target_x)}" y2="{bottom}" stroke="{TARGET}"'
        ' stroke-width="2" stroke-dasharray="5 3"/>',
        f'<line x1="{_n(x0)}" y1="{_TOP - 4}" x2="{_n(x0)}" y2="{bottom}" stroke="#4a5568"/>',
    ]
    return _svg(_WIDTH, height, title, grid + bars + lines + labels)


def clause_chart(title: str, clauses: Sequence[tuple[str, Decimal]]) -> str:
    """A bar chart of points by clause: a bar per clause, points granted to the right of the zero
    axis, points taken to its left."""
    with decimal.localcontext(_GEOMETRY):
        return _clause_chart(title, clauses)


def _clause_chart(title: str, clauses: Sequence[tuple[str, Decimal]]) -> str:
    left = max(_label_width(clause for clause, _ in clauses), 60)
    pad = Decimal(64)  # room for a figure beside the longest bar on either side
    x0, x1 = Decimal(left) + pad, Decimal(_WIDTH) - pad
    low = min((p for _, p in clauses), default=Decimal(0))
    high = max((p for _, p in clauses), default=Decimal(0))
    low, high = min(low, Decimal(0)), max(high, Decimal(0))
    extent = high - low
    scale = (x1 - x0) / extent if extent else Decimal(0)
    zero = x0 - low * scale
    height = _TOP + _ROW * len(clauses) + _BOTTOM
    bottom = _TOP + _ROW * len(clauses)
    body: list[str] = []
    for i, (clause, points) in enumerate(clauses):
        y = _TOP + _ROW * i
        middle = y + _ROW // 2 + 4
        body.append(_text(left - 6, middle, _fitted(clause), "end"))
        width = abs(points) * scale
        shown = format_points(points)
        if points:
            start = zero if points > 0 else zero - width
            colour = POSITIVE if points > 0 else NEGATIVE
            bar_y = y + (_ROW - _BAR) // 2
            body.append(
                f'<rect x="{_n(start)}" y="{bar_y}" width="{_n(width)}" height="{_BAR}" fill="{colour}">'
                f"<title>{_e(clause)} {_e(shown)}</title></rect>"
            )
        if points < 0:
            body.append(_text(zero - width - 4, middle, shown, "end", "value"))
        else:
            body.append(_text(zero + width + 4, middle, shown, cls="value"))
    body.append(_text(zero, _TOP - 8, "0", "middle", "axis"))
    body.append(f'<line x1="{_n(zero)}" y1="{_TOP - 4}" x2="{_n(zero)}" y2="{bottom}" stroke="#4a5568"/>')
    return _svg(_WIDTH, height, title, body)


# -- the page ---------------------------------------------------------------------------------------


_LINE = ' class="line"'


class _Page:
    def __init__(self, lang: str, title: str) -> None:
        self.lang = check_lang(lang)
        self.title = title
        self.parts: list[str] = []

    def add(self, html: str) -> None:
        self.parts.append(html)

    def heading(self, level: int, content: str, anchor: str = "") -> None:
        at = f' id="{anchor}"' if anchor else ""
        self.add(f"<h{level}{at}>{_e(content)}</h{level}>")

    def note(self, content: str) -> None:
        self.add(f'<p class="note">{_e(content)}</p>')

    def figure(self, caption: str, svg: str, legend: Sequence[tuple[str, str, bool]]) -> None:
        keys = "".join(
            f'<span{_LINE if line else ""} style="--swatch: {colour}">{_e(name)}</span>'
            for name, colour, line in legend
        )
        self.add(
            f'<figure class="chart">\n<figcaption>{_e(caption)}</figcaption>\n'
            f'<div class="legend">{keys}</div>\n{svg}\n</figure>'
        )

    def table(
        self,
        heading: str | None,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        right: Sequence[bool],
        totals: int = 0,
    ) -> None:
        """A table; its last ``totals`` rows are totals."""
        if heading is not None:
            self.heading(3, heading)
        out = ["<table>", "<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in headers) + "</tr></thead>"]
        out.append("<tbody>")
        for n, row in enumerate(rows):
            total = n >= len(rows) - totals
            cells = "".join(
                f'<td class="num">{_e(c)}</td>' if r else f"<td>{_e(c)}</td>"
                for c, r in zip(row, right, strict=True)
            )
            out.append(f'<tr class="total">{cells}</tr>' if total else f"<tr>{cells}</tr>")
        out.append("</tbody>\n</table>")
        self.add("\n".join(out))

    def items(self, heading: str, lines: Sequence[str], cls: str = "") -> None:
        self.heading(3, heading)
        klass = f' class="{cls}"' if cls else ""
        self.add(f"<ul{klass}>\n" + "\n".join(f"<li>{_e(line)}</li>" for line in lines) + "\n</ul>")

    def html(self) -> str:
        lang = "zh-CN" if self.lang == "zh" else "en"
        return (
            f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(self.title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(self.parts)
            + "\n</body>\n</html>\n"
        )


def _completion_legend(lang: str) -> list[tuple[str, str, bool]]:
    return [
        (text("page.legend_done", lang), DONE, False),
        (text("page.legend_short", lang), SHORT, False),
        (text("page.target_line", lang) + " 100%", TARGET, True),
    ]


def _clause_legend(lang: str) -> list[tuple[str, str, bool]]:
    return [
        (text("page.legend_positive", lang), POSITIVE, False),
        (text("page.legend_negative", lang), NEGATIVE, False),
    ]


def _clauses(page: _Page, caption: str, clauses: Sequence[tuple[str, Decimal]]) -> None:
    page.figure(caption, clause_chart(caption, clauses), _clause_legend(page.lang))


#: The English titles of the groups of the shipped target tables (a table's own groups keep its label).
_GROUP_TITLES_EN = words("page.group_title", "en")


def _group_title(key: str, label: str, lang: str) -> str:
    """A group as a chart's caption names it: the table's label, in English the group's title."""
    return _GROUP_TITLES_EN.get(key, label) if lang == "en" else label


def _as_of_note(results: Results, lang: str, latest_event: str = "page.as_of_latest_event") -> str:
    if results.as_of_basis == "latest_event":
        return text(latest_event, lang, year=results.year)
    if results.as_of_basis == "year_end":
        return text("page.as_of_year_end", lang)
    return ""


def _clause_totals(results: Results) -> list[tuple[str, Decimal]]:
    totals: dict[str, Decimal] = {}
    for u in results.units:
        for clause, points in u.breakdown:
            totals[clause] = totals.get(clause, Decimal(0)) + points
    return list(totals.items())


def _rejections(page: _Page, rejections: Sequence[Rejection]) -> None:
    """The table of the records rejected (with ``--keep-going``), when there are any."""
    if not rejections:
        return
    lang = page.lang
    rows = [
        [
            "" if r.origin is None else r.origin.file,
            "" if r.origin is None else str(r.origin.line),
            r.shown_event(lang),
            r.text(lang),
        ]
        for r in rejections
    ]
    page.table(
        text("page.rejections", lang, count=len(rejections)),
        [text(f"page.{key}", lang) for key in ("file", "line", "event", "reason")],
        rows,
        [False, True, False, False],
    )


def results_html(results: Results, quotas: QuotaTable, lang: str = "zh") -> str:
    """Every unit's figures as a page: a chart of target completion per group of the target table,
    a chart of the whole city's points by clause, then per group the table of ``score``'s table
    output (单位, 目标, 口径, 上报, 采用, 完成率, 差额, 得分, 漏报, 迟报), the records read, the records
    rejected (with ``--keep-going``) and the provenance line.

    Raises:
        ArgumentError: ``lang`` is neither ``"zh"`` nor ``"en"`` (a :class:`ValueError`).
    """
    lang = check_lang(lang)
    title = text("page.score_title", lang, year=results.year)
    page = _Page(lang, title)
    page.heading(1, title)
    page.note(text("page.as_of", lang, as_of=results.as_of, rules=results.rules) + _as_of_note(results, lang))
    members = {g.key: [u for u in results.units if u.unit.group == g.key] for g in quotas.groups}
    page.heading(2, text("page.charts", lang), "charts")
    for g in quotas.groups:
        caption = text("page.chart_completion", lang, group=_group_title(g.key, g.label, lang))
        units = [(u.unit.label, u.counted, u.unit.target) for u in members[g.key]]
        page.figure(caption, completion_chart(caption, units, lang), _completion_legend(lang))
    _clauses(page, text("page.chart_clauses", lang), _clause_totals(results))
    page.heading(2, text("page.tables", lang), "tables")
    head = [text(f"heading.{k}", lang) for k in _HEAD]
    for g in quotas.groups:
        rows = [results_row(u, lang) for u in members[g.key]]
        page.table(text("header.group", lang, label=g.label, key=g.key), head, rows, list(RESULTS_RIGHT))
    counts = [
        ("read", results.read),
        ("counted", results.counted),
        ("repeats", results.repeats),
        ("after_as_of", results.after_as_of),
        ("withdrawn", results.withdrawn),
        ("rejected", len(results.rejections)),
    ]
    page.table(
        text("page.records", lang),
        [text("page.what", lang), text("page.count", lang)],
        [[text(f"page.{key}", lang), str(n)] for key, n in counts],
        [False, True],
    )
    _rejections(page, results.rejections)
    if results.provenance is not None:
        page.heading(3, text("page.provenance", lang))
        page.add(f'<p class="provenance">{_e(results.provenance.line(lang))}</p>')
    return page.html()


def bulletin_html(
    bulletin: Bulletin, lang: str = "zh", by_clause: Sequence[tuple[str, Decimal]] | None = None
) -> str:
    """A bulletin as a page: a chart of target completion (to the bulletin's date) per group, a
    chart of the whole city's points by clause, then the bulletin's tables and lists, with the same
    rows and figures as ``bulletin``'s table output.

    A year-end bulletin has its points by clause; for a monthly bulletin give ``by_clause``, the
    city's points by clause up to the month's end (``clause_totals`` of
    :mod:`~chengdu_infoscore.spreadsheet` of the results the bulletin was made from); without it a
    monthly page has no clause chart.

    Raises:
        ArgumentError: ``lang`` is neither ``"zh"`` nor ``"en"`` (a :class:`ValueError`).
    """
    lang = check_lang(lang)
    doc = _doc(bulletin, lang)
    title = str(doc.blocks[0][1])
    page = _Page(lang, title)
    if isinstance(bulletin, YearEndBulletin):
        by_clause = bulletin.by_clause
        clause_caption = text("page.chart_clauses", lang)
    else:
        clause_caption = text("page.chart_clauses_as_of", lang, as_of=bulletin.as_of)
    charted = False
    for kind, value in doc.blocks:
        if kind == "title":
            page.heading(1, value)
        elif kind == "note":
            page.note(value)
        if kind in ("title", "note"):
            continue
        if not charted:  # the charts after the title and the as-of line, before the first table
            charted = True
            _bulletin_charts(page, bulletin, by_clause, clause_caption)
            page.heading(2, text("page.tables", lang), "tables")
        if kind == "table":
            heading, headers, rows, right = value
            totals = 1 if rows and rows[-1][0] == "" and rows[-1][1] in _TOTALS[lang] else 0
            page.table(heading, headers, rows, right, totals)
        else:
            heading, lines = value
            cls = "provenance" if heading == text("page.provenance", lang) else ""
            if all(display_width(line) <= 24 for line in lines):  # unit names: in columns
                cls = "names"
            page.items(heading, lines, cls)
    return page.html()


#: The labels of a bulletin's total rows (as its table writes them).
_TOTALS = {"zh": ("合计", "全市合计"), "en": ("total", "whole city")}


def _bulletin_charts(
    page: _Page, b: Bulletin, by_clause: Sequence[tuple[str, Decimal]] | None, clause_caption: str
) -> None:
    lang = page.lang
    page.heading(2, text("page.charts", lang), "charts")
    for g in b.groups:
        caption = text("page.chart_completion", lang, group=_group_title(g.group.key, g.group.label, lang))
        units = [(r.unit.label, r.counted, r.unit.target) for r in g.rows]
        page.figure(caption, completion_chart(caption, units, lang), _completion_legend(lang))
    if by_clause is not None:
        _clauses(page, clause_caption, list(by_clause))


# -- the contacts registry --------------------------------------------------------------------------


def registry_html(
    registry: Registry, quotas: QuotaTable | None = None, lang: str = "zh", *, history: bool = False
) -> str:
    """The contacts registry as a page (``contacts --format html``): its title and counts, every
    unit's leaders and officers on record as of the registry's date — the rows of ``contacts``'
    table, units in the target table's order, ``无``/``none`` for a role nobody holds —, the units
    with no leader or no officer on record, with ``history`` every change up to the date, and the
    records rejected (with ``--keep-going``), if any.

    It is the office's own list: it shows the telephone numbers when the registry has them, and
    says that they are personal data. (A unit's public page, :func:`unit_html`, never shows one.)

    Raises:
        ArgumentError: ``lang`` is neither ``"zh"`` nor ``"en"`` (a :class:`ValueError`).
    """
    lang = check_lang(lang)
    as_of = registry.as_of
    title = text("contacts.title", lang, as_of=as_of)
    page = _Page(lang, title)
    page.heading(1, title)
    page.note(registry_summary(registry, lang))
    if registry.phones:
        page.note(text("contacts.private", lang))
    headers, rows = people_table(registry, quotas, lang)
    page.heading(2, text("contacts.people", lang), "contacts")
    page.table(None, headers, rows, [False] * len(headers))
    page.heading(2, text("contacts.missing_title", lang, as_of=as_of), "missing")
    headers, rows = missing_table(registry, quotas, lang)
    if rows:
        page.table(None, headers, rows, [False] * len(headers))
    else:
        page.note(text("contacts.none", lang))
    if history:
        page.heading(2, text("contacts.history_title", lang, as_of=as_of), "history")
        headers, rows = history_table(registry, lang)
        if rows:
            page.table(None, headers, rows, [False] * len(headers))
        else:
            page.note(text("contacts.none", lang))
    _rejections(page, registry.rejections)
    return page.html()


# -- a unit's own page ------------------------------------------------------------------------------


def group_rank(result: UnitResult, results: Results) -> tuple[int, int]:
    """The unit's rank in its group and the group's size, ranked as the bulletins rank: by points
    (highest first), then by what counts toward the target, then by items submitted (more first),
    then by the unit's place in the results (the target table's order)."""
    ranks: dict[str, int] = results._derived("group_ranks", lambda: group_ranks(results))
    return ranks[result.unit.name], sum(u.unit.group == result.unit.group for u in results.units)


def no_bulletin_html(year: int, latest: dt.date | None, lang: str = "zh") -> str:
    """The page that stands where the latest monthly bulletin will be (``serve``'s ``/``) while no
    month of the year is over: ``latest`` is the date of the latest event (``None``: none yet).
    A bulletin is as of its month's end; one of a month not over would judge what is not due yet.

    Raises:
        ArgumentError: ``lang`` is neither ``"zh"`` nor ``"en"`` (a :class:`ValueError`).
    """
    lang = check_lang(lang)
    title = text("serve.home.none_title", lang, year=year)
    page = _Page(lang, title)
    page.heading(1, title)
    if latest is None:
        page.note(text("serve.home.no_events", lang, year=year))
    else:
        page.note(text("serve.home.not_over", lang, year=year, latest=latest.isoformat()))
    return page.html()


def unit_html(
    result: UnitResult,
    results: Results,
    lang: str = "zh",
    contacts: Sequence[tuple[str, str, str]] | None = None,
) -> str:
    """One unit's own page (``serve``'s ``/units/{unit}``): its score and rank in its group, its
    completion toward its target as a chart, its leader and officers on record, then its ledger
    month by month — each line's date, event, clause, points and reason (in ``lang``), with the
    month's total — and the provenance.

    ``contacts`` are the unit's leader and officers on record as (role, name, title) — never a
    telephone number, which is for authorised callers of the API only; ``None`` leaves the section
    out (a store without a contacts registry).

    Raises:
        ArgumentError: ``lang`` is neither ``"zh"`` nor ``"en"`` (a :class:`ValueError`).
    """
    lang = check_lang(lang)
    u = result.unit
    title = text("serve.unit.title", lang, label=u.label, year=results.year)
    page = _Page(lang, title)
    page.heading(1, title)
    on_page = _as_of_note(results, lang, "serve.unit.as_of_latest_event")  # a page's address, not an option
    page.note(text("page.as_of", lang, as_of=results.as_of, rules=results.rules) + on_page)
    rank, of = group_rank(result, results)
    summary = [
        (text("heading.group", lang), _group(u.group, lang)),
        (text("heading.target_basis", lang, basis=_BASIS[lang][u.basis]), _target(u.target, lang)),
        (text("serve.unit.counted", lang), str(result.counted)),
        (text("heading.completion", lang), _completion(result.counted, u.target, lang)),
        (text("heading.score", lang), format_points(result.score)),
        (text("serve.unit.rank", lang), text("serve.unit.rank_of", lang, rank=rank, of=of)),
    ]
    page.table(
        None,
        [text("page.what", lang), text("serve.unit.value", lang)],
        [list(row) for row in summary],
        [False, True],
    )
    caption = text("serve.unit.chart", lang, label=u.label)
    chart = completion_chart(caption, [(u.label, result.counted, u.target)], lang)
    page.figure(caption, chart, _completion_legend(lang))
    if contacts is not None:  # the contacts registry, before the long ledger: never a phone number
        page.heading(2, text("serve.unit.contacts", lang, as_of=results.as_of), "contacts")
        if contacts:
            heads = [text(f"serve.unit.contact_{k}", lang) for k in ("role", "name", "title")]
            page.table(None, heads, [list(c) for c in contacts], [False, False, False])
        else:
            page.note(text("serve.unit.no_contacts", lang))
    page.heading(2, text("serve.unit.ledger", lang), "ledger")
    if not result.ledger:
        page.note(text("serve.unit.no_lines", lang))
    months: dict[tuple[int, int], list[list[str]]] = {}
    totals: dict[tuple[int, int], Decimal] = {}
    for line in result.ledger:
        month = (line.date.year, line.date.month)
        months.setdefault(month, []).append(ledger_row(line, lang))
        totals[month] = totals.get(month, Decimal(0)) + line.points
    head = ledger_head(lang)
    for (year, number), rows in sorted(months.items()):
        total = ["", "", text("serve.unit.month_total", lang), format_points(totals[year, number]), ""]
        month_title = text("serve.unit.month", lang, year=year, month=number)
        page.table(month_title, head, [*rows, total], list(LEDGER_RIGHT), 1)
    if result.ledger:
        page.table(
            None,
            [text("label.total", lang), text("heading.score", lang)],
            [[text("serve.unit.year_total", lang), format_points(result.score)]],
            [False, True],
            1,
        )
    if results.provenance is not None:
        page.heading(3, text("page.provenance", lang))
        page.add(f'<p class="provenance">{_e(results.provenance.line(lang))}</p>')
    return page.html()
