"""A newsletter reader's unsubscribe, from the mail's link to the site's page to the log ingest, and
`site serve` previewing a site that lives under a path, ended by SIGTERM (h277: H1, M2, L3)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from http.client import HTTPConnection
from urllib.parse import urlsplit

import pytest

from tests.cli.conftest import make_newsletter

SITE = "https://blog.example.com/blog"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"


def _get(port: int, path: str) -> tuple[int, str | None, bytes]:
    """(status, Location, body) of a GET of `path` on the preview, redirects not followed."""
    connection = HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("Location"), response.read()
    finally:
        connection.close()


def test_a_readers_unsubscribe_link_opens_a_page_of_the_site_and_the_ingest_records_it(cli, signed_up, smtp, tmp_path):
    """The link every mail carries (SITE/unsubscribe/?t=TOKEN) was a 404 on the built site, which
    `analytics ingest` (2xx/3xx only) never counts: the reader kept getting mail (h277 H1)."""
    from blogster_cli.services import site_preview

    recorder, url = smtp
    assert cli("site", "settings", "set", "url", SITE).exit_code == 0
    newsletter = make_newsletter(cli, tmp_path)
    (tmp_path / "readers.csv").write_text("email\nann@example.com\nbob@example.com\n")
    assert cli("newsletter", "subscribers", "import", str(tmp_path / "readers.csv")).exit_code == 0
    sent = cli("newsletter", "send", newsletter, "--json", env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0 and sent.json()[0]["sent"] == 2, sent.stderr
    link = recorder.to("bob@example.com")[0]["List-Unsubscribe"].strip("<>")
    assert link.startswith(f"{SITE}/unsubscribe/?t=")
    out = tmp_path / "public"
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    assert (out / "unsubscribe" / "index.html").is_file()

    server = site_preview.start(out, port=0, base_url=SITE + "/")  # the site as its web server serves it
    try:
        address = urlsplit(link)
        request = f"{address.path}?{address.query}"
        status, _, page = _get(server.server_address[1], request)
    finally:
        server.shutdown()
        server.server_close()
    assert status == 200 and b"your request has been received" in page
    log = tmp_path / "access.log"
    log.write_text(
        f'203.0.113.9 - - [05/Dec/2026:06:10:00 +0000] "GET {request} HTTP/1.1" {status} 0 "-" "{BROWSER}"\n'
    )
    ingested = cli("analytics", "ingest", str(log), "--json")
    assert ingested.exit_code == 0, ingested.stderr
    assert ingested.json()["newsletter_unsubscribes"] == 1
    listed = {s["email"]: s["subscribed"] for s in cli("newsletter", "subscribers", "list", "--json").json()}
    assert listed == {"ann@example.com": True, "bob@example.com": False}
    second = cli("newsletter", "create", "--blogs", "ten-terminal-habits", "--subject", "Next", "--json").json()
    report = cli("newsletter", "send", second["id"], "--json", env={"BLOGSTER_SMTP_URL": url}).json()[0]
    assert report["sent"] == 1 and report["unsubscribed"] == 1
    assert [m["Subject"] for m in recorder.to("bob@example.com")] == ["This week"]


@pytest.mark.same_on_every_server  # serving files is Python's: CI's second pass leaves it out
def test_serve_previews_a_site_under_its_path_and_stops_on_sigterm(cli, signed_up, tmp_path, db):
    """With `url` https://host/blog the pages link /blog/...: the preview served the folder at /, so
    every page, style and picture link was a 404 there (h277 M2). SIGTERM printed "Stopped." then
    "error: terminated" (143): it stops a preview as Ctrl-C does, as serve-workers stops (L3)."""
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: Hello\n---\nHi.\n")
    assert cli("blogs", "new", "--from", str(post), "--status", "published").exit_code == 0
    assert cli("site", "settings", "set", "url", SITE).exit_code == 0
    out = tmp_path / "public"
    env = {**os.environ, "BLOGSTER_DATABASE_URL": db.conninfo}
    server = subprocess.Popen(
        [sys.executable, "-m", "blogster_cli", "site", "serve", "--out", str(out), "--port", "0"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert server.stderr is not None
        banner = server.stderr.readline()
        assert banner.startswith(f"Serving {out} on http://127.0.0.1:") and "/blog/ (Ctrl-C stops)." in banner, banner
        port = int(banner.split("http://127.0.0.1:", 1)[1].split("/", 1)[0])
        home = _get(port, "/blog/")
        assert home[0] == 200 and b'href="/blog/css/style.css"' in home[2] and b'href="/blog/posts/p/"' in home[2]
        for path in ("/blog/css/style.css", "/blog/posts/p/", "/blog/unsubscribe/?t=" + "a" * 32, "/blog/index.xml"):
            assert _get(port, path)[0] == 200, path
        assert _get(port, "/")[:2] == (301, "/blog/")
        assert _get(port, "/blog")[:2] == (301, "/blog/")
        assert _get(port, "/posts/p/")[0] == 404 and _get(port, "/css/style.css")[0] == 404  # not the site's
        assert _get(port, "/blog/.blogster-site.json")[0] == 404
        time.sleep(0.5)
    finally:
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=30)
    assert server.returncode == 0, stderr
    assert stderr.rstrip().endswith("Stopped.") and "error" not in stderr and "Traceback" not in stderr
