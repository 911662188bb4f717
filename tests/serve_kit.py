"""The real server for tests: uvicorn on 127.0.0.1 (a free port) in a thread, spoken to over HTTP
with the standard library's client; and the command line's output to compare its answers with."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import attrs

from chengdu_infoscore import Store, sample_year
from chengdu_infoscore.cli import main
from chengdu_infoscore.sample import write_jsonl
from chengdu_infoscore.serve import MAX_BODY, Service, listen, make_app, make_server

#: The days the test store's batches are recorded: each month's events on the 3rd of the next month.
DAYS = tuple(dt.date(2007, month + 1, 3) for month in range(1, 7))


@attrs.frozen
class Answer:
    """What the server answered: status, headers (names in lower case) and body."""

    status: int
    headers: dict[str, str]
    body: bytes


class Running:
    """The server over a store, running in a thread from ``with`` to its end."""

    def __init__(self, store: str, token: str | None = None, max_body: int = MAX_BODY) -> None:
        self.service = Service(store, token, max_body)
        self.sock = listen("127.0.0.1", 0)
        self.port = self.sock.getsockname()[1]
        self.server = make_server(make_app(self.service))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> Running:
        self.thread.start()
        limit = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < limit, "the server did not start"
            time.sleep(0.02)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.server.should_exit = True
        self.thread.join(20)
        self.service.close()
        self.sock.close()

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        """One request on a new connection."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            connection.close()

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self.request("GET", path, headers=headers)


def command(*argv: str) -> tuple[int, bytes, str]:
    """The command line run in this process: its status, standard output (bytes) and error."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    out.flush()
    err.flush()
    return status, out.buffer.getvalue(), err.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]


def output(*argv: str) -> bytes:
    """The command's standard output; it must succeed."""
    status, out, err = command(*argv)
    assert 0 == status, err
    return out


def fill(folder: Path, months: int = 4) -> Path:
    """A store of the sample year's first ``months`` months: each month's events in a batch of its
    own, recorded on the 3rd of the next month (:data:`DAYS`)."""
    events = sample_year()
    store = folder / "year.store"
    with Store.open(store, create=True) as opened:
        for month in range(1, months + 1):
            path = folder / f"2007-{month:02d}.jsonl"
            with path.open("w", encoding="utf-8") as out:
                write_jsonl([e for e in events if e.date.month == month], out)
            opened.ingest([path], recorded=DAYS[month - 1])
    return store


@contextlib.contextmanager
def slow_batches(seconds: float) -> Iterator[threading.Event]:
    """Every batch recorded in the block holds its transaction open ``seconds`` longer, after its
    records are written and before they are committed; the event is set once one is waiting so."""
    from chengdu_infoscore import store as store_module

    original = store_module.Store._record
    waiting = threading.Event()

    def slow(self: Store, *args: object, **kwargs: object) -> object:
        report = original(self, *args, **kwargs)  # type: ignore[arg-type]
        waiting.set()
        time.sleep(seconds)
        return report

    store_module.Store._record = slow  # type: ignore[method-assign,assignment]
    try:
        yield waiting
    finally:
        store_module.Store._record = original  # type: ignore[method-assign]
