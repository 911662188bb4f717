"""Rule files and target tables load right or not at all: every number form, signs, encodings, ids.

Every number TOML allows, at every numeric key of the shipped data, either loads as the exact
Decimal written or is refused with its key; a file that is not UTF-8 is refused naming the file;
a sign that contradicts a figure's meaning is refused unless the file says it means it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengdu_infoscore import (
    ArgumentError,
    DataFileError,
    QuotaTable,
    RuleSet,
    Submitted,
    load_rules,
    score,
)
from chengdu_infoscore.rules import Award, Channel, Schedule, SubmissionRule, Timeline, parse_topics
from toml_kit import Raw, dump_toml, numeric_paths, replaced, toml_numbers

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "example-2007.jsonl"
BASE_TEXT = (resources.files("chengdu_infoscore.rules") / "ruleset-2007.toml").read_text(encoding="utf-8")
BASE = tomllib.loads(BASE_TEXT, parse_float=Decimal)
# The 2007 rules with the optional figures 2007 does not use: a floor and a disqualification count,
# and (in the second) a fixed cap instead of a cap per target.
WITH_FLOOR = {
    **BASE,
    "score": {"floor": 0, "floor_clause": "A3.3.1"},
    "disqualification": [{"when": "error", "count": 3, "reason": "三次差错"}],
}
WITH_CAP = {
    **BASE,
    "submission": {"clause": "A3.1.4", "points": Decimal("0.1"), "cap": 60, "cap_period": "month"},
}
QUOTAS = tomllib.loads(
    (resources.files("chengdu_infoscore.quotas") / "quotas-2007.toml").read_text(encoding="utf-8"),
    parse_float=Decimal,
)
TOPICS = tomllib.loads(
    (resources.files("chengdu_infoscore.rules") / "topics-2007.toml").read_text(encoding="utf-8"),
    parse_float=Decimal,
)
MINUS = ("categories.", "error.", "false_report.", "commission.late.", "commission.unanswered.")
D = Decimal


def figure_at(rules: RuleSet, path: str) -> Any:
    """The figure a loaded rule set holds for the key ``path`` of its file."""
    head, _, rest = path.partition(".")
    if head == "channels":
        key, field = rest.split(".")
        return getattr(rules.channel(key), field)
    if head in ("submission", "false_report"):
        return getattr(getattr(rules, head), rest)
    if head == "commission":
        return getattr(rules.commission, rest.split(".")[0]).points
    if head in ("instruction", "excellent"):
        return getattr(rules, head).points
    if head == "levels":
        return rules.level(rest.split(".")[0]).points  # type: ignore[union-attr]
    if head == "categories":
        key, kind, points = rest.split(".")
        return getattr(rules.category(key), kind).points[int(points[7:-1])]
    if head == "error":
        return rules.error.points[0]
    if head == "score":
        return rules.floor.points  # type: ignore[union-attr]
    return rules.disqualifications[0].count


def loads(path: str, n: Any) -> bool:
    """Whether the rules must accept the number ``n`` at ``path`` (see docs/rulesets.md, "Numbers")."""
    v = n.value
    if path.startswith("disqualification"):
        return n.integer and v is not None and 1 <= v <= 10**6
    if v is None or not -10000 <= v <= 10000 or v != v.quantize(D("0.0001")):
        return False
    if path.startswith("submission.cap"):
        return bool(v > 0)
    if path.startswith(MINUS):
        return bool(v <= 0)
    return path.startswith("score.") or v >= 0


@given(data=st.data(), base=st.sampled_from([WITH_FLOOR, WITH_CAP]), number=toml_numbers())
def test_every_number_form_at_every_rule_key_loads_exactly_or_names_the_key(
    data: st.DataObject, base: dict[str, Any], number: Any
) -> None:
    """Any TOML number (nan, inf, 1e999999, 5000 digits, 0x1F, 1_000…) at any numeric key of the 2007
    rules: loaded as the exact Decimal written when it is a sane figure of the right sign, else one
    DataFileError whose one problem names that key."""
    path = data.draw(st.sampled_from(numeric_paths(base)))
    text = dump_toml(replaced(base, path, Raw(number.text)))
    if loads(path, number):
        assert (number.value, True) == (
            figure_at(RuleSet.from_toml(text, "x.toml"), path),
            True,
        )
    else:
        with pytest.raises(DataFileError) as info:
            RuleSet.from_toml(text, "x.toml")
        assert (1, True) == (len(info.value.problems), info.value.problems[0].startswith(f"{path}: "))


@given(data=st.data(), number=toml_numbers())
def test_every_number_form_in_a_target_table_loads_exactly_or_names_the_key(
    data: st.DataObject, number: Any
) -> None:
    """Any TOML number as a target or the year of the 2007 table: a whole number in range loads as
    written, anything else is one problem naming the key."""
    path = data.draw(st.sampled_from(numeric_paths(QUOTAS)))
    text = dump_toml(replaced(QUOTAS, path, Raw(number.text)))
    low, high = (1900, 9999) if path == "year" else (1, 1_000_000)
    if number.integer and number.value is not None and low <= number.value <= high:
        table = QuotaTable.from_toml(text, "q.toml")
        if path == "year":
            assert number.value == table.year
        else:
            g, u = (int(part.split("]")[0]) for part in path.split("[")[1:])
            assert number.value == table.unit(QUOTAS["groups"][g]["units"][u]["name"]).target
    else:
        with pytest.raises(DataFileError) as info:
            QuotaTable.from_toml(text, "q.toml")
        assert (1, True) == (len(info.value.problems), info.value.problems[0].startswith(f"{path}: "))


@given(data=st.data(), number=toml_numbers())
def test_every_number_form_in_the_key_points_loads_or_names_the_key(data: st.DataObject, number: Any) -> None:
    """Any TOML number as a section or topic number of the key points: a whole number from 1 to 999
    loads, anything else is one problem naming the key."""
    path = data.draw(st.sampled_from(numeric_paths(TOPICS)))
    text = dump_toml(replaced(TOPICS, path, Raw(number.text)))
    low, high = (1900, 9999) if path == "year" else (1, 999)
    if number.integer and number.value is not None and low <= number.value <= high:
        assert 5 == len(parse_topics(text, "t.toml"))
    else:
        with pytest.raises(DataFileError) as info:
            parse_topics(text, "t.toml")
        assert (1, True) == (len(info.value.problems), info.value.problems[0].startswith(f"{path}: "))


def test_figures_keep_the_exact_decimal_written() -> None:
    """0.1, 1_000e-4 and 0x0 are read exactly: 0.1, 0.1000 and 0 — no binary float anywhere."""
    rules = RuleSet.from_toml(
        BASE_TEXT.replace("points = 0.1", "points = 1_000e-4").replace("points = 0\n", "points = 0x0\n"), "x"
    )
    assert (D("0.1000"), Decimal, D(0)) == (
        rules.submission.points,
        type(rules.excellent.points),
        rules.excellent.points,
    )


def variant(*edits: tuple[str, str]) -> str:
    text = BASE_TEXT.replace('id = "chengdu-2007"', 'id = "sign-2007"')
    for old, new in edits:
        assert 1 == text.count(old), old
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (
            (
                '[commission.late]\nclause = "A3.2.3"\npoints = -10',
                '[commission.late]\nclause = "A3.2.3"\npoints = 2',
            ),
            "commission.late.points: 2 adds points, but a late answer is a deduction; if that is meant,"
            " write allow_positive = true in commission.late",
        ),
        (
            (
                'label = "政务信息"\nclause = "A3.1.1"\npoints = 4',
                'label = "政务信息"\nclause = "A3.1.1"\npoints = -4',
            ),
            "channels.zwxx.points: -4 takes points away, but an adoption earns points; if that is meant,"
            " write allow_negative = true in channels.zwxx",
        ),
        (
            ("points = [-2, -4]", "points = [-2, 4]"),
            "categories.work_dynamic.missed.points[1]: 4 adds points, but a missed report is a deduction;"
            " if that is meant, write allow_positive = true in categories.work_dynamic.missed",
        ),
        (
            ('[excellent]\nclause = "A3.3.1"\npoints = 0', '[excellent]\nclause = "A3.3.1"\npoints = -1'),
            "excellent.points: -1 takes points away, but an excellent item earns points; if that is meant,"
            " write allow_negative = true in excellent",
        ),
        (
            ("cap_per_target = 0.5", "cap_per_target = 0"),
            "submission.cap_per_target: expected a number above 0, found 0",
        ),
    ],
)
def test_a_sign_against_the_meaning_is_refused_with_the_way_to_mean_it(
    edit: tuple[str, str], problem: str
) -> None:
    """An adoption worth negative points, a deduction that adds, a cap of 0: one problem, which says
    how to write that it is meant."""
    with pytest.raises(DataFileError) as info:
        RuleSet.from_toml(variant(edit), "sign.toml")
    assert (problem,) == info.value.problems


def test_a_sign_the_file_means_is_scored_as_written() -> None:
    """With allow_positive / allow_negative a late answer earns 2 and 政务信息 costs 4: the late answer
    +2 (booked the day after the due date), the submission 0.1, the adoption −4: −1.9."""
    text = variant(
        (
            '[commission.late]\nclause = "A3.2.3"\npoints = -10',
            '[commission.late]\nclause = "A3.2.3"\npoints = 2\nallow_positive = true',
        ),
        (
            'label = "政务信息"\nclause = "A3.1.1"\npoints = 4',
            'label = "政务信息"\nclause = "A3.1.1"\npoints = -4\nallow_negative = true',
        ),
    )
    from chengdu_infoscore import Adopted, Commissioned

    log = [
        Commissioned(id="c", date="2007-03-01", unit="锦江区", commission="YG", due="2007-03-05"),
        Submitted(id="s", date="2007-03-09", unit="锦江区", item="I", commission="YG"),
        Adopted(id="a", date="2007-03-10", item="I", channel="zwxx"),
    ]
    result = score(log, rules=RuleSet.from_toml(text, "sign.toml")).unit("锦江区")
    assert (D("-1.9"), [D(2), D("0.1"), D(-4)]) == (result.score, [x.points for x in result.ledger])


def test_an_opt_in_that_is_not_true_or_false_is_refused() -> None:
    """allow_positive = "yes" is a problem at its key, once, however many figures it covers."""
    with pytest.raises(DataFileError) as info:
        RuleSet.from_toml(variant(("points = [-2, -4] }", 'points = [2, 4], allow_positive = "yes" }')), "x")
    assert 1 == sum("allow_positive: expected true or false" in p for p in info.value.problems)


def test_rule_kind_settings_hold_only_sane_numbers() -> None:
    """A setting of [[extensions]] is handed over as written, but nan, inf and 1e99 are refused there too."""
    text = BASE_TEXT + '\n[[extensions]]\nkind = "k"\na = nan\nb = [1, 1e99]\nc = { d = -inf }\ne = 0.5\n'
    with pytest.raises(DataFileError) as info:
        RuleSet.from_toml(text, "x.toml")
    assert (
        "extensions[0].a: expected a finite number, found nan",
        "extensions[0].b[1]: expected a number from -1000000000000 to 1000000000000, found 1E+99",
        "extensions[0].c.d: expected a finite number, found -inf",
    ) == info.value.problems


def test_a_date_out_of_the_usable_range_is_refused() -> None:
    """effective = 0001-01-01 (the day before it cannot be computed) is a problem at ruleset.effective."""
    with pytest.raises(DataFileError) as info:
        RuleSet.from_toml(BASE_TEXT.replace("effective = 2007-01-01", "effective = 0001-01-01"), "x")
    assert ("ruleset.effective: expected a date from 1900-01-01 to 9998-12-31, found 0001-01-01",) == (
        info.value.problems
    )


# -- encodings and files ---------------------------------------------------------------------------


def test_a_rule_file_with_a_byte_order_mark_loads_like_one_without(tmp_path: Path) -> None:
    """UTF-8 with a BOM (as Notepad saves) loads, with the same digest as the file without it."""
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE_TEXT.encode("utf-8"))
    loaded = RuleSet.from_file(path)
    assert (load_rules(2007).digest, f"file: {path}") == (loaded.digest, loaded.origin)


@pytest.mark.parametrize(
    ("encoding", "words"),
    [
        ("gb18030", "not UTF-8: byte 0xb8 on line 1 is not valid UTF-8"),
        ("utf-16", "not UTF-8: this looks like UTF-16"),
        ("utf-16-le", "not UTF-8: this looks like UTF-16"),
    ],
)
def test_a_rule_file_in_another_encoding_is_refused_naming_it(
    tmp_path: Path, encoding: str, words: str
) -> None:
    """A GB18030 or UTF-16 rule file is one DataFileError naming the file, never misread."""
    path = tmp_path / f"{encoding}.toml"
    path.write_bytes(BASE_TEXT.encode(encoding))
    with pytest.raises(DataFileError) as info:
        RuleSet.from_file(path)
    assert (str(path), True) == (info.value.source, info.value.problems[0].startswith(words))


def test_a_missing_rule_file_or_a_directory_is_refused_naming_it(tmp_path: Path) -> None:
    """No such file, or a directory: "cannot open", naming the path."""
    problems = []
    for path in (tmp_path / "none.toml", tmp_path):
        with pytest.raises(DataFileError) as info:
            RuleSet.from_file(path)
        problems.append((info.value.source, info.value.problems))
    assert [
        (str(tmp_path / "none.toml"), ("cannot open: no such file or directory",)),
        (str(tmp_path), ("cannot open: it is a directory, not a rule-set file",)),
    ] == problems


def test_a_target_table_file_goes_through_the_same_checks(tmp_path: Path) -> None:
    """QuotaTable.from_file refuses a GB18030 file naming it, and accepts a BOM."""
    text = (resources.files("chengdu_infoscore.quotas") / "quotas-2007.toml").read_text(encoding="utf-8")
    good, bad = tmp_path / "bom.toml", tmp_path / "gb.toml"
    good.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    bad.write_bytes(text.encode("gb18030"))
    with pytest.raises(DataFileError, match="not UTF-8"):
        QuotaTable.from_file(bad)
    assert 118 == len(QuotaTable.from_file(good).units)


# -- rule sets built in Python ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "error", "words"),
    [
        (lambda: Award("A", 0.5), TypeError, "Award.points: expected a Decimal, found float 0.5"),
        (lambda: Award("A", True), TypeError, "Award.points: expected a Decimal, found bool True"),
        (lambda: Award("A", D("NaN")), ArgumentError, "Award.points: expected a finite number, found nan"),
        (lambda: Schedule("A", (D(-2), D("-Infinity"))), ArgumentError, "Schedule.points: expected a finite"),
        (lambda: Schedule("A", ()), ArgumentError, "Schedule.points: expected at least one figure"),
        (
            lambda: Channel("k", "l", "A", D(4), 6.0, True, True),
            TypeError,
            "Channel.picture_points: expected a Decimal, found float 6.0",
        ),
        (
            lambda: SubmissionRule("A", D("0.1"), D(0)),
            ArgumentError,
            "SubmissionRule.cap_per_target: expected a number above 0, found 0",
        ),
    ],
)
def test_figures_built_in_python_are_checked_too(build: Any, error: type, words: str) -> None:
    """A rule set built in Python (as a plug-in may) refuses floats, booleans, NaN and a cap of 0,
    naming the field: a float never reaches a score."""
    with pytest.raises(error) as info:
        build()
    assert str(info.value).startswith(words)


def test_an_int_figure_built_in_python_is_the_exact_decimal() -> None:
    """Award("A", 4) holds Decimal('4')."""
    assert (D(4), Decimal) == (Award("A", 4).points, type(Award("A", 4).points))


def test_a_timeline_cannot_hold_two_different_versions_of_one_id() -> None:
    """Two versions with the id chengdu-2007 and different figures in one timeline: an error naming
    both origins; the same version twice is one version."""
    other = RuleSet.from_toml(BASE_TEXT.replace("points = 0.1", "points = 0.2"), "other.toml")
    with pytest.raises(ArgumentError) as info:
        Timeline((load_rules(2007), other))
    assert (
        "a timeline cannot hold two different versions with the id 'chengdu-2007'"
        " (shipped: ruleset-2007.toml; other.toml)",
        1,
    ) == (str(info.value), len(Timeline((load_rules(2007), load_rules(2007))).versions))


def test_a_version_reusing_a_known_id_with_other_content_cannot_be_scored() -> None:
    """score() with a version that takes the id chengdu-2007 with other figures, adjusting a base:
    refused, naming both; a copy of the same rules (other comments) is welcome."""
    from chengdu_infoscore.rules.registry import timeline_for

    other = RuleSet.from_toml(
        BASE_TEXT.replace("points = 0.1", "points = 0.2"), "other.toml", origin="file: o"
    )
    with pytest.raises(DataFileError) as info:
        timeline_for(other, extra=[other])
    copy = RuleSet.from_toml("# a copy\n" + BASE_TEXT, "copy.toml", origin="file: copy.toml")
    assert (
        (
            "ruleset.id: 'chengdu-2007' is already the id of another version (shipped: ruleset-2007.toml),"
            " with different content; give this version an id of its own",
        ),
        "chengdu-2007",
    ) == (info.value.problems, timeline_for(copy, extra=[copy]).id)


# -- the command line ------------------------------------------------------------------------------


def cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chengdu_infoscore", *map(str, args)],
        capture_output=True,
        check=False,
        text=True,
        encoding="utf-8",
        cwd=cwd,
    )


BAD_FILES = {
    "nan.toml": (BASE_TEXT.replace("points = 0.1", "points = nan").encode(), "submission.points"),
    "huge.toml": (BASE_TEXT.replace("points = -30", "points = -1e999999").encode(), "false_report.points"),
    "long.toml": (
        BASE_TEXT.replace("points = 16", "points = " + "9" * 5000).encode(),
        "levels.state_council.points",
    ),
    "sign.toml": (BASE_TEXT.replace("points = -30", "points = 30").encode(), "false_report.points"),
    "gb.toml": (BASE_TEXT.encode("gb18030"), "not UTF-8"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BAD_FILES))
@pytest.mark.parametrize(
    "command",
    [
        ["rules", "show", "{file}"],
        ["rules", "diff", "chengdu-2007", "{file}"],
        ["score", "--rules", "{file}", str(EXAMPLE)],
        ["bulletin", "--month", "2007-06", "--rules", "{file}", str(EXAMPLE)],
        ["compare", str(EXAMPLE), "--rules", "chengdu-2007", "--rules", "{file}"],
        ["check", str(ROOT / "tests" / "golden" / "ex1_cap_district_650"), "--rules", "{file}"],
    ],
)
def test_every_command_refuses_a_bad_rule_file_naming_file_and_key(
    tmp_path: Path, name: str, command: list[str]
) -> None:
    """rules show/diff, score, bulletin, compare and check with a malformed rule file: exit 2, one
    error naming the file and the key, no traceback."""
    data, key = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(data)
    done = cli(*(part.format(file=path) for part in command))
    assert (2, True, True, False) == (
        done.returncode,
        f"chengdu-infoscore: error: {path}: 1 problem(s):" in done.stderr,
        key in done.stderr,
        "Traceback" in done.stderr,
    )


@pytest.mark.slow
def test_rules_file_reusing_a_known_id_is_refused_and_a_faithful_copy_is_not(tmp_path: Path) -> None:
    """--rules FILE whose id is chengdu-2007 with other figures: exit 2 naming both origins. The same
    rules saved by Notepad (BOM, CRLF) score like chengdu-2007 itself."""
    clash, copy = tmp_path / "clash.toml", tmp_path / "copy.toml"
    clash.write_text(BASE_TEXT.replace("points = 0.1", "points = 0.2"), encoding="utf-8")
    copy.write_bytes(b"\xef\xbb\xbf" + BASE_TEXT.replace("\n", "\r\n").encode("utf-8"))
    refused = cli("score", "--rules", clash, EXAMPLE)
    same = cli("score", "--rules", copy, EXAMPLE, "--format", "json")
    plain = cli("score", EXAMPLE, "--format", "json")
    assert (2, True, True) == (
        refused.returncode,
        "'chengdu-2007' is already the id of another version (shipped: ruleset-2007.toml)" in refused.stderr,
        str(clash) in refused.stderr,
    )
    assert (0, json.loads(plain.stdout)["units"]) == (same.returncode, json.loads(same.stdout)["units"])


@pytest.mark.slow
def test_a_rule_file_that_does_not_exist_is_a_file_error(tmp_path: Path) -> None:
    """--rules missing.toml says it cannot open the file, not that no version has that id."""
    done = cli("score", "--rules", tmp_path / "missing.toml", EXAMPLE)
    assert (2, f"{tmp_path / 'missing.toml'}: 1 problem(s):\n  - cannot open: no such file or directory") == (
        done.returncode,
        done.stderr.removeprefix("chengdu-infoscore: error: ").strip(),
    )


# -- golden cases ----------------------------------------------------------------------------------

CASES = Path(__file__).parent / "bad_data" / "cases"
CASE_WORDS = tomllib.loads((CASES / "expected.toml").read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASE_WORDS))
def test_a_malformed_golden_case_is_a_clear_error(name: str) -> None:
    """Each malformed expected.json: `check` exits 2 with a DataFileError naming expected.json and the
    key, never "internal error" and never a traceback."""
    done = cli("check", CASES / name)
    problems = [line.strip()[2:] for line in done.stderr.splitlines()[1:]]
    for words in CASE_WORDS[name]["problems"]:
        assert [] != [p for p in problems if all(w in p for w in words)], (words, done.stderr)
    assert (2, True) == (
        done.returncode,
        done.stderr.startswith(f"chengdu-infoscore: error: {CASES / name}"),
    )


def test_the_sign_rule_is_the_file_loaders() -> None:
    """An adoption worth -4 is refused in a file without allow_negative, but a RuleSet built in Python
    takes it as its code states it (docs/rulesets.md, "Numbers and signs")."""
    import attrs

    from chengdu_infoscore import load_rules

    with pytest.raises(DataFileError) as info:
        RuleSet.from_toml(BASE_TEXT.replace("points = 4\n", "points = -4\n", 1), "signs.toml")
    rules = load_rules(2007)
    zwxx = attrs.evolve(rules.channel("zwxx"), points=Decimal(-4))
    built = attrs.evolve(rules, channels=tuple(zwxx if c.key == "zwxx" else c for c in rules.channels))
    assert (True, Decimal(-4)) == (
        any("takes points away, but an adoption earns points" in p for p in info.value.problems),
        built.channel("zwxx").points,
    )


def test_a_golden_case_as_of_another_year_is_refused_before_scoring(tmp_path: Path) -> None:
    """as_of outside the case's year: a problem at as_of, not an error from the engine."""
    from chengdu_infoscore.checks import run_case

    (tmp_path / "events.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "expected.json").write_text(
        '{"year": 2007, "as_of": "2008-01-01", "units": {}}', encoding="utf-8"
    )
    with pytest.raises(DataFileError) as info:
        run_case(tmp_path)
    assert ("as_of: 2008-01-01 is outside the year 2007",) == info.value.problems


def test_golden_figures_are_compared_exactly(tmp_path: Path) -> None:
    """A case's figures are compared as written: the district case's score "60" passes, "60.0" fails."""
    import shutil

    from chengdu_infoscore.checks import run_case

    case = tmp_path / "case"
    shutil.copytree(ROOT / "tests" / "golden" / "ex1_cap_district_650", case)
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    passed = run_case(case).passed
    expected["units"]["锦江区"]["score"] = "60.0"
    (case / "expected.json").write_text(json.dumps(expected, ensure_ascii=False), encoding="utf-8")
    outcome = run_case(case)
    assert (True, ('锦江区: score expected "60.0", got "60"',)) == (passed, outcome.failures)
    assert (('锦江区:score 应为 "60.0",实为 "60"',), outcome.failures) == (
        outcome.lines(),
        outcome.lines("en"),
    )


def test_the_figures_a_case_may_give_are_the_keys_of_a_unit_in_score_json() -> None:
    """The figures checked before scoring (reports.UNIT_KEYS) are exactly the keys unit_json writes."""
    from chengdu_infoscore import score
    from chengdu_infoscore.reports import UNIT_KEYS, unit_json

    assert list(UNIT_KEYS) == list(unit_json(score([]).units[0]))


def test_a_golden_case_may_write_a_unit_any_way_an_event_may(tmp_path: Path) -> None:
    """A unit in expected.json written by an alias (能源办) or the 成都市 form is the unit itself:
    its figures are compared, and others_zero knows it is listed."""
    from chengdu_infoscore.checks import run_case

    (tmp_path / "events.jsonl").write_text(
        '{"id": "n1", "type": "submitted", "date": "2007-03-01", "unit": "能源办", "item": "NY-1"}\n'
        '{"id": "g1", "type": "submitted", "date": "2007-03-01", "unit": "市公安局", "item": "GA-1"}\n',
        encoding="utf-8",
    )
    expected = {
        "year": 2007,
        "as_of": "2007-12-31",
        "units": {"能源办": {"submitted": 1, "score": "0.1"}, "成都市公安局": {"submitted": 1}},
        "others_zero": True,
    }
    (tmp_path / "expected.json").write_text(json.dumps(expected, ensure_ascii=False), encoding="utf-8")
    assert () == run_case(tmp_path).failures


def test_others_zero_shows_a_score_as_the_output_writes_it(tmp_path: Path) -> None:
    """others_zero with an unlisted unit that scored, under rules that write 0.1 as 0.10000000: the
    failure shows its score as score --format json writes it ("0.1"), never the raw Decimal."""
    from chengdu_infoscore.checks import run_case

    rules = RuleSet.from_toml(
        BASE_TEXT.replace('id = "chengdu-2007"', 'id = "zeros-2007"').replace(
            "points = 0.1\n", "points = 0.10000000\n", 1
        ),
        "zeros.toml",
    )

    (tmp_path / "events.jsonl").write_text(
        '{"id": "s1", "type": "submitted", "date": "2007-03-01", "unit": "锦江区", "item": "JJ-1"}\n',
        encoding="utf-8",
    )
    (tmp_path / "expected.json").write_text(
        '{"year": 2007, "as_of": "2007-12-31", "units": {}, "others_zero": true}', encoding="utf-8"
    )
    outcome = run_case(tmp_path, rules)
    assert ("锦江区: expected nothing, got score 0.1 and 1 submitted",) == outcome.failures
    assert ("锦江区:应无得分、无上报,实为得分 0.1、上报1条",) == outcome.lines()


def test_a_schedule_of_the_wrong_kind_is_named_once_rules_describe_is_imported() -> None:
    """A schedule holding a list, or text, is a problem at its key — also after `rules show` has
    imported chengdu_infoscore.rules.describe (a submodule whose name the loader must not rely on)."""
    import chengdu_infoscore.rules.describe  # noqa: F401

    text = BASE_TEXT.replace("points = [-2, -4]", "points = [[1]]").replace("points = -2\n", 'points = "x"\n')
    with pytest.raises(DataFileError) as info:
        RuleSet.from_toml(text, "x.toml")
    assert (
        "categories.work_dynamic.missed.points[0]: expected a number, found a list",
        "error.points: expected a number or a non-empty list of numbers or a range { from = …, to = … },"
        " found 'x'",
    ) == info.value.problems
