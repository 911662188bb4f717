"""The contacts registry (附件3 三(三)): contact records, their history in a store, the registry as of
a date, the `contacts` command, the bulletin's section, and that contacts never change a score."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import random
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chengdu_infoscore import (
    Contact,
    Missed,
    Scorer,
    Store,
    Submitted,
    contacts_as_of,
    event_record,
    monthly_bulletin,
    parse_csv,
    parse_jsonl,
    read_events,
    score,
)
from chengdu_infoscore.bulletins.render import bulletin_csv, bulletin_json, bulletin_markdown, bulletin_table
from chengdu_infoscore.cli import main
from chengdu_infoscore.contacts import registry, registry_json, results_registry
from chengdu_infoscore.quotas import load_quotas
from chengdu_infoscore.reports import results_json
from chengdu_infoscore.sample import sample_year
from test_spreadsheet import Sheet, read_book

QUOTAS = load_quotas(2007)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _jsonl(records: list[dict[str, object]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


LEADER = {
    "id": "c1",
    "type": "contact",
    "date": "2007-01-04",
    "unit": "锦江区",
    "role": "leader",
    "name": "李明",
}
OFFICER = {
    "id": "c2",
    "type": "contact",
    "date": "2007-01-04",
    "unit": "能源办",
    "role": "信息员",
    "name": "王敏",
    "title": "科长",
    "phone": "028-8462 1234转8021",
}
LEFT = {
    "id": "c3",
    "type": "contact",
    "date": "2007-06-01",
    "unit": "市经委",
    "role": "officer",
    "name": "王敏",
    "left": True,
}
NEW = {
    "id": "c4",
    "type": "contact",
    "date": "2007-06-11",
    "unit": "市经委",
    "role": "officer",
    "name": "赵刚",
}


def test_a_contact_reads_alike_from_json_lines_and_csv() -> None:
    """The same contact from JSON Lines and from CSV (left as 是) is one event, with the same fingerprint."""
    from_json = parse_jsonl(_jsonl([OFFICER, LEFT]), "c.jsonl")
    table = (
        "id,type,date,unit,role,name,title,phone,left\n"
        "c2,contact,2007-01-04,能源办,信息员,王敏,科长,028-8462 1234转8021,\n"
        "c3,contact,2007-06-01,市经委,officer,王敏,,,是\n"
    )
    from_csv = parse_csv(table.encode("utf-8"), "c.csv")
    assert ((), ()) == (from_json.rejections, from_csv.rejections)
    assert from_json.events == from_csv.events
    assert from_json._prints == from_csv._prints
    assert (
        Contact(id="c3", date="2007-06-01", unit="市经委", role="officer", name="王敏", left=True)
        == from_csv.events[1]
    )


def test_event_record_round_trips_a_contact() -> None:
    """event_record writes a contact in the interchange form, absent fields and left=false left out."""
    event = parse_jsonl(_jsonl([OFFICER]), "c.jsonl").events[0]
    assert {k: v for k, v in OFFICER.items()} == event_record(event)
    assert event == parse_jsonl(_jsonl([event_record(event)]), "again.jsonl").events[0]


@pytest.mark.parametrize(
    "phone",
    [
        "028-84621234",
        "(028) 8462 1234",
        "+86 28 8462-1234",
        "13800000000",
        "8462-1234 ext. 21",
        "84621234x5",
        "84621234 分机 3",
    ],
)
def test_telephone_numbers_as_units_write_them_are_taken(phone: str) -> None:
    """Digits, spaces, +, -, parentheses and an extension after 转/分机/ext./x are a telephone number."""
    assert (
        phone
        == Contact(id="c", date="2007-01-04", unit="锦江区", role="officer", name="王", phone=phone).phone
    )


def test_contacts_are_counted_and_the_accounts_balance() -> None:
    """A contact counted, one repeated (any spelling of unit and role), one after as-of: read is the sum."""
    repeat = {**OFFICER, "unit": "市经委", "role": "officer"}
    log = [
        LEADER,
        OFFICER,
        repeat,
        LEFT,
        {"id": "e1", "type": "submitted", "date": "2007-03-05", "unit": "锦江区", "item": "J1"},
    ]
    results = score(parse_jsonl(_jsonl(log), "c.jsonl"), as_of=d("2007-03-31"))
    assert (5, 3, 1, 1, ()) == (
        results.read,
        results.counted,
        results.repeats,
        results.after_as_of,
        results.rejections,
    )
    assert ["c1", "c2"] == [c.id for c in results.contacts]
    assert ("市经委", "officer") == (results.contacts[1].unit, results.contacts[1].role)


def test_a_contact_and_an_event_of_one_id_are_both_rejected() -> None:
    """An id used by a contact and by an event is an id used by different records: both are rejected."""
    clash = {**LEADER, "id": "e1"}
    log = [{"id": "e1", "type": "submitted", "date": "2007-03-05", "unit": "锦江区", "item": "J1"}, clash]
    results = score(parse_jsonl(_jsonl(log), "c.jsonl"))
    assert [("e1", 1, "rejected.id_used_twice"), ("e1", 2, "rejected.id_used_twice")] == [
        (r.event, r.origin.line if r.origin else 0, r.code) for r in results.rejections
    ]
    assert (2, 0) == (results.read, results.counted)


def test_contacts_never_change_a_figure_of_the_sample_year() -> None:
    """The sample year with its contacts and without: the same units, as of three dates."""
    with_contacts, without = sample_year(), sample_year(contacts=False)
    assert 300 < len(with_contacts) - len(without)
    for as_of in (None, d("2007-06-30"), d("2007-12-31")):
        a, b = score(with_contacts, as_of=as_of), score(without, as_of=as_of)
        assert results_json(b)["units"] == results_json(a)["units"]
        added = len(with_contacts) - len(without)
        assert (b.as_of, len(a.contacts), added - len(a.contacts), added) == (
            a.as_of,
            a.counted - b.counted,
            a.after_as_of - b.after_as_of,
            a.read - b.read,
        )


_PEOPLE = st.lists(
    st.tuples(
        st.sampled_from(["锦江区", "青羊区", "能源办", "市经委"]),
        st.sampled_from(["leader", "officer", "主管领导", "信息员"]),
        st.sampled_from(["甲", "乙", "丙"]),
        st.integers(1, 360),
        st.booleans(),
        st.sampled_from([None, "028-1", "028-2"]),
    ),
    max_size=25,
)


def _contacts(people: list[tuple[str, str, str, int, bool, str | None]]) -> list[Contact]:
    return [
        Contact(
            id=f"k{n}",
            date=dt.date(2007, 1, 1) + dt.timedelta(days=day),
            unit=unit,
            role=role,
            name=name,
            phone=phone,
            left=left,
        )
        for n, (unit, role, name, day, left, phone) in enumerate(people)
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_PEOPLE, st.randoms(use_true_random=False), st.integers(1, 12))
def test_the_registry_is_the_same_in_any_order(
    people: list[tuple[str, str, str, int, bool, str | None]], rng: random.Random, month: int
) -> None:
    """The same contact records in any order give the same registry JSON, rejections included."""
    records = _contacts(people)
    shuffled = list(records)
    rng.shuffle(shuffled)
    as_of = dt.date(2007, month, 28)
    first, second = contacts_as_of(records, as_of=as_of), contacts_as_of(shuffled, as_of=as_of)
    assert registry_json(first, QUOTAS) == registry_json(second, QUOTAS)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_PEOPLE)
def test_contacts_never_change_a_score(people: list[tuple[str, str, str, int, bool, str | None]]) -> None:
    """Any contacts added to a log change no unit's result, nor the default as-of date."""
    events = [
        Submitted(id="e1", date="2007-03-05", unit="锦江区", item="J1"),
        Missed(id="e2", date="2007-04-20", unit="市经委", category="work_dynamic"),
    ]
    a, b = score(events), score([*events, *_contacts(people)])
    assert (a.units, a.as_of) == (b.units, b.as_of)
    assert b.read == b.counted + b.repeats + b.after_as_of + b.withdrawn + len(b.rejections)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_PEOPLE, st.lists(st.integers(0, 400), min_size=1, max_size=6), st.integers(1, 4))
def test_a_scorer_fed_contacts_gives_what_score_gives(
    people: list[tuple[str, str, str, int, bool, str | None]], days: list[int], batches: int
) -> None:
    """Contacts fed to a Scorer in a few batches, then results as of dates that go back and forth:
    each time what score() gives for the same records and date (its contacts, rejections, counts)."""
    records = _contacts(people)
    event = Submitted(id="e1", date="2007-03-05", unit="锦江区", item="J1")
    scorer = Scorer()
    scorer.add([event])
    fed: list[object] = [event]
    for part in range(batches):
        given = records[part::batches]
        scorer.add(given)
        fed += given
        for day in days:
            as_of = dt.date(2007, 1, 1) + dt.timedelta(days=min(day, 364))
            live, batch = scorer.results(as_of), score(fed, as_of=as_of)
            assert (batch.contacts, batch.rejections, batch.counted, batch.after_as_of) == (
                live.contacts,
                live.rejections,
                live.counted,
                live.after_as_of,
            )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    _PEOPLE.map(lambda ps: [(u, r, n, day % 6 + 1, left, p) for u, r, n, day, left, p in ps]),
    st.integers(1, 12),
)
def test_the_history_replayed_in_its_order_gives_the_registry(
    people: list[tuple[str, str, str, int, bool, str | None]], month: int
) -> None:
    """Who is on record is what the history says when read from top to bottom: joined and updated
    put a person on record, left takes them off — also when one day holds both (six days only, so
    that days often hold several records)."""
    made = contacts_as_of(_contacts(people), as_of=dt.date(2007, month, 28))
    replayed: dict[tuple[str, str, str], str | None] = {}
    for change in made.history:
        person = (change.unit, change.role, change.name)
        if change.change == "left":
            del replayed[person]
        else:
            replayed[person] = change.title
    registry_people = {
        (u.unit, p.role, p.name): p.title for u in made.units for p in (*u.leaders, *u.officers)
    }
    assert registry_people == replayed


def test_a_left_and_an_update_of_one_day_are_listed_as_applied() -> None:
    """An update and a `left` of one person on one day: the update is applied first, then the
    person leaves; the history lists them so, whatever their ids."""
    records = [
        Contact(id="k1", date="2007-01-04", unit="青羊区", role="leader", name="吴十"),
        Contact(id="k15", date="2007-06-01", unit="青羊区", role="leader", name="吴十", left=True),
        Contact(id="k16", date="2007-06-01", unit="青羊区", role="leader", name="吴十", title="区长助理"),
    ]
    made = contacts_as_of(records, as_of=d("2007-06-30"))
    assert ([], [("joined", "k1"), ("updated", "k16"), ("left", "k15")]) == (
        list(made.unit("青羊区").leaders),
        [(h.change, h.record) for h in made.history],
    )


def test_the_registry_as_of_several_dates() -> None:
    """Before anyone, with the first officer, after she left, her successor: who is on record."""
    records = parse_jsonl(_jsonl([LEADER, OFFICER, LEFT, NEW]), "c.jsonl")
    seen = {}
    for day in ("2007-01-03", "2007-01-04", "2007-06-05", "2007-06-30"):
        made = contacts_as_of(records, as_of=d(day))
        seen[day] = (
            [p.name for p in made.unit("锦江区").leaders],
            [(p.name, p.phone, str(p.since)) for p in made.unit("市经委").officers],
            made.unit("市经委").missing,
        )
    assert {
        "2007-01-03": ([], [], ("leader", "officer")),
        "2007-01-04": (["李明"], [("王敏", "028-8462 1234转8021", "2007-01-04")], ("leader",)),
        "2007-06-05": (["李明"], [], ("leader", "officer")),
        "2007-06-30": (["李明"], [("赵刚", None, "2007-06-11")], ("leader",)),
    } == seen
    history = contacts_as_of(records, as_of=d("2007-12-31")).history
    assert [
        ("2007-01-04", "锦江区", "joined"),
        ("2007-01-04", "市经委", "joined"),
        ("2007-06-01", "市经委", "left"),
        ("2007-06-11", "市经委", "joined"),
    ] == [(str(h.date), h.unit, h.change) for h in history]


def test_without_phones_leaves_out_every_number() -> None:
    """The registry without phones has no number anywhere, and its JSON no phone key at all."""
    made = contacts_as_of(parse_jsonl(_jsonl([LEADER, OFFICER]), "c.jsonl"), as_of=d("2007-03-31"))
    assert "8462" in json.dumps(registry_json(made), ensure_ascii=False)
    public = json.dumps(registry_json(made.without_phones()), ensure_ascii=False)
    assert ("8462" in public, '"phone"' in public) == (False, False)


def _ingest(store: Store, records: list[dict[str, object]], day: str, tmp_path: Path) -> None:
    path = tmp_path / f"{day}-{len(store.batches())}.jsonl"
    path.write_bytes(_jsonl(records))
    store.ingest([str(path)], recorded=d(day))


def test_a_store_keeps_the_history_of_contacts(tmp_path: Path) -> None:
    """A revision (a new telephone), a withdrawal and a left, each from the day recorded; scorer agrees."""
    with Store.open(tmp_path / "y.store", create=True) as store:
        _ingest(store, [LEADER, OFFICER], "2007-01-05", tmp_path)
        _ingest(store, [{**OFFICER, "phone": "13900000000"}], "2007-02-01", tmp_path)
        _ingest(
            store,
            [{"id": "w1", "type": "withdrawn", "date": "2007-03-01", "event": "c1"}],
            "2007-03-01",
            tmp_path,
        )
        _ingest(store, [LEFT], "2007-06-02", tmp_path)
        seen = {}
        for known in ("2007-01-05", "2007-02-01", "2007-03-01", "2007-06-02"):
            made = contacts_as_of(store, known_on=d(known), as_of=d("2007-12-31"))
            seen[known] = (
                [p.name for p in made.unit("锦江区").leaders],
                [p.phone for p in made.unit("市经委").officers],
            )
            view = score(store.read(d(known)), as_of=d("2007-12-31"))
            assert view == Scorer.over(store, known_on=d(known)).results(d("2007-12-31"))
        forms = [b.seq for b in store.batches()]
    assert {
        "2007-01-05": (["李明"], ["028-8462 1234转8021"]),
        "2007-02-01": (["李明"], ["13900000000"]),
        "2007-03-01": ([], ["13900000000"]),
        "2007-06-02": ([], []),
    } == seen
    assert [1, 2, 3, 4] == forms


def test_a_batch_of_contacts_is_of_stored_form_3(tmp_path: Path) -> None:
    """A batch holding a contact notes stored form 3 (a library of form 2 refuses it)."""
    import sqlite3

    path = tmp_path / "y.store"
    with Store.open(path, create=True) as store:
        store.ingest(
            [Submitted(id="e1", date="2007-03-05", unit="锦江区", item="J1")], recorded=d("2007-03-06")
        )
        store.ingest(
            [Contact(id="c1", date="2007-01-04", unit="锦江区", role="leader", name="李明")],
            recorded=d("2007-03-07"),
        )
    db = sqlite3.connect(path)
    assert [1, 3] == [row[0] for row in db.execute("SELECT form FROM batches")]
    db.close()


def test_a_withdrawn_contact_leaves_the_registry_and_counts_as_withdrawn() -> None:
    """In a file, a withdrawal of a contact takes it out; it is accounted as withdrawn."""
    log = [LEADER, {"id": "w1", "type": "withdrawn", "date": "2007-03-01", "event": "c1"}]
    results = score(parse_jsonl(_jsonl(log), "c.jsonl"), as_of=d("2007-12-31"))
    assert ((), 2, 0) == (results.contacts, results.withdrawn, results.counted)


# -- the monthly bulletin -----------------------------------------------------------------------


def test_the_bulletin_names_units_lacking_contacts_only_when_contacts_are_kept() -> None:
    """With contacts on record the June bulletin names units lacking one; without any, no section."""
    events = parse_jsonl(_jsonl([LEADER, OFFICER, LEFT]), "c.jsonl")
    with_contacts = monthly_bulletin(score(events, as_of=d("2007-06-30")), QUOTAS, 6)
    assert ("锦江区", ("officer",)) == with_contacts.no_contacts[0]
    assert ("市经委", ("leader", "officer")) in with_contacts.no_contacts
    assert 118 == len(with_contacts.no_contacts)
    march = monthly_bulletin(score(events, as_of=d("2007-06-30")), QUOTAS, 3)
    assert ("锦江区", ("officer",)) == march.no_contacts[0]
    assert ("市经委", ("leader",)) in march.no_contacts
    plain = monthly_bulletin(
        score([Submitted(id="e1", date="2007-03-05", unit="锦江区", item="J1")], as_of=d("2007-06-30")),
        QUOTAS,
        6,
    )
    assert (None, False) == (plain.no_contacts, "no_contacts" in bulletin_json(plain))
    assert "锦江区: no information officer on record" in bulletin_table(with_contacts, "en")
    assert "锦江区:未登记信息员" in bulletin_markdown(with_contacts, "zh")
    for text in (
        bulletin_table(with_contacts),
        bulletin_csv(with_contacts),
        json.dumps(bulletin_json(with_contacts)),
    ):
        assert "8462" not in text


def test_the_registry_of_results_leaves_phones_out_by_default() -> None:
    """results_registry, made for what is published, has no telephone unless asked."""
    results = score(parse_jsonl(_jsonl([OFFICER]), "c.jsonl"), as_of=d("2007-06-30"))
    assert [None] == [p.phone for p in results_registry(results).unit("市经委").officers]
    assert ["028-8462 1234转8021"] == [
        p.phone for p in results_registry(results, phones=True).unit("市经委").officers
    ]
    assert registry(results.contacts, QUOTAS, d("2007-06-30"), phones=False) == results_registry(results)


# -- the command line ---------------------------------------------------------------------------


def _cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "chengdu_infoscore", *map(str, args)],
        capture_output=True,
        check=False,
        cwd=cwd,
    )


@pytest.fixture(scope="module")
def year_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("contacts") / "year.jsonl"
    assert 0 == _cli("sample", "--out", path, "--quiet").returncode
    return path


def _sample_phone_digits() -> list[str]:
    """The digits of the sample year's telephone numbers (what must never be in a bulletin)."""
    return sorted(
        {
            "".join(ch for ch in c.phone if ch.isdigit())
            for c in sample_year()
            if isinstance(c, Contact) and c.phone
        }
    )


def test_contacts_command_lists_phones_in_every_format(year_log: Path, tmp_path: Path) -> None:
    """`contacts` as table, csv and json, with --history: the office's list, with the telephone numbers."""
    phones = _sample_phone_digits()
    outputs = {}
    for fmt in ("table", "csv", "json"):
        run = _cli("contacts", year_log, "--format", fmt, "--history", "--lang", "en")
        assert (0, b"") == (run.returncode, run.stderr)
        outputs[fmt] = run.stdout.decode("utf-8-sig")
    data = json.loads(outputs["json"])
    assert ("2007-12-31", 118, True) == (data["as_of"], len(data["units"]), data["phones"])
    assert [u["unit"] for u in data["units"] if u["missing"]] == [m["unit"] for m in data["missing"]]
    for fmt, text in outputs.items():
        flat = "".join(ch for ch in text if ch.isdigit() or ch == "\n")
        assert [] == [p for p in phones[:20] if p not in flat], fmt
    assert "Changes of the units' contacts up to 2007-12-31" in outputs["table"]
    assert "left" in outputs["csv"]


def test_contacts_command_reads_a_store_as_known_on_a_day(year_log: Path, tmp_path: Path) -> None:
    """--store with --known-on gives the JSON of contacts_as_of on that view, byte for byte."""
    store = tmp_path / "y.store"
    assert 0 == _cli("ingest", store, year_log, "--recorded", "2007-12-31", "--quiet").returncode
    run = _cli(
        "contacts", "--store", store, "--known-on", "2007-12-31", "--as-of", "2007-06-30", "--format", "json"
    )
    assert 0 == run.returncode, run.stderr
    with Store.open(store) as opened:
        expected = registry_json(
            contacts_as_of(opened, known_on=d("2007-12-31"), as_of=d("2007-06-30")), QUOTAS
        )
    assert expected == json.loads(run.stdout)
    assert "2007-06-30" == expected["as_of"]


def test_contacts_command_exits_2_on_bad_records(tmp_path: Path) -> None:
    """A bad contact: exit 2, the rejection with file, line and id on stderr, no output."""
    path = tmp_path / "bad.jsonl"
    path.write_bytes(_jsonl([LEADER, {**OFFICER, "role": "boss"}]))
    run = _cli("contacts", path, "--lang", "en")
    assert (2, b"") == (run.returncode, run.stdout)
    assert (
        f"{path}:2: event c2: field 'role': expected leader (主管领导) or officer (信息员), found 'boss'"
        in run.stderr.decode()
    )


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json", "html", "xlsx"])
def test_no_bulletin_format_shows_a_phone(year_log: Path, tmp_path: Path, fmt: str) -> None:
    """The sample's June bulletin in every format names units lacking contacts, and no phone."""
    out = tmp_path / f"june.{fmt}"
    run = _cli("bulletin", year_log, "--month", "2007-06", "--format", fmt, "--out", out, "--quiet")
    if fmt == "xlsx" and b"xlsx extra" in run.stderr:
        pytest.skip("the xlsx extra is not installed")
    assert 0 == run.returncode, run.stderr
    data = out.read_bytes()
    if fmt == "xlsx":
        import zipfile

        with zipfile.ZipFile(out) as book:
            data = b"".join(book.read(n) for n in book.namelist())
    text = data.decode("utf-8", "replace")
    digits = "".join(ch for ch in text if ch.isdigit())
    assert [] == [p for p in _sample_phone_digits() if p in digits]
    assert any(word in text for word in ("no_contacts", "未登记", "附件3"))


def test_a_record_that_leaves_a_field_out_keeps_what_was_on_record() -> None:
    """A later record that gives only the new post keeps the telephone, and one with only a new
    telephone keeps the post: a change is reported, not the whole entry again."""
    records = [
        Contact(
            id="k1",
            date="2007-01-04",
            unit="锦江区",
            role="officer",
            name="王敏",
            title="科员",
            phone="028-84621234",
        ),
        Contact(id="k2", date="2007-03-01", unit="锦江区", role="officer", name="王敏", title="科长"),
        Contact(id="k3", date="2007-05-01", unit="锦江区", role="officer", name="王敏", phone="028-84629999"),
    ]
    seen = []
    for day in (dt.date(2007, 2, 1), dt.date(2007, 4, 1), dt.date(2007, 6, 1)):
        [p] = contacts_as_of(records, as_of=day).unit("锦江区").officers
        seen.append((p.title, p.phone, p.since))
    assert [
        ("科员", "028-84621234", dt.date(2007, 1, 4)),
        ("科长", "028-84621234", dt.date(2007, 1, 4)),
        ("科长", "028-84629999", dt.date(2007, 1, 4)),
    ] == seen


@pytest.mark.parametrize("field", ["name", "title"])
def test_a_name_or_post_holding_a_control_character_is_rejected(tmp_path: Path, field: str) -> None:
    """A NUL in a contact's name or post is refused with the field and the character named."""
    record = {
        "id": "j7",
        "type": "contact",
        "date": "2007-01-04",
        "unit": "锦江区",
        "role": "officer",
        "name": "王敏",
    }
    record[field] = "王\u0000敏"
    log = tmp_path / "c.jsonl"
    log.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    [rejection] = read_events([log]).rejections
    assert (
        "rejected.not_printable",
        f"field '{field}': holds a character that is not printable, '\\x00'",
    ) == (
        rejection.code,
        rejection.reason,
    )


# -- contacts --format xlsx | html, --keys ----------------------------------------------------------

#: The words a role, a change and a group are shown with, by language (what the catalogues say).
ROLE_WORDS = {
    "zh": {"leader": "主管领导", "officer": "信息员"},
    "en": {"leader": "leader in charge", "officer": "information officer"},
}
CHANGE_WORDS = {
    "zh": {"joined": "登记", "updated": "信息变更", "left": "离任"},
    "en": {"joined": "on record", "updated": "details changed", "left": "left"},
}
NONE_WORD = {"zh": "无", "en": "none"}
HEADINGS = {
    "zh": (
        ["单位", "类别", "职责", "姓名", "职务", "联系电话", "起始日期", "记录"],
        ["单位", "类别", "缺少"],
        ["日期", "单位", "职责", "姓名", "变动", "职务", "联系电话", "记录"],
    ),
    "en": (
        ["unit", "group", "role", "name", "post", "telephone", "since", "record"],
        ["unit", "group", "missing"],
        ["date", "unit", "role", "name", "change", "post", "telephone", "record"],
    ),
}


def _main(*args: str | Path) -> tuple[int, str, str]:
    """Run the command line in this process; its status, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in args])
    return status, out.getvalue(), err.getvalue()


def _group(key: str, lang: str | None) -> str:
    return next(g.label for g in QUOTAS.groups if g.key == key) if lang == "zh" else key


def _expected_tables(data: dict[str, object], lang: str | None) -> tuple[list[list[str]], ...]:
    """The registry's, missing units' and history's rows, made from the JSON of `contacts --format
    json` (lang None: the --keys values), empty cells as ""."""
    roles = {"leader": "leader", "officer": "officer"} if lang is None else ROLE_WORDS[lang]
    people: list[list[str]] = []
    for u in data["units"]:  # type: ignore[attr-defined]
        for role, key in (("leader", "leaders"), ("officer", "officers")):
            if not u[key]:
                none = "" if lang is None else NONE_WORD[lang]
                people.append([u["unit"], _group(u["group"], lang), roles[role], none, "", "", "", ""])
            for p in u[key]:
                people.append(
                    [
                        u["unit"],
                        _group(u["group"], lang),
                        roles[role],
                        p["name"],
                        p["title"] or "",
                        p["phone"] or "",
                        p["since"],
                        p["record"],
                    ]
                )
    joiner = "、" if lang == "zh" else ", "
    missing = [
        [m["unit"], _group(m["group"], lang), joiner.join(roles[r] for r in m["missing"])]
        for m in data["missing"]  # type: ignore[attr-defined]
    ]
    changes = (
        {"joined": "joined", "updated": "updated", "left": "left"} if lang is None else CHANGE_WORDS[lang]
    )
    history = [
        [
            h["date"],
            h["unit"],
            roles[h["role"]],
            h["name"],
            changes[h["change"]],
            h["title"] or "",
            h["phone"] or "",
            h["record"],
        ]
        for h in data["history"]  # type: ignore[attr-defined]
    ]
    return people, missing, history


def _json(log: Path, *args: str) -> dict[str, object]:
    status, out, err = _main("contacts", log, "--format", "json", *args)
    assert (0, "") == (status, err)
    return json.loads(out)  # type: ignore[no-any-return]


def _sheet_table(sheet: Sheet) -> tuple[list[str], list[list[str]]]:
    """A contacts sheet read back: the header row (the first row after the title lines and a blank
    row) and the rows below it, empty cells as ""."""
    rows = [[c or "" for c in r] for r in sheet.rows()]
    head = next(i for i, r in enumerate(rows) if i and not any(rows[i - 1]) and any(r))
    width = sum(1 for c in rows[head] if c)
    body = []
    for r in rows[head + 1 :]:
        if not any(r):
            break
        body.append(r[:width])
    return rows[head][:width], body


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_contacts_workbook_equals_the_json(year_log: Path, tmp_path: Path, lang: str) -> None:
    """--format xlsx --history: the registry, units lacking and history sheets hold the JSON's rows,
    in the language's words; header frozen below the title lines; every cell text."""
    pytest.importorskip("xlsxwriter")

    out = tmp_path / "contacts.xlsx"
    args = ("--as-of", "2007-06-30", "--lang", lang)
    status, stdout, _ = _main("contacts", year_log, *args, "--history", "--format", "xlsx", "--out", out)
    assert (0, "") == (status, stdout)
    sheets, _ = read_book(out.read_bytes())
    names = {"zh": ["联系人", "未登记单位", "联系人变动"], "en": ["contacts", "units lacking", "changes"]}
    assert names[lang] == list(sheets)
    people, missing, history = _expected_tables(_json(year_log, *args), lang)
    tables = [_sheet_table(s) for s in sheets.values()]
    assert list(HEADINGS[lang]) == [head for head, _ in tables]
    assert [people, missing, history] == [rows for _, rows in tables]
    # 116 leaders and 162 officers on record, 7 roles nobody holds (in 7 units)
    assert (116 + 162 + 7, 7, 7) == (
        len(people),
        len(missing),
        sum(1 for r in people if r[3] == NONE_WORD[lang]),
    )
    registry_sheet = sheets[names[lang][0]]
    title = {"zh": "各单位联系人(2007-06-30)", "en": "Contacts of the units as of 2007-06-30"}[lang]
    assert ([title], {"xSplit": "1", "ySplit": "5", "topLeftCell": "B6"}) == (
        registry_sheet.row(1),
        {k: registry_sheet.pane[k] for k in ("xSplit", "ySplit", "topLeftCell")},
    )
    assert (frozenset(), frozenset()) == (registry_sheet.numeric, sheets[names[lang][2]].numeric)


def test_without_history_the_workbook_has_no_history_sheet(year_log: Path, tmp_path: Path) -> None:
    """--format xlsx without --history: the registry and the units lacking, and no more."""
    pytest.importorskip("xlsxwriter")

    out = tmp_path / "contacts.xlsx"
    assert 0 == _main("contacts", year_log, "--format", "xlsx", "--out", out, "--quiet")[0]
    assert ["联系人", "未登记单位"] == list(read_book(out.read_bytes())[0])


class _Tables(HTMLParser):
    """The texts of a page's h1/h2 headings and notes, and its tables as rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.headings: list[str] = []
        self.notes: list[str] = []
        self.tags: list[str] = []
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        if tag in ("td", "th", "h1", "h2", "p"):
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if self._text is None:
            return
        content = "".join(self._text)
        if tag in ("td", "th"):
            self.tables[-1][-1].append(content)
        elif tag in ("h1", "h2"):
            self.headings.append(content)
        elif tag == "p":
            self.notes.append(content)
        else:
            return
        self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def _page(text: str) -> _Tables:
    parsed = _Tables()
    parsed.feed(text)
    parsed.close()
    return parsed


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_contacts_page_equals_the_json(year_log: Path, tmp_path: Path, lang: str) -> None:
    """--format html --history: one self-contained page whose registry, units lacking and history
    tables hold the JSON's rows, phones included, in the language's words."""
    args = ("--as-of", "2007-06-30", "--lang", lang)
    status, text, err = _main("contacts", year_log, *args, "--history", "--format", "html")
    assert (0, "") == (status, err)
    page = _page(text)
    people, missing, history = _expected_tables(_json(year_log, *args), lang)
    assert [[h, *rows] for h, rows in zip(HEADINGS[lang], (people, missing, history), strict=True)] == (
        page.tables
    )
    headings = {
        "zh": [
            "各单位联系人(2007-06-30)",
            "主管领导和信息员",
            "截至 2007-06-30 未登记主管领导或信息员的单位",
            "各单位联系人变动(截至 2007-06-30)",
        ],
        "en": [
            "Contacts of the units as of 2007-06-30",
            "Leaders and officers on record",
            "Units with no leader or no officer on record as of 2007-06-30",
            "Changes of the units' contacts up to 2007-06-30",
        ],
    }
    assert headings[lang] == page.headings
    summary = {
        "zh": "118 个单位:登记主管领导 116 人、信息员 162 人;7 个单位缺少主管领导或信息员",
        "en": "118 unit(s): 116 leader(s) and 162 officer(s) on record;"
        " 7 unit(s) lack a leader or an officer",
    }
    assert summary[lang] == page.notes[0]
    assert (True, set()) == (
        text.startswith("<!DOCTYPE html>"),
        {"script", "img", "link", "iframe", "object"} & set(page.tags),
    )
    assert [] == [word for word in ("src=", "href=", "url(", "@import", "http") if word in text]


def test_contacts_page_without_history_has_no_history_table(year_log: Path) -> None:
    """--format html without --history: the registry and the units lacking, two tables."""
    status, text, _ = _main("contacts", year_log, "--format", "html", "--lang", "en")
    assert (0, 2) == (status, len(_page(text).tables))


@pytest.mark.parametrize("history", [False, True])
def test_keys_gives_the_json_keys_and_values(year_log: Path, history: bool) -> None:
    """--format csv --keys: the JSON's keys as headings and its values (leader, joined, district)."""
    more = ("--history",) if history else ()
    status, text, err = _main(
        "contacts", year_log, "--as-of", "2007-06-30", "--format", "csv", "--keys", *more
    )
    assert (0, "") == (status, err)
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    people, _, changes = _expected_tables(_json(year_log, "--as-of", "2007-06-30"), None)
    if history:
        assert [["date", "unit", "role", "name", "change", "title", "phone", "record"], *changes] == rows
    else:
        assert [["unit", "group", "role", "name", "title", "phone", "since", "record"], *people] == rows
    assert {"leader", "officer"} == {r[2] for r in rows[1:]}


def test_a_leading_zero_stays_in_every_format(tmp_path: Path) -> None:
    """A telephone 0281234 is text: the same in the workbook's cell, the page, the keys CSV, the JSON."""
    pytest.importorskip("xlsxwriter")

    log = tmp_path / "c.jsonl"
    log.write_bytes(_jsonl([{**LEADER, "phone": "0281234", "title": "<b>副区长</b>"}]))
    out = tmp_path / "c.xlsx"
    assert 0 == _main("contacts", log, "--format", "xlsx", "--out", out, "--quiet")[0]
    sheet = read_book(out.read_bytes())[0]["联系人"]
    _, rows = _sheet_table(sheet)
    phone_cells = [ref for ref, value in sheet.cells.items() if value == "0281234"]
    assert (
        ["锦江区", "各区(市)县政府", "主管领导", "李明", "<b>副区长</b>", "0281234", "2007-01-04", "c1"],
        ["F6"],
        False,
    ) == (rows[0], phone_cells, "F6" in sheet.numeric)
    page = _main("contacts", log, "--format", "html")[1]
    assert ("<b>" in page, _page(page).tables[0][1][4:6]) == (False, ["<b>副区长</b>", "0281234"])
    keys = _main("contacts", log, "--format", "csv", "--keys")[1]
    assert "锦江区,district,leader,李明,<b>副区长</b>,0281234,2007-01-04,c1\r\n" == keys.splitlines(True)[1]
    assert "0281234" == _json(log)["units"][0]["leaders"][0]["phone"]  # type: ignore[index]


def test_rejections_are_in_the_workbook_and_the_page_escaped(tmp_path: Path) -> None:
    """--keep-going: the rejections are a sheet and a table, an id with a lone surrogate as its escape."""
    pytest.importorskip("xlsxwriter")

    log = tmp_path / "c.jsonl"
    bad = json.dumps({**LEADER, "id": "c\ud800"}).encode()  # ASCII: the escape as written
    log.write_bytes(_jsonl([OFFICER]) + bad + b"\n")
    out = tmp_path / "c.xlsx"
    assert 0 == _main("contacts", log, "--keep-going", "--format", "xlsx", "--out", out, "--quiet")[0]
    sheets = read_book(out.read_bytes())[0]
    status, page, _ = _main("contacts", log, "--keep-going", "--format", "html", "--lang", "en")
    [_, rejected] = _page(page).tables[-1]
    assert (["联系人", "未登记单位", "拒收记录"], [str(log), "2", "c\\ud800"], 0) == (
        list(sheets),
        sheets["拒收记录"].row(2)[:3],
        status,
    )
    assert [str(log), "2", "'c\\ud800'"] == rejected[:3]  # the page shows an id as score's page does


def test_the_workbook_and_page_are_the_same_whatever_the_order(tmp_path: Path) -> None:
    """The same contacts in another order give the same workbook and page, byte for byte."""
    pytest.importorskip("xlsxwriter")
    records = [LEADER, OFFICER, LEFT, NEW, {**LEADER, "id": "c5", "date": "2007-03-01", "phone": "028-1"}]
    outputs = []
    for seed in range(3):
        shuffled = random.Random(seed).sample(records, len(records))
        log = tmp_path / f"c{seed}.jsonl"
        log.write_bytes(_jsonl(shuffled))
        out = tmp_path / f"c{seed}.xlsx"
        assert 0 == _main("contacts", log, "--history", "--format", "xlsx", "--out", out, "--quiet")[0]
        outputs.append((out.read_bytes(), _main("contacts", log, "--history", "--format", "html")[1]))
    assert [outputs[0]] * 3 == outputs


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--format", "xlsx"),
            "--format xlsx writes a workbook, not text: give --out FILE (or --out - to a pipe or a file)",
        ),
        (("--keys",), "--keys names the columns of --format csv, not of --format table"),
        (("--format", "json", "--keys"), "--keys names the columns of --format csv, not of --format json"),
        (("--format", "html", "--keys"), "--keys names the columns of --format csv, not of --format html"),
    ],
)
def test_usage_errors_of_the_formats_exit_2_before_reading(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    """A workbook without --out, --keys without CSV: exit 2, said before the (missing) log is read."""
    assert (2, "", f"chengdu-infoscore: error: {message}\n") == _main(
        "contacts", tmp_path / "missing.jsonl", *args
    )
