"""Where rule-set versions and target tables come from: the library's own data, and plug-ins.

An installed distribution registers versions through the entry-point group
``chengdu_infoscore.rulesets``, target tables through ``chengdu_infoscore.quotas``, and rule
kinds written in Python through ``chengdu_infoscore.rule_kinds`` (see docs/rulesets.md). A
plug-in that fails to load is reported by name in :func:`plugin_problems` and does not stop the
others; a version id (or a rule kind) given twice with different content is reported the same
way, naming both, and neither is used — one of them is not silently preferred.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from importlib import metadata
from typing import Any, Protocol, TypeVar

import attrs

from ..exceptions import (
    ArgumentError,
    DataFileError,
    InfoscoreError,
    PluginError,
    UnknownRuleSetError,
    UnknownYearError,
)
from . import RuleSet, Timeline, available_rule_years, base_order_problem, load_rules

__all__ = [
    "PluginProblem",
    "RuleKind",
    "RuleKindMaker",
    "available_rule_sets",
    "default_timeline",
    "plugin_problems",
    "rule_kind",
    "rule_kind_maker",
    "rule_set",
    "timeline_for",
]

RULESETS_GROUP = "chengdu_infoscore.rulesets"
QUOTAS_GROUP = "chengdu_infoscore.quotas"
RULE_KINDS_GROUP = "chengdu_infoscore.rule_kinds"
#: The optional methods of a rule kind called at the end of each month, quarter and year.
PERIOD_HOOKS = ("on_month_end", "on_quarter_end", "on_year_end")


class RuleKind(Protocol):
    """A rule written in Python by a plug-in, for what data alone cannot say.

    The engine makes a fresh instance with the plug-in's factory for every fold (every
    :func:`~chengdu_infoscore.score` call, and every time :class:`~chengdu_infoscore.Scorer`
    folds a cluster of events again), and calls :meth:`on_event` for every counted event dated
    while the version that names the rule kind is in force, after the built-in rules have
    booked theirs. ``book(clause, points, reason)`` books a ledger line for the event's unit
    under a clause of that version; ``points`` is a :class:`~decimal.Decimal` (or an ``int``).

    An ``on_event`` with a fourth positional parameter also gets a
    :class:`~chengdu_infoscore.history.RuleContext`: read-only views of the unit's and the item's
    history for the year so far. Optional period hooks ``on_month_end``, ``on_quarter_end`` and
    ``on_year_end`` (:data:`PERIOD_HOOKS`), each ``(period, unit, book, context)``, are called
    for every unit of the target table once the as-of date reaches the period's last day
    (docs/rulesets.md, "History views and period hooks").
    """

    def on_event(self, event: Any, unit: Any, book: Callable[[str, Any, str], None]) -> None: ...


@attrs.frozen
class PluginProblem:
    """A plug-in (entry point) that could not be loaded, or whose contribution is not used, and why."""

    group: str
    name: str
    message: str
    #: The rule-set version ids this problem makes unavailable, when known (an id given twice).
    ids: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"plug-in {self.name!r} ({self.group}): {self.message}"


def failure(exc: BaseException) -> str:
    """An exception as one line of a plug-in problem: its type and message.

    ``sys.exit()`` in a plug-in is a failure like any other, said plainly: ``it called sys.exit(0)``.
    """
    if isinstance(exc, SystemExit):
        return f"it called sys.exit({_code(exc)})"
    try:
        text = str(exc)
    except KeyboardInterrupt:
        raise
    except BaseException:  # a plug-in's exception whose message itself fails (or exits)
        text = "(its message cannot be shown)"
    text = "; ".join(part.strip(" -") for part in text.splitlines() if part.strip(" -"))
    if len(text) > 500:
        text = f"{text[:400]}… ({len(text)} characters)"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def raised(exc: BaseException) -> str:
    """What a plug-in's code did, for "on_event …" and "its factory …": ``raised KeyError: 'topic'``
    or ``called sys.exit(0)``."""
    if isinstance(exc, SystemExit):
        return f"called sys.exit({_code(exc)})"
    return f"raised {failure(exc)}"


def _code(exc: SystemExit) -> str:
    code = exc.code
    return "" if code is None else repr(code) if len(repr(code)) <= 80 else type(code).__name__


def _entry_points(group: str) -> list[metadata.EntryPoint]:
    return sorted(metadata.entry_points(group=group), key=lambda ep: (ep.name, ep.value))


def _plugin_name(ep: metadata.EntryPoint) -> str:
    """An entry point as messages name it: its name, where it points, and its distribution."""
    dist = getattr(ep, "dist", None)
    where = ep.value if dist is None else f"{ep.value}, distribution {dist.name}"
    return f"{ep.name!r} ({where})"


_T = TypeVar("_T")


def plugin_items(
    group: str, kind: type[_T], take: Callable[[metadata.EntryPoint, _T], _T]
) -> tuple[list[tuple[str, _T]], list[PluginProblem]]:
    """What the entry points of ``group`` give: each item, made a ``kind`` by ``take``, with its
    entry point's name; and the plug-ins that failed to load.

    An entry point names a function that returns the items. A plug-in that fails in any way —
    an import error, an item of another type, a ``take`` that refuses it, even ``sys.exit()`` —
    is a problem, none of its items is used, and the others load as usual.
    """
    items: list[tuple[str, _T]] = []
    problems: list[PluginProblem] = []
    for ep in _entry_points(group):
        try:
            given = []
            for item in ep.load()():
                if not isinstance(item, kind):
                    raise TypeError(f"it gave {type(item).__name__}, not a {kind.__name__}")
                given.append(take(ep, item))
        except KeyboardInterrupt:  # the user's Ctrl-C stops the command
            raise
        except BaseException as exc:  # a broken plug-in (even one that exits) must not stop the others
            problems.append(PluginProblem(group, ep.name, failure(exc)))
            continue
        items += [(ep.name, item) for item in given]
    return items, problems


@functools.cache
def _plugins() -> tuple[tuple[tuple[str, RuleSet], ...], tuple[PluginProblem, ...]]:
    """Every plug-in version with its entry point's name, and the plug-ins that failed to load."""
    versions, problems = plugin_items(
        RULESETS_GROUP,
        RuleSet,
        lambda ep, version: attrs.evolve(version, origin=f"plug-in: {ep.name} ({ep.value})"),
    )
    return tuple(versions), tuple(problems)


@functools.cache
def _rule_kinds() -> tuple[
    dict[str, tuple[metadata.EntryPoint, Callable[..., Any]]], tuple[PluginProblem, ...]
]:
    """Every rule kind whose plug-in loaded, by kind; and the problems of the others.

    A kind that two entry points provide is not used: which one was meant cannot be told.
    """
    eps = _entry_points(RULE_KINDS_GROUP)
    by_kind: dict[str, list[metadata.EntryPoint]] = {}
    for ep in eps:
        by_kind.setdefault(ep.name, []).append(ep)
    kinds: dict[str, tuple[metadata.EntryPoint, Callable[..., Any]]] = {}
    problems: list[PluginProblem] = []
    for kind, providers in by_kind.items():
        if len({ep.value for ep in providers}) > 1:
            names = " and ".join(_plugin_name(ep) for ep in providers)
            problems.append(
                PluginProblem(
                    RULE_KINDS_GROUP,
                    kind,
                    f"the rule kind {kind!r} is provided twice, by {names}; neither is used",
                )
            )
            continue
        ep = providers[0]
        try:
            factory = ep.load()
            if not callable(factory):
                raise TypeError(f"it gave {type(factory).__name__}, not a factory (a class or function)")
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # an import that raises or calls sys.exit()
            problems.append(PluginProblem(RULE_KINDS_GROUP, kind, failure(exc)))
            continue
        kinds[kind] = (ep, factory)
    return kinds, tuple(problems)


def plugin_problems() -> tuple[PluginProblem, ...]:
    """Every plug-in that could not be loaded, or whose versions, tables or rule kinds are not used."""
    from ..quotas import quota_plugin_problems

    return _plugins()[1] + _available()[1] + _rule_kinds()[1] + quota_plugin_problems()


def available_rule_sets() -> tuple[RuleSet, ...]:
    """Every known version, by effective date and id.

    The library's own come first. A version whose id is already taken by another with different
    content is left out and reported in :func:`plugin_problems`: a plug-in version that takes the
    id of one of the library's, and both plug-in versions when two plug-ins give one id.
    """
    return _available()[0]


@functools.cache
def _available() -> tuple[tuple[RuleSet, ...], tuple[PluginProblem, ...]]:
    shipped = [("", load_rules(year)) for year in available_rule_years()]
    by_id: dict[str, list[tuple[str, RuleSet]]] = {}
    for name, version in [*shipped, *_plugins()[0]]:
        by_id.setdefault(version.id, []).append((name, version))
    kept: list[RuleSet] = []
    clashes: list[PluginProblem] = []
    for rid, candidates in by_id.items():
        distinct: list[tuple[str, RuleSet]] = []
        for candidate in candidates:
            if not any(candidate[1].same_rules(d[1]) for d in distinct):
                distinct.append(candidate)
        if len(distinct) == 1:
            kept.append(candidates[0][1])
            continue
        library = distinct[0][1] if distinct[0][0] == "" else None
        if library is not None:
            kept.append(library)
        for name, version in distinct:
            if name == "":
                continue
            if library is not None:
                why = (
                    f"the id is taken by the library's own version ({library.origin}), with different content"
                )
            else:
                others = "; ".join(v.origin for n, v in distinct if v is not version)
                why = f"{others} gives another version with this id and different content; neither is used"
            clashes.append(PluginProblem(RULESETS_GROUP, name, f"version {rid!r} is not used: {why}", (rid,)))
    by_kept = {v.id: v for v in kept}
    plugged = {id(v): name for name, v in _plugins()[0]}
    for version in list(kept):
        base = by_kept.get(version.base) if version.base is not None else None
        problem = None if base is None else base_order_problem(version, base)
        if problem is not None and id(version) in plugged:
            kept.remove(version)
            clashes.append(
                PluginProblem(
                    RULESETS_GROUP,
                    plugged[id(version)],
                    f"version {version.id!r} is not used: {problem}",
                    (version.id,),
                )
            )
    return tuple(sorted(kept, key=lambda v: (v.effective, v.id))), tuple(clashes)


def _not_available(rid: str) -> str:
    """Why no version has the id ``rid``: a plug-in problem that names it, a plug-in that failed, or none."""
    for problem in _available()[1]:
        if rid in problem.ids:
            return f"rule-set version {rid!r} is not available: {problem}"
    known = ", ".join(v.id for v in available_rule_sets())
    failed = _plugins()[1]
    if failed:
        which = "; ".join(f"plug-in {p.name!r} failed to load: {p.message}" for p in failed)
        return (
            f"rule-set version {rid!r} is not available: no known version has that id (known versions:"
            f" {known}), and a plug-in that may provide it failed to load: {which}"
        )
    return f"no rule-set version {rid!r}; known versions: {known}"


def rule_set(rid: str) -> RuleSet:
    """The version with this id.

    Raises:
        UnknownRuleSetError: no version has it; the message lists those that exist, and says why
            when a plug-in problem may be the cause.
    """
    for version in available_rule_sets():
        if version.id == rid:
            return version
    raise UnknownRuleSetError(_not_available(rid))


def timeline_for(version: RuleSet, extra: Iterable[RuleSet] = ()) -> Timeline:
    """``version`` preceded by the versions it adjusts (its ``base``, that one's base, …).

    Raises:
        DataFileError: a version of ``extra`` (or ``version``) has the id of a known version but
            different content: which one is meant cannot be told.
        UnknownRuleSetError: a base is not known.
    """
    known = {v.id: v for v in available_rule_sets()}
    pool = dict(known)
    for given in (*extra, version):
        other = known.get(given.id)
        if other is not None and not other.same_rules(given):
            raise DataFileError(
                given.origin.removeprefix("file: ") or f"rule set {given.id!r}",
                [
                    f"ruleset.id: {given.id!r} is already the id of another version ({other.origin}),"
                    " with different content; give this version an id of its own"
                ],
            )
        pool[given.id] = given
    chain = [version]
    while chain[-1].base is not None:
        base = pool.get(chain[-1].base)
        if base is None:
            raise UnknownRuleSetError(
                f"rule set {chain[-1].id!r} adjusts {chain[-1].base!r}, which is not known"
                f" ({_not_available(chain[-1].base)})"
            )
        if base in chain:
            raise InfoscoreError(f"rule sets {', '.join(v.id for v in chain)} adjust each other in a circle")
        problem = base_order_problem(chain[-1], base)
        if problem is not None:
            origin = chain[-1].origin
            if origin.startswith("file: "):
                raise DataFileError(origin.removeprefix("file: "), [f"ruleset.effective: {problem}"])
            raise ArgumentError(f"rule set {chain[-1].id!r} ({origin or 'given in Python'}): {problem}")
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


class RuleKindMaker:
    """How to make one ``[[extensions]]`` entry's rule kind: the plug-in's factory with the settings.

    Calling it makes a fresh instance (the engine does, for every fold) and checks that it has an
    ``on_event`` method. ``name`` names the rule kind and its plug-in, for messages.
    """

    def __init__(self, kind: str, settings: Mapping[str, object], version: RuleSet) -> None:
        self.kind = kind
        self.version = version
        self._settings = dict(settings)
        kinds, problems = _rule_kinds()
        found = kinds.get(kind)
        if found is None:
            why = next((p.message for p in problems if p.name == kind), None)
            if why is not None:
                raise PluginError(
                    f"rule set {version.id!r} uses the rule kind {kind!r}, which is not available: {why}"
                )
            raise PluginError(
                f"rule set {version.id!r} uses the rule kind {kind!r}, which no installed plug-in provides"
                f" (entry-point group {RULE_KINDS_GROUP})"
            )
        ep, self._factory = found
        #: The period hooks the rule kind has (of :data:`PERIOD_HOOKS`), known once an instance is made.
        self.hooks: frozenset[str] | None = None
        #: The rule kind and its plug-in, as messages name them.
        self.name = f"rule kind {kind!r} of plug-in {_plugin_name(ep)}"

    def __call__(self) -> RuleKind:
        """A fresh instance, made by the plug-in's factory with the version's settings.

        Raises:
            PluginError: the factory raised (it refused the settings), or gave no object with an
                ``on_event`` method.
        """
        try:
            built = self._factory(copy.deepcopy(self._settings), self.version)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # sys.exit() too: a plug-in never ends the command
            raise PluginError(
                f"{self.name}, for rule set {self.version.id!r}: its factory {raised(exc)}"
            ) from exc
        try:
            conforms = callable(getattr(built, "on_event", None))
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # an on_event that fails even to be looked up
            raise PluginError(
                f"{self.name}, for rule set {self.version.id!r}: its on_event cannot be found: {failure(exc)}"
            ) from exc
        if not conforms:
            found = "None" if built is None else f"an object of type {type(built).__name__} without on_event"
            raise PluginError(
                f"{self.name}, for rule set {self.version.id!r}: its factory returned {found};"
                " it must return an object with on_event(event, unit, book)"
            )
        if self.hooks is None:  # the first instance, made when scoring is set up, tells
            hooks = []
            for hook in PERIOD_HOOKS:
                try:
                    method = getattr(built, hook, None)
                    if method is not None and not callable(method):  # meant as a hook, and not one
                        raise PluginError(
                            f"{self.name}, for rule set {self.version.id!r}: its {hook} is"
                            f" {type(method).__name__}, not a method; a period hook is called as"
                            f" {hook}(period, unit, book, context)"
                        )
                    if method is not None:
                        hooks.append(hook)
                except (KeyboardInterrupt, PluginError):
                    raise
                except BaseException as exc:  # a hook that fails even to be looked up
                    raise PluginError(
                        f"{self.name}, for rule set {self.version.id!r}: its {hook} cannot be found:"
                        f" {failure(exc)}"
                    ) from exc
            self.hooks = frozenset(hooks)
        return built  # type: ignore[no-any-return]


def rule_kind_maker(kind: str, settings: Mapping[str, object], version: RuleSet) -> RuleKindMaker:
    """What makes the plug-in rule ``kind`` with a version's settings; see :class:`RuleKindMaker`.

    Raises:
        PluginError: no installed plug-in provides that kind, or its plug-in failed to load.
    """
    return RuleKindMaker(kind, settings, version)


def rule_kind(kind: str, settings: Mapping[str, object], version: RuleSet) -> RuleKind:
    """Build the plug-in rule ``kind`` with a version's settings (one fresh instance).

    Raises:
        PluginError: no installed plug-in provides that kind, it failed to load, it refused the
            settings, or its factory gave no rule kind.
    """
    return RuleKindMaker(kind, settings, version)()
