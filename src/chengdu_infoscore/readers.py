"""Readers of the event-log interchange form (events.md): JSON Lines and CSV.

A reader turns every record into an :class:`~.events.Event` or into a
:class:`~.results.Rejection` that names the file, the line, the event id and the reason. It
reports every problem, never only the first, and never raises on bad input.

>>> log = "\\n".join([
...     '{"id": "e1", "type": "missed", "date": "2007-03-20", "unit": "锦江区", "category": "work_dynamic"}',
...     '{"id": "e2"}',
... ])
>>> result = parse_jsonl(log.encode("utf-8"), "log.jsonl")
>>> result.events[0].unit
'锦江区'
>>> print(result.rejections[0])
log.jsonl:2: event e2: missing required field 'type'
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import json.scanner
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from itertools import repeat
from operator import itemgetter, methodcaller
from pathlib import Path
from typing import Any, BinaryIO, Final

import attrs

from ._rows import KINDS, LAYOUT, POS, Places, Row, event_of, fingerprint, quiet_collector, row_of
from ._time import parse_date
from .events import EVENT_TYPES, Event, Origin
from .exceptions import EventFieldError
from .provenance import rejection_fingerprint
from .results import Rejection

__all__ = ["FIELDS", "ReadResult", "parse_csv", "parse_jsonl", "parse_record", "read_events"]

_FIELDS_BY_TYPE: Final[dict[str, tuple[str, ...]]] = {
    kind: tuple(a.name for a in attrs.fields(cls) if a.name != "origin") for kind, cls in EVENT_TYPES.items()
}
_REQUIRED_BY_TYPE: Final[dict[str, tuple[str, ...]]] = {
    kind: tuple(a.name for a in attrs.fields(cls) if a.name != "origin" and a.default is attrs.NOTHING)
    for kind, cls in EVENT_TYPES.items()
}
#: Every field name of the event-log form, in a stable order (the CSV header the library writes).
FIELDS: Final[tuple[str, ...]] = (
    "id",
    "type",
    "date",
    "unit",
    "item",
    "topic",
    "commission",
    "channel",
    "picture",
    "due",
    "leader",
    "level",
    "category",
    "subject",
    "note",
)
_ALL_FIELDS: Final[frozenset[str]] = frozenset(FIELDS)
_BOM: Final = b"\xef\xbb\xbf"
_TRUE = frozenset({"true", "1", "yes", "是"})
_FALSE = frozenset({"false", "0", "no", "否"})


class ReadResult:
    """What reading gave: the events, in the order read, and the records rejected.

    The reader keeps events as compact rows (``_rows``); :attr:`events` makes the event objects
    when first asked for. Pass the whole result to :func:`~.engine.score` to score without
    making them at all.
    """

    __slots__ = ("_events", "_places", "_prints", "_rows", "rejections")

    def __init__(self, events: Iterable[Event] = (), rejections: Iterable[Rejection] = ()) -> None:
        places = Places()
        rows = [row_of(e, places.add_origin(e.origin)) for e in events]
        rejected = tuple(rejections)
        prints = sum(map(fingerprint, rows)) + sum(rejection_fingerprint(r.reason) for r in rejected)
        self._set(rows, places, rejected, prints)

    def _set(self, rows: list[Row], places: Places, rejections: tuple[Rejection, ...], prints: int) -> None:
        self._rows = rows
        self._places = places
        self.rejections = rejections
        self._prints = prints
        self._events: tuple[Event, ...] | None = None

    @classmethod
    def _of(
        cls, rows: list[Row], places: Places, rejections: tuple[Rejection, ...], prints: int
    ) -> ReadResult:
        """A result of rows already read, with the sum of their fingerprints."""
        result = cls.__new__(cls)
        result._set(rows, places, rejections, prints)
        return result

    @property
    def events(self) -> tuple[Event, ...]:
        """The events read, in the order read."""
        if self._events is None:
            origin = self._places.origin
            self._events = tuple(event_of(row, origin(row[POS])) for row in self._rows)
        return self._events

    def __len__(self) -> int:
        """Records read: events and rejections."""
        return len(self._rows) + len(self.rejections)

    def __add__(self, other: ReadResult) -> ReadResult:
        places, move = self._places.merged(other._places)
        rows = self._rows + [(*row[:POS], move(row[POS])) for row in other._rows]
        return ReadResult._of(rows, places, self.rejections + other.rejections, self._prints + other._prints)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ReadResult):
            return NotImplemented
        return (self.events, self.rejections) == (other.events, other.rejections)

    def __hash__(self) -> int:
        return hash((self.events, self.rejections))

    def __repr__(self) -> str:
        return f"ReadResult(events={len(self._rows)}, rejections={len(self.rejections)})"


class _Bad(Exception):
    """A record cannot become an event, for this reason."""


def parse_record(
    record: Mapping[str, Any], origin: Origin | None = None, *, text_only: bool = False
) -> Event:
    """Turn one record of the event-log form into an event.

    Args:
        record: field name → value; ``None`` (JSON null, an empty CSV cell) means absent.
        origin: where the record was read, kept on the event for messages.
        text_only: the values are all text (CSV): ``picture`` is read from ``true``/``false``.

    Raises:
        EventFieldError: with a reason naming the field and what was expected.
    """
    present = {k: v for k, v in record.items() if v is not None and not (text_only and v == "")}
    kind = present.get("type")
    if kind is None:
        raise EventFieldError("type", "", missing=True)
    if not isinstance(kind, str) or kind.strip() not in EVENT_TYPES:
        known = ", ".join(EVENT_TYPES)
        raise EventFieldError("type", f"unknown type {kind!r}; expected one of: {known}")
    kind = kind.strip()
    fields = _FIELDS_BY_TYPE[kind]
    for name in present:
        if name == "type":
            continue
        if name not in fields:
            if name in _ALL_FIELDS:
                raise EventFieldError(
                    name, f"does not belong to {_a(kind)} event, whose fields are: {', '.join(fields)}"
                )
            raise EventFieldError(
                name, f"unknown field; the fields of {_a(kind)} event are: {', '.join(fields)}"
            )
    for name in _REQUIRED_BY_TYPE[kind]:
        if name not in present:
            raise EventFieldError(name, f" for {_a(kind)} event", missing=True)
    values = {k: v for k, v in present.items() if k != "type"}
    if "picture" in values:
        values["picture"] = _flag(values["picture"], text_only)
    for name, value in values.items():
        if name != "picture" and not isinstance(value, str):
            raise EventFieldError(name, f"expected text, found {_describe(value)}")
    try:
        return EVENT_TYPES[kind](**values, origin=origin)
    except EventFieldError:
        raise
    except (TypeError, ValueError) as exc:  # pragma: no cover - validators raise EventFieldError
        raise EventFieldError("?", str(exc)) from None


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _flag(value: Any, text_only: bool) -> bool:
    if isinstance(value, bool):
        return value
    if text_only and isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise EventFieldError("picture", f"expected true or false, found {_describe(value)}")


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal | float):
        return f"the number {value}" if len(str(value)) < 30 else "a number"
    if isinstance(value, str):
        return repr(value) if len(value) < 40 else repr(value[:37] + "...")
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _record_id(record: Mapping[str, Any]) -> str | None:
    value = record.get("id")
    return value.strip() or None if isinstance(value, str) else None


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record = dict(pairs)
    if len(record) != len(pairs):
        seen: set[str] = set()
        repeated = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise _Bad(f"field {repeated!r} appears twice")
    return record


class _Sink:
    """Rows and rejections as they are read, with the running sum of their fingerprints."""

    def __init__(self, places: Places | None = None) -> None:
        self.places = Places() if places is None else places
        self.rows: list[Row] = []
        self.rejections: list[Rejection] = []
        self.prints = 0

    def event(self, event: Event, pos: int) -> None:
        row = row_of(event, pos)
        self.rows.append(row)
        self.prints += fingerprint(row)

    def reject(self, rejection: Rejection) -> None:
        self.rejections.append(rejection)
        self.prints += rejection_fingerprint(rejection.reason)

    def result(self) -> ReadResult:
        return ReadResult._of(self.rows, self.places, tuple(self.rejections), self.prints)


def _shapes() -> dict[str, tuple[int, str, frozenset[str], str | None, str | None, bool, str | None]]:
    """For each type: its kind number, its name, the keys it needs, which fields fill the ``item``,
    ``a`` and ``b`` slots, and whether ``a`` takes few distinct values (a topic, a channel…)."""
    shapes = {}
    words = ("topic", "channel", "level", "category", "leader")
    for code, cls in enumerate(KINDS):
        _unit, item, a, b = LAYOUT[cls]
        required = frozenset(_REQUIRED_BY_TYPE[cls.kind]) | {"type"}
        shapes[cls.kind] = (code, cls.kind, required, item, a, a in words, b)
    return shapes


_SHAPES: Final = _shapes()
_SCAN: Final[Callable[[str, int], tuple[Any, int]]] = json.scanner.make_scanner(
    json.JSONDecoder(parse_float=Decimal, parse_int=Decimal)  # type: ignore[arg-type]
)
_TAILS: Final = frozenset({"", "\n", "\r\n"})
_SHA256 = hashlib.sha256
_NUMBER = int.from_bytes


_DIGEST: Final = methodcaller("digest")


class _NotPlain(Exception):
    """A record is not of the plain shape: the general checks will read it."""


class _Plain:
    """Reads records of the plain shape into rows, without the general checks.

    Plain: one JSON object whose keys appear once (a line has as many colons as its record has
    keys only then), with no escapes, of a known type, with every field that must be present
    and no other, every value non-empty text without surrounding white space (``picture`` a
    boolean), and dates written YYYY-MM-DD. Nearly every record that a system writes is plain;
    anything else goes to :func:`parse_record`, which gives the same event or says what is wrong.

    Values that recur (dates, units, topics, channels…) are checked once and then shared.
    """

    def __init__(self) -> None:
        self.dates: dict[str, dt.date] = {}
        self.words: dict[str, str] = {}
        self.prints = 0

    def date(self, text: Any) -> dt.date:
        """A date written YYYY-MM-DD, remembered; anything else is not plain."""
        if text.__class__ is not str or len(text) != 10 or not text[4] == text[7] == "-":
            raise _NotPlain
        try:
            day = self.dates[text] = parse_date(text)
        except ValueError:
            raise _NotPlain from None
        return day

    def word(self, text: Any) -> str:
        """Non-empty text without surrounding white space, remembered and shared; else not plain."""
        if text.__class__ is not str or not text or text.strip() != text:
            raise _NotPlain
        self.words[text] = text
        return text

    def rows(self, records: Sequence[Any], pos: int, out: list[Row]) -> list[int]:
        """Append the rows of the plain records among ``records`` to ``out``; return the others' indexes.

        ``records[i]`` was read at position ``pos + i``. The loop is written out in one piece,
        with everything it needs in local names, because it runs once for every record of a log.
        """
        shapes, dates, words = _SHAPES, self.dates, self.words
        known_date, known_word, date, word = dates.get, words.get, self.date, self.word
        append = out.append
        misses = []
        texts: list[str] = []
        text = texts.append
        for index, record in enumerate(records):
            try:
                code, kind, required, item_key, a_key, a_word, b_mode = shapes[record["type"]]
                if not record.keys() >= required:
                    raise _NotPlain
                eid = record["id"]
                if eid.__class__ is not str or not eid or eid.strip() != eid:
                    raise _NotPlain
                iso = record["date"]
                day = known_date(iso) or date(iso)
                present = 3
                unit = record.get("unit")
                if unit is not None:
                    unit = known_word(unit) or word(unit)
                    present += 1
                item = record.get(item_key)
                if item is not None:
                    if item.__class__ is not str or not item or item.strip() != item:
                        raise _NotPlain
                    present += 1
                a = record.get(a_key)
                if a is not None:
                    if a_word:
                        a = known_word(a) or word(a)
                    elif a.__class__ is not str or not a or a.strip() != a:
                        raise _NotPlain
                    present += 1
                b = b_text = record.get(b_mode)
                if b is not None:
                    present += 1
                    if b_mode == "picture":
                        if b.__class__ is not bool:
                            raise _NotPlain
                        b_text = "true" if b else ""
                    elif b_mode == "due":
                        b = known_date(b) or date(b)
                    elif b.__class__ is not str or not b or b.strip() != b:
                        raise _NotPlain
                elif b_mode == "picture":
                    b, b_text = False, ""
                if present != len(record):
                    raise _NotPlain
            except (_NotPlain, KeyError, TypeError):
                misses.append(index)
                continue
            text("\x1f".join((kind, eid, iso, unit or "", item or "", a or "", b_text or "")))
            append((day, eid, code, unit, item, a, b, pos + index))
        # The rows' fingerprints (see _rows.fingerprint), hashed all at once.
        digests = map(_DIGEST, map(hashlib.sha256, map(str.encode, texts)))
        self.prints += sum(map(int.from_bytes, digests, repeat("big")))  # type: ignore[arg-type]
        return misses


_BLOCK: Final = 1 << 20


def _blocks(stream: BinaryIO) -> Iterator[bytes]:
    """Whole lines, about a megabyte at a time; only the last block may lack its final newline.

    A line longer than a block is gathered in parts and joined once, never copied again and again.
    """
    pending: list[bytes] = []  # the start of a line that has not ended yet
    while chunk := stream.read(_BLOCK):
        cut = chunk.rfind(b"\n") + 1
        if not cut:
            pending.append(chunk)
            continue
        yield b"".join([*pending, chunk[:cut]])
        pending = [chunk[cut:]] if cut < len(chunk) else []
    if pending:
        yield b"".join(pending)


def _plain_block(block: bytes) -> list[Any] | None:
    """The records of a block of lines when every line is one flat JSON object; else ``None``.

    One parse of the block as a JSON array is much quicker than one parse a line. It is exact
    only when the array's elements are the lines: every line starts with ``{`` and ends with
    ``}``, and there is no other ``{`` and no ``[`` (a JSON string cannot hold a line break, so
    no line can hold two objects or share one with the next). No escapes, and as many colons as
    keys (no key repeated), make the records candidates for :meth:`_Plain.rows`. Anything else
    is read line by line.
    """
    if not block.endswith(b"\n"):
        block += b"\n"
    if not block.startswith(b"{") or b"\\" in block or b"\r" in block or b"[" in block:
        return None
    joined = block[:-1].replace(b"}\n{", b"},{")
    n = block.count(b"\n")  # "\n", "{", ":" never occur inside a multi-byte UTF-8 character
    if b"\n" in joined or not joined.endswith(b"}") or block.count(b"{") != n:
        return None
    try:
        array = (b"[" + joined + b"]").decode("utf-8")
        records, end = _SCAN(array, 0)
    except (ValueError, StopIteration, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    if end != len(array) or len(records) != n or block.count(b":") != sum(map(len, records)):
        return None
    return records  # type: ignore[no-any-return]


def _read_jsonl(blocks: Iterable[bytes], name: str, sink: _Sink) -> None:
    """Read JSON Lines, given in blocks of whole lines, into ``sink``.

    Plain records (see :class:`_Plain`) become rows directly; every other line goes through
    the general checks, which give the same event or say exactly what is wrong.
    """
    base = sink.places.add_file(name)
    plain = _Plain()
    rows = sink.rows
    number = 0  # lines before this block
    for index, block in enumerate(blocks):
        if index == 0 and block.startswith(_BOM):
            block = block[3:]
        records = _plain_block(block)
        if records is None:
            lines = _lines(block)
            for offset, raw in enumerate(lines, start=1):
                _read_plain_or_not(raw, Origin(name, number + offset), base + number + offset, plain, sink)
        else:
            start = len(rows)
            misses = plain.rows(records, base + number + 1, rows)
            if misses:
                lines = _lines(block)
                plain_rows = len(rows)
                for index in misses:
                    origin = Origin(name, number + index + 1)
                    _read_line(lines[index], origin, base + number + index + 1, sink)
                if len(rows) > plain_rows:  # keep the block's events in the order of their lines
                    rows[start:] = sorted(rows[start:], key=itemgetter(POS))
        number += len(records) if records is not None else len(lines)
    sink.prints += plain.prints
    sink.places.end_file(number)


def _lines(block: bytes) -> list[bytes]:
    lines = block.split(b"\n")
    if block.endswith(b"\n"):
        lines.pop()
    return lines


def _read_plain_or_not(raw: bytes, origin: Origin, pos: int, plain: _Plain, sink: _Sink) -> None:
    """One line on its own: quickly if it is plain, else through the general checks."""
    try:
        line = raw.decode("utf-8")
        record, end = _SCAN(line, 0)
        if (
            record.__class__ is dict
            and (end == len(line) or line[end:] in _TAILS)
            and line.count(":") == len(record)
            and "\\" not in line
            and not plain.rows((record,), pos, sink.rows)
        ):
            return
    except (ValueError, StopIteration, RecursionError, KeyError, TypeError):
        pass  # not plain: UnicodeDecodeError and JSONDecodeError are ValueErrors
    _read_line(raw, origin, pos, sink)


def _read_line(raw: bytes, origin: Origin, pos: int, sink: _Sink) -> None:
    """One line, with every check, and the exact reason when it is refused."""
    if not raw.strip():
        return
    record: Any = None
    text = ""
    try:
        text = raw.decode("utf-8")
        record = json.loads(text, object_pairs_hook=_pairs, parse_float=Decimal, parse_int=Decimal)
        if not isinstance(record, dict):
            raise _Bad(f"expected a JSON object, found {_describe(record)}")
        if b"\\u" in raw:
            _refuse_surrogates(record)
        sink.event(parse_record(record, origin), pos)
    except UnicodeDecodeError as exc:
        sink.reject(Rejection(origin, None, f"not valid UTF-8 (byte {exc.start + 1} of the line)"))
    except EventFieldError as exc:
        sink.reject(Rejection(origin, _record_id(record), exc.reason))
    except _Bad as exc:
        sink.reject(Rejection(origin, _lenient_id(text), str(exc)))
    except RecursionError:
        sink.reject(Rejection(origin, None, "malformed JSON: nested too deeply"))
    except ValueError as exc:  # json.JSONDecodeError
        sink.reject(Rejection(origin, None, f"malformed JSON: {exc}"))


def parse_jsonl(data: bytes, name: str) -> ReadResult:
    """Read JSON Lines: one JSON object a line, UTF-8 (a byte-order mark is allowed); blank lines skipped."""
    sink = _Sink()
    _read_jsonl(_blocks(io.BytesIO(data)), name, sink)
    return sink.result()


def _refuse_surrogates(record: dict[str, Any]) -> None:
    """JSON may escape a lone surrogate (``\\ud800``), which is no character: refuse the record."""
    for key, value in record.items():
        if isinstance(value, str) and any("\ud800" <= ch <= "\udfff" for ch in value):
            raise EventFieldError(
                key, "contains a lone surrogate escape (\\ud800–\\udfff), which is not a character"
            )


def _lenient_id(text: str) -> str | None:
    """The id of a record refused for its form (a repeated key), for the message, if it can be read."""
    try:
        record = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return _record_id(record) if isinstance(record, dict) else None


def _decode_lines(data: bytes) -> tuple[str, set[int], str]:
    """Decode a spreadsheet export line by line; return the text, the lines that failed, and the encoding.

    UTF-8 with a byte-order mark is UTF-8. Otherwise the file is UTF-8 when its non-ASCII lines
    mostly decode as UTF-8, else GB18030. A line that does not decode in the file's encoding is
    kept (with replacement characters) and its number returned, so that only its row is rejected.
    """
    if data.startswith(_BOM):
        data, encoding = data[3:], "utf-8"
    else:
        encoding = ""
    lines = data.split(b"\n")
    if not encoding:
        good = bad = 0
        for line in lines:
            if not line.isascii():
                try:
                    line.decode("utf-8")
                    good += 1
                except UnicodeDecodeError:
                    bad += 1
        encoding = "utf-8" if good >= bad else "gb18030"
    failed: set[int] = set()
    texts = []
    for number, line in enumerate(lines, start=1):
        try:
            texts.append(line.decode(encoding))
        except UnicodeDecodeError:
            failed.add(number)
            texts.append(line.decode(encoding, errors="replace"))
    return "\n".join(texts), failed, "UTF-8" if encoding == "utf-8" else "GB18030"


def decode_text(data: bytes) -> str:
    """Decode a spreadsheet export: UTF-8 with or without byte-order mark, else GB18030."""
    return _decode_lines(data)[0]


def parse_csv(data: bytes, name: str, *, delimiter: str = ",") -> ReadResult:
    """Read CSV: a header row of field names, one event a row; an empty cell is an absent field.

    UTF-8 (with or without byte-order mark) and GB18030 are told apart by the reader itself. A
    row that the CSV rules refuse (an unclosed quote, a stray quote) is rejected, and reading
    goes on from the line after the one it started on, so no later row is lost in it.
    """
    sink = _Sink()
    _read_csv(data, name, sink, delimiter)
    return sink.result()


def _read_csv(data: bytes, name: str, sink: _Sink, delimiter: str) -> None:
    text, undecodable, encoding = _decode_lines(data)
    base = sink.places.add_file(name)
    header: list[str] | None = None
    header_problem: str | None = None
    for row, start, end in _rows(text, name, sink.reject, delimiter):
        origin = Origin(name, start)
        if not any(cell.strip() for cell in row):
            continue
        bad_bytes = any(n in undecodable for n in range(start, end + 1))
        if header is None:
            header = [cell.strip().lower() for cell in row]
            seen = [h for i, h in enumerate(header) if h in header[:i]]
            missing = [h for h in ("id", "type", "date") if h not in header]
            if bad_bytes:
                header_problem = f"the header row is not valid {encoding}"
            elif seen:
                header_problem = f"the header names the column {seen[0]!r} twice"
            elif missing:
                header_problem = (
                    f"the header has no column {missing[0]!r}; it must name the fields (id,type,date,…)"
                )
            continue
        record = dict(zip(header, row, strict=False))
        eid = _record_id(record)
        if header_problem:
            sink.reject(Rejection(origin, eid, header_problem))
        elif bad_bytes:
            sink.reject(Rejection(origin, eid, f"the row is not valid {encoding}, the file's encoding"))
        elif len(row) != len(header):
            reason = f"the row has {len(row)} cells but the header has {len(header)} columns"
            sink.reject(Rejection(origin, eid, reason))
        else:
            try:
                sink.event(parse_record(record, origin, text_only=True), base + start)
            except EventFieldError as exc:
                sink.reject(Rejection(origin, eid, exc.reason))
    sink.places.end_file(text.count("\n") + 1)


def _rows(
    text: str, name: str, reject: Callable[[Rejection], None], delimiter: str
) -> Iterator[tuple[list[str], int, int]]:
    """Each CSV record with its first and last line.

    A record that the csv module refuses is rejected at the line it starts on, and reading starts
    again on the next line, so an unclosed quote costs one row, not the rest of the file.
    """
    lines = io.StringIO(text, newline="").readlines()
    first = 0  # index of the next line to read
    while first < len(lines):
        reader = csv.reader(iter(lines[first:]), delimiter=delimiter, strict=True)
        done = 0  # lines consumed by this reader so far
        try:
            for row in reader:
                yield row, first + done + 1, first + reader.line_num
                done = reader.line_num
            return
        except csv.Error as exc:
            start = first + done + 1
            detail = "a quoted cell is never closed" if "unexpected end of data" in str(exc) else str(exc)
            reject(Rejection(Origin(name, start), None, f"malformed CSV row: {detail}"))
            first = start


_JSONL_NAMES: Final = (".jsonl", ".ndjson", ".json")


def _kind_of(name: str, data: bytes) -> str:
    lower = name.lower()
    if lower.endswith(_JSONL_NAMES):
        return "jsonl"
    if lower.endswith(".tsv"):
        return "tsv"
    if lower.endswith(".csv"):
        return "csv"
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return "jsonl" if head == b"{" else "csv"


def read_events(paths: Iterable[str | Path]) -> ReadResult:
    """Read event logs from files (``-`` is standard input), each as JSON Lines or CSV by its name.

    A file that cannot be read gives one rejection at line 0 naming the problem; reading goes on
    with the next file. JSON Lines files are read line by line, never whole.
    """
    sink = _Sink()
    with quiet_collector():
        for path in paths:
            name = str(path)
            try:
                if name == "-":
                    _read_stream(sys.stdin.buffer, name, sink)
                else:
                    with Path(path).open("rb") as stream:
                        _read_stream(stream, name, sink)
            except OSError as exc:
                reason = exc.strerror or exc.__class__.__name__
                sink.reject(Rejection(Origin(name, 0), None, f"cannot read the file: {reason}"))
    return sink.result()


def _read_stream(stream: BinaryIO, name: str, sink: _Sink) -> None:
    if name.lower().endswith(_JSONL_NAMES):
        _read_jsonl(_blocks(stream), name, sink)  # a block at a time: a large log is never held whole
        return
    data = stream.read()
    kind = _kind_of(name, data)
    if kind == "jsonl":
        _read_jsonl(_blocks(io.BytesIO(data)), name, sink)
    else:
        _read_csv(data, name, sink, "\t" if kind == "tsv" else ",")
