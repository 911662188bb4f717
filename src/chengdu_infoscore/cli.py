"""The command line: ``chengdu-infoscore score | explain | validate | bulletin | quotas | rules | compare |
check | demo | sample``.

Exit status: 0 on success; 2 when the input or the command has problems, each printed to
standard error as ``FILE:LINE: event ID: reason``. No input, however malformed, gives a Python
traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from . import __version__
from ._rows import quiet_collector
from ._time import parse_date
from .bulletins import monthly_bulletin, year_end_bulletin
from .bulletins.render import bulletin_csv, bulletin_json, bulletin_markdown, bulletin_table
from .checks import run_case
from .compare import Comparison, compare, comparison_json
from .engine import score
from .exceptions import InfoscoreError
from .periods import month_end
from .quotas import QuotaTable, load_quotas
from .readers import read_events
from .reports import (
    ledger_json,
    ledger_table,
    quotas_csv,
    quotas_json,
    quotas_table,
    render_table,
    results_csv,
    results_json,
    results_table,
    to_json_text,
)
from .results import Results, format_points
from .rules import RuleSet, Timeline
from .rules.describe import diff, rule_lines
from .rules.registry import available_rule_sets, plugin_problems, rule_set, timeline_for
from .sample import sample_year, write_jsonl

__all__ = ["main"]

OK, PROBLEMS, INTERNAL = 0, 2, 3


class _Usage(Exception):
    """A problem with how the command was called, not with the events."""


def _date(text: str) -> dt.date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _write(stream: TextIO, text: str) -> None:
    # Always UTF-8, whatever the terminal's locale says; streams without a byte buffer
    # (doctest, an embedding program) take the text as it is.
    raw = getattr(stream, "buffer", None)
    if raw is None:
        stream.write(text)
    else:
        # A lone surrogate (valid in JSON, not in UTF-8) is escaped rather than fatal.
        raw.write(text.encode("utf-8", "backslashreplace"))
        raw.flush()


def _month(text: str) -> tuple[int, int]:
    parts = text.split("-")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() for p in parts) or not 1 <= int(parts[1]) <= 12:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month of the form YYYY-MM")
    return int(parts[0]), int(parts[1])


def _out(text: str) -> None:
    _write(sys.stdout, text)


def _err(text: str) -> None:
    _write(sys.stderr, text)


def _parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="chengdu-infoscore",
        description="Score government-information reporting work as 成办发〔2007〕30号 prescribes.",
        epilog="Exit status: 0 on success, 2 when the input has problems (each printed to standard error).",
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def events_command(name: str, help_: str, description: str) -> argparse.ArgumentParser:
        p = commands.add_parser(name, help=help_, description=description)
        p.add_argument(
            "events",
            nargs="+",
            metavar="EVENTS",
            help="event logs, JSON Lines (.jsonl) or CSV (.csv); - reads standard input",
        )
        p.add_argument(
            "--year", type=int, help="the assessment year (default: the year of --as-of, else 2007)"
        )
        p.add_argument(
            "--rules",
            metavar="ID|FILE",
            help="a rule-set version by id (see `rules list`) or a version's TOML file; it is in force from"
            " its effective date, the versions it adjusts before (default: the year's default versions)",
        )
        p.add_argument(
            "--as-of",
            type=_date,
            metavar="DATE",
            help="count only events dated on or before DATE (YYYY-MM-DD; default: 31 December)",
        )
        return p

    s = events_command(
        "score",
        "score every unit of the target table",
        "Score every unit of the year's target table from the event logs, as of a date. With"
        " --format json the output is the stable contract for other systems.",
    )
    s.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="table (for people, the default), json (for systems) or csv (UTF-8 with BOM)",
    )
    s.add_argument("--lang", choices=("zh", "en"), default="zh", help="headings of the table (default zh)")
    s.add_argument(
        "--keep-going",
        action="store_true",
        help="score the valid events even when some are rejected; the rejections are listed in the"
        " output and on standard error, and the exit status is 0",
    )

    e = events_command(
        "explain",
        "one unit's ledger, line by line",
        "Print one unit's ledger: every point awarded or deducted, with its event, date, clause and"
        " reason, ending in the unit's total.",
    )
    e.add_argument(
        "--unit",
        required=True,
        metavar="NAME",
        help="the unit: its name, printed label or any alias (能源办, 成都市公安局)",
    )
    e.add_argument("--format", choices=("table", "json"), default="table", help="table (default) or json")
    e.add_argument("--keep-going", action="store_true", help="explain even when some events are rejected")

    events_command(
        "validate",
        "check event logs without scoring",
        "Check event logs against the form, the target table and the rule set, and list every"
        " problem. Prints a one-line summary and exits 0 when there is none.",
    )

    b = events_command(
        "bulletin",
        "the monthly or year-end bulletin",
        "Print the monthly bulletin (月度通报) of a month — every unit's month and cumulative figures,"
        " ranked within its group, with the units that submitted or had adopted nothing, commissions"
        " pending and overdue, the month's excellent items and submissions by key-point section — or the"
        " year-end bulletin (年度通报): final ranks, who completed the target, who did not and by how much,"
        " and the candidates for commendation.",
    )
    which = b.add_mutually_exclusive_group(required=True)
    which.add_argument("--month", type=_month, metavar="YYYY-MM", help="the month of a monthly bulletin")
    which.add_argument("--year-end", action="store_true", help="the year-end bulletin")
    b.add_argument(
        "--top", type=int, default=3, metavar="N", help="units per group proposed for commendation"
    )
    b.add_argument(
        "--format",
        choices=("table", "markdown", "csv", "json"),
        default="table",
        help="table (default), markdown, csv (UTF-8 with BOM) or json",
    )
    b.add_argument("--lang", choices=("zh", "en"), default="zh", help="headings: zh (default) or en")
    b.add_argument("--keep-going", action="store_true", help="report even when some events are rejected")

    r = commands.add_parser(
        "rules",
        help="list, show and compare rule-set versions",
        description="Rule-set versions: the library's own and those of installed plug-ins.",
    )
    rules_commands = r.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    rules_commands.add_parser(
        "list",
        help="every known version",
        description="List every rule-set version: id, effective dates, what it adjusts, where it comes from."
        " Plug-ins that failed to load are listed after, by name.",
    )
    show = rules_commands.add_parser(
        "show", help="one version's clauses and figures", description="Show a version clause by clause."
    )
    show.add_argument("version", metavar="ID|FILE", help="a version id or a version's TOML file")
    rdiff = rules_commands.add_parser(
        "diff", help="what changed between two versions", description="What changed, clause by clause."
    )
    rdiff.add_argument("a", metavar="A", help="the earlier version (id or TOML file)")
    rdiff.add_argument("b", metavar="B", help="the later version (id or TOML file)")

    c = commands.add_parser(
        "compare",
        help="what-if: the same events under two rule-set versions",
        description="Score the same events under two rule-set versions (each with the versions it adjusts"
        " in force before it) and show every unit's score and rank in its group under both, and the"
        " change attributed to clauses.",
    )
    c.add_argument("events", nargs="+", metavar="EVENTS", help="event logs (.jsonl or .csv)")
    c.add_argument(
        "--rules", action="append", required=True, metavar="ID|FILE", help="give it twice: A, then B"
    )
    c.add_argument("--year", type=int, help="the assessment year (default: the year of --as-of, else 2007)")
    c.add_argument(
        "--as-of", type=_date, metavar="DATE", help="count events up to DATE (default: 31 December)"
    )
    c.add_argument("--format", choices=("table", "json"), default="table", help="table (default) or json")
    c.add_argument("--changed-only", action="store_true", help="list only units whose score or rank changed")
    c.add_argument("--keep-going", action="store_true", help="compare even when some events are rejected")

    k = commands.add_parser(
        "check",
        help="run golden cases against a rule set",
        description="Run golden cases (directories with events.jsonl and expected.json, see docs/rulesets.md)"
        " against a rule set, and list every figure that differs. Exit status 1 when a case fails.",
    )
    k.add_argument("cases", nargs="+", metavar="CASE", help="case directories")
    k.add_argument("--rules", metavar="ID|FILE", help="the version to check (default: the cases' year's)")

    d = commands.add_parser(
        "demo",
        help="bulletins of the embedded sample year",
        description="Print a monthly bulletin and the year-end bulletin of the sample 2007 year that"
        " ships with the library (a generated, realistic log of all 118 units; see `sample`).",
    )
    d.add_argument(
        "--month",
        type=_month,
        default=(2007, 6),
        metavar="YYYY-MM",
        help="the month of the monthly bulletin (default 2007-06)",
    )
    d.add_argument(
        "--top", type=int, default=3, metavar="N", help="units per group proposed for commendation"
    )
    d.add_argument(
        "--format", choices=("table", "markdown"), default="table", help="table (default) or markdown"
    )
    d.add_argument("--lang", choices=("zh", "en"), default="zh", help="headings: zh (default) or en")
    d.add_argument("--seed", type=int, default=2007, help="the sample's seed (default 2007)")

    sm = commands.add_parser(
        "sample",
        help="write the sample year's event log",
        description="Write the embedded sample 2007 year as a JSON Lines event log, to read and to try"
        " the other commands on. The same seed always gives the same log.",
    )
    sm.add_argument("--out", required=True, metavar="FILE", help="the file to write; - for standard output")
    sm.add_argument("--seed", type=int, default=2007, help="the sample's seed (default 2007)")

    q = commands.add_parser(
        "quotas",
        help="print the target table",
        description="Print the year's target table (任务数): every unit, its group and target.",
    )
    q.add_argument("--year", type=int, default=2007, help="the year (default 2007)")
    q.add_argument("--format", choices=("table", "json", "csv"), default="table", help="table, json or csv")
    q.add_argument("--lang", choices=("zh", "en"), default="zh", help="headings of the table (default zh)")
    return top


def _score(args: argparse.Namespace) -> tuple[Results, QuotaTable]:
    if getattr(args, "month", None) is not None:
        if args.as_of is not None or (args.year is not None and args.year != args.month[0]):
            raise _Usage("--month fixes the year and the as-of date: leave out --as-of and --year")
        args.year, args.as_of = args.month[0], month_end(*args.month)
    elif getattr(args, "year_end", False):
        if args.as_of is not None:
            raise _Usage("--year-end is as of 31 December: leave out --as-of")
        args.as_of = dt.date(args.year or 2007, 12, 31)
    year = args.year if args.year is not None else args.as_of.year if args.as_of is not None else 2007
    if args.as_of is not None and args.as_of.year != year:
        raise _Usage(f"--as-of {args.as_of} is outside --year {year}")
    quotas = load_quotas(year)
    rules = _timeline(args.rules) if args.rules else None
    read = read_events(args.events)
    results = score(read, rules=rules, quotas=quotas, year=year, as_of=args.as_of)
    return results, quotas


def _version(spec: str) -> RuleSet:
    """A version by id, or from its TOML file when ``spec`` ends in ``.toml``."""
    if spec.lower().endswith(".toml"):
        return RuleSet.from_file(spec)
    return rule_set(spec)


def _timeline(spec: str) -> Timeline:
    version = _version(spec)
    return timeline_for(version, extra=[version])


def _rules_command(args: argparse.Namespace) -> int:
    if args.rules_command == "list":
        rows = []
        for v in available_rule_sets():
            ends = f"{v.end}" if v.end else "-"
            rows.append([v.id, str(v.effective), ends, v.base or "-", "yes" if v.default else "no", v.origin])
        _out(render_table(["id", "effective", "end", "adjusts", "default", "from"], rows, [False] * 6))
        for problem in plugin_problems():
            _err(f"{problem}\n")
        return OK
    if args.rules_command == "show":
        v = _version(args.version)
        head = f"{v.id} — {v.title}\n{v.source} · effective {v.effective}" + (f" to {v.end}" if v.end else "")
        head += (f" · adjusts {v.base}" if v.base else "") + f" · {v.origin}\nsha256 {v.digest}\n"
        parts = [head]
        lines = rule_lines(v)
        for clause in v.clauses:
            parts.append(f"\n{clause.id}  {clause.section}\n  {clause.text}\n")
            parts += [f"  - {x.what}: {x.value}\n" for x in lines if x.clause == clause.id]
        others = [x for x in lines if x.clause == "-"]
        if others:
            parts.append("\nsettings\n")
            parts += [f"  - {x.what}: {x.value}\n" for x in others]
        _out("".join(parts))
        return OK
    a, b = _version(args.a), _version(args.b)
    changes = diff(a, b)
    rows = [[c.clause, c.what, c.before or "(none)", c.after or "(none)"] for c in changes]
    _out(f"{a.id} → {b.id}: {len(changes)} change(s)\n")
    if rows:
        _out(render_table(["clause", "what", a.id, b.id], rows, [False] * 4))
    return OK


def _comparison_table(c: Comparison, changed_only: bool) -> str:
    rows = []
    for u in c.units:
        if changed_only and not u.change and u.rank_a == u.rank_b:
            continue
        clauses = "; ".join(f"{clause} {'+' if p > 0 else ''}{format_points(p)}" for clause, p in u.clauses)
        rows.append(
            [
                u.unit,
                u.group,
                format_points(u.score_a),
                format_points(u.score_b),
                ("+" if u.change > 0 else "") + format_points(u.change),
                str(u.rank_a),
                str(u.rank_b),
                clauses,
            ]
        )
    head = f"A = {c.a}\nB = {c.b}\nas of {c.as_of}\n\n"
    right = [False, False, True, True, True, True, True, False]
    return head + render_table(
        ["unit", "group", "A", "B", "change", "rank A", "rank B", "by clause"], rows, right
    )


# The commands that score: each says first which installed plug-ins failed to load.
_SCORING = frozenset({"score", "explain", "validate", "bulletin", "compare", "check", "demo"})


def _report_plugin_problems() -> None:
    _err("".join(f"chengdu-infoscore: warning: {problem}\n" for problem in plugin_problems()))


def _report_rejections(results: Results) -> None:
    _err("".join(f"{r}\n" for r in results.rejections))
    _err(f"{len(results.rejections)} event(s) rejected, {results.counted} counted.\n")


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv``; return the exit status."""
    args = _parser().parse_args(argv)
    if args.command in _SCORING:
        _report_plugin_problems()
    if args.command == "quotas":
        table = load_quotas(args.year)
        if args.format == "json":
            _out(to_json_text(quotas_json(table)))
        elif args.format == "csv":
            _out(quotas_csv(table))
        else:
            _out(quotas_table(table, args.lang))
        return OK

    if args.command == "rules":
        return _rules_command(args)
    if args.command == "check":
        rules = _timeline(args.rules) if args.rules else None
        failed = 0
        for case in args.cases:
            outcome = run_case(case, rules)
            failed += not outcome.passed
            _out(
                f"{'PASS' if outcome.passed else 'FAIL'} {case}"
                + (f" — {outcome.description}\n" if outcome.description else "\n")
            )
            _out("".join(f"    {f}\n" for f in outcome.failures))
        _out(f"{len(args.cases) - failed} passed, {failed} failed\n")
        return 1 if failed else OK
    if args.command == "compare":
        if len(args.rules) != 2:
            raise _Usage("compare needs --rules twice: the version A, then the version B")
        year = args.year if args.year is not None else args.as_of.year if args.as_of is not None else 2007
        quotas = load_quotas(year)
        read = read_events(args.events)
        runs = [
            score(read, rules=_timeline(spec), quotas=quotas, year=year, as_of=args.as_of)
            for spec in args.rules
        ]
        for results in runs:
            if results.rejections:
                _report_rejections(results)
                if not args.keep_going:
                    return PROBLEMS
        comparison = compare(runs[0], runs[1], quotas)
        if args.format == "json":
            _out(to_json_text(comparison_json(comparison)))
        else:
            _out(_comparison_table(comparison, args.changed_only))
        return OK
    if args.command == "sample":
        events = sample_year(args.seed)
        if args.out == "-":
            buffer = io.StringIO()
            write_jsonl(events, buffer)
            _out(buffer.getvalue())
        else:
            with open(args.out, "w", encoding="utf-8", newline="\n") as out:
                count = write_jsonl(events, out)
            _err(f"{count} events of the sample {events[0].date.year} year written to {args.out}\n")
        return OK
    if args.command == "demo":
        events = sample_year(args.seed)
        year, month = args.month
        quotas = load_quotas(year)
        results = score(events, quotas=quotas, year=year)
        render = bulletin_markdown if args.format == "markdown" else bulletin_table
        rule = "\n" if args.format == "markdown" else "\n" + "=" * 72 + "\n\n"
        _out(render(monthly_bulletin(results, quotas, month), args.lang) + rule)
        _out(render(year_end_bulletin(results, quotas, args.top), args.lang))
        return OK

    results, quotas = _score(args)
    if args.command == "validate":
        if results.rejections:
            _report_rejections(results)
            return PROBLEMS
        _out(
            f"{results.read} event(s) read: {results.counted} valid, {results.repeats} repeat(s)"
            f" counted once, {results.after_as_of} after {results.as_of}; no problems.\n"
        )
        return OK

    if results.rejections:
        _report_rejections(results)
        if not args.keep_going:
            return PROBLEMS
    if args.command == "bulletin":
        bulletin = (
            monthly_bulletin(results, quotas, args.month[1])
            if args.month is not None
            else year_end_bulletin(results, quotas, args.top)
        )
        if args.format == "json":
            _out(to_json_text(bulletin_json(bulletin)))
        elif args.format == "csv":
            _out(bulletin_csv(bulletin))
        elif args.format == "markdown":
            _out(bulletin_markdown(bulletin, args.lang))
        else:
            _out(bulletin_table(bulletin, args.lang))
        return OK
    if args.command == "explain":
        unit = quotas.unit(args.unit)
        result = results.unit(unit.name)
        _out(
            to_json_text(ledger_json(result, results))
            if args.format == "json"
            else ledger_table(result, results)
        )
        return OK
    if args.format == "json":
        _out(to_json_text(results_json(results)))
    elif args.format == "csv":
        _out(results_csv(results))
    else:
        _out(results_table(results, quotas, args.lang))
    return OK


def main(argv: Sequence[str] | None = None) -> int:
    """The console script: run, and turn every error into a message and an exit status.

    A command is one short run whose objects are all freed when it ends, so the cyclic garbage
    collector is held off for all of it, not only while events are read and folded.
    """
    try:
        with quiet_collector():
            return run(argv)
    except BrokenPipeError:  # the reader of our output went away (| head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OK
    except (InfoscoreError, _Usage, OSError) as exc:
        _err(f"chengdu-infoscore: error: {exc}\n")
        return PROBLEMS
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: say so plainly instead of a traceback
        if os.environ.get("CHENGDU_INFOSCORE_DEBUG"):
            raise
        _err(
            f"chengdu-infoscore: internal error ({type(exc).__name__}: {exc}); please report it with the"
            " command and input. Set CHENGDU_INFOSCORE_DEBUG=1 to see where it happened.\n"
        )
        return INTERNAL
