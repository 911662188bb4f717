"""Which events a run folds: repeats merged, conflicting copies of one id rejected, later events set aside."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ._codecs import DATE, ID, KIND, PHASE, POS, Row
from ._compiled import BY_ID
from ._fold import Days
from ._places import Places
from ._run import Refused, Run
from .corrections import used_twice
from .events import Origin
from .results import Rejection


def copy_key(copy: Row | Refused) -> Row:
    return copy.row[:POS] if isinstance(copy, Refused) else copy[:POS]


def pos_of(copy: Row | Refused) -> int:
    pos: int = copy.row[POS] if isinstance(copy, Refused) else copy[POS]
    return pos


def conflicting(
    eid: str, copies: list[Row | Refused], places: Places, unreadable: Sequence[Origin | None] = ()
) -> list[Rejection] | None:
    """Every copy rejected when copies of one id differ in content; ``None`` when they agree.

    ``unreadable`` are the places of records with this id that the reader rejected (a date
    that is no date, an unknown field…). Such a record is a copy with other content too: which
    copy is right is not ours to guess, so a valid copy beside it is rejected as well. The
    unreadable copies keep the reader's own reason.
    """
    if not unreadable and len({copy_key(c) for c in copies}) == 1:
        return None
    origins = [places.origin(pos_of(c)) for c in copies]
    reason = used_twice(eid, [*origins, *unreadable])
    return [Rejection(o, eid, reason) for o in origins]


def unreadable_ids(rejections: Iterable[Rejection]) -> dict[str, list[Origin | None]]:
    """The ids of records a reader rejected, with where each was read."""
    ids: dict[str, list[Origin | None]] = {}
    for r in rejections:
        if r.event is not None:
            ids.setdefault(r.event, []).append(r.origin)
    return ids


def first_copy(copies: list[Row | Refused], places: Places) -> Row | Refused:
    """Of identical copies, the one read first (by file and line)."""
    return min(copies, key=lambda c: places.where_key(pos_of(c)))


def select(
    run: Run, rows: Sequence[Row], unreadable: Mapping[str, Sequence[Origin | None]]
) -> tuple[Days, list[Rejection], int, int]:
    """The rows to fold, by day and phase (see :func:`by_day`); the rejections; the number of
    repeats and of rows dated after ``as_of``.

    When every id is unique (the usual case) rows are only put in order: each is resolved as it
    is folded. Otherwise every row is resolved first and grouped by id: identical content is a
    repeat; different content, or a copy the reader could not read (``unreadable``: id → places),
    makes every copy of that id an error (which copy is right is not ours to guess).
    """
    ids = list(map(BY_ID, rows))
    unique = set(ids)
    if len(unique) == len(ids) and unique.isdisjoint(unreadable):
        return _unique(run, rows)
    del unique
    resolved = list(map(run.resolve_or_refuse, rows))
    kept: dict[str, Row | Refused] = {}
    more: dict[str, list[Row | Refused]] = {}  # ids given more than once, or also unreadable: every copy
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
            conflict = conflicting(eid, copies, places, unreadable.get(eid, ()))
            if conflict is not None:
                rejections += conflict
                continue
            repeats += len(copies) - 1
            got = first_copy(copies, places)
        if isinstance(got, Refused):
            rejections.append(Rejection(places.origin(got.row[POS]), eid, got.reason))
        elif got[DATE] > as_of:
            after += 1
        else:
            counted.append(got)
    return by_day(counted), rejections, repeats, after


def _unique(run: Run, rows: Sequence[Row]) -> tuple[Days, list[Rejection], int, int]:
    """:func:`select` when no id is given twice: rows dated after ``as_of`` are resolved only to
    tell a valid one (not counted yet) from one that can never count (rejected)."""
    later = [row for row in rows if row[DATE] > run.as_of]  # none when as of 31 December
    rejections = [
        Rejection(run.places.origin(refused.row[POS]), refused.row[ID], refused.reason)
        for refused in map(run.resolve_or_refuse, later)
        if isinstance(refused, Refused)
    ]
    if later:
        rows = [row for row in rows if row[DATE] <= run.as_of]
    return by_day(rows), rejections, 0, len(later) - len(rejections)


def by_day(rows: Iterable[Row]) -> Days:
    """Rows in one list per day and phase (commissions, submissions, adoptions, the rest)."""
    days: Days = {}
    for row in rows:
        phases = days.get(row[DATE])
        if phases is None:
            phases = days[row[DATE]] = ([], [], [], [])
        phases[PHASE[row[KIND]]].append(row)
    return days
