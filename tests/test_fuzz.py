"""Hardening: whatever bytes a spreadsheet export or a broken upstream system hands over, the readers
and the command line never raise, account for every record, and exit 0 or 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chengdu_infoscore import (
    Event,
    EventFieldError,
    EventFileError,
    Missed,
    Submitted,
    parse_csv,
    parse_jsonl,
    parse_record,
    score,
)
from chengdu_infoscore.readers import FIELDS
from chengdu_infoscore.reports import results_json
from chengdu_infoscore.testing import event_logs

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)
records = st.dictionaries(
    st.sampled_from([*FIELDS, "chanel", "", "TYPE"]),
    json_values | st.sampled_from(["submitted", "adopted", "missed", "2007-03-05", "锦江区", "zwxx", "true"]),
    max_size=8,
)


def _blank(line: bytes) -> bool:
    """White space only, as docs/events.md judges it: Python's white space where the line is UTF-8
    (U+3000, U+001C…), ASCII white space where it is not."""
    try:
        return not line.decode("utf-8").strip()
    except UnicodeDecodeError:
        return not line.strip()


def _nonblank_lines(data: bytes) -> int:
    """Lines as an editor shows them (LF, CRLF, lone CR) that hold more than white space."""
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    return sum(1 for line in lines if not _blank(line))


@given(data=st.binary(max_size=2000))
@example(data=b"\x1c")  # Python's white space, not ASCII's: a blank line
@example(data=b"\xe3\x80\x80\n{}")  # an ideographic space, then a line that is refused
def test_random_bytes_as_json_lines_never_raise_and_lose_nothing(data: bytes) -> None:
    """Random bytes read as JSON Lines: a file error, or every non-blank line is an event or a rejection."""
    try:
        result = parse_jsonl(data, "random.jsonl")
    except EventFileError as exc:
        assert [True] == [p.startswith("random.jsonl: ") for p in exc.problems]
        return
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    assert _nonblank_lines(body) == len(result.events) + len(result.rejections)


@given(data=st.binary(max_size=2000))
def test_random_bytes_as_csv_never_raise(data: bytes) -> None:
    """Random bytes read as CSV: a file error, or every rejection names a line of the file, once."""
    try:
        result = parse_csv(data, "random.csv")
    except EventFileError as exc:
        assert [True] == [p.startswith("random.csv: ") for p in exc.problems]
        return
    lines = data.count(b"\n") + data.count(b"\r") + 1
    places = [r.origin.line for r in result.rejections if r.origin]
    assert (True, len(places)) == (all(1 <= line <= lines for line in places), len(set(places)))


@given(record=records)
def test_any_json_object_is_an_event_or_a_field_error(record: dict[str, Any]) -> None:
    """Any JSON object becomes an event, or is refused with an EventFieldError that names a field."""
    try:
        event = parse_record(record)
    except EventFieldError as exc:
        assert (str, True) == (type(exc.field), exc.reason.startswith(("field ", "missing required field")))
    else:
        assert isinstance(event, Event)


@given(record=records)
def test_json_lines_of_any_objects_account_for_every_line(record: dict[str, Any]) -> None:
    """A log of arbitrary objects, several per file, with wrong types and unknown fields: nothing lost."""
    line = json.dumps(record, ensure_ascii=False).encode("utf-8")
    data = b"\n".join([line, b"{" * 5000, b"[" + b"9" * 5000 + b"]", line + b" trailing", b"x" * 100_000])
    result = parse_jsonl(data, "objects.jsonl")
    assert 5 == len(result.events) + len(result.rejections)


@given(
    rows=st.lists(st.lists(st.text(max_size=12), max_size=8), max_size=6),
    header=st.permutations(FIELDS[3:]).flatmap(
        lambda rest: st.permutations(["id", "type", "date", *rest[:3]])
    ),
)
def test_csv_with_missing_and_extra_cells(rows: list[list[str]], header: list[str]) -> None:
    """CSV rows with too few, too many or odd cells (quotes, line breaks): each counted or rejected once."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    result = parse_csv(out.getvalue().encode("utf-8"), "odd.csv")
    nonblank = sum(1 for row in rows if any(cell.strip() for cell in row))
    assert (nonblank, []) == (
        len(result.events) + len(result.rejections),
        [r.reason for r in result.rejections if "malformed" in r.reason],
    )


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".jsonl", ".csv", ".txt"]))
def test_the_command_line_exits_0_or_2_on_any_file(tmp_path: Path, data: bytes, suffix: str) -> None:
    """score and validate on a file of random bytes exit 0 or 2 and never print a traceback."""
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    for command in (["score", "--format", "json"], ["validate"]):
        done = subprocess.run(
            [sys.executable, "-m", "chengdu_infoscore", command[0], str(path), *command[1:]],
            capture_output=True,
            check=False,
        )
        assert (True, False) == (done.returncode in (0, 2), b"Traceback" in done.stderr)


@pytest.mark.slow
@given(
    log=event_logs(),
    junk=st.lists(st.sampled_from(["unit", "category", "topic", "item", "year"]), max_size=8),
)
def test_a_rejected_event_never_changes_the_results_of_the_others(log: list[Event], junk: list[str]) -> None:
    """Events rejected for their own faults (fresh ids) leave every unit's figures as they were."""
    extra: list[Event] = []
    for n, kind in enumerate(junk):
        eid = f"junk-{n}"
        if kind == "unit":
            extra.append(Missed(id=eid, date="2007-04-01", unit="市不存在局", category="work_dynamic"))
        elif kind == "category":
            extra.append(Missed(id=eid, date="2007-04-01", unit="锦江区", category="紧急信息"))
        elif kind == "topic":
            extra.append(
                Submitted(id=eid, date="2007-04-01", unit="锦江区", item=f"junk-item-{n}", topic="9.99")
            )
        elif kind == "item":
            extra.append(
                Missed(id=eid, date="2007-04-01", unit="锦江区", category="work_dynamic", subject=None)
            )
            extra[-1] = Submitted(id=eid, date="2006-12-31", unit="锦江区", item=f"junk-item-{n}")
        else:
            extra.append(Submitted(id=eid, date="2008-01-01", unit="锦江区", item=f"junk-item-{n}"))
    alone, mixed = score(log), score([*log, *extra])
    assert (len(extra), results_json(alone)["units"]) == (len(mixed.rejections), results_json(mixed)["units"])
