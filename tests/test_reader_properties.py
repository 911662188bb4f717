"""The readers' contract as properties, over every reader path and both formats.

- Nothing escapes: whatever a file holds (any JSON value in any field, any number JSON allows,
  any bytes), reading gives a result or raises EventFileError, and nothing else.
- Nothing is lost: every physical record (a non-blank line of JSON Lines, a CSV record after
  the header) ends in exactly one event or one rejection, at its own line (as an editor counts
  lines) and with its id when one can be read; through ``score``, in exactly one of counted,
  repeat, after the as-of date, or rejected.
- One content, one result: a log written as JSON Lines and as CSV, in UTF-8, UTF-8 with a
  byte-order mark or GB18030, with any line breaks, reads to the same events at the same lines
  and scores to the same results, provenance included.
- The CSV rules are the csv module's: where it reads a file, the reader reads the same records.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengdu_infoscore import (
    ErrorFound,
    Event,
    EventFileError,
    FoundFalse,
    Instructed,
    Missed,
    ReadResult,
    ReportedLate,
    event_record,
    parse_csv,
    parse_jsonl,
    read_events,
    score,
)
from chengdu_infoscore.events import Origin
from chengdu_infoscore.readers import (
    FIELDS,
    _csv_records,
    _id_before_error,
    _members_before_error,
    _read_jsonl,
    _read_line,
    _Sink,
)
from chengdu_infoscore.reports import results_json
from chengdu_infoscore.testing import event_logs

_BREAK = re.compile(rb"\r\n|\r|\n")
_BOM = b"\xef\xbb\xbf"


def _editor_lines(data: bytes) -> list[bytes]:
    """The lines of a file as an editor shows them: LF, CRLF and a lone CR each end a line."""
    lines = _BREAK.split(data)
    if lines[-1] == b"":
        lines.pop()
    return lines


def _blank(line: bytes) -> bool:
    """A blank line (docs/events.md): UTF-8 of nothing but white space, as Python judges it."""
    try:
        return not line.decode("utf-8").strip()
    except UnicodeDecodeError:
        return False


def _records_of_jsonl(data: bytes) -> dict[int, bytes]:
    """The physical records of JSON Lines: each non-blank line, by its number."""
    lines = _editor_lines(data[3:] if data.startswith(_BOM) else data)
    return {n: line for n, line in enumerate(lines, start=1) if not _blank(line)}


def _id_of(raw: bytes) -> str | None:
    """The id a line of JSON shows, when one can be read without a guess (events.md).

    Worked out otherwise than the reader does: the line (bad bytes replaced) as a whole object,
    else its longest start that ends at a comma or a brace and, closed there, is an object. Its
    members named ``id`` must agree, on non-blank text, and the rest of the line must not hold
    ``"id"``.
    """
    text = raw.decode("utf-8", "replace")
    pairs, rest = _members(text), ""
    if pairs is None:
        cuts = [k for k in range(len(text) - 1, 0, -1) if text[k] in ",}"]
        found = ((_members(text[:k] + "}"), k) for k in cuts)
        pairs, cut = next(((p, k) for p, k in found if p is not None), (None, 0))
        rest = text[cut + 1 :]
    if pairs is None or '"id"' in rest:
        return None
    ids = [value for key, value in pairs if key == "id"]
    if not ids or any(value != ids[0] for value in ids):
        return None
    return ids[0].strip() or None if isinstance(ids[0], str) else None


def _members(text: str) -> list[tuple[str, Any]] | None:
    """The members of ``text`` when it is one JSON object; else None."""
    try:
        record = json.loads(
            text, object_pairs_hook=_Pairs, parse_int=_zero, parse_float=_zero, parse_constant=_zero
        )
    except (ValueError, RecursionError):
        return None
    return list(record) if isinstance(record, _Pairs) else None


class _Pairs(list):  # type: ignore[type-arg]
    """An object's members, in order, repeats kept."""


def _zero(_text: str) -> int:
    return 0  # a number is never an id: its value does not matter


def _outcome(read: Callable[[], ReadResult]) -> ReadResult | EventFileError:
    """What reading gave: a result, or the file error. Any other exception fails the test."""
    try:
        return read()
    except EventFileError as exc:
        return exc


def _assert_accounts_for_every_jsonl_record(
    result: ReadResult | EventFileError, data: bytes, name: str
) -> None:
    if isinstance(result, EventFileError):
        assert [True] == [p.startswith(f"{name}: ") for p in result.problems]
        return
    records = _records_of_jsonl(data)
    places = [(e.origin.line, e.id) for e in result.events if e.origin]
    places += [(r.origin.line, r.event) for r in result.rejections if r.origin]
    assert sorted(records) == sorted(line for line, _ in places)  # each record once, at its line
    assert {line: _id_of(records[line]) for line, _ in places} == dict(places)  # with its id
    assert {name} == {e.origin.file for e in result.events if e.origin} | {
        r.origin.file for r in result.rejections if r.origin
    } or not places


def _line_by_line(data: bytes) -> _Sink:
    """Each line on its own, through the general checks only."""
    sink = _Sink()
    sink.places.add_file("log.jsonl")
    body = data[3:] if data.startswith(_BOM) else data
    for number, raw in enumerate(_editor_lines(body), start=1):
        _read_line(raw, Origin("log.jsonl", number), number + 1, sink)
    return sink


def _each_line_a_block(data: bytes) -> ReadResult | EventFileError:
    """The reader fed one line a block, as a long log's block boundaries can fall."""
    sink = _Sink()
    blocks = [m.group(0) for m in re.finditer(rb"[^\n]*\n|[^\n]+", data)]
    try:
        _read_jsonl(blocks, "log.jsonl", sink)
    except Exception as exc:  # the private reader raises its own file problem: turn it into the public one
        if type(exc).__name__ != "_FileProblem":
            raise
        return EventFileError([f"log.jsonl: {exc}"])
    return sink.result()


def _assert_every_jsonl_path_agrees(data: bytes) -> None:
    """The block path, one-line blocks, the general checks and read_events of each name agree."""
    whole = _outcome(lambda: parse_jsonl(data, "log.jsonl"))
    _assert_accounts_for_every_jsonl_record(whole, data, "log.jsonl")
    small = _each_line_a_block(data)
    _assert_accounts_for_every_jsonl_record(small, data, "log.jsonl")
    if isinstance(whole, ReadResult):
        general = _line_by_line(data)
        assert (general.rows, general.rejections, general.prints) == (
            whole._rows,
            list(whole.rejections),
            whole._prints,
        )
        if isinstance(small, ReadResult):
            assert (small._rows, small.rejections, small._prints) == (
                whole._rows,
                whole.rejections,
                whole._prints,
            )
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("log.jsonl", "log.json", "log.ndjson", "log", "log.csv"):
            path = Path(tmp) / name
            path.write_bytes(data)
            read = _outcome(lambda: read_events([path]))  # noqa: B023 - called at once
            if name == "log.csv" or (name == "log" and not _looks_like_json(data)):
                assert isinstance(read, EventFileError | ReadResult)
                continue
            _assert_accounts_for_every_jsonl_record(read, data, str(path))
            if isinstance(read, ReadResult) and isinstance(whole, ReadResult):
                assert (read.events, [r.reason for r in read.rejections]) == (
                    whole.events,
                    [r.reason for r in whole.rejections],
                )


def _looks_like_json(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


# -- any JSON, any number, any bytes -------------------------------------------------------------------

_NUMBERS = st.one_of(
    st.integers().map(str),
    # beyond the 4300 digits that int() reads from text
    st.tuples(st.sampled_from("-123456789"), st.integers(4301, 5000)).map(lambda t: t[0] + "7" * t[1]),
    st.from_regex(r"-?(0|[1-9][0-9]{0,3})(\.[0-9]{1,3})?[eE][+-]?[0-9]{1,25}", fullmatch=True),
    st.sampled_from(
        [
            "NaN",
            "Infinity",
            "-Infinity",
            "-0",
            "-0.0",
            "1e999999",
            "1E-999999",
            "1e99999999999999999999",
            "-1e-99999999999999999999",
        ]
    ),
)
_WORDS = st.sampled_from(
    [
        *("submitted", "adopted", "missed", "2007-03-05", "2007-03-05T10:00:00+08:00", "锦江区", "能源办"),
        *("zwxx", "政务信息", "work_dynamic", "true", "I1", "e1", " e1", " ", "", "\ud800"),
    ]
)
_SCALARS = st.one_of(
    st.sampled_from(["null", "true", "false"]),
    _NUMBERS,
    st.one_of(st.text(max_size=8), _WORDS).map(lambda t: json.dumps(t, ensure_ascii=False)),
    _WORDS.map(json.dumps),
)
_KEYS = st.sampled_from([*FIELDS, "chanel", ""])


def _object(pairs: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {v}" for k, v in pairs) + "}"


_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]")
        | st.lists(st.tuples(_KEYS, inner), max_size=4).map(_object)
    ),
    max_leaves=8,
)
_RECORDS = st.lists(st.tuples(_KEYS, _JSON), max_size=8).map(_object)


def _valid_lines(log: list[Event]) -> list[str]:
    return [json.dumps(event_record(e), ensure_ascii=False) for e in log]


@pytest.mark.slow
@given(
    log=event_logs(max_items=3),
    others=st.lists(st.one_of(_RECORDS, _RECORDS, _JSON, st.sampled_from(["", "  ", "{}"])), max_size=8),
    order=st.randoms(use_true_random=False),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_any_json_in_any_field_is_read_or_rejected_at_its_line(
    log: list[Event], others: list[str], order: Any, newline: str
) -> None:
    """Valid records among objects holding any JSON value (any number form): every path accounts for each."""
    lines = _valid_lines(log) + others
    order.shuffle(lines)
    data = newline.join(lines).encode("utf-8", "surrogatepass")
    _assert_every_jsonl_path_agrees(data)


_BYTES_LINES = st.lists(
    st.one_of(
        st.binary(max_size=30),
        _RECORDS.map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.sampled_from(
            [b"\xef\xbb\xbf{}", b"\xff\xfe", b"\x1f\x8b", b"[", b"{", b"id,type,date", b'{"id": "\xe9"}']
        ),
    ),
    max_size=8,
)


@given(lines=_BYTES_LINES, separators=st.lists(st.sampled_from([b"\n", b"\r\n", b"\r", b"\n\n"]), min_size=1))
def test_any_bytes_are_read_or_refused_by_every_reader_path(
    lines: list[bytes], separators: list[bytes]
) -> None:
    """Lines of any bytes: JSON Lines paths account for every record; CSV reads or refuses, never raises."""
    data = b"".join(line + separators[i % len(separators)] for i, line in enumerate(lines))
    _assert_every_jsonl_path_agrees(data)
    for name, delimiter in (("log.csv", ","), ("log.tsv", "\t")):
        read = _outcome(lambda: parse_csv(data, name, delimiter=delimiter))  # noqa: B023 - called at once
        if isinstance(read, EventFileError):
            continue
        count = len(_editor_lines(data))
        places = [e.origin.line for e in read.events if e.origin] + [
            r.origin.line for r in read.rejections if r.origin
        ]
        assert (True, len(places)) == (all(2 <= line <= count for line in places), len(set(places)))


def _walked_id(raw: bytes) -> str | None:
    """The id as the reader's member-by-member fallback reads it (for lines that quick cuts do not settle)."""
    text = raw.decode("utf-8", "replace")
    start = len(text) - len(text.lstrip(" \t\n\r"))
    if not text.startswith("{", start):
        return None
    ids: list[Any] = []
    end = _members_before_error(text, start + 1, ids)
    if not ids or '"id"' in text[end:] or any(value != ids[0] for value in ids):
        return None
    return ids[0].strip() or None if isinstance(ids[0], str) else None


@given(record=_RECORDS, data=st.data())
def test_the_id_of_a_broken_line_is_the_same_however_it_is_read(record: str, data: Any) -> None:
    """A broken line with an id or two: the reader, its member-by-member fallback and the oracle agree."""
    raw = data.draw(_mutated(('{"id": "x1", ' + record[1:]).encode("utf-8", "surrogatepass"), quotes=3))
    line = raw.split(b"\n")[0]
    text = line.decode("utf-8", "replace")
    assert (_id_of(line), _id_of(line)) == (_walked_id(line), _id_before_error(text))


# -- the CSV rules ------------------------------------------------------------------------------------

_CSV_TEXT = st.text(alphabet=st.sampled_from(list('ab,"\n\r 锦\t')), max_size=60)


@given(text=_CSV_TEXT)
def test_csv_records_are_the_csv_modules_records(text: str) -> None:
    """Where the csv module (strict) reads a text, the reader's records are its rows, at the same lines."""
    expected: list[tuple[int, list[str]]] = []
    failed = False
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for row in reader:
            expected.append((reader.line_num, row))
    except csv.Error:
        failed = True
    lines = io.StringIO(text, newline="").readlines()
    records = list(_csv_records(lines, ","))
    cells = [(last + 1, [] if lines[first].rstrip("\r\n") == "" else row) for first, last, row in records]
    good = [(end, row) for end, row in cells if isinstance(row, list)]
    broken = [n for n, (_, row) in enumerate(cells) if not isinstance(row, list)]
    assert expected == good[: len(expected)]
    assert (failed, failed) == (bool(broken), broken[:1] == [len(expected)])
    covered = [line for first, last, _ in records for line in range(first, last + 1)]
    assert list(range(len(lines))) == covered  # every line in exactly one record, in order


# -- one content, one result ---------------------------------------------------------------------------

_TEXT = st.lists(
    st.sampled_from(["a", "锦", " ", ",", '"', "\n", "\r", "\r\n", "\t", ";", "\u3000"]), max_size=10
)
_TEXT = _TEXT.map("".join)


@st.composite
def _logs_with_text(draw: Any) -> list[Event]:
    """A valid log in which free-text fields may hold line breaks, quotes and delimiters."""
    log: list[Event] = draw(event_logs(max_items=4))
    out = []
    for event in log:
        if isinstance(event, Missed | ReportedLate) and draw(st.booleans()):
            event = attrs.evolve(event, subject=draw(_TEXT))
        elif isinstance(event, ErrorFound | FoundFalse) and draw(st.booleans()):
            event = attrs.evolve(event, note=draw(_TEXT))
        elif isinstance(event, Instructed) and draw(st.booleans()):
            event = attrs.evolve(event, leader=draw(_TEXT))
        out.append(event)
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv_row(cells: list[str], newline: str, quote_all: bool) -> str:
    """One CSV row as spreadsheets write it: a cell holding a delimiter, a quote or any line break
    is quoted. (Python's csv.writer leaves a lone CR unquoted when its line end is LF, a file
    that its own reader, like every editor, reads as two lines.)"""
    quoted = [
        '"' + cell.replace('"', '""') + '"' if quote_all or any(c in cell for c in ',"\r\n') else cell
        for cell in cells
    ]
    return ",".join(quoted) + newline


def _write_csv(log: list[Event], newline: str, quote_all: bool, blanks: list[int]) -> tuple[str, list[int]]:
    """The log as CSV text, with blank lines after the records listed; and the line of each record."""
    parts = [_csv_row(list(FIELDS), newline, quote_all)]
    lines = []
    line = 2
    for n, event in enumerate(log):
        record = event_record(event)
        row = _csv_row([_cell(record.get(f)) for f in FIELDS], newline, quote_all)
        parts.append(row)
        lines.append(line)
        line += len(_BREAK.findall(row.encode("utf-8")))
        for _ in range(blanks.count(n)):
            parts.append(newline)
            line += 1
    return "".join(parts), lines


def _write_jsonl(log: list[Event], newline: str, blanks: list[int]) -> tuple[str, list[int]]:
    parts, lines, line = [], [], 1
    for n, event in enumerate(log):
        parts.append(json.dumps(event_record(event), ensure_ascii=False) + newline)
        lines.append(line)
        line += 1
        for _ in range(blanks.count(n)):
            parts.append(newline)
            line += 1
    return "".join(parts), lines


@pytest.mark.slow
@given(
    log=_logs_with_text(),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    quote_all=st.booleans(),
    blanks=st.lists(st.integers(0, 40), max_size=3),
)
def test_one_log_as_json_lines_and_as_csv_in_every_encoding_reads_and_scores_the_same(
    log: list[Event], newline: str, quote_all: bool, blanks: list[int]
) -> None:
    """JSON Lines, CSV in UTF-8, UTF-8 with BOM, GB18030: the same events at their lines, the same results."""
    jsonl, jsonl_lines = _write_jsonl(log, newline, blanks)
    text, csv_lines = _write_csv(log, newline, quote_all, blanks)
    with tempfile.TemporaryDirectory() as tmp:
        files = {"log.jsonl": jsonl.encode("utf-8")}
        files |= {f"log-{enc}.csv": text.encode(enc) for enc in ("utf-8", "utf-8-sig", "gb18030")}
        reads = {}
        for name, data in files.items():
            (Path(tmp) / name).write_bytes(data)
            reads[name] = read_events([Path(tmp) / name])
    expected = ([e.id for e in log], ())
    for name, read in reads.items():
        assert expected == ([e.id for e in read.events], read.rejections), name
        assert list(log) == list(read.events), name
        lines = jsonl_lines if name.endswith(".jsonl") else csv_lines
        assert lines == [e.origin.line for e in read.events if e.origin], name
    reference = results_json(score(reads["log.jsonl"]))
    assert {name: reference for name in reads} == {
        name: results_json(score(read)) for name, read in reads.items()
    }


_BAD = "\x07"  # a placeholder, in no generated text, for a byte not valid in any encoding of the file


@st.composite
def _broken_copies(draw: Any, log: list[Event]) -> list[tuple[Event, str, int]]:
    """Broken copies of some events of ``log``: with a byte that is not text (``\xff``) in the
    date, or cut short after some of its fields (in CSV: a row with cells too few)."""
    if not log:
        return []
    picks = st.tuples(st.sampled_from(log), st.sampled_from(["bad bytes", "cut short"]), st.integers(1, 14))
    return draw(st.lists(picks, max_size=3))


def _broken_jsonl(event: Event, kind: str, keep: int) -> bytes:
    record = event_record(event)
    if kind == "bad bytes":
        record["date"] = f"{record['date']}{_BAD}"
        return json.dumps(record, ensure_ascii=False).replace("\\u0007", _BAD).encode("utf-8")
    members = [f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in record.items()]
    return ("{" + "".join(m + ", " for m in members[:keep])).rstrip().encode("utf-8")


def _broken_csv(event: Event, kind: str, keep: int, newline: str, quote_all: bool) -> str:
    record = event_record(event)
    cells = [_cell(record.get(f)) for f in FIELDS]
    if kind == "bad bytes":
        cells[FIELDS.index("date")] += _BAD
    else:
        cells = cells[:keep]
    return _csv_row(cells, newline, quote_all)


@pytest.mark.slow
@given(
    log=_logs_with_text(),
    data=st.data(),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    quote_all=st.booleans(),
)
def test_broken_copies_are_judged_alike_in_json_lines_and_csv(
    log: list[Event], data: Any, newline: str, quote_all: bool
) -> None:
    """A copy with a byte that is not text, or cut short: rejected with its id in every form, alike."""
    broken = data.draw(_broken_copies(log))
    jsonl, _ = _write_jsonl(log, newline, [])
    lines = [jsonl.encode("utf-8")] + [_broken_jsonl(*b) + newline.encode() for b in broken]
    text, _ = _write_csv(log, newline, quote_all, [])
    text += "".join(_broken_csv(*b, newline, quote_all) for b in broken)
    files = {"log.jsonl": b"".join(lines).replace(_BAD.encode(), b"\xff")}
    for encoding in ("utf-8", "utf-8-sig", "gb18030"):
        files[f"log-{encoding}.csv"] = text.encode(encoding).replace(_BAD.encode(), b"\xff")
    with tempfile.TemporaryDirectory() as tmp:
        reads = {}
        for name, content in files.items():
            (Path(tmp) / name).write_bytes(content)
            reads[name] = read_events([Path(tmp) / name])
    spoilt = {event.id for event, _, _ in broken}
    expected_read = ([e.id for e in log], sorted(e.id for e, _, _ in broken))
    # every copy of a spoilt id, valid or broken, is rejected
    expected_spoilt = sorted([e.id for e in log if e.id in spoilt] + [e.id for e, _, _ in broken])
    reference = score(reads["log.jsonl"])
    for name, read in reads.items():
        ids = ([e.id for e in read.events], sorted(str(r.event) for r in read.rejections))
        assert expected_read == ids, name
        results = score(read)
        rejected = sorted(str(r.event) for r in results.rejections)
        assert expected_spoilt == [eid for eid in rejected if eid in spoilt], name
        assert sorted(str(r.event) for r in reference.rejections) == rejected, name
        assert (results_json(reference)["units"], results_json(reference)["events"]) == (
            results_json(results)["units"],
            results_json(results)["events"],
        ), name


# -- every record in exactly one place, through score ------------------------------------------------------

_INSERTS = [b'"', b",", b"{", b"}", b"\n", b"\r", b"\xff", b"\xe9", b" ", b":", b"a", b"0", b"\\", b"\t"]


@st.composite
def _mutated(draw: Any, data: bytes, *, quotes: int) -> bytes:
    """``data`` with a few bytes inserted or deleted, lines duplicated, swapped or emptied."""
    lines = data.split(b"\n")
    for _ in range(draw(st.integers(0, 3))):
        if len(lines) > 2 and draw(st.booleans()):
            i, j = draw(st.integers(1, len(lines) - 1)), draw(st.integers(1, len(lines) - 1))
            what = draw(st.sampled_from(["duplicate", "swap", "empty"]))
            if what == "duplicate":
                lines.insert(j, lines[i])
            elif what == "swap":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines[i] = b""
    data = b"\n".join(lines)
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        if draw(st.booleans()) and data:
            data = data[:at] + data[at + 1 :]
        else:
            insert = draw(st.sampled_from(_INSERTS))
            if insert == b'"':
                if quotes == 0:
                    continue
                quotes -= 1
            data = data[:at] + insert + data[at:]
    return data


def _assert_every_record_ends_once(read: ReadResult, records: int) -> None:
    results = score(read)
    assert records == len(read.events) + len(read.rejections)
    assert (records, records) == (
        results.read,
        results.counted + results.repeats + results.after_as_of + len(results.rejections),
    )


@given(log=event_logs(max_items=4), data=st.data())
def test_a_mutated_json_lines_log_accounts_for_every_record_through_score(
    log: list[Event], data: Any
) -> None:
    """Bytes inserted and deleted, lines repeated, swapped, emptied: each non-blank line ends in one place."""
    text, _ = _write_jsonl(log, "\n", [])
    mutated = data.draw(_mutated(text.encode("utf-8"), quotes=4))
    read = _outcome(lambda: parse_jsonl(mutated, "log.jsonl"))
    _assert_accounts_for_every_jsonl_record(read, mutated, "log.jsonl")
    if isinstance(read, ReadResult):
        _assert_every_record_ends_once(read, len(_records_of_jsonl(mutated)))


@given(log=event_logs(max_items=4), data=st.data())
def test_a_mutated_csv_log_accounts_for_every_record_through_score(log: list[Event], data: Any) -> None:
    """As for JSON Lines, in CSV without quoted cells (one stray quote may come): each record ends once."""
    text, _ = _write_csv(log, "\n", False, [])
    assert '"' not in text
    mutated = data.draw(_mutated(text.encode("utf-8"), quotes=1))
    read = _outcome(lambda: parse_csv(mutated, "log.csv"))
    if isinstance(read, EventFileError):
        return
    lines = _editor_lines(mutated)
    header = next(n for n, line in enumerate(lines) if line.strip())
    records = {
        n + 1: line
        for n, line in enumerate(lines)
        if n > header and line.decode("utf-8", "replace").replace(",", "").strip()
    }
    places = [e.origin.line for e in read.events if e.origin] + [
        r.origin.line for r in read.rejections if r.origin
    ]
    assert sorted(records) == sorted(places)
    _assert_every_record_ends_once(read, len(records))
