"""Exported image links point at the files export writes, as each generator serves them.

Hugo is installed (Debian package): the export is built with it and every <img> of the
built pages must resolve to a file. For Jekyll, Zola, Astro and plain markdown (not
installed here) the links are resolved by the rule each generator follows: which folder
it serves at the site root.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlparse

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.content.images import content_hash_name
from blogster_cli.services import exports, images, imports

HUGO_CONFIG = 'baseURL = "http://example.org/"\ntitle = "T"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
SINGLE = """<!doctype html><html><body><h1>{{ .Title }}</h1>
{{ with .Params.image }}<img src="{{ . }}" alt="featured">{{ end }}
{{ .Content }}</body></html>
"""
LIST = (
    "<!doctype html><html><body>{{ range .Pages }}<a href='{{ .RelPermalink }}'>{{ .Title }}</a>{{ end }}</body></html>"
)
IMG_SRC = re.compile(r'<img[^>]*\ssrc="([^"]+)"')


def tiny_png(shade: int) -> bytes:
    """A valid 1x1 grey PNG (Hugo and browsers read it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(bytes([0, shade]))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.fixture
def account_with_images(db, make_user, tmp_path, isolated_environment) -> tuple[ActingUser, list[str]]:
    """An account with a page-bundle post and a single-file post, each showing a stored image
    in its body (as `images add` prints it), the single one also featured."""
    acting = ActingUser(db, make_user())
    pictures = [tiny_png(10), tiny_png(200)]
    names = [content_hash_name(data) for data in pictures]
    site = tmp_path / "source" / "content" / "posts"
    (site / "bundled").mkdir(parents=True)
    (site / "bundled" / "index.md").write_text(
        f"---\ntitle: Bundled\ndate: 2024-01-02\n---\nBefore ![one](media/{names[0]}) after.\n"
    )
    (site / "single.md").write_text(f"---\ntitle: Single\ndate: 2024-01-03\n---\n![two](./media/{names[1]})\n")
    assert imports.import_paths(acting, paths=[tmp_path / "source"]).failed == []
    for data, slug, featured in ((pictures[0], "bundled", False), (pictures[1], "single", True)):
        file = tmp_path / f"{slug}.png"
        file.write_bytes(data)
        images.add(acting, blog_ref=slug, source=file, featured=featured)
    return acting, names


def served_file(root: Path, dialect: str, page: PurePosixPath, link: str) -> Path:
    """The exported file a generator serves for `link` in the post exported at `page`."""
    if dialect == "markdown" or not link.startswith("/"):
        return root / page.parent / link  # relative: plain markdown, or a bundle's own file
    served_from = {"hugo": "static", "zola": "static", "astro": "public", "jekyll": ""}[dialect]
    return root / served_from / link.lstrip("/")


@pytest.mark.parametrize("dialect", ["hugo", "jekyll", "zola", "astro", "markdown"])
def test_exported_image_links_point_at_exported_files(account_with_images, tmp_path, dialect):
    acting, names = account_with_images
    out = tmp_path / dialect
    summary = exports.export_posts(acting, directory=out, dialect=dialect)
    assert summary.failed == []
    found = 0
    for exported in summary.files:
        text = (out / exported.path).read_text()
        assert "media/" not in text, (dialect, exported.path)
        for name in names:
            for link in re.findall(rf"[^\s(:'\"]*{re.escape(name)}", text):
                assert served_file(out, dialect, PurePosixPath(exported.path), link).is_file(), (dialect, link)
                found += 1
    # two body links, and the featured image where there is front matter to hold it
    assert found == (2 if dialect == "markdown" else 3)


@pytest.mark.skipif(shutil.which("hugo") is None, reason="hugo is not installed")
def test_hugo_builds_an_export_whose_pictures_show(account_with_images, tmp_path):
    acting, names = account_with_images
    site = tmp_path / "site"
    assert exports.export_posts(acting, directory=site, dialect="hugo").failed == []
    (site / "hugo.toml").write_text(HUGO_CONFIG)
    layouts = site / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text(SINGLE)
    (layouts / "list.html").write_text(LIST)
    built = subprocess.run(["hugo", "--quiet", "-s", str(site)], capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    public = site / "public"
    shown = []
    for page in public.rglob("*.html"):
        page_url = "http://example.org/" + page.relative_to(public).as_posix()
        for src in IMG_SRC.findall(page.read_text()):
            url = urlparse(urljoin(page_url, src))
            assert url.netloc == "example.org", src
            file = public / url.path.lstrip("/")
            assert file.is_file(), f"{page.relative_to(public)}: <img src={src!r}> shows nothing"
            shown.append(file.name)
    assert sorted(shown) == sorted([names[0], names[1], names[1]])
