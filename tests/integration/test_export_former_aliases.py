"""A post renamed or re-dated in Blogster, exported or synced to a Hugo (or Zola) folder, lists the
addresses its generator gave it before as `aliases`: Hugo built no page at the old URL (a 404 there)
while Blogster's own `site build` redirected it. Built with the real `hugo` where it is installed.
A post without a former address is written byte for byte as before. Real PostgreSQL, RLS.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import blogs, exports, imports, publishing
from blogster_cli.services import sync as sync_service

pytestmark = pytest.mark.same_on_every_server  # Python-bound (front matter, hugo): CI's second pass leaves it out

FIRST = "---\ntitle: First post\ndate: 2023-03-04T10:00:00Z\ntags: [a]\n---\nFirst body.\n"
OTHER = "---\ntitle: Other post\ndate: 2023-03-05T10:00:00Z\n---\nOther body.\n"
HUGO_CONFIG = 'baseURL = "http://example.org/"\ntitle = "T"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'


@pytest.fixture
def acting(db, make_user) -> ActingUser:
    return ActingUser(db, make_user())


def hugo_site(root: Path, config: str = HUGO_CONFIG) -> Path:
    (root / "content" / "posts").mkdir(parents=True)
    (root / "hugo.toml").write_text(config, encoding="utf-8")
    (root / "content/posts/first-post.md").write_text(FIRST, encoding="utf-8")
    (root / "content/posts/other-post.md").write_text(OTHER, encoding="utf-8")
    return root


def rename(acting: ActingUser, ref: str, slug: str) -> None:
    blogs.update(acting, ref=ref, changes=blogs.BlogChanges(slug=slug))


def export(acting: ActingUser, out: Path, dialect: str = "hugo") -> exports.ExportSummary:
    summary = exports.export_posts(acting, directory=out, dialect=dialect)
    assert summary.failed == []
    return summary


def hugo_build(site: Path) -> Path:
    layouts = site / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    (layouts / "single.html").write_text("<html><body>{{ .Content }}</body></html>\n", encoding="utf-8")
    (layouts / "list.html").write_text("<html><body></body></html>\n", encoding="utf-8")
    built = subprocess.run(["hugo", "--quiet", "-s", str(site)], capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    return site / "public"


def test_a_renamed_hugo_post_lists_its_old_address_and_the_others_keep_their_bytes(acting, tmp_path):
    assert imports.import_paths(acting, paths=[hugo_site(tmp_path / "site")]).failed == []
    rename(acting, "first-post", "renamed-post")
    out = tmp_path / "out"
    export(acting, out)
    assert not (out / "content/posts/first-post.md").exists()
    assert (out / "content/posts/renamed-post.md").read_text() == FIRST.replace(
        "---\nFirst", "aliases:\n- /posts/first-post/\n---\nFirst"
    )
    assert (out / "content/posts/other-post.md").read_text() == OTHER  # no former address: byte for byte
    # export, import, export: the alias is listed once, the file is the same again
    assert imports.import_paths(acting, paths=[out]).failed == []
    again = tmp_path / "again"
    export(acting, again)
    assert (again / "content/posts/renamed-post.md").read_bytes() == (
        out / "content/posts/renamed-post.md"
    ).read_bytes()


def test_a_post_renamed_twice_lists_each_old_address_once_and_never_its_own(acting, tmp_path):
    assert imports.import_paths(acting, paths=[hugo_site(tmp_path / "site")]).failed == []
    rename(acting, "first-post", "second-name")
    rename(acting, "second-name", "third-name")
    rename(acting, "third-name", "first-post")  # back to its first name: that is its page again
    out = tmp_path / "out"
    export(acting, out)
    text = (out / "content/posts/first-post.md").read_text()
    assert "aliases:\n- /posts/second-name/\n- /posts/third-name/\n---\n" in text
    assert "/posts/first-post/" not in text


def test_a_post_written_in_blogster_gets_aliases_for_hugo_and_zola_and_none_for_jekyll(acting, tmp_path):
    row = blogs.create(acting, new=blogs.NewBlog(title="Notes", markdown="Body.\n"))
    publishing.publish(acting, refs=[str(row.id)])
    rename(acting, str(row.id), "better-notes")
    export(acting, tmp_path / "hugo")
    assert "aliases:\n- /posts/notes/\n" in (tmp_path / "hugo/content/posts/better-notes.md").read_text()
    export(acting, tmp_path / "zola", "zola")
    assert 'aliases = ["notes/"]' in (tmp_path / "zola/content/better-notes.md").read_text()
    export(acting, tmp_path / "jekyll", "jekyll")
    [jekyll] = (tmp_path / "jekyll/_posts").glob("*-better-notes.md")
    assert "redirect_from" not in jekyll.read_text()  # the site may not run jekyll-redirect-from


def test_a_jekyll_post_that_lists_redirects_gets_its_old_address_there(acting, tmp_path):
    posts = tmp_path / "site" / "_posts"
    posts.mkdir(parents=True)
    (posts / "2021-03-04-first.md").write_text("---\ntitle: First\nredirect_from:\n- /old/\n---\nBody.\n")
    assert imports.import_paths(acting, paths=[tmp_path / "site"]).failed == []
    rename(acting, "first", "second")
    export(acting, tmp_path / "out", "jekyll")
    text = (tmp_path / "out/_posts/2021-03-04-second.md").read_text()
    assert "redirect_from:\n- /old/\n- /2021/03/04/first.html\n" in text


@pytest.mark.skipif(shutil.which("hugo") is None, reason="hugo is not installed")
def test_hugo_redirects_a_renamed_and_a_redated_post_from_their_old_urls(acting, tmp_path):
    config = HUGO_CONFIG + '[permalinks]\nposts = "/:year/:month/:filename/"\n'
    site = hugo_site(tmp_path / "site", config)
    assert imports.import_paths(acting, paths=[site]).failed == []
    public = hugo_build(site)
    assert (public / "2023/03/first-post/index.html").is_file()
    rename(acting, "first-post", "renamed-post")
    blogs.update(acting, ref="other-post", changes=blogs.BlogChanges(date=datetime(2024, 6, 7, 10, tzinfo=UTC)))
    out = tmp_path / "out"
    export(acting, out)
    (out / "hugo.toml").write_text(config, encoding="utf-8")
    public = hugo_build(out)
    for old, new in (("2023/03/first-post/", "2023/03/renamed-post/"), ("2023/03/other-post/", "2024/06/other-post/")):
        redirect = (public / old / "index.html").read_text()
        assert f'<link rel="canonical" href="http://example.org/{new}">' in redirect
        assert (public / new / "index.html").is_file()


def test_sync_writes_the_alias_of_a_rename_once(acting, tmp_path):
    site = hugo_site(tmp_path / "site")
    first = sync_service.sync_folder(acting, directory=site)
    assert first.failed == [] and first.conflicts == []
    rename(acting, "first-post", "renamed-post")
    renamed = sync_service.sync_folder(acting, directory=site)
    assert renamed.conflicts == [] and renamed.failed == []
    assert not (site / "content/posts/first-post.md").exists()
    text = (site / "content/posts/renamed-post.md").read_text()
    assert re.search(r"^aliases:\n- /posts/first-post/\n---\n", text, re.MULTILINE)
    before = {p: p.read_bytes() for p in site.rglob("*.md")}
    again = sync_service.sync_folder(acting, directory=site)
    assert again.conflicts == [] and [f for f in again.files if f.action != "unchanged"] == []
    assert {p: p.read_bytes() for p in site.rglob("*.md")} == before


@pytest.mark.skipif(shutil.which("hugo") is None, reason="hugo is not installed")
def test_odd_aliases_values_are_replaced_when_empty_and_otherwise_left_and_said(acting, tmp_path):
    # `aliases: ~` became `[null, "/posts/..."]`, `aliases = 5` `[5, ...]`, a table `[{old = ...}, ...]`
    site = hugo_site(tmp_path / "site")
    files = {
        "content/posts/empty.md": "---\ntitle: Empty\ndate: 2023-03-06T10:00:00Z\naliases: ~\n---\nE.\n",
        "content/posts/number.md": '+++\ntitle = "Number"\ndate = 2023-03-07T10:00:00Z\naliases = 5\n+++\nN.\n',
        "content/posts/table.md": '+++\ntitle = "Table"\ndate = 2023-03-08T10:00:00Z\n[aliases]\nold = "/x/"\n+++\nT.\n',
    }
    for relative, text in files.items():
        (site / relative).write_text(text, encoding="utf-8")
    assert imports.import_paths(acting, paths=[site]).failed == []
    for slug in ("empty", "number", "table"):
        rename(acting, slug, f"{slug}-new")
    out = tmp_path / "out"
    summary = export(acting, out)
    assert (out / "content/posts/empty-new.md").read_text() == files["content/posts/empty.md"].replace(
        "aliases: ~", "aliases:\n- /posts/empty/"
    )
    for slug in ("number", "table"):
        assert (out / f"content/posts/{slug}-new.md").read_text() == files[f"content/posts/{slug}.md"]
    assert [w for w in summary.warnings if "former address" in w] == [
        "2 former addresses of 2 posts not added: `aliases` is not a list of addresses in their files, left as"
        " written (first in 'number-new'): write it as a list"
    ]
    (out / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    public = hugo_build(out)
    assert (
        '<link rel="canonical" href="http://example.org/posts/empty-new/">'
        in (public / "posts/empty/index.html").read_text()
    )


def test_a_renamed_post_whose_yaml_has_anchors_gets_its_alias_and_keeps_its_bytes(acting, tmp_path):
    # red team 72 F14: the block was written anew (comments gone, `&id001`, flow lists as block lists)
    site = hugo_site(tmp_path / "site")
    anchored = (
        "---\n# keep this comment\ntitle: 'Quoted'   # trailing comment\ndate: 2024-03-05T10:00:00+02:00\n"
        'tags: [x, "y"]\nbase: &b {a: 1}\nother: *b\n---\nbody\n'
    )
    (site / "content/posts/anchored.md").write_text(anchored, encoding="utf-8")
    assert sync_service.sync_folder(acting, directory=site).failed == []
    rename(acting, "anchored", "anchored-new")
    renamed = sync_service.sync_folder(acting, directory=site)
    assert renamed.failed == [] and renamed.conflicts == []
    assert (site / "content/posts/anchored-new.md").read_text() == anchored.replace(
        "other: *b\n", "other: *b\naliases:\n- /posts/anchored/\n"
    )


@pytest.mark.parametrize("config", ["plugins: [jekyll-redirect-from]\n", "gems:\n  - jekyll-redirect-from\n"])
def test_a_jekyll_site_running_jekyll_redirect_from_gets_redirect_from_on_a_moved_post(acting, tmp_path, config):
    # red team 72: a site whose `_config.yml` names the plugin got no `redirect_from` unless the file had one
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: t\n" + config, encoding="utf-8")
    plain = "---\ntitle: Plain\n---\ny\n"
    (site / "_posts/2024-03-06-plain.md").write_text(plain, encoding="utf-8")
    assert sync_service.sync_folder(acting, directory=site).failed == []
    rename(acting, "plain", "flat")
    renamed = sync_service.sync_folder(acting, directory=site)
    assert renamed.failed == [] and renamed.conflicts == []
    expected = plain.replace("---\ny", "redirect_from:\n- /2024/03/06/plain.html\n---\ny")
    assert (site / "_posts/2024-03-06-flat.md").read_text() == expected
    again = sync_service.sync_folder(acting, directory=site)
    assert [f for f in again.files if f.action != "unchanged"] == []
    out = tmp_path / "out"  # an export to a folder holding such a site, and to one that does not
    (out / "_posts").mkdir(parents=True)
    (out / "_config.yml").write_text(config, encoding="utf-8")
    export(acting, out, "jekyll")
    assert (out / "_posts/2024-03-06-flat.md").read_text() == expected
    export(acting, tmp_path / "bare", "jekyll")
    assert "redirect_from" not in (tmp_path / "bare/_posts/2024-03-06-flat.md").read_text()


def test_sync_says_it_adds_no_alias_to_aliases_that_are_not_a_list(acting, tmp_path):
    site = hugo_site(tmp_path / "site")
    number = '+++\ntitle = "Number"\ndate = 2023-03-07T10:00:00Z\naliases = 5\n+++\nN.\n'
    (site / "content/posts/number.md").write_text(number, encoding="utf-8")
    assert sync_service.sync_folder(acting, directory=site).failed == []
    rename(acting, "number", "number-new")
    renamed = sync_service.sync_folder(acting, directory=site)
    assert renamed.failed == [] and renamed.conflicts == []
    assert (site / "content/posts/number-new.md").read_text() == number
    assert renamed.warnings == [
        "content/posts/number-new.md: 1 former address not added: `aliases` is not a list of addresses, left as"
        " written: write it as a list"
    ]
