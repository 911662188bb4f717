"""The cyclic garbage collector held off while rows are made, by one thread or several at once."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from chengdu_infoscore._places import quiet_collector


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    """Each test starts with the collector running, and leaves it so."""
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_off_inside_and_as_it_was_after() -> None:
    """Off while held, on again after; left off after when it was off before."""
    with quiet_collector():
        inside = gc.isenabled()
    after = gc.isenabled()
    gc.disable()
    with quiet_collector():
        pass
    assert (False, True, False) == (inside, after, gc.isenabled())


def test_threads_that_overlap_leave_the_collector_running() -> None:
    """The first thread done while a second still holds the collector off neither turns it on
    under the second nor lets the second leave it off for good."""
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def first() -> None:
        with quiet_collector():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with quiet_collector():
            second_in.set()
            first_out.wait(5)
            seen["second, after the first is done"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert ({"second, after the first is done": False}, True) == (seen, gc.isenabled())


def test_a_command_holds_the_collector_off_and_serve_does_not(monkeypatch: pytest.MonkeyPatch) -> None:
    """`score` and the other short commands run with the collector off; `serve`, a long run whose
    workers hold it off only while they score, runs with it on."""
    import chengdu_infoscore.cli as cli
    import chengdu_infoscore.serve as serve

    seen: dict[str, bool] = {}

    def record(command: str) -> object:
        def run(args: object) -> int:
            seen[command] = gc.isenabled()
            return 0

        return run

    monkeypatch.setattr(serve, "serve_command", record("serve"))
    monkeypatch.setattr(cli, "_ingest", record("ingest"))
    statuses = [
        cli.main(["serve", "--store", "any.store"]),
        cli.main(["ingest", "any.store", "-", "--recorded", "2007-01-05"]),
    ]
    assert ([0, 0], {"serve": True, "ingest": False}, True) == (statuses, seen, gc.isenabled())
