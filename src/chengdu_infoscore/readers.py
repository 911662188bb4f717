"""Readers of the event-log interchange form (events.md): JSON Lines and CSV.

A reader turns every record into an :class:`~.events.Event` or into a
:class:`~.results.Rejection` that names the file, the line, the event id and the reason. It
reports every problem, never only the first, and never raises on a bad record. A file that is
not an event log at all (a JSON array, a CSV export without its header row, UTF-16, gzip…) or
that cannot be read is another matter: that is an :class:`~.exceptions.EventFileError`, never
zero events.

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

import contextlib
import datetime as dt
import functools
import hashlib
import io
import json
import json.scanner
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from itertools import repeat
from operator import itemgetter, methodcaller
from typing import Any, BinaryIO, Final

import attrs

from ._arguments import many, need
from ._codecs import CODECS, POS, Row, Shape, event_of, fingerprint, plainly_joined, row_of, text_of
from ._codecs import joined as plain_join
from ._places import Places, quiet_collector
from ._time import parse_date
from .events import RECORD_TYPES, Event, Origin
from .exceptions import ArgumentError, ArgumentTypeError, EventFieldError, EventFileError
from .messages import Message
from .provenance import rejected_print
from .results import Rejection

__all__ = ["FIELDS", "ReadResult", "parse_csv", "parse_jsonl", "parse_record", "read_events"]

_FIELDS_BY_TYPE: Final[dict[str, tuple[str, ...]]] = {
    kind: tuple(a.name for a in attrs.fields(cls) if a.name != "origin") for kind, cls in RECORD_TYPES.items()
}
_REQUIRED_BY_TYPE: Final[dict[str, tuple[str, ...]]] = {
    kind: tuple(a.name for a in attrs.fields(cls) if a.name != "origin" and a.default is attrs.NOTHING)
    for kind, cls in RECORD_TYPES.items()
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
    "points",
    "event",
    "role",
    "name",
    "title",
    "phone",
    "left",
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
        prints = sum(map(fingerprint, rows)) + sum(map(rejected_print, rejected))
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
    """A record cannot become an event, for this reason (a :class:`Message`)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.text("en"))
        self.message = message


class _FileProblem(Exception):
    """A file is not an event log, or cannot be read: the reason says what it looks like."""


class _HugeNumber:
    """A JSON number with an exponent beyond :class:`~decimal.Decimal` (``1e99999999999999999999``).

    JSON allows it; no field of an event is a number, so it is only ever something to refuse.
    """

    __slots__ = ()


_HUGE: Final = _HugeNumber()


def _number(text: str) -> Decimal | _HugeNumber:
    """A JSON number, exactly; never an error, whatever its size (an ``int`` would refuse 4300 digits)."""
    try:
        return Decimal(text)
    except ArithmeticError:  # decimal.InvalidOperation: an exponent of twenty digits or more
        return _HUGE


def parse_record(
    record: Mapping[str, Any], origin: Origin | None = None, *, text_only: bool = False
) -> Event:
    """Turn one record of the event-log form into an event.

    Args:
        record: field name → value; ``None`` (JSON null, an empty CSV cell) means absent.
        origin: where the record was read, kept on the event for messages.
        text_only: the values are all text (CSV): a value of white space only is absent, and
            ``picture`` is read from ``true``/``false``.

    Raises:
        ArgumentTypeError: ``record`` is not a mapping (a dict), ``origin`` not an
            :class:`~.events.Origin` or ``None``, or ``text_only`` not a bool; a ``TypeError``.
        EventFieldError: with a reason naming the field and what was expected.
    """
    need("record", record, Mapping, "a mapping of field names to values (a dict)")
    if origin is not None:
        need("origin", origin, Origin, "an Origin or None")
    need("text_only", text_only, bool, "True or False")
    return _parse_record(record, origin, text_only=text_only)


def _parse_record(
    record: Mapping[str, Any], origin: Origin | None = None, *, text_only: bool = False
) -> Event:
    """:func:`parse_record` of a record the readers made: its arguments need no check."""
    present = {
        k: v
        for k, v in record.items()
        if v is not None and not (text_only and isinstance(v, str) and not v.strip())
    }
    kind = present.get("type")
    if kind is None:
        raise EventFieldError("type", Message.of("rejected.missing_field", field="'type'"))
    if not isinstance(kind, str) or kind.strip() not in RECORD_TYPES:
        known = ", ".join(RECORD_TYPES)
        shown = Message.of(_LITERAL, value=repr(kind)) if isinstance(kind, str) else _describe(kind)
        raise EventFieldError("type", Message.of("rejected.unknown_type", found=shown, known=known))
    kind = kind.strip()
    fields = _FIELDS_BY_TYPE[kind]
    for name in present:
        if name == "type":
            continue
        if name not in fields:
            code = "rejected.field_not_of_type" if name in _ALL_FIELDS else "rejected.unknown_field"
            raise EventFieldError(
                name, Message.of(code, field=repr(name), record=_a(kind), fields=", ".join(fields))
            )
    for name in _REQUIRED_BY_TYPE[kind]:
        if name not in present:
            raise EventFieldError(
                name, Message.of("rejected.missing_field_for", field=repr(name), record=_a(kind))
            )
    values = {k: v for k, v in present.items() if k != "type"}
    for flag in _FLAGS.intersection(values):
        values[flag] = _flag(values[flag], text_only, flag)
    for name, value in values.items():
        if name == "points":  # a JSON number or text (events.md): the event checks the figure
            if isinstance(value, _HugeNumber):
                raise EventFieldError(name, Message.of("rejected.huge_number", field=repr(name)))
            continue
        if name not in _FLAGS and not isinstance(value, str):
            found = _describe(value)
            raise EventFieldError(name, Message.of("rejected.expected_text", field=repr(name), found=found))
    try:
        return RECORD_TYPES[kind](**values, origin=origin)
    except EventFieldError:
        raise
    except (TypeError, ValueError) as exc:  # pragma: no cover - validators raise EventFieldError
        raise EventFieldError("?", str(exc)) from None


def _a(kind: str) -> Message:
    """A record of the type, as messages name it: ``an adopted event``, ``a withdrawn record``."""
    return Message.of(f"rejected.record.{kind}")


#: The fields that hold true or false (in CSV also 1/0, yes/no, 是/否).
_FLAGS: Final = frozenset({"picture", "left"})


def _flag(value: Any, text_only: bool, field: str = "picture") -> bool:
    if isinstance(value, bool):
        return value
    if text_only and isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    found = _describe(value)
    raise EventFieldError(field, Message.of("rejected.expected_boolean", field=repr(field), found=found))


_LITERAL: Final = "rejected.found.literal"


def _describe(value: Any) -> Message:
    """What a JSON value is, as a rejection says it found it."""
    if value is None:
        return Message.of(_LITERAL, value="null")
    if isinstance(value, bool):
        return Message.of(_LITERAL, value="true" if value else "false")
    if isinstance(value, _HugeNumber):
        return Message.of("rejected.found.big_number")
    if isinstance(value, int | Decimal | float):
        if len(str(value)) < 30:
            return Message.of("rejected.found.number", value=str(value))
        return Message.of("rejected.found.big_number")
    if isinstance(value, str):
        return Message.of(_LITERAL, value=repr(value) if len(value) < 40 else repr(value[:37] + "..."))
    if isinstance(value, list):
        return Message.of("rejected.found.list")
    if isinstance(value, dict):
        return Message.of("rejected.found.object")
    return Message.of(_LITERAL, value=type(value).__name__)


def _record_id(record: Mapping[str, Any]) -> str | None:
    value = record.get("id")
    return value.strip() or None if isinstance(value, str) else None


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record = dict(pairs)
    if len(record) != len(pairs):
        seen: set[str] = set()
        repeated = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise _Bad(Message.of("rejected.field_twice", field=repr(repeated)))
    return record


class _Sink:
    """Rows and rejections as they are read, with the running sum of their fingerprints."""

    def __init__(self, places: Places | None = None) -> None:
        self.places = Places() if places is None else places
        self.rows: list[Row] = []
        self.rejections: list[Rejection] = []
        self.prints = 0
        # The lines of the JSON Lines file being read that are not plain ASCII, by what they
        # decode as: mostly GB18030 is a file in the wrong encoding, not a few bad lines.
        self.utf8 = self.gb18030 = self.neither = 0

    def event(self, event: Event, pos: int) -> None:
        row = row_of(event, pos)
        self.rows.append(row)
        self.prints += fingerprint(row)

    def reject(self, rejection: Rejection) -> None:
        """A record not read as an event: it counts in the digest by what was read (its record)."""
        self.rejections.append(rejection)
        self.prints += rejected_print(rejection)

    def result(self) -> ReadResult:
        return ReadResult._of(self.rows, self.places, tuple(self.rejections), self.prints)


#: Each type's reader shape (see ``_codecs.Shape``), by its type word. A contact has none: its
#: record always takes the general checks (contacts are few).
_SHAPES: Final[dict[str, Shape]] = {codec.kind: codec.shape for codec in CODECS if codec.kind != "contact"}
# Numbers are read exactly and never raise (see _number); NaN and Infinity, which Python's json
# accepts, become Decimal values too, to be refused as any number is.
_SCAN: Final[Callable[[str, int], tuple[Any, int]]] = json.scanner.make_scanner(
    json.JSONDecoder(parse_float=_number, parse_int=_number, parse_constant=Decimal)  # type: ignore[arg-type]
)
_DECODE: Final = json.JSONDecoder(
    object_pairs_hook=_pairs,
    parse_float=_number,
    parse_int=_number,
    parse_constant=Decimal,
).decode
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

    def rows(self, records: Sequence[Any], pos: int, out: list[Row], *, separators: bool = True) -> list[int]:
        """Append the rows of the plain records among ``records`` to ``out``; return the others' indexes.

        ``separators``: whether a text of the records may hold a fingerprint separator (U+001E or
        U+001F); a block of JSON Lines holds one only where it writes ``\\u001e``/``\\u001f``.

        ``records[i]`` was read at position ``pos + i``. The loop is written out in one piece,
        with everything it needs in local names, because it runs once for every record of a log.
        """
        shapes, dates, words, joined = _SHAPES, self.dates, self.words, plain_join
        known_date, known_word, date, word = dates.get, words.get, self.date, self.word
        append = out.append
        misses = []
        texts: list[str] = []
        text = texts.append
        for index, record in enumerate(records):
            try:
                code, kind, required, unit_key, item_key, a_key, a_word, b_mode = shapes[record["type"]]
                if not record.keys() >= required:
                    raise _NotPlain
                eid = record["id"]
                if eid.__class__ is not str or not eid or eid.strip() != eid:
                    raise _NotPlain
                iso = record["date"]
                day = known_date(iso) or date(iso)
                present = 3
                unit = record.get(unit_key)
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
            # The fingerprint text (_codecs.fingerprint_text), each slot as _codecs.slot_text writes
            # it: the dates as read (plain: YYYY-MM-DD), a picture as "true" or nothing.
            text(joined((kind, eid, iso, unit or "", item or "", a or "", b_text or "")))
            append((day, eid, code, unit, item, a, b, pos + index))
        if separators and not plainly_joined(texts):  # a part held one: the texts as the codecs write them
            texts = [text_of(row) for row in out[len(out) - len(texts) :]]
        # The rows' fingerprints (see _codecs.fingerprint), hashed all at once.
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

    Raises:
        _FileProblem: the file is not JSON Lines (binary, UTF-16, GB18030, a JSON array, CSV…).
    """
    base = sink.places.add_file(name)
    plain = _Plain()
    rows = sink.rows
    sink.utf8 = sink.gb18030 = sink.neither = 0
    before = len(rows) + len(sink.rejections)
    number = 0  # lines before this block
    looking = True  # for the first line that is not blank, to tell what the file is
    for index, block in enumerate(blocks):
        if index == 0:
            _refuse_binary(block)
            if block.startswith(_BOM):
                block = block[3:]
        if looking:
            looking = _refuse_other_forms(block)
        records = _plain_block(block)
        if records is None:
            lines = _lines(block)
            for offset, raw in enumerate(lines, start=1):
                _read_plain_or_not(raw, Origin(name, number + offset), base + number + offset, plain, sink)
        else:
            if not block.isascii():
                sink.utf8 += len(records)
            start = len(rows)
            # A control character in JSON is always escaped: without "\u001" none is a separator.
            misses = plain.rows(records, base + number + 1, rows, separators=b"\\u001" in block)
            if misses:
                lines = _lines(block)
                plain_rows = len(rows)
                for index in misses:
                    origin = Origin(name, number + index + 1)
                    _read_line(lines[index], origin, base + number + index + 1, sink)
                if len(rows) > plain_rows:  # keep the block's events in the order of their lines
                    rows[start:] = sorted(rows[start:], key=itemgetter(POS))
        number += len(records) if records is not None else len(lines)
    if _mostly_gb18030(sink, len(rows) + len(sink.rejections) - before):
        raise _FileProblem(
            "this looks like GB18030 (most of its lines that are not ASCII are not UTF-8 but read as"
            " GB18030); JSON Lines must be UTF-8: save it as UTF-8"
        )
    sink.prints += plain.prints
    sink.places.end_file(number)


def _gb18030_evidence(gb18030: int, utf8: int, neither: int, records: int) -> bool:
    """A file that should be UTF-8 (JSON Lines, or CSV with a UTF-8 byte-order mark) is GB18030,
    not UTF-8 with a few bad lines.

    The evidence must be real: the lines that are not UTF-8 but read as GB18030 are more than
    half of the lines that are not plain ASCII (``gb18030 + utf8 + neither``), and more than a
    quarter of all the file's records (its non-blank lines). A daily file of ASCII lines with
    one line pasted in GB18030 loses that line only; a file of GB18030 lines is refused whole.
    """
    return gb18030 * 2 > gb18030 + utf8 + neither and gb18030 * 4 > records


def _mostly_gb18030(sink: _Sink, records: int) -> bool:
    """The JSON Lines file just read is GB18030 (see :func:`_gb18030_evidence`).

    A block read at once, all UTF-8 and not all ASCII, counts each of its lines as UTF-8:
    counting its ASCII lines would cost the fast path a pass over every block, and such a block
    is no sign of GB18030.
    """
    return _gb18030_evidence(sink.gb18030, sink.utf8, sink.neither, records)


def _lines(block: bytes) -> list[bytes]:
    """The lines of a block, without their breaks: LF, CRLF, and a lone CR, as an editor shows them."""
    lines = block.split(b"\n")
    if block.endswith(b"\n"):
        lines.pop()
    if b"\r" in block:
        lines = [part for line in lines for part in _cr_parts(line)]
    return lines


def _cr_parts(line: bytes) -> list[bytes]:
    if line.endswith(b"\r"):
        line = line[:-1]
    return line.split(b"\r")


def _read_plain_or_not(raw: bytes, origin: Origin, pos: int, plain: _Plain, sink: _Sink) -> None:
    """One line on its own: quickly if it is plain, else through the general checks."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        _read_line(raw, origin, pos, sink)
        return
    if not line.isascii():
        sink.utf8 += 1
    try:
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
        if not text.strip():  # white space only (as a CSV row's cells are judged): a blank line
            return
        record = _DECODE(text)
        if not isinstance(record, dict):
            raise _Bad(Message.of("rejected.not_an_object", found=_describe(record)))
        if b"\\u" in raw:
            _refuse_surrogates(record)
        sink.event(_parse_record(record, origin), pos)
    except UnicodeDecodeError as exc:
        if _decodes(raw, "gb18030"):
            sink.gb18030 += 1
        else:
            sink.neither += 1
        eid = _id_before_error(raw.decode("utf-8", "replace"))
        said = Message.of("rejected.not_utf8", byte=exc.start + 1)
        sink.reject(Rejection(origin, eid, said, record=_unbroken_bytes(raw)))  # no text: the bytes read
    except EventFieldError as exc:
        sink.reject(Rejection(origin, _record_id(record), exc.message, record=_unbroken(text)))
    except _Bad as exc:
        sink.reject(Rejection(origin, _id_before_error(text), exc.message, record=_unbroken(text)))
    except RecursionError:
        said = Message.of("rejected.json_too_deep")
        sink.reject(Rejection(origin, _id_before_error(text), said, record=_unbroken(text)))
    except ValueError as exc:  # json.JSONDecodeError
        eid = _id_before_error(text, getattr(exc, "pos", None))
        sink.reject(Rejection(origin, eid, _malformed(exc), record=_unbroken(text)))


#: What Python's JSON reader says, by its words (json.decoder): in the catalogues as ``rejected.json.*``.
_JSON_PROBLEMS: Final = {
    "Expecting value": "expecting_value",
    "Expecting ',' delimiter": "expecting_comma",
    "Expecting ':' delimiter": "expecting_colon",
    "Expecting property name enclosed in double quotes": "expecting_name",
    "Extra data": "extra_data",
    "Unterminated string starting at": "unterminated_string",
    "Invalid control character at": "invalid_control",
    "Invalid \\escape": "invalid_escape",
}


def _malformed(exc: ValueError) -> Message:
    """Why a line is malformed JSON: what the JSON reader says, and where."""
    if not isinstance(exc, json.JSONDecodeError):  # pragma: no cover - the decoder raises only that
        return Message.of("rejected.text", text=f"malformed JSON: {exc}")
    known = _JSON_PROBLEMS.get(exc.msg)
    problem = Message.of(f"rejected.json.{known}") if known else Message.of(_LITERAL, value=exc.msg)
    return Message.of(
        "rejected.malformed_json", problem=problem, lineno=exc.lineno, colno=exc.colno, pos=exc.pos
    )


def parse_jsonl(data: bytes, name: str) -> ReadResult:
    """Read JSON Lines: one JSON object a line, UTF-8 (a byte-order mark is allowed); blank lines skipped.

    An empty file, or one of blank lines only, holds no events.

    Raises:
        ArgumentTypeError: ``data`` is not bytes, or ``name`` is not text; a ``TypeError``.
        EventFileError: the data is not JSON Lines (a JSON array, UTF-16, GB18030, gzip…).
    """
    data = _bytes(data, "parse_jsonl")
    name = _name(name)
    sink = _Sink()
    try:
        _read_jsonl(_blocks(io.BytesIO(data)), name, sink)
    except _FileProblem as exc:
        raise EventFileError([f"{name}: {exc}"]) from None
    return sink.result()


def _bytes(data: Any, function: str) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, bytearray):
        return bytes(data)
    hint = ": encode the text first, e.g. text.encode('utf-8')" if isinstance(data, str) else ""
    raise ArgumentTypeError(
        f"{function}: data must be bytes (a file's content), not {type(data).__name__}{hint}"
    )


def _name(name: Any) -> str:
    need("name", name, str, "the file's name, as messages give it (str)")
    return name  # type: ignore[no-any-return]


def _refuse_surrogates(record: dict[str, Any]) -> None:
    """JSON may escape a lone surrogate (``\\ud800``), which is no character: refuse the record."""
    for key, value in record.items():
        if isinstance(value, str) and any("\ud800" <= ch <= "\udfff" for ch in value):
            raise EventFieldError(key, Message.of("rejected.lone_surrogate_escape", field=repr(key)))


_SPACE: Final = re.compile(r"[ \t\n\r]*")
_SCAN_STRING: Final = json.decoder.scanstring  # type: ignore[attr-defined]


def _id_before_error(text: str, error: int | None = None) -> str | None:
    """The id of a line refused for its form (malformed JSON, not UTF-8, a repeated key), when it
    can be read without a guess; else ``None``.

    The line must start with ``{``. Its members are read as JSON, in order, each one only when a
    comma or the closing brace follows it, up to the end of the object or the first member that
    cannot be read so. The id is known when the members read hold ``id`` with a text value (the
    same text, if more than once), and the rest of the line (from the member that could not be
    read) does not hold ``"id"``: a member that may be another id, or an id followed by other
    text (``"id": "e"0"``), makes the line's id a guess. A line that is not valid UTF-8 is read
    with its bad bytes replaced (U+FFFD). So a copy of an event cut short (``{"id": "X", "type":
    "missed",``), or with a bad byte in its subject, still carries its id, as a CSV row with a
    cell too few does, and the rule of repeated ids applies to it alike.

    ``error`` is where the JSON error is, when the caller has parsed the line already.
    """
    space = _SPACE.match
    pos = space(text).end()  # type: ignore[union-attr]
    if not text.startswith("{", pos):
        return None
    ids: list[Any] = []
    try:  # the whole line is one object (a field named twice, bad bytes in a value): read at once
        if error is not None:
            raise json.JSONDecodeError("", text, error)
        members = _DECODE_MEMBERS(text)
        end = len(text)
    except json.JSONDecodeError as exc:
        members, end = _members_before(text, pos, exc.pos)
    except RecursionError:
        members, end = None, 0
    if members is None:
        end = _members_before_error(text, pos + 1, ids)
    else:
        ids = [value for key, value in members if key == "id"]
    if not ids or '"id"' in text[end:] or any(value != ids[0] for value in ids):
        return None
    return _record_id({"id": ids[0]})


class _Members(list):  # type: ignore[type-arg]
    """The members of a JSON object, in order, repeats kept."""


# A number is never an id: its value does not matter, so it is read as cheaply as can be.
_DECODE_MEMBERS: Final = json.JSONDecoder(
    object_pairs_hook=_Members, parse_float=len, parse_int=len, parse_constant=len
).decode


def _members_before(text: str, start: int, error: int) -> tuple[list[Any] | None, int]:
    """The members of the object opening at ``start`` that precede a JSON error at ``error``, and
    where they end; ``(None, 0)`` when a few tries do not find them (then
    :func:`_members_before_error` reads them one by one).

    Each try closes the line at the last comma or brace before the error, then before that one:
    the first that gives an object ends the last member followed by a comma or brace (a cut
    inside a string, an array or an inner object never closes). Each try runs at the speed of
    the json module, so a line of millions of members costs a few parses, not a loop.
    """
    for _ in range(8):
        cut = max(text.rfind(",", start, error), text.rfind("}", start, error))
        if cut < 0:
            return [], start + 1
        try:
            return _DECODE_MEMBERS(text[:cut] + "}"), cut + 1
        except (ValueError, RecursionError):
            error = cut
    return None, 0


def _members_before_error(text: str, pos: int, ids: list[Any]) -> int:
    """Read the members of the object opened before ``pos``, appending the values of ``id`` to
    ``ids``, up to the end of the object or the first member not followed by a comma or the
    closing brace; return where reading stopped."""
    space = _SPACE.match
    while True:
        member = pos = space(text, pos).end()  # type: ignore[union-attr]
        try:
            if not text.startswith('"', pos):
                raise ValueError
            key, pos = _SCAN_STRING(text, pos + 1)
            pos = space(text, pos).end()  # type: ignore[union-attr]
            if not text.startswith(":", pos):
                raise ValueError
            value, pos = _SCAN(text, space(text, pos + 1).end())  # type: ignore[union-attr]
            pos = space(text, pos).end()  # type: ignore[union-attr]
            if not text.startswith((",", "}"), pos):
                raise ValueError
        except (ValueError, StopIteration, RecursionError):
            pos = member
            break
        if key == "id":
            ids.append(value)
        pos += 1
        if text[pos - 1] == "}":
            break
    return pos


# -- what a file is, when it is not an event log ------------------------------------------------

# Formats that are not text, by the bytes they start with; "this looks like …".
_SIGNATURES: Final = (
    (b"\xff\xfe\x00\x00", "UTF-32 (byte-order mark); save it as UTF-8"),
    (b"\x00\x00\xfe\xff", "UTF-32 (byte-order mark); save it as UTF-8"),
    (b"\xff\xfe", "UTF-16 (byte-order mark); save it as UTF-8"),
    (b"\xfe\xff", "UTF-16 (byte-order mark); save it as UTF-8"),
    (b"\x1f\x8b", "gzip-compressed data; decompress it first"),
    (b"\xfd7zXZ\x00", "xz-compressed data; decompress it first"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data; decompress it first"),
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook?); unpack it, or export the sheet as CSV"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive; unpack it first"),
    (b"Rar!\x1a\x07", "a RAR archive; unpack it first"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel .xls workbook or another Office file; export it as CSV"),
    (b"%PDF-", "a PDF document, not an event log"),
    (b"SQLite format 3\x00", "an SQLite database, not an event log"),
)
_BZIP2: Final = re.compile(rb"BZh[1-9]1AY&SY")


def _refuse_binary(head: bytes) -> None:
    """Refuse a file whose first bytes show it is not UTF-8 or GB18030 text: UTF-16, gzip, an archive…"""
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            raise _FileProblem(f"this looks like {what}")
    if _BZIP2.match(head):
        raise _FileProblem("this looks like bzip2-compressed data; decompress it first")
    sample = head[:4096]
    nuls = sample.count(0)
    if nuls >= 2 and _utf32_without_mark(sample):
        raise _FileProblem(
            "this looks like UTF-32 (NUL bytes beside each character, no byte-order mark); save it as UTF-8"
        )
    if nuls >= 2 and nuls * 8 >= len(sample):
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if 4 * min(even, odd) <= max(even, odd):
            raise _FileProblem(
                "this looks like UTF-16 (NUL bytes between the characters, no byte-order mark);"
                " save it as UTF-8"
            )
    if nuls and nuls * 8 >= len(sample):
        raise _FileProblem("this looks like binary data (it is full of NUL bytes), not text")


def _utf32_without_mark(sample: bytes) -> bool:
    """Most groups of four bytes are one character of the Basic Multilingual Plane in UTF-32:
    two NUL bytes at its high end (``i\\0\\0\\0``, ``&\\x95\\0\\0`` little-endian; mirrored
    big-endian) and something beside them. UTF-16 never has two NUL bytes in a row there."""
    groups = len(sample) // 4
    if groups < 2:
        return False
    quads = [sample[i : i + 4] for i in range(0, groups * 4, 4)]
    little = sum(1 for q in quads if q[2:] == b"\0\0" and q[:2] != b"\0\0")
    big = sum(1 for q in quads if q[:2] == b"\0\0" and q[2:] != b"\0\0")
    return 4 * max(little, big) >= 3 * groups


_FIRST_LINE: Final = re.compile(rb"\s*([^\r\n]*)")
_JSON_ARRAY: Final = (
    "a JSON array, not JSON Lines (one object a line): write each event as an object on a line of its own"
)


def _refuse_other_forms(block: bytes) -> bool:
    """Refuse JSON Lines whose first line shows another form: a JSON array, pretty-printed JSON, CSV.

    Returns whether to look on: the block is blank, so the first line is still to come.
    """
    match = _FIRST_LINE.match(block)
    first = match.group(1) if match else b""
    if not first:
        return True
    if first.startswith(b"["):
        raise _FileProblem(f"this looks like {_JSON_ARRAY}")
    if first.rstrip() == b"{":
        raise _FileProblem(
            "this looks like one JSON object spread over several lines, not JSON Lines (one object a line)"
        )
    if not first.startswith(b"{") and _csv_header_like(first.decode("utf-8", "replace")):
        raise _FileProblem(
            "this looks like CSV (its first line is a header row naming id, type, date…), not JSON"
            " Lines: name the file .csv"
        )
    return False


def _csv_header_like(line: str, delimiters: str = ",\t;") -> bool:
    """The line names the fields id, type and date, separated by one of ``delimiters``."""
    for delimiter in delimiters:
        names = {cell.strip().strip('"').strip().lower() for cell in line.split(delimiter)}
        if {"id", "type", "date"} <= names:
            return True
    return False


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


# -- CSV -------------------------------------------------------------------------------------------


def parse_csv(data: bytes, name: str, *, delimiter: str = ",") -> ReadResult:
    """Read CSV: a header row of field names, one event a row; an empty cell is an absent field.

    UTF-8 (with or without byte-order mark) and GB18030 are told apart by the reader itself.
    Lines are counted as an editor counts them (LF, CRLF or a lone CR); a record whose quoted
    cell spans lines is read at the line it starts on. A cell holding only white space is empty.
    A record that the CSV rules refuse (a quoted cell closed by a quote followed by text, or a
    quote never closed) is rejected, and so is every line that would be inside its quoted
    cell, each by its line: text inside a cell is never read as a row. Reading goes on after it.

    Raises:
        ArgumentTypeError: ``data`` is not bytes, or ``name`` is not text; a ``TypeError``.
        ArgumentError: ``delimiter`` is not one character other than a quote or a line break.
        EventFileError: the data is not a CSV event log: no header row (empty, or a first row
            that is an event), a malformed header, UTF-16, JSON, gzip…
    """
    data = _bytes(data, "parse_csv")
    name = _name(name)
    if not isinstance(delimiter, str):
        raise ArgumentTypeError(f"parse_csv: delimiter must be a str of one character, not {delimiter!r}")
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise ArgumentError(
            f"parse_csv: delimiter must be one character, not a quote or a line break; found {delimiter!r}"
        )
    sink = _Sink()
    try:
        _read_csv(data, name, sink, delimiter)
    except _FileProblem as exc:
        raise EventFileError([f"{name}: {exc}"]) from None
    return sink.result()


_LINE_BREAKS: Final = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


@attrs.frozen
class _CsvText:
    """A CSV file as text: its lines, each with its break, and what is known of their encoding.

    ``undecodable`` holds the lines not valid in the file's encoding (``encoding``), with their
    bytes; they are kept in ``lines`` with replacement characters (never quotes or delimiters) so
    that only their records are rejected; ``utf8`` the lines of a GB18030 file that are UTF-8
    text instead.
    """

    lines: list[str]
    encoding: str
    undecodable: Mapping[int, bytes] = attrs.field(factory=dict)
    utf8: frozenset[int] = frozenset()

    def record(self, first: int, last: int) -> str | bytes:
        """What was read of the record on lines ``first`` to ``last`` (0-based), without its final
        line break: its text; the bytes read when one of its lines is not valid in the encoding.
        (A rejected record counts in the events digest by it.)"""
        span = range(first, last + 1)
        if not any(n in self.undecodable for n in span):
            return _unbroken("".join(self.lines[first : last + 1]))
        read = b"".join(self.undecodable.get(n) or self.lines[n].encode(self.encoding) for n in span)
        return _unbroken_bytes(read)


def _unbroken_bytes(line: bytes) -> bytes:
    """A line without its break (CRLF, LF or CR)."""
    return line[:-2] if line.endswith(b"\r\n") else line[:-1] if line.endswith((b"\n", b"\r")) else line


def _unbroken(line: str) -> str:
    """A line without its break (CRLF, LF or CR)."""
    return line[:-2] if line.endswith("\r\n") else line[:-1] if line.endswith(("\n", "\r")) else line


def _csv_text(data: bytes) -> _CsvText:
    """Decode a CSV file: UTF-8 with a byte-order mark is UTF-8; otherwise the file is UTF-8 when
    all of it is, or unless more of its lines read as GB18030 (and not as UTF-8) than as UTF-8
    (lines of plain ASCII, and lines valid in neither, are no sign of either); else GB18030.

    Raises:
        _FileProblem: the file starts with a UTF-8 byte-order mark, but its rows are GB18030
            (by the evidence of :func:`_gb18030_evidence`).
    """
    bom = data.startswith(_BOM)
    if bom:
        data = data[3:]
    try:
        return _CsvText(io.StringIO(data.decode("utf-8"), newline="").readlines(), "UTF-8")
    except UnicodeDecodeError:
        pass
    lines = _LINE_BREAKS.findall(data)
    as_utf8: dict[int, str] = {}  # the lines that are not ASCII, decoded as what they are valid in
    as_gb18030: dict[int, str] = {}
    neither = 0
    for index, line in enumerate(lines):
        if line.isascii():
            continue
        try:
            as_utf8[index] = line.decode("utf-8")
            continue
        except UnicodeDecodeError:
            pass
        try:
            as_gb18030[index] = line.decode("gb18030")
        except UnicodeDecodeError:
            neither += 1
    if bom:
        records = sum(1 for line in lines if line.strip())
        if _gb18030_evidence(len(as_gb18030), len(as_utf8), neither, records):
            raise _FileProblem(
                "this looks like GB18030 behind a UTF-8 byte-order mark (most of its rows that are not"
                " ASCII are not UTF-8 but read as GB18030): save the whole file in one encoding"
            )
    gb18030 = not bom and len(as_gb18030) > len(as_utf8)
    known, encoding = (as_gb18030, "gb18030") if gb18030 else (as_utf8, "utf-8")
    undecodable: dict[int, bytes] = {}
    texts = []
    for index, line in enumerate(lines):
        text = known.get(index)
        if text is None:
            try:
                text = line.decode(encoding)
            except UnicodeDecodeError:
                undecodable[index] = line
                text = line.decode(encoding, "replace")
        texts.append(text)
    if not gb18030:
        return _CsvText(texts, "UTF-8", undecodable)
    return _CsvText(texts, "GB18030", undecodable, frozenset(as_utf8))


# The rest of a quoted cell on one line: up to a quote that is not doubled, or the line's end.
_QUOTED_TEXT: Final = re.compile(r'[^"]*(?:""[^"]*)*')


@attrs.frozen
class _Broken:
    """A record that the CSV rules refuse: where its bad quoted cell opened, and how it ends.

    ``closed`` is the line of the quote that closed it, followed by ``after`` where a
    delimiter or the end of the line should be; ``None`` when the quote is never closed.
    """

    opened: int
    closed: int | None
    after: str


_Record = tuple[int, int, list[str] | _Broken]


def _csv_records(lines: list[str], delimiter: str) -> Iterator[_Record]:
    """Each CSV record: its first and last line (0-based) and its cells, or how it is broken.

    The CSV rules are Python's ``csv`` module's, strictly: a cell that starts with a quote is
    quoted (a doubled quote inside it is a quote), and its closing quote must be followed by a
    delimiter or the end of the line; a quote inside an unquoted cell is text. A broken record
    spans the lines the quoted cell took: up to its closing quote, or to the end of the file.
    Every line is looked at once, so the time is linear in the file, broken records or not.
    """
    count = len(lines)
    rest_of_cell = _QUOTED_TEXT.match
    index = 0
    while index < count:
        line = lines[index]
        body = line.rstrip("\r\n")
        if '"' not in body:
            yield index, index, body.split(delimiter)
            index += 1
            continue
        first = index
        cells: list[str] = []
        broken: _Broken | None = None
        pos = 0
        while True:  # at the start of a cell, at ``pos`` of ``body``
            if not body.startswith('"', pos):
                cut = body.find(delimiter, pos)
                if cut < 0:
                    cells.append(body[pos:])
                    break
                cells.append(body[pos:cut])
                pos = cut + 1
                continue
            opened = index
            parts = []
            pos += 1
            while True:
                match = rest_of_cell(body, pos)
                assert match is not None  # the pattern matches the empty text too
                end = match.end()
                parts.append(body[pos:end])
                if end < len(body):  # a quote that is not doubled
                    break
                index += 1  # the cell goes on, on the next line, with this line's break
                if index == count:
                    broken = _Broken(opened, None, "")
                    break
                parts.append(line[len(body) :])
                line = lines[index]
                body = line.rstrip("\r\n")
                pos = 0
            if broken is not None:
                index = count - 1
                break
            cells.append("".join(parts).replace('""', '"'))
            pos = end + 1
            if pos == len(body):
                break
            if body[pos] != delimiter:
                broken = _Broken(opened, index, body[pos])
                break
            pos += 1
        yield first, index, cells if broken is None else broken
        index += 1


def _blank(cells: list[str]) -> bool:
    """Every cell empty or white space: a blank line, or a row of delimiters."""
    return not any(map(str.strip, cells))


def _read_csv(data: bytes, name: str, sink: _Sink, delimiter: str) -> None:
    """Read a CSV event log into ``sink``.

    Raises:
        _FileProblem: the file is not a CSV event log (see :func:`parse_csv`).
    """
    _refuse_binary(data)
    text = _csv_text(data)
    lines, undecodable, encoding, utf8 = text.lines, text.undecodable, text.encoding, text.utf8
    first_line = next((line for line in lines if line.strip()), "")
    if first_line.lstrip().startswith("{"):
        raise _FileProblem(
            "this looks like JSON Lines (its first line is a JSON object), not CSV: name the file .jsonl"
        )
    if first_line.lstrip().startswith("["):
        raise _FileProblem(f"this looks like {_JSON_ARRAY}")
    records = _csv_records(lines, delimiter)
    header = _csv_header(records, text, delimiter)
    base = sink.places.add_file(name)
    id_column = header.index("id")
    width = len(header)
    for first, last, cells in records:
        if isinstance(cells, _Broken):
            _reject_broken(cells, first, last, text, name, sink, delimiter, id_column)
            continue
        if _blank(cells):
            continue
        origin = Origin(name, first + 1)
        record = dict(zip(header, cells, strict=False))
        eid = _record_id(record)
        if undecodable and any(n in undecodable for n in range(first, last + 1)):
            said = Message.of("rejected.csv_encoding", encoding=encoding)
            sink.reject(Rejection(origin, eid, said, record=text.record(first, last)))
        elif utf8 and any(n in utf8 for n in range(first, last + 1)):
            said = Message.of("rejected.csv_utf8_in_gb18030")
            sink.reject(Rejection(origin, eid, said, record=text.record(first, last)))
        elif len(cells) != width:
            said = Message.of("rejected.csv_cells", cells=len(cells), columns=width)
            sink.reject(Rejection(origin, eid, said, record=text.record(first, last)))
        else:
            try:
                sink.event(_parse_record(record, origin, text_only=True), base + first + 1)
            except EventFieldError as exc:
                sink.reject(Rejection(origin, eid, exc.message, record=text.record(first, last)))
    sink.places.end_file(len(lines))


# A row of a GB18030 file whose bytes are valid UTF-8 (and not plain ASCII): UTF-8 text, nearly
# always, which GB18030 would read as other characters without a complaint. It cannot be told
# for certain, so it is rejected rather than misread (events.md, "Encodings of CSV"):
# rejected.csv_utf8_in_gb18030.


def _csv_header(records: Iterator[_Record], text: _CsvText, delimiter: str) -> list[str]:
    """The field names of the header row: the first record that is not blank.

    Raises:
        _FileProblem: there is none, or it is not a header of the event-log form.
    """
    for first, last, cells in records:
        if not isinstance(cells, _Broken) and _blank(cells):
            continue
        where = f"the header row (line {first + 1})"
        if isinstance(cells, _Broken):
            reason = (
                _broken_reasons(cells, first, first, delimiter)[0].text("en").removeprefix("malformed CSV: ")
            )
            raise _FileProblem(f"{where} is malformed CSV: {reason}")
        span = range(first, last + 1)
        if any(n in text.undecodable for n in span):
            raise _FileProblem(
                f"{where} is not valid {text.encoding}, the encoding of the rest of the file:"
                " save the whole file in one encoding"
            )
        if any(n in text.utf8 for n in span):
            raise _FileProblem(
                f"{where} is UTF-8, but the rest of the file is {text.encoding}: save the whole file"
                " in one encoding"
            )
        names = [cell.strip().lower() for cell in cells]
        seen: set[str] = set()
        twice = [n for n in names if n in seen or seen.add(n)]  # type: ignore[func-returns-value]
        missing = [n for n in ("id", "type", "date") if n not in names]
        if missing and _looks_like_an_event(cells):
            shown = ", ".join(repr(c.strip()) for c in cells[:4])
            raise _FileProblem(
                f"no header row: the first row looks like an event ({shown}…); the first row must name"
                " the fields: id,type,date,…"
            )
        joined = delimiter.join(cells)
        other = next((d for d in ",;\t|" if d != delimiter and _csv_header_like(joined, d)), None)
        if missing and other is not None:
            expected = _SEPARATORS.get(delimiter, repr(delimiter))
            raise _FileProblem(
                f"{where} is separated by {_SEPARATORS[other]}, not by {expected}: save the file with"
                " commas (a tab-separated file is read as such when it is named .tsv)"
            )
        if missing:
            raise _FileProblem(
                f"{where} has no column {missing[0]!r}; the first row must name the fields: id,type,date,…"
            )
        if twice:
            raise _FileProblem(f"{where} names the column {twice[0]!r} twice")
        return names
    raise _FileProblem(
        "empty file: no header row" if not text.lines else "no header row: every line is blank"
    )


_SEPARATORS: Final = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}


_DATE_LIKE: Final = re.compile(r"\s*[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}")


def _looks_like_an_event(cells: list[str]) -> bool:
    """A row holding a type word or a date: an event, where the header should be."""
    return any(cell.strip() in RECORD_TYPES or _DATE_LIKE.match(cell) for cell in cells)


def _broken_reasons(broken: _Broken, first: int, last: int, delimiter: str) -> tuple[Message, Message | None]:
    """What to say of a broken record: at its first line, and at every other line it took (``None``
    when it took one line)."""
    if last == first and broken.closed in (None, broken.opened):  # the usual one: one line, said alike
        return _one_line_reason(broken.closed is None, broken.after, delimiter), None
    opened = broken.opened + 1
    where = _HERE if broken.opened == first else Message.of("rejected.csv.on_line", line=opened)
    span = Message.of("rejected.csv.span", first=first + 1, last=last + 1) if last > first else _NOTHING
    if broken.closed is None:
        head = Message.of("rejected.csv_unclosed", where=where, span=span)
        rest = Message.of("rejected.csv_unclosed_rest", line=opened) if last > first else None
        return head, rest
    closed = (
        _NOTHING
        if broken.closed == broken.opened
        else Message.of("rejected.csv.closed_on_line", line=broken.closed + 1)
    )
    how = {"closed": closed, "after": repr(broken.after), "delimiter": repr(delimiter)}
    head = Message.of("rejected.csv_bad_close", where=where, span=span, **how)
    rest = Message.of("rejected.csv_bad_close_rest", line=opened, **how) if last > first else None
    return head, rest


@functools.lru_cache(maxsize=256)
def _one_line_reason(unclosed: bool, after: str, delimiter: str) -> Message:
    """What to say of a broken record of one line, whose quote opens and closes (if ever) on it."""
    if unclosed:
        return Message.of("rejected.csv_unclosed", where=_HERE, span=_NOTHING)
    how = {"closed": _NOTHING, "after": repr(after), "delimiter": repr(delimiter)}
    return Message.of("rejected.csv_bad_close", where=_HERE, span=_NOTHING, **how)


_HERE: Final = Message.of("rejected.csv.here")
_NOTHING: Final = Message.of("rejected.found.literal", value="")


def _reject_broken(
    broken: _Broken,
    first: int,
    last: int,
    text: _CsvText,
    name: str,
    sink: _Sink,
    delimiter: str,
    id_column: int,
) -> None:
    """Reject every line a broken record took, each by its line, with the id its line shows, if any."""
    head, rest = _broken_reasons(broken, first, last, delimiter)
    for index in range(first, last + 1):
        body = text.lines[index].rstrip("\r\n")
        if index > first and not body.replace(delimiter, "").strip():
            continue
        eid = _line_id(body, delimiter, id_column)
        said = rest if index > first and rest is not None else head
        sink.reject(Rejection(Origin(name, index + 1), eid, said, record=text.record(index, index)))


def _line_id(body: str, delimiter: str, id_column: int) -> str | None:
    """The id that a line shows in its id column, for a message, when no quote makes it doubtful."""
    cells = body.split(delimiter, id_column + 1)
    if len(cells) <= id_column or any('"' in cell for cell in cells[: id_column + 1]):
        return None
    return cells[id_column].strip() or None


# -- files -----------------------------------------------------------------------------------------

_JSONL_NAMES: Final = (".jsonl", ".ndjson", ".json")


def _kind_of(name: str, data: bytes) -> str:
    lower = name.lower()
    if lower.endswith(_JSONL_NAMES):
        return "jsonl"
    if lower.endswith(".tsv"):
        return "tsv"
    if lower.endswith(".csv"):
        return "csv"
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    end = head.find(b"\n")
    first = head if end < 0 else head[:end]  # the first line only: no copy of the rest of the file
    return "jsonl" if first[:1] in (b"{", b"[") or _json_value(first) else "csv"


def _json_value(line: bytes) -> bool:
    """Whether ``line`` is one JSON value (``42``, ``"x"``, ``null``): a log of such lines is
    JSON Lines whose lines are not objects, to be said so line by line, not a CSV without a
    header row."""
    try:
        json.loads(line)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return False
    return True


def read_events(paths: Iterable[str | os.PathLike[str]]) -> ReadResult:
    """Read event logs from files (``-`` is standard input), each as JSON Lines or CSV by its name.

    ``.jsonl``, ``.ndjson`` and ``.json`` are JSON Lines, ``.csv`` and ``.tsv`` CSV; a file named
    otherwise is JSON Lines when it starts with ``{`` or ``[`` or its first line is a JSON value,
    else CSV. JSON Lines files are read a
    block at a time, never whole.

    Every file is read, and every bad record of every file becomes a rejection. A file that is
    not an event log, or cannot be read, is not a bad record: it is an error, raised once every
    file has been tried, naming each such file and what it looks like.

    Raises:
        ArgumentTypeError: ``paths`` is a single path rather than a list of them, or holds
            something that is not a path; a ``TypeError``.
        EventFileError: a file is missing, unreadable, a directory, or not an event log.
    """
    names = _paths(paths)
    sink = _Sink()
    problems: list[str] = []
    stdin_read = False
    with quiet_collector():
        for name, path in names:
            try:
                if name == "-":
                    if stdin_read:
                        raise _FileProblem("standard input is named more than once")
                    stdin_read = True
                    _read_stdin(sink)
                else:
                    _read_path(path, name, sink)
            except _FileProblem as exc:
                problems.append(f"{name}: {exc}")
    if problems:
        raise EventFileError(problems)
    return sink.result()


def _paths(paths: Any) -> list[tuple[str, Any]]:
    """Each path with its name as messages give it; a TypeError, naming the argument, for anything else."""
    items = list(
        many(
            paths,
            (str, bytes, os.PathLike),
            lambda: (
                f"read_events takes a list of paths, not a single path ({_short(paths)}):"
                " wrap it in a list: read_events([path])"
            ),
            lambda: f"read_events takes a list of paths (str or pathlib.Path), found {type(paths).__name__}",
        )
    )
    names = []
    for index, item in enumerate(items):
        if not isinstance(item, str | bytes | os.PathLike):
            raise ArgumentTypeError(
                f"read_events: paths[{index}] is {_short(item)} ({type(item).__name__}), not a path:"
                " give str or pathlib.Path"
            )
        names.append((os.fsdecode(item), item))
    return names


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _open(path: Any) -> BinaryIO:
    return open(path, "rb")


def _read_path(path: Any, name: str, sink: _Sink) -> None:
    try:
        stream = _open(path)
    except FileNotFoundError:
        raise _FileProblem("cannot open: no such file") from None
    except IsADirectoryError:
        raise _FileProblem("is a directory, not a file") from None
    except PermissionError:
        raise _FileProblem("cannot open: permission denied") from None
    except NotADirectoryError:
        raise _FileProblem("cannot open: a part of its path is not a directory") from None
    except OSError as exc:
        raise _FileProblem(f"cannot open: {_strerror(exc)}") from None
    except ValueError as exc:  # a NUL character in the name, or a name the system cannot encode
        raise _FileProblem(f"cannot open: {exc}") from None
    with stream:
        try:
            _read_stream(stream, name, sink)
        except OSError as exc:
            raise _FileProblem(f"cannot read: {_strerror(exc)} (reading failed part-way)") from None


def read_bytes(data: bytes, name: str = "-") -> ReadResult:
    """Read one event log held in memory (a request's body) as standard input is read: JSON Lines,
    or CSV when its first line is no JSON value; its records are named ``name`` and their lines.

    Raises:
        EventFileError: ``data`` is not an event log (said as for a file named ``name``).
    """
    sink = _Sink()
    try:
        with quiet_collector():
            _read_stream(io.BytesIO(data), name, sink)
    except _FileProblem as exc:
        raise EventFileError([f"{name}: {exc}"]) from None
    return sink.result()


def _read_stdin(sink: _Sink) -> None:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None or stream.closed:
        raise _FileProblem("cannot read standard input: it is closed")
    try:
        _read_stream(stream, "-", sink)
    except OSError as exc:
        raise _FileProblem(f"cannot read standard input: {_strerror(exc)}") from None


def _strerror(exc: OSError) -> str:
    text = exc.strerror or str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]


#: Told of each block of a file as it is read, when set (the command line's progress line): the
#: file's name, its bytes read so far, its size (``None`` when unknown, as for standard input) and
#: the lines of the block. Told once a block (about a megabyte), never once a record.
Watcher = Callable[[str, int, int | None, int], None]
_watcher: Watcher | None = None


@contextlib.contextmanager
def watching(watcher: Watcher | None) -> Iterator[None]:
    """Tell ``watcher`` of every block read while in the block (``None``: tell no one)."""
    global _watcher
    saved, _watcher = _watcher, watcher
    try:
        yield
    finally:
        _watcher = saved


def _watched(blocks: Iterator[bytes], stream: BinaryIO, name: str, watcher: Watcher) -> Iterator[bytes]:
    try:
        found = os.fstat(stream.fileno())
        size: int | None = found.st_size if stat.S_ISREG(found.st_mode) else None
    except (OSError, ValueError, io.UnsupportedOperation):
        size = None
    done = 0
    for block in blocks:
        done += len(block)
        watcher(name, done, size, block.count(b"\n"))
        yield block


def _read_stream(stream: BinaryIO, name: str, sink: _Sink) -> None:
    watcher = _watcher
    if name.lower().endswith(_JSONL_NAMES):
        blocks = _blocks(stream)  # a block at a time: a large log is never held whole
        _read_jsonl(blocks if watcher is None else _watched(blocks, stream, name, watcher), name, sink)
        return
    data = stream.read()
    if watcher is not None:
        watcher(name, len(data), len(data), data.count(b"\n"))
    kind = _kind_of(name, data)
    if kind == "jsonl":
        _read_jsonl(_blocks(io.BytesIO(data)), name, sink)
    else:
        _read_csv(data, name, sink, "\t" if kind == "tsv" else ",")
