"""Differential tests: the library against an independent reference implementation (tests/oracle.py).

The oracle is written from the specification only. Hypothesis draws event logs — valid ones from
:func:`chengdu_infoscore.testing.event_logs`, and the same logs with deliberately broken events
mixed in — turns them into event-log records, shuffles them, and checks that the library and the
oracle give every unit the same figures and reject the same event ids.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chengdu_infoscore import Event, parse_jsonl, score
from chengdu_infoscore.testing import event_logs
from oracle import CHANNELS, TARGETS, UNIT_SPELLINGS, reference_score

SMALL_TARGETS = ["市人防办", "市粮食局", "上海办"]
FIELDS = (
    "submitted",
    "adopted",
    "score",
    "breakdown",
    "missed",
    "late",
    "errors",
    "false_reports",
    "excellent",
)


# --- Turning events into records, and running both implementations ----------------------------


def to_record(event: Event) -> dict[str, Any]:
    """The events.md JSON form of an event: its fields, dates as ISO text, no nulls, no origin."""
    record: dict[str, Any] = {"type": type(event).kind}
    for field, value in attrs.asdict(event, recurse=False).items():
        if field == "origin" or value is None:
            continue
        record[field] = value.isoformat() if isinstance(value, dt.date) else value
    return record


def library_score(records: list[dict[str, Any]], as_of: str) -> dict[str, Any]:
    """The library's figures for the records, in the oracle's form, read as a JSON Lines file."""
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode("utf-8")
    read = parse_jsonl(data, "log.jsonl")
    results = score(read.events, rejected=read.rejections, as_of=dt.date.fromisoformat(as_of))
    out: dict[str, Any] = {}
    for unit in results.units:
        out[unit.name] = {
            "submitted": unit.submitted,
            "adopted": unit.adopted,
            "score": unit.score,
            "breakdown": {clause: points for clause, points in unit.breakdown if points != 0},
            "missed": dict(unit.missed),
            "late": dict(unit.late),
            "errors": unit.errors,
            "false_reports": unit.false_reports,
            "excellent": unit.excellent,
        }
    out["__rejected__"] = {r.event for r in results.rejections}
    return out


def assert_same(records: list[dict[str, Any]], as_of: str) -> None:
    """The library and the oracle agree on every unit's figures and on the rejected ids."""
    expected = reference_score(records, as_of)
    actual = library_score(records, as_of)
    assert expected["__rejected__"] == actual["__rejected__"], (
        f"rejected ids differ: oracle only {expected['__rejected__'] - actual['__rejected__']}, "
        f"library only {actual['__rejected__'] - expected['__rejected__']}"
    )
    differing = {
        name: {
            f: (expected[name][f], actual[name][f]) for f in FIELDS if expected[name][f] != actual[name][f]
        }
        for name in TARGETS
    }
    differing = {name: diff for name, diff in differing.items() if diff}
    assert not differing, f"(oracle, library) differ: {differing}"
    assert set(TARGETS) | {"__rejected__"} == set(actual)


# --- Strategies ----------------------------------------------------------------------------------

as_of_dates = st.one_of(
    st.just("2007-12-31"),
    st.dates(dt.date(2007, 1, 1), dt.date(2007, 12, 31)).map(dt.date.isoformat),
)
any_dates = st.one_of(
    st.dates(dt.date(2007, 1, 1), dt.date(2007, 12, 31)),
    st.sampled_from([dt.date(2006, 12, 31), dt.date(2008, 1, 1)]),
).map(dt.date.isoformat)


SHANGHAI = dt.timezone(dt.timedelta(hours=8))
offsets = st.integers(-24, 28).map(lambda halves: dt.timezone(dt.timedelta(minutes=30 * halves)))


def _iso(moment: dt.datetime, z: bool) -> str:
    text = moment.isoformat()
    return text[:-6] + "Z" if z and text.endswith("+00:00") else text


@st.composite
def same_day_moment(draw: Any, day: str) -> str:
    """A datetime a few minutes inside Shanghai's ``day``, written in some other UTC offset."""
    midnight = dt.datetime.combine(dt.date.fromisoformat(day[:10]), dt.time(0, 0), SHANGHAI)
    minutes = draw(st.integers(0, 10))
    local = midnight + (
        dt.timedelta(minutes=minutes) if draw(st.booleans()) else dt.timedelta(days=1, minutes=-1 - minutes)
    )
    return _iso(local.astimezone(draw(offsets)), draw(st.booleans()))


@st.composite
def near_midnight(draw: Any, day: str) -> str:
    """``day`` as an ISO datetime a few minutes either side of midnight in some UTC offset.

    The Shanghai date may be ``day``, the day before or the day after.
    """
    midnight = dt.datetime.combine(dt.date.fromisoformat(day[:10]), dt.time(0, 0), draw(offsets))
    minutes = draw(st.integers(0, 10))
    moment = midnight + (
        dt.timedelta(minutes=minutes) if draw(st.booleans()) else dt.timedelta(minutes=-1 - minutes)
    )
    return _iso(moment, draw(st.booleans()))


def shuffled(records: list[dict[str, Any]]) -> st.SearchStrategy[list[dict[str, Any]]]:
    """The records in any order."""
    return st.permutations(records).map(list)


KINDS = [
    "unknown_unit", "unknown_item", "duplicate_adoption", "cddt_instruction", "id_conflict", "repeat",
    "respelled_repeat", "redate", "redate_due", "answer", "second_submission", "second_commission",
    "item_event", "foreign_unit", "unknown_name",
]  # fmt: skip
SPELLINGS: dict[str, list[str]] = {}
for _spelling, _name in UNIT_SPELLINGS.items():
    SPELLINGS.setdefault(_name, []).append(_spelling)
    if _spelling.startswith("市"):
        SPELLINGS[_name].append("成都" + _spelling)
LABELS = {key: value[0] for key, value in CHANNELS.items()} | {"province": "省政府办公厅"}
LABELS |= {"state_council": "国务院办公厅", "work_dynamic": "工作动态", "important": "重要信息"}
LABELS |= {label: key for key, label in LABELS.items()}


@st.composite
def respelled(draw: Any, record: dict[str, Any]) -> dict[str, Any]:
    """The same record written another way: unit, channel, level, category, date, picture."""
    copy = dict(record)
    if "unit" in copy:
        copy["unit"] = draw(st.sampled_from(SPELLINGS[UNIT_SPELLINGS.get(copy["unit"], "锦江区")]))
    for field in ("channel", "level", "category"):
        if field in copy and draw(st.booleans()):
            copy[field] = LABELS[copy[field]]
    if draw(st.booleans()):
        copy["date"] = draw(same_day_moment(copy["date"]))
    if copy.get("picture") is False and draw(st.booleans()):
        del copy["picture"]
    return copy


@st.composite
def broken_logs(draw: Any, **options: Any) -> list[dict[str, Any]]:
    """A valid log with deliberately broken, repeated, re-dated and conflicting events mixed in."""
    records = [to_record(e) for e in draw(event_logs(**options))]
    units = sorted({r["unit"] for r in records if "unit" in r}) or ["锦江区"]
    items = [*sorted({r["item"] for r in records if r["type"] == "submitted"}), "NOPE"]
    commissions = [*sorted({r["commission"] for r in records if r["type"] == "commissioned"}), "C-NONE"]
    counter = iter(range(10_000))

    def new_id() -> str:
        return f"x{next(counter)}"

    def of_type(*kinds: str) -> list[dict[str, Any]]:
        return [r for r in records if r["type"] in kinds]

    extra: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(1, 8))):
        day = draw(any_dates)
        what = draw(st.sampled_from(KINDS))
        base = {"id": new_id(), "date": day}
        if what == "unknown_unit":
            unit = draw(st.sampled_from(["市不存在局", "锦江县", "成都锦江区", "成都市锦江区"]))
            extra.append(base | {"type": "missed", "unit": unit, "category": "工作动态"})
        elif what == "unknown_item":
            kind = draw(st.sampled_from(["adopted", "error", "excellent", "instructed", "false_report"]))
            extra.append(
                base | {"type": kind, "item": "NOPE"} | ({"channel": "zwxx"} if kind == "adopted" else {})
            )
        elif what == "duplicate_adoption" and of_type("adopted"):
            extra.append(draw(st.sampled_from(of_type("adopted"))) | base | {"picture": draw(st.booleans())})
        elif what == "cddt_instruction":
            item, later = f"CD{next(counter)}", draw(any_dates)
            extra.append(base | {"type": "submitted", "unit": draw(st.sampled_from(units)), "item": item})
            extra.append(
                {"id": new_id(), "type": "adopted", "date": day, "item": item, "channel": "成都动态"}
            )
            extra.append({"id": new_id(), "type": "instructed", "date": later, "item": item})
            if draw(st.booleans()):
                extra.append(
                    {"id": new_id(), "type": "adopted", "date": later, "item": item, "channel": "zwxx"}
                )
        elif what == "id_conflict" and records:
            original = draw(st.sampled_from(records))
            extra.append(original | ({"date": day} if day != original["date"] else {"type": "excellent"}))
        elif what == "repeat" and records:
            extra.append(dict(draw(st.sampled_from(records))))
        elif what == "respelled_repeat" and records:
            extra.append(draw(respelled(draw(st.sampled_from(records)))))
        elif what == "redate" and records:
            index = draw(st.integers(0, len(records) - 1))
            records[index] = records[index] | {"date": draw(near_midnight(records[index]["date"]))}
        elif what == "redate_due" and of_type("commissioned"):
            index = records.index(draw(st.sampled_from(of_type("commissioned"))))
            records[index] = records[index] | {"due": draw(near_midnight(records[index]["due"]))}
        elif what == "answer":
            answer = {"unit": draw(st.sampled_from(units)), "commission": draw(st.sampled_from(commissions))}
            extra.append(base | {"type": "submitted", "item": f"AN{next(counter)}"} | answer)
        elif what == "second_submission" and of_type("submitted"):
            original = draw(st.sampled_from(of_type("submitted")))
            extra.append(original | base | {"unit": draw(st.sampled_from(units))})
        elif what == "second_commission" and of_type("commissioned"):
            original = draw(st.sampled_from(of_type("commissioned")))
            extra.append(original | base | {"unit": draw(st.sampled_from(units))})
        elif what == "item_event":
            kind = draw(
                st.sampled_from(["error", "false_report", "excellent", "instructed", "higher_adopted"])
            )
            extra.append(base | {"type": kind, "item": draw(st.sampled_from(items))})
            if kind == "higher_adopted":
                extra[-1]["level"] = draw(st.sampled_from(["province", "国务院办公厅"]))
        elif what == "foreign_unit":
            unit = draw(st.sampled_from([*units, "市经委(含能源办)", "能源办", "北京办"]))
            channel = draw(st.sampled_from(list(CHANNELS)))
            extra.append(base | {"type": "adopted", "item": draw(st.sampled_from(items)), "unit": unit} | {
                "channel": channel})  # fmt: skip
        elif what == "unknown_name":
            item = draw(st.sampled_from(items))
            extra.append(
                base
                | draw(
                    st.sampled_from(
                        [
                            {"type": "adopted", "item": item, "channel": "新华社"},
                            {"type": "higher_adopted", "item": item, "level": "central"},
                            {"type": "late", "unit": units[0], "category": "urgent"},
                            {
                                "type": "submitted",
                                "unit": units[0],
                                "item": f"T{next(counter)}",
                                "topic": "1.13",
                            },
                        ]
                    )
                )
            )
    return records + extra


# --- The properties ------------------------------------------------------------------------------


@pytest.mark.slow  # many examples: the full tier's
@settings(max_examples=200, deadline=None)
@given(log=event_logs(), as_of=as_of_dates, data=st.data())
def test_valid_logs_score_as_the_oracle_says(log: list[Event], as_of: str, data: st.DataObject) -> None:
    """Any valid log, in any order and as of any date, gives the oracle's figures."""
    assert_same(data.draw(shuffled([to_record(e) for e in log])), as_of)


@pytest.mark.slow  # many examples: the full tier's
@settings(max_examples=200, deadline=None)
@given(log=event_logs(units=SMALL_TARGETS, max_items=60, max_units=2), as_of=as_of_dates, data=st.data())
def test_small_targets_hit_the_cap_as_the_oracle_says(
    log: list[Event], as_of: str, data: st.DataObject
) -> None:
    """Logs of units with small targets (so the A3.1.4 cap is reached) give the oracle's figures."""
    assert_same(data.draw(shuffled([to_record(e) for e in log])), as_of)


@pytest.mark.slow  # many examples: the full tier's
@settings(max_examples=200, deadline=None)
@given(records=broken_logs(), as_of=as_of_dates, data=st.data())
def test_broken_logs_are_rejected_as_the_oracle_says(
    records: list[dict[str, Any]], as_of: str, data: st.DataObject
) -> None:
    """Logs with broken events mixed in give the oracle's figures and the oracle's rejections."""
    assert_same(data.draw(shuffled(records)), as_of)


@pytest.mark.slow  # many examples: the full tier's
@settings(max_examples=200, deadline=None)
@given(records=broken_logs(units=SMALL_TARGETS, max_items=40, max_units=2), as_of=as_of_dates, data=st.data())
def test_broken_small_logs_are_rejected_as_the_oracle_says(
    records: list[dict[str, Any]], as_of: str, data: st.DataObject
) -> None:
    """Broken logs of few small-target units (many interactions per unit) agree with the oracle."""
    assert_same(data.draw(shuffled(records)), as_of)


def test_oracle_reproduces_worked_example_3() -> None:
    """The oracle itself gives scoring-2007.md §8 example 3: 19.1 points, 1 adopted item."""
    records = [
        {"id": "e1", "type": "submitted", "date": "2007-03-01", "unit": "青羊区", "item": "Q1"},
        {"id": "e2", "type": "adopted", "date": "2007-03-02", "item": "Q1", "channel": "zwxx"},
        {
            "id": "e3",
            "type": "adopted",
            "date": "2007-03-02",
            "item": "Q1",
            "channel": "zwyw",
            "picture": True,
        },
        {"id": "e4", "type": "adopted", "date": "2007-03-02", "item": "Q1", "channel": "cddt"},
        {"id": "e5", "type": "instructed", "date": "2007-03-03", "item": "Q1", "leader": "副市长"},
    ]
    result = reference_score(records, "2007-12-31")["青羊区"]
    assert (Decimal("19.1"), 1) == (result["score"], result["adopted"])
    assert_same(records, "2007-12-31")


# --- Pinned examples: points where the oracle had to decide, and where the two disagree ---------


def _submission(date: str, unit: str = "锦江区", event_id: str = "e1", item: str = "J1") -> dict[str, Any]:
    return {"id": event_id, "type": "submitted", "date": date, "unit": unit, "item": item}


def test_a_repeat_spelled_another_way_is_still_a_repeat() -> None:
    """One id twice, the unit as name and as alias, the channel as key and as label: counted once."""
    records = [
        _submission("2007-03-05", "市经委"),
        _submission("2007-03-05T10:00:00+08:00", "能源办"),
        {"id": "a1", "type": "adopted", "date": "2007-03-06", "item": "J1", "channel": "zwxx"},
        {"id": "a1", "type": "adopted", "date": "2007-03-06", "item": "J1", "channel": "政务信息"},
    ]
    result = reference_score(records, "2007-12-31")
    assert (set(), Decimal("4.1")) == (result["__rejected__"], result["市经委"]["score"])
    assert_same(records, "2007-12-31")


def test_exotic_but_valid_iso_8601_datetimes_agree() -> None:
    """24:00 (next midnight), an ordinal date and the basic format are ISO 8601 and read alike."""
    records = [
        _submission("2007-03-04T24:00:00+08:00", event_id="e1", item="J1"),
        _submission("2007-063T16:00:00+00:00", event_id="e2", item="J2"),
        _submission("20070304T160000+0000", event_id="e3", item="J3"),
    ]
    assert_same(records, "2007-03-04")
    assert 0 == reference_score(records, "2007-03-04")["锦江区"]["submitted"]
    assert_same(records, "2007-03-05")


def test_a_utc_offset_with_seconds_is_rejected_by_both() -> None:
    """ISO 8601 offsets are ±hh:mm; ``+00:00:30`` is not a datetime of the interchange form."""
    records = [_submission("2007-03-04T15:59:59+00:00:30")]
    assert {"e1"} == reference_score(records, "2007-12-31")["__rejected__"]
    assert_same(records, "2007-12-31")


@pytest.mark.slow
def test_an_office_reaches_its_cap_of_half_its_submission_target() -> None:
    """深圳办 (target 800 submissions) submits 4005 items: A3.1.4 is capped at 400, as of any date."""
    records = [
        _submission(f"2007-{1 + n % 12:02}-{1 + n % 28:02}", "深圳办", f"e{n:05}", f"SZ{n}")
        for n in range(4005)
    ]
    assert Decimal(400) == reference_score(records, "2007-12-31")["深圳办"]["breakdown"]["A3.1.4"]
    assert_same(records, "2007-12-31")
    assert_same(records, "2007-11-30")


# events.md: `date` is "YYYY-MM-DD, or an ISO 8601 datetime with a UTC offset", and a date that is
# not a date rejects the event. "2007-03-04T+14:00" is neither: ISO 8601 needs at least the hour
# after "T" (dateutil's isoparse alone would read it as midnight +14:00, a day the writer never
# wrote). Found by this oracle; both now reject it.


def test_a_datetime_without_a_time_of_day_is_rejected() -> None:
    """A ``date`` of the form ``2007-03-04T+14:00`` (no hour) is rejected, as events.md asks."""
    records = [_submission("2007-03-04T+14:00")]
    assert {"e1"} == reference_score(records, "2007-12-31")["__rejected__"]
    assert_same(records, "2007-12-31")
