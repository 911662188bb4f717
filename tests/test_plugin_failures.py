"""Broken and misbehaving plug-ins are never silent, and rule kinds give the same results however folded.

Fake plug-in distributions are written into a temporary folder and put on the path (see
tests/plugin_kit.py): nothing is installed into the environment.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengdu_infoscore import PluginError, RuleSet, Scorer, Submitted, read_events, score
from chengdu_infoscore.reports import results_json
from chengdu_infoscore.rules import registry
from chengdu_infoscore.testing import event_logs
from plugin_kit import activate, environment, write_plugin

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "example-2007.jsonl"
BASE_TEXT = (resources.files("chengdu_infoscore.rules") / "ruleset-2007.toml").read_text(encoding="utf-8")
RULESETS, KINDS, QUOTAS = registry.RULESETS_GROUP, registry.RULE_KINDS_GROUP, registry.QUOTAS_GROUP


def version_text(rid: str, kind: str | None = None, points: str = "0.1") -> str:
    """The 2007 rules under another id (and submission points), with one rule kind and a clause X9 for it."""
    text = BASE_TEXT.replace('id = "chengdu-2007"', f'id = "{rid}"').replace(
        "points = 0.1", f"points = {points}"
    )
    text += '\n[[clauses]]\nid = "X9"\nsection = "plug-in"\ntext = "由插件计分。"\n'
    return text + (f'\n[[extensions]]\nkind = "{kind}"\n' if kind else "")


def cli(site: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chengdu_infoscore", *map(str, args)],
        capture_output=True,
        check=False,
        text=True,
        encoding="utf-8",
        env=environment(site),
    )


# -- rule kinds that misbehave ---------------------------------------------------------------------

KINDS_SOURCE = '''
from decimal import Decimal

class _Kind:
    def __init__(self, settings, version):
        self.settings = settings

class BooksFloat(_Kind):
    def on_event(self, event, unit, book):
        book("X9", 0.5, "a float")

class BooksBool(_Kind):
    def on_event(self, event, unit, book):
        book("X9", True, "a bool")

class BooksNaN(_Kind):
    def on_event(self, event, unit, book):
        book("X9", Decimal("NaN"), "NaN")

class BooksInfinity(_Kind):
    def on_event(self, event, unit, book):
        book("X9", Decimal("-Infinity"), "-inf")

class BooksText(_Kind):
    def on_event(self, event, unit, book):
        book("X9", "0.5", "text")

class BooksTooFine(_Kind):
    def on_event(self, event, unit, book):
        book("X9", Decimal(1) / 3, "a third")

class BooksUndeclaredClause(_Kind):
    def on_event(self, event, unit, book):
        book("Z1", Decimal(1), "no such clause")

class Raises(_Kind):
    def on_event(self, event, unit, book):
        raise KeyError("topic")

class ReasonNumber(_Kind):
    def on_event(self, event, unit, book):
        book("X9", Decimal(1), 17)

class ReasonOneLanguage(_Kind):
    def on_event(self, event, unit, book):
        book("X9", Decimal(1), {"zh": "只有中文"})

class ReasonOtherLanguage(_Kind):
    def on_event(self, event, unit, book):
        book("X9", Decimal(1), {"zh": "中文", "fr": "français"})

class ReasonNotText(_Kind):
    def on_event(self, event, unit, book):
        try:
            book("X9", Decimal(1), {"zh": "中文", "en": None})
        except Exception:
            pass

class Swallows(_Kind):
    def on_event(self, event, unit, book):
        try:
            book("X9", 0.5, "a float, then the error caught")
        except Exception:
            pass

class BooksLater(_Kind):
    kept = None
    def on_event(self, event, unit, book):
        if self.kept is None:
            self.kept = book
        else:
            self.kept("X9", Decimal(1), "with the first event's book")

class SwallowsUnhashableClause(_Kind):
    def on_event(self, event, unit, book):
        try:
            book(["X9"], Decimal(1), "a clause in a list, then the error caught")
        except Exception:
            pass

class SwallowsNoClause(_Kind):
    def on_event(self, event, unit, book):
        try:
            book(None, Decimal(1), "no clause, then the error caught")
        except Exception:
            pass

class _Strange:
    def __repr__(self):
        raise RuntimeError("no repr")

class SwallowsStrangePoints(_Kind):
    def on_event(self, event, unit, book):
        try:
            book("X9", _Strange(), "points that cannot even be shown")
        except Exception:
            pass

class SwallowsLater(_Kind):
    kept = None
    def on_event(self, event, unit, book):
        if self.kept is None:
            self.kept = book
        else:
            try:
                self.kept("X9", Decimal(1), "with the first event's book, then the error caught")
            except Exception:
                pass

class HookFails(_Kind):
    @property
    def on_event(self):
        raise RuntimeError("no hook today")

class Exits(_Kind):
    def on_event(self, event, unit, book):
        import sys
        sys.exit(0)

class RaisesGeneratorExit(_Kind):
    def on_event(self, event, unit, book):
        raise GeneratorExit

def returns_none(settings, version):
    return None

def exits(settings, version):
    import sys
    sys.exit(3)

def returns_other(settings, version):
    return object()

def refuses(settings, version):
    raise ValueError("unknown settings: colour")

class EveryThird(_Kind):
    """1 point on every third counted event of a unit: it keeps a count, so it has state."""
    def __init__(self, settings, version):
        self.seen = {}
    def on_event(self, event, unit, book):
        n = self.seen[unit.name] = self.seen.get(unit.name, 0) + 1
        if n % 3 == 0:
            book("X9", Decimal(1), f"event #{n} of {unit.name}")

made = []

class Counted(_Kind):
    def __init__(self, settings, version):
        made.append(version.id)
    def on_event(self, event, unit, book):
        pass
'''
KIND_NAMES = {
    "books-float": "BooksFloat",
    "books-bool": "BooksBool",
    "books-nan": "BooksNaN",
    "books-infinity": "BooksInfinity",
    "books-text": "BooksText",
    "books-too-fine": "BooksTooFine",
    "books-undeclared-clause": "BooksUndeclaredClause",
    "raises": "Raises",
    "reason-number": "ReasonNumber",
    "reason-one-language": "ReasonOneLanguage",
    "reason-other-language": "ReasonOtherLanguage",
    "reason-not-text": "ReasonNotText",
    "swallows": "Swallows",
    "books-later": "BooksLater",
    "swallows-unhashable-clause": "SwallowsUnhashableClause",
    "swallows-no-clause": "SwallowsNoClause",
    "swallows-strange-points": "SwallowsStrangePoints",
    "swallows-later": "SwallowsLater",
    "hook-fails": "HookFails",
    "exits": "Exits",
    "raises-generator-exit": "RaisesGeneratorExit",
    "returns-none": "returns_none",
    "factory-exits": "exits",
    "returns-other": "returns_other",
    "refuses": "refuses",
    "every-third": "EveryThird",
    "counted": "Counted",
}


@pytest.fixture(scope="module")
def kinds_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    entry_points = {KINDS: {k: f"fake_kinds:{v}" for k, v in KIND_NAMES.items()}}
    return write_plugin(
        tmp_path_factory.mktemp("kinds"), "fake-kinds", "fake_kinds", KINDS_SOURCE, entry_points
    )


@pytest.fixture(scope="module")
def two_events(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("log") / "two.jsonl"
    path.write_text(
        '{"id": "e1", "type": "submitted", "date": "2007-03-01", "unit": "锦江区", "item": "J1"}\n'
        '{"id": "e2", "type": "submitted", "date": "2007-03-02", "unit": "锦江区", "item": "J2"}\n',
        encoding="utf-8",
    )
    return path


ON_EVENT = [
    ("books-float", "e1", "it booked points that are not a figure: expected a Decimal, found float 0.5"),
    ("books-bool", "e1", "it booked points that are not a figure: expected a Decimal, found bool True"),
    ("books-nan", "e1", "it booked points that are not a figure: expected a finite number, found nan"),
    ("books-infinity", "e1", "it booked points that are not a figure: expected a finite number, found -inf"),
    ("books-text", "e1", "it booked points that are not a figure: expected a Decimal, found str '0.5'"),
    (
        "books-too-fine",
        "e1",
        "it booked points that are not a figure: expected at most 4 decimal places,"
        " found 0.3333333333… (28 digits)",
    ),
    (
        "books-undeclared-clause",
        "e1",
        "it booked under the clause 'Z1', which rule set 'kinds-2007' does not declare",
    ),
    ("raises", "e1", "on_event raised KeyError: 'topic'"),
    (
        "reason-number",
        "e1",
        "it gave a reason that is neither text nor a mapping of 'zh' and 'en' to text: int",
    ),
    (
        "reason-one-language",
        "e1",
        "it gave a reason mapping of the languages 'zh'; expected exactly 'zh' and 'en', each with its text",
    ),
    (
        "reason-other-language",
        "e1",
        "it gave a reason mapping of the languages 'zh', 'fr'; expected exactly 'zh' and 'en', each with"
        " its text",
    ),
    ("reason-not-text", "e1", "it gave a reason whose 'en' text is not text: NoneType"),
    ("exits", "e1", "on_event called sys.exit(0)"),
    ("raises-generator-exit", "e1", "on_event raised GeneratorExit"),
    ("swallows", "e1", "it booked points that are not a figure: expected a Decimal, found float 0.5"),
    (
        "books-later",
        "e2",
        "it booked after its on_event call had returned, with the book of an earlier event;"
        " book only while on_event runs",
    ),
    ("swallows-unhashable-clause", "e1", "it booked under a clause that is not text: list"),
    ("swallows-no-clause", "e1", "it booked under a clause that is not text: NoneType"),
    ("swallows-strange-points", "e1", "its booking could not be checked: RuntimeError: no repr"),
    (
        "swallows-later",
        "e2",
        "it booked after its on_event call had returned, with the book of an earlier event;"
        " book only while on_event runs",
    ),
]


@pytest.mark.parametrize(("kind", "event", "words"), ON_EVENT)
def test_a_rule_kind_that_books_wrongly_or_raises_names_plugin_kind_and_event(
    kinds_site: Path, two_events: Path, kind: str, event: str, words: str
) -> None:
    """A float, a bool, NaN, an infinity, text or a too-fine figure booked, an undeclared clause or
    one that is not text, a reason that is neither text nor a mapping of "zh" and "en" to text, points
    whose check itself fails, an exception in on_event, a booking after
    on_event returned — even when the rule kind catches the error book raised: a PluginError naming
    the rule kind, its plug-in and distribution, and the event with its file and line; never a
    float in a score, never a booking lost silently."""
    version = RuleSet.from_toml(version_text("kinds-2007", kind), "kinds.toml")
    line = {"e1": 1, "e2": 2}[event]
    with activate(kinds_site, "fake_kinds"), pytest.raises(PluginError) as info:
        score(read_events([two_events]), rules=version)
    assert (
        f"rule kind {kind!r} of plug-in {kind!r} (fake_kinds:{KIND_NAMES[kind]}, distribution fake-kinds),"
        f" for rule set 'kinds-2007', on event {event!r} ({two_events}:{line}): {words}"
    ) == str(info.value)


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        (
            "returns-none",
            "its factory returned None; it must return an object with on_event(event, unit, book)",
        ),
        (
            "returns-other",
            "its factory returned an object of type object without on_event; it must return an object with",
        ),
        ("refuses", "its factory raised ValueError: unknown settings: colour"),
        ("factory-exits", "its factory called sys.exit(3)"),
        ("hook-fails", "its on_event cannot be found: RuntimeError: no hook today"),
    ],
)
def test_a_rule_kind_whose_factory_fails_stops_scoring_up_front(
    kinds_site: Path, kind: str, words: str
) -> None:
    """A factory that returns None, an object without on_event (or whose on_event fails to be looked
    up), or refuses its settings: a PluginError naming the rule kind, its plug-in and the version,
    before any event is folded."""
    version = RuleSet.from_toml(version_text("kinds-2007", kind), "kinds.toml")
    with activate(kinds_site, "fake_kinds"), pytest.raises(PluginError) as info:
        Scorer(rules=version)
    assert str(info.value).startswith(
        f"rule kind {kind!r} of plug-in {kind!r} (fake_kinds:{KIND_NAMES[kind]}, distribution fake-kinds),"
        f" for rule set 'kinds-2007': {words}"
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "kind", ["books-float", "raises", "returns-none", "exits", "factory-exits", "reason-one-language"]
)
def test_the_command_line_reports_a_misbehaving_rule_kind_with_exit_2(
    kinds_site: Path, two_events: Path, tmp_path: Path, kind: str
) -> None:
    """score --rules with a misbehaving rule kind (one that calls sys.exit() too): exit 2 and the
    plug-in's error, never "internal error", never a silent exit."""
    rules = tmp_path / "kinds.toml"
    rules.write_text(version_text("kinds-2007", kind), encoding="utf-8")
    done = cli(kinds_site, "score", "--rules", rules, two_events, "--format", "json")
    assert (2, "", True, False) == (
        done.returncode,
        done.stdout,
        done.stderr.startswith(f"chengdu-infoscore: error: rule kind {kind!r} of plug-in {kind!r}"),
        "internal error" in done.stderr,
    )


# -- the life of a rule-kind instance --------------------------------------------------------------


@st.composite
def batches(draw: st.DrawFn, log: list[Submitted]) -> list[list[Submitted]]:
    shuffled = draw(st.permutations(log))
    cuts = sorted(draw(st.lists(st.integers(0, len(shuffled)), max_size=4)))
    edges = [0, *cuts, len(shuffled)]
    return [shuffled[a:b] for a, b in itertools.pairwise(edges)]


@pytest.mark.slow
@given(data=st.data(), log=event_logs(max_units=3, max_items=12))
def test_a_counting_rule_kind_gives_the_same_results_through_scorer_and_score(
    kinds_site: Path, data: st.DataObject, log: list[Submitted]
) -> None:
    """A rule kind that books 1 point on every third event of a unit keeps a count: through Scorer —
    batches out of order, results asked for between them, units folded again — it books exactly
    what score() books, because every fold has a fresh instance."""
    with activate(kinds_site, "fake_kinds"):
        version = RuleSet.from_toml(version_text("third-2007", "every-third"), "third.toml")
        scorer = Scorer(rules=version)
        for batch in data.draw(batches(log)):
            scorer.add(batch)
            scorer.results()
        assert results_json(score(log, rules=version)) == results_json(scorer.results())


def test_every_third_event_earns_a_point_worked_by_hand(kinds_site: Path) -> None:
    """Seven submissions of 锦江区 and two of 青羊区, added in three batches with results between: 锦江区
    earns 7 × 0.1 + 2 (events 3 and 6) = 2.7, 青羊区 0.2 — as score() gives, not twice as much."""
    log = [Submitted(id=f"j{i}", date=f"2007-03-{i + 1:02d}", unit="锦江区", item=f"J{i}") for i in range(7)]
    log += [Submitted(id=f"q{i}", date=f"2007-04-{i + 1:02d}", unit="青羊区", item=f"Q{i}") for i in range(2)]
    with activate(kinds_site, "fake_kinds"):
        version = RuleSet.from_toml(version_text("third-2007", "every-third"), "third.toml")
        scorer = Scorer(rules=version)
        for batch in (log[6:], log[:3], log[3:6]):
            scorer.add(batch)
            scorer.results()
        once, batched = score(log, rules=version), scorer.results()
    assert (Decimal("2.7"), Decimal("0.2"), Decimal("2.7")) == (
        once.unit("锦江区").score,
        once.unit("青羊区").score,
        batched.unit("锦江区").score,
    )


def test_the_factory_is_called_for_every_fold(kinds_site: Path) -> None:
    """score() calls the factory once to check the settings and once for its fold; Scorer once when it
    is made, then once for each cluster it folds from the start (锦江区's second batch, dated after
    what was folded, goes on with the same instance)."""
    log = [
        Submitted(id="e1", date="2007-03-01", unit="锦江区", item="J1"),
        Submitted(id="e2", date="2007-03-01", unit="青羊区", item="Q1"),
        Submitted(id="e3", date="2007-03-02", unit="锦江区", item="J2"),
    ]
    with activate(kinds_site, "fake_kinds"):
        version = RuleSet.from_toml(version_text("count-2007", "counted"), "count.toml")
        score(log, rules=version)
        made = sys.modules["fake_kinds"].made
        after_score = len(made)
        scorer = Scorer(rules=version)
        scorer.add(log[:2])
        scorer.results()
        scorer.add(log[2:])
        scorer.results()
        after_scorer = len(made) - after_score
    assert (2, 1 + 2) == (after_score, after_scorer)


# -- plug-ins that fail to load --------------------------------------------------------------------

BROKEN_SOURCE = """
def rule_sets():
    raise RuntimeError("the package data is missing:\\n  - ruleset-2008.toml")

def tables():
    return ["not a table"]
"""


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_plugin(
        tmp_path_factory.mktemp("broken"),
        "fake-broken",
        "fake_broken",
        BROKEN_SOURCE,
        {
            RULESETS: {"broken-rules": "fake_broken:rule_sets"},
            QUOTAS: {"broken-tables": "fake_broken:tables"},
            KINDS: {"broken-kind": "fake_broken_missing_module:Kind"},
        },
    )


BROKEN_PROBLEMS = [
    f"plug-in 'broken-rules' ({RULESETS}): RuntimeError: the package data is missing:; ruleset-2008.toml",
    f"plug-in 'broken-kind' ({KINDS}): ModuleNotFoundError: No module named 'fake_broken_missing_module'",
    f"plug-in 'broken-tables' ({QUOTAS}): TypeError: it gave str, not a QuotaTable",
]
#: The warnings on standard error: Chinese by default.
BROKEN_LINES = [f"chengdu-infoscore:警告:{problem}" for problem in BROKEN_PROBLEMS]


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ["score", str(EXAMPLE)],
        ["explain", str(EXAMPLE), "--unit", "锦江区"],
        ["validate", str(EXAMPLE)],
        ["bulletin", str(EXAMPLE), "--month", "2007-06"],
        ["compare", str(EXAMPLE), "--rules", "chengdu-2007", "--rules", "example-2007-07"],
        ["check", str(ROOT / "tests" / "golden" / "ex1_cap_district_650")],
        ["demo"],
    ],
)
def test_every_scoring_command_reports_each_broken_plugin_on_stderr(
    broken_site: Path, command: list[str]
) -> None:
    """score, explain, validate, bulletin, compare, check and demo each print one line per plug-in that
    failed to load, by name and reason, and still do their work."""
    done = cli(broken_site, *command)
    assert (0, BROKEN_LINES) == (
        done.returncode,
        [line for line in done.stderr.splitlines() if line.startswith("chengdu-infoscore:警告:")],
    )


def test_the_plugin_warnings_are_in_english_with_lang_en(broken_site: Path) -> None:
    """score --lang en: the same warnings, after the English prefix."""
    done = cli(broken_site, "score", EXAMPLE, "--lang", "en")
    assert (0, [f"chengdu-infoscore: warning: {problem}" for problem in BROKEN_PROBLEMS]) == (
        done.returncode,
        [line for line in done.stderr.splitlines() if "warning" in line],
    )


def test_the_provenance_lists_broken_plugins_and_its_stamp_tells_them_apart(broken_site: Path) -> None:
    """A result computed beside broken plug-ins lists them in its provenance (JSON too), and its stamp
    differs from the same result without them."""
    clean = score(read_events([EXAMPLE])).provenance
    with activate(broken_site, "fake_broken"):
        broken = score(read_events([EXAMPLE])).provenance
    assert clean is not None and broken is not None
    assert ((), BROKEN_PROBLEMS, False) == (
        clean.plugin_problems,
        broken.as_json()["plugin_problems"],
        clean.stamp == broken.stamp,
    )


@pytest.mark.slow
def test_score_json_carries_the_plugin_problems(broken_site: Path) -> None:
    """score --format json: provenance.plugin_problems lists the broken plug-ins, one string each."""
    data = json.loads(cli(broken_site, "score", EXAMPLE, "--format", "json").stdout)
    assert BROKEN_PROBLEMS == data["provenance"]["plugin_problems"]


@pytest.mark.slow
def test_compare_json_carries_the_plugin_problems_of_both_runs(broken_site: Path) -> None:
    """compare --format json: the provenance of run A and of run B each lists the broken plug-ins."""
    done = cli(
        broken_site,
        "compare",
        EXAMPLE,
        "--rules",
        "chengdu-2007",
        "--rules",
        "example-2007-07",
        "--format",
        "json",
    )
    provenance = json.loads(done.stdout)["provenance"]
    expected = BROKEN_PROBLEMS
    assert (expected, expected) == (provenance["a"]["plugin_problems"], provenance["b"]["plugin_problems"])


@pytest.mark.slow
def test_rules_id_of_a_failed_plugin_says_why(broken_site: Path) -> None:
    """--rules with an id no version has, while a rule-set plug-in failed to load: the message says
    the version is not available and which plug-in failed, and why."""
    done = cli(broken_site, "score", "--rules", "chengdu-2008", EXAMPLE)
    assert (2, True) == (
        done.returncode,
        "chengdu-infoscore: error: rule-set version 'chengdu-2008' is not available: no known version has"
        " that id (known versions: chengdu-2007, example-base-2007, example-instruction-2007,"
        " example-minimum-2007, example-monthly-bonus-2007, example-2007-07), and a plug-in that may"
        " provide it failed"
        " to load: plug-in 'broken-rules' failed to load: RuntimeError: the package data is missing:;"
        " ruleset-2008.toml\n" in done.stderr,
    )


@pytest.mark.slow
def test_a_version_whose_rule_kind_failed_to_load_says_why(broken_site: Path, tmp_path: Path) -> None:
    """Scoring a version whose rule kind's plug-in cannot be imported: the rule kind is not available,
    with the import error."""
    rules = tmp_path / "k.toml"
    rules.write_text(version_text("k-2007", "broken-kind"), encoding="utf-8")
    done = cli(broken_site, "score", "--rules", rules, EXAMPLE)
    assert (
        2,
        "chengdu-infoscore: error: rule set 'k-2007' uses the rule kind 'broken-kind',"
        " which is not available:"
        " ModuleNotFoundError: No module named 'fake_broken_missing_module'",
    ) == (done.returncode, done.stderr.splitlines()[-1])


# -- one id, two versions --------------------------------------------------------------------------


def versions_plugin(site: Path, dist: str, module: str, texts: dict[str, str]) -> None:
    """A plug-in ``dist`` whose entry point ``dist`` gives the versions of ``texts`` (name → TOML)."""
    site.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (site / f"{module}_{name}").write_text(text, encoding="utf-8")
    source = f"""
        from pathlib import Path
        from chengdu_infoscore import RuleSet
        HERE = Path(__file__).parent
        def rule_sets():
            return [
                RuleSet.from_toml((HERE / f"{module}_{{n}}").read_text(encoding="utf-8"), n)
                for n in {sorted(texts)!r}
            ]
        """
    write_plugin(site, dist, module, source, {RULESETS: {dist: f"{module}:rule_sets"}})


def test_two_plugins_with_one_id_and_different_content_are_both_refused(tmp_path: Path) -> None:
    """Plug-ins a and b both give 'dup-2007', with different figures: neither is used, each is reported
    naming the other, and asking for the id says why."""
    versions_plugin(tmp_path, "plug-a", "plug_a", {"a.toml": version_text("dup-2007", points="0.2")})
    versions_plugin(tmp_path, "plug-b", "plug_b", {"b.toml": version_text("dup-2007", points="0.3")})
    with activate(tmp_path, "plug_a", "plug_b"):
        problems = [str(p) for p in registry.plugin_problems()]
        ids = [v.id for v in registry.available_rule_sets()]
        with pytest.raises(LookupError) as info:
            registry.rule_set("dup-2007")
    assert [
        f"plug-in 'plug-a' ({RULESETS}): version 'dup-2007' is not used: plug-in: plug-b (plug_b:rule_sets)"
        " gives another version with this id and different content; neither is used",
        f"plug-in 'plug-b' ({RULESETS}): version 'dup-2007' is not used: plug-in: plug-a (plug_a:rule_sets)"
        " gives another version with this id and different content; neither is used",
    ] == problems
    assert (False, f"rule-set version 'dup-2007' is not available: {problems[0]}") == (
        "dup-2007" in ids,
        str(info.value),
    )


def test_a_plugin_version_taking_effect_on_its_bases_day_is_refused(tmp_path: Path) -> None:
    """A plug-in version based on chengdu-2007 that takes effect on 2007-01-01 as its base does: not
    used, reported naming both dates, and the year's default timeline is the library's alone."""
    from chengdu_infoscore.rules.registry import default_timeline

    text = version_text("early-2007").replace(
        "effective = 2007-01-01", 'effective = 2007-01-01\nbase = "chengdu-2007"'
    )
    versions_plugin(tmp_path, "plug-early", "plug_early", {"early.toml": text})
    with activate(tmp_path, "plug_early"):
        problems = [str(p) for p in registry.plugin_problems()]
        timeline = default_timeline(2007).id
    assert (
        [
            f"plug-in 'plug-early' ({RULESETS}): version 'early-2007' is not used: version 'early-2007' takes"
            " effect 2007-01-01, not after its base 'chengdu-2007' (2007-01-01); a version adjusts the one it"
            " is based on from a later day"
        ],
        "chengdu-2007",
    ) == (problems, timeline)


def test_two_plugins_with_one_id_and_the_same_content_are_one_version(tmp_path: Path) -> None:
    """The same version given by two plug-ins (another comment aside): one version, no problem."""
    text = version_text("same-2007")
    versions_plugin(tmp_path, "plug-c", "plug_c", {"c.toml": text})
    versions_plugin(tmp_path, "plug-d", "plug_d", {"d.toml": "# a copy\n" + text})
    with activate(tmp_path, "plug_c", "plug_d"):
        problems = registry.plugin_problems()
        ids = [v.id for v in registry.available_rule_sets()]
    assert ((), 1) == (problems, ids.count("same-2007"))


def test_a_plugin_taking_the_librarys_id_is_refused_and_the_library_version_kept(tmp_path: Path) -> None:
    """A plug-in whose version is called chengdu-2007 with other figures: reported, not used; the
    library's chengdu-2007 stays in force."""
    versions_plugin(
        tmp_path, "plug-e", "plug_e", {"e.toml": BASE_TEXT.replace("points = 0.1", "points = 0.2")}
    )
    with activate(tmp_path, "plug_e"):
        problems = [str(p) for p in registry.plugin_problems()]
        kept = registry.rule_set("chengdu-2007")
    assert (
        [
            f"plug-in 'plug-e' ({RULESETS}): version 'chengdu-2007' is not used: the id is taken by the"
            " library's own version (shipped: ruleset-2007.toml), with different content"
        ],
        Decimal("0.1"),
    ) == (problems, kept.submission.points)


def test_two_plugins_providing_one_rule_kind_are_both_refused(tmp_path: Path) -> None:
    """Two distributions register the rule kind 'bonus': reported naming both, and a version using it
    cannot be scored, saying why."""
    kind = "class Kind:\n    def __init__(self, s, v): pass\n    def on_event(self, e, u, b): pass\n"
    write_plugin(tmp_path, "kind-f", "kind_f", kind, {KINDS: {"bonus": "kind_f:Kind"}})
    write_plugin(tmp_path, "kind-g", "kind_g", kind, {KINDS: {"bonus": "kind_g:Kind"}})
    version = RuleSet.from_toml(version_text("bonus-2007", "bonus"), "bonus.toml")
    with activate(tmp_path, "kind_f", "kind_g"):
        problems = [str(p) for p in registry.plugin_problems()]
        with pytest.raises(PluginError) as info:
            score([], rules=version)
    why = (
        "the rule kind 'bonus' is provided twice, by 'bonus' (kind_f:Kind, distribution kind-f) and"
        " 'bonus' (kind_g:Kind, distribution kind-g); neither is used"
    )
    assert ([f"plug-in 'bonus' ({KINDS}): {why}"], True) == (
        problems,
        str(info.value) == f"rule set 'bonus-2007' uses the rule kind 'bonus', which is not available: {why}",
    )


def test_two_plugins_with_one_year_of_targets_are_both_refused(tmp_path: Path) -> None:
    """Two target tables for 2031 that differ: neither is used, both reported; the year is unknown."""
    from chengdu_infoscore import UnknownYearError, load_quotas

    table = (
        'year = 2031\n[[groups]]\nkey = "district"\nlabel = "区"\nbasis = "adopted"\n'
        '[[groups.units]]\nname = "锦江区"\nlabel = "锦江区"\ntarget = {target}\n'
    )
    for name, target in (("tables_h", 7), ("tables_i", 8)):
        source = (
            "from chengdu_infoscore import QuotaTable\n"
            f"def tables():\n    return [QuotaTable.from_toml({table.format(target=target)!r}, 'q.toml')]\n"
        )
        write_plugin(tmp_path, name.replace("_", "-"), name, source, {QUOTAS: {name: f"{name}:tables"}})
    with activate(tmp_path, "tables_h", "tables_i"):
        problems = [str(p) for p in registry.plugin_problems()]
        with pytest.raises(UnknownYearError):
            load_quotas(2031)
    assert [
        f"plug-in 'tables_h' ({QUOTAS}): its 2031 target table is not used: plug-in 'tables_i' gives another"
        " 2031 table; neither is used",
        f"plug-in 'tables_i' ({QUOTAS}): its 2031 target table is not used: plug-in 'tables_h' gives another"
        " 2031 table; neither is used",
    ] == problems


# -- target tables made in Python ------------------------------------------------------------------

BAD_TARGETS = [
    ("0", "ArgumentError: Unit '锦江区': target: expected a whole number from 1 to 1000000, found 0"),
    ("-3", "ArgumentError: Unit '锦江区': target: expected a whole number from 1 to 1000000, found -3"),
    (
        "2.5",
        "ArgumentTypeError: Unit '锦江区': target: expected a whole number (int) from 1 to 1000000,"
        " found the number 2.5",
    ),
    (
        "Decimal('2.5')",
        "ArgumentTypeError: Unit '锦江区': target: expected a whole number (int) from 1 to 1000000,"
        " found the Decimal 2.5",
    ),
    (
        "'120'",
        "ArgumentTypeError: Unit '锦江区': target: expected a whole number (int) from 1 to 1000000,"
        " found the text '120'",
    ),
    (
        "True",
        "ArgumentTypeError: Unit '锦江区': target: expected a whole number (int) from 1 to 1000000,"
        " found the boolean True",
    ),
    (
        "10**30",
        "ArgumentError: Unit '锦江区': target: expected a whole number from 1 to 1000000,"
        " found a whole number of about 31 digits",
    ),
]


@pytest.mark.parametrize(("target", "words"), BAD_TARGETS)
def test_a_plugin_table_made_in_python_with_a_bad_target_is_reported_and_not_used(
    tmp_path: Path, target: str, words: str
) -> None:
    """A target-table plug-in that builds its 2032 table in Python with a target of 0, -3, 2.5,
    Decimal('2.5'), '120', True or 10**30: the table is refused as the TOML loader would refuse it,
    the plug-in is reported by name, and 2032 has no table (never a rate of 1/0 or a target True)."""
    from chengdu_infoscore import UnknownYearError, load_quotas

    source = f"""
        from decimal import Decimal
        from chengdu_infoscore.quotas import Group, QuotaTable, Unit
        def tables():
            group = Group("district", "区", "adopted")
            units = (Unit("锦江区", "锦江区", "district", "adopted", {target}),)
            return [QuotaTable(year=2032, source="made in Python", groups=(group,), units=units)]
        """
    write_plugin(tmp_path, "py-table", "py_table", source, {QUOTAS: {"py-table": "py_table:tables"}})
    with activate(tmp_path, "py_table"):
        problems = [str(p) for p in registry.plugin_problems()]
        with pytest.raises(UnknownYearError) as info:
            load_quotas(2032)
    assert ([f"plug-in 'py-table' ({QUOTAS}): {words}"], True) == (
        problems,
        str(info.value).startswith(
            f"no target table ships for 2032; tables ship for: 2007 (a target-table plug-in is not used;"
            f" plug-in 'py-table' ({QUOTAS}): {words}"
        ),
    )


@pytest.mark.slow
def test_the_command_line_scores_nothing_with_a_plugin_table_of_target_zero(
    tmp_path: Path, two_events: Path
) -> None:
    """score --year 2032 with a plug-in whose table gives 锦江区 a target of 0: exit 2 naming the
    plug-in, never "internal error"."""
    source = """
        from chengdu_infoscore.quotas import Group, QuotaTable, Unit
        def tables():
            units = (Unit("锦江区", "锦江区", "district", "adopted", 0),)
            return [QuotaTable(2032, "x", (Group("district", "区", "adopted"),), units)]
        """
    site = write_plugin(tmp_path, "zero-table", "zero_table", source, {QUOTAS: {"zero": "zero_table:tables"}})
    rules = tmp_path / "r-2032.toml"
    rules.write_text(
        BASE_TEXT.replace('id = "chengdu-2007"', 'id = "r-2032"').replace(
            "effective = 2007-01-01", "effective = 2032-01-01"
        ),
        encoding="utf-8",
    )
    done = cli(site, "score", two_events, "--year", "2032", "--rules", rules, "--keep-going")
    assert (2, "", False, True) == (
        done.returncode,
        done.stdout,
        "internal error" in done.stderr,
        "plug-in 'zero' (chengdu_infoscore.quotas): ArgumentError: Unit '锦江区': target: expected a"
        " whole number from 1 to 1000000, found 0" in done.stderr.splitlines()[-1],
    )


# -- plug-ins that call sys.exit() -----------------------------------------------------------------

EXITING_SOURCE = """
import sys

def rule_sets():
    sys.exit(0)

def tables():
    yield from ()
    raise SystemExit("no tables today")

def generator_exit():
    raise GeneratorExit
"""


@pytest.fixture(scope="module")
def exiting_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("exiting")
    write_plugin(
        site,
        "fake-exiting",
        "fake_exiting",
        EXITING_SOURCE,
        {
            RULESETS: {
                "exits-when-called": "fake_exiting:rule_sets",
                "generator-exit": "fake_exiting:generator_exit",
            },
            QUOTAS: {"exits-with-text": "fake_exiting:tables"},
            KINDS: {"exits-on-import": "fake_exiting_at_import:Kind"},
        },
    )
    (site / "fake_exiting_at_import.py").write_text("import sys\nsys.exit(0)\n", encoding="utf-8")
    return site


EXITING_PROBLEMS = [
    f"plug-in 'exits-when-called' ({RULESETS}): it called sys.exit(0)",
    f"plug-in 'generator-exit' ({RULESETS}): GeneratorExit",
    f"plug-in 'exits-on-import' ({KINDS}): it called sys.exit(0)",
    f"plug-in 'exits-with-text' ({QUOTAS}): it called sys.exit('no tables today')",
]


def test_a_plugin_that_calls_sys_exit_is_a_plugin_problem(exiting_site: Path) -> None:
    """sys.exit() when the plug-in's callable runs, SystemExit from a generator, GeneratorExit, and
    sys.exit() at import: each is a plug-in problem naming it ("it called sys.exit(0)"), and the
    library's own versions are still there."""
    with activate(exiting_site, "fake_exiting", "fake_exiting_at_import"):
        problems = [str(p) for p in registry.plugin_problems()]
        ids = [v.id for v in registry.available_rule_sets()]
    assert (EXITING_PROBLEMS, True) == (problems, "chengdu-2007" in ids)


@pytest.mark.slow
def test_the_command_line_goes_on_beside_a_plugin_that_calls_sys_exit(exiting_site: Path) -> None:
    """score beside plug-ins that call sys.exit(): every one reported on stderr, the scores printed,
    exit 0 — never an empty output with exit 0 because a plug-in ended the command."""
    done = cli(exiting_site, "score", EXAMPLE, "--format", "json")
    warnings = [line for line in done.stderr.splitlines() if line.startswith("chengdu-infoscore:警告:")]
    assert (0, [f"chengdu-infoscore:警告:{p}" for p in EXITING_PROBLEMS], EXITING_PROBLEMS) == (
        done.returncode,
        warnings,
        json.loads(done.stdout)["provenance"]["plugin_problems"],
    )


def test_sys_exit_from_code_other_than_argparse_is_not_taken_as_the_status(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only argparse's SystemExit becomes the exit status (--help 0, a bad option 2); a SystemExit(0)
    from anywhere else while a command runs is an internal error (3), said on stderr, never a silent 0."""
    from chengdu_infoscore import cli as cli_module

    def exits(year: int) -> None:
        sys.exit(0)

    helped, bad = cli_module.main(["--help"]), cli_module.main(["--no-such-option"])
    monkeypatch.setattr(cli_module, "load_quotas", exits)
    status = cli_module.main(["quotas"])
    err = capsys.readouterr().err
    assert (0, 2, 3, True) == (helped, bad, status, "internal error (SystemExit: 0)" in err)
