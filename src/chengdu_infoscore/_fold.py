"""The fold: one unit's running figures, items and commissions, and one handler per event type."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from types import MethodType
from typing import Any

from ._codecs import (
    ADOPTED,
    CHANNEL,
    DATE,
    DUE,
    ID,
    ITEM,
    KIND,
    PHASE,
    POS,
    SUBMITTED,
    UNIT,
    AdoptedRow,
    CommissionedRow,
    ErrorFoundRow,
    FoundFalseRow,
    Handlers,
    HigherAdoptedRow,
    InstructedRow,
    MissedRow,
    ReportedLateRow,
    Row,
    SelectedExcellentRow,
    SubmittedRow,
    event_of,
)
from ._compiled import BY_ID, DAY, ZERO, BookingKind, CompiledVersion, Misbooked, Rejected, rejected, shown
from ._run import Run
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
from .exceptions import PluginError
from .history import ItemHistory, Period, RuleContext, UnitHistory, UnitLog, _Call, make_events
from .messages import Message
from .quotas import Unit
from .results import CommissionStatus, Rejection, format_points
from .rules import figure_problem
from .rules.registry import (
    RuleKind,
    RuleKindMaker,
    failure,
    raised,
)

#: What a period line names as its event (as the floor's line does), and its kind number: after
#: every event type, so that a period's lines come after the events of its last day.
PERIOD_EVENT = "-"
PERIOD = len(PHASE)

#: Rows to fold, by day, in one list per phase (commissions, submissions, adoptions, the rest).
Days = dict[dt.date, tuple[list[Row], list[Row], list[Row], list[Row]]]


class Tally:
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
        "unit",
        "year_points",
    )

    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self.submitted = 0
        self.adopted = 0
        # Points earned toward the cap: in the year, and in each month (1 to 12) for monthly caps.
        self.year_points = ZERO
        self.month_points = [ZERO] * 13
        self.book: list[Any] = []
        self.occurrences: dict[tuple[str, str], int] = {}
        self.missed: dict[str, int] = {}
        self.late: dict[str, int] = {}
        self.errors = 0
        self.false_reports = 0
        self.excellent = 0
        self.capped_on: dt.date | None = None

    def state(self) -> tuple[Any, ...]:
        """Every running figure, copied, and the length of the book."""
        return (
            self.submitted,
            self.adopted,
            self.year_points,
            list(self.month_points),
            len(self.book),
            dict(self.occurrences),
            dict(self.missed),
            dict(self.late),
            self.errors,
            self.false_reports,
            self.excellent,
            self.capped_on,
        )

    def set_state(self, state: tuple[Any, ...]) -> None:
        """Set back what :meth:`state` gave; the book is cut back into a new list."""
        (
            self.submitted,
            self.adopted,
            self.year_points,
            month_points,
            size,
            occurrences,
            missed,
            late,
            self.errors,
            self.false_reports,
            self.excellent,
            self.capped_on,
        ) = state
        self.month_points = list(month_points)
        self.book = self.book[:size]
        self.occurrences, self.missed, self.late = dict(occurrences), dict(missed), dict(late)


class _TalliesOnDemand(dict[str, Tally]):
    """Tallies made the first time a unit is named: a fold over one unit's events needs no other."""

    def __init__(self, units: dict[str, Unit]) -> None:
        super().__init__()
        self._units = units

    def __missing__(self, name: str) -> Tally:
        tally = self[name] = Tally(self._units[name])
        return tally


class ItemState:
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

    def __init__(self, tally: Tally, earned: Decimal) -> None:
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
        self.best = ZERO

    #: The slots that make an item's state, in the order :meth:`saved` gives them.
    SAVED = ("tally", "earned", "channels", "counted", "eligible", "instructed", "levels", "false", "best")

    def saved(self) -> tuple[Any, ...]:
        """Every slot's value, for :meth:`saved_again` to make the same state again."""
        return (
            self.tally,
            self.earned,
            self.channels,
            self.counted,
            self.eligible,
            self.instructed,
            self.levels,
            self.false,
            self.best,
        )

    @staticmethod
    def saved_again(saved: tuple[Any, ...]) -> ItemState:
        state = ItemState.__new__(ItemState)
        for name, value in zip(ItemState.SAVED, saved, strict=True):
            setattr(state, name, value)
        return state


class CommissionState:
    """A commission's state during the fold: the event that issued it, its unit's tally, and the
    submission that answered it (None while unanswered)."""

    __slots__ = ("answer", "row", "tally")

    def __init__(self, row: CommissionedRow, tally: Tally) -> None:
        self.row = row
        self.tally = tally
        self.answer: SubmittedRow | None = None

    def copy(self) -> CommissionState:
        twin = CommissionState(self.row, self.tally)
        twin.answer = self.answer
        return twin


#: The fold's handlers, registered by event type: ``@handles(Adopted)``.
_handlers: Handlers[Callable[[Fold, Any], None]] = Handlers("Fold")
handles = _handlers.on


class Fold:
    """The state of one fold and one handler per event type."""

    def __init__(self, run: Run, *, every_unit: bool = True) -> None:
        self.run = run
        #: Every unit's tally; or, for a fold over some units only, each made when first used.
        self.tallies: dict[str, Tally] = (
            {u.name: Tally(u) for u in run.quotas.units} if every_unit else _TalliesOnDemand(run.units)
        )
        self.items: dict[str, ItemState | tuple[Tally, Decimal] | Tally] = {}
        self.commissions: dict[str, CommissionState] = {}
        self.v = run.first
        # This fold's own instances of the plug-in rule kinds, by version, made on first use.
        self.kinds: dict[str, list[tuple[RuleKindMaker, RuleKind, bool]]] = {}
        # What is wrong with the bookings of the on_event call running now (see apply_kind).
        self.calling: list[str] | None = None
        # For the rule kinds' history views, kept only when a version has rule kinds (see record):
        # each unit's counted events and counts, and each item's counted events.
        self.logs: dict[str, UnitLog] = {}
        self.item_rows: dict[str, list[Row]] = {}
        self.events_of = make_events(run.places.origin)
        #: The units whose period hooks this fold calls: every unit of the table, or these.
        self.hooked: set[str] | frozenset[str] | None = None
        #: How many period ends of the year have had their hooks called, and the last of them.
        self.ends = 0
        self.hooked_to = dt.date.min

    # -- checkpoints ----------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The state of the fold now, to :meth:`restore` later: every count, item and commission, and
        how far each unit's book has gone. Not for a fold with plug-in rule kinds, whose instances
        keep state of their own."""
        # An item's full history is kept as a 1-tuple of its slots (see ItemState.saved); an item
        # that has only been submitted is kept as it is: (tally, earned) or its tally.
        items = {
            key: (state.saved(),) if isinstance(state, ItemState) else state
            for key, state in self.items.items()
        }
        commissions = {cid: c.copy() for cid, c in self.commissions.items()}
        return Snapshot({name: t.state() for name, t in self.tallies.items()}, items, commissions)

    def size(self) -> int:
        """What a :meth:`snapshot` copies: the fold's items, commissions and units."""
        return len(self.items) + len(self.commissions) + len(self.tallies)

    def restore(self, snapshot: Snapshot) -> None:
        """Put the fold back as it was when ``snapshot`` was taken (the snapshot stays usable).

        Tallies are set back in place, since items refer to them; each book is cut back into a new
        list, so that results made before keep the bookings they were made with.
        """
        for name in [name for name in self.tallies if name not in snapshot.tallies]:
            del self.tallies[name]
        for name, state in snapshot.tallies.items():
            self.tallies[name].set_state(state)
        again = ItemState.saved_again
        self.items = {
            key: again(state[0]) if state.__class__ is tuple and len(state) == 1 else state
            for key, state in snapshot.items.items()
        }
        self.commissions = {cid: c.copy() for cid, c in snapshot.commissions.items()}

    def handlers(self) -> tuple[Callable[[Row], None], ...]:
        """This fold's handler of each scored event type, by kind number (see ``_codecs``).

        Made for each fold rather than kept, so that the fold holds no cycle of references and
        is freed as soon as the last result that uses it is.
        """
        return tuple(MethodType(handler, self) for handler in HANDLERS)

    def record(self, row: Row) -> None:
        """Keep a counted event for the history views (called only when a version has rule kinds,
        for every counted event of the year, whichever version is in force)."""
        item_id = row[ITEM]
        if item_id is not None:
            tally = self.tally_of_item(item_id)
            rows = self.item_rows.get(item_id)
            if rows is None:
                rows = self.item_rows[item_id] = []
            rows.append(row)
        else:
            tally = self.tallies[row[UNIT]]
        name = tally.unit.name
        log = self.logs.get(name)
        if log is None:
            log = self.logs[name] = UnitLog()
        log.rows.append(row)
        kind = row[KIND]
        if kind == SUBMITTED:
            log.submitted[row[DATE].month] += 1
            log.items.append(item_id)
        elif kind == ADOPTED:
            log.channels[row[CHANNEL]] = log.channels.get(row[CHANNEL], 0) + 1
            if tally.adopted > log.adopted_seen:  # this adoption counted toward the target
                log.adopted[row[DATE].month] += tally.adopted - log.adopted_seen
                log.adopted_seen = tally.adopted

    def tally_of_item(self, item_id: str) -> Tally:
        """The tally of the unit that submitted an item."""
        state = self.items[item_id]
        if isinstance(state, Tally):
            return state
        if isinstance(state, tuple):
            return state[0]
        return state.tally

    def instances(self, version: CompiledVersion) -> list[tuple[RuleKindMaker, RuleKind, bool]]:
        """This fold's instances of a version's rule kinds, made on first use, with whether each
        one's ``on_event`` takes the context."""
        instances = self.kinds.get(version.rules.id)
        if instances is None:
            made = []
            for make in version.makers:
                instance = make()
                made.append((make, instance, takes_context(instance.on_event)))
            instances = self.kinds[version.rules.id] = made
        return instances

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
        for make, instance, context in self.instances(version):
            self.apply_kind(make, instance, event, tally, row, item, origin, context)

    def apply_kind(
        self,
        make: RuleKindMaker,
        instance: RuleKind,
        event: Event,
        tally: Tally,
        row: Row,
        item: ItemState | None,
        origin: Any,
        context: bool = False,
    ) -> None:
        """Call one rule kind's ``on_event`` with a ``book`` that checks every booking (and the
        history views when it takes them)."""
        call = _Call("on_event")
        if context:
            unit = UnitHistory(self, tally.unit, call)
            about = ItemHistory(self, row[ITEM], call) if row[ITEM] is not None else None
            ctx = RuleContext(row[DATE], self.v.rules, unit, about, None)
            run = lambda book: instance.on_event(event, tally.unit, book, ctx)  # type: ignore[call-arg]  # noqa: E731
        else:
            run = lambda book: instance.on_event(event, tally.unit, book)  # noqa: E731
        where = f" ({origin})" if origin is not None else ""
        self.call_kind(make, self.v, call, run, tally, row, item, f"on event {row[ID]!r}{where}", None)

    def call_kind(
        self,
        make: RuleKindMaker,
        version: CompiledVersion,
        call: _Call,
        run: Callable[[Callable[..., None]], None],
        tally: Tally,
        row: Row,
        item: ItemState | None,
        where: str,
        period: Period | None,
    ) -> None:
        """Call one rule kind (``run`` calls it with ``book``), with a ``book`` that checks every booking.

        The reason of a line booked by a hook (``period`` given) says the period and the rule kind
        before what the rule kind gave.

        Whatever is wrong with a booking is recorded before ``book`` raises, so that it stops
        scoring even when the rule kind catches the error: a wrong argument of any type, or a
        booking made after its call returned (with a ``book`` kept from an earlier call), which is
        recorded against the call running now.

        Raises:
            PluginError: the rule kind raised, or booked what cannot be booked (a float, NaN, an
                undeclared clause…); the message names the rule kind, its plug-in and ``where``.
        """
        wrong: list[str] = []
        live = [True]
        name = call.name
        earlier = "of an earlier event" if name == "on_event" else "of an earlier call"

        def book(clause: Any, points: Any, reason: Any = "") -> None:
            try:
                if not live[0]:
                    raise Misbooked(
                        f"it booked after its {name} call had returned, with the book {earlier};"
                        f" book only while {name} runs"
                    )
                if clause.__class__ is not str:
                    raise Misbooked(f"it booked under a clause that is not text: {type(clause).__name__}")
                problem = figure_problem(points)
                if problem is not None:
                    raise Misbooked(f"it booked points that are not a figure: {problem}")
                said = _said(reason)
                entry = version.plugin(clause)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # every check that fails, however, is recorded
                misbooked = exc if isinstance(exc, Misbooked) else None
                if misbooked is None:
                    misbooked = Misbooked(f"its booking could not be checked: {failure(exc)}")
                record = wrong if live[0] else self.calling
                if record is not None:
                    record.append(str(misbooked))
                if misbooked is exc:
                    raise
                raise misbooked from exc
            if period is not None:
                said = Message.of("reason.plugin_period", period=_period(period), kind=make.kind, text=said)
            self.book(tally, row, entry, Decimal(points), said, item)

        outer, self.calling = self.calling, wrong
        try:
            run(book)
        except KeyboardInterrupt:
            raise
        except Misbooked as exc:  # recorded by book already, unless it was a book of another fold
            if not wrong:
                wrong.append(str(exc))
        except BaseException as exc:  # sys.exit() too: a rule kind never ends the command
            if not wrong:
                wrong.append(f"{name} {raised(exc)}")
        finally:
            live[0] = False
            call.open = False
            self.calling = outer
        if wrong:  # even when the rule kind caught the error itself: nothing is booked silently wrong
            raise PluginError(f"{make.name}, for rule set {version.rules.id!r}, {where}: {wrong[0]}")

    # -- period hooks ---------------------------------------------------------------------------

    def hooks_due(self, as_of: dt.date) -> bool:
        """Whether the hooks called differ from those due as of ``as_of``: some are due and not
        called, or some were called for a period that ends after it."""
        ends = self.run.period_ends
        return self.hooked_to > as_of or (self.ends < len(ends) and ends[self.ends][0] <= as_of)

    def hooks_until(self, day: dt.date, *, before: bool = False) -> None:
        """Call the hooks of every period that ends on or before ``day`` (``before``: before it) and
        whose hooks are not called yet: for each period (a month, then the quarter, then the year
        that end on one day), each unit of the fold in the order of the target table, each rule
        kind of the version in force on the period's last day, in the order of its
        ``[[extensions]]``.

        Raises:
            PluginError: a hook raised or booked what cannot be booked; the message names the rule
                kind, its plug-in, the hook, the period and the unit.
        """
        run = self.run
        ends = run.period_ends
        while self.ends < len(ends) and (ends[self.ends][0] < day if before else ends[self.ends][0] <= day):
            last, periods = ends[self.ends]
            self.ends += 1
            self.hooked_to = last
            version = run.version_at(last)
            if version is None or not version.hooked:
                continue
            hooked = self.hooked
            units = [u for u in run.quotas.units if hooked is None or u.name in hooked]
            for period in periods:
                method = HOOKS[period.kind]
                for unit in units:
                    for make, instance, _ in self.instances(version):
                        if make.hooks is not None and method in make.hooks:
                            self.call_hook(make, instance, method, version, period, self.tallies[unit.name])

    def call_hook(
        self,
        make: RuleKindMaker,
        instance: RuleKind,
        method: str,
        version: CompiledVersion,
        period: Period,
        tally: Tally,
    ) -> None:
        """Call one hook of one rule kind for one unit, with a ``book`` that books on the period's last
        day under the event ``-``, and the unit's history."""
        call = _Call(method)
        unit = tally.unit
        ctx = RuleContext(period.last, version.rules, UnitHistory(self, unit, call), None, period)
        row = (period.last, PERIOD_EVENT, PERIOD, unit.name, None, None, None, -1)

        def run(book: Callable[..., None]) -> None:
            hook = getattr(instance, method, None)
            if hook is not None:
                hook(period, unit, book, ctx)

        where = f"{method} at the end of {period}, for unit {unit.name}"
        self.call_kind(make, version, call, run, tally, row, None, where, period)

    # -- helpers ------------------------------------------------------------------------------

    @staticmethod
    def book(
        tally: Tally,
        row: Row,
        entry: BookingKind,
        points: Decimal,
        detail: Any = None,
        item: ItemState | None = None,
    ) -> None:
        """Book ``points`` for the event ``row`` under ``entry``; ``item`` earns them (for a revocation)."""
        tally.book += (row, entry, points, detail)
        if item is not None:
            item.earned += points

    def item(self, item_id: str) -> ItemState | None:
        """An item's history, made in full the first time anything follows its submission."""
        item = self.items.get(item_id)
        if item.__class__ is tuple:
            item = self.items[item_id] = ItemState(*item)
        elif item.__class__ is Tally:
            item = self.items[item_id] = ItemState(item, ZERO)
        return item  # type: ignore[return-value]

    def item_of(self, row: Row) -> ItemState:
        item = self.item(row[ITEM])
        if item is None:
            raise rejected("rejected.item_not_submitted", item=shown(row[ITEM]), day=str(row[DATE]))
        unit = row[UNIT]
        if unit is not None and unit != item.tally.unit.name:
            by = item.tally.unit.name
            raise rejected("rejected.item_other_unit", item=shown(row[ITEM]), by=by, unit=unit)
        return item

    @staticmethod
    def occurrence(tally: Tally, kind: str, key: str) -> int:
        """Count one more occurrence of ``kind`` for the unit this year; return its number."""
        n = tally.occurrences[(kind, key)] = tally.occurrences.get((kind, key), 0) + 1
        return n

    # -- handlers -----------------------------------------------------------------------------

    @handles(Commissioned)
    def commissioned(self, row: CommissionedRow) -> None:
        _, _, _, unit, _, cid, _, _ = row
        if cid in self.commissions:
            raise rejected("rejected.commission_issued_twice", commission=shown(cid))
        self.commissions[cid] = CommissionState(row, self.tallies[unit])

    @handles(Submitted)
    def submitted(self, row: SubmittedRow) -> None:
        day, _, _, unit, item_id, _, cid, _ = row
        if item_id in self.items:
            raise rejected("rejected.item_submitted_twice", item=shown(item_id))
        tally = self.tallies[unit]
        commission = None
        if cid is not None:
            commission = self.commissions.get(cid)
            if commission is None:
                raise rejected("rejected.commission_unknown", commission=shown(cid), day=str(day))
            if commission.tally is not tally:
                issued = commission.tally.unit.name
                raise rejected(
                    "rejected.commission_other_unit", commission=shown(cid), issued=issued, unit=unit
                )
            if commission.answer is not None:
                answer = commission.answer[ID]
                raise rejected("rejected.commission_answered", commission=shown(cid), answer=answer)
            commission.answer = row
        tally.submitted += 1
        v = self.v
        reached = v.reached
        cap, note = v.caps[unit]
        month = day.month
        points = v.points
        if cap is not None:
            room = cap - (tally.month_points[month] if v.monthly else tally.year_points)
            if room < points:
                points = room if room > ZERO else ZERO
                if tally.capped_on is None:
                    tally.capped_on = day
            else:
                note = None
        # Both counts run on whatever this version's period, for a later version with the other one.
        if points:  # past the cap, nothing to add
            tally.year_points += points
            tally.month_points[month] += points
        tally.book += (row, v.submitted, points, note)
        earned = points
        if commission is not None:
            due = commission.row[DUE]
            if day <= due:
                on_time = v if v.commission else self.commission_rules(commission)
                tally.book += (row, on_time.on_time, on_time.on_time_points, due)
                earned += on_time.on_time_points
            else:
                # Booked, and scored, as an unanswered commission would be: the day after it was due.
                late = self.commission_rules(commission, due + DAY)
                tally.book += (row, late.answered_late, late.late_points, due)
        self.items[item_id] = (tally, earned) if earned else tally
        if reached is not None and tally.submitted == tally.unit.target and tally.unit.basis == "submitted":
            self.reach(tally, row, reached)

    @handles(Adopted)
    def adopted(self, row: AdoptedRow) -> None:
        _, _, _, _, item_id, channel_key, picture, _ = row
        item = self.item_of(row)
        v = self.v
        channel, counted_entry, entry = v.channels[channel_key]
        if channel.key in item.channels:
            raise rejected(
                "rejected.adopted_twice", item=shown(item_id), channel=channel.key, label=channel.label
            )
        item.channels += (channel.key,)
        if channel.instruction_eligible:
            item.eligible = True
        reached = None
        if channel.counts_toward_target and (v.counts_adoptions or not item.counted):
            item.counted = True
            tally = item.tally
            tally.adopted += 1
            entry = counted_entry
            if tally.adopted == tally.unit.target and tally.unit.basis != "submitted":
                reached = v.reached  # the count reaches the target now: the bonus, where there is one
        points = channel.award(picture)
        note = None
        best = item.best
        if points > best:
            item.best = points  # kept under every version, for a later "highest" one
        if v.highest:
            # Only the best adoption of an item counts: book what it adds over the best so far.
            gain = points - best if points > best else ZERO
            if gain < points:
                note = Message.of("reason.note.highest", gain=format_points(gain), best=format_points(best))
            points = gain
        self.plus(item, row, entry, points, note)
        if reached is not None:
            self.reach(item.tally, row, reached)

    def reach(self, tally: Tally, row: Row, entry: BookingKind) -> None:
        """Book the version's bonus for reaching the year's target (完成全年目标任务): ``row`` is the
        event that brought what counts toward the unit's target up to it."""
        v, unit = self.v, tally.unit
        if unit.basis == "submitted":
            code = "reason.reached_submitted"
        else:
            code = "reason.reached_adoptions" if v.counts_adoptions else "reason.reached_adopted"
        self.book(tally, row, entry, v.reached_points, Message.of(code, target=unit.target))

    def commission_rules(self, commission: CommissionState, day: dt.date | None = None) -> CompiledVersion:
        """The version whose [commission] scores an outcome: the one in force on ``day`` (else the
        version in force now); if that one has no [commission], the one that issued it."""
        v = (self.run.version_at(day) if day is not None else None) or self.v
        if v.commission:
            return v
        return self.run.version_at(commission.row[DATE]) or self.run.first

    def plus(
        self, item: ItemState, row: Row, entry: BookingKind, points: Decimal, note: Message | None
    ) -> None:
        if item.false and self.v.revokes:
            points, note = (
                ZERO,
                FOUND_FALSE if note is None else Message.of("reason.note.and", first=note, then=FOUND_FALSE),
            )
        self.book(item.tally, row, entry, points, note, item)

    @handles(Instructed)
    def instructed(self, row: InstructedRow) -> None:
        day, _, _, _, item_id, _, leader_level, _ = row
        item = self.item_of(row)
        v = self.v
        if v.requires_adoption and not item.eligible:
            if not v.eligible:
                raise rejected("rejected.no_eligible_channel", rules=repr(v.rules.id))
            raise rejected(
                "rejected.not_adopted_before", item=shown(item_id), channels=v.eligible, day=str(day)
            )
        level, entry, again = v.leaders[leader_level or v.default_leader]
        if level.key in item.instructed:
            self.book(item.tally, row, again, ZERO)
            return
        item.instructed += (level.key,)
        self.plus(item, row, entry, level.points, None)

    @handles(HigherAdopted)
    def higher_adopted(self, row: HigherAdoptedRow) -> None:
        _, _, _, _, _, level_key, _, _ = row
        item = self.item_of(row)
        level, entry, again = self.v.levels[level_key]
        if level.key in item.levels:
            self.book(item.tally, row, again, ZERO)
            return
        item.levels += (level.key,)
        self.plus(item, row, entry, level.points, None)

    def _deduct(self, row: MissedRow, kind: str) -> None:
        _, _, _, unit, _, category_key, _, _ = row
        tally = self.tallies[unit]
        category, missed, late = self.v.categories[category_key]
        n = self.occurrence(tally, kind, category.key)
        counts = tally.missed if kind == "missed" else tally.late
        counts[category.key] = counts.get(category.key, 0) + 1
        schedule, entry = (category.missed, missed) if kind == "missed" else (category.late, late)
        self.book(tally, row, entry, schedule.nth(n), n)

    @handles(Missed)
    def missed(self, row: MissedRow) -> None:
        self._deduct(row, "missed")

    @handles(ReportedLate)
    def reported_late(self, row: ReportedLateRow) -> None:
        self._deduct(row, "late")

    @handles(ErrorFound)
    def error_found(self, row: ErrorFoundRow) -> None:
        item = self.item_of(row)
        v = self.v
        case = v.case_points(
            row, "[error]", v.error_range, f"error.points = {_shown(v.error_schedule.points)}"
        )
        tally = item.tally
        tally.errors += 1
        n = self.occurrence(tally, "error", "")
        if case is None:
            self.book(tally, row, v.error, v.error_schedule.nth(n))
        else:
            self.book(tally, row, v.error, case, _decided(case, v.error_range))

    @handles(FoundFalse)
    def found_false(self, row: FoundFalseRow) -> None:
        item = self.item_of(row)
        v = self.v
        rule = v.false_rule
        case = v.case_points(
            row, "[false_report]", v.false_range, f"false_report.points = {format_points(rule.points)}"
        )
        if item.false and rule.once_per_item:
            self.book(item.tally, row, v.false_again, ZERO)
            return
        item.tally.false_reports += 1
        if rule.revokes_points and not item.false and item.earned:
            self.book(item.tally, row, v.false_revoke, -item.earned)
        item.false = True
        if case is None:
            self.book(item.tally, row, v.false, rule.points)
        else:
            self.book(item.tally, row, v.false, case, _decided(case, v.false_range))

    @handles(SelectedExcellent)
    def selected_excellent(self, row: SelectedExcellentRow) -> None:
        item = self.item_of(row)
        item.tally.excellent += 1
        self.book(item.tally, row, self.v.excellent, self.v.excellent_points, None, item)

    # -- the end of the run ---------------------------------------------------------------------

    def commissions_of(self, tally: Tally) -> Iterator[str]:
        """The ids of the commissions issued to ``tally``'s unit."""
        return (cid for cid, c in self.commissions.items() if c.tally is tally)

    def close(self, as_of: dt.date, cids: Iterable[str] | None = None) -> dict[str, Closing]:
        """Judge commissions against ``as_of``: by unit, their statuses and the bookings of those
        unanswered or pending. The fold itself is left as it was, so that it can go on after.

        ``cids``: the commissions to judge, in order (by default all, by id).
        """
        closings: dict[str, Closing] = {}
        for cid in sorted(self.commissions) if cids is None else cids:
            c = self.commissions[cid]
            row, answer, tally = c.row, c.answer, c.tally
            due = row[DUE]
            closing = closings.get(tally.unit.name)
            if closing is None:
                closing = closings[tally.unit.name] = Closing()
            if answer is not None:
                outcome = "on_time" if answer[DATE] <= due else "late"
            elif due < as_of:
                outcome = "unanswered"
                closing.unanswered += 1
                v = self.commission_rules(c, due + DAY)
                closing.book += (row, v.unanswered, v.unanswered_points, None)
            else:
                outcome = "pending"
                v = self.commission_rules(c, as_of)
                closing.book += (row, v.pending, ZERO, None)
            closing.statuses.append(
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
        return closings


#: The hook of each kind of period.
HOOKS = {"month": "on_month_end", "quarter": "on_quarter_end", "year": "on_year_end"}


def takes_context(method: Any) -> bool:
    """Whether a rule kind's ``on_event`` takes the context: it declares a fourth positional
    parameter (``on_event(self, event, unit, book, context)``)."""
    try:
        parameters = inspect.signature(method).parameters.values()
    except (TypeError, ValueError):  # a callable whose signature cannot be read: the three arguments
        return False
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(p.kind in positional for p in parameters) >= 4


def _shown(figures: tuple[Decimal, ...]) -> str:
    """A schedule's figures as the rule file writes them: ``-2`` or ``[-2, -3]``."""
    texts = [format_points(f) for f in figures]
    return texts[0] if len(texts) == 1 else f"[{', '.join(texts)}]"


def _decided(case: Decimal, span: Any) -> Message:
    """What the reason of a figure decided for the case adds: the figure and its range."""
    low, high = span
    return Message.of(
        "reason.note.case", points=format_points(case), low=format_points(low), high=format_points(high)
    )


#: What the reason of an item's booking adds once the item is found false, under a version that
#: takes its points back.
FOUND_FALSE = Message.of("reason.note.found_false")


def _said(reason: object) -> Message:
    """A plug-in rule's reason as a message: text is shown as written in every language; a mapping
    gives the text of each language (``{"zh": …, "en": …}``, both text).

    Raises:
        Misbooked: the reason is neither, or the mapping names other languages or a text that is not text.
    """
    if reason.__class__ is str:
        return Message.of("reason.plugin", text=reason)
    if not isinstance(reason, Mapping):
        raise Misbooked(
            "it gave a reason that is neither text nor a mapping of 'zh' and 'en' to text:"
            f" {type(reason).__name__}"
        )
    languages = list(reason)
    if len(languages) != 2 or set(languages) != {"zh", "en"}:
        found = ", ".join(repr(key)[:40] for key in languages[:5]) or "none"
        raise Misbooked(
            f"it gave a reason mapping of the languages {found}; expected exactly 'zh' and 'en', each"
            " with its text"
        )
    zh, en = reason["zh"], reason["en"]
    for lang, said in (("zh", zh), ("en", en)):
        if said.__class__ is not str:
            raise Misbooked(f"it gave a reason whose {lang!r} text is not text: {type(said).__name__}")
    return Message.of("reason.plugin_both", zh=zh, en=en)


def _period(period: Period) -> Message:
    """A period as a hook's line names it: ``2007年3月``, ``month 2007-03``."""
    return Message.of(f"reason.period.{period.kind}", year=period.year, number=period.number)


#: The handlers by kind number, checked now: one for every scored event type (see ``_codecs.Handlers``).
HANDLERS = _handlers.table()


class Snapshot:
    """A fold's state at one moment (see :meth:`Fold.snapshot`)."""

    __slots__ = ("commissions", "items", "tallies")

    def __init__(
        self,
        tallies: dict[str, tuple[Any, ...]],
        items: dict[str, Any],
        commissions: dict[str, CommissionState],
    ) -> None:
        self.tallies = tallies
        self.items = items
        self.commissions = commissions


class Closing:
    """A unit's commissions judged on the as-of date: their statuses, and the bookings of those not
    answered (four slots each, as in a tally's book) with how many are overdue."""

    __slots__ = ("book", "statuses", "unanswered")

    def __init__(self) -> None:
        self.statuses: list[CommissionStatus] = []
        self.book: list[Any] = []
        self.unanswered = 0


#: What a unit without commissions closes with.
NO_CLOSING = Closing()


class Folded:
    """What folding a set of events gave: every unit's tallies, commissions and the rejections."""

    def __init__(self, run: Run, days: Days) -> None:
        self.fold = fold = Fold(run)
        self.rejections: list[Rejection] = []
        rejected = self.rejections.append
        origin = run.places.origin
        handlers = fold.handlers()
        resolve = run.resolve  # names in canonical form; a row resolved already stays as it is
        extended = run.extended
        hooked = run.hooked
        count = 0
        # By date, then phase, then id: each day's lists are sorted by id.
        for day in sorted(days):
            if hooked:  # the periods that ended before this day
                fold.hooks_until(day, before=True)
            fold.v = run.version_at(day) or run.first
            extensions = extended and fold.v.makers
            for rows in days.pop(day):
                rows.sort(key=BY_ID)
                count += len(rows)
                for row in rows:
                    try:
                        row = resolve(row)  # the same event, its names in canonical form
                        handlers[row[KIND]](row)
                    except Rejected as exc:
                        rejected(Rejection(origin(row[POS]), row[ID], exc.message))
                        continue
                    if extended:  # a version has rule kinds: they may read the history
                        fold.record(row)
                        if extensions:
                            fold.extend(row)
        if hooked:
            fold.hooks_until(run.as_of)
        self.ok = count - len(self.rejections)
        self.closings = fold.close(run.as_of)
