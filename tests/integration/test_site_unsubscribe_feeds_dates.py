"""site build: the newsletters' unsubscribe page, the feeds' links, imported posts' own dates, and
files removed by hand since the last build (a new user's walk, h277: H1, M1, L5, L6, L9)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import html5lib
import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.publish.pages import last_change
from blogster_cli.publish.themes import available
from blogster_cli.services import blogs, imports, site_settings
from tests.integration.test_site_build import BASE, build, publish

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def author(db, make_user) -> ActingUser:
    return ActingUser(db, make_user("ada@example.com"))


def site_files(out: Path) -> set[str]:
    return {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and not p.name.startswith(".blogster-")}


@pytest.mark.parametrize("theme", available())
def test_every_theme_has_the_unsubscribe_page_the_newsletters_link(author, tmp_path, theme):
    """Every newsletter links SITE/unsubscribe/?t=TOKEN: no page there was a 404, which the log
    ingest does not count, so the reader was never unsubscribed (h277 H1)."""
    site_settings.set_value(author, key="theme", value=theme, base_domain=BASE)
    site_settings.set_value(author, key="title", value="Ada's notes", base_domain=BASE)
    publish(author, "Hello", "Words.")
    out = tmp_path / "public"
    build(author, out)
    page = out / "unsubscribe" / "index.html"
    text = page.read_text()
    html5lib.HTMLParser(strict=True).parse(text)
    assert "your request has been received" in text and "Ada&#39;s notes" in text
    assert '<meta name="robots" content="noindex">' in text and '<meta name="referrer" content="no-referrer">' in text
    base = site_settings.show(author, base_domain=BASE).base_url
    assert f'<link rel="canonical" href="{base}unsubscribe/">' in text
    for name in ("sitemap.xml", "index.xml", "atom.xml"):  # a page of the site's, not content
        assert "unsubscribe" not in (out / name).read_text(), name
    assert build(author, out).written == 0


def test_a_post_cannot_take_the_unsubscribe_address(author, tmp_path):
    """A post whose permalink would be /unsubscribe/ (slug `unsubscribe`, permalink /{slug}/), or an
    alias there, lives at /posts/<id>/ as one at another of the site's own addresses does."""
    site_settings.set_value(author, key="permalink", value="/{slug}/", base_domain=BASE)
    row = publish(author, "Unsubscribe", "A post about leaving lists.", slug="unsubscribe")
    out = tmp_path / "public"
    build(author, out)
    assert "A post about leaving lists." in (out / "posts" / str(row.id) / "index.html").read_text()
    assert "your request has been received" in (out / "unsubscribe" / "index.html").read_text()
    assert "UNSUBSCRIBE" not in {p.upper() for p in site_files(out) if p.startswith("posts/")}


def test_the_rss_channel_links_the_site_and_names_itself_as_the_self_link(author, tmp_path):
    """feedgen made the last link added the RSS channel's <link>: that was the feed's own URL, where
    RSS 2.0 wants the site's (h277 M1)."""
    publish(author, "Hello", "Words.")
    out = tmp_path / "public"
    build(author, out)
    base = site_settings.show(author, base_domain=BASE).base_url
    rss = ET.fromstring((out / "index.xml").read_bytes()).find("channel")
    assert rss is not None and rss.findtext("link") == base
    self_link = rss.find("{http://www.w3.org/2005/Atom}link")
    assert self_link is not None and (self_link.get("rel"), self_link.get("href")) == ("self", f"{base}index.xml")
    for name, own in (("index.xml", "index.xml"), ("atom.xml", "atom.xml")):
        feed = feedparser.parse((out / name).read_bytes())
        assert not feed.bozo and feed.feed.link == base, name
        assert {(link.rel, link.href) for link in feed.feed.links} >= {("self", base + own)}, name


def test_the_minimal_theme_links_both_feeds(author, tmp_path):
    site_settings.set_value(author, key="theme", value="minimal", base_domain=BASE)
    publish(author, "Hello", "Words.")
    out = tmp_path / "public"
    build(author, out)
    for page in ("index.html", "posts/hello/index.html", "unsubscribe/index.html"):
        head = (out / page).read_text().split("</head>", 1)[0]
        assert '<link rel="alternate" type="application/rss+xml"' in head and 'href="/index.xml"' in head, page
        assert '<link rel="alternate" type="application/atom+xml"' in head and 'href="/atom.xml"' in head, page


def _jekyll_site(root: Path) -> Path:
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: old site\n")
    (root / "_posts" / "2014-03-12-dated.md").write_text(
        "---\ntitle: Dated\nlast_modified_at: 2015-06-01 10:30:00 +0200\n---\nOld words.\n"
    )
    (root / "_posts" / "2016-01-05-plain.md").write_text("---\ntitle: Plain\n---\nOlder words.\n")
    return root


def _lastmods(out: Path) -> dict[str, str]:
    root = ET.fromstring((out / "sitemap.xml").read_bytes())
    return {
        url.findtext(f"{SITEMAP}loc", "").rsplit("/", 2)[-2]: url.findtext(f"{SITEMAP}lastmod", "")
        for url in root.iter(f"{SITEMAP}url")
        if url.find(f"{SITEMAP}lastmod") is not None
    }


def _atom_updated(out: Path) -> dict[str, str]:
    feed = feedparser.parse((out / "atom.xml").read_bytes())
    return {entry.link.rsplit("/", 2)[-2]: entry.updated for entry in feed.entries}


def test_imported_posts_show_their_own_dates_until_edited(author, tmp_path):
    """The sitemap's <lastmod> and Atom's <updated> of an imported post were the import's time, so a
    2014 post read as changed today (h277 L6): its front matter's last_modified_at (or lastmod...)
    where stated, else its date; an edit made since is the post's last change."""
    imports.import_paths(author, paths=[_jekyll_site(tmp_path / "old")])
    out = tmp_path / "public"
    build(author, out)
    dated, plain = "2015-06-01T08:30:00+00:00", "2016-01-05T00:00:00+00:00"
    assert _lastmods(out) == {"dated": dated, "plain": plain}
    assert _atom_updated(out) == {"dated": "2015-06-01T08:30:00+00:00", "plain": plain}
    atom = ET.fromstring((out / "atom.xml").read_bytes())
    assert atom.findtext("{http://www.w3.org/2005/Atom}updated") == plain  # the feed's: its latest entry's
    page = (out / "posts/dated/index.html").read_text()
    assert f'<meta property="article:modified_time" content="{dated}">' in page

    blogs.update(author, ref="plain", changes=blogs.BlogChanges(markdown="Newer words."))
    with unit_of_work(author) as conn:
        edited = conn.execute("select updated_at from blogs where slug = 'plain'").fetchone()[0]
    assert edited > datetime(2026, 1, 1, tzinfo=UTC)
    build(author, out)
    assert _lastmods(out) == {"dated": dated, "plain": edited.astimezone(UTC).isoformat()}
    assert _atom_updated(out)["plain"] == edited.astimezone(UTC).isoformat()


def test_a_stated_last_change_is_used_only_between_the_post_and_its_import():
    """A date the front matter states is the post's last change only where it can be: not before
    the post's own date, not after its row was written (a typo, a future date), and readable."""
    published = datetime(2014, 3, 12, tzinfo=UTC)
    imported = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)

    def change(*stated, untouched=True, zone=None) -> datetime:
        return last_change(
            published_at=published, updated_at=imported, untouched=untouched, stated=list(stated), zone=zone
        )

    assert change() == published
    assert change(None, "2015-01-02") == datetime(2015, 1, 2, tzinfo=UTC)
    assert change("2015-01-02 10:00", zone="Europe/Paris") == datetime(2015, 1, 2, 9, 0, tzinfo=UTC)
    assert change("2015-01-02", zone="No/Such_Zone") == datetime(2015, 1, 2, tzinfo=UTC)
    # what ZoneInfo opens but names no zone (posixrules: New York's copy) is read as UTC too, as the build says
    for no_zone in ("posixrules", "posix/Asia/Tokyo", "Europe/" + "x" * 14_000, "../../etc/passwd"):
        assert change("2015-01-02 10:00", zone=no_zone) == datetime(2015, 1, 2, 10, 0, tzinfo=UTC), no_zone
    too_long = "2015-01-02" + " " * 200
    for wrong in ("2013-01-01", "2099-01-01", "soon", 42, ["2015-01-02"], {"a": 1}, "99999-01-01", too_long):
        assert change(wrong) == published, wrong
    assert change("2099-01-01", "2015-01-02") == datetime(2015, 1, 2, tzinfo=UTC)  # the first that can be
    assert change("2015-01-02", untouched=False) == imported  # written since: the row's time


def test_a_rebuild_writes_again_the_files_removed_by_hand(author, tmp_path):
    """A built file deleted by hand went unnoticed: the rebuild said nothing to do (h277 L9). Each
    file the manifest lists is looked for (one lstat), and one that is gone is made again."""
    publish(author, "First", "One.", tags=["t"])
    publish(author, "Second", "Two.")
    out = tmp_path / "public"
    build(author, out)
    before = {path: (out / path).read_bytes() for path in site_files(out)}
    removed = ["posts/first/index.html", "tags/t/index.html", "unsubscribe/index.html", "_n/open.gif", "atom.xml"]
    for path in removed:
        (out / path).unlink()
    (out / "tags" / "t").rmdir()
    report = build(author, out)
    assert sorted(report.restored) == sorted(removed) and report.written == len(removed)
    assert report.rendered == 1  # the one post page removed
    assert {path: (out / path).read_bytes() for path in site_files(out)} == before
    again = build(author, out)
    assert (again.written, again.restored) == (0, ())


def test_a_file_in_place_of_a_folder_is_not_taken_for_a_missing_page(author, tmp_path):
    """Only a file that is not there is made again: a file where its folder was is an edit by hand,
    left as it is (as before: --force is what looks at each file)."""
    publish(author, "First", "One.")
    out = tmp_path / "public"
    build(author, out)
    page = out / "posts" / "first" / "index.html"
    page.unlink()
    page.parent.rmdir()
    page.parent.write_text("mine")
    report = build(author, out)
    assert (report.written, report.restored, report.edited) == (0, (), ())
    assert page.parent.read_text() == "mine"
