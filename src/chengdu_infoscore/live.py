"""Live scoring: a scorer that takes events as they arrive and gives updated results."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Sequence

from ._arguments import need_date
from ._fold import Folded
from ._rows import (
    COMMISSIONED,
    DATE,
    ID,
    ITEM,
    KIND,
    POS,
    SUBMITTED,
    UNIT,
    A,
    B,
    Places,
    Row,
    fingerprint,
)
from ._run import Refused, Run, provenance_of, rejection_order, rejections_of, rows_of, setup
from ._select import by_day, conflicting, first_copy
from ._shape import Shape
from .events import Event, Origin
from .exceptions import ArgumentError
from .provenance import rejection_fingerprint
from .quotas import QuotaTable
from .readers import ReadResult
from .results import Rejection, Results
from .rules import RuleSet, Timeline

__all__ = ["Scorer"]


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
        self._timeline, self._quotas, self._year, as_of = setup(rules, quotas, year, None)
        self._places = Places()
        self._run = Run(self._timeline, self._quotas, self._year, as_of, self._places)
        self._copies: dict[str, list[Row | Refused]] = {}
        self._reader: list[Rejection] = []
        self._unreadable: dict[str, list[Origin | None]] = {}  # ids of records a reader rejected
        self._parent: dict[str, str] = {}
        self._members: dict[str, set[str]] = {}
        self._dirty: set[str] = set()
        self._cache: dict[str, tuple[Folded, int]] = {}
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

    def _state(self, eid: str) -> Row | Refused | None:
        """What an id stands for now: the row to count, a refusal, or ``None`` (a conflict)."""
        copies = self._copies.get(eid)
        if not copies or eid in self._unreadable:
            return None
        if len(copies) > 1 and conflicting(eid, copies, self._places) is not None:
            return None
        return first_copy(copies, self._places)

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
            rows = rows_of(events, places)
            prints = sum(map(fingerprint, rows))
            reader = []
        more = rejections_of(rejected)
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

    def _moved(self, eid: str, before: Row | Refused | None) -> None:
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
            self._cache[root] = (Folded(self._run, by_day(counted)), later)
        self._dirty.clear()
        self.refolded = tuple(
            u.name
            for u in self._quotas
            if "u:" + u.name in self._parent and self._find("u:" + u.name) in dirty
        )

        shape = Shape(self._timeline, as_of)
        empty = Folded(self._run, {})
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
                conflicting(eid, copies, self._places, unreadable) if len(copies) > 1 or unreadable else None
            )
            if conflict is not None:
                rejections += conflict
                continue
            repeats += len(copies) - 1
            state = first_copy(copies, self._places)
            if state.__class__ is not tuple:
                rejections.append(Rejection(self._places.origin(state.row[POS]), eid, state.reason))  # type: ignore[union-attr]
        for folded, _ in self._cache.values():
            rejections += folded.rejections
        rejections.sort(key=rejection_order)
        return Results(
            provenance=provenance_of(self._timeline, self._quotas, self._prints, self._count, as_of),
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
