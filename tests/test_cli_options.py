"""Option values on the command line: every value is a result or a clear usage error, never exit 3.

The property tests drive :func:`chengdu_infoscore.cli.main` in the test's own process, with the
values a careless or hostile user could type for every option of every command.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chengdu_infoscore.cli import main

ROOT = Path(__file__).parent.parent
EXAMPLE = str(ROOT / "examples" / "example-2007.jsonl")
BAD = str(ROOT / "tests" / "bad" / "bad_date.jsonl")
CASE = str(ROOT / "tests" / "golden" / "ex1_cap_district_650")
RULE_FILE = str(ROOT / "docs" / "example-adjustment.toml")


def run(*args: str) -> tuple[int, str, str]:
    """Run main() with ``args``; return its status, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


# -- examples: each value the issue names, with the status and the words of its message ---------

USAGE = [
    (["bulletin", EXAMPLE, "--month", "0-1"], "argument --month: '0-1' is not a month of the form YYYY-MM"),
    (["bulletin", EXAMPLE, "--month", "99999-01"], "'99999-01' is not a month of the form YYYY-MM"),
    (["bulletin", EXAMPLE, "--month", "0000-06"], "'0000-06' is not a month of the form YYYY-MM"),
    (["bulletin", EXAMPLE, "--month", "2007-13"], "'2007-13' is not a month of the form YYYY-MM"),
    (["bulletin", EXAMPLE, "--month", "2007-6"], "'2007-6' is not a month of the form YYYY-MM"),
    (["demo", "--month", "0-1"], "argument --month: '0-1' is not a month"),
    (["demo", "--month", "1999-06"], "the sample year is 2007: give a month of it, not 1999-06"),
    (["score", EXAMPLE, "--as-of", "0001-01-01"], "no target table ships for 1"),
    (["score", EXAMPLE, "--as-of", "9999-12-31"], "no target table ships for 9999"),
    (["score", EXAMPLE, "--as-of", "0000-01-01"], "'0000-01-01' is not a real calendar date"),
    (["score", EXAMPLE, "--year", "0"], "argument --year: '0' is not a year: expected a number from 1 to"),
    (["score", EXAMPLE, "--year", "-5"], "argument --year: '-5' is not a year"),
    (["score", EXAMPLE, "--year", "99999"], "argument --year: '99999' is not a year"),
    (["bulletin", EXAMPLE, "--year-end", "--year", "0"], "argument --year: '0' is not a year"),
    (["bulletin", EXAMPLE, "--year-end", "--year", "99999"], "argument --year: '99999' is not a year"),
    (["bulletin", EXAMPLE, "--year-end", "--year", "2008"], "no target table ships for 2008"),
    (["bulletin", EXAMPLE, "--year-end", "--top", "-1"], "argument --top: '-1' is not a number of units"),
    (["demo", "--top", "-1"], "argument --top: '-1' is not a number of units: expected 0 or more"),
    (["demo", "--seed", "1.5"], "argument --seed: '1.5' is not a seed: expected a whole number"),
    (["quotas", "--year", "1900"], "no target table ships for 1900"),
    (["compare", EXAMPLE, "--rules", "chengdu-2007", "--rules", "chengdu-2007", "--year", "0"], "not a year"),
    (["compare", EXAMPLE, "--rules", "chengdu-2007", "--rules", "chengdu-2007", "--year", "2008",
      "--as-of", "2007-05-01"], "--as-of 2007-05-01 is outside --year 2008"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "words"), USAGE)
def test_bad_option_values_exit_2_with_their_message(args: list[str], words: str) -> None:
    """Each bad value the issue names is a usage error: exit 2, a message naming it, no internal error."""
    status, _, err = run(*args)
    assert (2, True, False) == (status, words in err, "internal error" in err)


@pytest.mark.parametrize(
    ("args", "first"),
    [
        (["bulletin", EXAMPLE, "--year-end", "--top", "0"], "2007年度全市政务信息工作通报"),
        (["bulletin", EXAMPLE, "--year-end", "--top", "1000000"], "2007年度全市政务信息工作通报"),
        (
            ["quotas", "--year", "2007", "--lang", "en"],
            "2007 · 成办发〔2007〕30号 附件1 2007年全市政务信息报送任务",
        ),
        (
            ["score", EXAMPLE, "--as-of", "2007-01-01", "--lang", "en"],
            "2007 as of 2007-01-01 · rules chengdu-2007",
        ),
    ],
)
def test_extreme_but_valid_option_values_succeed(args: list[str], first: str) -> None:
    """--top 0, a top larger than any group and the first day of the year are answered, exit 0."""
    status, out, _ = run(*args)
    assert (0, first) == (status, out.splitlines()[0])


def test_top_zero_commends_nobody_and_a_huge_top_commends_everyone() -> None:
    """--top 0 proposes no unit for commendation; --top 1000000 proposes every unit of every group."""
    _, none, _ = run("bulletin", EXAMPLE, "--year-end", "--top", "0", "--format", "json")
    _, every, _ = run("bulletin", EXAMPLE, "--year-end", "--top", "1000000", "--format", "json")
    import json

    counts = [sum(map(len, json.loads(text)["commended"].values())) for text in (none, every)]
    assert [0, 118] == counts


def test_year_end_defaults_to_2007_only_when_no_year_is_given() -> None:
    """--year-end without --year is 2007-12-31; with --year 2007 the same bulletin."""
    a, b = (
        run("bulletin", EXAMPLE, "--year-end", "--format", "json"),
        run("bulletin", EXAMPLE, "--year-end", "--year", "2007", "--format", "json"),
    )
    assert (0, a[1]) == (b[0], b[1])


def test_help_and_version_return_0_instead_of_raising() -> None:
    """main() returns 0 after --help and --version, and 2 for an unknown command: it raises nothing."""
    statuses = [run("--help")[0], run("--version")[0], run("score", "--help")[0], run("frobnicate")[0]]
    assert [0, 0, 0, 2] == statuses


# -- properties ------------------------------------------------------------------------------------

#: Values for any option: the plausible, the extreme and the absurd.
WORDS = [
    "", " ", "-", "--", "0", "-0", "-5", "1", "3", "2007", "99999", "1000000", "10**6", "1e3", "0x10",
    str(10**30), str(-(10**30)), "١٢", "2007-06", "2007-6", "0-1", "99999-01", "2007-13", "0000-01",
    "2007-06-30", "2007-02-30", "0001-01-01", "9999-12-31", "2007-12-31T00:00", "a\x00b", "市经委", "能源办",
    "chengdu-2007", "example-2007-07", "nope", "x.toml", RULE_FILE, "table", "json", "csv", "markdown", "zh",
]  # fmt: skip


def _numbers() -> st.SearchStrategy[str]:
    return st.integers(-(10**12), 10**12).map(str)


def _dates() -> st.SearchStrategy[str]:
    def show(y: int, m: int, d: int) -> str:
        return f"{y:04d}-{m:02d}-{d:02d}"

    return st.builds(show, st.integers(0, 10000), st.integers(0, 13), st.integers(0, 32))


def _months() -> st.SearchStrategy[str]:
    return st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(-1, 100000), st.integers(-1, 13))


VALUES = st.one_of(st.sampled_from(WORDS), _numbers(), _dates(), _months(), st.text(max_size=12))
#: Values for sample --events: any value but a number of events too large to write at once.
EVENTS = st.one_of(st.sampled_from(WORDS), st.integers(0, 300).map(str), st.text(max_size=12)).filter(
    lambda w: not (w.isascii() and w.isdigit()) or not 300 < int(w) <= 100_000_000
)

Commands = dict[str, tuple[list[str], dict[str, st.SearchStrategy[str] | None]]]


#: Per command: its fixed words, and the options it takes (``None``: a flag).
COMMANDS: Commands = {
    "score": (
        [EXAMPLE],
        {"--year": VALUES, "--as-of": VALUES, "--rules": VALUES, "--format": VALUES, "--lang": VALUES,
         "--keep-going": None},
    ),
    "explain": (
        [EXAMPLE],
        {"--unit": VALUES, "--year": VALUES, "--as-of": VALUES, "--rules": VALUES, "--format": VALUES,
         "--keep-going": None},
    ),
    "validate": ([EXAMPLE], {"--year": VALUES, "--as-of": VALUES, "--rules": VALUES}),
    "bulletin": (
        [EXAMPLE],
        {"--month": VALUES, "--year-end": None, "--top": VALUES, "--year": VALUES, "--as-of": VALUES,
         "--rules": VALUES, "--format": VALUES, "--lang": VALUES, "--keep-going": None},
    ),
    "compare": (
        [EXAMPLE],
        {"--rules": VALUES, "--year": VALUES, "--as-of": VALUES, "--format": VALUES, "--changed-only": None,
         "--keep-going": None},
    ),
    "quotas": ([], {"--year": VALUES, "--format": VALUES, "--lang": VALUES}),
    "rules list": ([], {}),
    "rules show": ([], {}),
    "rules diff": ([], {}),
    "check": ([CASE], {"--rules": VALUES}),
}  # fmt: skip


@st.composite
def command_lines(draw: st.DrawFn, commands: Commands) -> list[str]:
    """A command with its fixed words, then options in any order, some twice, with drawn values."""
    name = draw(st.sampled_from(sorted(commands)))
    fixed, options = commands[name]
    if fixed == [EXAMPLE]:  # a log to read: the example, a log with problems, none, a directory
        logs = [EXAMPLE, BAD, str(ROOT / "missing.jsonl"), str(ROOT / "docs")]
        fixed = draw(st.lists(st.sampled_from(logs), min_size=1, max_size=2))
    argv = [*name.split(), *fixed]
    if name in ("rules show", "rules diff"):
        argv += draw(st.lists(VALUES, min_size=1, max_size=2 if name == "rules diff" else 1))
    for option in draw(st.lists(st.sampled_from(sorted(options)), max_size=6)) if options else []:
        strategy = options[option]
        argv += [option] if strategy is None else [option, draw(strategy)]
    return argv


def _check(argv: list[str]) -> None:
    status, out, err = run(*argv)
    allowed = {0, 1, 2} if argv[0] == "check" else {0, 2}
    # A problem is told on standard error; a success, or a failed golden case, says something —
    # unless --quiet asked it to say nothing (a file written, its line left out).
    quiet = "--quiet" in argv or "-q" in argv
    said = bool(err.strip()) if status == 2 else quiet or bool((out + err).strip())
    assert (True, False, False, True) == (
        status in allowed,
        "internal error" in err,
        "Traceback" in err,
        said,
    )


@pytest.mark.slow  # many examples: the full tier's
@settings(max_examples=300)
@given(argv=command_lines(COMMANDS))
def test_no_option_value_is_an_internal_error(argv: list[str]) -> None:
    """Any values for any options of the commands that read logs and data: exit 0 or 2, never 3."""
    _check(argv)


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("out")


def test_sample_events_with_an_out_that_exists_is_no_internal_error(out_dir: Path) -> None:
    """`sample --events N --out DIR`: sample's --events is a number, not logs that --out could
    overwrite; a directory for --out is exit 2, a file is written."""
    statuses = [
        main(["sample", "--out", str(out_dir), "--events", "1"]),
        main(["sample", "--out", str(out_dir / "one.jsonl"), "--events", "1", "--quiet"]),
        main(["sample", "--out", str(out_dir / "one.jsonl"), "--events", "1", "--quiet"]),
    ]
    assert ([2, 0, 0], 1) == (statuses, len((out_dir / "one.jsonl").read_text().splitlines()))


@pytest.mark.slow
@settings(max_examples=25)
@given(data=st.data())
def test_no_option_value_of_demo_or_sample_is_an_internal_error(out_dir: Path, data: st.DataObject) -> None:
    """Any values for demo's and sample's options (--out inside a scratch directory): exit 0 or 2, never 3."""
    out = st.one_of(
        st.sampled_from(["-", str(out_dir), str(out_dir / "x.jsonl"), str(out_dir / "missing" / "x.jsonl")]),
        st.text(st.characters(codec="utf-8", exclude_characters="/"), max_size=8).map(
            lambda t: str(out_dir / t)
        ),
    )
    commands = {
        "demo": (
            [],
            {"--month": VALUES, "--top": VALUES, "--format": VALUES, "--lang": VALUES, "--seed": VALUES},
        ),
        "sample": (["--out", data.draw(out)], {"--seed": VALUES, "--events": EVENTS, "--quiet": None}),
    }  # fmt: skip
    _check(data.draw(command_lines(commands)))


@pytest.mark.parametrize("rules", ["\x00\\", "a\x00b.toml", "x/\x00.toml"], ids=repr)
def test_a_rules_file_name_with_a_nul_is_exit_2(rules: str) -> None:
    """A --rules name holding a NUL character (no file can have it) is a data-file error, exit 2."""
    status, _, err = run("check", CASE, "--rules", rules)
    assert (2, True, False) == (status, "the name holds a NUL character" in err, "internal error" in err)


@pytest.mark.parametrize("command", [["score", EXAMPLE], ["contacts", EXAMPLE], ["sample"]], ids=str)
def test_an_out_name_with_a_nul_is_exit_2(command: list[str]) -> None:
    """--out naming a file with a NUL character is a usage error before anything is read, exit 2."""
    status, _, err = run(*command, "--out", "a\x00b")
    assert (2, True, False) == (status, "cannot hold a NUL character" in err, "internal error" in err)
