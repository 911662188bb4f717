"""Provenance: what a result was computed from, so that anyone can tell two results apart or alike.

Every result carries the library's version, each rule-set version used (with a digest of its
data and where it came from), the target table with its digest, a digest of the event log that
does not depend on the order of its lines, the as-of date, and every installed plug-in that
failed to load (a result computed beside a broken plug-in must be told apart from one computed
without it). The same inputs always give the same stamp; a changed figure in any input changes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Final

import attrs

from ._codecs import fingerprint, row_of
from .events import Event
from .messages import check_lang, text
from .quotas import QuotaTable

__all__ = [
    "Provenance",
    "RuleStamp",
    "combine",
    "event_fingerprint",
    "events_digest",
    "library_version",
    "quotas_digest",
    "rejected_print",
    "rejection_fingerprint",
]


def library_version() -> str:
    """The installed version of chengdu-infoscore."""
    try:
        return version("chengdu-infoscore")
    except PackageNotFoundError:  # pragma: no cover - running from a tree that is not installed
        return "0+unknown"


@attrs.frozen
class RuleStamp:
    """One rule-set version used: its id, the SHA-256 of its data, where it came from, when in force."""

    id: str
    digest: str
    origin: str
    effective: dt.date
    end: dt.date | None


@attrs.frozen
class Provenance:
    """What a result was computed from."""

    library: str
    rules: tuple[RuleStamp, ...]
    targets_year: int
    targets_digest: str
    events_digest: str
    events: int
    as_of: dt.date
    #: Every installed plug-in that failed to load, or whose contribution is not used, with why:
    #: one line each, as ``rules list`` prints them.
    plugin_problems: tuple[str, ...] = ()

    @property
    def stamp(self) -> str:
        """One SHA-256 over everything above: equal stamps, equal inputs."""
        return hashlib.sha256(json.dumps(self.as_json(), sort_keys=True).encode("utf-8")).hexdigest()

    def as_json(self) -> dict[str, Any]:
        """The provenance as JSON values."""
        return {
            "library": self.library,
            "rules": [
                {
                    "id": r.id,
                    "sha256": r.digest,
                    "origin": r.origin,
                    "effective": r.effective.isoformat(),
                    "end": None if r.end is None else r.end.isoformat(),
                }
                for r in self.rules
            ],
            "targets": {"year": self.targets_year, "sha256": self.targets_digest},
            "events": {"count": self.events, "sha256": self.events_digest},
            "as_of": self.as_of.isoformat(),
            "plugin_problems": list(self.plugin_problems),
        }

    def line(self, lang: str = "zh") -> str:
        """One line for people, with shortened digests: in Chinese by default, English with
        ``lang="en"``.

        Raises:
            ValueError: ``lang`` is neither ``zh`` nor ``en`` (:class:`~chengdu_infoscore.ArgumentError`).
        """
        rules = ", ".join(f"{r.id} ({r.digest[:12]})" for r in self.rules)
        problems = (
            text("provenance.problems", lang, n=len(self.plugin_problems)) if self.plugin_problems else ""
        )
        return text(
            "provenance.line",
            check_lang(lang),
            library=self.library,
            rules=rules,
            year=self.targets_year,
            targets=self.targets_digest[:12],
            events=self.events,
            digest=self.events_digest[:12],
            as_of=self.as_of,
            problems=problems,
            stamp=self.stamp[:16],
        )


_MODULUS = 1 << 256


def event_fingerprint(event: Event) -> int:
    """A 256-bit number for the event's content (``origin`` aside).

    The SHA-256 of its type, id, date and fields, as :func:`._codecs.fingerprint` computes it.
    """
    return fingerprint(row_of(event, 0))


#: What starts the fingerprinted bytes of a record the reader rejected, and of a rejection built in
#: Python with nothing read: no event's fingerprint text starts so (it starts with a type word).
_READ: Final = b"rejected\x1f"
_GIVEN: Final = b"rejection\x1f"


def rejection_fingerprint(record: str | bytes) -> int:
    """A 256-bit number for a record rejected while reading, by what was read: the line (JSON
    Lines) or the record (CSV), as text (UTF-8) or as the bytes read when they are not text.

    Never by the reason: a reason reworded, or put in another language, leaves the digest alone.
    """
    data = record if isinstance(record, bytes) else record.encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.sha256(_READ + data).digest(), "big")


def rejected_print(rejection: Any) -> int:
    """The fingerprint of a :class:`~.results.Rejection` in the events digest: of its
    :attr:`~.results.Rejection.record` (what was read); for a rejection built in Python with
    nothing read, of its code and parameters (never its wording)."""
    if rejection.record is not None:
        return rejection_fingerprint(rejection.record)
    said = json.dumps(rejection.message.as_json(), sort_keys=True, ensure_ascii=False, default=str)
    return int.from_bytes(hashlib.sha256(_GIVEN + said.encode("utf-8", "surrogatepass")).digest(), "big")


def combine(fingerprints: Iterable[int]) -> int:
    """Fingerprints added modulo 2²⁵⁶: the same multiset, in any order, gives the same sum."""
    return sum(fingerprints) % _MODULUS


def events_digest(events: Iterable[Event], rejected_records: Iterable[str | bytes] = ()) -> tuple[str, int]:
    """A digest of the events as written, independent of their order, and how many there were.

    Records that were rejected while reading count by what was read (``rejected_records``: each
    line or record as text, or bytes; see :func:`rejection_fingerprint`), so that a log with a
    broken line does not digest like the same log without it, whatever the reason is worded as.
    The digest is the sum of the records' SHA-256 fingerprints modulo 2²⁵⁶, so it can also be
    kept up to date one record at a time.
    """
    prints = [event_fingerprint(e) for e in events]
    prints += [rejection_fingerprint(r) for r in rejected_records]
    return f"{combine(prints):064x}", len(prints)


def quotas_digest(table: QuotaTable) -> str:
    """A SHA-256 of a target table's content: every unit, group, target, label and alias."""
    data = {
        "year": table.year,
        "groups": [[g.key, g.label, g.basis] for g in table.groups],
        "units": [[u.name, u.label, u.group, u.basis, u.target, list(u.aliases)] for u in table.units],
        "prefixes": [list(p) for p in table.prefixes],
    }
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()
