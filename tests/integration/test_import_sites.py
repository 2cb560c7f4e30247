"""Importing real sites as people do: from whichever folder of the site, with page bundles and
their pictures, Jekyll posts dated by their names, WordPress items that are not posts, and
posts that say they are published but have nothing to show. Against real PostgreSQL."""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.content.images import content_hash_name
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import exports, imports
from blogster_cli.services.media_files import media_dir
from tests.conftest import shared_data

pytestmark = pytest.mark.same_on_every_server  # Python-bound: CI's second pass leaves it out


@pytest.fixture
def account(db, make_user):
    """account() -> a new ActingUser."""
    return lambda: ActingUser(db, make_user())


def png(shade: int) -> bytes:
    """A valid 1x1 grey PNG, different for each shade."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes([0, shade])))
        + (chunk(b"IEND", b""))
    )


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def hugo_site(root: Path) -> Path:
    write(root / "hugo.toml", 'baseURL = "https://example.org/"\ntitle = "Site"\n')
    # dated, a file at the top of content/ is a post (an undated one is a page: test_import_hugo_top_level_pages)
    write(root / "content" / "about.md", "---\ntitle: About\ndate: 2023-12-01\n---\nWho we are.\n")
    write(root / "content" / "posts" / "first.md", "---\ntitle: First\ndate: 2024-01-02\n---\nOne.\n")
    write(root / "content" / "posts" / "trip" / "index.md", "---\ntitle: Trip\ndate: 2024-02-03\n---\nTwo.\n")
    return root


def my_posts(acting) -> dict[str, tuple[str, str]]:
    """slug -> (id, source path) of my live posts."""
    with unit_of_work(acting) as conn:
        rows = conn.execute(
            "select slug, id::text, content->'source'->>'path' from public.blogs"
            " where author_id = auth.uid() and deleted_at is null"  # others' published posts are readable too
        ).fetchall()
    return {slug: (post_id, path) for slug, post_id, path in rows}


def test_reimporting_from_a_parent_or_child_folder_of_the_site_updates_the_same_posts(account, tmp_path):
    """`blogster import hugo/content` after `blogster import hugo` made a second copy of every post."""
    site = hugo_site(tmp_path / "site")
    acting = account()
    first = imports.import_paths(acting, paths=[site])
    assert first.counts["imported"] == 3
    posts = my_posts(acting)
    assert posts["first"][1] == "content/posts/first.md" and posts["trip"][1] == "content/posts/trip/index.md"
    for folder in (site / "content", site / "content" / "posts", tmp_path, site / "content" / "posts" / "trip"):
        again = imports.import_paths(acting, paths=[folder])
        assert {file.outcome for file in again.files} == {"unchanged"}, (folder, again.files)
        assert my_posts(acting) == posts  # no copy, and every post keeps the path it came from
    single = imports.import_paths(acting, paths=[site / "content" / "posts" / "first.md"])
    assert [(file.outcome, file.id) for file in single.files] == [("unchanged", first.files[1].id)]
    assert "its path in the site" in (single.files[0].reason or "")

    # A file changed since: the same post is updated, from whichever folder it is imported.
    write(site / "content" / "posts" / "first.md", "---\ntitle: First, revised\ndate: 2024-01-02\n---\nOne!\n")
    updated = imports.import_paths(acting, paths=[site / "content"])
    changed = {file.slug: file for file in updated.files if file.outcome == "updated"}
    assert list(changed) == ["first"] and str(changed["first"].id) == posts["first"][0]
    assert "changed title, content" in (changed["first"].reason or "")
    assert my_posts(acting) == posts

    # --on-conflict keeps its meaning: skip leaves the matched post alone, rename makes a copy.
    skipped = imports.import_paths(acting, paths=[site / "content"], on_conflict="skip")
    assert {file.outcome for file in skipped.files} == {"skipped"}
    assert all("its path in the site" in (file.reason or "") for file in skipped.files)


def test_a_site_first_imported_from_inside_its_content_folder_gets_its_full_path(account, tmp_path):
    """The other way round: the posts found again, and given the path that places them in
    their section on export (`content/posts/first.md`, where `first.md` alone could not)."""
    site = hugo_site(tmp_path / "site")
    acting = account()
    assert imports.import_paths(acting, paths=[site / "content" / "posts"]).counts["imported"] == 2
    before = my_posts(acting)
    assert before["first"][1] == "first.md" and before["trip"][1] == "trip/index.md"
    whole = imports.import_paths(acting, paths=[site])
    # about.md is new; the fuller source path is bookkeeping, not a change a reader sees (walk 9, L12)
    assert whole.counts == {**whole.counts, "imported": 1, "updated": 0, "unchanged": 2}
    after = my_posts(acting)
    assert {slug: post_id for slug, (post_id, _) in after.items() if slug in before} == {
        slug: post_id for slug, (post_id, _) in before.items()
    }
    assert after["first"][1] == "content/posts/first.md"
    out = tmp_path / "out"
    exports.export_posts(acting, directory=out, dialect="hugo")
    assert (out / "content" / "posts" / "first.md").read_bytes() == (site / "content/posts/first.md").read_bytes()
    assert (out / "content" / "posts" / "trip" / "index.md").exists()
    assert imports.import_paths(acting, paths=[site]).counts["unchanged"] == 3


def test_jekyll_posts_drafts_and_astro_entries_imported_from_their_own_folders(account, tmp_path):
    """Imported from inside `_posts/`, `_drafts/` or `src/content/blog/`, a file is still what
    its site makes of it (a dated post, a draft, an Astro entry), and the site imported whole
    afterwards finds the same posts."""
    site = tmp_path / "site"
    write(site / "_config.yml", "title: Site\n")
    write(site / "_posts" / "2021-03-04-no-date.md", "---\nlayout: post\ntitle: No date\n---\nBody.\n")
    write(site / "_posts" / "2021-03-05-no-front-matter.md", "Just text, as Jekyll's optional front matter allows.\n")
    write(site / "_drafts" / "idea.md", "---\ntitle: Idea\n---\nLater.\n")
    write(site / "src" / "content" / "blog" / "entry.md", "---\ntitle: Entry\ndate: 2022-01-01\n---\nAstro.\n")
    acting = account()
    for folder in (site / "_posts", site / "_drafts", site / "src" / "content" / "blog"):
        assert imports.import_paths(acting, paths=[folder]).counts["imported"] >= 1

    def stored() -> list[tuple[str, ...]]:
        with unit_of_work(acting) as conn:
            return conn.execute(
                "select slug, status::text, published_at::date::text, content->'source'->>'path',"
                " content->'source'->>'dialect' from public.blogs order by slug"
            ).fetchall()

    expected = [
        ("entry", "published", "2022-01-01", "entry.md", "astro"),
        ("idea", "draft", None, "_drafts/idea.md", "jekyll"),
        ("no-date", "published", "2021-03-04", "_posts/2021-03-04-no-date.md", "jekyll"),
        ("no-front-matter", "published", "2021-03-05", "_posts/2021-03-05-no-front-matter.md", "jekyll"),
    ]
    assert stored() == expected
    whole = imports.import_paths(acting, paths=[site])
    assert [file.outcome for file in whole.files] == ["unchanged"] * 4  # its fuller path recorded (walk 9, L12)
    assert whole.files[-1].reason == "matched by its path in the site (imported before as 'entry.md'); no changes"
    assert stored() == [("entry", "published", "2022-01-01", "src/content/blog/entry.md", "astro"), *expected[1:]]


def test_the_real_corpora_reimported_from_their_parent_folder_are_found_again(account, tmp_path):
    """The 1,255 posts of ../shared/data, imported folder by folder and then from the folder
    that holds both; and, imported whole, again after one corpus's folder was renamed: no copies."""
    data = tmp_path / "blog_md"
    shutil.copytree(shared_data("blog_md"), data)
    acting = account()
    for corpus in ("18f-jekyll", "rust-blog-zola"):
        assert imports.import_paths(acting, paths=[data / corpus]).failed == []
    posts = my_posts(acting)
    assert len(posts) == 1255
    whole = imports.import_paths(acting, paths=[data])
    assert whole.counts["unchanged"] == 1255 and my_posts(acting) == posts
    other = account()
    assert imports.import_paths(other, paths=[data]).counts["imported"] == 1255
    theirs = {slug: post_id for slug, (post_id, _) in my_posts(other).items()}
    (data / "rust-blog-zola").rename(data / "rust-blog")
    again = imports.import_paths(other, paths=[data])
    # a moved file's new path is recorded, and is no change a reader sees (walk 9, L12)
    assert again.counts["imported"] == again.counts["updated"] == 0 and again.counts["unchanged"] == 1255
    moved = [file for file in again.files if "rust-blog/" in file.path]
    assert len(moved) == 750 and all(
        (file.reason or "").startswith("matched by slug and identical text") for file in moved
    )
    assert {slug: post_id for slug, (post_id, _) in my_posts(other).items()} == theirs
    assert my_posts(other)["Rust-1.12"][1] == "rust-blog/Rust-1.12/index.md"


def test_a_page_bundles_pictures_come_in_as_media_and_go_back_out_beside_the_post(account, tmp_path, superuser):
    site = tmp_path / "site"
    outside = write(tmp_path / "private" / "secret.png", png(1))
    bundle = site / "content" / "posts" / "trip"
    pictures = {"cover.png": png(10), "diagram.png": png(20), "photos/inner.png": png(30)}
    for name, data in pictures.items():
        write(bundle / name, data)
    write(site / "static" / "images" / "site.png", png(40))
    write(site / "content" / "posts" / "escape.png", png(50))
    write(bundle / "notes.png", b"not a picture at all")
    (bundle / "link.png").symlink_to(outside)
    (bundle / "linked").symlink_to(outside.parent, target_is_directory=True)
    text = (
        "---\ntitle: Trip\ndate: 2024-02-03\ncover: cover.png\n---\n"
        "![The diagram](diagram.png) and again ![](./diagram.png#center)\n"
        '<img src="photos/inner.png"> ![site](/images/site.png)\n'
        "![](../escape.png) ![](link.png) ![](linked/secret.png) ![](missing.png) ![](notes.png)\n"
        "```\n![in code](diagram.png)\n```\n![](https://example.org/x.png)\n"
    )
    write(bundle / "index.md", text)
    acting = account()

    preview = imports.import_paths(acting, paths=[site], dry_run=True)
    assert [file.images for file in preview.files if file.slug] == [4] and not media_dir().exists()  # checked only

    summary = imports.import_paths(acting, paths=[site])
    [linked_folder, post] = summary.files
    assert (linked_folder.outcome, linked_folder.reason) == ("skipped", "symbolic link: not followed")
    assert (post.outcome, post.images) == ("imported", 4)
    names = {path: content_hash_name(data) for path, data in pictures.items()}
    names["/images/site.png"] = content_hash_name(png(40))
    [warning] = post.warnings
    assert warning == (
        "pictures left as linked, not imported (outside the post's folder: ../escape.png;"
        " symbolic link: not followed: link.png, linked/secret.png; not found beside the post: missing.png;"
        " is not a PNG, JPEG, GIF, WebP, SVG or AVIF image: notes.png)"
    )
    with unit_of_work(acting) as conn:
        markdown, image, raw = conn.execute(
            "select content->>'markdown', featured_image, content->'front_matter'->>'raw' from public.blogs"
        ).fetchone()
        rows = conn.execute("select url, path, size, alt_text from public.image_assets order by size, path").fetchall()
    assert image == f"media/{names['cover.png']}" and f"cover: media/{names['cover.png']}" in raw
    assert markdown.startswith(
        f"![The diagram](media/{names['diagram.png']}) and again ![](media/{names['diagram.png']}#center)\n"
        f'<img src="media/{names["photos/inner.png"]}"> ![site](media/{names["/images/site.png"]})\n'
        "![](../escape.png) ![](link.png) ![](linked/secret.png) ![](missing.png) ![](notes.png)\n"
        "```\n![in code](diagram.png)\n```\n"
    )
    assert sorted(row[1] for row in rows) == sorted(names.values())
    assert {row[1]: row[3] for row in rows}[names["diagram.png"]] == "The diagram"
    for path, name in names.items():
        data = pictures.get(path, png(40))
        assert (media_dir() / name).read_bytes() == data
        assert oct(os.stat(media_dir() / name).st_mode & 0o777) == "0o600"
    secret = content_hash_name(png(1))  # the file outside, behind the links: never read
    assert superuser.execute("select count(*) from public.image_assets where path = %s", (secret,)).fetchone()[0] == 0
    assert not (media_dir() / secret).exists()

    # Again: nothing changes, and no second row per picture.
    again = imports.import_paths(acting, paths=[site])
    assert [file.outcome for file in again.files] == ["skipped", "unchanged"]
    assert superuser.execute("select count(*) from public.image_assets").fetchone()[0] == 4

    # Export puts the pictures beside index.md and links them there; export, import, export is a fixed point.
    out, again_out = tmp_path / "out", tmp_path / "again"
    exported = exports.export_posts(acting, directory=out, dialect="hugo")
    page = out / exported.files[0].path
    for name in names.values():
        assert (page.parent / name).exists() and f"media/{name}" not in page.read_text()
    assert f"![The diagram]({names['diagram.png']})" in page.read_text()
    copy = account()
    reimported = imports.import_paths(copy, paths=[out])
    assert reimported.failed == [] and reimported.files[0].images == 4
    exports.export_posts(copy, directory=again_out, dialect="hugo")
    assert (again_out / exported.files[0].path).read_bytes() == page.read_bytes()


def test_a_picture_over_the_size_limit_is_reported_and_left_linked(account, tmp_path, monkeypatch):
    from blogster_cli.services import media_files

    monkeypatch.setattr(media_files, "MAX_IMAGE_BYTES", 1024 * 1024)
    site = tmp_path / "site"
    write(site / "content" / "big" / "big.png", png(1) + b"\x00" * 1024 * 1024)
    write(site / "content" / "big" / "index.md", "---\ntitle: Big\n---\n![](big.png)\n")
    [post] = imports.import_paths(account(), paths=[site]).files
    assert post.outcome == "imported" and post.images == 0
    assert post.warnings == ["picture left as linked, not imported (is larger than 1 MiB: big.png)"]


def test_posts_that_say_they_are_published_but_are_empty_stay_drafts(account, tmp_path):
    folder = tmp_path / "site" / "content"
    write(folder / "empty-body.md", "---\ntitle: Coming soon\ndraft: false\n---\n")
    write(folder / "blank-body.md", "---\ntitle: Blank\n---\n\n   \n")
    write(folder / "fine.md", "---\ntitle: Fine\n---\nWords.\n")
    acting = account()
    summary = imports.import_paths(acting, paths=[folder])
    by_slug = {file.slug: file for file in summary.files}
    assert summary.failed == [] and summary.counts["imported"] == 3 and summary.counts["warnings"] == 2
    for slug in ("empty-body", "blank-body"):
        assert by_slug[slug].warnings == ["kept as a draft: it says it is published, but it has no content"]
    assert by_slug["fine"].warnings == []
    with unit_of_work(acting) as conn:
        statuses = dict(conn.execute("select slug, status::text from public.blogs").fetchall())
    assert statuses == {"empty-body": "draft", "blank-body": "draft", "fine": "published"}
    # A published post whose file is emptied since: the re-import does not leave it live and empty.
    write(folder / "fine.md", "---\ntitle: Fine\n---\n")
    [fine] = [file for file in imports.import_paths(acting, paths=[folder]).files if file.slug == "fine"]
    assert fine.outcome == "updated" and "status" in (fine.reason or "") and fine.warnings
    with unit_of_work(acting) as conn:
        assert conn.execute("select status::text from public.blogs where slug = 'fine'").fetchone()[0] == "draft"


def test_wordpress_items_not_imported_are_listed_with_their_reasons(account, tmp_path):
    from tests.unit.content.test_content_sites_and_pictures import wxr

    export = write(
        tmp_path / "export.xml",
        wxr(
            ("Kept", "<p>Body</p>", "publish", "post"),
            ("Binned", "<p>Body</p>", "trash", "post"),
            ("Never saved", "", "auto-draft", "post"),
            ("Empty but published", "", "publish", "post"),
            ("photo.jpg", "", "inherit", "attachment"),
        ),
    )
    acting = account()
    summary = imports.import_paths(acting, paths=[export])
    shown = [(file.title, file.outcome, file.reason, file.warnings) for file in summary.files]
    assert shown == [
        ("Kept", "imported", None, []),
        ("Binned", "skipped", "a WordPress post in the trash", []),
        ("Never saved", "skipped", "a WordPress post that is an auto-draft (never saved by its author)", []),
        ("Empty but published", "imported", None, ["kept as a draft: it says it is published, but it has no content"]),
    ]
    assert summary.as_dict()["not_posts"] == {"attachment": 1}
    with unit_of_work(acting) as conn:
        assert dict(conn.execute("select title, status::text from public.blogs").fetchall()) == {
            "Kept": "published",
            "Empty but published": "draft",
        }


def test_mdx_entries_and_section_pages_are_imported_or_listed_with_their_reasons(account, tmp_path):
    """A folder import left `.mdx` files out (naming one imported it) and `_index.md` section
    pages vanished from the summary: every file either comes in or is listed with a reason."""
    blog = tmp_path / "astro" / "src" / "content" / "blog"
    write(blog / "plain.md", "---\ntitle: Plain\npubDate: 2024-01-02\n---\nOne.\n")
    write(blog / "rich.mdx", "---\ntitle: Rich\npubDate: 2024-01-03\n---\nimport X from './x';\n\n<X />\n")
    site = hugo_site(tmp_path / "hugo")
    write(site / "content" / "posts" / "_index.md", "---\ntitle: Posts\n---\nAll posts.\n")
    write(site / "content" / "_index.fr.md", "---\ntitle: Accueil\n---\n")
    acting = account()
    summary = imports.import_paths(acting, paths=[tmp_path / "astro", site])
    shown = {os.path.relpath(file.path, tmp_path): (file.outcome, file.reason) for file in summary.files}
    assert shown["astro/src/content/blog/rich.mdx"] == ("imported", None)
    assert shown["hugo/content/posts/_index.md"] == ("skipped", "section index page, not a post")
    assert shown["hugo/content/_index.fr.md"] == ("skipped", "section index page, not a post")
    assert my_posts(acting)["rich"][1] == "src/content/blog/rich.mdx"
    named = imports.import_paths(acting, paths=[site / "content" / "posts" / "_index.md", blog / "rich.mdx"])
    assert [(file.outcome, file.reason) for file in named.files][0] == ("skipped", "section index page, not a post")
    assert [file.outcome for file in named.files] == ["skipped", "unchanged"]


def test_hugo_translations_leave_the_original_its_slug_and_are_listed_as_skipped(account, tmp_path):
    """`toml-post.fr.md` is read before `toml-post.md`: it took the original's slug and the
    English post moved to `toml-tz-2`. A translation is skipped (reported); its original keeps
    its slug, and importing again changes nothing."""
    site = hugo_site(tmp_path / "site")
    posts = site / "content" / "posts"
    write(posts / "toml-post.md", '+++\ntitle = "Time"\nslug = "toml-tz"\n+++\nHello.\n')
    write(posts / "toml-post.fr.md", '+++\ntitle = "Heure"\nslug = "toml-tz"\n+++\nBonjour.\n')
    write(posts / "trip" / "index.pt-br.md", "---\ntitle: Viagem\ndate: 2024-02-03\n---\nDois.\n")
    write(posts / "solo.de.md", "---\ntitle: Solo\n---\nNo original beside me.\n")
    acting = account()
    for _ in range(2):
        summary = imports.import_paths(acting, paths=[site])
        shown = {os.path.relpath(file.path, site): (file.outcome, file.reason) for file in summary.files}
        assert shown["content/posts/toml-post.fr.md"] == (
            "skipped",
            "translation (fr) of toml-post.md: not imported, toml-post.md is the post",
        )
        assert shown["content/posts/trip/index.pt-br.md"][0] == "skipped"
        assert shown["content/posts/toml-post.md"][0] in ("imported", "unchanged")
        mine = my_posts(acting)
        assert mine["toml-tz"][1] == "content/posts/toml-post.md"
        assert sorted(mine) == ["about", "first", "solo.de", "toml-tz", "trip"]


def test_a_translation_without_front_matter_is_skipped_where_its_folder_is_a_hugo_site(account, tmp_path):
    """`hello.fr.md` holding only text beside `hello.md` (Hugo front matter) was read as plain
    markdown and imported as a post `hello.fr`; `--format hugo` skipped it. Detection now asks
    the original beside it, or the site's config, which generator the folder is for; a plain
    notes folder, an Astro collection, a name that is no language and a lone file still come in."""
    posts = tmp_path / "site" / "content" / "posts"
    write(posts / "hello.md", "---\ntitle: Hello\ndate: 2024-01-02\n---\nHello.\n")
    write(posts / "hello.fr.md", "Bonjour le monde.\n")
    write(posts / "v1.md", "---\ntitle: Version one\n---\nOne.\n")
    write(posts / "v1.2.md", "Version one point two.\n")
    write(posts / "solo.it.md", "Da solo.\n")
    configured = hugo_site(tmp_path / "configured")
    write(configured / "content" / "posts" / "plain.md", "Plain.\n")
    write(configured / "content" / "posts" / "plain.de.md", "Schlicht.\n")
    write(tmp_path / "notes" / "list.md", "Groceries.\n")
    write(tmp_path / "notes" / "list.en.md", "Groceries, in English.\n")
    blog = tmp_path / "astro" / "src" / "content" / "blog"
    write(blog / "walk.md", "---\ntitle: Walk\npubDate: 2024-01-02\n---\nOne.\n")
    write(blog / "walk.fr.md", "Promenade.\n")
    acting = account()
    summary = imports.import_paths(acting, paths=[tmp_path], dry_run=True)
    shown = {os.path.relpath(file.path, tmp_path): (file.outcome, file.reason) for file in summary.files}
    skipped = {path: reason for path, (outcome, reason) in shown.items() if outcome == "skipped"}
    assert skipped == {
        "site/content/posts/hello.fr.md": "translation (fr) of hello.md: not imported, hello.md is the post",
        "configured/content/posts/plain.de.md": "translation (de) of plain.md: not imported, plain.md is the post",
    }
    for kept in ("site/content/posts/v1.2.md", "site/content/posts/solo.it.md", "notes/list.en.md",
                 "astro/src/content/blog/walk.fr.md"):  # fmt: skip
        assert shown[kept] == ("imported", None)
    named = imports.import_paths(acting, paths=[tmp_path / "site"], fmt="markdown")  # as asked: no translations
    assert {os.path.basename(file.path): file.outcome for file in named.files}["hello.fr.md"] == "imported"


JEKYLL_PAGE = "page, not a post: Jekyll posts are in _posts/ or _drafts/"


def test_jekyll_pages_and_a_sites_repository_files_are_listed_as_skipped_not_imported(account, tmp_path):
    """`about.md` (`layout: page`), `index.md`, `404.md`, a collection's documents and the
    repository's README became dated, published posts. Only `_posts/` and `_drafts/` hold
    posts (a `layout: page` there too); the rest is listed as skipped with the reason, on every
    import and from whichever folder of the site."""
    site = tmp_path / "jk"
    write(site / "_config.yml", "title: Site\ncollections: [recipes]\n")
    write(site / "about.md", "---\nlayout: page\ntitle: About\npermalink: /about/\n---\nWho we are.\n")
    write(site / "index.md", "---\nlayout: home\n---\n")
    write(site / "404.md", "---\npermalink: /404.html\n---\nNot found.\n")
    write(site / "README.md", "# My blog\n\nRun `bundle exec jekyll serve`.\n")
    write(site / "CONTRIBUTING.md", "Pull requests welcome.\n")
    write(site / "docs" / "guide.md", "---\ntitle: Guide\n---\nA page in a folder.\n")
    write(site / "_recipes" / "soup.md", "---\ntitle: Soup\n---\nHot.\n")
    write(site / "_posts" / "2021-03-04-hello.md", "---\nlayout: page\ntitle: Hello\n---\nA post.\n")
    write(site / "_drafts" / "idea.md", "---\ntitle: Idea\n---\nLater.\n")
    write(site / "blog" / "_posts" / "2021-03-05-deep.md", "---\ntitle: Deep\n---\nNested posts folder.\n")
    acting = account()
    for folder in (site, site / "_posts"):
        summary = imports.import_paths(acting, paths=[folder])
        assert summary.failed == []
    summary = imports.import_paths(acting, paths=[site])
    shown = {os.path.relpath(file.path, site): (file.outcome, file.reason) for file in summary.files}
    assert shown == {
        "404.md": ("skipped", JEKYLL_PAGE),
        "CONTRIBUTING.md": ("skipped", "repository file (CONTRIBUTING.md), not a post"),
        "README.md": ("skipped", "repository file (README.md), not a post"),
        "_drafts/idea.md": ("unchanged", shown["_drafts/idea.md"][1]),
        "_posts/2021-03-04-hello.md": ("unchanged", shown["_posts/2021-03-04-hello.md"][1]),
        "_recipes/soup.md": ("skipped", "in _recipes/, not a post: Jekyll posts are in _posts/ or _drafts/"),
        "about.md": ("skipped", JEKYLL_PAGE),
        "blog/_posts/2021-03-05-deep.md": ("unchanged", shown["blog/_posts/2021-03-05-deep.md"][1]),
        "docs/guide.md": ("skipped", JEKYLL_PAGE),
        "index.md": ("skipped", JEKYLL_PAGE),
    }
    assert sorted(my_posts(acting)) == ["deep", "hello", "idea"]
    named = imports.import_paths(acting, paths=[site / "about.md"])
    assert [(file.outcome, file.reason) for file in named.files] == [("skipped", JEKYLL_PAGE)]
    as_markdown = imports.import_paths(acting, paths=[site / "about.md"], fmt="markdown")
    assert [file.outcome for file in as_markdown.files] == ["skipped"]


def test_a_repository_readme_at_any_sites_root_is_skipped_and_one_in_a_folder_is_not(account, tmp_path):
    site = hugo_site(tmp_path / "hugo")
    write(site / "README.md", "---\ntitle: Readme\n---\nHow to build the site.\n")
    write(site / "LICENSE.md", "MIT License\n")
    write(site / "CHANGELOG.md", "# Changelog\n")
    notes = tmp_path / "notes"
    write(notes / "readme.markdown", "# Notes\n")
    write(notes / "travel" / "README.md", "# Travel readme, a post here\n")
    acting = account()
    summary = imports.import_paths(acting, paths=[site, notes])
    shown = {os.path.relpath(file.path, tmp_path): (file.outcome, file.reason) for file in summary.files}
    assert shown["hugo/README.md"] == ("skipped", "repository file (README.md), not a post")
    assert shown["hugo/LICENSE.md"] == ("skipped", "repository file (LICENSE.md), not a post")
    assert shown["hugo/CHANGELOG.md"] == ("skipped", "repository file (CHANGELOG.md), not a post")
    assert shown["notes/readme.markdown"] == ("skipped", "repository file (readme.markdown), not a post")
    assert shown["notes/travel/README.md"][0] == "imported"
    assert sorted(my_posts(acting)) == ["README", "about", "first", "trip"]


def test_hugo_headless_bundles_and_pages_never_rendered_are_listed_as_skipped(account, tmp_path):
    """A leaf bundle with `headless: true` (a holder of pictures for other pages) or build
    options `render: never` came in as a post: Hugo makes no page of it, so neither does import."""
    site = hugo_site(tmp_path / "site")
    posts = site / "content" / "posts"
    write(posts / "gallery" / "index.md", "---\nheadless: true\n---\n")
    write(posts / "gallery" / "a.png", png(5))
    write(posts / "hidden" / "index.md", "---\ntitle: Hidden\n_build:\n  render: never\n  list: never\n---\nX.\n")
    write(posts / "old" / "index.md", '+++\ntitle = "Old"\n[build]\nrender = false\n+++\nOld Hugo.\n')
    write(posts / "plain.md", "---\ntitle: Plain\nbuild:\n  render: Never\n---\nNot a bundle.\n")
    write(posts / "listed" / "index.md", "---\ntitle: Listed\nbuild:\n  list: never\n---\nRendered.\n")
    write(posts / "shown" / "index.md", "---\ntitle: Shown\nheadless: false\n---\nA post.\n")
    acting = account()
    summary = imports.import_paths(acting, paths=[site])
    shown = {os.path.relpath(file.path, posts): (file.outcome, file.reason) for file in summary.files}
    assert shown["gallery/index.md"] == ("skipped", "headless bundle (headless: true): not a page, not a post")
    assert shown["hidden/index.md"] == (
        "skipped",
        "never rendered (_build: render: never): not a page, not a post",
    )
    assert shown["old/index.md"] == ("skipped", "never rendered (build: render: false): not a page, not a post")
    assert shown["plain.md"] == ("skipped", "never rendered (build: render: never): not a page, not a post")
    assert shown["listed/index.md"][0] == shown["shown/index.md"][0] == "imported"
    assert sorted(my_posts(acting)) == ["about", "first", "listed", "shown", "trip"]
    named = imports.import_paths(acting, paths=[posts / "gallery"])
    assert [file.outcome for file in named.files] == ["skipped"]


def test_jekyll_liquid_picture_links_come_in_as_media_or_are_reported(account, tmp_path):
    """`![p]({{ site.baseurl }}/assets/p.png)` and the like were left as Liquid text, without a word."""
    site = tmp_path / "jk"
    write(site / "_config.yml", "title: Site\nbaseurl: /blog\n")
    write(site / "assets" / "img" / "photo.png", png(60))
    write(site / "assets" / "x.png", png(70))
    text = (
        "---\ntitle: Hello\n---\n![photo]({{ site.baseurl }}/assets/img/photo.png)\n"
        '![again]({{ "/assets/img/photo.png" | relative_url }}) <img src="{{ \'/assets/x.png\' | absolute_url }}">\n'
        "![full]({{ site.url }}{{ site.baseurl }}/assets/x.png) ![cover]({{ page.cover }})"
        " ![gone]({{ site.baseurl }}/assets/missing.png)\n"
        "```\n![code]({{ site.baseurl }}/assets/img/photo.png)\n```\n"
    )
    write(site / "_posts" / "2019-03-05-hello.md", text)
    acting = account()
    [post] = imports.import_paths(acting, paths=[site]).files
    assert (post.outcome, post.images) == ("imported", 2)
    assert post.warnings == [
        "pictures left as linked, not imported (a Liquid link it cannot resolve: {{ page.cover }};"
        " not found in the site's static files: {{ site.baseurl }}/assets/missing.png)"
    ]
    photo, x = content_hash_name(png(60)), content_hash_name(png(70))
    assert (media_dir() / photo).read_bytes() == png(60) and (media_dir() / x).exists()
    with unit_of_work(acting) as conn:
        [markdown] = conn.execute("select content->>'markdown' from public.blogs where id = %s", (post.id,)).fetchone()
    assert markdown == (
        f'![photo](media/{photo})\n![again](media/{photo}) <img src="media/{x}">\n'
        f"![full](media/{x}) ![cover]({{{{ page.cover }}}}) ![gone]({{{{ site.baseurl }}}}/assets/missing.png)\n"
        "```\n![code]({{ site.baseurl }}/assets/img/photo.png)\n```\n"
    )


def test_a_zola_sites_posts_are_read_as_zola_by_its_config_and_exported_back_at_their_paths(account, tmp_path):
    """Zola posts with no `[taxonomies]` or `[extra]` were read as Hugo and exported to `content/b.md`."""
    site = tmp_path / "zola2"
    write(site / "config.toml", 'base_url = "https://example.org"\ncompile_sass = false\n[markdown]\n')
    write(site / "content" / "blog" / "b.md", '+++\ntitle = "B"\ndate = 2024-01-02\n+++\nBee.\n')
    write(site / "content" / "a.md", '+++\ntitle = "A"\ndate = 2024-01-03\n+++\nAy.\n')
    acting = account()
    summary = imports.import_paths(acting, paths=[site])
    assert summary.failed == [] and summary.counts["imported"] == 2
    with unit_of_work(acting) as conn:
        dialects = conn.execute("select distinct content->'source'->>'dialect' from public.blogs").fetchall()
    assert dialects == [("zola",)]
    out = tmp_path / "out"
    exported = exports.export_posts(acting, directory=out, dialect="zola")
    assert sorted(file.path for file in exported.files) == ["content/a.md", "content/blog/b.md"]
    for name in ("content/a.md", "content/blog/b.md"):
        assert (out / name).read_bytes() == (site / name).read_bytes()


WXR_DATED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:wp="http://wordpress.org/export/1.2/"><channel>{items}</channel></rss>
"""
ITEM_DATED = """<item><title><![CDATA[{title}]]></title><content:encoded><![CDATA[<p>Body</p>]]></content:encoded>
<category domain="post_tag" nicename="t"><![CDATA[Food &amp; Drink]]></category>
<wp:post_id>{n}</wp:post_id><wp:post_name>item-{n}</wp:post_name><wp:status>{status}</wp:status>
<wp:post_date_gmt>{gmt}</wp:post_date_gmt><wp:post_type>post</wp:post_type></item>"""


def test_wordpress_titles_are_unescaped_and_scheduled_posts_keep_their_time(account, tmp_path):
    """`café &amp; croissants` was stored as written, and a `future` post became an undated draft."""
    items = [
        ("café &amp; croissants", "publish", "2023-07-14 08:30:00"),
        ("Later", "future", "2099-01-01 08:00:00"),
        ("Missed", "future", "2021-01-01 08:00:00"),
    ]
    text = WXR_DATED.format(
        items="".join(
            ITEM_DATED.format(title=title, n=n, status=status, gmt=gmt)
            for n, (title, status, gmt) in enumerate(items, 1)
        )
    )
    acting = account()
    summary = imports.import_paths(acting, paths=[write(tmp_path / "export.xml", text)])
    assert summary.failed == [] and summary.counts["imported"] == 3
    with unit_of_work(acting) as conn:
        rows = conn.execute(
            "select title, status::text, published_at from public.blogs order by published_at"
        ).fetchall()
    assert [(title, status, at.isoformat()) for title, status, at in rows] == [
        ("Missed", "published", "2021-01-01T08:00:00+00:00"),
        ("café & croissants", "published", "2023-07-14T08:30:00+00:00"),
        ("Later", "scheduled", "2099-01-01T08:00:00+00:00"),
    ]
    from blogster_cli.content.wordpress import parse_wxr

    assert parse_wxr(text)[0].tags == ["Food & Drink"]


def wordpress_warnings(account, tmp_path, title: str, body: str) -> dict[str, list[str]]:
    """Each post's warnings (by title) from importing an export of a post `title` with this HTML
    body and a plain one, "Plain"."""
    items = ITEM_DATED.format(title=title, n=1, status="publish", gmt="2023-07-14 08:30:00").replace(
        "<p>Body</p>", body
    ) + ITEM_DATED.format(title="Plain", n=2, status="publish", gmt="2023-07-15 08:30:00")
    summary = imports.import_paths(account(), paths=[write(tmp_path / "export.xml", WXR_DATED.format(items=items))])
    return {file.title: file.warnings for file in summary.files}


def test_wordpress_pictures_left_on_the_old_site_are_named(account, tmp_path):
    """WordPress posts show pictures from the old site's media library (wp-content/uploads),
    which break when that site goes: each post linking any gets one warning naming them."""
    body = '<p>See <img src="https://old.example/wp-content/uploads/2024/01/a.png" alt="a"></p>'
    warned = wordpress_warnings(account, tmp_path, "Pictured", body)
    assert warned["Plain"] == []
    [warning] = warned["Pictured"]
    assert "1 picture still shown from the old site's media library" in warning
    assert "https://old.example/wp-content/uploads/2024/01/a.png" in warning


def test_wordpress_shortcodes_left_as_text_are_named(account, tmp_path):
    """A shortcode import cannot say in markdown (a gallery, a form) would show as text on the
    new site: the post comes in with one warning naming each, and a caption does not count."""
    body = (
        '<p>[gallery ids="1,2"]</p>\n\n[caption id="a"]<img src="https://x.example/a.png" alt="a" /> A[/caption]'
        '\n\n<p>[contact-form-7 id="5"]</p>'
    )
    warned = wordpress_warnings(account, tmp_path, "Shortcodes", body)
    assert warned["Plain"] == []
    assert warned["Shortcodes"] == [
        "2 WordPress shortcodes left as text: [gallery], [contact-form-7]; a static site shows them as written,"
        " so replace them in the post"
    ]
