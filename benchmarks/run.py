"""Benchmark: scoring large logs, as ratios to a parse-only baseline measured in the same run.

    python benchmarks/run.py              # 100 000 and 1 000 000 events
    python benchmarks/run.py --sizes 100000

For each size it writes a realistic log as JSON Lines, as ``chengdu-infoscore sample --events N``
writes it (the sample year and copies of it under distinct ids), then measures, each in a fresh
process so that peak memory is its own:

- baseline: read the file and ``json.loads`` every line, nothing more;
- score: ``chengdu-infoscore score FILE --format json`` end to end (read, check, fold, render);
- engine: ``score()`` alone on a log already read (``score(read_events(...))``, timed from
  after the read);
- bulletins: read, one fold, and the twelve monthly bulletins (as JSON).

It prints seconds (the median of ``--repeat`` runs, 3 by default: timings on a shared or
virtual machine vary from run to run), the ratio to the baseline and the peak resident memory
of each (the largest of the runs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_TASKS = ("baseline", "score", "engine", "bulletins")
YEAR_END = dt.date(2007, 12, 31)


def write_log(path: Path, size: int) -> int:
    """Write ``size`` events as ``chengdu-infoscore sample --events`` writes them: the sample year, then
    copies of it with their ids, items and commissions prefixed."""
    from chengdu_infoscore import write_jsonl
    from chengdu_infoscore.sample import sample_events

    with path.open("w", encoding="utf-8") as out:
        return write_jsonl(sample_events(size), out)


def run_task(task: str, path: str) -> None:
    """Run one task in this process and print its time and peak memory as JSON."""
    start = time.perf_counter()
    if task == "baseline":
        with open(path, "rb") as f:
            for line in f:
                json.loads(line)
    elif task == "score":
        from chengdu_infoscore.cli import main

        with open(os.devnull, "w") as sink:
            saved, sys.stdout = sys.stdout, sink
            try:
                main(["score", path, "--format", "json"])
            finally:
                sys.stdout = saved
    elif task == "engine":
        from chengdu_infoscore import read_events, score

        read = read_events([path])
        start = time.perf_counter()
        score(read, as_of=YEAR_END)  # the whole year judged
    elif task == "bulletins":
        from chengdu_infoscore import load_quotas, monthly_bulletin, read_events, score
        from chengdu_infoscore.bulletins.render import bulletin_json
        from chengdu_infoscore.reports import to_json_text

        read = read_events([path])
        results = score(read, as_of=YEAR_END)  # every month's bulletin needs the whole year
        quotas = load_quotas(2007)
        for month in range(1, 13):
            to_json_text(bulletin_json(monthly_bulletin(results, quotas, month)))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux
    print(json.dumps({"task": task, "seconds": seconds, "peak": peak}))


def measure(task: str, path: Path, repeat: int) -> dict[str, float]:
    """The median time and the largest peak memory of ``repeat`` runs, each in a fresh process."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, __file__, "--task", task, str(path)], capture_output=True, text=True, check=True
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "peak": max(r["peak"] for r in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each task; the median time is reported (default 3)"
    )
    parser.add_argument("--task", choices=_TASKS, help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.task:
        run_task(args.task, args.path)
        return
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )
    times: dict[int, dict[str, float]] = {}
    peaks: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"log-{size}.jsonl"
            n = write_log(path, size)
            rows = {task: measure(task, path, args.repeat) for task in _TASKS}
            base = rows["baseline"]["seconds"]
            times[size] = {task: row["seconds"] for task, row in rows.items()}
            peaks[size] = {task: row["peak"] for task, row in rows.items()}
            print(f"\n{n} events ({path.stat().st_size / 1e6:.0f} MB)")
            print(f"{'task':<10} {'seconds':>8} {'× baseline':>11} {'peak MB':>8}")
            for task, row in rows.items():
                print(
                    f"{task:<10} {row['seconds']:8.2f} {row['seconds'] / base:11.2f} {row['peak'] / 1e6:8.0f}"
                )
            print(f"bulletins ÷ score: {rows['bulletins']['seconds'] / rows['score']['seconds']:.2f}")
        if len(times) >= 2:
            small, large = sorted(times)[0], sorted(times)[-1]
            factor = large / small
            for task in ("score", "engine"):
                ratio = times[large][task] / times[small][task]
                print(f"{task}: {factor:.0f}× the events took {ratio:.1f}× the time")
            _targets(times, peaks, small, large)


def _targets(
    times: dict[int, dict[str, float]], peaks: dict[int, dict[str, float]], small: int, large: int
) -> None:
    """The scale issue's targets, which are set for 1 000 000 events against 100 000."""
    if (small, large) != (100_000, 1_000_000):
        return
    at = times[large]
    checks = [
        ("score end to end <= 2.0 x the baseline", at["score"] / at["baseline"], 2.0, "x"),
        ("peak memory of score <= 500 MB", peaks[large]["score"] / 1e6, 500, " MB"),
        ("10 x the events <= 11 x the time (score)", at["score"] / times[small]["score"], 11, "x"),
        ("twelve-month bulletin <= 1.3 x a score", at["bulletins"] / at["score"], 1.3, "x"),
    ]
    print("\ntargets at 1 000 000 events:")
    for label, value, limit, unit in checks:
        print(f"  {label:<44} {value:8.2f}{unit}  {'met' if value <= limit else 'NOT met'}")


if __name__ == "__main__":
    main()
