"""Benchmark: live scoring, as ratios to one full ``score()`` of the same year measured in the same run.

    python benchmarks/live.py                     # the sample year
    python benchmarks/live.py --events 1000000    # a log of a million events

The year's events (as Python events) are fed to a :class:`~chengdu_infoscore.Scorer` day by
day, each day's batch followed by the results as of that day. It reports, as fractions of one
full ``score()`` of all the events (the median of ``--repeat`` runs):

- the median day and the last day (its batch and its results);
- one backdated event: a missed report of one unit dated in January, arriving at the year's end;
- a revision of one event from the middle of the year, arriving at the year's end;
- results again with nothing new, and with the as-of date moved a day back (a rewind);
- the whole year fed day by day.

Times are the process's own CPU time (``time.process_time``), so that other work on a shared
machine does not count against either side of a ratio. The targets (issue "Live scoring"): the
median and the last day ≤ 3 %, the backdated event ≤ 5 %, the whole year ≤ 3 × one full score,
at the sample year's size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from typing import Any

import attrs

from chengdu_infoscore import Missed, Scorer, sample_year, score

_TARGETS = {"median day": 0.03, "last day": 0.03, "backdated January event": 0.05, "whole year": 3.0}


def year_of(size: int | None) -> list[Any]:
    """The sample year, or ``size`` events: copies of it under distinct ids, items and commissions."""
    if size is None:
        return list(sample_year())
    events: list[Any] = []
    copy = 0
    while len(events) < size:
        prefix = f"c{copy}-"
        for e in sample_year(seed=2007 + copy):
            changes: dict[str, Any] = {"id": prefix + e.id}
            for field in ("item", "commission"):
                if getattr(e, field, None) is not None:
                    changes[field] = prefix + getattr(e, field)
            events.append(attrs.evolve(e, **changes))
        copy += 1
    return events[:size]


def run_once(events: list[Any]) -> dict[str, float]:
    """One run: a full score, then the year fed day by day, then the corrections at the year's end.

    The full score is timed warm (the rule set and target table already loaded, as they are for
    the scorer), the best of three: the ratios are to the cost of scoring, not of starting up.
    """
    full_results = score(events, as_of=dt.date(2007, 12, 31))
    fulls = []
    for _ in range(3):
        started = time.process_time()
        score(events, as_of=dt.date(2007, 12, 31))
        fulls.append(time.process_time() - started)
    full = min(fulls)

    days: dict[dt.date, list[Any]] = {}
    for e in events:
        days.setdefault(e.date, []).append(e)
    scorer = Scorer()
    each: list[float] = []
    year_started = time.process_time()
    for day in sorted(days):
        started = time.process_time()
        scorer.add(days[day])
        scorer.results(as_of=min(day, dt.date(2007, 12, 31)))
        each.append(time.process_time() - started)
    whole = time.process_time() - year_started
    year_end = dt.date(2007, 12, 31)
    assert scorer.results(as_of=year_end).units == full_results.units, "live results differ from score()"

    def timed(action: Any) -> float:
        started = time.process_time()
        action()
        return time.process_time() - started

    backdated = Missed(id="bench-backdated", date="2007-01-09", unit="青羊区", category="work_dynamic")
    middle = next(e for e in events if e.date.month == 6 and isinstance(e, Missed))
    revised = attrs.evolve(middle, category="important_subject")
    return {
        "full score (s)": full,
        "median day": statistics.median(each) / full,
        "last day": each[-1] / full,
        "backdated January event": timed(lambda: (scorer.add([backdated]), scorer.results(as_of=year_end)))
        / full,
        "revision of a June event": timed(lambda: (scorer.add([revised]), scorer.results(as_of=year_end)))
        / full,
        "results, nothing new": timed(lambda: scorer.results(as_of=year_end)) / full,
        "as-of date a day back": timed(lambda: scorer.results(as_of=dt.date(2007, 12, 30))) / full,
        "whole year": whole / full,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--events", type=int, default=None, help="a log of this many events (default: the sample year)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    events = year_of(args.events)
    runs = [run_once(events) for _ in range(args.repeat)]
    print(f"live scoring, {len(events)} events, median of {args.repeat} runs")
    failed = False
    for name in runs[0]:
        value = statistics.median(r[name] for r in runs)
        target = _TARGETS.get(name)
        if name == "full score (s)":
            print(f"  {name:<28} {value:8.3f}")
            continue
        shown = f"{value:8.2f} ×" if value >= 0.5 else f"{value * 100:8.2f} %"
        verdict = ""
        if target is not None:
            met = value <= target
            failed |= not met and args.events is None
            verdict = f"  (target ≤ {target * 100:g} %)" if target < 1 else f"  (target ≤ {target:g} ×)"
            verdict += "" if met else "  NOT MET"
        print(f"  {name:<28} {shown}{verdict}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
