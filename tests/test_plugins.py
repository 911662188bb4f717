"""Rule-set versions from installed plug-ins, the rules commands, what-if comparison and golden checks.

The example plug-in in examples/plugin-midyear-2007 must be installed (the README's test command
installs it): these tests fail, rather than skip, without it.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from importlib import metadata
from pathlib import Path

import pytest

from chengdu_infoscore import Adopted, FoundFalse, Missed, RuleSet, Submitted, load_rules, score
from chengdu_infoscore.rules import registry

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "example-2007.jsonl"
D = Decimal


@pytest.fixture(scope="module")
def example() -> RuleSet:
    try:
        return registry.rule_set("example-2007-07")
    except LookupError:
        pytest.fail("the example plug-in is not installed: pip install -e examples/plugin-midyear-2007")


def cli(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "chengdu_infoscore", *map(str, args)], capture_output=True, check=False
    )


def test_the_plugin_version_is_registered_with_its_origin(example: RuleSet) -> None:
    """The installed plug-in's version is known by id, says where it comes from, and adjusts chengdu-2007."""
    assert ("chengdu-2007", False, True) == (
        example.base,
        example.default,
        example.origin.startswith("plug-in: example-midyear-2007"),
    )


def test_a_non_default_plugin_leaves_the_default_timeline_alone(example: RuleSet) -> None:
    """Installing the example (default = false) does not change how 2007 is scored by default."""
    assert "chengdu-2007" == registry.default_timeline(2007).id


def test_scores_under_the_plugin_timeline_worked_by_hand(example: RuleSet) -> None:
    """June under 2007 rules, July on under the example: 4 then 5 for 政务信息, −2 then −6 for misses, the
    section-四 bonus only from July, and a false report that disqualifies."""
    log = [
        Submitted(id="s1", date="2007-06-10", unit="锦江区", item="A", topic="4.2"),
        Adopted(id="a1", date="2007-06-20", item="A", channel="zwxx"),
        Submitted(id="s2", date="2007-07-10", unit="锦江区", item="B", topic="4.3"),
        Adopted(id="a2", date="2007-07-20", item="B", channel="zwxx"),
        Missed(id="m1", date="2007-05-01", unit="锦江区", category="work_dynamic"),
        Missed(id="m2", date="2007-08-01", unit="锦江区", category="work_dynamic"),
        FoundFalse(id="f", date="2007-09-01", item="B"),
    ]
    timeline = registry.timeline_for(example)
    result = score(log, rules=timeline).unit("锦江区")
    # 0.1 + 4 + 0.1 + 0.5 + 5 − 2 − 6 − 30 = −28.3
    assert (D("-28.3"), D("0.5"), ("上报虚假信息,取消评先资格(示例)",)) == (
        result.score,
        result.points("X1"),
        result.disqualified,
    )
    # Under 2007 rules alone: 0.1 + 4 + 0.1 + 4 − 2 − 4 − 30 = −27.8, and no disqualification.
    plain = score(log, rules=load_rules(2007)).unit("锦江区")
    assert (D("-27.8"), ()) == (plain.score, plain.disqualified)


@pytest.mark.slow
def test_rules_list_and_diff(example: RuleSet) -> None:
    """rules list shows both versions and where they come from; rules diff names the changed figures."""
    listing = cli("rules", "list").stdout.decode("utf-8")
    changes = cli("rules", "diff", "chengdu-2007", "example-2007-07").stdout.decode("utf-8")
    assert (True, True, True) == (
        "随本库提供:ruleset-2007.toml" in listing,
        "插件:example-midyear-2007 (chengdu_infoscore_example_adjustment:rule_sets)" in listing,
        "A3.1.1  《政务信息》采用" in changes,
    )


@pytest.mark.slow
def test_compare_attributes_the_change_to_clauses(example: RuleSet) -> None:
    """compare: under the example, 市公安局's December item on key point 4.9 earns the 0.5 bonus (clause X1);
    锦江区, whose events are all before July, does not change."""
    done = cli(
        "compare", EXAMPLE, "--rules", "chengdu-2007", "--rules", "example-2007-07", "--format", "json"
    )
    data = json.loads(done.stdout)
    units = {u["unit"]: u for u in data["units"]}
    assert (0, "chengdu-2007", "chengdu-2007+example-2007-07") == (done.returncode, data["a"], data["b"])
    # 市公安局's GA-001 (topic 4.9, December) earns the section-四 bonus of 0.5 under the example.
    assert ({"score": "-5.9", "rank": units["市公安局"]["a"]["rank"]}, "-5.4", "0.5", {"X1": "0.5"}) == (
        units["市公安局"]["a"],
        units["市公安局"]["b"]["score"],
        units["市公安局"]["change"],
        units["市公安局"]["clauses"],
    )
    assert ("0", {}) == (units["锦江区"]["change"], units["锦江区"]["clauses"])


@pytest.mark.slow
def test_score_with_a_rules_file(tmp_path: Path, example: RuleSet) -> None:
    """--rules accepts a version's TOML file; its base comes from the known versions."""
    text = (Path(registry.__file__).parent / "ruleset-2007.toml").read_text(encoding="utf-8")
    text = text.replace('id = "chengdu-2007"', 'id = "file-2007"').replace("points = 0.1", "points = 0.2")
    path = tmp_path / "file-2007.toml"
    path.write_text(text, encoding="utf-8")
    data = json.loads(cli("score", EXAMPLE, "--rules", path, "--format", "json").stdout)
    assert ("file-2007", "0.6") == (
        data["rules"],
        next(u for u in data["units"] if u["unit"] == "上海办")["score"],
    )


@pytest.mark.slow
def test_check_runs_golden_cases() -> None:
    """check passes the project's own golden cases, by default and with --rules naming a version."""
    passed = cli("check", *sorted((ROOT / "tests" / "golden").iterdir()), "--lang", "en")
    named = cli(
        "check", ROOT / "tests" / "golden" / "ex1_cap_district_650", "--rules", "chengdu-2007", "--lang", "en"
    )
    assert (0, True) == (passed.returncode, passed.stdout.decode("utf-8").endswith("14 passed, 0 failed\n"))
    assert (0, "1 passed, 0 failed") == (named.returncode, named.stdout.decode("utf-8").splitlines()[-1])


@pytest.mark.slow
def test_check_reports_every_difference(tmp_path: Path) -> None:
    """A case whose expectation is wrong fails with the unit, the figure, what was expected and what came."""
    case = tmp_path / "wrong"
    case.mkdir()
    (case / "events.jsonl").write_text(
        '{"id": "e1", "type": "submitted", "date": "2007-03-01", "unit": "锦江区", "item": "A"}\n',
        encoding="utf-8",
    )
    (case / "expected.json").write_text(
        json.dumps(
            {"year": 2007, "as_of": "2007-12-31", "units": {"锦江区": {"score": "0.2", "submitted": 1}}}
        ),
        encoding="utf-8",
    )
    done = cli("check", case, "--lang", "en")
    assert (1, "FAIL", '锦江区: score expected "0.2", got "0.1"') == (
        done.returncode,
        done.stdout.decode("utf-8")[:4],
        done.stdout.decode("utf-8").splitlines()[1].strip(),
    )


def test_a_broken_plugin_is_reported_by_name_and_does_not_stop_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A plug-in whose module cannot be imported is listed with its name; the others still load."""
    broken = metadata.EntryPoint(
        name="broken-example", value="no_such_module:rule_sets", group=registry.RULESETS_GROUP
    )
    real = registry._entry_points

    def with_broken(group: str) -> list[metadata.EntryPoint]:
        found = real(group)
        return [broken, *found] if group == registry.RULESETS_GROUP else found

    monkeypatch.setattr(registry, "_entry_points", with_broken)
    registry._plugins.cache_clear()
    registry._available.cache_clear()
    try:
        problems = registry.plugin_problems()
        ids = [v.id for v in registry.available_rule_sets()]
    finally:
        monkeypatch.undo()
        registry._plugins.cache_clear()
        registry._available.cache_clear()
    assert (["broken-example"], True, True) == (
        [p.name for p in problems],
        "ModuleNotFoundError" in str(problems[0]),
        "example-2007-07" in ids,
    )


def test_an_uninstalled_rule_kind_is_a_clear_error() -> None:
    """A version naming a rule kind that no plug-in provides cannot score, and says which kind is missing."""
    from chengdu_infoscore import InfoscoreError

    text = (Path(registry.__file__).parent / "ruleset-2007.toml").read_text(encoding="utf-8")
    version = RuleSet.from_toml(text + '\n[[extensions]]\nkind = "no-such-kind"\n', "x.toml")
    with pytest.raises(InfoscoreError, match="rule kind 'no-such-kind', which no installed plug-in provides"):
        score([], rules=version, as_of=dt.date(2007, 1, 31))


def test_a_plugin_can_register_a_target_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table registered through chengdu_infoscore.quotas serves its year like a shipped one."""
    import chengdu_infoscore.quotas as quotas_module
    from chengdu_infoscore import QuotaTable

    table = QuotaTable.from_toml(
        'year = 2031\n[[groups]]\nkey = "district"\nlabel = "区"\nbasis = "adopted"\n'
        '[[groups.units]]\nname = "锦江区"\nlabel = "锦江区"\ntarget = 7\n',
        "plugged.toml",
    )

    class FakeEntryPoint:
        name = "tables-2031"
        value = "plugged:tables"

        def load(self) -> object:
            return lambda: [table]

    monkeypatch.setattr(metadata, "entry_points", lambda group: [FakeEntryPoint()])
    quotas_module._plugin_tables.cache_clear()
    quotas_module.load_quotas.cache_clear()
    try:
        found = quotas_module.load_quotas(2031)
    finally:
        monkeypatch.undo()
        quotas_module._plugin_tables.cache_clear()
        quotas_module.load_quotas.cache_clear()
    assert (2031, 7) == (found.year, found.unit("锦江区").target)
