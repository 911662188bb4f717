"""Golden cases: event logs in, expected per-unit figures out — how a rule-set author tests a version.

A case is a directory holding ``events.jsonl`` (or ``events.csv``) and ``expected.json``::

    {"description": "…", "year": 2007, "as_of": "2007-12-31",
     "units": {"锦江区": {"score": "60", "submitted": 650, "breakdown": {"A3.1.4": "60"}}},
     "rejected": ["e17"], "others_zero": true}

Only the figures listed are compared (any key of ``score --format json``'s units); ``breakdown``
lists the clauses with a non-zero total; ``rejected`` (optional) the ids that must be rejected;
``others_zero`` (optional) that every other unit scores 0 and submits nothing.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ._data import read_text
from ._time import parse_date
from .engine import score
from .exceptions import DataFileError, InfoscoreError
from .messages import DEFAULT_LANG, Message, check_lang
from .quotas import QuotaTable, load_quotas
from .readers import read_events
from .reports import UNIT_KEYS, unit_json
from .results import format_points
from .rules import RuleSet, Timeline

__all__ = ["CaseResult", "run_case"]


@attrs.frozen
class CaseResult:
    """The outcome of one case: its name, what it proves, and every difference found.

    ``failures`` are the differences in English; ``problems`` the same as codes and parameters
    (``check.*``), which :meth:`lines` puts in either language.
    """

    name: str
    description: str
    failures: tuple[str, ...]
    problems: tuple[Message, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.failures

    def lines(self, lang: str = DEFAULT_LANG) -> tuple[str, ...]:
        """Every difference found, in ``lang`` (Chinese by default)."""
        check_lang(lang)
        if len(self.problems) != len(self.failures):  # made without problems: as written
            return self.failures
        return tuple(m.text(lang) for m in self.problems)


class _Huge:
    """A whole number too long to be a figure, kept by its size for the message."""

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"a whole number of {self.digits} digits"


def _whole(text: str) -> int | _Huge:
    return int(text) if len(text.lstrip("-")) <= 18 else _Huge(len(text.lstrip("-")))


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number (JSON has no NaN or Infinity)")


class _Object(dict[str, Any]):
    """A JSON object as read, with the keys it wrote more than once (a plain reader keeps the last)."""

    repeated: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    found = _Object(pairs)
    if len(found) < len(pairs):
        count = Counter(k for k, _ in pairs)
        found.repeated = tuple(k for k in found if count[k] > 1)
    return found


def _repeated_keys(data: Any) -> list[str]:
    """Every key written twice in one object of ``data``, by its key path."""
    problems: list[str] = []
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, _Object):
            problems += [
                f"{path}{key}: written twice in one object; write each key once (the first would be"
                " silently ignored)"
                for key in value.repeated
            ]
            stack += [(f"{path}{key}.", v) for key, v in reversed(value.items())]
        elif isinstance(value, list):
            stack += [(f"{path.removesuffix('.')}[{i}].", v) for i, v in reversed(list(enumerate(value)))]
    return problems


_KEYS = ("description", "year", "as_of", "units", "rejected", "others_zero")


def _expected(case: Path, table: QuotaTable | None = None) -> tuple[dict[str, Any], dt.date]:
    """A case's expectations, checked, and its as-of date.

    Numbers are read exactly (a fraction as a Decimal); NaN, Infinity and absurdly long numbers
    are refused with their key, like every other malformed value.
    """
    path = case / "expected.json"
    text = read_text(path, "golden-case file")
    try:
        data = json.loads(
            text,
            parse_float=Decimal,
            parse_int=_whole,
            parse_constant=_no_constant,
            object_pairs_hook=_object,
        )
    except ValueError as exc:
        raise DataFileError(str(path), [f"not valid JSON: {exc}"]) from None
    except RecursionError:
        raise DataFileError(str(path), ["not valid JSON: nested too deeply"]) from None
    if not isinstance(data, dict):
        raise DataFileError(str(path), [f"expected a JSON object, found {_kind(data)}"])
    problems = _repeated_keys(data)
    problems += [
        f"{key}: unknown key; the keys known here are: {', '.join(_KEYS)}" for key in data if key not in _KEYS
    ]
    year, as_of, quotas = data.get("year"), None, None
    if type(year) is not int or not 1900 <= year <= 9999:
        problems.append(f"year: expected a year such as 2007, found {_kind(year)}")
    elif table is not None:
        quotas = table
        if table.year != year:
            problems.append(f"year: {year}, but the target table given (--targets) is for {table.year}")
    else:
        try:
            quotas = load_quotas(year)
        except InfoscoreError as exc:
            problems.append(f"year: {exc}")
    if not isinstance(data.get("as_of"), str):
        problems.append(f"as_of: expected a date YYYY-MM-DD, found {_kind(data.get('as_of'))}")
    else:
        try:
            as_of = parse_date(data["as_of"])
        except ValueError:
            problems.append(f"as_of: expected a date YYYY-MM-DD, found {_kind(data['as_of'])}")
        else:
            if type(year) is int and as_of.year != year:
                problems.append(f"as_of: {as_of} is outside the year {year}")
    units = data.get("units")
    if not isinstance(units, dict):
        problems.append(f"units: expected an object (unit name → figures), found {_kind(units)}")
    else:
        # A unit may be written any way an event may write it; it is compared under its canonical name.
        by_unit: dict[str, tuple[str, Any]] = {}
        for name, figures in units.items():
            if not isinstance(figures, dict):
                problems.append(f"units.{name}: expected an object of figures, found {_kind(figures)}")
            else:
                problems += [
                    f"units.{name}.{key}: unknown figure{_did_you_mean(key, UNIT_KEYS)};"
                    f" the figures of a unit are the keys of score --format json: {', '.join(UNIT_KEYS)}"
                    for key in figures
                    if key not in UNIT_KEYS
                ]
            if quotas is None:
                continue
            unit = quotas.find(name)
            if unit is None:
                closest = quotas.closest(name)
                problems.append(
                    f"units.{name}: unknown unit: not a name, label or alias of the {year} target table"
                    + (f"; the closest: {', '.join(closest)}" if closest else "")
                )
            elif by_unit.setdefault(unit.name, (name, figures))[0] != name:
                first = by_unit[unit.name][0]
                problems.append(
                    f"units.{name}: {unit.name} is listed already, as {first!r}; list each unit once"
                )
        data["units"] = {canonical: figures for canonical, (_, figures) in by_unit.items()}
    rejected = data.get("rejected", [])
    if not isinstance(rejected, list) or not all(isinstance(r, str) for r in rejected):
        problems.append(f"rejected: expected a list of event ids, found {_kind(rejected)}")
    if not isinstance(data.get("others_zero", False), bool):
        problems.append(f"others_zero: expected true or false, found {_kind(data['others_zero'])}")
    if not isinstance(data.get("description", ""), str):
        problems.append(f"description: expected text, found {_kind(data['description'])}")
    if problems or as_of is None:
        raise DataFileError(str(path), problems)
    return data, as_of


def _did_you_mean(word: str, known: tuple[str, ...]) -> str:
    """`` (did you mean 'errors'?)`` for the known word written most like ``word``, or nothing."""
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _kind(value: object) -> str:
    """A value as a message names it: JSON's words, and the value when short."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _Huge):
        return repr(value)
    if isinstance(value, int | Decimal):
        text = str(value)
        return f"the number {text}" if len(text) <= 24 else f"a number of {len(text)} characters"
    if isinstance(value, str):
        return f"text {value!r}" if len(value) <= 40 else f"text of {len(value)} characters"
    return "a list" if isinstance(value, list) else "an object"


def _shape(path: str, expected: Any, actual: Any) -> str | None:
    """Why ``expected`` cannot be a figure as ``score --format json`` writes ``actual``, or ``None``.

    A figure of the wrong kind (the number 0.1 for the text "0.1", 1.5 for a count) is a mistake
    in the case, not a difference to report.
    """
    if expected is None or actual is None:
        return None
    if isinstance(expected, _Huge):
        return f"{path}: {expected!r} is far too large for a figure"
    if isinstance(actual, bool) != isinstance(expected, bool):
        want = "true or false" if isinstance(actual, bool) else "a figure like the output's"
        return f"{path}: expected {want}, found {_kind(expected)}"
    if isinstance(actual, str) and not isinstance(expected, str):
        hint = f' (write it as text, "{expected}")' if isinstance(expected, int | Decimal) else ""
        return f"{path}: expected text as score --format json writes it, found {_kind(expected)}{hint}"
    if type(actual) is int and type(expected) is not int:
        return f"{path}: expected a whole number, found {_kind(expected)}"
    if isinstance(actual, dict) and isinstance(expected, dict):
        for key in expected.keys() & actual.keys():
            problem = _shape(f"{path}.{key}", expected[key], actual[key])
            if problem:
                return problem
        for key in expected.keys() - actual.keys():
            if not isinstance(expected[key], str | int) or isinstance(expected[key], bool):
                return f"{path}.{key}: expected a figure like the output's, found {_kind(expected[key])}"
    if isinstance(actual, list) and isinstance(expected, list):
        for i, (e, a) in enumerate(zip(expected, actual, strict=False)):
            problem = _shape(f"{path}[{i}]", e, a)
            if problem:
                return problem
    return None


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def run_case(
    case: str | Path, rules: RuleSet | Timeline | None = None, *, quotas: QuotaTable | None = None
) -> CaseResult:
    """Score a case's events under ``rules`` (default: the year's) and compare with what it expects.

    ``quotas``: the target table (``--targets``) instead of the year's own; its year must be the
    case's.

    Raises:
        DataFileError: the case has no readable ``expected.json`` or no event log, or its
            ``expected.json`` is malformed (every problem, each with its key).
    """
    case = Path(case)
    expected, as_of = _expected(case, quotas)
    logs = [p for p in (case / "events.jsonl", case / "events.csv") if p.is_file()]
    if not logs:
        raise DataFileError(str(case), ["no events.jsonl or events.csv"])
    if len(logs) > 1:
        raise DataFileError(
            str(case), ["both events.jsonl and events.csv: a case has one events file; remove the other"]
        )
    read = read_events(logs)
    results = score(read, rules=rules, quotas=quotas, year=expected["year"], as_of=as_of)
    problems: list[Message] = []
    malformed: list[str] = []
    by_name = {u.unit.name: u for u in results.units}
    for name, figures in expected["units"].items():  # canonical names, each known (checked above)
        actual = unit_json(by_name[name])
        actual["breakdown"] = {c: p for c, p in actual["breakdown"].items() if p != "0"}
        for key, value in figures.items():
            problem = _shape(f"units.{name}.{key}", value, actual[key])
            if problem is not None:
                malformed.append(problem)
            elif actual[key] != value:
                shown = {"expected": _shown(value), "actual": _shown(actual[key])}
                problems.append(Message.of("check.figure", unit=name, key=key, **shown))
    if malformed:
        raise DataFileError(str(case / "expected.json"), malformed)
    if "rejected" in expected:
        want = sorted(expected["rejected"])
        got = sorted(r.event or "(no id)" for r in results.rejections)
        if want != got:
            problems.append(Message.of("check.rejected", expected=str(want), actual=str(got)))
    if expected.get("others_zero"):
        for u in results.units:
            if u.unit.name not in expected["units"] and (u.score or u.submitted):
                score_ = format_points(u.score)
                problems.append(
                    Message.of("check.others", unit=u.unit.name, score=score_, submitted=u.submitted)
                )
    failures = tuple(m.text("en") for m in problems)
    return CaseResult(case.name, str(expected.get("description", "")), failures, tuple(problems))
