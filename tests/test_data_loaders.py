"""Loading target tables and rule sets: the shipped 2007 data, and one malformed file per failure mode."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from chengdu_infoscore import (
    DataFileError,
    QuotaTable,
    RuleSet,
    UnknownUnitError,
    UnknownYearError,
    load_quotas,
    load_rules,
)

BAD = Path(__file__).parent / "bad_data"
EXPECTED = tomllib.loads((BAD / "expected.toml").read_text(encoding="utf-8"))


def test_the_2007_table_loads_with_its_groups_and_sums() -> None:
    """The shipped table has 19 + 96 + 3 units whose targets sum to 1840, 2325 and 3100."""
    table = load_quotas(2007)
    sums = {}
    for group in table.groups:
        members = [u for u in table if u.group == group.key]
        sums[group.key] = (len(members), sum(u.target for u in members))
    assert {"district": (19, 1840), "department": (96, 2325), "office": (3, 3100)} == sums


@pytest.mark.parametrize(
    ("written", "unit"),
    [
        ("能源办", "市经委"),
        ("市经委(含能源办)", "市经委"),
        ("成都市经委", "市经委"),
        ("成都市公安局", "市公安局"),
        ("档案馆", "市档案局"),
        (" 锦江区 ", "锦江区"),
        ("北京办", "北京办"),
    ],
)
def test_every_accepted_spelling_names_its_unit(written: str, unit: str) -> None:
    """Labels, (含X) aliases and the 成都市 form all designate the canonical unit."""
    assert unit == load_quotas(2007).unit(written).name


@pytest.mark.parametrize("written", ["成都公安局", "公安局", "市公安", "成都市锦江区", "能源局"])
def test_other_names_are_errors_not_guesses(written: str) -> None:
    """A name the table does not list is an UnknownUnitError (a LookupError), never a guess."""
    with pytest.raises(UnknownUnitError, match="unknown unit") as info:
        load_quotas(2007).unit(written)
    assert isinstance(info.value, LookupError)


def test_years_without_data_are_reported() -> None:
    """Asking for a year that ships no table or rule set names the years that do."""
    with pytest.raises(UnknownYearError, match="tables ship for: 2007"):
        load_quotas(2009)
    with pytest.raises(UnknownYearError, match="rule sets ship for: 2007"):
        load_rules(2009)


def test_rule_figures_are_decimals_not_floats() -> None:
    """Every figure of the rule set is read as Decimal: 0.1 × 3 is exactly 0.3."""
    rules = load_rules(2007)
    assert (Decimal("0.3"), Decimal) == (rules.submission.points * 3, type(rules.submission.cap_per_target))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_data_files_name_key_and_problem(name: str) -> None:
    """Each malformed file raises one DataFileError, naming the file, whose problems name the key path
    and what was wrong (read as the command line reads a file: bytes, decoded as UTF-8)."""
    path = BAD / f"{name}.toml"
    loader = QuotaTable.from_file if name.startswith("quotas") else RuleSet.from_file
    with pytest.raises(DataFileError) as info:
        loader(path)
    assert isinstance(info.value, ValueError)
    assert str(info.value).startswith(f"{path}: ")
    for words in EXPECTED[name]["problems"]:
        matching = [p for p in info.value.problems if all(w in p for w in words)]
        assert [] != matching, f"no problem mentions {words}: {info.value.problems}"
