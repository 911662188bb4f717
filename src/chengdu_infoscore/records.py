"""Results and bulletins as records (plain dicts) and as pandas data frames, for analysts.

A record is one flat ``dict`` per row, with the names of the JSON contract (``score --format
json``, ``bulletin --format json``): a nested object of the JSON becomes keys joined by dots, as
``pandas.json_normalize`` would name them (``breakdown.A3.1.1``, ``missed.work_dynamic``,
``cumulative.points``). Values are exact: points and rates are :class:`~decimal.Decimal`
(never a float), counts are ``int``, dates are :class:`datetime.date`, and ``None`` stands where
the JSON has ``null``. Every record of one call has the same keys in the same order, and the
rows come in a set order, so the same results give the same records.

:func:`frame` turns records into a ``pandas.DataFrame``; pandas is an optional extra
(``pip install 'chengdu-infoscore[frames]'``), imported only when a frame is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .exceptions import MissingExtraError
from .messages import check_lang
from .reports import UNIT_KEYS as JSON_UNIT_KEYS
from .results import Results, UnitResult, format_points, ratio

if TYPE_CHECKING:
    from .bulletins import MonthlyBulletin, YearEndBulletin
    from .periods import Figures

__all__ = [
    "BULLETIN_KEYS",
    "FIGURES_KEYS",
    "LEDGER_KEYS",
    "UNIT_KEYS",
    "bulletin_records",
    "frame",
    "ledger_records",
    "unit_records",
]

Record = dict[str, Any]

#: The JSON contract's objects that a record spreads into one key each (``breakdown.A3.1.1``).
_SPREAD = frozenset({"breakdown", "missed", "late", "commissions"})

#: The keys of a unit's record, in order: those of the JSON contract (:data:`.reports.UNIT_KEYS`),
#: where ``…`` stands for the keys of each clause, category or outcome (see :func:`unit_records`).
UNIT_KEYS = tuple(f"{key}.…" if key in _SPREAD else key for key in JSON_UNIT_KEYS)

#: The keys of a ledger line's record, in order.
LEDGER_KEYS = (
    "unit",
    "date",
    "event",
    "clause",
    "points",
    "reason",
    "code",
    "params",
    "rules",
    "item",
    "tally",
    "key",
)

#: The keys of a bulletin row's record before its figures, in order.
BULLETIN_KEYS = (
    "group",
    "rank",
    "unit",
    "label",
    "basis",
    "target",
    "counted",
    "completion",
    "completed",
    "shortfall",
)

#: The keys of a span's figures in a bulletin row, each after ``month.`` or ``cumulative.``.
FIGURES_KEYS = (
    "submitted",
    "adopted",
    "adoption_rate",
    "points",
    "missed.…",
    "late.…",
    "errors",
    "false_reports",
    "excellent",
    "sections.…",
)

#: Commission outcomes, in the order of their keys.
_OUTCOMES = ("on_time", "late", "unanswered", "pending")


def _union(pairs: Iterable[Iterable[tuple[str, Any]]]) -> list[str]:
    """Every key of the pairs, in the order first seen: the columns of a breakdown or of counts."""
    seen: dict[str, None] = {}
    for some in pairs:
        for key, _ in some:
            seen.setdefault(key)
    return list(seen)


def _points(value: Decimal) -> Decimal:
    """Points as the JSON prints them, exactly that figure: ``Decimal("599")`` for 599.0, never
    ``Decimal("599.0")`` (:func:`~chengdu_infoscore.results.format_points`)."""
    return Decimal(format_points(value))


def _spread(prefix: str, keys: Sequence[str], pairs: Iterable[tuple[str, Any]], zero: Any) -> Record:
    """``pairs`` as ``prefix.key`` entries, one for each of ``keys``, ``zero`` for a key it lacks."""
    found = dict(pairs)
    return {f"{prefix}.{key}": found.get(key, zero) for key in keys}


def _unit_record(u: UnitResult, clauses: Sequence[str], missed: Sequence[str], late: Sequence[str]) -> Record:
    outcomes = dict.fromkeys(_OUTCOMES, 0)
    for c in u.commissions:
        outcomes[c.outcome] += 1
    return {
        "unit": u.unit.name,
        "label": u.unit.label,
        "group": u.unit.group,
        "basis": u.unit.basis,
        "target": u.unit.target,
        "submitted": u.submitted,
        "adopted": u.adopted,
        "counted": u.counted,
        "completion": u.completion,
        "completed": u.completed,
        "shortfall": u.shortfall,
        "score": _points(u.score),
        **_spread("breakdown", clauses, ((c, _points(p)) for c, p in u.breakdown), Decimal(0)),
        **_spread("missed", missed, u.missed, 0),
        **_spread("late", late, u.late, 0),
        "errors": u.errors,
        "false_reports": u.false_reports,
        "excellent": u.excellent,
        **{f"commissions.{k}": n for k, n in outcomes.items()},
        "disqualified": u.disqualified,
        "capped_on": u.capped_on,
    }


def unit_records(results: Results) -> list[Record]:
    """One record per unit, in the target table's order, with the figures of ``score --format json``.

    The keys are :data:`UNIT_KEYS`, where ``breakdown.…`` is ``breakdown.<clause>`` for every
    clause of the rule set, in its order (the points, a ``Decimal``); ``missed.…`` and ``late.…``
    are ``missed.<category>`` and ``late.<category>`` (counts); ``commissions.…`` is
    ``commissions.on_time``, ``.late``, ``.unanswered`` and ``.pending`` (how many of the unit's
    commissions stand so). ``completion`` is the four-place ``Decimal`` of the JSON;
    ``disqualified`` a tuple of reasons (empty when the unit may be commended); ``capped_on`` a
    ``datetime.date`` or ``None``.
    """
    clauses = _union(u.breakdown for u in results.units)
    missed = _union(u.missed for u in results.units)
    late = _union(u.late for u in results.units)
    return [_unit_record(u, clauses, missed, late) for u in results.units]


def ledger_records(results: Results, lang: str = "zh") -> list[Record]:
    """One record per ledger line: every unit's lines, units in the target table's order, each
    unit's lines in its ledger's order (by date).

    The keys are :data:`LEDGER_KEYS`: ``unit`` (its canonical name), the line's ``date`` (a
    ``datetime.date``), ``event``, ``clause``, ``points`` (a ``Decimal``), ``reason`` (in ``lang``:
    Chinese by default, or ``"en"``), ``code`` and ``params`` (the reason's code in the catalogues
    and its parameters, as the JSON gives them: the same in every language), ``rules`` (the
    version that booked it), ``item``, ``tally`` (the count it moved) and ``key`` (the category or
    key-point section), the last four ``None`` where they do not apply.

    Raises:
        ValueError: ``lang`` is neither ``zh`` nor ``en`` (:class:`~chengdu_infoscore.ArgumentError`).
    """
    check_lang(lang)
    return [
        {
            "unit": u.unit.name,
            "date": line.date,
            "event": line.event,
            "clause": line.clause,
            "points": _points(line.points),
            "reason": line.text(lang),
            **line.message.as_json(),
            "rules": line.rules,
            "item": line.item,
            "tally": line.tally,
            "key": line.key,
        }
        for u in results.units
        for line in u.ledger
    ]


def _figures(
    prefix: str, f: Figures, missed: Sequence[str], late: Sequence[str], sections: Sequence[str]
) -> Record:
    return {
        f"{prefix}.submitted": f.submitted,
        f"{prefix}.adopted": f.adopted,
        f"{prefix}.adoption_rate": f.adoption_rate,
        f"{prefix}.points": _points(f.points),
        **_spread(f"{prefix}.missed", missed, f.missed, 0),
        **_spread(f"{prefix}.late", late, f.late, 0),
        f"{prefix}.errors": f.errors,
        f"{prefix}.false_reports": f.false_reports,
        f"{prefix}.excellent": f.excellent,
        **_spread(f"{prefix}.sections", sections, f.sections, 0),
    }


def bulletin_records(bulletin: MonthlyBulletin | YearEndBulletin) -> list[Record]:
    """One record per unit, by group as the target table orders them and by rank in each group, as
    the bulletin's tables list them.

    The keys are :data:`BULLETIN_KEYS`, then for a monthly bulletin the month's figures
    (:data:`FIGURES_KEYS` after ``month.``), then the figures of the year so far (after
    ``cumulative.``; a year-end bulletin has these alone). ``completion`` is ``counted ÷ target``
    to four places, as in :func:`unit_records` (the bulletin prints it as a percentage);
    ``adoption_rate`` is ``None`` when nothing was submitted.
    """
    from .bulletins import MonthlyBulletin  # the bulletins are built on the results, not on this

    rows = [(g, r) for g in bulletin.groups for r in g.rows]
    spans = ["month", "cumulative"] if isinstance(bulletin, MonthlyBulletin) else ["cumulative"]
    every = [r.cumulative for _, r in rows] + [r.month for _, r in rows if "month" in spans]
    missed = _union(f.missed for f in every)
    late = _union(f.late for f in every)
    sections = _union(f.sections for f in every)
    records = []
    for g, r in rows:
        target = r.unit.target
        record: Record = {
            "group": g.group.key,
            "rank": r.rank,
            "unit": r.unit.name,
            "label": r.unit.label,
            "basis": r.unit.basis,
            "target": target,
            "counted": r.counted,
            "completion": None if target is None else ratio(r.counted, target),
            "completed": r.completed,
            "shortfall": r.shortfall,
        }
        for span in spans:
            record.update(
                _figures(span, r.month if span == "month" else r.cumulative, missed, late, sections)
            )
        records.append(record)
    return records


# -- data frames -----------------------------------------------------------------------------------

#: Keys whose values are whole numbers (``None`` where the JSON has ``null``), by their last part.
_COUNTS = frozenset(
    {"target", "submitted", "adopted", "counted", "shortfall", "errors", "false_reports", "excellent", "rank"}
)
#: Keys whose values are counts by category, section or outcome, by their part before the last.
_COUNTED_BY = frozenset({"missed", "late", "sections", "commissions"})


def _dtype(key: str) -> str:
    """The column type of ``key``: ``Int64`` for counts, ``boolean`` for ``completed``, else ``object``."""
    parts = key.split(".")
    if parts[0] in ("month", "cumulative"):
        parts = parts[1:]
    if parts[0] in _COUNTED_BY and len(parts) > 1:
        return "Int64"
    if len(parts) == 1 and parts[0] in _COUNTS:
        return "Int64"
    if parts == ["completed"]:
        return "boolean"
    return "object"


def _pandas() -> Any:
    """The pandas module, imported now.

    Raises:
        MissingExtraError: pandas is not installed (an :class:`ImportError`); the message says
            which extra installs it.
    """
    try:
        return importlib.import_module("pandas")
    except ImportError as exc:
        raise MissingExtraError("frames", "pandas", "a data frame") from exc


def frame(records: Sequence[Record], keys: Sequence[str] = ()) -> Any:
    """``records`` as a ``pandas.DataFrame``, one row each, a column per key in the records' order.

    Exact values stay exact: a column of points, rates or completions holds the records'
    ``Decimal`` values (``object`` columns; ``df["score"].sum()`` is a ``Decimal``), dates stay
    ``datetime.date`` (``pandas.to_datetime(df["date"])`` converts them), text and tuples are
    ``object`` columns too. Counts are ``Int64`` columns and ``completed`` a ``boolean`` column,
    pandas' nullable types, so that a unit without target gives ``<NA>``, never a float.

    Args:
        records: records of :func:`unit_records`, :func:`ledger_records` or
            :func:`bulletin_records`.
        keys: the columns when there are no records.

    Raises:
        MissingExtraError: pandas is not installed (``pip install 'chengdu-infoscore[frames]'``).
    """
    pd = _pandas()
    columns = list(records[0]) if records else list(keys)
    return pd.DataFrame(
        {key: pd.Series([r[key] for r in records], dtype=_dtype(key)) for key in columns},
        columns=columns,
    )
