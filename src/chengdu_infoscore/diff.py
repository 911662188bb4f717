"""What changed between two views of one year: the difference between two :class:`~.results.Results`.

Two views are two scorings of the same year against the same target table: as known on two
dates, a published bulletin's results and today's, before and after a correction. The earlier
view is ``before``, the later ``after``. :func:`diff_results` (or :meth:`Results.diff
<chengdu_infoscore.results.Results.diff>`) gives a frozen :class:`ResultsDiff`: per unit that
changed, in the table's order, its score, figures and rank in its group on both sides, the counts
that moved and the ledger lines added, removed or changed; and the rejections that appeared or
disappeared. :func:`diff_table` renders it for people, :func:`diff_json` for systems.

A ledger line is identified by its event, its clause and its place among that event's lines
under that clause in the unit's ledger (``occurrence``, from 0): a line of the same identity on
both sides whose date, points or reason differ is *changed*; one only in the later view is
*added*; one only in the earlier is *removed*. Every point is accounted for: a unit's score
moves by the sum of :attr:`LineChange.points_change` over its lines.

>>> from chengdu_infoscore import Submitted, Adopted, score
>>> log = [
...     Submitted(id="e1", date="2007-03-05", unit="青羊区", item="QY-1"),
...     Adopted(id="e2", date="2007-03-07", item="QY-1", channel="zwxx"),
... ]
>>> before = score(log)
>>> after = score([log[0], Adopted(id="e2", date="2007-03-07", item="QY-1", channel="zwxx_brief")])
>>> d = before.diff(after)
>>> [(u.name, u.score_before, u.score_after, u.change, u.rank_before, u.rank_after) for u in d.units]
[('青羊区', Decimal('4.1'), Decimal('2.1'), Decimal('-2.0'), 1, 1)]
>>> [(c.change, c.event, c.clause, c.before.points, c.after.points) for c in d.units[0].ledger]
[('changed', 'e2', 'A3.1.1', Decimal('4'), Decimal('2'))]
>>> d.unchanged, before.diff(before).empty
(117, True)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs

from ._arguments import describe, need
from .compare import group_ranks
from .exceptions import ArgumentError
from .messages import DEFAULT_LANG, LANGS, check_lang, words
from .provenance import Provenance
from .quotas import Unit
from .reports import provenance_json, rejection_json, render_table
from .results import LedgerLine, Rejection, Results, UnitResult, format_points, percent

__all__ = [
    "DIFF_KEYS",
    "LINE_KEYS",
    "UNIT_DIFF_KEYS",
    "CountChange",
    "DiffSide",
    "LineChange",
    "RankChange",
    "ResultsDiff",
    "UnitDiff",
    "diff_json",
    "diff_results",
    "diff_table",
]

_ZERO = Decimal(0)


@attrs.frozen
class DiffSide:
    """One side of a diff: what the view was scored as of, under which rules, from what.

    Attributes:
        as_of: the view's as-of date.
        rules: the id of the rule set applied.
        read, counted, repeats, after_as_of: the events read, counted, repeated and dated after
            ``as_of`` (as :class:`~.results.Results` gives them).
        rejected: the events rejected.
        provenance: what the view was computed from (its stamp and digests), if known.
    """

    as_of: dt.date
    rules: str
    read: int
    counted: int
    repeats: int
    after_as_of: int
    rejected: int
    provenance: Provenance | None = None
    #: Records taken out by withdrawals (see :attr:`~.results.Results.withdrawn`).
    withdrawn: int = 0
    #: How the as-of date was chosen (see :attr:`~.results.Results.as_of_basis`).
    as_of_basis: str = "given"

    @classmethod
    def of(cls, results: Results) -> DiffSide:
        """The side ``results`` make."""
        return cls(
            as_of=results.as_of,
            rules=results.rules,
            read=results.read,
            counted=results.counted,
            repeats=results.repeats,
            after_as_of=results.after_as_of,
            rejected=len(results.rejections),
            provenance=results.provenance,
            withdrawn=results.withdrawn,
            as_of_basis=results.as_of_basis,
        )


@attrs.frozen
class CountChange:
    """A count of a unit that moved: ``missed`` or ``late`` (of a ``category``), ``errors``,
    ``false_reports`` or ``excellent``."""

    count: str
    category: str | None
    before: int
    after: int


@attrs.frozen
class LineChange:
    """A ledger line added, removed or changed.

    Attributes:
        change: ``added`` (only in the later view), ``removed`` (only in the earlier) or
            ``changed`` (both, with another date, points or reason).
        event: the event that booked the line.
        clause: the clause it was booked under.
        occurrence: its place among the lines that ``event`` booked under ``clause`` in the unit's
            ledger, from 0 (an event books most clauses once).
        before: the line in the earlier view; ``None`` if added.
        after: the line in the later view; ``None`` if removed.
    """

    change: str
    event: str
    clause: str
    occurrence: int
    before: LedgerLine | None
    after: LedgerLine | None

    @property
    def points_change(self) -> Decimal:
        """What the line moved the unit's score by: its points after less its points before."""
        after = self.after.points if self.after is not None else _ZERO
        before = self.before.points if self.before is not None else _ZERO
        return after - before


@attrs.frozen
class UnitDiff:
    """A unit whose score, figures, counts or ledger lines differ between the two views.

    Attributes:
        unit: the unit, as the target table gives it.
        score_before, score_after: its score (综合计分) in each view.
        rank_before, rank_after: its rank in its group, by the bulletins' rule (points, then what
            counts toward the target, then submissions, then table order).
        submitted_before, submitted_after: items submitted (上报数).
        adopted_before, adopted_after: items adopted toward the target (采用数).
        counted_before, counted_after: what counts toward the target.
        completion_before, completion_after: ``counted ÷ target``, four places, rounded once half up.
        counts: the missed, late, error, false and excellent counts that moved.
        ledger: the ledger lines added, removed or changed, by date (the earlier of a changed
            line's two), then event, clause and occurrence.
    """

    unit: Unit
    score_before: Decimal
    score_after: Decimal
    rank_before: int
    rank_after: int
    submitted_before: int
    submitted_after: int
    adopted_before: int
    adopted_after: int
    counted_before: int
    counted_after: int
    completion_before: Decimal | None
    completion_after: Decimal | None
    counts: tuple[CountChange, ...] = ()
    ledger: tuple[LineChange, ...] = ()

    @property
    def name(self) -> str:
        """The unit's canonical name."""
        return self.unit.name

    @property
    def change(self) -> Decimal:
        """``score_after − score_before``."""
        return self.score_after - self.score_before


@attrs.frozen
class RankChange:
    """A unit whose own results are the same in both views but whose rank in its group moved with
    the others'."""

    unit: Unit
    before: int
    after: int

    @property
    def name(self) -> str:
        """The unit's canonical name."""
        return self.unit.name


@attrs.frozen
class ResultsDiff:
    """What changed from one view of a year (``before``) to a later one (``after``).

    Attributes:
        year: the assessment year of both.
        before, after: each view's as-of date, rules, event counts and provenance.
        units: every unit whose score, figures, counts or ledger lines differ, in the target
            table's order, with its rank in its group on both sides.
        unchanged: how many units are the same in both views (not listed in ``units``).
        reranked: the unchanged units whose rank in their group moved all the same (because
            others' scores moved), in the target table's order.
        rejections_appeared: rejections of the later view that the earlier did not have (the
            same file, line, event id and reason), in the later view's order.
        rejections_disappeared: rejections of the earlier view that the later does not have, in
            the earlier view's order.
    """

    year: int
    before: DiffSide
    after: DiffSide
    units: tuple[UnitDiff, ...]
    unchanged: int
    reranked: tuple[RankChange, ...] = ()
    rejections_appeared: tuple[Rejection, ...] = ()
    rejections_disappeared: tuple[Rejection, ...] = ()

    @property
    def empty(self) -> bool:
        """Whether no unit and no rejection changed (the as-of dates and provenance may differ)."""
        return not (self.units or self.rejections_appeared or self.rejections_disappeared)


def _check(before: Any, after: Any) -> None:
    need("before", before, Results, "the Results of score() or Scorer.results()")
    need("after", after, Results, "the Results of score() or Scorer.results()")
    if before.year != after.year:
        raise ArgumentError(
            f"the results are for {before.year} and {after.year}: a diff compares two views of one year"
        )
    pa, pb = before.provenance, after.provenance
    if (pa is not None and pb is not None and pa.targets_digest != pb.targets_digest) or [
        u.unit for u in before.units
    ] != [u.unit for u in after.units]:
        found = f" ({pa.targets_digest[:12]} and {pb.targets_digest[:12]})" if pa and pb else ""
        raise ArgumentError(
            f"the results of {before.year} were scored against different target tables{found}:"
            " a diff compares two views scored against the same table"
        )


def _keyed(result: UnitResult) -> dict[tuple[str, str, int], LedgerLine]:
    """A unit's ledger lines by identity: event, clause, and place among that event's lines under it."""
    seen: Counter[tuple[str, str]] = Counter()
    keyed = {}
    for line in result.ledger:
        n = seen[line.event, line.clause]
        seen[line.event, line.clause] = n + 1
        keyed[line.event, line.clause, n] = line
    return keyed


def _same(a: LedgerLine, b: LedgerLine) -> bool:
    return (a.date, a.points, a.message) == (b.date, b.points, b.message)


def _ledger(before: UnitResult, after: UnitResult) -> tuple[LineChange, ...]:
    if before.ledger == after.ledger:
        return ()
    was, now = _keyed(before), _keyed(after)
    changes = []
    for key, line in was.items():
        other = now.get(key)
        if other is None:
            changes.append(LineChange("removed", *key, line, None))
        elif not _same(line, other):
            changes.append(LineChange("changed", *key, line, other))
    changes += [LineChange("added", *key, None, line) for key, line in now.items() if key not in was]

    def order(c: LineChange) -> tuple[dt.date, str, str, int]:
        dates = [x.date for x in (c.before, c.after) if x is not None]
        return (min(dates), c.event, c.clause, c.occurrence)

    return tuple(sorted(changes, key=order))


def _tallies(u: UnitResult) -> dict[tuple[str, str | None], int]:
    found: dict[tuple[str, str | None], int] = {}
    found.update({("missed", cat): n for cat, n in u.missed})
    found.update({("late", cat): n for cat, n in u.late})
    found.update({("errors", None): u.errors, ("false_reports", None): u.false_reports})
    found[("excellent", None)] = u.excellent
    return found


def _counts(before: UnitResult, after: UnitResult) -> tuple[CountChange, ...]:
    was, now = _tallies(before), _tallies(after)
    keys = dict.fromkeys([*was, *now])  # both rule sets' categories, the earlier's first
    return tuple(
        CountChange(count, category, was.get((count, category), 0), now.get((count, category), 0))
        for count, category in keys
        if was.get((count, category), 0) != now.get((count, category), 0)
    )


def _rejections(mine: Sequence[Rejection], theirs: Sequence[Rejection]) -> tuple[Rejection, ...]:
    """The rejections of ``mine`` that ``theirs`` does not hold, as many times as they are not."""
    left = Counter(theirs)
    found = []
    for r in mine:
        if left[r]:
            left[r] -= 1
        else:
            found.append(r)
    return tuple(found)


def diff_results(before: Results, after: Results) -> ResultsDiff:
    """What changed from ``before`` (the earlier view) to ``after`` (the later view) of one year.

    Args:
        before: the earlier view, such as the results a published bulletin was made from.
        after: the later view, such as today's results.

    Returns:
        every unit that changed, with its figures, rank, counts and ledger lines on both sides,
        and the rejections that appeared or disappeared. The diff of results with themselves is
        empty; ``diff_results(b, a)`` is ``diff_results(a, b)`` with the sides swapped.

    Raises:
        TypeError: an argument is not :class:`~.results.Results`
            (:class:`~chengdu_infoscore.ArgumentTypeError`).
        ValueError: the two are of different years or were scored against different target
            tables (:class:`~chengdu_infoscore.ArgumentError`).
    """
    _check(before, after)
    ranks_before: dict[str, int] = before._derived("group_ranks", lambda: group_ranks(before))
    ranks_after: dict[str, int] = after._derived("group_ranks", lambda: group_ranks(after))
    units, reranked = [], []
    for b, a in zip(before.units, after.units, strict=True):
        name = b.unit.name
        ledger = _ledger(b, a)
        counts = _counts(b, a)
        same = (b.score, b.submitted, b.adopted, b.counted) == (a.score, a.submitted, a.adopted, a.counted)
        if same and not ledger and not counts:
            if ranks_before[name] != ranks_after[name]:
                reranked.append(RankChange(b.unit, ranks_before[name], ranks_after[name]))
            continue
        units.append(
            UnitDiff(
                unit=b.unit,
                score_before=b.score,
                score_after=a.score,
                rank_before=ranks_before[name],
                rank_after=ranks_after[name],
                submitted_before=b.submitted,
                submitted_after=a.submitted,
                adopted_before=b.adopted,
                adopted_after=a.adopted,
                counted_before=b.counted,
                counted_after=a.counted,
                completion_before=b.completion,
                completion_after=a.completion,
                counts=counts,
                ledger=ledger,
            )
        )
    return ResultsDiff(
        year=before.year,
        before=DiffSide.of(before),
        after=DiffSide.of(after),
        units=tuple(units),
        unchanged=len(before.units) - len(units),
        reranked=tuple(reranked),
        rejections_appeared=_rejections(after.rejections, before.rejections),
        rejections_disappeared=_rejections(before.rejections, after.rejections),
    )


# -- for systems --------------------------------------------------------------------------------

#: The keys of :func:`diff_json`, in order.
DIFF_KEYS = ("year", "before", "after", "units", "unchanged", "reranked", "rejections")
#: The keys of one unit in :func:`diff_json`, in order.
UNIT_DIFF_KEYS = (
    "unit",
    "label",
    "group",
    "score",
    "rank",
    "submitted",
    "adopted",
    "counted",
    "completion",
    "counts",
    "ledger",
)
#: The keys of one ledger line's change in :func:`diff_json`, in order.
LINE_KEYS = ("change", "event", "clause", "occurrence", "points_change", "before", "after")


def _side_json(s: DiffSide) -> dict[str, Any]:
    return {
        "as_of": s.as_of.isoformat(),
        "as_of_basis": s.as_of_basis,
        "rules": s.rules,
        "events": {
            "read": s.read,
            "counted": s.counted,
            "repeats": s.repeats,
            "after_as_of": s.after_as_of,
            "withdrawn": s.withdrawn,
            "rejected": s.rejected,
        },
        "provenance": provenance_json(s.provenance),
    }


def _line_json(line: LedgerLine | None, lang: str) -> dict[str, Any] | None:
    if line is None:
        return None
    return {
        "date": line.date.isoformat(),
        "points": format_points(line.points),
        "reason": line.text(lang),
        **line.message.as_json(),
    }


def _unit_json(u: UnitDiff, lang: str) -> dict[str, Any]:
    return {
        "unit": u.unit.name,
        "label": u.unit.label,
        "group": u.unit.group,
        "score": {
            "before": format_points(u.score_before),
            "after": format_points(u.score_after),
            "change": format_points(u.change),
        },
        "rank": {"before": u.rank_before, "after": u.rank_after},
        "submitted": {"before": u.submitted_before, "after": u.submitted_after},
        "adopted": {"before": u.adopted_before, "after": u.adopted_after},
        "counted": {"before": u.counted_before, "after": u.counted_after},
        "completion": {
            "before": None if u.completion_before is None else str(u.completion_before),
            "after": None if u.completion_after is None else str(u.completion_after),
        },
        "counts": [
            {"count": c.count, "category": c.category, "before": c.before, "after": c.after} for c in u.counts
        ],
        "ledger": [
            {
                "change": c.change,
                "event": c.event,
                "clause": c.clause,
                "occurrence": c.occurrence,
                "points_change": format_points(c.points_change),
                "before": _line_json(c.before, lang),
                "after": _line_json(c.after, lang),
            }
            for c in u.ledger
        ],
    }


def diff_json(d: ResultsDiff, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """The diff as JSON values (``to_json_text`` of :mod:`~.reports` writes them).

    Keys never change with the language. Points are exact decimal strings without trailing
    zeros and completions four-place decimal strings, as in the results' JSON; dates are
    ``YYYY-MM-DD``; a line's ``before`` is ``null`` when it was added and ``after`` when removed.
    A ledger line's ``reason`` is in ``lang`` (Chinese by default, or ``"en"``), its ``code`` and
    ``params`` beside it.

    Raises:
        TypeError: ``d`` is not a :class:`ResultsDiff` (:class:`~chengdu_infoscore.ArgumentTypeError`).
        ValueError: ``lang`` is neither ``zh`` nor ``en`` (:class:`~chengdu_infoscore.ArgumentError`).
    """
    need("d", d, ResultsDiff, "a ResultsDiff (Results.diff gives one)")
    check_lang(lang)
    return {
        "year": d.year,
        "before": _side_json(d.before),
        "after": _side_json(d.after),
        "units": [_unit_json(u, lang) for u in d.units],
        "unchanged": d.unchanged,
        "reranked": [
            {
                "unit": r.unit.name,
                "label": r.unit.label,
                "group": r.unit.group,
                "rank": {"before": r.before, "after": r.after},
            }
            for r in d.reranked
        ],
        "rejections": {
            "appeared": [rejection_json(r, lang) for r in d.rejections_appeared],
            "disappeared": [rejection_json(r, lang) for r in d.rejections_disappeared],
        },
    }


# -- for people ---------------------------------------------------------------------------------

#: The diff's words in each language, from the catalogues (``diff.*`` codes).
_WORDS: dict[str, dict[str, str]] = {lang: words("diff", lang) for lang in LANGS}


def _signed(value: Decimal) -> str:
    """Points with their sign: ``+2``, ``-0.1``, ``0``."""
    text = format_points(value)
    return f"+{text}" if value > 0 else text


def _moved(before: object, after: object) -> str:
    """``a → b`` if the value moved, else ``a``."""
    return f"{before} → {after}" if before != after else f"{before}"


def _side_text(label: str, s: DiffSide, w: dict[str, str], lang: str) -> str:
    text = f"{label}: " + w["side"].format(
        as_of=s.as_of,
        rules=s.rules,
        read=s.read,
        counted=s.counted,
        repeats=s.repeats,
        after_as_of=s.after_as_of,
        rejected=s.rejected,
    )
    if s.withdrawn:
        text += w["withdrawn"].format(withdrawn=s.withdrawn)
    if s.as_of_basis != "given":
        text += w[s.as_of_basis]
    if s.provenance is not None:
        text += f"\n  {s.provenance.line(lang)}"
    return text + "\n"


def _unit_block(u: UnitDiff, w: dict[str, str], lang: str) -> str:
    head = f"\n{u.unit.label} · {format_points(u.score_before)} → {format_points(u.score_after)}"
    parts = [f"{head} ({_signed(u.change)})\n"]
    if u.counts:
        moved = [
            f"{w[c.count]}{'' if c.category is None else ' ' + c.category} {c.before} → {c.after}"
            for c in u.counts
        ]
        parts.append("  " + " · ".join(moved) + "\n")
    if u.ledger:
        rows = []
        for c in u.ledger:
            if c.change == "changed":
                sides = [("was", c.before, ""), ("now", c.after, _signed(c.points_change))]
            else:
                sides = [(c.change, c.after if c.before is None else c.before, _signed(c.points_change))]
            for what, line, change in sides:
                assert line is not None
                date, points = line.date.isoformat(), format_points(line.points)
                rows.append([w[what], date, c.event, c.clause, points, change, line.text(lang)])
        head_row = [w[k] for k in ("what", "date", "event", "clause", "points", "change", "reason")]
        table = render_table(head_row, rows, [False, False, False, False, True, True, False])
        parts.append("".join(f"  {line}".rstrip() + "\n" for line in table.splitlines()))
    return "".join(parts)


def diff_table(d: ResultsDiff, lang: str = "zh") -> str:
    """The diff for people: both views, a table of the units that changed, then each unit's
    counts and ledger lines that moved, the other units whose rank moved, then the rejections
    that appeared or disappeared.

    Chinese headings by default, English with ``lang="en"``; numbers are the same in both.

    Raises:
        TypeError: ``d`` is not a :class:`ResultsDiff` (:class:`~chengdu_infoscore.ArgumentTypeError`).
        ValueError: ``lang`` is neither ``zh`` nor ``en`` (:class:`~chengdu_infoscore.ArgumentError`).
    """
    need("d", d, ResultsDiff, "a ResultsDiff (Results.diff gives one)")
    if lang not in _WORDS:
        raise ArgumentError(f"lang must be 'zh' or 'en', not {describe(lang)}")
    w = _WORDS[lang]
    parts = [
        w["title"].format(year=d.year) + "\n",
        _side_text(w["before"], d.before, w, lang),
        _side_text(w["after"], d.after, w, lang),
        "\n" + w["summary"].format(changed=len(d.units), unchanged=d.unchanged) + "\n",
    ]
    if d.empty:
        parts.append(w["nothing"] + "\n")
    if d.units:
        head = [w[k] for k in ("unit", "score_before", "score_after", "change", "rank")]
        head += [w[k] for k in ("submitted", "adopted", "counted", "completion")]
        rows = [
            [
                u.unit.label,
                format_points(u.score_before),
                format_points(u.score_after),
                _signed(u.change),
                _moved(u.rank_before, u.rank_after),
                _moved(u.submitted_before, u.submitted_after),
                _moved(u.adopted_before, u.adopted_after),
                _moved(u.counted_before, u.counted_after),
                (
                    _moved(percent(u.counted_before, u.unit.target), percent(u.counted_after, u.unit.target))
                    if u.unit.target is not None
                    else w["no_target"]
                ),
            ]
            for u in d.units
        ]
        parts.append("\n" + render_table(head, rows, [False, *[True] * 8]))
        parts += [_unit_block(u, w, lang) for u in d.units]
    if d.reranked:
        parts.append("\n" + w["reranked"].format(n=len(d.reranked)) + "\n")
        rows = [[r.unit.label, _moved(r.before, r.after)] for r in d.reranked]
        table = render_table([w["unit"], w["rank"]], rows, [False, True])
        parts.append("".join(f"  {line}".rstrip() + "\n" for line in table.splitlines()))
    for key, found in (("appeared", d.rejections_appeared), ("disappeared", d.rejections_disappeared)):
        if found:
            parts.append("\n" + w[key].format(n=len(found)) + "\n")
            parts += [f"  {r.line(lang)}\n" for r in found]
    return "".join(parts)
