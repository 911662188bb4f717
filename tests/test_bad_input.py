"""Malformed event logs: every bad record is rejected with ``FILE:LINE: event ID: reason``.

The cases are data: ``tests/bad/`` holds one small event log per failure mode of events.md
("What is an error"), each with a few valid events beside the bad ones, and
``tests/bad/expected.toml`` says, for each file, which records must be rejected (line and event
id), words each reason must contain, and how many events are still counted. Each case is run
through the Python API, ``validate`` and ``score --keep-going --format json``.

Files that are not event logs at all (a JSON array, a headerless CSV, UTF-16, gzip…) are cases
too, with the words of their file error: every command exits 2 with one message naming the
file, ``--keep-going`` or not, and the API raises ``EventFileError``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

import chengdu_infoscore

BAD = Path(__file__).parent / "bad"
ALL_CASES: dict[str, dict[str, Any]] = tomllib.loads((BAD / "expected.toml").read_text(encoding="utf-8"))
#: Files with bad records, rejected one by one.
CASES = {name: case for name, case in ALL_CASES.items() if "file_error" not in case}
#: Files that are not event logs: a file error each.
FILE_CASES = {name: case for name, case in ALL_CASES.items() if "file_error" in case}
NO_ID = "(no id)"

#: (line, event) of a rejection; event is "(no id)" when the id is unknown, as messages print it.
Key = tuple[int, str]


def _params() -> list[Any]:
    """One pytest parameter a case; a case with `xfail` documents a library bug (strict xfail)."""
    return [
        pytest.param(
            name,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=case["xfail"])] if "xfail" in case else [],
        )
        for name, case in CASES.items()
    ]


def _path(name: str) -> Path:
    return BAD / str(ALL_CASES[name]["file"])


def _expected(name: str) -> dict[Key, list[str]]:
    return {(r["line"], r["event"]): r["words"] for r in CASES[name]["rejections"]}


def _expected_codes(name: str) -> dict[Key, str]:
    """The code (``rejected.*``) of each expected rejection that names one."""
    return {(r["line"], r["event"]): r["code"] for r in CASES[name]["rejections"] if "code" in r}


def _missing_words(expected: Mapping[Any, list[str]], reasons: Mapping[Any, str]) -> dict[Any, list[str]]:
    """Every expected rejection whose reason lacks some of its words, with the words it lacks."""
    missing = {}
    for key, words in expected.items():
        lacking = [w for w in words if w not in reasons.get(key, "")]
        if lacking:
            missing[key] = lacking
    return missing


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CHENGDU_INFOSCORE_DEBUG"}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-m", "chengdu_infoscore", *map(str, args)],
        capture_output=True,
        encoding="utf-8",
        errors="backslashreplace",
        env=env,
        check=False,
        timeout=120,
    )


def _stderr_rejections(stderr: str, paths: Iterable[Path]) -> dict[tuple[str, int, str], str]:
    """The ``FILE:LINE: event ID: reason`` lines of ``stderr`` for ``paths``, by (file, line, event)."""
    found: dict[tuple[str, int, str], str] = {}
    for path in paths:
        prefix = f"{path}:"
        for line in stderr.splitlines():
            if not line.startswith(prefix):
                continue
            number, _, rest = line[len(prefix) :].partition(": event ")
            event, _, reason = rest.partition(": ")
            found[(path.name, int(number), event)] = reason
    return found


def _json_rejections(rejections: list[dict[str, Any]]) -> dict[tuple[str, int, str], str]:
    return {
        (Path(r["file"]).name, r["line"], r["event"] if r["event"] is not None else NO_ID): r["reason"]
        for r in rejections
    }


def _api_rejections(results: chengdu_infoscore.Results) -> dict[tuple[str, int, str], str]:
    found = {}
    for r in results.rejections:
        assert r.origin is not None, r
        found[(Path(r.origin.file).name, r.origin.line, r.event or NO_ID)] = r.reason
    return found


def _by_file(found: Mapping[tuple[str, int, str], str], file: str) -> dict[Key, str]:
    return {(line, event): reason for (f, line, event), reason in found.items() if f == file}


# -- each case, three ways ------------------------------------------------------------------------


@pytest.mark.parametrize("name", _params())
def test_api_rejects_exactly_the_bad_records(name: str) -> None:
    """read_events + score reject exactly the expected records, with the words, and count the rest."""
    path = _path(name)
    read = chengdu_infoscore.read_events([path])
    results = chengdu_infoscore.score(read.events, rejected=read.rejections)
    reasons = _api_rejections(results)
    expected = _expected(name)
    assert {(path.name, *key) for key in expected} == set(reasons)
    assert {} == _missing_words(expected, _by_file(reasons, path.name))
    assert (CASES[name]["counted"], CASES[name].get("withdrawn", 0)) == (results.counted, results.withdrawn)
    codes = {(r.origin.line, r.event or NO_ID): r.code for r in results.rejections if r.origin is not None}
    assert _expected_codes(name) == {key: codes[key] for key in _expected_codes(name)}


@pytest.mark.parametrize("name", _params())
def test_every_rejection_reads_in_chinese_and_in_english(name: str) -> None:
    """Each rejection of each bad file has its own text in both languages: English as `.reason`,
    Chinese (with Chinese words in it) by default, and the line printed in either."""
    read = chengdu_infoscore.read_events([_path(name)])
    results = chengdu_infoscore.score(read.events, rejected=read.rejections)
    for r in results.rejections:
        zh, en = r.text(), r.text("en")
        assert (en, True, True) == (r.reason, zh != en, re.search("[\u4e00-\u9fff]", zh) is not None), r
        assert (
            f"{r.where}: event {r.event or NO_ID}: {en}",
            f"{r.where}:事件 {r.event or '(无编号)'}:{zh}",
        ) == (
            r.line("en"),
            r.line("zh"),
        )


@pytest.mark.slow
@pytest.mark.parametrize("name", _params())
def test_validate_prints_every_rejection_and_exits_2(name: str) -> None:
    """`validate FILE` exits 2, printing `FILE:LINE: event ID: reason` for exactly the bad records."""
    path = _path(name)
    run = _run("validate", "--lang", "en", path)
    expected = _expected(name)
    found = _by_file(_stderr_rejections(run.stderr, [path]), path.name)
    assert (2, "") == (run.returncode, run.stdout)
    assert "Traceback" not in run.stderr
    for line, event in expected:
        assert f"{path}:{line}: event {event}: " in run.stderr
    assert set(expected) == set(found)
    assert {} == _missing_words(expected, found)
    summary = re.fullmatch(
        r"(\d+) record\(s\) read: (\d+) counted, (\d+) repeat\(s\) counted once,"
        r" (\d+) after \d{4}-\d\d-\d\d(?:, (\d+) withdrawn)?, (\d+) rejected\.",
        run.stderr.splitlines()[-1],
    )
    assert summary is not None, run.stderr.splitlines()[-1]
    read, counted, repeats, after, withdrawn, rejected = (int(n or 0) for n in summary.groups())
    assert (CASES[name]["counted"], CASES[name].get("withdrawn", 0), len(expected), read) == (
        counted,
        withdrawn,
        rejected,
        counted + repeats + after + withdrawn + rejected,
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", _params())
def test_score_keep_going_lists_rejections_in_json(name: str) -> None:
    """`score --keep-going --format json` exits 0 and its `rejections` are exactly the expected ones."""
    path = _path(name)
    run = _run("score", "--keep-going", "--format", "json", "--lang", "en", path)
    assert 0 == run.returncode, run.stderr
    assert "Traceback" not in run.stderr
    output = json.loads(run.stdout)
    found = _by_file(_json_rejections(output["rejections"]), path.name)
    expected = _expected(name)
    assert {str(path)} == {r["file"] for r in output["rejections"]}
    assert set(expected) == set(found)
    assert {} == _missing_words(expected, found)
    codes = {(r["line"], r["event"] or NO_ID): r["code"] for r in output["rejections"]}
    assert _expected_codes(name) == {key: codes[key] for key in _expected_codes(name)}
    assert [] == [r for r in output["rejections"] if not isinstance(r["params"], dict)]
    assert (CASES[name]["counted"], CASES[name].get("withdrawn", 0), len(expected)) == (
        output["events"]["counted"],
        output["events"]["withdrawn"],
        output["events"]["rejected"],
    )


# -- the cases themselves ----------------------------------------------------------------------------


def test_every_bad_file_has_a_case() -> None:
    """Every file in tests/bad/ is described in expected.toml, and every case's file exists."""
    files = {p.name for p in BAD.iterdir() if p.name != "expected.toml"}
    assert files == {case["file"] for case in ALL_CASES.values()}


def test_every_case_keeps_valid_events() -> None:
    """Each file of bad records also holds valid events that are counted: a bad record spoils only itself."""
    nothing_counted = {name for name, case in CASES.items() if case["counted"] == 0}
    assert set() == nothing_counted


# -- files that are not event logs, or cannot be read ------------------------------------------------

_ERROR = "chengdu-infoscore: error: "


def _file_error_words(name: str) -> list[str]:
    return list(FILE_CASES[name]["file_error"])


@pytest.mark.parametrize("name", list(FILE_CASES))
def test_api_raises_a_file_error_naming_the_file(name: str) -> None:
    """read_events raises EventFileError whose one problem is `FILE: reason`, with the case's words."""
    path = _path(name)
    with pytest.raises(chengdu_infoscore.EventFileError) as caught:
        chengdu_infoscore.read_events([path])
    (problem,) = caught.value.problems
    assert (True, []) == (
        problem.startswith(f"{path}: "),
        [w for w in _file_error_words(name) if w not in problem],
    )
    assert problem == str(caught.value)
    assert isinstance(caught.value, ValueError)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(FILE_CASES))
@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["validate"], id="validate"),
        pytest.param(["score", "--keep-going", "--format", "json"], id="score-keep-going"),
    ],
)
def test_a_file_error_exits_2_with_one_message(name: str, command: list[str]) -> None:
    """`validate` and `score --keep-going` exit 2 with one `error: FILE: reason` line and no output."""
    path = _path(name)
    run = _run(*command, path)
    assert (2, "", 1) == (run.returncode, run.stdout, len(run.stderr.splitlines())), run.stderr
    assert run.stderr.startswith(f"{_ERROR}{path}: ")
    assert [] == [w for w in _file_error_words(name) if w not in run.stderr]


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["score"], id="score"),
        pytest.param(["score", "--keep-going", "--format", "csv"], id="score-csv-keep-going"),
        pytest.param(["explain", "--unit", "锦江区"], id="explain"),
        pytest.param(["explain", "--keep-going", "--unit", "锦江区", "--format", "json"], id="explain-json"),
        pytest.param(["validate"], id="validate"),
        pytest.param(["bulletin", "--month", "2007-03"], id="bulletin"),
        pytest.param(
            ["bulletin", "--year-end", "--keep-going", "--format", "json"], id="bulletin-keep-going"
        ),
        pytest.param(["compare", "--rules", "chengdu-2007", "--rules", "chengdu-2007"], id="compare"),
        pytest.param(
            ["compare", "--keep-going", "--rules", "chengdu-2007", "--rules", "chengdu-2007"],
            id="compare-keep-going",
        ),
    ],
)
def test_every_command_that_reads_events_stops_at_a_file_error(command: list[str]) -> None:
    """Every command that reads events, beside a good log, exits 2 with the file error and writes nothing."""
    good, bad = _path("unknown_channel"), _path("file_csv_no_header")
    run = _run(*command, good, bad)
    assert (2, "") == (run.returncode, run.stdout)
    assert [f"{_ERROR}{bad}: no header row: "] == [
        line[: len(f"{_ERROR}{bad}: no header row: ")] for line in run.stderr.splitlines()
    ]


@pytest.mark.slow
def test_every_file_error_of_a_run_is_reported_at_once() -> None:
    """All the files that are not event logs, among good ones: one error listing each file, in order."""
    names = list(FILE_CASES)
    paths = [_path("unknown_channel"), *(_path(name) for name in names), _path("bad_date")]
    with pytest.raises(chengdu_infoscore.EventFileError) as caught:
        chengdu_infoscore.read_events(paths)
    assert [f"{_path(name)}: " for name in names] == [
        p[: len(str(_path(name))) + 2] for p, name in zip(caught.value.problems, names, strict=True)
    ]
    run = _run("score", "--keep-going", *paths)
    assert (2, "") == (run.returncode, run.stdout)
    assert f"{_ERROR}{len(names)} event files cannot be read:" == run.stderr.splitlines()[0]
    assert [f"  - {p}" for p in caught.value.problems] == run.stderr.splitlines()[1:]


@pytest.mark.slow
def test_missing_file_is_a_file_error(tmp_path: Path) -> None:
    """A file that does not exist: exit 2 and `error: FILE: cannot open: no such file`, never line 0."""
    path = tmp_path / "no-such-log.jsonl"
    run = _run("validate", path)
    assert (2, "", f"{_ERROR}{path}: cannot open: no such file\n") == (run.returncode, run.stdout, run.stderr)


@pytest.mark.slow
def test_missing_file_is_not_skipped_by_keep_going(tmp_path: Path) -> None:
    """A missing file among good ones: `score --keep-going` exits 2, a lost file is not a skipped record."""
    missing = tmp_path / "no-such-log.csv"
    run = _run("score", "--keep-going", "--format", "json", missing, _path("unknown_channel"))
    assert (2, "", f"{_ERROR}{missing}: cannot open: no such file\n") == (
        run.returncode,
        run.stdout,
        run.stderr,
    )


@pytest.mark.slow
def test_directory_is_a_file_error(tmp_path: Path) -> None:
    """A directory given as an event log: exit 2 and `error: DIR: is a directory`."""
    run = _run("score", "--keep-going", tmp_path)
    assert (2, "", f"{_ERROR}{tmp_path}: is a directory, not a file\n") == (
        run.returncode,
        run.stdout,
        run.stderr,
    )


# -- all the bad files at once ---------------------------------------------------------------------

ALL = [name for name in CASES if "xfail" not in CASES[name]]


def _all_expected() -> dict[tuple[str, int, str], list[str]]:
    return {(_path(name).name, *key): words for name in ALL for key, words in _expected(name).items()}


@pytest.mark.slow
def test_score_reports_the_rejections_of_every_file() -> None:
    """`score` on all the bad files at once exits 2 and prints every expected rejection of every file."""
    paths = [_path(name) for name in ALL]
    run = _run("score", "--lang", "en", *paths)
    assert (2, "") == (run.returncode, run.stdout)
    assert "Traceback" not in run.stderr
    found = _stderr_rejections(run.stderr, paths)
    expected = _all_expected()
    assert set(expected) == set(found)
    assert {} == _missing_words(expected, found)


@pytest.mark.slow
def test_score_keep_going_on_every_file_counts_every_valid_event() -> None:
    """`score --keep-going --format json` on all the bad files lists every rejection and counts the rest."""
    paths = [_path(name) for name in ALL]
    run = _run("score", "--keep-going", "--format", "json", "--lang", "en", *paths)
    assert 0 == run.returncode, run.stderr
    output = json.loads(run.stdout)
    found = _json_rejections(output["rejections"])
    expected = _all_expected()
    assert set(expected) == set(found)
    assert {} == _missing_words(expected, found)
    assert sum(CASES[name]["counted"] for name in ALL) == output["events"]["counted"]


def test_api_reads_every_file_at_once_like_one_by_one() -> None:
    """Reading all the bad files in one read_events call gives the union of their rejections and counts."""
    read = chengdu_infoscore.read_events([_path(name) for name in ALL])
    results = chengdu_infoscore.score(read.events, rejected=read.rejections)
    found = _api_rejections(results)
    assert (set(_all_expected()), len(found)) == (set(found), len(results.rejections))
    assert sum(CASES[name]["counted"] for name in ALL) == results.counted


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["score", "--keep-going"], id="score-table"),
        pytest.param(["score", "--keep-going", "--format", "csv"], id="score-csv"),
        pytest.param(["score", "--keep-going", "--lang", "en"], id="score-table-en"),
        pytest.param(["explain", "--keep-going", "--unit", "锦江区"], id="explain"),
        pytest.param(["explain", "--keep-going", "--unit", "能源办", "--format", "json"], id="explain-json"),
    ],
)
def test_every_output_survives_the_bad_files(command: list[str]) -> None:
    """Every output format, given all the bad files with --keep-going, exits 0 and lists the rejections."""
    paths = [_path(name) for name in ALL]
    run = _run(*command, *([] if "--lang" in command else ["--lang", "en"]), *paths)
    assert (0, False) == (run.returncode, "Traceback" in run.stderr), run.stderr
    assert set(_all_expected()) == set(_stderr_rejections(run.stderr, paths))


def test_a_very_long_name_is_cut_short_in_messages_and_kept_whole_in_json(tmp_path: Path) -> None:
    """A 10 000-character unit name and id: the message line stays short; the JSON keeps the id."""
    eid, unit = "e" * 10_000, "锦" * 10_000
    line = json.dumps(
        {"id": eid, "type": "missed", "date": "2007-03-05", "unit": unit, "category": "work_dynamic"},
        ensure_ascii=False,
    )
    path = tmp_path / "long.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    results = chengdu_infoscore.score(chengdu_infoscore.read_events([path]))
    (rejection,) = results.rejections
    assert rejection.event == eid
    assert rejection.reason.startswith("unknown unit '" + "锦" * 60 + "'… (10000 characters): not a name")
    message = str(rejection)
    assert len(message) - len(str(path)) < 250
    assert "(10000 characters)" in message.split(": ")[1]
