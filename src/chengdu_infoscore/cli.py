"""The command line: ``chengdu-infoscore score | explain | validate | bulletin | quotas | rules | compare |
check | demo | sample | ingest | diff | serve``.

Exit status: 0 on success; 2 when the input or the command has problems, each printed to
standard error as ``FILE:LINE: event ID: reason``. No input and no option value, however
malformed, gives a Python traceback or exit 3 (kept for the library's own bugs).

The status is the run's own whatever happens to the output: a reader that stops early (``| head``)
stops the output, not the run; standard output that cannot be written (a full disk, a closed
descriptor) is an error, exit 2. Files are written to a temporary file beside the target and
renamed over it, so that a failure leaves the target as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import difflib
import errno
import io
import itertools
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, ClassVar, Final, TextIO

import attrs

from . import __version__
from ._columns import csv_value
from ._places import quiet_collector
from ._published import Published, read_published
from ._run import rules_year
from ._time import parse_date
from .bulletins import MonthlyBulletin, YearEndBulletin, monthly_bulletin, year_end_bulletin
from .bulletins.render import bulletin_csv, bulletin_json, bulletin_markdown, bulletin_table
from .checks import run_case
from .compare import Comparison, compare, comparison_json
from .contacts import Registry, contacts_as_of, registry_csv, registry_json, registry_table
from .diff import diff_json, diff_table
from .engine import score
from .exceptions import InfoscoreError
from .messages import DEFAULT_LANG, LANGS, catalogue, words
from .messages import text as say
from .page import bulletin_html, registry_html, results_html
from .periods import month_end
from .quotas import QuotaTable, Unit, load_quotas
from .readers import ReadResult, read_events, watching
from .reports import (
    ingest_json,
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
from .results import Rejection, Results, format_points
from .rules import RuleSet, Timeline
from .rules.compose import names_file, timeline_of, version_toml
from .rules.describe import diff, origin_text, rule_lines
from .rules.registry import available_rule_sets, plugin_problems, rule_set
from .sample import MOST_EVENTS, sample_events, sample_year, write_jsonl
from .spreadsheet import bulletin_xlsx, clause_totals, ledger_xlsx, registry_xlsx, results_xlsx, xlsx_extra
from .store import Batch, IngestReport, Store

__all__ = ["main"]

OK, PROBLEMS, INTERNAL = 0, 2, 3
_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
#: The year of the sample that `demo` and `sample` show.
_SAMPLE_YEAR = 2007


#: A rule-set version's TOML file that ships with the project, for the examples of --help.
_MIDYEAR = "examples/plugin-midyear-2007/src/chengdu_infoscore_example_adjustment/example-2007-07.toml"
_LOG = "examples/example-2007.jsonl"

#: Each command's examples, the epilog of its --help: each line runs as written from the project's
#: root (a line that reads a file another line writes comes after it).
_EXAMPLES: dict[str, tuple[str, ...]] = {
    "": (
        "demo                                # both bulletins of the embedded sample year",
        "sample --out year.jsonl             # its event log, to try the commands on",
        "score year.jsonl --as-of 2007-12-31",
        "explain year.jsonl --unit 锦江区",
    ),
    "score": (
        f"score {_LOG}",
        f"score {_LOG} --as-of 2007-12-31 --lang en",
        f"score {_LOG} --format json",
    ),
    "explain": (
        f"explain {_LOG} --unit 锦江区",
        f"explain {_LOG} --unit 能源办 --format json     # by an alias",
    ),
    "validate": (f"validate {_LOG}", f"validate {_LOG} --as-of 2007-06-30"),
    "bulletin": (
        "sample --out year.jsonl             # the sample year, to try it on",
        "bulletin year.jsonl --month 2007-06",
        "bulletin year.jsonl --year-end --top 5 --format markdown --lang en",
    ),
    "rules": ("rules list", "rules show chengdu-2007", f"rules diff {_MIDYEAR}"),
    "rules list": ("rules list",),
    "rules show": ("rules show chengdu-2007", f"rules show {_MIDYEAR} --toml"),
    "rules diff": (
        f"rules diff {_MIDYEAR}            # over the version it adjusts",
        f"rules diff chengdu-2007 {_MIDYEAR}",
    ),
    "compare": (f"compare {_LOG} --rules chengdu-2007 --rules {_MIDYEAR} --changed-only",),
    "check": ("check tests/golden/ex1_cap_district_650 tests/golden/ex2_cap_small_target",),
    "demo": ("demo", "demo --month 2007-11 --lang en --format markdown"),
    "sample": (
        "sample --out year.jsonl",
        "sample --out - --events 3 --seed 7",
        "sample --out big.jsonl --events 1000000     # a large log: about 125 MB",
    ),
    "ingest": (
        f"ingest year.store {_LOG} --recorded 2007-12-31",
        "score --store year.store --known-on 2007-12-31",
    ),
    "diff": (
        f"ingest year.store {_LOG} --recorded 2007-12-31",
        "diff --store year.store --from 2007-12-30 --as-of 2007-12-31",
    ),
    "quotas": ("quotas", "quotas --format csv --lang en"),
    "serve": (
        f"ingest year.store {_LOG} --recorded 2007-12-31",
        "serve --store year.store                  # http://127.0.0.1:8000/ (needs the serve extra)",
        "serve --store year.store --port 0 --token-file token.txt",
    ),
    "contacts": (
        "sample --out year.jsonl             # the sample year, with its contacts",
        "contacts year.jsonl --as-of 2007-06-30",
        "contacts year.jsonl --history --format csv --lang en --out contacts.csv",
        "contacts year.jsonl --as-of 2007-06-30 --history --format html --out contacts.html",
        f"ingest year.store {_LOG} --recorded 2007-12-31",
        "contacts --store year.store --known-on 2007-12-31 --format json",
    ),
}


def _examples(command: str) -> str:
    """The epilog of a command's --help: its examples, one a line."""
    lines = _EXAMPLES[command]
    return f"Example{'s' if len(lines) > 1 else ''}:\n" + "".join(f"  chengdu-infoscore {x}\n" for x in lines)


class _Usage(Exception):
    """A problem with how the command was called, not with the events."""


def _date(text: str) -> dt.date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class _Lost(Exception):
    """Standard output could not take what the command wrote: the output is incomplete."""


#: The standard streams whose reader went away during this run (``| head``): written to no more.
_gone: set[str] = set()


def _write(stream: TextIO | None, text: str, name: str = "stdout") -> None:
    """Write ``text`` to a standard stream, always as UTF-8, whatever the terminal's locale says.

    A reader that went away (a broken pipe) is the reader's choice: nothing more is written to
    that stream and the run goes on to its own exit status. Standard output that cannot take the
    text for any other reason (a full disk, a closed descriptor) raises :class:`_Lost`; standard
    error that cannot take it leaves nothing to complain to, and is written to no more.
    """
    if name in _gone:
        return
    if stream is None:  # the descriptor was closed before the program started
        if name == "stdout":
            raise _Lost("cannot write standard output: it is closed")
        return
    try:
        raw = getattr(stream, "buffer", None)
        if raw is None:  # doctest, an embedding program: they take the text as it is
            stream.write(text)
        else:
            # A lone surrogate (valid in JSON, not in UTF-8) is escaped rather than fatal.
            raw.write(text.encode("utf-8", "backslashreplace"))
            raw.flush()
    except BrokenPipeError:
        _gone.add(name)
        _silence(stream)
    except OSError as exc:
        _gone.add(name)
        _silence(stream)
        if name == "stdout":
            raise _lost(exc) from None


def _lost(exc: OSError | ValueError) -> _Lost:
    why = getattr(exc, "strerror", None) or str(exc)
    return _Lost(f"cannot write standard output: {_lower(why)}; the output is incomplete")


def _lower(text: str) -> str:
    """An operating system's message as the middle of a sentence: "No such file" → "no such file"."""
    return text[:1].lower() + text[1:]


def _silence(stream: TextIO) -> None:
    """Point a stream's descriptor at the null device, so that the text still in its buffer goes
    nowhere quietly when Python flushes it on the way out (instead of "Exception ignored…")."""
    try:
        fd = stream.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError):
        return
    try:
        os.dup2(null, fd)
    except OSError:
        pass
    finally:
        os.close(null)


def _flush() -> None:
    """Flush what others wrote to the standard streams (argparse's help and usage) while it can
    still be told; raises :class:`_Lost` when standard output cannot take it."""
    for name, stream in (("stdout", sys.stdout), ("stderr", sys.stderr)):
        if stream is None or name in _gone:
            continue
        try:
            stream.flush()
        except BrokenPipeError:
            _gone.add(name)
            _silence(stream)
        except (OSError, ValueError) as exc:
            _gone.add(name)
            _silence(stream)
            if name == "stdout":
                raise _lost(exc) from None


def _month(text: str) -> tuple[int, int]:
    if not _MONTH.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a month of the form YYYY-MM")
    year, month = int(text[:4]), int(text[5:])
    if year < 1 or not 1 <= month <= 12:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a month of the form YYYY-MM (years from 0001, months 01 to 12)"
        )
    return year, month


def _year(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) <= 4 and int(text) >= 1):
        raise argparse.ArgumentTypeError(f"{text!r} is not a year: expected a number from 1 to 9999")
    return int(text)


def _count(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) <= 4000):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of units: expected 0 or more")
    return int(text)


def _seed(text: str) -> int:
    # Any whole number seeds the generator; a long one is cut at Python's limit for reading numbers.
    stripped = text.removeprefix("-")
    if not (stripped.isascii() and stripped.isdigit() and len(stripped) <= 4000):
        raise argparse.ArgumentTypeError(f"{text!r} is not a seed: expected a whole number")
    return int(text)


def _events(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) <= 4000) or int(text) > MOST_EVENTS:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of events: expected a whole number from 0 to {MOST_EVENTS}"
        )
    return int(text)


def _out(text: str) -> None:
    if _progress is not None:
        _progress.wipe()
    _write(sys.stdout, text)


def _err(text: str) -> None:
    if _progress is not None:
        _progress.wipe()
    _write(sys.stderr, text, "stderr")


# -- the progress line ------------------------------------------------------------------------------


def _spaced(n: int) -> str:
    """A count as the docs write it: ``1 000 000``."""
    return f"{n:,}".replace(",", " ")


class _Progress:
    """How a long run goes, on one line of standard error rewritten in place: the lines read so far,
    then the step under way.

    Shown only to a terminal, and only once the input is large (more than :attr:`LINES` lines or
    :attr:`BYTES` bytes read); rewritten at most every :attr:`EVERY` seconds, from the reader's
    blocks (about a megabyte each), never once a record. It is wiped before anything else is
    written to standard output or error, and when the run ends, so that no output is ever mixed
    with it and what a pipe or a file receives is the same with or without it.
    """

    LINES: ClassVar[int] = 100_000
    BYTES: ClassVar[int] = 20_000_000
    EVERY: ClassVar[float] = 0.2

    def __init__(self) -> None:
        self.lines = 0  # lines read, of every file so far
        self.before = 0  # bytes of the files finished
        self.name: str | None = None
        self.done = 0  # bytes of the file being read
        self.large = False
        self.drawn = False
        self.last = 0.0

    @classmethod
    def start(cls, args: argparse.Namespace) -> _Progress | None:
        """A progress line for the command, or ``None``: ``--quiet``, or standard error is no terminal."""
        stream = sys.stderr
        if getattr(args, "quiet", False) or stream is None or os.environ.get("TERM") == "dumb":
            return None
        try:
            return cls() if stream.isatty() else None
        except (OSError, ValueError):  # a closed or odd stream: no terminal to tell
            return None

    def read(self, name: str, done: int, size: int | None, lines: int) -> None:
        """Told by the reader of each block read (see :func:`~.readers.watching`)."""
        if name != self.name or done < self.done:  # the next file
            self.before += self.done
            self.name = name
        self.done = done
        self.lines += lines
        if not self.large and (self.lines > self.LINES or self.before + done > self.BYTES):
            self.large = True
        if self.large and time.monotonic() - self.last >= self.EVERY:
            of = "" if size is None else f" of {size / 1e6:.0f}"
            self.say(f"reading {name}: {_spaced(self.lines)} lines, {done / 1e6:.0f}{of} MB")

    def step(self, text: str, records: int) -> None:
        """Say the step the run has come to, when the input is large."""
        if records > self.LINES:
            self.large = True
        if self.large:
            self.say(text)

    def count(self, text: str, done: int, total: int) -> None:
        """Say how far a step that counts (``done`` of ``total``) has come, when ``total`` is large."""
        if total > self.LINES and time.monotonic() - self.last >= self.EVERY:
            self.say(f"{text}: {_spaced(done)} of {_spaced(total)}")

    def say(self, text: str) -> None:
        width = max(shutil.get_terminal_size().columns - 1, 20)
        shown, used = [], 0
        for ch in text:  # cut to the terminal's width, a Chinese character taking two columns
            used += 2 if ord(ch) > 0x2E7F else 1
            if used > width:
                break
            shown.append(ch)
        _write(sys.stderr, "\r" + "".join(shown) + "\x1b[K", "stderr")
        self.drawn = True
        self.last = time.monotonic()

    def wipe(self) -> None:
        if self.drawn:
            self.drawn = False
            _write(sys.stderr, "\r\x1b[K", "stderr")


#: The progress line of the command under way, if it has one.
_progress: _Progress | None = None


@contextlib.contextmanager
def _progress_line(args: argparse.Namespace) -> Iterator[None]:
    """A progress line for the run of ``args`` while in the block (see :class:`_Progress`), wiped after."""
    global _progress
    _progress = _Progress.start(args)
    try:
        with watching(None if _progress is None else _progress.read):
            yield
    finally:
        if _progress is not None:
            _progress.wipe()
        _progress = None


def _step(text: str, records: int) -> None:
    if _progress is not None:
        _progress.step(text, records)


# -- did you mean ---------------------------------------------------------------------------------

#: What a message that suggests a spelling says; such a message is the one line of the error.
_MEANT = ": did you mean "


def _suggest(word: str, choices: Iterable[str]) -> tuple[str, ...]:
    """What a mistyped ``word`` likely meant, up to three of ``choices``: the choice it spells with
    ``_`` for ``-`` or in other capitals, else those it begins (an abbreviation, never taken
    silently), else the closest (:func:`difflib.get_close_matches`)."""
    known = list(dict.fromkeys(choices))
    plain = word.replace("_", "-").lower()
    same = [c for c in known if c.lower() == plain]
    if same:
        return tuple(same[:1])
    begun = [c for c in known if plain.strip("-") and c.lower().startswith(plain)]
    if begun:
        return tuple(begun[:3])
    close = difflib.get_close_matches(plain, known, n=3, cutoff=0.6)
    # Only those about as close as the closest: '--fromat' means '--format', not also '--out'.
    best = difflib.SequenceMatcher(None, plain, close[0]).ratio() if close else 0.0
    return tuple(c for c in close if difflib.SequenceMatcher(None, plain, c).ratio() >= best - 0.2)


def _either(choices: Sequence[str], *, quoted: bool = False) -> str:
    """``'a'``, ``'a' or 'b'``, ``'a', 'b' or 'c'`` (``quoted``: the choices are quoted already)."""
    shown = list(choices) if quoted else [repr(c) for c in choices]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"


class _Once(argparse._StoreAction):
    """An option that takes one value: given twice, it is a usage error, not a silent last-one-wins.

    ``--month A --month B`` must never give the bulletin of B alone while A was meant.
    """

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option: Any = None
    ) -> None:
        given: set[str] = namespace.__dict__.setdefault("_given", set())
        if option is not None:  # an option, not a positional argument
            if self.dest in given:
                parser.error(f"argument {'/'.join(self.option_strings)}: given twice; give it once")
            given.add(self.dest)
        setattr(namespace, self.dest, values)


class _Formatter(argparse.HelpFormatter):
    """argparse's help, with an epilog of examples kept line for line (descriptions wrapped as ever)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith(("Example:", "Examples:")):
            return "\n".join(indent + line if line else "" for line in text.splitlines())
        return super()._fill_text(text, width, indent)


class _Parser(argparse.ArgumentParser):
    """argparse, writing its help, usage and errors as the commands write their output; an option
    that takes one value takes it once; no option is abbreviated (``--as`` is not ``--as-of``); a
    mistyped command, choice or option is told what was likely meant."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)
        self.register("action", None, _Once)
        self.register("action", "store", _Once)

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is not None and value not in action.choices and isinstance(value, str):
            meant = _suggest(value, action.choices)
            if meant and isinstance(action, argparse._SubParsersAction):
                what = action.metavar.lower() if isinstance(action.metavar, str) else "command"
                raise argparse.ArgumentError(None, f"unknown {what} {value!r}{_MEANT}{_either(meant)}?")
            if meant:
                choices = ", ".join(map(repr, action.choices))
                raise argparse.ArgumentError(
                    action, f"invalid choice: {value!r}{_MEANT}{_either(meant)}? (choose from {choices})"
                )
        super()._check_value(action, value)

    def parse_known_args(  # type: ignore[override]
        self, args: Any = None, namespace: Any = None
    ) -> tuple[argparse.Namespace, list[str]]:
        """Parse as argparse does, but an option this parser does not know is its error, said before
        any other (a mistyped ``--mnth`` is the cause of "--month is required"), with the options
        it could have meant; what is left over is its error too (argparse leaves it to the top parser)."""
        words = list(sys.argv[1:] if args is None else args)
        commands = any(isinstance(a, argparse._SubParsersAction) for a in self._actions)
        for word in words:
            if word == "--" or (commands and word[:1] != "-"):  # the rest is positional, or a command's
                break
            if self._unknown(word):
                self._unrecognized(word)
        namespace, extras = super().parse_known_args(words, namespace)
        for word in extras:
            if self._unknown(word):
                self._unrecognized(word)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace, extras

    def _unknown(self, word: str) -> bool:
        """Whether ``word`` is written as an option and is none of this parser's (``-5`` is a number)."""
        if word[:1] != "-" or len(word) < 2 or self._negative_number_matcher.match(word):
            return False
        if " " in word and word.split("=", 1)[0] not in self._option_string_actions:
            return False  # argparse takes a word with a space for a value (`--unit "-a b"`), not an option
        if word[1] != "-" and word[:2] in self._option_string_actions:  # -qh: short options together
            return False
        return word.split("=", 1)[0] not in self._option_string_actions

    def _unrecognized(self, word: str) -> None:
        option = word.split("=", 1)[0]
        meant = _suggest(option, self._option_string_actions)
        self.error(f"unrecognized option {option!r}" + (f"{_MEANT}{_either(meant)}?" if meant else ""))

    def error(self, message: str) -> Any:
        if _MEANT in message:  # a suggestion is the whole message: a usage would bury it
            self._print_message(f"{self.prog}: error: {message}\n", sys.stderr)
            self.exit(PROBLEMS)
        super().error(message)

    def _print_message(self, message: str, file: Any = None) -> None:
        if message:
            # argparse itself would drop a write that fails: help lost to a full disk would exit 0.
            stream = sys.stderr if file is None else file
            _write(stream, message, "stdout" if stream is sys.stdout else "stderr")


def _parser() -> argparse.ArgumentParser:
    top = _Parser(
        prog="chengdu-infoscore",
        description="Score government-information reporting work as 成办发〔2007〕30号 prescribes.",
        epilog=_examples("")
        + "\nExit status: 0 on success, 2 when the input has problems (each printed to standard error).",
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def store_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--store",
            metavar="STORE",
            help="read the records in force from a store (see `ingest`) instead of event logs",
        )
        p.add_argument(
            "--known-on",
            type=_date,
            metavar="DATE",
            help="with --store: only what had been recorded on or before DATE (YYYY-MM-DD), with the"
            " revisions and withdrawals recorded by then (default: everything recorded)",
        )

    def quiet_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--quiet",
            "-q",
            action="store_true",
            help="no progress line (one is shown on standard error, when it is a terminal, for a large log)",
        )

    def lang_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--lang",
            choices=LANGS,
            default=DEFAULT_LANG,
            help="the language people read: zh (Chinese, the default) or en (English); JSON keeps its keys",
        )

    def targets_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--targets",
            metavar="FILE",
            help="the target table (任务数) from a TOML file (see docs/targets.md) instead of the year's own",
        )

    def output_options(p: argparse.ArgumentParser, csv: bool) -> None:
        p.add_argument(
            "--out",
            metavar="FILE",
            help="write to FILE (whole or not at all) instead of standard output; needed by --format xlsx"
            " (- : standard output, when it is not a terminal)",
        )
        if csv:
            p.add_argument(
                "--keys",
                action="store_true",
                help="with --format csv: the header row is the JSON contract's English keys, for scripts,"
                " whatever --lang says",
            )

    def events_command(
        name: str, help_: str, description: str, *, store: bool = True
    ) -> argparse.ArgumentParser:
        p = commands.add_parser(name, help=help_, description=description, epilog=_examples(name))
        quiet_option(p)
        lang_option(p)
        if store:
            p.add_argument(
                "events",
                nargs="*",
                metavar="EVENTS",
                help="event logs, JSON Lines (.jsonl) or CSV (.csv); - reads standard input (or --store)",
            )
            store_options(p)
        else:
            p.add_argument(
                "events",
                nargs="+",
                metavar="EVENTS",
                help="event logs, JSON Lines (.jsonl) or CSV (.csv); - reads standard input",
            )
        p.add_argument(
            "--year", type=_year, help="the assessment year (default: the year of --as-of, else 2007)"
        )
        p.add_argument(
            "--rules",
            action="append",
            metavar="ID|FILE",
            help="a rule-set version by id (see `rules list`) or a version's TOML file; it is in force from"
            " its effective date, the versions it adjusts before (default: the year's default versions);"
            " give it again for versions that adjust one another",
        )
        as_of_help = (
            "not for bulletins: a month's bulletin is as of the month's end, the year's as of 31 December"
            if name == "bulletin"
            else "count only events dated on or before DATE, and judge commissions against it"
            " (YYYY-MM-DD; default: the date of the latest event, 31 December with none)"
        )
        p.add_argument("--as-of", type=_date, metavar="DATE", help=as_of_help)
        targets_option(p)
        return p

    s = events_command(
        "score",
        "score every unit of the target table",
        "Score every unit of the year's target table from the event logs, as of a date. With"
        " --format json the output is the stable contract for other systems.",
    )
    s.add_argument(
        "--format",
        choices=("table", "json", "csv", "xlsx", "html"),
        default="table",
        help="table (for people, the default), json (for systems), csv (UTF-8 with BOM), xlsx"
        " (a workbook, with --out; needs the xlsx extra) or html (a printable page with charts)",
    )
    output_options(s, csv=True)
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
    e.add_argument(
        "--format",
        choices=("table", "json", "xlsx"),
        default="table",
        help="table (default), json or xlsx (a workbook, with --out; needs the xlsx extra)",
    )
    output_options(e, csv=False)
    e.add_argument("--keep-going", action="store_true", help="explain even when some events are rejected")

    events_command(
        "validate",
        "check event logs without scoring",
        "Check event logs against the form, the target table and the rule set, and list every"
        " problem. Prints a one-line summary and exits 0 when there is none.",
        store=False,
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
        "--top", type=_count, default=3, metavar="N", help="units per group proposed for commendation"
    )
    b.add_argument(
        "--format",
        choices=("table", "markdown", "csv", "json", "xlsx", "html"),
        default="table",
        help="table (default), markdown, csv (UTF-8 with BOM), json, xlsx (a workbook, with --out;"
        " needs the xlsx extra) or html (a printable page with charts)",
    )
    output_options(b, csv=True)
    b.add_argument("--keep-going", action="store_true", help="report even when some events are rejected")

    r = commands.add_parser(
        "rules",
        help="list, show and compare rule-set versions",
        description="Rule-set versions: the library's own and those of installed plug-ins.",
        epilog=_examples("rules"),
    )
    rules_commands = r.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    listing = rules_commands.add_parser(
        "list",
        help="every known version",
        description="List every rule-set version: id, effective dates, what it adjusts, where it comes from."
        " Plug-ins that failed to load are listed after, by name.",
        epilog=_examples("rules list"),
    )
    lang_option(listing)
    listing.add_argument(
        "--format", choices=("table", "json"), default="table", help="table (default) or json"
    )
    show = rules_commands.add_parser(
        "show",
        help="one version's clauses and figures",
        description="Show a version clause by clause.",
        epilog=_examples("rules show"),
    )
    show.add_argument("version", metavar="ID|FILE", help="a version id or a version's TOML file")
    lang_option(show)
    show.add_argument(
        "--toml",
        action="store_true",
        help="print the version's whole TOML, in full form (a version that states only its changes,"
        " resolved)",
    )
    show.add_argument("--format", choices=("table", "json"), default="table", help="table (default) or json")
    rdiff = rules_commands.add_parser(
        "diff",
        help="what changed between two versions",
        description="What changed, clause by clause.",
        epilog=_examples("rules diff"),
    )
    rdiff.add_argument("a", metavar="A", help="the earlier version (id or TOML file)")
    lang_option(rdiff)
    rdiff.add_argument(
        "b",
        metavar="B",
        nargs="?",
        help="the later version (id or TOML file); alone, A over the version it adjusts",
    )

    c = commands.add_parser(
        "compare",
        help="what-if: the same events under two rule-set versions",
        description="Score the same events under two rule-set versions (each with the versions it adjusts"
        " in force before it) and show every unit's score and rank in its group under both, and the"
        " change attributed to clauses.",
        epilog=_examples("compare"),
    )
    quiet_option(c)
    lang_option(c)
    c.add_argument("events", nargs="*", metavar="EVENTS", help="event logs (.jsonl or .csv), or --store")
    store_options(c)
    c.add_argument(
        "--rules", action="append", required=True, metavar="ID|FILE", help="give it twice: A, then B"
    )
    c.add_argument("--year", type=_year, help="the assessment year (default: the year of --as-of, else 2007)")
    c.add_argument(
        "--as-of",
        type=_date,
        metavar="DATE",
        help="count events up to DATE (default: the date of the latest event, 31 December with none)",
    )
    targets_option(c)
    c.add_argument("--format", choices=("table", "json"), default="table", help="table (default) or json")
    c.add_argument("--changed-only", action="store_true", help="list only units whose score or rank changed")
    c.add_argument("--keep-going", action="store_true", help="compare even when some events are rejected")

    k = commands.add_parser(
        "check",
        help="run golden cases against a rule set",
        description="Run golden cases (directories with events.jsonl and expected.json, see docs/rulesets.md)"
        " against a rule set, and list every figure that differs. Exit status 1 when a case fails.",
        epilog=_examples("check"),
    )
    k.add_argument("cases", nargs="+", metavar="CASE", help="case directories")
    lang_option(k)
    k.add_argument(
        "--rules",
        action="append",
        metavar="ID|FILE",
        help="the version to check (default: the cases' year's); give it again for versions that adjust"
        " one another",
    )
    targets_option(k)

    d = commands.add_parser(
        "demo",
        help="bulletins of the embedded sample year",
        description="Print a monthly bulletin and the year-end bulletin of the sample 2007 year that"
        " ships with the library (a generated, realistic log of all 118 units; see `sample`).",
        epilog=_examples("demo"),
    )
    d.add_argument(
        "--month",
        type=_month,
        default=(2007, 6),
        metavar="YYYY-MM",
        help="the month of the monthly bulletin (default 2007-06)",
    )
    d.add_argument(
        "--top", type=_count, default=3, metavar="N", help="units per group proposed for commendation"
    )
    d.add_argument(
        "--format", choices=("table", "markdown"), default="table", help="table (default) or markdown"
    )
    lang_option(d)
    d.add_argument("--seed", type=_seed, default=2007, help="the sample's seed (default 2007)")

    sm = commands.add_parser(
        "sample",
        help="write the sample year's event log",
        description="Write the embedded sample 2007 year as a JSON Lines event log, to read and to try"
        " the other commands on; with --events N, a log of N events of any size: the sample year and as"
        " many copies of it as it takes, each drawn from its own seed, with distinct ids, items and"
        " commissions. The same seed (and N) always gives the same log.",
        epilog=_examples("sample"),
    )
    sm.add_argument("--out", required=True, metavar="FILE", help="the file to write; - for standard output")
    sm.add_argument("--seed", type=_seed, default=2007, help="the sample's seed (default 2007)")
    sm.add_argument(
        "--events",
        type=_events,
        metavar="N",
        help=f"write N events (0 to {MOST_EVENTS}) instead of the sample year's own: the sample year,"
        " cut after its first N events by date, or followed by copies of it (ids, items and commissions"
        " prefixed c1-, c2-, …)",
    )
    quiet_option(sm)
    lang_option(sm)

    i = commands.add_parser(
        "ingest",
        help="record a batch of event logs in a store",
        description="Record the records of the event logs in a store (an SQLite file, created if"
        " there is none) as one batch, recorded on a day: new ids are added, the same content again is"
        " a repeat, new content for an id already known revises it, a withdrawn record withdraws the"
        " event it names. Prints what was added, repeated, revised, withdrawn and rejected; exits 2"
        " when a record was rejected (the rest is recorded).",
        epilog=_examples("ingest"),
    )
    quiet_option(i)
    lang_option(i)
    i.add_argument("store", metavar="STORE", help="the store's file")
    i.add_argument(
        "events", nargs="+", metavar="EVENTS", help="event logs (.jsonl or .csv); - reads standard input"
    )
    i.add_argument(
        "--recorded",
        type=_date,
        required=True,
        metavar="DATE",
        help="the day the batch is recorded (YYYY-MM-DD): not before the store's latest batch",
    )
    i.add_argument("--format", choices=("table", "json"), default="table", help="table (default) or json")

    df = commands.add_parser(
        "diff",
        help="what changed between two views of a store",
        description="What changed between two views of the records in a store, both scored as of one"
        " date: the view known on --from and the view known on --to (default: everything recorded), or"
        " the view a bulletin published as JSON was made from (--published, found by its events digest)"
        " and now. Per unit that changed: its score, figures and rank in its group, the counts that"
        " moved, and the ledger lines added, removed or changed with their events and clauses; then"
        " the rejections that appeared or disappeared. Exit status 0 whether or not anything changed"
        " (1 when something did, with --exit-code).",
        epilog=_examples("diff"),
    )
    df.add_argument("--store", required=True, metavar="STORE", help="the store (see `ingest`)")
    earlier = df.add_mutually_exclusive_group(required=True)
    earlier.add_argument(
        "--from",
        dest="known_from",
        type=_date,
        metavar="DATE",
        help="the earlier view: what had been recorded on or before DATE (YYYY-MM-DD)",
    )
    earlier.add_argument(
        "--published",
        metavar="BULLETIN.json",
        help="the earlier view: the one the bulletin was made from (as `bulletin --format json` wrote"
        " it), scored as of the bulletin's own as-of date",
    )
    df.add_argument(
        "--to",
        type=_date,
        metavar="DATE",
        help="the later view: what had been recorded on or before DATE (default: everything recorded)",
    )
    df.add_argument(
        "--year",
        type=_year,
        help="with --from: the assessment year (default: the year of --as-of, else 2007)",
    )
    df.add_argument(
        "--rules",
        action="append",
        metavar="ID|FILE",
        help="the rule-set version both views are scored under (default: the year's default versions)",
    )
    df.add_argument(
        "--as-of",
        type=_date,
        metavar="DATE",
        help="with --from: score both views as of DATE (default: as `score` does, the same for both)",
    )
    targets_option(df)
    df.add_argument("--format", choices=("table", "json"), default="table", help="table (default) or json")
    lang_option(df)
    df.add_argument(
        "--out", metavar="FILE", help="write to FILE (whole or not at all) instead of standard output"
    )
    df.add_argument(
        "--exit-code",
        action="store_true",
        help="exit 1 when something changed, 0 when nothing did (as git diff --exit-code)",
    )

    ct = commands.add_parser(
        "contacts",
        help="the units' leaders and information officers (联系人)",
        description="List each unit's leader in charge of information work (主管领导) and its information"
        " officers (信息员) on record as of a date — name, post, telephone and since when (附件3 三(三)) —"
        " and, separately, the units that have none on record. This is the office's own list: it shows"
        " telephone numbers, which bulletins never do. Contacts score nothing.",
        epilog=_examples("contacts"),
    )
    quiet_option(ct)
    lang_option(ct)
    ct.add_argument(
        "events",
        nargs="*",
        metavar="EVENTS",
        help="event logs (.jsonl or .csv); - reads standard input (or --store)",
    )
    store_options(ct)
    ct.add_argument(
        "--year", type=_year, help="the assessment year (default: the year of --as-of, else 2007)"
    )
    ct.add_argument(
        "--as-of",
        type=_date,
        metavar="DATE",
        help="the contacts on record on DATE (YYYY-MM-DD; default: 31 December of the year)",
    )
    targets_option(ct)
    ct.add_argument("--history", action="store_true", help="every change up to --as-of too")
    ct.add_argument(
        "--format",
        choices=("table", "csv", "json", "xlsx", "html"),
        default="table",
        help="table (default), csv (UTF-8 with BOM), json, xlsx (a workbook, with --out; needs the xlsx"
        " extra) or html (a printable page)",
    )
    output_options(ct, csv=True)
    ct.add_argument("--keep-going", action="store_true", help="list even when some records are rejected")

    q = commands.add_parser(
        "quotas",
        help="print the target table",
        description="Print the year's target table (任务数): every unit, its group and target.",
        epilog=_examples("quotas"),
    )
    q.add_argument("--year", type=_year, default=2007, help="the year (default 2007)")
    targets_option(q)
    q.add_argument("--format", choices=("table", "json", "csv"), default="table", help="table, json or csv")
    lang_option(q)
    q.add_argument(
        "--keys",
        action="store_true",
        help="with --format csv: the JSON contract's English keys and values, for scripts, whatever"
        " --lang says",
    )

    sv = commands.add_parser(
        "serve",
        help="answer the commands' JSON and the pages over HTTP",
        description="Serve a store over HTTP (docs/service.md): the JSON of score, explain, bulletin and"
        " rules, the ingest of a batch (POST, with the bearer token of --token-file), the latest monthly"
        " bulletin and each unit's own page. Needs the serve extra: pip install 'chengdu-infoscore[serve]'.",
        epilog=_examples("serve"),
    )
    sv.add_argument("--store", required=True, metavar="STORE", help="the store (see `ingest`)")
    sv.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 for every address)",
    )
    sv.add_argument(
        "--port", type=_port, default=8000, help="the port (default 8000; 0: any free port, said on start)"
    )
    sv.add_argument(
        "--token-file",
        metavar="FILE",
        help="the bearer token that writes and the contacts' phones need: the file's first line (without"
        " it the server is read-only)",
    )
    sv.add_argument(
        "--max-body",
        type=_size,
        default=16 * 1024 * 1024,
        metavar="BYTES",
        help="the largest request body taken, in bytes (default 16777216: 16 MiB); larger is refused (413)",
    )
    lang_option(sv)
    sv.set_defaults(quiet=True)  # a server draws no progress line: its requests are not the terminal's
    return top


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) <= 5 and int(text) <= 65535):
        raise argparse.ArgumentTypeError(f"{text!r} is not a port: expected a number from 0 to 65535")
    return int(text)


def _size(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) <= 15 and int(text) >= 1):
        raise argparse.ArgumentTypeError(f"{text!r} is not a size: expected a number of bytes from 1")
    return int(text)


def _when(args: argparse.Namespace) -> tuple[int, dt.date | None]:
    """The assessment year and as-of date the options ask for (``None``: the latest event's date,
    as :func:`~.engine.score` defaults)."""
    month = getattr(args, "month", None)
    if month is not None:
        if args.as_of is not None or (args.year is not None and args.year != month[0]):
            raise _Usage("--month fixes the year and the as-of date: leave out --as-of and --year")
        return month[0], month_end(*month)
    if getattr(args, "year_end", False):
        if args.as_of is not None:
            raise _Usage("--year-end is as of 31 December: leave out --as-of")
        year = args.year if args.year is not None else _default_year(args)
        return year, dt.date(year, 12, 31)
    year = (
        args.year
        if args.year is not None
        else args.as_of.year
        if args.as_of is not None
        else _default_year(args)
    )
    if args.as_of is not None and args.as_of.year != year:
        raise _Usage(f"--as-of {args.as_of} is outside --year {year}")
    return year, args.as_of


def _default_year(args: argparse.Namespace) -> int:
    """The year when neither --year nor --as-of gives one: the year of the versions --rules names
    (not of the versions they adjust), else of the --targets table, else 2007.

    Raises:
        ArgumentError: the versions named are in force in several years.
    """
    specs = getattr(args, "rules", None)
    specs = [] if specs is None else [specs] if isinstance(specs, str) else specs
    # compare's A and B are a timeline each; elsewhere, the versions given form one.
    if args.command == "compare":
        timelines = [_timeline(spec) for spec in specs]
    else:
        timelines = [_timeline(specs)] if specs else []
    named = [v for t in timelines for v in t.versions if not any(o.base == v.id for o in t.versions)]
    year = rules_year(named, "give --year or --as-of")
    if year is None and getattr(args, "targets", None) is not None:
        year = _targets(args, None).year
    return 2007 if year is None else year


def _targets(args: argparse.Namespace, year: int | None) -> QuotaTable:
    """The target table: the --targets file, else the one known for ``year``."""
    path = getattr(args, "targets", None)
    if path is not None:
        return QuotaTable.from_file(path)
    return load_quotas(2007 if year is None else year)


def _read(paths: Sequence[str]) -> ReadResult:
    if "-" in paths and sys.stdin is None:
        raise _Usage("standard input is closed: there is nothing to read for -")
    return read_events(paths)


def _records(args: argparse.Namespace) -> ReadResult:
    """The records to score: the event logs given, or what the store knew (``--store``, ``--known-on``)."""
    store, known_on = getattr(args, "store", None), getattr(args, "known_on", None)
    if store is None:
        if known_on is not None:
            raise _Usage("--known-on needs --store: it says what a store knew on a day")
        if not args.events:
            raise _Usage("the following arguments are required: EVENTS, or --store STORE")
        return _read(args.events)
    if args.events:
        raise _Usage("give event logs or --store STORE, not both")
    with Store.open(store) as opened:
        return opened.read(known_on)


def contacts_registry(
    args: argparse.Namespace, read: ReadResult | None = None
) -> tuple[Registry, QuotaTable]:
    """The registry that ``contacts`` (as ``args`` ask) makes of what it reads (or ``read``, the
    records a caller has read already: the server's view of its store), with its target table: as
    of ``--as-of``, by default 31 December of the year."""
    year, as_of = _when(args)
    quotas = _targets(args, year)  # a year or a table that is wrong stops here, before anything is read
    if read is None:
        read = _records(args)
    as_of = dt.date(year, 12, 31) if as_of is None else as_of
    return contacts_as_of(read, as_of=as_of, quotas=quotas, year=year), quotas


def _contacts(args: argparse.Namespace) -> int:
    """``contacts``: the registry as of a date, with telephone numbers (the office's own list)."""
    registry, quotas = contacts_registry(args)
    if registry.rejections:
        _say_rejected(registry.rejections, args.lang)
        if not args.keep_going:
            return PROBLEMS
    output: str | bytes
    if args.format == "json":
        output = to_json_text(registry_json(registry, quotas, lang=args.lang))
    elif args.format == "csv":
        output = registry_csv(registry, quotas, None if args.keys else args.lang, history=args.history)
    elif args.format == "xlsx":
        output = registry_xlsx(registry, quotas, args.lang, history=args.history)
    elif args.format == "html":
        output = registry_html(registry, quotas, args.lang, history=args.history)
    else:
        output = registry_table(registry, quotas, args.lang, history=args.history)
    _emit(args, output)
    return OK


def _ingest(args: argparse.Namespace) -> int:
    read = _read(args.events)  # a file that cannot be read stops here, before the store is touched
    _step(f"recording {_spaced(len(read))} records in {args.store}…", len(read))
    with Store.open(args.store, create=True) as store:
        report = store.ingest(read, recorded=args.recorded)
    lang = args.lang
    _say_rejected(report.rejections, lang)
    if args.format == "json":
        _out(ingest_answer(args.store, report, lang))
    else:
        ingested = say(
            "score.ingested",
            args.lang,
            seq=report.seq,
            recorded=report.recorded,
            store=args.store,
            received=report.received,
            added=report.added,
            repeated=report.repeated,
            revised=report.revised,
            withdrawn=report.withdrawn,
            rejected=report.rejected,
            events=report.events,
            digest=report.digest[:12],
        )
        _out(ingested + "\n")
    return PROBLEMS if report.rejections else OK


# -- diff -----------------------------------------------------------------------------------------

#: The lines that say which views of the store a diff compares, in each language (``diff.view.*``).
_VIEW_WORDS: dict[str, dict[str, str]] = {lang: words("diff.view", lang) for lang in LANGS}


def _last_batch(batches: Sequence[Batch], known_on: dt.date | None) -> Batch | None:
    """The last batch recorded on or before ``known_on`` (the last of all when ``None``), if any."""
    found = [b for b in batches if known_on is None or b.recorded <= known_on]
    return found[-1] if found else None


def _published_batch(
    published: Published, batches: Sequence[Batch], later: Batch | None, args: argparse.Namespace
) -> Batch | None:
    """The first batch after which the store's view has the published bulletin's events digest and
    count (``None``: the view before the first batch, which holds no records)."""
    if (published.digest, published.events) == (_NOTHING, 0):
        return None
    found = next((b for b in batches if (b.digest, b.events) == (published.digest, published.events)), None)
    if found is None:
        raise _Usage(
            f"{published.file}: no view of the store {args.store} has the bulletin's events digest"
            f" {published.digest} ({published.events} event(s)): the bulletin was not made from this store's"
            " records, or from records not yet recorded in it"
        )
    if later is None or found.seq > later.seq:
        raise _Usage(
            f"{published.file}: the bulletin was made from the view after batch {found.seq}, recorded"
            f" {found.recorded}, later than --to {args.to}: --to is the later view"
        )
    return found


_NOTHING = "0" * 64  # the events digest of no records


def _view_json(known_on: dt.date | None, batch: Batch | None, side: dict[str, Any]) -> dict[str, Any]:
    return {
        "known_on": None if known_on is None else known_on.isoformat(),
        "batch": 0 if batch is None else batch.seq,
        "recorded": None if batch is None else batch.recorded.isoformat(),
        **side,
    }


def _view_text(
    w: dict[str, str], known_on: dt.date | None, batch: Batch | None, published: Published | None
) -> str:
    if published is not None:
        words = w["monthly"] if published.month is not None else w["year_end"]
        title = words.format(year=published.year, month=published.month)
        which = w["published"].format(file=published.file, title=title, digest=published.digest[:12])
    else:
        which = w["everything"] if known_on is None else w["known_on"].format(day=known_on)
    where = w["no_batch"] if batch is None else w["batch"].format(seq=batch.seq, recorded=batch.recorded)
    return f"{which} · {where}"


def _warn_unlike(published: Published, before: Results, lang: str) -> None:
    """Say so when the bulletin's view, scored again, is not under the rules and table it was made
    under: the diff then shows what they changed too."""
    now = before.provenance
    assert now is not None  # score() always states it
    rules = tuple((r.id, r.digest) for r in now.rules)
    if rules != published.rules:
        then = ", ".join(f"{name} ({sha[:12]})" for name, sha in published.rules)
        used = ", ".join(f"{name} ({sha[:12]})" for name, sha in rules)
        warning = say(
            "rules.warning.rules",
            lang,
            file=published.file,
            then=then or say("rules.warning.no_rules", lang),
            used=used,
        )
        _err(say("rules.warning.line", lang, text=warning) + "\n")
    if now.targets_digest != published.targets:
        warning = say(
            "rules.warning.targets",
            lang,
            file=published.file,
            then=published.targets[:12],
            year=now.targets_year,
            now=now.targets_digest[:12],
        )
        _err(say("rules.warning.line", lang, text=warning) + "\n")


def _diff(args: argparse.Namespace) -> int:
    """``diff``: what changed from the earlier view of a store (``--from`` or ``--published``) to
    the later (``--to``, or everything recorded), both scored as of one date under one rule set."""
    if args.out is not None and not args.out:
        raise _Usage("--out needs a file name (or - for standard output)")
    published = None
    as_of: dt.date | None
    if args.published is not None:
        if args.as_of is not None or args.year is not None:
            raise _Usage(
                "--published scores both views as of the bulletin's own as-of date: leave out --as-of and"
                " --year"
            )
        if args.published == "-":
            raise _Usage("--published needs the bulletin's JSON file: standard input (-) is not read here")
        published = read_published(args.published)
        year, as_of = published.year, published.as_of
    else:
        if args.to is not None and args.known_from > args.to:
            raise _Usage(f"--from {args.known_from} comes after --to {args.to}: --from is the earlier view")
        # The as-of date the score command would take; when it is left to score(), the later view's
        # default is taken for both, so that both are judged on the same day.
        year, as_of = _when(args)
    rules = _timeline(args.rules) if args.rules else None
    quotas = _targets(args, year)
    with Store.open(args.store) as store:
        batches = store.batches()  # both views are read by batch: a batch recorded meanwhile is in neither
        later = _last_batch(batches, args.to)
        if published is None:
            earlier = _last_batch(batches, args.known_from)
        else:
            earlier = _published_batch(published, batches, later, args)
        read_before = store.read(after=0 if earlier is None else earlier.seq)
        read_after = store.read(after=0 if later is None else later.seq)
    after = score(read_after, rules=rules, quotas=quotas, year=year, as_of=as_of)
    del read_after
    before = score(read_before, rules=rules, quotas=quotas, year=year, as_of=after.as_of)
    if published is None and as_of is None:  # its date is the later view's default: say so for both
        before = attrs.evolve(before, as_of_basis=after.as_of_basis)
    del read_before
    if published is not None:
        _warn_unlike(published, before, args.lang)
    d = before.diff(after)
    known_before = None if published is not None else args.known_from
    if args.format == "json":
        data = diff_json(d, args.lang)
        data["before"] = _view_json(known_before, earlier, data["before"])
        data["after"] = _view_json(args.to, later, data["after"])
        text = to_json_text({"store": args.store, "published": _published_json(published), **data})
    else:
        w = _VIEW_WORDS[args.lang]
        text = (
            w["store"].format(store=args.store)
            + f"\n{w['before']}: {_view_text(w, known_before, earlier, published)}"
            + f"\n{w['after']}: {_view_text(w, args.to, later, None)}\n\n"
            + diff_table(d, args.lang)
        )
    if args.out is None or args.out == "-":
        _out(text)
    else:
        _write_file(args.out, text.encode("utf-8"))
        written = say("diff.written", args.lang, file=args.out, changed=len(d.units), unchanged=d.unchanged)
        _written(args, written)
    return 1 if args.exit_code and not d.empty else OK


def _published_json(published: Published | None) -> dict[str, Any] | None:
    if published is None:
        return None
    return {
        "file": published.file,
        "bulletin": published.kind,
        "year": published.year,
        "month": published.month,
        "as_of": published.as_of.isoformat(),
        "events": {"count": published.events, "sha256": published.digest},
    }


def _score(args: argparse.Namespace, read: ReadResult | None = None) -> tuple[Results, QuotaTable]:
    """Score what the command reads (or ``read``, the records a caller has read already: the
    server's view of its store) as the options say."""
    year, as_of = _when(args)
    rules = _timeline(args.rules) if args.rules else None
    quotas = _targets(args, year)
    if args.command == "explain":
        _unit(quotas, args.unit)  # a name the table does not know stops the run before anything is read
    if read is None:
        read = _records(args)
    _step(f"scoring {_spaced(len(read))} records…", len(read))
    results = score(read, rules=rules, quotas=quotas, year=year, as_of=as_of)
    return results, quotas


def _unit(quotas: QuotaTable, name: str) -> Unit:
    """The unit ``--unit`` names: a name the table does not know is a usage error that says which
    spellings of the table's units (names, printed labels, aliases) come closest."""
    found = quotas.find(name)
    if found is not None:
        return found
    spellings = {spelling: unit.name for unit in quotas.units for spelling in quotas.names(unit)}
    meant = difflib.get_close_matches(name.strip(), spellings, n=3, cutoff=0.5)
    shown = [repr(s) if spellings[s] == s else f"{s!r} ({spellings[s]})" for s in meant]
    hint = f"{_MEANT}{_either(shown, quoted=True)}?" if shown else ""
    raise _Usage(
        f"argument --unit: unknown unit {name!r}{hint} (give a name, printed label or alias of the"
        f" {quotas.year} target table: `chengdu-infoscore quotas` lists them)"
    )


#: Events written at a time by ``sample --events``: a few megabytes of text.
_SAMPLE_CHUNK = 20_000


def _sample_events(args: argparse.Namespace) -> int:
    """``sample --events N``: a log of N events, the sample year and copies of it, written as it is made."""
    events = sample_events(args.events, args.seed)
    written = 0

    def chunks() -> Iterator[str]:
        nonlocal written
        while chunk := list(itertools.islice(events, _SAMPLE_CHUNK)):
            buffer = io.StringIO()
            written += write_jsonl(chunk, buffer)
            if _progress is not None:
                _progress.count(f"writing {args.out}", written, args.events)
            yield buffer.getvalue()

    if args.out == "-":
        for text in chunks():
            _out(text)
            if "stdout" in _gone:  # the reader went away (| head): making the rest is for no one
                break
        return OK
    _write_file(args.out, (text.encode("utf-8") for text in chunks()))
    _written(args, say("score.sample_written", args.lang, count=written, year=_SAMPLE_YEAR, file=args.out))
    return OK


def _bulletin(
    results: Results, quotas: QuotaTable, month: int | None, top: int
) -> MonthlyBulletin | YearEndBulletin:
    """The monthly bulletin of ``month`` of the results, or the year-end bulletin when it is ``None``.

    ``bulletin`` and ``demo`` both come here with results scored as of the bulletin's own date,
    so that one log gives one bulletin, with one as-of date and one provenance stamp.
    """
    if month is not None:
        return monthly_bulletin(results, quotas, month)
    return year_end_bulletin(results, quotas, top)


def _version(spec: str) -> RuleSet:
    """A version by id, or from its TOML file when ``spec`` ends in ``.toml`` or holds a ``/``."""
    if names_file(spec):
        return RuleSet.from_file(spec)
    return rule_set(spec)


def _timeline(specs: str | list[str]) -> Timeline:
    """The timeline of the versions given to ``--rules`` (once, or several times)."""
    return timeline_of([specs] if isinstance(specs, str) else specs)


def rules_list_json() -> str:
    """What ``rules list --format json`` prints: every known version, and the plug-ins that failed."""
    versions = [
        {
            "id": v.id,
            "title": v.title,
            "effective": v.effective.isoformat(),
            "end": None if v.end is None else v.end.isoformat(),
            "adjusts": v.base,
            "default": v.default,
            "from": v.origin,
            "sha256": v.digest,
        }
        for v in available_rule_sets()
    ]
    return to_json_text({"versions": versions, "plugin_problems": [str(p) for p in plugin_problems()]})


def rules_show_json(v: RuleSet) -> str:
    """What ``rules show ID --format json`` prints: the version, clause by clause, with its figures."""
    lines = rule_lines(v)
    return to_json_text(
        {
            "id": v.id,
            "title": v.title,
            "source": v.source,
            "effective": v.effective.isoformat(),
            "end": None if v.end is None else v.end.isoformat(),
            "adjusts": v.base,
            "from": v.origin,
            "sha256": v.digest,
            "clauses": [
                {
                    "clause": c.id,
                    "section": c.section,
                    "text": c.text,
                    "figures": [{"what": x.what, "value": x.value} for x in lines if x.clause == c.id],
                }
                for c in v.clauses
            ],
            "settings": [{"what": x.what, "value": x.value} for x in lines if x.clause == "-"],
        }
    )


def _rules_command(args: argparse.Namespace) -> int:
    if args.rules_command == "list" and args.format == "json":
        _out(rules_list_json())
        for problem in plugin_problems():
            _err(f"{problem}\n")
        return OK
    if args.rules_command == "show" and args.format == "json":
        if args.toml:
            raise _Usage("--toml prints the version's TOML: leave out --format json")
        _out(rules_show_json(_version(args.version)))
        return OK
    if args.rules_command == "list":
        rows = []
        for v in available_rule_sets():
            ends = f"{v.end}" if v.end else "-"
            default = say("label.yes" if v.default else "label.no", args.lang)
            rows.append(
                [v.id, str(v.effective), ends, v.base or "-", default, origin_text(v.origin, args.lang)]
            )
        keys = ("id", "effective", "end", "adjusts", "default", "from")
        _out(render_table([say(f"heading.{k}", args.lang) for k in keys], rows, [False] * 6))
        for problem in plugin_problems():
            _err(f"{problem}\n")
        return OK
    if args.rules_command == "show":
        v = _version(args.version)
        if args.toml:
            _out(version_toml(v))
            return OK
        head = f"{v.id} — {v.title}\n{v.source} · " + say("score.rules.effective", args.lang, day=v.effective)
        head += say("score.rules.to", args.lang, day=v.end) if v.end else ""
        head += say("score.rules.adjusts", args.lang, base=v.base) if v.base else ""
        head += f" · {origin_text(v.origin, args.lang)}\nsha256 {v.digest}\n"
        parts = [head]
        lines = rule_lines(v, args.lang)
        line = catalogue(args.lang)["rules.line"]
        for clause in v.clauses:
            parts.append(f"\n{clause.id}  {clause.section}\n  {clause.text}\n")
            parts += [
                f"  - {line.format(what=x.what, value=x.value)}\n" for x in lines if x.clause == clause.id
            ]
        others = [x for x in lines if x.clause == "-"]
        if others:
            parts.append("\n" + say("score.rules.settings", args.lang) + "\n")
            parts += [f"  - {line.format(what=x.what, value=x.value)}\n" for x in others]
        _out("".join(parts))
        return OK
    if args.b is None:
        b = _version(args.a)
        if b.base is None:
            raise _Usage(f"{args.a} adjusts no version (it has no base): give the version to compare it with")
        by_id = {v.id: v for v in _timeline(args.a).versions}
        a = by_id[b.base]
    else:
        a, b = _version(args.a), _version(args.b)
    changes = diff(a, b, args.lang)
    none = say("label.none", args.lang)
    rows = [[c.clause, c.what, c.before or none, c.after or none] for c in changes]
    _out(say("score.rules.changes", args.lang, a=a.id, b=b.id, n=len(changes)) + "\n")
    if rows:
        columns = [say("heading.clause", args.lang), say("heading.what", args.lang), a.id, b.id]
        _out(render_table(columns, rows, [False] * 4))
    return OK


def _comparison_table(c: Comparison, changed_only: bool, lang: str) -> str:
    rows = []
    for u in c.units:
        if changed_only and not u.change and u.rank_a == u.rank_b:
            continue
        clauses = "; ".join(f"{clause} {'+' if p > 0 else ''}{format_points(p)}" for clause, p in u.clauses)
        rows.append(
            [
                u.unit,
                csv_value(f"value.group.{u.group}", lang, u.group),
                format_points(u.score_a),
                format_points(u.score_b),
                ("+" if u.change > 0 else "") + format_points(u.change),
                str(u.rank_a),
                str(u.rank_b),
                clauses,
            ]
        )
    note_code = f"score.compare.note.{c.as_of_basis}"
    note = say(note_code, lang) if note_code in catalogue(lang) else ""
    head = f"A = {c.a}\nB = {c.b}\n" + say("score.compare.as_of", lang, as_of=c.as_of, note=note) + "\n\n"
    right = [False, False, True, True, True, True, True, False]
    keys = ("unit", "group", "a", "b", "change", "rank_a", "rank_b", "by_clause")
    table = render_table([say(f"heading.{k}", lang) for k in keys], rows, right)
    runs = [(name, p) for name, p in (("A", c.provenance_a), ("B", c.provenance_b)) if p is not None]
    return head + table + "".join(f"\n{name}: {p.line(lang)}" for name, p in runs) + ("\n" if runs else "")


# The commands that score: each says first which installed plug-ins failed to load.
_SCORING = frozenset({"score", "explain", "validate", "bulletin", "compare", "check", "demo", "diff"})


def _report_plugin_problems(lang: str) -> None:
    _err("".join(say("rules.warning.line", lang, text=problem) + "\n" for problem in plugin_problems()))


def _accounts(results: Results, lang: str) -> str:
    """Where every record read went: read = counted + repeats + after the as-of date + withdrawn +
    rejected (withdrawn is said only when there are withdrawals)."""
    return say(
        "summary.accounts",
        lang,
        read=results.read,
        counted=results.counted,
        repeats=results.repeats,
        after=results.after_as_of,
        as_of=results.as_of,
        withdrawn=_withdrawn(results, lang),
        rejected=len(results.rejections),
    )


def _withdrawn(results: Results, lang: str) -> str:
    return say("summary.withdrawn", lang, withdrawn=results.withdrawn) if results.withdrawn else ""


def _say_rejected(rejections: Sequence[Rejection], lang: str) -> None:
    """Each rejected record on standard error, one line each: ``FILE:LINE: event ID: reason``."""
    _err("".join(f"{r.line(lang)}\n" for r in rejections))


def _report_rejections(results: Results, lang: str) -> None:
    _say_rejected(results.rejections, lang)
    _err(f"{_accounts(results, lang)}{_STOP[lang]}\n")


#: The full stop after a summary line, in each language.
_STOP: Final = {"zh": "。", "en": "."}


def _report_compared(a: Results, b: Results, lang: str) -> None:
    """The rejections of both runs of ``compare``, each once: one made by one run says which, and
    "only" when the other run did not reject that record at all (rather than for another reason)."""
    in_a, in_b = set(a.rejections), set(b.rejections)
    records_a, records_b = {(r.origin, r.event) for r in in_a}, {(r.origin, r.event) for r in in_b}
    lines = []
    for r in sorted(in_a | in_b, key=_rejection_key):
        if r in in_a and r in in_b:
            lines.append(f"{r.line(lang)}\n")
            continue
        run = "A = " + a.rules if r in in_a else "B = " + b.rules
        other = records_b if r in in_a else records_a
        under = "summary.under" if (r.origin, r.event) in other else "summary.under_only"
        lines.append(say(under, lang, line=r.line(lang), run=run) + "\n")
    _err("".join(lines))
    if in_a == in_b:
        _err(f"{_accounts(a, lang)}{_STOP[lang]}\n")
    else:
        accounts = {"accounts_a": _accounts(a, lang), "accounts_b": _accounts(b, lang)}
        _err(say("summary.compared", lang, a=a.rules, b=b.rules, **accounts) + "\n")


def _rejection_key(r: Rejection) -> tuple[int, str, int, str, str]:
    if r.origin is None:
        return (0, "", 0, r.event or "", r.reason)
    return (1, r.origin.file, r.origin.line, r.event or "", r.reason)


class _CannotWrite(Exception):
    """A file the command writes could not be written; the file is as it was."""

    def __init__(self, target: str, exc: OSError | ValueError, existed: bool) -> None:
        directory = os.path.dirname(target) or "."
        if isinstance(exc, FileNotFoundError) and not os.path.isdir(
            os.path.dirname(os.path.realpath(target))
        ):
            why = f"the directory {directory!r} does not exist"
        elif isinstance(exc, FileNotFoundError):  # the directory is there, but takes no new file (/proc)
            reason = _lower(exc.strerror or "no such file")
            why = f"no file can be created in the directory {directory!r} ({reason})"
        elif isinstance(exc, IsADirectoryError):
            why = "it is a directory"
        elif isinstance(exc, OSError) and exc.strerror:
            why = _lower(exc.strerror)
        else:
            why = str(exc)
        left = "it is left as it was" if existed else "nothing was written"
        super().__init__(f"cannot write {target!r}: {why}; {left}")


def _write_file(target: str, data: bytes | Iterable[bytes]) -> None:
    """Write ``data`` (bytes, or bytes in parts as they are made) to ``target`` whole or not at all.

    The data goes to a temporary file beside the target, which is renamed over it once every
    byte is on disk: a reader never sees half a file, and a failure (a full disk, a missing
    directory) leaves the target as it was. A symbolic link is followed, to the file it names. A
    target that is not a regular file (``/dev/stdout``, a named pipe) cannot be replaced and is
    written directly.

    Raises:
        _CannotWrite: naming the target and what went wrong.
    """
    existed = False
    try:
        path = os.path.realpath(target)
        existed = os.path.lexists(path)
        if os.path.isdir(path):
            raise IsADirectoryError(errno.EISDIR, "it is a directory")
        try:
            found = os.stat(path).st_mode
            mode, regular = stat.S_IMODE(found), stat.S_ISREG(found)
        except FileNotFoundError:
            umask = os.umask(0o022)
            os.umask(umask)
            mode, regular = 0o666 & ~umask, True
        parts = [data] if isinstance(data, bytes) else _made(data)
        if not regular:
            with open(path, "wb") as out:
                out.writelines(parts)
            return
        fd, temp = tempfile.mkstemp(
            dir=os.path.dirname(path), prefix=f".{os.path.basename(path)}.", suffix=".part"
        )
        try:
            with os.fdopen(fd, "wb") as out:
                out.writelines(parts)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, mode)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except _Making as failed:  # the data's maker failed, not the file: its own error, as it was raised
        raise failed.error from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL character in the name
        raise _CannotWrite(target, exc, existed) from None


class _Making(Exception):
    """What the maker of the data to write raised, carried past the handling of the file's errors."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def _made(parts: Iterable[bytes]) -> Iterator[bytes]:
    """``parts`` as they are made; an error in making them (an ``ArgumentError``, a ``ValueError``)
    is a :class:`_Making`, never taken for the file's ("cannot write FILE")."""
    made = iter(parts)
    while True:
        try:
            part = next(made)
        except StopIteration:
            return
        except Exception as exc:
            raise _Making(exc) from exc
        yield part


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv``; return the exit status."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse: 0 after --help and --version, 2 for a bad option
        return exc.code if isinstance(exc.code, int) else OK if exc.code is None else PROBLEMS
    if args.command in ("score", "explain", "bulletin", "contacts"):
        _check_output(args)
    if args.command in ("score", "explain", "bulletin", "diff", "sample", "contacts"):
        _check_out_file(args)
    # A command is one short run whose objects are all freed when it ends: the cyclic garbage
    # collector is held off for all of it. A server runs for long, and its workers hold the
    # collector off only while they score.
    quiet = contextlib.nullcontext() if args.command == "serve" else quiet_collector()
    with _progress_line(args), quiet:
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    if args.command in _SCORING:
        _report_plugin_problems(getattr(args, "lang", DEFAULT_LANG))
    if args.command == "quotas":
        if args.keys and args.format != "csv":
            raise _Usage(f"--keys names the columns of --format csv, not of --format {args.format}")
        table = _targets(args, args.year)
        if args.format == "json":
            _out(to_json_text(quotas_json(table)))
        elif args.format == "csv":
            _out(quotas_csv(table, None if args.keys else args.lang))
        else:
            _out(quotas_table(table, args.lang))
        return OK

    if args.command == "rules":
        return _rules_command(args)
    if args.command == "contacts":
        return _contacts(args)
    if args.command == "ingest":
        return _ingest(args)
    if args.command == "diff":
        return _diff(args)
    if args.command == "serve":
        from .serve import serve_command  # the serve extra: imported by this command only

        return serve_command(args)
    if args.command == "check":
        rules = _timeline(args.rules) if args.rules else None
        given = QuotaTable.from_file(args.targets) if args.targets is not None else None
        failed = 0
        for case in args.cases:
            outcome = run_case(case, rules, quotas=given)
            failed += not outcome.passed
            verdict = say("score.check.pass" if outcome.passed else "score.check.fail", args.lang)
            _out(f"{verdict} {case}" + (f" — {outcome.description}\n" if outcome.description else "\n"))
            _out("".join(f"    {f}\n" for f in outcome.lines(args.lang)))
        _out(say("score.check.summary", args.lang, passed=len(args.cases) - failed, failed=failed) + "\n")
        return 1 if failed else OK
    if args.command == "compare":
        if len(args.rules) != 2:
            raise _Usage("compare needs --rules twice: the version A, then the version B")
        year, as_of = _when(args)
        timelines = [_timeline(spec) for spec in args.rules]
        quotas = _targets(args, year)
        read = _records(args)
        _step(f"scoring {_spaced(len(read))} records twice…", len(read))
        a, b = (score(read, rules=t, quotas=quotas, year=year, as_of=as_of) for t in timelines)
        if a.rejections or b.rejections:
            _report_compared(a, b, args.lang)
            if not args.keep_going:
                return PROBLEMS
        comparison = compare(a, b, quotas)
        if args.format == "json":
            _out(to_json_text(comparison_json(comparison)))
        else:
            _out(_comparison_table(comparison, args.changed_only, args.lang))
        return OK
    if args.command == "sample":
        if not args.out:
            raise _Usage("--out needs a file name (or - for standard output)")
        if args.events is not None:
            return _sample_events(args)
        events = sample_year(args.seed)
        buffer = io.StringIO()
        count = write_jsonl(events, buffer)
        if args.out == "-":
            _out(buffer.getvalue())
        else:
            _write_file(args.out, buffer.getvalue().encode("utf-8"))
            year = events[0].date.year
            _written(args, say("score.sample_written", args.lang, count=count, year=year, file=args.out))
        return OK
    if args.command == "demo":
        year, month = args.month
        if year != _SAMPLE_YEAR:
            raise _Usage(f"the sample year is {_SAMPLE_YEAR}: give a month of it, not {year}-{month:02d}")
        events = sample_year(args.seed)
        quotas = load_quotas(year)
        render = bulletin_markdown if args.format == "markdown" else bulletin_table
        rule = "\n" if args.format == "markdown" else "\n" + "=" * 72 + "\n\n"
        # Each bulletin is scored as of its own date, as `bulletin --month` and `--year-end` do.
        monthly = score(events, quotas=quotas, year=year, as_of=month_end(year, month))
        _out(render(_bulletin(monthly, quotas, month, args.top), args.lang) + rule)
        del monthly
        yearly = score(events, quotas=quotas, year=year, as_of=dt.date(year, 12, 31))
        _out(render(_bulletin(yearly, quotas, None, args.top), args.lang))
        return OK

    results, quotas = _score(args)
    if args.command == "validate":
        lang = args.lang
        if results.rejections:
            _report_rejections(results, lang)
            return PROBLEMS
        withdrawn = (
            say("score.withdrawn", args.lang, withdrawn=results.withdrawn) if results.withdrawn else ""
        )
        validated = say(
            "score.validated",
            args.lang,
            read=results.read,
            counted=results.counted,
            repeats=results.repeats,
            after_as_of=results.after_as_of,
            as_of=results.as_of,
            withdrawn=withdrawn,
        )
        _out(validated + "\n")
        return OK

    if results.rejections:
        _report_rejections(results, args.lang)
        if not args.keep_going:
            return PROBLEMS
    csv_lang = "en" if getattr(args, "keys", False) else args.lang
    output: str | bytes
    if args.format in ("json", "html"):
        output = command_output(args, results, quotas)
    elif args.command == "bulletin":
        bulletin = _bulletin(results, quotas, None if args.month is None else args.month[1], args.top)
        if args.format == "csv":
            output = bulletin_csv(bulletin, csv_lang)
        elif args.format == "markdown":
            output = bulletin_markdown(bulletin, args.lang)
        elif args.format == "xlsx":
            clauses = clause_totals(results) if args.month is not None else None
            output = bulletin_xlsx(bulletin, args.lang, clauses, results.rejections)
        else:
            output = bulletin_table(bulletin, args.lang)
    elif args.command == "explain":
        unit = quotas.unit(args.unit)
        result = results.unit(unit.name)
        if args.format == "xlsx":
            output = ledger_xlsx(result, results, args.lang)
        else:
            output = ledger_table(result, results, args.lang)
    elif args.format == "csv":
        output = results_csv(results, csv_lang)
    elif args.format == "xlsx":
        output = results_xlsx(results, quotas, args.lang)
    else:
        output = results_table(results, quotas, args.lang)
    _emit(args, output)
    return OK


def command_output(args: argparse.Namespace, results: Results, quotas: QuotaTable) -> str:
    """What ``score``, ``explain`` or ``bulletin`` prints with ``--format json`` (or ``html``) for
    ``results``, scored as :func:`_score` scores for ``args``: the command line's output and the
    server's answer (``serve``) are this one text."""
    if args.command == "bulletin":
        bulletin = _bulletin(results, quotas, None if args.month is None else args.month[1], args.top)
        if args.format == "html":
            clauses = clause_totals(results) if args.month is not None else None
            return bulletin_html(bulletin, args.lang, clauses)
        return to_json_text(bulletin_json(bulletin))
    if args.format == "html":
        return results_html(results, quotas, args.lang)
    if args.command == "explain":
        return to_json_text(ledger_json(results.unit(quotas.unit(args.unit).name), results, args.lang))
    return to_json_text(results_json(results, args.lang))


def ingest_answer(store: str, report: IngestReport, lang: str) -> str:
    """What ``ingest --format json`` prints for the batch ``report`` recorded in ``store``."""
    return to_json_text({"store": store, **ingest_json(report, lang)})


def _check_output(args: argparse.Namespace) -> None:
    """Refuse, before anything is read, an output that cannot be written: a workbook without
    ``--out`` or to a terminal, ``--keys`` without CSV, an empty ``--out``; and say at once when the
    xlsx extra is missing."""
    if args.out is not None and not args.out:
        raise _Usage("--out needs a file name (or - for standard output)")
    if getattr(args, "keys", False) and args.format != "csv":
        raise _Usage(f"--keys names the columns of --format csv, not of --format {args.format}")
    if args.format != "xlsx":
        return
    if args.out is None:
        raise _Usage(
            "--format xlsx writes a workbook, not text: give --out FILE (or --out - to a pipe or a file)"
        )
    if args.out == "-" and _terminal(sys.stdout):
        raise _Usage(
            "--format xlsx writes a workbook, not text: standard output is a terminal; give --out FILE"
            " (or redirect standard output)"
        )
    xlsx_extra()


def _given_files(args: argparse.Namespace) -> list[str]:
    """The files a command reads: its event logs, store, target table, published bulletin and rule
    files (a rule-set id is no file)."""
    logs = getattr(args, "events", None)  # sample's --events is a number of events, not files
    files = [p for p in logs if p != "-"] if isinstance(logs, list) else []
    files += [getattr(args, k, None) for k in ("store", "targets", "published")]
    files += [r for r in getattr(args, "rules", None) or [] if os.path.isfile(r)]
    return [f for f in files if f and f != "-"]


def _check_out_file(args: argparse.Namespace) -> None:
    """Refuse, before anything is read or scored, an ``--out`` FILE that is one of the command's
    own inputs (writing it would destroy what is read) or cannot be written (a directory, a
    directory that does not exist): exit 2, nothing read, nothing written."""
    out = getattr(args, "out", None)
    if not out or out == "-":
        return
    if "\x00" in out:
        raise _Usage(f"--out {out!r}: a file name cannot hold a NUL character")
    path = os.path.realpath(out)
    if os.path.exists(path):
        for given in _given_files(args):
            with contextlib.suppress(OSError, ValueError):
                if os.path.samefile(path, given):
                    raise _Usage(
                        f"--out {out!r} is {given!r}, which this command reads: writing it would replace"
                        " it; give another file"
                    )
    if os.path.isdir(path):
        raise _CannotWrite(out, IsADirectoryError(errno.EISDIR, "Is a directory"), True)
    if not os.path.isdir(os.path.dirname(path)):
        raise _CannotWrite(out, FileNotFoundError(errno.ENOENT, "No such file or directory"), False)


def _terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):
        return False


def _emit(args: argparse.Namespace, output: str | bytes) -> None:
    """The output to standard output, or with ``--out FILE`` to the file, whole or not at all."""
    data = output.encode("utf-8", "backslashreplace") if isinstance(output, str) else output
    if args.out is None or args.out == "-":
        if isinstance(output, str):
            _out(output)
        else:
            _out_bytes(output)
        return
    _write_file(args.out, data)
    what = (
        say("score.workbook", args.lang)
        if args.format == "xlsx"
        else say("score.output", args.lang, format=args.format)
    )
    _written(args, say("score.written", args.lang, command=args.command, what=what, file=args.out))


def _written(args: argparse.Namespace, line: str) -> None:
    """Say on standard error that the output was written to its file, unless ``--quiet``."""
    if not getattr(args, "quiet", False):
        _err(line + "\n")


def _out_bytes(data: bytes) -> None:
    """Bytes (a workbook) to standard output, as :func:`_write` writes text."""
    if "stdout" in _gone:
        return
    stream = sys.stdout
    if stream is None:
        raise _Lost("cannot write standard output: it is closed")
    raw = getattr(stream, "buffer", None)
    if raw is None:  # an embedding program's text stream: it cannot take a workbook
        raise _Usage("standard output here takes text only: give --out FILE for a workbook")
    try:
        raw.write(data)
        raw.flush()
    except BrokenPipeError:
        _gone.add("stdout")
        _silence(stream)
    except OSError as exc:
        _gone.add("stdout")
        _silence(stream)
        raise _lost(exc) from None


def main(argv: Sequence[str] | None = None) -> int:
    """The console script: run, and turn every error into a message and an exit status.

    The exit status tells the truth whatever happens to the standard streams: a reader that stops
    early (``| head``) stops the output, not the run, whose status stands (2 when the input had
    problems); standard output that cannot be written (a full disk, a closed descriptor) is an
    error, exit 2. ``main`` returns the status; it raises nothing, not even for ``--help``.

    A command is one short run whose objects are all freed when it ends, so the cyclic garbage
    collector is held off for all of it (but ``serve``), not only while events are read and folded.
    """
    _gone.clear()
    status = _main(argv)
    try:
        _flush()
    except _Lost as exc:
        _err(f"chengdu-infoscore: error: {exc}\n")
        status = PROBLEMS
    return status


def _main(argv: Sequence[str] | None) -> int:
    try:
        return run(argv)
    except (InfoscoreError, _Usage, _Lost, _CannotWrite, OSError) as exc:
        _err(f"chengdu-infoscore: error: {exc}\n")
        return PROBLEMS
    except KeyboardInterrupt:
        return 130
    except BaseException as exc:  # a bug, or sys.exit() from code that must not end the command
        if os.environ.get("CHENGDU_INFOSCORE_DEBUG"):
            raise
        _err(
            f"chengdu-infoscore: internal error ({type(exc).__name__}: {exc}); please report it with the"
            " command and input. Set CHENGDU_INFOSCORE_DEBUG=1 to see where it happened.\n"
        )
        return INTERNAL
