"""The errors the library raises.

Every error derives from :class:`InfoscoreError`, and each also derives from the builtin it
resembles, so ``except ValueError`` keeps working in code that does not know this library.
Messages are part of the public API: they say where the problem is, what was found and what
was expected.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .messages import Message


class InfoscoreError(Exception):
    """Base of every error raised by ``chengdu_infoscore``."""


class EventFieldError(InfoscoreError, ValueError):
    """A field of an event has the wrong form (a date that is not a date, an empty id…).

    Args:
        field: the field's name, as in the event-log form.
        message: what was found and what was expected: a
            :class:`~chengdu_infoscore.messages.Message` (code ``rejected.*``), or a text, which
            is kept as written in every language (``missing``: the field is missing, and the
            text says more).

    The exception's text (``str()``) and :attr:`reason` are English; :attr:`message` gives
    other languages (``exc.message.text("zh")``).
    """

    def __init__(self, field: str, message: Message | str, *, missing: bool = False) -> None:
        self.field = field
        if isinstance(message, str):
            from .messages import Message  # the catalogues' module needs this one first

            given = f"missing required field {field!r}{message}" if missing else f"field {field!r}: {message}"
            message = Message.of("rejected.text", text=given)
        #: Why, as a code and its parameters.
        self.message = message
        #: The message without the class name, in English, as rejections print it.
        self.reason = message.text("en")
        super().__init__(self.reason)


class ArgumentError(InfoscoreError, ValueError):
    """An argument the library cannot work with: an as-of date outside the year, a month that is
    not one, a bulletin asked of results that do not reach its date."""


class DataFileError(InfoscoreError, ValueError):
    """A shipped or supplied data file (rule set, target table, topic list) is malformed.

    Args:
        source: the file, or a description of where the data came from.
        problems: every problem found, each naming its key path.
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} problem(s):\n{lines}")


class EventFileError(InfoscoreError, ValueError):
    """Event files that cannot be read as event logs: missing, unreadable, or not an event log.

    A file that is not an event log (a JSON array, a CSV export without its header row, a
    UTF-16 or compressed file…) is never read as zero events, nor as records rejected one by
    one: reading stops with this error, which names every such file and says what it looks like.

    Args:
        problems: one ``FILE: reason`` for each file that could not be read.
    """

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        if len(self.problems) == 1:
            message = self.problems[0]
        else:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            message = f"{len(self.problems)} event files cannot be read:\n{lines}"
        super().__init__(message)


class UnknownYearError(InfoscoreError, LookupError):
    """No shipped data (target table or rule set) covers the year asked for."""


class PluginError(InfoscoreError, RuntimeError):
    """A plug-in misbehaved: its rule kind is missing, refused its settings, or booked wrongly."""


class UnknownRuleSetError(InfoscoreError, LookupError):
    """No known rule-set version has the id asked for."""


class UnknownUnitError(InfoscoreError, KeyError):
    """A unit name that the target table does not know, by name, label or alias.

    A :class:`KeyError` (so also a :class:`LookupError`), as :meth:`Results.unit
    <chengdu_infoscore.results.Results.unit>` raised before it took every spelling.

    Args:
        name: the name as written.
        closest: the canonical names of the units whose spellings are closest to it.
    """

    def __init__(self, name: str, closest: tuple[str, ...] = ()) -> None:
        hint = f"; the closest: {', '.join(closest)}" if closest else ""
        self.message = (
            f"unknown unit {name!r}: give a name, printed label or alias from the target table"
            f" (see `chengdu-infoscore quotas`){hint}"
        )
        super().__init__(self.message)
        self.name = name
        self.closest = closest

    def __str__(self) -> str:  # a KeyError would show its message in quotes
        return self.message


class ArgumentTypeError(InfoscoreError, TypeError):
    """An argument of the wrong type given to a public function: a text where a date is needed,
    ``None`` where an event is. The message names the argument, what was found and what is needed."""


class StoreError(InfoscoreError, ValueError):
    """A store (:class:`~chengdu_infoscore.store.Store`) that cannot be opened, read or written as
    asked: no such store, a file that is not one, a store of a newer schema or stored form, a
    batch recorded before the store's latest, a directory where it cannot be written. The message
    names the store's file, what was found and what to do. Whatever failed, the store is as it was.
    """


class MissingExtraError(InfoscoreError, ImportError):
    """An optional package that a feature needs is not installed; the message names the extra that
    installs it (``pip install 'chengdu-infoscore[frames]'``).

    Args:
        extra: the extra of ``chengdu-infoscore`` that installs it.
        package: the package's name.
        purpose: what needs it, as the message says it (``a data frame``).
    """

    def __init__(self, extra: str, package: str, purpose: str) -> None:
        self.extra = extra
        self.package = package
        super().__init__(
            f"{purpose} needs {package}, which is not installed: pip install 'chengdu-infoscore[{extra}]'",
            name=package,
        )
