"""Versions that state only what they change, and timelines composed from several rule files.

A version whose ``[ruleset]`` says ``adjusts = "ID"`` (or ``adjusts = "FILE.toml"``) states only
what it changes: it is laid over the *resolved* TOML of the version it adjusts, key by key, and
the whole is then read and checked as any full-form version is (see docs/rulesets.md, "Versions
that state only what they change"). A ``base`` or ``adjusts`` ending in ``.toml`` or holding a
``/`` names a file, relative to the directory of the file that names it.

:func:`timeline_of` builds the timeline of several versions given together (``--rules A --rules
B``, ``score(rules=[…])``): ids, files and :class:`~chengdu_infoscore.rules.RuleSet` values.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from .._data import describe, parse_toml, read_text
from ..exceptions import ArgumentError, ArgumentTypeError, DataFileError, UnknownRuleSetError
from . import RuleSet, Timeline, TopicSection, _parse_ruleset, available_rule_years, load_rules

__all__ = ["dump_toml", "names_file", "overlay", "read_version", "timeline_of", "version_toml"]

#: The key of ``[ruleset]`` that makes a version state only what it changes.
ADJUSTS = "adjusts"


def names_file(ref: str) -> bool:
    """Whether ``ref`` (a ``base``, an ``adjusts``, a ``--rules`` value) names a file, not an id:
    it ends in ``.toml`` or holds a ``/`` (or ``\\``)."""
    return ref.lower().endswith(".toml") or "/" in ref or "\\" in ref


def read_version(
    text: str,
    source: str,
    topics: tuple[TopicSection, ...] | None,
    origin: str,
    directory: Path | None = None,
) -> RuleSet:
    """A version from its TOML text, full-form or partial; what ``RuleSet.from_toml`` and
    ``from_file`` do. ``directory``: where a file named by ``base`` or ``adjusts`` is looked for
    (``None``: the text is not a file's, and may not name one)."""
    return _Loader().build(text, source, topics, origin, directory)


def version_toml(version: RuleSet) -> str:
    """The full-form TOML of ``version`` (resolved, when it states only its changes).

    Raises:
        ArgumentError: the version was built in Python and has no TOML.
    """
    if version.text is None:
        raise ArgumentError(
            f"rule set {version.id!r} ({version.origin or 'built in Python'}) was not read from TOML;"
            " it has no TOML form to show or to adjust"
        )
    return version.text.removeprefix("\ufeff")


def timeline_of(given: Sequence[str | Path | RuleSet]) -> Timeline:
    """The timeline of several versions given together: ids, rule files and ``RuleSet`` values.

    Each is read (a file with the versions its ``base`` or ``adjusts`` names), and the versions
    must form one chain: one of them (the latest) adjusts, directly or through its bases, every
    other. The timeline is that version with its bases, in force one after another.

    Raises:
        DataFileError: a file cannot be read or is malformed; versions that adjust each other in
            a circle; a chain that leaves days with no version in force.
        UnknownRuleSetError: an id (given, or named by a ``base``) that no version has.
        ArgumentError: nothing given, or versions that do not form one chain.
    """
    from .registry import rule_set, timeline_for

    if not given:
        raise ArgumentError("no rule-set version given")
    loader = _Loader()
    for spec in given:
        if isinstance(spec, Path) or (isinstance(spec, str) and names_file(spec)):
            loader.announce(Path(spec), str(spec))
        elif isinstance(spec, RuleSet):
            loader.pool.setdefault(spec.id, spec)
    versions: list[RuleSet] = []
    for spec in given:
        if isinstance(spec, RuleSet):
            versions.append(spec)
        elif isinstance(spec, Path) or (isinstance(spec, str) and names_file(spec)):
            versions.append(loader.load_file(Path(spec), str(spec)))
        elif isinstance(spec, str):
            if spec in loader.by_id:
                versions.append(loader.load_file(*loader.by_id[spec]))
            else:
                versions.append(loader.pool.get(spec) or rule_set(spec))
        else:
            raise ArgumentTypeError(
                f"rules: expected rule-set ids, rule files and RuleSet values, found {type(spec).__name__}"
            )
    everything = [*loader.loaded, *versions]
    for version in list(everything):  # the versions each was read with (a file naming a file)
        below = version.adjusted
        while below is not None:
            everything.append(below)
            below = below.adjusted
    first: dict[str, RuleSet] = {}
    for version in everything:  # one id, one content: else which is meant depends on the order
        other = first.setdefault(version.id, version)
        if other is not version and not other.same_rules(version):
            where = version.origin.removeprefix("file: ") or f"rule set {version.id!r}"
            raise DataFileError(
                where,
                [
                    f"ruleset.id: {version.id!r} is also the id of another version given"
                    f" ({other.origin or 'given in Python'}), with different content; give each"
                    " version an id of its own"
                ],
            )
    adjusted = {v.base for v in everything if v.base is not None}
    tips = list(dict.fromkeys(v.id for v in versions if v.id not in adjusted))
    if len(tips) != 1:
        raise ArgumentError(
            "the rule-set versions given do not form one chain: "
            + (
                f"{' and '.join(repr(t) for t in tips)} are each adjusted by none of the others;"
                " give versions of which the latest adjusts every other (base or adjusts)"
                if tips
                else "they adjust each other in a circle"
            )
        )
    tip = next(v for v in versions if v.id == tips[0])
    timeline = timeline_for(tip, extra=everything)
    inside = {v.id for v in timeline.versions}
    left = [v for v in versions if v.id not in inside]
    if left:
        raise ArgumentError(
            f"the rule-set version {left[0].id!r} is given, but {tip.id!r} does not adjust it,"
            " directly or through its bases"
        )
    check_gaps(timeline)
    return timeline


def check_gaps(timeline: Timeline) -> None:
    """Refuse a timeline that leaves days with no version between its first day and its last.

    Raises:
        DataFileError: naming the version (its file) whose span ends before the gap.
    """
    for first, last in timeline.gaps():
        before = timeline.at(first - dt.timedelta(days=1))
        after = timeline.at(last + dt.timedelta(days=1))
        assert before is not None and after is not None
        source = after.origin.removeprefix("file: ") or f"rule set {after.id!r}"
        raise DataFileError(
            source,
            [
                f"ruleset.effective: {after.id!r} takes effect {after.effective}, but {before.id!r},"
                f" in force before it, ends {before.end}: no version would be in force from {first}"
                f" to {last}"
            ],
        )


class _Loader:
    """Reads rule files and the versions they name, once each, and finds circles."""

    def __init__(self) -> None:
        self.files: dict[Path, RuleSet] = {}
        self.texts: dict[Path, tuple[str, dict[str, Any]]] = {}
        self.by_id: dict[str, tuple[Path, str]] = {}  # the ids of files given together
        self.pool: dict[str, RuleSet] = {}
        self.loaded: list[RuleSet] = []
        self.reading: list[tuple[Path, str]] = []
        # How each file given together is named, whichever route reads it first (so that the
        # versions' origins, and the provenance, do not depend on the order they were given in).
        self.given: dict[Path, str] = {}

    def _read(self, path: Path, shown: str) -> tuple[str, dict[str, Any]]:
        try:
            key = path.resolve()
        except ValueError:  # a name no file can have (a NUL character): read_text says so below
            key = path.absolute()
        if key not in self.texts:
            text = read_text(path, "rule-set file")
            self.texts[key] = (text, parse_toml(text, shown))
        return self.texts[key]

    def announce(self, path: Path, shown: str) -> None:
        """A file given together with others: a version adjusting its id finds it."""
        _, table = self._read(path, shown)
        self.given.setdefault(path.resolve(), shown)
        head = table.get("ruleset")
        rid = head.get("id") if isinstance(head, dict) else None
        if isinstance(rid, str):
            first, first_shown = self.by_id.setdefault(rid, (path, shown))
            if first.resolve() != path.resolve() and self._read(first, first_shown)[1] != table:
                raise DataFileError(
                    shown,
                    [
                        f"ruleset.id: {rid!r} is also the id of {first_shown}, with different content;"
                        " give each version an id of its own"
                    ],
                )

    def load_file(self, path: Path, shown: str) -> RuleSet:
        key = path.resolve()
        if key in self.files:
            return self.files[key]
        shown = self.given.get(key) or os.path.normpath(shown)
        if any(key == p.resolve() for p, _ in self.reading):
            names = [s for _, s in self.reading] + [shown]
            start = next(i for i, (p, _) in enumerate(self.reading) if p.resolve() == key)
            raise DataFileError(
                self.reading[-1][1],
                [
                    f"ruleset.{_ref_key(self.texts[self.reading[-1][0].resolve()][1])}:"
                    f" {' → '.join(names[start:])}: these versions adjust each other in a circle"
                ],
            )
        text, _ = self._read(path, shown)
        self.reading.append((path, shown))
        try:
            version = self.build(text, shown, None, f"file: {shown}", path.parent)
        finally:
            self.reading.pop()
        self.files[key] = version
        self.loaded.append(version)
        return version

    def build(
        self,
        text: str,
        source: str,
        topics: tuple[TopicSection, ...] | None,
        origin: str,
        directory: Path | None,
    ) -> RuleSet:
        table = parse_toml(text, source)
        head = table.get("ruleset")
        head = head if isinstance(head, dict) else {}
        adjusts, base = head.get(ADJUSTS), head.get("base")
        if adjusts is None and not (isinstance(base, str) and names_file(base)):
            version = _parse_ruleset(text, source, topics, origin)
            return attrs.evolve(version, text=text)
        key = ADJUSTS if adjusts is not None else "base"
        if adjusts is not None and base is not None:
            raise DataFileError(source, ["ruleset.base: give base or adjusts, not both"])
        ref = head[key]
        if not isinstance(ref, str) or not ref:
            raise DataFileError(
                source, [f"ruleset.{key}: expected text (a version's id or a file), found {describe(ref)}"]
            )
        adjusted = self.find(ref, source, key, directory)
        if adjusts is None:  # a full-form version whose base is a file: its TOML names the base by id
            version = _parse_ruleset(text, source, topics, origin)
            table["ruleset"]["base"] = adjusted.id
            return attrs.evolve(version, base=adjusted.id, text=dump_toml(table), adjusted=adjusted)
        if adjusted.text is None:
            raise DataFileError(
                source,
                [
                    f"ruleset.adjusts: {adjusted.id!r} ({adjusted.origin or 'built in Python'}) was not"
                    " read from TOML, so a version cannot state only its changes over it; state this"
                    f" version in full, with base = {adjusted.id!r}"
                ],
            )
        problems: list[str] = []
        merged = overlay(parse_toml(adjusted.text, adjusted.id), table, adjusted.id, problems)
        if problems:
            raise DataFileError(source, problems)
        merged_head = merged["ruleset"]
        del merged_head[ADJUSTS]
        merged_head["base"] = adjusted.id
        resolved = dump_toml(merged)
        try:
            version = _parse_ruleset(resolved, source, topics, origin)
        except DataFileError as exc:
            raise DataFileError(source, [_inherited(p, table, adjusted.id) for p in exc.problems]) from None
        return attrs.evolve(version, text=resolved, adjusted=adjusted)

    def find(self, ref: str, source: str, key: str, directory: Path | None) -> RuleSet:
        """The version ``ref`` names: a file beside ``source``, a file given together, or an id."""
        from .registry import rule_set

        if names_file(ref):
            if directory is None:
                raise DataFileError(
                    source,
                    [
                        f"ruleset.{key}: {ref!r} names a file, but this version is not read from a file;"
                        " read it with RuleSet.from_file (or name the version by its id)"
                    ],
                )
            path = Path(ref) if Path(ref).is_absolute() else directory / ref
            if not path.is_file():
                raise DataFileError(
                    source, [f"ruleset.{key}: no rule file {str(path)!r} ({ref!r} beside {source})"]
                )
            return self.load_file(path, str(path))
        if ref in self.by_id:
            return self.load_file(*self.by_id[ref])
        if ref in self.pool:
            return self.pool[ref]
        for year in available_rule_years():  # before any plug-in: a plug-in's own version may adjust these
            if load_rules(year).id == ref:
                return load_rules(year)
        try:
            return rule_set(ref)
        except UnknownRuleSetError as exc:
            raise DataFileError(source, [f"ruleset.{key}: {exc}"]) from None


def _ref_key(table: dict[str, Any]) -> str:
    head = table.get("ruleset")
    return ADJUSTS if isinstance(head, dict) and ADJUSTS in head else "base"


def _inherited(problem: str, stated: dict[str, Any], adjusted: str) -> str:
    """A problem at a key the partial version did not state says where the key comes from."""
    path, sep, message = problem.partition(": ")
    if not sep or " " in path or path.startswith("clauses") or _states(stated, path):
        return problem  # not at a key (the version as a whole), or at one this version states
    if message.startswith("missing") and "." in path and _states(stated, path.rpartition(".")[0]):
        return problem  # a key missing from a table this version wrote is missing from this file
    return f"{path}: {message} (from {adjusted!r}, which this version adjusts)"


def _states(table: Any, path: str) -> bool:
    node = table
    for part in re.split(r"\.|(?=\[)", path):
        index = re.fullmatch(r"\[(\d+)\]", part)
        if index is not None:
            if not isinstance(node, list) or int(index[1]) >= len(node):
                return False
            node = node[int(index[1])]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return False
    return True


# ------------------------------------------------------------------------------------------------
# The overlay


def overlay(base: dict[str, Any], over: dict[str, Any], adjusted: str, problems: list[str]) -> dict[str, Any]:
    """``over`` laid over ``base`` (the resolved TOML of the version ``adjusted``): a new table.

    - ``[ruleset]`` is the version's own; only ``topics`` is taken from ``base`` when not stated.
    - Tables merge key by key, at every depth; a value that is not a table (a figure, a text, an
      array such as a schedule's points) replaces the one it meets whole.
    - ``[[clauses]]`` merge by ``id``: a known id has the keys given replaced, a new id is added
      after the others.
    - ``remove = true`` in a table (a channel, a level, a category, ``[score]`` …) or a clause
      removes it; ``remove = ["key", …]`` removes those keys of the table; an empty array
      (``disqualification = []``) removes the array.

    Problems (removing what is not there) are added to ``problems``, each with its key path.
    """
    result = copy.deepcopy(base)
    head = over.get("ruleset")
    own = dict(head) if isinstance(head, dict) else head
    inherited = result.get("ruleset")
    if isinstance(own, dict) and isinstance(inherited, dict) and "topics" in inherited:
        own.setdefault("topics", inherited["topics"])
    rest = {k: v for k, v in over.items() if k != "ruleset"}
    merged = _merge(result, rest, "", adjusted, problems)
    if head is not None:
        merged["ruleset"] = own
    else:
        merged.pop("ruleset", None)
    return merged


def _merge(
    base: dict[str, Any], over: dict[str, Any], path: str, adjusted: str, problems: list[str]
) -> dict[str, Any]:
    result = dict(base)
    removing = over.get("remove")
    if "remove" in over and removing is not True:
        if not isinstance(removing, list) or not all(isinstance(k, str) for k in removing):
            problems.append(
                f"{_at(path, 'remove')}: expected true or a list of keys, found"
                f" {str(removing).lower() if isinstance(removing, bool) else describe(removing)}"
            )
        else:
            for n, name in enumerate(removing):
                if name in removing[:n]:
                    problems.append(f"{_at(path, 'remove')}: {name!r} is listed twice")
                elif name in over:
                    problems.append(f"{_at(path, 'remove')}: {name!r} is both removed and given")
                elif name not in result:
                    problems.append(f"{_at(path, 'remove')}: {adjusted!r} has no {_at(path, name)} to remove")
                else:
                    del result[name]
    for key, value in over.items():
        where = _at(path, key)
        if key == "remove" and removing is not True:
            continue
        if key == "clauses" and not path and isinstance(value, list):
            result[key] = _clauses(result.get(key), value, adjusted, problems)
        elif isinstance(value, dict):
            if "remove" in value and value["remove"] is True:
                if len(value) > 1:
                    problems.append(
                        f"{where}.remove: remove = true removes the whole table; give no other key with it"
                    )
                elif key not in result:
                    problems.append(f"{where}.remove: {adjusted!r} has no {where} to remove")
                else:
                    del result[key]
                continue
            existing = result.get(key)
            result[key] = _merge(
                existing if isinstance(existing, dict) else {}, value, where, adjusted, problems
            )
        elif isinstance(value, list) and not value and isinstance(result.get(key), list):
            del result[key]  # an empty array removes the adjusted version's
        else:
            result[key] = value
    return result


def _clauses(base: Any, over: list[Any], adjusted: str, problems: list[str]) -> Any:
    if not isinstance(base, list):
        return over
    result = [dict(c) if isinstance(c, dict) else c for c in base]
    written: dict[str, int] = {}
    for i, clause in enumerate(over):
        cid = clause.get("id") if isinstance(clause, dict) else None
        if isinstance(cid, str) and written.setdefault(cid, i) != i:  # as the full form refuses it
            problems.append(f"clauses[{i}].id: clause {cid!r} appears twice (also clauses[{written[cid]}])")
            continue
        at = next((n for n, c in enumerate(result) if isinstance(c, dict) and c.get("id") == cid), None)
        if cid is None or not isinstance(cid, str):
            result.append(clause)  # the reader says what is wrong with it
        elif clause.get("remove") is True:
            if set(clause) - {"id", "remove"}:
                problems.append(f"clauses[{i}].remove: remove = true removes the clause; give only its id")
            elif at is None:
                problems.append(f"clauses[{i}].remove: {adjusted!r} has no clause {cid!r} to remove")
            else:
                del result[at]
        elif at is None:
            result.append(clause)
        else:
            result[at] = _merge(result[at], clause, f"clauses[{i}]", adjusted, problems)
    return result


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# ------------------------------------------------------------------------------------------------
# TOML text from parsed TOML


def dump_toml(data: dict[str, Any]) -> str:
    """TOML text that reads back to ``data``: tables as ``[sections]``, arrays of tables as
    ``[[sections]]``, figures exactly as the ``Decimal`` or ``int`` they are."""
    out: list[str] = []

    def table(prefix: str, node: dict[str, Any]) -> None:
        for k, v in node.items():
            if not isinstance(v, dict) and not _is_tables(v):
                out.append(f"{_key(k)} = {_value(v)}")
        for k, v in node.items():
            name = f"{prefix}.{_key(k)}" if prefix else _key(k)
            if isinstance(v, dict):
                out.append(f"\n[{name}]")
                table(name, v)
            elif _is_tables(v):
                for element in v:
                    out.append(f"\n[[{name}]]")
                    table(name, element)

    table("", data)
    return "\n".join(out).lstrip("\n") + "\n"


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _string(key)


def _string(text: str) -> str:
    # JSON's escapes are TOML's; DEL is the one character TOML wants escaped that JSON leaves.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Decimal):
        if v.is_nan():
            return "nan"
        if v.is_infinite():
            return "-inf" if v < 0 else "inf"
        text = str(v)
        return text if "." in text or "E" in text else f"{text}.0"
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, dt.datetime | dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(map(_value, v)) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(f"no TOML form for {type(v).__name__}")


def _is_tables(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)
