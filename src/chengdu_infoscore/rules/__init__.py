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
import hashlib
from collections.abc import Sequence
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import attrs

from .._arguments import need
from .._data import Problems, Table, magnitude, number_problem, parse_toml, read_text
from .._data import describe as _found  # not `describe`: rules.describe is a submodule
from ..exceptions import ArgumentError, ArgumentTypeError, DataFileError, UnknownYearError

__all__ = [
    "POINTS_LIMIT",
    "POINTS_PLACES",
    "Award",
    "Category",
    "Channel",
    "Clause",
    "CommissionRule",
    "Disqualification",
    "FalseReportRule",
    "InstructionRule",
    "Level",
    "RuleSet",
    "Schedule",
    "SubmissionRule",
    "Timeline",
    "Topic",
    "TopicSection",
    "available_rule_years",
    "load_rules",
    "load_topics",
    "parse_topics",
]


#: The largest figure a rule set may hold, either way: points, caps, a floor, and what a rule
#: kind books. Anything beyond is a mistake (a slipped exponent, a pasted number).
POINTS_LIMIT = Decimal(10000)
#: The most decimal places a figure may have (0.0001 of a point).
POINTS_PLACES = 4
# The bounds of a setting handed to a rule kind as it is written ([[extensions]]).
_SETTING_LIMIT = Decimal(10**12)
_SETTING_PLACES = 12
# Dates of a version: the library's arithmetic on them needs room on both sides.
_FIRST_DAY, _LAST_DAY = dt.date(1900, 1, 1), dt.date(9998, 12, 31)


def figure_problem(value: object, positive: bool = False) -> str | None:
    """Why ``value`` cannot be a figure of a rule set (points, a cap), or ``None`` when it can.

    A figure is an exact :class:`~decimal.Decimal` (an ``int`` is taken as one), finite, from
    −:data:`POINTS_LIMIT` to :data:`POINTS_LIMIT`, with at most :data:`POINTS_PLACES` decimal
    places; ``positive``: above 0 as well.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        shown = repr(value) if len(repr(value)) <= 40 else ""
        return f"expected a Decimal, found {type(value).__name__} {shown}".rstrip()
    problem = number_problem(value, -POINTS_LIMIT, POINTS_LIMIT, POINTS_PLACES)
    if problem is None and positive and value <= 0:
        problem = f"expected a number above 0, found {magnitude(value)}"
    return problem


def _decimal(value: Any) -> Any:
    """An ``int`` figure as the exact Decimal it is; anything else is left for the validator."""
    return Decimal(value) if type(value) is int else value


def _decimals(values: Any) -> tuple[Any, ...]:
    return tuple(map(_decimal, values))


def _optional(value: Any) -> Any:
    return None if value is None else _decimal(value)


def _check(positive: bool = False, optional: bool = False) -> Any:
    """A validator of figures: refuses floats, booleans, NaN and absurd values, naming the field."""

    def check(instance: Any, attribute: Any, value: Any) -> None:
        values = value if isinstance(value, tuple) else (value,)
        if isinstance(value, tuple) and not value:
            raise ArgumentError(f"{type(instance).__name__}.{attribute.name}: expected at least one figure")
        for v in values:
            if optional and v is None:
                continue
            problem = figure_problem(v, positive)
            if problem is not None:
                kind = (
                    ArgumentError if isinstance(v, Decimal | int) and not isinstance(v, bool) else TypeError
                )
                raise kind(f"{type(instance).__name__}.{attribute.name}: {problem}")

    return check


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
    points: Decimal = attrs.field(converter=_decimal, validator=_check())


def _check_range(instance: Any, attribute: Any, value: Any) -> None:
    """A validator of a range decided per case: ``None``, or two figures, the lower first."""
    if value is None:
        return
    if not (isinstance(value, tuple) and len(value) == 2):
        raise TypeError(f"{type(instance).__name__}.{attribute.name}: expected (lowest, highest) or None")
    for figure in value:
        problem = figure_problem(figure)
        if problem is not None:
            raise ArgumentError(f"{type(instance).__name__}.{attribute.name}: {problem}")
    if value[0] > value[1]:
        raise ArgumentError(
            f"{type(instance).__name__}.{attribute.name}: {value[0]} is above {value[1]};"
            " give the lower figure first"
        )


def _range(value: Any) -> Any:
    return value if value is None or not isinstance(value, tuple | list) else tuple(_decimals(value))


@attrs.frozen
class Schedule:
    """Deductions by occurrence: the n-th event takes ``points[n-1]``; the last figure repeats.

    ``range``: the figure is decided per case, from the first to the second (both included), and
    given on each event (``points``); ``points`` is then not used.
    """

    clause: str
    points: tuple[Decimal, ...] = attrs.field(converter=_decimals, validator=_check())
    range: tuple[Decimal, Decimal] | None = attrs.field(
        default=None, converter=_range, validator=_check_range
    )

    def nth(self, n: int) -> Decimal:
        """The points of the ``n``-th occurrence (1-based)."""
        return self.points[min(n, len(self.points)) - 1]


@attrs.frozen
class Channel:
    """A publication or column that adopts items (采用), and what an adoption earns there."""

    key: str
    label: str
    clause: str
    points: Decimal = attrs.field(converter=_decimal, validator=_check())
    picture_points: Decimal | None = attrs.field(converter=_optional, validator=_check(optional=True))
    counts_toward_target: bool = attrs.field()
    instruction_eligible: bool = attrs.field()

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
    points: Decimal = attrs.field(converter=_decimal, validator=_check())


@attrs.frozen
class Category:
    """A kind of information whose missed (漏报) and late (迟报) reports are penalised."""

    key: str
    label: str
    missed: Schedule
    late: Schedule


def _check_groups(instance: Any, attribute: Any, value: Any) -> None:
    """A validator of caps by group: (group key, figure above 0) pairs, each group once."""
    seen: set[str] = set()
    for pair in value:
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)):
            raise TypeError(f"{type(instance).__name__}.{attribute.name}: expected (group key, figure) pairs")
        problem = figure_problem(pair[1], positive=True)
        if problem is not None:
            raise ArgumentError(f"{type(instance).__name__}.{attribute.name}[{pair[0]!r}]: {problem}")
        if pair[0] in seen:
            raise ArgumentError(
                f"{type(instance).__name__}.{attribute.name}: the group {pair[0]!r} appears twice"
            )
        seen.add(pair[0])


@attrs.frozen
class SubmissionRule:
    """Points per submitted item (上报), with a cap per unit.

    The cap is ``cap_per_target`` × the unit's target, or the fixed ``cap``, per ``cap_period``
    (``year`` or ``month``); no cap when both are ``None``.
    """

    clause: str
    points: Decimal = attrs.field(converter=_decimal, validator=_check())
    cap_per_target: Decimal | None = attrs.field(
        converter=_optional, validator=_check(positive=True, optional=True)
    )
    cap: Decimal | None = attrs.field(
        default=None, converter=_optional, validator=_check(positive=True, optional=True)
    )
    cap_period: str = "year"
    #: ``(group key, multiple)`` pairs: for a unit of that group, the cap is this multiple of its
    #: target, whatever ``cap`` and ``cap_per_target`` say.
    cap_per_target_by_group: tuple[tuple[str, Decimal], ...] = attrs.field(
        default=(), converter=tuple, validator=_check_groups
    )
    #: ``(group key, cap)`` pairs: for a unit of that group, this fixed cap.
    cap_by_group: tuple[tuple[str, Decimal], ...] = attrs.field(
        default=(), converter=tuple, validator=_check_groups
    )

    def cap_rule(self, group: str | None = None) -> tuple[str, Decimal] | None:
        """What caps a unit of ``group``: ``("cap", figure)``, ``("cap_per_target", multiple)``
        or ``None`` (no cap). A group's own entry comes first, then the figure for every group."""
        for kind, pairs in (("cap", self.cap_by_group), ("cap_per_target", self.cap_per_target_by_group)):
            for key, figure in pairs:
                if key == group:
                    return kind, figure
        if self.cap is not None:
            return "cap", self.cap
        return None if self.cap_per_target is None else ("cap_per_target", self.cap_per_target)

    def cap_for(self, target: int | None, group: str | None = None) -> Decimal | None:
        """The cap of a unit of ``group`` with this target, or ``None``.

        Raises:
            ValueError: the cap is a multiple of the target, and the unit has none.
        """
        rule = self.cap_rule(group)
        if rule is None:
            return None
        kind, figure = rule
        if kind == "cap":
            return figure
        if target is None:
            raise ValueError("the cap is a multiple of the target, and the unit has no target")
        return figure * target


@attrs.frozen
class CommissionRule:
    """The three outcomes of a commission (约稿): on time, late, never answered by the due date."""

    on_time: Award
    late: Award
    unanswered: Award


@attrs.frozen
class InstructionRule:
    """Leaders' instructions (批示): points by leader level, once per item and level.

    ``requires_adoption``: the item must first be adopted by an ``instruction_eligible`` channel.
    """

    levels: tuple[Level, ...]
    default_level: str
    requires_adoption: bool = True

    @property
    def clause(self) -> str:
        """The clause of the default level."""
        return self.level(self.default_level).clause  # type: ignore[union-attr]

    @property
    def points(self) -> Decimal:
        """The points of the default level."""
        return self.level(self.default_level).points  # type: ignore[union-attr]

    def level(self, name: str) -> Level | None:
        """The level written as ``name`` (key or label)."""
        for level in self.levels:
            if name in (level.key, level.label):
                return level
        return None


@attrs.frozen
class Disqualification:
    """An outcome that is not points: the unit loses its eligibility for commendation (取消评先资格).

    It applies when the unit has ``count`` or more events of ``kind`` (``missed``, ``late``,
    ``error``, ``false_report``, ``unanswered`` commission), of ``category`` where given.
    """

    kind: str
    count: int
    reason: str
    category: str | None = None


@attrs.frozen
class FalseReportRule:
    """The deduction for a false or untrue item (虚假、不实信息).

    ``range``: the figure is decided per case, from the first to the second (both included), and
    given on each event (``points``); ``points`` is then not used.
    """

    clause: str
    points: Decimal = attrs.field(converter=_decimal, validator=_check())
    once_per_item: bool = attrs.field()
    revokes_points: bool = attrs.field()
    range: tuple[Decimal, Decimal] | None = attrs.field(
        default=None, converter=_range, validator=_check_range
    )


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
    #: The title in English, for bulletins in English (empty: the data gives none, and the
    #: Chinese title is shown).
    title_en: str = ""


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
    #: A section the method does not have is ``None`` (or, for channels, levels and
    #: categories, empty): events of its type are rejected under this version.
    submission: SubmissionRule | None
    commission: CommissionRule | None
    instruction: InstructionRule | None
    levels: tuple[Level, ...]
    categories: tuple[Category, ...]
    error: Schedule | None
    false_report: FalseReportRule | None
    excellent: Award | None
    topic_sections: tuple[TopicSection, ...]
    #: ``sum`` (2007): an item adopted by several channels earns each; ``highest``: only the best.
    combine: str = "sum"
    #: The version this one adjusts; before this version's effective date, that one is in force.
    base: str | None = None
    #: Whether this version joins the default timeline of its years.
    default: bool = True
    disqualifications: tuple[Disqualification, ...] = ()
    #: A floor under a unit's score (e.g. never below 0), with the clause its ledger line names.
    floor: Award | None = None
    #: A bonus for reaching the year's target (完成全年目标任务加分): booked once, on the event that
    #: brings what counts toward a unit's target up to it.
    reached: Award | None = None
    #: Rule kinds added by plug-ins: ``(kind, settings)`` pairs, in the order written.
    extensions: tuple[tuple[str, tuple[tuple[str, object], ...]], ...] = ()
    #: Where the version comes from, e.g. ``shipped: ruleset-2007.toml`` or ``plugin: NAME``.
    origin: str = ""
    #: SHA-256 of the version's data text, for provenance.
    digest: str = ""
    #: The version's TOML text, in full form, when it was read from TOML (``None`` when it was
    #: built in Python): what a version that states only its changes is laid over.
    text: str | None = attrs.field(default=None, eq=False, repr=False)
    #: The version named by ``base`` (or ``adjusts``), when it was read with this one (a file
    #: naming a file), so that the timeline can be built from this version alone.
    adjusted: RuleSet | None = attrs.field(default=None, eq=False, repr=False)
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

    def same_rules(self, other: RuleSet) -> bool:
        """Whether ``other`` says exactly what this version says (where each comes from aside).

        Two files that differ only in comments or layout hold the same rules.
        """
        if self.digest and self.digest == other.digest:
            return True
        plain = attrs.evolve(self, origin="", digest="")
        return bool(plain == attrs.evolve(other, origin="", digest=""))

    def covers(self, day: dt.date) -> bool:
        """Whether this version is in force on ``day``."""
        return self.effective <= day and (self.end is None or day <= self.end)

    @property
    def topics(self) -> tuple[Topic, ...]:
        """Every key point, in order."""
        return tuple(t for s in self.topic_sections for t in s.topics)

    @classmethod
    def from_toml(
        cls,
        text: str,
        source: str = "<rule set>",
        topics: tuple[TopicSection, ...] | None = None,
        origin: str = "",
    ) -> RuleSet:
        """Read and check a rule set from its TOML text.

        A version that states only what it changes (``adjusts = "ID"``) is laid over the TOML of
        the version with that id, and the whole is checked (see docs/rulesets.md); it cannot
        name a file here, as the text has no directory: read it with :meth:`from_file`.

        Args:
            text: the rule set's TOML.
            source: a name for messages (usually the file name).
            topics: the key points, when the rule set names no topics file of its own.
            origin: where the version comes from, for ``rules list`` and provenance.

        Raises:
            DataFileError: listing every problem, each with its key path.
        """
        from .compose import read_version

        return read_version(text, source, topics, origin or source)

    @classmethod
    def from_file(
        cls, path: str | Path, topics: tuple[TopicSection, ...] | None = None, origin: str = ""
    ) -> RuleSet:
        """Read and check a rule set from its TOML file (UTF-8, with or without a byte-order mark).

        A ``base`` or ``adjusts`` that names a file is read relative to this file's directory.

        Args:
            path: the file; messages name it as given.
            topics: the key points, when the rule set names no topics file of its own.
            origin: where the version comes from (default ``file: PATH``).

        Raises:
            DataFileError: the file cannot be opened, is not UTF-8, or is malformed (every
                problem, each with its key path).
        """
        from .compose import read_version

        text = read_text(path, "rule-set file")
        return read_version(text, str(path), topics, origin or f"file: {path}", Path(path).parent)


_DISQUALIFYING = ("missed", "late", "error", "false_report", "unanswered")

# What a figure means, by sign: +1 a plus item (it earns), −1 a deduction (it takes), 0 either.
_PLUS, _MINUS, _EITHER = 1, -1, 0


def _parse_ruleset(text: str, source: str, topics: tuple[TopicSection, ...] | None, origin: str) -> RuleSet:
    text = text.removeprefix("\ufeff")
    problems = Problems(source)
    root = Table(parse_toml(text, source), "", problems)
    head = root.table("ruleset") or Table({}, "ruleset", problems)
    rid = head.get("id", str)
    title = head.get("title", str, "")
    src = head.get("source", str, "")
    effective = head.get("effective", dt.date)
    end = head.get("end", dt.date, None, required=False)
    base = head.get("base", str, None, required=False)
    default = head.get("default", bool, True, required=False)
    topics_file = head.get("topics", str, None, required=False)
    head.done()
    for key, day in (("effective", effective), ("end", end)):
        if day is not None and not _FIRST_DAY <= day <= _LAST_DAY:
            problems.add(f"ruleset.{key}", f"expected a date from {_FIRST_DAY} to {_LAST_DAY}, found {day}")
    if effective and end and end < effective:
        problems.add("ruleset.end", f"{end} is before the effective date {effective}")
    if base is not None and base == rid:
        problems.add("ruleset.base", f"a version cannot adjust itself ({base!r})")

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

    def signed(t: Table, path: str, value: Decimal, sign: int, what: str) -> None:
        """A figure whose sign contradicts its meaning is refused, unless its table says it is meant."""
        if sign == _EITHER:
            return
        flag = "allow_negative" if sign == _PLUS else "allow_positive"
        allowed = t.get(flag, bool, False, required=False)
        if value == 0 or (value > 0) == (sign == _PLUS) or allowed:
            return
        where = t.path or "the top level"
        if sign == _PLUS:
            problems.add(
                path,
                f"{value} takes points away, but {what} earns points; if that is meant,"
                f" write {flag} = true in {where}",
            )
        else:
            problems.add(
                path,
                f"{value} adds points, but {what} is a deduction; if that is meant,"
                f" write {flag} = true in {where}",
            )

    def points(t: Table, key: str, sign: int, what: str, *, required: bool = True) -> Decimal | None:
        """A figure of points: exact, finite, within ±POINTS_LIMIT, with a sign that fits its meaning."""
        default: Any = ... if required else None
        value = t.number(key, -POINTS_LIMIT, POINTS_LIMIT, POINTS_PLACES, default, required=required)
        if sign != _EITHER:
            signed(t, t.key_path(key), value if value is not None else Decimal(0), sign, what)
        return value  # type: ignore[no-any-return]

    def award(t: Table | None, sign: int, what: str) -> Award:
        if t is None:
            return Award("?", Decimal(0))
        a = Award(clause_of(t), points(t, "points", sign, what) or Decimal(0))
        t.done()
        return a

    def per_case(t: Table, key: str, sign: int, what: str) -> tuple[Decimal, Decimal] | None:
        """A range decided per case, ``{ from = -100, to = -50 }``, when ``key`` holds a table."""
        raw = t.data.get(key)
        if not isinstance(raw, dict):
            return None
        t.read.add(key)
        r = Table(raw, t.key_path(key), problems)
        ends = []
        for end in ("from", "to"):
            value = r.number(end, -POINTS_LIMIT, POINTS_LIMIT, POINTS_PLACES)
            if value is not None:
                signed(t, r.key_path(end), value, sign, what)
            ends.append(value)
        r.done()
        low, high = ends
        if low is None or high is None:
            return (Decimal(0), Decimal(0))
        if low > high:
            problems.add(
                r.key_path("to"),
                f"{high} is below from = {low}; from is the lowest figure a case may be given,"
                f" to the highest (扣50–100分 is from = -100, to = -50)",
            )
            return (high, low)  # refused above: in order, so that loading goes on to other problems
        return (low, high)

    def amounts(t: Table, key: str, sign: int, what: str, ranged: bool = False) -> tuple[Decimal, ...]:
        """A number, or a non-empty list of numbers taken by occurrence (the last repeats)."""
        t.read.add(key)
        raw = t.data.get(key)
        path = t.key_path(key)
        if isinstance(raw, int | Decimal) and not isinstance(raw, bool):
            raw, single = [raw], True
        elif not isinstance(raw, list) or not raw:
            found = (
                "nothing"
                if raw is None
                else repr(raw)
                if isinstance(raw, str) and len(raw) < 40
                else _found(raw)
            )
            either = " or a range { from = …, to = … }" if ranged else ""
            problems.add(path, f"expected a number or a non-empty list of numbers{either}, found {found}")
            return (Decimal(0),)
        else:
            single = False
        values = []
        for i, v in enumerate(raw):
            where = path if single else f"{path}[{i}]"
            if not isinstance(v, int | Decimal) or isinstance(v, bool):
                problems.add(where, f"expected a number, found {_found(v)}")
                continue
            problem = number_problem(v, -POINTS_LIMIT, POINTS_LIMIT, POINTS_PLACES)
            if problem is not None:
                problems.add(where, problem)
                continue
            signed(t, where, Decimal(v), sign, what)
            values.append(Decimal(v))
        signed(t, path, Decimal(0), sign, what)  # the flag is a known key here, whatever the figures
        return tuple(values) or (Decimal(0),)

    def schedule(t: Table | None, what: str, *, ranged: bool = False) -> Schedule:
        if t is None:
            return Schedule("?", (Decimal(0),))
        span = per_case(t, "points", _MINUS, what) if ranged else None
        if span is not None:
            result = Schedule(clause_of(t), (Decimal(0),), span)
        else:
            result = Schedule(clause_of(t), amounts(t, "points", _MINUS, what, ranged))
        t.done()
        return result

    def choice(t: Table, key: str, allowed: tuple[str, ...], default: str) -> str:
        value = t.get(key, str, default, required=False)
        if value not in allowed:
            options = " or ".join(f'"{a}"' for a in allowed)
            problems.add(t.key_path(key), f"expected {options}, found {value!r}")
            return default
        return str(value)

    target_count = "items"
    reached = None
    target = root.table("target", required=False)
    if target is not None:
        target_count = choice(target, "count", ("items", "adoptions"), "items")
        reached_t = target.table("reached", required=False)
        if reached_t is not None and reached_t.valid:
            reached = award(reached_t, _PLUS, "reaching the target")
        target.done()

    combine = "sum"
    adoption = root.table("adoption", required=False)
    if adoption is not None:
        combine = choice(adoption, "combine", ("sum", "highest"), "sum")
        adoption.done()

    def keyed(name: str, required: bool = True) -> list[tuple[str, Table]]:
        t = root.table(name, required=required)
        if t is None:
            return []
        t.read.update(t.data)
        if not t.data:
            problems.add(name, "expected at least one entry")
        return [(k, Table(v, f"{t.path}.{k}", problems)) for k, v in t.data.items()]

    channels: list[Channel] = []
    for key, t in keyed("channels", required=False):
        ch = Channel(
            key,
            t.get("label", str) or key,
            clause_of(t),
            points(t, "points", _PLUS, "an adoption") or Decimal(0),
            points(t, "picture_points", _PLUS, "an adoption", required=False),
            bool(t.get("counts_toward_target", bool)),
            bool(t.get("instruction_eligible", bool, False, required=False)),
        )
        t.done()
        channels.append(ch)

    submission = None
    sub = root.table("submission", required=False)
    if sub is not None:
        caps: dict[str, Decimal | None] = {}
        by_group: dict[str, dict[str, Decimal]] = {}
        for key in ("cap_per_target", "cap"):
            caps[key], by_group[key] = _cap(sub, key)
        per_target, fixed_cap = caps["cap_per_target"], caps["cap"]
        if per_target is not None and fixed_cap is not None:
            problems.add("submission.cap", "give cap_per_target or cap, not both")
        for group in sorted(by_group["cap"].keys() & by_group["cap_per_target"].keys()):
            problems.add(f"submission.cap.{group}", "give cap_per_target or cap for a group, not both")
        submission = SubmissionRule(
            clause_of(sub),
            points(sub, "points", _PLUS, "a submission") or Decimal(0),
            per_target,
            fixed_cap,
            choice(sub, "cap_period", ("year", "month"), "year"),
            tuple(by_group["cap_per_target"].items()),  # type: ignore[arg-type]
            tuple(by_group["cap"].items()),  # type: ignore[arg-type]
        )
        sub.done()

    commission = None
    com = root.table("commission", required=False)
    if com is not None:
        commission = CommissionRule(
            award(com.table("on_time"), _PLUS, "an answer on time"),
            award(com.table("late"), _MINUS, "a late answer"),
            award(com.table("unanswered"), _MINUS, "an unanswered commission"),
        )
        com.done()

    instruction = None
    instruction_levels: list[Level] = []
    ins = root.table("instruction", required=False)
    if ins is not None:
        requires = bool(ins.get("requires_adoption", bool, True, required=False))
        if "levels" in ins.data:
            for key, t in (
                (k, Table(v, f"instruction.levels.{k}", problems)) for k, v in _items(ins, "levels")
            ):
                instruction_levels.append(
                    Level(
                        key,
                        t.get("label", str) or key,
                        clause_of(t),
                        points(t, "points", _PLUS, "an instruction") or Decimal(0),
                    )
                )
                t.done()
            default_level = ins.get(
                "default_level", str, instruction_levels[0].key if instruction_levels else ""
            )
            if instruction_levels and not any(default_level == lv.key for lv in instruction_levels):
                problems.add(
                    "instruction.default_level", f"{default_level!r} is not one of instruction.levels"
                )
        else:
            single = Level(
                "municipal",
                ins.get("label", str, "市级领导", required=False),
                clause_of(ins),
                points(ins, "points", _PLUS, "an instruction") or Decimal(0),
            )
            instruction_levels, default_level = [single], "municipal"
        ins.done()
        if instruction_levels:
            instruction = InstructionRule(tuple(instruction_levels), default_level, requires)

    levels: list[Level] = []
    for key, t in keyed("levels", required=False):
        levels.append(
            Level(
                key,
                t.get("label", str) or key,
                clause_of(t),
                points(t, "points", _PLUS, "an adoption by a higher office") or Decimal(0),
            )
        )
        t.done()

    categories: list[Category] = []
    for key, t in keyed("categories", required=False):
        categories.append(
            Category(
                key,
                t.get("label", str) or key,
                schedule(t.table("missed"), "a missed report"),
                schedule(t.table("late"), "a late report"),
            )
        )
        t.done()

    error_t = root.table("error", required=False)
    error = None if error_t is None else schedule(error_t, "an error", ranged=True)
    false_report = None
    fr = root.table("false_report", required=False)
    if fr is not None:
        span = per_case(fr, "points", _MINUS, "a false report")
        false_report = FalseReportRule(
            clause_of(fr),
            Decimal(0) if span is not None else points(fr, "points", _MINUS, "a false report") or Decimal(0),
            bool(fr.get("once_per_item", bool, True, required=False)),
            bool(fr.get("revokes_points", bool, False, required=False)),
            span,
        )
        fr.done()
    excellent_t = root.table("excellent", required=False)
    excellent = None if excellent_t is None else award(excellent_t, _PLUS, "an excellent item")

    floor = None
    score_t = root.table("score", required=False)
    if score_t is not None:
        floor_points = points(score_t, "floor", _EITHER, "a floor", required=False)
        floor_clause = score_t.get("floor_clause", str, None, required=False)
        if "floor" in score_t.data and floor_clause is None:
            problems.add("score.floor_clause", "missing; a floor needs the clause its ledger line names")
        if floor_clause is not None and floor_clause not in known:
            problems.add(
                "score.floor_clause", f"names clause {floor_clause!r}, which [[clauses]] does not list"
            )
        if floor_points is not None:
            floor = Award(floor_clause or "?", floor_points)
        score_t.done()

    disqualifications: list[Disqualification] = []
    if "disqualification" in root.data:
        for t in root.tables("disqualification"):
            when = t.get("when", str)
            kind = choice(t, "when", _DISQUALIFYING, "false_report") if when is not None else "false_report"
            category = t.get("category", str, None, required=False)
            count = t.whole("count", 1, 1_000_000, 1, required=False)
            reason = t.get("reason", str)
            if category is not None:
                found = next((c for c in categories if category in (c.key, c.label)), None)
                if kind not in ("missed", "late"):
                    problems.add(
                        t.key_path("category"), f"only a missed or late rule has a category, not {kind!r}"
                    )
                elif found is None:
                    problems.add(t.key_path("category"), f"{category!r} is not one of [categories]")
                else:
                    category = found.key
            t.done()
            disqualifications.append(Disqualification(kind, count or 1, reason or "", category))
    else:
        root.read.add("disqualification")

    extensions: list[tuple[str, tuple[tuple[str, object], ...]]] = []
    if "extensions" in root.data:
        for t in root.tables("extensions"):
            kind = t.get("kind", str)
            t.read.update(t.data)
            settings = tuple((k, v) for k, v in t.data.items() if k != "kind")
            for k, v in settings:
                _check_setting(problems, t.key_path(k), v)
            if kind is not None:
                extensions.append((kind, settings))
    else:
        root.read.add("extensions")
    root.done()
    if root.valid and not _SCORING_SECTIONS & root.data.keys() and reached is None:
        problems.add(
            "",
            "the version scores nothing: give at least one of [channels], [submission],"
            " [commission], [instruction], [levels], [categories], [error], [false_report],"
            " [excellent], [target] reached or [[extensions]]",
        )

    names: dict[str, str] = {}
    for kind, table, values in (
        ("channel", "channels", channels),
        ("level", "levels", levels),
        ("category", "categories", categories),
        ("leader level", "instruction.levels", instruction_levels),
    ):
        for v in values:
            for n in {v.key, v.label}:
                if names.setdefault(f"{kind}:{n}", v.key) != v.key:
                    problems.add(f"{table}.{v.key}", f"the name {n!r} is already used by another {kind}")

    sections = topics
    if topics_file is not None:
        try:
            sections = load_topics(topics_file)
        except DataFileError as exc:
            problems.take(exc.problems)
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
        combine=combine,
        base=base,
        default=bool(default),
        disqualifications=tuple(disqualifications),
        floor=floor,
        reached=reached,
        extensions=tuple(extensions),
        origin=origin,
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


#: The sections of which a version must have at least one: it must score something.
_SCORING_SECTIONS = frozenset(
    {
        "channels",
        "submission",
        "commission",
        "instruction",
        "levels",
        "categories",
        "error",
        "false_report",
        "excellent",
        "extensions",
    }
)


def _cap(t: Table, key: str) -> tuple[Decimal | None, dict[str, Decimal]]:
    """A cap of ``[submission]``: a figure above 0 for every group, or a table of them by group key."""
    if isinstance(t.data.get(key), dict):
        t.read.add(key)
        groups = Table(t.data[key], t.key_path(key), t.problems)
        found: dict[str, Decimal] = {}
        if not groups.data:
            t.problems.add(
                t.key_path(key), "expected a number, or a table of numbers by group key; found an empty table"
            )
        for group in groups.data:
            value = _cap_figure(groups, group)
            if value is not None:
                found[group] = value
        return None, found
    return _cap_figure(t, key), {}


def _cap_figure(t: Table, key: str) -> Decimal | None:
    cap = t.number(key, -POINTS_LIMIT, POINTS_LIMIT, POINTS_PLACES, None, required=False)
    if cap is not None and cap <= 0:
        t.problems.add(t.key_path(key), f"expected a number above 0, found {cap}")
        return None
    return cap  # type: ignore[no-any-return]


def _check_setting(problems: Problems, path: str, value: object) -> None:
    """A setting of a rule kind is handed over as written, but a number in it must still be sane."""
    if isinstance(value, dict):
        for k, v in value.items():
            _check_setting(problems, f"{path}.{k}", v)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_setting(problems, f"{path}[{i}]", v)
    elif isinstance(value, int | Decimal) and not isinstance(value, bool):
        problem = number_problem(value, -_SETTING_LIMIT, _SETTING_LIMIT, _SETTING_PLACES)
        if problem is not None:
            problems.add(path, problem)


def _items(t: Table, key: str) -> list[tuple[str, object]]:
    t.read.add(key)
    value = t.data.get(key)
    if not isinstance(value, dict) or not value:
        t.problems.add(t.key_path(key), "expected a table with at least one entry")
        return []
    return list(value.items())


def parse_topics(text: str, source: str) -> tuple[TopicSection, ...]:
    """Read a key-point list (附件2) from its TOML text.

    Raises:
        DataFileError: listing every problem, each with its key path.
    """
    problems = Problems(source)
    root = Table(parse_toml(text, source), "", problems)
    root.whole("year", 1900, 9999)
    root.get("source", str, "")
    sections: list[TopicSection] = []
    for s in root.tables("sections"):
        number, numeral, title = s.whole("number", 1, 999), s.get("numeral", str), s.get("title", str)
        title_en = s.get("title_en", str, "", required=False)
        topics: list[Topic] = []
        for t in s.tables("topics"):
            tn, text_ = t.whole("number", 1, 999), t.get("text", str)
            t.get("numeral", str, "", required=False)
            t.done()
            if tn is not None and text_ is not None and number is not None:
                topics.append(Topic(f"{number}.{tn}", number, tn, text_))
        s.done()
        if number is not None and numeral is not None and title is not None:
            sections.append(TopicSection(number, numeral, title, tuple(topics), title_en or ""))
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


def load_rules(version: int | str | Path = 2007) -> RuleSet:
    """A rule-set version: the one shipped for a year (``2007``), a known version by its id
    (``"chengdu-2007"``, the library's own or an installed plug-in's), or a rule file
    (``"my-version.toml"``, a text ending in ``.toml`` or holding a ``/``, or a ``Path``).

    Raises:
        ArgumentTypeError: ``version`` is none of these (a list, None, a float…).
        UnknownYearError: no rule set ships for that year.
        UnknownRuleSetError: no known version has that id; the message lists those that exist.
        DataFileError: the file cannot be read, or is malformed.
    """
    need("version", version, (int, str, Path), "a year (int), a version's id or a rule file (str or Path)")
    if isinstance(version, bool):
        raise ArgumentTypeError("version must be a year (int), a version's id or a rule file, not a bool")
    if isinstance(version, Path):
        return RuleSet.from_file(version)
    if isinstance(version, str):
        from .compose import names_file
        from .registry import rule_set

        return RuleSet.from_file(version) if names_file(version) else rule_set(version)
    return _shipped(version)


@functools.cache
def _shipped(year: int) -> RuleSet:
    """The rule set shipped for ``year``."""
    entry = resources.files(__name__) / f"ruleset-{year}.toml"
    if not entry.is_file():
        shipped = ", ".join(map(str, available_rule_years())) or "none"
        raise UnknownYearError(f"no rule set ships for {year}; rule sets ship for: {shipped}")
    name = f"ruleset-{year}.toml"
    return RuleSet.from_toml(entry.read_text(encoding="utf-8"), name, origin=f"shipped: {name}")


def base_order_problem(version: RuleSet, base: RuleSet) -> str | None:
    """Why ``version`` cannot adjust ``base`` (it does not take effect after it), or ``None``.

    A version adjusts its base from a later day: the base is in force before the version's
    effective date. One that took effect on the base's day or before would either never be in
    force or hide its base, depending on how the two ids sort.
    """
    if version.effective > base.effective:
        return None
    return (
        f"version {version.id!r} takes effect {version.effective}, not after its base {base.id!r}"
        f" ({base.effective}); a version adjusts the one it is based on from a later day"
    )


@attrs.frozen
class Timeline:
    """Rule-set versions in force one after another.

    On each day, the version in force is the one with the latest effective date (then the
    greatest id) among those whose own dates (``effective`` to ``end``) cover the day. So a
    version is in force from its effective date until the day before a later version's, and a
    version with an ``end`` hands back, after its end, to the one that was in force before it
    (its base), which may then be in force in two spans. An event is scored by the version in
    force on its date; the year's counters (the submission cap, first and later deductions) run
    on across a change of version.

    Raises:
        ArgumentError: no version; two different versions with one id; a version that does not
            take effect after its base, when both are in the timeline.
    """

    versions: tuple[RuleSet, ...]
    #: The spans of days in force, in date order: ``(version, first, last)``; ``last`` is
    #: ``None`` for the open-ended span. A version may have several (before and after another
    #: with an ``end``); a day in no span has no version in force.
    spans: tuple[tuple[RuleSet, dt.date, dt.date | None], ...] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not self.versions:
            raise ArgumentError("a timeline needs at least one rule-set version")
        by_id: dict[str, RuleSet] = {}
        for version in self.versions:
            other = by_id.setdefault(version.id, version)
            if other is not version and not other.same_rules(version):
                raise ArgumentError(
                    f"a timeline cannot hold two different versions with the id {version.id!r}"
                    f" ({other.origin or 'given in Python'}; {version.origin or 'given in Python'})"
                )
        for version in by_id.values():
            base = by_id.get(version.base) if version.base is not None else None
            problem = None if base is None else base_order_problem(version, base)
            if problem is not None:
                raise ArgumentError(f"a timeline cannot hold both: {problem}")
        ordered = tuple(sorted(by_id.values(), key=lambda v: (v.effective, v.id)))
        object.__setattr__(self, "versions", ordered)
        object.__setattr__(self, "spans", _spans(ordered))

    @property
    def id(self) -> str:
        """The versions' ids joined by ``+``, e.g. ``chengdu-2007+chengdu-2007-07``."""
        return "+".join(v.id for v in self.versions)

    def span(self, index: int) -> tuple[dt.date, dt.date | None]:
        """The first and last day (``None``: open-ended) on which version ``index`` is in force.

        A version in force in several spans (see :attr:`spans`) gives the first day of its first
        and the last day of its last; one never in force gives its effective date and the day
        before.
        """
        version = self.versions[index]
        mine = [(first, last) for v, first, last in self.spans if v is version]
        if not mine:
            return version.effective, version.effective - dt.timedelta(days=1)
        return mine[0][0], mine[-1][1]

    def at(self, day: dt.date) -> RuleSet | None:
        """The version in force on ``day``, or ``None``."""
        for version, first, last in reversed(self.spans):
            if first <= day:
                return version if last is None or day <= last else None
        return None

    def gaps(self) -> tuple[tuple[dt.date, dt.date], ...]:
        """The spans of days, between the first day in force and the last, when no version is."""
        return tuple(
            (a[2] + dt.timedelta(days=1), b[1] - dt.timedelta(days=1))
            for a, b in zip(self.spans, self.spans[1:], strict=False)
            if a[2] is not None and a[2] + dt.timedelta(days=1) < b[1]
        )

    @classmethod
    def of(cls, rules: RuleSet | Timeline | Sequence[RuleSet]) -> Timeline:
        """A timeline of one version, of several, or the timeline itself."""
        if isinstance(rules, Timeline):
            return rules
        if isinstance(rules, RuleSet):
            return cls((rules,))
        return cls(tuple(rules))


def _spans(versions: tuple[RuleSet, ...]) -> tuple[tuple[RuleSet, dt.date, dt.date | None], ...]:
    """The spans in force of ``versions`` (ordered by effective date, then id), in date order."""
    day = dt.timedelta(days=1)
    starts = {v.effective for v in versions}
    starts |= {v.end + day for v in versions if v.end is not None and v.end < dt.date.max}
    points = sorted(starts)
    spans: list[tuple[RuleSet, dt.date, dt.date | None]] = []
    for i, first in enumerate(points):
        last = points[i + 1] - day if i + 1 < len(points) else None
        covering = [v for v in versions if v.covers(first)]
        if not covering:
            continue
        version = covering[-1]  # the latest effective date, then the greatest id
        if last is None:
            last = version.end
        if spans and spans[-1][0] is version and spans[-1][2] is not None and spans[-1][2] + day == first:
            spans[-1] = (version, spans[-1][1], last)
        else:
            spans.append((version, first, last))
    return tuple(spans)
