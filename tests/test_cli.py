"""The command line, end to end, in a subprocess as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import random
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from chengdu_infoscore.readers import FIELDS
from chengdu_infoscore.reports import display_width

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "example-2007.jsonl"


def cli(*args: str | Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "chengdu_infoscore", *map(str, args)],
        capture_output=True,
        input=stdin,
        check=False,
    )


def score_json(*args: str | Path) -> dict:
    done = cli("score", *args, "--format", "json")
    assert (0, b"") == (done.returncode, done.stderr)
    return json.loads(done.stdout.decode("utf-8"))


@pytest.mark.slow
def test_the_as_of_date_is_the_latest_events_by_default_and_says_so() -> None:
    """Without --as-of, score is as of the example's latest event (3 December), and says so in the
    table's heading and in the JSON."""
    data = score_json(EXAMPLE)
    table = cli("score", EXAMPLE, "--lang", "en").stdout.decode("utf-8").splitlines()[0]
    assert ("2007-12-03", "latest_event", "2007 as of 2007-12-03 (the latest event's date;") == (
        data["as_of"],
        data["as_of_basis"],
        table[: len("2007 as of 2007-12-03 (the latest event's date;")],
    )


@pytest.mark.slow
def test_score_json_contract_on_the_example() -> None:
    """score --format json gives year, as_of and all 118 units in table order with exact decimal strings."""
    data = score_json(EXAMPLE, "--as-of", "2007-12-31")
    units = {u["unit"]: u for u in data["units"]}
    head = (data["year"], data["as_of"], len(data["units"]), data["units"][0]["unit"])
    assert (2007, "2007-12-31", 118, "锦江区") == head
    expected = {
        "unit": "市经委",
        "label": "市经委(含能源办)",
        "group": "department",
        "basis": "adopted",
        "target": 60,
        "submitted": 2,
        "adopted": 1,
        "completed": False,
        "shortfall": 59,
        "score": "26.2",
        "errors": 1,
        "false_reports": 0,
        "excellent": 0,
    }
    assert expected == {k: units["市经委"][k] for k in expected}
    nonzero = {c: p for c, p in units["市经委"]["breakdown"].items() if p != "0"}
    assert {"A3.1.2": "8", "A3.1.4": "0.2", "A3.1.5": "4", "A3.1.7": "16", "A3.2.1": "-2"} == nonzero
    dj = units["都江堰市"]
    assert ({"work_dynamic": 0, "important": 1}, {"work_dynamic": 2, "important": 0}, 1) == (
        dj["missed"],
        dj["late"],
        dj["false_reports"],
    )


@pytest.mark.slow
def test_example_scores_worked_by_hand() -> None:
    """The example log's totals, worked by hand in docs/cli.md, are what score prints."""
    data = score_json(EXAMPLE)
    nonzero = {u["unit"]: u["score"] for u in data["units"] if u["score"] != "0"}
    expected = {
        "锦江区": "17.2",
        "都江堰市": "-42.9",
        "市经委": "26.2",
        "市公安局": "-5.9",
        "市统计局": "-1.8",
        "上海办": "0.3",
    }
    assert expected == nonzero


@pytest.mark.slow
def test_shuffled_lines_give_identical_output(tmp_path: Path) -> None:
    """The example's lines in another order give byte-identical JSON, CSV and table output."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    random.Random(7).shuffle(lines)
    shuffled = tmp_path / "shuffled.jsonl"
    shuffled.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for fmt in ("json", "csv", "table"):
        assert cli("score", EXAMPLE, "--format", fmt).stdout == cli("score", shuffled, "--format", fmt).stdout


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_logs_in_every_encoding_score_like_jsonl(tmp_path: Path, encoding: str) -> None:
    """The example written as CSV in UTF-8, UTF-8 with BOM or GB18030 scores exactly as the JSON Lines."""
    fields = list(FIELDS)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if "picture" in record:
            record["picture"] = "true" if record["picture"] else "false"
        writer.writerow(record)
    path = tmp_path / "example.csv"
    path.write_bytes(out.getvalue().encode(encoding))
    assert score_json(EXAMPLE)["units"] == score_json(path)["units"]


@pytest.mark.slow
def test_explain_by_alias_ends_in_the_total() -> None:
    """explain --unit 能源办 prints 市经委's ledger, every line, and a total equal to its score."""
    done = cli("explain", EXAMPLE, "--unit", "能源办", "--lang", "en")
    text = done.stdout.decode("utf-8")
    assert 0 == done.returncode
    assert [line.split()[1] for line in text.splitlines() if line.startswith("2007-")] == [
        "jw-1",
        "jw-2",
        "jw-3",
        "jw-4",
        "jw-6",
        "jw-6",
    ]
    assert ["total", "26.2"] == text.splitlines()[-1].split()


@pytest.mark.slow
def test_explain_json_ledger_sums_to_score() -> None:
    """explain --format json gives the ledger whose points add up to the score."""
    data = json.loads(cli("explain", EXAMPLE, "--unit", "成都市统计局", "--format", "json").stdout)
    assert (Decimal("-1.8"), Decimal("-1.8")) == (
        Decimal(data["score"]),
        sum(Decimal(x["points"]) for x in data["ledger"]),
    )


@pytest.mark.slow
def test_as_of_in_mid_year() -> None:
    """score --as-of 2007-05-11 counts only events up to that day; the commission due 05-10 is unanswered."""
    data = score_json(EXAMPLE, "--as-of", "2007-05-11")
    units = {u["unit"]: u for u in data["units"]}
    tj = units["市统计局"]
    assert ("2007-05-11", "-10", 0) == (data["as_of"], tj["score"], tj["submitted"])


@pytest.mark.slow
def test_quotas_json_contract() -> None:
    """quotas --format json lists 118 units with unit, label, group, basis, target and aliases."""
    data = json.loads(cli("quotas", "--format", "json").stdout)
    jw = next(u for u in data["units"] if u["unit"] == "市经委")
    assert (2007, 118) == (data["year"], len(data["units"]))
    expected = {"unit": "市经委", "label": "市经委(含能源办)", "group": "department", "basis": "adopted"}
    assert {**expected, "target": 60, "aliases": ["能源办"]} == jw


@pytest.mark.slow
def test_tables_align_chinese_by_display_width() -> None:
    """Every row of a printed table has the same display width as its header rule."""
    text = cli("quotas").stdout.decode("utf-8")
    blocks = [b for b in text.split("\n\n") if "--" in b]
    assert 3 == len(blocks)
    for block in blocks:
        rows = block.splitlines()[1:]
        assert {display_width(rows[1])} == {display_width(r) for r in rows[1:]}


@pytest.mark.slow
def test_validate_ok_exits_0() -> None:
    """validate on a clean log says so and exits 0."""
    done = cli("validate", EXAMPLE)
    assert (0, "读入30条:有效30条") == (done.returncode, done.stdout.decode("utf-8")[:11])
    done = cli("validate", EXAMPLE, "--lang", "en")
    assert (0, b"30 event(s) read: 30 valid") == (done.returncode, done.stdout[:26])


@pytest.mark.slow
def test_standard_input_is_read_with_dash() -> None:
    """An event log can come on standard input as -."""
    done = cli("score", "-", "--format", "json", stdin=EXAMPLE.read_bytes())
    assert "17.2" == json.loads(done.stdout)["units"][0]["score"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["score", "EXAMPLE", "--year", "2008"], "no target table ships for 2008"),
        (["score", "EXAMPLE", "--year", "2007", "--as-of", "2008-01-01"], "outside --year 2007"),
        (["score", "EXAMPLE", "--as-of", "2007-02-30"], "not a real calendar date"),
        (["explain", "EXAMPLE", "--unit", "市不存在局"], "unknown unit '市不存在局'"),
        (["score"], "the following arguments are required"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_problems_exit_2_without_traceback(args: list[str], words: str) -> None:
    """Bad options give exit 2 and a message, never a traceback."""
    done = cli(*[str(EXAMPLE) if a == "EXAMPLE" else a for a in args])
    err = done.stderr.decode("utf-8")
    assert (2, True, False) == (done.returncode, words in err, "Traceback" in err)


@pytest.mark.slow
def test_every_command_has_help() -> None:
    """Each command documents itself in --help."""
    for command in ("score", "explain", "validate", "quotas"):
        done = cli(command, "--help")
        assert (0, True) == (done.returncode, b"usage: chengdu-infoscore " + command.encode() in done.stdout)


# -- one bulletin, one stamp; rejections told once --------------------------------------------------


@pytest.mark.slow
def test_demo_bulletins_are_those_of_the_bulletin_command_on_the_sample_log(tmp_path: Path) -> None:
    """demo's June bulletin is `bulletin --month 2007-06` of `sample --out` byte for byte (as-of date and
    provenance stamp included), and its year-end bulletin is `bulletin --year-end` of the same log."""
    log = tmp_path / "year.jsonl"
    assert 0 == cli("sample", "--out", log).returncode
    june = cli("bulletin", log, "--month", "2007-06", "--lang", "en").stdout.decode("utf-8")
    year_end = cli("bulletin", log, "--year-end", "--lang", "en").stdout.decode("utf-8")
    demo = cli("demo", "--lang", "en").stdout.decode("utf-8")
    provenance = june.splitlines()[-1]
    assert (june + "\n" + "=" * 72 + "\n\n" + year_end, True) == (
        demo,
        " · as of 2007-06-30 · stamp " in provenance,
    )


@pytest.mark.slow
def test_demo_bulletin_of_another_month_is_that_of_the_bulletin_command(tmp_path: Path) -> None:
    """demo --month 2007-02 --format markdown starts with `bulletin --month 2007-02 --format markdown`."""
    log = tmp_path / "year.jsonl"
    cli("sample", "--out", log)
    february = cli("bulletin", log, "--month", "2007-02", "--format", "markdown").stdout.decode("utf-8")
    demo = cli("demo", "--month", "2007-02", "--format", "markdown").stdout.decode("utf-8")
    assert february + "\n" == demo[: len(february) + 1]


KEEP_GOING_LOG = (
    '{"type": "submitted", "id": "k1", "date": "2007-10-02", "unit": "锦江区", "item": "K-1"}\n'
    '{"type": "adopted", "id": "k2", "date": "2007-10-03", "item": "K-1", "channel": "nochannel"}\n'
    '{"type": "submitted", "id": "k3", "date": "2007-13-01", "unit": "锦江区", "item": "K-2"}\n'
)
CHANNELS = "zwxx, zwxx_brief, zwxx_special, zwyw, cddt"


@pytest.mark.slow
def test_compare_keep_going_tells_each_rejection_once(tmp_path: Path) -> None:
    """compare --keep-going: a record both versions reject is told once; one rejected differently under
    each version is told once under each, saying which (not "only": both reject it)."""
    log = tmp_path / "k.jsonl"
    log.write_text(KEEP_GOING_LOG, encoding="utf-8")
    adjustment = ROOT / "docs" / "example-adjustment.toml"
    done = cli(
        "compare", log, "--rules", "chengdu-2007", "--rules", adjustment, "--keep-going", "--lang", "en"
    )
    expected = [
        f"{log}:2: event k2: unknown channel 'nochannel'; rule set chengdu-2007 knows: {CHANNELS}"
        " (under A = chengdu-2007)",
        f"{log}:2: event k2: unknown channel 'nochannel'; rule set example-doc-2007-10 knows: {CHANNELS},"
        " wechat, weibo (under B = chengdu-2007+example-doc-2007-10)",
        f"{log}:3: event k3: field 'date': '2007-13-01' is not a real calendar date",
        "under A = chengdu-2007, 3 record(s) read: 1 counted, 0 repeat(s) counted once, 0 after"
        " 2007-10-03, 2 rejected; under B = chengdu-2007+example-doc-2007-10, 3 record(s) read:"
        " 1 counted, 0 repeat(s) counted once, 0 after 2007-10-03, 2 rejected.",
    ]
    assert (0, expected) == (done.returncode, done.stderr.decode("utf-8").splitlines())


@pytest.mark.slow
def test_compare_tells_each_rejection_once_in_chinese_by_default(tmp_path: Path) -> None:
    """compare --keep-going without --lang: the same lines and summary, in Chinese."""
    log = tmp_path / "k.jsonl"
    log.write_text(KEEP_GOING_LOG, encoding="utf-8")
    adjustment = ROOT / "docs" / "example-adjustment.toml"
    done = cli("compare", log, "--rules", "chengdu-2007", "--rules", adjustment, "--keep-going")
    accounts = "读入3条:计入1条,重复0条(计一次),晚于2007-10-03的0条,拒收2条"
    expected = [
        f"{log}:2:事件 k2:未知的采用渠道 'nochannel';规则 chengdu-2007 中的渠道为:{CHANNELS}"
        "(按 A = chengdu-2007)",
        f"{log}:2:事件 k2:未知的采用渠道 'nochannel';规则 example-doc-2007-10 中的渠道为:{CHANNELS},"
        " wechat, weibo(按 B = chengdu-2007+example-doc-2007-10)",
        f"{log}:3:事件 k3:字段 'date':'2007-13-01' 不是日历上存在的日期",
        f"按 A = chengdu-2007:{accounts};按 B = chengdu-2007+example-doc-2007-10:{accounts}。",
    ]
    assert (0, expected) == (done.returncode, done.stderr.decode("utf-8").splitlines())


@pytest.mark.slow
def test_compare_says_only_of_a_record_one_version_alone_rejects(tmp_path: Path) -> None:
    """A 微信 adoption: unknown under 2007, scored under the adjustment — told under A, "only"."""
    log = tmp_path / "w.jsonl"
    log.write_text(
        '{"type": "submitted", "id": "w1", "date": "2007-10-02", "unit": "锦江区", "item": "W-1"}\n'
        '{"type": "adopted", "id": "w2", "date": "2007-10-03", "item": "W-1", "channel": "wechat"}\n',
        encoding="utf-8",
    )
    adjustment = ROOT / "docs" / "example-adjustment.toml"
    done = cli(
        "compare", log, "--rules", "chengdu-2007", "--rules", adjustment, "--keep-going", "--lang", "en"
    )
    assert (
        f"{log}:2: event w2: unknown channel 'wechat'; rule set chengdu-2007 knows: {CHANNELS}"
        " (under A = chengdu-2007 only)"
    ) == done.stderr.decode("utf-8").splitlines()[0]


@pytest.mark.slow
def test_compare_tells_rejections_common_to_both_versions_once(tmp_path: Path) -> None:
    """compare with the same version twice: every rejection once, and exit 2 without --keep-going."""
    log = tmp_path / "k.jsonl"
    log.write_text(KEEP_GOING_LOG, encoding="utf-8")
    done = cli("compare", log, "--rules", "chengdu-2007", "--rules", "chengdu-2007", "--lang", "en")
    expected = [
        f"{log}:2: event k2: unknown channel 'nochannel'; rule set chengdu-2007 knows: {CHANNELS}",
        f"{log}:3: event k3: field 'date': '2007-13-01' is not a real calendar date",
        "3 record(s) read: 1 counted, 0 repeat(s) counted once, 0 after 2007-10-03, 2 rejected.",
    ]
    assert (2, expected, b"") == (done.returncode, done.stderr.decode("utf-8").splitlines(), done.stdout)


@pytest.mark.slow
def test_compare_gives_the_provenance_of_both_runs() -> None:
    """compare --format json has the provenance of each run, as score gives it for that version; the
    table ends with one provenance line per run, as score's table ends with its own."""
    adjustment = ROOT / "docs" / "example-adjustment.toml"
    compared = cli("compare", EXAMPLE, "--rules", "chengdu-2007", "--rules", adjustment, "--format", "json")
    table = cli("compare", EXAMPLE, "--rules", "chengdu-2007", "--rules", adjustment)
    runs = [score_json(EXAMPLE, "--rules", rules) for rules in ("chengdu-2007", adjustment)]
    lines = [
        cli("score", EXAMPLE, "--rules", rules).stdout.decode("utf-8").splitlines()[-1]
        for rules in ("chengdu-2007", adjustment)
    ]
    assert (
        {"a": runs[0]["provenance"], "b": runs[1]["provenance"]},
        [f"A: {lines[0]}", f"B: {lines[1]}"],
    ) == (
        json.loads(compared.stdout)["provenance"],
        table.stdout.decode("utf-8").splitlines()[-2:],
    )


@pytest.mark.slow
def test_explain_keep_going_json_includes_the_rejections(tmp_path: Path) -> None:
    """explain --keep-going --format json lists the rejections in its output, as for score."""
    log = tmp_path / "k.jsonl"
    log.write_text(KEEP_GOING_LOG, encoding="utf-8")
    done = cli("explain", log, "--unit", "锦江区", "--keep-going", "--format", "json")
    data = json.loads(done.stdout)
    found = [(r["file"], r["line"], r["event"]) for r in data["rejections"]]
    assert (0, [(str(log), 2, "k2"), (str(log), 3, "k3")], "0.1") == (done.returncode, found, data["score"])


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["score", "--keep-going"],
        ["score", "--keep-going", "--format", "json"],
        ["explain", "--unit", "锦江区", "--keep-going"],
        ["bulletin", "--month", "2007-10", "--keep-going"],
        ["bulletin", "--year-end", "--keep-going", "--format", "json"],
        ["validate"],
    ],
)
def test_every_command_tells_each_rejection_once_on_standard_error(tmp_path: Path, args: list[str]) -> None:
    """Each rejection is one line of standard error, whatever the command."""
    log = tmp_path / "k.jsonl"
    log.write_text(KEEP_GOING_LOG, encoding="utf-8")
    done = cli(args[0], log, *args[1:])
    lines = done.stderr.decode("utf-8").splitlines()
    summary = "读入3条:计入1条,重复0条(计一次),晚于{}的0条,拒收2条。"
    # A month's bulletin is as of its end, the year's as of 31 December; the rest as of the latest event.
    as_of = "2007-10-31" if "--month" in args else "2007-12-31" if "--year-end" in args else "2007-10-03"
    assert ([1, 1], summary.format(as_of)) == (
        [sum(line.startswith(f"{log}:{n}:事件 ") for line in lines) for n in (2, 3)],
        lines[-1],
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["explain", "--unit", "锦江区", "--unit", "青羊区"],
        ["bulletin", "--month", "2007-06", "--month", "2007-07"],
        ["validate", "--as-of", "2007-03-01", "--as-of", "2007-06-30"],
    ],
)
def test_an_option_of_one_value_given_twice_is_a_usage_error(args: list[str]) -> None:
    """An option of one value given twice is refused, never last-one-wins."""
    done = cli(args[0], EXAMPLE, *args[1:])
    option = args[1]
    assert (2, f"argument {option}: given twice; give it once", b"") == (
        done.returncode,
        done.stderr.decode("utf-8").strip().splitlines()[-1].split("error: ", 1)[1],
        done.stdout,
    )


@pytest.mark.slow
def test_the_summary_accounts_for_every_record(tmp_path: Path) -> None:
    """The closing line on standard error adds up: repeats and events after the as-of date included."""
    log = tmp_path / "k.jsonl"
    log.write_text(
        KEEP_GOING_LOG
        + '{"id": "k9", "type": "missed", "date": "2007-11-20", "unit": "锦江区", "category": "important"}\n'
        + KEEP_GOING_LOG.splitlines()[0]
        + "\n",
        encoding="utf-8",
    )
    done = cli("validate", log, "--as-of", "2007-10-31", "--lang", "en")
    assert (
        "5 record(s) read: 1 counted, 1 repeat(s) counted once, 1 after 2007-10-31, 2 rejected."
        == (done.stderr.decode("utf-8").splitlines()[-1])
    )


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["table", "csv", "json", "html", "xlsx"])
def test_an_id_holding_a_lone_surrogate_is_written_in_every_format(tmp_path: Path, fmt: str) -> None:
    """An id read from the escape \\ud800 is rejected and shown as that escape: exit 0, valid UTF-8."""
    log = tmp_path / "s.jsonl"
    log.write_text(
        '{"id": "s\\ud800", "type": "submitted", "date": "2007-03-01", "unit": "锦江区", "item": "A"}\n',
        encoding="utf-8",
    )
    out = tmp_path / f"o.{fmt}"
    done = cli("score", log, "--keep-going", "--format", fmt, "--out", out, "--quiet")
    data = out.read_bytes()
    if fmt == "xlsx":
        data = zipfile.ZipFile(out).read("xl/sharedStrings.xml")
    listed = fmt != "csv"  # the CSV of scores lists units only, not rejections
    assert (0, listed) == (done.returncode, "s\\ud800" in data.decode("utf-8"))
    if fmt == "json":
        assert "s\ud800" == json.loads(data)["rejections"][0]["event"]
