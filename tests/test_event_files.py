"""Event files as a careless or hostile user hands them over: what read_events accepts, and the
file errors it raises for what is not an event log, one message naming each file.

The bad files of tests/bad/ (see test_bad_input.py) cover the forms a file can take; these
tests cover what cannot be a file in a directory: the arguments of read_events, standard
input, unreadable and failing files, very long cells and very many broken rows.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import chengdu_infoscore.readers as readers
from chengdu_infoscore import (
    ArgumentError,
    ArgumentTypeError,
    EventFileError,
    parse_csv,
    parse_jsonl,
    read_events,
    score,
)

SUBMITTED = '{"id": "e1", "type": "submitted", "date": "2007-03-05", "unit": "锦江区", "item": "JJ1"}\n'
CSV_HEADER = "id,type,date,unit,category,subject\n"


def _cli(*args: str | Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CHENGDU_INFOSCORE_DEBUG"}
    done = subprocess.run(
        [sys.executable, "-m", "chengdu_infoscore", *map(str, args)],
        capture_output=True,
        input=stdin,
        check=False,
        env=env,
        timeout=120,
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    )


# -- the arguments of read_events --------------------------------------------------------------------


@pytest.mark.parametrize(
    "single", ["log.jsonl", b"log.jsonl", Path("log.jsonl")], ids=["str", "bytes", "Path"]
)
def test_a_single_path_is_a_type_error_that_says_to_wrap_it(single: Any) -> None:
    """read_events("log.jsonl") would read files "l", "o", "g"…: a TypeError saying read_events([path])."""
    with pytest.raises(TypeError) as caught:
        read_events(single)
    message = str(caught.value)
    assert (True, True) == ("read_events takes a list of paths" in message, "read_events([path])" in message)


@pytest.mark.parametrize(
    ("paths", "words"),
    [
        pytest.param(None, "found NoneType", id="None"),
        pytest.param(5, "found int", id="int"),
        pytest.param(["a.jsonl", None], "paths[1] is None (NoneType), not a path", id="None-item"),
        pytest.param([3.5], "paths[0] is 3.5 (float), not a path", id="float-item"),
        pytest.param([["a.jsonl"]], "paths[0] is ['a.jsonl'] (list), not a path", id="list-item"),
    ],
)
def test_what_is_not_a_path_is_a_type_error_naming_it(paths: Any, words: str) -> None:
    """A non-path argument or item is an ArgumentTypeError naming it (and its place), before reading."""
    with pytest.raises(TypeError) as caught:
        read_events(paths)
    assert (True, True) == (words in str(caught.value), isinstance(caught.value, ArgumentTypeError))


def test_paths_may_be_any_iterable_of_str_bytes_or_path(tmp_path: Path) -> None:
    """A generator, a tuple, bytes and Path items are all paths: each read once, in order."""
    (tmp_path / "a.jsonl").write_text(SUBMITTED, encoding="utf-8")
    (tmp_path / "b.csv").write_text(
        CSV_HEADER + "b1,missed,2007-03-06,锦江区,work_dynamic,\n", encoding="utf-8"
    )
    items = [tmp_path / "a.jsonl", os.fsencode(tmp_path / "b.csv")]
    read = read_events(item for item in items)
    assert [("e1", f"{tmp_path / 'a.jsonl'}:1"), ("b1", f"{tmp_path / 'b.csv'}:2")] == [
        (e.id, str(e.origin)) for e in read.events
    ]


@pytest.mark.parametrize("parse", [parse_jsonl, parse_csv], ids=["parse_jsonl", "parse_csv"])
def test_text_instead_of_bytes_is_a_type_error_saying_to_encode(parse: Any) -> None:
    """parse_jsonl and parse_csv read a file's bytes: text is a TypeError that says to encode it."""
    with pytest.raises(TypeError) as caught:
        parse(SUBMITTED, "log")
    assert (
        f"{parse.__name__}: data must be bytes (a file's content), not str: encode the text first"
        == str(caught.value).partition(", e.g.")[0]
    )


@pytest.mark.parametrize("delimiter", ["", ";;", '"', "\n"])
def test_a_delimiter_that_cannot_be_one_is_an_argument_error(delimiter: Any) -> None:
    """parse_csv's delimiter is one character, not a quote or a line break; else an error naming it."""
    with pytest.raises(ArgumentError) as caught:
        parse_csv(CSV_HEADER.encode(), "log.csv", delimiter=delimiter)
    assert str(caught.value).startswith("parse_csv: delimiter must be one character")


def test_no_paths_is_no_events() -> None:
    """An empty list of files reads nothing, and that is not an error."""
    assert (0, ()) == (len(read_events([]).events), read_events([]).rejections)


# -- files that cannot be read ---------------------------------------------------------------------


def test_every_problem_of_every_file_is_in_one_error(tmp_path: Path) -> None:
    """Missing, directory, not a log: one EventFileError, a `FILE: reason` for each, good files aside."""
    good = tmp_path / "good.jsonl"
    good.write_text(SUBMITTED, encoding="utf-8")
    array = tmp_path / "array.json"
    array.write_text("[" + SUBMITTED.strip() + "]\n", encoding="utf-8")
    missing = tmp_path / "missing.csv"
    with pytest.raises(EventFileError) as caught:
        read_events([good, missing, tmp_path, array])
    assert [
        f"{missing}: cannot open: no such file",
        f"{tmp_path}: is a directory, not a file",
        f"{array}: this looks like a JSON array, not JSON Lines (one object a line): write each event as"
        " an object on a line of its own",
    ] == list(caught.value.problems)
    assert str(caught.value).startswith("3 event files cannot be read:\n  - ")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions that bind")
def test_a_file_without_read_permission_is_a_file_error(tmp_path: Path) -> None:
    """A file the user may not read: `cannot open: permission denied`, exit 2."""
    path = tmp_path / "secret.jsonl"
    path.write_text(SUBMITTED, encoding="utf-8")
    path.chmod(0)
    try:
        with pytest.raises(EventFileError) as caught:
            read_events([path])
        run = _cli("score", "--keep-going", path)
    finally:
        path.chmod(0o600)
    assert [f"{path}: cannot open: permission denied"] == list(caught.value.problems)
    assert (2, f"chengdu-infoscore: error: {path}: cannot open: permission denied\n") == (
        run.returncode,
        run.stderr,
    )


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        pytest.param(
            FileNotFoundError(2, "No such file or directory"), "cannot open: no such file", id="missing"
        ),
        pytest.param(PermissionError(13, "Permission denied"), "cannot open: permission denied", id="denied"),
        pytest.param(IsADirectoryError(21, "Is a directory"), "is a directory, not a file", id="directory"),
        pytest.param(
            NotADirectoryError(20, "Not a directory"),
            "cannot open: a part of its path is not a directory",
            id="not-a-directory",
        ),
        pytest.param(
            OSError(40, "Too many levels of symbolic links"), "cannot open: too many levels", id="loop"
        ),
    ],
)
def test_each_way_a_file_cannot_be_opened_is_said_plainly(
    error: OSError, reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every failure to open a file is a file error saying why in words, not an errno."""

    def refuse(path: Any) -> Any:
        raise error

    monkeypatch.setattr(readers, "_open", refuse)
    with pytest.raises(EventFileError) as caught:
        read_events(["log.jsonl"])
    assert f"log.jsonl: {reason}" == caught.value.problems[0][: len(f"log.jsonl: {reason}")]


def test_a_name_the_system_cannot_open_is_a_file_error() -> None:
    """A path holding a NUL character cannot be opened: a file error, not a ValueError from open()."""
    with pytest.raises(EventFileError) as caught:
        read_events(["log\0.jsonl"])
    (problem,) = caught.value.problems
    assert "log\0.jsonl: cannot open: " == problem[: len("log\0.jsonl: cannot open: ")]


class _FailingStream(io.BytesIO):
    """A file whose reading fails after its first bytes, as a disk or network share can."""

    def __init__(self, data: bytes, good: int) -> None:
        super().__init__(data)
        self.good = good

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0 or self.tell() + size > self.good:  # it would reach the bad part
            raise OSError(5, "Input/output error")
        return super().read(size)


@pytest.mark.parametrize("name", ["log.jsonl", "log.csv", "log"])
def test_a_read_that_fails_part_way_is_a_file_error(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An I/O error in the middle of a file is a file error, never the events read before it."""
    lines = [SUBMITTED.replace('"e1"', f'"e{n}"').replace("JJ1", f"JJ{n}") for n in range(20_000)]
    data = "".join(lines).encode("utf-8")
    if name == "log.csv":
        data = (
            CSV_HEADER + "".join(f"c{n},missed,2007-03-06,锦江区,work_dynamic,\n" for n in range(20_000))
        ).encode()
    path = tmp_path / name
    path.write_bytes(data)
    # JSON Lines is read a block at a time: the first block reads, the second fails.
    monkeypatch.setattr(readers, "_open", lambda p: _FailingStream(data, readers._BLOCK + 1000))
    with pytest.raises(EventFileError) as caught:
        read_events([path])
    assert [f"{path}: cannot read: input/output error (reading failed part-way)"] == list(
        caught.value.problems
    )


# -- standard input ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_standard_input_is_read_like_a_file() -> None:
    """`-` reads standard input, JSON Lines or CSV by its first character."""
    jsonl = _cli("validate", "-", stdin=SUBMITTED.encode("utf-8"))
    csv = _cli("validate", "-", stdin=(CSV_HEADER + "s1,missed,2007-03-06,锦江区,work_dynamic,\n").encode())
    assert [(0, ""), (0, "")] == [(jsonl.returncode, jsonl.stderr), (csv.returncode, csv.stderr)]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stdin", "reason"),
    [
        pytest.param(b"", "empty file: no header row", id="empty"),
        pytest.param(b"[" + SUBMITTED.strip().encode() + b"]", "this looks like a JSON array", id="array"),
        pytest.param(SUBMITTED.encode("utf-16"), "this looks like UTF-16", id="utf-16"),
        pytest.param(
            b"e1,missed,2007-03-06,x,y\n", "no header row: the first row looks like an event", id="headless"
        ),
    ],
)
def test_standard_input_that_is_not_a_log_is_a_file_error(stdin: bytes, reason: str) -> None:
    """What is piped in is judged as a file is: exit 2, `error: -: reason`, with --keep-going too."""
    run = _cli("score", "--keep-going", "-", stdin=stdin)
    assert (2, "", True) == (
        run.returncode,
        run.stdout,
        run.stderr.startswith(f"chengdu-infoscore: error: -: {reason}"),
    )


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (b"42\n", "the number 42"),
        (b'"x"\n', "'x'"),
        (b"\xef\xbb\xbf null\n", "null"),
        (b"\n\ntrue\r\n" + SUBMITTED.encode(), "true"),
        (b"-1.5\n", "the number -1.5"),
    ],
    ids=repr,
)
def test_a_log_whose_first_line_is_a_json_value_is_json_lines(
    data: bytes, found: str, tmp_path: Path
) -> None:
    """A file named neither .jsonl nor .csv whose first line is a JSON value but no object is JSON
    Lines with a line that is not an object, not a CSV file without a header row."""
    path = tmp_path / "log"
    path.write_bytes(data)
    read = read_events([path])
    assert [f"expected a JSON object, found {found}"] == [r.reason for r in read.rejections[:1]]


@pytest.mark.parametrize(
    "header", [b"id,type,date,unit,category,subject\n", b'"id","type","date"\n', b"1,2,3\n"]
)
def test_a_first_line_that_is_no_json_value_is_read_as_csv(header: bytes, tmp_path: Path) -> None:
    """A header row, quoted or not, or a row of figures, is CSV: the first line is no one JSON value."""
    path = tmp_path / "log"
    path.write_bytes(header)
    assert "csv" == readers._kind_of(str(path), header)


@pytest.mark.slow
def test_standard_input_named_twice_is_a_file_error(tmp_path: Path) -> None:
    """`-` twice would read the input once and then nothing: a file error for the second."""
    run = _cli("validate", "-", "-", stdin=SUBMITTED.encode("utf-8"))
    assert (2, "chengdu-infoscore: error: -: standard input is named more than once\n") == (
        run.returncode,
        run.stderr,
    )


# -- what is a legitimate log ----------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\n\n  \r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"], ids=repr)
def test_an_empty_json_lines_file_is_zero_events(data: bytes, tmp_path: Path) -> None:
    """An empty (or blank) .jsonl file holds no events: that is not an error, unlike an empty CSV."""
    path = tmp_path / "empty.jsonl"
    path.write_bytes(data)
    read = read_events([path])
    with pytest.raises(EventFileError) as caught:
        parse_csv(data, "empty.csv")
    assert (0, 0) == (len(read.events), len(read.rejections))
    assert caught.value.problems[0].startswith("empty.csv: ")


@pytest.mark.parametrize("size", [300 * 1024, 3 * 1024 * 1024], ids=["300KiB", "3MiB"])
def test_a_very_long_cell_is_read(size: int) -> None:
    """A subject of hundreds of KiB (beyond the csv module's default field limit) is read whole."""
    subject = "防汛" * (size // 6) + '\n第二段, 带逗号和"引号"'
    cell = '"' + subject.replace('"', '""') + '"'
    rows = f"lc1,missed,2007-03-05,锦江区,work_dynamic,{cell}\nlc2,late,2007-03-06,锦江区,important,\n"
    read = parse_csv((CSV_HEADER + rows).encode("utf-8"), "long.csv")
    records = [
        {"id": "lc1", "type": "missed", "date": "2007-03-05", "unit": "锦江区", "category": "work_dynamic"},
        {"id": "lc2", "type": "late", "date": "2007-03-06", "unit": "锦江区", "category": "important"},
    ]
    records[0]["subject"] = subject
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    from_json = parse_jsonl(lines.encode("utf-8"), "long.jsonl")
    assert [("lc1", 2), ("lc2", 4)] == [(e.id, e.origin.line) for e in read.events if e.origin]
    assert (subject, ()) == (read.events[0].subject, read.rejections)  # type: ignore[attr-defined]
    assert from_json.events == read.events
    assert score(from_json).provenance == score(read).provenance


def _broken_rows(count: int) -> bytes:
    rows = "".join(f'b{n},missed,2007-03-05,锦江区,work_dynamic,"a"b\n' for n in range(count))
    return (CSV_HEADER + rows).encode("utf-8")


def _good_rows(count: int) -> bytes:
    rows = "".join(f"g{n},missed,2007-03-05,锦江区,work_dynamic,a b\n" for n in range(count))
    return (CSV_HEADER + rows).encode("utf-8")


def _seconds(data: bytes) -> float:
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        parse_csv(data, "timed.csv")
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.slow
def test_recovery_from_broken_rows_costs_time_in_proportion_to_the_file() -> None:
    """50 000 broken rows read no slower than 50 000 good ones (the recovery never re-reads the rest)."""
    broken, good = _broken_rows(50_000), _good_rows(50_000)
    read = parse_csv(broken, "broken.csv")
    assert (0, 50_000, 50_001) == (len(read.events), len(read.rejections), read.rejections[-1].origin.line)  # type: ignore[union-attr]
    assert _seconds(broken) < 2 * _seconds(good)


@pytest.mark.slow
def test_an_unclosed_quote_in_a_large_file_costs_one_pass() -> None:
    """A quote never closed near the top of 50 000 rows: each later line rejected once, in linear time."""
    rows = _good_rows(50_000).replace(b"g3,missed,2007-03-05,", b'g3,missed,"2007-03-05,', 1)
    read = parse_csv(rows, "unclosed.csv")
    assert (3, 49_997) == (len(read.events), len(read.rejections))
    assert ["g3", "g4", "g49999"] == [read.rejections[i].event for i in (0, 1, -1)]
    assert _seconds(rows) < 2 * _seconds(_good_rows(50_000))


def test_every_record_ends_in_exactly_one_place_through_score() -> None:
    """Worked by hand: 8 records = 2 counted + 1 repeat + 1 after the as-of date + 4 rejected."""
    lines = [
        '{"id": "r1", "type": "submitted", "date": "2007-03-05", "unit": "锦江区", "item": "I1"}',
        '{"id": "r1", "type": "submitted", "date": "2007-03-05", "unit": "锦江区", "item": "I1"}',  # repeat
        '{"id": "r2", "type": "missed", "date": "2007-03-06", "unit": "锦江区", "category": "work_dynamic"}',
        '{"id": "r2", "type": "missed", "date": "2007-03-06", "unit": "锦江区", "category": "important"}',
        '{"id": "r3", "type": "missed", "date": "2007-12-30", "unit": "锦江区", "category": "work_dynamic"}',
        "not json",
        '{"id": "r4", "type": "adopted", "date": "2007-03-07", "item": "I1", "channel": "zwxx"}',
        '{"id": "r2", "type": "missed", "date": "2007-02-30", "unit": "锦江区", "category": "important"}',
    ]
    results = score(parse_jsonl("\r".join(lines).encode("utf-8"), "log.jsonl"), as_of=dt.date(2007, 6, 30))
    accounted = (results.read, results.counted, results.repeats, results.after_as_of)
    assert (8, 2, 1, 1) == accounted
    assert [(3, "r2"), (4, "r2"), (6, None), (8, "r2")] == [
        (r.origin.line, r.event) for r in results.rejections if r.origin
    ]


def test_a_very_wide_header_is_checked_in_linear_time() -> None:
    """A header of 200 000 columns (a repeated one at the end) is checked in well under a second a pass."""
    names = ["id", "type", "date", *(f"c{n}" for n in range(200_000)), "c7"]
    start = time.perf_counter()
    with pytest.raises(EventFileError) as caught:
        parse_csv((",".join(names) + "\n").encode(), "wide.csv")
    assert (["wide.csv: the header row (line 1) names the column 'c7' twice"], True) == (
        list(caught.value.problems),
        time.perf_counter() - start < 5,
    )


# -- encodings ---------------------------------------------------------------------------------------------


def _escaped(n: int) -> bytes:
    """A valid line in ASCII: the unit written with JSON escapes, as json.dumps writes it by default."""
    record = {"id": f"a{n}", "type": "submitted", "date": "2007-03-05", "unit": "锦江区", "item": f"A{n}"}
    return json.dumps(record).encode("ascii") + b"\n"


def _gb18030(n: int) -> bytes:
    record = {"id": f"g{n}", "type": "submitted", "date": "2007-03-05", "unit": "锦江区", "item": f"G{n}"}
    return json.dumps(record, ensure_ascii=False).encode("gb18030") + b"\n"


@pytest.mark.parametrize(
    ("ascii_lines", "gb_lines", "refused"),
    [(0, 1, True), (2, 1, True), (3, 1, False), (8, 1, False), (8, 3, True), (30, 3, False)],
)
def test_json_lines_is_refused_as_gb18030_only_on_real_evidence(
    ascii_lines: int, gb_lines: int, refused: bool
) -> None:
    """GB18030 lines refuse the file only when more than a quarter of its records; else each is rejected."""
    data = b"".join(map(_escaped, range(ascii_lines))) + b"".join(map(_gb18030, range(gb_lines)))
    try:
        read = parse_jsonl(data, "log.jsonl")
    except EventFileError as exc:
        outcome: Any = list(exc.problems)
    else:
        outcome = (len(read.events), [r.reason[:18] for r in read.rejections])
    reason = "log.jsonl: this looks like GB18030 (most of its lines that are not ASCII are not UTF-8 but read"
    expected = (
        [reason + " as GB18030); JSON Lines must be UTF-8: save it as UTF-8"]
        if refused
        else (ascii_lines, ["not valid UTF-8 (b"] * gb_lines)
    )
    assert expected == outcome


def test_a_gb18030_row_that_is_also_valid_utf8_is_rejected_not_guessed() -> None:
    """路 in GB18030 is the bytes of · in UTF-8: a row whose only Chinese is such text is rejected."""
    rows = [
        "rg1,submitted,2007-03-01,锦江区,JJ1-rg,\n",
        "rg2,error,2007-03-05,,JJ1-rg,路\n",  # GB18030 C2 B7 (路) is also UTF-8: U+00B7 (·)
        "rg3,error,2007-03-06,,JJ1-rg,道路\n",  # 道 (B5 C0) is not UTF-8: no doubt
    ]
    data = b"id,type,date,unit,item,note\n" + "".join(rows).encode("gb18030")
    read = parse_csv(data, "gb.csv")
    assert "路".encode("gb18030").decode("utf-8") == "·"
    assert (["rg1", "rg3"], [(3, "rg2")]) == (
        [e.id for e in read.events],
        [(r.origin.line, r.event) for r in read.rejections if r.origin],
    )
    assert read.rejections[0].reason.startswith("the row looks like UTF-8 in a GB18030 file")


def test_a_line_of_white_space_is_blank_in_json_lines_as_in_csv() -> None:
    """A line of only U+001F or U+3000 (ideographic space) is a blank line in JSON Lines, as a CSV row
    of such cells is: skipped, not a record, in both."""
    from chengdu_infoscore import parse_csv, parse_jsonl

    good = '{"id": "a", "type": "missed", "date": "2007-03-01", "unit": "锦江区", "category": "work_dynamic"}'
    jsonl = ("\x1f\n\u3000\n" + good + "\n").encode("utf-8")
    csv_text = "id,type,date,unit,category\n\x1f\n\u3000\na,missed,2007-03-01,锦江区,work_dynamic\n"
    read = [parse_jsonl(jsonl, "log.jsonl"), parse_csv(csv_text.encode("utf-8"), "log.csv")]
    assert [(1, ()), (1, ())] == [(len(r), r.rejections) for r in read]
