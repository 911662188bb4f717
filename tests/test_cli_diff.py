"""The command line's `diff`: what changed between two views of a store — two known-on dates, or the
view a published bulletin was made from and now — as a table and as JSON; every misuse exits 2.

The histories are worked by hand: the numbers expected are the 2007 rules' (docs/rules-2007.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from chengdu_infoscore import Store, load_rules, score
from chengdu_infoscore.cli import main
from chengdu_infoscore.diff import diff_json, diff_table
from chengdu_infoscore.reports import provenance_json
from chengdu_infoscore.rules.registry import rule_set
from store_kit import History, histories, in_force

COMMAND = [sys.executable, "-m", "chengdu_infoscore"]
ERROR = "chengdu-infoscore: error: "

# A hand-worked history of three batches: an adoption revised to another channel, a miss withdrawn,
# late events.
DAY1 = [
    '{"id": "e1", "type": "submitted", "date": "2007-03-05", "unit": "锦江区", "item": "J1"}',
    '{"id": "e2", "type": "adopted", "date": "2007-03-07", "item": "J1", "channel": "zwxx"}',
    '{"id": "e3", "type": "missed", "date": "2007-03-08", "unit": "锦江区", "category": "work_dynamic"}',
]
DAY2 = [
    '{"id": "e2", "type": "adopted", "date": "2007-03-07", "item": "J1", "channel": "cddt"}',
    '{"id": "w1", "type": "withdrawn", "date": "2007-04-02", "event": "e3"}',
]
DAY3 = [
    '{"id": "e4", "type": "submitted", "date": "2007-03-20", "unit": "青羊区", "item": "Q1"}',
    '{"id": "e5", "type": "adopted", "date": "2007-03-28", "item": "Q1", "channel": "zwyw"}',
]
RECORDED = ("2007-03-10", "2007-04-02", "2007-04-20")


def run_here(*args: str | Path) -> tuple[int, str, str]:
    """Run the command in this process: its status, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in args])
    return status, out.getvalue(), err.getvalue()


def _lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def _ingest(store: Path, path: Path, recorded: str) -> None:
    status, _, err = run_here("ingest", store, path, "--recorded", recorded)
    assert (0, "") == (status, err)


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """The three batches ingested through the command line, on 10 March, 2 April and 20 April."""
    store = tmp_path / "year.store"
    for n, (lines, day) in enumerate(zip((DAY1, DAY2, DAY3), RECORDED, strict=True), start=1):
        _ingest(store, _lines(tmp_path / f"day{n}.jsonl", lines), day)
    return store


def _provenance_line(store: Path, after: int, as_of: str) -> str:
    with Store.open(store) as opened:
        provenance = score(opened.read(after=after), as_of=dt.date.fromisoformat(as_of)).provenance
    assert provenance is not None
    return provenance.line("en")


def _provenance_json(store: Path, after: int, as_of: str) -> dict[str, Any] | None:
    with Store.open(store) as opened:
        return provenance_json(score(opened.read(after=after), as_of=dt.date.fromisoformat(as_of)).provenance)


# -- two known-on dates ----------------------------------------------------------------------------


@pytest.mark.slow
def test_diff_from_a_date_to_everything_recorded_as_a_table(history: Path) -> None:
    """From 31 March (batch 1) to now: 锦江区 2.1 → 1.1 (the adoption moved from 政务信息 to 成都动态,
    the miss withdrawn), 青羊区 0 → 4.1 (its late submission and adoption); ranks swap."""
    status, out, err = run_here(
        "diff", "--store", history, "--from", "2007-03-31", "--as-of", "2007-12-31", "--lang", "en"
    )
    expected = f"""store {history}
before: as known on 2007-03-31 · after batch 1, recorded 2007-03-10
after: everything recorded · after batch 3, recorded 2007-04-20

What changed in 2007
before: as of 2007-12-31 · rules chengdu-2007 · 3 events read, 3 counted, 0 repeats, 0 dated later, 0 rejected
  {_provenance_line(history, 1, "2007-12-31")}
after: as of 2007-12-31 · rules chengdu-2007 · 4 events read, 4 counted, 0 repeats, 0 dated later, 0 rejected
  {_provenance_line(history, 3, "2007-12-31")}

2 unit(s) changed, 116 unchanged

unit    score before  score after  change  rank in group  submitted  adopted  counted   completion
------  ------------  -----------  ------  -------------  ---------  -------  -------  -----------
锦江区           2.1          1.1      -1          1 → 2          1    1 → 0    1 → 0  0.8% → 0.0%
青羊区             0          4.1    +4.1          2 → 1      0 → 1    0 → 1    0 → 1  0.0% → 0.8%

锦江区 · 2.1 → 1.1 (-1)
  missed work_dynamic 1 → 0
  what     date        event  clause  points  change  reason
  -------  ----------  -----  ------  ------  ------  ----------------------------
  removed  2007-03-07  e2     A3.1.1       4      -4  item J1 adopted by 政务信息
  added    2007-03-07  e2     A3.1.3       1      +1  item J1 adopted by 成都动态
  removed  2007-03-08  e3     A3.2.1      -2      +2  工作动态 missed #1 this year

青羊区 · 0 → 4.1 (+4.1)
  what   date        event  clause  points  change  reason
  -----  ----------  -----  ------  ------  ------  ---------------------------
  added  2007-03-20  e4     A3.1.4     0.1    +0.1  submitted item Q1
  added  2007-03-28  e5     A3.1.3       4      +4  item Q1 adopted by 政务要闻
"""
    assert (0, expected, "") == (status, out, err)


def test_diff_between_two_dates_as_json(history: Path) -> None:
    """From 31 March to 10 April (batch 2 only): the revision and the withdrawal, not the late events;
    each view states its known-on date, its last batch and when that was recorded."""
    status, out, err = run_here(
        "diff", "--store", history, "--from", "2007-03-31", "--to", "2007-04-10", "--as-of", "2007-06-30",
        "--format", "json",
    )  # fmt: skip
    data = json.loads(out)

    def side(known_on: str, batch: int, recorded: str, read: int) -> dict[str, Any]:
        return {
            "known_on": known_on,
            "batch": batch,
            "recorded": recorded,
            "as_of": "2007-06-30",
            "as_of_basis": "given",
            "rules": "chengdu-2007",
            "events": {
                "read": read,
                "counted": read,
                "repeats": 0,
                "after_as_of": 0,
                "withdrawn": 0,
                "rejected": 0,
            },
            "provenance": _provenance_json(history, batch, "2007-06-30"),
        }

    def line(date: str, points: str, reason: str, code: str, params: dict[str, Any]) -> dict[str, Any]:
        return {"date": date, "points": points, "reason": reason, "code": code, "params": params}

    def adopted(channel: str) -> dict[str, Any]:
        return {"item": "J1", "channel": channel, "note": ""}

    assert (0, "") == (status, err)
    assert {
        "store": str(history),
        "published": None,
        "year": 2007,
        "before": side("2007-03-31", 1, "2007-03-10", 3),
        "after": side("2007-04-10", 2, "2007-04-02", 2),
        "units": [
            {
                "unit": "锦江区",
                "label": "锦江区",
                "group": "district",
                "score": {"before": "2.1", "after": "1.1", "change": "-1"},
                "rank": {"before": 1, "after": 1},
                "submitted": {"before": 1, "after": 1},
                "adopted": {"before": 1, "after": 0},
                "counted": {"before": 1, "after": 0},
                "completion": {"before": "0.0083", "after": "0.0000"},
                "counts": [{"count": "missed", "category": "work_dynamic", "before": 1, "after": 0}],
                "ledger": [
                    {
                        "change": "removed",
                        "event": "e2",
                        "clause": "A3.1.1",
                        "occurrence": 0,
                        "points_change": "-4",
                        "before": line(
                            "2007-03-07",
                            "4",
                            "信息 J1 被《政务信息》采用",
                            "reason.adopted",
                            adopted("政务信息"),
                        ),
                        "after": None,
                    },
                    {
                        "change": "added",
                        "event": "e2",
                        "clause": "A3.1.3",
                        "occurrence": 0,
                        "points_change": "1",
                        "before": None,
                        "after": line(
                            "2007-03-07",
                            "1",
                            "信息 J1 被《成都动态》采用",
                            "reason.adopted",
                            adopted("成都动态"),
                        ),
                    },
                    {
                        "change": "removed",
                        "event": "e3",
                        "clause": "A3.2.1",
                        "occurrence": 0,
                        "points_change": "2",
                        "before": line(
                            "2007-03-08",
                            "-2",
                            "工作动态 本年第1次漏报",
                            "reason.missed",
                            {"category": "工作动态", "n": 1, "about": ""},
                        ),
                        "after": None,
                    },
                ],
            }
        ],
        "unchanged": 117,
        "reranked": [],
        "rejections": {"appeared": [], "disappeared": []},
    } == data


def test_the_chinese_table_names_the_views_and_is_the_diff_of_the_api(history: Path) -> None:
    """--lang zh: the views in Chinese, then exactly diff_table of the two views scored from Python."""
    status, out, _ = run_here("diff", "--store", history, "--from", "2007-03-09", "--as-of", "2007-05-31")
    with Store.open(history) as opened:
        before, after = (score(opened.read(after=n), as_of=dt.date(2007, 5, 31)) for n in (0, 3))
    head = (
        f"记录库 {history}\n变动前: 截至2007-03-09已登记的记录 · 第1批之前(无记录)\n"
        "变动后: 全部已登记的记录 · 第3批之后(2007-04-20登记)\n\n"
    )
    assert (0, head + diff_table(before.diff(after), "zh")) == (status, out)


def test_by_default_both_views_are_scored_as_of_what_score_takes_for_the_later(history: Path) -> None:
    """Without --as-of, both views are as of the date `score --store` takes for the later view."""
    _, scored, _ = run_here("score", "--store", history, "--format", "json")
    status, out, _ = run_here("diff", "--store", history, "--from", "2007-03-31", "--format", "json")
    data = json.loads(out)
    expected = json.loads(scored)["as_of"]
    assert (0, expected, expected) == (status, data["before"]["as_of"], data["after"]["as_of"])


def test_equal_views_give_an_empty_diff_and_exit_0_or_with_exit_code_1_when_something_changed(
    history: Path,
) -> None:
    """Nothing changed: exit 0, "nothing changed"; with --exit-code, 0 when nothing changed, 1 when
    something did."""
    same = ("diff", "--store", history, "--from", "2007-04-02", "--to", "2007-04-19", "--lang", "en")
    status, out, _ = run_here(*same)
    with_code, _, _ = run_here(*same, "--exit-code")
    changed, _, _ = run_here("diff", "--store", history, "--from", "2007-04-02", "--exit-code")
    assert (0, True, 0, 1) == (status, out.endswith("0 unit(s) changed, 118 unchanged\nnothing changed\n"),
                               with_code, changed)  # fmt: skip


def test_out_writes_the_diff_to_a_file(history: Path, tmp_path: Path) -> None:
    """--out FILE: the file holds what standard output would, and standard error says how much changed."""
    target = tmp_path / "changes.json"
    args = ("diff", "--store", history, "--from", "2007-03-31", "--format", "json", "--lang", "en")
    _, printed, _ = run_here(*args)
    status, out, err = run_here(*args, "--out", target)
    assert (0, "", f"what changed written to {target}: 2 unit(s) changed, 116 unchanged\n", printed) == (
        status,
        out,
        err,
        target.read_text(encoding="utf-8"),
    )


# -- a published bulletin and now ------------------------------------------------------------------

JUNE1 = [
    '{"id": "e1", "type": "submitted", "date": "2007-06-05", "unit": "锦江区", "item": "J1"}',
    '{"id": "e2", "type": "adopted", "date": "2007-06-07", "item": "J1", "channel": "zwxx"}',
    '{"id": "e3", "type": "missed", "date": "2007-06-10", "unit": "锦江区", "category": "work_dynamic"}',
]
JULY3 = ['{"id": "e4", "type": "submitted", "date": "2007-06-28", "unit": "青羊区", "item": "Q1"}']
# After the June bulletin: the adoption was in 简明信息, the miss is withdrawn, a June submission of
# 武侯区 arrives late; then a July event, which the June bulletin's as-of date leaves out.
JULY10 = [
    '{"id": "e2", "type": "adopted", "date": "2007-06-07", "item": "J1", "channel": "zwxx_brief"}',
    '{"id": "w1", "type": "withdrawn", "date": "2007-07-10", "event": "e3"}',
    '{"id": "e5", "type": "submitted", "date": "2007-06-20", "unit": "武侯区", "item": "W1"}',
]
JULY20 = ['{"id": "e6", "type": "submitted", "date": "2007-07-15", "unit": "锦江区", "item": "J2"}']


@pytest.fixture
def published(tmp_path: Path) -> tuple[Path, Path]:
    """A store, and the June bulletin published as JSON as known on 3 July; then the corrections of
    10 July and a July event of 20 July are ingested."""
    store = tmp_path / "year.store"
    _ingest(store, _lines(tmp_path / "june.jsonl", JUNE1), "2007-06-15")
    _ingest(store, _lines(tmp_path / "july3.jsonl", JULY3), "2007-07-03")
    status, out, _ = run_here(
        "bulletin", "--store", store, "--month", "2007-06", "--known-on", "2007-07-03", "--format", "json"
    )
    assert 0 == status
    bulletin = tmp_path / "june-bulletin.json"
    bulletin.write_text(out, encoding="utf-8")
    _ingest(store, _lines(tmp_path / "july10.jsonl", JULY10), "2007-07-10")
    _ingest(store, _lines(tmp_path / "july20.jsonl", JULY20), "2007-07-20")
    return store, bulletin


def test_diff_since_a_published_bulletin_shows_exactly_the_corrections(published: tuple[Path, Path]) -> None:
    """The June bulletin's view (batch 2) against now, as of 30 June: the adoption now 简明信息
    (4 → 2, a changed line), the miss withdrawn, 武侯区's late submission, which puts it above 金牛区
    (tied at 0 before, by table order) — and not the July event."""
    store, bulletin = published
    status, out, err = run_here("diff", "--store", store, "--published", bulletin, "--lang", "en")
    digest = json.loads(bulletin.read_text(encoding="utf-8"))["provenance"]["events"]["sha256"]
    view = f"the view of the bulletin {bulletin} (monthly 2007-06, events digest {digest[:12]})"
    expected = f"""store {store}
before: {view} · after batch 2, recorded 2007-07-03
after: everything recorded · after batch 4, recorded 2007-07-20

What changed in 2007
before: as of 2007-06-30 · rules chengdu-2007 · 4 events read, 4 counted, 0 repeats, 0 dated later, 0 rejected
  {_provenance_line(store, 2, "2007-06-30")}
after: as of 2007-06-30 · rules chengdu-2007 · 5 events read, 4 counted, 0 repeats, 1 dated later, 0 rejected
  {_provenance_line(store, 4, "2007-06-30")}

2 unit(s) changed, 116 unchanged

unit    score before  score after  change  rank in group  submitted  adopted  counted  completion
------  ------------  -----------  ------  -------------  ---------  -------  -------  ----------
锦江区           2.1          2.1       0              1          1        1        1        0.8%
武侯区             0          0.1    +0.1          4 → 3      0 → 1        0        0        0.0%

锦江区 · 2.1 → 2.1 (0)
  missed work_dynamic 1 → 0
  what     date        event  clause  points  change  reason
  -------  ----------  -----  ------  ------  ------  ----------------------------
  was      2007-06-07  e2     A3.1.1       4          item J1 adopted by 政务信息
  now      2007-06-07  e2     A3.1.1       2      -2  item J1 adopted by 简明信息
  removed  2007-06-10  e3     A3.2.1      -2      +2  工作动态 missed #1 this year

武侯区 · 0 → 0.1 (+0.1)
  what   date        event  clause  points  change  reason
  -----  ----------  -----  ------  ------  ------  -----------------
  added  2007-06-20  e5     A3.1.4     0.1    +0.1  submitted item W1

Units whose results are the same but whose rank in their group moved (1)
  unit    rank in group
  ------  -------------
  金牛区          3 → 4
"""
    assert (0, "", expected) == (status, err, out)


def test_the_bulletins_view_scores_again_to_its_own_provenance(published: tuple[Path, Path]) -> None:
    """The earlier side of the JSON is the bulletin's view reproduced: its provenance, stamp included,
    is the bulletin's; the JSON names the bulletin, its kind, as-of date and events."""
    store, bulletin = published
    status, out, _ = run_here("diff", "--store", store, "--published", bulletin, "--format", "json")
    data, stated = json.loads(out), json.loads(bulletin.read_text(encoding="utf-8"))
    assert (0, stated["provenance"]) == (status, data["before"]["provenance"])
    assert {
        "file": str(bulletin),
        "bulletin": "monthly",
        "year": 2007,
        "month": 6,
        "as_of": "2007-06-30",
        "events": stated["provenance"]["events"],
    } == data["published"]
    assert ([None, 2, "2007-07-03"], [None, 4, "2007-07-20"]) == (
        [data["before"][k] for k in ("known_on", "batch", "recorded")],
        [data["after"][k] for k in ("known_on", "batch", "recorded")],
    )


@pytest.mark.slow
def test_a_year_end_bulletin_is_diffed_as_of_31_december(
    published: tuple[Path, Path], tmp_path: Path
) -> None:
    """A year-end bulletin published on 3 July: the diff is as of 31 December, so the July event shows too."""
    store, _ = published
    _, out, _ = run_here(
        "bulletin", "--store", store, "--year-end", "--known-on", "2007-07-03", "--format", "json"
    )
    bulletin = _lines(tmp_path / "year-end.json", [out])
    status, diffed, _ = run_here("diff", "--store", store, "--published", bulletin, "--format", "json")
    data = json.loads(diffed)
    assert (0, "2007-12-31", "2007-12-31", "year_end", None) == (
        status,
        data["before"]["as_of"],
        data["after"]["as_of"],
        data["published"]["bulletin"],
        data["published"]["month"],
    )
    assert [("锦江区", "2.1", "2.2"), ("武侯区", "0", "0.1")] == [
        (u["unit"], u["score"]["before"], u["score"]["after"]) for u in data["units"]
    ]


def test_diff_since_a_bulletin_up_to_a_day_before_the_corrections_is_empty(
    published: tuple[Path, Path],
) -> None:
    """--to 5 July: the view then is the bulletin's own; nothing changed, exit 0 even with --exit-code."""
    store, bulletin = published
    status, out, _ = run_here(
        "diff", "--store", store, "--published", bulletin, "--to", "2007-07-05", "--exit-code", "--lang", "en"
    )
    assert (0, True) == (status, out.endswith("nothing changed\n"))


def test_a_bulletin_made_between_two_batches_of_one_day_is_found_by_its_batch(tmp_path: Path) -> None:
    """Two batches recorded on one day, the bulletin made between them: its view is the one after the
    first batch, not the day's last; the diff shows what the second batch changed."""
    store = tmp_path / "year.store"
    _ingest(store, _lines(tmp_path / "a.jsonl", JUNE1), "2007-07-03")
    _, out, _ = run_here("bulletin", "--store", store, "--month", "2007-06", "--format", "json")
    bulletin = _lines(tmp_path / "june.json", [out])
    _ingest(store, _lines(tmp_path / "b.jsonl", JULY3), "2007-07-03")
    status, diffed, _ = run_here("diff", "--store", store, "--published", bulletin, "--format", "json")
    data = json.loads(diffed)
    assert (0, 1, 2, [("青羊区", "0", "0.1")]) == (
        status,
        data["before"]["batch"],
        data["after"]["batch"],
        [(u["unit"], u["score"]["before"], u["score"]["after"]) for u in data["units"]],
    )


@pytest.mark.slow
def test_a_bulletin_of_no_records_is_the_view_before_the_first_batch(published: tuple[Path, Path]) -> None:
    """A bulletin made from no records (the digest of nothing) is the view before the first batch."""
    store, _ = published
    _, out, _ = run_here(
        "bulletin", "--store", store, "--month", "2007-05", "--known-on", "2007-06-01", "--format", "json"
    )
    bulletin = _lines(store.parent / "may.json", [out])
    status, diffed, _ = run_here("diff", "--store", store, "--published", bulletin, "--format", "json")
    data = json.loads(diffed)
    assert (0, 0, None, "0" * 64, "2007-05-31", []) == (
        status,
        data["before"]["batch"],
        data["before"]["recorded"],
        data["published"]["events"]["sha256"],
        data["after"]["as_of"],
        data["units"],  # nothing of May has arrived since
    )


@pytest.mark.slow
def test_a_bulletin_under_other_rules_is_diffed_with_a_warning_unless_they_are_given(
    published: tuple[Path, Path], tmp_path: Path
) -> None:
    """A bulletin made under --rules example-2007-07: diffed under the default rules, a warning names
    both; under the same --rules, none, and its view scores to the bulletin's provenance."""
    store, _ = published
    _, out, _ = run_here(
        "bulletin", "--store", store, "--month", "2007-07", "--known-on", "2007-07-10",
        "--rules", "example-2007-07", "--format", "json",
    )  # fmt: skip
    bulletin = _lines(tmp_path / "july.json", [out])
    status, _, err = run_here("diff", "--store", store, "--published", bulletin)
    _, _, english = run_here("diff", "--store", store, "--published", bulletin, "--lang", "en")
    same, diffed, quiet = run_here(
        "diff", "--store", store, "--published", bulletin, "--rules", "example-2007-07", "--format", "json"
    )
    now = f"chengdu-2007 ({load_rules(2007).digest[:12]})"
    then = f"{now}, example-2007-07 ({rule_set('example-2007-07').digest[:12]})"
    assert (
        0,
        f"chengdu-infoscore:警告:{bulletin} 是按规则 {then} 制作的;它所依据的记录现按 {now} 计分:"
        "变动中也包含规则带来的变动(请用 --rules 给出制作时的版本)\n",
        f"chengdu-infoscore: warning: {bulletin} was made under the rules {then}; its view is scored now"
        f" under {now}: the diff shows what the rules changed as well (give --rules the version it was"
        " made under)\n",
    ) == (status, err, english)
    assert (0, "", json.loads(out)["provenance"]) == (same, quiet, json.loads(diffed)["before"]["provenance"])


# -- misuse: exit 2, a message, never a traceback --------------------------------------------------


@pytest.mark.slow
def test_a_bulletin_not_made_from_the_store_is_named_by_its_digest(
    published: tuple[Path, Path], tmp_path: Path
) -> None:
    """A bulletin of records the store never held: exit 2, the message names the file and its digest."""
    store, _ = published
    log = _lines(tmp_path / "other.jsonl", JULY3)
    _, out, _ = run_here("bulletin", log, "--month", "2007-06", "--format", "json")
    bulletin = _lines(tmp_path / "other.json", [out])
    digest = json.loads(out)["provenance"]["events"]["sha256"]
    status, printed, err = run_here("diff", "--store", store, "--published", bulletin)
    message = (
        f"{ERROR}{bulletin}: no view of the store {store} has the bulletin's events digest {digest}"
        " (1 event(s)): the bulletin was not made from this store's records, or from records not yet"
        " recorded in it"
    )
    assert (2, "", [message]) == (status, printed, err.splitlines())


def test_a_bulletin_whose_month_disagrees_with_its_as_of_date_is_refused(
    published: tuple[Path, Path], tmp_path: Path
) -> None:
    """The June bulletin with its month changed to May: its as-of date (30 June) is not May's end —
    exit 2, naming the key, rather than a diff as of a date the bulletin does not state."""
    store, bulletin = published
    data = json.loads(bulletin.read_text(encoding="utf-8"))
    data["month"] = 5
    edited = _lines(tmp_path / "edited.json", [json.dumps(data, ensure_ascii=False)])
    status, printed, err = run_here("diff", "--store", store, "--published", edited)
    assert (2, "", True) == (
        status,
        printed,
        "provenance.as_of: 2007-06-30 is not the end of the bulletin's month 2007-05 (2007-05-31):"
        " the file was changed after it was made" in err,
    ), err


def test_to_before_the_bulletins_view_is_a_usage_error(published: tuple[Path, Path]) -> None:
    """--to before the batch the bulletin's view is after: exit 2, naming the batch and its day."""
    store, bulletin = published
    status, _, err = run_here("diff", "--store", store, "--published", bulletin, "--to", "2007-07-01")
    assert (2, [
        f"{ERROR}{bulletin}: the bulletin was made from the view after batch 2, recorded 2007-07-03, later"
        " than --to 2007-07-01: --to is the later view"
    ]) == (status, err.splitlines())  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--from", "2007-04-10", "--to", "2007-04-01"],
            f"{ERROR}--from 2007-04-10 comes after --to 2007-04-01: --from is the earlier view",
            id="from-after-to",
        ),
        pytest.param(
            ["--from", "2007-04-10", "--published", "b.json"],
            "argument --published: not allowed with argument --from",
            id="from-and-published",
        ),
        pytest.param([], "one of the arguments --from --published is required", id="neither"),
        pytest.param(
            ["--published", "b.json", "--as-of", "2007-06-30"],
            f"{ERROR}--published scores both views as of the bulletin's own as-of date: leave out --as-of"
            " and --year",
            id="published-as-of",
        ),
        pytest.param(
            ["--published", "b.json", "--year", "2007"],
            f"{ERROR}--published scores both views as of the bulletin's own as-of date: leave out --as-of"
            " and --year",
            id="published-year",
        ),
        pytest.param(
            ["--published", "-"],
            f"{ERROR}--published needs the bulletin's JSON file: standard input (-) is not read here",
            id="published-stdin",
        ),
        pytest.param(
            ["--from", "2007-04-10", "--out", ""],
            f"{ERROR}--out needs a file name (or - for standard output)",
            id="empty-out",
        ),
        pytest.param(
            ["--from", "2007-04-10", "--as-of", "2008-01-05", "--year", "2007"],
            f"{ERROR}--as-of 2008-01-05 is outside --year 2007",
            id="as-of-outside-year",
        ),
        pytest.param(
            ["--from", "2007-02-30"],
            "argument --from: '2007-02-30' is not a real calendar date",
            id="from-not-a-date",
        ),
        pytest.param(
            ["--from", "2007-04-10", "--from", "2007-04-11"],
            "argument --from: given twice; give it once",
            id="from-twice",
        ),
        pytest.param(["--from", "2007-04-10", "--rules", "chengdu-1999"], "chengdu-1999", id="unknown-rules"),
    ],
)
def test_misuse_is_a_usage_error(history: Path, args: list[str], message: str) -> None:
    """Each misuse exits 2 with one message saying what is wrong, and prints nothing."""
    status, out, err = run_here("diff", "--store", history, *args)
    assert (2, "", True, True) == (status, out, message in err, "Traceback" not in err)


def test_a_store_that_does_not_exist_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    """--store naming no file: exit 2 naming it; reading never creates a store."""
    missing = tmp_path / "none.store"
    status, _, err = run_here("diff", "--store", missing, "--from", "2007-04-01")
    assert (2, True, False) == (status, err.startswith(f"{ERROR}{missing}"), missing.exists())


def test_a_store_is_required(tmp_path: Path) -> None:
    """diff without --store is a usage error."""
    status, _, err = run_here("diff", "--from", "2007-04-01")
    assert (2, True) == (status, "the following arguments are required: --store" in err)


_PROVENANCE = {
    "rules": [{"id": "chengdu-2007", "sha256": "a" * 64}],
    "targets": {"year": 2007, "sha256": "b" * 64},
    "events": {"count": 1, "sha256": "c" * 64},
    "as_of": "2007-06-30",
}
_MONTHLY = {"bulletin": "monthly", "year": 2007, "month": 6, "as_of": "2007-06-30", "provenance": _PROVENANCE}


def _with(path: str, value: object) -> str:
    """The monthly bulletin with the member at ``path`` (dotted) set to ``value`` (or removed: ...)."""
    data = json.loads(json.dumps(_MONTHLY))
    *parents, last = path.split(".")
    where = data
    for key in parents:
        where = where[key]
    if value is ...:
        del where[last]
    else:
        where[last] = value
    return json.dumps(data)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        pytest.param(b"{not json", "not valid JSON: Expecting property name", id="not-json"),
        pytest.param(b"", "not valid JSON: Expecting value", id="empty"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "not valid JSON: nested too deeply", id="deep"),
        pytest.param("{}".encode("utf-16"), "not UTF-8: this looks like UTF-16", id="utf-16"),
        pytest.param(
            b"[1, 2]",
            "expected a JSON object (a bulletin as `bulletin --format json` writes it), found a list",
            id="list",
        ),
        pytest.param(
            b'{"year": 2007, "units": []}',
            "bulletin: missing: not a bulletin as `bulletin --format json` writes it (this looks like the"
            " output of score --format json)",
            id="score-output",
        ),
        pytest.param(
            _with("bulletin", "weekly").encode(),
            "bulletin: expected 'monthly' or 'year_end', found text 'weekly'",
            id="kind",
        ),
        pytest.param(
            _with("month", 13).encode(),
            "month: expected a whole number from 1 to 12, found the number 13",
            id="month",
        ),
        pytest.param(
            _with("year", True).encode(),
            "year: expected a whole number from 1 to 9999, found true",
            id="year",
        ),
        pytest.param(
            _with("provenance", None).encode(),
            "provenance: null: the bulletin states no provenance, so the view it was made from cannot be"
            " found",
            id="no-provenance",
        ),
        pytest.param(
            _with("provenance", ...).encode(),
            "provenance: missing (as `bulletin --format json` writes it)",
            id="provenance-missing",
        ),
        pytest.param(
            _with("provenance.events.sha256", "c" * 63).encode(),
            "provenance.events.sha256: expected a SHA-256 of 64 hex digits, found text of 63 characters",
            id="digest",
        ),
        pytest.param(
            _with("provenance.events.count", -1).encode(),
            "provenance.events.count: expected a whole number 0 or more, found the number -1",
            id="count",
        ),
        pytest.param(
            _with("provenance.as_of", "30/06/2007").encode(),
            "provenance.as_of: expected a date YYYY-MM-DD, found text '30/06/2007'",
            id="as-of",
        ),
        pytest.param(
            _with("provenance.as_of", "2008-01-31").encode(),
            "provenance.as_of: 2008-01-31 is outside the bulletin's year 2007",
            id="as-of-year",
        ),
        pytest.param(
            _with("provenance.rules", [{"id": 7, "sha256": "a" * 64}]).encode(),
            "provenance.rules[0].id: expected text, found the number 7",
            id="rules",
        ),
        pytest.param(
            _with("provenance.targets", "2007").encode(),
            "provenance.targets: expected an object, found text '2007'",
            id="targets",
        ),
    ],
)
def test_a_bulletin_file_that_is_not_a_bulletin_exits_2_naming_the_file_and_what_is_wrong(
    history: Path, tmp_path: Path, content: bytes, words: str
) -> None:
    """A bulletin file that is not JSON, or not a bulletin with its provenance: exit 2, the file and
    the problem named, no traceback, nothing printed."""
    bulletin = tmp_path / "bulletin.json"
    bulletin.write_bytes(content)
    status, out, err = run_here("diff", "--store", history, "--published", bulletin)
    assert (2, "", True, True, True) == (
        status,
        out,
        err.startswith(f"{ERROR}{bulletin}: "),
        words in err,
        "Traceback" not in err,
    )


@pytest.mark.parametrize("make", ["missing", "directory"])
def test_a_bulletin_file_that_cannot_be_opened_is_named(history: Path, tmp_path: Path, make: str) -> None:
    """A bulletin file that is missing or a directory: exit 2, naming it and why."""
    bulletin = tmp_path / "bulletin.json"
    if make == "directory":
        bulletin.mkdir()
    status, _, err = run_here("diff", "--store", history, "--published", bulletin)
    why = "it is a directory" if make == "directory" else "no such file"
    assert (2, True) == (status, err.startswith(f"{ERROR}{bulletin}: 1 problem(s):\n  - cannot open: {why}"))


# -- pipes -----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_reader_that_stops_early_leaves_status_0_and_no_word(history: Path, tmp_path: Path) -> None:
    """`diff … | head -1`: the reader chose to stop; exit 0 and nothing on standard error."""
    err = tmp_path / "err.txt"
    with open(err, "wb") as errors:
        process = subprocess.Popen(
            [*COMMAND, "diff", "--store", str(history), "--from", "2007-03-31", "--format", "json"],
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        assert process.stdout is not None
        line = process.stdout.readline()
        process.stdout.close()
        status = process.wait(timeout=120)
    assert (0, b"{\n", b"") == (status, line, err.read_bytes())


@pytest.mark.slow
def test_full_standard_output_is_an_error(history: Path) -> None:
    """`diff … > /dev/full`: the output was lost; exit 2 with one line."""
    env = {k: v for k, v in os.environ.items() if k != "CHENGDU_INFOSCORE_DEBUG"}
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [*COMMAND, "diff", "--store", str(history), "--from", "2007-03-31"],
            stdout=full,
            stderr=subprocess.PIPE,
            check=False,
            env=env,
        )
    assert (
        2,
        f"{ERROR}cannot write standard output: no space left on device; the output is incomplete\n",
    ) == (done.returncode, done.stderr.decode())


# -- properties ------------------------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories(max_batches=4))
def test_diff_of_two_known_on_dates_is_the_diff_of_the_logs_then_in_force(
    tmp_path_factory: pytest.TempPathFactory, history: History
) -> None:
    """For any history and any two of its days (or the day before its first batch), the units of the
    diff are those of the independently corrected logs of those days; a day against itself is empty."""
    store = tmp_path_factory.mktemp("s") / "log.store"
    with Store.open(store, create=True) as opened:
        for day, records in history:
            opened.ingest(records, recorded=day)
    days = sorted({day for day, _ in history})
    days = [days[0] - dt.timedelta(days=1), *days]
    as_of = dt.date(2007, 12, 31)
    for first in days:
        for second in (first, days[-1]):
            status, out, _ = run_here(
                "diff", "--store", store, "--from", first.isoformat(), "--to", second.isoformat(),
                "--as-of", as_of.isoformat(), "--format", "json",
            )  # fmt: skip
            before = score(in_force(history, first), as_of=as_of)
            after = score(in_force(history, second), as_of=as_of)
            expected = diff_json(before.diff(after))
            got = json.loads(out)
            assert (0, expected["units"], expected["reranked"]) == (status, got["units"], got["reranked"])
            if first == second:
                assert ([], []) == (got["units"], got["reranked"])
