"""What-if: the same events under two rule-set timelines, unit by unit, with the change by clause."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from .provenance import Provenance
from .quotas import QuotaTable
from .reports import provenance_json
from .results import Results, UnitResult, format_points

__all__ = ["Comparison", "UnitComparison", "compare", "group_ranks"]


def group_ranks(results: Results) -> dict[str, int]:
    """A unit's rank in its group: by score, then what counts toward the target, submissions, table order."""
    ranks: dict[str, int] = {}
    order = {u.unit.name: i for i, u in enumerate(results.units)}
    groups: dict[str, list[UnitResult]] = {}
    for u in results.units:
        groups.setdefault(u.unit.group, []).append(u)
    for members in groups.values():
        members.sort(key=lambda u: (-u.score, -u.counted, -u.submitted, order[u.unit.name]))
        ranks.update({u.unit.name: rank for rank, u in enumerate(members, start=1)})
    return ranks


@attrs.frozen
class UnitComparison:
    """One unit under both timelines: scores, ranks in its group, and the change by clause."""

    unit: str
    group: str
    score_a: Decimal
    score_b: Decimal
    rank_a: int
    rank_b: int
    clauses: tuple[tuple[str, Decimal], ...]

    @property
    def change(self) -> Decimal:
        return self.score_b - self.score_a


@attrs.frozen
class Comparison:
    """Every unit's score and rank under timelines ``a`` and ``b``, with each run's provenance."""

    a: str
    b: str
    as_of: str
    units: tuple[UnitComparison, ...]
    provenance_a: Provenance | None = None
    provenance_b: Provenance | None = None
    #: How the as-of date was chosen (see :attr:`~.results.Results.as_of_basis`).
    as_of_basis: str = "given"


def compare(a: Results, b: Results, quotas: QuotaTable) -> Comparison:
    """Compare two scorings of the same events; the change of each unit is attributed to clauses."""
    ranks_a, ranks_b = group_ranks(a), group_ranks(b)
    units = []
    for ua, ub in zip(a.units, b.units, strict=True):
        before, after = dict(ua.breakdown), dict(ub.breakdown)
        clauses = tuple(
            (c, after.get(c, Decimal(0)) - before.get(c, Decimal(0)))
            for c in dict.fromkeys([*before, *after])
            if after.get(c, Decimal(0)) != before.get(c, Decimal(0))
        )
        name = ua.unit.name
        units.append(
            UnitComparison(name, ua.unit.group, ua.score, ub.score, ranks_a[name], ranks_b[name], clauses)
        )
    return Comparison(
        a.rules, b.rules, a.as_of.isoformat(), tuple(units), a.provenance, b.provenance, a.as_of_basis
    )


def comparison_json(c: Comparison) -> dict[str, Any]:
    """The comparison as JSON: decimal strings for points, and the provenance of both runs."""
    return {
        "a": c.a,
        "b": c.b,
        "as_of": c.as_of,
        "as_of_basis": c.as_of_basis,
        "provenance": {"a": provenance_json(c.provenance_a), "b": provenance_json(c.provenance_b)},
        "units": [
            {
                "unit": u.unit,
                "group": u.group,
                "a": {"score": format_points(u.score_a), "rank": u.rank_a},
                "b": {"score": format_points(u.score_b), "rank": u.rank_b},
                "change": format_points(u.change),
                "clauses": {clause: format_points(points) for clause, points in u.clauses},
            }
            for u in c.units
        ],
    }
