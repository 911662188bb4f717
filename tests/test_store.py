"""The store (docs/store.md): batches recorded on days, revisions and withdrawals applied as recorded,
any past view rebuilt exactly, and a batch recorded whole or not at all."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chengdu_infoscore import (
    Adopted,
    Batch,
    FoundFalse,
    Missed,
    ReadResult,
    ReportedLate,
    Store,
    StoreError,
    Submitted,
    Withdrawn,
    parse_jsonl,
    read_events,
    score,
    write_jsonl,
)
from chengdu_infoscore.exceptions import ArgumentError, ArgumentTypeError, EventFileError
from chengdu_infoscore.store import SCHEMA_VERSION, STORED_FORM_VERSION
from conftest import d
from store_kit import History, histories, in_force

SUBMITTED = Submitted(id="e1", date="2007-03-05", unit="锦江区", item="J1")
ADOPTED = Adopted(id="e2", date="2007-03-07", item="J1", channel="zwxx")
MISSED = Missed(id="e3", date="2007-03-20", unit="锦江区", category="work_dynamic")

# Hypothesis examples share one temporary directory; each example makes its own store in it.
_FRESH = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def _store(tmp_path: Path, name: str = "log.store") -> Store:
    return Store.open(tmp_path / name, create=True)


def _jinjiang(read: ReadResult) -> Decimal:
    return score(read).unit("锦江区").score


# -- hand-worked histories -------------------------------------------------------------------------


def test_an_adoption_revised_to_another_channel_scores_by_the_channel_known_on_each_day(
    tmp_path: Path,
) -> None:
    """政务信息 (4) recorded 3-08, revised to 成都动态 (1) on 3-15: 4.1 as known on 3-10, 1.1 from 3-15."""
    with _store(tmp_path) as store:
        first = store.ingest([SUBMITTED, ADOPTED], recorded=d("2007-03-08"))
        revision = store.ingest(
            [Adopted(id="e2", date="2007-03-07", item="J1", channel="cddt")], recorded=d("2007-03-15")
        )
        views = [_jinjiang(store.read(day)) for day in (d("2007-03-07"), d("2007-03-10"), d("2007-03-15"))]
        now = _jinjiang(store.read())
    assert ((2, 0), (0, 1, 0)) == (
        (first.added, first.revised),
        (revision.added, revision.revised, revision.repeated),
    )
    assert [Decimal(0), Decimal("4.1"), Decimal("1.1")] == views
    assert Decimal("1.1") == now


def test_a_miss_revised_into_a_late_report_changes_its_type_and_its_points(tmp_path: Path) -> None:
    """A miss (−2) recorded 3-21 is found to be a late report (−1) on 4-02: −1.9 before, −0.9 after."""
    late = ReportedLate(id="e3", date="2007-03-20", unit="锦江区", category="work_dynamic")
    with _store(tmp_path) as store:
        store.ingest([SUBMITTED, MISSED], recorded=d("2007-03-21"))
        report = store.ingest([late], recorded=d("2007-04-02"))
        before, after = store.read(d("2007-04-01")), store.read(d("2007-04-02"))
    assert 1 == report.revised
    assert (Decimal("-1.9"), Decimal("-0.9")) == (_jinjiang(before), _jinjiang(after))
    assert ([MISSED], [late]) == (
        [e for e in before.events if e.id == "e3"],
        [e for e in after.events if e.id == "e3"],
    )


def test_a_withdrawal_recorded_after_a_bulletin_leaves_the_view_it_was_published_from(tmp_path: Path) -> None:
    """March as published 4-03 (−1.9) is rebuilt after a withdrawal recorded 4-10 takes the miss out."""
    with _store(tmp_path) as store:
        store.ingest([SUBMITTED, MISSED], recorded=d("2007-03-21"))
        published = score(store.read(), as_of=d("2007-03-31"))
        store.ingest([Withdrawn(id="w1", date="2007-04-10", event="e3")], recorded=d("2007-04-10"))
        again = score(store.read(d("2007-04-03")), as_of=d("2007-03-31"))
        now = score(store.read(), as_of=d("2007-03-31"))
    assert (published.units, published.provenance) == (again.units, again.provenance)
    assert (Decimal("-1.9"), Decimal("0.1")) == (again.unit("锦江区").score, now.unit("锦江区").score)
    assert 0 == now.withdrawn  # what the store gives holds no withdrawal: nothing to account for


def test_a_revision_of_a_withdrawn_event_reinstates_it_with_its_new_content(tmp_path: Path) -> None:
    """Withdrawn on 4-10, the miss is recorded again on 5-02 as a late report: in force again, as revised."""
    late = ReportedLate(id="e3", date="2007-03-20", unit="锦江区", category="work_dynamic")
    with _store(tmp_path) as store:
        store.ingest([SUBMITTED, MISSED], recorded=d("2007-03-21"))
        store.ingest([Withdrawn(id="w1", date="2007-04-10", event="e3")], recorded=d("2007-04-10"))
        repeat = store.ingest([MISSED], recorded=d("2007-04-20"))
        revision = store.ingest([late], recorded=d("2007-05-02"))
        views = [
            _jinjiang(store.read(day))
            for day in (d("2007-04-09"), d("2007-04-10"), d("2007-04-20"), d("2007-05-02"))
        ]
    assert ((1, 0), (0, 1)) == ((repeat.repeated, repeat.revised), (revision.repeated, revision.revised))
    assert [Decimal("-1.9"), Decimal("0.1"), Decimal("0.1"), Decimal("-0.9")] == views


def test_a_withdrawal_and_a_revision_in_one_batch_withdraw(tmp_path: Path) -> None:
    """New content and a withdrawal of one event in one batch: the withdrawal stands (no order in a batch)."""
    with _store(tmp_path) as store:
        store.ingest([SUBMITTED, MISSED], recorded=d("2007-03-21"))
        store.ingest(
            [
                Withdrawn(id="w1", date="2007-04-10", event="e3"),
                ReportedLate(id="e3", date="2007-03-20", unit="锦江区", category="work_dynamic"),
            ],
            recorded=d("2007-04-10"),
        )
        assert [SUBMITTED] == list(store.read().events)


def test_reading_at_several_known_on_dates(tmp_path: Path) -> None:
    """Three batches (two on one day): each known-on date sees exactly the batches recorded by then."""
    with _store(tmp_path) as store:
        store.ingest([SUBMITTED], recorded=d("2007-03-06"))
        store.ingest([ADOPTED], recorded=d("2007-03-08"))
        store.ingest([MISSED], recorded=d("2007-03-08"))
        counts = [
            len(store.read(day))
            for day in (d("2007-01-01"), d("2007-03-06"), d("2007-03-07"), d("2007-03-08"))
        ]
        batches = store.batches()
    assert [0, 1, 1, 3] == counts
    assert [(1, d("2007-03-06"), 1), (2, d("2007-03-08"), 2), (3, d("2007-03-08"), 3)] == [
        (b.seq, b.recorded, b.events) for b in batches
    ]


def test_ingest_accounts_for_every_record_of_a_batch(tmp_path: Path) -> None:
    """7 records: 1 added, 1 repeated in the batch, 1 repeat of the store, 1 revised, 1 withdrawn, 2 out."""
    with _store(tmp_path) as store:
        store.ingest([SUBMITTED, MISSED], recorded=d("2007-03-21"))
        report = store.ingest(
            [
                ADOPTED,
                ADOPTED,
                SUBMITTED,
                Missed(id="e3", date="2007-03-20", unit="锦江区", category="important"),
                Withdrawn(id="w1", date="2007-04-01", event="e1"),
                Withdrawn(id="w2", date="2007-04-01", event="e404"),
                Withdrawn(id="w3", date="2007-04-01", event="w1"),
            ],
            recorded=d("2007-04-01"),
        )
    assert (2, 7, 1, 2, 1, 1, 2) == (
        report.seq,
        report.received,
        report.added,
        report.repeated,
        report.revised,
        report.withdrawn,
        report.rejected,
    )
    assert [
        (None, "w2", "withdraws event 'e404', which was not received: no readable event has that id"),
        (None, "w3", "withdraws 'w1', which is a withdrawal, not an event: a withdrawal cannot be withdrawn"),
    ] == [(r.origin, r.event, r.reason) for r in sorted(report.rejections, key=lambda r: r.event or "")]


def test_a_conflict_or_an_unreadable_copy_in_a_batch_stores_nothing_of_that_id(tmp_path: Path) -> None:
    """Two contents for e3, e1 beside a broken copy: both ids rejected, the store keeps e1 as it was."""
    log = "\n".join(
        [
            '{"id": "e1", "type": "submitted", "date": "2007-03-06", "unit": "锦江区", "item": "J1"}',
            '{"id": "e1", "type": "submitted", "date": "2007-02-30", "unit": "锦江区", "item": "J1"}',
            '{"id": "e3", "type": "missed", "date": "2007-03-20", "unit": "锦江区", "category": "important"}',
            '{"id": "e3", "type": "late", "date": "2007-03-20", "unit": "锦江区", "category": "important"}',
        ]
    )
    with _store(tmp_path) as store:
        store.ingest([SUBMITTED], recorded=d("2007-03-06"))
        report = store.ingest(parse_jsonl(log.encode(), "day.jsonl"), recorded=d("2007-03-21"))
        events = store.read().events
    assert ((SUBMITTED,), 4, 4, 0) == (
        events,
        report.received,
        report.rejected,
        report.added + report.revised,
    )
    assert [
        "day.jsonl:1: event e1: the id 'e1' is used by different records (at day.jsonl:1, day.jsonl:2)",
        "day.jsonl:2: event e1: field 'date': '2007-02-30' is not a real calendar date",
        "day.jsonl:3: event e3: the id 'e3' is used by different records (at day.jsonl:3, day.jsonl:4)",
        "day.jsonl:4: event e3: the id 'e3' is used by different records (at day.jsonl:3, day.jsonl:4)",
    ] == [str(r) for r in report.rejections]


def test_whether_an_event_counts_is_judged_when_scoring(tmp_path: Path) -> None:
    """An adoption recorded before its item's submission is stored; it counts once the submission arrives."""
    with _store(tmp_path) as store:
        early = store.ingest([ADOPTED], recorded=d("2007-03-07"))
        alone = score(store.read())
        store.ingest([SUBMITTED], recorded=d("2007-03-09"))
        both = score(store.read())
    assert (1, 0, 1) == (early.added, alone.counted, len(alone.rejections))
    assert (2, Decimal("4.1")) == (both.counted, both.unit("锦江区").score)


def test_events_keep_the_file_and_line_they_were_read_from(tmp_path: Path) -> None:
    """What the store gives names where each record was read, so a scoring rejection points at the file."""
    day = tmp_path / "day.jsonl"
    day.write_text(
        '{"id": "e1", "type": "submitted", "date": "2007-03-06", "unit": "锦江区", "item": "J1"}\n'
        '{"id": "e2", "type": "missed", "date": "2007-03-06", "unit": "市无此局", "category": "工作动态"}\n',
        encoding="utf-8",
    )
    with _store(tmp_path) as store:
        store.ingest([day], recorded=d("2007-03-07"))
        results = score(store.read())
        sources = store.batches()[0].sources
    assert ((str(day),), [f"{day}:2"]) == (sources, [r.where for r in results.rejections])


def test_a_batch_gives_what_it_stored_withdrawals_included(tmp_path: Path) -> None:
    """store.batch(seq): the new and revised records of that batch, as received; not its repeats."""
    withdrawal = Withdrawn(id="w1", date="2008-01-02", event="e3")
    with _store(tmp_path) as store:
        store.ingest([SUBMITTED, MISSED], recorded=d("2007-03-21"))
        store.ingest([SUBMITTED, ADOPTED, withdrawal], recorded=d("2008-01-02"))
        second = store.batch(2)
    assert ((ADOPTED, withdrawal), 0) == (second.events, len(second.rejections))


def test_the_digest_of_each_batch_is_the_digest_of_its_view(tmp_path: Path) -> None:
    """A batch's digest and count are those that scoring its view states in the provenance."""
    with _store(tmp_path) as store:
        store.ingest([SUBMITTED, MISSED], recorded=d("2007-03-21"))
        store.ingest([Withdrawn(id="w1", date="2007-04-10", event="e3"), ADOPTED], recorded=d("2007-04-10"))
        batches = store.batches()
        provenances = [score(store.read(b.recorded)).provenance for b in batches]
    assert [(p.events_digest, p.events) for p in provenances if p is not None] == [
        (b.digest, b.events) for b in batches
    ]


# -- properties ------------------------------------------------------------------------------------


def _ingest(store: Store, history: History) -> None:
    for day, records in history:
        store.ingest(records, recorded=day)


def _views(history: History) -> list[dt.date | None]:
    days = sorted({day for day, _ in history})
    return [days[0] - dt.timedelta(days=1), *days, None]


@pytest.mark.slow
@_FRESH
@given(history=histories())
def test_every_view_scores_as_the_log_then_in_force(
    tmp_path_factory: pytest.TempPathFactory, history: History
) -> None:
    """As known on any day, the view scores as the independently corrected log, provenance included."""
    with Store.open(tmp_path_factory.mktemp("s") / "log.store", create=True) as store:
        _ingest(store, history)
        for known_on in _views(history):
            view = store.read(known_on)
            expected = in_force(history, known_on)
            got, want = score(view), score(expected)
            assert expected == sorted(view.events, key=lambda e: e.id)
            assert (want.units, want.rejections, want.provenance) == (
                got.units,
                got.rejections,
                got.provenance,
            )


@pytest.mark.slow
@_FRESH
@given(history=histories())
def test_each_batch_states_the_digest_and_count_of_its_view(
    tmp_path_factory: pytest.TempPathFactory, history: History
) -> None:
    """The last batch of each day holds the events digest and count that scoring that day's view states."""
    with Store.open(tmp_path_factory.mktemp("s") / "log.store", create=True) as store:
        _ingest(store, history)
        last = {b.recorded: b for b in store.batches()}
        for day, batch in last.items():
            provenance = score(store.read(day)).provenance
            assert provenance is not None
            assert (provenance.events_digest, provenance.events) == (batch.digest, batch.events)


@pytest.mark.slow
@_FRESH
@given(history=histories())
def test_the_view_after_each_batch_is_the_log_then_in_force_with_the_batchs_digest(
    tmp_path_factory: pytest.TempPathFactory, history: History
) -> None:
    """read(after=seq) is the view after batch seq, even beside later batches of its day: the
    independently corrected log of the first seq batches, with the digest and count the batch keeps."""
    with Store.open(tmp_path_factory.mktemp("s") / "log.store", create=True) as store:
        _ingest(store, history)
        for batch in (None, *store.batches()):
            seq = 0 if batch is None else batch.seq
            view = store.read(after=seq)
            assert in_force(history[:seq]) == sorted(view.events, key=lambda e: e.id)
            if batch is not None:
                provenance = score(view).provenance
                assert provenance is not None
                assert (batch.digest, batch.events) == (provenance.events_digest, provenance.events)


@pytest.mark.slow
@_FRESH
@given(history=histories(), data=st.data())
def test_the_order_of_records_inside_a_batch_does_not_matter(
    tmp_path_factory: pytest.TempPathFactory, history: History, data: st.DataObject
) -> None:
    """The same batches with their records in another order: the same batches, digests and views."""
    shuffled = [(day, data.draw(st.permutations(records))) for day, records in history]
    folder = tmp_path_factory.mktemp("s")
    with Store.open(folder / "a.store", create=True) as a, Store.open(folder / "b.store", create=True) as b:
        _ingest(a, history)
        _ingest(b, shuffled)
        assert a.batches() == b.batches()
        for known_on in _views(history):
            assert a.read(known_on).events == b.read(known_on).events


@pytest.mark.slow
@_FRESH
@given(history=histories())
def test_ingesting_a_batch_again_is_all_repeats(
    tmp_path_factory: pytest.TempPathFactory, history: History
) -> None:
    """Each batch given twice in a row: the second time every record is a repeat and the view stays."""
    with Store.open(tmp_path_factory.mktemp("s") / "log.store", create=True) as store:
        for day, records in history:
            first = store.ingest(records, recorded=day)
            again = store.ingest(records, recorded=day)
            assert (first.received, 0, 0, 0, 0) == (
                again.repeated,
                again.added,
                again.revised,
                again.withdrawn,
                again.rejected,
            )
            assert (first.events, first.digest) == (again.events, again.digest)


@pytest.mark.slow
@_FRESH
@given(history=histories())
def test_replaying_the_batches_gives_every_view(
    tmp_path_factory: pytest.TempPathFactory, history: History
) -> None:
    """The records of store.batch(1…n), replayed by the rule of corrections, give store.read() every day."""
    with Store.open(tmp_path_factory.mktemp("s") / "log.store", create=True) as store:
        _ingest(store, history)
        replayed = [(b.recorded, list(store.batch(b.seq).events)) for b in store.batches()]
        for known_on in _views(history):
            assert in_force(replayed, known_on) == sorted(store.read(known_on).events, key=lambda e: e.id)


# -- a store from files, and what is refused -------------------------------------------------------


def test_a_view_scores_byte_for_byte_as_a_file_of_it(tmp_path: Path) -> None:
    """score(store.read(d)) equals score(read_events([a file of those events])), digest and count included."""
    with _store(tmp_path) as store:
        store.ingest([SUBMITTED, MISSED, ADOPTED], recorded=d("2007-03-21"))
        store.ingest([Withdrawn(id="w1", date="2007-04-01", event="e3")], recorded=d("2007-04-01"))
        view = store.read(d("2007-04-01"))
    file = tmp_path / "view.jsonl"
    with file.open("w", encoding="utf-8") as out:
        write_jsonl(view.events, out)
    from_file, from_store = score(read_events([file])), score(view)
    assert (from_file.units, from_file.provenance, from_file.read) == (
        from_store.units,
        from_store.provenance,
        from_store.read,
    )


def test_a_batch_recorded_before_the_latest_is_refused(tmp_path: Path) -> None:
    """Recording on 3-20 after a batch of 3-21 would rewrite what was known: refused, the store unchanged."""
    with _store(tmp_path) as store:
        store.ingest([SUBMITTED], recorded=d("2007-03-21"))
        with pytest.raises(StoreError) as caught:
            store.ingest([MISSED], recorded=d("2007-03-20"))
        batches = store.batches()
    assert (1, True) == (
        len(batches),
        "comes before the store's latest batch (1, recorded on 2007-03-21)" in str(caught.value),
    )


def test_a_store_that_does_not_exist_is_not_created_by_reading(tmp_path: Path) -> None:
    """Store.open without create: an error naming the file, and no file left behind."""
    with pytest.raises(StoreError) as caught:
        Store.open(tmp_path / "none.store")
    assert (True, []) == (
        str(caught.value).startswith(f"{tmp_path / 'none.store'}: no such store"),
        os.listdir(tmp_path),
    )


@pytest.mark.parametrize(
    ("content", "words"),
    [
        pytest.param(b'{"id": "e1"}\n', "this looks like an event log (JSON)", id="jsonl"),
        pytest.param(b"id,type,date\n" * 200, "not an SQLite database", id="csv"),
        pytest.param(b"", "an empty file", id="empty"),
    ],
)
def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path, content: bytes, words: str) -> None:
    """An event log, a CSV file, an empty file: StoreError naming the file and what it is; file untouched."""
    path = tmp_path / "x.store"
    path.write_bytes(content)
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    assert (True, True, content) == (
        str(path) in str(caught.value),
        words in str(caught.value),
        path.read_bytes(),
    )


def test_another_applications_database_is_refused(tmp_path: Path) -> None:
    """An SQLite file with tables of its own is not a store, even to create one in."""
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(StoreError) as caught:
        Store.open(path, create=True)
    assert f"{path}: not a store: an SQLite database of another application" == str(caught.value)


def test_a_store_of_a_newer_schema_is_refused(tmp_path: Path) -> None:
    """A store written by a later version (user_version above ours) is refused, saying so."""
    path = tmp_path / "log.store"
    Store.open(path, create=True).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    assert (
        f"{path}: the store's schema is version {SCHEMA_VERSION + 1}, written by a newer chengdu-infoscore;"
        f" this version reads schema {SCHEMA_VERSION}: upgrade the library"
    ) == str(caught.value)


def test_the_store_is_sqlite_in_wal_mode_with_its_schema_version(tmp_path: Path) -> None:
    """journal_mode WAL, user_version 2, foreign keys, and the tables docs/store.md documents."""
    path = tmp_path / "log.store"
    Store.open(path, create=True).close()
    db = sqlite3.connect(path)
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    pragmas = [
        db.execute(f"PRAGMA {p}").fetchone()[0] for p in ("journal_mode", "user_version", "application_id")
    ]
    db.close()
    assert ({"batches", "records", "rejections"}, ["wal", 2, 0x43444953]) == (tables, pragmas)


def test_records_cannot_be_changed_once_stored(tmp_path: Path) -> None:
    """The store is append-only: an UPDATE or DELETE of a record is refused by the file itself."""
    path = tmp_path / "log.store"
    with Store.open(path, create=True) as store:
        store.ingest([SUBMITTED], recorded=d("2007-03-06"))
    db = sqlite3.connect(path)
    refused = []
    for sql in ("UPDATE records SET content = '{}'", "DELETE FROM records", "DELETE FROM batches"):
        with pytest.raises(sqlite3.DatabaseError) as caught:
            db.execute(sql)
        refused.append(str(caught.value))
    db.close()
    assert ["the store is append-only"] * 3 == refused


def test_an_insert_failing_part_way_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    """The third insert fails: StoreError, nothing of the batch; the same batch then goes in whole."""
    path = tmp_path / "log.store"
    with Store.open(path, create=True) as store:
        store.ingest([SUBMITTED], recorded=d("2007-03-06"))
        before = (store.batches(), store.read().events)
        db = sqlite3.connect(path)
        db.execute(
            "CREATE TRIGGER fail BEFORE INSERT ON records WHEN NEW.id = 'e3'"
            " BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
        )
        db.commit()
        batch = [ADOPTED, Adopted(id="e2b", date="2007-03-08", item="J1", channel="cddt"), MISSED]
        with pytest.raises(StoreError) as caught:
            store.ingest(batch, recorded=d("2007-03-21"))
        after = (store.batches(), store.read().events)
        db.execute("DROP TRIGGER fail")
        db.commit()
        db.close()
        report = store.ingest(batch, recorded=d("2007-03-21"))
    assert "disk trouble; the batch was not recorded, the store is as it was" in str(caught.value)
    assert before == after
    assert (2, 3) == (report.seq, report.added)


def test_an_interruption_part_way_leaves_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the records are written: the interruption goes on, the store has nothing of the batch."""
    import chengdu_infoscore.store as store_module

    path = tmp_path / "log.store"
    calls = []
    where = store_module._where

    def interrupted(origin: object) -> object:
        calls.append(origin)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return where(origin)  # type: ignore[arg-type]

    with Store.open(path, create=True) as store:
        store.ingest([SUBMITTED], recorded=d("2007-03-06"))
        monkeypatch.setattr(store_module, "_where", interrupted)
        with pytest.raises(KeyboardInterrupt):
            store.ingest(
                [ADOPTED, MISSED, Withdrawn(id="w1", date="2007-04-01", event="e1")], recorded=d("2007-04-01")
            )
        monkeypatch.undo()
        assert ([1], (SUBMITTED,)) == ([b.seq for b in store.batches()], store.read().events)


@pytest.mark.slow
def test_a_crash_part_way_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    """A process dying while it inserts a batch's records (os._exit, no clean-up): the store has none."""
    path = tmp_path / "log.store"
    with Store.open(path, create=True) as store:
        store.ingest([SUBMITTED], recorded=d("2007-03-06"))
    program = f"""
import datetime as dt, os
from chengdu_infoscore import Store, Adopted, Missed
store = Store.open({str(path)!r})
store._db.create_function("crash", 0, lambda: os._exit(7))
store._db.execute("CREATE TEMP TRIGGER boom BEFORE INSERT ON main.records WHEN NEW.id = 'e3'"
                  " BEGIN SELECT crash(); END")
store.ingest([Adopted(id="e2", date="2007-03-07", item="J1", channel="zwxx"),
              Missed(id="e3", date="2007-03-20", unit="锦江区", category="work_dynamic")],
             recorded=dt.date(2007, 3, 21))
"""
    run = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120, check=False
    )
    with Store.open(path) as store:
        assert (7, [1], (SUBMITTED,)) == (
            run.returncode,
            [b.seq for b in store.batches()],
            store.read().events,
        )


def test_a_file_that_cannot_be_read_records_nothing(tmp_path: Path) -> None:
    """ingest of a JSON array: EventFileError, and no batch recorded."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text('[{"id": "e1"}]\n', encoding="utf-8")
    with _store(tmp_path) as store:
        with pytest.raises(EventFileError):
            store.ingest([bad], recorded=d("2007-03-06"))
        assert () == store.batches()


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        pytest.param(
            lambda s: s.ingest("day.jsonl", recorded=d("2007-03-06")),
            ArgumentTypeError,
            "not a single path",
            id="one-path",
        ),
        pytest.param(
            lambda s: s.ingest([SUBMITTED, "day.jsonl"], recorded=d("2007-03-06")),
            ArgumentTypeError,
            "source[1]",
            id="mixed",
        ),
        pytest.param(
            lambda s: s.ingest([SUBMITTED], recorded="2007-03-06"),
            ArgumentTypeError,
            "recorded must be a datetime.date",
            id="text-date",
        ),
        pytest.param(
            lambda s: s.read("2007-03-06"),
            ArgumentTypeError,
            "known_on must be a datetime.date",
            id="known-on",
        ),
        pytest.param(
            lambda s: s.batch(9), ArgumentError, "no batch 9; the store holds no batch yet", id="batch"
        ),
        pytest.param(
            lambda s: s.read(after=1),
            ArgumentError,
            "no batch 1; the store holds no batch yet (0 is the view before them)",
            id="after",
        ),
        pytest.param(
            lambda s: s.read(after="1"), ArgumentTypeError, "after must be a batch's number", id="after-text"
        ),
        pytest.param(
            lambda s: s.read(d("2007-03-06"), after=0),
            ArgumentError,
            "give known_on or after, not both",
            id="both",
        ),
    ],
)
def test_wrong_arguments_are_named(tmp_path: Path, call: object, error: type[Exception], words: str) -> None:
    """A wrong argument is an ArgumentTypeError or ArgumentError naming it, never a failure inside."""
    with _store(tmp_path) as store, pytest.raises(error) as caught:
        call(store)  # type: ignore[operator]
    assert words in str(caught.value)


def test_a_closed_store_says_so(tmp_path: Path) -> None:
    """Using a store after close() is a StoreError, not an SQLite one."""
    store = _store(tmp_path)
    store.close()
    with pytest.raises(StoreError) as caught:
        store.read()
    assert f"{tmp_path / 'log.store'}: the store is closed" == str(caught.value)


def test_batches_are_values(tmp_path: Path) -> None:
    """batches() gives frozen values with the day, the sources and the counts."""
    out = io.StringIO()
    write_jsonl([SUBMITTED], out)
    day = tmp_path / "day.jsonl"
    day.write_text(out.getvalue(), encoding="utf-8")
    with _store(tmp_path) as store:
        store.ingest([day], recorded=d("2007-03-06"))
        (batch,) = store.batches()
    assert Batch(1, d("2007-03-06"), (str(day),), 1, 1, 0, 0, 0, 0, 1, batch.digest) == batch
    assert json.loads(json.dumps(batch.digest)) == score(read_events([day])).provenance.events_digest  # type: ignore[union-attr]


# -- the stored form and older schemas --------------------------------------------------------------


def _schema_1_store(tmp_path: Path) -> Path:
    """The store that chengdu-infoscore wrote at schema 1 (tests/stores/schema-1.sql): a commission,
    its answer, an adoption (revised in batch 2 to 政务要闻 without picture) and a miss (withdrawn in
    batch 2), and one rejected withdrawal."""
    path = tmp_path / "old.store"
    dump = (Path(__file__).parent / "stores" / "schema-1.sql").read_text(encoding="utf-8")
    db = sqlite3.connect(path)
    db.executescript(dump)
    db.close()
    return path


def test_a_store_of_schema_1_is_brought_to_schema_2_and_reads_as_it_did(tmp_path: Path) -> None:
    """Opened, a schema-1 store gets user_version 2, its batches stored form 1; each view is as written."""
    path = _schema_1_store(tmp_path)
    with Store.open(path) as store:
        batches = store.batches()
        march, now = store.read(d("2007-03-31")), store.read()
        digests = [r.provenance.events_digest for r in (score(march), score(now))]
    db = sqlite3.connect(path)
    version = db.execute("PRAGMA user_version").fetchone()[0]
    forms = [row[0] for row in db.execute("SELECT form FROM batches ORDER BY seq")]
    db.close()
    adopted = Adopted(id="e2", date="2007-03-07", item="J1", channel="zwyw")
    assert (2, [1, 1]) == (version, forms)
    assert [batch.digest for batch in batches] == digests
    assert ["e0", "e1", "e2", "e3"] == [e.id for e in march.events]
    assert ["e0", "e1", "e2"] == [e.id for e in now.events]
    assert adopted == now.events[2]


def test_a_store_of_schema_1_takes_new_batches_comparing_contents_as_before(tmp_path: Path) -> None:
    """A record already held by a schema-1 store, received again, is a repeat; a new content is a revision."""
    path = _schema_1_store(tmp_path)
    with Store.open(path) as store:
        report = store.ingest(
            [
                Submitted(
                    id="e1", date="2007-03-05", unit="锦江区", item="J1", topic="2.14", commission="C1"
                ),
                Adopted(id="e2", date="2007-03-07", item="J1", channel="zwxx"),
            ],
            recorded=d("2007-04-03"),
        )
    assert (1, 1, 0) == (report.repeated, report.revised, report.added)


def test_each_batch_states_the_stored_form_of_its_records(tmp_path: Path) -> None:
    """A batch notes the stored form its records need: 1 without a figure decided per case, 2 with one."""
    path = tmp_path / "log.store"
    with Store.open(path, create=True) as store:
        store.ingest([SUBMITTED], recorded=d("2007-03-06"))
        store.ingest(
            [FoundFalse(id="f1", date="2007-03-07", item="J1", points="-60")], recorded=d("2007-03-07")
        )
    db = sqlite3.connect(path)
    forms = [row[0] for row in db.execute("SELECT form FROM batches")]
    db.close()
    assert [1, 2] == forms
    assert 3 == STORED_FORM_VERSION


def _newer_form_batch(path: Path) -> None:
    """Add a batch written in a stored form after this library's, as a newer library would."""
    db = sqlite3.connect(path)
    db.execute(
        "INSERT INTO batches (seq, recorded, sources, received, added, repeated, revised, withdrawn,"
        " rejected, events, digest, form) SELECT seq + 1, recorded, sources, 0, 0, 0, 0, 0, 0, events,"
        " digest, ? FROM batches",
        (STORED_FORM_VERSION + 1,),
    )
    db.commit()
    db.close()


def test_a_store_holding_records_of_a_newer_stored_form_is_refused(tmp_path: Path) -> None:
    """A batch in a stored form this library does not read: StoreError when opened, naming batch and form."""
    path = tmp_path / "log.store"
    with Store.open(path, create=True) as store:
        store.ingest([SUBMITTED], recorded=d("2007-03-06"))
    _newer_form_batch(path)
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    assert (
        f"{path}: batch 2 holds records in stored form {STORED_FORM_VERSION + 1}, written by a newer"
        f" chengdu-infoscore; this version reads stored form {STORED_FORM_VERSION}: upgrade the library"
    ) == str(caught.value)


def test_a_newer_stored_form_written_while_the_store_is_open_stops_reads_and_batches(tmp_path: Path) -> None:
    """A newer library writes a batch while the store is open: read and ingest refuse, nothing recorded."""
    path = tmp_path / "log.store"
    with Store.open(path, create=True) as store:
        store.ingest([SUBMITTED], recorded=d("2007-03-06"))
        _newer_form_batch(path)
        messages = []
        for attempt in (store.read, lambda: store.ingest([ADOPTED], recorded=d("2007-03-08"))):
            with pytest.raises(StoreError) as caught:
                attempt()
            messages.append(str(caught.value))
    db = sqlite3.connect(path)
    seqs = [row[0] for row in db.execute("SELECT seq FROM batches ORDER BY seq")]
    db.close()
    expected = (
        f"{path}: batch 2 holds records in stored form {STORED_FORM_VERSION + 1}, written by a newer"
        f" chengdu-infoscore; this version reads stored form {STORED_FORM_VERSION}: upgrade the library"
    )
    assert [expected, expected] == messages
    assert [1, 2] == seqs


def test_a_batch_is_in_the_stores_file_while_another_connection_stays_open(tmp_path: Path) -> None:
    """A long-lived reader (a server's) keeps the write-ahead log open; each batch is still copied
    into the store's file, so a copy of the file alone holds every batch recorded."""
    path = tmp_path / "s.store"
    with Store.open(path, create=True) as store:
        store.ingest(
            [Submitted(id="e1", date="2007-03-05", unit="锦江区", item="J1")], recorded=d("2007-03-06")
        )
    reader = Store.open(path)
    try:
        assert 1 == len(reader.batches())
        with Store.open(path) as writer:
            writer.ingest(
                [Submitted(id="e2", date="2007-03-06", unit="锦江区", item="J2")], recorded=d("2007-03-07")
            )
        copy = tmp_path / "copy.store"
        copy.write_bytes(path.read_bytes())  # the file alone, without its -wal
        with Store.open(copy) as copied:
            assert [1, 2] == [b.seq for b in copied.batches()]
    finally:
        reader.close()
