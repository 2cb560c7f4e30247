"""A local preview server for a built site: exactly the files a deploy sends, its 404 page for the rest.

A site whose address has a path (`url` https://example.com/blog/) links its pages, styles and
pictures under that path (/blog/css/style.css): the preview serves the folder there too, and
sends a request for / to it."""

from __future__ import annotations

import os
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from blogster_cli.errors import InvalidInput
from blogster_cli.services.site_files import is_left_out, open_site_file


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves a file of the output folder only when a deploy would send it: a regular file reached
    without following a link, and not one that is never part of the site (`is_left_out`: the
    build's own `.blogster-*` files, partial files, a `.git` folder's config and history). A folder
    is served as its index.html (no listing of a folder's names); everything else, a path with
    `..` in it too, is the site's 404.html. The folder is served under the site's path
    (`PreviewServer.root`); / outside it is sent there. No request log on the terminal."""

    server: PreviewServer

    def send_head(self) -> Any:
        from urllib.parse import quote, unquote, urlsplit

        address = urlsplit(self.path)
        # surrogateescape: a name that is not UTF-8 reads as os.fsdecode reads it from the folder
        path = unquote(address.path, errors="surrogateescape")
        root = self.server.root
        if path in ("/", root.rstrip("/")) and path != root:  # the site's home: where it lives
            return self._moved(_here(quote(root, errors="surrogateescape"), address.query))
        if not path.startswith(root):
            self.send_error(404)
            return None
        path = path[len(root) - 1 :]
        relative = "/".join(part for part in path.split("/") if part not in ("", "."))
        if path.endswith("/") or not relative:  # a folder's address: its index.html (never a file's)
            relative = f"{relative}/index.html".lstrip("/")
        try:
            fd = self._open(relative)
        except IsADirectoryError:
            if path.endswith("/"):  # a folder named index.html
                self.send_error(404)
                return None
            return self._moved(_here(address.path + "/", address.query))  # as a web server does
        except OSError:
            self.send_error(404)
            return None
        handle = os.fdopen(fd, "rb")
        found = os.fstat(fd)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(relative))
        self.send_header("Content-Length", str(found.st_size))
        self.send_header("Last-Modified", self.date_time_string(int(found.st_mtime)))
        self.end_headers()
        return handle

    def _moved(self, location: str) -> None:
        """A redirect to `location` (a folder's address ends with /; the home is at the site's path)."""
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _open(self, relative: str) -> int:
        """The file `relative` of the site, opened as a deploy reads it; OSError when it is no file
        of the site (missing, left out, a link or a linked folder on the way), IsADirectoryError
        for a folder."""
        if is_left_out(relative):
            raise FileNotFoundError(relative)
        return open_site_file(Path(self.directory), relative)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        try:
            fd = None if code != 404 else self._open("404.html")
        except OSError:
            fd = None
        if fd is None:
            super().send_error(code, message, explain)
            return
        with os.fdopen(fd, "rb") as page:
            body = page.read()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _here(path: str, query: str) -> str:
    """A redirect's Location on this server: a path and query only. A request's target may be in
    absolute form (`GET http://other.example/blog`), whose host is never ours to send a browser to;
    and a path read as another host's (`//other.example/`, or `/\\other.example/` as browsers
    read a backslash) starts with one slash, its backslashes percent-encoded."""
    from urllib.parse import urlunsplit

    path = "/" + path.replace("\\", "%5C").lstrip("/")
    return urlunsplit(("", "", path, query, ""))


class PreviewServer(ThreadingHTTPServer):
    root = "/"
    """The path the site lives at (its base URL's: /blog/), ending with /; a rebuild for another
    address sets it again (`site_root`)."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that drops its connection (reset, broken pipe) is no error worth a line on the
        terminal; anything else is reported as socketserver does."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def site_root(base_url: str) -> str:
    """The path a site whose address is `base_url` lives at, as a request names it (unquoted), ending with /."""
    from urllib.parse import unquote, urlsplit

    path = unquote(urlsplit(base_url).path, errors="surrogateescape")
    return path.rstrip("/") + "/"


def start(out: Path, *, host: str = "127.0.0.1", port: int = 8000, base_url: str = "/") -> PreviewServer:
    """Serves `out` on host:port in a background thread, under the path of `base_url` (the site's
    address); call `.shutdown()` to stop."""
    if not (out / "index.html").is_file():
        raise InvalidInput(f"{out} holds no built site")
    try:
        server = PreviewServer((host, port), partial(_SiteHandler, directory=str(out.resolve())))
    except OSError as exc:
        raise InvalidInput(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    server.root = site_root(base_url)
    threading.Thread(target=server.serve_forever, name="site-preview", daemon=True).start()
    return server
