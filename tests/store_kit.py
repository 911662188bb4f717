"""Histories for tests of the store: batches of records recorded on days, with late arrivals,
revisions and withdrawals; and an independent reading of what is in force as known on a day.

``in_force(batches, known_on)`` is the rule of events.md ("Corrections") written as plainly as it
can be, over event objects, to check the store against: each id takes its latest content (a
record equal to the one held changes nothing); an event is withdrawn by a withdrawal whose
latest content names it and came in the same batch as the event's latest content or later;
what is in force is every event not withdrawn, and no withdrawal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs
from hypothesis import strategies as st

from chengdu_infoscore import Adopted, Event, Missed, ReportedLate, Withdrawn
from chengdu_infoscore.testing import event_logs

#: One batch: the day it is recorded and its records.
History = list[tuple[dt.date, list[Event]]]


def in_force(
    batches: Sequence[tuple[dt.date, Sequence[Event]]], known_on: dt.date | None = None
) -> list[Event]:
    """The events in force as known on ``known_on`` (every batch when ``None``), sorted by id."""
    latest: dict[str, tuple[int, Event]] = {}
    for seq, (recorded, records) in enumerate(batches, start=1):
        if known_on is not None and recorded > known_on:
            break
        for record in records:
            held = latest.get(record.id)
            if held is None or held[1] != record:
                latest[record.id] = (seq, record)
    withdrawn = set()
    for seq, record in latest.values():
        if isinstance(record, Withdrawn) and record.event in latest:
            target_seq, target = latest[record.event]
            if not isinstance(target, Withdrawn) and target_seq <= seq:
                withdrawn.add(record.event)
    kept = [r for _, r in latest.values() if not isinstance(r, Withdrawn) and r.id not in withdrawn]
    return sorted(kept, key=lambda e: e.id)


def _revised(draw: st.DrawFn, event: Event) -> Event:
    """Another content for the event's id: another date, a miss turned into a late report (or the
    converse), an adoption in another channel."""
    if isinstance(event, Missed | ReportedLate) and draw(st.booleans()):
        other = ReportedLate if isinstance(event, Missed) else Missed
        return other(
            id=event.id, date=event.date, unit=event.unit, category=event.category, subject=event.subject
        )
    if isinstance(event, Adopted) and draw(st.booleans()):
        return attrs.evolve(event, channel=draw(st.sampled_from(["zwxx", "cddt", "zwyw", "简明信息"])))
    return attrs.evolve(event, date=draw(st.dates(dt.date(2007, 1, 1), dt.date(2007, 12, 31))))


@st.composite
def histories(draw: st.DrawFn, max_batches: int = 5, max_corrections: int = 8) -> History:
    """A valid log of a year fed in batches: each event arrives in some batch (days not
    decreasing, several may share a day), and later batches revise events, withdraw them, revise
    withdrawals and reinstate withdrawn events by revising them. Every withdrawal names an event
    already received; no batch holds two contents for one id."""
    log = draw(event_logs(max_items=6, max_units=2))
    count = draw(st.integers(1, max_batches))
    days = sorted(
        draw(st.lists(st.dates(dt.date(2007, 1, 1), dt.date(2008, 1, 31)), min_size=count, max_size=count))
    )
    batches: list[list[Event]] = [[] for _ in range(count)]
    first: dict[str, int] = {}
    for event in log:
        first[event.id] = draw(st.integers(0, count - 1))
        batches[first[event.id]].append(event)
    withdrawals: list[tuple[int, Withdrawn]] = []
    for n in range(draw(st.integers(0, max_corrections)) if log else 0):
        what = draw(st.sampled_from(["revise", "withdraw", "rewithdraw"]))
        if what == "rewithdraw" and withdrawals:
            since, old = draw(st.sampled_from(withdrawals))
            record: Event = attrs.evolve(old, date=old.date + dt.timedelta(days=1))
        else:
            event = draw(st.sampled_from(log))
            since = first[event.id]
            if what == "withdraw":
                record = Withdrawn(
                    id=f"w{n}", date=draw(st.dates(dt.date(2007, 1, 1), dt.date(2008, 6, 30))), event=event.id
                )
            else:
                record = _revised(draw, event)
        at = draw(st.integers(since, count - 1))
        if any(r.id == record.id for r in batches[at]):
            continue
        batches[at].append(record)
        if isinstance(record, Withdrawn):
            withdrawals.append((at, record))
    return [(day, draw(st.permutations(records))) for day, records in zip(days, batches, strict=True)]


def sample_history() -> History:
    """The sample year fed month by month, as an office's system would hand it over.

    Batch ``k`` (recorded on the 3rd of the next month) holds the events dated in month ``k``,
    but one event in forty arrives two batches late. The batch after an event arrives corrects
    some of them: one adoption in sixty moves between 《政务信息》 and 《成都动态》, one miss in
    seven turns out to be a late report, one event in eighty is withdrawn. Batch 13 (3 January
    2008) also reinstates the first event withdrawn, revised; batch 14 (20 January 2008), after
    the year-end bulletin, withdraws one more June event.
    """
    from chengdu_infoscore import sample_year

    # Batch k is recorded on days[k] (k from 1 to 14; index 0 is not a batch).
    days = [dt.date(2007, 1, 1)] + [dt.date(2007, k + 1, 3) for k in range(1, 12)]
    days += [dt.date(2008, 1, 3), dt.date(2008, 1, 3), dt.date(2008, 1, 20)]
    batches: list[list[Event]] = [[] for _ in days]
    withdrawn: list[Event] = []
    events = sorted(sample_year(), key=lambda e: (e.date, e.id))
    for n, event in enumerate(events):
        arrives = min(event.date.month + (2 if n % 40 == 39 else 0), 12)
        batches[arrives].append(event)
        fix, when = batches[arrives + 1], days[arrives + 1]
        if isinstance(event, Adopted) and n % 60 == 0:
            fix.append(
                attrs.evolve(event, channel="cddt" if event.channel in ("zwxx", "政务信息") else "zwxx")
            )
        elif isinstance(event, Missed) and n % 7 == 0:
            fix.append(_late(event))
        elif n % 80 == 0:
            fix.append(Withdrawn(id=f"w-{event.id}", date=when, event=event.id))
            withdrawn.append(event)
    first = withdrawn[0]
    batches[13].append(attrs.evolve(first, date=first.date + dt.timedelta(days=1)))
    june = next(e for e in events if e.date.month == 6 and e not in withdrawn)
    batches[14].append(Withdrawn(id=f"w-{june.id}", date=dt.date(2008, 1, 20), event=june.id))
    return [(day, records) for day, records in zip(days[1:], batches[1:], strict=True)]


def _late(event: Missed) -> ReportedLate:
    return ReportedLate(
        id=event.id, date=event.date, unit=event.unit, category=event.category, subject=event.subject
    )
