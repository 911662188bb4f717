"""What reading gives, and ledgers that make their lines when read: the API around compact rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

from chengdu_infoscore import (
    Adopted,
    Ledger,
    LedgerLine,
    Missed,
    ReadResult,
    Submitted,
    read_events,
    score,
)
from chengdu_infoscore.reports import results_json

EXAMPLE = Path(__file__).parent.parent / "examples" / "example-2007.jsonl"


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_two_reads_added_are_one_read_of_both_files(tmp_path: Path) -> None:
    a = _write(
        tmp_path / "a.jsonl",
        [
            '{"id": "a1", "type": "submitted", "date": "2007-03-05", "unit": "锦江区", "item": "J1"}',
            '{"id": "a2", "type": "missed", "date": "2007-03-05"}',
        ],
    )
    b = _write(
        tmp_path / "b.jsonl",
        [
            '{"id": "b1", "type": "adopted", "date": "2007-03-06", "item": "J1", "channel": "zwxx"}',
            "not json",
        ],
    )
    both = read_events([a, b])
    added = read_events([a]) + read_events([b])
    assert both == added
    assert [str(e.origin) for e in both.events] == [str(e.origin) for e in added.events]
    assert [f"{a}:2", f"{b}:2"] == [r.where for r in added.rejections]
    assert results_json(score(both)) == results_json(score(added))
    assert D("4.1") == score(added).unit("锦江区").score


def test_a_read_result_made_from_events_scores_as_the_events() -> None:
    events = [
        Submitted(id="e1", date="2007-03-01", unit="青羊区", item="Q1"),
        Adopted(id="e2", date="2007-03-02", item="Q1", channel="zwxx", picture=True),
        Missed(id="e3", date="2007-03-20", unit="青羊区", category="work_dynamic"),
    ]
    read = ReadResult(events)
    assert tuple(events) == read.events
    assert score(events) == score(read)
    assert 3 == len(read)


def test_a_ledger_is_a_sequence_equal_to_its_lines() -> None:
    read = read_events([EXAMPLE])
    ledger = score(read).unit("锦江区").ledger
    lines = tuple(ledger)
    assert isinstance(ledger, Ledger)
    assert lines == ledger.lines
    assert ledger == lines
    assert ledger == list(lines)
    assert ledger == Ledger(lines)
    assert hash(ledger) == hash(Ledger(lines))
    assert lines[0] == ledger[0]
    assert lines[1:3] == ledger[1:3]
    assert len(lines) == len(ledger)
    assert ledger != lines[:-1]
    made = sorted((x.date, x.points, x.tally, x.key, x.event, x.item) for x in lines)
    assert made == sorted(Ledger(lines).entries())
    assert made == sorted(score(read).unit("锦江区").ledger.entries())
    adopted = [e for e in score(read).unit("锦江区").ledger.entries("adopted")]
    assert [x.event for x in lines if x.tally == "adopted"] == [e[4] for e in adopted]


def test_a_ledger_built_by_hand_reads_like_any_other() -> None:
    line = LedgerLine(
        dt.date(2007, 3, 1), "e1", "A3.1.4", D("0.1"), "submitted item Q1", "Q1", "submitted", "1"
    )
    ledger = Ledger([line])
    assert [line] == list(ledger)
    assert [(dt.date(2007, 3, 1), D("0.1"), "submitted", "1", "e1", "Q1")] == list(ledger.entries())
    assert [] == list(ledger.entries("adopted"))
    assert "Ledger([LedgerLine(" in repr(ledger)
