"""The codecs (``_codecs``): one per record type, owning its row, fingerprint text, reader shape and
stored form; and the fold's handlers, registered by type and checked when their module is imported."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import sys
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengdu_infoscore import (
    Adopted,
    Commissioned,
    ErrorFound,
    Event,
    FoundFalse,
    HigherAdopted,
    Instructed,
    Missed,
    ReportedLate,
    SelectedExcellent,
    Submitted,
    Withdrawn,
    _fold,
    event_record,
)
from chengdu_infoscore._codecs import (
    BY_WORD,
    CODEC,
    CODECS,
    SCORED,
    AdoptedRow,
    Handlers,
    MissedRow,
    event_of,
    fingerprint,
    from_stored,
    row_of,
    text_of,
    to_record,
    to_stored,
)
from chengdu_infoscore.readers import _SHAPES, _Plain
from chengdu_infoscore.testing import dates, event_logs
from conftest import d

# -- strategies --------------------------------------------------------------------------------------

# Text as a writer may write it in any field: no surrounding white space (events strip it), no lone
# surrogate (not a character), nothing JSON Lines must escape.
_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=12
).filter(lambda t: t.strip() == t)
_MAYBE = st.none() | _TEXT
_IDS = _TEXT


def _any_event() -> st.SearchStrategy[Event]:
    """An event of any type, every optional field present or not: what event_logs leaves out too."""
    common: dict[str, Any] = {"id": _IDS, "date": dates()}
    return st.one_of(
        st.builds(Commissioned, **common, unit=_TEXT, commission=_TEXT, due=dates()),
        st.builds(Submitted, **common, unit=_TEXT, item=_TEXT, topic=_MAYBE, commission=_MAYBE),
        st.builds(Adopted, **common, item=_TEXT, channel=_TEXT, picture=st.booleans(), unit=_MAYBE),
        st.builds(Instructed, **common, item=_TEXT, leader=_MAYBE, unit=_MAYBE, level=_MAYBE),
        st.builds(HigherAdopted, **common, item=_TEXT, level=_TEXT, unit=_MAYBE),
        st.builds(Missed, **common, unit=_TEXT, category=_TEXT, subject=_MAYBE),
        st.builds(ReportedLate, **common, unit=_TEXT, category=_TEXT, subject=_MAYBE),
        st.builds(ErrorFound, **common, item=_TEXT, note=_MAYBE, unit=_MAYBE),
        st.builds(FoundFalse, **common, item=_TEXT, note=_MAYBE, unit=_MAYBE),
        st.builds(SelectedExcellent, **common, item=_TEXT, unit=_MAYBE),
        # A withdrawal's date may fall after the year.
        st.builds(Withdrawn, **common, event=_TEXT),
    )


@st.composite
def _logs_with_withdrawals(draw: Any) -> list[Event]:
    """A valid log (chengdu_infoscore.testing) and withdrawals of some of its events, dated any day."""
    log: list[Event] = draw(event_logs(max_items=8))
    withdrawn = draw(st.lists(st.sampled_from(log), unique_by=lambda e: e.id, max_size=3)) if log else []
    stamps = st.dates(dt.date(2007, 1, 1), dt.date(2008, 12, 31))
    return log + [Withdrawn(id=f"w{n}", date=draw(stamps), event=e.id) for n, e in enumerate(withdrawn)]


_EVENTS = st.lists(_any_event(), max_size=12) | _logs_with_withdrawals()


def _matches(value: Any, expected: Any) -> bool:
    """Whether a slot's value is of the type a row type names for it (a class, None, or a union)."""
    if expected is None or expected is type(None):
        return value is None
    if isinstance(expected, types.UnionType):
        return any(_matches(value, option) for option in typing.get_args(expected))
    return type(value) is expected


def _fast(records: list[dict[str, Any]]) -> tuple[list[Any], list[int], int]:
    """The rows, misses and fingerprint sum of the JSON Lines reader's plain path over records."""
    plain, rows = _Plain(), []
    misses = plain.rows(records, 0, rows)
    return rows, misses, plain.prints


# -- rows ----------------------------------------------------------------------------------------------


@given(events=_EVENTS)
def test_an_event_makes_a_row_of_its_type_and_comes_back_from_it(events: list[Event]) -> None:
    """row_of gives a row whose every slot has its codec's row type; event_of gives the event back."""
    for pos, event in enumerate(events):
        row = row_of(event, pos)
        codec = CODEC[type(event)]
        slots = typing.get_args(codec.row_type)
        assert [True] * 8 == [_matches(value, slot) for value, slot in zip(row, slots, strict=True)]
        assert (codec.code, pos) == (row[2], row[7])
        assert event == event_of(row, None)


def test_each_type_has_the_kind_number_phase_and_named_slots_of_the_fold_order() -> None:
    """Kind numbers in fold order with withdrawals last; phases 0–3; a and b named per type."""
    table = [(c.kind, c.code, c.phase, c.layout[2:]) for c in CODECS]
    assert [
        ("commissioned", 0, 0, ("commission", "due")),
        ("submitted", 1, 1, ("topic", "commission")),
        ("adopted", 2, 2, ("channel", "picture")),
        ("instructed", 3, 3, ("leader", "level")),
        ("higher_adopted", 4, 3, ("level", None)),
        ("missed", 5, 3, ("category", "subject")),
        ("late", 6, 3, ("category", "subject")),
        ("error", 7, 3, ("note", "points")),
        ("false_report", 8, 3, ("note", "points")),
        ("excellent", 9, 3, (None, None)),
        ("withdrawn", 10, 3, ("event", None)),
        ("contact", 11, 3, ("role", "details")),
    ] == table


def test_an_adoption_row_reads_by_its_slot_names() -> None:
    """An adoption's channel and picture sit in the slots its names say, typed as AdoptedRow says."""
    from chengdu_infoscore._codecs import CHANNEL, PICTURE

    row: AdoptedRow = row_of(Adopted(id="e2", date="2007-03-07", item="J1", channel="zwxx", picture=True), 4)
    day, eid, _, unit, item, channel, picture, pos = row
    assert (d("2007-03-07"), "e2", None, "J1", "zwxx", True, 4) == (
        day,
        eid,
        unit,
        item,
        channel,
        picture,
        pos,
    )
    assert ("zwxx", True) == (row[CHANNEL], row[PICTURE])


# -- fingerprints ------------------------------------------------------------------------------------


@given(events=_EVENTS)
def test_the_plain_path_and_the_codecs_write_the_same_fingerprint_text(events: list[Event]) -> None:
    """Record by record, the JSON Lines plain path reads the same row with the fingerprint of the codecs."""
    for event in events:
        row = row_of(event, 0)
        rows, misses, prints = _fast([event_record(event)])
        assert ([row], [], fingerprint(row)) == (rows, misses, prints)


def test_every_type_has_the_same_fingerprint_text_on_the_plain_path_and_in_the_codecs() -> None:
    """One event of each type, a withdrawal, a picture and a due date among them: the same text hashed."""
    events = [
        Commissioned(id="c", date="2007-03-01", unit="锦江区", commission="C1", due="2007-03-10"),
        Submitted(id="s", date="2007-03-05", unit="锦江区", item="J1", topic="2.14", commission="C1"),
        Adopted(id="a", date="2007-03-07", item="J1", channel="zwxx", picture=True, unit="锦江区"),
        Adopted(id="a2", date="2007-03-07", item="J1", channel="cddt"),
        Instructed(id="i", date="2007-03-08", item="J1", leader="市长", level="mayor"),
        HigherAdopted(id="h", date="2007-03-09", item="J1", level="national"),
        Missed(id="m", date="2007-03-20", unit="锦江区", category="work_dynamic", subject="防汛"),
        ReportedLate(id="l", date="2007-03-21", unit="锦江区", category="work_dynamic"),
        ErrorFound(id="x", date="2007-03-22", item="J1", note="错字"),
        FoundFalse(id="f", date="2007-03-23", item="J1"),
        SelectedExcellent(id="g", date="2007-03-24", item="J1"),
        Withdrawn(id="w", date="2008-01-10", event="m"),
    ]
    assert {c.kind for c in CODECS} - {"contact"} == {
        type(e).kind for e in events
    }  # contacts are never plain
    texts = {e.id: text_of(row_of(e, 0)) for e in events}
    assert "adopted\x1fa\x1f2007-03-07\x1f锦江区\x1fJ1\x1fzwxx\x1ftrue" == texts["a"]
    assert "adopted\x1fa2\x1f2007-03-07\x1f\x1fJ1\x1fcddt\x1f" == texts["a2"]
    assert "commissioned\x1fc\x1f2007-03-01\x1f锦江区\x1f\x1fC1\x1f2007-03-10" == texts["c"]
    assert "withdrawn\x1fw\x1f2008-01-10\x1f\x1f\x1fm\x1f" == texts["w"]
    for event in events:
        row = row_of(event, 0)
        assert ([row], [], fingerprint(row)) == _fast([event_record(event)])


# -- reader shapes ---------------------------------------------------------------------------------


def test_the_reader_takes_each_types_shape_from_its_codec() -> None:
    """An adoption's shape: its number, the keys it needs, its slots' keys, a channel a short-list name."""
    required = frozenset({"id", "type", "date", "item", "channel"})
    assert (2, "adopted", required, "unit", "item", "channel", True, "picture") == _SHAPES["adopted"]
    assert {c.kind: c.shape for c in CODECS if c.kind != "contact"} == _SHAPES


# -- the stored form -------------------------------------------------------------------------------


@given(events=_EVENTS)
def test_the_stored_form_is_the_interchange_record_and_reads_back_as_the_same_row(
    events: list[Event],
) -> None:
    """to_record is event_record; from_record and from_stored give the row back, read where said."""
    for pos, event in enumerate(events):
        row = row_of(event, pos)
        codec = CODEC[type(event)]
        assert event_record(event) == to_record(row)
        assert row == codec.from_record(to_record(row), pos)
        assert row == from_stored(to_stored(row), pos)
        assert BY_WORD[type(event).kind] is codec


def test_the_stored_content_is_sorted_key_json_without_spaces() -> None:
    """A commission's content: keys sorted, no spaces, dates as text, names as written."""
    row = row_of(Commissioned(id="c", date="2007-03-01", unit="锦江区", commission="C1", due="2007-03-10"), 0)
    assert (
        '{"commission":"C1","date":"2007-03-01","due":"2007-03-10","id":"c","type":"commissioned","unit":"锦江区"}'
    ) == to_stored(row)


def test_an_adoption_without_picture_is_stored_without_the_key_and_read_back_without_one() -> None:
    """picture false is left out of the stored form, and read back as false."""
    row = row_of(Adopted(id="a", date="2007-03-07", item="J1", channel="zwxx"), 3)
    assert '{"channel":"zwxx","date":"2007-03-07","id":"a","item":"J1","type":"adopted"}' == to_stored(row)
    assert (False, row) == (from_stored(to_stored(row), 3)[6], from_stored(to_stored(row), 3))


# -- handlers by type -------------------------------------------------------------------------------


def test_the_fold_has_one_handler_per_scored_type_in_kind_order() -> None:
    """The table the fold's loop indexes by kind number: its handlers, by name, in that order."""
    assert [
        "commissioned",
        "submitted",
        "adopted",
        "instructed",
        "higher_adopted",
        "missed",
        "reported_late",
        "error_found",
        "found_false",
        "selected_excellent",
    ] == [h.__name__ for h in _fold.HANDLERS]
    assert len(SCORED) == len(_fold.HANDLERS)


def _full(handlers: Handlers[Any], leave_out: type[Event] | None = None) -> None:
    """Register a handler for every scored type but ``leave_out``, each taking its type's row."""
    for codec in SCORED:
        if codec.type is not leave_out:

            def handler(fold: Any, row: Any) -> None:
                del fold, row

            handler.__annotations__["row"] = codec.row_type
            handlers.on(codec.type)(handler)


def test_a_scored_type_without_a_handler_stops_the_table() -> None:
    """Every type but a miss has its handler: making the table raises, naming the type."""
    handlers: Handlers[Any] = Handlers("Probe")
    _full(handlers, leave_out=Missed)
    with pytest.raises(TypeError) as caught:
        handlers.table()
    assert "Probe has no handler for missed events: every scored event type needs exactly one" == str(
        caught.value
    )


def test_a_second_handler_for_a_type_is_refused_when_registered() -> None:
    """Two handlers for adoptions: the second is refused, naming both."""
    handlers: Handlers[Callable[..., None]] = Handlers("Probe")

    def adopted(fold: Any, row: AdoptedRow) -> None:
        del fold, row

    def adopted_again(fold: Any, row: AdoptedRow) -> None:
        del fold, row

    handlers.on(Adopted)(adopted)
    with pytest.raises(TypeError) as caught:
        handlers.on(Adopted)(adopted_again)
    assert (
        "Probe.adopted_again handles adopted events, which Probe.adopted handles already:"
        " one handler per type"
    ) == str(caught.value)


def test_a_handler_for_withdrawals_is_refused_when_registered() -> None:
    """A withdrawal never reaches a fold: a handler for it is an error."""
    handlers: Handlers[Callable[..., None]] = Handlers("Probe")

    def withdrawn(fold: Any, row: Any) -> None:
        del fold, row

    with pytest.raises(TypeError) as caught:
        handlers.on(Withdrawn)(withdrawn)
    assert (
        "Probe.withdrawn handles withdrawn records, which never reach a fold: corrections take them out first"
    ) == str(caught.value)


def test_a_handler_taking_another_types_row_stops_the_table() -> None:
    """A miss's handler annotated with an adoption's row: making the table raises, naming both."""
    handlers: Handlers[Any] = Handlers("Probe")
    _full(handlers, leave_out=Missed)

    def missed(fold: Any, row: AdoptedRow) -> None:
        del fold, row

    handlers.on(Missed)(missed)
    with pytest.raises(TypeError) as caught:
        handlers.table()
    assert str(caught.value).startswith(
        "Probe.missed handles missed events, so its row must be annotated as MissedRow, not "
    )
    assert MissedRow != AdoptedRow


_MODULE = """
from __future__ import annotations

from chengdu_infoscore._codecs import {imports}, Handlers
from chengdu_infoscore.events import {types}

handlers = Handlers("Probe")


class Probe:
{methods}

HANDLERS = handlers.table()
"""


def _probe_module(tmp_path: Path, kinds: list[Any]) -> str:
    """A module that registers handlers for ``kinds`` as _fold does, and makes its table when imported."""
    methods = "\n".join(
        f"    @handlers.on({c.type.__name__})\n"
        f"    def on_{c.kind}(self, row: {c.type.__name__}Row) -> None:\n"
        "        pass\n"
        for c in kinds
    )
    text = _MODULE.format(
        imports=", ".join(sorted({f"{c.type.__name__}Row" for c in kinds})),
        types=", ".join(sorted({c.type.__name__ for c in kinds})),
        methods=methods,
    )
    name = f"probe_{len(kinds)}"
    (tmp_path / f"{name}.py").write_text(text, encoding="utf-8")
    return name


def test_importing_a_module_that_leaves_a_type_without_a_handler_fails(tmp_path: Path) -> None:
    """As _fold makes its table when imported, a module missing one handler cannot be imported at all."""
    complete, short = _probe_module(tmp_path, list(SCORED)), _probe_module(tmp_path, list(SCORED[:-1]))
    sys.path.insert(0, str(tmp_path))
    try:
        table = importlib.import_module(complete).HANDLERS
        with pytest.raises(TypeError) as caught:
            importlib.import_module(short)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(complete, None)
        sys.modules.pop(short, None)
    assert [f"on_{c.kind}" for c in SCORED] == [h.__name__ for h in table]
    assert "Probe has no handler for excellent events: every scored event type needs exactly one" == str(
        caught.value
    )


def test_a_separator_inside_a_field_cannot_make_two_contents_one_fingerprint() -> None:
    """A miss whose subject holds U+001F, and one whose category holds it instead, were one text when
    the parts were only joined: now each part's separators (and escapes) are escaped, and the plain
    JSON Lines path writes the same text as the codecs for both."""
    from chengdu_infoscore import parse_jsonl
    from chengdu_infoscore._codecs import fingerprint, row_of, text_of

    a = Missed(id="x", date="2007-03-01", unit="锦江区", category="work_dynamic", subject="a\x1fb")
    b = Missed(id="x", date="2007-03-01", unit="锦江区", category="work_dynamic\x1fa", subject="b")
    c = Missed(id="x", date="2007-03-01", unit="锦江区", category="work_dynamic", subject="a\x1e\x1fb")
    texts = {text_of(row_of(e, 0)) for e in (a, b, c)}
    line = json.dumps(event_record(a), ensure_ascii=False).encode("utf-8") + b"\n"
    assert (3, fingerprint(row_of(a, 0))) == (len(texts), parse_jsonl(line, "log.jsonl")._prints)
