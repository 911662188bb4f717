"""The generated 2007 log (chengdu_infoscore.sample): deterministic, valid and realistic."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import pytest

from chengdu_infoscore import (
    EVENT_TYPES,
    Adopted,
    Commissioned,
    Event,
    HigherAdopted,
    Missed,
    ReportedLate,
    Results,
    Submitted,
    load_quotas,
    load_rules,
    read_events,
    score,
)
from chengdu_infoscore.reports import results_json
from chengdu_infoscore.rules import Channel, Level
from chengdu_infoscore.sample import event_record, sample_year, write_jsonl

RULES = load_rules(2007)
QUOTAS = load_quotas(2007)


@pytest.fixture(scope="module")
def events() -> tuple[Event, ...]:
    """The log of the default seed."""
    return sample_year()


@pytest.fixture(scope="module")
def results(events: tuple[Event, ...]) -> Results:
    """The log of the default seed, scored as of 31 December."""
    return score(events)


E = TypeVar("E", bound=Event)


def of(events: tuple[Event, ...], cls: type[E]) -> list[E]:
    """The events of one type."""
    return [e for e in events if isinstance(e, cls)]


def key(value: Channel | Level | None) -> str:
    """The key of a name the rule set knows."""
    assert value is not None
    return value.key


@pytest.mark.slow
def test_same_seed_same_log(events: tuple[Event, ...]) -> None:
    """The same seed gives the same events, field for field and in the same order."""
    again = sample_year(2007)
    assert events == again
    assert [event_record(e) for e in events] == [event_record(e) for e in again]


@pytest.mark.slow
def test_other_seed_other_log(events: tuple[Event, ...]) -> None:
    """Another seed gives another log."""
    assert events != sample_year(2008)


def test_size_ids_and_order(events: tuple[Event, ...]) -> None:
    """A year-sized log, with unique ids of the YEAR-NNNNNNN form (YEAR-CNNNN: contacts), by (date, id)."""
    assert 15_000 <= len(events) <= 30_000
    assert len(events) == len({e.id for e in events})
    assert [] == [e.id for e in events if not re.fullmatch(r"2007-[0-9]{7}|2007-C[0-9]{4}", e.id)]
    assert list(events) == sorted(events, key=lambda e: (e.date, e.id))
    assert {2007} == {e.date.year for e in events}


def test_log_is_valid(events: tuple[Event, ...], results: Results) -> None:
    """The engine rejects nothing and counts every event."""
    assert () == results.rejections
    assert (len(events), len(events), 0) == (results.read, results.counted, results.repeats)


def test_every_event_type(events: tuple[Event, ...]) -> None:
    """Every type of the event-log form occurs, and contacts."""
    assert {*EVENT_TYPES, "contact"} == {type(e).kind for e in events}


def test_completed_and_short_in_every_group(results: Results) -> None:
    """In every group some units reach their target and some do not."""
    by_group = {g.key: {u.completed for u in results.units if u.unit.group == g.key} for g in QUOTAS.groups}
    assert {"district": {True, False}, "department": {True, False}, "office": {True, False}} == by_group


def test_submission_cap_reached_and_not(results: Results) -> None:
    """Some units earn the whole A3.1.4 cap of 0.5 × target; others stay below it."""
    reached = {u.points("A3.1.4") == Decimal("0.5") * u.unit.target for u in results.units}
    assert {True, False} == reached
    small = [u for u in results.units if u.unit.target <= 10]
    assert any(u.points("A3.1.4") == Decimal("0.5") * u.unit.target for u in small)


def test_submissions_follow_targets_and_seasons(events: tuple[Event, ...], results: Results) -> None:
    """Large targets bring many submissions; February (Spring Festival) is the quietest month."""

    def mean(target: int) -> float:
        counts = [u.submitted for u in results.units if u.unit.target == target]
        return sum(counts) / len(counts)

    assert mean(120) > 3 * mean(5)
    assert [] == [u.unit.name for u in results.units if u.submitted == 0]
    months = Counter(e.date.month for e in of(events, Submitted))
    assert set(range(1, 13)) == set(months)
    assert 2 == min(months, key=lambda m: months[m])


def test_every_channel_with_and_without_pictures(events: tuple[Event, ...]) -> None:
    """All five channels adopt; channels with a picture figure adopt with and without one."""
    seen = Counter((key(RULES.channel(e.channel)), e.picture) for e in of(events, Adopted))
    assert {c.key for c in RULES.channels} == {key for key, _ in seen}
    for channel in RULES.channels:
        if channel.picture_points is not None:
            assert seen[(channel.key, True)] and seen[(channel.key, False)], channel.key


def test_some_items_counted_in_two_channels(events: tuple[Event, ...]) -> None:
    """A few items are adopted by two channels that count toward the target."""
    channels: dict[str, set[str]] = {}
    for e in of(events, Adopted):
        channel = RULES.channel(e.channel)
        assert channel is not None
        if channel.counts_toward_target:
            channels.setdefault(e.item, set()).add(channel.key)
    doubles = [item for item, keys in channels.items() if len(keys) > 1]
    assert 0 < len(doubles) < len(channels) // 10


def test_every_level_and_category(events: tuple[Event, ...], results: Results) -> None:
    """Both higher-office levels adopt; both categories are missed and reported late."""
    levels = {key(RULES.level(e.level)) for e in of(events, HigherAdopted)}
    assert {lv.key for lv in RULES.levels} == levels
    missed = Counter[str]()
    late = Counter[str]()
    for u in results.units:
        missed.update(dict(u.missed))
        late.update(dict(u.late))
    for counts in (missed, late):
        assert 0 < counts["important"] < counts["work_dynamic"]


@pytest.mark.slow
def test_instructions_and_repeats(results: Results) -> None:
    """Instructions score; one item is instructed twice and counted once."""
    lines = [line for u in results.units for line in u.ledger if line.clause == "A3.1.6"]
    assert any(line.points == Decimal(8) for line in lines)
    assert any("already counted once" in line.reason for line in lines)


def test_errors_false_reports_excellent(results: Results) -> None:
    """Errors and excellent items are common enough to see; false reports are few."""
    errors = sum(u.errors for u in results.units)
    false = sum(u.false_reports for u in results.units)
    excellent = sum(u.excellent for u in results.units)
    assert errors > 10 and excellent > 10
    assert 1 <= false <= 10


def test_commission_outcomes_at_year_end(results: Results) -> None:
    """At year end commissions were answered on time, answered late, and never answered."""
    outcomes = Counter(c.outcome for u in results.units for c in u.commissions)
    assert {"on_time", "late", "unanswered"} <= set(outcomes)
    assert outcomes["on_time"] > outcomes["late"]
    due = max(c.due for u in results.units for c in u.commissions)
    assert dt.date(2007, 12, 31) == due


def test_commissions_pending_at_mid_year(events: tuple[Event, ...]) -> None:
    """A bulletin as of 30 June sees pending commissions beside settled ones."""
    mid = score(events, as_of=dt.date(2007, 6, 30))
    outcomes = {c.outcome for u in mid.units for c in u.commissions}
    assert {"on_time", "late", "unanswered", "pending"} == outcomes


def test_names_written_as_an_export_writes_them(events: tuple[Event, ...]) -> None:
    """Units appear under aliases and 成都市 forms, channels under Chinese labels."""
    units = {e.unit for e in events if isinstance(e, Submitted | Commissioned | Missed | ReportedLate)}
    assert {"能源办", "成都市公安局"} <= units
    assert units - {u.name for u in QUOTAS.units}
    labels = {e.channel for e in of(events, Adopted)}
    assert {c.label for c in RULES.channels} <= labels


def test_topics_on_most_submissions(events: tuple[Event, ...]) -> None:
    """Most submissions name a key point, always one of the shipped list."""
    topics = [e.topic for e in of(events, Submitted)]
    named = [t for t in topics if t is not None]
    assert len(named) > 0.7 * len(topics)
    assert set() == {t for t in named if RULES.topic(t) is None}


def test_event_record_form() -> None:
    """A record has id, type and date first, ISO dates, no absent fields, picture only when true."""
    assert {
        "id": "c1",
        "type": "commissioned",
        "date": "2007-05-01",
        "unit": "市统计局",
        "commission": "YG-1",
        "due": "2007-05-10",
    } == event_record(
        Commissioned(id="c1", date="2007-05-01", unit="市统计局", commission="YG-1", due="2007-05-10")
    )
    assert {
        "id": "e2",
        "type": "adopted",
        "date": "2007-03-07",
        "item": "JJ-1",
        "channel": "zwyw",
    } == event_record(Adopted(id="e2", date="2007-03-07", item="JJ-1", channel="zwyw"))
    record = event_record(Adopted(id="e3", date="2007-03-07", item="JJ-1", channel="政务要闻", picture=True))
    assert ["id", "type", "date", "item", "channel", "picture"] == list(record)
    assert True is record["picture"]


def test_write_jsonl_lines() -> None:
    """One JSON object a line, Chinese unescaped; the count written is returned."""
    out = io.StringIO()
    n = write_jsonl([Submitted(id="e1", date="2007-03-05", unit="锦江区", item="JJ-1", topic="1.7")], out)
    assert 1 == n
    line = '{"id": "e1", "type": "submitted", "date": "2007-03-05", "unit": "锦江区", "item": "JJ-1", '
    assert line + '"topic": "1.7"}\n' == out.getvalue()


@pytest.mark.slow
def test_write_jsonl_round_trip(events: tuple[Event, ...], results: Results, tmp_path: Path) -> None:
    """Written and read back, the log scores to the same JSON."""
    path = tmp_path / "sample-2007.jsonl"
    with path.open("w", encoding="utf-8") as out:
        assert len(events) == write_jsonl(events, out)
    read = read_events([path])
    assert () == read.rejections
    again = score(read.events, rejected=read.rejections)
    assert json.dumps(results_json(results), ensure_ascii=False) == json.dumps(
        results_json(again), ensure_ascii=False
    )
