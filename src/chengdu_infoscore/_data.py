"""Checked access to parsed TOML tables, collecting every problem with its key path.

Loaders for rule sets, target tables and topic lists walk their data through a
:class:`Table`, which records each missing key, wrong type and unknown key instead of
stopping at the first; the loader then raises one :class:`DataFileError` listing them all.

Every number a data file can hold is read exactly (a TOML float as a
:class:`~decimal.Decimal`, never a binary float) and is checked before use: ``nan``, ``inf``,
``1e999999`` or an integer of thousands of digits is a problem at its key, never an exception
from deep inside the engine.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from .exceptions import DataFileError

T = TypeVar("T")

_KINDS: dict[type, str] = {
    str: "text",
    bool: "true or false",
    int: "a whole number",
    Decimal: "a number",
    dt.date: "a date (YYYY-MM-DD)",
    dict: "a table",
    list: "a list",
}


# A decimal integer too long for int() (Python refuses more than 4300 digits): TOML allows it.
_LONG_INT = re.compile(r"(?<![\w.+-])([+-]?)([1-9](?:_?[0-9]){4000,})(?![\w.])")
# The most dots one line of a data file may hold (see parse_toml).
_DOTS = 2000
# What such an integer is written as for a second parse: a float text no one writes.
_MARK = re.compile(r"([+-]?)9\.(\d+)0000424242e9999999999")


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """Parse TOML with every float read as :class:`~decimal.Decimal`.

    A leading byte-order mark is skipped. An integer too long for Python's ``int()`` (more
    than 4300 digits) is read as a number of the same size, so that the loader reports it as
    out of range at its key.

    Raises:
        DataFileError: the text is not valid TOML.
    """
    text = text.removeprefix("\ufeff")
    if text.count(".") > _DOTS:
        # tomllib needs memory in the square of a dotted key's length: refuse what no data file holds.
        for at, line in enumerate(text.splitlines(), start=1):
            if line.count(".") > _DOTS:
                raise DataFileError(source, [f"not valid TOML: line {at} has more than {_DOTS} dots"])
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(source, [f"not valid TOML: {exc}"]) from None
    except RecursionError:
        raise DataFileError(source, ["not valid TOML: nested too deeply"]) from None
    except ValueError:  # an integer with more digits than int() converts
        pass
    digits: list[int] = []

    def mark(match: re.Match[str]) -> str:
        digits.append(len(match[2].replace("_", "")))
        return f"{match[1]}9.{len(digits) - 1}0000424242e9999999999"

    def number(written: str) -> Any:
        marked = _MARK.fullmatch(written)
        if marked is None:
            return Decimal(written)
        size = 10 ** (digits[int(marked[2])] - 1)
        return -size if marked[1] == "-" else size

    try:
        return tomllib.loads(_LONG_INT.sub(mark, text), parse_float=number)
    except ValueError as exc:
        raise DataFileError(source, [f"not valid TOML: {exc}"]) from None
    except RecursionError:
        raise DataFileError(source, ["not valid TOML: nested too deeply"]) from None


def read_text(path: str | Path, what: str = "file") -> str:
    """The text of a UTF-8 data file (a byte-order mark, as Notepad writes, is accepted).

    Raises:
        DataFileError: naming the file: it cannot be opened, or it is not UTF-8.
    """
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise DataFileError(name, [f"cannot open: it is a directory, not a {what}"]) from None
    except OSError as exc:
        raise DataFileError(name, [f"cannot open: {(exc.strerror or str(exc)).lower()}"]) from None
    except ValueError:  # a NUL character: no file can have the name
        raise DataFileError(
            name, ["cannot open: the name holds a NUL character, which no file name can"]
        ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_like_utf16(data[:4096]):
        raise DataFileError(name, ["not UTF-8: this looks like UTF-16; save it as UTF-8"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
        raise DataFileError(
            name,
            [f"not UTF-8: byte 0x{byte:02x} on line {line} is not valid UTF-8 (GB18030?); save it as UTF-8"],
        ) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise DataFileError(name, [f"not text: line {line} holds a NUL byte (0x00); a {what} is UTF-8 text"])
    return text


def _looks_like_utf16(head: bytes) -> bool:
    """Whether these first bytes of a file without a byte-order mark look like UTF-16.

    UTF-16 writes every ASCII character (the keys, brackets and digits of a data file) as a
    NUL byte beside its code, so NUL bytes fill one of the two byte positions much more than the
    other. One stray NUL byte in a UTF-8 file does not make that pattern.
    """
    pairs = len(head) // 2
    if pairs == 0:
        return False
    even, odd = head[0 : 2 * pairs : 2].count(0), head[1 : 2 * pairs : 2].count(0)
    most, least = max(even, odd), min(even, odd)
    return most >= max(1, pairs // 8) and least * 4 <= most


def magnitude(value: int | Decimal) -> str:
    """A number as a message shows it: itself when short, else its size."""
    if isinstance(value, int):
        if value.bit_length() > 64:
            return f"a whole number of about {int(value.bit_length() * 0.30103) + 1} digits"
        return str(value)
    if value.is_nan():
        return "nan"
    if value.is_infinite():
        return "-inf" if value < 0 else "inf"
    text = str(value)
    if len(text) <= 24:
        return text
    digits = len(value.as_tuple().digits)
    if value == value.to_integral_value():
        return f"a whole number of {value.adjusted() + 1} digits"
    return f"{text[:12]}… ({digits} digits)"


def number_problem(value: int | Decimal, low: Decimal, high: Decimal, places: int) -> str | None:
    """Why ``value`` is not finite, from ``low`` to ``high``, with at most ``places`` decimals (else None)."""
    if isinstance(value, Decimal) and not value.is_finite():
        return f"expected a finite number, found {magnitude(value)}"
    if not low <= value <= high:
        return f"expected a number from {low} to {high}, found {magnitude(value)}"
    if isinstance(value, Decimal):
        step = Decimal(1).scaleb(-places)
        try:
            exact = value.quantize(step) == value
        except InvalidOperation:  # pragma: no cover - the range above keeps quantize in bounds
            exact = False
        if not exact:
            return f"expected at most {places} decimal places, found {magnitude(value)}"
    return None


class Problems:
    """The problems found in one data file so far."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.found: list[str] = []
        self._seen: set[str] = set()  # what ``found`` holds, looked up in constant time

    def add(self, path: str, message: str) -> None:
        problem = f"{path}: {message}" if path else message
        if problem not in self._seen:  # a flag read for several figures is reported once
            self._seen.add(problem)
            self.found.append(problem)

    def take(self, found: list[str] | tuple[str, ...]) -> None:
        """Problems another check found, each kept as it was said."""
        self.found.extend(found)
        self._seen.update(found)

    def raise_if_any(self) -> None:
        if self.found:
            raise DataFileError(self.source, self.found)


def describe(value: object) -> str:
    """Name a found value for a message: its type and, when short, the value itself."""
    if type(value) is int and value.bit_length() > 64:
        return magnitude(value)
    if type(value) is Decimal:
        return f"a number {magnitude(value)}"
    for kind, name in _KINDS.items():
        if type(value) is kind or (kind is Decimal and type(value) is int):
            text = repr(value) if not isinstance(value, dict | list) else ""
            return f"{name} {text}".strip() if len(text) < 40 else name
    return type(value).__name__


class Table:
    """One TOML table, read key by key; keys never read are reported as unknown by :meth:`done`."""

    def __init__(self, data: Any, path: str, problems: Problems) -> None:
        self.path = path
        self.problems = problems
        self.valid = isinstance(data, dict)
        if not self.valid:
            problems.add(path, f"expected a table, found {describe(data)}")
        self.data: dict[str, Any] = data if self.valid else {}
        self.read: set[str] = set()

    def key_path(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str, kind: type[T], default: Any = ..., *, required: bool = True) -> Any:
        """The value at ``key`` if it has the expected ``kind``; else record a problem.

        Returns ``default`` (or ``None``) when the key is absent and not required, or when the
        value is wrong (after recording it), so loading goes on and finds the next problem.
        """
        self.read.add(key)
        if key not in self.data:
            if required and default is ...:
                self.problems.add(self.key_path(key), f"missing; expected {_KINDS.get(kind, kind.__name__)}")
            return None if default is ... else default
        value = self.data[key]
        if kind is Decimal and type(value) is int:
            return Decimal(value)
        if kind is dt.date and isinstance(value, dt.datetime):
            ok = False
        elif kind is int:
            ok = type(value) is int
        else:
            ok = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
        if not ok:
            self.problems.add(
                self.key_path(key),
                f"expected {_KINDS.get(kind, kind.__name__)}, found {describe(value)}",
            )
            return None if default is ... else default
        return value

    def number(
        self,
        key: str,
        low: Decimal,
        high: Decimal,
        places: int,
        default: Any = ...,
        *,
        required: bool = True,
    ) -> Any:
        """The number at ``key``, exactly, if it is finite, from ``low`` to ``high`` and has at most
        ``places`` decimals; else record a problem and return ``default`` (or ``None``)."""
        value = self.get(key, Decimal, default, required=required)
        if key not in self.data or value is None or value is default:
            return value
        problem = number_problem(value, low, high, places)
        if problem is not None:
            self.problems.add(self.key_path(key), problem)
            return None if default is ... else default
        return value

    def whole(self, key: str, low: int, high: int, default: Any = ..., *, required: bool = True) -> Any:
        """The whole number at ``key`` if it is from ``low`` to ``high``; else record a problem."""
        value = self.get(key, int, default, required=required)
        if key not in self.data or value is None or value is default:
            return value
        if not low <= value <= high:
            self.problems.add(
                self.key_path(key), f"expected a whole number from {low} to {high}, found {magnitude(value)}"
            )
            return None if default is ... else default
        return value

    def table(self, key: str, *, required: bool = True) -> Table | None:
        """The sub-table at ``key``, or ``None`` when absent and not required."""
        self.read.add(key)
        if key not in self.data:
            if required:
                self.problems.add(self.key_path(key), "missing; expected a table")
            return None
        return Table(self.data[key], self.key_path(key), self.problems)

    def tables(self, key: str) -> list[Table]:
        """The array of tables at ``key`` (``[[key]]``)."""
        self.read.add(key)
        value = self.data.get(key)
        if isinstance(value, dict):  # [key] written for [[key]]
            self.problems.add(
                self.key_path(key),
                f"expected one or more [[{key}]] tables, found one [{key}] table: write [[{key}]]",
            )
            return []
        if not isinstance(value, list) or not value:
            self.problems.add(self.key_path(key), "missing or empty; expected one or more tables")
            return []
        return [Table(v, f"{self.key_path(key)}[{i}]", self.problems) for i, v in enumerate(value)]

    def done(self) -> None:
        """Report every key of this table that the loader did not read: a typo must not pass."""
        for key in self.data:
            if key not in self.read:
                known = ", ".join(sorted(self.read))
                self.problems.add(self.key_path(key), f"unknown key; the keys known here are: {known}")
