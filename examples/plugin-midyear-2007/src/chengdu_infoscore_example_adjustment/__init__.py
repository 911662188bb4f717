"""EXAMPLE plug-in for chengdu_infoscore: a fictional adjustment of the 2007 rules from 1 July 2007.

Not a real notice. It registers one rule-set version and one rule kind written in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from importlib import resources
from typing import Any

from chengdu_infoscore import RuleSet, Submitted


def rule_sets() -> list[RuleSet]:
    """The versions this plug-in registers (entry point ``chengdu_infoscore.rulesets``)."""
    name = "example-2007-07.toml"
    text = (resources.files(__package__) / name).read_text(encoding="utf-8")
    return [RuleSet.from_toml(text, name)]


class TopicBonus:
    """Extra points for each item submitted on a key point of the given sections.

    Settings (from the version's ``[[extensions]]`` entry): ``sections`` (a list of section
    numbers, e.g. ``[4]``), ``points`` and ``clause`` (a clause of the version).
    """

    def __init__(self, settings: Mapping[str, Any], version: RuleSet) -> None:
        unknown = set(settings) - {"sections", "points", "clause"}
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        self.sections = {str(s) for s in settings["sections"]}
        self.points = Decimal(settings["points"])
        self.clause = str(settings["clause"])
        if not any(c.id == self.clause for c in version.clauses):
            raise ValueError(f"clause {self.clause!r} is not a clause of {version.id}")

    def on_event(self, event: Any, unit: Any, book: Callable[[str, Decimal, str], None]) -> None:
        if isinstance(event, Submitted) and event.topic and event.topic.split(".")[0] in self.sections:
            book(self.clause, self.points, f"item {event.item} reports on key point {event.topic}")
