"""Provenance: the same inputs give the same stamp; a changed figure in any input changes it."""

from __future__ import annotations

import datetime as dt
import random
from importlib import resources

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import chengdu_infoscore
from chengdu_infoscore import Event, QuotaTable, RuleSet, load_quotas, read_events, score
from chengdu_infoscore.bulletins import monthly_bulletin
from chengdu_infoscore.bulletins.render import bulletin_json
from chengdu_infoscore.reports import results_json
from chengdu_infoscore.testing import event_logs

EXAMPLE = "examples/example-2007.jsonl"


def stamp_of(events: list[Event], **kwargs: object) -> str:
    provenance = score(events, **kwargs).provenance  # type: ignore[arg-type]
    assert provenance is not None
    return provenance.stamp


@pytest.mark.slow
@given(log=event_logs(), seed=st.integers(0, 1000))
def test_the_order_of_events_does_not_change_the_stamp(log: list[Event], seed: int) -> None:
    """Shuffled events give the same events digest and stamp."""
    shuffled = list(log)
    random.Random(seed).shuffle(shuffled)
    assert stamp_of(log) == stamp_of(shuffled)


def test_a_changed_event_figure_changes_the_events_digest() -> None:
    """One event with another date gives another events digest and stamp, with the rest unchanged."""
    events = list(read_events([EXAMPLE]).events)
    changed = [attrs.evolve(events[0], date=dt.date(2007, 3, 6)), *events[1:]]
    a, b = score(events).provenance, score(changed).provenance
    assert a is not None and b is not None
    assert (False, True, True, False) == (
        a.events_digest == b.events_digest,
        a.rules == b.rules,
        a.targets_digest == b.targets_digest,
        a.stamp == b.stamp,
    )


def test_a_changed_rule_figure_changes_the_rules_digest() -> None:
    """A rule set differing in one figure (政务信息 4 → 5) has another digest, and so does the stamp."""
    text = (resources.files("chengdu_infoscore.rules") / "ruleset-2007.toml").read_text(encoding="utf-8")
    other = RuleSet.from_toml(text.replace('clause = "A3.1.1"\npoints = 4', 'clause = "A3.1.1"\npoints = 5'))
    events = list(read_events([EXAMPLE]).events)
    assert stamp_of(events) != stamp_of(events, rules=other)
    assert chengdu_infoscore.load_rules(2007).digest != other.digest


def test_a_changed_target_changes_the_targets_digest() -> None:
    """A target table differing in one target has another digest."""
    table = load_quotas(2007)
    units = tuple(attrs.evolve(u, target=121) if u.name == "锦江区" else u for u in table.units)
    other = QuotaTable(
        year=2007, source=table.source, groups=table.groups, units=units, prefixes=table.prefixes
    )
    events = list(read_events([EXAMPLE]).events)
    a, b = score(events).provenance, score(events, quotas=other).provenance
    assert a is not None and b is not None
    assert (False, False) == (a.targets_digest == b.targets_digest, a.stamp == b.stamp)


def test_a_rejected_line_changes_the_events_digest(tmp_path: object) -> None:
    """A log with a broken line does not digest like the same log without it."""
    from pathlib import Path

    base = Path(EXAMPLE).read_text(encoding="utf-8")
    broken = Path(str(tmp_path)) / "broken.jsonl"
    broken.write_text(base + "{not json\n", encoding="utf-8")
    clean, dirty = read_events([EXAMPLE]), read_events([broken])
    a = score(clean.events, rejected=clean.rejections).provenance
    b = score(dirty.events, rejected=dirty.rejections).provenance
    assert a is not None and b is not None
    assert (30, 31, False) == (a.events, b.events, a.events_digest == b.events_digest)


def test_results_and_bulletins_carry_the_provenance() -> None:
    """score's and a bulletin's JSON carry the library version, the rule set with its digest, the stamp."""
    results = score(read_events([EXAMPLE]).events, as_of=dt.date(2007, 12, 31))
    data = results_json(results)["provenance"]
    bulletin = bulletin_json(monthly_bulletin(results, load_quotas(2007), 6))["provenance"]
    assert results.provenance is not None
    assert (chengdu_infoscore.__version__, "chengdu-2007", 64, results.provenance.stamp, "2007-12-31") == (
        data["library"],
        data["rules"][0]["id"],
        len(data["rules"][0]["sha256"]),
        data["stamp"],
        data["as_of"],
    )
    assert data == bulletin
