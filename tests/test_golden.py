"""Golden cases: event logs in, per-unit figures worked out by hand out (tests/golden/*/).

Each case directory holds ``events.jsonl`` and ``expected.json``; its ``README.md`` shows the
arithmetic. The expected figures were worked out from the notice and scoring-2007.md, not by
running the library.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from chengdu_infoscore import read_events, score
from chengdu_infoscore.reports import unit_json

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "expected.json").is_file())


def _load(name: str) -> tuple[Any, dict[str, Any]]:
    case = GOLDEN / name
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    read = read_events([case / "events.jsonl"])
    results = score(
        read.events,
        year=expected["year"],
        as_of=dt.date.fromisoformat(expected["as_of"]),
        rejected=read.rejections,
    )
    return results, expected


@pytest.mark.parametrize("name", CASES)
def test_golden_units(name: str) -> None:
    """Every figure the case lists for a unit equals what the library computes."""
    results, expected = _load(name)
    for unit, figures in expected["units"].items():
        actual = unit_json(results.unit(unit))
        actual["breakdown"] = {c: p for c, p in actual["breakdown"].items() if p != "0"}
        assert figures == {key: actual[key] for key in figures}, unit


@pytest.mark.parametrize("name", CASES)
def test_golden_rejections(name: str) -> None:
    """Exactly the events the case names are rejected."""
    results, expected = _load(name)
    assert sorted(expected["rejected"]) == sorted(r.event or "(no id)" for r in results.rejections)


@pytest.mark.parametrize("name", CASES)
def test_golden_other_units_untouched(name: str) -> None:
    """Where the case says so, every unit it does not list has no submissions and score 0."""
    results, expected = _load(name)
    if not expected.get("others_zero"):
        pytest.skip("the case does not say")
    others = [u for u in results.units if u.unit.name not in expected["units"]]
    assert [] == [u.unit.name for u in others if u.score or u.submitted]


def test_there_are_golden_cases() -> None:
    """The golden directory is not empty (an empty one would pass every test above)."""
    assert 10 <= len(CASES)
