"""The engine: a deterministic fold of events, under rule-set versions and a target table, into results.

:func:`score` takes events in any order. It resolves every name once (aliases, Chinese labels)
under the rule-set version in force on the event's date, merges repeats, sets aside what is
dated after the as-of date, sorts the rest into one total order, and folds them with one handler
per event type. Each handler checks its event against what came before and either books ledger
lines or gives the reason for rejecting it. There is no clock, no randomness, no I/O: the same
events give the same :class:`~.results.Results`.

Ordering: by date; on one date, commissions first, then submissions, then adoptions, then the
rest (so an event that introduces an item or a commission comes before any that refer to it,
and an instruction sees the same day's adoptions); then by event id.

Versions: each event is scored by the version in force on its date. The year's counters — the
points earned toward the submission cap, the occurrences of missed and late reports and errors
— run on across a change of version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import attrs

from .events import (
    Adopted,
    Commissioned,
    ErrorFound,
    Event,
    FoundFalse,
    HigherAdopted,
    Instructed,
    Missed,
    ReportedLate,
    SelectedExcellent,
    Submitted,
)
from .exceptions import ArgumentError, PluginError
from .provenance import (
    Provenance,
    RuleStamp,
    combine,
    event_fingerprint,
    events_digest,
    library_version,
    quotas_digest,
    rejection_fingerprint,
)
from .quotas import QuotaTable, Unit, load_quotas
from .results import CommissionStatus, LedgerLine, Rejection, Results, UnitResult, format_points
from .rules import RuleSet, Timeline
from .rules.registry import RuleKind, default_timeline, rule_kind, timeline_for

__all__ = ["Scorer", "score"]

_ZERO = Decimal(0)
_PHASE: dict[type[Event], int] = {Commissioned: 0, Submitted: 1, Adopted: 2}
_LATER = 3


class _Rejected(Exception):
    """Raised inside a handler: the event is not counted, for this reason."""


class _Tally:
    """One unit's running figures during the fold."""

    __slots__ = (
        "adopted",
        "capped_on",
        "errors",
        "excellent",
        "false_reports",
        "late",
        "ledger",
        "missed",
        "occurrences",
        "submission_points",
        "submitted",
        "unanswered",
    )

    def __init__(self) -> None:
        self.submitted = 0
        self.adopted = 0
        # Points earned toward the cap: by "year", and by month number for monthly caps.
        self.submission_points: dict[object, Decimal] = {}
        self.ledger: list[tuple[tuple[Any, ...], LedgerLine]] = []
        self.occurrences: dict[tuple[str, str], int] = {}
        self.missed: dict[str, int] = {}
        self.late: dict[str, int] = {}
        self.errors = 0
        self.false_reports = 0
        self.excellent = 0
        self.unanswered = 0
        self.capped_on: dt.date | None = None


class _Item:
    """An item's history during the fold."""

    __slots__ = ("best", "channels", "counted", "earned", "eligible", "false", "instructed", "levels", "unit")

    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        # Channels, leader levels and higher-office levels seen, as short tuples: most items
        # have none or one, and a million empty sets would cost hundreds of megabytes.
        self.channels: tuple[str, ...] = ()
        self.counted = False
        self.eligible = False
        self.instructed: tuple[str, ...] = ()
        self.levels: tuple[str, ...] = ()
        self.false = False
        self.earned = _ZERO
        self.best = _ZERO


class _Commission:
    """A commission's state during the fold."""

    __slots__ = ("answer", "event", "unit")

    def __init__(self, event: Commissioned, unit: Unit) -> None:
        self.event = event
        self.unit = unit
        self.answer: Submitted | None = None


def _order(event: Event) -> tuple[dt.date, int, str]:
    return (event.date, _PHASE.get(type(event), _LATER), event.id)


class _Fold:
    """The state of one scoring run and one handler per event type."""

    def __init__(self, timeline: Timeline, quotas: QuotaTable) -> None:
        self.timeline = timeline
        self.quotas = quotas
        self.tallies: dict[str, _Tally] = {u.name: _Tally() for u in quotas.units}
        self.items: dict[str, _Item] = {}
        self.commissions: dict[str, _Commission] = {}
        # Decided once: each version's plug-in rules, built before the fold starts.
        self.extensions: dict[str, list[RuleKind]] = {
            v.id: [rule_kind(kind, dict(settings), v) for kind, settings in v.extensions]
            for v in timeline.versions
        }
        self.rules = timeline.versions[0]
        self.handlers: dict[type[Event], Callable[[Any], None]] = {
            Submitted: self.submitted,
            Adopted: self.adopted,
            Commissioned: self.commissioned,
            Instructed: self.instructed,
            HigherAdopted: self.higher_adopted,
            Missed: self.missed,
            ReportedLate: self.reported_late,
            ErrorFound: self.error_found,
            FoundFalse: self.found_false,
            SelectedExcellent: self.selected_excellent,
        }

    def run(self, event: Event, rules: RuleSet) -> None:
        """Fold one event under the version in force on its date."""
        self.rules = rules
        self.handlers[type(event)](event)
        for extension in self.extensions[rules.id]:
            unit = self._unit_of(event)
            if unit is not None:
                extension.on_event(event, unit, self._booker(unit, event))

    def _unit_of(self, event: Event) -> Unit | None:
        name = getattr(event, "unit", None)
        if name is not None:
            return self.quotas.unit(name)
        item = self.items.get(getattr(event, "item", ""))
        return None if item is None else item.unit

    def _booker(self, unit: Unit, event: Event) -> Callable[[str, Decimal, str], None]:
        clauses = {c.id for c in self.rules.clauses}
        rules_id = self.rules.id

        item = self.items.get(getattr(event, "item", None) or "")

        def book(clause: str, points: Decimal, reason: str) -> None:
            if clause not in clauses:
                raise PluginError(f"a plug-in rule of {rules_id!r} booked under unknown clause {clause!r}")
            self.book(unit, event, clause, Decimal(points), reason, item=item)

        return book

    # -- helpers ------------------------------------------------------------------------------

    def book(
        self,
        unit: Unit,
        event: Event,
        clause: str,
        points: Decimal,
        reason: str,
        day: dt.date | None = None,
        item: _Item | None = None,
        tally: str | None = None,
        key: str | None = None,
    ) -> None:
        """Book a ledger line; ``tally`` names the count the event moved (``submitted``, ``adopted``…)."""
        day = event.date if day is None else day
        order = (day, _PHASE.get(type(event), _LATER), event.id)
        line = LedgerLine(day, event.id, clause, points, reason, getattr(event, "item", None), tally, key)
        self.tallies[unit.name].ledger.append((order, line))
        if item is not None:
            item.earned += points

    def item_of(self, event: Any) -> _Item:
        item = self.items.get(event.item)
        if item is None:
            raise _Rejected(f"item {event.item!r} has not been submitted on or before {event.date}")
        if event.unit is not None and event.unit != item.unit.name:
            raise _Rejected(f"item {event.item!r} was submitted by {item.unit.name}, not {event.unit}")
        return item

    def occurrence(self, unit: Unit, kind: str, key: str) -> int:
        """Count one more occurrence of ``kind`` for the unit this year; return its number."""
        tally = self.tallies[unit.name]
        n = tally.occurrences[(kind, key)] = tally.occurrences.get((kind, key), 0) + 1
        return n

    # -- handlers -----------------------------------------------------------------------------

    def submitted(self, event: Submitted) -> None:
        if event.item in self.items:
            raise _Rejected(f"item {event.item!r} was already submitted")
        unit = self.quotas.unit(event.unit)
        commission = None
        if event.commission is not None:
            commission = self.commissions.get(event.commission)
            if commission is None:
                raise _Rejected(f"commission {event.commission!r} is unknown on {event.date}")
            if commission.unit is not unit:
                raise _Rejected(
                    f"commission {event.commission!r} was issued to {commission.unit.name}, not {unit.name}"
                )
            if commission.answer is not None:
                raise _Rejected(
                    f"commission {event.commission!r} was already answered by event {commission.answer.id}"
                )
            commission.answer = event
        item = self.items[event.item] = _Item(unit)
        tally = self.tallies[unit.name]
        tally.submitted += 1
        rule = self.rules.submission
        cap = rule.cap_for(unit.target)
        month = event.date.month
        period: object = month if rule.cap_period == "month" else "year"
        earned = tally.submission_points.get(period, _ZERO)
        points = rule.points
        reason = f"submitted item {event.item}"
        if cap is not None and cap - earned < points:
            points = max(cap - earned, _ZERO)
            if tally.capped_on is None:
                tally.capped_on = event.date
            reason += (
                f" ({'monthly' if period != 'year' else 'yearly'} cap of {format_points(cap)} points reached)"
            )
        # Both counts run on whatever this version's period, for a later version with the other one.
        tally.submission_points["year"] = tally.submission_points.get("year", _ZERO) + points
        tally.submission_points[month] = tally.submission_points.get(month, _ZERO) + points
        section = event.topic.split(".", 1)[0] if event.topic else None
        self.book(unit, event, rule.clause, points, reason, item=item, tally="submitted", key=section)
        if commission is not None:
            outcomes = self.rules.commission
            due = commission.event.due
            if event.date <= due:
                reason = f"commission {event.commission} answered on time (due {due})"
                self.book(unit, event, outcomes.on_time.clause, outcomes.on_time.points, reason, item=item)
            else:
                reason = f"commission {event.commission} due {due} answered late, on {event.date}"
                booked = due + dt.timedelta(days=1)  # booked, and scored, as an unanswered one would be
                late = (self.timeline.at(booked) or self.rules).commission.late
                self.book(unit, event, late.clause, late.points, reason, day=booked)

    def adopted(self, event: Adopted) -> None:
        item = self.item_of(event)
        channel = self.rules.channel(event.channel)
        assert channel is not None  # names were resolved before the fold
        if channel.key in item.channels:
            raise _Rejected(f"item {event.item!r} was already adopted by {channel.key} ({channel.label})")
        item.channels += (channel.key,)
        if channel.instruction_eligible:
            item.eligible = True
        tally = None
        if channel.counts_toward_target and (self.rules.target_count == "adoptions" or not item.counted):
            item.counted = True
            self.tallies[item.unit.name].adopted += 1
            tally = "adopted"
        picture = " with picture" if event.picture and channel.picture_points is not None else ""
        points = channel.award(event.picture)
        reason = f"item {event.item} adopted by {channel.label}{picture}"
        best = item.best
        item.best = max(best, points)  # kept under every version, for a later "highest" one
        if self.rules.combine == "highest":
            # Only the best adoption of an item counts: book what it adds over the best so far.
            gain = max(points - best, _ZERO)
            if gain < points:
                reason += (
                    f" (only the highest adoption counts: +{format_points(gain)} over {format_points(best)})"
                )
            points = gain
        self.plus(item, event, channel.clause, points, reason, tally)

    def plus(
        self, item: _Item, event: Event, clause: str, points: Decimal, reason: str, tally: str | None = None
    ) -> None:
        if item.false and self.rules.false_report.revokes_points:
            points, reason = _ZERO, reason + " (item found false: earns nothing)"
        self.book(item.unit, event, clause, points, reason, item=item, tally=tally)

    def commissioned(self, event: Commissioned) -> None:
        if event.commission in self.commissions:
            raise _Rejected(f"commission {event.commission!r} was already issued")
        self.commissions[event.commission] = _Commission(event, self.quotas.unit(event.unit))

    def instructed(self, event: Instructed) -> None:
        item = self.item_of(event)
        rule = self.rules.instruction
        if rule.requires_adoption and not item.eligible:
            eligible = ", ".join(c.key for c in self.rules.channels if c.instruction_eligible)
            raise _Rejected(
                f"item {event.item!r} has not been adopted by {eligible} on or before {event.date}"
            )
        level = rule.level(event.level or rule.default_level)
        assert level is not None  # resolved before the fold
        who = f" by {event.leader}" if event.leader else ""
        if level.key in item.instructed:
            reason = f"instruction{who} on item {event.item}: already counted once for this item"
            self.book(
                item.unit,
                event,
                level.clause,
                _ZERO,
                reason + (f" at level {level.label}" if event.level else ""),
            )
            return
        item.instructed += (level.key,)
        at = f" ({level.label})" if len(rule.levels) > 1 else ""
        self.plus(item, event, level.clause, level.points, f"instruction{who}{at} on item {event.item}")

    def higher_adopted(self, event: HigherAdopted) -> None:
        item = self.item_of(event)
        level = self.rules.level(event.level)
        assert level is not None
        if level.key in item.levels:
            reason = f"item {event.item} adopted by {level.label} again: counted once"
            self.book(item.unit, event, level.clause, _ZERO, reason)
            return
        item.levels += (level.key,)
        self.plus(item, event, level.clause, level.points, f"item {event.item} adopted by {level.label}")

    def _deduct(self, event: Missed | ReportedLate, kind: str, word: str) -> None:
        unit = self.quotas.unit(event.unit)
        category = self.rules.category(event.category)
        assert category is not None
        tally = self.tallies[unit.name]
        n = self.occurrence(unit, kind, category.key)
        counts = tally.missed if kind == "missed" else tally.late
        counts[category.key] = counts.get(category.key, 0) + 1
        schedule = category.missed if kind == "missed" else category.late
        about = f": {event.subject}" if event.subject else ""
        reason = f"{category.label} {word} #{n} this year{about}"
        self.book(unit, event, schedule.clause, schedule.nth(n), reason, tally=kind, key=category.key)

    def missed(self, event: Missed) -> None:
        self._deduct(event, "missed", "missed")

    def reported_late(self, event: ReportedLate) -> None:
        self._deduct(event, "late", "reported late")

    def error_found(self, event: ErrorFound) -> None:
        item = self.item_of(event)
        self.tallies[item.unit.name].errors += 1
        n = self.occurrence(item.unit, "error", "")
        rule = self.rules.error
        about = f": {event.note}" if event.note else ""
        reason = f"error in item {event.item}{about}"
        self.book(item.unit, event, rule.clause, rule.nth(n), reason, tally="error")

    def found_false(self, event: FoundFalse) -> None:
        item = self.item_of(event)
        rule = self.rules.false_report
        about = f": {event.note}" if event.note else ""
        if item.false and rule.once_per_item:
            reason = f"item {event.item} found false again: deducted once per item{about}"
            self.book(item.unit, event, rule.clause, _ZERO, reason)
            return
        self.tallies[item.unit.name].false_reports += 1
        if rule.revokes_points and not item.false and item.earned:
            reason = f"item {event.item} found false: its {format_points(item.earned)} points revoked"
            self.book(item.unit, event, rule.clause, -item.earned, reason)
        item.false = True
        reason = f"item {event.item} found false{about}"
        self.book(item.unit, event, rule.clause, rule.points, reason, tally="false_report")

    def selected_excellent(self, event: SelectedExcellent) -> None:
        item = self.item_of(event)
        self.tallies[item.unit.name].excellent += 1
        rule = self.rules.excellent
        reason = f"item {event.item} selected as excellent"
        self.book(item.unit, event, rule.clause, rule.points, reason, item=item, tally="excellent")

    # -- the end of the run ---------------------------------------------------------------------

    def close(self, as_of: dt.date) -> dict[str, list[CommissionStatus]]:
        """Judge every commission against ``as_of``; return every commission's status by unit."""
        statuses: dict[str, list[CommissionStatus]] = {}
        for cid in sorted(self.commissions):
            c = self.commissions[cid]
            due, answer = c.event.due, c.answer
            if answer is not None:
                outcome = "on_time" if answer.date <= due else "late"
            elif due < as_of:
                outcome = "unanswered"
                self.tallies[c.unit.name].unanswered += 1
                booked = due + dt.timedelta(days=1)
                rule = (self.timeline.at(booked) or self.rules).commission.unanswered
                reason = f"commission {cid} due {due} not answered"
                self.book(c.unit, c.event, rule.clause, rule.points, reason, day=booked)
            else:
                outcome = "pending"
                rule = (self.timeline.at(as_of) or self.rules).commission.unanswered
                reason = f"commission {cid} due {due} pending: not answered yet"
                self.book(c.unit, c.event, rule.clause, _ZERO, reason)
            statuses.setdefault(c.unit.name, []).append(
                CommissionStatus(
                    commission=cid,
                    event=c.event.id,
                    issued=c.event.date,
                    due=due,
                    outcome=outcome,
                    answered=None if answer is None else answer.date,
                    answer=None if answer is None else answer.id,
                )
            )
        return statuses


def _resolve(event: Event, timeline: Timeline, quotas: QuotaTable, year: int) -> tuple[Event, RuleSet]:
    """The event with every name in canonical form and the version it is scored by.

    Raises:
        _Rejected: the event is outside the year, no version is in force, or a name is unknown.
    """
    if event.date.year != year:
        raise _Rejected(f"dated {event.date}, outside the assessment year {year}")
    rules = timeline.at(event.date)
    if rules is None:
        raise _Rejected(f"dated {event.date}, when no rule-set version of {timeline.id} is in force")
    changes: dict[str, Any] = {}
    unit = getattr(event, "unit", None)
    if unit is not None:
        found = quotas.find(unit)
        if found is None:
            raise _Rejected(
                f"unknown unit {unit!r}: not a name, label or alias of the {quotas.year} target table"
            )
        changes["unit"] = found.name
    if isinstance(event, Adopted):
        changes["channel"] = _known(
            rules.channel(event.channel), "channel", event.channel, rules, rules.channels
        )
    elif isinstance(event, HigherAdopted):
        changes["level"] = _known(rules.level(event.level), "level", event.level, rules, rules.levels)
    elif isinstance(event, Missed | ReportedLate):
        changes["category"] = _known(
            rules.category(event.category), "category", event.category, rules, rules.categories
        )
    elif isinstance(event, Instructed) and event.level is not None:
        levels = rules.instruction.levels
        changes["level"] = _known(
            rules.instruction.level(event.level), "leader level", event.level, rules, levels
        )
    elif isinstance(event, Submitted) and event.topic is not None and rules.topic(event.topic) is None:
        raise _Rejected(
            f"unknown topic {event.topic!r}: expected SECTION.NUMBER of the key points, e.g. 2.14"
        )
    for key, value in changes.items():
        if getattr(event, key) != value:
            return attrs.evolve(event, **changes), rules
    return event, rules


def _known(found: Any, what: str, name: str, rules: RuleSet, values: Iterable[Any]) -> str:
    if found is None:
        known = ", ".join(v.key for v in values)
        raise _Rejected(f"unknown {what} {name!r}; rule set {rules.id} knows: {known}")
    return str(found.key)


def _setup(
    rules: RuleSet | Timeline | None, quotas: QuotaTable | None, year: int | None, as_of: dt.date | None
) -> tuple[Timeline, QuotaTable, int, dt.date]:
    """Decide once: the timeline, the target table, the year and the as-of date of a run."""
    if year is None:
        year = as_of.year if as_of is not None else quotas.year if quotas is not None else 2007
    if as_of is None:
        as_of = dt.date(year, 12, 31)
    if as_of.year != year:
        raise ArgumentError(f"the as-of date {as_of} is outside the assessment year {year}")
    quotas = load_quotas(year) if quotas is None else quotas
    if quotas.year != year:
        raise ArgumentError(f"the target table is for {quotas.year}, not the assessment year {year}")
    if rules is None:
        timeline = default_timeline(year)
    elif isinstance(rules, RuleSet) and rules.base is not None:
        timeline = timeline_for(rules, extra=[rules])  # the versions it adjusts are in force before it
    else:
        timeline = Timeline.of(rules)
    return timeline, quotas, year, as_of


_Resolved = tuple[Event, RuleSet] | str


def _prepare(event: Event, timeline: Timeline, quotas: QuotaTable, year: int) -> _Resolved:
    try:
        return _resolve(event, timeline, quotas, year)
    except _Rejected as exc:
        return str(exc)


def _conflict(eid: str, copies: list[tuple[Event, _Resolved]]) -> list[Rejection] | None:
    """Every copy rejected when copies of one id differ in content; ``None`` when they agree."""
    keys = {e if isinstance(r, str) else r[0] for e, r in copies}
    if len(keys) == 1:
        return None
    places = ", ".join(sorted({e.where for e, _ in copies}))
    reason = f"the id {eid!r} is used by different events (at {places})"
    return [Rejection(e.origin, eid, reason) for e, _ in copies]


class _Folded:
    """What folding a set of events gave: every unit's tallies, commissions and the rejections."""

    def __init__(
        self, timeline: Timeline, quotas: QuotaTable, counted: list[tuple[Event, RuleSet]], as_of: dt.date
    ) -> None:
        counted.sort(key=lambda pair: _order(pair[0]))
        self.fold = fold = _Fold(timeline, quotas)
        self.rejections: list[Rejection] = []
        self.ok = 0
        for event, version in counted:
            try:
                fold.run(event, version)
                self.ok += 1
            except _Rejected as exc:
                self.rejections.append(Rejection(event.origin, event.id, str(exc)))
        self.commissions = fold.close(as_of)


class _Shape:
    """What the results of one timeline share: clause ids, categories, the closing version."""

    def __init__(self, timeline: Timeline, as_of: dt.date) -> None:
        self.closing = timeline.at(as_of) or timeline.versions[-1]
        self.clause_ids = list(dict.fromkeys(c.id for v in timeline.versions for c in v.clauses))
        self.categories = list(dict.fromkeys(c.key for v in timeline.versions for c in v.categories))
        self.as_of = as_of

    def unit(self, unit: Unit, folded: _Folded) -> UnitResult:
        return _unit_result(
            unit,
            folded.fold.tallies[unit.name],
            self.closing,
            self.clause_ids,
            self.categories,
            folded.commissions.get(unit.name, ()),
            self.as_of,
        )


def _provenance(
    timeline: Timeline, quotas: QuotaTable, digest: str, count: int, as_of: dt.date
) -> Provenance:
    return Provenance(
        library=library_version(),
        rules=tuple(
            RuleStamp(v.id, v.digest, v.origin, *timeline.span(i)) for i, v in enumerate(timeline.versions)
        ),
        targets_year=quotas.year,
        targets_digest=quotas_digest(quotas),
        events_digest=digest,
        events=count,
        as_of=as_of,
    )


def score(
    events: Iterable[Event],
    *,
    rules: RuleSet | Timeline | None = None,
    quotas: QuotaTable | None = None,
    year: int | None = None,
    as_of: dt.date | None = None,
    rejected: Iterable[Rejection] = (),
) -> Results:
    """Score a reporting year.

    Args:
        events: the events, in any order; repeats of an identical event count once.
        rules: a rule-set version (with the versions it adjusts, its ``base`` chain, in force
            before it), or a :class:`~.rules.Timeline` of versions; by default the year's default
            timeline (the library's own versions and installed plug-ins').
        quotas: the target table; by default the one for ``year``.
        year: the assessment year; by default the year of ``as_of``, else of ``quotas``, else 2007.
        as_of: count only events dated on or before it; by default 31 December of ``year``.
        rejected: records already rejected by a reader, carried into the results so that
            every input record is accounted for (see :func:`~.readers.read_events`).

    Returns:
        one :class:`~.results.UnitResult` per unit of the table, and every rejected event.

    Raises:
        ValueError: ``as_of`` is outside ``year``, or the table is for another year.
        UnknownYearError: no data is known for ``year`` and none was given.
        InfoscoreError: a version uses a plug-in rule kind that is not installed.
    """
    timeline, quotas, year, as_of = _setup(rules, quotas, year, as_of)
    rejected = list(rejected)
    rejections: list[Rejection] = list(rejected)
    read = len(rejections)
    events = list(events)
    # Resolve every event once, then group by id: identical content is a repeat, different
    # content makes every event of that id an error (which copy is right is not ours to guess).
    by_id: dict[str, tuple[Event, _Resolved]] = {}
    more: dict[str, list[tuple[Event, _Resolved]]] = {}  # ids given more than once: every copy
    for event in events:
        read += 1
        pair = (event, _prepare(event, timeline, quotas, year))
        if event.id in by_id:
            more.setdefault(event.id, [by_id[event.id]]).append(pair)
        else:
            by_id[event.id] = pair

    counted: list[tuple[Event, RuleSet]] = []
    repeats = after = 0
    for eid, (first_event, first) in by_id.items():
        copies = more.get(eid)
        if copies is not None:
            conflict = _conflict(eid, copies)
            if conflict is not None:
                rejections += conflict
                continue
            repeats += len(copies) - 1
            first_event, first = min(copies, key=lambda c: _where_key(c[0]))
        if isinstance(first, str):
            rejections.append(Rejection(first_event.origin, eid, first))
        elif first[0].date > as_of:
            after += 1
        else:
            counted.append(first)

    folded = _Folded(timeline, quotas, counted, as_of)
    rejections += folded.rejections
    shape = _Shape(timeline, as_of)
    digest, count = events_digest(events, [r.reason for r in rejected])
    rejections.sort(key=lambda r: (_where_tuple(r.origin), r.event or ""))
    return Results(
        provenance=_provenance(timeline, quotas, digest, count, as_of),
        year=year,
        as_of=as_of,
        rules=timeline.id,
        units=tuple(shape.unit(u, folded) for u in quotas),
        rejections=tuple(rejections),
        read=read,
        counted=folded.ok,
        repeats=repeats,
        after_as_of=after,
    )


def _where_tuple(origin: Any) -> tuple[int, str, int]:
    return (0, "", 0) if origin is None else (1, origin.file, origin.line)


def _where_key(event: Event) -> tuple[int, str, int]:
    return _where_tuple(event.origin)


def _disqualified(tally: _Tally, rules: RuleSet) -> tuple[str, ...]:
    reasons = []
    for rule in rules.disqualifications:
        if rule.kind in ("missed", "late"):
            counts = tally.missed if rule.kind == "missed" else tally.late
            n = counts.get(rule.category, 0) if rule.category else sum(counts.values())
        else:
            n = {"error": tally.errors, "false_report": tally.false_reports, "unanswered": tally.unanswered}[
                rule.kind
            ]
        if n >= rule.count:
            reasons.append(rule.reason)
    return tuple(reasons)


def _unit_result(
    unit: Unit,
    tally: _Tally,
    rules: RuleSet,
    clause_ids: list[str],
    categories: list[str],
    commissions: Iterable[CommissionStatus],
    as_of: dt.date,
) -> UnitResult:
    tally.ledger.sort(key=lambda pair: pair[0])
    ledger = [line for _, line in tally.ledger]
    total = sum((line.points for line in ledger), _ZERO)
    if rules.floor is not None and total < rules.floor.points:
        # The floor is a ledger line too, so that the total stays the sum of the ledger.
        lift = rules.floor.points - total
        reason = f"score {format_points(total)} raised to the floor of {format_points(rules.floor.points)}"
        ledger.append(LedgerLine(as_of, "-", rules.floor.clause, lift, reason))
        total = rules.floor.points
    sums = dict.fromkeys(clause_ids, _ZERO)
    for line in ledger:
        sums[line.clause] = sums.get(line.clause, _ZERO) + line.points
    return UnitResult(
        unit=unit,
        submitted=tally.submitted,
        adopted=tally.adopted,
        score=total,
        breakdown=tuple(sums.items()),
        ledger=tuple(ledger),
        missed=tuple((c, tally.missed.get(c, 0)) for c in categories),
        late=tuple((c, tally.late.get(c, 0)) for c in categories),
        errors=tally.errors,
        false_reports=tally.false_reports,
        excellent=tally.excellent,
        commissions=tuple(commissions),
        disqualified=_disqualified(tally, rules),
        capped_on=tally.capped_on,
    )


class Scorer:
    """Incremental scoring: an engine state that takes events as they arrive and gives updated results.

    Events interact only through a unit (its caps and counts), an item or a commission; the
    scorer keeps the events in clusters joined by those links (usually one cluster a unit) and,
    when results are asked for, folds again only the clusters that received events since — an
    event dated before everything already seen re-folds its unit, not the log. The results are
    exactly those of :func:`score` on all events received so far.

    >>> from chengdu_infoscore import Submitted, Missed
    >>> scorer = Scorer()
    >>> scorer.add([Submitted(id="e1", date="2007-03-01", unit="锦江区", item="J1")])
    >>> scorer.results().unit("锦江区").score
    Decimal('0.1')
    >>> scorer.add([Missed(id="e2", date="2007-01-05", unit="青羊区", category="work_dynamic")])
    >>> scorer.results().unit("青羊区").score, scorer.refolded
    (Decimal('-2'), ('青羊区',))
    """

    def __init__(
        self,
        *,
        rules: RuleSet | Timeline | None = None,
        quotas: QuotaTable | None = None,
        year: int | None = None,
    ) -> None:
        self._timeline, self._quotas, self._year, _ = _setup(rules, quotas, year, None)
        self._copies: dict[str, list[tuple[Event, _Resolved]]] = {}
        self._reader: list[Rejection] = []
        self._parent: dict[str, str] = {}
        self._members: dict[str, set[str]] = {}
        self._dirty: set[str] = set()
        self._cache: dict[str, tuple[_Folded, int]] = {}
        self._as_of: dt.date | None = None
        self._prints = 0
        self._count = 0
        #: The units whose clusters the last call of :meth:`results` folded again.
        self.refolded: tuple[str, ...] = ()

    # -- clusters: a union-find over "u:UNIT", "i:ITEM" and "c:COMMISSION" ----------------------

    def _find(self, key: str) -> str:
        parent = self._parent.setdefault(key, key)
        while parent != key:
            grand = self._parent[parent]
            self._parent[key] = grand
            key, parent = parent, grand
        return key

    def _union(self, a: str, b: str) -> str:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return ra
        if len(self._members.get(ra, ())) < len(self._members.get(rb, ())):
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._members.setdefault(ra, set()).update(self._members.pop(rb, set()))
        for root in (ra, rb):
            self._cache.pop(root, None)
            self._dirty.discard(root)
        self._dirty.add(ra)
        return ra

    @staticmethod
    def _links(event: Event) -> list[str]:
        keys = []
        for prefix, field in (("u:", "unit"), ("i:", "item"), ("c:", "commission")):
            value = getattr(event, field, None)
            if value is not None:
                keys.append(prefix + value)
        return keys

    def _place(self, eid: str, event: Event) -> None:
        keys = self._links(event)
        root = self._find(keys[0])
        for key in keys[1:]:
            root = self._union(root, key)
        self._members.setdefault(root, set()).add(eid)
        self._cache.pop(root, None)
        self._dirty.add(root)

    def _unplace(self, eid: str, event: Event) -> None:
        root = self._find(self._links(event)[0])
        self._members.get(root, set()).discard(eid)
        self._cache.pop(root, None)
        self._dirty.add(root)

    # -- the public side ------------------------------------------------------------------------

    def add(self, events: Iterable[Event], rejected: Iterable[Rejection] = ()) -> None:
        """Take newly arrived events (and records a reader rejected), in any order."""
        for r in rejected:
            self._reader.append(r)
            self._prints += rejection_fingerprint(r.reason)
            self._count += 1
        for event in events:
            self._prints += event_fingerprint(event)
            self._count += 1
            resolved = _prepare(event, self._timeline, self._quotas, self._year)
            copies = self._copies.setdefault(event.id, [])
            before = _state(event.id, copies)
            copies.append((event, resolved))
            after = _state(event.id, copies)
            if before is not None and not isinstance(before, str) and after is not before:
                self._unplace(event.id, before[0])
            if after is not None and not isinstance(after, str) and after is not before:
                self._place(event.id, after[0])

    def results(self, as_of: dt.date | None = None) -> Results:
        """The results of every event received so far, as of a date (default: 31 December).

        Raises:
            ValueError: ``as_of`` is outside the year.
        """
        as_of = dt.date(self._year, 12, 31) if as_of is None else as_of
        if as_of.year != self._year:
            raise ArgumentError(f"the as-of date {as_of} is outside the assessment year {self._year}")
        if as_of != self._as_of:
            self._cache.clear()
            self._dirty = {self._find(k) for k in self._members}
            self._as_of = as_of
        dirty = {self._find(r) for r in self._dirty}
        for root in dirty:
            counted: list[tuple[Event, RuleSet]] = []
            later = 0
            for eid in self._members.get(root, ()):
                state = _state(eid, self._copies[eid])
                assert state is not None and not isinstance(state, str)
                if state[0].date > as_of:
                    later += 1
                else:
                    counted.append(state)
            self._cache[root] = (_Folded(self._timeline, self._quotas, counted, as_of), later)
        self._dirty.clear()
        self.refolded = tuple(
            u.name
            for u in self._quotas
            if "u:" + u.name in self._parent and self._find("u:" + u.name) in dirty
        )

        shape = _Shape(self._timeline, as_of)
        empty = _Folded(self._timeline, self._quotas, [], as_of)
        units = []
        for unit in self._quotas:
            key = "u:" + unit.name
            cached = self._cache.get(self._find(key)) if key in self._parent else None
            units.append(shape.unit(unit, cached[0] if cached else empty))
        rejections = list(self._reader)
        repeats = 0
        for eid, copies in self._copies.items():
            conflict = _conflict(eid, copies) if len(copies) > 1 else None
            if conflict is not None:
                rejections += conflict
                continue
            repeats += len(copies) - 1
            state = _state(eid, copies)
            if isinstance(state, str):
                first = min(copies, key=lambda c: _where_key(c[0]))[0]
                rejections.append(Rejection(first.origin, eid, state))
        for folded, _ in self._cache.values():
            rejections += folded.rejections
        rejections.sort(key=lambda r: (_where_tuple(r.origin), r.event or ""))
        return Results(
            provenance=_provenance(
                self._timeline, self._quotas, f"{combine([self._prints]):064x}", self._count, as_of
            ),
            year=self._year,
            as_of=as_of,
            rules=self._timeline.id,
            units=tuple(units),
            rejections=tuple(rejections),
            read=self._count,
            counted=sum(folded.ok for folded, _ in self._cache.values()),
            repeats=repeats,
            after_as_of=sum(later for _, later in self._cache.values()),
        )


def _state(eid: str, copies: list[tuple[Event, _Resolved]]) -> tuple[Event, RuleSet] | str | None:
    """What an id stands for now: the event to count, a reason it is rejected, or ``None`` (a conflict)."""
    if not copies:
        return None
    if len(copies) > 1 and _conflict(eid, copies) is not None:
        return None
    return min(copies, key=lambda c: _where_key(c[0]))[1]
