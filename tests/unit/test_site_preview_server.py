"""`site serve`'s preview server (red team 38): a browser that drops its connection prints no
traceback on the terminal (F3), and a redirect stays on the preview whatever host a request's
target names (F4)."""

from __future__ import annotations

import socket
import struct
import threading
import time
from pathlib import Path

import pytest

from blogster_cli.services import site_preview


@pytest.fixture
def site(tmp_path: Path) -> Path:
    out = tmp_path / "public"
    (out / "posts" / "p").mkdir(parents=True)
    (out / "index.html").write_text("<p>home</p>", encoding="utf-8")
    (out / "posts" / "p" / "index.html").write_text("<p>post</p>", encoding="utf-8")
    (out / "big.xml").write_bytes(b"<x/>" * 2**20)  # more than a socket's buffers take
    return out


def ask(port: int, target: bytes) -> tuple[str, str | None]:
    """(status line, Location) of a GET of `target` as sent on the request line."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    location = [line.split(":", 1)[1].strip() for line in head[1:] if line.lower().startswith("location:")]
    return head[0], location[0] if location else None


def handlers_done(before: set[threading.Thread], timeout: float = 10) -> None:
    """Wait for the request threads started since `before` to end (daemon threads: not joined on
    close); those of other tests' servers in this process are not this server's."""
    deadline = time.monotonic() + timeout
    while any("process_request_thread" in t.name for t in set(threading.enumerate()) - before):
        assert time.monotonic() < deadline, "a request is still being served"
        time.sleep(0.05)


def test_a_client_that_resets_its_connection_prints_nothing(site, capsys):
    before = set(threading.enumerate())
    server = site_preview.start(site, port=0)
    try:
        port = server.server_address[1]
        for _ in range(3):
            conn = socket.create_connection(("127.0.0.1", port))
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.sendall(b"GET /big.xml HTTP/1.1\r\nHost: x\r\n\r\n")
            time.sleep(0.1)  # the server is writing the file
            conn.close()  # with a reset, as a browser's dropped connection
        handlers_done(before)
        assert ask(port, b"/")[0] == "HTTP/1.0 200 OK"  # still serving
    finally:
        server.shutdown()
        server.server_close()
    assert capsys.readouterr().err == ""


def test_another_error_is_still_reported(site, capsys):
    server = site_preview.start(site, port=0)
    try:
        for dropped in (ConnectionResetError(104, "reset"), BrokenPipeError(32, "pipe")):
            try:
                raise dropped
            except OSError:
                server.handle_error(None, ("127.0.0.1", 1))
        assert capsys.readouterr().err == ""
        try:
            raise ValueError("a bug")
        except ValueError:
            server.handle_error(None, ("127.0.0.1", 1))
    finally:
        server.shutdown()
        server.server_close()
    assert "ValueError: a bug" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("base_url", "target", "location"),
    [
        ("https://example.com/blog/", b"http://evil.example/blog", "/blog/"),
        ("https://example.com/blog/", b"http://evil.example/?x=1", "/blog/?x=1"),
        ("https://example.com/blog/", b"http://evil.example/blog/posts/p?x=1", "/blog/posts/p/?x=1"),
        ("https://example.com/blog/", b"/blog/posts/p", "/blog/posts/p/"),
        ("https://example.com/", b"http://evil.example/posts", "/posts/"),
        ("https://example.com/", b"http://127.0.0.1//posts", "/posts/"),  # not //posts/: host "posts"
    ],
)
def test_a_redirect_stays_on_the_preview(site, base_url, target, location):
    server = site_preview.start(site, port=0, base_url=base_url)
    try:
        status, moved_to = ask(server.server_address[1], target)
    finally:
        server.shutdown()
        server.server_close()
    assert (status.split(" ", 2)[1], moved_to) == ("301", location)


def test_a_backslash_in_a_redirect_is_percent_encoded():
    """Browsers read `/\\host/` as `//host/`: another host."""
    assert site_preview._here("/\\evil.example/x/", "") == "/%5Cevil.example/x/"
    assert site_preview._here("///evil.example/", "a=1") == "/evil.example/?a=1"
