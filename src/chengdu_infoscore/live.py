"""Live scoring: a scorer that takes each batch of records as it arrives and gives updated results
at the cost of the change, not of the year.

The records in force are kept in clusters: the events of units linked by items or commissions
(usually one unit a cluster), in fold order. Each cluster keeps its fold and, at the start of
every month the fold has passed, a snapshot of it (:meth:`._fold.Fold.snapshot`). A batch marks
the earliest place it changed in each cluster; results then

- go on from where the fold stands when nothing changed before it (events dated on or after
  what was folded, or an as-of date moved forward);
- rewind to the last checkpoint before the earliest change (a backdated event, a revision, a
  withdrawal, an as-of date moved back) and fold forward from there;
- make a unit's result again only when its fold or the judgement of its commissions changed.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import threading
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from . import _contacts
from ._arguments import need, need_date
from ._batches import Received, classify, settle
from ._codecs import (
    ANSWERS,
    COMMISSION,
    COMMISSIONED,
    CONTACT,
    DATE,
    ID,
    ITEM,
    KIND,
    PHASE,
    POS,
    SUBMITTED,
    UNIT,
    WITHDRAWN,
    Row,
)
from ._compiled import DAY, MODULUS, Rejected
from ._fold import NO_CLOSING, Fold, Snapshot, Tally
from ._places import Places, quiet_collector
from ._run import Refused, Rules, Run, provenance_of, rejection_order, rejections_of, rows_of, setup
from ._shape import BookSums, Shape
from .events import Event
from .exceptions import ArgumentError
from .provenance import Provenance
from .quotas import QuotaTable, Unit
from .readers import ReadResult
from .results import Rejection, Results, UnitResult

if TYPE_CHECKING:
    from .store import Store

__all__ = ["BatchReport", "Scorer"]

#: Where a row stands in fold order: its date, its phase within the day, its id.
Key = tuple[dt.date, int, str]


def _withdraws(content: Row | Refused | None) -> bool:
    """Whether a record's content is a withdrawal."""
    return content.__class__ is tuple and content[KIND] == WITHDRAWN


def _key(row: Row) -> Key:
    return (row[DATE], PHASE[row[KIND]], row[ID])


class BatchReport:
    """What one batch did, as :class:`~.store.IngestReport` counts it: records added, repeated,
    revised, withdrawn (new withdrawals), and rejected (with the reasons)."""

    __slots__ = ("added", "rejections", "repeated", "revised", "withdrawn")

    def __init__(self) -> None:
        self.withdrawn = 0
        self.added = 0
        self.repeated = 0
        self.revised = 0
        self.rejections: list[Rejection] = []

    def __repr__(self) -> str:
        return (
            f"BatchReport(added={self.added}, repeated={self.repeated}, revised={self.revised},"
            f" withdrawn={self.withdrawn}, rejected={len(self.rejections)})"
        )


class _Cluster:
    """The events of units linked by items or commissions, in fold order, and the fold over them:
    ``rows[:done]`` are folded, with a checkpoint at the start of each month the fold passed."""

    __slots__ = (
        "checkpoints",
        "done",
        "fold",
        "handlers",
        "keys",
        "reached",
        "rejections",
        "rejections_moved",
        "rows",
        "since",
        "tick",
        "units",
        "unsaved",
    )

    #: A checkpoint is taken at a month's start once the rows folded since the last one number at
    #: least this many times the items, commissions and units it would copy (0: every month).
    SAVE_AFTER: ClassVar[float] = 1.0

    def __init__(self, run: Run) -> None:
        self.rows: list[Row] = []
        self.keys: list[Key] = []
        #: The earliest place changed since the fold last ran.
        self.since: Key | None = None
        self.tick = 0
        #: Every unit an event of the cluster ever named.
        self.units: set[str] = set()
        self.start(run)

    def start(self, run: Run) -> None:
        """A fold from the beginning of the year."""
        self.fold = Fold(run, every_unit=False)
        self.fold.hooked = self.units  # the period hooks of the cluster's units, and only those
        self.handlers = self.fold.handlers()
        self.done = 0
        #: The key of the last row folded.
        self.reached: Key | None = None
        self.rejections: list[Rejection] = []
        #: Whether the rejections changed since the results last gathered them.
        self.rejections_moved = True
        #: (first day of a month, the fold's state before it, how many rejections it had made).
        self.checkpoints: list[tuple[dt.date, Snapshot, int]] = []
        #: Rows folded since the last checkpoint (or the start): what a rewind to it refolds.
        self.unsaved = 0

    def insert(self, row: Row) -> None:
        key = _key(row)
        keys = self.keys
        if not keys or key > keys[-1]:  # the usual case: a day's events after the days before
            keys.append(key)
            self.rows.append(row)
        else:
            i = bisect.bisect_left(keys, key)
            keys.insert(i, key)
            self.rows.insert(i, row)
        self.changed(key)

    def remove(self, row: Row) -> None:
        key = _key(row)
        i = bisect.bisect_left(self.keys, key)
        del self.keys[i], self.rows[i]
        self.changed(key)

    def changed(self, key: Key) -> None:
        """A row came or went at ``key``: the fold must rewind before it, and the checkpoints after
        it hold states without it."""
        if self.since is None or key < self.since:
            self.since = key
        checkpoints = self.checkpoints
        while checkpoints and checkpoints[-1][0] > key[0]:
            checkpoints.pop()

    def rewind(self, run: Run, day: dt.date) -> None:
        """Back to the state before ``day``: the last checkpoint on or before it, or the year's start."""
        while self.checkpoints and self.checkpoints[-1][0] > day:
            self.checkpoints.pop()
        if not self.checkpoints:
            self.start(run)
            return
        month, snapshot, rejected = self.checkpoints[-1]
        self.fold.restore(snapshot)
        if len(self.rejections) > rejected:
            del self.rejections[rejected:]
            self.rejections_moved = True
        self.done = bisect.bisect_left(self.keys, (month,))
        self.reached = self.keys[self.done - 1] if self.done else None
        self.unsaved = 0

    def bring_to(self, run: Run, as_of: dt.date) -> bool:
        """Fold every row dated on or before ``as_of``, from where the fold can go on, and call the
        period hooks due as of it; whether anything changed."""
        hooks = run.hooked and self.fold.hooks_due(as_of)
        unchanged = self.since is None and (self.reached is None or self.reached[0] <= as_of)
        if unchanged and not hooks and (self.done == len(self.keys) or self.keys[self.done][0] > as_of):
            return False  # nothing changed, nothing more to fold
        restart: dt.date | None = None
        if self.since is not None and self.reached is not None and self.since <= self.reached:
            restart = self.since[0]
        if self.since is not None and run.hooked and self.since[0] <= self.fold.hooked_to:
            restart = self.since[0]  # a hook has seen the days since the change
        if self.reached is not None and self.reached[0] > as_of:
            restart = min(restart or as_of, as_of + DAY)
        if run.hooked and self.fold.hooked_to > as_of:
            restart = min(restart or as_of, as_of + DAY)
        touched = self.since is not None  # rows came or went, even if none is folded yet
        self.since = None
        if restart is not None:
            self.rewind(run, restart)
        end = bisect.bisect_right(self.keys, (as_of, len(PHASE)))
        if end == self.done and restart is None and not hooks:
            return touched
        self.advance(run, end)
        if run.hooked:
            self.fold.hooks_until(as_of)
        self.reached = self.keys[end - 1] if end else None
        return True

    def advance(self, run: Run, end: int) -> None:
        """Fold ``rows[done:end]``, taking a checkpoint as a new month begins when it is worth its
        cost (see :attr:`SAVE_AFTER`)."""
        fold, handlers, rejected = self.fold, self.handlers, self.rejections
        origin = run.places.origin
        checkpoints = not run.extended  # a plug-in rule kind's own state cannot be saved
        extended, hooked = run.extended, run.hooked
        save_after = self.SAVE_AFTER
        # The date of the last row folded (a checkpoint is the state between two months), and the
        # day whose version is set: none yet, so that the first row sets it, whatever came before.
        last = self.reached[0] if self.reached is not None else None
        day: dt.date | None = None
        extensions: Any = False
        for row in self.rows[self.done : end]:
            if row[DATE] != day:
                day = row[DATE]
                month = day.replace(day=1)
                fresh = not self.checkpoints or self.checkpoints[-1][0] < month
                # A snapshot copies the fold's state; a rewind to it saves refolding the rows since
                # the last one. Taken when those rows outnumber what it copies, the snapshots cost
                # no more than the fold, and a rewind refolds a bounded stretch.
                worth = self.unsaved >= save_after * fold.size()
                if checkpoints and last is not None and last < month and fresh and worth:
                    self.checkpoints.append((month, fold.snapshot(), len(rejected)))
                    self.unsaved = 0
                last = day
                if hooked:  # the periods that ended before this day
                    fold.hooks_until(day, before=True)
                fold.v = run.version_at(day) or run.first
                extensions = extended and fold.v.makers
            self.done += 1
            self.unsaved += 1
            try:
                handlers[row[KIND]](row)
            except Rejected as exc:
                rejected.append(Rejection(origin(row[POS]), row[ID], exc.message))
                self.rejections_moved = True
                continue
            if extended:  # a version has rule kinds: they may read the history
                fold.record(row)
                if extensions:
                    fold.extend(row)


class _Lonely:
    """The fold that calls the period hooks of the units no event names: it folds no event."""

    __slots__ = ("fold", "names", "tick")

    def __init__(self, run: Run, names: frozenset[str]) -> None:
        self.names = names
        self.fold = Fold(run, every_unit=False)
        self.fold.hooked = names
        self.tick = 0


class _UnitCache:
    """A unit's last result and what it holds for: a fold state, a span of as-of dates in which its
    commissions are judged alike, and the versions in force at the end."""

    __slots__ = ("first", "last", "result", "sums", "tick", "versions")

    def __init__(self) -> None:
        self.tick = -1
        self.first = self.last = dt.date.min
        self.versions: tuple[str, str] = ("", "")
        self.result: UnitResult | None = None
        # The unit's book's sums so far, to add only what was booked since.
        self.sums: BookSums | None = None

    def holds(self, as_of: dt.date) -> bool:
        """Whether the result holds as of ``as_of``, its fold and versions being the same."""
        return self.first <= as_of <= self.last


class Scorer:
    """Live scoring: takes records batch by batch, as a store does, and gives the results of the
    records in force — at the cost of what changed.

    A batch is taken as :meth:`.store.Store.ingest` takes one: a record whose id was received in
    an earlier batch replaces it when its content differs (a revision) and changes nothing when
    it is the same (a repeat); within one batch, two contents for one id are both rejected, as is
    every copy of an id a reader could not read. :meth:`results` are exactly those of
    :func:`~.engine.score` over the records in force.

    Thread-safe: :meth:`add` and :meth:`results` may be called from several threads at once; an
    internal lock lets one in at a time, so results see every batch whose :meth:`add` returned
    before them and none of a batch still being added.

    >>> from chengdu_infoscore import Submitted, Missed, Adopted
    >>> scorer = Scorer()
    >>> _ = scorer.add([Submitted(id="e1", date="2007-03-01", unit="锦江区", item="J1")])
    >>> scorer.results().unit("锦江区").score
    Decimal('0.1')
    >>> _ = scorer.add([Adopted(id="e2", date="2007-03-02", item="J1", channel="简明信息")])
    >>> scorer.results().unit("锦江区").score
    Decimal('2.1')
    >>> scorer.add([Adopted(id="e2", date="2007-03-02", item="J1", channel="政务信息")])
    BatchReport(added=0, repeated=0, revised=1, withdrawn=0, rejected=0)
    >>> scorer.results().unit("锦江区").score
    Decimal('4.1')
    """

    def __init__(
        self,
        *,
        rules: Rules = None,
        quotas: QuotaTable | None = None,
        year: int | None = None,
    ) -> None:
        self._timeline, self._quotas, self._year, year_end = setup(rules, quotas, year, None)
        self._places = Places()
        self._run = Run(self._timeline, self._quotas, self._year, year_end, self._places)
        #: Every id's content in force: a row to fold, or a record that can never count.
        self._records: dict[str, Row | Refused] = {}
        self._prints = 0  # the sum of the fingerprints of the records in force, as they were read
        #: Every id's latest record as the batch that brought it gave it (its content as written).
        self._held: dict[str, Received] = {}
        self._batch_of: dict[str, int] = {}  # the batch that brought every id's latest content
        self._batch = 0
        #: The withdrawals whose latest content names each id.
        self._withdrawals: dict[str, set[str]] = {}
        # What is scored: each id's content in force, and its fingerprint.
        self._shown: dict[str, Row | Refused] = {}
        self._shown_prints: dict[str, int] = {}
        self._dates: Counter[dt.date] = Counter()  # how many events in force bear each date
        # Clusters: a union-find over "u:UNIT", "i:ITEM" and "c:COMMISSION".
        self._parent: dict[str, str] = {}
        self._clusters: dict[str, _Cluster] = {}
        self._shape = Shape(self._timeline, year_end)  # what every results shares, made once
        self._caches: dict[str, _UnitCache] = {u.name: _UnitCache() for u in self._quotas}
        self._index = {u.name: i for i, u in enumerate(self._quotas)}
        # The units' results as of the last results, and the span of as-of dates and the versions
        # for which all of them hold (each unit's own span is in its cache).
        self._units: list[UnitResult] = []
        self._span = (dt.date.max, dt.date.min)
        self._versions = ("", "")
        self._ticks = 0
        self._refused: dict[str, Refused] = {}  # the records in force that can never count
        self._refused_changed = True
        #: The contacts in force that can count (resolved rows), by id: never in a cluster.
        self._contacts = _contacts.InForce()
        self._rejections: tuple[Rejection, ...] = ()
        self._provenance: tuple[Any, Provenance] | None = None
        # What the provenance of every result shares: library, versions, target table.
        self._stamp = provenance_of(self._timeline, self._quotas, 0, 0, year_end)
        #: The units whose folds the last call of :meth:`results` moved (went on, or rewound).
        self.refolded: tuple[str, ...] = ()
        self._lock = threading.RLock()
        # Which clusters results must look at (see _to_bring): those changed since the last
        # results, and a heap of (the date of a row not folded yet, a tie-breaker, its cluster).
        self._as_of: dt.date | None = None
        self._touched: set[_Cluster] = set()
        self._waiting: list[tuple[dt.date, int, _Cluster]] = []
        # With period hooks: the fold that calls them for the units no event names (no cluster holds).
        self._lonely: _Lonely | None = None
        # The store followed (see over), what was known on when, and the last batch taken.
        self._store: Store | None = None
        self._known_on: dt.date | None = None
        self._seq = 0

    # -- following a store -------------------------------------------------------------------------

    @classmethod
    def over(
        cls,
        store: Store,
        *,
        known_on: dt.date | None = None,
        rules: Rules = None,
        quotas: QuotaTable | None = None,
        year: int | None = None,
    ) -> Scorer:
        """A scorer that has taken every batch of ``store`` recorded on or before ``known_on`` (by
        default every batch), in the order recorded: what a system restarted in the middle of the
        year does. Only the store is read; nothing is unpickled. Its results are those of
        ``score(store.read(known_on))``.

        Raises:
            TypeError: ``store`` is not a :class:`~.store.Store`, ``known_on`` not a date.
        """
        from .store import Store  # the store module needs nothing of this one

        need("store", store, Store, "a Store (Store.open(path) gives one)")
        if known_on is not None:
            need_date("known_on", known_on)
        scorer = cls(rules=rules, quotas=quotas, year=year)
        scorer._store, scorer._known_on = store, known_on
        scorer.catch_up()
        return scorer

    def catch_up(self) -> int:
        """Take the batches recorded in the store since the last call (see :meth:`over`); how many.

        Raises:
            ArgumentError: the scorer does not follow a store.
        """
        if self._store is None:
            raise ArgumentError("this scorer follows no store: make it with Scorer.over(store)")
        with self._lock:
            taken = 0
            for batch in self._store.batches():
                if batch.seq <= self._seq or (self._known_on is not None and batch.recorded > self._known_on):
                    continue
                self.add(self._store.batch(batch.seq))
                self._seq = batch.seq
                taken += 1
            return taken

    # -- clusters ---------------------------------------------------------------------------------

    def _find(self, key: str) -> str:
        parent = self._parent.setdefault(key, key)
        while parent != key:
            grand = self._parent[parent]
            self._parent[key] = grand
            key, parent = parent, grand
        return key

    @staticmethod
    def _links(row: Row) -> list[str]:
        commission = (
            row[COMMISSION] if row[KIND] == COMMISSIONED else row[ANSWERS] if row[KIND] == SUBMITTED else None
        )
        return [
            prefix + value
            for prefix, value in (("u:", row[UNIT]), ("i:", row[ITEM]), ("c:", commission))
            if value is not None
        ]

    def _cluster_of(self, row: Row) -> _Cluster:
        """The cluster a row belongs in, joining the clusters it links (folded again from the start)."""
        links = self._links(row)
        root = self._find(links[0])
        for link in links[1:]:
            other = self._find(link)
            if other == root:  # the usual case: the item or commission is already the unit's
                continue
            self._parent[other] = root
            joined = self._clusters.pop(other, None)
            if joined is None:
                continue
            mine = self._clusters.get(root)
            if mine is None:
                self._clusters[root] = joined
                continue
            for r in joined.rows:
                mine.insert(r)
            mine.units |= joined.units
            mine.start(self._run)
            self._touched.add(mine)
            mine.since = (dt.date.min, 0, "")
        cluster = self._clusters.get(root)
        if cluster is None:
            cluster = self._clusters[root] = _Cluster(self._run)
        return cluster

    # -- batches ----------------------------------------------------------------------------------

    def add(self, events: Iterable[Event] | ReadResult, rejected: Iterable[Rejection] = ()) -> BatchReport:
        """Take one batch of records (and records a reader rejected in it), in any order.

        ``events`` may be what :func:`~.readers.read_events` gave, rejections included. A batch
        is taken whole, or not at all when an argument is wrong.

        Returns:
            what the batch added, repeated, revised and rejected.

        Raises:
            TypeError: something in ``events`` is not an event, or in ``rejected`` not a
                :class:`~.results.Rejection` (:class:`~.exceptions.ArgumentTypeError`, naming it).
        """
        if isinstance(events, ReadResult):
            rows, places = events._rows, events._places
            reader = list(events.rejections)
        else:
            places = Places()
            rows = rows_of(events, places)
            reader = []
        reader += rejections_of(rejected)
        with self._lock, quiet_collector():
            move = self._places.take(places)
            return self._take(ReadResult._of(rows, places, tuple(reader), 0), move)

    def _take(self, read: ReadResult, move: Any) -> BatchReport:
        """Take a batch as the store takes one (:mod:`._batches`): settle its copies, classify each id
        against what is held, and keep what is new; ``move`` puts a position of the batch among the
        scorer's places."""
        self._batch += 1
        received, rejections = settle(read, contents=False)
        done = classify(received, self._held, read._places.origin, rejections)
        report = BatchReport()
        report.added, report.repeated = done.added, done.repeated
        report.revised, report.withdrawn = done.revised, done.withdrawn
        report.rejections = sorted(done.rejections, key=rejection_order)
        resolve = self._run.resolve_or_refuse
        touched: set[str] = set()
        for eid, got in done.stored.items():
            row = (*got.row[:POS], move(got.row[POS]))
            old = self._held.get(eid)
            if old is not None and old.target is not None:
                self._withdrawals[old.target].discard(eid)
                touched.add(old.target)
            self._held[eid] = got
            # A withdrawal is kept as it was written: its date may fall after the year.
            if got.target is not None:
                self._records[eid] = row
            elif row[KIND] == CONTACT:  # a contact's date is never judged: only its unit
                self._records[eid] = _contacts.resolve(self._run, row)
            else:
                self._records[eid] = resolve(row)
            self._batch_of[eid] = self._batch
            if got.target is not None:
                self._withdrawals.setdefault(got.target, set()).add(eid)
                touched.add(got.target)
            touched.add(eid)
        for eid in sorted(touched):
            self._show(eid)
        return report

    def _in_force(self, eid: str) -> Row | Refused | None:
        """The content of ``eid`` to score: an event's latest content, unless a withdrawal recorded in
        the same batch or later withdraws it; never a withdrawal."""
        content = self._records.get(eid)
        if content is None or _withdraws(content):
            return None
        since = self._batch_of[eid]
        if any(self._batch_of[w] >= since for w in self._withdrawals.get(eid, ())):
            return None
        return content

    def _show(self, eid: str) -> None:
        """Make what is scored of ``eid`` its content in force: take out what was, put in what is."""
        shown, wanted = self._shown.get(eid), self._in_force(eid)
        if shown is wanted:
            return
        if shown is not None:
            self._hide(eid, shown)
        if wanted is None:
            return
        self._shown[eid] = wanted
        print_ = self._held[eid].print
        self._shown_prints[eid] = print_
        self._prints += print_
        row = wanted.row if isinstance(wanted, Refused) else wanted
        if row[KIND] == CONTACT:  # scores nothing, and is not an event for the default as-of date
            if isinstance(wanted, Refused):
                self._refused[eid] = wanted
                self._refused_changed = True
            else:
                self._contacts.put(eid, row)
            return
        if row[DATE].year == self._year:
            self._dates[row[DATE]] += 1
        if isinstance(wanted, Refused):
            self._refused[eid] = wanted
            self._refused_changed = True
            return
        cluster = self._cluster_of(row)
        cluster.insert(row)
        self._touched.add(cluster)
        if row[UNIT] is not None:
            if self._run.hooked and row[UNIT] not in cluster.units:
                cluster.since = (dt.date.min, 0, "")  # its hooks were not called in the cluster's fold
            cluster.units.add(row[UNIT])

    def _hide(self, eid: str, shown: Row | Refused) -> None:
        del self._shown[eid]
        self._prints -= self._shown_prints.pop(eid)
        row = shown.row if isinstance(shown, Refused) else shown
        if row[KIND] == CONTACT:
            if isinstance(shown, Refused):
                del self._refused[eid]
                self._refused_changed = True
            else:
                self._contacts.drop(eid)
            return
        if row[DATE].year == self._year:
            self._dates[row[DATE]] -= 1
            if not self._dates[row[DATE]]:
                del self._dates[row[DATE]]
        if isinstance(shown, Refused):
            del self._refused[eid]
            self._refused_changed = True
            return
        cluster = self._clusters[self._find(self._links(row)[0])]
        cluster.remove(row)
        self._touched.add(cluster)

    # -- results ----------------------------------------------------------------------------------

    def results(self, as_of: dt.date | None = None) -> Results:
        """The results of the records in force, as of a date: by default the date of the latest event
        in force (31 December when there is none), as :func:`~.engine.score` defaults, so that a
        commission not yet due is not judged unanswered in the middle of the year.

        Raises:
            TypeError: ``as_of`` is not a :class:`datetime.date` (a text, a datetime).
            ValueError: ``as_of`` is outside the year.
        """
        if as_of is not None:
            need_date("as_of", as_of)
            if as_of.year != self._year:
                raise ArgumentError(f"the as-of date {as_of} is outside the assessment year {self._year}")
        with self._lock, quiet_collector():
            basis = "given"
            if as_of is None:
                as_of, basis = self._default_as_of()
            return self._results(as_of, basis)

    def _default_as_of(self) -> tuple[dt.date, str]:
        """As :func:`~.engine.default_as_of`: the latest event's date, or 31 December with none."""
        if not self._dates:
            return dt.date(self._year, 12, 31), "year_end"
        return max(self._dates), "latest_event"

    def latest(self) -> dt.date | None:
        """The date of the latest event in force in the year (the default as-of date of
        :meth:`results`); ``None`` when there is none."""
        with self._lock:
            return max(self._dates) if self._dates else None

    def _results(self, as_of: dt.date, basis: str) -> Results:
        run = self._run
        run.as_of = as_of
        moved: list[_Cluster] = []
        lonely = self._bring_lonely(as_of) if run.hooked else ()
        for cluster in self._to_bring(as_of):
            if cluster.bring_to(run, as_of):
                self._ticks += 1
                cluster.tick = self._ticks
                moved.append(cluster)
            if cluster.done < len(cluster.keys):  # rows after as_of: wanted when as_of reaches them
                self._ticks += 1
                heapq.heappush(self._waiting, (cluster.keys[cluster.done][0], self._ticks, cluster))
        self._as_of = as_of
        changed = {name for cluster in moved for name in cluster.units}
        changed.update(lonely)
        self.refolded = tuple(u.name for u in self._quotas if u.name in changed)
        shape = self._shape.at(as_of)
        versions = (shape.closing.id, (run.version_at(as_of) or run.first).rules.id)
        stale: list[Unit]
        renewed = versions != self._versions
        if renewed:  # every unit's result may change
            self._versions = versions
            self._units = [self._unit(unit, shape, versions) for unit in self._quotas]
            stale = []
        elif not self._span[0] <= as_of <= self._span[1]:
            # Some units' commissions are judged otherwise as of this date: those, and the changed.
            stale = [u for u in self._quotas if u.name in changed or not self._caches[u.name].holds(as_of)]
        else:
            stale = [self._quotas.units[self._index[name]] for name in changed]
        for unit in stale:
            self._units[self._index[unit.name]] = self._unit(unit, shape, versions)
        if renewed or stale or not self._span[0] <= as_of <= self._span[1]:
            caches = self._caches.values()
            self._span = (max(c.first for c in caches), min(c.last for c in caches))
        units = tuple(self._units)
        if self._refused_changed or any(c.rejections_moved for c in moved):
            rejections = [
                Rejection(self._places.origin(r.row[POS]), eid, r.reason) for eid, r in self._refused.items()
            ]
            for cluster in self._clusters.values():
                rejections += cluster.rejections
                cluster.rejections_moved = False
            rejections.sort(key=rejection_order)
            self._rejections = tuple(rejections)
            self._refused_changed = False
        counted = after = 0
        for cluster in self._clusters.values():  # each has folded exactly its rows up to as_of
            counted += cluster.done - len(cluster.rejections)
            after += len(cluster.rows) - cluster.done
        rejections_now = self._rejections
        contacts: tuple[Event, ...] = ()
        if self._contacts:
            contacts, later, refused = self._contacts.as_of(as_of, self._places.origin)
            counted += len(contacts)
            after += later
            if refused:
                rejections_now = tuple(sorted((*rejections_now, *refused), key=rejection_order))
        count = len(self._shown)
        stamp = (self._prints, count, as_of)
        if self._provenance is None or self._provenance[0] != stamp:
            digest = f"{self._prints % MODULUS:064x}"
            made = attrs.evolve(self._stamp, events_digest=digest, events=count, as_of=as_of)
            self._provenance = (stamp, made)
        return Results(
            provenance=self._provenance[1],
            year=self._year,
            as_of=as_of,
            rules=self._timeline.id,
            units=units,
            rejections=rejections_now,
            read=count,
            counted=counted,
            repeats=0,
            after_as_of=after,
            quotas=self._quotas,
            as_of_basis=basis,
            contacts=contacts,
        )

    def _bring_lonely(self, as_of: dt.date) -> frozenset[str]:
        """Call the period hooks due as of ``as_of`` for the units no event names, in a fold of their
        own (made again when they change or the as-of date moves back); the units it moved."""
        names = frozenset(u.name for u in self._quotas if "u:" + u.name not in self._parent)
        lonely = self._lonely
        if lonely is None or lonely.names != names or lonely.fold.hooked_to > as_of:
            lonely = self._lonely = _Lonely(self._run, names)
        elif not lonely.fold.hooks_due(as_of):
            return frozenset()
        lonely.fold.hooks_until(as_of)
        self._ticks += 1
        lonely.tick = self._ticks
        return names

    def _to_bring(self, as_of: dt.date) -> Iterable[_Cluster]:
        """The clusters whose fold may have to move to be as of ``as_of``: every one when the as-of
        date moved back or, with period hooks, passed the end of a period; else those changed
        since, and those with rows dated up to ``as_of`` that are not folded yet."""
        passed = False
        if self._run.hooked and self._as_of is not None:
            passed = any(self._as_of < last <= as_of for last, _ in self._run.period_ends)
        if self._as_of is None or as_of < self._as_of or passed:
            self._touched.clear()
            self._waiting.clear()
            return list(self._clusters.values())
        clusters = {id(c): c for c in self._touched}
        self._touched.clear()
        waiting = self._waiting
        while waiting and waiting[0][0] <= as_of:
            cluster = heapq.heappop(waiting)[2]
            clusters[id(cluster)] = cluster
        live = {id(c) for c in self._clusters.values()}  # a cluster joined into another is gone
        return [c for key, c in clusters.items() if key in live]

    def _unit(self, unit: Unit, shape: Shape, versions: tuple[str, str]) -> UnitResult:
        """A unit's result, made again only when its fold or its commissions' judgement changed."""
        cache = self._caches[unit.name]
        key = "u:" + unit.name
        cluster = self._clusters.get(self._find(key)) if key in self._parent else None
        lonely = self._lonely
        tick = cluster.tick if cluster is not None else lonely.tick if lonely is not None else 0
        as_of = shape.as_of
        if (
            cache.result is not None
            and cache.tick == tick
            and cache.versions == versions
            and cache.first <= as_of <= cache.last
        ):
            return cache.result
        if cluster is None and lonely is not None and unit.name in lonely.fold.tallies:
            tally, closing = lonely.fold.tallies[unit.name], NO_CLOSING
        elif cluster is None or unit.name not in cluster.fold.tallies:
            tally, closing = Tally(unit), NO_CLOSING
        else:
            fold = cluster.fold
            tally = fold.tallies[unit.name]
            closing = NO_CLOSING
            if fold.commissions:
                # The unit's own commissions; a cluster of one unit has no other.
                cids = None if len(fold.tallies) == 1 else sorted(fold.commissions_of(tally))
                closing = fold.close(as_of, cids).get(unit.name, NO_CLOSING)
        if cache.sums is None or not cache.sums.follows(tally.book):
            cache.sums = BookSums(shape, tally.book)
        result = shape.result(tally, closing, cache.sums)
        # The span of as-of dates in which every commission is judged as now.
        first, last = dt.date(self._year, 1, 1), dt.date(self._year, 12, 31)
        for status in result.commissions:
            if status.outcome == "unanswered":
                first = max(first, status.due + DAY)
            elif status.outcome == "pending":
                last = min(last, status.due)
        if shape.closing.floor is not None:  # a floor line is dated as of the results
            first = last = as_of
        cache.tick, cache.versions, cache.first, cache.last, cache.result = (
            tick,
            versions,
            first,
            last,
            result,
        )
        return result
