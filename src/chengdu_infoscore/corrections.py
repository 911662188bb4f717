"""Which records are in force: the rule of withdrawals in one log (events.md, "Corrections").

A withdrawal (:class:`~.events.Withdrawn`, 撤回) names an event by its id. In a log read whole —
files, or events given in Python — every withdrawal is in force whatever its date (the day it
was decided may fall after the year, or after the as-of date), so:

- the event it names leaves scoring, **every** copy of that id, whatever they hold: copies that
  agree, copies that differ (which would otherwise be rejected as a conflict), copies dated
  after the as-of date. A copy that the reader could not read stays rejected: it was never an
  event;
- the withdrawal itself leaves too: it scores nothing;
- a withdrawal that names no event of the log (no readable record has that id, or only
  withdrawals do), or whose own id is used by other content (another record, a different
  withdrawal, a record the reader rejected), is rejected; in the last case the other records of
  that id are rejected as well, as for any id used by different records.

Every record that leaves is accounted for as withdrawn, so that ``read = counted + repeats +
after the as-of date + withdrawn + rejected``. Withdrawals never reach a fold. Over time, in a
store, revisions and withdrawals are applied as they were recorded (:mod:`.store`); what a
store gives for scoring holds no withdrawal at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter

from ._codecs import ID, KIND, POS, WITHDRAWN, WITHDRAWS, Row
from ._compiled import shown
from ._places import Places
from .events import Origin
from .messages import Message
from .results import Rejection

__all__ = ["in_force"]

_KIND = itemgetter(KIND)
#: How many places of an id used by different records a rejection names (as the engine does).
_PLACES_SHOWN = 3


def names_no_event(target: str) -> Message:
    """Why a withdrawal of an id that no readable event has is rejected."""
    return Message.of("rejected.withdraws_unknown", event=shown(target))


def names_a_withdrawal(target: str) -> Message:
    """Why a withdrawal of a withdrawal is rejected."""
    return Message.of("rejected.withdraws_withdrawal", event=shown(target))


def used_twice(eid: str, origins: Iterable[Origin | None]) -> Message:
    """Why every record of an id used by different records is rejected: the places it occurs."""
    unique = sorted(set(origins), key=lambda o: (0, "", 0) if o is None else (1, o.file, o.line))
    where = ", ".join("<api>" if o is None else str(o) for o in unique[:_PLACES_SHOWN])
    more = len(unique) - _PLACES_SHOWN
    if more > 1:
        return Message.of("rejected.id_used_twice_more", id=shown(eid), places=where, more=more)
    if more == 1:
        return Message.of("rejected.id_used_twice_one_more", id=shown(eid), places=where)
    return Message.of("rejected.id_used_twice", id=shown(eid), places=where)


def in_force(
    rows: list[Row], places: Places, rejected: Sequence[Rejection]
) -> tuple[list[Row], list[Rejection], int]:
    """The rows in force of one log, the rejections, and how many records the withdrawals took out.

    Args:
        rows: the rows read, withdrawals among them.
        places: where they were read.
        rejected: the records the reader rejected.

    Returns:
        the rows without any withdrawal nor any copy of an event withdrawn; ``rejected`` followed
        by the withdrawals rejected (an id of these also spoils the other records of that id, as a
        record the reader rejected does); and the number of records taken out: the withdrawals in
        force and every copy of the events they withdraw.
    """
    if WITHDRAWN not in map(_KIND, rows):  # the usual case: one pass at the speed of C
        return rows, list(rejected), 0
    withdrawals: dict[str, list[Row]] = {}
    events: dict[str, list[Row]] = {}
    for row in rows:
        (withdrawals if row[KIND] == WITHDRAWN else events).setdefault(row[ID], []).append(row)
    unreadable: dict[str, list[Origin | None]] = {}
    for r in rejected:
        if r.event is not None:
            unreadable.setdefault(r.event, []).append(r.origin)
    origin = places.origin
    rejections = list(rejected)
    taken: set[str] = set()
    count = 0
    for wid, copies in withdrawals.items():
        others = events.get(wid, ())
        if others or wid in unreadable or len({c[:POS] for c in copies}) > 1:
            where = [origin(c[POS]) for c in (*copies, *others)] + unreadable.get(wid, [])
            reason = used_twice(wid, where)
            rejections += [Rejection(origin(c[POS]), wid, reason) for c in copies]
            continue
        target = copies[0][WITHDRAWS]
        if target in events:
            taken.add(target)
            count += len(copies)
            continue
        reason = names_a_withdrawal(target) if target in withdrawals else names_no_event(target)
        rejections += [Rejection(origin(c[POS]), wid, reason) for c in copies]
    kept = [row for row in rows if row[KIND] != WITHDRAWN and row[ID] not in taken]
    count += sum(len(events[eid]) for eid in taken)
    return kept, rejections, count
