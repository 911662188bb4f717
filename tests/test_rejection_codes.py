"""Rejections carry a code and its parameters, put in words at the edge, in either language; the
events digest counts a rejected record by what was read, never by what was said about it."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import string
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chengdu_infoscore
from chengdu_infoscore import Missed, Scorer, parse_jsonl, score, write_jsonl
from chengdu_infoscore import messages as messages_module
from chengdu_infoscore.events import RECORD_TYPES, Origin
from chengdu_infoscore.exceptions import EventFieldError
from chengdu_infoscore.messages import LANGS, Message, catalogue
from chengdu_infoscore.provenance import rejection_fingerprint
from chengdu_infoscore.readers import _JSON_PROBLEMS
from chengdu_infoscore.reports import ingest_json, rejection_json, results_json
from chengdu_infoscore.results import Rejection
from chengdu_infoscore.store import Store
from chengdu_infoscore.testing import event_logs

SRC = Path(chengdu_infoscore.__file__).parent
CJK = re.compile("[\u4e00-\u9fff]")
GOOD = '{"id": "g1", "type": "missed", "date": "2007-03-20", "unit": "锦江区", "category": "work_dynamic"}'


def _rejected_codes_in_source() -> set[str]:
    """Every ``rejected.*`` code the library names, written out or made from a type word."""
    written = set()
    for path in SRC.rglob("*.py"):
        written |= set(
            re.findall(r'"(rejected\.[a-z_][a-z0-9_.]*[a-z0-9])"', path.read_text(encoding="utf-8"))
        )
    kinds = set(RECORD_TYPES)
    made = {f"rejected.record.{kind}" for kind in kinds}
    made |= {f"rejected.unscored.{kind}" for kind in kinds - {"submitted", "withdrawn", "contact"}}
    made |= {f"rejected.json.{name}" for name in _JSON_PROBLEMS.values()}
    made |= {f"rejected.unknown_{what}" for what in ("channel", "level", "category", "leader_level")}
    return written | made


def test_every_code_the_library_raises_is_in_both_catalogues() -> None:
    """A code missing from a catalogue would fail only when that record is met."""
    codes = _rejected_codes_in_source()
    assert (set(), set()) == (codes - set(catalogue("zh")), codes - set(catalogue("en")))
    assert 60 < len(codes)


def _filled(template: str) -> dict[str, str]:
    return {name: f"<{name}>" for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(c for c in catalogue("en") if c.startswith("rejected.")))
def test_every_rejection_code_renders_in_both_languages(code: str) -> None:
    """Every code's text takes its parameters in both languages; the Chinese is Chinese, not a copy
    of the English (save texts that are only their parameters or a type word)."""
    en = catalogue("en")[code].format_map(_filled(catalogue("en")[code]))
    zh = catalogue("zh")[code].format_map(_filled(catalogue("zh")[code]))
    literal = code in {"rejected.text", "rejected.found.literal"} or code.startswith("rejected.json.")
    assert (True, True) == (bool(en), literal or (CJK.search(zh) is not None and zh != en)), (zh, en)


# -- codes reached from input that tests/bad does not hold -------------------------------------------


def _read(*lines: str) -> chengdu_infoscore.Results:
    read = parse_jsonl("\n".join([GOOD, *lines]).encode("utf-8"), "log.jsonl")
    return score(read)


def _points(points: str) -> str:
    return '{"id": "h2", "type": "error", "date": "2007-03-20", "item": "x", "points": ' + points + "}"


def _copy(eid: str, subject: str) -> str:
    return json.dumps(
        {
            "id": eid,
            "type": "missed",
            "date": "2007-03-20",
            "unit": "锦江区",
            "category": "work_dynamic",
            "subject": subject,
        }
    )


@pytest.mark.parametrize(
    ("lines", "code", "en", "zh"),
    [
        pytest.param(
            [_points("1e99999999999999999999")],
            "rejected.huge_number",
            "field 'points': expected a number from -10000 to 10000, found a number",
            "字段 'points':应为 -10000 至 10000 之间的数,实为一个超出此范围的数",
            id="huge_number",
        ),
        pytest.param(
            [_points('"1e999999999999999999999"')],
            "rejected.points_too_big",
            "field 'points': expected a figure from -10000 to 10000, found '1e999999999999999999999'",
            "字段 'points':应为 -10000 至 10000 之间的分值,实为 '1e999999999999999999999'",
            id="points_too_big",
        ),
        pytest.param(
            [_copy("d", f"copy {n}") for n in range(4)],
            "rejected.id_used_twice_one_more",
            "the id 'd' is used by different records (at log.jsonl:2, log.jsonl:3, log.jsonl:4"
            " and 1 more place)",
            "编号 'd' 被内容不同的多条记录使用(位于 log.jsonl:2, log.jsonl:3, log.jsonl:4 以及另外 1 处)",
            id="id_used_twice_one_more",
        ),
        pytest.param(
            [_copy("d", f"copy {n}") for n in range(5)],
            "rejected.id_used_twice_more",
            "the id 'd' is used by different records (at log.jsonl:2, log.jsonl:3, log.jsonl:4"
            " and 2 more places)",
            "编号 'd' 被内容不同的多条记录使用(位于 log.jsonl:2, log.jsonl:3, log.jsonl:4 以及另外 2 处)",
            id="id_used_twice_more",
        ),
        pytest.param(
            [GOOD.replace("g1", "y1").replace("2007-03-20", "2008-01-02")],
            "rejected.outside_year",
            "dated 2008-01-02, outside the assessment year 2007",
            "日期为 2008-01-02,不在考核年度 2007 之内",
            id="outside_year",
        ),
    ],
)
def test_a_rejection_from_a_log_reads_in_both_languages(
    lines: list[str], code: str, en: str, zh: str
) -> None:
    """The record is rejected with the code; its text is the English and the Chinese given."""
    results = _read(*lines)
    assert [(code, en, zh)] == sorted({(r.code, r.reason, r.text()) for r in results.rejections})


def test_a_datetime_without_offset_given_in_python_reads_in_both_languages() -> None:
    """A naive datetime given to an event: EventFieldError with a message; str() stays English."""
    with pytest.raises(EventFieldError) as caught:
        Missed(id="m", date=dt.datetime(2007, 3, 20, 9), unit="锦江区", category="work_dynamic")
    message = caught.value.message
    assert (
        "rejected.naive_datetime",
        "field 'date': the datetime 2007-03-20T09:00:00 has no UTC offset",
    ) == (
        message.code,
        str(caught.value),
    )
    assert "字段 'date':日期时间 2007-03-20T09:00:00 没有 UTC 时差" == message.text("zh")


def test_a_date_of_the_wrong_type_given_in_python_reads_in_both_languages() -> None:
    """A number as a date: the found value is put in the same language as the rest."""
    with pytest.raises(EventFieldError) as caught:
        Missed(id="m", date=5, unit="锦江区", category="work_dynamic")
    message = caught.value.message
    assert (
        "rejected.date_type",
        "field 'date': expected a date text YYYY-MM-DD, found the number 5",
        "字段 'date':应为 YYYY-MM-DD 形式的日期文本,实为 数字 5",
    ) == (message.code, message.text("en"), message.text("zh"))


def test_a_figure_that_is_not_finite_reads_in_both_languages() -> None:
    """Decimal('NaN') as points: the figure check names it in either language."""
    with pytest.raises(EventFieldError) as caught:
        chengdu_infoscore.ErrorFound(id="e", date="2007-03-20", item="x", points=Decimal("NaN"))
    message = caught.value.message
    assert (
        "rejected.points_not_finite",
        "field 'points': expected a finite number, found nan",
        "字段 'points':应为有限的数,实为 nan",
    ) == (message.code, message.text("en"), message.text("zh"))


def test_a_lone_surrogate_in_a_batch_reads_in_both_languages() -> None:
    """The live scorer refuses text that cannot be kept, by code."""
    report = Scorer().add([Missed(id="s", date="2007-03-20", unit="锦江区", category="x", subject="\ud800")])
    assert [("rejected.lone_surrogate", "某个字段含有单独的代理项(\\ud800–\\udfff),它不是一个字符")] == [
        (r.code, r.text()) for r in report.rejections
    ]


def test_the_line_printed_names_a_missing_or_long_id_in_the_language() -> None:
    """No id is "(no id)" / "(无编号)"; a very long id is cut, with its length, in either language."""
    said = Message.of("rejected.json_too_deep")
    nobody, long = (
        Rejection(Origin("a.jsonl", 2), None, said),
        Rejection(Origin("a.jsonl", 3), "x" * 100, said),
    )
    assert (
        "a.jsonl:2: event (no id): malformed JSON: nested too deeply",
        "a.jsonl:2:事件 (无编号):JSON 格式错误:嵌套层数过多",
        f"a.jsonl:3:事件 {'x' * 60}…(共100个字符):JSON 格式错误:嵌套层数过多",
    ) == (str(nobody), nobody.line("zh"), long.line("zh"))


def test_a_reason_given_as_text_is_kept_as_written_in_every_language() -> None:
    """Rejection(origin, event, "text"): the text in every language, code rejected.text."""
    r = Rejection(Origin("a.jsonl", 1), "e", "line is not JSON")
    assert ("rejected.text", "line is not JSON", "line is not JSON", "line is not JSON") == (
        r.code,
        r.reason,
        r.text(),
        r.text("en"),
    )


# -- JSON ----------------------------------------------------------------------------------------------


def test_a_json_rejection_carries_its_code_and_parameters_beside_the_reason() -> None:
    """reason in the language asked for; code and params, nested messages as their own code."""
    results = _read('{"id": "n1", "type": "missed", "date": "2007-03-20", "unit": "锦江区", "category": 5}')
    zh, en = results_json(results)["rejections"], results_json(results, "en")["rejections"]
    params = {"field": "'category'", "found": {"code": "rejected.found.number", "params": {"value": "5"}}}
    assert [
        {
            "file": "log.jsonl",
            "line": 2,
            "event": "n1",
            "reason": "字段 'category':应为文本,实为 数字 5",
            "code": "rejected.expected_text",
            "params": params,
        }
    ] == zh
    assert "field 'category': expected text, found the number 5" == en[0]["reason"]
    assert {k: v for k, v in zh[0].items() if k != "reason"} == {
        k: v for k, v in en[0].items() if k != "reason"
    }
    assert rejection_json(results.rejections[0], "en") == en[0]


def test_ingest_json_rejections_carry_code_and_parameters(tmp_path: Path) -> None:
    """The store's report of a batch lists each rejection with its code and parameters."""
    read = parse_jsonl(b"{not json\n" + GOOD.encode("utf-8"), "day.jsonl")
    with Store.open(tmp_path / "s.store", create=True) as store:
        report = store.ingest(read, recorded=dt.date(2007, 3, 21))
    got = ingest_json(report, "en")["rejections"]
    assert [("rejected.malformed_json", 1, 2)] == [
        (r["code"], r["params"]["lineno"], r["params"]["colno"]) for r in got
    ]
    assert got[0]["reason"].startswith("malformed JSON: Expecting property name enclosed in double quotes")
    assert ingest_json(report)["rejections"][0]["reason"].startswith(
        "JSON 格式错误:此处应为用双引号括起的字段名"
    )


# -- the events digest -----------------------------------------------------------------------------------

BROKEN = [
    "{not json",
    '{"id": "b1", "type": "missed"}',
    '{"id": "b2", "type": "nonsense", "date": "2007-01-01"}',
]


def _log_bytes(events: list[Any], broken: list[str]) -> list[bytes]:
    buffer = __import__("io").StringIO()
    write_jsonl(events, buffer)
    return [line.encode("utf-8") for line in buffer.getvalue().splitlines() + broken] + [b'{"id": "bad\xb5"}']


def _digest(lines: list[bytes]) -> str:
    results = score(parse_jsonl(b"\n".join(lines), "log.jsonl"))
    assert results.provenance is not None
    return results.provenance.events_digest


@settings(max_examples=25, deadline=None)
@given(
    log=event_logs(max_items=6, max_units=2),
    seed=st.integers(0, 2**32),
    broken=st.lists(st.sampled_from(BROKEN), max_size=3),
)
def test_the_events_digest_does_not_depend_on_the_language_the_wording_or_the_order(
    log: list[Any], seed: int, broken: list[str]
) -> None:
    """Rewording every message (another catalogue), or reading the lines in another order, leaves
    the digest of a log with rejected lines as it is; dropping a rejected line changes it."""
    lines = _log_bytes(log, broken)
    before = _digest(lines)
    shuffled = random.Random(seed).sample(lines, len(lines))
    original = messages_module.catalogue
    reworded = {code: f"({code}) {value}" for code, value in original("en").items()}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(messages_module, "catalogue", lambda lang: reworded)
        assert "(rejected.text) x" == Rejection(None, None, "x").text()  # the catalogue is the reworded one
        assert before == _digest(shuffled)
    assert before != _digest(lines[:-1])


def test_a_rejected_record_counts_by_what_was_read() -> None:
    """The digest of a log with a broken line is the events' fingerprints plus that line's, by its
    bytes, and the same whether the reason is said in one language or another."""
    clean, broken = GOOD.encode("utf-8"), b"{not json"
    both = parse_jsonl(clean + b"\n" + broken + b"\r\n", "log.jsonl")
    alone = parse_jsonl(clean, "log.jsonl")
    assert both._prints == alone._prints + rejection_fingerprint(broken)
    assert rejection_fingerprint("{not json") == rejection_fingerprint(b"{not json")
    again = score(alone.events, rejected=both.rejections).provenance
    assert again is not None and score(both).provenance == again


def test_a_log_digests_alike_in_score_the_scorer_and_the_store(tmp_path: Path) -> None:
    """A log's events digest is the same from score, from the live Scorer and from a store batch
    (records in force); scoring a store's view gives it again."""
    read = parse_jsonl("\n".join([GOOD, _copy("m2", "x"), _copy("m3", "y")]).encode("utf-8"), "log.jsonl")
    scored = score(read, as_of=dt.date(2007, 12, 31)).provenance
    scorer = Scorer()
    scorer.add(read)
    live = scorer.results(as_of=dt.date(2007, 12, 31)).provenance
    with Store.open(tmp_path / "s.store", create=True) as store:
        batch = store.ingest(read, recorded=dt.date(2007, 3, 21))
        viewed = score(store.read(), as_of=dt.date(2007, 12, 31)).provenance
    assert scored is not None and live is not None and viewed is not None
    assert [scored.events_digest] * 3 == [live.events_digest, batch.digest, viewed.events_digest]


def test_every_language_has_a_catalogue_with_the_rejection_codes() -> None:
    """Both catalogues hold the codes rejections use (the same set)."""
    zh, en = ({c for c in catalogue(lang) if c.startswith("rejected.")} for lang in LANGS)
    assert zh == en


def test_the_docs_list_every_rejection_code() -> None:
    """docs/events.md ("Rejection codes") has a row for every code a rejection's reason can have."""
    page = (SRC.parents[1] / "docs" / "events.md").read_text(encoding="utf-8")
    parts = ("rejected.found.", "rejected.csv.", "rejected.json.", "rejected.record.")
    shown = {"rejected.line", "rejected.no_id", "rejected.long_id", "rejected.long_value"}
    codes = {c for c in catalogue("en") if c.startswith("rejected.") and not c.startswith(parts)} - shown
    assert [] == sorted(c for c in codes if f"| `{c}` |" not in page)


def test_a_rejected_csv_record_counts_by_its_text_or_its_bytes() -> None:
    """A CSV record rejected counts by its text (lines joined, without the final break); one with
    bytes not valid in its encoding by the bytes read, so two such records differ in the digest."""
    from chengdu_infoscore import parse_csv

    head = b"id,type,date,unit,category,subject\n"
    good = "g1,missed,2007-03-20,锦江区,work_dynamic,x\n".encode()
    short = parse_csv(head + good + b"c1,missed\r\n", "log.csv")
    assert short._prints == parse_csv(head + good, "log.csv")._prints + rejection_fingerprint("c1,missed")
    a, b = (
        parse_csv(head + good + b"c2,missed,2007-03-20,\xff" + x + b",work_dynamic,x\n", "log.csv")
        for x in (b"1", b"2")
    )
    assert ["rejected.csv_encoding"] * 2 == [r.code for r in (*a.rejections, *b.rejections)]
    assert (b"c2,missed,2007-03-20,\xff1,work_dynamic,x", False) == (
        a.rejections[0].record,
        a._prints == b._prints,
    )
