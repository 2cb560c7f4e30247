"""site build: a valid, safe, incremental static site of the acting user's published posts only."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import html5lib
import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.errors import InvalidInput
from blogster_cli.services import blogs, publishing, site, site_settings
from blogster_cli.services.site_files import MANIFEST

BASE = "blogster.page"
HOSTILE_TITLE = '<script>alert("t")</script><img src=x onerror=alert(1)>'
HOSTILE_BODY = """Intro paragraph.

<script>alert('body')</script>
<a href="javascript:alert(1)">click</a> <img src="x.png" onerror="alert(2)">
<div onclick="alert(3)" style="x">styled</div> [md link](javascript:alert(4))
<iframe src="https://evil.example/"></iframe>
"""


def build(acting: ActingUser, out: Path) -> site.BuildReport:
    return site.build(acting, out=out, base_domain=BASE)


def publish(acting: ActingUser, title: str, markdown: str, **fields) -> blogs.BlogRow:
    row = blogs.create(acting, new=blogs.NewBlog(title=title, markdown=markdown, **fields))
    publishing.publish(acting, refs=[str(row.id)])
    return row


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def snapshot(out: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(out)): (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}


@pytest.fixture
def author(db, make_user) -> ActingUser:
    return ActingUser(db, make_user("ada@example.com"))


@pytest.mark.same_on_every_server  # checking the HTML is Python's: CI's second pass leaves it out
def test_full_site_is_valid_html5_with_feeds_sitemap_and_meta(author, tmp_path):
    site_settings.set_value(author, key="title", value="Ada's notes", base_domain=BASE)
    code = "```python\nprint('hi')\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n{{< youtube abc >}}\n"
    for n in range(12):
        publish(author, f"Post {n}", f"Body of post {n}.\n\n{code}", tags=["Rust", "rust", "C++"] if n % 2 else [])
    blogs.create(author, new=blogs.NewBlog(title="Secret draft", markdown="draft text"))
    out = tmp_path / "public"
    report = build(author, out)
    assert report.posts == 12 and report.rendered == 12
    settings = site_settings.show(author, base_domain=BASE)
    base = settings.base_url
    assert base == f"https://{settings.subdomain}.{BASE}/"
    parser = html5lib.HTMLParser(strict=True)
    for page in html_files(out):
        parser.parse(page.read_bytes())  # raises on any HTML5 parse error
    index = (out / "index.html").read_text()
    assert index.count('class="summary"') == 10 and 'href="/page/2/"' in index
    assert (out / "page/2/index.html").read_text().count('class="summary"') == 2
    post = (out / "posts/post-1/index.html").read_text()
    assert f'<link rel="canonical" href="{base}posts/post-1/">' in post
    assert 'property="og:title" content="Post 1"' in post and 'name="twitter:card"' in post
    assert 'class="highlight"' in post and "<table>" in post and "{{&lt; youtube abc &gt;}}" in post
    assert "1 min read" in post
    assert (out / "tags/rust/index.html").read_text().count('class="summary"') == 6
    assert "Secret draft" not in "".join(p.read_text() for p in out.rglob("*") if p.suffix in (".html", ".xml"))
    for name in ("index.xml", "atom.xml"):
        feed = feedparser.parse((out / name).read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        assert len(feed.entries) == 12 and feed.entries[0].link.startswith(base)
    sitemap = ET.parse(out / "sitemap.xml").getroot()
    locs = {e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert {f"{base}posts/post-{n}/" for n in range(12)} <= locs and len(locs) == 13
    assert (out / "robots.txt").read_text().endswith(f"Sitemap: {base}sitemap.xml\n")
    assert (out / "404.html").is_file() and (out / "archive/index.html").is_file()


def test_hostile_posts_come_out_inert(author, tmp_path):
    publish(author, HOSTILE_TITLE, HOSTILE_BODY, slug="hostile", meta_description='"><script>alert(5)</script>')
    out = tmp_path / "public"
    build(author, out)
    for page in html_files(out):
        text = page.read_text()
        html5lib.HTMLParser(strict=True).parse(text)
        document = html5lib.parse(text, namespaceHTMLElements=False)
        assert not document.findall(".//script") and not document.findall(".//iframe"), page
        for element in document.iter():
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), (page, name)
                assert not value.strip().lower().startswith("javascript:"), (page, value)
    post = (out / "posts/hostile/index.html").read_text()
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in post and "Intro paragraph." in post
    for name in ("index.xml", "atom.xml"):
        assert not feedparser.parse((out / name).read_bytes()).bozo


def test_incremental_rebuild_touches_only_what_changed(author, tmp_path):
    rows = [publish(author, f"Post {n:02d}", f"Body {n}.", tags=[f"t{n % 3}"]) for n in range(25)]
    out = tmp_path / "public"
    build(author, out)
    before = snapshot(out)
    again = build(author, out)
    assert again.written == 0 and again.rendered == 0 and snapshot(out) == before
    changed = rows[3]  # the 4th oldest: on the last index page with the oldest posts
    blogs.update(
        author, ref=str(changed.id), changes=blogs.BlogChanges(markdown="A new body.", title="Post 03 revised")
    )
    report = build(author, out)
    after = snapshot(out)
    differing = {path for path in after if before.get(path) != after[path]}
    assert report.rendered == 1
    assert differing == {
        "posts/post-03/index.html", "page/3/index.html", "tags/t0/index.html", "archive/index.html",
        "sitemap.xml", ".blogster-site.json",
    }  # fmt: skip
    assert "Post 03 revised" in after["posts/post-03/index.html"][0].decode()
    publishing.unpublish(author, refs=[str(rows[24].id)])
    report = build(author, out)
    assert report.removed == 1 and not (out / "posts/post-24").exists()
    assert "Post 24" not in (out / "index.xml").read_text()
    (out / "posts/post-01/index.html").unlink()
    (out / "mine.txt").write_text("not the build's")
    restored = build(author, out)  # a page removed by hand is made again (the manifest's files are looked for)
    assert (restored.rendered, restored.written, restored.restored) == (1, 1, ("posts/post-01/index.html",))
    assert (out / "posts/post-01/index.html").read_bytes() == after["posts/post-01/index.html"][0]
    full = site.build(author, out=out, base_domain=BASE, full=True)  # --full renders everything
    assert full.rendered == 24 and (out / "posts/post-01/index.html").is_file()
    assert (out / "mine.txt").read_text() == "not the build's"


def test_a_build_holds_only_the_acting_users_published_posts(db, make_user, author, tmp_path):
    publish(author, "Ada public post", "Ada's words.")
    bob = ActingUser(db, make_user("bob@example.com"))
    publish(bob, "Bob public post", "Bob's words.")
    blogs.create(bob, new=blogs.NewBlog(title="Bob draft", markdown="unpublished"))
    out = tmp_path / "bob"
    report = build(bob, out)
    text = "".join(p.read_text() for p in out.rglob("*") if p.is_file() and p.suffix != ".gif")
    assert report.posts == 1 and "Bob public post" in text
    assert "Ada" not in text and "Bob draft" not in text


def test_imported_posts_keep_their_url_with_redirects_from_aliases(author, tmp_path):
    from blogster_cli.content.document import new_document

    document = new_document(
        "Release notes.", fmt="toml", raw='+++\npath = "2025/06/26/Rust-1.88.0"\naliases = ["releases/1.88.0"]\n+++\n',
        fields={"path": "2025/06/26/Rust-1.88.0", "aliases": ["releases/1.88.0", "../../escape"]},
        source={"dialect": "zola", "path": "Rust-1.88.0.md", "date_text": "2025/06/26"},
    )  # fmt: skip
    row = blogs.create(author, new=blogs.NewBlog(title="Rust 1.88", content=document))
    publishing.publish(author, refs=[str(row.id)])
    out = tmp_path / "public"
    build(author, out)
    assert "Release notes." in (out / "2025/06/26/Rust-1.88.0/index.html").read_text()
    redirect = (out / "releases/1.88.0/index.html").read_text()
    assert 'http-equiv="refresh"' in redirect and "2025/06/26/Rust-1.88.0/" in redirect
    html5lib.HTMLParser(strict=True).parse(redirect)
    assert not (tmp_path / "escape").exists()


HUGO_CONFIG = 'baseURL = "https://old.example/"\n'


def site_folder(root: Path, files: dict[str, str]) -> Path:
    """A static site's folder holding `files` (relative path -> text)."""
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def test_imported_posts_placed_by_their_generator_redirect_from_that_address(author, tmp_path):
    """A Hugo post in another section than posts, or a Jekyll post at its permalink style's
    address, was read at an address `site build` does not give it: that address redirects to
    the post's page, and log ingest maps it to the post."""
    from blogster_cli.services import imports
    from blogster_cli.services.post_addresses import post_finder

    hugo = site_folder(tmp_path / "hugo", {
        "hugo.toml": HUGO_CONFIG, "content/blog/Field Notes.md": "---\ntitle: Field notes\ndate: 2024-01-02\n---\nNotes.\n",
    })  # fmt: skip
    jekyll = site_folder(tmp_path / "jekyll", {
        "_config.yml": "title: Old\n", "_posts/2021-03-04-hello.md": "---\ntitle: Hello\ncategories: [News]\n---\nHi.\n",
    })  # fmt: skip
    imports.import_paths(author, paths=[hugo, jekyll])
    out = tmp_path / "public"
    build(author, out)
    assert "Notes." in (out / "posts/field-notes/index.html").read_text()
    for old, target in [
        ("blog/field-notes/index.html", "posts/field-notes/"),
        ("news/2021/03/04/hello.html", "posts/hello/"),
    ]:
        redirect = (out / old).read_text()
        assert 'http-equiv="refresh"' in redirect and target in redirect
    find = post_finder(author, base_domain="blogster.page")
    assert find("/blog/field-notes/") == find("field-notes") is not None
    assert find("/news/2021/03/04/hello.html") == find("hello") is not None


def test_a_former_address_follows_the_site_layout_and_its_permalink_settings(author, tmp_path):
    """Imported from inside the site (`hugo/content/blog`, `jekyll/_posts`), a post still
    redirects from its section's address; a Jekyll site's `_config.yml` `permalink`, or a Hugo
    site's `[permalinks]` for the post's section, places it."""
    from blogster_cli.services import imports

    hugo = site_folder(tmp_path / "hugo", {
        "hugo.toml": HUGO_CONFIG, "content/blog/notes.md": "---\ntitle: Notes\n---\nNotes.\n",
    })  # fmt: skip
    jekyll = site_folder(tmp_path / "jekyll", {
        "_config.yml": "title: Old\npermalink: /:year/:title/  # as the theme wants\n",
        "_posts/2021-03-04-hello.md": "---\ntitle: Hello\n---\nHi.\n",
    })  # fmt: skip
    custom = site_folder(tmp_path / "custom", {
        "hugo.toml": HUGO_CONFIG + '[permalinks]\nposts = "/:year/:month/:slug/"\n',
        "content/posts/trip.md": "---\ntitle: A Long Trip\ndate: 2023-05-06\n---\nGone.\n",
    })  # fmt: skip
    imports.import_paths(author, paths=[hugo / "content/blog", jekyll / "_posts", custom / "content/posts"])
    out = tmp_path / "public"
    build(author, out)
    for old, target in [
        ("blog/notes/index.html", "posts/notes/"),
        ("2021/hello/index.html", "posts/hello/"),
        ("2023/05/a-long-trip/index.html", "posts/trip/"),
    ]:
        assert target in (out / old).read_text()
    assert not (out / "2021/03/04/hello.html").exists()


def test_settings_change_the_address_theme_and_permalinks(author, tmp_path):
    publish(author, "Hello", "Hi there.")
    site_settings.set_value(author, key="url", value="https://blog.example.com/", base_domain=BASE)
    site_settings.set_value(author, key="permalink", value="/{year}/{slug}/", base_domain=BASE)
    site_settings.set_value(author, key="theme", value="minimal", base_domain=BASE)
    out = tmp_path / "public"
    build(author, out)
    (post,) = out.glob("*/hello/index.html")
    assert '<link rel="canonical" href="https://blog.example.com/' in post.read_text()
    assert "system-ui" in (out / "css/style.css").read_text()
    for key, value in [
        ("theme", "nope"),
        ("url", "javascript:alert(1)"),
        ("permalink", "/../{slug}/"),
        ("subdomain", "A"),
    ]:
        with pytest.raises(InvalidInput):
            site_settings.set_value(author, key=key, value=value, base_domain=BASE)


def test_slugs_named_like_the_sites_own_files_live_elsewhere(author, tmp_path):
    """With permalink /{slug}/, a post `robots.txt` would be the folder robots.txt/ where the
    site's file must go (the build failed, exit 8), and `tags` would be the tag index's page."""
    for slug in ("robots.txt", "tags", "css", "404.html", "sitemap.xml", "plain"):
        publish(author, slug.title(), f"Post {slug}.", slug=slug)
    site_settings.set_value(author, key="permalink", value="/{slug}/", base_domain=BASE)
    out = tmp_path / "public"
    build(author, out)
    assert (out / "robots.txt").is_file() and (out / "404.html").is_file() and (out / "sitemap.xml").is_file()
    assert (out / "plain" / "index.html").is_file()
    assert "Post tags." not in (out / "tags" / "index.html").read_text()
    moved = " ".join(page.read_text() for page in (out / "posts").glob("*/index.html"))  # at their ids
    assert all(f"Post {slug}." in moved for slug in ("robots.txt", "tags", "css", "404.html", "sitemap.xml"))


def test_slugs_one_file_on_a_case_or_form_blind_disk_get_one_page_each(author, tmp_path):
    """`Rust` and `rust`: distinct slugs, but one folder on macOS and Windows disks, where one page
    overwrote the other. The older keeps the address, the newer lives at its id; and `/CSS/` is the
    site's own `/css/` folder there. (`café` in NFC and in NFD were two slugs alike too: a slug is
    stored composed since 0196.)"""
    for slug in ("Rust", "rust", "caf\u00e9", "CSS"):
        publish(author, f"Title {slug}", f"Post {slug}.", slug=slug)
    site_settings.set_value(author, key="permalink", value="/{slug}/", base_domain=BASE)
    out = tmp_path / "public"
    build(author, out)
    folders = {p.parent.relative_to(out).as_posix() for p in out.glob("*/index.html")}
    assert "Rust" in folders and "rust" not in folders
    assert "caf\u00e9" in folders and "CSS" not in folders
    moved = " ".join(page.read_text() for page in (out / "posts").glob("*/index.html"))
    assert all(f"Post {slug}." in moved for slug in ("rust", "CSS"))
    pages = [p.read_text() for p in html_files(out)]
    assert all(sum(f"Post {slug}." in page for page in pages) >= 1 for slug in ("Rust", "rust", "caf\u00e9"))


def test_featured_images_are_copied_from_the_media_store(author, tmp_path):
    from blogster_cli.services import images

    png = tmp_path / "pic.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    row = blogs.create(author, new=blogs.NewBlog(title="Pictured", markdown="Words."))
    image = images.add(author, blog_ref=str(row.id), source=png, featured=True)
    publishing.publish(author, refs=[str(row.id)])
    out = tmp_path / "public"
    build(author, out)
    assert (out / image.url).read_bytes() == png.read_bytes()
    assert 'property="og:image" content="https://' in (out / "posts/pictured/index.html").read_text()
    assert os.path.getsize(out / image.url) == png.stat().st_size


def site_files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != MANIFEST}


@pytest.mark.same_on_every_server  # the files are Python's to write: CI's second pass leaves it out
def test_a_rebuild_after_each_kind_of_change_equals_a_full_build(db, author, tmp_path):
    """After edits, retitles, slug renames, addresses passing from one post to another, tag changes
    (links and a tag's name), unpublishing, trashing and new posts, the rebuilt folder holds exactly
    the bytes a full build of the same posts makes, and the same manifest."""
    from blogster_cli.content.document import new_document

    rows = [publish(author, f"Post {n:02d}", f"Body {n}.", tags=[f"t{n % 3}"]) for n in range(14)]
    # An imported post keeps /posts/hello/ as its address; a newer post slugged "hello" must
    # wait for it, on an address made of its id.
    kept = new_document(
        "Imported.", fmt="toml", raw='+++\npath = "posts/hello"\naliases = ["old/hello"]\n+++\n',
        fields={"path": "posts/hello", "aliases": ["old/hello"]}, source={"dialect": "zola", "path": "hello.md"},
    )  # fmt: skip
    imported = blogs.create(author, new=blogs.NewBlog(title="Imported hello", content=kept, tags=["t1"]))
    publishing.publish(author, refs=[str(imported.id)])
    hello = publish(author, "Hello", "Hi.", slug="hello", meta_description="Says hi.")
    out = tmp_path / "public"
    build(author, out)
    ids = [str(r.id) for r in rows]
    steps = [
        lambda: blogs.update(author, ref=ids[0], changes=blogs.BlogChanges(markdown="Body 0.\n\nOne more line.")),
        lambda: blogs.update(author, ref=ids[5], changes=blogs.BlogChanges(title="Post 05 renamed")),
        lambda: blogs.update(author, ref=ids[6], changes=blogs.BlogChanges(slug="moved-six")),
        lambda: blogs.update(
            author, ref=ids[7], changes=blogs.BlogChanges(markdown="A new first paragraph.\n\nBody 7.")
        ),
        lambda: blogs.tag(author, ref=ids[8], add=["fresh"]),
        lambda: blogs.tag(author, ref=ids[9], remove=["t0"]),
        lambda: blogs.update(author, ref=ids[10], changes=blogs.BlogChanges(tags=["t2", "Other"])),
        lambda: blogs.update(author, ref=ids[11], changes=blogs.BlogChanges(meta_description="Described.")),
        lambda: publishing.unpublish(author, refs=[str(imported.id)]),  # "hello" moves to /posts/hello/
        lambda: publishing.publish(author, refs=[str(imported.id)]),  # its old date kept: the address is its again
        lambda: publishing.unpublish(author, refs=[ids[12]]),
        lambda: blogs.trash(author, refs=[ids[13]]),
        lambda: publish(author, "Brand new", "New words.", tags=["t0", "fresh"]),
        lambda: blogs.update(author, ref=str(hello.id), changes=blogs.BlogChanges(meta_description="")),
        lambda: _rename_tag(db, "fresh", "Fresher"),
        lambda: None,  # nothing changed: a no-op rebuild
    ]
    for number, step in enumerate(steps):
        step()
        before = snapshot(out)
        rebuilt = build(author, out)
        whole = tmp_path / f"full-{number}"
        full = site.build(author, out=whole, base_domain=BASE)
        assert site_files(out) == site_files(whole), f"step {number}"
        ours, theirs = (json.loads((folder / MANIFEST).read_text()) for folder in (out, whole))
        assert ours == theirs, f"step {number}"
        assert rebuilt.posts == full.posts and rebuilt.rendered <= 2, f"step {number}"
        after = snapshot(out)
        touched = {path for path in after if before.get(path) != after[path]}
        assert all(before[path][0] != after[path][0] for path in touched - {MANIFEST} if path in before), (
            f"step {number}"
        )
    assert rebuilt.written == 0 and not touched
    # Published again, the imported post keeps its date (unpublish and publish keep it), so it is the
    # older one again and has its kept address back; "hello" waits on an address made of its id.
    assert "Imported." in (out / "posts/hello/index.html").read_text()
    waiting = sorted(page.parent.name for page in out.glob("posts/*/index.html") if "Hi." in page.read_text())
    assert waiting == [str(hello.id)], sorted(page.parent.name for page in out.glob("posts/*"))


def _rename_tag(db, old: str, new: str) -> None:
    """What an administrator's rename does: the tag's name changes, no post row does."""
    with db.connect() as conn, conn.transaction():
        conn.execute("update public.blog_tags set name = %s where lower(name) = lower(%s)", (new, old))


def test_the_first_build_after_an_upgrade_rewrites_no_unchanged_file(author, tmp_path):
    """A manifest of an older format (version 1 kept only keys and hashes per file): every page is
    made again, and none is written whose bytes are the same."""
    for n in range(3):
        publish(author, f"Post {n}", f"Body {n}.", tags=["t"])
    out = tmp_path / "public"
    build(author, out)
    manifest = json.loads((out / MANIFEST).read_text())
    older = {"version": 1, "files": manifest["files"], "posts": {}}
    (out / MANIFEST).write_text(json.dumps(older))
    before = snapshot(out)
    report = build(author, out)
    assert report.rendered == 3 and report.written == 0
    assert {path: entry for path, entry in snapshot(out).items() if path != MANIFEST} == {
        path: entry for path, entry in before.items() if path != MANIFEST
    }
    assert json.loads((out / MANIFEST).read_text())["version"] == 2


def _is_transparent_1x1_gif(data: bytes) -> bool:
    width, height = int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    control = data.find(b"!\xf9\x04")  # graphic control extension: its flags' low bit is "transparent"
    return (
        data[:6] == b"GIF89a"
        and (width, height) == (1, 1)
        and control > 0
        and data[control + 3] & 1 == 1
        and data.endswith(b";")
    )


def test_the_newsletter_open_image_is_served_by_every_build(author, tmp_path):
    from blogster_cli.distribution.newsletter import OPEN_PATH, Tracking

    row = publish(author, "Post", "Body.")
    out = tmp_path / "public"
    report = build(author, out)
    pixel = Tracking(report.base_url, "0" * 36, "0" * 16, []).pixel
    assert pixel.startswith(report.base_url + OPEN_PATH + "?")  # the address every newsletter asks for
    assert _is_transparent_1x1_gif((out / OPEN_PATH).read_bytes())
    blogs.update(author, ref=str(row.id), changes=blogs.BlogChanges(markdown="New body."))
    assert build(author, out).written and _is_transparent_1x1_gif((out / OPEN_PATH).read_bytes())
    # A folder built before the image existed (older format, no such file): the next build adds it.
    manifest = json.loads((out / MANIFEST).read_text())
    del manifest["files"][OPEN_PATH]
    manifest["site"] = "an older build"
    (out / MANIFEST).write_text(json.dumps(manifest))
    (out / OPEN_PATH).unlink()
    assert build(author, out).written >= 1
    assert _is_transparent_1x1_gif((out / OPEN_PATH).read_bytes())
    assert site.build(author, out=out, base_domain=BASE, full=True).posts == 1
    assert _is_transparent_1x1_gif((out / OPEN_PATH).read_bytes())


def png_file(path: Path, colour: bytes) -> Path:
    """A distinct (by content) PNG file: `images add` names files by their hash."""
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + colour * 16)
    return path


def test_a_featured_image_links_its_file_with_its_alt_text(author, tmp_path):
    from blogster_cli.services import images

    row = blogs.create(author, new=blogs.NewBlog(title="Pictured", markdown="Words."))
    image = images.add(author, blog_ref=str(row.id), source=png_file(tmp_path / "a.png", b"a"), featured=True,
                       alt='A "pic" <b>')  # fmt: skip
    publishing.publish(author, refs=[str(row.id)])
    out = tmp_path / "public"
    report = build(author, out)
    page = (out / "posts/pictured/index.html").read_text()
    url = f"{report.base_url}{image.url}"  # https://SITE/media/<hash>.png, a file: no trailing '/'
    # The page's own <img> is root-relative, so `site serve` and previews show it; og:image is absolute.
    assert f'<img class="featured" src="/{image.url}" alt="A &#34;pic&#34; &lt;b&gt;">' in page
    assert f'property="og:image" content="{url}"' in page and f'name="twitter:image" content="{url}"' in page
    assert (out / image.url).is_file()
    # The alt text changes with no change to the post's row: the rebuild still shows it, as a full build does.
    images.add(author, blog_ref=str(row.id), source=tmp_path / "a.png", alt="Better words")
    assert build(author, out).written >= 1
    assert 'alt="Better words"' in (out / "posts/pictured/index.html").read_text()
    site.build(author, out=(full := tmp_path / "full"), base_domain=BASE)
    assert site_files(out) == site_files(full)
    # A site under a path links the picture there, and og:image follows the new base URL.
    site_settings.set_value(author, key="url", value="https://example.com/blog", base_domain=BASE)
    build(author, out)
    page = (out / "posts/pictured/index.html").read_text()
    assert f'<img class="featured" src="/blog/{image.url}"' in page
    assert f'property="og:image" content="https://example.com/blog/{image.url}"' in page


def test_pictures_a_body_links_as_images_add_prints_are_copied_and_linked_from_the_root(author, tmp_path):
    from blogster_cli.services import images

    row = blogs.create(author, new=blogs.NewBlog(title="Gallery", markdown="Words."))
    first = images.add(author, blog_ref=str(row.id), source=png_file(tmp_path / "a.png", b"a"), alt="First")
    second = images.add(author, blog_ref=str(row.id), source=png_file(tmp_path / "b.png", b"b"))
    unused = images.add(author, blog_ref=str(row.id), source=png_file(tmp_path / "c.png", b"c"))
    body = (
        f'{images.markdown_link(first)}\n\n<img src="./{second.url}" alt="second">\n\n'
        "![elsewhere](https://example.com/media/x.png) ![missing](media/missing.png)\n"
    )
    blogs.update(author, ref=str(row.id), changes=blogs.BlogChanges(markdown=body))
    publishing.publish(author, refs=[str(row.id)])
    out = tmp_path / "public"
    build(author, out)
    page = (out / "posts/gallery/index.html").read_text()
    assert f'<img src="/{first.url}" alt="First">' in page and f'<img src="/{second.url}" alt="second">' in page
    assert 'src="https://example.com/media/x.png"' in page and 'src="/media/missing.png"' in page
    assert (out / first.url).read_bytes() == (tmp_path / "a.png").read_bytes()
    assert (out / second.url).is_file() and not (out / unused.url).exists()
    # The picture goes when the body stops linking it, and a site under a path links it there.
    blogs.update(author, ref=str(row.id), changes=blogs.BlogChanges(markdown=images.markdown_link(first)))
    report = build(author, out)
    assert report.removed == 1 and not (out / second.url).exists()
    site_settings.set_value(author, key="url", value="https://example.com/blog", base_domain=BASE)
    build(author, out)
    assert f'<img src="/blog/{first.url}" alt="First">' in (out / "posts/gallery/index.html").read_text()
    site.build(author, out=(full := tmp_path / "full"), base_domain=BASE)
    assert site_files(out) == site_files(full)
    assert json.loads((out / MANIFEST).read_text()) == json.loads((full / MANIFEST).read_text())


EVIL_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script>'
    b'<rect width="1" height="1"/></svg>'
)


def test_svgs_that_could_run_code_are_refused_and_never_served(author, tmp_path):
    from blogster_cli.services import images
    from blogster_cli.services.media_files import media_dir

    row = publish(author, "Drawn", "Words.")
    evil = tmp_path / "evil.svg"
    evil.write_bytes(EVIL_SVG)
    with pytest.raises(InvalidInput, match="SVG that could run code"):
        images.add(author, blog_ref=str(row.id), source=evil, featured=True)
    plain = tmp_path / "plain.svg"
    plain.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>')
    kept = images.add(author, blog_ref=str(row.id), source=plain, featured=True)
    out = tmp_path / "public"
    build(author, out)
    assert (out / kept.url).read_bytes() == plain.read_bytes()
    # A file stored before the check (or restored from a backup) is left out of the site.
    (media_dir() / kept.path).write_bytes(EVIL_SVG)
    report = site.build(author, out=out, base_domain=BASE, full=True)
    assert report.removed == 1 and not (out / kept.url).exists()


def test_a_rebuild_reads_no_svg_the_last_build_of_the_site_served(author, tmp_path, monkeypatch):
    """An SVG's name is its content's hash, so the check a build made of it holds for the next
    build of the same site: a rebuild no longer reads and parses every stored SVG again."""
    from blogster_cli.publish import svg
    from blogster_cli.services import images

    row = publish(author, "Drawn", "Words.")
    plain = tmp_path / "plain.svg"
    plain.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>')
    kept = images.add(author, blog_ref=str(row.id), source=plain, featured=True)
    out = tmp_path / "public"
    parsed: list[bytes] = []
    check = svg.active_content
    monkeypatch.setattr(svg, "active_content", lambda data: parsed.append(data) or check(data))
    build(author, out)
    assert len(parsed) == 1 and (out / kept.url).is_file()
    publish(author, "Another", "More words.")
    build(author, out)
    assert len(parsed) == 1 and (out / kept.url).is_file()
    site_settings.set_value(author, key="permalink", value="/{slug}/", base_domain=BASE)  # another site key
    build(author, out)
    assert len(parsed) == 2


def test_a_setting_is_named_as_settings_show_prints_it_too(author):
    """`site settings show --json` prints posts_per_page and custom_domain; `set` knew only the
    dashed names."""
    for key in ("posts_per_page", "Posts-Per-Page", "posts-per-page"):
        assert site_settings.set_value(author, key=key, value="7", base_domain=BASE).posts_per_page == 7
    with pytest.raises(InvalidInput, match="unknown site setting"):
        site_settings.set_value(author, key="colour", value="red", base_domain=BASE)


def test_the_sample_posts_site_links_no_picture_it_does_not_have(author, tmp_path):
    """The quickstart samples named featured images no sample ships (`/images/tmux-sessions.png`,
    `/assets/img/vacuum.png`): a new user's first site showed broken pictures."""
    import re

    from blogster_cli.services import imports
    from blogster_cli.services.quickstart import examples_dir

    samples = examples_dir()
    assert samples is not None
    imports.import_paths(author, paths=[samples])
    drafts = [row.slug for row in blogs.list_blogs(author, statuses=["draft"])]
    if drafts:
        publishing.publish(author, refs=drafts)
    out = tmp_path / "public"
    report = build(author, out)
    assert report.posts >= 5
    base = report.base_url.rstrip("/")
    for page in html_files(out):
        text = page.read_text()
        pictures = re.findall(r'<img[^>]*\ssrc="([^"]+)"', text)
        links = pictures + re.findall(r'property="og:image" content="([^"]+)"', text)
        for link in links:
            local = link.removeprefix(base)
            if local.startswith("/"):
                assert (out / local.lstrip("/")).is_file(), (page.relative_to(out), link)
