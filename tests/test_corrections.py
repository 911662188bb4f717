"""Withdrawals in one log (events.md, "Corrections"): read like any record, then the event they name
and they themselves leave scoring, accounted for as withdrawn."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from pytest import CaptureFixture

from chengdu_infoscore import (
    Adopted,
    Event,
    Missed,
    Submitted,
    Withdrawn,
    event_record,
    parse_csv,
    parse_jsonl,
    parse_record,
    score,
    write_jsonl,
)
from chengdu_infoscore._codecs import fingerprint
from chengdu_infoscore.cli import main
from chengdu_infoscore.testing import event_logs
from conftest import d

SUBMITTED = '{"id": "e1", "type": "submitted", "date": "2007-03-05", "unit": "锦江区", "item": "J1"}'
ADOPTED = '{"id": "e2", "type": "adopted", "date": "2007-03-07", "item": "J1", "channel": "zwxx"}'
MISSED = '{"id": "e3", "type": "missed", "date": "2007-03-20", "unit": "锦江区", "category": "work_dynamic"}'
WITHDRAWAL = '{"id": "w1", "type": "withdrawn", "date": "2008-01-10", "event": "e3"}'


def _log(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


# -- reading ---------------------------------------------------------------------------------------


def test_a_withdrawal_reads_alike_on_every_path() -> None:
    """JSON Lines a block at once or line by line (an escape), CSV, parse_record: one record, one print."""
    fast = parse_jsonl(_log(WITHDRAWAL, MISSED), "fast.jsonl")
    slow = parse_jsonl(_log(WITHDRAWAL.replace('"e3"', '"e\\u0033"'), MISSED), "slow.jsonl")
    csv = parse_csv(b"id,type,date,event\nw1,withdrawn,2008-01-10,e3\n", "w.csv")
    expected = Withdrawn(id="w1", date=d("2008-01-10"), event="e3")
    assert (expected, expected, expected, expected) == (
        fast.events[0],
        slow.events[0],
        csv.events[0],
        parse_record(json.loads(WITHDRAWAL)),
    )
    assert fast._prints - slow._prints == 0
    assert sum(map(fingerprint, fast._rows)) == fast._prints


def test_a_withdrawal_writes_and_reads_back_as_the_same_record() -> None:
    """event_record and write_jsonl give the interchange form, which reads back as the same withdrawal."""
    withdrawal = Withdrawn(id="w1", date="2008-01-10", event="e3")
    out = io.StringIO()
    write_jsonl([withdrawal], out)
    assert {"id": "w1", "type": "withdrawn", "date": "2008-01-10", "event": "e3"} == event_record(withdrawal)
    assert (withdrawal,) == parse_jsonl(out.getvalue().encode(), "w.jsonl").events


def test_a_withdrawal_with_a_field_of_an_event_is_rejected_on_the_quick_path_too() -> None:
    """A plain line with a unit on a withdrawal is not read quickly but rejected, naming the field."""
    line = '{"id": "w1", "type": "withdrawn", "date": "2008-01-10", "event": "e3", "unit": "锦江区"}'
    read = parse_jsonl(_log(line, line.replace("w1", "w2")), "w.jsonl")
    assert (
        (),
        [
            "w.jsonl:1: event w1: field 'unit': does not belong to a withdrawn record, whose fields are:"
            " id, date, event"
        ],
    ) == (
        read.events,
        [str(r) for r in read.rejections[:1]],
    )


# -- scoring one log -------------------------------------------------------------------------------


def test_a_withdrawal_takes_out_its_event_and_itself() -> None:
    """锦江区: a submission (0.1) adopted in 政务信息 (+4), a miss (−2) withdrawn: 4.1, two withdrawn."""
    results = score(parse_jsonl(_log(SUBMITTED, ADOPTED, MISSED, WITHDRAWAL), "log.jsonl"))
    unit = results.unit("锦江区")
    assert (Decimal("4.1"), (), 4, 2, 2, ()) == (
        unit.score,
        tuple(line.event for line in unit.ledger if line.event == "e3"),
        results.read,
        results.counted,
        results.withdrawn,
        results.rejections,
    )


def test_without_the_withdrawal_the_miss_counts() -> None:
    """The same log without its withdrawal: 4.1 − 2 = 2.1, nothing withdrawn."""
    results = score(parse_jsonl(_log(SUBMITTED, ADOPTED, MISSED), "log.jsonl"))
    assert (Decimal("2.1"), 0) == (results.unit("锦江区").score, results.withdrawn)


def test_a_withdrawal_after_the_as_of_date_still_withdraws() -> None:
    """Dated 2008, after the year and after the as-of date: not rejected, not deferred, in force."""
    results = score(parse_jsonl(_log(SUBMITTED, MISSED, WITHDRAWAL), "log.jsonl"), as_of=d("2007-03-31"))
    assert (Decimal("0.1"), 1, 0, 2, 0) == (
        results.unit("锦江区").score,
        results.counted,
        results.after_as_of,
        results.withdrawn,
        len(results.rejections),
    )


def test_a_withdrawal_takes_out_every_copy_of_its_event_whatever_they_hold() -> None:
    """Two differing copies of e3 (a conflict otherwise) and a repeat: all three withdrawn, none rejected."""
    other = MISSED.replace('"work_dynamic"', '"work_dynamic", "subject": "防汛"')
    results = score(parse_jsonl(_log(SUBMITTED, MISSED, MISSED, other, WITHDRAWAL), "log.jsonl"))
    assert (1, 0, 4, ()) == (results.counted, results.repeats, results.withdrawn, results.rejections)


def test_an_unreadable_copy_of_a_withdrawn_event_stays_rejected() -> None:
    """e3 once valid, once with a date that is no date: the valid one is withdrawn, the other rejected."""
    broken = MISSED.replace("2007-03-20", "2007-02-30")
    results = score(parse_jsonl(_log(SUBMITTED, MISSED, broken, WITHDRAWAL), "log.jsonl"))
    assert (1, 2, ["log.jsonl:3: event e3: field 'date': '2007-02-30' is not a real calendar date"]) == (
        results.counted,
        results.withdrawn,
        [str(r) for r in results.rejections],
    )


def test_two_withdrawals_of_one_event_are_both_in_force() -> None:
    """w1 and w2 both withdraw e3: three records withdrawn, the event once."""
    second = WITHDRAWAL.replace('"w1"', '"w2"')
    results = score(parse_jsonl(_log(SUBMITTED, MISSED, WITHDRAWAL, second), "log.jsonl"))
    assert (1, 3, 4) == (results.counted, results.withdrawn, results.read)


def test_withdrawals_given_in_python_score_as_the_file_does() -> None:
    """The same records as Python objects or as a file: same units, same digest and count of events."""
    from_file = score(parse_jsonl(_log(SUBMITTED, ADOPTED, MISSED, WITHDRAWAL), "log.jsonl"))
    from_python = score(
        [
            Submitted(id="e1", date="2007-03-05", unit="锦江区", item="J1"),
            Adopted(id="e2", date="2007-03-07", item="J1", channel="zwxx"),
            Missed(id="e3", date="2007-03-20", unit="锦江区", category="work_dynamic"),
            Withdrawn(id="w1", date="2008-01-10", event="e3"),
        ]
    )
    assert (from_file.units, from_file.provenance, from_file.withdrawn) == (
        from_python.units,
        from_python.provenance,
        from_python.withdrawn,
    )


def test_a_withdrawal_is_part_of_the_events_digest() -> None:
    """A log with a withdrawal is not the log of what stays in force: its digest and count say so."""
    with_it = score(parse_jsonl(_log(SUBMITTED, MISSED, WITHDRAWAL), "log.jsonl"))
    in_force = score(parse_jsonl(_log(SUBMITTED), "log.jsonl"))
    assert with_it.units == in_force.units
    assert (3, 1) == (with_it.provenance.events, in_force.provenance.events)  # type: ignore[union-attr]
    assert with_it.provenance.events_digest != in_force.provenance.events_digest  # type: ignore[union-attr]


def test_the_command_line_accounts_for_withdrawn_records(tmp_path: Path, capsys: CaptureFixture[str]) -> None:
    """`validate` and `score` say how many records were withdrawn; the JSON has the count."""
    path = tmp_path / "log.jsonl"
    path.write_bytes(_log(SUBMITTED, ADOPTED, MISSED, WITHDRAWAL))
    assert 0 == main(["validate", str(path)])
    assert 0 == main(["score", str(path), "--format", "json"])
    out, _err = capsys.readouterr()
    first, _, rest = out.partition("\n")
    assert "读入4条:有效2条,重复0条(计一次),晚于2007-03-07的0条,撤回2条;无问题。" == first
    assert {
        "read": 4,
        "counted": 2,
        "repeats": 0,
        "after_as_of": 0,
        "withdrawn": 2,
        "rejected": 0,
    } == json.loads(rest)["events"]


def test_the_accounting_line_adds_up_with_withdrawals_and_rejections(
    tmp_path: Path, capsys: CaptureFixture[str]
) -> None:
    """read = counted + repeats + after the as-of date + withdrawn + rejected, on standard error."""
    path = tmp_path / "log.jsonl"
    stray = '{"id": "w9", "type": "withdrawn", "date": "2007-05-01", "event": "nothing"}'
    path.write_bytes(_log(SUBMITTED, ADOPTED, MISSED, WITHDRAWAL, stray, SUBMITTED))
    assert 2 == main(["score", str(path), "--lang", "en"])
    _out, err = capsys.readouterr()
    assert [
        f"{path}:5: event w9: withdraws event 'nothing', which was not received: no readable event has"
        " that id",
        "6 record(s) read: 2 counted, 1 repeat(s) counted once, 0 after 2007-03-07, 2 withdrawn, 1 rejected.",
    ] == err.splitlines()


# -- properties ------------------------------------------------------------------------------------


@given(log=event_logs(max_items=8), data=st.data())
def test_withdrawing_events_scores_as_leaving_them_out(log: list[Event], data: st.DataObject) -> None:
    """Any events withdrawn (by withdrawals of any date, in any order) score as the log without them."""
    gone = data.draw(st.sets(st.sampled_from([e.id for e in log])) if log else st.just(set()))
    days = st.dates(dt.date(2006, 1, 1), dt.date(2009, 12, 31))
    withdrawals: list[Event] = [
        Withdrawn(id=f"w-{eid}", date=data.draw(days), event=eid) for eid in sorted(gone)
    ]
    mixed = data.draw(st.permutations(log + withdrawals))
    results = score(mixed)
    expected = score([e for e in log if e.id not in gone])
    assert (expected.units, expected.rejections, expected.counted) == (
        results.units,
        results.rejections,
        results.counted,
    )
    assert (len(log) + len(withdrawals), 2 * len(gone)) == (results.read, results.withdrawn)
    assert results.read == (
        results.counted + results.repeats + results.after_as_of + results.withdrawn + len(results.rejections)
    )
