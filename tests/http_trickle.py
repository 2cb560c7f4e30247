"""An HTTP server that trickles its headers: no single read waits long, so only an overall
deadline (blogster_cli.services.http_deadline) ends a request to it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def trickling_headers() -> Iterator[str]:
    """The URL of a raw HTTP server that sends its status line and headers one byte every 0.2 s (some
    14 s, then it hangs up): no single read ever waits long, so httpx's per-read timeout never trips."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                for byte in b"HTTP/1.1 200 OK\r\nX-Padding: " + b"x" * 40:
                    if stop.wait(0.2):
                        return
                    try:
                        conn.sendall(bytes([byte]))
                    except OSError:
                        break

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    listener.close()
    thread.join(5)
