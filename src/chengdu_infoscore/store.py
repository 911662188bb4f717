"""The store: every record received, with the day it was recorded, in one SQLite file (docs/store.md).

Records arrive in batches — a day's files, say — each recorded on a date. A store keeps every
batch and every record it accepted, append-only: a revision or a withdrawal is a new record,
never a change to an old one. So any past view can be rebuilt: :meth:`Store.read` gives the
records in force as known on a day, ready for :func:`~.engine.score`, exactly as a file holding
those records would give them (the same events digest and count in the provenance), so that a
bulletin published that day can be reproduced byte for byte.

What a batch does, for each id it holds (events.md, "Corrections"):

- a new id is **added**; the same content as the store holds is a **repeat** and changes nothing;
  different content is a **revision**, which replaces the earlier content from this batch on (a
  revision may change the record's type; a revision of a withdrawn event reinstates it);
- a :class:`~.events.Withdrawn` record **withdraws** the event it names, from this batch on, until
  a later batch revises that event;
- within the batch, two contents for one id are a conflict: every copy is **rejected**, and so is
  every copy of an id of which the reader rejected a copy; nothing of that id is stored from this
  batch. A record that cannot be read is rejected. A withdrawal of an id that holds no event (as
  the store knows it after the batch), or of an id this batch gives as a withdrawal, is rejected.

Whether an event counts — a unit the table knows, an item submitted before — is judged when
scoring, since what it refers to may arrive later. Contents are compared as written (names are
resolved only when scoring): a record that writes a unit's alias where an earlier one wrote its
name is a revision, which scores the same.

SQLite through the standard library only: WAL journal, the schema version in ``PRAGMA
user_version`` (checked when the store is opened), foreign keys, one transaction per batch (an
error or a crash part way leaves the store as it was), parameters always bound. No clock: a
batch's date is the one it is given.

>>> import datetime as dt, tempfile, os
>>> from chengdu_infoscore import Missed, Withdrawn, score
>>> path = os.path.join(tempfile.mkdtemp(), "log.store")
>>> miss = Missed(id="e1", date="2007-03-20", unit="锦江区", category="work_dynamic")
>>> withdrawal = Withdrawn(id="w1", date="2007-04-02", event="e1")
>>> with Store.open(path, create=True) as store:
...     first = store.ingest([miss], recorded=dt.date(2007, 3, 21))
...     later = store.ingest([withdrawal], recorded=dt.date(2007, 4, 2))
...     march, now = score(store.read(dt.date(2007, 3, 31))), score(store.read())
>>> first.added, later.withdrawn, march.unit("锦江区").score, now.unit("锦江区").score
(1, 1, Decimal('-2'), Decimal('0'))
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import threading
import urllib.parse
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from types import TracebackType
from typing import Any, Final

import attrs

from ._arguments import describe, need, need_date, need_int
from ._batches import Received, classify, keepable, settle
from ._codecs import (
    BY_WORD,
    POS,
    STORED_FORM_VERSION,
    Row,
    fingerprint,
    row_of,
    stored_form,
)
from ._places import Places, quiet_collector
from .events import Event, Origin, Withdrawn
from .exceptions import ArgumentError, ArgumentTypeError, InfoscoreError, StoreError
from .readers import ReadResult, _Plain, read_events
from .results import Rejection

__all__ = ["SCHEMA_VERSION", "STORED_FORM_VERSION", "Batch", "IngestReport", "Store"]

#: The version of the store's schema that this library writes, in ``PRAGMA user_version``.
SCHEMA_VERSION: Final = 2
#: ``PRAGMA application_id``: the bytes ``CDIS``, which mark an SQLite file as a store.
APPLICATION_ID: Final = int.from_bytes(b"CDIS", "big")

_MODULUS: Final = 1 << 256
_WITHDRAWN: Final = Withdrawn.kind

_SCHEMA: Final = """
CREATE TABLE batches (
    seq INTEGER PRIMARY KEY CHECK (seq >= 1),
    recorded TEXT NOT NULL,
    sources TEXT NOT NULL,
    received INTEGER NOT NULL,
    added INTEGER NOT NULL,
    repeated INTEGER NOT NULL,
    revised INTEGER NOT NULL,
    withdrawn INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    events INTEGER NOT NULL,
    digest TEXT NOT NULL,
    form INTEGER NOT NULL CHECK (form >= 1)
);
CREATE TABLE records (
    batch INTEGER NOT NULL REFERENCES batches (seq),
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    content TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    target TEXT,
    file TEXT,
    line INTEGER,
    PRIMARY KEY (id, batch)
) WITHOUT ROWID;
CREATE INDEX records_by_batch ON records (batch);
CREATE INDEX records_by_target ON records (target) WHERE target IS NOT NULL;
CREATE TABLE rejections (
    batch INTEGER NOT NULL REFERENCES batches (seq),
    file TEXT,
    line INTEGER,
    id TEXT,
    reason TEXT NOT NULL
);
CREATE INDEX rejections_by_batch ON rejections (batch);
CREATE TRIGGER batches_append_only BEFORE UPDATE ON batches
    BEGIN SELECT RAISE(ABORT, 'the store is append-only'); END;
CREATE TRIGGER batches_kept BEFORE DELETE ON batches
    BEGIN SELECT RAISE(ABORT, 'the store is append-only'); END;
CREATE TRIGGER records_append_only BEFORE UPDATE ON records
    BEGIN SELECT RAISE(ABORT, 'the store is append-only'); END;
CREATE TRIGGER records_kept BEFORE DELETE ON records
    BEGIN SELECT RAISE(ABORT, 'the store is append-only'); END;
CREATE TRIGGER rejections_append_only BEFORE UPDATE ON rejections
    BEGIN SELECT RAISE(ABORT, 'the store is append-only'); END;
CREATE TRIGGER rejections_kept BEFORE DELETE ON rejections
    BEGIN SELECT RAISE(ABORT, 'the store is append-only'); END;
"""

#: The SQL that brings a store of schema ``n`` to ``n + 1``, applied in order when it is opened
#: (one transaction each).
_MIGRATIONS: Final[dict[int, str]] = {
    # 2: each batch states the stored form of its records' content; schema 1 wrote form 1.
    1: "ALTER TABLE batches ADD COLUMN form INTEGER NOT NULL DEFAULT 1 CHECK (form >= 1);",
}


@attrs.frozen
class Batch:
    """One batch of a store: the records of one :meth:`Store.ingest`, recorded on one day.

    Every record received is one of ``added`` (a new id holding an event), ``repeated`` (the
    same content as the store held, or another copy in the batch), ``revised`` (an id already
    known, with new content), ``withdrawn`` (a new withdrawal) or ``rejected``: ``received`` is
    their sum.

    Attributes:
        seq: the batch's number, 1 for the first; batches are in the order recorded.
        recorded: the day it was recorded.
        sources: the names of the files it was read from (``-`` standard input, ``<api>`` events
            given in Python).
        events: how many records are in force after it (the view :meth:`Store.read` gives).
        digest: the events digest of that view, as the provenance of a result scored from it
            states it (:attr:`~.provenance.Provenance.events_digest`): so the view behind a
            published bulletin can be found again.
    """

    seq: int
    recorded: dt.date
    sources: tuple[str, ...]
    received: int
    added: int
    repeated: int
    revised: int
    withdrawn: int
    rejected: int
    events: int
    digest: str


@attrs.frozen
class IngestReport(Batch):
    """What :meth:`Store.ingest` did: the batch it recorded, and every record it rejected (with
    the file, line, id and reason)."""

    rejections: tuple[Rejection, ...] = ()


class _Held:
    """An id's content as the store holds it: the batch it came in, its type, content, fingerprint
    and, for a withdrawal, the id it withdraws."""

    __slots__ = ("batch", "content", "kind", "print", "target")

    def __init__(self, batch: int, kind: str, content: str, print_: int, target: str | None) -> None:
        self.batch = batch
        self.kind = kind
        self.content = content
        self.print = print_
        self.target = target


def _in_force(held: _Held | None, withdrawals: Iterable[int]) -> bool:
    """An id is in force when it holds an event that no withdrawal of a batch as late or later withdraws."""
    return held is not None and held.kind != _WITHDRAWN and all(b < held.batch for b in withdrawals)


class Store:
    """A store of records received over time, in an SQLite file; use it as a context manager.

    Thread-safe: one call at a time goes to the file. Several processes may read a store while
    one writes it; a batch is seen whole or not at all.
    """

    def __init__(self, connection: sqlite3.Connection, name: str) -> None:
        """Use :meth:`open`."""
        self._db: sqlite3.Connection | None = connection
        self._name = name
        self._lock = threading.RLock()

    @contextmanager
    def _readable(self) -> Iterator[None]:
        """Turn what a damaged store gives (a record or batch this library never wrote) into a
        :class:`StoreError` that says so, rather than a failure somewhere inside."""
        try:
            yield
        except StoreError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError, IndexError, InfoscoreError) as exc:
            raise StoreError(
                f"{self._name}: the store is damaged: a record or batch it holds cannot be read"
                f" ({type(exc).__name__}: {str(exc)[:200]}); it was not written by this library,"
                " or was changed since"
            ) from None

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = False) -> Store:
        """Open the store in ``path``; with ``create``, make an empty one if there is none.

        Raises:
            ArgumentTypeError: ``path`` is not a path, ``create`` not a bool.
            StoreError: there is no store there (and ``create`` is false), the file is not a
                store (another SQLite database, another kind of file, a directory), its schema
                is newer than this library reads, or it cannot be opened or created.
        """
        need("path", path, (str, os.PathLike), "the store's file (str or pathlib.Path)")
        need("create", create, bool, "True or False")
        name = os.fsdecode(path)
        if not name:
            raise StoreError("the store's file name is empty")
        if name == "-":
            raise StoreError("-: a store is a file, not standard input or output; name its file")
        if os.path.isdir(path):
            raise StoreError(f"{name}: is a directory, not a store")
        exists = os.path.exists(path)
        if exists and not os.path.isfile(path):  # a device, a pipe, a socket: SQLite would write beside it
            raise StoreError(f"{name}: is not a regular file, so not a store")
        folder = os.path.dirname(os.path.abspath(name))
        if not exists and create and not os.path.isdir(folder):
            raise StoreError(f"{name}: cannot create the store: the directory {folder!r} does not exist")
        if not exists and not create:
            raise StoreError(
                f"{name}: no such store (reading never creates one; `chengdu-infoscore ingest` does, as"
                " Store.open(path, create=True) does)"
            )
        where = urllib.parse.quote(os.fsencode(os.path.abspath(path)))
        uri = f"file:{where}?mode={'rw' if exists else 'rwc'}"
        try:
            db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=30)
        except sqlite3.Error as exc:
            raise StoreError(
                f"{name}: cannot {'open' if exists else 'create'} the store: {_why(exc)}"
            ) from None
        except ValueError as exc:  # a NUL character in the name
            raise StoreError(f"{name}: cannot open: {exc}") from None
        try:
            _prepare(db, name, create)
        except BaseException:
            db.close()
            if not exists:
                _remove_new(name)
            raise
        return cls(db, name)

    @property
    def path(self) -> str:
        """The store's file, as it was given."""
        return self._name

    def close(self) -> None:
        """Close the store; closing it again does nothing."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self._name!r}{'' if self._db is not None else ', closed'})"

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            raise StoreError(f"{self._name}: the store is closed")
        return self._db

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[sqlite3.Connection]:
        """One transaction: committed whole, or rolled back whatever stops it (an error, Ctrl-C)."""
        with self._lock:
            db = self._connection()
            what = "write" if write else "read"
            try:
                db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            except sqlite3.Error as exc:
                raise StoreError(f"{self._name}: cannot {what} the store: {_why(exc)}") from None
            try:
                _check_form(db, self._name)
                yield db
                db.execute("COMMIT")
            except BaseException as exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    left = "; the batch was not recorded, the store is as it was" if write else ""
                    raise StoreError(f"{self._name}: cannot {what} the store: {_why(exc)}{left}") from None
                raise

    # -- reading -------------------------------------------------------------------------------

    def batches(self) -> tuple[Batch, ...]:
        """Every batch, in the order recorded."""
        with self._transaction(write=False) as db:
            rows = db.execute(
                "SELECT seq, recorded, sources, received, added, repeated, revised, withdrawn, rejected,"
                " events, digest FROM batches ORDER BY seq"
            ).fetchall()
        with self._readable():
            return tuple(_batch(row) for row in rows)

    def read(self, known_on: dt.date | None = None, *, after: int | None = None) -> ReadResult:
        """The records in force as known on a day: what :func:`~.engine.score` takes.

        Only the batches recorded on or before ``known_on`` (by default, every batch) are used,
        with the revisions and withdrawals among them: each id with its latest content, less
        the events withdrawn, and no withdrawal at all. Scoring it gives what scoring a file of
        exactly those records gives, provenance included. Each event's origin is the file and
        line it was read from when its content was recorded.

        Args:
            known_on: the last day whose batches are used; by default, every batch.
            after: instead of a day, the view right after batch ``after`` (0 for the view before
                the first batch, which holds nothing): the view whose events digest that batch
                keeps (:attr:`Batch.digest`), even when later batches were recorded the same day.

        Raises:
            ArgumentTypeError: ``known_on`` is not a :class:`datetime.date`, or ``after`` not an int.
            ArgumentError: both ``known_on`` and ``after`` are given, or the store has no batch
                ``after``.
        """
        if known_on is not None:
            need_date("known_on", known_on)
            if after is not None:
                raise ArgumentError("give known_on or after, not both: each says which view to read")
        if after is not None:
            need_int("after", after, what="a batch's number (int)")
        with self._transaction(write=False) as db:
            last = _last_seq(db, known_on) if after is None else _seq_in(db, after, self._name)
            found = db.execute(
                "SELECT id, MAX(batch), type, content, target, file, line FROM records WHERE batch <= ?"
                " GROUP BY id",
                (last,),
            ).fetchall()
        events: dict[str, tuple[int, str, str | None, int | None]] = {}
        withdrawals: list[tuple[str, int]] = []
        for eid, batch, kind, content, target, file, line in found:
            if kind == _WITHDRAWN:
                withdrawals.append((target, batch))
            else:
                events[eid] = (batch, content, file, line)
        gone = {target for target, batch in withdrawals if target in events and batch >= events[target][0]}
        kept = sorted(
            (batch, file or "", line or 0, eid, content, file, line)
            for eid, (batch, content, file, line) in events.items()
            if eid not in gone
        )
        with self._readable():
            return _result([(batch, content, file, line) for batch, _, _, _, content, file, line in kept])

    def batch(self, seq: int) -> ReadResult:
        """The records a batch stored, as received: new ids and revisions, withdrawals included
        (repeats changed nothing and rejections were not stored; :meth:`batches` counts them).

        Replaying the batches in order, each id's latest record replacing the one before and
        each withdrawal withdrawing its event from its batch on, until a later batch revises the
        event, gives the view of :meth:`read`.

        Raises:
            ArgumentTypeError: ``seq`` is not an int.
            ArgumentError: the store has no batch ``seq``.
        """
        need_int("seq", seq, what="a batch's number (int)")
        with self._transaction(write=False) as db:
            count = db.execute("SELECT COUNT(*) FROM batches").fetchone()[0]
            if not 1 <= seq <= count:
                held = f"batches 1 to {count}" if count else "no batch yet"
                raise ArgumentError(f"{self._name}: no batch {seq}; the store holds {held}")
            found = db.execute(
                "SELECT content, file, line FROM records WHERE batch = ? ORDER BY file, line, id", (seq,)
            ).fetchall()
        with self._readable():
            return _result([(seq, content, file, line) for content, file, line in found])

    # -- writing -------------------------------------------------------------------------------

    def ingest(
        self,
        source: Iterable[str | os.PathLike[str]] | ReadResult | Iterable[Event],
        *,
        recorded: dt.date,
    ) -> IngestReport:
        """Record a batch: the records of ``source``, recorded on ``recorded``.

        Args:
            source: event logs to read (paths, ``-`` for standard input), what
                :func:`~.readers.read_events` gave (its rejections included), or events (and
                :class:`~.events.Withdrawn` records) built in Python.
            recorded: the day the batch is recorded; not before the latest batch of the store
                (several batches may share a day).

        Returns:
            what the batch added, repeated, revised, withdrew and rejected. Whatever was rejected,
            the rest is recorded.

        Raises:
            ArgumentTypeError: ``source`` is a single path, or holds something that is neither a
                path nor an event; ``recorded`` is not a :class:`datetime.date`.
            EventFileError: a file cannot be read as an event log (nothing is recorded).
            StoreError: ``recorded`` is before the store's latest batch, or the store cannot be
                written (nothing is recorded: the store is as it was).
        """
        need_date("recorded", recorded)
        read, sources = _source(source)
        with quiet_collector():
            received, rejections = settle(read)
            with self._transaction(write=True) as db, self._readable():
                report = self._record(db, read, received, rejections, recorded, sources)
        self._checkpoint()
        return report

    def _checkpoint(self) -> None:
        """Copy what the write-ahead log holds into the store's file, as far as no reader holds it
        back: a process that keeps the store open for long (a server, a live system) leaves the
        file alone complete after each batch, as closing the last connection does. Best effort: a
        checkpoint that cannot be made now is made by a later one, or at the last close."""
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._connection().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def _record(
        self,
        db: sqlite3.Connection,
        read: ReadResult,
        received: dict[str, Received],
        rejections: list[Rejection],
        recorded: dt.date,
        sources: tuple[str, ...],
    ) -> IngestReport:
        """Record a batch whose copies are settled, inside the batch's transaction."""
        last = db.execute(
            "SELECT seq, recorded, events, digest FROM batches ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        seq, events, digest = (1, 0, 0) if last is None else (last[0] + 1, last[2], int(last[3], 16))
        if last is not None and recorded.isoformat() < last[1]:
            raise StoreError(
                f"{self._name}: a batch recorded on {recorded} comes before the store's latest batch"
                f" ({last[0]}, recorded on {last[1]}); what was known then cannot be rewritten: record"
                f" it on {last[1]} or later"
            )
        targets = {r.target for r in received.values() if r.target is not None}
        held = _held(db, set(received) | targets)
        # What each id of the batch does: a repeat changes nothing; a new id or new content is stored.
        origin = read._places.origin
        done = classify(received, held, origin, rejections)
        stored, rejections = done.stored, done.rejections
        added, repeated, revised, withdrawn = done.added, done.repeated, done.revised, done.withdrawn
        # The ids whose standing may change: those stored, what the withdrawals stored name now,
        # and what the withdrawals they revise named before.
        affected = set(stored)
        affected |= {got.target for got in stored.values() if got.target is not None}
        affected |= {h.target for eid, h in held.items() if eid in stored and h.target is not None}
        held.update(_held(db, affected - set(held)))
        naming = _naming(db, affected)
        named: dict[str, list[str]] = {}  # the withdrawals stored now, by what they name
        for w, got in stored.items():
            if got.target is not None:
                named.setdefault(got.target, []).append(w)
        for eid in affected:
            before = held.get(eid)
            was = naming.get(eid, {})
            now = {w: b for w, b in was.items() if w not in stored}
            now.update(dict.fromkeys(named.get(eid, ()), seq))
            new = stored.get(eid)
            after = before if new is None else _Held(seq, new.kind, new.content, new.print, new.target)
            if _in_force(before, was.values()):
                assert before is not None
                events, digest = events - 1, digest - before.print
            if _in_force(after, now.values()):
                assert after is not None
                events, digest = events + 1, digest + after.print
        batch = Batch(
            seq=seq,
            recorded=recorded,
            sources=sources,
            received=len(read),
            added=added,
            repeated=repeated,
            revised=revised,
            withdrawn=withdrawn,
            rejected=len(rejections),
            events=events,
            digest=f"{digest % _MODULUS:064x}",
        )
        assert batch.received == added + repeated + revised + withdrawn + batch.rejected
        db.execute(
            "INSERT INTO batches (seq, recorded, sources, received, added, repeated, revised, withdrawn,"
            " rejected, events, digest, form) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                seq,
                recorded.isoformat(),
                json.dumps([keepable(s) for s in sources], ensure_ascii=False),
                batch.received,
                added,
                repeated,
                revised,
                withdrawn,
                batch.rejected,
                events,
                batch.digest,
                # The oldest form its records can be read in: 1, unless one gives points (form 2).
                max((stored_form(got.content) for got in stored.values()), default=1),
            ),
        )
        db.executemany(
            "INSERT INTO records (batch, id, type, content, fingerprint, target, file, line)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    seq,
                    eid,
                    got.kind,
                    got.content,
                    f"{got.print:064x}",
                    got.target,
                    *_where(origin(got.row[POS])),
                )
                for eid, got in stored.items()
            ),
        )
        rejections.sort(key=_rejection_order)
        db.executemany(
            "INSERT INTO rejections (batch, file, line, id, reason) VALUES (?, ?, ?, ?, ?)",
            (
                (seq, *_where(r.origin), None if r.event is None else keepable(r.event), keepable(r.reason))
                for r in rejections
            ),
        )
        return IngestReport(**attrs.asdict(batch, recurse=False), rejections=tuple(rejections))


# -- helpers -------------------------------------------------------------------------------------


def _why(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]


def _remove_new(name: str) -> None:
    """Remove what a failed creation left: the new file and its journal files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with suppress(OSError):
            os.remove(name + suffix)


def _prepare(db: sqlite3.Connection, name: str, create: bool) -> None:
    """Check that the file is a store this library reads (making it one, when empty and asked to).

    Raises:
        StoreError: it is not, or cannot be read or made.
    """
    try:
        db.execute("PRAGMA foreign_keys = ON")
        application, version = (
            db.execute(f"PRAGMA {p}").fetchone()[0] for p in ("application_id", "user_version")
        )
        tables = db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
        empty = application == 0 and version == 0 and tables == 0
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{name}: not a store: {_what_it_is(name, exc)}") from None
    if empty and not create:
        raise StoreError(f"{name}: not a store: an empty file")
    if not empty and application != APPLICATION_ID:
        raise StoreError(f"{name}: not a store: an SQLite database of another application")
    if not empty and version > SCHEMA_VERSION:
        raise StoreError(
            f"{name}: the store's schema is version {version}, written by a newer chengdu-infoscore;"
            f" this version reads schema {SCHEMA_VERSION}: upgrade the library"
        )
    if not empty and (version < 1 or any(v not in _MIGRATIONS for v in range(version, SCHEMA_VERSION))):
        raise StoreError(
            f"{name}: the store's schema version {version} is unknown; expected {SCHEMA_VERSION}"
        )
    try:
        if db.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
            raise StoreError(f"{name}: cannot use the store: SQLite refused its WAL journal")
        if empty:
            db.executescript(
                f"BEGIN IMMEDIATE;\n{_SCHEMA}\nPRAGMA application_id = {APPLICATION_ID};\n"
                f"PRAGMA user_version = {SCHEMA_VERSION};\nCOMMIT;"
            )
        for old in range(version if not empty else SCHEMA_VERSION, SCHEMA_VERSION):  # oldest first
            db.executescript(
                f"BEGIN IMMEDIATE;\n{_MIGRATIONS[old]}\nPRAGMA user_version = {old + 1};\nCOMMIT;"
            )
        _check_form(db, name)
    except sqlite3.Error as exc:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise StoreError(f"{name}: cannot {'create' if empty else 'open'} the store: {_why(exc)}") from None


def _check_form(db: sqlite3.Connection, name: str) -> None:
    """Check that every batch's records are in a stored form this library reads.

    Raises:
        StoreError: a batch holds records in a newer form (written by a newer library).
    """
    found = db.execute("SELECT MAX(form), MIN(seq) FROM batches WHERE form > ?", (STORED_FORM_VERSION,))
    form, seq = found.fetchone()
    if form is not None:
        raise StoreError(
            f"{name}: batch {seq} holds records in stored form {form}, written by a newer"
            f" chengdu-infoscore; this version reads stored form {STORED_FORM_VERSION}: upgrade the library"
        )


def _what_it_is(name: str, exc: BaseException) -> str:
    try:
        with open(name, "rb") as file:
            head = file.read(16)
    except OSError:
        return _why(exc)
    if head.lstrip().startswith((b"{", b"[")):
        return "this looks like an event log (JSON); give it to `ingest` to record it"
    return f"this is not an SQLite database ({_why(exc)})"


def _source(source: Any) -> tuple[ReadResult, tuple[str, ...]]:
    """The records of a batch's source, and the names of its files.

    Raises:
        ArgumentTypeError: a single path, or something that is neither paths nor events.
        EventFileError: a file cannot be read as an event log.
    """
    if isinstance(source, ReadResult):
        return source, tuple(dict.fromkeys(source._places._names)) or (("<api>",) if len(source) else ())
    if isinstance(source, str | bytes | os.PathLike):
        raise ArgumentTypeError(
            f"ingest takes a list of paths, not a single path ({describe(source)}): wrap it in a list"
        )
    try:
        items = list(source)
    except TypeError:
        raise ArgumentTypeError(
            f"ingest takes paths, what read_events() gave, or events; not {describe(source)}"
        ) from None
    if items and all(isinstance(item, str | bytes | os.PathLike) for item in items):
        names = tuple(dict.fromkeys(os.fsdecode(item) for item in items))
        return read_events(items), names
    places = Places()
    rows = []
    for index, item in enumerate(items):
        if not isinstance(item, Event):
            raise ArgumentTypeError(
                f"ingest: source[{index}] is {describe(item)}: give paths, what read_events() gave, or"
                " events (Submitted, Adopted…, Withdrawn), not a mixture"
            )
        rows.append(row_of(item, places.add_origin(item.origin)))
    files = [e.origin.file if e.origin is not None else "<api>" for e in items]
    return ReadResult._of(rows, places, (), sum(map(fingerprint, rows))), tuple(dict.fromkeys(files))


def _where(origin: Origin | None) -> tuple[str | None, int | None]:
    return (None, None) if origin is None else (keepable(origin.file), origin.line)


def _rejection_order(r: Rejection) -> tuple[int, str, int, str]:
    return (0, "", 0, r.event or "") if r.origin is None else (1, r.origin.file, r.origin.line, r.event or "")


def _wanted(db: sqlite3.Connection, ids: Iterable[str]) -> None:
    """Fill the temporary table of the ids a query is about."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (id TEXT PRIMARY KEY) WITHOUT ROWID")
    db.execute("DELETE FROM temp.wanted")
    db.executemany("INSERT INTO temp.wanted (id) VALUES (?)", ((eid,) for eid in ids))


def _held(db: sqlite3.Connection, ids: set[str]) -> dict[str, _Held]:
    """The content the store holds for each of ``ids`` that it knows: the latest received."""
    if not ids:
        return {}
    _wanted(db, ids)
    found = db.execute(
        "SELECT r.id, r.batch, r.type, r.content, r.fingerprint, r.target FROM temp.wanted AS w"
        " JOIN records AS r ON r.id = w.id"
        " WHERE r.batch = (SELECT MAX(batch) FROM records AS m WHERE m.id = w.id)"
    )
    return {
        eid: _Held(batch, kind, content, int(fp, 16), target)
        for eid, batch, kind, content, fp, target in found
    }


def _naming(db: sqlite3.Connection, ids: set[str]) -> dict[str, dict[str, int]]:
    """For each of ``ids``, the withdrawals that name it now (their latest content does): id → batch."""
    if not ids:
        return {}
    _wanted(db, ids)
    found = db.execute(
        "SELECT r.target, r.id, r.batch FROM temp.wanted AS w JOIN records AS r ON r.target = w.id"
        " WHERE r.batch = (SELECT MAX(batch) FROM records AS m WHERE m.id = r.id)"
    )
    naming: dict[str, dict[str, int]] = {}
    for target, eid, batch in found:
        naming.setdefault(target, {})[eid] = batch
    return naming


def _last_seq(db: sqlite3.Connection, known_on: dt.date | None) -> int:
    """The last batch recorded on or before ``known_on`` (every batch when ``None``); 0 if none."""
    if known_on is None:
        found = db.execute("SELECT MAX(seq) FROM batches").fetchone()
    else:
        found = db.execute(
            "SELECT MAX(seq) FROM batches WHERE recorded <= ?", (known_on.isoformat(),)
        ).fetchone()
    return int(found[0] or 0)


def _seq_in(db: sqlite3.Connection, seq: int, name: str) -> int:
    """``seq``, a batch of the store or 0 (before the first); else :class:`ArgumentError`."""
    count = db.execute("SELECT COUNT(*) FROM batches").fetchone()[0]
    if not 0 <= seq <= count:
        held = f"batches 1 to {count}" if count else "no batch yet"
        raise ArgumentError(f"{name}: no batch {seq}; the store holds {held} (0 is the view before them)")
    return seq


def _batch(row: tuple[Any, ...]) -> Batch:
    seq, recorded, sources, received, added, repeated, revised, withdrawn, rejected, events, digest = row
    return Batch(
        seq=seq,
        recorded=dt.date.fromisoformat(recorded),
        sources=tuple(json.loads(sources)),
        received=received,
        added=added,
        repeated=repeated,
        revised=revised,
        withdrawn=withdrawn,
        rejected=rejected,
        events=events,
        digest=digest,
    )


def _result(records: list[tuple[int, str, str | None, int | None]]) -> ReadResult:
    """A read result of stored records ``(batch, content, file, line)``, in that order, each with
    the file and line it was read from.

    The records were checked when they were stored, in the stored form 1 (``_codecs.to_stored``):
    they are made into rows all at once as the JSON Lines reader makes plain records, which gives
    the rows and fingerprints that ``_codecs.from_stored`` and ``_codecs.fingerprint`` give.
    """
    places = Places()
    positions: list[int] = []
    group: tuple[int, str] | None = None
    base = top = 0
    for batch, _, file, line in records:
        if file is None or line is None:
            positions.append(places.add_origin(None))
            continue
        if group != (batch, file):
            if group is not None:
                places.end_file(top)
            group, base, top = (batch, file), places.add_file(file), 0
        positions.append(base + line)
        top = max(top, line)
    if group is not None:
        places.end_file(top)
    with quiet_collector():
        # One parse of all the contents as one JSON array: they are objects the store wrote.
        parsed = json.loads("[" + ",".join(content for _, content, _, _ in records) + "]")
        plain = _Plain()
        made: list[Row] = []
        misses = plain.rows(parsed, 0, made)
        rows = [(*row[:POS], positions[row[POS]]) for row in made]
        prints = plain.prints
        for index in misses:  # not of the plain shape: never so for what the store wrote
            record = parsed[index]
            row = BY_WORD[record["type"]].from_record(record, positions[index])
            rows.append(row)
            prints += fingerprint(row)
    return ReadResult._of(rows, places, (), prints)
