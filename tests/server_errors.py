"""Keeps test servers' handler threads from writing into the next test's captured stderr."""

from __future__ import annotations

import sys
from typing import Any


def quiet_when_the_client_left(server: Any) -> None:
    """socketserver prints a traceback to sys.stderr when a handler thread's client has gone (a
    command that stopped reading, or ended, while the server still wrote). Its threads outlive the
    test that started them, so in a test suite that lands in the capture of whatever command runs
    next, whose stderr that test compares. Other errors still print."""
    print_error = server.handle_error

    def handle_error(request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            print_error(request, client_address)

    server.handle_error = handle_error
