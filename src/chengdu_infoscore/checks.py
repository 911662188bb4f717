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
import json
from pathlib import Path
from typing import Any

import attrs

from .engine import score
from .exceptions import DataFileError
from .readers import read_events
from .reports import unit_json
from .rules import RuleSet, Timeline

__all__ = ["CaseResult", "run_case"]


@attrs.frozen
class CaseResult:
    """The outcome of one case: its name, what it proves, and every difference found."""

    name: str
    description: str
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


def _expected(case: Path) -> dict[str, Any]:
    path = case / "expected.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataFileError(str(path), [f"cannot read it: {exc}"]) from None
    problems = []
    if not isinstance(data, dict):
        problems.append("expected a JSON object")
        data = {}
    for key, kind in (("year", int), ("as_of", str), ("units", dict)):
        if not isinstance(data.get(key), kind):
            problems.append(f"{key}: missing, or not {kind.__name__}")
    if problems:
        raise DataFileError(str(path), problems)
    return data


def run_case(case: str | Path, rules: RuleSet | Timeline | None = None) -> CaseResult:
    """Score a case's events under ``rules`` (default: the year's) and compare with what it expects.

    Raises:
        DataFileError: the case has no readable ``expected.json`` or no event log.
    """
    case = Path(case)
    expected = _expected(case)
    logs = [p for p in (case / "events.jsonl", case / "events.csv") if p.is_file()]
    if not logs:
        raise DataFileError(str(case), ["no events.jsonl or events.csv"])
    read = read_events(logs)
    try:
        as_of = dt.date.fromisoformat(expected["as_of"])
    except ValueError:
        raise DataFileError(
            str(case / "expected.json"), [f"as_of: {expected['as_of']!r} is not a date"]
        ) from None
    results = score(read, rules=rules, year=expected["year"], as_of=as_of)
    failures: list[str] = []
    by_name = {u.unit.name: u for u in results.units}
    for name, figures in expected["units"].items():
        if name not in by_name:
            failures.append(f"{name}: no such unit in the {results.year} target table")
            continue
        actual = unit_json(by_name[name])
        actual["breakdown"] = {c: p for c, p in actual["breakdown"].items() if p != "0"}
        for key, value in figures.items():
            if key not in actual:
                failures.append(f"{name}: unknown figure {key!r}")
            elif actual[key] != value:
                failures.append(
                    f"{name}: {key} expected {json.dumps(value, ensure_ascii=False)}, "
                    f"got {json.dumps(actual[key], ensure_ascii=False)}"
                )
    if "rejected" in expected:
        want = sorted(expected["rejected"])
        got = sorted(r.event or "(no id)" for r in results.rejections)
        if want != got:
            failures.append(f"rejected: expected {want}, got {got}")
    if expected.get("others_zero"):
        for u in results.units:
            if u.unit.name not in expected["units"] and (u.score or u.submitted):
                failures.append(
                    f"{u.unit.name}: expected nothing, got score {u.score} and {u.submitted} submitted"
                )
    return CaseResult(case.name, str(expected.get("description", "")), tuple(failures))
