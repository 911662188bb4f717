"""What one batch does to the records already held: the rule that the store (:mod:`.store`) and
the live scorer (:mod:`.live`) share, so that a batch taken by either does the same.

A batch is settled first (:func:`settle`): two contents for one id, or a copy the reader could
not read beside a readable one, reject every copy of that id; a record whose text cannot be kept
(a lone surrogate) is rejected. Then each id is classified against what is held
(:func:`classify`): the same content is a repeat; new content for a held id is a revision; a new
id is added, or withdrawn when it is a withdrawal; a withdrawal that names no event (as known
after the batch), or names a withdrawal, is rejected. Contents are compared as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from ._codecs import CODECS, ID, KIND, POS, WITHDRAWN, WITHDRAWS, Row, fingerprint, to_stored
from .corrections import names_a_withdrawal, names_no_event, used_twice
from .events import Origin
from .messages import Message
from .readers import ReadResult
from .results import Rejection

__all__ = ["Held", "Received", "classify", "keepable", "settle"]

_WITHDRAWN = CODECS[WITHDRAWN].kind


def keepable(text: str) -> str:
    """Text that can be kept (SQLite, UTF-8): a lone surrogate escaped."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


class Received:
    """One id of a batch read without conflict: its record as it will be kept, and where each of its
    copies was read."""

    __slots__ = ("_content", "copies", "kind", "positions", "print", "row", "target")

    def __init__(self, row: Row, positions: list[int], content: str | None = None) -> None:
        self.row = row
        self.positions = positions
        self.copies = len(positions)
        self._content = content
        self.kind = CODECS[row[KIND]].kind
        self.target: str | None = row[WITHDRAWS] if row[KIND] == WITHDRAWN else None
        self.print = fingerprint(row)

    @property
    def content(self) -> str:
        """The record as kept: the stored form of its interchange record (made when first asked for)."""
        if self._content is None:
            self._content = to_stored(self.row)
        return self._content


def _lone_surrogate(row: Row) -> bool:
    """Whether a text of the row holds a lone surrogate, which cannot be kept."""
    for value in row[:POS]:
        if value.__class__ is str and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False


class Held(Protocol):
    """What is held of an id: its content as written, its fingerprint and its record type."""

    @property
    def content(self) -> str: ...

    @property
    def print(self) -> int: ...

    @property
    def kind(self) -> str: ...


def settle(read: ReadResult, *, contents: bool = True) -> tuple[dict[str, Received], list[Rejection]]:
    """The ids of a batch read without conflict, each with its record; and the batch's rejections.

    Two contents for one id, or a copy the reader rejected beside a readable one, reject every copy.
    With ``contents``, each record's stored form is made now (the store keeps it); else only when
    it is compared (see :func:`classify`).
    """
    places = read._places
    unreadable: dict[str, list[Origin | None]] = {}
    for r in read.rejections:
        if r.event is not None:
            unreadable.setdefault(r.event, []).append(r.origin)
    ids = [row[ID] for row in read._rows]
    copies: Iterable[tuple[str, list[Row]]]
    if len(set(ids)) == len(ids) and not unreadable:  # the usual batch: each id once
        copies = zip(ids, ([row] for row in read._rows), strict=True)
    else:
        grouped: dict[str, list[Row]] = {}
        for row in read._rows:
            grouped.setdefault(row[ID], []).append(row)
        copies = grouped.items()
    rejections = list(read.rejections)
    received: dict[str, Received] = {}
    for eid, rows in copies:
        if eid in unreadable or (len(rows) > 1 and len({row[:POS] for row in rows}) > 1):
            reason = used_twice(eid, [places.origin(row[POS]) for row in rows] + unreadable.get(eid, []))
            rejections += [Rejection(places.origin(row[POS]), eid, reason) for row in rows]
            continue
        first = rows[0] if len(rows) == 1 else min(rows, key=lambda row: places.where_key(row[POS]))
        content = to_stored(first) if contents else None
        # Text of events built in Python: JSON Lines refuse it when read.
        if keepable(content) != content if content is not None else _lone_surrogate(first):
            reason = Message.of("rejected.lone_surrogate")
            rejections += [Rejection(places.origin(row[POS]), eid, reason) for row in rows]
            continue
        received[eid] = Received(first, [row[POS] for row in rows], content)
    return received, rejections


class Classified:
    """What a batch does: the records to keep (new ids and new contents), the counts, the rejections."""

    __slots__ = ("added", "rejections", "repeated", "revised", "stored", "withdrawn")

    def __init__(self) -> None:
        self.stored: dict[str, Received] = {}
        self.added = self.repeated = self.revised = self.withdrawn = 0
        self.rejections: list[Rejection] = []


def classify(
    received: Mapping[str, Received], held: Mapping[str, Held], origin: Any, rejections: list[Rejection]
) -> Classified:
    """Classify a settled batch against what is held (``held`` must hold every id of the batch and
    every id its withdrawals name, when it holds them); ``origin`` maps a position to its place.
    ``rejections`` are the batch's own so far; the withdrawals refused are added to them."""
    done = Classified()
    done.rejections = rejections
    for eid, got in received.items():
        before = held.get(eid)
        # The same content, as written: the fingerprints first, the texts only when they agree.
        if before is not None and before.print == got.print and before.content == got.content:
            done.repeated += got.copies
            continue
        reason = refusal(got, received, held)
        if reason is not None:
            done.rejections += [Rejection(origin(pos), eid, reason) for pos in got.positions]
            continue
        done.stored[eid] = got
        done.repeated += got.copies - 1
        if before is not None:
            done.revised += 1
        elif got.target is not None:
            done.withdrawn += 1
        else:
            done.added += 1
    return done


def refusal(got: Received, received: Mapping[str, Received], held: Mapping[str, Held]) -> Message | None:
    """Why a withdrawal is refused: it names no id holding an event (as known after the batch), or
    an id that holds a withdrawal; ``None`` for any other record."""
    if got.target is None:
        return None
    target = received.get(got.target) or held.get(got.target)
    if target is None:
        return names_no_event(got.target)
    if target.kind == _WITHDRAWN:
        return names_a_withdrawal(got.target)
    return None
