"""A command line with manners: "did you mean" for a mistyped command, choice, option or unit; no
silent abbreviations; a progress line on a terminal for a large log; an example in every --help;
``sample --events N``."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import pty
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chengdu_infoscore import Commissioned, Submitted, read_events, sample_year, score
from chengdu_infoscore.cli import _parser, main
from chengdu_infoscore.exceptions import ArgumentError, ArgumentTypeError
from chengdu_infoscore.sample import MOST_EVENTS, sample_events

ROOT = Path(__file__).parent.parent
EXAMPLE = str(ROOT / "examples" / "example-2007.jsonl")
#: Events in the sample year of the default seed.
YEAR = len(sample_year())


def run(*args: str) -> tuple[int, str, str]:
    """Run main() with ``args``; return its status, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def parsers() -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every parser of the command line, the top one first, each with the words that reach it."""
    pending: list[tuple[str, argparse.ArgumentParser]] = [("", _parser())]
    while pending:
        words, parser = pending.pop(0)
        yield words, parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                pending += [(f"{words} {name}".strip(), sub) for name, sub in action.choices.items()]


# -- did you mean ----------------------------------------------------------------------------------

MISTYPED = [
    (["scroe"], "chengdu-infoscore: error: unknown command 'scroe': did you mean 'score'?"),
    (["Score", EXAMPLE], "chengdu-infoscore: error: unknown command 'Score': did you mean 'score'?"),
    (["rules", "shw"], "chengdu-infoscore rules: error: unknown action 'shw': did you mean 'show'?"),
    (
        ["score", EXAMPLE, "--as_of", "2007-12-31"],
        "chengdu-infoscore score: error: unrecognized option '--as_of': did you mean '--as-of'?",
    ),
    (
        ["score", EXAMPLE, "--as_of=2007-12-31"],
        "chengdu-infoscore score: error: unrecognized option '--as_of': did you mean '--as-of'?",
    ),
    (
        ["bulletin", EXAMPLE, "--month", "2007-06", "--fromat", "json"],
        "chengdu-infoscore bulletin: error: unrecognized option '--fromat': did you mean '--format'?",
    ),
    (
        ["bulletin", EXAMPLE, "--mnth", "2007-06"],
        "chengdu-infoscore bulletin: error: unrecognized option '--mnth': did you mean '--month'?",
    ),
    (["--verison"], "chengdu-infoscore: error: unrecognized option '--verison': did you mean '--version'?"),
    (
        ["score", EXAMPLE, "--format", "jsn"],
        "chengdu-infoscore score: error: argument --format: invalid choice: 'jsn': did you mean 'json'?"
        " (choose from 'table', 'json', 'csv', 'xlsx', 'html')",
    ),
    (
        ["explain", EXAMPLE, "--unit", "锦江"],
        "chengdu-infoscore: error: argument --unit: unknown unit '锦江': did you mean '锦江区'? (give a"
        " name, printed label or alias of the 2007 target table: `chengdu-infoscore quotas` lists them)",
    ),
    (
        ["explain", EXAMPLE, "--unit", "能源"],
        "chengdu-infoscore: error: argument --unit: unknown unit '能源': did you mean '能源办' (市经委)?"
        " (give a name, printed label or alias of the 2007 target table: `chengdu-infoscore quotas` lists"
        " them)",
    ),
]


@pytest.mark.parametrize(("args", "line"), MISTYPED)
def test_a_mistyped_word_is_one_line_saying_what_was_meant(args: list[str], line: str) -> None:
    """A mistyped command, action, option, choice or unit: exit 2, nothing on standard output, and
    one line on standard error that names what was likely meant."""
    assert (2, "", line + "\n") == run(*args)


def typos(option: str) -> Iterator[str]:
    """``option`` with one letter left out, and with two neighbouring letters swapped."""
    for i in range(2, len(option)):
        yield option[:i] + option[i + 1 :]
        if i + 1 < len(option):
            yield option[:i] + option[i + 1] + option[i] + option[i + 2 :]


@pytest.mark.slow
def test_every_option_mistyped_by_one_letter_is_named() -> None:
    """Every long option of every command, with a letter left out or two swapped (and not then the
    beginning of another option, which names that one): exit 2, and the line names the option."""
    missed = []
    for words, parser in parsers():
        known = parser._option_string_actions
        for option in (o for o in known if o.startswith("--")):
            for typo in typos(option):
                if typo == option or any(o.startswith(typo) for o in known):
                    continue
                status, _, err = run(*words.split(), typo)
                said = err.splitlines()[-1] if err else ""
                if not (status == 2 and f"option {typo!r}: did you mean " in said and repr(option) in said):
                    missed.append((words, typo, status, said))
    assert [] == missed


def test_an_unknown_unit_is_told_before_anything_is_read() -> None:
    """explain checks --unit against the target table first: a missing log is not even opened."""
    expected = next(line for args, line in MISTYPED if args[-1] == "锦江")
    assert (2, "", expected + "\n") == run("explain", "missing.jsonl", "--unit", "锦江")


def test_an_unknown_unit_nothing_is_like_is_named_without_a_guess() -> None:
    """A name like no spelling of the table: the message names it and suggests nothing."""
    status, out, err = run("explain", EXAMPLE, "--unit", "不存在的单位")
    assert (2, "", False, True) == (status, out, "did you mean" in err, "unknown unit '不存在的单位'" in err)


def test_a_word_like_nothing_keeps_the_usage_and_lists_the_choices() -> None:
    """A command like none: argparse's usage and the list of commands, no guess."""
    status, out, err = run("frobnicate")
    assert (2, "", True, True, False) == (
        status,
        out,
        err.startswith("usage: chengdu-infoscore"),
        "invalid choice: 'frobnicate' (choose from 'score'," in err,
        "did you mean" in err,
    )


@pytest.mark.slow
def test_a_mistyped_word_is_never_a_traceback_in_a_real_process() -> None:
    """As a user runs it: exit 2, the one line, no traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "chengdu_infoscore", "scroe", EXAMPLE], capture_output=True, check=False
    )
    assert (2, b"", b"chengdu-infoscore: error: unknown command 'scroe': did you mean 'score'?\n") == (
        done.returncode,
        done.stdout,
        done.stderr,
    )


# -- no abbreviations ------------------------------------------------------------------------------


def test_no_parser_takes_an_abbreviation() -> None:
    """Every parser of the command line, the top one and every command's, refuses abbreviations."""
    assert [] == [words or "(top)" for words, parser in parsers() if parser.allow_abbrev]


ABBREVIATED = [
    (["score", EXAMPLE, "--as", "2007-12-31"], "score", "'--as': did you mean '--as-of'?"),
    (["score", EXAMPLE, "--form", "json"], "score", "'--form': did you mean '--format'?"),
    (["score", EXAMPLE, "--keep"], "score", "'--keep': did you mean '--keep-going'?"),
    (["sample", "--out", "-", "--ev", "3"], "sample", "'--ev': did you mean '--events'?"),
    (["compare", EXAMPLE, "--changed"], "compare", "'--changed': did you mean '--changed-only'?"),
    (["quotas", "--y", "2007"], "quotas", "'--y': did you mean '--year'?"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "command", "words"), ABBREVIATED)
def test_an_abbreviated_option_is_a_usage_error_naming_the_full_option(
    args: list[str], command: str, words: str
) -> None:
    """`--as` is never taken for `--as-of`: exit 2, nothing on standard output, the full option named."""
    expected = f"chengdu-infoscore {command}: error: unrecognized option {words}\n"
    assert (2, "", expected) == run(*args)


def test_an_option_begun_by_several_names_each() -> None:
    """An abbreviation that begins several options names each, in the order --help lists them."""
    expected = "unrecognized option '--k': did you mean '--known-on', '--keys' or '--keep-going'?"
    status, _, err = run("bulletin", EXAMPLE, "--month", "2007-06", "--k")
    assert (2, f"chengdu-infoscore bulletin: error: {expected}\n") == (status, err)


# -- an example in every --help --------------------------------------------------------------------


def examples(words: str) -> list[str]:
    """The example lines that ``words --help`` shows, as typed (without the program's name)."""
    status, out, _ = run(*words.split(), "--help")
    assert 0 == status
    after = out[out.index("Example") :]
    return [
        line.strip()[len("chengdu-infoscore ") :]
        for line in after.splitlines()[1:]
        if line.startswith("  chengdu-infoscore ")
    ]


def test_every_help_ends_in_examples() -> None:
    """The top --help and every command's and action's --help show at least one example."""
    missing = [words or "(top)" for words, _ in parsers() if not examples(words)]
    assert [] == missing


#: Example lines too slow for the test suite, or that run until stopped (a server): parsed, not run.
PARSED_ONLY = {
    "sample --out big.jsonl --events 1000000     # a large log: about 125 MB",
    "serve --store year.store                  # http://127.0.0.1:8000/ (needs the serve extra)",
    "serve --store year.store --port 0 --token-file token.txt",
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch copy of the project's root: its examples and tests, and files written in it."""
    for name in ("examples", "tests"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.slow
@pytest.mark.parametrize("words", [words for words, _ in parsers()])
def test_every_example_runs_as_written_from_the_projects_root(project: Path, words: str) -> None:
    """Each example of a --help, run in order from the project's root, exits 0 (a line too slow
    for the suite is parsed, and found well formed)."""
    statuses = []
    for line in examples(words):
        argv = shlex.split(line, comments=True)
        if line in PARSED_ONLY:
            statuses.append((line, _parser().parse_args(argv).command is not None and 0))
            continue
        statuses.append((line, run(*argv)[0]))
    assert [(line, 0) for line, _ in statuses] == statuses


# -- sample --events -------------------------------------------------------------------------------


def test_sample_events_zero_writes_an_empty_valid_log(tmp_path: Path) -> None:
    """--events 0: an empty file, which reads as a log of no events."""
    out = tmp_path / "none.jsonl"
    status, _, err = run("sample", "--out", str(out), "--events", "0", "--lang", "en")
    read = read_events([out])
    assert (0, b"", 0, (), "0 events of the sample 2007 year written to") == (
        status,
        out.read_bytes(),
        len(read),
        read.rejections,
        err[: err.index(str(out))].strip(),
    )


@pytest.mark.slow
def test_sample_events_within_a_year_is_the_beginning_of_the_sample_year() -> None:
    """--events 3 --seed 7: the sample year of seed 7, cut after its first three events."""
    _, year, _ = run("sample", "--out", "-", "--seed", "7")
    status, three, err = run("sample", "--out", "-", "--events", "3", "--seed", "7")
    assert (0, "", year.splitlines(keepends=True)[:3]) == (status, err, three.splitlines(keepends=True))
    assert ["2007-0000001", "2007-0000002", "2007-0000003"] == [
        json.loads(x)["id"] for x in three.splitlines()
    ]


@pytest.mark.slow
def test_sample_events_beyond_a_year_continues_with_a_distinct_copy() -> None:
    """A year and 50 events: the whole year, then 50 events of a copy whose ids, items and
    commissions are prefixed c1-; every id, item and commission distinct, and the log valid."""
    events = list(sample_events(YEAR + 50))
    copy = events[YEAR:]
    submitted = [e for e in events if isinstance(e, Submitted)]
    commissioned = [e for e in events if isinstance(e, Commissioned)]
    results = score(events)
    assert (YEAR + 50, list(sample_year()), 50, True) == (
        len(events),
        events[:YEAR],
        len(copy),
        all(e.id.startswith("c1-") and getattr(e, "item", "c1-").startswith("c1-") for e in copy),
    )
    assert (YEAR + 50, len(submitted), len(commissioned), ()) == (
        len({e.id for e in events}),
        len({e.item for e in submitted}),
        len({e.commission for e in commissioned}),
        results.rejections,
    )


@pytest.mark.slow
def test_sample_events_is_the_same_for_the_same_seed_and_other_for_another() -> None:
    """Two copies' worth: the same N and seed give the same log; another seed another log."""
    n = YEAR + 200
    a, b, c = list(sample_events(n, 11)), list(sample_events(n, 11)), list(sample_events(n, 12))
    assert (True, False, False) == (a == b, a == c, a[YEAR:] == c[YEAR:])


@pytest.mark.slow
@settings(max_examples=10)
@given(n=st.integers(0, 400), seed=st.integers(-(10**6), 10**6))
def test_sample_events_of_less_than_a_year_begin_the_year_of_their_seed(n: int, seed: int) -> None:
    """Any N within a year and any seed: the first N events of that seed's sample year."""
    assert sample_year(seed)[:n] == tuple(sample_events(n, seed))


@pytest.mark.parametrize("value", ["-1", "x", "1e3", "", " 5", "٣", "3.0", str(MOST_EVENTS + 1), str(10**40)])
def test_a_bad_number_of_events_is_a_usage_error(value: str) -> None:
    """--events must be a whole number from 0 to the most: anything else is exit 2, the value named."""
    status, out, err = run("sample", "--out", "-", "--events", value)
    expected = f"argument --events: {value!r} is not a number of events: expected a whole number from 0 to"
    assert (2, "", True, False) == (status, out, expected in err, "Traceback" in err)


def test_sample_events_refuses_a_bad_number_in_python_too() -> None:
    """sample_events(-1) is a ValueError, sample_events('3') a TypeError, both naming the argument."""
    with pytest.raises(ArgumentError, match="events must be from 0 to 100000000, not -1"):
        sample_events(-1)
    with pytest.raises(ArgumentTypeError, match="events must be a whole number"):
        sample_events("3")  # type: ignore[arg-type]


# -- the progress line -----------------------------------------------------------------------------


def on_a_terminal(*args: str) -> tuple[int, bytes, bytes]:
    """Run the command with standard error on a pseudo-terminal; its status, output and what the
    terminal received."""
    master, slave = pty.openpty()
    with tempfile.TemporaryFile() as out:
        done = subprocess.Popen(
            [sys.executable, "-m", "chengdu_infoscore", *args],
            stdout=out,
            stderr=slave,
            stdin=subprocess.DEVNULL,
        )
        os.close(slave)
        told = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal's other side closed: the command has ended
                break
            if not chunk:
                break
            told += chunk
        status = done.wait()
        os.close(master)
        out.seek(0)
        return status, out.read(), told


def on_a_pipe(*args: str) -> tuple[int, bytes, bytes]:
    done = subprocess.run(
        [sys.executable, "-m", "chengdu_infoscore", *args], capture_output=True, check=False
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A log of 120 000 events, written by `sample --events` with standard error on a terminal."""
    path = tmp_path_factory.mktemp("large") / "large.jsonl"
    status, _, told = on_a_terminal("sample", "--out", str(path), "--events", "120000")
    assert (0, True) == (status, b"\rwriting " + str(path).encode() + b": " in told)
    return path


@pytest.mark.slow
def test_a_large_log_shows_progress_on_a_terminal_and_the_output_is_the_same(large: Path) -> None:
    """Scoring 120 000 events with standard error on a terminal: the line that is rewritten in place
    says the lines read and then the step, and is wiped at the end; standard output is byte for
    byte what it is with standard error on a pipe, where nothing is said."""
    tty_status, tty_out, told = on_a_terminal("score", str(large), "--format", "json")
    pipe_status, pipe_out, pipe_err = on_a_pipe("score", str(large), "--format", "json")
    lines = re.findall(rb"\r([^\r\x1b]*)\x1b\[K", told)
    assert (0, 0, b"", tty_out, True, b"scoring 120 000 records\xe2\x80\xa6", True) == (
        tty_status,
        pipe_status,
        pipe_err,
        pipe_out,
        lines[0].startswith(b"reading " + str(large).encode() + b": "),
        lines[-2],
        told.endswith(b"\r\x1b[K"),
    )
    assert 120_000 == json.loads(tty_out)["events"]["read"]


@pytest.mark.slow
def test_quiet_silences_the_progress_line_even_on_a_terminal(large: Path) -> None:
    """--quiet: nothing on the terminal, the same output."""
    status, out, told = on_a_terminal("validate", str(large), "--quiet", "--lang", "en")
    assert (0, b"", b"120000 event(s) read: 120000 valid") == (
        status,
        told,
        out[: len(b"120000 event(s) read: 120000 valid")],
    )


@pytest.mark.slow
def test_a_small_log_shows_no_progress_on_a_terminal() -> None:
    """The example log, scored with standard error on a terminal: nothing is said there."""
    status, out, told = on_a_terminal("score", EXAMPLE, "--format", "json")
    assert (0, b"", b"17.2") == (status, told, json.loads(out)["units"][0]["score"].encode())


@pytest.mark.slow
def test_the_progress_line_is_wiped_before_rejections_are_told(tmp_path: Path) -> None:
    """A large log with a bad record: the rejection starts on a clean line (the progress line was
    wiped before it), and the exit status is 2."""
    bad = tmp_path / "bad.jsonl"
    record = '{{"id": "{}", "type": "submitted", "date": "{}", "unit": "锦江区", "item": "{}"}}\n'
    lines = [record.format("zz", "2007-02-30", "Z")]
    lines += [record.format(f"p{n}", "2007-03-01", f"P{n}") for n in range(110_000)]
    bad.write_text(Path(EXAMPLE).read_text(encoding="utf-8") + "".join(lines), encoding="utf-8")
    status, out_bytes, told = on_a_terminal("score", str(bad))
    rejection = f"{bad}:31:事件 zz:".encode()
    at = told.index(rejection)
    assert (2, b"", b"\r\x1b[K") == (status, out_bytes, told[at - 4 : at])


# -- the output file, the pipe, the values -----------------------------------------------------------


@pytest.mark.slow
def test_sample_to_a_closed_pipe_stops_at_once() -> None:
    """sample --events 3000000 --out - | head -c 100: it ends once the reader is gone, not after
    making three million events (which takes minutes): well within 20 seconds, exit 0."""
    done = subprocess.Popen(
        [sys.executable, "-m", "chengdu_infoscore", "sample", "--out", "-", "--events", "3000000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    assert done.stdout is not None and done.stderr is not None
    head = done.stdout.read(100)
    done.stdout.close()
    try:
        status = done.wait(timeout=20)
    except subprocess.TimeoutExpired:
        done.kill()
        status = done.wait()
    assert (100, 0, b"") == (len(head), status, done.stderr.read())


def test_sample_in_process_stops_writing_once_standard_output_is_gone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The writing loop of sample --events stops at the first broken pipe: one chunk is offered to
    standard output, no more, and the run exits 0."""
    import chengdu_infoscore.cli as cli

    offered: list[str] = []

    def gone(text: str) -> None:
        offered.append(text)
        cli._gone.add("stdout")

    monkeypatch.setattr(cli, "_out", gone)
    monkeypatch.setattr(cli, "_SAMPLE_CHUNK", 100)
    assert (0, 1) == (main(["sample", "--out", "-", "--events", "1000"]), len(offered))


@pytest.mark.slow
@pytest.mark.parametrize("command", [["score"], ["explain", "--unit", "锦江区"], ["bulletin", "--year-end"]])
@pytest.mark.parametrize("form", ["json", "csv", "xlsx"])
def test_out_naming_an_input_is_refused_and_the_input_kept(
    tmp_path: Path, command: list[str], form: str
) -> None:
    """--out the very log read (through another path, too): exit 2 before anything is read, the log
    as it was."""
    log = tmp_path / "year.jsonl"
    log.write_bytes(Path(EXAMPLE).read_bytes())
    (tmp_path / "link.jsonl").symlink_to(log)
    extra = ["--format", form] if command[0] != "explain" or form != "csv" else []
    status, out, err = run(*command, str(log), *extra, "--out", str(tmp_path / "link.jsonl"))
    assert (2, "", Path(EXAMPLE).read_bytes()) == (status, out, log.read_bytes())
    assert f"is {str(log)!r}, which this command reads" in err


def test_out_naming_the_store_or_the_target_table_is_refused(tmp_path: Path) -> None:
    """--out the store scored, or the --targets file: exit 2, the file as it was."""
    store = tmp_path / "s.store"
    assert 0 == run("ingest", str(store), EXAMPLE, "--recorded", "2007-12-31")[0]
    before = store.read_bytes()
    targets = tmp_path / "t.toml"
    table = (ROOT / "src" / "chengdu_infoscore" / "quotas" / "quotas-2007.toml").read_bytes()
    targets.write_bytes(table)
    assert [2, 2, before, table] == [
        run("score", "--store", str(store), "--out", str(store))[0],
        run("score", EXAMPLE, "--targets", str(targets), "--format", "csv", "--out", str(targets))[0],
        store.read_bytes(),
        targets.read_bytes(),
    ]


@pytest.mark.parametrize(
    ("where", "why"),
    [
        ("adir", "it is a directory; it is left as it was"),
        ("missing/o.xlsx", "does not exist; nothing was written"),
    ],
)
def test_an_out_that_cannot_be_written_is_told_before_scoring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, why: str
) -> None:
    """--out a directory, or in a directory that does not exist: exit 2 before the events are read."""
    import chengdu_infoscore.cli as cli

    (tmp_path / "adir").mkdir()
    read: list[object] = []
    monkeypatch.setattr(cli, "_records", lambda args: read.append(args))
    for command in (["score", EXAMPLE, "--format", "xlsx"], ["bulletin", EXAMPLE, "--year-end"]):
        status, out, err = run(*command, "--out", str(tmp_path / where))
        assert (2, "", [], True) == (status, out, read, err.rstrip().endswith(why)), err


def test_a_value_with_a_space_is_a_value_as_argparse_takes_it() -> None:
    """--unit "-a b": argparse takes a word with a space for a value; the pre-scan does too, so the
    unit is unknown (a usage error about the unit), not an unrecognized option."""
    status, _, err = run("explain", EXAMPLE, "--unit", "-a b")
    assert (2, "chengdu-infoscore: error: argument --unit: unknown unit '-a b'") == (
        status,
        err.splitlines()[0][: len("chengdu-infoscore: error: argument --unit: unknown unit '-a b'")],
    )


def test_an_error_making_the_data_is_not_called_a_file_that_cannot_be_written(tmp_path: Path) -> None:
    """_write_file: an ArgumentError raised while the parts are made is that error, not "cannot
    write FILE"; the target is left as it was."""
    from chengdu_infoscore.cli import _write_file

    target = tmp_path / "o.jsonl"
    target.write_bytes(b"before")

    def parts() -> Iterator[bytes]:
        yield b"one"
        raise ArgumentError("events: a bad number")

    with pytest.raises(ArgumentError) as caught:
        _write_file(str(target), parts())
    assert ("events: a bad number", b"before", ["o.jsonl"]) == (
        str(caught.value),
        target.read_bytes(),
        sorted(p.name for p in tmp_path.iterdir()),
    )
