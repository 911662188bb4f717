"""Where rule-set versions and target tables come from: the library's own data, and plug-ins.

An installed distribution registers versions through the entry-point group
``chengdu_infoscore.rulesets``, target tables through ``chengdu_infoscore.quotas``, and rule
kinds written in Python through ``chengdu_infoscore.rule_kinds`` (see docs/rulesets.md). A
plug-in that fails to load is reported by name in :func:`plugin_problems` and does not stop the
others.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from importlib import metadata
from typing import Any, Protocol

import attrs

from ..exceptions import InfoscoreError, PluginError, UnknownRuleSetError, UnknownYearError
from . import RuleSet, Timeline, available_rule_years, load_rules

__all__ = [
    "PluginProblem",
    "RuleKind",
    "available_rule_sets",
    "default_timeline",
    "plugin_problems",
    "rule_kind",
    "rule_set",
    "timeline_for",
]

RULESETS_GROUP = "chengdu_infoscore.rulesets"
QUOTAS_GROUP = "chengdu_infoscore.quotas"
RULE_KINDS_GROUP = "chengdu_infoscore.rule_kinds"


class RuleKind(Protocol):
    """A rule written in Python by a plug-in, for what data alone cannot say.

    The engine calls :meth:`on_event` for every counted event dated while the version that names
    the rule kind is in force, after the built-in rules have booked theirs. ``book(clause, points,
    reason)`` books a ledger line for the event's unit under a clause of that version.
    """

    def on_event(self, event: Any, unit: Any, book: Callable[[str, Any, str], None]) -> None: ...


@attrs.frozen
class PluginProblem:
    """A plug-in (entry point) that could not be loaded, and why."""

    group: str
    name: str
    message: str

    def __str__(self) -> str:
        return f"plug-in {self.name!r} ({self.group}): {self.message}"


def _entry_points(group: str) -> list[metadata.EntryPoint]:
    return sorted(metadata.entry_points(group=group), key=lambda ep: ep.name)


@functools.cache
def _plugins() -> tuple[tuple[RuleSet, ...], tuple[PluginProblem, ...]]:
    versions: list[RuleSet] = []
    problems: list[PluginProblem] = []
    for ep in _entry_points(RULESETS_GROUP):
        try:
            given = []
            for item in ep.load()():
                if not isinstance(item, RuleSet):
                    raise TypeError(f"it gave {type(item).__name__}, not a RuleSet")
                given.append(attrs.evolve(item, origin=f"plug-in: {ep.name} ({ep.value})"))
        except Exception as exc:  # a broken plug-in must not stop the others, nor half-load
            problems.append(PluginProblem(RULESETS_GROUP, ep.name, f"{type(exc).__name__}: {exc}"))
            continue
        versions += given
    for ep in _entry_points(RULE_KINDS_GROUP):
        try:
            ep.load()
        except Exception as exc:
            problems.append(PluginProblem(RULE_KINDS_GROUP, ep.name, f"{type(exc).__name__}: {exc}"))
    return tuple(versions), tuple(problems)


def plugin_problems() -> tuple[PluginProblem, ...]:
    """Every plug-in that could not be loaded, rule sets and target tables alike."""
    from ..quotas import quota_plugin_problems

    return _plugins()[1] + _available()[1] + quota_plugin_problems()


def available_rule_sets() -> tuple[RuleSet, ...]:
    """Every known version, by effective date and id.

    The library's own come first; a plug-in version whose id is already taken is left out and
    reported in :func:`plugin_problems`.
    """
    return _available()[0]


@functools.cache
def _available() -> tuple[tuple[RuleSet, ...], tuple[PluginProblem, ...]]:
    shipped = [load_rules(year) for year in available_rule_years()]
    seen: dict[str, RuleSet] = {}
    clashes: list[PluginProblem] = []
    for version in shipped + list(_plugins()[0]):
        other = seen.setdefault(version.id, version)
        if other is not version and other.digest != version.digest:
            clashes.append(
                PluginProblem(
                    RULESETS_GROUP, version.origin, f"the id {version.id!r} is taken by {other.origin}"
                )
            )
    return tuple(sorted(seen.values(), key=lambda v: (v.effective, v.id))), tuple(clashes)


def rule_set(rid: str) -> RuleSet:
    """The version with this id.

    Raises:
        UnknownRuleSetError: no version has it (the message lists those that exist).
    """
    for version in available_rule_sets():
        if version.id == rid:
            return version
    known = ", ".join(v.id for v in available_rule_sets())
    raise UnknownRuleSetError(f"no rule-set version {rid!r}; known versions: {known}")


def timeline_for(version: RuleSet, extra: Iterable[RuleSet] = ()) -> Timeline:
    """``version`` preceded by the versions it adjusts (its ``base``, that one's base, …)."""
    pool = {v.id: v for v in (*available_rule_sets(), *extra)}
    chain = [version]
    while chain[-1].base is not None:
        base = pool.get(chain[-1].base)
        if base is None:
            raise UnknownRuleSetError(
                f"rule set {chain[-1].id!r} adjusts {chain[-1].base!r}, which is not known"
            )
        if base in chain:
            raise InfoscoreError(f"rule sets {', '.join(v.id for v in chain)} adjust each other in a circle")
        chain.append(base)
    return Timeline(tuple(chain))


def default_timeline(year: int) -> Timeline:
    """The timeline used when none is named: the latest default version in force in ``year``, with its bases.

    Raises:
        UnknownYearError: no default version is in force in that year.
    """
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    candidates = [
        v
        for v in available_rule_sets()
        if v.default and v.effective <= last and (v.end is None or v.end >= first)
    ]
    if not candidates:
        years = ", ".join(map(str, available_rule_years())) or "none"
        raise UnknownYearError(f"no rule set is in force in {year}; rule sets ship for: {years}")
    return timeline_for(max(candidates, key=lambda v: (v.effective, v.id)))


@functools.cache
def _kinds() -> dict[str, Any]:
    return {ep.name: ep for ep in _entry_points(RULE_KINDS_GROUP)}


def rule_kind(kind: str, settings: Mapping[str, object], version: RuleSet) -> RuleKind:
    """Build the plug-in rule ``kind`` with a version's settings.

    Raises:
        InfoscoreError: no installed plug-in provides that kind, or it refused the settings.
    """
    ep = _kinds().get(kind)
    if ep is None:
        raise PluginError(
            f"rule set {version.id!r} uses the rule kind {kind!r}, which no installed plug-in provides"
            f" (entry-point group {RULE_KINDS_GROUP})"
        )
    try:
        built: RuleKind = ep.load()(dict(settings), version)
    except Exception as exc:
        raise PluginError(
            f"rule kind {kind!r} of rule set {version.id!r}: {type(exc).__name__}: {exc}"
        ) from exc
    return built
