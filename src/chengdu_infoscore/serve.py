"""The service: ``chengdu-infoscore serve`` (docs/service.md), the commands' answers over HTTP.

Each JSON endpoint answers exactly the bytes the matching command prints for the same store and
dates — the command line's own functions make both (:func:`~.cli.command_output`,
:func:`~.cli.ingest_answer`, :func:`~.cli.rules_list_json`) — and each error is an RFC 9457
problem details object whose ``detail`` is the command line's message.

How it stays safe and whole:

- it listens on 127.0.0.1 unless told otherwise; a write (``POST /v1/events``) and the contacts'
  phones need ``Authorization: Bearer TOKEN``, the token being the first line of ``--token-file``
  (compared in constant time); without a token file the server is read-only;
- a request body is read a chunk at a time and refused (413) as soon as it passes ``--max-body``;
- a body with a record that cannot be read is refused whole (400): nothing is recorded; a batch is
  one transaction of the store, recorded whole or not at all;
- writes are taken one at a time, in a worker thread, so that reads go on meanwhile; every read is
  of one view of the store, the view after one batch (SQLite's WAL gives each reader the batches
  committed when it began), so a reader sees a batch whole or not at all;
- an answer is a function of its view and its parameters, kept in a small cache keyed by both.

Starlette and uvicorn are the ``serve`` extra: this module imports them only when a server is made,
and the library never imports this module.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import datetime as dt
import hmac
import importlib
import json
import os
import signal
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final

from . import cli
from ._time import parse_date
from .contacts import registry_json, results_registry
from .exceptions import InfoscoreError, MissingExtraError, StoreError
from .messages import DEFAULT_LANG, LANGS, Message, text
from .page import no_bulletin_html, unit_html
from .quotas import QuotaTable
from .readers import read_bytes, watching
from .reports import rejection_json, to_json_text
from .results import Results
from .rules.registry import rule_set
from .store import Store

if TYPE_CHECKING:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ["OPENAPI", "ServeError", "Service", "make_app", "make_server", "serve_command", "serve_extra"]

#: The largest request body taken by default: 16 MiB.
MAX_BODY: Final = 16 * 1024 * 1024
#: How many answers are kept (each is a function of its view of the store and its parameters).
CACHED: Final = 256
_JSON: Final = "application/json"
_PROBLEM: Final = "application/problem+json"


class ServeError(InfoscoreError, ValueError):
    """The server cannot start as asked: a token file that gives no token, an address it cannot
    listen on."""


def serve_extra() -> tuple[Any, Any]:
    """The ``starlette`` and ``uvicorn`` modules.

    Raises:
        MissingExtraError: they are not installed; the message names the extra that installs them.
    """
    try:
        return importlib.import_module("starlette"), importlib.import_module("uvicorn")
    except ImportError:
        raise MissingExtraError(
            "serve", "Starlette and uvicorn", "serving a store over HTTP (serve)"
        ) from None


# -- problems ---------------------------------------------------------------------------------------

#: Each status the service answers with, and the code of its title (``serve.problem.*``).
_KINDS: Final = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    500: "internal_error",
    503: "unavailable",
}


class Problem(Exception):
    """An answer that is an error: its status, its message — the command line's, or the server's own
    (a code of the catalogues, put in the request's language) — and any more members."""

    def __init__(
        self, status: int, detail: str | Message, headers: dict[str, str] | None = None, **more: Any
    ) -> None:
        super().__init__(detail if isinstance(detail, str) else detail.text("en"))
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        self.more = more


def problem_json(status: int, detail: str | Message, lang: str, more: dict[str, Any] | None = None) -> bytes:
    """An RFC 9457 problem details object: type, title and detail (in ``lang``), status, and ``more``."""
    kind = _KINDS[status]
    if isinstance(detail, Message):
        detail = detail.text(lang)
    data = {
        "type": f"urn:chengdu-infoscore:problem:{kind.replace('_', '-')}",
        "title": text(f"serve.problem.{kind}", lang),
        "status": status,
        "detail": detail,
        **(more or {}),
    }
    return to_json_text(data).encode("utf-8")  # a lone surrogate read from a body is written escaped


# -- reading the parameters -------------------------------------------------------------------------


def _params(request: Request, allowed: Sequence[str]) -> dict[str, str]:
    """The query's parameters: each one of ``allowed``, given once."""
    found: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name not in allowed:
            known: str | Message = ", ".join(allowed) if allowed else _say("no_params")
            raise Problem(400, _say("unknown_param", name=repr(name), known=known))
        if name in found:
            raise Problem(400, _say("param_twice", name=name))
        found[name] = value
    return found


def _lang(params: dict[str, str]) -> str:
    lang = params.get("lang", DEFAULT_LANG)
    if lang not in LANGS:
        raise Problem(400, _say("lang", found=repr(lang), choices=", ".join(map(repr, LANGS))))
    return lang


def _day(params: dict[str, str], name: str) -> dt.date | None:
    value = params.get(name)
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise Problem(400, f"{name}: {exc}") from None


def _say(code: str, **params: object) -> Message:
    """The server's own message ``serve.error.CODE``, put in the request's language when answered."""
    return Message.of(f"serve.error.{code}", **params)


def _request_lang(request: Request) -> str:
    """The language of an error's title: the query's ``lang`` when it is one, else Chinese."""
    lang = request.query_params.get("lang", DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


# -- the service ------------------------------------------------------------------------------------


def _file_of(path: str) -> tuple[int, int] | None:
    """Which file is at ``path`` now (device and inode), or ``None`` when none is."""
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    return (found.st_dev, found.st_ino)


class Service:
    """What the server's endpoints share: the store's file, the token, the limits, the answers kept,
    one writer at a time.

    Each read borrows a connection to the store that no other read is using (one per read at a
    time, whichever worker thread reads); the writer has its own. The server serves the one store file it
    found at the path: one removed, moved or replaced under it (a backup put back) is 503 for
    every request until the server is started again — its open connections would go on reading
    the old file while the command line reads the new, and the new must not meet the old one's
    write-ahead log.
    """

    def __init__(self, store: str, token: str | None = None, max_body: int = MAX_BODY) -> None:
        self.store = store
        self.token = token
        self.max_body = max_body
        self.internal_errors = 0  # answers of the catch-all: the tests check that no input reaches it
        self._opened: list[Store] = []
        self._idle: list[Store] = []  # those of them no read is using
        self._opened_lock = threading.Lock()
        self._cache: collections.OrderedDict[tuple[Any, ...], bytes] = collections.OrderedDict()
        self._cache_lock = threading.Lock()
        self._writing = asyncio.Lock()  # one batch at a time
        # One computation per answer (a second asker of the same answer waits, then finds it kept),
        # and at most two at a time on the machine's cores: other answers are not held up behind
        # one slow one, and a burst of distinct questions cannot take every worker thread.
        self._making: dict[tuple[Any, ...], asyncio.Lock] = {}
        self._workers = asyncio.Semaphore(2)
        self._served: tuple[int, int] | None = _file_of(store)  # the store's file (or the first made)
        self._log: tuple[int, int] | None = None  # its write-ahead log, once a connection keeps it
        self._lost: str | None = None  # what happened to the store under the server, once it has

    # -- the store ------------------------------------------------------------------------------

    def _same_file(self) -> None:
        """Go on only while the store's files are those served.

        Once the store's file is gone from the path or another has taken its place, or the
        write-ahead log that the server's open connections keep is gone or replaced, every
        request touching the store is refused until the server is started again: the file may
        have been written elsewhere meanwhile, which the open connections would never see.

        Raises:
            Problem: 503, saying what happened to the store.
        """
        with self._opened_lock:
            if self._lost is None:
                found = _file_of(self.store)
                if self._served is None:  # made by the first batch posted
                    self._served = found
                if found is None:
                    self._lost = "store_gone"
                elif found != self._served:
                    self._lost = "store_replaced"
                elif self._log is not None and _file_of(os.path.realpath(self.store) + "-wal") != self._log:
                    self._lost = "store_log_gone"
            if self._lost is not None:
                raise Problem(503, _say(self._lost, store=self.store))

    @contextlib.contextmanager
    def _reader(self) -> Iterator[Store]:
        """A connection to the store to read through, for as long as the ``with`` lasts: one not in
        use, or a new one. Connections are kept for the server's life (their write-ahead log with
        them) and lent to whichever worker thread reads next: worker threads come and go."""
        with self._opened_lock:
            store = self._idle.pop() if self._idle else None
        if store is None:
            store = Store.open(self.store)
            store.batches()  # its read makes the write-ahead log, which stays while it is open
            with self._opened_lock:
                self._opened.append(store)
                if self._log is None:
                    self._log = _file_of(os.path.realpath(self.store) + "-wal")
        try:
            yield store
        finally:
            with self._opened_lock:
                self._idle.append(store)

    def close(self) -> None:
        """Close every connection the service opened."""
        with self._opened_lock:
            for store in self._opened:
                store.close()
            self._opened.clear()
            self._idle.clear()

    def view(self, known_on: dt.date | None) -> int:
        """The batch after which the store's view as known on ``known_on`` stands (0: none yet)."""
        self._same_file()
        seq = 0
        with self._reader() as store:
            batches = store.batches()
        for batch in batches:
            if known_on is not None and batch.recorded > known_on:
                break
            seq = batch.seq
        return seq

    # -- answers ------------------------------------------------------------------------------

    def _kept(self, key: tuple[Any, ...]) -> bytes | None:
        with self._cache_lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
            return found

    def _keep(self, key: tuple[Any, ...], body: bytes) -> None:
        with self._cache_lock:
            self._cache[key] = body
            while len(self._cache) > CACHED:
                self._cache.popitem(last=False)

    async def answer(self, key: tuple[Any, ...], make: Callable[[], bytes]) -> bytes:
        """The answer of ``key``, kept or made by ``make`` in a worker thread."""
        from starlette.concurrency import run_in_threadpool

        found = self._kept(key)
        if found is not None:
            return found
        making = self._making.setdefault(key, asyncio.Lock())
        async with making:
            found = self._kept(key)
            if found is None:
                async with self._workers:
                    found = await run_in_threadpool(make)
                self._keep(key, found)
        self._making.pop(key, None)  # those still waiting hold the lock; they will find the answer kept
        return found

    def scored(self, argv: list[str], seq: int) -> tuple[argparse.Namespace, Results, QuotaTable]:
        """The command ``argv`` scored over the view after batch ``seq``, as the command scores."""
        args = parse(argv)
        year, _ = cli._when(args)  # a year with no target table stops here, before anything is read
        cli._targets(args, year)
        with self._reader() as store:
            read = store.read(after=seq)
        results, quotas = cli._score(args, read)
        return args, results, quotas

    def command(self, argv: list[str], seq: int) -> bytes:
        """What the command ``argv`` prints (``--format json`` or ``html``) over the view after ``seq``."""
        args, results, quotas = self.scored(argv, seq)
        return cli.command_output(args, results, quotas).encode("utf-8")

    def contacts(self, argv: list[str], seq: int) -> bytes:
        """What ``contacts`` (``argv``, ``--format json``) prints over the view after batch ``seq``."""
        args = parse(argv)
        year, _ = cli._when(args)
        cli._targets(args, year)
        with self._reader() as store:
            read = store.read(after=seq)
        registry, quotas = cli.contacts_registry(args, read)
        return to_json_text(registry_json(registry, quotas, lang=args.lang)).encode("utf-8")

    def unit_name(self, unit: str, as_of: dt.date | None) -> str:
        """The unit's name in the target table of the year of ``as_of`` (any spelling events accept).

        Raises:
            Problem: 404, the table has no such unit (with the command line's message).
        """
        args = parse(["explain", "--format=json", f"--unit={unit}", *_as_of(as_of)])
        year, _ = cli._when(args)
        try:
            return cli._unit(cli._targets(args, year), unit).name
        except cli._Usage as exc:
            raise Problem(404, str(exc)) from None

    def ingest(self, data: bytes, recorded: dt.date, lang: str) -> bytes:
        """Record the body as one batch, as ``ingest STORE - --recorded DAY --format json`` does."""
        read = read_bytes(data)
        if read.rejections:
            lines = "".join(f"{r.line(lang)}\n" for r in read.rejections)
            rejected = text("serve.error.body_rejected", lang, count=len(read.rejections))
            raise Problem(
                400, lines + rejected, rejections=[rejection_json(r, lang) for r in read.rejections]
            )
        if not len(read):
            raise Problem(400, _say("body_empty"))
        if self._served is not None:  # a store removed under the server is not made again here
            self._same_file()
        with Store.open(self.store, create=True) as store:
            try:
                report = store.ingest(read, recorded=recorded)
            except StoreError as exc:
                batches = store.batches()
                if batches and recorded < batches[-1].recorded:  # what was known then stays as it was
                    raise Problem(409, str(exc)) from None
                raise
        return cli.ingest_answer(self.store, report, lang).encode("utf-8")

    # -- authority ----------------------------------------------------------------------------

    def authorise(self, request: Request) -> None:
        """Let the request through only with the token (``Authorization: Bearer TOKEN``).

        Raises:
            Problem: 403 on a read-only server, 401 without the token or with another.
        """
        if self.token is None:
            raise Problem(403, _say("read_only"))
        given = request.headers.get("authorization")
        if given is None:
            raise Problem(
                401,
                _say("token_missing"),
                {"WWW-Authenticate": 'Bearer realm="chengdu-infoscore"'},
            )
        scheme, _, token = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode("utf-8", "surrogateescape"), self.token.encode("utf-8")
        ):
            raise Problem(
                401,
                _say("token_wrong"),
                {"WWW-Authenticate": 'Bearer realm="chengdu-infoscore", error="invalid_token"'},
            )


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line's own reading of ``argv`` (the endpoints check each value first)."""
    try:
        return cli._parser().parse_args(argv)
    except SystemExit:  # a value the endpoint let through and the command refuses
        raise Problem(400, _say("refused", argv=repr(" ".join(argv)))) from None


def _unit_contacts(results: Results, unit: str, lang: str) -> list[tuple[str, str, str]]:
    """A unit's leaders and officers on record as of the results' date, as its page shows them:
    (role, name, title), never a telephone number; none when none is on record (the page says so,
    whether or not the store holds other units' contacts)."""
    if not results.contacts:
        return []
    [held] = [u for u in results_registry(results).units if u.unit == unit]
    return [
        (text(f"contacts.{p.role}", lang), p.name, p.title or "") for p in (*held.leaders, *held.officers)
    ]


def latest_month(latest: dt.date) -> tuple[int, int] | None:
    """The month whose bulletin is the latest, when the view's latest event is dated ``latest``:
    the last month over by then (a bulletin is as of its month's end, and would judge a commission
    due later in an unfinished month as overdue); ``None`` while January is not over."""
    if (latest + dt.timedelta(days=1)).month != latest.month:  # the month's last day: it is over
        return latest.year, latest.month
    if latest.month == 1:
        return None
    return latest.year, latest.month - 1


def _command(name: str, lang: str, *more: str, form: str = "json") -> list[str]:
    """The command line whose output an endpoint answers: ``name`` with ``--format`` (JSON unless
    a page), ``--keep-going`` (an answer lists its rejections rather than failing), ``--lang`` and
    the endpoint's own options."""
    return [name, f"--format={form}", "--keep-going", f"--lang={lang}", *more]


def _as_of(as_of: dt.date | None) -> list[str]:
    return [] if as_of is None else [f"--as-of={as_of.isoformat()}"]


def _month(value: str) -> tuple[int, int]:
    try:
        return cli._month(value)
    except argparse.ArgumentTypeError as exc:
        raise Problem(400, f"month: {exc}") from None


# -- the application --------------------------------------------------------------------------------


def make_app(service: Service) -> Starlette:
    """The ASGI application of the service: its routes, its problem answers."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException
    from starlette.responses import Response
    from starlette.routing import Route

    def json_answer(body: bytes) -> Response:
        return Response(body, media_type=_JSON)

    def html_answer(body: bytes) -> Response:
        return Response(body, media_type="text/html; charset=utf-8")

    async def scoring(kind: str, argv: list[str], known_on: dt.date | None) -> bytes:
        seq = await run_in_threadpool(service.view, known_on)
        return await service.answer((kind, *argv, seq), lambda: service.command(argv, seq))

    async def score(request: Request) -> Response:
        params = _params(request, ("as_of", "known_on", "lang"))
        lang, as_of, known_on = _lang(params), _day(params, "as_of"), _day(params, "known_on")
        argv = _command("score", lang, *_as_of(as_of))
        return json_answer(await scoring("json", argv, known_on))

    async def explain(request: Request) -> Response:
        params = _params(request, ("as_of", "known_on", "lang"))
        lang, as_of, known_on = _lang(params), _day(params, "as_of"), _day(params, "known_on")
        name = await run_in_threadpool(service.unit_name, request.path_params["unit"], as_of)
        argv = _command("explain", lang, f"--unit={name}", *_as_of(as_of))
        return json_answer(await scoring("json", argv, known_on))

    async def bulletin(request: Request) -> Response:
        params = _params(request, ("known_on", "lang"))
        lang, known_on = _lang(params), _day(params, "known_on")
        year, month = _month(request.path_params["month"])
        argv = _command("bulletin", lang, f"--month={year:04d}-{month:02d}")
        return json_answer(await scoring("json", argv, known_on))

    async def year_end(request: Request) -> Response:
        params = _params(request, ("known_on", "lang", "year", "top"))
        lang, known_on = _lang(params), _day(params, "known_on")
        argv = _command("bulletin", lang, "--year-end")
        for name, check in (("year", cli._year), ("top", cli._count)):
            if name in params:
                try:
                    argv.append(f"--{name}={check(params[name])}")
                except argparse.ArgumentTypeError as exc:
                    raise Problem(400, f"{name}: {exc}") from None
        return json_answer(await scoring("json", argv, known_on))

    async def rules(request: Request) -> Response:
        _lang(_params(request, ("lang",)))
        return json_answer(await service.answer(("rules",), lambda: cli.rules_list_json().encode("utf-8")))

    async def rule(request: Request) -> Response:
        _lang(_params(request, ("lang",)))
        rid = request.path_params["id"]
        rule_set(rid)  # by id only, never a file; an unknown id is 404, with the command line's message
        return json_answer(
            await service.answer(("rule", rid), lambda: cli.rules_show_json(rule_set(rid)).encode("utf-8"))
        )

    async def contacts(request: Request) -> Response:
        params = _params(request, ("as_of", "known_on", "lang"))
        service.authorise(request)  # telephone numbers: for the holders of the token only
        lang, as_of, known_on = _lang(params), _day(params, "as_of"), _day(params, "known_on")
        seq = await run_in_threadpool(service.view, known_on)
        argv = _command("contacts", lang, *_as_of(as_of))
        return json_answer(
            await service.answer(("contacts", *argv, seq), lambda: service.contacts(argv, seq))
        )

    async def events(request: Request) -> Response:
        params = _params(request, ("recorded", "lang"))
        service.authorise(request)  # before the body is read: no one else sends one
        lang, recorded = _lang(params), _day(params, "recorded")
        if recorded is None:
            raise Problem(400, _say("recorded_needed"))
        data = await _body(request, service.max_body)
        async with service._writing:
            body = await run_in_threadpool(service.ingest, data, recorded, lang)
        return json_answer(body)

    async def openapi(request: Request) -> Response:
        _params(request, ())
        return Response(OPENAPI_JSON, media_type=_JSON)

    async def home(request: Request) -> Response:
        params = _params(request, ("known_on", "lang", "month"))
        lang, known_on = _lang(params), _day(params, "known_on")
        seq = await run_in_threadpool(service.view, known_on)
        if "month" in params:
            year, month = _month(params["month"])
        else:
            argv = _command("score", lang)
            body = await service.answer(("json", *argv, seq), lambda: service.command(argv, seq))
            scored = json.loads(body)
            latest = dt.date.fromisoformat(scored["as_of"]) if scored["as_of_basis"] != "year_end" else None
            over = None if latest is None else latest_month(latest)
            if over is None:  # no month is over yet: no bulletin to show
                return html_answer(no_bulletin_html(scored["year"], latest, lang).encode("utf-8"))
            year, month = over
        argv = _command("bulletin", lang, f"--month={year:04d}-{month:02d}", form="html")
        return html_answer(await service.answer(("html", *argv, seq), lambda: service.command(argv, seq)))

    async def unit_page(request: Request) -> Response:
        params = _params(request, ("as_of", "known_on", "lang"))
        lang, as_of, known_on = _lang(params), _day(params, "as_of"), _day(params, "known_on")
        name = await run_in_threadpool(service.unit_name, request.path_params["unit"], as_of)
        seq = await run_in_threadpool(service.view, known_on)
        argv = _command("score", lang, *_as_of(as_of))

        def make() -> bytes:
            _, results, _ = service.scored(argv, seq)
            return unit_html(results.unit(name), results, lang, _unit_contacts(results, name, lang)).encode(
                "utf-8"
            )

        return html_answer(await service.answer(("unit", name, *argv, seq), make))

    def problem(
        request: Request, status: int, detail: str | Message, headers: dict[str, str], more: dict[str, Any]
    ) -> Response:
        return Response(
            problem_json(status, detail, _request_lang(request), more),
            status_code=status,
            headers=headers,
            media_type=_PROBLEM,
        )

    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Problem)
        return problem(request, exc.status, exc.detail, exc.headers, exc.more)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        headers = dict(exc.headers or {})
        detail: str | Message
        if exc.status_code == 404:
            detail = _say("no_route", path=request.url.path)
        elif exc.status_code == 405:
            allow = ", ".join(sorted(m.strip() for m in (exc.headers or {}).get("Allow", "").split(",")))
            headers["Allow"] = allow  # in one order, whatever order the router gives
            detail = _say("method", method=request.method, path=request.url.path, allow=allow)
        else:
            detail = exc.detail
        status = exc.status_code if exc.status_code in _KINDS else 400
        return problem(request, status, detail, headers, {})

    async def on_error(request: Request, exc: Exception) -> Response:
        return problem(request, *_failure(service, exc), {}, {})

    routes = [
        Route("/v1/score", score, methods=["GET"]),
        Route("/v1/units/{unit:path}/explain", explain, methods=["GET"]),
        Route("/v1/bulletins/year-end", year_end, methods=["GET"]),
        Route("/v1/bulletins/{month}", bulletin, methods=["GET"]),
        Route("/v1/rules", rules, methods=["GET"]),
        Route("/v1/rules/{id}", rule, methods=["GET"]),
        Route("/v1/contacts", contacts, methods=["GET"]),
        Route("/v1/events", events, methods=["POST"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/", home, methods=["GET"]),
        Route("/units/{unit:path}", unit_page, methods=["GET"]),
    ]
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        Problem: on_problem,
        HTTPException: on_http,
        InfoscoreError: on_error,
        cli._Usage: on_error,
        Exception: on_error,
    }
    app = Starlette(routes=routes, exception_handlers=handlers)
    # A path with a trailing slash is not one of the routes: a 404 problem, never a redirect.
    app.router.redirect_slashes = False
    return app


def _failure(service: Service, exc: Exception) -> tuple[int, str | Message]:
    """The status and message of an error raised while answering: the command line's message for
    what the input asked (an unknown year is 404, a batch recorded too early 409); anything else
    is a bug of the library, said as such (and counted)."""
    if isinstance(exc, StoreError):
        return 503, str(exc)
    if isinstance(exc, InfoscoreError) and isinstance(exc, LookupError):
        return 404, str(exc)
    if isinstance(exc, InfoscoreError | cli._Usage):
        return 400, str(exc)
    service.internal_errors += 1
    return 500, _say("internal", kind=type(exc).__name__)


async def _body(request: Request, limit: int) -> bytes:
    """The request's body, read a chunk at a time and never past ``limit`` bytes.

    Raises:
        Problem: 413, the body is larger than ``limit`` (said by Content-Length, or found reading).
    """
    declared = request.headers.get("content-length")
    too_large = _say("too_large", limit=limit)
    if declared is not None:
        if not (declared.isascii() and declared.isdigit()):
            raise Problem(400, _say("content_length", found=repr(declared)))
        if int(declared) > limit:
            raise Problem(413, too_large)
    from starlette.requests import ClientDisconnect

    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise Problem(413, too_large)
            chunks.append(chunk)
    except ClientDisconnect:  # the client's doing: nothing is recorded, and no one hears the answer
        raise Problem(400, _say("body_cut")) from None
    return b"".join(chunks)


# -- the server ---------------------------------------------------------------------------------------


#: The fewest characters a token may have: one guessed in a few thousand requests guards nothing.
MIN_TOKEN: Final = 16


def read_token(path: str) -> str:
    """The token: the first line of the file at ``path``, without its line break (or a byte-order
    mark before it).

    Raises:
        ServeError: the file cannot be read, its first line is empty, the token is shorter than
            :data:`MIN_TOKEN` or is not what an ``Authorization`` header can carry (visible ASCII,
            no space).
    """
    try:
        with open(path, "rb") as file:
            first = file.readline()
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        raise ServeError(f"--token-file {path}: cannot read it: {why[:1].lower() + why[1:]}") from None
    try:
        token = first.decode("utf-8").removeprefix("\ufeff").strip()  # a byte-order mark is no part of it
    except UnicodeDecodeError:
        raise ServeError(f"--token-file {path}: its first line is not UTF-8 text") from None
    if not token:
        raise ServeError(f"--token-file {path}: its first line is empty: it must hold the token")
    if any(ch.isspace() for ch in token) or not token.isprintable():
        raise ServeError(f"--token-file {path}: the token holds a space or a control character")
    if len(token) < MIN_TOKEN:
        raise ServeError(
            f"--token-file {path}: the token has {len(token)} character(s); a token guards the writes and"
            f" the contacts' telephone numbers and must have at least {MIN_TOKEN}: make one with"
            ' python -c "import secrets; print(secrets.token_urlsafe(32))"'
        )
    if not all("!" <= ch <= "~" for ch in token):
        # An HTTP header carries ASCII: a client could never send this token as it is written.
        found = next(ch for ch in token if not "!" <= ch <= "~")
        raise ServeError(
            f"--token-file {path}: the token holds {found!r}, which is not an ASCII letter, digit or"
            " mark: an Authorization header cannot carry it; make one with"
            ' python -c "import secrets; print(secrets.token_urlsafe(32))"'
        )
    return token


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host``:``port`` (0: any free port).

    Raises:
        ServeError: the address cannot be listened on (taken, not this machine's, not an address).
    """
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = found[0]
        sock = socket.socket(family, kind, proto)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
            sock.listen(128)
        except BaseException:
            sock.close()
            raise
    except (OSError, UnicodeError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        raise ServeError(f"cannot listen on {host}:{port}: {why[:1].lower() + why[1:]}") from None
    return sock


def make_server(app: Starlette, *, log_level: str = "warning") -> uvicorn.Server:
    """A uvicorn server for ``app`` (run it with ``server.run(sockets=[sock])``)."""
    import uvicorn

    config = uvicorn.Config(app, lifespan="off", log_level=log_level, access_log=False, server_header=False)
    return uvicorn.Server(config)


def url_of(sock: socket.socket) -> str:
    """The address a socket listens on, as a URL."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve_command(args: argparse.Namespace) -> int:
    """``chengdu-infoscore serve``: serve the store until stopped (Ctrl-C)."""
    serve_extra()
    token = None if args.token_file is None else read_token(args.token_file)
    # The store must be there to be read; a server that may write makes it, as `ingest` does.
    Store.open(args.store, create=token is not None).close()
    service = Service(args.store, token, args.max_body)
    sock = listen(args.host, args.port)
    mode = text("serve.read_only" if token is None else "serve.writable", args.lang)
    cli._err(text("serve.listening", args.lang, store=args.store, url=url_of(sock), mode=mode) + "\n")
    server = make_server(make_app(service))
    # uvicorn finishes the requests under way on SIGTERM, then sends the signal again to the
    # handler it found: this one ends the run as Ctrl-C does, so the store's connections are
    # closed (its write-ahead log copied into the file) rather than the process killed.
    main = threading.current_thread() is threading.main_thread()  # where signals can be handled
    previous = signal.signal(signal.SIGTERM, _stopped) if main else None
    try:
        with watching(None):
            server.run(sockets=[sock])
    except _Stopped:
        return cli.OK  # stopped as asked (systemctl stop, docker stop): a server's normal end
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
        service.close()
        sock.close()
    return cli.OK


class _Stopped(Exception):
    """SIGTERM: the server is asked to stop."""


def _stopped(signum: int, frame: object) -> None:
    raise _Stopped


# -- the description ------------------------------------------------------------------------------


def _param(
    name: str, where: str, description: str, *, required: bool = False, **schema: Any
) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "description": description,
        "schema": {"type": "string", **schema},
    }


_DAY: Final[dict[str, Any]] = {"format": "date"}
_LANG_P = _param("lang", "query", "the language of the texts (reasons): zh (default) or en", enum=list(LANGS))
_AS_OF = _param(
    "as_of", "query", "count events up to this date (--as-of); default: the latest event's", **_DAY
)
_KNOWN_ON = _param(
    "known_on", "query", "what had been recorded by this day (--known-on); default: all", **_DAY
)


def _answer(description: str, media: str = _JSON) -> dict[str, Any]:
    return {"description": description, "content": {media: {"schema": {"type": "object"}}}}


_PROBLEMS = {
    str(status): {"$ref": f"#/components/responses/{kind}"}
    for status, kind in _KINDS.items()
    if status in (400, 404, 405)
}


def _get(summary: str, params: list[dict[str, Any]], ok: dict[str, Any], *extra: int) -> dict[str, Any]:
    responses = {"200": ok, **_PROBLEMS}
    responses.update({str(s): {"$ref": f"#/components/responses/{_KINDS[s]}"} for s in extra})
    return {"get": {"summary": summary, "parameters": params, "responses": responses}}


#: The OpenAPI 3.1 description of every endpoint and page (``GET /openapi.json``).
OPENAPI: Final[dict[str, Any]] = {
    "openapi": "3.1.0",
    "info": {
        "title": "chengdu-infoscore",
        "version": "1",
        "description": "The commands' JSON over HTTP: each answer is byte for byte what the matching"
        " command prints for the same store and dates (docs/service.md).",
    },
    "paths": {
        "/v1/score": _get(
            "score --store STORE --format json --keep-going",
            [_AS_OF, _KNOWN_ON, _LANG_P],
            _answer("every unit's figures (the score contract)"),
        ),
        "/v1/units/{unit}/explain": _get(
            "explain --store STORE --unit UNIT --format json --keep-going",
            [_param("unit", "path", "the unit: name, printed label or alias"), _AS_OF, _KNOWN_ON, _LANG_P],
            _answer("the unit's figures and ledger"),
        ),
        "/v1/bulletins/{month}": _get(
            "bulletin --store STORE --month YYYY-MM --format json --keep-going",
            [
                _param("month", "path", "the month, YYYY-MM", pattern="^[0-9]{4}-[0-9]{2}$"),
                _KNOWN_ON,
                _LANG_P,
            ],
            _answer("the monthly bulletin"),
        ),
        "/v1/bulletins/year-end": _get(
            "bulletin --store STORE --year-end --format json --keep-going",
            [
                _KNOWN_ON,
                _LANG_P,
                _param("year", "query", "the assessment year (--year; default 2007)", pattern="^[0-9]{1,4}$"),
                _param("top", "query", "units per group proposed for commendation (--top; default 3)"),
            ],
            _answer("the year-end bulletin"),
        ),
        "/v1/rules": _get("rules list --format json", [_LANG_P], _answer("every known rule-set version")),
        "/v1/rules/{id}": _get(
            "rules show ID --format json",
            [_param("id", "path", "a rule-set version's id (`rules list`)"), _LANG_P],
            _answer("the version, clause by clause"),
        ),
        "/v1/contacts": {
            "get": {
                "summary": "contacts --store STORE --format json, with the phones (the token is needed)",
                "security": [{"bearer": []}],
                "parameters": [_AS_OF, _KNOWN_ON, _LANG_P],
                "responses": {
                    "200": _answer("each unit's leader and officers on record, with their phones"),
                    **{str(s): {"$ref": f"#/components/responses/{_KINDS[s]}"} for s in (400, 401, 403, 404)},
                },
            }
        },
        "/v1/events": {
            "post": {
                "summary": "ingest STORE - --recorded DAY --format json (the token is needed)",
                "security": [{"bearer": []}],
                "parameters": [
                    _param("recorded", "query", "the day the batch is recorded", required=True, **_DAY),
                    _LANG_P,
                ],
                "requestBody": {
                    "required": True,
                    "description": "the batch: JSON Lines (or CSV) as an event log; at most --max-body bytes",
                    "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
                },
                "responses": {
                    "200": _answer("what was added, repeated, revised, withdrawn and rejected"),
                    **{
                        str(s): {"$ref": f"#/components/responses/{_KINDS[s]}"}
                        for s in (400, 401, 403, 405, 409, 413)
                    },
                },
            }
        },
        "/openapi.json": _get("this description", [], _answer("OpenAPI 3.1")),
        "/": _get(
            "bulletin --store STORE --month MONTH --format html: the latest month's bulletin",
            [
                _param("month", "query", "another month, YYYY-MM (default: the latest event's)"),
                _KNOWN_ON,
                _LANG_P,
            ],
            _answer("the page", "text/html"),
        ),
        "/units/{unit}": _get(
            "a unit's own page: score, rank, completion chart, ledger month by month",
            [_param("unit", "path", "the unit: name, printed label or alias"), _AS_OF, _KNOWN_ON, _LANG_P],
            _answer("the page", "text/html"),
        ),
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "responses": {
            kind: _answer(
                f"{status}: problem details (RFC 9457); detail is the command line's message", _PROBLEM
            )
            for status, kind in _KINDS.items()
        },
    },
}
OPENAPI_JSON: Final = (json.dumps(OPENAPI, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
