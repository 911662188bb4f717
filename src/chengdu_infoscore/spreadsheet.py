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
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ._columns import csv_value
from .bulletins import BulletinRow, GroupTable, MonthlyBulletin, YearEndBulletin
from .bulletins.render import bulletin_words, lacking_words, section_name
from .contacts import Registry, history_table, missing_table, people_table, registry_summary
from .exceptions import MissingExtraError
from .messages import LANGS, check_lang, text, words
from .periods import Figures
from .provenance import Provenance
from .quotas import QuotaTable
from .reports import display_width, encodable
from .results import Rejection, Results, UnitResult, format_points, ratio

__all__ = [
    "MissingExtraError",
    "bulletin_xlsx",
    "clause_totals",
    "ledger_xlsx",
    "registry_xlsx",
    "results_xlsx",
    "xlsx_extra",
]


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
    return {**bulletin_words(lang, year), **_MORE[lang]}


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
    if not value:
        return Decimal(0)  # never -0: a spreadsheet would show it as "-0"
    if not _LOWEST <= value.adjusted() <= _HIGHEST:
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
        # Printed on A4 across, one page wide (the tables, with the charts beside them).
        self.ws.set_paper(9)
        self.ws.set_landscape()
        self.ws.fit_to_pages(1, 0)
        self.name = name
        self.widths: dict[int, int] = {}
        self.row = 0

    def _fit(self, col: int, text: str) -> None:
        self.widths[col] = max(self.widths.get(col, 0), display_width(text))

    def cell(self, row: int, col: int, value: Cell, bold: bool = False) -> None:
        if value is None:
            return
        if isinstance(value, str):
            self.text(row, col, value, bold)
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
            self.text(row, col, exact, bold)
            self._fit(col, exact)
            return
        self.ws.write_number(row, col, number, self.book.fmt(pattern, bold))
        if not _exact(value):
            self.ws.write_comment(row, col, self.book.w["exact"].format(text=exact))

    def text(self, row: int, col: int, text: str, bold: bool = False) -> None:
        """A text cell. A text longer than a cell holds (32 767 characters) is never cut silently:
        the cell holds its beginning and a note saying where the whole text is, on the sheet of
        long texts in parts of at most 32 767 characters, one below the other. A lone surrogate
        is written as its escape (``\\ud800``)."""
        text = encodable(text)
        if _units(text) <= _LONGEST:
            self.ws.write_string(row, col, text, self.book.fmt(None, bold))
            return
        where = self.book.long_text(self.name, row, col, text)
        self.ws.write_string(row, col, _cut(text, _LONGEST - 1) + "…", self.book.fmt(None, bold))
        self.ws.write_comment(row, col, where)

    def title(self, text: str) -> None:
        self.text(self.row, 0, text, bold=True)
        self.row += 1

    def line(self, text: str) -> None:
        self.text(self.row, 0, text)
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
        self, kind: str, title: str, categories: int, values: int, rows: Sequence[int], at: str
    ) -> None:
        """A native chart of one column against the labels of another, for the rows ``rows`` (a
        unit without a target is left out: it has no bar, not a bar of 0%)."""
        if not rows:
            return
        chart = self.book.wb.add_chart({"type": kind})
        chart.add_series(
            {
                "name": title,
                "categories": _ranges(self.name, rows, categories),
                "values": _ranges(self.name, rows, values),
                "data_labels": {"value": True},
            }
        )
        chart.set_title({"name": title})
        chart.set_legend({"none": True})
        count = len(rows)
        if kind == "bar":  # one bar a unit, read top to bottom in the table's order
            chart.set_y_axis({"reverse": True})
            chart.set_x_axis({"num_format": "0%"})
            chart.set_size({"width": 640, "height": max(288, 22 * count + 80)})
        else:  # points by clause: the clause names below the plot, clear of the negative bars
            chart.set_x_axis({"label_position": "low"})
            chart.set_size({"width": max(480, 48 * count + 120), "height": 320})
        self.ws.insert_chart(at, chart)


#: The most UTF-16 units a cell (or a note) holds.
_LONGEST = 32767


def _units(text: str) -> int:
    """The length of ``text`` as a spreadsheet counts it: UTF-16 units (U+10000 and above are two)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _cut(text: str, units: int) -> str:
    """The longest beginning of ``text`` of at most ``units`` UTF-16 units (no character split)."""
    n = 0
    for i, ch in enumerate(text):
        n += 2 if ord(ch) > 0xFFFF else 1
        if n > units:
            return text[:i]
    return text


def _pieces(text: str) -> list[str]:
    """``text`` in parts a cell holds, in order: joined, they are ``text``."""
    parts = []
    while text:
        part = _cut(text, _LONGEST)
        parts.append(part)
        text = text[len(part) :]
    return parts


def _ranges(sheet: str, rows: Sequence[int], col: int) -> list[Any] | str:
    """The cells of column ``col`` in ``rows`` as a chart's series takes them: one range when the
    rows follow one another, else the ranges of each run of rows, ``=(Sheet!$G$2:$G$4,Sheet!$G$6)``."""
    runs: list[list[int]] = []
    for row in sorted(rows):
        if runs and runs[-1][1] == row - 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    if len(runs) == 1:
        return [sheet, runs[0][0], col, runs[0][1], col]
    utility = importlib.import_module("xlsxwriter.utility")
    name = utility.quote_sheetname(sheet)
    return "=(" + ",".join(f"{name}!{utility.xl_range_abs(a, col, b, col)}" for a, b in runs) + ")"


#: What a sheet's name cannot hold (Excel's rule), each made ``_``.
_NOT_IN_NAMES = frozenset("[]:*?/\\")


def _name_char(ch: str) -> str:
    """``ch`` as a sheet name holds it: a character Excel or XML refuses (``[]:*?/\\``, a control
    character, a lone surrogate, U+FFFE, U+FFFF) is ``_``."""
    bad = ch in _NOT_IN_NAMES or unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff"
    return "_" if bad else ch


def sheet_name(wanted: str, taken: Iterable[str] = ()) -> str:
    """A sheet name Excel takes for ``wanted``, none of ``taken`` (compared as Excel compares them,
    without regard to case): what Excel or XML refuses made ``_``, at most 31 characters (UTF-16
    units), no quote at either end, not the reserved ``History``, and a `` (2)``, `` (3)``… to make
    it unique. Cleaned after it is cut, so that a cut never leaves a quote at its end."""
    used = {t.casefold() for t in taken}
    name = _cut("".join(_name_char(ch) for ch in wanted).strip(), 31).strip().strip("'").strip() or "_"
    candidate, n = name, 2
    while candidate.casefold() in used or candidate.casefold() == "history":
        suffix = f" ({n})"
        candidate = _cut(name, 31 - len(suffix)).rstrip().rstrip("'") + suffix
        n += 1
    return candidate


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
        #: The texts too long for a cell, in parts, with where each was written.
        self._long: list[tuple[str, list[str]]] = []
        self._long_rows = 1  # the row of the next part on the sheet of long texts (after its header)
        self._long_sheet: str | None = None  # its name, kept from the first long text on

    def fmt(self, pattern: str | None, bold: bool) -> Any:
        key = (pattern, bold)
        if key not in self._formats:
            spec: dict[str, Any] = {"bold": True} if bold else {}
            if pattern is not None:
                spec["num_format"] = pattern
            self._formats[key] = self.wb.add_format(spec)
        return self._formats[key]

    def sheet(self, name: str) -> _Sheet:
        taken = [t.name for t in self.sheets] + ([self._long_sheet] if self._long_sheet else [])
        s = _Sheet(self, sheet_name(name, taken))
        self.sheets.append(s)
        return s

    def long_text(self, sheet: str, row: int, col: int, text: str) -> str:
        """Keep ``text`` (too long for the cell ``row``, ``col`` of ``sheet``) whole for the sheet of
        long texts; return the cell's note, which says where it is."""
        if self._long_sheet is None:
            self._long_sheet = sheet_name(self.w["long_texts"], (t.name for t in self.sheets))
        parts = _pieces(text)
        cell = f"{sheet}!{_at(row, col)}"
        self._long.append((cell, parts))
        first = self._long_rows + 1
        self._long_rows += len(parts)
        return self.w["long_text"].format(
            length=len(text), sheet=self._long_sheet, first=first, last=first + len(parts) - 1
        )

    def bytes(self) -> bytes:
        if self._long_sheet is not None:
            w = self.w
            s = _Sheet(self, self._long_sheet)
            self.sheets.append(s)
            rows: list[list[Cell]] = [
                [cell, n, part] for cell, parts in self._long for n, part in enumerate(parts, 1)
            ]
            s.table([w["cell"], w["part"], w["text"]], rows)
            s.ws.freeze_panes(1, 0)
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


def _by_clause(
    s: _Sheet, by_clause: Sequence[tuple[str, Decimal]], at_col: int = 4, unit: str | None = None
) -> None:
    """The whole city's (or with ``unit``, that unit's) points by clause, with its column chart beside it."""
    w = s.book.w
    start = s.row
    heading = w["by_clause"] if unit is None else w["unit_by_clause"].format(unit=unit)
    chart = w["chart_clauses"] if unit is None else heading
    first, last = s.table([w["clause"], w["points_only"]], [[c, p] for c, p in by_clause], heading)
    s.chart("column", chart, 0, 1, range(first, last + 1), _at(start, at_col))


def _at(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _rejections(book: _Book, rejections: Sequence[Rejection]) -> None:
    """The sheet of rejected records (with ``--keep-going``), when there are any."""
    if not rejections:
        return
    w = book.w
    s = book.sheet(w["rejections"])
    rows = [
        [r.origin.file if r.origin else None, r.origin.line if r.origin else None, r.event, r.text(book.lang)]
        for r in rejections
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
        members = [u for u in results.units if u.unit.group == g.key]
        top, _ = s.table(headers, [_unit_row(u, w) for u in members])
        s.ws.freeze_panes(1, 1)
        charted = [top + i for i, u in enumerate(members) if u.unit.target is not None]
        s.chart("bar", w["chart_completion"].format(group=g.label), 0, 6, charted, _at(0, len(headers) + 1))
    _rejections(book, results.rejections)
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
    _by_clause(summary, list(result.breakdown), unit=u.label)
    _provenance(summary, results.provenance)
    s = book.sheet(w["ledger"])
    rows: list[list[Cell]] = [
        [line.date.isoformat(), line.event, line.clause, line.points, line.text(lang), line.rules]
        for line in result.ledger
    ]
    rows.append([None, None, w["total"], result.score, None, None])
    s.table([w["date"], w["event"], w["clause"], w["points_only"], w["reason"], w["rules_col"]], rows)
    s.ws.freeze_panes(1, 0)
    _rejections(book, results.rejections)
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
    rejections: Sequence[Rejection] = (),
) -> bytes:
    """A bulletin as a workbook: a summary sheet (the city's totals, the lists the bulletin names,
    points by clause with their chart, provenance), then a sheet per group, ranked as the
    bulletin ranks, with a chart of target completion by unit, and a sheet of ``rejections``
    (the records left out, as ``--keep-going`` reports them), if any.

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
        first, _ = s.table(headers, [*rows, _group_total(g, b, w)])
        s.ws.freeze_panes(1, 2)
        chart = w["chart_completion"].format(group=g.group.label)
        charted = [first + i for i, r in enumerate(g.rows) if r.unit.target is not None]
        s.chart("bar", chart, 1, keys.index("completion"), charted, _at(0, len(headers) + 1))
    _rejections(book, rejections)
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
    if b.no_contacts is not None:
        s.table(
            [w["unit"], w["lacks"]],
            [[unit, lacking_words(roles, w)] for unit, roles in b.no_contacts],
            f"{w['no_contacts']} ({len(b.no_contacts)})",
        )
    month, year = dict(b.city_month.sections), dict(b.city_cumulative.sections)
    rows: list[list[Cell]] = [[section_name(k, w), month.get(k, 0), n] for k, n in year.items()]
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


# -- the contacts registry --------------------------------------------------------------------------


def _listing(
    book: _Book, name: str, lines: Sequence[str], table: tuple[list[str], list[list[str]]]
) -> _Sheet:
    """A sheet of one table under its title and note lines: the rows below the header frozen, the
    header printed atop every page, an empty cell left empty."""
    s = book.sheet(name)
    s.title(lines[0])
    for line in lines[1:]:
        s.line(line)
    s.row += 1
    headers, rows = table
    header_row = s.row
    s.table(headers, [[c or None for c in row] for row in rows])
    s.ws.freeze_panes(header_row + 1, 1)
    s.ws.repeat_rows(header_row)
    return s


def registry_xlsx(
    registry: Registry, quotas: QuotaTable | None = None, lang: str = "zh", *, history: bool = False
) -> bytes:
    """The contacts registry as a workbook (``contacts --format xlsx``): a sheet of every unit's
    leaders and officers on record as of the registry's date — the rows of ``contacts``' table, units
    in the target table's order, a row ``无``/``none`` for a role nobody holds, with the telephone
    numbers when the registry has them —, a sheet of the units with no leader or no officer on
    record, with ``history`` a sheet of every change up to the date, and a sheet of the records
    rejected (with ``--keep-going``), if any. Each sheet has its title and the table below it, its
    header row frozen. Every cell is text: a telephone number keeps its leading zero (``0281234``).

    Raises:
        ArgumentError: ``lang`` is neither ``"zh"`` nor ``"en"`` (a :class:`ValueError`).
        MissingExtraError: XlsxWriter is not installed.
    """
    lang = check_lang(lang)
    as_of = registry.as_of
    title = text("contacts.title", lang, as_of=as_of)
    book = _Book(_words(lang, as_of.year), lang, as_of, title, None)
    lines = [title, registry_summary(registry, lang)]
    if registry.phones:
        lines.append(text("contacts.private", lang))
    _listing(book, text("contacts.sheet_registry", lang), lines, people_table(registry, quotas, lang))
    _listing(
        book,
        text("contacts.sheet_missing", lang),
        [text("contacts.missing_title", lang, as_of=as_of)],
        missing_table(registry, quotas, lang),
    )
    if history:
        _listing(
            book,
            text("contacts.sheet_history", lang),
            [text("contacts.history_title", lang, as_of=as_of)],
            history_table(registry, lang),
        )
    _rejections(book, registry.rejections)
    return book.bytes()
