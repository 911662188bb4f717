"""The service (`serve`) as it is used: the real server on 127.0.0.1, a real HTTP client, and every
answer compared byte for byte with what the command line prints for the same store and dates."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chengdu_infoscore import Store, sample_year
from chengdu_infoscore.serve import OPENAPI, Service, make_app, problem_json
from serve_kit import DAYS, Answer, Running, command, fill, output, slow_batches

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

TOKEN = "s3cret-token-of-the-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
JSINJIANG = urllib.parse.quote("锦江区")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four months of the sample year, a batch a month."""
    return fill(tmp_path_factory.mktemp("serve"))


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[Running]:
    """The server over the store, with a token; no answer of it may come from the catch-all."""
    with Running(str(store), TOKEN) as running:
        yield running
        assert 0 == running.service.internal_errors


@pytest.fixture
def fresh(tmp_path: Path, store: Path) -> Iterator[tuple[Running, Path]]:
    """A server with the token over a copy of the store, to write to."""
    copy = tmp_path / "copy.store"
    shutil.copyfile(store, copy)
    with Running(str(copy), TOKEN) as running:
        yield running, copy
        assert 0 == running.service.internal_errors


def problem(answer: Answer) -> dict[str, object]:
    """An answer that must be problem details: its members."""
    assert "application/problem+json" == answer.headers["content-type"]
    data = json.loads(answer.body)
    assert answer.status == data["status"]
    return data


def state(path: Path) -> tuple[tuple[int, str], ...]:
    """Every batch of a store, by number and digest."""
    with Store.open(path) as opened:
        return tuple((b.seq, b.digest) for b in opened.batches())


# -- every endpoint answers the command's bytes ------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "options"),
    [
        ("", ()),
        ("?as_of=2007-03-31", ("--as-of", "2007-03-31")),
        ("?known_on=2007-03-03", ("--known-on", "2007-03-03")),
        (
            "?known_on=2007-04-02&as_of=2007-02-28&lang=en",
            ("--known-on", "2007-04-02", "--as-of", "2007-02-28", "--lang", "en"),
        ),
        ("?known_on=2006-12-31", ("--known-on", "2006-12-31")),
    ],
)
def test_score_is_the_commands_bytes(
    server: Running, store: Path, query: str, options: tuple[str, ...]
) -> None:
    """GET /v1/score answers exactly what `score --store --format json` prints for the same dates."""
    answer = server.get("/v1/score" + query)
    assert (200, "application/json") == (answer.status, answer.headers["content-type"])
    assert output("score", "--store", str(store), "--format", "json", *options) == answer.body


@pytest.mark.slow
@pytest.mark.parametrize(
    ("unit", "query", "options"),
    [
        (JSINJIANG, "", ("--unit", "锦江区")),
        (
            urllib.parse.quote("能源办"),
            "?as_of=2007-02-28&lang=en",
            ("--unit", "能源办", "--as-of", "2007-02-28", "--lang", "en"),
        ),
        (
            urllib.parse.quote("市经委（含能源办）"),
            "?known_on=2007-03-03",
            ("--unit", "市经委(含能源办)", "--known-on", "2007-03-03"),
        ),
    ],
)
def test_explain_is_the_commands_bytes(
    server: Running, store: Path, unit: str, query: str, options: tuple[str, ...]
) -> None:
    """GET /v1/units/{unit}/explain answers `explain --format json`, for any spelling of the unit."""
    answer = server.get(f"/v1/units/{unit}/explain{query}")
    assert 200 == answer.status, answer.body
    assert output("explain", "--store", str(store), "--format", "json", *options) == answer.body


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "options"),
    [
        ("/v1/bulletins/2007-03", ("--month", "2007-03")),
        ("/v1/bulletins/2007-03?known_on=2007-03-03", ("--month", "2007-03", "--known-on", "2007-03-03")),
        ("/v1/bulletins/year-end", ("--year-end",)),
        (
            "/v1/bulletins/year-end?known_on=2007-04-02&top=5",
            ("--year-end", "--known-on", "2007-04-02", "--top", "5"),
        ),
    ],
)
def test_bulletins_are_the_commands_bytes(
    server: Running, store: Path, path: str, options: tuple[str, ...]
) -> None:
    """GET /v1/bulletins/{month} and /year-end answer `bulletin --format json` for the same dates."""
    answer = server.get(path)
    assert 200 == answer.status, answer.body
    assert output("bulletin", "--store", str(store), "--format", "json", *options) == answer.body


def test_rules_are_the_commands_bytes(server: Running) -> None:
    """GET /v1/rules and /v1/rules/{id} answer `rules list` and `rules show ID` with --format json."""
    assert output("rules", "list", "--format", "json") == server.get("/v1/rules").body
    shown = server.get("/v1/rules/chengdu-2007")
    assert (200, output("rules", "show", "chengdu-2007", "--format", "json")) == (shown.status, shown.body)


@pytest.mark.slow
def test_keep_going_is_what_a_store_with_rejections_answers(tmp_path: Path) -> None:
    """A store with a record that scoring rejects answers what `score --keep-going` prints (the
    rejection listed), since the store is the server's, not the request's."""
    log = tmp_path / "day.jsonl"
    log.write_text(
        '{"id": "a1", "type": "adopted", "date": "2007-03-05", "item": "nowhere", "channel": "zwxx"}\n'
        '{"id": "s1", "type": "submitted", "date": "2007-03-05", "unit": "锦江区", "item": "J1"}\n',
        encoding="utf-8",
    )
    path = tmp_path / "s.store"
    assert 0 == command("ingest", str(path), str(log), "--recorded", "2007-03-06")[0]
    with Running(str(path)) as running:
        answer = running.get("/v1/score")
    expected = output("score", "--store", str(path), "--format", "json", "--keep-going")
    assert (200, expected) == (answer.status, answer.body)
    assert 1 == len(json.loads(answer.body)["rejections"])


def test_openapi_describes_every_route(server: Running) -> None:
    """GET /openapi.json is an OpenAPI 3.1 document that names every route of the application."""
    app = make_app(Service("unused"))
    routes = {route.path.replace(":path", "") for route in app.routes}  # type: ignore[attr-defined]
    answer = server.get("/openapi.json")
    described = json.loads(answer.body)
    assert ("3.1.0", routes) == (described["openapi"], set(described["paths"]))
    assert OPENAPI == described


# -- errors: problem details with the command line's message --------------------------------------------


def test_unknown_unit_is_404_with_the_commands_message(server: Running, store: Path) -> None:
    """An unknown unit is 404; the detail is what `explain --unit` says on standard error."""
    answer = server.get("/v1/units/" + urllib.parse.quote("锦江") + "/explain")
    status, _, err = command("explain", "--store", str(store), "--unit", "锦江", "--format", "json")
    assert 2 == status
    data = problem(answer)
    assert (404, "未找到") == (answer.status, data["title"])
    assert f"chengdu-infoscore: error: {data['detail']}\n" == err


@pytest.mark.parametrize(
    ("path", "status", "detail"),
    [
        ("/v1/score?as_of=2007-02-30", 400, "as_of: '2007-02-30' is not a real calendar date"),
        ("/v1/score?known_on=yesterday", 400, "known_on: 'yesterday' is not a date of the form YYYY-MM-DD"),
        (
            "/v1/score?asof=2007-02-01&lang=en",
            400,
            "unknown query parameter 'asof' (this endpoint takes: as_of, known_on, lang)",
        ),
        ("/v1/score?lang=fr", 400, "lang:无效的选项 'fr'(可选:'zh', 'en')"),
        (
            "/v1/score?as_of=2007-02-01&as_of=2007-03-01&lang=en",
            400,
            "query parameter as_of: given twice; give it once",
        ),
        ("/v1/score?as_of=2009-06-30", 404, "no target table ships for 2009; tables ship for: 2007"),
        (
            "/v1/bulletins/2007-13",
            400,
            "month: '2007-13' is not a month of the form YYYY-MM (years from 0001, months 01 to 12)",
        ),
        ("/v1/bulletins/June", 400, "month: 'June' is not a month of the form YYYY-MM"),
        ("/v1/bulletins/2009-06", 404, "no target table ships for 2009; tables ship for: 2007"),
        ("/v1/bulletins/year-end?top=-1", 400, "top: '-1' is not a number of units: expected 0 or more"),
        ("/v1/rules/..%2Fetc%2Fpasswd?lang=en", 404, None),
        ("/v1/nothing?lang=en", 404, "no such page or endpoint: /v1/nothing (GET /openapi.json lists them)"),
        ("/units/" + urllib.parse.quote("<b>"), 404, None),
    ],
)
def test_bad_queries_are_problems(server: Running, path: str, status: int, detail: str | None) -> None:
    """A bad date, parameter, month, year, rule-set id or route is a 400 or 404 with its message."""
    answer = server.get(path)
    data = problem(answer)
    assert status == answer.status
    if detail is not None:
        assert detail == data["detail"]
    assert str(data["type"]).startswith("urn:chengdu-infoscore:problem:")


def test_a_trailing_slash_is_a_404_problem_not_a_redirect(server: Running) -> None:
    """/v1/rules/ is no route: a 404 problem, as any unknown path."""
    answer = server.get("/v1/rules/")
    assert (404, 404) == (answer.status, problem(answer)["status"])


def test_wrong_method_is_405(server: Running) -> None:
    """A method a route does not take is 405, saying which it takes (and Allow)."""
    answer = server.request("DELETE", "/v1/score?lang=en")
    assert (405, "GET, HEAD") == (answer.status, answer.headers["allow"])
    assert "DELETE is not taken here: /v1/score takes GET, HEAD" == problem(answer)["detail"]
    assert 405 == server.get("/v1/events").status


def test_the_catch_all_answers_a_bug_as_a_problem(store: Path) -> None:
    """A bug of the library (here a planted one) is a 500 problem with a generic message, counted;
    the other tests check that no input ever reaches it."""
    with Running(str(store)) as running:

        def broken(argv: list[str], seq: int) -> bytes:
            raise RuntimeError("planted")

        running.service.command = broken  # type: ignore[method-assign]
        answer = running.get("/v1/score?lang=en")
        assert 1 == running.service.internal_errors
        again = running.get("/v1/rules")
    data = problem(answer)
    assert (500, "internal error (RuntimeError); please report it with the request. The server goes on.") == (
        answer.status,
        data["detail"],
    )
    assert 200 == again.status


def test_problem_json_is_rfc_9457() -> None:
    """A problem details object has type, title, status and detail, and more members after."""
    data = json.loads(problem_json(413, "too big", "en", {"limit": 5}))
    assert {
        "type": "urn:chengdu-infoscore:problem:payload-too-large",
        "title": "request body too large",
        "status": 413,
        "detail": "too big",
        "limit": 5,
    } == data


# -- writing: the token, the body, one batch whole ------------------------------------------------------

BATCH = (
    '{"id": "n1", "type": "submitted", "date": "2007-04-30", "unit": "锦江区", "item": "NEW-1"}\n'
    '{"id": "n2", "type": "adopted", "date": "2007-04-30", "item": "NEW-1", "channel": "zwxx"}\n'
).encode()


@pytest.mark.slow
def test_a_batch_is_ingested_as_ingest_does(fresh: tuple[Running, Path], tmp_path: Path) -> None:
    """POST /v1/events records the body as one batch and answers `ingest STORE - --format json`'s
    bytes (the store's name aside); the view then scores as the command line scores it."""
    running, path = fresh
    twin = tmp_path / "twin.store"
    shutil.copyfile(path, twin)
    answer = running.request("POST", "/v1/events?recorded=2007-05-03", BATCH, AUTH)
    batch = tmp_path / "batch.jsonl"
    batch.write_bytes(BATCH)
    with batch.open("rb") as stdin, pytest.MonkeyPatch.context() as patch:
        import io
        import sys

        patch.setattr(sys, "stdin", io.TextIOWrapper(stdin, encoding="utf-8"))
        expected = output("ingest", str(twin), "-", "--recorded", "2007-05-03", "--format", "json")
    assert 200 == answer.status, answer.body
    assert expected.replace(str(twin).encode(), str(path).encode()) == answer.body
    assert state(twin) == state(path)
    assert (2, 0) == (json.loads(answer.body)["added"], json.loads(answer.body)["rejected"])
    assert output("score", "--store", str(path), "--format", "json") == running.get("/v1/score").body


@pytest.mark.parametrize(
    ("headers", "status", "detail"),
    [
        ({}, 401, "this needs the token: send Authorization: Bearer TOKEN"),
        (
            {"Authorization": "Bearer wrong"},
            401,
            "the token is not the server's: send Authorization: Bearer"
            " TOKEN, the first line of its --token-file",
        ),
        ({"Authorization": f"Basic {TOKEN}"}, 401, None),
        ({"Authorization": f"Bearer {TOKEN}x"}, 401, None),
        ({"Authorization": "Bearer"}, 401, None),
    ],
)
def test_a_write_needs_the_token(
    fresh: tuple[Running, Path], headers: dict[str, str], status: int, detail: str | None
) -> None:
    """Without the token, or with another, a POST is 401 (WWW-Authenticate: Bearer) and records nothing."""
    running, path = fresh
    before = state(path)
    answer = running.request("POST", "/v1/events?recorded=2007-05-03&lang=en", BATCH, headers)
    data = problem(answer)
    assert (status, before) == (answer.status, state(path))
    assert answer.headers["www-authenticate"].startswith("Bearer")
    if detail is not None:
        assert detail == data["detail"]


def test_without_a_token_file_the_server_is_read_only(store: Path, tmp_path: Path) -> None:
    """A server started without --token-file refuses every write (403) and the contacts, whatever is sent."""
    copy = tmp_path / "copy.store"
    shutil.copyfile(store, copy)
    with Running(str(copy)) as running:
        written = running.request("POST", "/v1/events?recorded=2007-05-03", BATCH, AUTH)
        contacts = running.get("/v1/contacts", AUTH)
        read = running.get("/v1/rules")
    assert (403, 403, 200) == (written.status, contacts.status, read.status)
    assert "本服务为只读:启动时未给出 --token-file,因此没有可用的令牌" == problem(written)["detail"]
    assert state(store) == state(copy)


def test_contacts_need_the_token_and_are_the_commands_bytes(server: Running, store: Path) -> None:
    """GET /v1/contacts needs the token (401 without); with it, exactly what `contacts --store
    --format json` prints, telephone numbers and all, for the same dates and language."""
    assert 401 == server.get("/v1/contacts").status
    answer = server.get("/v1/contacts", AUTH)
    expected = output("contacts", "--store", str(store), "--format", "json", "--keep-going")
    assert (200, expected) == (answer.status, answer.body)
    assert any(p.get("phone") for u in json.loads(answer.body)["units"] for p in u["leaders"])
    dated = server.get("/v1/contacts?as_of=2007-02-28&known_on=2007-03-03&lang=en", AUTH)
    options = ("--as-of", "2007-02-28", "--known-on", "2007-03-03", "--lang", "en")
    assert (
        output("contacts", "--store", str(store), "--format", "json", "--keep-going", *options) == dated.body
    )


def test_a_units_page_names_its_contacts_without_their_phones(server: Running, store: Path) -> None:
    """/units/{unit} lists the unit's leader and officers on record by name, never a telephone number."""
    page = server.get(f"/units/{JSINJIANG}").body.decode("utf-8")
    registry = json.loads(
        output("contacts", "--store", str(store), "--format", "json", "--as-of", "2007-04-30")
    )
    [held] = [u for u in registry["units"] if u["unit"] == "锦江区"]
    people = [*held["leaders"], *held["officers"]]
    assert (True, True) == (bool(people), all(f"<td>{p['name']}</td>" in page for p in people))
    assert "联系人(2007-04-30在册)" in page  # the day of the page, which the registry is as of
    assert [] == [p["phone"] for p in people if p.get("phone") and p["phone"] in page]


def test_a_units_page_before_any_contact_says_none_is_on_record(server: Running) -> None:
    """As of a day before the store's first contact (4 January), the unit's page says that no
    leader or officer is on record, rather than leaving the section out."""
    page = server.get(f"/units/{JSINJIANG}?as_of=2007-01-03").body.decode("utf-8")
    english = server.get(f"/units/{JSINJIANG}?as_of=2007-01-03&lang=en").body.decode("utf-8")
    said = ("尚未登记主管领导和信息员。" in page, "No leader or information officer on record." in english)
    assert (True, True) == said


@pytest.mark.parametrize(
    ("body", "detail_start", "rejected"),
    [
        (b'{"id": "x1", "type": "submitted"\n', "-:1:事件 x1:JSON 格式错误", 1),
        (
            BATCH + b'{"id": "x2", "type": "sumbitted", "date": "2007-04-30"}\n',
            "-:3:事件 x2:字段 'type':未知的类型",
            1,
        ),
        (BATCH + b"[1, 2]\n", "-:3:事件 (无编号):应为一个 JSON 对象", 1),
        (b"42\n", "-:1:事件 (无编号):应为一个 JSON 对象", 1),
        (
            b'{"id": "x-\\ud800", "type": "submitted", "date": "2007-04-30", "unit": "x", "item": "S"}\n',
            "-:1:事件 'x-\\ud800':字段 'id':含有单独的代理项转义",
            1,
        ),
        (b'"n1, submitted, 2007-04-30"\n', "-:1:事件 (无编号):应为一个 JSON 对象", 1),
        (
            BATCH + '{"id": "x3", "type": "submitted", "date": "2007-04-31", "unit": "锦江区"}\n'.encode(),
            "-:3:",
            1,
        ),
        (b"\xff\xfe{}\n", "-: this looks like UTF-16 (byte-order mark); save it as UTF-8", 0),
        (b"", "-: empty file: no header row", 0),
        (b"\n\n", "-: no header row: every line is blank", 0),
        (b"id,type,date\n", "请求体中没有记录:未记录任何内容", 0),
    ],
)
def test_a_malformed_body_is_400_and_records_nothing(
    fresh: tuple[Running, Path], body: bytes, detail_start: str, rejected: int
) -> None:
    """A body with a record that cannot be read (or none, or no event log at all) is 400 with every
    rejection listed; the store is as it was, the good records of the body not recorded either."""
    running, path = fresh
    before = state(path)
    answer = running.request("POST", "/v1/events?recorded=2007-05-03", body, AUTH)
    data = problem(answer)
    assert (400, before) == (answer.status, state(path))
    assert str(data["detail"]).startswith(detail_start), data["detail"]
    assert rejected == len(data.get("rejections", []))  # type: ignore[arg-type]


def test_a_client_gone_mid_body_records_nothing_and_is_no_internal_error(fresh: tuple[Running, Path]) -> None:
    """A client that promises 100 000 bytes, sends 100 and closes: nothing recorded, the server
    answers the next request, and the catch-all (an internal error) is never reached."""
    import socket

    running, path = fresh
    before = state(path)
    with socket.create_connection(("127.0.0.1", running.port)) as client:
        client.sendall(
            b"POST /v1/events?recorded=2007-05-03 HTTP/1.1\r\nHost: x\r\n"
            + f"Authorization: Bearer {TOKEN}\r\n".encode()
            + b"Content-Length: 100000\r\n\r\n"
            + BATCH[:100]
        )
    time.sleep(0.5)  # the server meets the closed connection
    answer = running.get("/v1/rules")
    assert (200, before, 0) == (answer.status, state(path), running.service.internal_errors)


def test_a_store_removed_under_the_server_is_503_for_good(fresh: tuple[Running, Path]) -> None:
    """Removed (moved away): every read and write is 503, no store is made at the path; put back,
    still 503 — it may have been written elsewhere meanwhile — until the server starts again."""
    running, path = fresh
    before = running.get("/v1/score")
    aside = path.with_name("aside.store")
    path.rename(aside)
    gone = [
        running.get("/v1/score?as_of=2007-03-01"),
        running.get(f"/units/{JSINJIANG}"),
        running.request("POST", "/v1/events?recorded=2007-05-03", BATCH, AUTH),
    ]
    made = path.exists()
    aside.rename(path)
    back = running.get("/v1/score")
    assert (200, [503, 503, 503, 503], False) == (
        before.status,
        [problem(a)["status"] for a in [*gone, back]],
        made,
    )
    assert "已不在原处" in str(problem(gone[0])["detail"])


def test_a_store_replaced_under_the_server_is_503(fresh: tuple[Running, Path], store: Path) -> None:
    """Replaced by another file (a backup put back): 503 — never the old file's answers while the
    command line reads the new one, nor a batch written where no reader looks."""
    running, path = fresh
    assert 200 == running.get("/v1/score").status
    other = path.with_name("other.store")
    shutil.copyfile(store, other)
    other.replace(path)  # the same content, but not the file the server opened
    replaced = [
        running.get("/v1/score"),
        running.request("POST", "/v1/events?recorded=2007-05-03", BATCH, AUTH),
    ]
    assert [503, 503] == [problem(a)["status"] for a in replaced]
    assert "被替换" in str(problem(replaced[0])["detail"])
    assert state(path) == state(store)


def test_a_write_ahead_log_removed_under_the_server_is_503(fresh: tuple[Running, Path]) -> None:
    """The -wal and -shm files removed while the server keeps the store open (batches recorded
    through them could be lost to the command line): 503 from then on, nothing more recorded."""
    running, path = fresh
    posted = running.request("POST", "/v1/events?recorded=2007-05-03", BATCH, AUTH)
    assert (200, 200) == (posted.status, running.get("/v1/score").status)
    for kept in ("-wal", "-shm"):
        Path(f"{path}{kept}").unlink()
    after = [
        running.get("/v1/score?as_of=2007-02-01"),
        running.request("POST", "/v1/events?recorded=2007-05-04", BATCH.replace(b"n1", b"m1"), AUTH),
    ]
    assert [503, 503] == [problem(a)["status"] for a in after]
    assert "-wal" in str(problem(after[0])["detail"])


def test_a_write_ahead_log_removed_under_a_server_of_a_symlinked_store_is_503(
    tmp_path: Path, store: Path
) -> None:
    """A store served through a symbolic link: SQLite keeps the log beside the file the link names,
    and removing that log is found as well."""
    real = tmp_path / "real.store"
    shutil.copyfile(store, real)
    link = tmp_path / "link.store"
    link.symlink_to(real)
    with Running(str(link), TOKEN) as running:
        assert 200 == running.get("/v1/score").status
        for kept in ("-wal", "-shm"):
            Path(f"{real}{kept}").unlink()
        after = running.get("/v1/score?as_of=2007-02-01")
        assert (503, 0) == (problem(after)["status"], running.service.internal_errors)


def test_a_batch_recorded_too_early_is_409(fresh: tuple[Running, Path]) -> None:
    """A batch dated before the store's latest is 409 with the command line's message; nothing changes."""
    running, path = fresh
    before = state(path)
    answer = running.request("POST", "/v1/events?recorded=2007-04-01", BATCH, AUTH)
    assert (409, before) == (answer.status, state(path))
    assert "comes before the store's latest batch" in str(problem(answer)["detail"])
    missing = running.request("POST", "/v1/events", BATCH, AUTH)
    assert (400, before) == (missing.status, state(path))


def test_an_oversized_body_is_413_and_records_nothing(store: Path, tmp_path: Path) -> None:
    """A body past --max-body is 413, whether Content-Length says so or the chunks show it."""
    copy = tmp_path / "copy.store"
    shutil.copyfile(store, copy)
    before = state(copy)
    big = BATCH * 20
    with Running(str(copy), TOKEN, max_body=len(big) - 1) as running:
        declared = running.request("POST", "/v1/events?recorded=2007-05-03&lang=en", big, AUTH)

        def chunks() -> Iterator[bytes]:
            for _ in range(20):
                yield BATCH

        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=60)
        connection.request(
            "POST", "/v1/events?recorded=2007-05-03", body=chunks(), headers=AUTH, encode_chunked=True
        )
        streamed = connection.getresponse()
        streamed_body = streamed.read()
        connection.close()
        fits = running.request("POST", "/v1/events?recorded=2007-05-03", BATCH, AUTH)
    assert (413, 413) == (declared.status, streamed.status)
    assert (
        f"the body is larger than this server takes ({len(big) - 1} bytes; --max-body)"
        == problem(declared)["detail"]
    )
    assert b"413" in streamed_body
    assert 200 == fits.status
    assert before == state(copy)[:-1]


@pytest.mark.slow
def test_reads_go_on_during_a_slow_batch_and_see_it_whole(fresh: tuple[Running, Path]) -> None:
    """While a batch is being recorded (held open 3 s), reads are answered at once with the view
    before it; after, with the view after it; a second POST waits its turn; none is lost."""
    running, path = fresh
    before = running.get("/v1/score").body
    answers: list[Answer] = []
    second = BATCH.replace(b'"n1"', b'"m1"').replace(b'"n2"', b'"m2"').replace(b"NEW-1", b"NEW-2")
    with slow_batches(3.0) as waiting:
        writers = [
            threading.Thread(
                target=lambda b=b: answers.append(
                    running.request("POST", "/v1/events?recorded=2007-05-03", b, AUTH)
                )
            )
            for b in (BATCH, second)
        ]
        writers[0].start()
        assert waiting.wait(20)
        writers[1].start()
        started = time.monotonic()
        during = [running.get("/v1/score") for _ in range(3)]
        taken = time.monotonic() - started
        for w in writers:
            w.join(60)
    assert taken < 2.5, taken
    assert [before] * 3 == [a.body for a in during]
    assert [200, 200] == [a.status for a in answers]
    assert [5, 6] == sorted(json.loads(a.body)["batch"] for a in answers)
    after = running.get("/v1/score").body
    assert output("score", "--store", str(path), "--format", "json") == after
    assert before != after


# -- pages ------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_home_is_the_latest_months_bulletin_page(server: Running, store: Path) -> None:
    """/ is `bulletin --month M --format html` of the month of the latest event when that month is
    over (Chinese; ?lang=en)."""
    assert (
        output("bulletin", "--store", str(store), "--month", "2007-04", "--format", "html")
        == server.get("/").body
    )
    english = server.get("/?lang=en&known_on=2007-03-03")
    expected = output(
        "bulletin",
        "--store",
        str(store),
        "--month",
        "2007-02",
        "--format",
        "html",
        "--lang",
        "en",
        "--known-on",
        "2007-03-03",
    )
    assert (200, "text/html; charset=utf-8", expected) == (
        english.status,
        english.headers["content-type"],
        english.body,
    )


@pytest.mark.parametrize(
    ("latest", "month"),
    [
        ("2007-04-30", (2007, 4)),
        ("2007-05-10", (2007, 4)),
        ("2007-12-31", (2007, 12)),
        ("2007-12-30", (2007, 11)),
        ("2007-01-15", None),
        ("2007-01-31", (2007, 1)),
        ("2008-02-29", (2008, 2)),
        ("2007-03-01", (2007, 2)),
    ],
)
def test_the_home_page_is_the_bulletin_of_the_last_month_over(
    latest: str, month: tuple[int, int] | None
) -> None:
    """The latest event's month while it is not over would be judged as of its end (commissions
    due later in it overdue): the home page takes the month before, or none while January runs."""
    from chengdu_infoscore.serve import latest_month

    assert month == latest_month(dt.date.fromisoformat(latest))


def test_home_before_a_month_is_over_shows_no_bulletin(server: Running, tmp_path: Path) -> None:
    """No event yet (a view before the first batch), or January not over: / says there is no
    bulletin yet, and judges nothing — no overdue commission, no unit named."""
    empty = server.get("/?known_on=2007-01-10").body.decode("utf-8")
    path = tmp_path / "jan.store"
    with Store.open(path, create=True) as opened:
        opened.ingest(
            [e for e in sample_year() if e.date <= dt.date(2007, 1, 15)], recorded=dt.date(2007, 1, 16)
        )
    with Running(str(path)) as running:
        january = running.get("/?lang=en").body.decode("utf-8")
    assert ("尚无已登记的2007年事件" in empty, "锦江区" in empty) == (True, False)
    assert (
        "January 2007 is not over (the latest event is of 2007-01-15)" in january,
        "锦江区" in january,
    ) == (
        True,
        False,
    )


def test_home_in_an_unfinished_month_is_the_bulletin_of_the_month_before(fresh: tuple[Running, Path]) -> None:
    """With May's first events recorded, / is still April's bulletin, byte for byte the command's."""
    running, path = fresh
    posted = running.request(
        "POST", "/v1/events?recorded=2007-05-11", BATCH.replace(b"04-30", b"05-10"), AUTH
    )
    expected = output("bulletin", "--store", str(path), "--month", "2007-04", "--format", "html")
    assert (200, expected) == (posted.status, running.get("/").body)


@pytest.mark.slow
def test_a_units_page(server: Running, store: Path) -> None:
    """/units/{unit} shows the unit's score, rank in its group, a completion chart and its ledger
    month by month, in Chinese by default; nothing of it is a script."""
    page = server.get(f"/units/{JSINJIANG}").body.decode("utf-8")
    ledger = json.loads(output("explain", "--store", str(store), "--unit", "锦江区", "--format", "json"))
    score = json.loads(output("score", "--store", str(store), "--format", "json"))
    district = sorted(
        (u for u in score["units"] if u["group"] == "district"),
        key=lambda u: (-float(u["score"]), -u["counted"], -u["submitted"]),
    )
    rank = 1 + [u["unit"] for u in district].index("锦江区")
    assert f'<td>得分</td><td class="num">{ledger["score"]}</td>' in page
    assert f"第{rank}名(共{len(district)}个单位)" in page
    assert 1 == page.count("<svg")
    assert ["2007年1月", "2007年2月", "2007年3月", "2007年4月"] == [
        m
        for m in ("2007年1月", "2007年2月", "2007年3月", "2007年4月", "2007年5月")
        if f"<h3>{m}</h3>" in page
    ]
    assert all(line["event"] in page for line in ledger["ledger"])
    assert "<script" not in page
    assert ("?as_of=2007-12-31" in page, "--as-of" in page) == (True, False)  # an address, not an option
    english = server.get(f"/units/{JSINJIANG}?lang=en").body.decode("utf-8")
    assert "The ledger, month by month" in english and "逐月明细" not in english


# -- load: a few thousand requests from a few dozen clients, with batches recorded meanwhile ---------------


@pytest.mark.slow
def test_under_load_every_answer_is_the_commands(tmp_path: Path) -> None:
    """30 clients send 3000 requests while four batches are posted one by one: every answer for a
    known-on day equals the command line's for that day, every answer without one equals the
    command line's for some whole batch, and every batch is recorded, in order, once."""
    folder = tmp_path / "load"
    folder.mkdir()
    full = fill(folder, months=6)  # the whole history, for the command line's answers
    path = tmp_path / "live.store"
    with Store.open(path, create=True) as opened:  # the first two months; the rest is posted
        for month in (1, 2):
            opened.ingest([folder / f"2007-{month:02d}.jsonl"], recorded=DAYS[month - 1])
    acked = [2]  # how many batches the server has answered for
    lock = threading.Lock()
    answers: dict[str, set[bytes]] = {}
    statuses: list[int] = []
    posted: list[dict[str, object]] = []
    kinds = ("/v1/score", f"/v1/units/{JSINJIANG}/explain", "/v1/bulletins/2007-02")

    with Running(str(path), TOKEN) as running:

        def client(seed: int) -> None:
            import random

            rng = random.Random(seed)
            for _ in range(100):
                kind = rng.choice(kinds)
                with lock:
                    known = acked[0]
                latest = rng.random() < 0.25
                target = kind if latest else f"{kind}?known_on={DAYS[rng.randrange(known)]}"
                answer = running.get(target)
                with lock:
                    statuses.append(answer.status)
                    answers.setdefault(target, set()).add(answer.body)

        def writer() -> None:
            for month in (3, 4, 5, 6):
                time.sleep(0.5)
                body = (folder / f"2007-{month:02d}.jsonl").read_bytes()
                answer = running.request("POST", f"/v1/events?recorded={DAYS[month - 1]}", body, AUTH)
                assert 200 == answer.status, answer.body
                with lock:
                    posted.append(json.loads(answer.body))
                    acked[0] = month

        threads = [threading.Thread(target=client, args=(n,)) for n in range(30)]
        threads.append(threading.Thread(target=writer))
        for t in threads:
            t.start()
        for t in threads:
            t.join(600)
        assert 0 == running.service.internal_errors
    assert [200] * 3000 == statuses
    assert [3, 4, 5, 6] == [p["batch"] for p in posted]
    assert state(full) == state(path)  # every batch recorded once, in order: the same views
    options = {
        "/v1/score": ("score",),
        f"/v1/units/{JSINJIANG}/explain": ("explain", "--unit", "锦江区"),
        "/v1/bulletins/2007-02": ("bulletin", "--month", "2007-02"),
    }
    expected = {
        (kind, day): output(*options[kind], "--store", str(full), "--format", "json", "--known-on", str(day))
        for kind in kinds
        for day in DAYS
    }
    for target, bodies in answers.items():
        kind, _, query = target.partition("?known_on=")
        if query:
            assert {expected[kind, dt.date.fromisoformat(query)]} == bodies, target
        else:  # the latest view: after some whole batch, never part of one
            assert bodies <= {expected[kind, day] for day in DAYS[1:]}, target


# -- the command: what stops it before anything is served ---------------------------------------------


def test_serve_without_the_extra_says_how_to_install_it(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Starlette (or uvicorn) `serve` exits 2 naming the extra, before anything is opened."""
    import sys

    monkeypatch.setitem(sys.modules, "starlette", None)  # an import of it fails as if it were missing
    status, out, err = command("serve", "--store", str(store))
    assert (2, b"") == (status, out)
    assert (
        "chengdu-infoscore: error: serving a store over HTTP (serve) needs Starlette and uvicorn, which is"
        " not installed: pip install 'chengdu-infoscore[serve]'\n"
    ) == err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "its first line is empty: it must hold the token"),
        (b"\n" + TOKEN.encode() + b"\n", "its first line is empty: it must hold the token"),
        (b"two words\n", "the token holds a space or a control character"),
        (
            b"x\n",
            "the token has 1 character(s); a token guards the writes and the contacts' telephone numbers"
            " and must have at least 16: make one with"
            ' python -c "import secrets; print(secrets.token_urlsafe(32))"',
        ),
        (b"\xff\xfe\n", "its first line is not UTF-8 text"),
        (
            "令牌abcdefghijklmnopq\n".encode(),
            "the token holds '令', which is not an ASCII letter, digit or mark: an Authorization header"
            ' cannot carry it; make one with python -c "import secrets; print(secrets.token_urlsafe(32))"',
        ),
    ],
)
def test_a_token_file_without_a_token_stops_serve(
    store: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    """A token file whose first line gives no token is exit 2, naming the file and what is wrong."""
    token = tmp_path / "token.txt"
    token.write_bytes(content)
    status, _, err = command("serve", "--store", str(store), "--token-file", str(token))
    assert (2, f"chengdu-infoscore: error: --token-file {token}: {message}\n") == (status, err)


def test_a_token_file_with_a_byte_order_mark_gives_the_token_after_it(tmp_path: Path) -> None:
    """A token file saved by an editor that writes a byte-order mark gives the token without it."""
    from chengdu_infoscore.serve import read_token

    token = tmp_path / "token.txt"
    token.write_bytes(b"\xef\xbb\xbf" + TOKEN.encode() + b"\r\n")
    assert TOKEN == read_token(str(token))


def test_serve_stops_before_serving_on_a_missing_store_or_a_taken_port(store: Path, tmp_path: Path) -> None:
    """A store that is not there (a read-only server makes none) and a port already taken are exit 2."""
    status, _, err = command("serve", "--store", str(tmp_path / "none.store"))
    assert 2 == status
    assert "none.store: no such store" in err
    assert not (tmp_path / "none.store").exists()
    with Running(str(store)) as running:
        status, _, err = command("serve", "--store", str(store), "--port", str(running.port))
    assert (2, True) == (
        status,
        err.startswith(f"chengdu-infoscore: error: cannot listen on 127.0.0.1:{running.port}: "),
    )
    status, _, err = command("serve", "--store", str(store), "--port", "65536")
    assert (2, True) == (status, "'65536' is not a port: expected a number from 0 to 65535" in err)


def test_rules_json_refuses_toml(tmp_path: Path) -> None:
    """`rules show --toml --format json` asks for two outputs at once: exit 2."""
    status, out, err = command("rules", "show", "chengdu-2007", "--toml", "--format", "json")
    assert (2, b"") == (status, out)
    assert "--toml prints the version's TOML: leave out --format json" in err


def test_a_units_page_escapes_what_the_input_says() -> None:
    """An event id written as HTML is shown as text on the unit's page, never as markup."""
    from chengdu_infoscore import Submitted, score
    from chengdu_infoscore.page import unit_html

    results = score(
        [Submitted(id="<script>alert(1)</script>", date="2007-03-05", unit="锦江区", item='J"1')],
        as_of=dt.date(2007, 3, 31),
    )
    page = unit_html(results.unit("锦江区"), results, "en")
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "J&quot;1" in page
    assert "1 of 19" in page


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    route=st.sampled_from(
        [
            "/v1/score",
            "/v1/units/{}/explain",
            "/v1/bulletins/{}",
            "/v1/bulletins/year-end",
            "/v1/rules/{}",
            "/units/{}",
            "/",
            "/v1/contacts",
            "/openapi.json",
            "/v1/{}",
        ]
    ),
    part=st.text(max_size=12),
    params=st.lists(
        st.tuples(
            st.sampled_from(["as_of", "known_on", "lang", "month", "year", "top", "x"]), st.text(max_size=12)
        ),
        max_size=3,
    ),
    method=st.sampled_from(["GET", "GET", "POST", "PUT"]),
)
def test_no_request_reaches_the_catch_all(
    server: Running, route: str, part: str, params: list[tuple[str, str]], method: str
) -> None:
    """Any path, parameters and method answer 200 or a 4xx problem (a trailing slash too, never a
    redirect): never the catch-all's 500."""
    path = route.format(urllib.parse.quote(part, safe="")) + "?" + urllib.parse.urlencode(params)
    answer = server.request(method, path, b"{}\n" if method == "POST" else None)
    assert answer.status in (200, 400, 401, 403, 404, 405, 409, 413), (path, answer.body[:500])
    if answer.status != 200:
        problem(answer)
    assert 0 == server.service.internal_errors


@pytest.mark.slow
def test_sigterm_stops_the_server_with_every_batch_in_the_stores_file(tmp_path: Path, store: Path) -> None:
    """`serve` stopped by SIGTERM (systemctl stop, docker stop) finishes, exit 0, and leaves the
    store one complete file: the batch posted is in a copy of the file alone, no -wal is left."""
    import re
    import signal
    import subprocess
    import sys
    import urllib.request

    path = tmp_path / "s.store"
    shutil.copyfile(store, path)
    token = tmp_path / "token.txt"
    token.write_text(TOKEN + "\n")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "chengdu_infoscore",
            "serve",
            "--store",
            str(path),
            "--token-file",
            str(token),
            "--port=0",
        ],
        stderr=subprocess.PIPE,
    )
    try:
        assert server.stderr is not None
        port = re.search(r"127\.0\.0\.1:([0-9]+)/", server.stderr.readline().decode("utf-8"))
        assert port is not None
        base = f"http://127.0.0.1:{port.group(1)}"
        with urllib.request.urlopen(
            f"{base}/v1/score", timeout=60
        ) as read:  # a reader's connection stays open
            assert 200 == read.status
        url = f"{base}/v1/events?recorded=2007-05-03"
        with urllib.request.urlopen(urllib.request.Request(url, BATCH, AUTH, method="POST"), timeout=60) as r:
            posted = json.loads(r.read())["batch"]
        server.send_signal(signal.SIGTERM)
        status = server.wait(30)
    finally:
        server.kill()
    copy = tmp_path / "copy.store"
    copy.write_bytes(path.read_bytes())
    with Store.open(copy) as copied:
        batches = [b.seq for b in copied.batches()]
    assert (0, posted, False) == (status, batches[-1], (tmp_path / "s.store-wal").exists())


def test_connections_are_reused_when_worker_threads_come_and_go(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker threads idle for a while end and new ones start (AnyIO's pool): the store's
    connections are kept for the next thread, never one more per thread for the server's life."""
    import anyio._backends._asyncio as backend

    monkeypatch.setattr(backend.WorkerThread, "MAX_IDLE_TIME", 0.05)
    statuses: list[int] = []
    with Running(str(store)) as running:
        for burst in range(5):  # bursts of questions at once, quiet between: threads come and go
            asked = [f"/v1/score?known_on=2007-0{2 + n % 4}-0{3 + burst}" for n in range(8)]
            threads = [
                threading.Thread(target=lambda p=p: statuses.append(running.get(p).status)) for p in asked
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            time.sleep(0.3)
        opened = len(running.service._opened)
    assert ([200] * 40, True) == (statuses, opened <= 10), opened
