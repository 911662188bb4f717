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

Inside, events travel as rows (:mod:`._rows`) and a booking is four references in a unit's flat
list: the event's row, an :class:`_Entry` (the clause, the count it moves, how its reason
reads), the points and a detail. Ledger lines, with their reasons, are made only when a ledger
is read. Everything that depends on the rule-set version — entries, caps, name lookups — is
decided once per version (:class:`_Version`), so the fold itself only looks things up.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from operator import itemgetter
from typing import Any

from ._arguments import describe, many, need, need_date, need_int
from ._rows import (
    ADOPTED,
    COMMISSIONED,
    DATE,
    HIGHER_ADOPTED,
    ID,
    INSTRUCTED,
    ITEM,
    KIND,
    LATE,
    MISSED,
    PHASE,
    POS,
    SUBMITTED,
    UNIT,
    A,
    B,
    Places,
    Row,
    event_of,
    fingerprint,
    quiet_collector,
    row_of,
)
from .corrections import in_force
from .events import EVENT_TYPES, Event, Origin
from .exceptions import ArgumentError, ArgumentTypeError, PluginError
from .provenance import Provenance, RuleStamp, library_version, quotas_digest, rejection_fingerprint
from .quotas import QuotaTable, Unit, load_quotas
from .readers import ReadResult
from .results import CommissionStatus, Ledger, LedgerLine, Rejection, Results, UnitResult, format_points
from .rules import RuleSet, Timeline, figure_problem
from .rules.registry import (
    RuleKind,
    RuleKindMaker,
    default_timeline,
    failure,
    plugin_problems,
    raised,
    rule_kind_maker,
    timeline_for,
)

__all__ = ["Scorer", "score"]

_ZERO = Decimal(0)
_DAY = dt.timedelta(days=1)
_MODULUS = 1 << 256
_BY_ID = itemgetter(ID)


class _Rejected(Exception):
    """Raised inside a handler: the event is not counted, for this reason."""


class _Misbooked(PluginError):
    """Raised by a plug-in rule's ``book``: what was wrong with the booking (the engine adds where)."""


def _shown(text: str) -> str:
    """A name as a rejection quotes it: in quotes, and cut short when it is very long."""
    return repr(text) if len(text) <= 80 else f"{text[:60]!r}… ({len(text)} characters)"


# -- bookings ----------------------------------------------------------------------------------


def _about(text: str | None) -> str:
    return f": {text}" if text else ""


def _who(row: Row) -> str:
    return f" by {row[A]}" if row[A] else ""


# How each kind of booking reads: (entry, row, points, detail) -> reason.
_REASONS: dict[str, Callable[[Any, Row, Decimal, Any], str]] = {
    "submitted": lambda e, row, p, d: f"submitted item {row[ITEM]}{d or ''}",
    "on_time": lambda e, row, p, d: f"commission {row[B]} answered on time (due {d})",
    "answered_late": lambda e, row, p, d: f"commission {row[B]} due {d} answered late, on {row[DATE]}",
    "adopted": lambda e, row, p, d: (
        f"item {row[ITEM]} adopted by {e.thing.label}"
        f"{' with picture' if row[B] and e.thing.picture_points is not None else ''}{d or ''}"
    ),
    "instructed": lambda e, row, p, d: f"instruction{_who(row)}{e.note} on item {row[ITEM]}{d or ''}",
    "instructed_again": lambda e, row, p, d: (
        f"instruction{_who(row)} on item {row[ITEM]}: already counted once for this item"
        f"{f' at level {e.thing.label}' if row[B] else ''}"
    ),
    "higher": lambda e, row, p, d: f"item {row[ITEM]} adopted by {e.thing.label}{d or ''}",
    "higher_again": lambda e, row, p, d: f"item {row[ITEM]} adopted by {e.thing.label} again: counted once",
    "missed": lambda e, row, p, d: f"{e.thing.label} missed #{d} this year{_about(row[B])}",
    "late": lambda e, row, p, d: f"{e.thing.label} reported late #{d} this year{_about(row[B])}",
    "error": lambda e, row, p, d: f"error in item {row[ITEM]}{_about(row[A])}",
    "false_again": lambda e, row, p, d: (
        f"item {row[ITEM]} found false again: deducted once per item{_about(row[A])}"
    ),
    "false_revoke": lambda e, row, p, d: (
        f"item {row[ITEM]} found false: its {format_points(-p)} points revoked"
    ),
    "false": lambda e, row, p, d: f"item {row[ITEM]} found false{_about(row[A])}",
    "excellent": lambda e, row, p, d: f"item {row[ITEM]} selected as excellent",
    "unanswered": lambda e, row, p, d: f"commission {row[A]} due {row[B]} not answered",
    "pending": lambda e, row, p, d: f"commission {row[A]} due {row[B]} pending: not answered yet",
    "plugin": lambda e, row, p, d: str(d),
}


# Bookings made on another day than their event's: the day after a commission was due.
_SHIFTED = frozenset({"answered_late", "unanswered"})


class _Entry:
    """A kind of booking under one version: its clause, the count it moves, and how it reads.

    ``thing`` is the channel, level or category it concerns, for its label; ``note`` is a fixed
    part of the reason decided with the version.
    """

    __slots__ = ("clause", "code", "note", "tally", "thing")

    def __init__(self, code: str, clause: str, tally: str | None = None, thing: Any = None, note: str = ""):
        self.code = code
        self.clause = clause
        self.tally = tally
        self.thing = thing
        self.note = note

    def reason(self, row: Row, points: Decimal, detail: Any) -> str:
        return _REASONS[self.code](self, row, points, detail)

    def day(self, row: Row, detail: Any) -> dt.date:
        """The date a booking is made on: a late or missing answer is booked the day after the due date."""
        if self.code == "answered_late":
            return detail + _DAY  # type: ignore[no-any-return]
        if self.code == "unanswered":
            return row[B] + _DAY  # type: ignore[no-any-return]
        return row[DATE]  # type: ignore[no-any-return]

    def key(self, row: Row) -> str | None:
        """The key-point section of a submission, the category of a missed or late report."""
        if self.tally == "submitted":
            return row[A].split(".", 1)[0] if row[A] else None
        if self.tally in ("missed", "late"):
            return row[A]  # type: ignore[no-any-return]
        return None


class _Version:
    """One rule-set version, compiled for the fold: its entries, caps and name lookups."""

    def __init__(self, rules: RuleSet, quotas: QuotaTable) -> None:
        self.rules = rules
        s = rules.submission
        self.submitted = _Entry("submitted", s.clause, "submitted")
        self.points = s.points
        self.monthly = s.cap_period == "month"
        word = "monthly" if self.monthly else "yearly"
        #: Each unit's cap, and the note a submission that meets it carries.
        self.caps: dict[str, tuple[Decimal | None, str]] = {}
        for u in quotas.units:
            cap = s.cap_for(u.target)
            note = "" if cap is None else f" ({word} cap of {format_points(cap)} points reached)"
            self.caps[u.name] = (cap, note)
        c = rules.commission
        self.on_time, self.on_time_points = _Entry("on_time", c.on_time.clause), c.on_time.points
        self.answered_late, self.late_points = _Entry("answered_late", c.late.clause), c.late.points
        self.unanswered, self.unanswered_points = (
            _Entry("unanswered", c.unanswered.clause),
            c.unanswered.points,
        )
        self.pending = _Entry("pending", c.unanswered.clause)
        self.channels = {
            ch.key: (ch, _Entry("adopted", ch.clause, "adopted", ch), _Entry("adopted", ch.clause, None, ch))
            for ch in rules.channels
        }
        self.counts_adoptions = rules.target_count == "adoptions"
        self.highest = rules.combine == "highest"
        instruction = rules.instruction
        many = len(instruction.levels) > 1
        self.leaders = {
            lv.key: (
                lv,
                _Entry("instructed", lv.clause, thing=lv, note=f" ({lv.label})" if many else ""),
                _Entry("instructed_again", lv.clause, thing=lv),
            )
            for lv in instruction.levels
        }
        default = instruction.level(instruction.default_level)
        assert default is not None  # checked when the rule set was read
        self.default_leader = default.key
        self.requires_adoption = instruction.requires_adoption
        self.eligible = ", ".join(ch.key for ch in rules.channels if ch.instruction_eligible)
        self.levels = {
            lv.key: (lv, _Entry("higher", lv.clause, thing=lv), _Entry("higher_again", lv.clause, thing=lv))
            for lv in rules.levels
        }
        self.categories = {
            cat.key: (
                cat,
                _Entry("missed", cat.missed.clause, "missed", cat),
                _Entry("late", cat.late.clause, "late", cat),
            )
            for cat in rules.categories
        }
        self.error, self.error_schedule = _Entry("error", rules.error.clause, "error"), rules.error
        f = self.false_rule = rules.false_report
        self.false_again = _Entry("false_again", f.clause)
        self.false_revoke = _Entry("false_revoke", f.clause)
        self.false = _Entry("false", f.clause, "false_report")
        self.excellent = _Entry("excellent", rules.excellent.clause, "excellent")
        self.excellent_points = rules.excellent.points
        #: What makes each plug-in rule kind of the version: a fresh instance for every fold.
        self.makers: list[RuleKindMaker] = [
            rule_kind_maker(kind, dict(settings), rules) for kind, settings in rules.extensions
        ]
        for make in self.makers:
            make()  # the factory checks its settings now, so that a bad one stops scoring up front
        self.clauses = {c.id for c in rules.clauses}
        self._plugin: dict[str, _Entry] = {}
        # Every way of writing a name (key or label) → its key, for resolving events.
        self.channel_keys = {n: ch.key for ch in rules.channels for n in (ch.key, ch.label)}
        self.level_keys = {n: lv.key for lv in rules.levels for n in (lv.key, lv.label)}
        self.category_keys = {n: c.key for c in rules.categories for n in (c.key, c.label)}
        self.leader_keys = {n: lv.key for lv in instruction.levels for n in (lv.key, lv.label)}
        self.topics = {t.key for t in rules.topics}

    def plugin(self, clause: str) -> _Entry:
        """The entry of a booking by a plug-in rule under ``clause``.

        Raises:
            _Misbooked: the version has no such clause.
        """
        entry = self._plugin.get(clause)
        if entry is None:
            if clause not in self.clauses:  # a text: book checked its type first
                raise _Misbooked(
                    f"it booked under the clause {repr(clause)[:80]},"
                    f" which rule set {self.rules.id!r} does not declare"
                )
            entry = self._plugin[clause] = _Entry("plugin", clause)
        return entry

    def unknown(self, what: str, written: str) -> _Rejected:
        """The rejection of an event naming a channel, level or category this version does not know."""
        values: tuple[Any, ...] = {
            "channel": self.rules.channels,
            "level": self.rules.levels,
            "category": self.rules.categories,
            "leader level": self.rules.instruction.levels,
        }[what]
        known = ", ".join(v.key for v in values)
        return _Rejected(f"unknown {what} {_shown(written)}; rule set {self.rules.id} knows: {known}")


class _Refused:
    """An event that cannot be counted whatever else happens (outside the year, an unknown name)."""

    __slots__ = ("reason", "row")

    def __init__(self, row: Row, reason: str) -> None:
        self.row = row
        self.reason = reason


class _Run:
    """What one scoring run decides once: versions, the target table, the year, the as-of date."""

    def __init__(self, timeline: Timeline, quotas: QuotaTable, year: int, as_of: dt.date, places: Places):
        self.timeline = timeline
        self.quotas = quotas
        self.year = year
        self.as_of = as_of
        self.places = places
        self.versions = {v.id: _Version(v, quotas) for v in timeline.versions}
        self.first = self.versions[timeline.versions[0].id]
        self.units = {u.name: u for u in quotas.units}
        self._at: dict[dt.date, _Version | None] = {}
        self._days: dict[dt.date, _Version | str] = {}
        self._unit_names: dict[str, str] = {}
        self.extended = any(v.makers for v in self.versions.values())

    def version_at(self, day: dt.date) -> _Version | None:
        if day in self._at:
            return self._at[day]
        rules = self.timeline.at(day)
        version = self._at[day] = None if rules is None else self.versions[rules.id]
        return version

    def _day(self, day: dt.date) -> _Version | str:
        """The version an event of ``day`` is scored by, or why none is."""
        version: _Version | str | None
        if day.year != self.year:
            version = f"dated {day}, outside the assessment year {self.year}"
        else:
            version = self.version_at(day)
            if version is None:
                version = f"dated {day}, when no rule-set version of {self.timeline.id} is in force"
        self._days[day] = version
        return version

    def _unit(self, written: str) -> str:
        found = self.quotas.find(written)
        if found is None:
            table = f"the {self.quotas.year} target table"
            raise _Rejected(f"unknown unit {_shown(written)}: not a name, label or alias of {table}")
        self._unit_names[written] = found.name
        return found.name

    def resolve_or_refuse(self, row: Row) -> Row | _Refused:
        """The row with every name in canonical form, or why it can never count."""
        try:
            return self.resolve(row)
        except _Rejected as exc:
            return _Refused(row, str(exc))

    def resolve(self, row: Row) -> Row:
        """The row with every name in canonical form.

        Raises:
            _Rejected: the event can never count: outside the year, or naming something unknown.
        """
        day, eid, kind, unit, item, a, b, pos = row
        version = self._days.get(day) or self._day(day)
        if isinstance(version, str):
            raise _Rejected(version)
        name = unit
        if unit is not None:
            name = self._unit_names.get(unit) or self._unit(unit)
        if kind == SUBMITTED:
            if a is not None and a not in version.topics:
                form = "expected SECTION.NUMBER of the key points, e.g. 2.14"
                raise _Rejected(f"unknown topic {_shown(a)}: {form}")
        elif kind == ADOPTED:
            a = version.channel_keys.get(a) or _raise(version.unknown("channel", a))
        elif kind == HIGHER_ADOPTED:
            a = version.level_keys.get(a) or _raise(version.unknown("level", a))
        elif kind in (MISSED, LATE):
            a = version.category_keys.get(a) or _raise(version.unknown("category", a))
        elif kind == INSTRUCTED and b is not None:
            b = version.leader_keys.get(b) or _raise(version.unknown("leader level", b))
        if name == unit and a == row[A] and b == row[B]:
            return row
        return (day, eid, kind, name, item, a, b, pos)


def _raise(exc: Exception) -> Any:
    raise exc


# -- the fold -----------------------------------------------------------------------------------


class _Tally:
    """One unit's running figures during the fold, and its bookings: four slots each."""

    __slots__ = (
        "adopted",
        "book",
        "capped_on",
        "errors",
        "excellent",
        "false_reports",
        "late",
        "missed",
        "month_points",
        "occurrences",
        "submitted",
        "unanswered",
        "unit",
        "year_points",
    )

    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self.submitted = 0
        self.adopted = 0
        # Points earned toward the cap: in the year, and in each month (1 to 12) for monthly caps.
        self.year_points = _ZERO
        self.month_points = [_ZERO] * 13
        self.book: list[Any] = []
        self.occurrences: dict[tuple[str, str], int] = {}
        self.missed: dict[str, int] = {}
        self.late: dict[str, int] = {}
        self.errors = 0
        self.false_reports = 0
        self.excellent = 0
        self.unanswered = 0
        self.capped_on: dt.date | None = None


class _Item:
    """An item's history during the fold, once anything beyond its submission happened to it.

    Until then (and most items never go further) the fold keeps only ``(tally, earned)``, or
    just the tally when the item earned nothing (a submission past the cap).
    """

    __slots__ = (
        "best",
        "channels",
        "counted",
        "earned",
        "eligible",
        "false",
        "instructed",
        "levels",
        "tally",
    )

    def __init__(self, tally: _Tally, earned: Decimal) -> None:
        self.tally = tally
        # Channels, leader levels and higher-office levels seen, as short tuples: most items
        # have none or one, and a million empty sets would cost hundreds of megabytes.
        self.channels: tuple[str, ...] = ()
        self.counted = False
        self.eligible = False
        self.instructed: tuple[str, ...] = ()
        self.levels: tuple[str, ...] = ()
        self.false = False
        self.earned = earned
        self.best = _ZERO


class _Commission:
    """A commission's state during the fold."""

    __slots__ = ("answer", "row", "tally")

    def __init__(self, row: Row, tally: _Tally) -> None:
        self.row = row
        self.tally = tally
        self.answer: Row | None = None


class _Fold:
    """The state of one fold and one handler per event type."""

    def __init__(self, run: _Run) -> None:
        self.run = run
        self.tallies: dict[str, _Tally] = {u.name: _Tally(u) for u in run.quotas.units}
        self.items: dict[str, _Item | tuple[_Tally, Decimal] | _Tally] = {}
        self.commissions: dict[str, _Commission] = {}
        self.v = run.first
        # This fold's own instances of the plug-in rule kinds, by version, made on first use.
        self.kinds: dict[str, list[RuleKind]] = {}
        # What is wrong with the bookings of the on_event call running now (see apply_kind).
        self.calling: list[str] | None = None

    def handlers(self) -> tuple[Callable[[Row], None], ...]:
        """One handler per event type, in kind order (see ``_rows.KINDS``).

        Made for each fold rather than kept, so that the fold holds no cycle of references and
        is freed as soon as the last result that uses it is.
        """
        return (
            self.commissioned,
            self.submitted,
            self.adopted,
            self.instructed,
            self.higher_adopted,
            self.missed,
            self.reported_late,
            self.error_found,
            self.found_false,
            self.selected_excellent,
        )

    def extend(self, row: Row) -> None:
        """Let the plug-in rules of the version in force see the event, after the built-in rules.

        Raises:
            PluginError: a rule kind raised, or booked what cannot be booked (a float, NaN, an
                undeclared clause…); the message names the rule kind, its plug-in and the event.
        """
        item = self.item(row[ITEM]) if row[ITEM] is not None else None
        tally = self.tallies[row[UNIT]] if row[UNIT] is not None else None if item is None else item.tally
        if tally is None:
            return
        origin = self.run.places.origin(row[POS])
        event = event_of(row, origin)
        version = self.v
        instances = self.kinds.get(version.rules.id)
        if instances is None:
            instances = self.kinds[version.rules.id] = [make() for make in version.makers]
        for make, instance in zip(version.makers, instances, strict=True):
            self.apply_kind(make, instance, event, tally, row, item, origin)

    def apply_kind(
        self,
        make: RuleKindMaker,
        instance: RuleKind,
        event: Event,
        tally: _Tally,
        row: Row,
        item: _Item | None,
        origin: Any,
    ) -> None:
        """Call one rule kind's ``on_event`` with a ``book`` that checks every booking.

        Whatever is wrong with a booking is recorded before ``book`` raises, so that it stops
        scoring even when the rule kind catches the error: a wrong argument of any type, or a
        booking made after its ``on_event`` call returned (with a ``book`` kept from an earlier
        event), which is recorded against the call running now.
        """
        version = self.v
        wrong: list[str] = []
        live = [True]

        def book(clause: Any, points: Any, reason: Any = "") -> None:
            try:
                if not live[0]:
                    raise _Misbooked(
                        "it booked after its on_event call had returned, with the book of an earlier event;"
                        " book only while on_event runs"
                    )
                if clause.__class__ is not str:
                    raise _Misbooked(f"it booked under a clause that is not text: {type(clause).__name__}")
                problem = figure_problem(points)
                if problem is not None:
                    raise _Misbooked(f"it booked points that are not a figure: {problem}")
                if reason.__class__ is not str:
                    raise _Misbooked(f"it gave a reason that is not text: {type(reason).__name__}")
                entry = version.plugin(clause)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # every check that fails, however, is recorded
                misbooked = exc if isinstance(exc, _Misbooked) else None
                if misbooked is None:
                    misbooked = _Misbooked(f"its booking could not be checked: {failure(exc)}")
                record = wrong if live[0] else self.calling
                if record is not None:
                    record.append(str(misbooked))
                if misbooked is exc:
                    raise
                raise misbooked from exc
            self.book(tally, row, entry, Decimal(points), reason, item)

        outer, self.calling = self.calling, wrong
        try:
            instance.on_event(event, tally.unit, book)
        except KeyboardInterrupt:
            raise
        except _Misbooked as exc:  # recorded by book already, unless it was a book of another fold
            if not wrong:
                wrong.append(str(exc))
        except BaseException as exc:  # sys.exit() too: a rule kind never ends the command
            if not wrong:
                wrong.append(f"on_event {raised(exc)}")
        finally:
            live[0] = False
            self.calling = outer
        if wrong:  # even when the rule kind caught the error itself: nothing is booked silently wrong
            where = f" ({origin})" if origin is not None else ""
            raise PluginError(
                f"{make.name}, for rule set {version.rules.id!r}, on event {row[ID]!r}{where}: {wrong[0]}"
            )

    # -- helpers ------------------------------------------------------------------------------

    @staticmethod
    def book(
        tally: _Tally, row: Row, entry: _Entry, points: Decimal, detail: Any = None, item: _Item | None = None
    ) -> None:
        """Book ``points`` for the event ``row`` under ``entry``; ``item`` earns them (for a revocation)."""
        tally.book += (row, entry, points, detail)
        if item is not None:
            item.earned += points

    def item(self, item_id: str) -> _Item | None:
        """An item's history, made in full the first time anything follows its submission."""
        item = self.items.get(item_id)
        if item.__class__ is tuple:
            item = self.items[item_id] = _Item(*item)
        elif item.__class__ is _Tally:
            item = self.items[item_id] = _Item(item, _ZERO)
        return item  # type: ignore[return-value]

    def item_of(self, row: Row) -> _Item:
        item = self.item(row[ITEM])
        if item is None:
            raise _Rejected(f"item {_shown(row[ITEM])} has not been submitted on or before {row[DATE]}")
        unit = row[UNIT]
        if unit is not None and unit != item.tally.unit.name:
            raise _Rejected(f"item {_shown(row[ITEM])} was submitted by {item.tally.unit.name}, not {unit}")
        return item

    @staticmethod
    def occurrence(tally: _Tally, kind: str, key: str) -> int:
        """Count one more occurrence of ``kind`` for the unit this year; return its number."""
        n = tally.occurrences[(kind, key)] = tally.occurrences.get((kind, key), 0) + 1
        return n

    # -- handlers -----------------------------------------------------------------------------

    def commissioned(self, row: Row) -> None:
        cid = row[A]
        if cid in self.commissions:
            raise _Rejected(f"commission {_shown(cid)} was already issued")
        self.commissions[cid] = _Commission(row, self.tallies[row[UNIT]])

    def submitted(self, row: Row) -> None:
        day, _, _, unit, item_id, _, cid, _ = row
        if item_id in self.items:
            raise _Rejected(f"item {_shown(item_id)} was already submitted")
        tally = self.tallies[unit]
        commission = None
        if cid is not None:
            commission = self.commissions.get(cid)
            if commission is None:
                raise _Rejected(f"commission {_shown(cid)} is unknown on {day}")
            if commission.tally is not tally:
                issued = commission.tally.unit.name
                raise _Rejected(f"commission {_shown(cid)} was issued to {issued}, not {unit}")
            if commission.answer is not None:
                answer = commission.answer[ID]
                raise _Rejected(f"commission {_shown(cid)} was already answered by event {answer}")
            commission.answer = row
        tally.submitted += 1
        v = self.v
        cap, note = v.caps[unit]
        month = day.month
        points = v.points
        if cap is not None:
            room = cap - (tally.month_points[month] if v.monthly else tally.year_points)
            if room < points:
                points = room if room > _ZERO else _ZERO
                if tally.capped_on is None:
                    tally.capped_on = day
            else:
                note = ""
        # Both counts run on whatever this version's period, for a later version with the other one.
        if points:  # past the cap, nothing to add
            tally.year_points += points
            tally.month_points[month] += points
        tally.book += (row, v.submitted, points, note or None)
        earned = points
        if commission is not None:
            due = commission.row[B]
            if day <= due:
                tally.book += (row, v.on_time, v.on_time_points, due)
                earned += v.on_time_points
            else:
                # Booked, and scored, as an unanswered commission would be: the day after it was due.
                late = self.run.version_at(due + _DAY) or v
                tally.book += (row, late.answered_late, late.late_points, due)
        self.items[item_id] = (tally, earned) if earned else tally

    def adopted(self, row: Row) -> None:
        item = self.item_of(row)
        v = self.v
        channel, counted_entry, entry = v.channels[row[A]]
        if channel.key in item.channels:
            by = f"{channel.key} ({channel.label})"
            raise _Rejected(f"item {_shown(row[ITEM])} was already adopted by {by}")
        item.channels += (channel.key,)
        if channel.instruction_eligible:
            item.eligible = True
        if channel.counts_toward_target and (v.counts_adoptions or not item.counted):
            item.counted = True
            item.tally.adopted += 1
            entry = counted_entry
        points = channel.award(row[B])
        note = None
        best = item.best
        if points > best:
            item.best = points  # kept under every version, for a later "highest" one
        if v.highest:
            # Only the best adoption of an item counts: book what it adds over the best so far.
            gain = points - best if points > best else _ZERO
            if gain < points:
                note = (
                    f" (only the highest adoption counts: +{format_points(gain)} over {format_points(best)})"
                )
            points = gain
        self.plus(item, row, entry, points, note)

    def plus(self, item: _Item, row: Row, entry: _Entry, points: Decimal, note: str | None) -> None:
        if item.false and self.v.false_rule.revokes_points:
            points, note = _ZERO, (note or "") + " (item found false: earns nothing)"
        self.book(item.tally, row, entry, points, note, item)

    def instructed(self, row: Row) -> None:
        item = self.item_of(row)
        v = self.v
        if v.requires_adoption and not item.eligible:
            raise _Rejected(
                f"item {_shown(row[ITEM])} has not been adopted by {v.eligible} on or before {row[DATE]}"
            )
        level, entry, again = v.leaders[row[B] or v.default_leader]
        if level.key in item.instructed:
            self.book(item.tally, row, again, _ZERO)
            return
        item.instructed += (level.key,)
        self.plus(item, row, entry, level.points, None)

    def higher_adopted(self, row: Row) -> None:
        item = self.item_of(row)
        level, entry, again = self.v.levels[row[A]]
        if level.key in item.levels:
            self.book(item.tally, row, again, _ZERO)
            return
        item.levels += (level.key,)
        self.plus(item, row, entry, level.points, None)

    def _deduct(self, row: Row, kind: str) -> None:
        tally = self.tallies[row[UNIT]]
        category, missed, late = self.v.categories[row[A]]
        n = self.occurrence(tally, kind, category.key)
        counts = tally.missed if kind == "missed" else tally.late
        counts[category.key] = counts.get(category.key, 0) + 1
        schedule, entry = (category.missed, missed) if kind == "missed" else (category.late, late)
        self.book(tally, row, entry, schedule.nth(n), n)

    def missed(self, row: Row) -> None:
        self._deduct(row, "missed")

    def reported_late(self, row: Row) -> None:
        self._deduct(row, "late")

    def error_found(self, row: Row) -> None:
        item = self.item_of(row)
        tally = item.tally
        tally.errors += 1
        n = self.occurrence(tally, "error", "")
        self.book(tally, row, self.v.error, self.v.error_schedule.nth(n))

    def found_false(self, row: Row) -> None:
        item = self.item_of(row)
        v = self.v
        rule = v.false_rule
        if item.false and rule.once_per_item:
            self.book(item.tally, row, v.false_again, _ZERO)
            return
        item.tally.false_reports += 1
        if rule.revokes_points and not item.false and item.earned:
            self.book(item.tally, row, v.false_revoke, -item.earned)
        item.false = True
        self.book(item.tally, row, v.false, rule.points)

    def selected_excellent(self, row: Row) -> None:
        item = self.item_of(row)
        item.tally.excellent += 1
        self.book(item.tally, row, self.v.excellent, self.v.excellent_points, None, item)

    # -- the end of the run ---------------------------------------------------------------------

    def close(self, as_of: dt.date) -> dict[str, list[CommissionStatus]]:
        """Judge every commission against ``as_of``; return every commission's status by unit."""
        statuses: dict[str, list[CommissionStatus]] = {}
        for cid in sorted(self.commissions):
            c = self.commissions[cid]
            row, answer, tally = c.row, c.answer, c.tally
            due = row[B]
            if answer is not None:
                outcome = "on_time" if answer[DATE] <= due else "late"
            elif due < as_of:
                outcome = "unanswered"
                tally.unanswered += 1
                v = self.run.version_at(due + _DAY) or self.v
                self.book(tally, row, v.unanswered, v.unanswered_points)
            else:
                outcome = "pending"
                v = self.run.version_at(as_of) or self.v
                self.book(tally, row, v.pending, _ZERO)
            statuses.setdefault(tally.unit.name, []).append(
                CommissionStatus(
                    commission=cid,
                    event=row[ID],
                    issued=row[DATE],
                    due=due,
                    outcome=outcome,
                    answered=None if answer is None else answer[DATE],
                    answer=None if answer is None else answer[ID],
                )
            )
        return statuses


class _Folded:
    """What folding a set of events gave: every unit's tallies, commissions and the rejections."""

    def __init__(self, run: _Run, days: _Days) -> None:
        self.fold = fold = _Fold(run)
        self.rejections: list[Rejection] = []
        rejected = self.rejections.append
        origin = run.places.origin
        handlers = fold.handlers()
        resolve = run.resolve  # names in canonical form; a row resolved already stays as it is
        extended = run.extended
        count = 0
        # By date, then phase, then id: each day's lists are sorted by id.
        for day in sorted(days):
            fold.v = run.version_at(day) or run.first
            extensions = extended and fold.v.makers
            for rows in days.pop(day):
                rows.sort(key=_BY_ID)
                count += len(rows)
                for row in rows:
                    try:
                        row = resolve(row)  # the same event, its names in canonical form
                        handlers[row[KIND]](row)
                    except _Rejected as exc:
                        rejected(Rejection(origin(row[POS]), row[ID], str(exc)))
                        continue
                    if extensions:
                        fold.extend(row)
        self.ok = count - len(self.rejections)
        self.commissions = fold.close(run.as_of)


# -- results ------------------------------------------------------------------------------------


class _UnitBook:
    """A unit's bookings, turned into ledger lines when they are read."""

    def __init__(self, book: list[Any], tail: tuple[LedgerLine, ...]) -> None:
        self._book = book
        self._tail = tail

    def lines(self) -> tuple[LedgerLine, ...]:
        lines = []
        it = iter(self._book)
        for row, entry, points, detail in zip(it, it, it, it, strict=True):
            day = entry.day(row, detail)
            line = LedgerLine(
                day,
                row[ID],
                entry.clause,
                points,
                entry.reason(row, points, detail),
                row[ITEM],
                entry.tally,
                entry.key(row),
            )
            lines.append(((day, PHASE[row[KIND]], row[ID]), line))
        lines.sort(key=itemgetter(0))  # stable: an event's lines keep the order they were booked in
        return tuple(line for _, line in lines) + self._tail

    def entries(
        self, tally: str | None = None
    ) -> Iterator[tuple[dt.date, Decimal, str | None, str | None, str, str | None]]:
        it = iter(self._book)
        if tally is not None:
            for row, entry, points, _ in zip(it, it, it, it, strict=True):
                if entry.tally == tally:
                    yield row[DATE], points, tally, entry.key(row), row[ID], row[ITEM]
            for line in self._tail:
                if line.tally == tally:
                    yield line.date, line.points, line.tally, line.key, line.event, line.item
            return
        for row, entry, points, detail in zip(it, it, it, it, strict=True):
            tally = entry.tally
            if tally is None:  # most lines of most ledgers: no count moved, no key, the event's date
                day = entry.day(row, detail) if entry.code in _SHIFTED else row[DATE]
                yield day, points, None, None, row[ID], row[ITEM]
            else:
                yield row[DATE], points, tally, entry.key(row), row[ID], row[ITEM]
        for line in self._tail:
            yield line.date, line.points, line.tally, line.key, line.event, line.item


class _Shape:
    """What the results of one timeline share: clause ids, categories, the closing version."""

    def __init__(self, timeline: Timeline, as_of: dt.date) -> None:
        self.closing = timeline.at(as_of) or timeline.versions[-1]
        self.clause_ids = list(dict.fromkeys(c.id for v in timeline.versions for c in v.clauses))
        self.categories = list(dict.fromkeys(c.key for v in timeline.versions for c in v.categories))
        self.as_of = as_of

    def unit(self, unit: Unit, folded: _Folded) -> UnitResult:
        tally = folded.fold.tallies[unit.name]
        rules = self.closing
        sums: dict[str, Decimal] = dict.fromkeys(self.clause_ids, _ZERO)
        by_entry: dict[_Entry, Decimal] = {}
        book = tally.book
        for entry, points in zip(book[1::4], book[2::4], strict=True):
            by_entry[entry] = by_entry.get(entry, _ZERO) + points
        for entry, points in by_entry.items():
            sums[entry.clause] = sums.get(entry.clause, _ZERO) + points
        total = sum(sums.values(), _ZERO)
        tail: tuple[LedgerLine, ...] = ()
        if rules.floor is not None and total < rules.floor.points:
            # The floor is a ledger line too, so that the total stays the sum of the ledger.
            lift = rules.floor.points - total
            reason = (
                f"score {format_points(total)} raised to the floor of {format_points(rules.floor.points)}"
            )
            tail = (LedgerLine(self.as_of, "-", rules.floor.clause, lift, reason),)
            sums[rules.floor.clause] = sums.get(rules.floor.clause, _ZERO) + lift
            total = rules.floor.points
        return UnitResult(
            unit=unit,
            submitted=tally.submitted,
            adopted=tally.adopted,
            score=total,
            breakdown=tuple(sums.items()),
            ledger=Ledger.of(_UnitBook(book, tail)),
            missed=tuple((c, tally.missed.get(c, 0)) for c in self.categories),
            late=tuple((c, tally.late.get(c, 0)) for c in self.categories),
            errors=tally.errors,
            false_reports=tally.false_reports,
            excellent=tally.excellent,
            commissions=tuple(folded.commissions.get(unit.name, ())),
            disqualified=_disqualified(tally, rules),
            capped_on=tally.capped_on,
        )


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


# -- scoring ------------------------------------------------------------------------------------


def _setup(
    rules: RuleSet | Timeline | None, quotas: QuotaTable | None, year: int | None, as_of: dt.date | None
) -> tuple[Timeline, QuotaTable, int, dt.date]:
    """Decide once: the timeline, the target table, the year and the as-of date of a run.

    Raises:
        ArgumentTypeError: an argument of the wrong type, named.
        ArgumentError: a year outside 1–9999, an as-of date outside the year.
    """
    if rules is not None:
        hint = (
            " (a version by its id: chengdu_infoscore.rules.registry.rule_set(id))"
            if isinstance(rules, str)
            else ""
        )
        need("rules", rules, (RuleSet, Timeline), "a RuleSet, a Timeline or None", hint)
    if quotas is not None:
        need("quotas", quotas, QuotaTable, "a QuotaTable or None (load_quotas(year) gives one)")
    if year is not None:
        need_int("year", year, 1, 9999, "a year (int), such as 2007")
    if as_of is not None:
        need_date("as_of", as_of)
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


def _copy_key(copy: Row | _Refused) -> Row:
    return copy.row[:POS] if isinstance(copy, _Refused) else copy[:POS]


def _pos(copy: Row | _Refused) -> int:
    pos: int = copy.row[POS] if isinstance(copy, _Refused) else copy[POS]
    return pos


#: How many places of a repeated id a rejection names; the rest are counted, so that thousands
#: of copies of one id give messages of bounded length, not a list of every place in each.
_PLACES_SHOWN = 3


def _places_text(origins: Iterable[Origin | None]) -> str:
    """Where an id occurs, in file and line order: the first few places, then how many more."""
    unique = sorted(set(origins), key=lambda o: (0, "", 0) if o is None else (1, o.file, o.line))
    shown = ", ".join("<api>" if o is None else str(o) for o in unique[:_PLACES_SHOWN])
    more = len(unique) - _PLACES_SHOWN
    return f"{shown} and {more} more place{'s' if more > 1 else ''}" if more > 0 else shown


def _conflict(
    eid: str, copies: list[Row | _Refused], places: Places, unreadable: Sequence[Origin | None] = ()
) -> list[Rejection] | None:
    """Every copy rejected when copies of one id differ in content; ``None`` when they agree.

    ``unreadable`` are the places of records with this id that the reader rejected (a date
    that is no date, an unknown field…). Such a record is a copy with other content too: which
    copy is right is not ours to guess, so a valid copy beside it is rejected as well. The
    unreadable copies keep the reader's own reason.
    """
    if not unreadable and len({_copy_key(c) for c in copies}) == 1:
        return None
    origins = [places.origin(_pos(c)) for c in copies]
    where = _places_text([*origins, *unreadable])
    reason = f"the id {_shown(eid)} is used by different records (at {where})"
    return [Rejection(o, eid, reason) for o in origins]


def _unreadable(rejections: Iterable[Rejection]) -> dict[str, list[Origin | None]]:
    """The ids of records a reader rejected, with where each was read."""
    ids: dict[str, list[Origin | None]] = {}
    for r in rejections:
        if r.event is not None:
            ids.setdefault(r.event, []).append(r.origin)
    return ids


def _first(copies: list[Row | _Refused], places: Places) -> Row | _Refused:
    """Of identical copies, the one read first (by file and line)."""
    return min(copies, key=lambda c: places.where_key(_pos(c)))


def _provenance(
    timeline: Timeline, quotas: QuotaTable, prints: int, count: int, as_of: dt.date
) -> Provenance:
    return Provenance(
        library=library_version(),
        rules=tuple(
            RuleStamp(v.id, v.digest, v.origin, *timeline.span(i)) for i, v in enumerate(timeline.versions)
        ),
        targets_year=quotas.year,
        targets_digest=quotas_digest(quotas),
        events_digest=f"{prints % _MODULUS:064x}",
        events=count,
        as_of=as_of,
        plugin_problems=tuple(str(p) for p in plugin_problems()),
    )


_KINDS = tuple(EVENT_TYPES.values())


def _rows_of(events: Iterable[Event], places: Places) -> list[Row]:
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


def _rejections_of(rejected: Iterable[Rejection]) -> list[Rejection]:
    def wrong() -> str:
        return f"rejected must be an iterable of Rejection, not {describe(rejected)}"

    found = list(many(rejected, (str, bytes), wrong, wrong))
    for i, r in enumerate(found):
        need(f"rejected[{i}]", r, Rejection, "a Rejection")
    return found


def _rejection_order(r: Rejection) -> tuple[int, str, int, str]:
    return (0, "", 0, r.event or "") if r.origin is None else (1, r.origin.file, r.origin.line, r.event or "")


def score(
    events: Iterable[Event] | ReadResult,
    *,
    rules: RuleSet | Timeline | None = None,
    quotas: QuotaTable | None = None,
    year: int | None = None,
    as_of: dt.date | None = None,
    rejected: Iterable[Rejection] = (),
) -> Results:
    """Score a reporting year.

    Args:
        events: the events, in any order; repeats of an identical event count once; a
            :class:`~.events.Withdrawn` among them takes the event it names out. Or what
            :func:`~.readers.read_events` gave, whose rejections are then carried too (the
            quickest way to score a file).
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
        TypeError: an argument of the wrong type (:class:`~.exceptions.ArgumentTypeError`, naming
            it): ``as_of`` as a text or a datetime, ``year`` as a text, ``None`` or a path among
            the events, ``rules`` that is not a rule set or timeline.
        ValueError: ``as_of`` is outside ``year``, ``year`` outside 1–9999, or the table is for
            another year.
        UnknownYearError: no data is known for ``year`` and none was given.
        InfoscoreError: a version uses a plug-in rule kind that is not installed.
    """
    timeline, quotas, year, as_of = _setup(rules, quotas, year, as_of)
    with quiet_collector():
        if isinstance(events, ReadResult):
            rows, places, prints = events._rows, events._places, events._prints
            reader = list(events.rejections)
        else:
            places = Places()
            rows = _rows_of(events, places)
            prints = sum(map(fingerprint, rows))
            reader = []
        more_rejected = _rejections_of(rejected)
        prints += sum(rejection_fingerprint(r.reason) for r in more_rejected)
        reader += more_rejected
        read = len(rows) + len(reader)
        rows, reader, withdrawn = in_force(rows, places, reader)  # withdrawals leave, with what they withdraw
        run = _Run(timeline, quotas, year, as_of, places)
        days, rejections, repeats, after = _select(run, rows, _unreadable(reader))
        rejections = reader + rejections
        folded = _Folded(run, days)
        rejections += folded.rejections
        rejections.sort(key=_rejection_order)
        shape = _Shape(timeline, as_of)
        return Results(
            provenance=_provenance(timeline, quotas, prints, read, as_of),
            year=year,
            as_of=as_of,
            rules=timeline.id,
            units=tuple(shape.unit(u, folded) for u in quotas),
            rejections=tuple(rejections),
            read=read,
            counted=folded.ok,
            repeats=repeats,
            after_as_of=after,
            withdrawn=withdrawn,
            quotas=quotas,
        )


_Days = dict[dt.date, tuple[list[Row], list[Row], list[Row], list[Row]]]


def _select(
    run: _Run, rows: Sequence[Row], unreadable: Mapping[str, Sequence[Origin | None]]
) -> tuple[_Days, list[Rejection], int, int]:
    """The rows to fold, by day and phase (see :func:`_by_day`); the rejections; the number of
    repeats and of rows dated after ``as_of``.

    When every id is unique (the usual case) rows are only put in order: each is resolved as it
    is folded. Otherwise every row is resolved first and grouped by id: identical content is a
    repeat; different content, or a copy the reader could not read (``unreadable``: id → places),
    makes every copy of that id an error (which copy is right is not ours to guess).
    """
    ids = list(map(_BY_ID, rows))
    unique = set(ids)
    if len(unique) == len(ids) and unique.isdisjoint(unreadable):
        return _unique(run, rows)
    del unique
    resolved = list(map(run.resolve_or_refuse, rows))
    kept: dict[str, Row | _Refused] = {}
    more: dict[str, list[Row | _Refused]] = {}  # ids given more than once, or also unreadable: every copy
    for eid, copy in zip(ids, resolved, strict=True):
        if kept.setdefault(eid, copy) is not copy:
            more.setdefault(eid, [kept[eid]]).append(copy)
        elif eid in unreadable:
            more[eid] = [copy]
    counted: list[Row] = []
    rejections: list[Rejection] = []
    repeats = after = 0
    as_of, places = run.as_of, run.places
    for eid, got in kept.items():
        copies = more.get(eid)
        if copies is not None:
            conflict = _conflict(eid, copies, places, unreadable.get(eid, ()))
            if conflict is not None:
                rejections += conflict
                continue
            repeats += len(copies) - 1
            got = _first(copies, places)
        if isinstance(got, _Refused):
            rejections.append(Rejection(places.origin(got.row[POS]), eid, got.reason))
        elif got[DATE] > as_of:
            after += 1
        else:
            counted.append(got)
    return _by_day(counted), rejections, repeats, after


def _unique(run: _Run, rows: Sequence[Row]) -> tuple[_Days, list[Rejection], int, int]:
    """:func:`_select` when no id is given twice: rows dated after ``as_of`` are resolved only to
    tell a valid one (not counted yet) from one that can never count (rejected)."""
    later = [row for row in rows if row[DATE] > run.as_of]  # none when as of 31 December
    rejections = [
        Rejection(run.places.origin(refused.row[POS]), refused.row[ID], refused.reason)
        for refused in map(run.resolve_or_refuse, later)
        if isinstance(refused, _Refused)
    ]
    if later:
        rows = [row for row in rows if row[DATE] <= run.as_of]
    return _by_day(rows), rejections, 0, len(later) - len(rejections)


def _by_day(rows: Iterable[Row]) -> _Days:
    """Rows in one list per day and phase (commissions, submissions, adoptions, the rest)."""
    days: _Days = {}
    for row in rows:
        phases = days.get(row[DATE])
        if phases is None:
            phases = days[row[DATE]] = ([], [], [], [])
        phases[PHASE[row[KIND]]].append(row)
    return days


class Scorer:
    """Incremental scoring: an engine state that takes events as they arrive and gives updated results.

    Events interact only through a unit (its caps and counts), an item or a commission; the
    scorer keeps the events in clusters joined by those links (usually one cluster a unit) and,
    when results are asked for, folds again only the clusters that received events since — an
    event dated before everything already seen re-folds its unit, not the log. The results are
    exactly those of :func:`score` on all events received so far.

    Thread-safe: :meth:`add` and :meth:`results` may be called from several threads at once (a
    web handler adding what arrives, a nightly job asking for results). They change and read one
    shared state — the clusters, the folds kept for them, the as-of date of the last results —
    so an internal lock lets one call in at a time: a call of :meth:`results` sees every batch
    whose :meth:`add` returned before it, and none of a batch still being added. Checking and
    reading a batch, and reading the ledgers of results already given, happen outside the lock.
    :attr:`refolded` tells what the last call of :meth:`results`, from whichever thread, folded.

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
        self._timeline, self._quotas, self._year, as_of = _setup(rules, quotas, year, None)
        self._places = Places()
        self._run = _Run(self._timeline, self._quotas, self._year, as_of, self._places)
        self._copies: dict[str, list[Row | _Refused]] = {}
        self._reader: list[Rejection] = []
        self._unreadable: dict[str, list[Origin | None]] = {}  # ids of records a reader rejected
        self._parent: dict[str, str] = {}
        self._members: dict[str, set[str]] = {}
        self._dirty: set[str] = set()
        self._cache: dict[str, tuple[_Folded, int]] = {}
        self._as_of: dt.date | None = None
        self._prints = 0
        self._count = 0
        #: The units whose clusters the last call of :meth:`results` folded again.
        self.refolded: tuple[str, ...] = ()
        # One add or results at a time: each sees the scorer between calls, never inside one.
        self._lock = threading.RLock()

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
    def _links(row: Row) -> list[str]:
        commission = row[A] if row[KIND] == COMMISSIONED else row[B] if row[KIND] == SUBMITTED else None
        keys = []
        for prefix, value in (("u:", row[UNIT]), ("i:", row[ITEM]), ("c:", commission)):
            if value is not None:
                keys.append(prefix + value)
        return keys

    def _place(self, eid: str, row: Row) -> None:
        keys = self._links(row)
        root = self._find(keys[0])
        for key in keys[1:]:
            root = self._union(root, key)
        self._members.setdefault(root, set()).add(eid)
        self._cache.pop(root, None)
        self._dirty.add(root)

    def _unplace(self, eid: str, row: Row) -> None:
        root = self._find(self._links(row)[0])
        self._members.get(root, set()).discard(eid)
        self._cache.pop(root, None)
        self._dirty.add(root)

    def _state(self, eid: str) -> Row | _Refused | None:
        """What an id stands for now: the row to count, a refusal, or ``None`` (a conflict)."""
        copies = self._copies.get(eid)
        if not copies or eid in self._unreadable:
            return None
        if len(copies) > 1 and _conflict(eid, copies, self._places) is not None:
            return None
        return _first(copies, self._places)

    # -- the public side ------------------------------------------------------------------------

    def add(self, events: Iterable[Event] | ReadResult, rejected: Iterable[Rejection] = ()) -> None:
        """Take newly arrived events (and records a reader rejected), in any order.

        ``events`` may be what :func:`~.readers.read_events` gave, rejections included. A batch is
        taken whole, or not at all when an argument is wrong.

        Raises:
            TypeError: something in ``events`` is not an event, or in ``rejected`` not a
                :class:`~.results.Rejection` (:class:`~.exceptions.ArgumentTypeError`, naming it).
        """
        if isinstance(events, ReadResult):
            rows, places, prints = events._rows, events._places, events._prints
            reader = list(events.rejections)
        else:
            places = Places()
            rows = _rows_of(events, places)
            prints = sum(map(fingerprint, rows))
            reader = []
        more = _rejections_of(rejected)
        with self._lock:
            if isinstance(events, ReadResult):
                self._places, move = self._places.merged(places)
                self._run.places = self._places
            else:  # each event's origin joins the scorer's places, as it comes
                origin, add_origin = places.origin, self._places.add_origin

                def move(pos: int) -> int:
                    return add_origin(origin(pos))

            self._prints += prints + sum(rejection_fingerprint(r.reason) for r in more)
            self._count += len(rows) + len(reader) + len(more)
            self._take_rejections(reader + more)
            for row in rows:
                row = (*row[:POS], move(row[POS]))
                eid = row[ID]
                before = self._state(eid)
                self._copies.setdefault(eid, []).append(self._run.resolve_or_refuse(row))
                self._moved(eid, before)

    def _moved(self, eid: str, before: Row | _Refused | None) -> None:
        """What is known of ``eid`` changed from ``before``: move it between clusters to match."""
        after = self._state(eid)
        if before.__class__ is tuple and after is not before:
            self._unplace(eid, before)
        if after.__class__ is tuple and after is not before:
            self._place(eid, after)

    def _take_rejections(self, rejections: Sequence[Rejection]) -> None:
        """Records a reader rejected: kept for the results, and their ids spoil every other copy."""
        self._reader += rejections
        for r in rejections:
            if r.event is not None:
                before = self._state(r.event)
                self._unreadable.setdefault(r.event, []).append(r.origin)
                self._moved(r.event, before)

    def results(self, as_of: dt.date | None = None) -> Results:
        """The results of every event received so far, as of a date (default: 31 December).

        Raises:
            TypeError: ``as_of`` is not a :class:`datetime.date` (a text, a datetime).
            ValueError: ``as_of`` is outside the year.
        """
        if as_of is not None:
            need_date("as_of", as_of)
        as_of = dt.date(self._year, 12, 31) if as_of is None else as_of
        if as_of.year != self._year:
            raise ArgumentError(f"the as-of date {as_of} is outside the assessment year {self._year}")
        with self._lock:
            return self._results(as_of)

    def _results(self, as_of: dt.date) -> Results:
        if as_of != self._as_of:
            self._cache.clear()
            self._dirty = {self._find(k) for k in self._members}
            self._as_of = as_of
            self._run.as_of = as_of
        dirty = {self._find(r) for r in self._dirty}
        for root in dirty:
            counted: list[Row] = []
            later = 0
            for eid in self._members.get(root, ()):
                state = self._state(eid)
                assert state.__class__ is tuple
                if state[DATE] > as_of:
                    later += 1
                else:
                    counted.append(state)
            self._cache[root] = (_Folded(self._run, _by_day(counted)), later)
        self._dirty.clear()
        self.refolded = tuple(
            u.name
            for u in self._quotas
            if "u:" + u.name in self._parent and self._find("u:" + u.name) in dirty
        )

        shape = _Shape(self._timeline, as_of)
        empty = _Folded(self._run, {})
        units = []
        for unit in self._quotas:
            key = "u:" + unit.name
            cached = self._cache.get(self._find(key)) if key in self._parent else None
            units.append(shape.unit(unit, cached[0] if cached else empty))
        rejections = list(self._reader)
        repeats = 0
        for eid, copies in self._copies.items():
            unreadable = self._unreadable.get(eid, ())
            conflict = (
                _conflict(eid, copies, self._places, unreadable) if len(copies) > 1 or unreadable else None
            )
            if conflict is not None:
                rejections += conflict
                continue
            repeats += len(copies) - 1
            state = _first(copies, self._places)
            if state.__class__ is not tuple:
                rejections.append(Rejection(self._places.origin(state.row[POS]), eid, state.reason))  # type: ignore[union-attr]
        for folded, _ in self._cache.values():
            rejections += folded.rejections
        rejections.sort(key=_rejection_order)
        return Results(
            provenance=_provenance(self._timeline, self._quotas, self._prints, self._count, as_of),
            year=self._year,
            as_of=as_of,
            rules=self._timeline.id,
            units=tuple(units),
            rejections=tuple(rejections),
            read=self._count,
            counted=sum(folded.ok for folded, _ in self._cache.values()),
            repeats=repeats,
            after_as_of=sum(later for _, later in self._cache.values()),
            quotas=self._quotas,
        )
