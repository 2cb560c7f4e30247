"""site build: a post titled by its first `# heading` (a README imported as plain markdown) shows the
heading's words as its title (`<title>`, og:title, listings, feeds), and its heading once. Before,
`<title>` read `*argon2-cffi*: Argon2 for Python · ...` or held a badge row's markdown, and the page
showed the title twice: the template's `<h1>` as that text, then the body's own heading (after a
README's logo, too). Headings quoted from real READMEs (argon2-cffi, MIT; threadpoolctl,
BSD-3-Clause; MarkupSafe, BSD-3-Clause). Real PostgreSQL, RLS."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import html5lib
import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import blogs, exports, imports, publishing, site

BASE = "blogster.page"
ARGON = "# *argon2-cffi*: Argon2 for Python\n\nArgon2 won the Password Hashing Competition.\n"
MARKUPSAFE = (  # a logo before the heading, as many READMEs start
    '<div align="center"><img src="https://raw.githubusercontent.com/pallets/markupsafe/refs/heads/stable/docs/_static/'
    'markupsafe-name.svg" alt="" height="150"></div>\n\n# MarkupSafe\n\nMarkupSafe implements a text object.\n'
)
THREADS = (
    "# Thread-pool Controls [![Build Status](https://github.com/joblib/threadpoolctl/actions/workflows/test.yml"
    "/badge.svg?branch=master)](https://github.com/joblib/threadpoolctl/actions?query=branch%3Amaster)\n\n"
    "Python helpers to limit the number of threads.\n"
)


@pytest.fixture
def author(db, make_user) -> ActingUser:
    return ActingUser(db, make_user())


def page(out: Path, slug: str) -> str:
    return (out / "posts" / slug / "index.html").read_text()


def title_tag(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html)
    assert found is not None
    return found[1]


def test_a_title_from_the_first_heading_shows_its_words_and_the_heading_once(author, tmp_path):
    readmes = tmp_path / "readmes"
    readmes.mkdir()
    (readmes / "argon2-cffi.md").write_text(ARGON)
    (readmes / "threadpoolctl.md").write_text(THREADS)
    (readmes / "markupsafe.md").write_text(MARKUPSAFE)
    assert imports.import_paths(author, paths=[readmes]).failed == []
    typed = blogs.create(author, new=blogs.NewBlog(title="Using *stars* literally", markdown="No heading.\n"))
    publishing.publish(author, refs=["argon2-cffi", "threadpoolctl", "markupsafe", str(typed.id)])
    stored = {row.slug: row.title for row in blogs.list_blogs(author)}
    assert stored["argon2-cffi"] == "*argon2-cffi*: Argon2 for Python"  # stored as written: markdown reads it back

    out = tmp_path / "public"
    site.build(author, out=out, base_domain=BASE)
    argon = page(out, "argon2-cffi")
    assert title_tag(argon).startswith("argon2-cffi: Argon2 for Python · ")
    assert 'property="og:title" content="argon2-cffi: Argon2 for Python"' in argon
    assert argon.count("<h1") == 1 and "<h1><em>argon2-cffi</em>: Argon2 for Python</h1>" in argon
    assert argon.count("Argon2 for Python</h1>") == 1 and "Argon2 won the Password Hashing Competition." in argon
    html5lib.HTMLParser(strict=True).parse(argon)

    threads = page(out, "threadpoolctl")
    assert title_tag(threads).startswith("Thread-pool Controls · ") and "[![" not in threads
    h1 = re.findall(r"<h1>.*?</h1>", threads)
    assert len(h1) == 1 and h1[0].startswith("<h1>Thread-pool Controls <a ") and 'alt="Build Status"' in h1[0]

    markupsafe = page(out, "markupsafe")  # its heading lifted above the logo, once
    assert re.findall(r"<h1>.*?</h1>", markupsafe) == ["<h1>MarkupSafe</h1>"]
    assert markupsafe.index("<h1>MarkupSafe</h1>") < markupsafe.index("markupsafe-name.svg")
    assert "MarkupSafe implements a text object." in markupsafe

    typed_page = page(out, typed.slug)  # typed in Blogster, no heading: shown as written
    assert title_tag(typed_page).startswith("Using *stars* literally · ")
    assert "<h1>Using *stars* literally</h1>" in typed_page

    index = (out / "index.html").read_text()
    assert "argon2-cffi: Argon2 for Python" in index and "*argon2-cffi*" not in index
    titles = {entry.title for entry in feedparser.parse((out / "index.xml").read_bytes()).entries}
    assert {"argon2-cffi: Argon2 for Python", "Thread-pool Controls", "Using *stars* literally"} <= titles


def test_the_words_are_shown_after_a_trip_through_hugo_too(author, tmp_path):
    """Exported to Hugo (which states the title, as written) and imported back: the same post, and
    the same page."""
    readmes = tmp_path / "readmes"
    readmes.mkdir()
    (readmes / "argon2-cffi.md").write_text(ARGON)
    imports.import_paths(author, paths=[readmes])
    publishing.publish(author, refs=["argon2-cffi"])
    site.build(author, out=tmp_path / "before", base_domain=BASE)
    assert exports.export_posts(author, directory=tmp_path / "hugo", dialect="hugo").failed == []
    assert imports.import_paths(author, paths=[tmp_path / "hugo"]).failed == []
    site.build(author, out=tmp_path / "after", base_domain=BASE)
    before, after = page(tmp_path / "before", "argon2-cffi"), page(tmp_path / "after", "argon2-cffi")
    assert title_tag(after) == title_tag(before) and after.count("<h1") == 1
    assert "<h1><em>argon2-cffi</em>: Argon2 for Python</h1>" in after
