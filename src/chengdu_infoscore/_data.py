"""Checked access to parsed TOML tables, collecting every problem with its key path.

Loaders for rule sets, target tables and topic lists walk their data through a
:class:`Table`, which records each missing key, wrong type and unknown key instead of
stopping at the first; the loader then raises one :class:`DataFileError` listing them all.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal
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


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """Parse TOML with every float read as :class:`~decimal.Decimal`.

    Raises:
        DataFileError: the text is not valid TOML.
    """
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(source, [f"not valid TOML: {exc}"]) from None


class Problems:
    """The problems found in one data file so far."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.found: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.found.append(f"{path}: {message}" if path else message)

    def raise_if_any(self) -> None:
        if self.found:
            raise DataFileError(self.source, self.found)


def describe(value: object) -> str:
    """Name a found value for a message: its type and, when short, the value itself."""
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
