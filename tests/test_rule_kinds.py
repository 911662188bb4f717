"""Rule kinds with history views and period hooks: hand-worked figures, the same figures through
score, Scorer, bulletins and compare, and hooks that misbehave named with their period and unit.

A fake plug-in distribution is written into a temporary folder and put on the path (see
tests/plugin_kit.py); the worked examples of docs/rulesets.md live in the example plug-in
(examples/plugin-midyear-2007), whose golden cases are run here with ``check``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengdu_infoscore import (
    Adopted,
    Commissioned,
    Event,
    HigherAdopted,
    Instructed,
    PluginError,
    RuleSet,
    Scorer,
    Submitted,
    score,
)
from chengdu_infoscore.bulletins import monthly_bulletin
from chengdu_infoscore.cli import main
from chengdu_infoscore.events import event_record
from chengdu_infoscore.history import Period, period_ends
from chengdu_infoscore.periods import month_end, periods
from chengdu_infoscore.reports import results_json
from chengdu_infoscore.rules import registry
from chengdu_infoscore.testing import dates, event_logs
from plugin_kit import activate, write_plugin

ROOT = Path(__file__).parent.parent
CASES = ROOT / "examples" / "plugin-midyear-2007" / "cases"
BASE_TEXT = (resources.files("chengdu_infoscore.rules") / "ruleset-2007.toml").read_text(encoding="utf-8")
KINDS = registry.RULE_KINDS_GROUP


def version_text(rid: str, *kinds: str) -> str:
    """The 2007 rules under another id, with a clause X9 and the given rule kinds."""
    text = BASE_TEXT.replace('id = "chengdu-2007"', f'id = "{rid}"')
    text += '\n[[clauses]]\nid = "X9"\nsection = "plug-in"\ntext = "由插件计分。"\n'
    return text + "".join(f'\n[[extensions]]\nkind = "{kind}"\n' for kind in kinds)


SOURCE = '''
from decimal import Decimal

from chengdu_infoscore import Adopted, Instructed, Submitted


class _Kind:
    def __init__(self, settings, version):
        self.settings = settings


class Everything(_Kind):
    """Uses every view, keeps state, and has every hook: for the properties."""

    def __init__(self, settings, version):
        self.seen = {}

    def on_event(self, event, unit, book, context):
        n = self.seen[unit.name] = self.seen.get(unit.name, 0) + 1
        if isinstance(event, Adopted):
            same = context.unit.by_channel[event.channel]
            book("X9", Decimal(same) / 10, f"adoption #{same} by {event.channel}")
            book("X9", Decimal(len(context.item.adoptions)) / 100, "adoptions of the item")
        elif isinstance(event, Instructed):
            book("X9", Decimal(len(context.item.channels) + len(context.item.higher_adoptions)), "item")
        elif n % 3 == 0:
            book("X9", Decimal(len(context.unit.events())) / 1000, f"event #{n}")

    def on_month_end(self, period, unit, book, context):
        month = period.number
        submitted = context.unit.submitted_in(month)
        book("X9", Decimal(context.unit.adopted_in(month) - 1), f"{submitted} submitted")

    def on_quarter_end(self, period, unit, book, context):
        book("X9", Decimal(self.seen.get(unit.name, 0)) / 10, "events seen")

    def on_year_end(self, period, unit, book, context):
        book("X9", -context.unit.points("A3.1.4") / 2, "half the submission points back")


class Reader(_Kind):
    """Keeps what it read, for the tests to look at."""
    read = []

    def on_event(self, event, unit, book, context):
        item = context.item
        Reader.read.append((
            "event", event.id, context.date, context.version.id, context.unit.submitted,
            context.unit.adopted, tuple(e.id for e in context.unit.events()),
            None if item is None else (item.item, item.unit.name, item.submission.id,
                                       item.channels, tuple(e.id for e in item.events())),
        ))

    def on_month_end(self, period, unit, book, context):
        if unit.name == "锦江区":
            Reader.read.append(("month", str(period), context.date, context.unit.adopted_in(period.number),
                                context.unit.items, dict(context.unit.by_channel)))


class Old(_Kind):
    """The three-argument on_event of plug-ins written before the context."""

    def on_event(self, event, unit, book):
        book("X9", Decimal(1), "three arguments")


class KeepsView(_Kind):
    kept = None

    def on_event(self, event, unit, book, context):
        if KeepsView.kept is None:
            KeepsView.kept = context.unit
        else:
            KeepsView.kept.submitted


class Tamper(_Kind):
    tried = []

    def on_event(self, event, unit, book, context):
        for attempt in (lambda: setattr(context.unit, "unit", None),
                        lambda: context.unit.by_channel.__setitem__("zwxx", 9),
                        lambda: context.unit.items.append("x"),
                        lambda: setattr(context.unit, "adopted", 9)):
            try:
                attempt()
                Tamper.tried.append("changed")
            except (AttributeError, TypeError):
                Tamper.tried.append("refused")


class _Hook(_Kind):
    def on_event(self, event, unit, book):
        pass


class HookRaises(_Hook):
    def on_month_end(self, period, unit, book, context):
        raise KeyError("month")


class HookFloat(_Hook):
    def on_quarter_end(self, period, unit, book, context):
        book("X9", 0.5, "a float")


class HookUndeclared(_Hook):
    def on_year_end(self, period, unit, book, context):
        book("Z1", Decimal(1), "no such clause")


class HookBooksLater(_Hook):
    kept = None

    def on_month_end(self, period, unit, book, context):
        if self.kept is None:
            self.kept = book
        else:
            self.kept("X9", Decimal(1), "with an earlier hook's book")


class HookNotCallable(_Hook):
    on_quarter_end = 5


class HookSwallows(_Hook):
    def on_month_end(self, period, unit, book, context):
        try:
            book("X9", Decimal(1) / 3, "a third, then the error caught")
        except Exception:
            pass
'''
NAMES = {
    "everything": "Everything",
    "reader": "Reader",
    "old": "Old",
    "keeps-view": "KeepsView",
    "tamper": "Tamper",
    "hook-raises": "HookRaises",
    "hook-float": "HookFloat",
    "hook-undeclared": "HookUndeclared",
    "hook-books-later": "HookBooksLater",
    "hook-swallows": "HookSwallows",
    "hook-not-callable": "HookNotCallable",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    entry_points = {KINDS: {k: f"history_kinds:{v}" for k, v in NAMES.items()}}
    return write_plugin(
        tmp_path_factory.mktemp("kinds"), "history-kinds", "history_kinds", SOURCE, entry_points
    )


@pytest.fixture
def kinds(site: Path):  # type: ignore[no-untyped-def]
    with activate(site, "history_kinds"):
        yield


def version(rid: str, *kinds: str) -> RuleSet:
    return RuleSet.from_toml(version_text(rid, *kinds), f"{rid}.toml")


# -- periods --------------------------------------------------------------------------------------


def test_the_periods_of_a_year_end_on_month_ends_with_quarters_and_the_year_after_their_month() -> None:
    """Twelve month ends; March, June, September and December also end a quarter, December the year."""
    ends = period_ends(2007)
    assert [
        (dt.date(2007, 2, 28), ("month 2007-02",)),
        (dt.date(2007, 3, 31), ("month 2007-03", "quarter 2007-Q1")),
        (dt.date(2007, 12, 31), ("month 2007-12", "quarter 2007-Q4", "year 2007")),
    ] == [(last, tuple(map(str, ps))) for last, ps in (ends[1], ends[2], ends[11])]
    assert range(4, 7) == Period("quarter", 2007, 2, dt.date(2007, 4, 1), dt.date(2007, 6, 30)).months


# -- history views --------------------------------------------------------------------------------

LOG: list[Event] = [
    Submitted(id="s1", date="2007-01-10", unit="锦江区", item="J1"),
    Adopted(id="a1", date="2007-01-12", item="J1", channel="政务信息"),
    Submitted(id="s2", date="2007-02-03", unit="锦江区", item="J2"),
    Adopted(id="a2", date="2007-02-05", item="J2", channel="简明信息"),
    Adopted(id="a3", date="2007-02-06", item="J1", channel="政务要闻"),
    HigherAdopted(id="h1", date="2007-02-07", item="J1", level="province"),
    Instructed(id="i1", date="2007-02-08", item="J1"),
]


def test_the_views_show_the_unit_and_the_item_so_far_including_before_the_rule_kinds_version(
    kinds: None,
) -> None:
    """A version with the reading rule kind in force from February, after chengdu-2007: its first event
    (s2) sees January's s1 and a1; the item views of a3 and i1 list J1's history so far; the month hook
    of February counts its adoptions toward the target (a2; a3 is J1's second adoption) and channels."""
    text = version_text("reader-2007-02", "reader").replace(
        "effective = 2007-01-01", 'effective = 2007-02-01\nbase = "chengdu-2007"'
    )
    reader = RuleSet.from_toml(text, "reader.toml")
    import history_kinds  # the fake plug-in's module, on the path within the fixture

    history_kinds.Reader.read.clear()
    score(LOG, rules=reader, as_of=dt.date(2007, 2, 28))
    read = history_kinds.Reader.read
    assert [
        (
            "event",
            "s2",
            dt.date(2007, 2, 3),
            "reader-2007-02",
            2,
            1,
            ("s1", "a1", "s2"),
            ("J2", "锦江区", "s2", (), ("s2",)),
        ),
        (
            "event",
            "a2",
            dt.date(2007, 2, 5),
            "reader-2007-02",
            2,
            2,
            ("s1", "a1", "s2", "a2"),
            ("J2", "锦江区", "s2", ("zwxx_brief",), ("s2", "a2")),
        ),
        (
            "event",
            "a3",
            dt.date(2007, 2, 6),
            "reader-2007-02",
            2,
            2,
            ("s1", "a1", "s2", "a2", "a3"),
            ("J1", "锦江区", "s1", ("zwxx", "zwyw"), ("s1", "a1", "a3")),
        ),
        (
            "event",
            "h1",
            dt.date(2007, 2, 7),
            "reader-2007-02",
            2,
            2,
            ("s1", "a1", "s2", "a2", "a3", "h1"),
            ("J1", "锦江区", "s1", ("zwxx", "zwyw"), ("s1", "a1", "a3", "h1")),
        ),
        (
            "event",
            "i1",
            dt.date(2007, 2, 8),
            "reader-2007-02",
            2,
            2,
            ("s1", "a1", "s2", "a2", "a3", "h1", "i1"),
            ("J1", "锦江区", "s1", ("zwxx", "zwyw"), ("s1", "a1", "a3", "h1", "i1")),
        ),
        (
            "month",
            "month 2007-02",
            dt.date(2007, 2, 28),
            1,
            ("J1", "J2"),
            {"zwxx": 1, "zwxx_brief": 1, "zwyw": 1},
        ),
    ] == read


def test_a_view_read_after_its_call_returned_stops_scoring(kinds: None) -> None:
    """A unit view kept from one on_event call and read in the next: a PluginError naming the rule
    kind and the event, saying the view was read after its call had returned."""
    with pytest.raises(PluginError) as info:
        score(LOG[:3], rules=version("keeps-2007", "keeps-view"))
    assert str(info.value).endswith(
        "on event 'a1': on_event raised PluginError: a history view was read after its on_event call had"
        " returned; read the views only while the call that received them runs"
    )


def test_the_views_cannot_be_changed(kinds: None) -> None:
    """Setting a view's attribute, writing into its channel counts or its item list: every attempt refused."""
    import history_kinds

    history_kinds.Tamper.tried.clear()
    score(LOG[:1], rules=version("tamper-2007", "tamper"))
    assert ["refused"] * 4 == history_kinds.Tamper.tried


def test_a_three_argument_on_event_still_works_beside_hooks(kinds: None) -> None:
    """A rule kind written before the context (on_event(event, unit, book)) books as before: 1 on each
    of 锦江区's seven events, with its 0.3 of submissions, 4 + 2 + 4 + 6 + 8 of the rest."""
    results = score(LOG, rules=version("old-2007", "old"), as_of=dt.date(2007, 12, 31))
    assert Decimal("31.2") == results.unit("锦江区").score


# -- hooks ----------------------------------------------------------------------------------------


def test_every_unit_gets_its_hooks_worked_by_hand(kinds: None) -> None:
    """As of 31 March, under the example plug-in's version (a month without an adoption toward the
    target costs 1; a quarter with fewer than 3 costs 2): 锦江区 adopted in January and February
    (J1, J2), none in March: −1 (March) −2 (Q1) + 0.2 + 4 + 2 + 4 + 6 + 8; 青羊区, with no event at
    all, −3 −2 = −5; as of 30 March, the March and Q1 lines are not there yet."""
    rules = registry.rule_set("example-minimum-2007")
    march = score(LOG, rules=rules, as_of=dt.date(2007, 3, 31))
    before = score(LOG, rules=rules, as_of=dt.date(2007, 3, 30))
    assert (Decimal("21.2"), Decimal("-5"), Decimal("24.2"), Decimal("-2")) == (
        march.unit("锦江区").score,
        march.unit("青羊区").score,
        before.unit("锦江区").score,
        before.unit("青羊区").score,
    )
    lines = [
        (line.date, line.event, line.clause, line.points, line.reason) for line in march.unit("青羊区").ledger
    ]
    assert (
        dt.date(2007, 3, 31),
        "-",
        "EX.Q",
        Decimal(-2),
        "end of quarter 2007-Q1, adoption-minimum: 0 adopted, short of the minimum of 3",
    ) == lines[-1]


HOOKS = [
    (
        "hook-raises",
        "on_month_end at the end of month 2007-01, for unit 锦江区: on_month_end raised KeyError: 'month'",
    ),
    (
        "hook-float",
        "on_quarter_end at the end of quarter 2007-Q1, for unit 锦江区: it booked points that are not a"
        " figure: expected a Decimal, found float 0.5",
    ),
    (
        "hook-undeclared",
        "on_year_end at the end of year 2007, for unit 锦江区: it booked under the clause 'Z1', which rule"
        " set 'hooks-2007' does not declare",
    ),
    (
        "hook-books-later",
        "on_month_end at the end of month 2007-01, for unit 青羊区: it booked after its on_month_end call"
        " had returned, with the book of an earlier call; book only while on_month_end runs",
    ),
    (
        "hook-swallows",
        "on_month_end at the end of month 2007-01, for unit 锦江区: it booked points that are not a figure:"
        " expected at most 4 decimal places, found 0.3333333333… (28 digits)",
    ),
]


@pytest.mark.parametrize(("kind", "words"), HOOKS)
def test_a_misbehaving_hook_names_the_rule_kind_the_hook_the_period_and_the_unit(
    kinds: None, kind: str, words: str
) -> None:
    """A hook that raises, books a float or an undeclared clause, books with a kept book, or catches the
    error book raised: a PluginError naming the rule kind, its plug-in, the version, the hook, the
    period and the unit — through score and through Scorer alike."""
    rules = version("hooks-2007", kind)
    expected = (
        f"rule kind {kind!r} of plug-in {kind!r} (history_kinds:{NAMES[kind]}, distribution history-kinds),"
        f" for rule set 'hooks-2007', {words}"
    )
    with pytest.raises(PluginError) as info:
        score([], rules=rules, as_of=dt.date(2007, 12, 31))
    scorer = Scorer(rules=rules)
    with pytest.raises(PluginError) as live:
        scorer.results(as_of=dt.date(2007, 12, 31))
    assert (expected, expected) == (str(info.value), str(live.value))


def test_a_hook_that_is_not_a_method_is_refused_when_scoring_is_set_up(kinds: None) -> None:
    """on_quarter_end = 5: not silently ignored — a PluginError naming it, from score and from Scorer."""
    rules = version("hooks-2007", "hook-not-callable")
    expected = (
        "rule kind 'hook-not-callable' of plug-in 'hook-not-callable' (history_kinds:HookNotCallable,"
        " distribution history-kinds), for rule set 'hooks-2007': its on_quarter_end is int, not a"
        " method; a period hook is called as on_quarter_end(period, unit, book, context)"
    )
    with pytest.raises(PluginError) as info:
        score([], rules=rules, as_of=dt.date(2007, 12, 31))
    with pytest.raises(PluginError) as live:
        Scorer(rules=rules).results(as_of=dt.date(2007, 12, 31))
    assert (expected, expected) == (str(info.value), str(live.value))


# -- the same figures everywhere ------------------------------------------------------------------


@st.composite
def batches(draw: st.DrawFn, log: list[Event]) -> list[list[Event]]:
    shuffled = draw(st.permutations(log))
    cuts = sorted(draw(st.lists(st.integers(0, len(shuffled)), max_size=4)))
    edges = [0, *cuts, len(shuffled)]
    return [shuffled[a:b] for a, b in itertools.pairwise(edges)]


def everything(effective: str) -> RuleSet:
    """The rule kind that uses everything, in a version in force from ``effective`` (after
    chengdu-2007 when that is later than 1 January)."""
    text = version_text("everything-2007", "everything")
    if effective != "2007-01-01":
        text = text.replace("effective = 2007-01-01", f'effective = {effective}\nbase = "chengdu-2007"')
    return RuleSet.from_toml(text, "everything.toml")


EFFECTIVE = st.sampled_from(["2007-01-01", "2007-04-15", "2007-07-01"])


@pytest.mark.slow
@given(data=st.data(), log=event_logs(max_units=3, max_items=10), as_of=dates(), effective=EFFECTIVE)
def test_scorer_with_hooks_and_history_equals_score(
    site: Path, data: st.DataObject, log: list[Event], as_of: dt.date, effective: str
) -> None:
    """A stateful rule kind that reads every view and has every hook, in force from the start of the
    year or from a day in it: any split of a log into batches, added in any order with results asked
    for as of any dates in between, gives score's results as of any date, byte for byte — units
    without an event included."""
    with activate(site, "history_kinds"):
        rules = everything(effective)
        scorer = Scorer(rules=rules)
        for batch in data.draw(batches(log)):
            scorer.add(batch)
            scorer.results(as_of=data.draw(dates()))
        assert results_json(score(log, rules=rules, as_of=as_of)) == results_json(scorer.results(as_of=as_of))


@pytest.mark.slow
@given(log=event_logs(max_units=3, max_items=10), month=st.integers(1, 12), effective=EFFECTIVE)
def test_a_monthly_bulletin_agrees_with_score_as_of_the_months_last_day(
    site: Path, log: list[Event], month: int, effective: str
) -> None:
    """With hooks: the cumulative points of month M in a bulletin of the year's results, and in the
    periods of those results, equal score's as of M's last day, hook lines included."""
    with activate(site, "history_kinds"):
        rules = everything(effective)
        year = score(log, rules=rules, as_of=dt.date(2007, 12, 31))
        last = month_end(2007, month)
        then = score(log, rules=rules, as_of=last)
        bulletin = monthly_bulletin(year, year.quotas, month)
        table = periods(year)
    by_unit = {row.unit.name: row.cumulative.points for group in bulletin.groups for row in group.rows}
    assert {u.unit.name: u.score for u in then.units} == by_unit
    assert {u.unit.name: table.unit(u.unit.name).cumulative[month - 1].points for u in then.units} == by_unit


def test_compare_gives_the_scores_of_score_under_a_version_with_hooks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """compare of chengdu-2007 and the example minimum version as of 30 June: every unit's B score is
    the score of `score` under that version (hook lines included), and its A score that of 2007."""
    path = tmp_path / "log.jsonl"
    path.write_text(
        "".join(json.dumps(event_record(e), ensure_ascii=False) + "\n" for e in LOG), encoding="utf-8"
    )
    as_of = ["--as-of", "2007-06-30", "--format", "json"]
    main(["compare", str(path), "--rules", "chengdu-2007", "--rules", "example-minimum-2007", *as_of])
    compared = json.loads(capsys.readouterr().out)
    main(["score", str(path), "--rules", "example-minimum-2007", *as_of])
    scored = json.loads(capsys.readouterr().out)
    main(["score", str(path), "--rules", "chengdu-2007", *as_of])
    before = json.loads(capsys.readouterr().out)
    assert [(u["unit"], u["score"]) for u in before["units"]] == [
        (u["unit"], u["a"]["score"]) for u in compared["units"]
    ]
    assert [(u["unit"], u["score"]) for u in scored["units"]] == [
        (u["unit"], u["b"]["score"]) for u in compared["units"]
    ]


def test_a_unit_result_changes_when_a_period_passes_in_the_live_scorer(kinds: None) -> None:
    """Scorer with the example minimum version: 青羊区 has no event; as of 31 March it has −1 for each
    of three months and −2 for Q1, −5; as of 30 April also April's −1, −6; back to 31 March, −5 again."""
    scorer = Scorer(rules=registry.rule_set("example-minimum-2007"))
    scorer.add(LOG)
    scores = [
        scorer.results(as_of=dt.date(2007, m, d)).unit("青羊区").score for m, d in ((3, 31), (4, 30), (3, 31))
    ]
    assert [Decimal(-5), Decimal(-6), Decimal(-5)] == scores


def test_a_commission_is_judged_again_when_the_as_of_date_moves_back_across_a_change_of_version() -> None:
    """Under chengdu-2007 then example-2007-07 (from July): results as of 21 December; then a
    commission due 6 April arrives, and results as of 15 April judge it unanswered (−10); as of 2 April
    it is pending again, as score says — the results of 15 April, made when every unit's version
    changed, must not be kept for 2 April."""
    log = [Commissioned(id="c", date="2007-03-11", unit="市工商局", commission="C0", due="2007-04-06")]
    rules = registry.rule_set("example-2007-07")
    scorer = Scorer(rules=rules)
    scorer.results(as_of=dt.date(2007, 12, 21))
    scorer.add(log)
    outcomes = [
        scorer.results(as_of=dt.date(2007, 4, d)).unit("市工商局").commissions[0].outcome for d in (15, 2)
    ]
    assert ["unanswered", "pending"] == outcomes
    assert results_json(score(log, rules=rules, as_of=dt.date(2007, 4, 2))) == results_json(
        scorer.results(as_of=dt.date(2007, 4, 2))
    )


# -- the worked examples of docs/rulesets.md ------------------------------------------------------


#: Each golden case of the worked examples, and the version it is for.
WORKED = {
    "minimum-months-quarters": "example-minimum-2007",
    "monthly-bonus": "example-monthly-bonus-2007",
    "instruction-by-publication": "example-instruction-2007",
    "deductions-from-base": "example-base-2007",
}


def test_every_worked_example_case_is_run() -> None:
    """The cases folder holds exactly the cases run below."""
    assert sorted(WORKED) == sorted(p.name for p in CASES.iterdir() if p.is_dir())


@pytest.mark.parametrize(("case", "rules"), sorted(WORKED.items()))
def test_the_worked_examples_pass_their_golden_cases(
    case: str, rules: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each worked example's golden case, hand-worked, passes `check` under its version."""
    status = main(["check", str(CASES / case), "--rules", rules, "--lang", "en"])
    assert (0, "1 passed, 0 failed") == (status, capsys.readouterr().out.strip().splitlines()[-1])
