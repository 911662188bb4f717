"""The contacts registry (联系人登记): who is each unit's leader in charge of information work
(主管领导) and who are its information officers (信息员), as of a date — 附件3 三(三): every unit
gives the office their names, posts and telephone numbers, and reports every change.

The registry is a pure function of the ``contact`` records in force (events.md): the same records,
in any order, give the same registry. A record puts a person on record for a unit and a role from
its date (a second record for the same unit, role and name changes their post or telephone); a
record with ``left`` takes them off from its date. A unit may have several leaders and officers.

>>> import datetime as dt
>>> from chengdu_infoscore import Contact
>>> records = [
...     Contact(id="c1", date="2007-01-04", unit="锦江区", role="leader", name="李明", title="副区长"),
...     Contact(id="c2", date="2007-01-04", unit="锦江区", role="信息员", name="王敏", phone="028-8462 1234"),
...     Contact(id="c3", date="2007-06-01", unit="锦江区", role="officer", name="王敏", left=True),
... ]
>>> registry = contacts_as_of(records, as_of=dt.date(2007, 3, 31))
>>> [(p.name, p.phone) for p in registry.unit("锦江区").officers]
[('王敏', '028-8462 1234')]
>>> contacts_as_of(records, as_of=dt.date(2007, 6, 30)).unit("锦江区").missing
('officer',)

**Telephone numbers are personal data.** They are in the registry (the office's own list), and
every output of it can leave them out (``phones=False``); bulletins and unit pages never show them.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

import attrs

from . import _contacts
from ._arguments import need, need_date
from ._codecs import DETAILS, POS, ROLE, UNIT, Row
from ._places import Places, quiet_collector
from ._run import Run, rejection_order, rejections_of, rows_of, setup
from ._select import unreadable_ids
from .corrections import in_force
from .events import CONTACT_ROLES, Contact, Event
from .exceptions import ArgumentError
from .messages import check_lang, text
from .quotas import QuotaTable
from .readers import ReadResult, read_events
from .results import Rejection, Results

if TYPE_CHECKING:
    from .store import Store

__all__ = [
    "HISTORY_KEYS",
    "PEOPLE_KEYS",
    "ROLES",
    "ContactChange",
    "Person",
    "Registry",
    "UnitContacts",
    "contacts_as_of",
    "history_table",
    "missing_table",
    "people_table",
    "registry",
    "registry_csv",
    "registry_json",
    "registry_summary",
    "registry_table",
    "results_registry",
]

#: The roles, in the order outputs list them.
ROLES: Final = tuple(CONTACT_ROLES)


@attrs.frozen
class Person:
    """A person on record for a unit and role: since when (the date of the record that put them on
    record), their post (职务) and telephone (``None`` when not given or left out), and the id of
    the latest record about them."""

    role: str
    name: str
    title: str | None
    phone: str | None
    since: dt.date
    record: str


@attrs.frozen
class ContactChange:
    """One change of a unit's contacts: ``joined`` (on record), ``updated`` (post or telephone given
    again) or ``left``, on ``date``, by the record ``record``."""

    date: dt.date
    unit: str
    role: str
    name: str
    change: str
    title: str | None
    phone: str | None
    record: str


@attrs.frozen
class UnitContacts:
    """A unit's contacts as of the registry's date: its leaders and officers, by date on record and
    name; ``missing`` the roles nobody holds (``leader``, ``officer``)."""

    unit: str
    group: str
    leaders: tuple[Person, ...]
    officers: tuple[Person, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(
            role for role, held in zip(ROLES, (self.leaders, self.officers), strict=True) if not held
        )


@attrs.frozen
class Registry:
    """Every unit's contacts as of a date, in the order of the target table.

    Attributes:
        as_of: the date the registry holds on.
        units: every unit of the target table, with its contacts.
        history: every change up to ``as_of``, in the order it took effect.
        rejections: the records rejected on the way (unreadable records, contacts of unknown
            units, ``left`` records for nobody on record, ids used twice…), by file and line;
            empty when the registry was made from records already judged.
        phones: whether the telephone numbers are in it (see :meth:`without_phones`).
    """

    as_of: dt.date
    units: tuple[UnitContacts, ...]
    history: tuple[ContactChange, ...]
    rejections: tuple[Rejection, ...] = ()
    phones: bool = True

    @property
    def missing(self) -> tuple[UnitContacts, ...]:
        """The units with no leader or no officer on record, in table order."""
        return tuple(u for u in self.units if u.missing)

    def unit(self, name: str) -> UnitContacts:
        """A unit's contacts by its canonical name.

        Raises:
            KeyError: no unit of that name is in the registry.
        """
        for u in self.units:
            if u.unit == name:
                return u
        raise KeyError(name)

    def without_phones(self) -> Registry:
        """The same registry with every telephone number left out: what anything public shows."""
        if not self.phones:
            return self

        def strip(people: tuple[Person, ...]) -> tuple[Person, ...]:
            return tuple(attrs.evolve(p, phone=None) for p in people)

        units = tuple(
            attrs.evolve(u, leaders=strip(u.leaders), officers=strip(u.officers)) for u in self.units
        )
        history = tuple(attrs.evolve(c, phone=None) for c in self.history)
        return attrs.evolve(self, units=units, history=history, phones=False)


def _order(c: Contact) -> tuple[dt.date, bool, str]:
    return (c.date, c.left, c.id)


def registry(
    contacts: Iterable[Event], quotas: QuotaTable, as_of: dt.date, *, phones: bool = True
) -> Registry:
    """The registry of contacts already judged — :attr:`~.results.Results.contacts`, units and roles
    in canonical form — as of ``as_of`` (contacts dated after it are not yet on record).

    Pure: the same contacts in any order give the same registry. A ``left`` for someone not on
    record is passed over (the engine has rejected it already).
    """
    need("quotas", quotas, QuotaTable, "a QuotaTable (load_quotas(year) gives one)")
    need_date("as_of", as_of)
    on_record: dict[tuple[str, str], dict[str, Person]] = {}
    history: list[ContactChange] = []
    for c in sorted((c for c in contacts if isinstance(c, Contact) and c.date <= as_of), key=_order):
        people = on_record.setdefault((c.unit, c.role), {})
        phone = c.phone if phones else None
        if c.left:
            if people.pop(c.name, None) is not None:
                history.append(ContactChange(c.date, c.unit, c.role, c.name, "left", c.title, phone, c.id))
            continue
        known = people.get(c.name)
        since, title = (c.date, c.title) if known is None else (known.since, c.title or known.title)
        if known is not None and phone is None:  # a record that leaves the telephone out keeps it
            phone = known.phone
        people[c.name] = Person(c.role, c.name, title, phone, since, c.id)
        change = "joined" if known is None else "updated"
        history.append(ContactChange(c.date, c.unit, c.role, c.name, change, title, phone, c.id))

    def listed(unit: str, role: str) -> tuple[Person, ...]:
        return tuple(sorted(on_record.get((unit, role), {}).values(), key=lambda p: (p.since, p.name)))

    units = tuple(
        UnitContacts(u.name, u.group, listed(u.name, "leader"), listed(u.name, "officer"))
        for u in quotas.units
    )
    order = {u.name: i for i, u in enumerate(quotas.units)}
    # By day, in table order, and within a unit's role as the records took effect: on record before
    # taken off (a `left` and an update of one day read as they were applied).
    history.sort(
        key=lambda h: (
            h.date,
            order.get(h.unit, len(order)),
            h.unit,
            ROLES.index(h.role),
            h.change == "left",
            h.record,
        )
    )
    return Registry(as_of, units, tuple(history), phones=phones)


def results_registry(results: Results, as_of: dt.date | None = None, *, phones: bool = False) -> Registry:
    """The registry of the contacts counted in ``results``, as of ``as_of`` (by default the results'
    own as-of date); without telephone numbers unless asked, since what is made from results is
    mostly published."""
    need("results", results, Results, "the Results of score() or Scorer.results()")
    if results.quotas is None:  # pragma: no cover - results are always made with their table
        raise ArgumentError("these results carry no target table")
    return registry(
        results.contacts, results.quotas, results.as_of if as_of is None else as_of, phones=phones
    )


def contacts_as_of(
    source: Store | ReadResult | Iterable[Event] | Iterable[str | os.PathLike[str]],
    *,
    as_of: dt.date | None = None,
    known_on: dt.date | None = None,
    quotas: QuotaTable | None = None,
    year: int | None = None,
    phones: bool = True,
) -> Registry:
    """The registry of a store's records as known on ``known_on`` (by default everything recorded),
    of what :func:`~.readers.read_events` gave, of events given in Python, or of event-log files
    (paths), as of ``as_of`` (by default 31 December of the year).

    The records are judged as :func:`~.engine.score` judges them (withdrawals, repeats, ids used by
    different records, unknown units, ``left`` for nobody on record) but no event is folded: it is
    cheap. The registry's :attr:`~Registry.rejections` are those of records that cannot be read,
    of withdrawals and of contacts; a scored event's own problems (an item never submitted…) are
    for ``score``.

    Raises:
        TypeError: an argument of the wrong type (:class:`~.exceptions.ArgumentTypeError`).
        ValueError: ``as_of`` outside the year; ``known_on`` given without a store.
        EventFileError: a path that is not an event log.
        StoreError: the store cannot be read.
    """
    from .store import Store

    need("phones", phones, bool, "True or False")
    if known_on is not None:
        need_date("known_on", known_on)
    timeline, quotas, year, as_of = setup(None, quotas, year, as_of)
    if isinstance(source, Store):
        read = source.read(known_on)
    elif known_on is not None:
        raise ArgumentError("known_on is for a store: records given otherwise are all known")
    elif isinstance(source, ReadResult):
        read = source
    else:
        given = list(source)
        if given and all(isinstance(g, str | os.PathLike) for g in given):
            read = read_events(given)  # type: ignore[arg-type]
        else:
            places = Places()
            read = ReadResult._of(rows_of(given, places), places, (), 0)  # type: ignore[arg-type]
    with quiet_collector():
        places = read._places
        rows, reader, _ = in_force(list(read._rows), places, rejections_of(read.rejections))
        rows, contacts = _contacts.split(rows)
        run = Run(timeline, quotas, year, as_of, places)
        taken = _contacts.take(run, rows, contacts, unreadable_ids(reader))
        rejections = sorted([*reader, *taken.rejections], key=rejection_order)
        events = [_contact(row, places) for row in taken.counted]
    made = registry(events, quotas, as_of, phones=phones)
    return attrs.evolve(made, rejections=tuple(rejections))


def _contact(row: Row, places: Places) -> Contact:
    name, title, phone, left = row[DETAILS]
    return Contact(
        id=row[1],
        date=row[0],
        unit=row[UNIT],
        role=row[ROLE],
        name=name,
        title=title,
        phone=phone,
        left=left,
        origin=places.origin(row[POS]),
    )


# -- the JSON contract --------------------------------------------------------------------------


def _person_json(p: Person, phones: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"name": p.name, "title": p.title}
    if phones:
        data["phone"] = p.phone
    data["since"] = p.since.isoformat()
    data["record"] = p.record
    return data


def registry_json(
    registry: Registry, quotas: QuotaTable | None = None, *, phones: bool | None = None, lang: str = "zh"
) -> dict[str, Any]:
    """The ``contacts --format json`` contract: the as-of date, every unit with its leaders and
    officers and the roles it lacks, the units lacking one (``missing``), every change up to the
    date (``history``) and every rejection. Without phones (``phones=False``, or a registry made
    without), no ``phone`` key appears at all.
    """
    from .reports import rejection_json

    with_phones = registry.phones if phones is None else phones and registry.phones
    labels = {u.name: u.label for u in quotas.units} if quotas is not None else {}
    units = []
    for u in registry.units:
        units.append(
            {
                "unit": u.unit,
                "label": labels.get(u.unit, u.unit),
                "group": u.group,
                "leaders": [_person_json(p, with_phones) for p in u.leaders],
                "officers": [_person_json(p, with_phones) for p in u.officers],
                "missing": list(u.missing),
            }
        )
    history = []
    for c in registry.history:
        entry: dict[str, Any] = {
            "date": c.date.isoformat(),
            "unit": c.unit,
            "role": c.role,
            "name": c.name,
            "change": c.change,
            "title": c.title,
        }
        if with_phones:
            entry["phone"] = c.phone
        entry["record"] = c.record
        history.append(entry)
    return {
        "as_of": registry.as_of.isoformat(),
        "phones": with_phones,
        "units": units,
        "missing": [{"unit": u.unit, "group": u.group, "missing": list(u.missing)} for u in registry.missing],
        "history": history,
        "rejections": [rejection_json(r, lang) for r in registry.rejections],
    }


# -- text outputs -------------------------------------------------------------------------------

#: The columns of the registry's table and of the history's, as ``--keys`` names them (the JSON
#: contract's keys); ``phone`` only when the registry has the telephone numbers.
PEOPLE_KEYS: Final = ("unit", "group", "role", "name", "title", "phone", "since", "record")
HISTORY_KEYS: Final = ("date", "unit", "role", "name", "change", "title", "phone", "record")
#: The catalogue code of each column's heading (``contacts.*``), where it is not the key itself.
_HEADING = {"title": "title_col", "record": "event"}


def _role_word(role: str, lang: str | None) -> str:
    return role if lang is None else text(f"contacts.{role}", lang)


def _headings(keys: Iterable[str], lang: str | None, phones: bool) -> list[str]:
    shown = [k for k in keys if phones or k != "phone"]
    return shown if lang is None else [text(f"contacts.{_HEADING.get(k, k)}", lang) for k in shown]


def _group_word(group: str, quotas: QuotaTable | None, lang: str | None) -> str:
    """A group as people read it: the target table's label in Chinese, the key otherwise."""
    if lang == "zh" and quotas is not None:
        return next((g.label for g in quotas.groups if g.key == group), group)
    return group


def people_table(
    registry: Registry, quotas: QuotaTable | None = None, lang: str | None = "zh"
) -> tuple[list[str], list[list[str]]]:
    """The registry's table: its headings and one row per person on record — unit, group, role,
    name, post, telephone (when the registry has them), since, record — and one per role a unit
    lacks, its name ``无``/``none`` and the rest empty; units in the target table's order.

    ``lang`` ``None`` gives the ``--keys`` table: the JSON contract's keys as headings and its
    values in cells (the group's key, the role ``leader``/``officer``, an empty name for a role
    nobody holds); ``"zh"`` the group's label and the words in Chinese, ``"en"`` in English.
    """
    if lang is not None:
        check_lang(lang)
    phones = registry.phones
    lacking = "" if lang is None else text("contacts.none", lang)
    rows: list[list[str]] = []
    for u in registry.units:
        group = _group_word(u.group, quotas, lang)
        for role, people in zip(ROLES, (u.leaders, u.officers), strict=True):
            if not people:
                rows.append(
                    [u.unit, group, _role_word(role, lang), lacking, "", *([""] if phones else []), "", ""]
                )
            for p in people:
                phone = [p.phone or ""] if phones else []
                rows.append(
                    [
                        u.unit,
                        group,
                        _role_word(role, lang),
                        p.name,
                        p.title or "",
                        *phone,
                        str(p.since),
                        p.record,
                    ]
                )
    return _headings(PEOPLE_KEYS, lang, phones), rows


def history_table(registry: Registry, lang: str | None = "zh") -> tuple[list[str], list[list[str]]]:
    """The history's table: its headings and one row per change — date, unit, role, name, change,
    post, telephone (when the registry has them), record — in the order the changes took effect.
    ``lang`` ``None``: the ``--keys`` table (``leader``, ``joined``…), as for :func:`people_table`.
    """
    if lang is not None:
        check_lang(lang)
    phones = registry.phones
    rows = []
    for c in registry.history:
        phone = [c.phone or ""] if phones else []
        change = c.change if lang is None else text(f"contacts.{c.change}", lang)
        rows.append(
            [str(c.date), c.unit, _role_word(c.role, lang), c.name, change, c.title or "", *phone, c.record]
        )
    return _headings(HISTORY_KEYS, lang, phones), rows


def missing_table(
    registry: Registry, quotas: QuotaTable | None = None, lang: str = "zh"
) -> tuple[list[str], list[list[str]]]:
    """The units with no leader or no officer on record, in table order: unit, group and the roles
    it lacks (``主管领导、信息员``; in English ``leader in charge, information officer``)."""
    check_lang(lang)
    joiner = "、" if lang == "zh" else ", "
    rows = [
        [u.unit, _group_word(u.group, quotas, lang), joiner.join(_role_word(r, lang) for r in u.missing)]
        for u in registry.missing
    ]
    return [text(f"contacts.{k}", lang) for k in ("unit", "group", "lacks")], rows


def registry_summary(registry: Registry, lang: str = "zh") -> str:
    """The registry's line of counts: units, leaders and officers on record, units lacking one."""
    return text(
        "contacts.summary",
        lang,
        units=len(registry.units),
        leaders=sum(len(u.leaders) for u in registry.units),
        officers=sum(len(u.officers) for u in registry.units),
        missing=len(registry.missing),
    )


def _missing_line(u: UnitContacts, lang: str) -> str:
    return (
        "、".join(text(f"contacts.no_{role}", lang) for role in u.missing)
        if lang == "zh"
        else ", ".join(text(f"contacts.no_{role}", lang) for role in u.missing)
    )


def registry_table(
    registry: Registry, quotas: QuotaTable | None = None, lang: str = "zh", *, history: bool = False
) -> str:
    """The registry for people: each unit's leaders and officers (with their telephone numbers when
    the registry has them), then the units that lack one; with ``history``, every change too."""
    from .reports import render_table

    check_lang(lang)
    parts = [text("contacts.title", lang, as_of=registry.as_of), ""]
    headings, people = people_table(registry, quotas, lang)
    parts.append(render_table(headings, people, [False] * len(people[0]) if people else []))
    if history:
        parts += [text("contacts.history_title", lang, as_of=registry.as_of), ""]
        headings, rows = history_table(registry, lang)
        parts.append(
            render_table(headings, rows, [False] * len(headings))
            if rows
            else text("contacts.none", lang) + "\n"
        )
    parts += [text("contacts.missing_title", lang, as_of=registry.as_of), ""]
    missing = registry.missing
    if missing:
        parts += [f"  {u.unit}: {_missing_line(u, lang)}" for u in missing]
    else:
        parts.append("  " + text("contacts.none", lang))
    parts += ["", registry_summary(registry, lang)]
    return "\n".join(parts) + "\n"


def registry_csv(
    registry: Registry, quotas: QuotaTable | None = None, lang: str | None = "zh", *, history: bool = False
) -> str:
    """The registry as CSV (UTF-8 with BOM): one row per person on record and one per role a unit
    lacks (name ``无``/``none``); with ``history``, one row per change instead.

    ``lang`` ``None`` is ``contacts --keys``: the JSON contract's keys as the header row and its
    values in the cells (``district``, ``leader``, ``joined``; an empty name for a role nobody
    holds), for scripts.
    """
    import csv
    import io

    from .reports import BOM

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    headings, rows = history_table(registry, lang) if history else people_table(registry, quotas, lang)
    writer.writerow(headings)
    writer.writerows(rows)
    return BOM + out.getvalue()
