"""A rule-set version as a list of plain statements, for ``rules show`` and ``rules diff``.

Each :class:`RuleLine` says what earns or costs points (or what is decided) under which clause,
so that two versions can be compared clause by clause.
"""

from __future__ import annotations

import attrs

from ..results import format_points
from . import RuleSet

__all__ = ["RuleChange", "RuleLine", "diff", "rule_lines"]


@attrs.frozen
class RuleLine:
    """One figure or setting of a version: ``what`` (a stable key) under ``clause``, and its value."""

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


def _per_case(span: tuple[object, object]) -> str:
    return f"decided per case, from {_pts(span[0])} to {_pts(span[1])}"


def rule_lines(rules: RuleSet) -> tuple[RuleLine, ...]:
    """Every figure and setting of ``rules``, grouped by clause in the version's clause order."""
    lines: list[RuleLine] = []
    for ch in rules.channels:
        picture = "" if ch.picture_points is None else f", with picture {_pts(ch.picture_points)}"
        flags = []
        if ch.counts_toward_target:
            flags.append("counts toward the target")
        if ch.instruction_eligible:
            flags.append("allows instructions")
        extra = f" ({'; '.join(flags)})" if flags else ""
        lines.append(
            RuleLine(ch.clause, f"adoption by {ch.key} {ch.label}", f"{_pts(ch.points)}{picture}{extra}")
        )
    sub = rules.submission
    if sub is not None:
        if sub.cap is not None:
            cap = f"cap {_pts(sub.cap)} per {sub.cap_period}"
        elif sub.cap_per_target is not None:
            cap = f"cap {_pts(sub.cap_per_target)} × target per {sub.cap_period}"
        else:
            cap = "no cap"
        for group, figure in sub.cap_by_group:
            cap += f"; {group}: cap {_pts(figure)} per {sub.cap_period}"
        for group, figure in sub.cap_per_target_by_group:
            cap += f"; {group}: cap {_pts(figure)} × target per {sub.cap_period}"
        lines.append(RuleLine(sub.clause, "submission", f"{_pts(sub.points)} each, {cap}"))
    com = rules.commission
    outcomes = (
        () if com is None else (("on time", com.on_time), ("late", com.late), ("unanswered", com.unanswered))
    )
    for name, award in outcomes:
        lines.append(
            RuleLine(
                award.clause,
                f"commission answered {name}"
                if name != "unanswered"
                else "commission not answered by its due date",
                _pts(award.points),
            )
        )
    ins = rules.instruction
    needs = "needs an adoption first" if ins is None or ins.requires_adoption else "no adoption needed"
    for level in () if ins is None else ins.levels:
        default = ", the default" if ins is not None and level.key == ins.default_level else ""
        lines.append(
            RuleLine(
                level.clause,
                f"instruction, {level.key} {level.label}",
                f"{_pts(level.points)} once per item ({needs}{default})",
            )
        )
    for level in rules.levels:
        lines.append(
            RuleLine(
                level.clause, f"adoption by {level.key} {level.label}", f"{_pts(level.points)} once per item"
            )
        )
    for cat in rules.categories:
        for kind, schedule in (("missed", cat.missed), ("late", cat.late)):
            figures = ", then ".join(_pts(p) for p in schedule.points)
            lines.append(
                RuleLine(schedule.clause, f"{kind} {cat.key} {cat.label}", f"{figures} (the last repeats)")
            )
    if rules.error is not None:
        figures = (
            _per_case(rules.error.range)
            if rules.error.range is not None
            else ", then ".join(_pts(p) for p in rules.error.points)
        )
        lines.append(RuleLine(rules.error.clause, "error in an item", figures))
    fr = rules.false_report
    if fr is not None:
        how = "once per item" if fr.once_per_item else "each time"
        keeps = "the item's points revoked" if fr.revokes_points else "the item keeps its points"
        deduction = _pts(fr.points) if fr.range is None else f"{_per_case(fr.range)},"
        lines.append(RuleLine(fr.clause, "false or untrue item", f"{deduction} {how}; {keeps}"))
    if rules.excellent is not None:
        lines.append(RuleLine(rules.excellent.clause, "excellent item", _pts(rules.excellent.points)))
    if rules.floor is not None:
        lines.append(RuleLine(rules.floor.clause, "floor under the score", _pts(rules.floor.points)))
    if rules.reached is not None:
        lines.append(RuleLine(rules.reached.clause, "target reached", f"{_pts(rules.reached.points)} once"))
    target = "distinct items" if rules.target_count == "items" else "every adoption"
    lines.append(RuleLine("-", "target counts", target))
    lines.append(
        RuleLine(
            "-",
            "several adoptions of one item",
            "all count" if rules.combine == "sum" else "only the highest",
        )
    )
    for d in rules.disqualifications:
        what = f"disqualified after {d.count} × {d.kind}" + (f" {d.category}" if d.category else "")
        lines.append(RuleLine("-", what, d.reason))
    for kind, settings in rules.extensions:
        lines.append(RuleLine("-", f"plug-in rule {kind}", ", ".join(f"{k}={v}" for k, v in settings)))
    order = {c.id: i for i, c in enumerate(rules.clauses)}
    return tuple(sorted(lines, key=lambda x: order.get(x.clause, len(order))))


def diff(before: RuleSet, after: RuleSet) -> tuple[RuleChange, ...]:
    """What changed from ``before`` to ``after``, clause by clause (clause texts included)."""
    a = {(x.clause, x.what): x.value for x in rule_lines(before)}
    b = {(x.clause, x.what): x.value for x in rule_lines(after)}
    for c in before.clauses:
        a[(c.id, "clause text")] = c.text
    for c in after.clauses:
        b[(c.id, "clause text")] = c.text
    keys = list(dict.fromkeys([*a, *b]))
    return tuple(RuleChange(k[0], k[1], a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k))
