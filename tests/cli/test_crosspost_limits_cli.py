"""`blogster crosspost` against platforms that answer too much, too slowly, or about another post:
an answer is read within MAX_ANSWER_BYTES and every request within REQUEST_DEADLINE_S (connect,
send and the whole answer), and an update's answer must name the post it updated."""

from __future__ import annotations

import json
import threading
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug import Request, Response

from blogster_cli.services import platform_api
from blogster_cli.services.platform_accounts import PlatformEndpoint
from tests import http_trickle
from tests.cli.conftest import CROSSPOST_PLATFORMS, connect
from tests.cli.test_crosspost_answers_cli import AnsweringForem, crosspost_to
from tests.platform_servers import TOKEN, FakeForem, FakeHashnode, FakeWordPress

POST = "---\ntitle: Ten terminal habits\ntags: [Shell]\n---\nUse **tmux**.\n"


@pytest.fixture
def published(cli, signed_up, tmp_path) -> str:
    from tests.cli.test_crosspost_cli import publish_post

    return publish_post(cli, tmp_path, POST)


MIB = 1024 * 1024


def _megabytes(count: int, sent: list[int]) -> Iterator[bytes]:
    """`count` MiB of JSON-ish text, streamed (no Content-Length: only the bytes read count);
    `sent` counts the MiB handed to the server (it stops once the client hangs up)."""
    yield b'{"id": 1001, "padding": "'
    for _ in range(count):
        sent.append(1)
        yield b"x" * MIB
    yield b'"}'


class HugeForem(FakeForem):
    """dev.to whose create answers `status` with a 20 MiB body, sent chunked."""

    status = 201
    sent: list[int]

    def handle(self, request: Request) -> Response:
        if request.method == "POST":
            self.requests.append((request.method, request.path))
            self.sent = []
            return Response(_megabytes(20, self.sent), status=self.status, content_type="application/json")
        return super().handle(request)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (201, "devto: dev.to answered 201 with more than 4 MiB: refused"),
        (500, 'devto: dev.to answered 500: {"id": 1001, "padding": "xxxx'),
    ],
    ids=["success", "error"],
)
def test_a_huge_answer_is_refused_without_reading_it_all(cli, published, http, platform_server, status, message):
    forem, _ = platform_server("devto", HugeForem(http))
    forem.status = status
    assert crosspost_to(cli, forem, published).exit_code == 1  # once first: the imports, the TLS setup
    tracemalloc.start()
    try:
        started = time.monotonic()
        result = crosspost_to(cli, forem, published)
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.exit_code == 1, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert message in result.stderr and len(result.stderr) < 400
    assert peak < 24 * MIB, f"peak {peak / MIB:.1f} MiB while answering a 20 MiB body"
    assert len(forem.sent) < 20, "the whole answer was read"
    assert elapsed < 20
    [row] = cli("crosspost", "status", "--json").json()
    assert row["publication_status"] == "failed" and row["platform_post_id"] is None


def test_a_declared_length_over_the_cap_is_refused_before_reading(cli, published, http):
    def answer(request: Request) -> Response:
        body = b'{"id": 1001, "padding": "' + b"x" * (5 * MIB) + b'"}'
        return Response(body, status=201, content_type="application/json")

    http.expect_request("/api/articles/me/all").respond_with_json([])
    http.expect_request("/api/articles", method="POST").respond_with_handler(answer)
    connect(cli, "devto", TOKEN)
    env = {"BLOGSTER_DEVTO_URL": http.url_for("").rstrip("/")}
    result = cli("crosspost", published, "--to", "devto", env=env)
    assert result.exit_code == 1 and "dev.to answered 201 with more than 4 MiB: refused" in result.stderr


class TricklingForem(FakeForem):
    """dev.to whose create answers 201 and then one byte every 0.2 s (for at most 8 s, or until
    `stop`: the server's thread must not outlive the test, or its write to the long-gone client
    fails during a later test, printing a traceback into that test's stderr)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stop, self.done = threading.Event(), threading.Event()

    def handle(self, request: Request) -> Response:
        if request.method == "POST":
            self.requests.append((request.method, request.path))

            def trickle() -> Iterator[bytes]:
                try:
                    yield b'{"id": 1001, "padding": "'
                    for _ in range(40):
                        if self.stop.wait(0.2):
                            return
                        yield b"x"
                    yield b'"}'
                finally:
                    self.done.set()

            return Response(trickle(), status=201, content_type="application/json")
        return super().handle(request)


def test_a_trickling_answer_ends_at_the_deadline(cli, published, http, platform_server, monkeypatch):
    """Each byte comes well within TIMEOUT_S (a read timeout): only the overall deadline ends it."""
    monkeypatch.setattr(platform_api, "REQUEST_DEADLINE_S", 1.0)
    forem, _ = platform_server("devto", TricklingForem(http))
    started = time.monotonic()
    try:
        result = crosspost_to(cli, forem, published)
    finally:
        forem.stop.set()
        assert forem.done.wait(5)
    elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.stderr
    assert "devto: dev.to did not answer within 1 s" in result.stderr and result.stderr.count("\n") == 1
    assert elapsed < 5, f"took {elapsed:.1f} s"
    [row] = cli("crosspost", "status", "--json").json()
    assert row["publication_status"] == "failed" and "did not answer within 1 s" in row["last_error"]


@pytest.fixture
def trickling_headers() -> Iterator[str]:
    with http_trickle.trickling_headers() as url:
        yield url


def test_headers_trickled_byte_by_byte_end_at_the_deadline(monkeypatch, trickling_headers):
    """The deadline bounds every socket wait, the headers' too (not only between body chunks)."""
    monkeypatch.setattr(platform_api, "REQUEST_DEADLINE_S", 1.0)
    client = platform_api.ForemClient(PlatformEndpoint("devto", trickling_headers, TOKEN))
    started = time.monotonic()
    with pytest.raises(platform_api.PlatformError, match=r"^dev.to did not answer within 1 s$"):
        client.find(["https://example.test/ten-terminal-habits"], "ten-terminal-habits")
    client.http.close()
    assert time.monotonic() - started < 5


def test_an_error_answer_still_masks_the_token_and_is_cut_short(cli, published, http):
    def refuse(request: Request) -> Response:
        return Response(json.dumps({"error": f"bad key {TOKEN} " + "y" * 10_000}), status=422)

    http.expect_request("/api/articles/me/all").respond_with_json([])
    http.expect_request("/api/articles", method="POST").respond_with_handler(refuse)
    connect(cli, "devto", TOKEN)
    result = cli("crosspost", published, "--to", "devto", env={"BLOGSTER_DEVTO_URL": http.url_for("").rstrip("/")})
    assert result.exit_code == 1 and 'dev.to answered 422: {"error": "bad key *** yyy' in result.stderr
    assert TOKEN not in result.stderr and len(result.stderr) < 300


# -- an update answered about another post -------------------------------------------------------


def test_an_update_answered_with_another_id_is_refused_and_the_id_kept(
    cli, published, http, platform_server, superuser
):
    forem, _ = platform_server("devto", AnsweringForem(http))
    forem.answer_id, forem.answer_url = 1001, "https://dev.to/ada/ten-terminal-habits-1a2b"
    assert crosspost_to(cli, forem, published).exit_code == 0
    forem.answer_id, forem.answer_url = 42, "https://dev.to/mallory/other-post"
    other = crosspost_to(cli, forem, published)
    assert other.exit_code == 1, other.stderr
    assert "devto: dev.to answered the update with another post's id: not stored" in other.stderr
    assert ("PUT", "/api/articles/1001") in forem.requests
    assert superuser.execute("select platform_post_id, platform_url from public.platform_republishing").fetchall() == [
        ("1001", "https://dev.to/ada/ten-terminal-habits-1a2b")
    ]
    forem.requests.clear()
    forem.answer_id, forem.answer_url = 1001, "https://dev.to/ada/ten-terminal-habits-1a2b"
    again = crosspost_to(cli, forem, published)
    assert again.exit_code == 0 and again.json()[0]["action"] == "updated"
    assert ("PUT", "/api/articles/1001") in forem.requests and ("PUT", "/api/articles/42") not in forem.requests


class LyingHashnode(FakeHashnode):
    def handle(self, request: Request) -> Response:
        response = super().handle(request)
        if "updatePost" in (request.get_json() or {}).get("query", ""):
            body = json.loads(response.get_data())
            body["data"]["updatePost"]["post"]["id"] = "hn-other"
            response.set_data(json.dumps(body))
        return response


class LyingWordPress(FakeWordPress):
    def handle(self, request: Request) -> Response:
        response = super().handle(request)
        if request.method == "POST" and request.path.startswith("/wp-json/wp/v2/posts/"):
            body = json.loads(response.get_data())
            body["id"] = 42
            response.set_data(json.dumps(body))
        return response


@pytest.mark.parametrize(
    ("fake", "platform", "label"),
    [(LyingHashnode, "hashnode", "Hashnode"), (LyingWordPress, "wordpress", "WordPress")],
    ids=["hashnode", "wordpress"],
)
def test_hashnode_and_wordpress_updates_must_name_the_post_too(http, fake, platform, label):
    from blogster_cli.distribution.crosspost import Article

    _, token = CROSSPOST_PLATFORMS[platform]
    server = fake(http).install()
    client = platform_api.client_for(PlatformEndpoint(platform, server.url, token))
    article = Article(
        title="Ten terminal habits", markdown="Use tmux.", html="<p>Use tmux.</p>", description=None,
        tags=["shell"], canonical_url="https://ada.example/ten-terminal-habits", slug="ten-terminal-habits",
    )  # fmt: skip
    made = client.create(article)
    with pytest.raises(platform_api.PlatformError, match=f"^{label} answered the update with another post's id"):
        client.update(made.id, article)
    client.http.close()


class EndlessListForem(FakeForem):
    """dev.to whose listing of my articles never ends, each page a little slow and none ours."""

    def handle(self, request: Request) -> Response:
        if request.path == "/api/articles/me/all":
            time.sleep(0.3)
            page = int(request.args.get("page", 1))
            return Response(json.dumps([{"id": page, "canonical_url": "https://elsewhere.example/"}]), status=200)
        return super().handle(request)


def test_all_the_requests_of_a_run_share_one_deadline(cli, published, http, platform_server, monkeypatch):
    """A lookup of 50 pages answered in 59 s each held a cross-post, and its row lock, for 50 minutes."""
    monkeypatch.setattr(platform_api, "RUN_DEADLINE_S", 1.0)
    _, env = platform_server("devto", EndlessListForem(http))
    started = time.monotonic()
    result = cli("crosspost", published, "--to", "devto", env=env)
    assert time.monotonic() - started < 5
    assert result.exit_code == 1 and "dev.to took more than 1 s in all for this run" in result.stderr
    [row] = cli("crosspost", "status", "--json").json()
    assert row["publication_status"] == "failed" and "in all" in row["last_error"]


def test_an_unreachable_platform_names_the_address_tried_and_the_reason(cli, published):
    """It said "could not reach dev.to: ConnectError" for a devto_url on this machine: the address
    configured is named, with the system's reason."""
    from tests.smtp_server import free_port

    connect(cli, "devto", TOKEN)
    port = free_port("127.0.0.1")  # nothing listens there
    result = cli("crosspost", published, "--to", "devto", env={"BLOGSTER_DEVTO_URL": f"http://127.0.0.1:{port}"})
    assert result.exit_code == 1
    assert f"could not reach dev.to at 127.0.0.1:{port}: connection refused" in result.stderr, result.stderr
    assert "ConnectError" not in result.stderr and TOKEN not in result.stderr


def test_a_platform_silent_past_the_read_timeout_is_said_to_have_not_answered(
    cli, published, http, platform_server, monkeypatch
):
    """The request reached the platform (which may have made the post): the error says it did not
    answer in time, not that it could not be reached, and the next run finds the copy it made."""
    monkeypatch.setattr(platform_api, "TIMEOUT_S", 0.5)
    forem, _ = platform_server("devto")
    forem.before_create_answer = lambda: time.sleep(1.5)
    result = crosspost_to(cli, forem, published)
    assert result.exit_code == 1
    assert result.stderr == "error: devto: dev.to did not answer within 0.5 s (recorded; run it again to retry)\n"
    forem.before_create_answer = None
    again = crosspost_to(cli, forem, published)
    assert again.exit_code == 0 and again.json()[0]["action"] == "recovered" and len(forem.posts) == 1
