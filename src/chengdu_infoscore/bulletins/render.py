"""Bulletins as text: aligned tables and Markdown for people, CSV for spreadsheets, JSON for systems.

Chinese headings by default (the office's language); English with ``lang="en"``. The JSON is a
stable contract: per unit, the month's figures under ``month`` and the year's so far under
``cumulative``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from .._columns import csv_headings, csv_value
from ..messages import LANGS, check_lang, text, words
from ..periods import Figures
from ..reports import BOM, provenance_json, render_table
from ..results import format_points, percent
from ..rules import load_topics
from . import BulletinRow, CommissionNotice, GroupTable, MonthlyBulletin, YearEndBulletin

__all__ = ["bulletin_csv", "bulletin_json", "bulletin_markdown", "bulletin_table"]

Bulletin = MonthlyBulletin | YearEndBulletin

#: The bulletins' words in each language, from the catalogues (``bulletin.*`` codes).
_WORDS: dict[str, dict[str, str]] = {lang: words("bulletin", lang) for lang in LANGS}


def _rate(f: Figures) -> str:
    """The adoption rate for people: ``-`` when nothing was submitted."""
    return percent(f.adopted, f.submitted) if f.submitted else "-"


def _total(pairs: Sequence[tuple[str, int]]) -> int:
    return sum(n for _, n in pairs)


# -- the document: titled blocks of tables or lines, rendered as text or Markdown -----------------


class _Doc:
    def __init__(self) -> None:
        self.blocks: list[tuple[str, Any]] = []

    def title(self, text: str) -> None:
        self.blocks.append(("title", text))

    def note(self, text: str) -> None:
        self.blocks.append(("note", text))

    def table(self, heading: str, headers: list[str], rows: list[list[str]], right: list[bool]) -> None:
        self.blocks.append(("table", (heading, headers, rows, right)))

    def items(self, heading: str, lines: list[str], empty: str) -> None:
        self.blocks.append(("items", (heading, lines or [empty])))

    def text(self) -> str:
        out: list[str] = []
        for kind, value in self.blocks:
            if kind in ("title", "note"):
                out.append(f"{value}\n")
            elif kind == "table":
                heading, headers, rows, right = value
                out.append(f"\n{heading}\n" + render_table(headers, rows, right))
            else:
                heading, lines = value
                out.append(f"\n{heading}\n" + "".join(f"  {line}\n" for line in lines))
        return "".join(out)

    def markdown(self) -> str:
        out: list[str] = []
        for kind, value in self.blocks:
            if kind == "title":
                out.append(f"# {value}\n\n")
            elif kind == "note":
                out.append(f"{value}\n\n")
            elif kind == "table":
                heading, headers, rows, right = value
                out.append(f"## {heading}\n\n| " + " | ".join(_md(h) for h in headers) + " |\n")
                out.append("|" + "|".join("---:" if r else "---" for r in right) + "|\n")
                out += ["| " + " | ".join(_md(c) for c in row) + " |\n" for row in rows]
                out.append("\n")
            else:
                heading, lines = value
                out.append(f"## {heading}\n\n" + "".join(f"- {_md(line)}\n" for line in lines) + "\n")
        return "".join(out).rstrip("\n") + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _monthly_doc(b: MonthlyBulletin, w: dict[str, str]) -> _Doc:
    doc = _Doc()
    doc.title(w["monthly"].format(year=b.year, month=b.month))
    doc.note(w["as_of"].format(as_of=b.as_of, rules=b.rules))
    headers = [
        w[k]
        for k in (
            "rank",
            "unit",
            "target",
            "m_sub",
            "m_adopt",
            "m_rate",
            "m_points",
            "sub",
            "adopt",
            "rate",
            "points",
            "completion",
            "m_missed",
            "m_late",
            "missed",
            "late",
        )
    ]
    right = [True, False] + [True] * 14

    def cells(rank: str, label: str, target: str, m: Figures, c: Figures, completion: str) -> list[str]:
        return [
            rank,
            label,
            target,
            str(m.submitted),
            str(m.adopted),
            _rate(m),
            format_points(m.points),
            str(c.submitted),
            str(c.adopted),
            _rate(c),
            format_points(c.points),
            completion,
            str(_total(m.missed)),
            str(_total(m.late)),
            str(_total(c.missed)),
            str(_total(c.late)),
        ]

    for g in b.groups:
        rows = [
            cells(
                str(r.rank),
                r.unit.label,
                _target(r, w),
                r.month,
                r.cumulative,
                r.completion or w["no_target"],
            )
            for r in g.rows
        ]
        total = str(sum(r.unit.target or 0 for r in g.rows))
        rows.append(cells("", w["total"], total, g.month, g.cumulative, ""))
        basis = w[f"basis_{g.group.basis}"]
        doc.table(f"{g.group.label} ({w['target']}: {basis})", headers, rows, right)
    city = cells("", w["city"], "", b.city_month, b.city_cumulative, "")
    doc.table(w["city"], headers, [city], right)
    doc.items(f"{w['zero_submission']} ({len(b.zero_submission)})", list(b.zero_submission), w["none"])
    doc.items(f"{w['zero_adoption']} ({len(b.zero_adoption)})", list(b.zero_adoption), w["none"])
    doc.items(f"{w['pending']} ({len(b.pending)})", [_notice(n, w) for n in b.pending], w["none"])
    doc.items(f"{w['overdue']} ({len(b.overdue)})", [_notice(n, w) for n in b.overdue], w["none"])
    doc.items(
        f"{w['excellent']} ({len(b.excellent)})",
        [f"{x.date} {x.unit} {x.item}" for x in b.excellent],
        w["none"],
    )
    if b.no_contacts is not None:
        doc.items(
            f"{w['no_contacts']} ({len(b.no_contacts)})",
            [_lacking(unit, roles, w) for unit, roles in b.no_contacts],
            w["none"],
        )
    month_sections, year_sections = dict(b.city_month.sections), dict(b.city_cumulative.sections)
    rows = [[section_name(s, w), str(month_sections.get(s, 0)), str(n)] for s, n in year_sections.items()]
    doc.table(w["sections"], [w["section"], w["month"], w["year"]], rows, [False, True, True])
    return doc


def _lacking(unit: str, roles: tuple[str, ...], w: dict[str, str]) -> str:
    """A unit the bulletin names for lacking contacts: ``锦江区:未登记信息员``."""
    return lacking_words(roles, w, unit)


def lacking_words(roles: tuple[str, ...], w: dict[str, str], unit: str | None = None) -> str:
    """The roles a unit lacks in words (``未登记主管领导、未登记信息员``), after the unit when given."""
    zh = w["lacks"] == "缺少"
    words = ("、" if zh else ", ").join(w[f"no_{role}"] for role in roles)
    if unit is None:
        return words
    return f"{unit}{':' if zh else ': '}{words}"


def _target(r: BulletinRow, w: dict[str, str]) -> str:
    return w["no_target"] if r.unit.target is None else str(r.unit.target)


def section_name(key: str, w: dict[str, str]) -> str:
    """A key-point section's title (``一、抓好有效调控…``), as :func:`bulletin_words` gives it for the
    bulletin's year; a section the topics data does not name reads ``要点N`` (``key-point section N``)."""
    if key == "none":
        return w["no_topic"]
    return w.get(f"section.{key}") or w["section_bare"].format(key=key)


def _section_titles(year: int, lang: str) -> dict[str, str]:
    """The titles of the year's key-point sections (附件2 一 … 五) from the topics data shipped for
    the year (``topics-YEAR.toml``): Chinese, or the section's English title (its Chinese title
    where the data gives none). None when no topics data ships for the year."""
    try:
        sections = load_topics(f"topics-{year}.toml")
    except FileNotFoundError:
        return {}
    return {
        f"section.{s.number}": text(
            "bulletin.section_title",
            lang,
            numeral=s.numeral if lang == "zh" else str(s.number),
            title=s.title if lang == "zh" else s.title_en or s.title,
        )
        for s in sections
    }


def bulletin_words(lang: str, year: int) -> dict[str, str]:
    """The bulletin's words in ``lang``, with the titles of the year's key-point sections."""
    return {**_WORDS[check_lang(lang)], **_section_titles(year, lang)}


def _notice(n: CommissionNotice, w: dict[str, str]) -> str:
    return f"{n.unit} {w['commission']} {n.commission}: {w['issued']} {n.issued}, {w['due']} {n.due}"


def _year_end_doc(b: YearEndBulletin, w: dict[str, str]) -> _Doc:
    doc = _Doc()
    doc.title(w["year_end"].format(year=b.year))
    doc.note(w["as_of"].format(as_of=b.as_of, rules=b.rules))
    headers = [
        w[k]
        for k in (
            "rank",
            "unit",
            "target",
            "y_sub",
            "y_adopt",
            "y_rate",
            "y_points",
            "completion",
            "done",
            "shortfall",
            "missed",
            "late",
            "errors",
            "false",
            "excellent_n",
        )
    ]
    right = [True, False, True, True, True, True, True, True, False, True, True, True, True, True, True]

    def cells(r: BulletinRow) -> list[str]:
        c = r.cumulative
        return [
            str(r.rank),
            r.unit.label,
            _target(r, w),
            str(c.submitted),
            str(c.adopted),
            _rate(c),
            format_points(c.points),
            r.completion or w["no_target"],
            w["no_target"] if r.completed is None else w["yes"] if r.completed else w["no"],
            "-" if r.shortfall is None else str(r.shortfall),
            str(_total(c.missed)),
            str(_total(c.late)),
            str(c.errors),
            str(c.false_reports),
            str(c.excellent),
        ]

    for g in b.groups:
        basis = w[f"basis_{g.group.basis}"]
        doc.table(f"{g.group.label} ({w['target']}: {basis})", headers, [cells(r) for r in g.rows], right)
    doc.items(
        f"{w['completed']} ({len(b.completed)})",
        [f"{r.unit.label} {r.completion}" for r in b.completed],
        w["none"],
    )
    doc.items(
        f"{w['not_completed']} ({len(b.not_completed)})",
        [f"{r.unit.label} {r.completion}, {w['shortfall']} {r.shortfall}" for r in b.not_completed],
        w["none"],
    )
    lines = []
    for key, rows in b.commended:
        label = next(g.group.label for g in b.groups if g.group.key == key)
        named = ", ".join(f"{r.rank}. {r.unit.label} ({format_points(r.cumulative.points)})" for r in rows)
        lines.append(f"{label}: {named or w['none']}")
    doc.items(w["commended"].format(top=b.top), lines, w["none"])
    doc.items(
        f"{w['capped']} ({len(b.capped)})",
        [f"{name} ({w['since']} {day})" for name, day in b.capped],
        w["none"],
    )
    by_clause = [[clause, format_points(points)] for clause, points in b.by_clause]
    doc.table(w["by_clause"], [w["clause"], w["points_only"]], by_clause, [False, True])
    if b.disqualified:
        doc.items(
            w["disqualified"],
            [f"{name}: {'; '.join(reasons)}" for name, reasons in b.disqualified],
            w["none"],
        )
    return doc


def _doc(b: Bulletin, lang: str) -> _Doc:
    w = bulletin_words(lang, b.year)
    doc = _monthly_doc(b, w) if isinstance(b, MonthlyBulletin) else _year_end_doc(b, w)
    if b.provenance is not None:
        doc.items(w["provenance"], [b.provenance.line(lang)], w["none"])
    return doc


def bulletin_table(b: Bulletin, lang: str = "zh") -> str:
    """The bulletin as plain text with columns aligned by display width."""
    return _doc(b, lang).text()


def bulletin_markdown(b: Bulletin, lang: str = "zh") -> str:
    """The bulletin as Markdown (headings, tables and lists)."""
    return _doc(b, lang).markdown()


# -- machine forms ---------------------------------------------------------------------------------


def figures_json(f: Figures) -> dict[str, Any]:
    """Figures in the JSON contract: counts as numbers, points and rates as exact decimal strings."""
    rate = f.adoption_rate
    return {
        "submitted": f.submitted,
        "adopted": f.adopted,
        "adoption_rate": None if rate is None else str(rate),
        "points": format_points(f.points),
        "missed": dict(f.missed),
        "late": dict(f.late),
        "errors": f.errors,
        "false_reports": f.false_reports,
        "excellent": f.excellent,
        "sections": dict(f.sections),
    }


def _row_json(r: BulletinRow, month: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "rank": r.rank,
        "unit": r.unit.name,
        "label": r.unit.label,
        "basis": r.unit.basis,
        "target": r.unit.target,
        "counted": r.counted,
        "completed": r.completed,
        "shortfall": r.shortfall,
    }
    if month:
        data["month"] = figures_json(r.month)
    data["cumulative"] = figures_json(r.cumulative)
    return data


def _group_json(g: GroupTable, month: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"group": g.group.key, "label": g.group.label}
    if month:
        data["month"] = figures_json(g.month)
    data["cumulative"] = figures_json(g.cumulative)
    data["units"] = [_row_json(r, month) for r in g.rows]
    return data


def _notice_json(n: CommissionNotice) -> dict[str, str]:
    return {
        "unit": n.unit,
        "commission": n.commission,
        "issued": n.issued.isoformat(),
        "due": n.due.isoformat(),
    }


def bulletin_json(b: Bulletin) -> dict[str, Any]:
    """The bulletin as the stable JSON contract."""
    if isinstance(b, MonthlyBulletin):
        return {
            "bulletin": "monthly",
            "year": b.year,
            "month": b.month,
            "as_of": b.as_of.isoformat(),
            "rules": b.rules,
            "city": {"month": figures_json(b.city_month), "cumulative": figures_json(b.city_cumulative)},
            "groups": [_group_json(g, True) for g in b.groups],
            "zero_submission": list(b.zero_submission),
            "zero_adoption": list(b.zero_adoption),
            "pending_commissions": [_notice_json(n) for n in b.pending],
            "overdue_commissions": [_notice_json(n) for n in b.overdue],
            "excellent": [
                {"date": x.date.isoformat(), "unit": x.unit, "item": x.item, "event": x.event}
                for x in b.excellent
            ],
            **(
                {}
                if b.no_contacts is None
                else {"no_contacts": [{"unit": u, "missing": list(roles)} for u, roles in b.no_contacts]}
            ),
            "provenance": provenance_json(b.provenance),
        }
    return {
        "bulletin": "year_end",
        "year": b.year,
        "as_of": b.as_of.isoformat(),
        "rules": b.rules,
        "city": {"cumulative": figures_json(b.city)},
        "groups": [_group_json(g, False) for g in b.groups],
        "completed": [r.unit.name for r in b.completed],
        "not_completed": [{"unit": r.unit.name, "shortfall": r.shortfall} for r in b.not_completed],
        "top": b.top,
        "commended": {key: [r.unit.name for r in rows] for key, rows in b.commended},
        "disqualified": {name: list(reasons) for name, reasons in b.disqualified},
        "capped": {name: day.isoformat() for name, day in b.capped},
        "by_clause": {clause: format_points(points) for clause, points in b.by_clause},
        "provenance": provenance_json(b.provenance),
    }


def _completed(completed: bool, lang: str | None) -> str:
    return csv_value(f"value.completed.{str(completed).lower()}", lang, str(completed).lower())


def bulletin_csv(b: Bulletin, lang: str | None = None) -> str:
    """One row a unit (by group and rank) with the month's and cumulative figures; UTF-8 with BOM.

    Column names and the words in cells are those of the JSON contract, so that scripts can rely
    on them (``lang`` ``None`` or ``"en"``), or Chinese (``"zh"``): Chinese headings, the group's
    label, ``完成``/``未完成`` for ``true``/``false``, ``无任务数`` for a unit without target; the
    figures are the same in both.
    """
    if lang is not None:
        check_lang(lang)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    monthly = isinstance(b, MonthlyBulletin)
    head = ["group", "rank", "unit", "label", "target", "counted", "completed", "shortfall"]
    parts = ["month", "cumulative"] if monthly else ["cumulative"]
    fields = [
        "submitted",
        "adopted",
        "adoption_rate",
        "points",
        "missed",
        "late",
        "errors",
        "false_reports",
        "excellent",
    ]
    # With contacts kept (附件3 三(三)), a last column: the roles a unit lacks, never a phone.
    lacking = dict(b.no_contacts) if isinstance(b, MonthlyBulletin) and b.no_contacts is not None else None
    tail = [] if lacking is None else ["contacts_missing"]
    writer.writerow(csv_headings(head + [f"{p}_{f}" for p in parts for f in fields] + tail, lang))
    w = bulletin_words(lang or "en", b.year) if lacking is not None else {}
    for g in b.groups:
        for r in g.rows:
            row: list[object] = [
                g.group.label if lang == "zh" else g.group.key,
                r.rank,
                r.unit.name,
                r.unit.label,
                csv_value("value.target.none", lang, "none") if r.unit.target is None else r.unit.target,
                r.counted,
                "" if r.completed is None else _completed(r.completed, lang),
                "" if r.shortfall is None else r.shortfall,
            ]
            for figures in [r.month, r.cumulative] if monthly else [r.cumulative]:
                rate = figures.adoption_rate
                row += [
                    figures.submitted,
                    figures.adopted,
                    "" if rate is None else rate,
                    format_points(figures.points),
                    _total(figures.missed),
                    _total(figures.late),
                    figures.errors,
                    figures.false_reports,
                    figures.excellent,
                ]
            if lacking is not None:
                roles = lacking.get(r.unit.name, ())
                row.append(lacking_words(roles, w) if lang == "zh" else ";".join(roles))
            writer.writerow(row)
    return BOM + out.getvalue()
