"""Live scoring: batches in any order, revisions and moving as-of dates give exactly the results of one
fold of the records in force, re-folding little."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengdu_infoscore import (
    Adopted,
    ArgumentError,
    Commissioned,
    Event,
    Missed,
    Submitted,
    Withdrawn,
    read_events,
    score,
)
from chengdu_infoscore.live import Scorer, _Cluster
from chengdu_infoscore.reports import results_json
from chengdu_infoscore.testing import dates, event_logs


def one_per_id(log: list[Event]) -> list[Event]:
    """The log with each id once: its first content."""
    return list({e.id: e for e in reversed(log)}.values())[::-1]


@st.composite
def batches(draw: st.DrawFn, log: list[Event]) -> list[list[Event]]:
    """The log shuffled and cut into batches."""
    shuffled = draw(st.permutations(log))
    cuts = sorted(draw(st.lists(st.integers(0, len(shuffled)), max_size=5)))
    edges = [0, *cuts, len(shuffled)]
    return [shuffled[a:b] for a, b in itertools.pairwise(edges)]


class _Checkpoints:
    """Checkpoints as often as given for the duration (0: at every month's start)."""

    def __init__(self, save_after: float) -> None:
        self.save_after = save_after

    def __enter__(self) -> None:
        self.before = _Cluster.SAVE_AFTER
        _Cluster.SAVE_AFTER = self.save_after

    def __exit__(self, *exc: object) -> None:
        _Cluster.SAVE_AFTER = self.before


@pytest.mark.slow
@pytest.mark.parametrize("save_after", [0.0, _Cluster.SAVE_AFTER], ids=["every month", "by cost"])
@given(data=st.data(), log=event_logs(max_units=3), as_of=dates())
def test_any_split_into_batches_equals_one_fold(
    save_after: float, data: st.DataObject, log: list[Event], as_of: dt.date
) -> None:
    """Any split of a log into batches, added in any order, with results asked for as of any dates in
    between (the fold goes on, or rewinds to a checkpoint), gives the results of one fold, byte for byte."""
    log = [*one_per_id(log), Missed(id="j1", date="2007-03-01", unit="市不存在局", category="work_dynamic")]
    with _Checkpoints(save_after):
        scorer = Scorer()
        for batch in data.draw(batches(log)):
            scorer.add(batch)
            scorer.results(as_of=data.draw(dates()))
        assert results_json(score(log, as_of=as_of)) == results_json(scorer.results(as_of=as_of))


@pytest.mark.slow
@given(data=st.data(), log=event_logs(max_units=3), later=event_logs(max_units=3), as_of=dates())
def test_revisions_in_later_batches_replace_what_they_revise(
    data: st.DataObject, log: list[Event], later: list[Event], as_of: dt.date
) -> None:
    """A later batch's records replace the earlier content of their ids: the results are those of one
    fold of the latest content of every id."""
    first, second = one_per_id(log), one_per_id(later)  # the second reuses ids e0, e1… of the first
    scorer = Scorer()
    scorer.add(first)
    scorer.results(as_of=data.draw(dates()))
    report = scorer.add(second)
    in_force = {e.id: e for e in first} | {e.id: e for e in second}
    revised = sum(
        1 for e in second if e.id in {f.id for f in first} and e != next(f for f in first if f.id == e.id)
    )
    assert revised == report.revised
    assert results_json(score(list(in_force.values()), as_of=as_of)) == results_json(
        scorer.results(as_of=as_of)
    )


def test_a_revision_moves_the_points_hand_worked() -> None:
    """An adoption first sent as 简明信息 (+2) and revised to 政务信息 (+4): the unit gains exactly 2."""
    scorer = Scorer()
    scorer.add(
        [
            Submitted(id="s", date="2007-03-01", unit="锦江区", item="J1"),
            Adopted(id="a", date="2007-03-02", item="J1", channel="简明信息"),
        ]
    )
    before = scorer.results().unit("锦江区").score
    report = scorer.add([Adopted(id="a", date="2007-03-02", item="J1", channel="政务信息")])
    after = scorer.results().unit("锦江区").score
    assert (0, 0, 1, 2) == (report.added, report.repeated, report.revised, after - before)


def test_two_contents_in_one_batch_are_both_rejected_and_the_earlier_stays() -> None:
    """Within one batch two contents for one id are a conflict: both rejected; what was in force stays."""
    scorer = Scorer()
    scorer.add([Missed(id="m", date="2007-02-01", unit="青羊区", category="work_dynamic")])
    report = scorer.add(
        [
            Missed(id="m", date="2007-02-01", unit="青羊区", category="important_subject"),
            Missed(id="m", date="2007-02-02", unit="青羊区", category="work_dynamic"),
        ]
    )
    assert (2, Decimal("-2")) == (len(report.rejections), scorer.results().unit("青羊区").score)


def test_a_late_arriving_early_event_refolds_only_its_unit() -> None:
    """A January miss for 锦江区 arriving last re-folds 锦江区 alone: it becomes the first miss (−2) and
    March's the second (−4 instead of −2), so the score falls by 4."""
    read = read_events(["examples/example-2007.jsonl"])
    scorer = Scorer()
    scorer.add(read.events, read.rejections)
    first = scorer.results(as_of=dt.date(2007, 12, 31))
    scorer.add([Missed(id="late-1", date="2007-01-02", unit="锦江区", category="work_dynamic")])
    second = scorer.results(as_of=dt.date(2007, 12, 31))
    assert (("锦江区",), first.unit("锦江区").score - 4) == (scorer.refolded, second.unit("锦江区").score)
    assert [u.score for u in first.units if u.unit.name != "锦江区"] == [
        u.score for u in second.units if u.unit.name != "锦江区"
    ]


def test_an_item_answer_joins_two_units() -> None:
    """An answer from another unit joins both units in one cluster: it is rejected as in one fold."""
    log = [Submitted(id="s", date="2007-05-09", unit="锦江区", item="A", commission="K")]
    commission = Commissioned(id="c", date="2007-05-01", unit="青羊区", commission="K", due="2007-05-10")
    scorer = Scorer()
    scorer.add(log)
    scorer.add([commission])
    assert results_json(score([*log, commission])) == results_json(scorer.results())


def test_a_commission_not_yet_due_is_not_judged_by_default() -> None:
    """Events up to 30 June and a commission due 10 July: by default the results are as of 30 June (the
    latest event), the commission is pending and costs nothing; as of 31 December it costs 10."""
    events = [
        Commissioned(id="c", date="2007-06-20", unit="青羊区", commission="K", due="2007-07-10"),
        Missed(id="m", date="2007-06-30", unit="锦江区", category="work_dynamic"),
    ]
    scorer = Scorer()
    scorer.add(events)
    live, batch = scorer.results(), score(events)
    year_end = scorer.results(as_of=dt.date(2007, 12, 31))
    assert (dt.date(2007, 6, 30), "latest_event", dt.date(2007, 6, 30), 0, -10) == (
        live.as_of,
        live.as_of_basis,
        scorer.latest(),
        live.unit("青羊区").score,
        year_end.unit("青羊区").score,
    )
    assert results_json(batch) == results_json(live)


def test_files_read_one_by_one_into_a_scorer_give_the_results_of_the_records_in_force(tmp_path: Path) -> None:
    """A system that feeds each day's file as it comes gets what scoring the records in force gives; what
    a reader could not read is reported by the batch that held it."""
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
    missed = Missed(id="m1", date="2007-02-01", unit="青羊区", category="work_dynamic")
    scorer.add([missed])
    reports = [scorer.add(read_events([path])) for path in days]
    in_force = [missed, *read_events(days[:2]).events]
    assert results_json(score(in_force)) == results_json(scorer.results())
    assert ([f"{days[0]}:2"], [], [], 1) == (
        *[[r.where for r in report.rejections] for report in reports],
        reports[2].repeated,
    )
    assert [f"{days[1]}:2"] == [r.where for r in scorer.results().rejections]


def test_an_event_moved_to_another_unit_leaves_the_first() -> None:
    """A miss revised from 锦江区 to 青羊区: 锦江区 is back to zero, 青羊区 has the −2."""
    scorer = Scorer()
    scorer.add([Missed(id="m", date="2007-02-01", unit="锦江区", category="work_dynamic")])
    scorer.results()
    scorer.add(
        [
            attrs.evolve(
                Missed(id="m", date="2007-02-01", unit="锦江区", category="work_dynamic"), unit="青羊区"
            )
        ]
    )
    results = scorer.results()
    assert (0, -2) == (results.unit("锦江区").score, results.unit("青羊区").score)


def test_a_withdrawal_takes_its_event_out_and_a_later_revision_brings_it_back() -> None:
    """A miss (−2) withdrawn in a later batch: 0, as the store gives; revised after that: counted again."""
    from chengdu_infoscore import Withdrawn

    miss = Missed(id="m", date="2007-02-01", unit="青羊区", category="work_dynamic")
    scorer = Scorer()
    scorer.add([miss])
    withdrawn = scorer.add([Withdrawn(id="w", date="2008-01-10", event="m")])
    gone = scorer.results()
    scorer.add([attrs.evolve(miss, date=dt.date(2007, 2, 2))])
    back = scorer.results()
    assert (1, Decimal(0), 0, Decimal(-2), 1) == (
        withdrawn.withdrawn,
        gone.unit("青羊区").score,
        gone.read,
        back.unit("青羊区").score,
        back.read,
    )
    assert results_json(score([])).get("units") == results_json(gone).get("units")


@pytest.mark.slow
@given(first=event_logs(max_units=2), second=event_logs(max_units=2), as_of=dates())
def test_a_scorer_fed_a_stores_batches_gives_what_the_store_scores(
    tmp_path_factory: Any, first: list[Event], second: list[Event], as_of: dt.date
) -> None:
    """A system restarted mid-year replays its store's batches into a new Scorer and gets exactly the
    results of scoring the store's records in force — no pickle, nothing but the store."""
    from chengdu_infoscore import Store, Withdrawn

    path = tmp_path_factory.mktemp("store") / "s.db"
    with Store.open(path, create=True) as store:
        store.ingest(one_per_id(first), recorded=dt.date(2007, 3, 1))
        withdrawal = [Withdrawn(id="w-" + first[0].id, date="2007-04-01", event=first[0].id)] if first else []
        store.ingest([*one_per_id(second), *withdrawal], recorded=dt.date(2007, 4, 1))
        scorer = Scorer()
        for batch in store.batches():
            scorer.add(store.batch(batch.seq))
        expected = score(store.read(), as_of=as_of)
    assert results_json(expected) == results_json(scorer.results(as_of=as_of))


def test_a_restarted_system_gets_from_its_store_what_it_had_before(tmp_path: Path) -> None:
    """A scorer following a store, and one made anew from the store after a "restart", give the same
    results, byte for byte; catch_up takes exactly the batches recorded since."""
    from chengdu_infoscore import Store

    events = read_events(["examples/example-2007.jsonl"]).events
    path = tmp_path / "s.db"
    with Store.open(path, create=True) as store:
        store.ingest(events[:10], recorded=dt.date(2007, 3, 1))
        running = Scorer.over(store)
        store.ingest(events[10:], recorded=dt.date(2007, 6, 1))
        store.ingest([Withdrawn(id="w", date="2007-06-02", event=events[0].id)], recorded=dt.date(2007, 6, 2))
        caught = running.catch_up()
        before = results_json(running.results(as_of=dt.date(2007, 12, 31)))
    with Store.open(path) as store:  # the restart: nothing but the store
        after = results_json(Scorer.over(store).results(as_of=dt.date(2007, 12, 31)))
        expected = results_json(score(store.read(), as_of=dt.date(2007, 12, 31)))
        on_march = results_json(Scorer.over(store, known_on=dt.date(2007, 3, 1)).results())
        march = results_json(score(store.read(dt.date(2007, 3, 1))))
    assert (2, before, march) == (caught, after, on_march)
    assert expected == after


def test_a_scorer_that_follows_no_store_cannot_catch_up() -> None:
    """catch_up on a scorer made without a store is an ArgumentError that says how to make one."""
    with pytest.raises(ArgumentError) as raised:
        Scorer().catch_up()
    assert "this scorer follows no store: make it with Scorer.over(store)" == str(raised.value)


def test_a_checkpoint_after_a_change_is_not_restored() -> None:
    """Rewound to before March, a February miss arriving then is kept when a later rewind would have
    restored the March checkpoint taken without it: as of 22 March the four misses count as in score."""
    d = dt.date

    def miss(eid: str, day: dt.date) -> Missed:
        return Missed(id=eid, date=day, unit="锦江区", category="work_dynamic")

    a, b, c, m = (
        miss("a", d(2007, 1, 10)),
        miss("b", d(2007, 3, 25)),
        miss("c", d(2007, 2, 10)),
        miss("m", d(2007, 3, 20)),
    )
    with _Checkpoints(0.0):
        scorer = Scorer()
        scorer.add([a, b])
        scorer.results(as_of=d(2007, 12, 31))
        scorer.add([m])
        scorer.results(as_of=d(2007, 2, 28))
        scorer.add([c])
        scorer.results(as_of=d(2007, 2, 28))
        scorer.results(as_of=d(2007, 12, 31))
        expected = score([a, b, c, m], as_of=d(2007, 3, 22))
        assert results_json(expected) == results_json(scorer.results(as_of=d(2007, 3, 22)))


def test_after_a_rewind_an_event_is_scored_by_the_version_of_its_own_day() -> None:
    """Rewound to 10 March under a timeline that changes in October, a 10 January adoption is booked
    under chengdu-2007 (4 points), not under the October version the fold last used (5)."""
    from chengdu_infoscore import RuleSet

    d = dt.date
    rules = RuleSet.from_file("docs/example-adjustment.toml")
    log = [
        Submitted(id="a", date=d(2007, 1, 10), unit="锦江区", item="I1"),
        Missed(id="y", date=d(2007, 3, 15), unit="锦江区", category="important"),
        Missed(id="x", date=d(2007, 11, 5), unit="锦江区", category="important"),
    ]
    adoption = Adopted(id="z", date=d(2007, 1, 10), item="I1", channel="zwxx")
    scorer = Scorer(rules=rules)
    scorer.add(log)
    scorer.results(as_of=d(2007, 12, 31))
    scorer.results(as_of=d(2007, 3, 10))
    scorer.add([adoption])
    expected = score([*log, adoption], rules=rules, as_of=d(2007, 3, 10))
    assert (Decimal("4.1"), results_json(expected)) == (
        scorer.results(as_of=d(2007, 3, 10)).unit("锦江区").score,
        results_json(scorer.results(as_of=d(2007, 3, 10))),
    )


def test_plugin_rule_kinds_see_events_of_a_day_already_folded() -> None:
    """A second submission of 1 August, arriving after the first was folded, gets the plug-in's topic
    bonus too (example-2007-07): 1.2, as score gives."""
    from chengdu_infoscore.rules.registry import rule_set

    rules = rule_set("example-2007-07")
    first = Submitted(id="a", date="2007-08-01", unit="锦江区", item="I1", topic="4.1")
    second = Submitted(id="b", date="2007-08-01", unit="锦江区", item="I2", topic="4.1")
    scorer = Scorer(rules=rules)
    scorer.add([first])
    scorer.results()
    scorer.add([second])
    assert (Decimal("1.2"), results_json(score([first, second], rules=rules))) == (
        scorer.results().unit("锦江区").score,
        results_json(scorer.results()),
    )


@pytest.mark.parametrize(
    "batches",
    [
        pytest.param(
            [
                [Withdrawn(id="w1", date="2007-03-02", event="e1")],
                [Missed(id="e1", date="2007-03-01", unit="青羊区", category="work_dynamic")],
                [Withdrawn(id="w1", date="2007-03-02", event="e1")],
            ],
            id="a withdrawal of an id not yet received",
        ),
        pytest.param(
            [
                [Missed(id="e3", date="2007-03-01", unit="青羊区", category="work_dynamic")],
                [Withdrawn(id="e3", date="2007-03-02", event="e3")],
            ],
            id="a record that withdraws itself",
        ),
        pytest.param(
            [
                [
                    Missed(id="e4", date="2007-03-01", unit="市经委", category="work_dynamic"),
                    Missed(id="e4", date="2007-03-01", unit="能源办", category="work_dynamic"),
                ]
            ],
            id="two spellings of one unit in one batch",
        ),
        pytest.param(
            [[Missed(id="e5", date="2007-03-01", unit="青羊区", category="work_dynamic", subject="\ud800")]],
            id="a lone surrogate",
        ),
    ],
)
def test_a_scorer_takes_each_batch_as_the_store_does(tmp_path: Path, batches: list[list[Event]]) -> None:
    """Fed the same batches, a Scorer and a store count each batch alike and score alike."""
    from chengdu_infoscore import Store

    scorer = Scorer()
    with Store.open(tmp_path / "s.db", create=True) as store:
        for batch in batches:
            live = scorer.add(batch)
            kept = store.ingest(batch, recorded=dt.date(2007, 3, 5))
            counts = (kept.added, kept.repeated, kept.revised, kept.withdrawn, len(kept.rejections))
            assert counts == (live.added, live.repeated, live.revised, live.withdrawn, len(live.rejections))
        expected = results_json(score(store.read(), as_of=dt.date(2007, 12, 31)))
    assert expected == results_json(scorer.results(as_of=dt.date(2007, 12, 31)))
