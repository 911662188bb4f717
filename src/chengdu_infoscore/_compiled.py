"""A rule-set version compiled for the fold: its entries (how each kind of booking reads, under
which clause, moving which count), caps and name lookups, decided once per version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from operator import itemgetter
from typing import Any

from ._codecs import (
    ADOPTED,
    ANSWERS,
    CASE_POINTS,
    CATEGORY,
    CODECS,
    COMMISSION,
    COMMISSIONED,
    DATE,
    DUE,
    ERROR_FOUND,
    FOUND_FALSE,
    HIGHER_ADOPTED,
    ID,
    INSTRUCTED,
    ITEM,
    LATE,
    LEADER,
    LEADER_LEVEL,
    MISSED,
    NOTE,
    PICTURE,
    SELECTED_EXCELLENT,
    SUBJECT,
    TOPIC,
    Row,
)
from .exceptions import ArgumentError, PluginError
from .messages import Message
from .quotas import QuotaTable
from .results import format_points
from .rules import RuleSet
from .rules.registry import (
    RuleKindMaker,
    rule_kind_maker,
)

ZERO = Decimal(0)
DAY = dt.timedelta(days=1)
MODULUS = 1 << 256
BY_ID = itemgetter(ID)


class Rejected(Exception):
    """Raised inside a handler: the event is not counted, for this reason (its ``message``; the
    exception's text is the English of it)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.text("en"))
        self.message = message


def rejected(code: str, /, **params: object) -> Rejected:
    """The rejection ``code`` with its parameters."""
    return Rejected(Message.of(code, **params))


class Misbooked(PluginError):
    """Raised by a plug-in rule's ``book``: what was wrong with the booking (the engine adds where)."""


def shown(text: str) -> str | Message:
    """A name as a rejection quotes it: in quotes, and cut short when it is very long (with its
    length, said in the rejection's language)."""
    return (
        repr(text)
        if len(text) <= 80
        else Message.of("rejected.long_value", start=repr(text[:60]), length=len(text))
    )


# -- bookings ----------------------------------------------------------------------------------


def _about(text: str | None) -> Message | str:
    """What a reason adds for the text an event gives (its subject or note): nothing without one."""
    return Message.of("reason.part.about", text=text) if text else ""


def _picture(e: Any, row: Row) -> str:
    return (
        "reason.adopted_picture" if row[PICTURE] and e.thing.picture_points is not None else "reason.adopted"
    )


# How each kind of booking reads: (entry, row, points, detail) -> reason, a code of the catalogues
# (``reason.*`` in messages/zh.toml and en.toml) and its parameters. The row is of the type that the
# booking's kind books (codecs): a submission's for "on_time", a commission's for "unanswered"…
# A part of a reason that only some lines carry (a note, the detail of a figure decided per case)
# is a message too, or "" where the line has none.
REASONS: dict[str, Callable[[Any, Row, Decimal, Any], Message]] = {
    "submitted": lambda e, row, p, d: Message.of("reason.submitted", item=row[ITEM], note=d or ""),
    "on_time": lambda e, row, p, d: Message.of("reason.on_time", commission=row[ANSWERS], due=str(d)),
    "answered_late": lambda e, row, p, d: Message.of(
        "reason.answered_late", commission=row[ANSWERS], due=str(d), date=str(row[DATE])
    ),
    "adopted": lambda e, row, p, d: Message.of(
        _picture(e, row), item=row[ITEM], channel=e.thing.label, note=d or ""
    ),
    "instructed": lambda e, row, p, d: (
        Message.of("reason.instructed_by", leader=row[LEADER], item=row[ITEM], level=e.note, note=d or "")
        if row[LEADER]
        else Message.of("reason.instructed", item=row[ITEM], level=e.note, note=d or "")
    ),
    "instructed_again": lambda e, row, p, d: (
        Message.of("reason.instructed_again_by", leader=row[LEADER], item=row[ITEM], at=_at(e, row))
        if row[LEADER]
        else Message.of("reason.instructed_again", item=row[ITEM], at=_at(e, row))
    ),
    "higher": lambda e, row, p, d: Message.of(
        "reason.higher", item=row[ITEM], level=e.thing.label, note=d or ""
    ),
    "higher_again": lambda e, row, p, d: Message.of(
        "reason.higher_again", item=row[ITEM], level=e.thing.label
    ),
    "missed": lambda e, row, p, d: Message.of(
        "reason.missed", category=e.thing.label, n=d, about=_about(row[SUBJECT])
    ),
    "late": lambda e, row, p, d: Message.of(
        "reason.late", category=e.thing.label, n=d, about=_about(row[SUBJECT])
    ),
    "error": lambda e, row, p, d: Message.of(
        "reason.error", item=row[ITEM], case=d or "", about=_about(row[NOTE])
    ),
    "false_again": lambda e, row, p, d: Message.of(
        "reason.false_again", item=row[ITEM], about=_about(row[NOTE])
    ),
    "false_revoke": lambda e, row, p, d: Message.of(
        "reason.false_revoke", item=row[ITEM], points=format_points(-p)
    ),
    "false": lambda e, row, p, d: Message.of(
        "reason.false", item=row[ITEM], case=d or "", about=_about(row[NOTE])
    ),
    "excellent": lambda e, row, p, d: Message.of("reason.excellent", item=row[ITEM]),
    "unanswered": lambda e, row, p, d: Message.of(
        "reason.unanswered", commission=row[COMMISSION], due=str(row[DUE])
    ),
    "pending": lambda e, row, p, d: Message.of(
        "reason.pending", commission=row[COMMISSION], due=str(row[DUE])
    ),
    # The fold gives the whole message of these: "reached" names what counts toward the target,
    # a plug-in rule's reason is what it booked (see _fold.Fold.call_kind).
    "reached": lambda e, row, p, d: d,
    "plugin": lambda e, row, p, d: d,
}


def _at(e: Any, row: Row) -> Message | str:
    """What a repeated instruction's reason adds for the leader level the event names."""
    return Message.of("reason.part.at_level", level=e.thing.label) if row[LEADER_LEVEL] else ""


# Bookings made on another day than their event's: the day after a commission was due.
SHIFTED = frozenset({"answered_late", "unanswered"})


class BookingKind:
    """A kind of booking under one version: its clause, the count it moves, and how it reads.

    A booking under no clause (``clause`` None) only moves its count: it is no ledger line and
    adds to no clause (a submission under a version without ``[submission]``).

    ``version`` is the id of the version that books it; ``thing`` is the channel, level or
    category it concerns, for its label; ``note`` is a fixed part of the reason decided with the
    version (a message, or "" for none).
    """

    __slots__ = ("clause", "code", "note", "tally", "thing", "version")

    def __init__(
        self,
        version: str,
        code: str,
        clause: str | None,
        tally: str | None = None,
        thing: Any = None,
        note: Message | str = "",
    ):
        self.version = version
        self.code = code
        self.clause = clause
        self.tally = tally
        self.thing = thing
        self.note = note

    def reason(self, row: Row, points: Decimal, detail: Any) -> Message:
        return REASONS[self.code](self, row, points, detail)

    def day(self, row: Row, detail: Any) -> dt.date:
        """The date a booking is made on: a late or missing answer is booked the day after the due date."""
        if self.code == "answered_late":
            return detail + DAY  # type: ignore[no-any-return]
        if self.code == "unanswered":
            return row[DUE] + DAY  # type: ignore[no-any-return]
        return row[DATE]  # type: ignore[no-any-return]

    def key(self, row: Row) -> str | None:
        """The key-point section of a submission, the category of a missed or late report."""
        if self.tally == "submitted":
            topic = row[TOPIC]
            return topic.split(".", 1)[0] if topic else None
        if self.tally in ("missed", "late"):
            return row[CATEGORY]  # type: ignore[no-any-return]
        return None


class CompiledVersion:
    """One rule-set version, compiled for the fold: its entries, caps and name lookups."""

    def __init__(self, rules: RuleSet, quotas: QuotaTable) -> None:
        self.rules = rules
        booking = partial(BookingKind, rules.id)  # every kind of booking of this version
        #: Why an event of a type this version does not score is rejected (its code), by kind number.
        self.unscored: dict[int, str] = {
            kind: f"rejected.unscored.{CODECS[kind].kind}"
            for kind, present in (
                (COMMISSIONED, rules.commission is not None),
                (ADOPTED, bool(rules.channels)),
                (INSTRUCTED, rules.instruction is not None),
                (HIGHER_ADOPTED, bool(rules.levels)),
                (MISSED, bool(rules.categories)),
                (LATE, bool(rules.categories)),
                (ERROR_FOUND, rules.error is not None),
                (FOUND_FALSE, rules.false_report is not None),
                (SELECTED_EXCELLENT, rules.excellent is not None),
            )
            if not present
        }
        s = rules.submission
        # Without [submission], a submission is counted (it makes the item later events name) and
        # earns nothing: no cap, and a booking under no clause, which moves the count (for the
        # month-by-month figures) and is no ledger line.
        self.submitted = booking("submitted", None if s is None else s.clause, "submitted")
        self.points = ZERO if s is None else s.points
        self.monthly = s is not None and s.cap_period == "month"
        capped = "reason.note.cap_month" if self.monthly else "reason.note.cap_year"
        #: Each unit's cap, and the note a submission that meets it carries.
        self.caps: dict[str, tuple[Decimal | None, Message | None]] = {}
        for u in quotas.units:
            try:
                cap = None if s is None else s.cap_for(u.target, u.group)
            except ValueError:
                raise ArgumentError(
                    f"rule set {rules.id!r}: [submission] caps a unit of the group {u.group!r} at a"
                    f" multiple of its target, but the unit {u.name!r} of the {quotas.year} target table"
                    f" has no target; give its group a fixed cap (cap = {{ {u.group} = … }})"
                ) from None
            note = None if cap is None else Message.of(capped, cap=format_points(cap))
            self.caps[u.name] = (cap, note)
        if s is not None:
            groups = {g.key for g in quotas.groups}
            for key, pairs in (("cap_per_target", s.cap_per_target_by_group), ("cap", s.cap_by_group)):
                for group, _ in pairs:
                    if group not in groups:
                        known = ", ".join(g.key for g in quotas.groups)
                        raise ArgumentError(
                            f"rule set {rules.id!r}: submission.{key}.{group}: the {quotas.year} target table"
                            f" has no group {group!r}; its groups are: {known}"
                        )
        c = rules.commission
        self.commission = c is not None
        if c is not None:
            self.on_time, self.on_time_points = (
                booking("on_time", c.on_time.clause),
                c.on_time.points,
            )
            self.answered_late, self.late_points = (
                booking("answered_late", c.late.clause),
                c.late.points,
            )
            self.unanswered, self.unanswered_points = (
                booking("unanswered", c.unanswered.clause),
                c.unanswered.points,
            )
            self.pending = booking("pending", c.unanswered.clause)
        self.channels = {
            ch.key: (
                ch,
                booking("adopted", ch.clause, "adopted", ch),
                booking("adopted", ch.clause, None, ch),
            )
            for ch in rules.channels
        }
        self.counts_adoptions = rules.target_count == "adoptions"
        self.highest = rules.combine == "highest"
        instruction = rules.instruction
        leader_levels = () if instruction is None else instruction.levels
        many = len(leader_levels) > 1
        self.leaders = {
            lv.key: (
                lv,
                BookingKind(
                    rules.id,
                    "instructed",
                    lv.clause,
                    thing=lv,
                    note=Message.of("reason.note.level", level=lv.label) if many else "",
                ),
                booking("instructed_again", lv.clause, thing=lv),
            )
            for lv in leader_levels
        }
        self.default_leader = "" if instruction is None else instruction.default_level
        self.requires_adoption = instruction is not None and instruction.requires_adoption
        self.eligible = ", ".join(ch.key for ch in rules.channels if ch.instruction_eligible)
        self.levels = {
            lv.key: (
                lv,
                booking("higher", lv.clause, thing=lv),
                booking("higher_again", lv.clause, thing=lv),
            )
            for lv in rules.levels
        }
        self.categories = {
            cat.key: (
                cat,
                booking("missed", cat.missed.clause, "missed", cat),
                booking("late", cat.late.clause, "late", cat),
            )
            for cat in rules.categories
        }
        if rules.error is not None:
            self.error, self.error_schedule = (
                booking("error", rules.error.clause, "error"),
                rules.error,
            )
        #: The range of figures decided per case, by section, where the version gives one.
        self.error_range = None if rules.error is None else rules.error.range
        f = rules.false_report
        #: Whether an item found false earns nothing more under this version.
        self.revokes = f is not None and f.revokes_points
        if f is not None:
            self.false_rule = f
            self.false_again = booking("false_again", f.clause)
            self.false_revoke = booking("false_revoke", f.clause)
            self.false = booking("false", f.clause, "false_report")
        self.false_range = None if f is None else f.range
        if rules.excellent is not None:
            self.excellent = booking("excellent", rules.excellent.clause, "excellent")
            self.excellent_points = rules.excellent.points
        #: The bonus for reaching the year's target, and its points; None: the version has none.
        self.reached = None if rules.reached is None else booking("reached", rules.reached.clause)
        self.reached_points = ZERO if rules.reached is None else rules.reached.points
        #: What makes each plug-in rule kind of the version: a fresh instance for every fold.
        self.makers: list[RuleKindMaker] = [
            rule_kind_maker(kind, dict(settings), rules) for kind, settings in rules.extensions
        ]
        for make in self.makers:
            make()  # the factory checks its settings now, so that a bad one stops scoring up front
        #: Whether a rule kind of the version has a period hook.
        self.hooked = any(make.hooks for make in self.makers)
        self.clauses = {c.id for c in rules.clauses}
        self._plugin: dict[str, BookingKind] = {}
        # Every way of writing a name (key or label) → its key, for resolving events.
        self.channel_keys = {n: ch.key for ch in rules.channels for n in (ch.key, ch.label)}
        self.level_keys = {n: lv.key for lv in rules.levels for n in (lv.key, lv.label)}
        self.category_keys = {n: c.key for c in rules.categories for n in (c.key, c.label)}
        self.leader_keys = {n: lv.key for lv in leader_levels for n in (lv.key, lv.label)}
        self.topics = {t.key for t in rules.topics}

    def plugin(self, clause: str) -> BookingKind:
        """The entry of a booking by a plug-in rule under ``clause``.

        Raises:
            Misbooked: the version has no such clause.
        """
        entry = self._plugin.get(clause)
        if entry is None:
            if clause not in self.clauses:  # a text: book checked its type first
                raise Misbooked(
                    f"it booked under the clause {repr(clause)[:80]},"
                    f" which rule set {self.rules.id!r} does not declare"
                )
            entry = self._plugin[clause] = BookingKind(self.rules.id, "plugin", clause)
        return entry

    def case_points(
        self, row: Row, section: str, span: tuple[Decimal, Decimal] | None, fixed: str
    ) -> Decimal | None:
        """The figure an error or false report gives for its case, checked against the version:
        ``None`` when the version fixes the figure and the event gives none.

        Raises:
            Rejected: the version gives a range and the event no figure, or one outside it; or the
                version fixes the figure and the event gives one.
        """
        given = row[CASE_POINTS]
        day, rid = row[DATE], self.rules.id
        if span is None:
            if given is None:
                return None
            raise rejected(
                "rejected.points_fixed",
                points=format_points(given),
                rules=repr(rid),
                day=str(day),
                section=section,
                fixed=fixed,
            )
        low, high = span
        allowed = {"low": format_points(low), "high": format_points(high)}
        if given is None:
            raise rejected(
                "rejected.points_missing", rules=repr(rid), day=str(day), section=section, **allowed
            )
        if not low <= given <= high:
            raise rejected(
                "rejected.points_outside",
                points=format_points(given),
                rules=repr(rid),
                day=str(day),
                section=section,
                **allowed,
            )
        return given  # type: ignore[no-any-return]

    def unknown(self, what: str, written: str) -> Rejected:
        """The rejection of an event naming a channel, level or category this version does not know."""
        values: tuple[Any, ...] = {
            "channel": self.rules.channels,
            "level": self.rules.levels,
            "category": self.rules.categories,
            "leader level": () if self.rules.instruction is None else self.rules.instruction.levels,
        }[what]
        known = ", ".join(v.key for v in values)
        code = "rejected.unknown_" + what.replace(" ", "_")
        return rejected(code, value=shown(written), rules=self.rules.id, known=known)
