"""Rendering results for machines (JSON, CSV) and for people (aligned tables).

Computing is kept apart from formatting: these functions take frozen results and return text.
Every renderer is deterministic: the same results give the same bytes.

The JSON of :func:`results_json` is the stable contract that other systems read; :func:`to_json`
gives it as the text ``score --format json`` prints.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from ._arguments import need
from ._columns import csv_headings, csv_value
from .messages import DEFAULT_LANG, LANGS, check_lang, text
from .provenance import Provenance
from .quotas import QuotaTable
from .results import LedgerLine, Rejection, Results, UnitResult, format_points, percent
from .store import IngestReport

if TYPE_CHECKING:
    from .bulletins import MonthlyBulletin, YearEndBulletin

__all__ = [
    "display_width",
    "format_points",
    "ingest_json",
    "ledger_json",
    "ledger_table",
    "quotas_csv",
    "quotas_json",
    "quotas_table",
    "results_csv",
    "results_json",
    "results_table",
    "to_json",
    "to_json_text",
]

# The byte-order mark makes spreadsheet programs on Chinese systems read UTF-8 correctly.
BOM = "\ufeff"


def display_width(text: str) -> int:
    """Columns a terminal gives ``text``: two for wide (CJK) characters, none for combining marks."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> str:
    """Align columns by display width; ``right`` says which columns align right (numbers)."""
    widths = [display_width(h) for h in headers]
    for row in rows:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(_pad(h, w, r) for h, w, r in zip(headers, widths, right, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(_pad(c, w, r) for c, w, r in zip(row, widths, right, strict=True)).rstrip() for row in rows
    ]
    return "\n".join(lines) + "\n"


#: A surrogate code point standing alone: a Python text can hold one (an id read from a JSON
#: escape such as ``"\\ud800"``), UTF-8 cannot.
_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(text: str) -> str:
    """``text`` with every lone surrogate written as its escape (``\\ud800``), so that it can be
    written as UTF-8: what was read stays recognisable, and nothing can stop an output midway."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def to_json_text(data: Any) -> str:
    """JSON as the library writes it: UTF-8 text, Chinese unescaped, two-space indent.

    A lone surrogate (only an id or a text read from a JSON escape can hold one) is written as the
    JSON escape it was read from, so the output is valid UTF-8 and reads back to the same value.
    """
    return encodable(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def to_json(value: Results | MonthlyBulletin | YearEndBulletin) -> str:
    """The JSON contract as text: for results, exactly what ``score --format json`` prints; for a
    bulletin, what ``bulletin --format json`` prints (UTF-8 text, Chinese unescaped, two-space
    indent, a final line break).

    The values are those of :func:`results_json` (and of
    :func:`~chengdu_infoscore.bulletins.render.bulletin_json`): points and rates as exact decimal
    strings, dates as ``YYYY-MM-DD``.

    Raises:
        TypeError: ``value`` is neither results nor a bulletin
            (:class:`~chengdu_infoscore.ArgumentTypeError`).
    """
    from .bulletins import MonthlyBulletin, YearEndBulletin  # bulletins are rendered with this module
    from .bulletins.render import bulletin_json

    if isinstance(value, Results):
        return to_json_text(results_json(value))
    need(
        "value",
        value,
        (MonthlyBulletin, YearEndBulletin),
        "the Results of score() or a bulletin of monthly_bulletin() or year_end_bulletin()",
    )
    return to_json_text(bulletin_json(value))


def rejection_json(r: Rejection, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """A rejection as JSON: where, which event, why in ``lang``, and why as a code with its
    parameters (the same in every language)."""
    return {
        "file": r.origin.file if r.origin else None,
        "line": r.origin.line if r.origin else None,
        "event": r.event,
        "reason": r.text(lang),
        **r.message.as_json(),
    }


#: The keys of one unit in ``score --format json``, in order (see :func:`unit_json`).
UNIT_KEYS = (
    "unit",
    "label",
    "group",
    "basis",
    "target",
    "submitted",
    "adopted",
    "counted",
    "completion",
    "completed",
    "shortfall",
    "score",
    "breakdown",
    "missed",
    "late",
    "errors",
    "false_reports",
    "excellent",
    "commissions",
    "disqualified",
    "capped_on",
)


def unit_json(u: UnitResult) -> dict[str, Any]:
    """One unit's figures in the JSON contract."""
    return {
        "unit": u.unit.name,
        "label": u.unit.label,
        "group": u.unit.group,
        "basis": u.unit.basis,
        "target": u.unit.target,
        "submitted": u.submitted,
        "adopted": u.adopted,
        "counted": u.counted,
        "completion": None if u.completion is None else str(u.completion),
        "completed": u.completed,
        "shortfall": u.shortfall,
        "score": format_points(u.score),
        "breakdown": {clause: format_points(points) for clause, points in u.breakdown},
        "missed": dict(u.missed),
        "late": dict(u.late),
        "errors": u.errors,
        "false_reports": u.false_reports,
        "excellent": u.excellent,
        "commissions": [
            {
                "commission": c.commission,
                "event": c.event,
                "issued": c.issued.isoformat(),
                "due": c.due.isoformat(),
                "outcome": c.outcome,
                "answered": None if c.answered is None else c.answered.isoformat(),
            }
            for c in u.commissions
        ],
        "disqualified": list(u.disqualified),
        "capped_on": None if u.capped_on is None else u.capped_on.isoformat(),
    }


def results_json(results: Results, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """The ``score --format json`` contract: year, as-of date, every unit, every rejection (its
    reason in ``lang``)."""
    return {
        "year": results.year,
        "as_of": results.as_of.isoformat(),
        "as_of_basis": results.as_of_basis,
        "rules": results.rules,
        "events": {
            "read": results.read,
            "counted": results.counted,
            "repeats": results.repeats,
            "after_as_of": results.after_as_of,
            "withdrawn": results.withdrawn,
            "rejected": len(results.rejections),
        },
        "units": [unit_json(u) for u in results.units],
        "rejections": [rejection_json(r, lang) for r in results.rejections],
        "provenance": provenance_json(results.provenance),
    }


def provenance_json(provenance: Provenance | None) -> dict[str, Any] | None:
    """Provenance in JSON, with its stamp."""
    if provenance is None:
        return None
    return {"stamp": provenance.stamp, **provenance.as_json()}


def results_csv(results: Results, lang: str | None = None) -> str:
    """One row a unit, with a column per clause and per missed/late category; UTF-8 with BOM.

    The header row and the words in cells are those of the JSON contract (``lang`` ``None`` or
    ``"en"``: for scripts), or Chinese (``"zh"``): Chinese headings, and the group, the basis,
    ``完成``/``未完成`` and ``无任务数`` in Chinese; the figures are the same in both.
    """
    if lang is not None:
        check_lang(lang)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    first = results.units[0] if results.units else None
    clauses = [c for c, _ in first.breakdown] if first else []
    cats = [c for c, _ in first.missed] if first else []
    keys = [
        "unit",
        "label",
        "group",
        "basis",
        "target",
        "submitted",
        "adopted",
        "completion",
        "completed",
        "shortfall",
        "score",
        *clauses,
        *(f"missed_{c}" for c in cats),
        *(f"late_{c}" for c in cats),
        "errors",
        "false_reports",
        "excellent",
    ]
    writer.writerow(csv_headings(keys, lang))
    for u in results.units:
        writer.writerow(
            [
                u.unit.name,
                u.unit.label,
                csv_value(f"value.group.{u.unit.group}", lang, u.unit.group),
                csv_value(f"value.basis.{u.unit.basis}", lang, u.unit.basis),
                csv_value("value.target.none", lang, "none") if u.unit.target is None else u.unit.target,
                u.submitted,
                u.adopted,
                csv_value("value.completion.none", lang, "no target")
                if u.completion is None
                else u.completion,
                "" if u.completed is None else _completed(u.completed, lang),
                "" if u.shortfall is None else u.shortfall,
                format_points(u.score),
                *(format_points(p) for _, p in u.breakdown),
                *(n for _, n in u.missed),
                *(n for _, n in u.late),
                u.errors,
                u.false_reports,
                u.excellent,
            ]
        )
    return BOM + out.getvalue()


#: The columns of the results table (``heading.*`` codes).
_HEAD = (
    "unit",
    "target",
    "basis",
    "submitted",
    "adopted",
    "completion",
    "shortfall",
    "score",
    "missed",
    "late",
)
#: What a unit without target shows where its target and completion would be.
NO_TARGET = {lang: text("label.no_target", lang) for lang in LANGS}


def _completed(completed: bool, lang: str | None) -> str:
    return csv_value(f"value.completed.{str(completed).lower()}", lang, str(completed).lower())


def _target(target: int | None, lang: str) -> str:
    return NO_TARGET[lang] if target is None else str(target)


def _completion(counted: int, target: int | None, lang: str) -> str:
    return NO_TARGET[lang] if target is None else percent(counted, target)


_BASIS = {lang: {b: text(f"value.basis.{b}", lang) for b in ("adopted", "submitted")} for lang in LANGS}


def _header(results: Results, lang: str) -> str:
    """The line that says the year, the as-of date (and how it was chosen) and the rules."""
    note = results.as_of_note(lang)
    return text("header.scores", lang, year=results.year, as_of=results.as_of, note=note, rules=results.rules)


def _group(unit_group: str, lang: str) -> str:
    """A unit's group in words: its Chinese label under ``zh`` (the key when the catalogue has
    none), its key under ``en``."""
    return csv_value(f"value.group.{unit_group}", "zh" if lang == "zh" else None, unit_group)


#: Which columns of a unit's row (:func:`results_row`) are figures, set right.
RESULTS_RIGHT: Final = (False, True, False, True, True, True, True, True, True, True)


def results_row(u: UnitResult, lang: str) -> list[str]:
    """A unit's row in the tables for people (the table output, the page), under the ``_HEAD``
    headings: label, target, basis, counts, completion, shortfall, score, missed and late."""
    return [
        u.unit.label,
        _target(u.unit.target, lang),
        _BASIS[lang][u.unit.basis],
        str(u.submitted),
        str(u.adopted),
        _completion(u.counted, u.unit.target, lang),
        "-" if u.shortfall is None else str(u.shortfall),
        format_points(u.score),
        str(sum(n for _, n in u.missed)),
        str(sum(n for _, n in u.late)),
    ]


def results_table(results: Results, quotas: QuotaTable, lang: str = "zh") -> str:
    """Every unit's figures for people, grouped as the target table groups them.

    Chinese by default (headings, the header and provenance lines, group labels, words in
    cells), English with ``lang="en"``; the figures are the same in both.

    Raises:
        ValueError: ``lang`` is neither ``zh`` nor ``en`` (:class:`~chengdu_infoscore.ArgumentError`).
    """
    head = [text(f"heading.{k}", check_lang(lang)) for k in _HEAD]
    parts = [_header(results, lang) + "\n"]
    for group in quotas.groups:
        rows = []
        for u in results.units:
            if u.unit.group != group.key:
                continue
            rows.append(results_row(u, lang))
        parts.append("\n" + text("header.group", lang, label=group.label, key=group.key) + "\n")
        parts.append(render_table(head, rows, RESULTS_RIGHT))
    if results.rejections:
        parts.append("\n" + text("score.rejected", lang, n=len(results.rejections)) + "\n")
        parts += [f"  {r.line(lang)}\n" for r in results.rejections]
    if results.provenance is not None:
        parts.append(f"\n{results.provenance.line(lang)}\n")
    return "".join(parts)


def ledger_table(result: UnitResult, results: Results, lang: str = "zh") -> str:
    """A unit's ledger, line by line, ending in its total.

    Chinese by default (the title and header lines, headings, the reasons), English with ``lang="en"``.

    Raises:
        ValueError: ``lang`` is neither ``zh`` nor ``en`` (:class:`~chengdu_infoscore.ArgumentError`).
    """
    check_lang(lang)
    u = result.unit
    basis, group = _BASIS[lang][u.basis], _group(u.group, lang)
    if u.target is not None:
        completion = percent(result.counted, u.target)
        title = text(
            "explain.title",
            lang,
            label=u.label,
            group=group,
            target=u.target,
            basis=basis,
            counted=result.counted,
            completion=completion,
        )
    else:
        title = text(
            "explain.title_no_target", lang, label=u.label, group=group, basis=basis, counted=result.counted
        )
    lines = [title + "\n", _header(results, lang) + "\n\n"]
    rows = [ledger_row(line, lang) for line in result.ledger]
    rows.append(["", "", text("label.total", lang), format_points(result.score), ""])
    lines.append(render_table(ledger_head(lang), rows, LEDGER_RIGHT))
    return "".join(lines)


#: Which columns of a ledger's table are figures, set to the right.
LEDGER_RIGHT: Final = (False, False, False, True, False)


def ledger_head(lang: str) -> list[str]:
    """The headings of a ledger's table: date, event, clause, points, reason."""
    return [text(f"heading.{k}", lang) for k in ("date", "event", "clause", "points", "reason")]


def ledger_row(line: LedgerLine, lang: str) -> list[str]:
    """One ledger line as the table and the unit's page show it, its reason in ``lang``."""
    return [line.date.isoformat(), line.event, line.clause, format_points(line.points), line.text(lang)]


def ledger_json(result: UnitResult, results: Results, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """A unit's figures, its whole ledger, and every event of the run that was rejected (with
    ``--keep-going``, the events not counted are in the output as well as on standard error).

    Each ledger line's ``reason`` is in ``lang`` (Chinese by default, or ``"en"``), with its
    ``code`` and ``params`` beside it: the same in every language.

    Raises:
        ValueError: ``lang`` is neither ``zh`` nor ``en`` (:class:`~chengdu_infoscore.ArgumentError`).
    """
    check_lang(lang)
    data = {
        "year": results.year,
        "as_of": results.as_of.isoformat(),
        "as_of_basis": results.as_of_basis,
        "rules": results.rules,
    }
    data.update(unit_json(result))
    data["provenance"] = provenance_json(results.provenance)
    data["ledger"] = [
        {
            "date": line.date.isoformat(),
            "event": line.event,
            "clause": line.clause,
            "points": format_points(line.points),
            "reason": line.text(lang),
            **line.message.as_json(),
            "rules": line.rules,
        }
        for line in result.ledger
    ]
    data["rejections"] = [rejection_json(r, lang) for r in results.rejections]
    return data


def quotas_json(table: QuotaTable) -> dict[str, Any]:
    """The ``quotas --format json`` contract."""
    return {
        "year": table.year,
        "units": [
            {
                "unit": u.name,
                "label": u.label,
                "group": u.group,
                "basis": u.basis,
                "target": u.target,
                "aliases": list(u.aliases),
            }
            for u in table
        ],
    }


def quotas_csv(table: QuotaTable, lang: str | None = None) -> str:
    """The target table as CSV (UTF-8 with BOM); aliases joined by ``;``.

    The header row and the words in cells are the JSON contract's (``lang`` ``None`` or ``"en"``),
    or Chinese (``"zh"``: Chinese headings, the group's label, the basis in words).
    """
    if lang is not None:
        check_lang(lang)
    labels = {g.key: g.label for g in table.groups}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(csv_headings(["unit", "label", "group", "basis", "target", "aliases"], lang))
    for u in table:
        target = csv_value("value.target.none", lang, "none") if u.target is None else u.target
        group = labels.get(u.group, u.group) if lang == "zh" else u.group
        basis = csv_value(f"value.basis.{u.basis}", lang, u.basis)
        writer.writerow([u.name, u.label, group, basis, target, ";".join(u.aliases)])
    return BOM + out.getvalue()


def quotas_table(table: QuotaTable, lang: str = "zh") -> str:
    """The target table for people, by group, with each group's total.

    Raises:
        ValueError: ``lang`` is neither ``zh`` nor ``en`` (:class:`~chengdu_infoscore.ArgumentError`).
    """
    check_lang(lang)
    parts = [f"{table.year} · {table.source}\n"]
    for g in table.groups:
        units = [u for u in table if u.group == g.key]
        rows = [[u.label, _target(u.target, lang)] for u in units]
        rows.append([text("label.total", lang), str(sum(u.target or 0 for u in units))])
        head = [text("heading.unit", lang), text("heading.target_basis", lang, basis=_BASIS[lang][g.basis])]
        parts.append("\n" + text("header.quotas_group", lang, label=g.label, key=g.key, n=len(units)) + "\n")
        parts.append(render_table(head, rows, [False, True]))
    return "".join(parts)


def ingest_json(report: IngestReport, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """The ``ingest --format json`` contract: the batch recorded, its counts, and every rejection."""
    return {
        "batch": report.seq,
        "recorded": report.recorded.isoformat(),
        "sources": list(report.sources),
        "received": report.received,
        "added": report.added,
        "repeated": report.repeated,
        "revised": report.revised,
        "withdrawn": report.withdrawn,
        "rejected": report.rejected,
        "events": report.events,
        "digest": report.digest,
        "rejections": [rejection_json(r, lang) for r in report.rejections],
    }
