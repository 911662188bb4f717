"""A mutation campaign over the sample year: every physical record ends in exactly one place.

The sample year is written as JSON Lines and as CSV; a few records are then broken as careless
or hostile systems break them. Whatever was done, each record is counted, a repeat, after the
as-of date, or rejected (with its file and line), and the command line never reports an
internal error.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chengdu_infoscore import parse_csv, parse_jsonl, score
from chengdu_infoscore.cli import main
from chengdu_infoscore.readers import FIELDS
from chengdu_infoscore.sample import sample_year, write_jsonl

_AS_OF = dt.date(2007, 9, 30)


@cache
def _records() -> tuple[str, ...]:
    out = io.StringIO()
    write_jsonl(sample_year(2007)[:3000], out)
    return tuple(out.getvalue().splitlines())


_ODD_VALUES = [
    None,
    "",
    "   ",
    0,
    -1,
    1.5,
    True,
    [],
    {},
    "2007-02-30",
    "2008-01-01",
    "2006-12-31",
    "2007-10-05",
    "市不存在局",
    "x" * 300,
    "\u3000锦江区",
    "1e999999",
]


@st.composite
def _mutation(draw: st.DrawFn, n: int) -> tuple[str, int, Any]:
    kind = draw(st.sampled_from(["drop", "set", "repeat", "clash", "garbage", "blank", "extra", "cut"]))
    index = draw(st.integers(0, n - 1))
    if kind == "drop":
        return kind, index, draw(st.sampled_from(["id", "type", "date", "unit", "item", "channel"]))
    if kind == "set":
        field = draw(st.sampled_from(["id", "type", "date", "unit", "item", "channel", "category", "due"]))
        return kind, index, (field, draw(st.sampled_from(_ODD_VALUES)))
    if kind == "garbage":
        return (
            kind,
            index,
            draw(
                st.text(
                    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters='"\r\n\x00'),
                    max_size=40,
                )
            ),
        )
    return kind, index, None


def _mutate(lines: list[dict[str, Any] | str], mutation: tuple[str, int, Any]) -> None:
    kind, index, arg = mutation
    record = lines[index]
    if kind == "garbage":
        lines.insert(index, arg)
    elif kind == "blank":
        lines.insert(index, "")
    elif not isinstance(record, dict):
        return
    elif kind == "drop":
        record.pop(arg, None)
    elif kind == "set":
        field, value = arg
        record[field] = value
    elif kind == "repeat":
        lines.insert(index + 1, dict(record))
    elif kind == "clash":
        lines.insert(
            index + 1,
            {**record, "date": "2007-06-01" if record.get("date") != "2007-06-01" else "2007-06-02"},
        )
    elif kind == "extra":
        record["colour"] = "red"
    elif kind == "cut":
        lines[index] = json.dumps(record, ensure_ascii=False)[:-5]


def _jsonl(lines: list[dict[str, Any] | str]) -> bytes:
    text = [json.dumps(x, ensure_ascii=False) if isinstance(x, dict) else x for x in lines]
    return ("\n".join(text) + "\n").encode("utf-8")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def _csv(lines: list[dict[str, Any] | str], encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*FIELDS, "colour"])
    for x in lines:
        if isinstance(x, dict):
            writer.writerow([_csv_cell(x.get(f)) for f in (*FIELDS, "colour")])
        else:
            out.write(x.replace(",", ";") + "\r\n")
    return out.getvalue().encode(encoding)


def _records_in(lines: list[dict[str, Any] | str]) -> int:
    return sum(1 for x in lines if not isinstance(x, str) or x.strip())


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_record_ends_in_exactly_one_place(data: st.DataObject) -> None:
    """After any few mutations, JSON Lines and CSV alike: read = counted + repeats + after + rejected,
    and every rejection names a line of the file."""
    lines: list[dict[str, Any] | str] = [json.loads(x) for x in _records()]
    for _ in range(data.draw(st.integers(1, 8))):
        _mutate(lines, data.draw(_mutation(len(lines))))
    records = _records_in(lines)
    for read in (
        parse_jsonl(_jsonl(lines), "log.jsonl"),
        parse_csv(_csv(lines, "utf-8"), "log.csv"),
        parse_csv(_csv(lines, "gb18030"), "log.csv"),
    ):
        results = score(read, as_of=_AS_OF)
        accounted = results.counted + results.repeats + results.after_as_of + len(results.rejections)
        assert (records, records) == (results.read, accounted)
        assert all(r.origin is not None and 1 <= r.origin.line <= len(lines) + 1 for r in results.rejections)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_the_command_line_never_reports_an_internal_error(tmp_path: Path, data: st.DataObject) -> None:
    """Every command on a mutated log exits 0 or 2, never 3."""
    lines: list[dict[str, Any] | str] = [json.loads(x) for x in _records()[:400]]
    for _ in range(data.draw(st.integers(1, 5))):
        _mutate(lines, data.draw(_mutation(len(lines))))
    path = tmp_path / data.draw(st.sampled_from(["log.jsonl", "log.csv"]))
    path.write_bytes(_jsonl(lines) if path.suffix == ".jsonl" else _csv(lines, "utf-8"))
    command = data.draw(
        st.sampled_from(
            [
                ["score"],
                ["score", "--format", "json", "--keep-going"],
                ["validate"],
                ["bulletin", "--month", "2007-06", "--keep-going"],
                ["bulletin", "--year-end"],
                ["explain", "--unit", "锦江区", "--keep-going"],
            ]
        )
    )
    assert main([*command, str(path)]) in (0, 2)
