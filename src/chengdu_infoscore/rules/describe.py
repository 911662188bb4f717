"""A rule-set version as a list of plain statements, for ``rules show`` and ``rules diff``.

Each :class:`RuleLine` says what earns or costs points (or what is decided) under which clause,
so that two versions can be compared clause by clause. The statements are in the language asked
for (the ``rules.*`` texts of the catalogues): Chinese by default, in the notice's words
(``《政务信息》采用``: ``每条4分(计入任务数;可计领导批示)``), English with ``lang="en"``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

import attrs

from ..messages import DEFAULT_LANG, check_lang, text, words
from ..results import format_points
from . import RuleSet

__all__ = ["RuleChange", "RuleLine", "diff", "origin_text", "rule_lines"]


@attrs.frozen
class RuleLine:
    """One figure or setting of a version: ``what`` (the same for the same figure of two versions,
    in one language) under ``clause``, and its value."""

    clause: str
    what: str
    value: str


@attrs.frozen
class RuleChange:
    """A line that differs between two versions: ``before`` or ``after`` is ``None`` when absent."""

    clause: str
    what: str
    before: str | None
    after: str | None


def _pts(value: object) -> str:
    return format_points(value) if not isinstance(value, str) else value  # type: ignore[arg-type]


def _schedule(w: dict[str, str], points: tuple[object, ...], last: str, only: str) -> str:
    """The figures of a schedule, the first, second… time, the last one repeating."""
    if len(points) == 1:
        return w[only].format(points=_pts(points[0]))
    parts = [w["schedule.nth"].format(points=_pts(p), n=str(n)) for n, p in enumerate(points[:-1], 1)]
    parts.append(w[last].format(points=_pts(points[-1]), n=str(len(points))))
    return w["schedule.then"].join(parts)


def _namer(w: dict[str, str], code: str, named: Iterable[tuple[str, str]]) -> Callable[[str, str], str]:
    """Names ``(key, label)`` with the text of ``code``; a label two of ``named`` share also
    shows the key, which tells them apart."""
    labels = Counter(label for _, label in named)

    def name(key: str, label: str) -> str:
        what = w[code].format(key=key, label=label)
        return w["keyed"].format(what=what, key=key) if labels[label] > 1 or not label else what

    return name


def rule_lines(rules: RuleSet, lang: str = DEFAULT_LANG) -> tuple[RuleLine, ...]:
    """Every figure and setting of ``rules``, grouped by clause in the version's clause order, in
    ``lang`` (Chinese by default, in the notice's words; ``"en"`` for English)."""
    w = words("rules", check_lang(lang))
    lines: list[RuleLine] = []
    channel = _namer(w, "channel", ((ch.key, ch.label) for ch in rules.channels))
    for ch in rules.channels:
        picture = "" if ch.picture_points is None else w["picture"].format(points=_pts(ch.picture_points))
        flags = []
        if ch.counts_toward_target:
            flags.append(w["counts"])
        if ch.instruction_eligible:
            flags.append(w["instructions"])
        extra = w["flags"].format(flags=w["flag_sep"].join(flags)) if flags else ""
        value = w["channel_value"].format(points=_pts(ch.points), picture=picture, flags=extra)
        lines.append(RuleLine(ch.clause, channel(ch.key, ch.label), value))
    sub = rules.submission
    if sub is not None:
        if sub.cap is not None:
            cap = w[f"cap.{sub.cap_period}"].format(cap=_pts(sub.cap))
        elif sub.cap_per_target is not None:
            cap = w[f"cap_per_target.{sub.cap_period}"].format(cap=_pts(sub.cap_per_target))
        else:
            cap = w["no_cap"]
        by_group = [(g, w[f"cap.{sub.cap_period}"], f) for g, f in sub.cap_by_group]
        by_group += [(g, w[f"cap_per_target.{sub.cap_period}"], f) for g, f in sub.cap_per_target_by_group]
        for group, how, figure in by_group:
            cap += w["cap_group"].format(group=group, cap=how.format(cap=_pts(figure)))
        value = w["submission_value"].format(points=_pts(sub.points), cap=cap)
        lines.append(RuleLine(sub.clause, w["submission"], value))
    com = rules.commission
    outcomes = (
        ()
        if com is None
        else (("on_time", "each_item", com.on_time), ("answered_late", "each_time", com.late),
              ("unanswered", "each_time", com.unanswered))
    )  # fmt: skip
    for name, each, award in outcomes:
        lines.append(RuleLine(award.clause, w[name], w[each].format(points=_pts(award.points))))
    ins = rules.instruction
    needs = w["needs_adoption"] if ins is None or ins.requires_adoption else w["no_adoption"]
    instruction = _namer(w, "instruction", (() if ins is None else ((x.key, x.label) for x in ins.levels)))
    for level in () if ins is None else ins.levels:
        default = w["default_level"] if ins is not None and level.key == ins.default_level else ""
        value = w["instruction_value"].format(points=_pts(level.points), needs=needs, default=default)
        lines.append(RuleLine(level.clause, instruction(level.key, level.label), value))
    higher = _namer(w, "level", ((x.key, x.label) for x in rules.levels))
    for level in rules.levels:
        value = w["once_per_item"].format(points=_pts(level.points))
        lines.append(RuleLine(level.clause, higher(level.key, level.label), value))
    named = {
        kind: _namer(w, kind, ((c.key, c.label) for c in rules.categories)) for kind in ("missed", "late")
    }
    for cat in rules.categories:
        for kind, schedule in (("missed", cat.missed), ("late", cat.late)):
            figures = _schedule(w, schedule.points, "schedule.last", "schedule.only")
            lines.append(RuleLine(schedule.clause, named[kind](cat.key, cat.label), figures))
    if rules.error is not None:
        figures = (
            _per_case(w, rules.error.range)
            if rules.error.range is not None
            else _schedule(w, rules.error.points, "schedule.error_last", "schedule.error_only")
        )
        lines.append(RuleLine(rules.error.clause, w["error"], figures))
    fr = rules.false_report
    if fr is not None:
        deduction = (
            w["false_fixed"].format(points=_pts(fr.points))
            if fr.range is None
            else w["false_per_case"].format(text=_per_case(w, fr.range))
        )
        how = w["false_once"] if fr.once_per_item else w["false_each_time"]
        keeps = w["false_revokes"] if fr.revokes_points else w["false_keeps"]
        lines.append(
            RuleLine(
                fr.clause, w["false"], w["false_value"].format(deduction=deduction, how=how, keeps=keeps)
            )
        )
    if rules.excellent is not None:
        value = w["each_item"].format(points=_pts(rules.excellent.points))
        lines.append(RuleLine(rules.excellent.clause, w["excellent"], value))
    if rules.floor is not None:
        value = w["floor_value"].format(points=_pts(rules.floor.points))
        lines.append(RuleLine(rules.floor.clause, w["floor"], value))
    if rules.reached is not None:
        value = w["reached_value"].format(points=_pts(rules.reached.points))
        lines.append(RuleLine(rules.reached.clause, w["reached"], value))
    target = w["target_items"] if rules.target_count == "items" else w["target_adoptions"]
    lines.append(RuleLine("-", w["target_counts"], target))
    combine = w["combine_sum"] if rules.combine == "sum" else w["combine_highest"]
    lines.append(RuleLine("-", w["combine"], combine))
    labels = {c.key: c.label for c in rules.categories}
    for d in rules.disqualifications:
        of = (
            w["disqualified_category"].format(key=d.category, label=labels.get(d.category, d.category))
            if d.category
            else ""
        )
        kind = w.get(f"kind.{d.kind}", d.kind)
        lines.append(RuleLine("-", w["disqualified"].format(count=d.count, kind=kind, category=of), d.reason))
    for kind, settings in rules.extensions:
        lines.append(RuleLine("-", w["plugin"].format(kind=kind), ", ".join(f"{k}={v}" for k, v in settings)))
    order = {c.id: i for i, c in enumerate(rules.clauses)}
    return tuple(sorted(lines, key=lambda x: order.get(x.clause, len(order))))


def _per_case(w: dict[str, str], span: tuple[object, object]) -> str:
    return w["per_case"].format(low=_pts(span[0]), high=_pts(span[1]))


def origin_text(origin: str, lang: str = DEFAULT_LANG) -> str:
    """Where a version comes from (:attr:`RuleSet.origin`: ``shipped: FILE``, ``plug-in: NAME``,
    ``file: PATH``) in ``lang``; any other origin as it is written."""
    w = words("rules", check_lang(lang))
    for prefix, code, name in (
        ("shipped: ", "origin.shipped", "file"),
        ("plug-in: ", "origin.plugin", "name"),
        ("file: ", "origin.file", "path"),
    ):
        if origin.startswith(prefix):
            return w[code].format(**{name: origin.removeprefix(prefix)})
    return origin


def diff(before: RuleSet, after: RuleSet, lang: str = DEFAULT_LANG) -> tuple[RuleChange, ...]:
    """What changed from ``before`` to ``after``, clause by clause (clause texts included), in
    ``lang`` (Chinese by default; ``"en"`` for English): the lines of :func:`rule_lines`, and a
    clause's text under ``what`` = ``text("rules.clause_text", lang)``."""
    clause_text = text("rules.clause_text", check_lang(lang))
    a = {(x.clause, x.what): x.value for x in rule_lines(before, lang)}
    b = {(x.clause, x.what): x.value for x in rule_lines(after, lang)}
    for c in before.clauses:
        a[(c.id, clause_text)] = c.text
    for c in after.clauses:
        b[(c.id, clause_text)] = c.text
    keys = list(dict.fromkeys([*a, *b]))
    return tuple(RuleChange(k[0], k[1], a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k))
