"""The command line and the store: `ingest`, and `--store`/`--known-on` on the commands that score.

The bulletins a store gives as known on a day are compared, byte for byte, with the bulletins of
a file holding exactly the events then in force (read independently, tests/store_kit.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from chengdu_infoscore import Event, Store, write_jsonl
from chengdu_infoscore.cli import main
from store_kit import History, in_force, sample_history

SUBMITTED = '{"id": "e1", "type": "submitted", "date": "2007-03-05", "unit": "锦江区", "item": "J1"}'
ADOPTED = '{"id": "e2", "type": "adopted", "date": "2007-03-07", "item": "J1", "channel": "zwxx"}'
MISSED = '{"id": "e3", "type": "missed", "date": "2007-03-20", "unit": "锦江区", "category": "work_dynamic"}'
ERROR = "chengdu-infoscore: error: "


def _run(*args: str | Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "CHENGDU_INFOSCORE_DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "chengdu_infoscore", *map(str, args)],
        capture_output=True,
        input=stdin,
        env=env,
        check=False,
        timeout=300,
    )


def _lines(path: Path, *lines: str) -> Path:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def _log(path: Path, events: list[Event]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        write_jsonl(events, out)
    return path


# -- ingest ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_ingest_creates_the_store_and_says_what_the_batch_did(tmp_path: Path) -> None:
    """First batch: 2 added; second, of two files: a repeat, an addition, a revision, a withdrawal."""
    store = tmp_path / "log.store"
    first = _run(
        "ingest",
        store,
        _lines(tmp_path / "d1.jsonl", SUBMITTED, MISSED),
        "--recorded",
        "2007-03-21",
    )
    late = MISSED.replace('"missed"', '"late"')
    withdrawal = '{"id": "w1", "type": "withdrawn", "date": "2007-04-02", "event": "e2"}'
    day2 = _lines(tmp_path / "d2.jsonl", SUBMITTED, ADOPTED)
    day3 = _lines(tmp_path / "d3.jsonl", late, withdrawal)
    second = _run("ingest", store, day2, day3, "--recorded", "2007-04-02", "--lang", "en")
    with Store.open(store) as opened:
        digests = [b.digest[:12] for b in opened.batches()]
        in_force = [e.id for e in opened.read().events]
    assert (0, b"", 0, b"") == (first.returncode, first.stderr, second.returncode, second.stderr)
    assert (
        f"第1批于2007-03-21登记到 {store}:收到记录2条:新增2条,重复0条,修订0条,撤回0条,拒收0条;"
        f"现行事件2条(事件摘要 {digests[0]})\n"
    ) == first.stdout.decode()
    assert (
        f"batch 2 recorded on 2007-04-02 in {store}: 4 record(s) received: 1 added, 1 repeated, 1 revised,"
        f" 1 withdrawn, 0 rejected; 2 event(s) in force (events digest {digests[1]})\n"
    ) == second.stdout.decode()
    assert ["e1", "e3"] == in_force


@pytest.mark.slow
def test_ingest_rejects_two_contents_for_one_id_in_a_batch_and_exits_2(tmp_path: Path) -> None:
    """e2 in two files of one batch, two channels: both rejected on stderr, exit 2, the rest recorded."""
    store = tmp_path / "log.store"
    a = _lines(tmp_path / "a.jsonl", SUBMITTED, ADOPTED)
    b = _lines(tmp_path / "b.jsonl", ADOPTED.replace("zwxx", "cddt"), MISSED)
    run = _run("ingest", store, a, b, "--recorded", "2007-03-21", "--format", "json", "--lang", "en")
    report = json.loads(run.stdout)
    where = f"at {a}:2, {b}:1"
    assert (
        2,
        [
            f"{a}:2: event e2: the id 'e2' is used by different records ({where})",
            f"{b}:1: event e2: the id 'e2' is used by different records ({where})",
        ],
    ) == (
        run.returncode,
        run.stderr.decode().splitlines(),
    )
    assert {
        "batch": 1,
        "received": 4,
        "added": 2,
        "repeated": 0,
        "revised": 0,
        "withdrawn": 0,
        "rejected": 2,
        "events": 2,
        "sources": [str(a), str(b)],
    } == {
        k: report[k]
        for k in (
            "batch",
            "received",
            "added",
            "repeated",
            "revised",
            "withdrawn",
            "rejected",
            "events",
            "sources",
        )
    }
    assert [{"file": str(a), "line": 2, "event": "e2"}, {"file": str(b), "line": 1, "event": "e2"}] == [
        {k: r[k] for k in ("file", "line", "event")} for r in report["rejections"]
    ]


@pytest.mark.slow
def test_ingest_reads_standard_input(tmp_path: Path) -> None:
    """`-` reads the batch from standard input; the batch's source says so."""
    store = tmp_path / "log.store"
    run = _run(
        "ingest", store, "-", "--recorded", "2007-03-21", "--format", "json", stdin=f"{SUBMITTED}\n".encode()
    )
    assert (0, 1, ["-"]) == (
        run.returncode,
        json.loads(run.stdout)["added"],
        json.loads(run.stdout)["sources"],
    )


@pytest.mark.slow
def test_ingest_of_a_file_that_is_not_an_event_log_creates_nothing(tmp_path: Path) -> None:
    """A JSON array: exit 2 with the file error, and no store made."""
    bad = _lines(tmp_path / "bad.jsonl", '[{"id": "e1"}]')
    run = _run("ingest", tmp_path / "log.store", bad, "--recorded", "2007-03-21")
    assert (2, b"", False) == (run.returncode, run.stdout, (tmp_path / "log.store").exists())
    assert run.stderr.decode().startswith(f"{ERROR}{bad}: this looks like a JSON array")


@pytest.mark.slow
def test_ingest_needs_the_day_it_records(tmp_path: Path) -> None:
    """--recorded is required: a usage error, exit 2."""
    run = _run("ingest", tmp_path / "log.store", _lines(tmp_path / "d.jsonl", SUBMITTED))
    assert (2, True) == (run.returncode, b"--recorded" in run.stderr)


def _nothing(tmp: Path) -> None:
    """No store at all."""


def _newer(path: Path) -> None:
    Store.open(path, create=True).close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("prepare", "args", "words"),
    [
        pytest.param(
            lambda tmp: _lines(tmp / "log.store", SUBMITTED),
            ["score", "--store"],
            "log.store: not a store: this looks like an event log (JSON)",
            id="score-an-event-log",
        ),
        pytest.param(
            lambda tmp: _lines(tmp / "log.store", SUBMITTED),
            ["ingest"],
            "log.store: not a store: this looks like an event log (JSON)",
            id="ingest-into-an-event-log",
        ),
        pytest.param(_nothing, ["score", "--store"], "log.store: no such store", id="missing"),
        pytest.param(_nothing, ["bulletin", "--year-end", "--store"], "no such store", id="bulletin-missing"),
        pytest.param(
            lambda tmp: _newer(tmp / "log.store"),
            ["explain", "--unit", "锦江区", "--store"],
            "written by a newer chengdu-infoscore",
            id="newer-schema",
        ),
        pytest.param(
            lambda tmp: (tmp / "log.store").mkdir(), ["score", "--store"], "is a directory", id="directory"
        ),
        pytest.param(
            lambda tmp: os.mkfifo(tmp / "log.store"),
            ["ingest"],
            "log.store: is not a regular file, so not a store",
            id="ingest-into-a-pipe",
        ),
    ],
)
def test_a_store_that_cannot_be_used_exits_2_without_a_traceback(
    tmp_path: Path, prepare: object, args: list[str], words: str
) -> None:
    """Not a store, no store, a newer schema, a directory: one `error:` line naming the store, exit 2."""
    prepare(tmp_path)  # type: ignore[operator]
    store = tmp_path / "log.store"
    tail = (
        [store, _lines(tmp_path / "d.jsonl", SUBMITTED), "--recorded", "2007-03-21"]
        if args == ["ingest"]
        else [store]
    )
    run = _run(*args, *tail)
    text = run.stderr.decode()
    assert (2, b"", 1, True) == (run.returncode, run.stdout, len(text.splitlines()), words in text), text
    assert text.startswith(ERROR)
    assert (prepare is not _nothing) == store.exists()  # reading never creates a store


@pytest.mark.slow
@pytest.mark.parametrize(
    ("store", "words"),
    [
        ("/dev/null", "/dev/null: is not a regular file, so not a store"),
        ("-", "-: a store is a file, not standard input or output; name its file"),
    ],
)
def test_a_device_or_a_dash_is_not_a_store_and_nothing_is_written_beside_it(
    tmp_path: Path, store: str, words: str
) -> None:
    """`ingest /dev/null` or `ingest -`: exit 2 naming it, and no journal or file named `-` is left."""
    day = _lines(tmp_path / "d.jsonl", SUBMITTED)
    run = subprocess.run(
        [sys.executable, "-m", "chengdu_infoscore", "ingest", store, str(day), "--recorded", "2007-03-21"],
        capture_output=True,
        cwd=tmp_path,
    )
    assert (2, b"", f"{ERROR}{words}\n") == (run.returncode, run.stdout, run.stderr.decode())
    assert (False, False) == (Path("/dev/null-journal").exists(), (tmp_path / "-").exists())


@pytest.mark.slow
def test_a_store_where_none_can_be_created_exits_2(tmp_path: Path) -> None:
    """A store in a directory that does not exist, or under /proc: `cannot create the store`, exit 2."""
    day = _lines(tmp_path / "d.jsonl", SUBMITTED)
    runs = [
        _run("ingest", path, day, "--recorded", "2007-03-21")
        for path in (tmp_path / "no" / "log.store", "/proc/log.store")
    ]
    assert [(2, b"", True), (2, b"", True)] == [
        (
            run.returncode,
            run.stdout,
            run.stderr.decode().startswith(ERROR) and "cannot create the store" in run.stderr.decode(),
        )
        for run in runs
    ]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions that bind")
def test_a_store_in_a_read_only_directory_exits_2(tmp_path: Path) -> None:
    """No store can be made in a directory that cannot be written: exit 2, a message, no traceback."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        run = _run(
            "ingest",
            folder / "log.store",
            _lines(tmp_path / "d.jsonl", SUBMITTED),
            "--recorded",
            "2007-03-21",
        )
    finally:
        folder.chmod(0o700)
    assert (2, b"", True) == (run.returncode, run.stdout, b"cannot create the store" in run.stderr)


@pytest.mark.slow
def test_a_batch_recorded_before_the_latest_exits_2(tmp_path: Path) -> None:
    """`ingest --recorded` earlier than the latest batch: exit 2, naming both days; nothing recorded."""
    store = tmp_path / "log.store"
    day = _lines(tmp_path / "d.jsonl", SUBMITTED)
    _run("ingest", store, day, "--recorded", "2007-03-21")
    run = _run("ingest", store, day, "--recorded", "2007-03-20")
    with Store.open(store) as opened:
        count = len(opened.batches())
    assert (2, b"", 1) == (run.returncode, run.stdout, count)
    assert (
        f"{ERROR}{store}: a batch recorded on 2007-03-20 comes before the store's latest batch"
        " (1, recorded on 2007-03-21); what was known then cannot be rewritten: record it on 2007-03-21"
        " or later\n"
    ) == run.stderr.decode()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["score", "d.jsonl", "--known-on", "2007-03-21"], "--known-on needs --store", id="known-on-alone"
        ),
        pytest.param(["bulletin", "--year-end", "d.jsonl", "--store", "log.store"], "not both", id="both"),
        pytest.param(
            ["compare", "--rules", "chengdu-2007", "--rules", "chengdu-2007"], "or --store STORE", id="none"
        ),
        pytest.param(
            ["explain", "--unit", "锦江区", "--store", "log.store", "--known-on", "2007-02-30"],
            "2007-02-30",
            id="bad-date",
        ),
    ],
)
def test_misusing_store_and_known_on_is_a_usage_error(tmp_path: Path, args: list[str], message: str) -> None:
    """--known-on without --store, --store beside files, neither: exit 2 with a message, nothing written."""
    _lines(tmp_path / "d.jsonl", SUBMITTED)
    Store.open(tmp_path / "log.store", create=True).close()
    run = subprocess.run(
        [sys.executable, "-m", "chengdu_infoscore", *args],
        capture_output=True,
        cwd=tmp_path,
        check=False,
        timeout=120,
    )
    assert (2, b"", True, False) == (
        run.returncode,
        run.stdout,
        message in run.stderr.decode(),
        b"Traceback" in run.stderr,
    )


def test_score_explain_and_compare_read_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """score, explain, compare: from the store as known on a day, what they print from the file then."""
    store = tmp_path / "log.store"
    day1 = _lines(tmp_path / "a.jsonl", SUBMITTED, ADOPTED, MISSED)
    day2 = _lines(
        tmp_path / "b.jsonl", '{"id": "w1", "type": "withdrawn", "date": "2007-04-02", "event": "e3"}'
    )
    assert 0 == main(["ingest", str(store), str(day1), "--recorded", "2007-03-21"])
    assert 0 == main(["ingest", str(store), str(day2), "--recorded", "2007-04-02"])
    capsys.readouterr()

    def out(*args: str) -> str:
        assert 0 == main(list(args))
        return capsys.readouterr().out

    compare = ["compare", "--rules", "chengdu-2007", "--rules", "chengdu-2007", "--format", "json"]
    for command in (["score", "--format", "json"], ["explain", "--unit", "锦江区"], compare):
        assert out(*command, str(day1)) == out(*command, "--store", str(store), "--known-on", "2007-03-31")
    now = json.loads(out("explain", "--unit", "锦江区", "--store", str(store), "--format", "json"))
    assert ["e1", "e2"] == [line["event"] for line in now["ledger"]]


# -- bulletins reproduced --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, History]:
    """The sample year ingested batch by batch through the command line, from JSON Lines files."""
    folder = tmp_path_factory.mktemp("sample")
    history = sample_history()
    store = folder / "year.store"
    for n, (day, records) in enumerate(history, start=1):
        path = _log(folder / f"batch-{n:02}.jsonl", records)
        run = _run("ingest", store, path, "--recorded", day.isoformat())
        assert (0, b"") == (run.returncode, run.stderr), run.stderr
    return store, history


def _bulletin(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    return _run("bulletin", *args, "--keep-going")


@pytest.mark.slow
@pytest.mark.parametrize("form", ["table", "json"])
@pytest.mark.parametrize(
    ("which", "known_on"),
    [
        pytest.param(["--month", "2007-06"], dt.date(2007, 7, 3), id="june-as-published"),
        pytest.param(["--month", "2007-06"], dt.date(2007, 9, 3), id="june-after-corrections"),
        pytest.param(["--year-end"], dt.date(2008, 1, 5), id="year-end-as-published"),
        pytest.param(["--year-end"], dt.date(2008, 1, 20), id="year-end-after-a-withdrawal"),
    ],
)
def test_a_bulletin_from_the_store_is_byte_identical_to_the_bulletin_of_the_events_then_in_force(
    sample_store: tuple[Path, History], tmp_path: Path, which: list[str], known_on: dt.date, form: str
) -> None:
    """bulletin --store --known-on D prints byte for byte what it prints for a file of the events then."""
    store, history = sample_store
    then = _log(tmp_path / "then.jsonl", in_force(history, known_on))
    from_store = _bulletin(
        [*which, "--store", str(store), "--known-on", known_on.isoformat(), "--format", form]
    )
    from_file = _bulletin([*which, str(then), "--format", form])
    assert (0, 0) == (from_store.returncode, from_file.returncode), from_store.stderr
    assert from_file.stdout == from_store.stdout


@pytest.mark.slow
def test_corrections_recorded_after_a_bulletin_change_only_later_views(
    sample_store: tuple[Path, History],
) -> None:
    """Year-end as known on 5 January is not as known on 20 January (a withdrawal later); June neither."""
    store, _ = sample_store
    outputs = {
        (month, day): _bulletin([*month, "--store", str(store), "--known-on", day, "--format", "json"]).stdout
        for month, day in (
            (("--year-end",), "2008-01-05"),
            (("--year-end",), "2008-01-20"),
            (("--month", "2007-06"), "2007-07-03"),
            (("--month", "2007-06"), "2007-09-03"),
        )
    }
    year_end = [
        json.loads(outputs[(("--year-end",), day)])["provenance"]["events"]["count"]
        for day in ("2008-01-05", "2008-01-20")
    ]
    june = [json.loads(outputs[(("--month", "2007-06"), day)]) for day in ("2007-07-03", "2007-09-03")]
    assert [21102, 21101] == year_end
    assert june[0]["groups"] != june[1]["groups"]


@pytest.mark.slow
def test_the_batch_digest_finds_a_published_bulletin(sample_store: tuple[Path, History]) -> None:
    """The events digest a bulletin's provenance states is the digest of the batch it was made after."""
    store, _ = sample_store
    run = _bulletin(
        ["--month", "2007-06", "--store", str(store), "--known-on", "2007-07-03", "--format", "json"]
    )
    digest = json.loads(run.stdout)["provenance"]["events"]["sha256"]
    with Store.open(store) as opened:
        found = [(b.seq, b.recorded) for b in opened.batches() if b.digest == digest]
    assert [(6, dt.date(2007, 7, 3))] == found


@pytest.mark.parametrize(
    ("table", "values"),
    [
        pytest.param(
            "records", (2, "x", "missed", "garbage", "0" * 64, None, None, None), id="content not JSON"
        ),
        pytest.param(
            "records", (2, "x", "missed", "[1,2]", "0" * 64, None, None, None), id="content not a record"
        ),
        pytest.param("batches", None, id="a batch with a date that is no date"),
    ],
)
def test_a_damaged_store_is_exit_2_naming_it(
    tmp_path: Path, table: str, values: tuple | None, capsys
) -> None:  # type: ignore[no-untyped-def, type-arg]
    """Rows this library never wrote, put in with sqlite3, make score --store and diff exit 2 with a
    message that says the store is damaged — never an internal error."""
    store = tmp_path / "s.db"
    log = tmp_path / "a.jsonl"
    log.write_text(
        '{"id": "a", "type": "missed", "date": "2007-03-01", "unit": "锦江区", "category": "work_dynamic"}\n',
        encoding="utf-8",
    )
    assert 0 == main(["ingest", str(store), str(log), "--recorded", "2007-03-02"])
    db = sqlite3.connect(store)
    with db:
        if table == "batches":
            db.execute(
                "INSERT INTO batches VALUES (2, 'garbage', '[]', 0, 0, 0, 0, 0, 0, 1, ?, 1)", ("0" * 64,)
            )
        else:
            copy = "SELECT 2, recorded, sources, 0, 0, 0, 0, 0, 0, 2, digest, form FROM batches"
            db.execute(f"INSERT INTO batches {copy}")
            db.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)", values)
    db.close()
    capsys.readouterr()
    statuses = [
        main(["score", "--store", str(store)]),
        main(["diff", "--store", str(store), "--from", "2007-03-02"]),
    ]
    err = capsys.readouterr().err
    # score reads the records, not the batches' dates; diff reads both
    damaged = [0, 2] if table == "batches" else [2, 2]
    assert (damaged, damaged.count(2)) == (statuses, err.count(f"{store}: the store is damaged"))
    assert "internal error" not in err


def test_ingest_into_a_store_with_a_damaged_batch_is_exit_2(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A batch whose running digest is not hexadecimal (written by something else): ingest says the
    store is damaged and exits 2; nothing is recorded."""
    store = tmp_path / "s.db"
    log = tmp_path / "a.jsonl"
    log.write_text(
        '{"id": "a", "type": "missed", "date": "2007-03-01", "unit": "锦江区", "category": "work_dynamic"}\n',
        encoding="utf-8",
    )
    assert 0 == main(["ingest", str(store), str(log), "--recorded", "2007-03-02"])
    db = sqlite3.connect(store)
    with db:
        db.execute("INSERT INTO batches VALUES (2, '2007-03-02', '[]', 0, 0, 0, 0, 0, 0, 1, 'x', 1)")
    db.close()
    capsys.readouterr()
    status = main(["ingest", str(store), str(log), "--recorded", "2007-03-03"])
    err = capsys.readouterr().err
    with Store.open(store) as opened:
        kept = len(opened.batches())
    assert (2, True, 2) == (status, f"{store}: the store is damaged" in err, kept)
