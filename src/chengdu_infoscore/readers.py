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
import io
import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import attrs

from .events import EVENT_TYPES, Event, Origin
from .exceptions import EventFieldError
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


@attrs.frozen
class ReadResult:
    """What reading gave: the events, in the order read, and the records rejected."""

    events: tuple[Event, ...]
    rejections: tuple[Rejection, ...]

    def __add__(self, other: ReadResult) -> ReadResult:
        return ReadResult(self.events + other.events, self.rejections + other.rejections)


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


def parse_jsonl(data: bytes, name: str) -> ReadResult:
    """Read JSON Lines: one JSON object a line, UTF-8 (a byte-order mark is allowed); blank lines skipped."""
    events: list[Event] = []
    rejections: list[Rejection] = []
    if data.startswith(_BOM):
        data = data[3:]
    for number, raw in enumerate(data.split(b"\n"), start=1):
        origin = Origin(name, number)
        if not raw.strip():
            continue
        record: Any = None
        try:
            text = raw.decode("utf-8")
            record = json.loads(text, object_pairs_hook=_pairs, parse_float=Decimal, parse_int=Decimal)
            if not isinstance(record, dict):
                raise _Bad(f"expected a JSON object, found {_describe(record)}")
            if b"\\u" in raw:
                _refuse_surrogates(record)
            events.append(parse_record(record, origin))
        except UnicodeDecodeError as exc:
            rejections.append(Rejection(origin, None, f"not valid UTF-8 (byte {exc.start + 1} of the line)"))
        except EventFieldError as exc:
            rejections.append(Rejection(origin, _record_id(record), exc.reason))
        except _Bad as exc:
            rejections.append(Rejection(origin, _lenient_id(text), str(exc)))
        except RecursionError:
            rejections.append(Rejection(origin, None, "malformed JSON: nested too deeply"))
        except ValueError as exc:  # json.JSONDecodeError
            rejections.append(Rejection(origin, None, f"malformed JSON: {exc}"))
    return ReadResult(tuple(events), tuple(rejections))


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
    events: list[Event] = []
    rejections: list[Rejection] = []
    text, undecodable, encoding = _decode_lines(data)
    header: list[str] | None = None
    header_problem: str | None = None
    for row, start, end in _rows(text, name, rejections, delimiter):
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
            rejections.append(Rejection(origin, eid, header_problem))
        elif bad_bytes:
            rejections.append(Rejection(origin, eid, f"the row is not valid {encoding}, the file's encoding"))
        elif len(row) != len(header):
            reason = f"the row has {len(row)} cells but the header has {len(header)} columns"
            rejections.append(Rejection(origin, eid, reason))
        else:
            try:
                events.append(parse_record(record, origin, text_only=True))
            except EventFieldError as exc:
                rejections.append(Rejection(origin, eid, exc.reason))
    return ReadResult(tuple(events), tuple(rejections))


def _rows(
    text: str, name: str, rejections: list[Rejection], delimiter: str
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
            rejections.append(Rejection(Origin(name, start), None, f"malformed CSV row: {detail}"))
            first = start


def _kind_of(name: str, data: bytes) -> str:
    lower = name.lower()
    if lower.endswith((".jsonl", ".ndjson", ".json")):
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
    with the next file.
    """
    result = ReadResult((), ())
    for path in paths:
        name = str(path)
        try:
            data = sys.stdin.buffer.read() if name == "-" else Path(path).read_bytes()
        except OSError as exc:
            reason = exc.strerror or exc.__class__.__name__
            result += ReadResult((), (Rejection(Origin(name, 0), None, f"cannot read the file: {reason}"),))
            continue
        kind = _kind_of(name, data)
        if kind == "jsonl":
            result += parse_jsonl(data, name)
        else:
            result += parse_csv(data, name, delimiter="\t" if kind == "tsv" else ",")
    return result
