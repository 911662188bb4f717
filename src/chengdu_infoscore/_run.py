"""What one scoring run decides once — the timeline, target table, year and as-of date — and how it
puts every event's names in canonical form under the version in force on its date.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ._arguments import describe, many, need, need_date, need_int
from ._codecs import (
    ADOPTED,
    CATEGORY,
    CHANNEL,
    DATE,
    HIGHER_ADOPTED,
    INSTRUCTED,
    KIND,
    LATE,
    LEADER_LEVEL,
    LEVEL,
    MISSED,
    SUBMITTED,
    TOPIC,
    UNIT,
    Row,
    row_of,
)
from ._compiled import MODULUS, CompiledVersion, Rejected, rejected, shown
from ._places import Places
from .events import EVENT_TYPES, Event
from .exceptions import ArgumentError, ArgumentTypeError
from .history import period_ends
from .messages import Message
from .provenance import Provenance, RuleStamp, library_version, quotas_digest
from .quotas import QuotaTable, load_quotas
from .results import Rejection
from .rules import RuleSet, Timeline
from .rules.compose import timeline_of
from .rules.registry import (
    default_timeline,
    plugin_problems,
)


class Refused:
    """An event that cannot be counted whatever else happens (outside the year, an unknown name)."""

    __slots__ = ("reason", "row")

    def __init__(self, row: Row, reason: Message) -> None:
        self.row = row
        self.reason = reason


class Run:
    """What one scoring run decides once: versions, the target table, the year, the as-of date."""

    def __init__(self, timeline: Timeline, quotas: QuotaTable, year: int, as_of: dt.date, places: Places):
        self.timeline = timeline
        self.quotas = quotas
        self.year = year
        self.as_of = as_of
        self.places = places
        self.versions = {v.id: CompiledVersion(v, quotas) for v in timeline.versions}
        self.first = self.versions[timeline.versions[0].id]
        self.units = {u.name: u for u in quotas.units}
        self._at: dict[dt.date, CompiledVersion | None] = {}
        self._days: dict[dt.date, CompiledVersion | Message] = {}
        self._unit_names: dict[str, str] = {}
        self.extended = any(v.makers for v in self.versions.values())
        #: Whether a rule kind has period hooks, and the year's period ends (see history.period_ends).
        self.hooked = any(v.hooked for v in self.versions.values())
        self.period_ends = period_ends(year)

    def version_at(self, day: dt.date) -> CompiledVersion | None:
        if day in self._at:
            return self._at[day]
        rules = self.timeline.at(day)
        version = self._at[day] = None if rules is None else self.versions[rules.id]
        return version

    def _day(self, day: dt.date) -> CompiledVersion | Message:
        """The version an event of ``day`` is scored by, or why none is."""
        version: CompiledVersion | Message | None
        if day.year != self.year:
            version = Message.of("rejected.outside_year", day=str(day), year=self.year)
        else:
            version = self.version_at(day)
            if version is None:
                version = Message.of("rejected.no_version", day=str(day), timeline=self.timeline.id)
        self._days[day] = version
        return version

    def _unit(self, written: str) -> str:
        found = self.quotas.find(written)
        if found is None:
            raise rejected("rejected.unknown_unit", unit=shown(written), year=self.quotas.year)
        self._unit_names[written] = found.name
        return found.name

    def resolve_or_refuse(self, row: Row) -> Row | Refused:
        """The row with every name in canonical form, or why it can never count."""
        try:
            return self.resolve(row)
        except Rejected as exc:
            return Refused(row, exc.message)

    def resolve(self, row: Row) -> Row:
        """The row with every name in canonical form: its unit, and the channel, level, category or
        leader's level its type names (an unchanged row is returned as it is).

        Raises:
            Rejected: the event can never count: outside the year, or naming something unknown.
        """
        day = row[DATE]
        version = self._days.get(day) or self._day(day)
        if isinstance(version, Message):
            raise Rejected(version)
        kind = row[KIND]
        if version.unscored and kind in version.unscored:
            raise rejected(version.unscored[kind], rules=repr(version.rules.id), day=str(day))
        written = row[UNIT]
        unit = written if written is None else self._unit_names.get(written) or self._unit(written)
        if kind == SUBMITTED:
            topic = row[TOPIC]
            if topic is not None and topic not in version.topics:
                raise rejected("rejected.unknown_topic", topic=shown(topic))
        elif kind == ADOPTED:
            channel = row[CHANNEL]
            key = version.channel_keys.get(channel) or _raise(version.unknown("channel", channel))
            return row if key == channel and unit == written else _renamed(row, unit, CHANNEL, key)
        elif kind == HIGHER_ADOPTED:
            level = row[LEVEL]
            key = version.level_keys.get(level) or _raise(version.unknown("level", level))
            return row if key == level and unit == written else _renamed(row, unit, LEVEL, key)
        elif kind in (MISSED, LATE):
            category = row[CATEGORY]
            key = version.category_keys.get(category) or _raise(version.unknown("category", category))
            return row if key == category and unit == written else _renamed(row, unit, CATEGORY, key)
        elif kind == INSTRUCTED:
            leader_level = row[LEADER_LEVEL]
            if leader_level is not None:
                key = version.leader_keys.get(leader_level) or _raise(
                    version.unknown("leader level", leader_level)
                )
                if key != leader_level:
                    return _renamed(row, unit, LEADER_LEVEL, key)
        return row if unit == written else _renamed(row, unit)


def _renamed(row: Row, unit: str | None, slot: int | None = None, key: str | None = None) -> Row:
    """The row with its unit, and the name in ``slot``, in canonical form."""
    renamed = list(row)
    renamed[UNIT] = unit
    if slot is not None:
        renamed[slot] = key
    return tuple(renamed)


def _raise(exc: Exception) -> Any:
    raise exc


#: What ``rules=`` takes: a version, a timeline, a version's id or rule file, or several of these.
Rules = RuleSet | Timeline | str | os.PathLike[str] | Sequence[str | os.PathLike[str] | RuleSet] | None


def setup(
    rules: Rules, quotas: QuotaTable | None, year: int | None, as_of: dt.date | None
) -> tuple[Timeline, QuotaTable, int, dt.date]:
    """Decide once: the timeline, the target table, the year and the as-of date of a run.

    Raises:
        ArgumentTypeError: an argument of the wrong type, named.
        ArgumentError: a year outside 1–9999, an as-of date outside the year.
    """
    named: tuple[RuleSet, ...] = ()
    if rules is not None and not isinstance(rules, RuleSet | Timeline):
        rules = _given_timeline(rules)
        # The year is the named versions', not that of the versions they adjust.
        named = tuple(v for v in rules.versions if not any(o.base == v.id for o in rules.versions))
    if quotas is not None:
        need("quotas", quotas, QuotaTable, "a QuotaTable or None (load_quotas(year) gives one)")
    if year is not None:
        need_int("year", year, 1, 9999, "a year (int), such as 2007")
    if as_of is not None:
        need_date("as_of", as_of)
    if year is None and as_of is None and rules is not None:
        given = named or (rules.versions if isinstance(rules, Timeline) else (rules,))
        year = rules_year(given, "pass year= or as_of=")
    if year is None:
        year = as_of.year if as_of is not None else quotas.year if quotas is not None else 2007
    if as_of is None:
        as_of = dt.date(year, 12, 31)
    if as_of.year != year:
        raise ArgumentError(f"the as-of date {as_of} is outside the assessment year {year}")
    # The versions given are checked before the target table is looked for: a version that cannot
    # be in force is the problem to name, whatever its year.
    if rules is None:
        timeline = None
    elif isinstance(rules, RuleSet) and rules.base is not None:
        timeline = timeline_of([rules])  # the versions it adjusts are in force before it
    else:
        timeline = Timeline.of(rules)
    if timeline is not None and not _in_force_in(timeline, year):
        spans = "; ".join(
            f"{v.id} from {first}" + (f" to {last}" if last else "") for v, first, last in timeline.spans
        )
        raise ArgumentError(
            f"no rule-set version given is in force in {year} ({spans}): every event would be rejected;"
            " assess the year the versions are for"
        )
    quotas = load_quotas(year) if quotas is None else quotas
    if quotas.year != year:
        raise ArgumentError(f"the target table is for {quotas.year}, not the assessment year {year}")
    if timeline is None:
        timeline = default_timeline(year)
    return timeline, quotas, year, as_of


_RULES = "a version's id, a rule file, a RuleSet, a Timeline, a list of ids, files and RuleSets, or None"


def _given_timeline(rules: object) -> Timeline:
    """The timeline of ``rules`` given as an id, a file, or a list of ids, files and versions.

    Raises:
        ArgumentTypeError: anything else.
        UnknownRuleSetError: an id no version has (the message lists those that exist).
    """
    if isinstance(rules, str | os.PathLike):
        return timeline_of([rules if isinstance(rules, str) else Path(rules)])
    if isinstance(rules, list | tuple) and not rules:
        raise ArgumentError(
            "rules is an empty list, which names no version: give ids, files or RuleSets in it, or None"
        )
    if isinstance(rules, list | tuple):
        given = []
        for n, spec in enumerate(rules):
            if isinstance(spec, os.PathLike):
                spec = Path(spec)
            need(f"rules[{n}]", spec, (str, Path, RuleSet), "a version's id, a rule file or a RuleSet")
            given.append(spec)
        return timeline_of(given)
    need("rules", rules, (RuleSet, Timeline), _RULES)
    raise AssertionError("unreachable")  # pragma: no cover


def _in_force_in(timeline: Timeline, year: int) -> bool:
    """Whether some version of ``timeline`` is in force on some day of ``year``."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return any(first <= end and (last is None or last >= start) for _, first, last in timeline.spans)


def rules_year(versions: Iterable[RuleSet], how: str) -> int | None:
    """The one assessment year the versions given are in force in, or ``None`` when none is given.

    An open-ended version is taken for the year it takes effect in; a version with an ``end``,
    for every year from its effective date to its end.

    Raises:
        ArgumentError: the versions are in force in several years (``how`` says how to choose).
    """
    years: set[int] = set()
    for v in versions:
        years.update(range(v.effective.year, (v.end or v.effective).year + 1))
    if len(years) > 1:
        shown = sorted(years)
        listed = f"{shown[0]} to {shown[-1]}" if len(shown) > 2 else f"{shown[0]} and {shown[1]}"
        raise ArgumentError(
            f"the rule-set versions given are in force in {listed}: {how} to say which year to assess"
        )
    return next(iter(years), None)


def provenance_of(
    timeline: Timeline, quotas: QuotaTable, prints: int, count: int, as_of: dt.date
) -> Provenance:
    return Provenance(
        library=library_version(),
        rules=tuple(RuleStamp(v.id, v.digest, v.origin, first, last) for v, first, last in timeline.spans),
        targets_year=quotas.year,
        targets_digest=quotas_digest(quotas),
        events_digest=f"{prints % MODULUS:064x}",
        events=count,
        as_of=as_of,
        plugin_problems=tuple(str(p) for p in plugin_problems()),
    )


_KINDS = tuple(EVENT_TYPES.values())


def rows_of(events: Iterable[Event], places: Places) -> list[Row]:
    """The rows of events given in Python, each with its place; a value that is not an event is
    named by its index rather than failing somewhere inside.

    Raises:
        ArgumentTypeError: ``events`` is not a collection of events, or holds something else.
    """
    given = many(
        events,
        (str, bytes, os.PathLike),
        lambda: (
            f"events must be events or what read_events() gave, not {describe(events)}:"
            " read a file with read_events([path]) first"
        ),
        lambda: f"events must be an iterable of events or what read_events() gave, not {describe(events)}",
    )
    rows: list[Row] = []
    add = rows.append
    event: Any = None
    try:
        for event in given:
            add(row_of(event, places.add_origin(event.origin)))
    except (AttributeError, KeyError):  # checked only when it failed: nothing is added to each event
        if type(event) in _KINDS:
            raise
        raise ArgumentTypeError(
            f"events[{len(rows)}] is {describe(event)}, not an event (one of"
            f" {', '.join(t.__name__ for t in _KINDS)})"
        ) from None
    return rows


def rejections_of(rejected: Iterable[Rejection]) -> list[Rejection]:
    def wrong() -> str:
        return f"rejected must be an iterable of Rejection, not {describe(rejected)}"

    found = list(many(rejected, (str, bytes), wrong, wrong))
    for i, r in enumerate(found):
        need(f"rejected[{i}]", r, Rejection, "a Rejection")
    return found


def rejection_order(r: Rejection) -> tuple[int, str, int, str]:
    return (0, "", 0, r.event or "") if r.origin is None else (1, r.origin.file, r.origin.line, r.event or "")
