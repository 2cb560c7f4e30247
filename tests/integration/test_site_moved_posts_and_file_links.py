"""site build: a published post's old address keeps working after its slug changes, redirects stay on
the server that serves them, and relative links to markdown files lead to the posts imported from them.

Found by a tester: an editor script changed a published post's `slug: dup1` to `renamed-slug`,
and the next build removed `posts/dup1/` with no redirect, and the feed entry's guid changed (readers
showed the post again as new). Migration 0203 records each slug (and date) a published post had; the
build redirects from those addresses, and the feeds keep naming the post by the first. Redirect pages
led to the absolute site URL, taking `site serve`'s preview off localhost: they lead to the page's
root-relative link now. `[x](toml-post.md)` and the Rust blog's `./rust-vision-doc.md` were left as
written with no word: a link to a file imported as a published post leads to its page, another is
warned about, as are Hugo shortcodes a post imported from Hugo shows as text. Real PostgreSQL, RLS.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import feedparser
import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import acting_transaction
from blogster_cli.services import blogs, editing, imports, publishing, site
from tests.conftest import shared_data

BASE = "blogster.page"


@pytest.fixture
def author(db, make_user) -> ActingUser:
    return ActingUser(db, make_user("ada@example.com"))


def build(acting: ActingUser, out: Path, **options) -> site.BuildReport:
    return site.build(acting, out=out, base_domain=BASE, **options)


def publish(acting: ActingUser, title: str, markdown: str, **fields) -> blogs.BlogRow:
    row = blogs.create(acting, new=blogs.NewBlog(title=title, markdown=markdown, **fields))
    publishing.publish(acting, refs=[str(row.id)])
    return row


def rename(acting: ActingUser, ref: str, slug: str) -> None:
    blogs.update(acting, ref=ref, changes=blogs.BlogChanges(slug=slug))


def feed_ids(out: Path) -> dict[str, str]:
    """Entry title -> its guid, in both feeds (they must agree)."""
    rss = {e.title: e.id for e in feedparser.parse((out / "index.xml").read_bytes()).entries}
    atom = {e.title: e.id for e in feedparser.parse((out / "atom.xml").read_bytes()).entries}
    assert rss == atom
    return rss


def files_of(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and "blogster" not in p.name
    }


def redirect_of(out: Path, url_path: str) -> str:
    return (out / url_path.strip("/") / "index.html").read_text()


def test_a_renamed_published_post_redirects_from_each_old_address_and_keeps_its_feed_id(author, tmp_path):
    publish(author, "Kept", "Kept body.")
    publish(author, "Dup", "Dup body.", slug="dup1")
    out = tmp_path / "public"
    base = build(author, out).base_url
    before = feed_ids(out)
    assert before == {"Kept": f"{base}posts/kept/", "Dup": f"{base}posts/dup1/"}

    draft = editing.begin(author, ref="dup1")  # as `posts edit` with the tester's editor script
    text = re.sub(r"(?m)^slug: .*$", "slug: renamed-slug", draft.text)
    assert text != draft.text
    editing.apply(author, ref="dup1", text=text, fields=blogs.BlogChanges())
    build(author, out)
    assert "Dup body." in (out / "posts/renamed-slug/index.html").read_text()
    redirect = redirect_of(out, "/posts/dup1/")
    assert '<meta http-equiv="refresh" content="0; url=/posts/renamed-slug/">' in redirect
    assert f'<link rel="canonical" href="{base}posts/renamed-slug/">' in redirect
    assert feed_ids(out) == before  # no post announced again
    feed = feedparser.parse((out / "index.xml").read_bytes())
    assert [e.link for e in feed.entries if e.title == "Dup"] == [f"{base}posts/renamed-slug/"]

    rename(author, "renamed-slug", "third")
    build(author, out)
    for old in ("/posts/dup1/", "/posts/renamed-slug/"):
        assert "url=/posts/third/" in redirect_of(out, old)
    assert feed_ids(out) == before

    rename(author, "third", "dup1")  # back where it began: its page there, the others redirect to it
    build(author, out)
    assert "Dup body." in (out / "posts/dup1/index.html").read_text()
    for old in ("/posts/renamed-slug/", "/posts/third/"):
        assert "url=/posts/dup1/" in redirect_of(out, old)
    assert feed_ids(out) == before
    full = tmp_path / "full"
    build(author, full, full=True)
    assert files_of(out) == files_of(full)


def test_only_a_published_posts_slug_change_is_recorded_and_no_account_writes_it(author, superuser):
    draft = blogs.create(author, new=blogs.NewBlog(title="Draft", markdown="Draft body.", slug="draft-one"))
    rename(author, "draft-one", "draft-two")  # never published: no address to keep
    live = publish(author, "Live", "Live body.", slug="live-one")
    rename(author, "live-one", "live-two")
    blogs.update(author, ref="live-two", changes=blogs.BlogChanges(title="Live, retitled"))  # no move
    role = f"u_{author.actor.user_id.hex}"
    forged = '[{"slug": "elsewhere", "published_at": "2020-01-01T00:00:00+00:00"}]'
    with acting_transaction(superuser, role):  # the author may only forget entries (0205): this one is not kept
        superuser.execute("update public.blogs set former_addresses = %s::jsonb where id = %s", (forged, live.id))
    # Whoever else writes the column (a superuser's SQL) has it replaced by the trigger's own.
    superuser.execute("update public.blogs set former_addresses = %s::jsonb where id = %s", (forged, draft.id))
    with acting_transaction(superuser, role):
        rows = dict(
            superuser.execute(
                "select slug, former_addresses from public.blogs where id = any(%s)", ([draft.id, live.id],)
            ).fetchall()
        )
    assert rows["draft-two"] == []
    assert [entry["slug"] for entry in rows["live-two"]] == ["live-one"]


def test_an_alias_redirect_stays_on_the_server_that_serves_it(author, tmp_path):
    from blogster_cli.content.document import new_document

    document = new_document(
        "Release notes.", fmt="toml", raw='+++\npath = "2025/06/26/Rust-1.88.0"\naliases = ["releases/1.88.0"]\n+++\n',
        fields={"path": "2025/06/26/Rust-1.88.0", "aliases": ["releases/1.88.0"]},
        source={"dialect": "zola", "path": "Rust-1.88.0.md", "date_text": "2025/06/26"},
    )  # fmt: skip
    row = blogs.create(author, new=blogs.NewBlog(title="Rust 1.88", content=document))
    publishing.publish(author, refs=[str(row.id)])
    out = tmp_path / "public"
    base = build(author, out).base_url
    redirect = redirect_of(out, "/releases/1.88.0/")
    assert 'content="0; url=/2025/06/26/Rust-1.88.0/"' in redirect and 'href="/2025/06/26/Rust-1.88.0/">' in redirect
    assert f'<link rel="canonical" href="{base}2025/06/26/Rust-1.88.0/">' in redirect
    assert "url=https://" not in redirect


def write_folder(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def test_relative_links_to_markdown_files_lead_to_their_posts_or_are_warned_about(author, tmp_path):
    folder = write_folder(
        tmp_path / "notes",
        {
            "yaml-post.md": "---\ntitle: Yaml post\n---\nSee [toml](sub/toml-post.md#part), [gone](missing.md)"
            " and [ref].\n\n```\n[code](sub/toml-post.md)\n```\n\n[ref]: ./sub/toml-post.md\n",
            "sub/toml-post.md": '+++\ntitle = "Toml post"\n+++\nBack to [yaml](../yaml-post.md).\n',
        },
    )
    assert imports.import_paths(author, paths=[folder]).failed == []
    publishing.publish(author, refs=[row.slug for row in blogs.list_blogs(author)])
    out = tmp_path / "public"
    report = build(author, out)
    yaml_page = (out / "posts/yaml-post/index.html").read_text()
    assert (
        'href="/posts/toml-post/#part"' in yaml_page
        and 'href="/posts/toml-post/" rel="noopener noreferrer">ref</a>' in yaml_page
    )
    assert 'href="missing.md"' in yaml_page and "[code](sub/toml-post.md)" in yaml_page  # code stays code
    assert 'href="/posts/yaml-post/"' in (out / "posts/toml-post/index.html").read_text()
    assert [w for w in report.warnings if "links to the file" in w] == [
        "the post 'yaml-post' links to the file missing.md, which is none of your published posts: left as written"
    ]
    again = build(author, out)  # said on every build, the pages kept
    assert [w for w in again.warnings if "links to the file" in w] == [
        w for w in report.warnings if "links to the file" in w
    ]


def test_the_rust_blogs_link_to_a_file_it_does_not_hold_is_warned_about(author, tmp_path):
    name = "Project-Goals-2025-May-Update.md"
    content = tmp_path / "zola" / "content"
    content.mkdir(parents=True)
    shutil.copyfile(shared_data("blog_md", "rust-blog-zola") / name, content / name)
    assert imports.import_paths(author, paths=[content]).failed == []
    publishing.publish(author, refs=[row.slug for row in blogs.list_blogs(author)])
    report = build(author, tmp_path / "public")
    assert [w for w in report.warnings if "links to the file" in w] == [
        f"the post {blogs.list_blogs(author)[0].slug!r} links to the file rust-vision-doc.md, which is none of your"
        " published posts: left as written"
    ]


def test_hugo_shortcodes_a_post_shows_as_text_are_warned_about(author, tmp_path):
    folder = write_folder(
        tmp_path / "hugo",
        {
            "hugo.toml": 'baseURL = "https://old.example/"\n',
            "content/posts/figures.md": '---\ntitle: Figures\n---\n{{< figure src="a.png" >}}\n\n'
            'See [b]({{< ref "plain.md" >}}).\n\n```\n{{< code-only >}}\n```\n',
            "content/posts/plain.md": "---\ntitle: Plain\n---\nNo shortcodes, but {{</* figure */>}} escaped.\n",
        },
    )
    assert imports.import_paths(author, paths=[folder]).failed == []
    publishing.publish(author, refs=[row.slug for row in blogs.list_blogs(author)])
    out = tmp_path / "public"
    report = build(author, out)
    assert [w for w in report.warnings if "shortcode" in w] == [  # the ref leads to its post (test_site_hugo_refs)
        "'figures': its Hugo shortcode '{{< figure' is left as written, so readers see it as text:"
        " edit the post to say it without shortcodes"
    ]
    assert 'href="/posts/plain/"' in (out / "posts/figures/index.html").read_text()
