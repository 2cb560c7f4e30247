"""The test servers stay quiet when a client left, and only then."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.server_errors import quiet_when_the_client_left


@pytest.mark.parametrize(
    ("error", "printed"), [(BrokenPipeError(), False), (ConnectionResetError(), False), (ValueError("bug"), True)]
)
def test_a_client_that_left_prints_nothing_other_errors_print(capsys, error, printed):
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    try:
        quiet_when_the_client_left(server)
        try:
            raise error
        except Exception:
            server.handle_error(None, ("127.0.0.1", 1))
    finally:
        server.server_close()
    assert ("Exception occurred during processing of request" in capsys.readouterr().err) is printed
