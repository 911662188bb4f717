"""Hypothesis strategies for property tests, for the library's own tests and for yours.

Systems that embed the library, and authors of rule sets, can build their property tests on
these strategies: they produce event logs that are valid against a target table and a rule
set, written the way real logs are (aliases, Chinese labels, any order).

Needs ``hypothesis`` (``pip install chengdu-infoscore[testing]``); the rest of the library does
not.

>>> from hypothesis import given, settings
>>> from chengdu_infoscore import score
>>> @settings(max_examples=5)
... @given(log=event_logs(max_items=5))
... def test_total_is_ledger(log):
...     for unit in score(log).units:
...         assert unit.score == sum(line.points for line in unit.ledger)
>>> test_total_is_ledger()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

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
from .quotas import QuotaTable, Unit, load_quotas
from .rules import RuleSet, load_rules

__all__ = ["dates", "event_logs", "minus_events", "plus_events", "unit_spellings"]


def dates(year: int = 2007, after: dt.date | None = None) -> st.SearchStrategy[dt.date]:
    """Dates of ``year``, on or after ``after`` when given."""
    first = dt.date(year, 1, 1) if after is None else after
    return st.dates(min_value=first, max_value=dt.date(year, 12, 31))


def unit_spellings(quotas: QuotaTable, unit: Unit) -> st.SearchStrategy[str]:
    """Every way the table accepts of writing ``unit``: name, label, alias, 成都市 form."""
    return st.sampled_from(quotas.names(unit))


def _spelled(draw: Any, quotas: QuotaTable, unit: Unit) -> str:
    return str(draw(unit_spellings(quotas, unit)))


def _key_or_label(draw: Any, value: Any) -> str:
    return str(draw(st.sampled_from([value.key, value.label])))


@st.composite
def event_logs(
    draw: Any,
    *,
    quotas: QuotaTable | None = None,
    rules: RuleSet | None = None,
    year: int = 2007,
    units: Sequence[str] | None = None,
    max_items: int = 30,
    max_units: int = 4,
) -> list[Event]:
    """A valid event log of one year: every event refers only to what it may refer to.

    Items are submitted, adopted in several channels (with and without pictures), instructed
    on, adopted by higher offices, found in error or false, selected as excellent;
    commissions are answered on time, late or never; missed and late reports of every
    category. Units, channels, levels and categories are written in any accepted spelling.
    Event ids are unique; the list is in no particular order.

    Args:
        quotas: the target table (default: the one shipped for ``year``).
        rules: the rule set (default: the one shipped for ``year``).
        year: the assessment year.
        units: canonical names to draw units from (default: the whole table).
        max_items: the most submitted items.
        max_units: the most units that one log involves (few units, so they interact).
    """
    quotas, rules = _defaults(quotas, rules, year)
    pool = [quotas.unit(u) for u in units] if units is not None else list(quotas.units)
    chosen: list[Unit] = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=max_units, unique=True))
    topics = [t.key for t in rules.topics]
    events: list[Event] = []
    counter = iter(range(1_000_000))

    def new_id() -> str:
        return f"e{next(counter)}"

    commissions: list[tuple[str, Unit, dt.date, dt.date]] = []
    for n in range(draw(st.integers(0, 3))):
        unit = draw(st.sampled_from(chosen))
        issued = draw(dates(year))
        due = issued + dt.timedelta(days=draw(st.integers(0, 30)))
        cid = f"C{n}"
        commissions.append((cid, unit, issued, due))
        events.append(
            Commissioned(id=new_id(), date=issued, unit=_spelled(draw, quotas, unit), commission=cid, due=due)
        )

    answers: dict[int, str] = {}
    for i, (cid, _, _, _) in enumerate(commissions):
        if draw(st.booleans()):
            answers[i] = cid

    n_items = draw(st.integers(0, max_items))
    for i in range(n_items + len(answers)):
        if i >= n_items:
            cid, unit, issued, due = commissions[sorted(answers)[i - n_items]]
            submitted_on = draw(dates(year, issued))
            commission: str | None = cid
        else:
            unit = draw(st.sampled_from(chosen))
            submitted_on = draw(dates(year))
            commission = None
        item = f"I{i}"
        topic = draw(st.none() | st.sampled_from(topics)) if topics else None
        events.append(
            Submitted(
                id=new_id(),
                date=submitted_on,
                unit=_spelled(draw, quotas, unit),
                item=item,
                topic=topic,
                commission=commission,
            )
        )
        eligible_from: dt.date | None = None
        for channel in draw(st.lists(st.sampled_from(rules.channels), unique=True, max_size=3)):
            day = draw(dates(year, submitted_on))
            if channel.instruction_eligible and (eligible_from is None or day < eligible_from):
                eligible_from = day
            events.append(
                Adopted(
                    id=new_id(),
                    date=day,
                    item=item,
                    channel=_key_or_label(draw, channel),
                    picture=draw(st.booleans()),
                    unit=draw(st.none() | st.just(unit.name)),
                )
            )
        if eligible_from is not None:
            for _ in range(draw(st.integers(0, 2))):
                events.append(
                    Instructed(
                        id=new_id(),
                        date=draw(dates(year, eligible_from)),
                        item=item,
                        leader=draw(st.none() | st.sampled_from(["市长", "副市长"])),
                    )
                )
        for _ in range(draw(st.integers(0, 2))):
            level = draw(st.sampled_from(rules.levels))
            events.append(
                HigherAdopted(
                    id=new_id(),
                    date=draw(dates(year, submitted_on)),
                    item=item,
                    level=_key_or_label(draw, level),
                )
            )
        for cls in draw(st.lists(st.sampled_from([ErrorFound, FoundFalse, SelectedExcellent]), max_size=2)):
            events.append(cls(id=new_id(), date=draw(dates(year, submitted_on)), item=item))

    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from([Missed, ReportedLate]))
        unit = draw(st.sampled_from(chosen))
        category = draw(st.sampled_from(rules.categories))
        events.append(
            kind(
                id=new_id(),
                date=draw(dates(year)),
                unit=_spelled(draw, quotas, unit),
                category=_key_or_label(draw, category),
            )
        )
    return events


def _items(log: Sequence[Event]) -> list[Submitted]:
    return [e for e in log if isinstance(e, Submitted)]


def _fresh(taken: set[str], prefix: str) -> str:
    """The first of ``prefix0``, ``prefix1``… that ``taken`` does not hold."""
    return next(f"{prefix}{n}" for n in range(len(taken) + 1) if f"{prefix}{n}" not in taken)


def _defaults(quotas: QuotaTable | None, rules: RuleSet | None, year: int) -> tuple[QuotaTable, RuleSet]:
    return (load_quotas(year) if quotas is None else quotas), (load_rules(year) if rules is None else rules)


@st.composite
def plus_events(
    draw: Any,
    log: Sequence[Event],
    *,
    quotas: QuotaTable | None = None,
    rules: RuleSet | None = None,
    year: int = 2007,
) -> Event:
    """One event that may only add points when appended to ``log``, and is valid there.

    A new submission, or an adoption of one of the log's items in a channel it has not used.
    """
    quotas, rules = _defaults(quotas, rules, year)
    items = _items(log)
    new_id = _fresh({e.id for e in log}, "plus")
    used: set[tuple[str, str]] = set()
    for e in log:
        channel_of = rules.channel(e.channel) if isinstance(e, Adopted) else None
        if isinstance(e, Adopted) and channel_of is not None:
            used.add((e.item, channel_of.key))
    choices = [(s, c) for s in items for c in rules.channels if (s.item, c.key) not in used]
    if choices and draw(st.booleans()):
        sub, channel = draw(st.sampled_from(choices))
        return Adopted(
            id=new_id,
            date=draw(dates(year, sub.date)),
            item=sub.item,
            channel=channel.key,
            picture=draw(st.booleans()),
        )
    item = _fresh({e.item for e in items}, "plus-item-")
    unit = draw(st.sampled_from(quotas.units))
    return Submitted(id=new_id, date=draw(dates(year)), unit=unit.name, item=item)


@st.composite
def minus_events(
    draw: Any,
    log: Sequence[Event],
    *,
    quotas: QuotaTable | None = None,
    rules: RuleSet | None = None,
    year: int = 2007,
) -> Event:
    """One event that may only take points when appended to ``log``, and is valid there.

    A missed or late report, or an error or false report on one of the log's items.
    """
    quotas, rules = _defaults(quotas, rules, year)
    items = _items(log)
    new_id = _fresh({e.id for e in log}, "minus")
    if items and draw(st.booleans()):
        sub = draw(st.sampled_from(items))
        cls = draw(st.sampled_from([ErrorFound, FoundFalse]))
        event: Event = cls(id=new_id, date=draw(dates(year, sub.date)), item=sub.item)
        return event
    kind = draw(st.sampled_from([Missed, ReportedLate]))
    category = draw(st.sampled_from(rules.categories))
    unit = draw(st.sampled_from(quotas.units))
    event = kind(id=new_id, date=draw(dates(year)), unit=unit.name, category=category.key)
    return event
