"""Target tables (任务数): every reporting unit, its group and its yearly target.

The 2007 table (成办发〔2007〕30号 附件1) ships as ``quotas-2007.toml`` beside this module.

>>> table = load_quotas(2007)
>>> table.unit("能源办").name, table.unit("成都市公安局").target
('市经委', 100)
"""

from __future__ import annotations

import difflib
import functools
import hashlib
from collections.abc import Iterator
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import attrs

from .._arguments import describe
from .._data import Problems, Table, magnitude, parse_toml, read_text
from ..exceptions import ArgumentError, ArgumentTypeError, UnknownUnitError, UnknownYearError

__all__ = [
    "TARGET_LIMIT",
    "Group",
    "QuotaTable",
    "Unit",
    "available_quota_years",
    "load_quotas",
    "quota_plugin_problems",
]

#: The largest yearly target a table may give a unit; a larger one is a mistake.
TARGET_LIMIT = 1_000_000

Basis = Literal["adopted", "submitted"]
_BASES: tuple[Basis, ...] = ("adopted", "submitted")


def _tuple(value: Any) -> Any:
    """A list of values as the tuple a frozen table holds; anything else is left for the validator."""
    return tuple(value) if isinstance(value, list) else value


def _owner(instance: Any) -> str:
    """A table's part as a message names it: ``Unit '锦江区'``, ``Group 'district'``, ``QuotaTable 2008``."""
    name = getattr(instance, "name", None) if isinstance(instance, Unit) else getattr(instance, "key", None)
    if isinstance(instance, QuotaTable):
        name = getattr(instance, "year", None)
    shown = (
        f" {name!r}" if isinstance(name, str) and len(name) <= 40 else f" {name}" if type(name) is int else ""
    )
    return f"{type(instance).__name__}{shown}"


def _text(instance: Any, attribute: Any, value: Any) -> None:
    """A validator: a name is a text that is not empty."""
    if not isinstance(value, str):
        raise ArgumentTypeError(
            f"{_owner(instance)}: {attribute.name} must be a text (str), not {describe(value)}"
        )
    if not value.strip():
        raise ArgumentError(f"{_owner(instance)}: {attribute.name} must not be empty")


def _name(t: Table, key: str) -> Any:
    """A name at ``key``: text that is not blank; else a problem at its key path."""
    value = t.get(key, str)
    if value is not None and not value.strip():
        t.problems.add(t.key_path(key), f"expected a name, found {value!r}: give text that is not blank")
        return None
    return value


def _basis(instance: Any, attribute: Any, value: Any) -> None:
    """A validator: what a target counts is one of the known bases."""
    if value not in _BASES or not isinstance(value, str):
        raise ArgumentError(
            f"{_owner(instance)}: {attribute.name} must be one of {', '.join(_BASES)}, not {describe(value)}"
        )


def _whole(low: int, high: int) -> Any:
    """A validator of a whole number from ``low`` to ``high``, as the TOML loader reads it."""

    def check(instance: Any, attribute: Any, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            found = f"the Decimal {value}" if isinstance(value, Decimal) else describe(value)
            raise ArgumentTypeError(
                f"{_owner(instance)}: {attribute.name}: expected a whole number (int) from {low} to {high},"
                f" found {found}"
            )
        if not low <= value <= high:
            raise ArgumentError(
                f"{_owner(instance)}: {attribute.name}: expected a whole number from {low} to {high},"
                f" found {magnitude(value)}"
            )

    return check


def _all(kind: type, what: str, check: Any = None) -> Any:
    """A validator of a tuple whose every member is a ``kind`` (and passes ``check``)."""

    def validate(instance: Any, attribute: Any, value: Any) -> None:
        if not isinstance(value, tuple):
            raise ArgumentTypeError(
                f"{_owner(instance)}: {attribute.name} must be a tuple of {what}, not {describe(value)}"
            )
        for member in value:
            if not isinstance(member, kind) or (check is not None and not check(member)):
                raise ArgumentTypeError(
                    f"{_owner(instance)}: {attribute.name} must be a tuple of {what},"
                    f" but holds {describe(member)}"
                )

    return validate


@attrs.frozen
class Unit:
    """A reporting unit (报送单位) and its yearly target.

    Every field is checked when a unit is made, as the TOML loader checks it: a target is an
    ``int`` (not a bool) from 1 to :data:`TARGET_LIMIT`, or ``None`` for a unit the method sets
    no target (完成率 then reads "no target", never a division); a wrong type raises
    :class:`~chengdu_infoscore.ArgumentTypeError`, a wrong value
    :class:`~chengdu_infoscore.ArgumentError`.

    Attributes:
        name: the canonical name, as printed without its parenthesised part (``市经委``).
        label: the name exactly as printed (``市经委(含能源办)``).
        group: the key of its group: ``district``, ``department`` or ``office`` in 2007.
        basis: what its target counts: ``adopted`` items or ``submitted`` items.
        target: the yearly target (任务数), or ``None``: the unit has no target.
        aliases: sub-units whose work counts for it (``(含X)``).
    """

    name: str = attrs.field(validator=_text)
    label: str = attrs.field(validator=_text)
    group: str = attrs.field(validator=_text)
    basis: Basis = attrs.field(validator=_basis)
    target: int | None = attrs.field(validator=attrs.validators.optional(_whole(1, TARGET_LIMIT)))
    aliases: tuple[str, ...] = attrs.field(
        default=(), converter=_tuple, validator=_all(str, "names (str)", lambda a: bool(a.strip()))
    )


@attrs.frozen
class Group:
    """A group of the target table (一、各区(市)县政府 …) and what its targets count."""

    key: str = attrs.field(validator=_text)
    label: str = attrs.field(validator=_text)
    basis: Basis = attrs.field(validator=_basis)


@attrs.frozen
class QuotaTable:
    """A year's target table: units in printed order, and every name that designates each.

    Build one with :func:`load_quotas` or :meth:`from_toml`; names are resolved with
    :meth:`unit`.
    """

    year: int = attrs.field(validator=_whole(1900, 9999))
    source: str = attrs.field(validator=attrs.validators.instance_of(str))
    groups: tuple[Group, ...] = attrs.field(converter=_tuple, validator=_all(Group, "Group"))
    units: tuple[Unit, ...] = attrs.field(converter=_tuple, validator=_all(Unit, "Unit"))
    prefixes: tuple[tuple[str, str], ...] = attrs.field(
        default=(),
        converter=_tuple,
        validator=_all(
            tuple,
            "(written, means) pairs of texts",
            lambda p: len(p) == 2 and all(isinstance(x, str) and x for x in p),
        ),
    )
    #: SHA-256 of the table's data text, for provenance ("" for a table built in Python).
    digest: str = attrs.field(default="", eq=False)
    _names: dict[str, Unit] = attrs.field(init=False, repr=False, eq=False)
    #: Every spelling with its full-width forms folded (:func:`_fold_width`), where that names one unit.
    _folded: dict[str, Unit] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        names, clashes, _ = _name_index(self.units, self.prefixes)
        problems = list(clashes)
        keys = [g.key for g in self.groups]
        problems += [f"the group {k!r} appears twice" for k in sorted({k for k in keys if keys.count(k) > 1})]
        # A unit of a group the table does not list would be left out of every printed table.
        problems += [
            f"the unit {u.name!r} is in the group {u.group!r}, which the table's groups do not list"
            for u in self.units
            if u.group not in keys
        ]
        if problems:
            more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
            raise ArgumentError(f"QuotaTable {self.year}: {'; '.join(problems[:3])}{more}")
        object.__setattr__(self, "_names", names)
        object.__setattr__(self, "_folded", _folded_index(names))

    def unit(self, name: str) -> Unit:
        """The unit designated by a canonical name, printed label or alias.

        Raises:
            UnknownUnitError: no unit of the table is written that way.
        """
        if not isinstance(name, str):
            raise ArgumentTypeError(f"a unit's name must be a text (str), not {describe(name)}")
        found = self.find(name)
        if found is None:
            raise UnknownUnitError(name, self.closest(name))
        return found

    def closest(self, name: str, n: int = 3) -> tuple[str, ...]:
        """The canonical names of up to ``n`` units written most like ``name`` (by any spelling)."""
        found = difflib.get_close_matches(name.strip(), self._names, n=3 * n, cutoff=0.5)
        return tuple(dict.fromkeys(self._names[s].name for s in found))[:n]

    def find(self, name: str) -> Unit | None:
        """Like :meth:`unit`, but ``None`` for an unknown name.

        A spelling of the table is also taken in full-width forms (``市经委（含能源办）`` for
        ``市经委(含能源办)``), and the other way round, unless so folded it would name two units.
        """
        written = name.strip()
        found = self._names.get(written)
        return found if found is not None else self._folded.get(_fold_width(written))

    def names(self, unit: Unit) -> tuple[str, ...]:
        """Every way of writing ``unit`` that the table accepts, sorted."""
        return tuple(sorted(n for n, u in self._names.items() if u is unit))

    def __iter__(self) -> Iterator[Unit]:
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)

    @classmethod
    def from_toml(cls, text: str, source: str = "<target table>") -> QuotaTable:
        """Read a target table from its TOML text, checking every entry.

        Raises:
            DataFileError: listing every problem, each with its key path.
        """
        text = text.removeprefix("\ufeff")
        problems = Problems(source)
        root = Table(parse_toml(text, source), "", problems)
        year = root.whole("year", 1900, 9999)
        src = root.get("source", str, "")
        prefixes: list[tuple[str, str]] = []
        if "prefixes" in root.data:
            for t in root.tables("prefixes"):
                written, means = _name(t, "written"), _name(t, "means")
                if written and means:
                    prefixes.append((written, means))
                t.done()
        else:
            root.read.add("prefixes")
        groups: list[Group] = []
        units: list[Unit] = []
        paths: dict[int, str] = {}  # each unit's key path, for a name that clashes
        for g in root.tables("groups"):
            key, label, basis = _name(g, "key"), _name(g, "label"), g.get("basis", str)
            if basis is not None and basis not in _BASES:
                problems.add(g.key_path("basis"), f"expected one of {', '.join(_BASES)}, found {basis!r}")
                basis = None
            if any(x.key == key for x in groups):
                problems.add(g.key_path("key"), f"group {key!r} appears twice")
            default = _target(g, _NO_DEFAULT) if "target" in g.data else _NO_DEFAULT
            for u in g.tables("units"):
                name, ulabel = _name(u, "name"), _name(u, "label")
                target = _target(u, default)
                aliases = u.get("aliases", list, [], required=False)
                if not all(isinstance(a, str) and a for a in aliases):
                    problems.add(u.key_path("aliases"), "expected a list of names")
                    aliases = []
                u.done()
                if None not in (key, label, basis, name, ulabel) and target is not _WRONG:
                    units.append(Unit(name, ulabel, key, basis, target, tuple(aliases)))
                    paths[id(units[-1])] = u.path
            g.read.add("target")
            g.done()
            if None not in (key, label, basis):
                groups.append(Group(key, label, basis))
        root.done()
        for unit, clash in _name_index(units, prefixes)[2]:
            problems.add(paths.get(id(unit), "groups"), clash)
        problems.raise_if_any()
        return cls(
            year=year,
            source=src,
            groups=tuple(groups),
            units=tuple(units),
            prefixes=tuple(prefixes),
            digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        )

    @classmethod
    def from_file(cls, path: str | Path) -> QuotaTable:
        """Read a target table from its TOML file (UTF-8, with or without a byte-order mark).

        Raises:
            DataFileError: the file cannot be opened, is not UTF-8, or is malformed.
        """
        return cls.from_toml(read_text(path, "target-table file"), str(path))


# What _target gives for a target that is missing or wrong (the problem is recorded), and a group
# that gives its units no target of its own.
_WRONG: Any = object()
_NO_DEFAULT: Any = object()
_TARGET_FORM = f'a whole number from 1 to {TARGET_LIMIT}, or "none" for a unit without target'


def _target(t: Table, default: Any) -> Any:
    """The ``target`` of a unit (``default``: its group's) or of a group (``default``:
    :data:`_NO_DEFAULT`): a whole number, ``None`` for ``"none"``, the default when absent, or
    :data:`_WRONG` after recording what is wrong."""
    t.read.add("target")
    if "target" not in t.data:
        if default is _NO_DEFAULT:
            t.problems.add(t.key_path("target"), f"missing; expected {_TARGET_FORM}, here or in its group")
            return _WRONG
        return default
    value = t.data["target"]
    if value == "none":
        return None
    if isinstance(value, str):
        t.problems.add(t.key_path("target"), f"expected {_TARGET_FORM}, found text {value[:40]!r}")
        return _WRONG
    found = t.whole("target", 1, TARGET_LIMIT)
    return _WRONG if found is None else found


#: Full-width forms of ASCII (U+FF01 … U+FF5E: （）ＡＢ１２ …) and the ideographic space, as ASCII.
_WIDTH = {**{0xFF01 + i: 0x21 + i for i in range(0x5E)}, 0x3000: 0x20}


def _fold_width(text: str) -> str:
    """``text`` with its full-width forms of ASCII made ASCII: ``市经委（含能源办）`` → ``市经委(含能源办)``.

    >>> _fold_width("市经委（含能源办）")
    '市经委(含能源办)'
    """
    return text.translate(_WIDTH)


def _folded_index(names: dict[str, Unit]) -> dict[str, Unit]:
    """Each spelling folded (:func:`_fold_width`) to its unit; a folded spelling that two units'
    spellings give is left out, so that folding never makes a name designate two units."""
    folded: dict[str, Unit | None] = {}
    for spelling, unit in names.items():
        key = _fold_width(spelling)
        folded[key] = unit if folded.get(key, unit) is unit else None
    return {key: unit for key, unit in folded.items() if unit is not None}


def _name_index(
    units: tuple[Unit, ...] | list[Unit], prefixes: tuple[tuple[str, str], ...] | list[tuple[str, str]]
) -> tuple[dict[str, Unit], list[str], list[tuple[Unit, str]]]:
    """Map every accepted spelling to its unit; also list spellings that name two units (and, for
    each, the later unit)."""
    index: dict[str, Unit] = {}
    clashes: list[str] = []
    found: list[tuple[Unit, str]] = []
    for unit in units:
        spellings = {unit.name, unit.label, *unit.aliases}
        for written, means in prefixes:
            spellings |= {written + s[len(means) :] for s in list(spellings) if s.startswith(means)}
        for s in sorted(spellings):
            other = index.setdefault(s, unit)
            if other is not unit:
                clash = (
                    f"the name {s!r} would designate both {other.name} and {unit.name}"
                    if other.name != unit.name
                    else f"the unit {unit.name!r} appears twice (the name {s!r} would designate both)"
                )
                clashes.append(clash)
                found.append((unit, clash))
    return index, clashes, found


def available_quota_years() -> tuple[int, ...]:
    """The years whose target table ships with the library."""
    years = []
    for entry in resources.files(__name__).iterdir():
        stem = entry.name.removesuffix(".toml")
        if entry.name.startswith("quotas-") and stem[7:].isdigit():
            years.append(int(stem[7:]))
    return tuple(sorted(years))


def _handed_over(table: QuotaTable) -> QuotaTable:
    """A plug-in's table, checked again as it is handed over, as if it were made afresh.

    Raises:
        ArgumentError, ArgumentTypeError: a unit, group or the table itself is wrong (a target
            of 0, a name that designates two units…), however the table was made.
    """
    fresh = attrs.evolve(table)
    for group in fresh.groups:
        attrs.validate(group)
    for unit in fresh.units:
        attrs.validate(unit)
    return fresh


@functools.cache
def _plugin_tables() -> tuple[dict[int, QuotaTable], tuple[Any, ...]]:
    from ..rules.registry import QUOTAS_GROUP, PluginProblem, plugin_items

    given, problems = plugin_items(QUOTAS_GROUP, QuotaTable, lambda ep, table: _handed_over(table))
    shipped = set(available_quota_years())
    by_year: dict[int, list[tuple[str, QuotaTable]]] = {}
    for name, table in given:
        by_year.setdefault(table.year, []).append((name, table))
    kept: dict[int, QuotaTable] = {}
    for year, candidates in by_year.items():
        distinct = [c for i, c in enumerate(candidates) if all(c[1] != d[1] for d in candidates[:i])]
        for name, table in candidates:
            plug = name
            if year in shipped:
                if table == load_quotas(year):
                    continue  # the same table again: nothing is lost
                message = f"its {year} target table is not used: the library ships another one for {year}"
            elif len(distinct) > 1:
                others = ", ".join(repr(n) for n, _ in distinct if n != name)
                message = (
                    f"its {year} target table is not used: plug-in {others} gives another {year} table;"
                    " neither is used"
                )
            else:
                continue
            problems.append(PluginProblem(QUOTAS_GROUP, plug, message))
        if year not in shipped and len(distinct) == 1:
            kept[year] = distinct[0][1]
    return kept, tuple(problems)


def quota_plugin_problems() -> tuple[Any, ...]:
    """Target-table plug-ins that could not be loaded."""
    return _plugin_tables()[1]


@functools.cache
def load_quotas(year: int = 2007) -> QuotaTable:
    """The target table for ``year``: the library's own, else one an installed plug-in registers.

    Raises:
        UnknownYearError: no table is known for that year.
    """
    entry = resources.files(__name__) / f"quotas-{year}.toml"
    if entry.is_file():
        return QuotaTable.from_toml(entry.read_text(encoding="utf-8"), f"quotas-{year}.toml")
    plugged = _plugin_tables()[0]
    if year in plugged:
        return plugged[year]
    known = sorted({*available_quota_years(), *plugged})
    failed = "".join(f"; {problem}" for problem in _plugin_tables()[1])
    raise UnknownYearError(
        f"no target table ships for {year}; tables ship for: {', '.join(map(str, known)) or 'none'}"
        + (f" (a target-table plug-in is not used{failed})" if failed else "")
    )
