"""A bulletin as published: the JSON that ``bulletin --format json`` wrote, read back for what its
provenance says — the events digest and count of the view it was made from, the as-of date it
was scored as of, the rules and the target table — so that ``diff --published`` can find that
view in a store and score it again.

Only what is needed is read, and each of it is checked: a file that is not JSON, or JSON that is
not such a bulletin, is a :class:`~.exceptions.DataFileError` naming the file and every key that
is missing or malformed, with what was found and what was expected.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import attrs

from ._data import read_text
from ._time import parse_date
from .exceptions import DataFileError

__all__ = ["Published", "read_published"]

_SHA256 = re.compile(r"[0-9a-f]{64}")
_KINDS = ("monthly", "year_end")
_WRITTEN = "as `bulletin --format json` writes it"


@attrs.frozen
class Published:
    """What a published bulletin's JSON says of the view it was made from.

    Attributes:
        file: the file it was read from.
        kind: ``monthly`` or ``year_end``.
        year: the assessment year.
        month: the month of a monthly bulletin; ``None`` for a year-end one.
        as_of: the date its results were scored as of (its provenance's ``as_of``).
        digest: the events digest of the records it was made from (``provenance.events.sha256``).
        events: how many records those were (``provenance.events.count``).
        rules: each rule-set version it was made under: ``(id, sha256)``.
        targets: the SHA-256 of the target table it was made against.
    """

    file: str
    kind: str
    year: int
    month: int | None
    as_of: dt.date
    digest: str
    events: int
    rules: tuple[tuple[str, str], ...]
    targets: str

    def title(self) -> str:
        """``monthly 2007-06`` or ``year-end 2007``."""
        return f"monthly {self.year}-{self.month:02d}" if self.month is not None else f"year-end {self.year}"


def _found(value: object) -> str:
    """A JSON value as a message names it: JSON's words, and the value when short."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        text = str(value)
        return f"the number {text}" if len(text) <= 24 else f"a number of {len(text)} characters"
    if isinstance(value, str):
        return f"text {value!r}" if len(value) <= 40 else f"text of {len(value)} characters"
    return "a list" if isinstance(value, list) else "an object"


class _Checked:
    """The members of a JSON object read one by one, each problem noted with its key path."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems

    def member(self, data: dict[str, Any], path: str, key: str) -> Any:
        if key not in data:
            self.problems.append(f"{path}{key}: missing ({_WRITTEN})")
            return None
        return data[key]

    def obj(self, data: dict[str, Any], path: str, key: str) -> dict[str, Any] | None:
        value = self.member(data, path, key)
        if key in data and not isinstance(value, dict):
            self.problems.append(f"{path}{key}: expected an object, found {_found(value)}")
        return value if isinstance(value, dict) else None

    def whole(self, data: dict[str, Any], path: str, key: str, low: int, high: int | None) -> int | None:
        value = self.member(data, path, key)
        if key not in data:
            return None
        if type(value) is not int or value < low or (high is not None and value > high):
            span = f"from {low} to {high}" if high is not None else f"{low} or more"
            self.problems.append(f"{path}{key}: expected a whole number {span}, found {_found(value)}")
            return None
        return value

    def date(self, data: dict[str, Any], path: str, key: str) -> dt.date | None:
        value = self.member(data, path, key)
        if key not in data:
            return None
        try:
            if not isinstance(value, str):
                raise ValueError
            return parse_date(value)
        except ValueError:
            self.problems.append(f"{path}{key}: expected a date YYYY-MM-DD, found {_found(value)}")
            return None

    def sha256(self, data: dict[str, Any], path: str, key: str) -> str | None:
        value = self.member(data, path, key)
        if key not in data:
            return None
        if not (isinstance(value, str) and _SHA256.fullmatch(value)):
            self.problems.append(f"{path}{key}: expected a SHA-256 of 64 hex digits, found {_found(value)}")
            return None
        return value


def read_published(path: str) -> Published:
    """What the bulletin published as JSON in ``path`` says of the view it was made from.

    Raises:
        DataFileError: naming the file: it cannot be read, is not UTF-8 JSON, is not a bulletin
            as ``bulletin --format json`` writes it, or has no provenance.
    """
    text = read_text(path, "bulletin file")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise DataFileError(path, [f"not valid JSON: {exc}"]) from None
    except RecursionError:
        raise DataFileError(path, ["not valid JSON: nested too deeply"]) from None
    if not isinstance(data, dict):
        raise DataFileError(path, [f"expected a JSON object (a bulletin {_WRITTEN}), found {_found(data)}"])
    if "bulletin" not in data:
        looks = " (this looks like the output of score --format json)" if "units" in data else ""
        raise DataFileError(path, [f"bulletin: missing: not a bulletin {_WRITTEN}{looks}"])
    problems: list[str] = []
    check = _Checked(problems)
    kind = data["bulletin"]
    if kind not in _KINDS:
        problems.append(f"bulletin: expected 'monthly' or 'year_end', found {_found(kind)}")
    year = check.whole(data, "", "year", 1, 9999)
    month = check.whole(data, "", "month", 1, 12) if kind == "monthly" else None
    provenance = check.member(data, "", "provenance")
    if provenance is None and "provenance" in data:
        problems.append(
            "provenance: null: the bulletin states no provenance, so the view it was made from cannot"
            " be found"
        )
    elif "provenance" in data and not isinstance(provenance, dict):
        problems.append(f"provenance: expected an object, found {_found(provenance)}")
    digest = events = as_of = targets = None
    rules: list[tuple[str, str]] = []
    if isinstance(provenance, dict):
        as_of = check.date(provenance, "provenance.", "as_of")
        if as_of is not None and year is not None and as_of.year != year:
            problems.append(f"provenance.as_of: {as_of} is outside the bulletin's year {year}")
        elif as_of is not None and year is not None and (kind == "year_end" or month is not None):
            # A bulletin is as of its month's last day, a year-end one as of 31 December.
            last = 12 if month is None else month
            end = dt.date(year, 12, 31) if last == 12 else dt.date(year, last + 1, 1) - dt.timedelta(1)
            if as_of != end:
                title = f"month {year}-{month:02d}" if month is not None else f"year {year}"
                problems.append(
                    f"provenance.as_of: {as_of} is not the end of the bulletin's {title} ({end}):"
                    " the file was changed after it was made"
                )
        counted = check.obj(provenance, "provenance.", "events")
        if counted is not None:
            digest = check.sha256(counted, "provenance.events.", "sha256")
            events = check.whole(counted, "provenance.events.", "count", 0, None)
        table = check.obj(provenance, "provenance.", "targets")
        if table is not None:
            targets = check.sha256(table, "provenance.targets.", "sha256")
        versions = check.member(provenance, "provenance.", "rules")
        if "rules" in provenance and not isinstance(versions, list):
            problems.append(f"provenance.rules: expected a list, found {_found(versions)}")
        for n, version in enumerate(versions if isinstance(versions, list) else []):
            where = f"provenance.rules[{n}]"
            if not isinstance(version, dict):
                problems.append(f"{where}: expected an object, found {_found(version)}")
                continue
            name, sha = check.member(version, f"{where}.", "id"), check.sha256(version, f"{where}.", "sha256")
            if "id" in version and not isinstance(name, str):
                problems.append(f"{where}.id: expected text, found {_found(name)}")
            elif isinstance(name, str) and sha is not None:
                rules.append((name, sha))
    if problems:
        raise DataFileError(path, problems)
    assert year is not None and as_of is not None and digest is not None  # no problem: all were read
    assert events is not None and targets is not None
    return Published(path, kind, year, month, as_of, digest, events, tuple(rules), targets)
