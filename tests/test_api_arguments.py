"""The Python API says what is wrong: wrong types and values are named; units are found by any spelling;
a Scorer is safe from several threads."""

from __future__ import annotations

import datetime as dt
import random
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengdu_infoscore import (
    ArgumentError,
    ArgumentTypeError,
    InfoscoreError,
    Results,
    Scorer,
    Submitted,
    UnknownUnitError,
    load_quotas,
    monthly_bulletin,
    parse_csv,
    parse_jsonl,
    parse_record,
    periods,
    read_events,
    sample_year,
    score,
    year_end_bulletin,
)
from chengdu_infoscore.periods import month_end
from chengdu_infoscore.reports import results_json

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "example-2007.jsonl"
QUOTAS = load_quotas(2007)
EVENTS = [Submitted(id="e1", date="2007-03-01", unit="锦江区", item="J1")]
RESULTS = score(EVENTS)
KINDS = "Submitted, Adopted, Commissioned, Instructed, HigherAdopted, Missed, ReportedLate, ErrorFound"


def _gen() -> Iterator[object]:
    yield EVENTS[0]
    yield {"type": "submitted"}


WRONG: list[tuple[str, Callable[[], object], type[Exception], str]] = [
    ("as_of text", lambda: score(EVENTS, as_of="2007-06-30"), ArgumentTypeError,
     "as_of must be a datetime.date, not the text '2007-06-30' (datetime.date.fromisoformat('2007-06-30')"),
    ("as_of datetime", lambda: score(EVENTS, as_of=dt.datetime(2007, 6, 30, 23)), ArgumentTypeError,
     "as_of must be a datetime.date, not the datetime 2007-06-30T23:00:00: its date depends on the time"),
    ("None as event", lambda: score([EVENTS[0], None]), ArgumentTypeError,
     f"events[1] is None, not an event (one of {KINDS}, FoundFalse, SelectedExcellent)"),
    ("dict as event", lambda: score(_gen()), ArgumentTypeError, "events[1] is a dict, not an event"),
    ("object as event", lambda: score([object()]), ArgumentTypeError, "events[0] is an object, not an event"),
    ("path as events", lambda: score(str(EXAMPLE)), ArgumentTypeError,
     "events must be events or what read_events() gave, not the text"),
    ("Path as events", lambda: score(EXAMPLE), ArgumentTypeError,
     "events must be events or what read_events() gave, not a PosixPath: read a file with read_events("),
    ("None as events", lambda: score(None), ArgumentTypeError,  # type: ignore[arg-type]
     "events must be an iterable of events or what read_events() gave, not None"),
    ("year text", lambda: score(EVENTS, year="2007"), ArgumentTypeError,  # type: ignore[arg-type]
     "year must be a year (int), such as 2007, not the text '2007'"),
    ("year bool", lambda: score(EVENTS, year=True), ArgumentTypeError,
     "year must be a year (int), such as 2007, not the boolean True"),
    ("year 0", lambda: score(EVENTS, year=0), ArgumentError, "year must be from 1 to 9999, not 0"),
    ("rules number", lambda: score(EVENTS, rules=2007), ArgumentTypeError,  # type: ignore[arg-type]
     "rules must be a version's id, a rule file, a RuleSet, a Timeline, a list of ids, files and"
     " RuleSets, or None, not the number 2007"),
    ("rules list of numbers", lambda: score(EVENTS, rules=[2007]), ArgumentTypeError,  # type: ignore[list-item]
     "rules[0] must be a version's id, a rule file or a RuleSet, not the number 2007"),
    ("quotas year", lambda: score(EVENTS, quotas=2007), ArgumentTypeError,  # type: ignore[arg-type]
     "quotas must be a QuotaTable or None (load_quotas(year) gives one), not the number 2007"),
    ("rejected text", lambda: score(EVENTS, rejected=["bad"]), ArgumentTypeError,  # type: ignore[list-item]
     "rejected[0] must be a Rejection, not the text 'bad'"),
    ("Scorer year", lambda: Scorer(year="2007"), ArgumentTypeError, "year must be a year (int)"),  # type: ignore[arg-type]
    ("Scorer rules", lambda: Scorer(rules=2007), ArgumentTypeError, "rules must be a version's id"),  # type: ignore[arg-type]
    ("Scorer.add None", lambda: Scorer().add([None]), ArgumentTypeError, "events[0] is None, not an event"),  # type: ignore[list-item]
    ("Scorer.add path", lambda: Scorer().add("log.jsonl"), ArgumentTypeError,  # type: ignore[arg-type]
     "events must be events or what read_events() gave, not the text 'log.jsonl'"),
    ("Scorer.results text", lambda: Scorer().results(as_of="2007-01-01"), ArgumentTypeError,  # type: ignore[arg-type]
     "as_of must be a datetime.date, not the text '2007-01-01'"),
    ("month text", lambda: monthly_bulletin(RESULTS, QUOTAS, "6"), ArgumentTypeError,  # type: ignore[arg-type]
     "month must be a month (int, 1 to 12), not the text '6'"),
    ("month 13", lambda: monthly_bulletin(RESULTS, QUOTAS, 13), ArgumentError,
     "month must be from 1 to 12, not 13"),
    ("bulletin quotas", lambda: monthly_bulletin(RESULTS, 2007, 6), ArgumentTypeError,  # type: ignore[arg-type]
     "quotas must be a QuotaTable (load_quotas(year) gives one), not the number 2007"),
    ("bulletin results", lambda: monthly_bulletin(None, QUOTAS, 6), ArgumentTypeError,  # type: ignore[arg-type]
     "results must be the Results of score() or Scorer.results(), not None"),
    ("top text", lambda: year_end_bulletin(RESULTS, QUOTAS, "3"), ArgumentTypeError,  # type: ignore[arg-type]
     "top must be a number of units (int, 0 or more), not the text '3'"),
    ("top -1", lambda: year_end_bulletin(RESULTS, QUOTAS, -1), ArgumentError,
     "top must be 0 or more, not -1"),
    ("periods None", lambda: periods(None), ArgumentTypeError, "results must be the Results"),  # type: ignore[arg-type]
    ("periods text", lambda: periods(RESULTS, "work_dynamic"), ArgumentTypeError,
     "categories must be an iterable of category keys, not the text 'work_dynamic'"),
    ("month_end 13", lambda: month_end(2007, 13), ArgumentError, "month must be from 1 to 12, not 13"),
    ("month_end 0", lambda: month_end(0, 1), ArgumentError, "year must be from 1 to 9999, not 0"),
    ("month_end text", lambda: month_end("2007", 1), ArgumentTypeError, "year must be a year (int)"),  # type: ignore[arg-type]
    ("unit None", lambda: RESULTS.unit(None), ArgumentTypeError,  # type: ignore[arg-type]
     "name must be a unit's name (str), not None"),
    ("record None", lambda: parse_record(None), ArgumentTypeError,  # type: ignore[arg-type]
     "record must be a mapping of field names to values (a dict), not None"),
    ("record list", lambda: parse_record([]), ArgumentTypeError,  # type: ignore[arg-type]
     "record must be a mapping of field names to values (a dict), not a list"),
    ("record origin text", lambda: parse_record({}, "log.jsonl"), ArgumentTypeError,  # type: ignore[arg-type]
     "origin must be an Origin or None, not the text 'log.jsonl'"),
    ("record text_only", lambda: parse_record({}, text_only="yes"), ArgumentTypeError,  # type: ignore[arg-type]
     "text_only must be True or False, not the text 'yes'"),
    ("parse_jsonl name None", lambda: parse_jsonl(b"", None), ArgumentTypeError,  # type: ignore[arg-type]
     "name must be the file's name, as messages give it (str), not None"),
    ("parse_csv name number", lambda: parse_csv(b"", 123), ArgumentTypeError,  # type: ignore[arg-type]
     "name must be the file's name, as messages give it (str), not the number 123"),
    ("parse_csv text", lambda: parse_csv("id,type,date", "log.csv"), ArgumentTypeError,  # type: ignore[arg-type]
     "parse_csv: data must be bytes (a file's content), not str: encode the text first"),
    ("parse_jsonl None", lambda: parse_jsonl(None, "x"), ArgumentTypeError,  # type: ignore[arg-type]
     "parse_jsonl: data must be bytes (a file's content), not NoneType"),
    ("parse_csv delimiter number", lambda: parse_csv(b"", "x", delimiter=5), ArgumentTypeError,  # type: ignore[arg-type]
     "parse_csv: delimiter must be a str of one character, not 5"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "error", "words"), [w[1:] for w in WRONG], ids=[w[0] for w in WRONG])
def test_wrong_arguments_are_named(call: Callable[[], object], error: type[Exception], words: str) -> None:
    """Each wrong argument raises a TypeError or ValueError of the library, whose message names it."""
    with pytest.raises(error) as caught:
        call()
    builtin = TypeError if error is ArgumentTypeError else ValueError
    assert (True, True, True) == (
        str(caught.value).startswith(words),
        isinstance(caught.value, builtin),
        isinstance(caught.value, InfoscoreError),
    )


def test_a_scorer_batch_with_a_bad_event_is_not_taken_at_all() -> None:
    """Scorer.add of a batch holding a non-event changes nothing: the batch is checked before it is taken."""
    scorer = Scorer()
    scorer.add(EVENTS)
    with pytest.raises(ArgumentTypeError):
        scorer.add([Submitted(id="e2", date="2007-03-02", unit="锦江区", item="J2"), None])  # type: ignore[list-item]
    assert results_json(score(EVENTS)) == results_json(scorer.results())


# -- Results.unit: every spelling events accept -------------------------------------------------


def test_results_unit_takes_names_labels_aliases_and_the_chengdu_form() -> None:
    """能源办, 市经委(含能源办), 成都市经委 and ' 市经委 ' all find 市经委."""
    found = {RESULTS.unit(n).name for n in ("市经委", "市经委(含能源办)", "能源办", "成都市经委", " 市经委 ")}
    assert {"市经委"} == found


@given(unit=st.sampled_from(QUOTAS.units), data=st.data())
def test_every_spelling_of_every_unit_finds_it(unit: Any, data: st.DataObject) -> None:
    """Any spelling the target table accepts for a unit (as events may write it) finds that unit's result."""
    name = data.draw(st.sampled_from(QUOTAS.names(unit)))
    assert unit.name == RESULTS.unit(name).name


def test_unknown_unit_offers_the_closest_names() -> None:
    """A misspelt unit raises UnknownUnitError (a KeyError) naming the closest units."""
    with pytest.raises(KeyError) as caught:
        RESULTS.unit("市公按局")
    assert (UnknownUnitError, ("市公安局", "市邮政局", "市质监局")) == (
        type(caught.value),
        caught.value.closest,
    )  # type: ignore[attr-defined]
    assert str(caught.value).endswith("; the closest: 市公安局, 市邮政局, 市质监局")


@given(name=st.text(max_size=8))
def test_any_other_name_is_an_unknown_unit_with_known_suggestions(name: str) -> None:
    """Any text that is not a spelling of a unit raises UnknownUnitError; what it suggests are real units."""
    if QUOTAS.find(name) is not None:
        assert QUOTAS.find(name) is RESULTS.unit(name).unit
        return
    with pytest.raises(UnknownUnitError) as caught:
        RESULTS.unit(name)
    known = {u.name for u in QUOTAS}
    assert (True, name) == (set(caught.value.closest) <= known, caught.value.name)


def test_results_built_by_hand_find_units_by_label_and_alias() -> None:
    """Results made without a target table still find a unit by its label and aliases."""
    hand = Results(
        year=RESULTS.year,
        as_of=RESULTS.as_of,
        rules=RESULTS.rules,
        units=RESULTS.units,
        rejections=(),
        read=1,
        counted=1,
        repeats=0,
        after_as_of=0,
    )
    assert ["市经委", "市经委"] == [hand.unit("能源办").name, hand.unit("市经委(含能源办)").name]


# -- Scorer from several threads ----------------------------------------------------------------


@pytest.mark.slow
def test_scorer_is_safe_from_several_threads() -> None:
    """Four threads adding batches while two ask for results: nothing raises, every result sees whole
    batches only, and the end is exactly score() of all the events."""
    events = list(sample_year()[:8000])
    random.Random(9).shuffle(events)
    batches = [events[i : i + 250] for i in range(0, len(events), 250)]
    scorer, errors, reads, done = Scorer(), [], [], threading.Event()

    def add(k: int) -> None:
        try:
            for batch in batches[k::4]:
                scorer.add(batch)
        except Exception as exc:  # the test reports it
            errors.append(repr(exc))

    def ask() -> None:
        try:
            while not done.is_set():
                reads.append(scorer.results().read)
        except Exception as exc:
            errors.append(repr(exc))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # threads change hands often: a missing lock shows at once
    try:
        adders = [threading.Thread(target=add, args=(k,)) for k in range(4)]
        askers = [threading.Thread(target=ask) for _ in range(2)]
        for t in adders + askers:
            t.start()
        for t in adders:
            t.join()
        done.set()
        for t in askers:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert ([], {0}, results_json(score(events))) == (
        errors,
        {n % 250 for n in reads} | {0},
        results_json(scorer.results()),
    )


def test_scorer_from_threads_with_files_equals_reading_them_together(tmp_path: Path) -> None:
    """Files added to one scorer from a thread each give what scoring them read together gives."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    paths = []
    for i in range(3):
        path = tmp_path / f"part{i}.jsonl"
        path.write_text("".join(lines[i::3]), encoding="utf-8")
        paths.append(path)
    scorer = Scorer()
    threads = [threading.Thread(target=scorer.add, args=(read_events([p]),)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = results_json(score(read_events(paths)))
    actual = results_json(scorer.results())
    assert (expected["units"], expected["events"]) == (actual["units"], actual["events"])


# -- target tables made in Python are checked as the TOML loader checks them ----------------------


def _unit(**changes: Any) -> Any:
    from chengdu_infoscore.quotas import Unit

    fields: dict[str, Any] = {
        "name": "锦江区",
        "label": "锦江区",
        "group": "district",
        "basis": "adopted",
        "target": 120,
    }
    return Unit(**{**fields, **changes})


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        (
            {"target": 0},
            ArgumentError,
            "Unit '锦江区': target: expected a whole number from 1 to 1000000, found 0",
        ),
        (
            {"target": 1_000_001},
            ArgumentError,
            "target: expected a whole number from 1 to 1000000, found 1000001",
        ),
        (
            {"target": True},
            ArgumentTypeError,
            "target: expected a whole number (int) from 1 to 1000000, found the boolean True",
        ),
        ({"target": "120"}, ArgumentTypeError, "found the text '120'"),
        (
            {"basis": "adoption"},
            ArgumentError,
            "Unit '锦江区': basis must be one of adopted, submitted, not the text 'adoption'",
        ),
        ({"name": ""}, ArgumentError, "name must not be empty"),
        ({"label": None}, ArgumentTypeError, "label must be a text (str), not None"),
        (
            {"aliases": ("能源办", 3)},
            ArgumentTypeError,
            "aliases must be a tuple of names (str), but holds the number 3",
        ),
    ],
)
def test_a_unit_made_in_python_is_checked(changes: dict[str, Any], error: type, words: str) -> None:
    """Unit(...) with a target out of 1..1000000 or not an int, an unknown basis, an empty name, a name
    that is not text, an alias that is not text: the error names the unit and the field."""
    with pytest.raises(error) as info:
        _unit(**changes)
    assert (True, True) == (words in str(info.value), isinstance(info.value, InfoscoreError))


def test_a_table_made_in_python_lists_every_group_and_designates_each_unit_once() -> None:
    """QuotaTable(...) with a unit of a group it does not list, or two units that one name designates:
    an ArgumentError saying which; a list of units is kept as a tuple."""
    from chengdu_infoscore.quotas import Group, QuotaTable

    group = Group("district", "区", "adopted")
    with pytest.raises(ArgumentError) as orphan:
        QuotaTable(2032, "x", (group,), (_unit(group="department"),))
    with pytest.raises(ArgumentError) as clash:
        QuotaTable(2032, "x", (group,), (_unit(), _unit(name="青羊区", aliases=("锦江区",))))
    table = QuotaTable(2032, "x", [group], [_unit(aliases=["锦江"])])
    assert (
        "QuotaTable 2032: the unit '锦江区' is in the group 'department',"
        " which the table's groups do not list",
        "QuotaTable 2032: the name '锦江区' would designate both 锦江区 and 青羊区",
        ((_unit(aliases=("锦江",)),), "锦江区"),
    ) == (str(orphan.value), str(clash.value), (table.units, table.unit("锦江").name))
