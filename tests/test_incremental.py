"""Incremental scoring: batches in any order give exactly the results of one fold, re-folding little."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from chengdu_infoscore import Event, Missed, Submitted, read_events, score
from chengdu_infoscore.live import Scorer
from chengdu_infoscore.reports import results_json
from chengdu_infoscore.testing import dates, event_logs


@st.composite
def batches(draw: st.DrawFn, log: list[Event]) -> list[list[Event]]:
    """The log shuffled and cut into batches."""
    shuffled = draw(st.permutations(log))
    cuts = sorted(draw(st.lists(st.integers(0, len(shuffled)), max_size=5)))
    edges = [0, *cuts, len(shuffled)]
    return [shuffled[a:b] for a, b in itertools.pairwise(edges)]


@given(data=st.data(), log=event_logs(max_units=3), as_of=dates())
def test_any_split_into_batches_equals_one_fold(
    data: st.DataObject, log: list[Event], as_of: dt.date
) -> None:
    """Any split of a log into batches, added in any order, gives results equal to one fold, byte for byte."""
    junk: list[Event] = [
        Missed(id="j1", date="2007-03-01", unit="市不存在局", category="work_dynamic"),
        *(log[:1]),  # a repeat
        Submitted(
            id=log[0].id if log else "j2", date="2007-03-02", unit="锦江区", item="clash"
        ),  # a conflict
    ]
    full = [*log, *junk]
    scorer = Scorer()
    for batch in data.draw(batches(full)):
        scorer.add(batch)
        scorer.results(as_of=as_of)  # results asked for in between change nothing
    assert results_json(score(full, as_of=as_of)) == results_json(scorer.results(as_of=as_of))


def test_a_late_arriving_early_event_refolds_only_its_unit() -> None:
    """A January miss for 锦江区 arriving last re-folds 锦江区 alone: it becomes the first miss (−2) and
    March's the second (−4 instead of −2), so the score falls by 4."""
    read = read_events(["examples/example-2007.jsonl"])
    scorer = Scorer()
    scorer.add(read.events, read.rejections)
    first = scorer.results()
    scorer.add([Missed(id="late-1", date="2007-01-02", unit="锦江区", category="work_dynamic")])
    second = scorer.results()
    assert (("锦江区",), first.unit("锦江区").score - 4, second.unit("锦江区").score) == (
        scorer.refolded,
        second.unit("锦江区").score,
        second.unit("锦江区").score,
    )
    assert [u.score for u in first.units if u.unit.name != "锦江区"] == [
        u.score for u in second.units if u.unit.name != "锦江区"
    ]


def test_an_item_answer_joins_two_units() -> None:
    """An answer from another unit joins both units in one cluster: it is rejected as in one fold."""
    log = [
        Submitted(id="s", date="2007-05-09", unit="锦江区", item="A", commission="K"),
    ]
    from chengdu_infoscore import Commissioned

    scorer = Scorer()
    scorer.add(log)
    scorer.add([Commissioned(id="c", date="2007-05-01", unit="青羊区", commission="K", due="2007-05-10")])
    both = [*log, Commissioned(id="c", date="2007-05-01", unit="青羊区", commission="K", due="2007-05-10")]
    assert results_json(score(both)) == results_json(scorer.results())


def test_files_read_one_by_one_into_a_scorer_give_the_results_of_reading_them_together(
    tmp_path: Path,
) -> None:
    """A system that feeds each day's file as it comes gets what scoring all the files gives."""
    lines = [
        '{"id": "a1", "type": "submitted", "date": "2007-03-05", "unit": "锦江区", "item": "J1"}',
        '{"id": "a2", "type": "missed", "date": "2007-03-05"}',
        '{"id": "b1", "type": "adopted", "date": "2007-03-06", "item": "J1", "channel": "zwxx"}',
        '{"id": "b2", "type": "adopted", "date": "2007-03-06", "item": "J9", "channel": "zwxx"}',
        '{"id": "a1", "type": "submitted", "date": "2007-03-05", "unit": "锦江区", "item": "J1"}',
    ]
    days = [tmp_path / "0305.jsonl", tmp_path / "0306.jsonl", tmp_path / "0307.jsonl"]
    for path, part in zip(days, (lines[:2], lines[2:4], lines[4:]), strict=True):
        path.write_text("\n".join(part) + "\n", encoding="utf-8")
    scorer = Scorer()
    scorer.add([Missed(id="m1", date="2007-02-01", unit="青羊区", category="work_dynamic")])
    for path in days:
        scorer.add(read_events([path]))
    read = read_events(days)
    missed = Missed(id="m1", date="2007-02-01", unit="青羊区", category="work_dynamic")
    together = score([missed, *read.events], rejected=read.rejections)
    assert results_json(together) == results_json(scorer.results())
    assert [f"{days[0]}:2", f"{days[1]}:2"] == [r.where for r in scorer.results().rejections]
    assert 1 == scorer.results().repeats
