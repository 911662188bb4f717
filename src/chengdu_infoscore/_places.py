"""Where rows were read (:class:`Places`), and a quiet garbage collector for making millions of them.

What a row is, type by type, is :mod:`._codecs`' business.
"""

from __future__ import annotations

import bisect
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .events import Origin

__all__ = ["Places", "quiet_collector"]


class Places:
    """Where rows were read: positions are numbered across files, and mapped back to file and line.

    A file's lines take the positions ``base + line``; an event built in Python takes a
    negative position that indexes its own origin (usually ``None``).
    """

    def __init__(self) -> None:
        self._bases: list[int] = []
        self._names: list[str] = []
        self._next = 1
        self._given: list[Origin | None] = []

    def add_file(self, name: str) -> int:
        """Start a file: its line ``n`` takes the position ``base + n``; return the base."""
        self._bases.append(self._next)
        self._names.append(name)
        return self._next

    def end_file(self, lines: int) -> None:
        """The file just started had ``lines`` lines."""
        self._next = self._bases[-1] + lines + 1

    def add_origin(self, origin: Origin | None) -> int:
        """A position for an event built in Python (or read elsewhere), with its own origin."""
        self._given.append(origin)
        return -len(self._given)

    def origin(self, pos: int) -> Origin | None:
        """The file and line of a position."""
        if pos < 0:
            return self._given[-pos - 1]
        i = bisect.bisect_right(self._bases, pos) - 1
        return Origin(self._names[i], pos - self._bases[i])

    def where_key(self, pos: int) -> tuple[int, str, int]:
        """A sort key for positions that orders them as their origins are ordered: by file, then line."""
        origin = self.origin(pos)
        return (0, "", 0) if origin is None else (1, origin.file, origin.line)

    def merged(self, other: Places) -> tuple[Places, Callable[[int], int]]:
        """Places holding both (these stay as they are); and how to move a position of ``other``
        into them."""
        both = Places()
        both._bases, both._names, both._next = list(self._bases), list(self._names), self._next
        both._given = list(self._given)
        return both, both.take(other)

    def take(self, other: Places) -> Callable[[int], int]:
        """Add ``other``'s places to these; return how to move a position of ``other`` into them."""
        shift, given = self._next - 1, len(self._given)
        self._bases += [b + shift for b in other._bases]
        self._names += other._names
        self._next = other._next + shift
        self._given += other._given

        def move(pos: int) -> int:
            return pos - given if pos < 0 else pos + shift

        return move


class _Quiet:
    """How many are holding the collector off, and whether it ran before the first of them."""

    lock = threading.Lock()
    holders = 0
    was_enabled = False


@contextmanager
def quiet_collector() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a million small, acyclic objects are made.

    Rows, bookings and item states would otherwise be traversed again and again as they
    survive collection after collection; none of them can be cyclic garbage, so nothing is
    lost by waiting. The collector's own setting is restored when the last holder is done:
    threads that score at once (a server's workers) each hold it off, and none of them leaves
    it off for good by restoring what it found while another held it.
    """
    with _Quiet.lock:
        if _Quiet.holders == 0:
            _Quiet.was_enabled = gc.isenabled()
            gc.disable()
        _Quiet.holders += 1
    try:
        yield
    finally:
        with _Quiet.lock:
            _Quiet.holders -= 1
            if _Quiet.holders == 0 and _Quiet.was_enabled:
                gc.enable()
