"""A DNS-over-HTTPS resolver (the JSON API of Cloudflare and Google) for tests, on localhost."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.server_errors import quiet_when_the_client_left

TXT = 16


class Resolver:
    """A DoH JSON resolver answering from `records` (name -> TXT strings); `broken` answers 500."""

    def __init__(self) -> None:
        self.records: dict[str, list[str]] = {}
        self.requests: list[tuple[dict[str, list[str]], str | None]] = []
        self.broken = False
        resolver = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = parse_qs(urlsplit(self.path).query)
                resolver.requests.append((query, self.headers.get("accept")))
                if resolver.broken:
                    self.send_response(500)
                    self.end_headers()
                    return
                name = query["name"][0].rstrip(".")
                answers = [
                    {"name": name + ".", "type": TXT, "TTL": 300, "data": json.dumps(text)}
                    for text in resolver.records.get(name, [])
                ]
                body = {"Status": 0 if answers else 3, "Answer": answers} if answers else {"Status": 3}
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("content-type", "application/dns-json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        quiet_when_the_client_left(self.server)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/dns-query"


@contextmanager
def running_resolver() -> Iterator[Resolver]:
    """A Resolver serving on a thread until the block ends (use it in a fixture)."""
    running = Resolver()
    # shutdown() waits for the serving loop to look again: every 0.5 s by default.
    thread = threading.Thread(target=running.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield running
    running.server.shutdown()
    running.server.server_close()
