"""The reader's quick path for plain records must agree with the general checks, record for record.

A record of the plain shape is read without :func:`parse_record`; every other record goes
through it. These properties feed both paths the same lines — plain ones, and plain ones
bent in the ways real exports bend them — and require the same rows, the same rejections
and the same fingerprints.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengdu_infoscore import event_record, read_events, score, write_jsonl
from chengdu_infoscore.events import Origin
from chengdu_infoscore.provenance import events_digest
from chengdu_infoscore.readers import _read_jsonl, _read_line, _Sink
from chengdu_infoscore.reports import results_json
from chengdu_infoscore.testing import event_logs


def _both(lines: list[bytes]) -> tuple[_Sink, _Sink]:
    quick, general = _Sink(), _Sink()
    _read_jsonl(lines, "log.jsonl", quick)
    general.places.add_file("log.jsonl")
    for number, raw in enumerate(lines, start=1):
        _read_line(raw, Origin("log.jsonl", number), number + 1, general)
    return quick, general


def _assert_same(lines: list[bytes]) -> None:
    quick, general = _both(lines)
    assert general.rows == quick.rows
    assert general.rejections == quick.rejections
    assert general.prints == quick.prints
    # The same lines in one block, as a file is read: parsed together where they are plain.
    block = b"".join(line if line.endswith(b"\n") else line + b"\n" for line in lines)
    together = _Sink()
    _read_jsonl([block], "log.jsonl", together)
    assert general.rows == together.rows
    assert general.rejections == together.rejections
    assert general.prints == together.prints


@given(log=event_logs(max_items=8))
def test_plain_lines_read_as_the_general_checks_read_them(log: list[Any]) -> None:
    out = io.StringIO()
    write_jsonl(log, out)
    lines = [line.encode("utf-8") + b"\n" for line in out.getvalue().splitlines()]
    _assert_same(lines)
    quick, _ = _both(lines)
    assert len(log) == len(quick.rows)  # every one of them took the quick path and was counted


_BENDS = st.sampled_from(
    [
        ("unit", " 锦江区"),
        ("unit", "锦江区\u3000"),
        ("unit", ""),
        ("unit", None),
        ("unit", 5),
        ("unit", ["锦江区"]),
        ("item", "J 1"),
        ("item", "\tJ1"),
        ("topic", ""),
        ("topic", "1.1"),
        ("date", "2007-3-05"),
        ("date", "2007-02-30"),
        ("date", "2007-03-05T23:30:00+00:00"),
        ("date", ["2007-03-05"]),
        ("date", 20070305),
        ("type", "Submitted"),
        ("type", " submitted"),
        ("type", {"a": 1}),
        ("type", None),
        ("id", ""),
        ("id", " e1"),
        ("id", 7),
        ("picture", "true"),
        ("picture", True),
        ("picture", False),
        ("picture", None),
        ("due", "2007-13-01"),
        ("due", "2007-04-01"),
        ("channel", "政务要情"),
        ("channel", "z\\u0077yw"),
        ("note", "a: b"),
        ("note", "x\ud800"),
        ("extra", "x"),
        ("level", "province"),
        ("category", "work_dynamic"),
    ]
)


@given(
    log=event_logs(max_items=4),
    bends=st.lists(st.tuples(st.integers(0, 50), _BENDS), max_size=6),
    separators=st.sampled_from([(", ", ": "), (",", ":"), (" , ", " : ")]),
    shuffle=st.randoms(use_true_random=False),
    tail=st.sampled_from(["\n", "\r\n", "", " \n", "\u3000\n", "x\n"]),
)
def test_bent_lines_read_as_the_general_checks_read_them(
    log: list[Any], bends: list[tuple[int, tuple[str, Any]]], separators: Any, shuffle: Any, tail: str
) -> None:
    records = [event_record(e) for e in log]
    for index, (key, value) in bends:
        if records:
            record = records[index % len(records)]
            if value is None:
                record.pop(key, None)
            else:
                record[key] = value
    lines = []
    for record in records:
        pairs = list(record.items())
        shuffle.shuffle(pairs)
        text = json.dumps(dict(pairs), ensure_ascii=False, separators=separators)
        lines.append(text.encode("utf-8", "surrogatepass") + tail.encode("utf-8"))
    _assert_same(lines)


@pytest.mark.slow
@given(log=event_logs(max_items=6))
def test_a_read_log_scores_and_digests_as_its_events_do(log: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.jsonl"
        with path.open("w", encoding="utf-8") as out:
            write_jsonl(log, out)
        read = read_events([path])
    from_file, from_events = score(read), score(read.events, rejected=read.rejections)
    assert events_digest(log)[0] == from_file.provenance.events_digest  # type: ignore[union-attr]
    assert results_json(from_events) == results_json(from_file)
    for a, b in zip(from_file.units, from_events.units, strict=True):
        assert a.ledger == b.ledger


@given(data=st.binary(max_size=200), size=st.integers(1, 16))
def test_blocks_are_whole_lines_that_join_back_to_the_file(data: bytes, size: int) -> None:
    import chengdu_infoscore.readers as readers

    saved = readers._BLOCK
    readers._BLOCK = size  # type: ignore[misc]
    try:
        blocks = list(readers._blocks(io.BytesIO(data)))
    finally:
        readers._BLOCK = saved  # type: ignore[misc]
    assert data == b"".join(blocks)
    assert all(block.endswith(b"\n") for block in blocks[:-1])
    assert all(block for block in blocks)


def test_a_log_read_in_small_blocks_reads_as_one_read_whole(tmp_path: Path) -> None:
    import chengdu_infoscore.readers as readers

    lines = [
        '{"id": "e1", "type": "submitted", "date": "2007-03-05", "unit": "锦江区", "item": "J1"}',
        '{"id": "e2", "type": "adopted", "date": "2007-03-06", "item": "J1", "channel": " zwxx"}',
        "",
        '{"id": "e3", "type": "adopted", "date": "2007-03-06", "item": "J1", "channel": "zwxx"}',
        '{"id": "e4", "type": "missed", "date": "2007-03-07", "unit": "锦江区 ", "category": "工作动态"}',
        '{"id": "e5", "type": "missed", "date": "2007-03-08"}',
    ]
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = read_events([path])
    saved = readers._BLOCK
    readers._BLOCK = 7  # type: ignore[misc]
    try:
        small = read_events([path])
    finally:
        readers._BLOCK = saved  # type: ignore[misc]
    # Lines 2 and 5 are not plain (white space around a name): the general checks accept them.
    assert ["e1", "e2", "e3", "e4"] == [e.id for e in whole.events]
    assert ("zwxx", "锦江区") == (whole.events[1].channel, whole.events[3].unit)  # type: ignore[attr-defined]
    assert [(6, "e5")] == [(r.origin.line, r.event) for r in whole.rejections if r.origin]
    assert whole == small
    assert whole._prints == small._prints
