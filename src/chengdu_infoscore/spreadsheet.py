"""Workbooks (.xlsx) of the results, a unit's ledger and the bulletins, for the office's analysts.

Every workbook has a summary sheet first, then one sheet per unit group (for a unit's ledger:
the ledger). Headings are Chinese by default (the bulletins' own words), English with
``lang="en"``. Figures are numeric cells whose number format is the precision the figure is
shown with: counts ``0``, points as many decimals as the exact figure has (``17.2`` → ``0.0``),
rates and completion the four-place ratio of the JSON contract as a percentage (``0.4545`` →
``0.00%``, shown 45.45%). A figure a spreadsheet cannot hold exactly (more than 15 significant
digits, or beyond the range a cell's number holds) keeps its exact decimal text in a note on the cell (beyond
range: the cell is that text). Header rows are frozen, columns are as wide as their text (a
Chinese character counts two), and each group sheet has a bar chart of target completion by
unit, the summary a chart of points by clause.

A workbook is deterministic: the same input gives the same bytes (its creation date is the
as-of date of the figures, never the clock).

XlsxWriter is an optional extra (``pip install 'chengdu-infoscore[xlsx]'``); it is imported
only when a workbook is written, and its absence raises :class:`MissingExtraError`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ._columns import csv_value
from .bulletins import BulletinRow, GroupTable, MonthlyBulletin, YearEndBulletin
from .bulletins.render import _section_name
from .bulletins.render import _words as _bulletin_words
from .exceptions import MissingExtraError
from .messages import LANGS, words
from .periods import Figures
from .provenance import Provenance
from .quotas import QuotaTable
from .reports import display_width
from .results import Results, UnitResult, format_points, ratio

__all__ = ["MissingExtraError", "bulletin_xlsx", "clause_totals", "ledger_xlsx", "results_xlsx", "xlsx_extra"]


def xlsx_extra() -> Any:
    """The ``xlsxwriter`` module.

    Raises:
        MissingExtraError: it is not installed; the message names the extra to install.
    """
    try:
        return importlib.import_module("xlsxwriter")
    except ImportError:
        raise MissingExtraError("xlsx", "XlsxWriter", "writing a spreadsheet (--format xlsx)") from None


# -- the words ------------------------------------------------------------------------------------

#: The workbooks' own words in each language (``sheet.*`` codes), beside the bulletins'.
_MORE: dict[str, dict[str, str]] = {lang: words("sheet", lang) for lang in LANGS}


def _words(lang: str, year: int) -> dict[str, str]:
    return {**_bulletin_words(lang, year), **_MORE[lang]}


# -- cells ----------------------------------------------------------------------------------------


@attrs.frozen
class Rate:
    """A rate or completion cell: the four-place ratio, shown as a percentage with two decimals."""

    value: Decimal


Cell = str | int | Decimal | Rate | None

#: Excel shows at most 15 significant digits and takes at most 30 decimals in a number format.
_DIGITS, _PLACES = 15, 30
#: The powers of ten a cell's number (a double) holds with its full 15 digits: 1E-307 to 9.99…E+307.
_LOWEST, _HIGHEST = -307, 307
#: The widest a column is made, in characters.
_WIDEST = 60


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _held(value: Decimal) -> Decimal | None:
    """``value`` as a cell's number is written (plain: ``17.9``, ``100``), or ``None`` when it is
    beyond what a cell holds as a number. The writer puts its text, to 16 significant digits, in
    the file: the figure goes there from its Decimal, never through binary floating point."""
    if value and not _LOWEST <= value.adjusted() <= _HIGHEST:
        return None
    return Decimal(format(value.normalize(), "f"))


def _exact(value: Decimal) -> bool:
    """Whether a cell shows ``value`` exactly: 15 significant digits at most (a double holds those),
    and no more decimals than a number format takes."""
    digits = len(value.normalize().as_tuple().digits)
    return not value or (digits <= _DIGITS and _places(value) <= _PLACES)


class _Sheet:
    """One worksheet: cells written with their formats, column widths following their text."""

    def __init__(self, book: _Book, name: str) -> None:
        self.book = book
        self.ws = book.wb.add_worksheet(name)
        self.name = name
        self.widths: dict[int, int] = {}
        self.row = 0

    def _fit(self, col: int, text: str) -> None:
        self.widths[col] = max(self.widths.get(col, 0), display_width(text))

    def cell(self, row: int, col: int, value: Cell, bold: bool = False) -> None:
        if value is None:
            return
        if isinstance(value, str):
            self.ws.write_string(row, col, value, self.book.fmt(None, bold))
            self._fit(col, value)
        elif isinstance(value, Rate):
            shown = f"{value.value * 100:.2f}%"
            self._number(row, col, value.value, "0.00%", shown, str(value.value), bold)
        elif isinstance(value, int):
            self._number(row, col, Decimal(value), "0", str(value), str(value), bold)
        else:
            places = _places(value)
            pattern = "0" + ("." + "0" * places if 0 < places <= _PLACES else "")
            text = format_points(value)
            self._number(row, col, value, pattern, text, text, bold)

    def _number(
        self, row: int, col: int, value: Decimal, pattern: str, shown: str, exact: str, bold: bool
    ) -> None:
        number = _held(value)
        self._fit(col, shown)
        if number is None:  # beyond what a cell holds as a number: the exact text
            self.ws.write_string(row, col, exact, self.book.fmt(None, bold))
            self._fit(col, exact)
            return
        self.ws.write_number(row, col, number, self.book.fmt(pattern, bold))
        if not _exact(value):
            self.ws.write_comment(row, col, self.book.w["exact"].format(text=exact))

    def title(self, text: str) -> None:
        self.ws.write_string(self.row, 0, text, self.book.fmt(None, True))
        self.row += 1

    def line(self, text: str) -> None:
        self.ws.write_string(self.row, 0, text)
        self.row += 1

    def table(
        self, headers: Sequence[str], rows: Iterable[Sequence[Cell]], heading: str | None = None
    ) -> tuple[int, int]:
        """Write a table (after a heading line, if any); return its first and last data rows."""
        if heading is not None:
            self.title(heading)
        for col, h in enumerate(headers):
            self.cell(self.row, col, h, bold=True)
        self.row += 1
        first = self.row
        for values in rows:
            for col, value in enumerate(values):
                self.cell(self.row, col, value)
            self.row += 1
        last = self.row - 1
        self.row += 1  # a blank row after every table
        return first, last

    def finish(self) -> None:
        for col, width in sorted(self.widths.items()):
            self.ws.set_column(col, col, min(_WIDEST, width + 2))

    def chart(
        self, kind: str, title: str, categories: int, values: int, rows: tuple[int, int], at: str
    ) -> None:
        """A native chart of one column against the labels of another, rows ``first..last``."""
        first, last = rows
        if last < first:
            return
        chart = self.book.wb.add_chart({"type": kind})
        chart.add_series(
            {
                "name": title,
                "categories": [self.name, first, categories, last, categories],
                "values": [self.name, first, values, last, values],
                "data_labels": {"value": True},
            }
        )
        chart.set_title({"name": title})
        chart.set_legend({"none": True})
        count = last - first + 1
        if kind == "bar":  # one bar a unit, read top to bottom in the table's order
            chart.set_y_axis({"reverse": True})
            chart.set_x_axis({"num_format": "0%"})
            chart.set_size({"width": 640, "height": max(288, 22 * count + 80)})
        else:
            chart.set_size({"width": max(480, 48 * count + 120), "height": 320})
        self.ws.insert_chart(at, chart)


class _Book:
    def __init__(
        self, w: dict[str, str], lang: str, created: dt.date, title: str, provenance: Provenance | None
    ) -> None:
        xlsxwriter = xlsx_extra()
        self.w, self.lang = w, lang
        self.out = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.out, {"in_memory": True})
        # The creation date is the figures' as-of date, never the clock: the same input, the same bytes.
        when = dt.datetime(created.year, created.month, created.day)
        self.wb.set_properties(
            {
                "title": title,
                "created": when,
                "comments": provenance.line(lang) if provenance is not None else "",
            }
        )
        self.wb.set_calc_mode("auto")
        self._formats: dict[tuple[str | None, bool], Any] = {}
        self.sheets: list[_Sheet] = []
        self._names: set[str] = set()

    def fmt(self, pattern: str | None, bold: bool) -> Any:
        key = (pattern, bold)
        if key not in self._formats:
            spec: dict[str, Any] = {"bold": True} if bold else {}
            if pattern is not None:
                spec["num_format"] = pattern
            self._formats[key] = self.wb.add_format(spec)
        return self._formats[key]

    def sheet(self, name: str) -> _Sheet:
        s = _Sheet(self, self._name(name))
        self.sheets.append(s)
        return s

    def _name(self, wanted: str) -> str:
        """A sheet name Excel takes: no ``[]:*?/\\``, no quote at either end, 31 characters, unique."""
        name = "".join("_" if ch in "[]:*?/\\" else ch for ch in wanted).strip("'") or "_"
        name = name[:31]
        n = 2
        while name.lower() in self._names:
            suffix = f" ({n})"
            name = name[: 31 - len(suffix)] + suffix
            n += 1
        self._names.add(name.lower())
        return name

    def bytes(self) -> bytes:
        for s in self.sheets:
            s.finish()
        self.wb.close()
        return self.out.getvalue()


def _completion(counted: int, target: int | None, w: dict[str, str]) -> Cell:
    return w["no_target"] if target is None else Rate(ratio(counted, target))


def _rate(f: Figures) -> Cell:
    rate = f.adoption_rate
    return "-" if rate is None else Rate(rate)


def _total(pairs: Sequence[tuple[str, int]]) -> int:
    return sum(n for _, n in pairs)


def _provenance(s: _Sheet, provenance: Provenance | None) -> None:
    if provenance is not None:
        s.title(s.book.w["provenance"])
        s.line(provenance.line(s.book.lang))


def _by_clause(s: _Sheet, by_clause: Sequence[tuple[str, Decimal]], at_col: int = 4) -> None:
    """The whole city's (or a unit's) points by clause, with its column chart beside it."""
    w = s.book.w
    start = s.row
    rows = s.table([w["clause"], w["points_only"]], [[c, p] for c, p in by_clause], w["by_clause"])
    s.chart("column", w["chart_clauses"], 0, 1, rows, _at(start, at_col))


def _at(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _rejections(book: _Book, results: Results) -> None:
    if not results.rejections:
        return
    w = book.w
    s = book.sheet(w["rejections"])
    rows = [
        [r.origin.file if r.origin else None, r.origin.line if r.origin else None, r.event, r.text(book.lang)]
        for r in results.rejections
    ]
    s.table([w["file"], w["line"], w["event"], w["reason"]], rows)
    s.ws.freeze_panes(1, 0)


def _events(s: _Sheet, results: Results) -> None:
    w = s.book.w
    counts = [
        (w["read"], results.read),
        (w["counted_events"], results.counted),
        (w["repeats"], results.repeats),
        (w["after_as_of"], results.after_as_of),
        (w["withdrawn"], results.withdrawn),
        (w["rejected"], len(results.rejections)),
    ]
    s.table([w["events"], w["count"]], [[k, n] for k, n in counts])


def _as_of(w: dict[str, str], as_of: dt.date, rules: str) -> str:
    return w["as_of"].format(as_of=as_of, rules=rules)


# -- score ----------------------------------------------------------------------------------------


def clause_totals(results: Results) -> list[tuple[str, Decimal]]:
    """The whole city's points by clause, in the rule set's order (for a monthly bulletin's
    workbook: the results as of the month's end give the year's points to that day)."""
    totals: dict[str, Decimal] = {}
    for u in results.units:
        for clause, points in u.breakdown:
            totals[clause] = totals.get(clause, Decimal(0)) + points
    return list(totals.items())


def results_xlsx(results: Results, quotas: QuotaTable, lang: str = "zh") -> bytes:
    """Every unit's figures as a workbook: a summary sheet, then a sheet per group of the target
    table with a chart of target completion by unit (and a sheet of rejections, if any).

    Raises:
        MissingExtraError: XlsxWriter is not installed.
    """
    w = _words(lang, results.year)
    title = w["scores"].format(year=results.year)
    book = _Book(w, lang, results.as_of, title, results.provenance)
    summary = book.sheet(w["summary"])
    summary.title(title)
    summary.line(_as_of(w, results.as_of, results.rules) + results.as_of_note(lang))
    summary.ws.freeze_panes(1, 0)
    summary.row += 1
    _events(summary, results)
    groups: list[list[Cell]] = []
    for g in quotas.groups:
        members = [u for u in results.units if u.unit.group == g.key]
        groups.append(
            [
                g.label,
                len(members),
                sum(u.submitted for u in members),
                sum(u.adopted for u in members),
                sum((u.score for u in members), Decimal(0)),
            ]
        )
    summary.table([w["group"], w["units"], w["y_sub"], w["y_adopt"], w["y_points"]], groups)
    _by_clause(summary, clause_totals(results), at_col=6)
    _provenance(summary, results.provenance)
    first = results.units[0] if results.units else None
    clauses = [c for c, _ in first.breakdown] if first else []
    headers = [
        w["unit"],
        w["target"],
        w["basis"],
        w["y_sub"],
        w["y_adopt"],
        w["counted"],
        w["completion"],
        w["shortfall"],
        w["y_points"],
        *clauses,
        w["missed"],
        w["late"],
        w["errors"],
        w["false"],
        w["excellent_n"],
    ]
    for g in quotas.groups:
        s = book.sheet(g.label)
        rows = [_unit_row(u, w) for u in results.units if u.unit.group == g.key]
        span = s.table(headers, rows)
        s.ws.freeze_panes(1, 1)
        s.chart("bar", w["chart_completion"].format(group=g.label), 0, 6, span, _at(0, len(headers) + 1))
    _rejections(book, results)
    return book.bytes()


def _unit_row(u: UnitResult, w: dict[str, str]) -> list[Cell]:
    return [
        u.unit.label,
        w["no_target"] if u.unit.target is None else u.unit.target,
        w[f"basis_{u.unit.basis}"],
        u.submitted,
        u.adopted,
        u.counted,
        _completion(u.counted, u.unit.target, w),
        "-" if u.shortfall is None else u.shortfall,
        u.score,
        *(p for _, p in u.breakdown),
        _total(u.missed),
        _total(u.late),
        u.errors,
        u.false_reports,
        u.excellent,
    ]


# -- explain --------------------------------------------------------------------------------------


def ledger_xlsx(result: UnitResult, results: Results, lang: str = "zh") -> bytes:
    """One unit's figures (a summary sheet with its points by clause and their chart) and its
    ledger, line by line, ending in its total.

    Raises:
        MissingExtraError: XlsxWriter is not installed.
    """
    w = _words(lang, results.year)
    u = result.unit
    title = w["explain"].format(unit=u.label)
    book = _Book(w, lang, results.as_of, title, results.provenance)
    summary = book.sheet(w["summary"])
    summary.title(title)
    summary.line(_as_of(w, results.as_of, results.rules) + results.as_of_note(lang))
    summary.ws.freeze_panes(1, 0)
    summary.row += 1
    figures: list[tuple[str, Cell]] = [
        (w["unit"], u.name),
        (w["label"], u.label),
        (w["group"], csv_value(f"value.group.{u.group}", lang, u.group)),
        (w["basis"], w[f"basis_{u.basis}"]),
        (w["target"], w["no_target"] if u.target is None else u.target),
        (w["y_sub"], result.submitted),
        (w["y_adopt"], result.adopted),
        (w["counted"], result.counted),
        (w["completion"], _completion(result.counted, u.target, w)),
        (w["shortfall"], "-" if result.shortfall is None else result.shortfall),
        (w["y_points"], result.score),
        (w["missed"], _total(result.missed)),
        (w["late"], _total(result.late)),
        (w["errors"], result.errors),
        (w["false"], result.false_reports),
        (w["excellent_n"], result.excellent),
    ]
    summary.table([w["what"], w["value"]], [list(pair) for pair in figures])
    _by_clause(summary, list(result.breakdown))
    _provenance(summary, results.provenance)
    s = book.sheet(w["ledger"])
    rows: list[list[Cell]] = [
        [line.date.isoformat(), line.event, line.clause, line.points, line.text(lang), line.rules]
        for line in result.ledger
    ]
    rows.append([None, None, w["total"], result.score, None, None])
    s.table([w["date"], w["event"], w["clause"], w["points_only"], w["reason"], w["rules_col"]], rows)
    s.ws.freeze_panes(1, 0)
    _rejections(book, results)
    return book.bytes()


# -- bulletins ------------------------------------------------------------------------------------


#: The columns of a group sheet, as the bulletin's table has them (the words of ``_WORDS``).
_MONTHLY_KEYS = (
    *("rank", "unit", "target", "m_sub", "m_adopt", "m_rate", "m_points", "sub", "adopt", "rate"),
    *("points", "completion", "m_missed", "m_late", "missed", "late"),
)
_YEAR_END_KEYS = (
    *("rank", "unit", "target", "y_sub", "y_adopt", "y_rate", "y_points", "completion", "done"),
    *("shortfall", "missed", "late", "errors", "false", "excellent_n"),
)


def bulletin_xlsx(
    b: MonthlyBulletin | YearEndBulletin,
    lang: str = "zh",
    by_clause: Sequence[tuple[str, Decimal]] | None = None,
) -> bytes:
    """A bulletin as a workbook: a summary sheet (the city's totals, the lists the bulletin names,
    points by clause with their chart, provenance), then a sheet per group, ranked as the
    bulletin ranks, with a chart of target completion by unit.

    ``by_clause`` is the whole city's points by clause for a monthly bulletin (a year-end
    bulletin has its own); without it, a monthly workbook has no such table.

    Raises:
        MissingExtraError: XlsxWriter is not installed.
    """
    w = _words(lang, b.year)
    monthly = isinstance(b, MonthlyBulletin)
    if isinstance(b, MonthlyBulletin):
        title = w["monthly"].format(year=b.year, month=b.month)
    else:
        title = w["year_end"].format(year=b.year)
        by_clause = b.by_clause
    book = _Book(w, lang, b.as_of, title, b.provenance)
    summary = book.sheet(w["summary"])
    summary.title(title)
    summary.line(_as_of(w, b.as_of, b.rules))
    summary.ws.freeze_panes(1, 0)
    summary.row += 1
    keys = _MONTHLY_KEYS if monthly else _YEAR_END_KEYS
    headers = [w[k] for k in keys]
    totals = [_group_total(g, b, w) for g in b.groups]
    city = _city(b, w)
    summary.table(headers[1:], [row[1:] for row in [*totals, city]], w["city"])
    if isinstance(b, MonthlyBulletin):
        _monthly_lists(summary, b, w)
    else:
        _year_end_lists(summary, b, w)
    if by_clause is not None:
        _by_clause(summary, by_clause, at_col=4)
    _provenance(summary, b.provenance)
    for g in b.groups:
        s = book.sheet(g.group.label)
        rows = [_bulletin_row(r, b, w) for r in g.rows]
        span = s.table(headers, [*rows, _group_total(g, b, w)])
        s.ws.freeze_panes(1, 2)
        chart = w["chart_completion"].format(group=g.group.label)
        s.chart("bar", chart, 1, keys.index("completion"), (span[0], span[1] - 1), _at(0, len(headers) + 1))
    return book.bytes()


def _bulletin_row(r: BulletinRow, b: MonthlyBulletin | YearEndBulletin, w: dict[str, str]) -> list[Cell]:
    c = r.cumulative
    target: Cell = w["no_target"] if r.unit.target is None else r.unit.target
    completion = _completion(r.counted, r.unit.target, w)
    if isinstance(b, MonthlyBulletin):
        m = r.month
        return [
            r.rank,
            r.unit.label,
            target,
            *_figures(m),
            *_figures(c),
            completion,
            *(_total(m.missed), _total(m.late), _total(c.missed), _total(c.late)),
        ]
    done = w["no_target"] if r.completed is None else w["yes"] if r.completed else w["no"]
    return [
        r.rank,
        r.unit.label,
        target,
        *_figures(c),
        completion,
        done,
        "-" if r.shortfall is None else r.shortfall,
        _total(c.missed),
        _total(c.late),
        c.errors,
        c.false_reports,
        c.excellent,
    ]


def _figures(f: Figures) -> list[Cell]:
    return [f.submitted, f.adopted, _rate(f), f.points]


def _group_total(g: GroupTable, b: MonthlyBulletin | YearEndBulletin, w: dict[str, str]) -> list[Cell]:
    target = sum(r.unit.target or 0 for r in g.rows)
    return _sum_row(None, f"{g.group.label} {w['total']}", target, g.month, g.cumulative, b)


def _city(b: MonthlyBulletin | YearEndBulletin, w: dict[str, str]) -> list[Cell]:
    target = sum(r.unit.target or 0 for g in b.groups for r in g.rows)
    if isinstance(b, MonthlyBulletin):
        return _sum_row(None, w["city"], target, b.city_month, b.city_cumulative, b)
    return _sum_row(None, w["city"], target, b.city, b.city, b)


def _sum_row(
    rank: Cell, label: str, target: int, m: Figures, c: Figures, b: MonthlyBulletin | YearEndBulletin
) -> list[Cell]:
    if isinstance(b, MonthlyBulletin):
        return [
            *(rank, label, target, *_figures(m), *_figures(c), None),
            *(_total(m.missed), _total(m.late), _total(c.missed), _total(c.late)),
        ]
    return [
        *(rank, label, target, *_figures(c), None, None, None),
        *(_total(c.missed), _total(c.late), c.errors, c.false_reports, c.excellent),
    ]


def _monthly_lists(s: _Sheet, b: MonthlyBulletin, w: dict[str, str]) -> None:
    s.table(
        [w["unit"]],
        [[name] for name in b.zero_submission],
        f"{w['zero_submission']} ({len(b.zero_submission)})",
    )
    s.table(
        [w["unit"]], [[name] for name in b.zero_adoption], f"{w['zero_adoption']} ({len(b.zero_adoption)})"
    )
    for key, notices in (("pending", b.pending), ("overdue", b.overdue)):
        s.table(
            [w["unit"], w["commission"], w["issued"], w["due"]],
            [[n.unit, n.commission, n.issued.isoformat(), n.due.isoformat()] for n in notices],
            f"{w[key]} ({len(notices)})",
        )
    s.table(
        [w["date"], w["unit"], w["item"], w["event"]],
        [[x.date.isoformat(), x.unit, x.item, x.event] for x in b.excellent],
        f"{w['excellent']} ({len(b.excellent)})",
    )
    month, year = dict(b.city_month.sections), dict(b.city_cumulative.sections)
    rows: list[list[Cell]] = [[_section_name(k, w), month.get(k, 0), n] for k, n in year.items()]
    s.table([w["section"], w["month"], w["year"]], rows, w["sections"])


def _year_end_lists(s: _Sheet, b: YearEndBulletin, w: dict[str, str]) -> None:
    s.table(
        [w["unit"], w["completion"]],
        [[r.unit.label, _completion(r.counted, r.unit.target, w)] for r in b.completed],
        f"{w['completed']} ({len(b.completed)})",
    )
    s.table(
        [w["unit"], w["completion"], w["shortfall"]],
        [[r.unit.label, _completion(r.counted, r.unit.target, w), r.shortfall] for r in b.not_completed],
        f"{w['not_completed']} ({len(b.not_completed)})",
    )
    labels = {g.group.key: g.group.label for g in b.groups}
    commended: list[list[Cell]] = [
        [labels[key], r.rank, r.unit.label, r.cumulative.points] for key, rows in b.commended for r in rows
    ]
    s.table([w["group"], w["rank"], w["unit"], w["y_points"]], commended, w["commended"].format(top=b.top))
    s.table(
        [w["unit"], w["since"]],
        [[name, day.isoformat()] for name, day in b.capped],
        f"{w['capped']} ({len(b.capped)})",
    )
    if b.disqualified:
        s.table(
            [w["unit"], w["reason"]],
            [[name, "; ".join(reasons)] for name, reasons in b.disqualified],
            w["disqualified"],
        )
