"""A local preview server for a built site: files from the output folder, its 404 page for the rest."""

from __future__ import annotations

import posixpath
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from blogster_cli.errors import InvalidInput
from blogster_cli.services.site_files import is_private


class _SiteHandler(SimpleHTTPRequestHandler):
    """Static files, the site's 404.html for what is missing (and for the build's own `.blogster-*`
    files: the manifest is not part of the site), and no request log on the terminal."""

    def send_head(self) -> Any:
        from urllib.parse import unquote, urlsplit

        if is_private(posixpath.normpath(unquote(urlsplit(self.path).path))):
            self.send_error(404)
            return None
        return super().send_head()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def start(out: Path, *, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """Serves `out` on host:port in a background thread; call `.shutdown()` to stop."""
    if not (out / "index.html").is_file():
        raise InvalidInput(f"{out} holds no built site")
    try:
        server = ThreadingHTTPServer((host, port), partial(_SiteHandler, directory=str(out.resolve())))
    except OSError as exc:
        raise InvalidInput(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    threading.Thread(target=server.serve_forever, name="site-preview", daemon=True).start()
    return server
