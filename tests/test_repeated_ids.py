"""Repeated ids: one rule whatever makes a copy differ, and messages of bounded length."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengdu_infoscore import Event, Rejection, parse_jsonl, read_events, score
from chengdu_infoscore.events import Origin
from chengdu_infoscore.live import Scorer
from chengdu_infoscore.reports import results_json
from chengdu_infoscore.testing import event_logs

_GOOD = {"id": "x1", "type": "submitted", "date": "2007-03-05", "unit": "锦江区", "item": "JJ-x1"}

#: Copies of ``_GOOD`` that cannot count, each for another reason: the reader refuses the first
#: three, the engine the last.
_SPOILED = [
    {**_GOOD, "date": "2007-02-30"},
    {**_GOOD, "colour": "red"},
    {**_GOOD, "item": ""},
    {**_GOOD, "unit": "市不存在局"},
]


def _log(*records: dict[str, object]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


@given(spoiled=st.sampled_from(_SPOILED), good_first=st.booleans(), copies=st.integers(1, 3))
def test_a_copy_that_cannot_count_rejects_every_copy(
    spoiled: dict[str, object], good_first: bool, copies: int
) -> None:
    """A valid event whose id also carries a record that cannot count is rejected with it, wherever
    the bad copy stands and however many good copies there are."""
    records = [_GOOD] * copies + [spoiled] if good_first else [spoiled] + [_GOOD] * copies
    results = score(parse_jsonl(_log(*records), "log.jsonl"))
    assert (0, copies + 1) == (results.counted, len(results.rejections))
    assert ["x1"] * (copies + 1) == [r.event for r in results.rejections]
    assert list(range(1, copies + 2)) == [r.origin.line for r in results.rejections if r.origin]


def test_identical_copies_still_count_once() -> None:
    """Identical copies of a valid event stay harmless repeats: counted once."""
    results = score(parse_jsonl(_log(_GOOD, _GOOD, _GOOD), "log.jsonl"))
    assert (1, 2, ()) == (results.counted, results.repeats, results.rejections)


def test_thousands_of_copies_give_messages_of_bounded_length() -> None:
    """5 000 conflicting copies of one id: each rejection names three places and how many more."""
    records = [{**_GOOD, "item": f"JJ-{n}"} for n in range(5000)]
    results = score(parse_jsonl(_log(*records), "log.jsonl"))
    reasons = {r.reason for r in results.rejections}
    expected = (
        "the id 'x1' is used by different records"
        " (at log.jsonl:1, log.jsonl:2, log.jsonl:3 and 4997 more places)"
    )
    assert ({expected}, 5000) == (reasons, len(results.rejections))


def test_places_are_listed_in_line_order_not_text_order() -> None:
    """Places read in line order: line 9 before line 10."""
    records = [
        {**_GOOD, "item": f"JJ-{n}"} if n in (8, 9) else {**_GOOD, "id": f"o{n}", "item": f"JJ-o{n}"}
        for n in range(10)
    ]
    results = score(parse_jsonl(_log(*records), "log.jsonl"))
    assert "(at log.jsonl:9, log.jsonl:10)" in results.rejections[0].reason


@pytest.mark.slow
@given(log=event_logs(max_units=2), data=st.data())
def test_scorer_rejects_copies_of_unreadable_ids_as_score_does(log: list[Event], data: st.DataObject) -> None:
    """A record rejected by a reader spoils the valid copies of its id in the same batch, through Scorer
    exactly as through score; in a later batch it is rejected by that batch and what was in force stays."""
    log = list({e.id: e for e in log}.values())
    if not log:
        return
    victim = data.draw(st.sampled_from(log))
    unreadable = Rejection(Origin("late.jsonl", 7), victim.id, "field 'date': not a date")
    scorer = Scorer()
    report = scorer.add(log, [unreadable])
    spoiled = score(log, rejected=[unreadable])
    assert [r for r in spoiled.rejections if r.origin is None and r.event == victim.id] == [
        r for r in report.rejections if r.origin is None
    ]
    assert [u.score for u in score([e for e in log if e.id != victim.id]).units] == [
        u.score for u in scorer.results().units
    ]
    later = Scorer()
    later.add(log)
    report = later.add([], [unreadable])
    assert ([unreadable], results_json(score(log))) == (report.rejections, results_json(later.results()))


def test_unreadable_copy_in_another_file_spoils_the_id(tmp_path: Path) -> None:
    """The copies may stand in different files: each is named."""
    (tmp_path / "a.jsonl").write_bytes(_log(_GOOD))
    (tmp_path / "b.jsonl").write_bytes(_log(_SPOILED[0]))
    results = score(read_events([tmp_path / "a.jsonl", tmp_path / "b.jsonl"]))
    where = [r.where for r in results.rejections]
    assert [f"{tmp_path / 'a.jsonl'}:1", f"{tmp_path / 'b.jsonl'}:1"] == where
    assert f"{tmp_path / 'b.jsonl'}:1" in results.rejections[0].reason
