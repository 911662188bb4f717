"""EXAMPLE rule kinds for the logic shapes of other cities' methods, with the versions that use them.

Not a real notice. Each version is the 2007 rules under another id, with a clause and an
``[[extensions]]`` entry for its rule kind (docs/rulesets.md, "Worked examples"); the golden cases
in ``cases/`` beside this package check them by hand-worked figures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from importlib import resources
from typing import Any

from chengdu_infoscore import Instructed, RuleSet

#: ``book(clause, points, reason)``: the reason is text, or its text in each language ({"zh": …, "en": …}).
Book = Callable[[str, Decimal, str | Mapping[str, str]], None]


def _setting(settings: Mapping[str, Any], known: set[str]) -> None:
    unknown = set(settings) - known
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")


def _clause(version: RuleSet, clause: object) -> str:
    if not isinstance(clause, str) or not any(c.id == clause for c in version.clauses):
        raise ValueError(f"clause {clause!r} is not a clause of {version.id}")
    return clause


def _points(value: object, name: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValueError(f"{name}: expected a number, found {value!r}")
    return Decimal(value)


class AdoptionMinimum:
    """(a) and (b): for each month (or quarter), points when a unit's items adopted toward the target
    fall short of a minimum, and/or points when they meet it. Every unit of the target table is
    judged, including one with no event at all.

    Settings: ``period`` (``"month"`` or ``"quarter"``), ``minimum`` (a whole number, or a table of
    them by group key), ``clause``, and ``short`` and/or ``met`` (points).
    """

    def __init__(self, settings: Mapping[str, Any], version: RuleSet) -> None:
        _setting(settings, {"period", "minimum", "clause", "short", "met"})
        self.period = settings.get("period", "month")
        if self.period not in ("month", "quarter"):
            raise ValueError(f"period: expected 'month' or 'quarter', found {self.period!r}")
        minimum = settings["minimum"]
        self.minimum: dict[str, int] | int = dict(minimum) if isinstance(minimum, Mapping) else int(minimum)
        self.clause = _clause(version, settings["clause"])
        self.short = _points(settings.get("short"), "short")
        self.met = _points(settings.get("met"), "met")

    def _judge(self, period: Any, unit: Any, book: Book, context: Any) -> None:
        if period.kind != self.period:
            return
        minimum = self.minimum if isinstance(self.minimum, int) else self.minimum.get(unit.group)
        if minimum is None:  # no minimum for this group
            return
        adopted = sum(context.unit.adopted_in(month) for month in period.months)
        if adopted < minimum and self.short is not None:
            reason = {
                "zh": f"采用 {adopted} 条,未达最低数 {minimum} 条",
                "en": f"{adopted} adopted, short of the minimum of {minimum}",
            }
            book(self.clause, self.short, reason)  # in both languages: explain --lang shows either
        elif adopted >= minimum and self.met is not None:
            reason = {
                "zh": f"采用 {adopted} 条,达到最低数 {minimum} 条",
                "en": f"{adopted} adopted, the minimum of {minimum} met",
            }
            book(self.clause, self.met, reason)

    def on_event(self, event: Any, unit: Any, book: Book) -> None:
        """Nothing for single events: the periods' ends decide."""

    on_month_end = _judge
    on_quarter_end = _judge


class InstructionByPublication:
    """(c): an instruction's bonus depends on the publication that adopted the item, and an instruction
    at some leader levels needs an adoption by a higher office first, or its points are taken back.

    Settings: ``clause``; ``bonus`` (channel key → extra points: the best channel that adopted the
    item counts); ``needs`` (leader-level key → the key of the higher office whose adoption it needs).
    """

    def __init__(self, settings: Mapping[str, Any], version: RuleSet) -> None:
        _setting(settings, {"clause", "bonus", "needs"})
        self.clause = _clause(version, settings["clause"])
        self.bonus = {str(k): _points(v, f"bonus.{k}") for k, v in dict(settings.get("bonus", {})).items()}
        self.needs = {str(k): str(v) for k, v in dict(settings.get("needs", {})).items()}
        self.instruction = version.instruction

    def on_event(self, event: Any, unit: Any, book: Book, context: Any) -> None:
        if not isinstance(event, Instructed):
            return
        level = event.level or self.instruction.default_level
        item = context.item
        earlier = [
            i
            for i in item.instructions
            if i.id != event.id and (i.level or self.instruction.default_level) == level
        ]
        if earlier:  # the level already counted once for this item: the built-in rule booked 0
            return
        needed = self.needs.get(level)
        if needed is not None and not any(h.level == needed for h in item.higher_adoptions):
            points = self.instruction.level(level).points
            book(
                self.clause,
                -points,
                f"instruction at level {level} needs an adoption by {needed} first: not counted",
            )
            return
        bonus = max((self.bonus[c] for c in item.channels if c in self.bonus), default=None)
        if bonus:
            best = max((c for c in item.channels if c in self.bonus), key=lambda c: self.bonus[c])
            book(self.clause, bonus, f"instruction on an item adopted by {best}")


class DeductionsFromBase:
    """(d) 扣完为止: a section with a base score, from which its deductions stop at zero. The
    deductions are booked by the built-in rules under their clauses; once they exceed the base, the
    excess is given back under this rule kind's clause. The base itself is booked at the end of the
    year. Not a floor on the total: other clauses are untouched.

    Settings: ``base`` (points), ``clauses`` (the section's deduction clauses), ``clause``.
    """

    def __init__(self, settings: Mapping[str, Any], version: RuleSet) -> None:
        _setting(settings, {"base", "clauses", "clause"})
        base = _points(settings["base"], "base")
        if base is None or base <= 0:
            raise ValueError(f"base: expected points above 0, found {settings['base']!r}")
        self.base = base
        self.clauses = [_clause(version, c) for c in settings["clauses"]]
        self.clause = _clause(version, settings["clause"])

    def on_event(self, event: Any, unit: Any, book: Book, context: Any) -> None:
        drawn = -sum((context.unit.points(c) for c in self.clauses), Decimal(0))
        given = context.unit.points(self.clause)  # before the year's end, only what was given back
        owed = drawn - self.base - given
        if owed > 0:
            book(
                self.clause,
                owed,
                f"deductions of {drawn} exceed the base of {self.base}: stop at zero (扣完为止)",
            )

    def on_year_end(self, period: Any, unit: Any, book: Book, context: Any) -> None:
        book(self.clause, self.base, f"base score {self.base}")


_EXTRAS = {
    "example-minimum-2007": (
        "示例:每月、每季度采用数未达最低数扣分(虚构)",
        """
[[clauses]]
id = "EX.M"
section = "示例"
text = "(示例)每月采用信息少于1条的,扣1分。"

[[clauses]]
id = "EX.Q"
section = "示例"
text = "(示例)每季度采用信息少于3条的,扣2分。"

[[extensions]]
kind = "adoption-minimum"
period = "month"
minimum = 1
short = -1
clause = "EX.M"

[[extensions]]
kind = "adoption-minimum"
period = "quarter"
minimum = 3
short = -2
clause = "EX.Q"
""",
    ),
    "example-monthly-bonus-2007": (
        "示例:每月采用数达到最低数加分(虚构)",
        """
[[clauses]]
id = "EX.B"
section = "示例"
text = "(示例)区(市)县每月采用信息达到2条的,加1分。"

[[extensions]]
kind = "adoption-minimum"
period = "month"
minimum = { district = 2 }
met = 1
clause = "EX.B"
""",
    ),
    "example-instruction-2007": (
        "示例:批示加分按刊物,省级领导批示须经省政府办公厅采用(虚构)",
        """
[[clauses]]
id = "EX.P"
section = "示例"
text = "(示例)《政务信息》专刊采用的信息获批示的,另加4分;省级领导批示须经省政府办公厅信息刊物采用。"

[[extensions]]
kind = "instruction-by-publication"
clause = "EX.P"
bonus = { zwxx_special = 4 }
needs = { provincial = "province" }
""",
    ),
    "example-base-2007": (
        "示例:漏报迟报差错基础分10分,扣完为止(虚构)",
        """
[[clauses]]
id = "EX.D"
section = "示例"
text = "(示例)信息报送纪律基础分10分,漏报、迟报、差错扣分,扣完为止。"

[[extensions]]
kind = "deductions-from-base"
base = 10
clauses = ["A3.2.1", "A3.2.2"]
clause = "EX.D"
""",
    ),
}

_LEVELS = """[instruction]
default_level = "municipal"

[instruction.levels.municipal]
label = "市级领导"
clause = "A3.1.6"
points = 8

[instruction.levels.provincial]
label = "省级领导"
clause = "A3.1.6"
points = 12
"""


def rule_sets() -> list[RuleSet]:
    """The example versions of the logic shapes: the 2007 rules, each with one rule kind (not default)."""
    base = (resources.files("chengdu_infoscore.rules") / "ruleset-2007.toml").read_text(encoding="utf-8")
    versions = []
    for rid, (title, extra) in _EXTRAS.items():
        text = base.replace('id = "chengdu-2007"', f'id = "{rid}"\ndefault = false', 1)
        text = text.replace('title = "全市政务信息报送考核办法(暂行)"', f'title = "{title}"', 1)
        if rid == "example-instruction-2007":
            text = text.replace('[instruction]\nclause = "A3.1.6"\npoints = 8\n', _LEVELS, 1)
        versions.append(RuleSet.from_toml(text + extra, f"{rid}.toml"))
    return versions
