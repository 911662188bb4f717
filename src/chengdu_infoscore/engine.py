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

Inside, events travel as rows (:mod:`._codecs`) and a booking is four references in a unit's flat
list: the event's row, an :class:`BookingKind` (the clause, the count it moves, how its reason
reads), the points and a detail. Ledger lines, with their reasons, are made only when a ledger
is read. Everything that depends on the rule-set version — entries, caps, name lookups — is
decided once per version (:class:`CompiledVersion`), so the fold itself only looks things up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from operator import itemgetter

from . import _contacts
from ._codecs import DATE, POS, Row, event_of, fingerprint
from ._fold import Folded
from ._places import Places, quiet_collector
from ._run import Rules, Run, provenance_of, rejection_order, rejections_of, rows_of, setup
from ._select import select, unreadable_ids
from ._shape import Shape
from .corrections import in_force
from .events import Event
from .provenance import rejected_print
from .quotas import QuotaTable
from .readers import ReadResult
from .results import Rejection, Results

__all__ = ["default_as_of", "score"]


def default_as_of(rows: list[Row], year: int) -> tuple[dt.date, str]:
    """The as-of date when none is given, and why: the latest date of an event of ``year``, or
    31 December of it when there is none."""
    latest = max(map(BY_DATE, rows), default=None)
    if latest is not None and latest.year != year:
        latest = max((day for day in map(BY_DATE, rows) if day.year == year), default=None)
    if latest is None:
        return dt.date(year, 12, 31), "year_end"
    return latest, "latest_event"


BY_DATE = itemgetter(DATE)


def score(
    events: Iterable[Event] | ReadResult,
    *,
    rules: Rules = None,
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
            before it and after its ``end``), or a :class:`~.rules.Timeline` of versions; a
            version's id (``"chengdu-2007"``) or rule file (``"my-version.toml"``, a ``Path``); or
            a list of ids, files and versions that form one chain; by default the year's default
            timeline (the library's own versions and installed plug-ins').
        quotas: the target table; by default the one for ``year``.
        year: the assessment year; by default the year of ``as_of``, else of ``quotas``, else 2007.
        as_of: count only events dated on or before it, and judge commissions against it; by
            default the date of the latest event of ``year`` (see :func:`default_as_of`), so that
            a commission not yet due is never judged unanswered in the middle of the year, or
            31 December when there is none. The results say which
            (:attr:`~.results.Results.as_of_basis`). Pass 31 December to judge the whole year.
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
        UnknownRuleSetError: ``rules`` names an id no version has (the message lists those that do).
        DataFileError: a rule file named cannot be read, is malformed, or its versions adjust each
            other in a circle or leave days with no version.
        InfoscoreError: a version uses a plug-in rule kind that is not installed.
    """
    given = as_of
    timeline, quotas, year, as_of = setup(rules, quotas, year, as_of)
    with quiet_collector():
        if isinstance(events, ReadResult):
            rows, places, prints = events._rows, events._places, events._prints
            reader = list(events.rejections)
        else:
            places = Places()
            rows = rows_of(events, places)
            prints = sum(map(fingerprint, rows))
            reader = []
        more_rejected = rejections_of(rejected)
        prints += sum(map(rejected_print, more_rejected))
        reader += more_rejected
        read = len(rows) + len(reader)
        rows, reader, withdrawn = in_force(rows, places, reader)  # withdrawals leave, with what they withdraw
        rows, contacts = _contacts.split(rows)  # contacts score nothing: never selected nor folded
        basis = "given"
        if given is None:
            as_of, basis = default_as_of(rows, year)  # withdrawals and contacts are out already
        run = Run(timeline, quotas, year, as_of, places)
        unreadable = unreadable_ids(reader)
        taken = None
        if contacts:
            taken = _contacts.take(run, rows, contacts, unreadable)
            for eid, where in taken.unreadable.items():  # an event whose id a contact also uses
                unreadable[eid] = [*unreadable.get(eid, ()), *where]
        days, rejections, repeats, after = select(run, rows, unreadable)
        rejections = reader + rejections
        folded = Folded(run, days)
        rejections += folded.rejections
        counted = folded.ok
        kept: tuple[Event, ...] = ()
        if taken is not None:
            rejections += taken.rejections
            counted += len(taken.counted)
            repeats += taken.repeats
            after += taken.after
            kept = tuple(event_of(row, places.origin(row[POS])) for row in taken.counted)
        rejections.sort(key=rejection_order)
        shape = Shape(timeline, as_of)
        return Results(
            provenance=provenance_of(timeline, quotas, prints, read, as_of),
            year=year,
            as_of=as_of,
            rules=timeline.id,
            units=tuple(shape.unit(u, folded) for u in quotas),
            rejections=tuple(rejections),
            read=read,
            counted=counted,
            repeats=repeats,
            after_as_of=after,
            withdrawn=withdrawn,
            as_of_basis=basis,
            quotas=quotas,
            contacts=kept,
        )
