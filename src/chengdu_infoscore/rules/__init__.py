"""Rule sets: the plus and minus items of an assessment method, as data.

The 2007 method (成办发〔2007〕30号 附件3) ships as ``ruleset-2007.toml`` beside this module,
with the year's key points (附件2) in ``topics-2007.toml``. A rule set is checked in full and
compiled into lookup tables when it is loaded, so the engine never re-validates.

>>> rules = load_rules(2007)
>>> rules.channel("政务要闻").picture_points
Decimal('6')
>>> rules.clause("A3.1.4").text
'上报信息按每条0.1分计算,全年累计分数不超过单位任务数0.5。'
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from importlib import resources
from typing import Literal

import attrs

from .._data import Problems, Table, parse_toml
from ..exceptions import DataFileError, UnknownYearError

__all__ = [
    "Award",
    "Category",
    "Channel",
    "Clause",
    "CommissionRule",
    "FalseReportRule",
    "Level",
    "RuleSet",
    "Schedule",
    "SubmissionRule",
    "Topic",
    "TopicSection",
    "available_rule_years",
    "load_rules",
    "load_topics",
]


@attrs.frozen
class Clause:
    """A sentence of the notice that grants or takes points, with its project id (``A3.1.4``)."""

    id: str
    section: str
    text: str


@attrs.frozen
class Award:
    """Points granted (or, when negative, taken) under one clause."""

    clause: str
    points: Decimal


@attrs.frozen
class Schedule:
    """Deductions by occurrence: the n-th event takes ``points[n-1]``; the last figure repeats."""

    clause: str
    points: tuple[Decimal, ...]

    def nth(self, n: int) -> Decimal:
        """The points of the ``n``-th occurrence (1-based)."""
        return self.points[min(n, len(self.points)) - 1]


@attrs.frozen
class Channel:
    """A publication or column that adopts items (采用), and what an adoption earns there."""

    key: str
    label: str
    clause: str
    points: Decimal
    picture_points: Decimal | None
    counts_toward_target: bool
    instruction_eligible: bool

    def award(self, picture: bool) -> Decimal:
        """The points of one adoption; a picture replaces the plain figure where one is set."""
        if picture and self.picture_points is not None:
            return self.picture_points
        return self.points


@attrs.frozen
class Level:
    """A higher office whose publication may adopt an item (A3.1.7 in 2007)."""

    key: str
    label: str
    clause: str
    points: Decimal


@attrs.frozen
class Category:
    """A kind of information whose missed (漏报) and late (迟报) reports are penalised."""

    key: str
    label: str
    missed: Schedule
    late: Schedule


@attrs.frozen
class SubmissionRule:
    """Points per submitted item, capped at ``cap_per_target`` × the unit's target a year."""

    clause: str
    points: Decimal
    cap_per_target: Decimal | None


@attrs.frozen
class CommissionRule:
    """The three outcomes of a commission (约稿): on time, late, never answered by the due date."""

    on_time: Award
    late: Award
    unanswered: Award


@attrs.frozen
class FalseReportRule:
    """The deduction for a false or untrue item (虚假、不实信息)."""

    clause: str
    points: Decimal
    once_per_item: bool
    revokes_points: bool


@attrs.frozen
class Topic:
    """A key point (报送要点) of the year, e.g. ``2.14`` = section 二 topic (十四)."""

    key: str
    section: int
    number: int
    text: str


@attrs.frozen
class TopicSection:
    """A section of the key points (附件2 一 … 五)."""

    number: int
    numeral: str
    title: str
    topics: tuple[Topic, ...]


@attrs.frozen
class RuleSet:
    """One version of the assessment method: every figure, clause and vocabulary of it.

    Look names up with :meth:`channel`, :meth:`level`, :meth:`category` and :meth:`topic`,
    which accept the English key or the Chinese label and return ``None`` for an unknown name.
    """

    id: str
    title: str
    source: str
    effective: dt.date
    end: dt.date | None
    clauses: tuple[Clause, ...]
    target_count: Literal["items", "adoptions"]
    channels: tuple[Channel, ...]
    submission: SubmissionRule
    commission: CommissionRule
    instruction: Award
    levels: tuple[Level, ...]
    categories: tuple[Category, ...]
    error: Award
    false_report: FalseReportRule
    excellent: Award
    topic_sections: tuple[TopicSection, ...]
    _lookup: dict[str, dict[str, object]] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        lookup: dict[str, dict[str, object]] = {
            "channel": {},
            "level": {},
            "category": {},
            "topic": {},
            "clause": {c.id: c for c in self.clauses},
        }
        for kind, values in (
            ("channel", self.channels),
            ("level", self.levels),
            ("category", self.categories),
        ):
            for v in values:
                lookup[kind][v.key] = v
                lookup[kind][v.label] = v
        for s in self.topic_sections:
            for t in s.topics:
                lookup["topic"][t.key] = t
        object.__setattr__(self, "_lookup", lookup)

    def channel(self, name: str) -> Channel | None:
        """The channel written as ``name`` (key or Chinese label)."""
        return self._lookup["channel"].get(name)  # type: ignore[return-value]

    def level(self, name: str) -> Level | None:
        """The higher-office level written as ``name`` (key or Chinese label)."""
        return self._lookup["level"].get(name)  # type: ignore[return-value]

    def category(self, name: str) -> Category | None:
        """The category of missed/late reports written as ``name`` (key or Chinese label)."""
        return self._lookup["category"].get(name)  # type: ignore[return-value]

    def topic(self, key: str) -> Topic | None:
        """The key point ``key`` (``2.14``)."""
        return self._lookup["topic"].get(key)  # type: ignore[return-value]

    def clause(self, clause_id: str) -> Clause:
        """The clause with this id.

        Raises:
            KeyError: the rule set has no such clause.
        """
        return self._lookup["clause"][clause_id]  # type: ignore[return-value]

    def covers(self, day: dt.date) -> bool:
        """Whether this version is in force on ``day``."""
        return self.effective <= day and (self.end is None or day <= self.end)

    @property
    def topics(self) -> tuple[Topic, ...]:
        """Every key point, in order."""
        return tuple(t for s in self.topic_sections for t in s.topics)

    @classmethod
    def from_toml(
        cls, text: str, source: str = "<rule set>", topics: tuple[TopicSection, ...] | None = None
    ) -> RuleSet:
        """Read and check a rule set from its TOML text.

        Args:
            text: the rule set's TOML.
            source: a name for messages (usually the file name).
            topics: the key points, when the rule set names no topics file of its own.

        Raises:
            DataFileError: listing every problem, each with its key path.
        """
        return _parse_ruleset(text, source, topics)


def _parse_ruleset(text: str, source: str, topics: tuple[TopicSection, ...] | None) -> RuleSet:
    problems = Problems(source)
    root = Table(parse_toml(text, source), "", problems)
    head = root.table("ruleset") or Table({}, "ruleset", problems)
    rid = head.get("id", str)
    title = head.get("title", str, "")
    src = head.get("source", str, "")
    effective = head.get("effective", dt.date)
    end = head.get("end", dt.date, None, required=False)
    topics_file = head.get("topics", str, None, required=False)
    head.done()
    if effective and end and end < effective:
        problems.add("ruleset.end", f"{end} is before the effective date {effective}")

    clauses: list[Clause] = []
    for c in root.tables("clauses"):
        cid, section, ctext = c.get("id", str), c.get("section", str, ""), c.get("text", str)
        c.done()
        if cid and ctext is not None:
            if any(x.id == cid for x in clauses):
                problems.add(c.key_path("id"), f"clause {cid!r} appears twice")
            clauses.append(Clause(cid, section, ctext))
    known = {c.id for c in clauses}

    def clause_of(t: Table) -> str:
        cid = t.get("clause", str)
        if cid is not None and cid not in known:
            problems.add(t.key_path("clause"), f"names clause {cid!r}, which [[clauses]] does not list")
        return cid or "?"

    def award(t: Table | None) -> Award:
        if t is None:
            return Award("?", Decimal(0))
        a = Award(clause_of(t), t.get("points", Decimal) or Decimal(0))
        t.done()
        return a

    target = root.table("target")
    target_count = "items"
    if target is not None:
        target_count = target.get("count", str, "items")
        if target_count not in ("items", "adoptions"):
            problems.add("target.count", f'expected "items" or "adoptions", found {target_count!r}')
        target.done()

    def keyed(name: str) -> list[tuple[str, Table]]:
        t = root.table(name)
        if t is None:
            return []
        t.read.update(t.data)
        if not t.data:
            problems.add(name, "expected at least one entry")
        return [(k, Table(v, f"{name}.{k}", problems)) for k, v in t.data.items()]

    channels: list[Channel] = []
    for key, t in keyed("channels"):
        ch = Channel(
            key,
            t.get("label", str) or key,
            clause_of(t),
            t.get("points", Decimal) or Decimal(0),
            t.get("picture_points", Decimal, None, required=False),
            bool(t.get("counts_toward_target", bool)),
            bool(t.get("instruction_eligible", bool, False, required=False)),
        )
        t.done()
        channels.append(ch)

    sub = root.table("submission") or Table({}, "submission", problems)
    cap = sub.get("cap_per_target", Decimal, None, required=False)
    if cap is not None and cap < 0:
        problems.add("submission.cap_per_target", f"expected a number not below 0, found {cap}")
    submission = SubmissionRule(clause_of(sub), sub.get("points", Decimal) or Decimal(0), cap)
    sub.done()

    com = root.table("commission") or Table({}, "commission", problems)
    commission = CommissionRule(
        award(com.table("on_time")), award(com.table("late")), award(com.table("unanswered"))
    )
    com.done()

    instruction = award(root.table("instruction"))

    levels: list[Level] = []
    for key, t in keyed("levels"):
        levels.append(
            Level(key, t.get("label", str) or key, clause_of(t), t.get("points", Decimal) or Decimal(0))
        )
        t.done()

    def schedule(t: Table, key: str) -> Schedule:
        sub_t = t.table(key)
        if sub_t is None:
            return Schedule("?", (Decimal(0),))
        clause = clause_of(sub_t)
        raw = sub_t.get("points", list, [])
        amounts = []
        for i, v in enumerate(raw):
            if isinstance(v, int | Decimal) and not isinstance(v, bool):
                amounts.append(Decimal(v))
            else:
                problems.add(f"{sub_t.key_path('points')}[{i}]", f"expected a number, found {v!r}")
        if not raw:
            problems.add(sub_t.key_path("points"), "expected a non-empty list of numbers")
        sub_t.done()
        return Schedule(clause, tuple(amounts) or (Decimal(0),))

    categories: list[Category] = []
    for key, t in keyed("categories"):
        categories.append(
            Category(key, t.get("label", str) or key, schedule(t, "missed"), schedule(t, "late"))
        )
        t.done()

    error = award(root.table("error"))
    fr = root.table("false_report") or Table({}, "false_report", problems)
    false_report = FalseReportRule(
        clause_of(fr),
        fr.get("points", Decimal) or Decimal(0),
        bool(fr.get("once_per_item", bool, True, required=False)),
        bool(fr.get("revokes_points", bool, False, required=False)),
    )
    fr.done()
    excellent = award(root.table("excellent"))
    root.done()

    names: dict[str, str] = {}
    for kind, values in (("channel", channels), ("level", levels), ("category", categories)):
        for v in values:
            for n in {v.key, v.label}:
                if names.setdefault(f"{kind}:{n}", v.key) != v.key:
                    problems.add(f"{kind}s.{v.key}", f"the name {n!r} is already used by another {kind}")

    sections = topics
    if topics_file is not None:
        try:
            sections = load_topics(topics_file)
        except DataFileError as exc:
            problems.found.extend(exc.problems)
        except FileNotFoundError:
            problems.add("ruleset.topics", f"no topics file {topics_file!r} ships with the library")
    problems.raise_if_any()
    return RuleSet(
        id=rid,
        title=title,
        source=src,
        effective=effective,
        end=end,
        clauses=tuple(clauses),
        target_count="adoptions" if target_count == "adoptions" else "items",
        channels=tuple(channels),
        submission=submission,
        commission=commission,
        instruction=instruction,
        levels=tuple(levels),
        categories=tuple(categories),
        error=error,
        false_report=false_report,
        excellent=excellent,
        topic_sections=sections or (),
    )


def parse_topics(text: str, source: str) -> tuple[TopicSection, ...]:
    """Read a key-point list (附件2) from its TOML text.

    Raises:
        DataFileError: listing every problem, each with its key path.
    """
    problems = Problems(source)
    root = Table(parse_toml(text, source), "", problems)
    root.get("year", int)
    root.get("source", str, "")
    sections: list[TopicSection] = []
    for s in root.tables("sections"):
        number, numeral, title = s.get("number", int), s.get("numeral", str), s.get("title", str)
        topics: list[Topic] = []
        for t in s.tables("topics"):
            tn, text_ = t.get("number", int), t.get("text", str)
            t.get("numeral", str, "", required=False)
            t.done()
            if tn is not None and text_ is not None and number is not None:
                topics.append(Topic(f"{number}.{tn}", number, tn, text_))
        s.done()
        if number is not None and numeral is not None and title is not None:
            sections.append(TopicSection(number, numeral, title, tuple(topics)))
    root.done()
    problems.raise_if_any()
    return tuple(sections)


@functools.cache
def load_topics(name: str = "topics-2007.toml") -> tuple[TopicSection, ...]:
    """The key points shipped in the data file ``name`` beside this module.

    Raises:
        FileNotFoundError: no such file ships.
        DataFileError: the file is malformed.
    """
    entry = resources.files(__name__) / name
    if not entry.is_file():
        raise FileNotFoundError(name)
    return parse_topics(entry.read_text(encoding="utf-8"), name)


def available_rule_years() -> tuple[int, ...]:
    """The years whose rule set ships with the library."""
    years = []
    for entry in resources.files(__name__).iterdir():
        stem = entry.name.removesuffix(".toml")
        if entry.name.startswith("ruleset-") and stem[8:].isdigit():
            years.append(int(stem[8:]))
    return tuple(sorted(years))


@functools.cache
def load_rules(year: int = 2007) -> RuleSet:
    """The rule set shipped for ``year``.

    Raises:
        UnknownYearError: no rule set ships for that year.
    """
    entry = resources.files(__name__) / f"ruleset-{year}.toml"
    if not entry.is_file():
        shipped = ", ".join(map(str, available_rule_years())) or "none"
        raise UnknownYearError(f"no rule set ships for {year}; rule sets ship for: {shipped}")
    return RuleSet.from_toml(entry.read_text(encoding="utf-8"), f"ruleset-{year}.toml")
