"""The site build and the folder deploy only ever touch files of their own output folder: a
link there (a planted `posts/a -> /elsewhere`, `index.html -> /secret` or `-> /dev/zero`) is
never followed to read, remove or publish what it leads to; an imported address cannot name a
file where the build's own files or another page's file or folder are; a hand-edited or another
account's manifest is refused in one line rather than crashing the build or removing pages."""

from __future__ import annotations

import hashlib
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from blogster_cli.errors import Conflict, InvalidInput
from blogster_cli.publish import urls
from blogster_cli.publish.model import Page, SiteConfig, SitePost
from blogster_cli.publish.pages import SitePlan, post_record
from blogster_cli.publish.themes import load_theme
from blogster_cli.services import site_deploy
from blogster_cli.services.site_files import JOURNAL, MANIFEST, Manifest, edited_on_disk, load_manifest, write_site


def page(path: str, data: bytes = b"page") -> Page:
    return Page(path, hashlib.sha256(data).hexdigest(), lambda: data)


def build(out: Path, pages: list[Page], *, force: bool = False, owner: str | None = None):  # type: ignore[no-untyped-def]
    previous = load_manifest(out) if owner is None else load_manifest(out, owner=owner)
    put_back = edited_on_disk(out, previous) if force else frozenset()
    return write_site(out, pages, previous, Manifest(), force=force, put_back=put_back)


def edit_manifest(out: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = orjson.loads((out / MANIFEST).read_bytes())
    change(data)
    (out / MANIFEST).write_bytes(orjson.dumps(data))


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "index.html").write_text("not the site's")
    return folder


@pytest.mark.parametrize("force", [False, True])
def test_a_gone_page_is_not_removed_through_a_linked_folder(tmp_path, victim, force):
    out = tmp_path / "out"
    build(out, [page("index.html"), page("posts/p6/index.html")])
    (out / "posts/p6/index.html").unlink()
    (out / "posts/p6").rmdir()
    (out / "posts/p6").symlink_to(victim)
    summary = build(out, [page("index.html")], force=force)
    assert (victim / "index.html").read_text() == "not the site's"
    assert "posts/p6/index.html" in summary.edited and not summary.removed


def test_a_manifest_entry_with_no_hash_of_ours_removes_nothing(tmp_path, victim):
    out = tmp_path / "out"
    build(out, [page("index.html")])
    (out / "mine.txt").write_text("kept")
    (out / "lnk").symlink_to(victim)
    edit_manifest(out, lambda data: data["files"].update({"lnk/index.html": ["k", ""], "mine.txt": ["k", ""]}))
    summary = build(out, [page("index.html")], force=True)
    assert (victim / "index.html").exists() and (out / "mine.txt").read_text() == "kept"
    assert sorted(summary.edited) == ["lnk/index.html", "mine.txt"]


def test_a_link_at_a_page_is_replaced_never_read_even_to_dev_zero(tmp_path):
    out = tmp_path / "out"
    build(out, [page("index.html"), page("posts/wp0/index.html")])
    (out / "posts/wp0/index.html").unlink()
    (out / "posts/wp0/index.html").symlink_to("/dev/zero")
    done = threading.Event()

    def rebuild() -> None:
        build(out, [page("index.html"), page("posts/wp0/index.html")], force=True)
        done.set()

    threading.Thread(target=rebuild, daemon=True).start()
    assert done.wait(10), "the build read /dev/zero through the link"
    assert not (out / "posts/wp0/index.html").is_symlink()
    assert (out / "posts/wp0/index.html").read_bytes() == b"page"


def test_a_link_at_a_page_is_left_and_reported_without_force(tmp_path, victim):
    out = tmp_path / "out"
    build(out, [page("index.html"), page("a/index.html")])
    (out / "a/index.html").unlink()
    (out / "a/index.html").symlink_to(victim / "index.html")
    summary = build(out, [page("index.html"), page("a/index.html", b"new")])
    assert summary.edited == ["a/index.html"] and (victim / "index.html").read_text() == "not the site's"


def test_a_folder_deploy_refuses_a_linked_file_before_copying_anything(tmp_path):
    out, www = tmp_path / "out", tmp_path / "www"
    secret = tmp_path / "secret.txt"
    secret.write_text("password=hunter2")
    build(out, [page("a/index.html"), page("wp1/index.html")])
    (out / "wp1/index.html").unlink()
    (out / "wp1/index.html").symlink_to(secret)
    with pytest.raises(InvalidInput, match="wp1/index.html"):
        site_deploy.to_folder(out, www)
    assert not [p for p in www.rglob("*") if p.is_file()]


def test_the_build_journal_with_a_path_now_a_folder_or_under_a_file_is_got_over(tmp_path):
    out = tmp_path / "out"
    build(out, [page("index.html"), page("a.html")])
    (out / "dir.html").mkdir()
    (out / JOURNAL).write_text('\n["a.html/x/index.html", "0"]\n["dir.html", "0"]\n')
    summary = build(out, [page("index.html"), page("a.html")])
    assert not (out / JOURNAL).exists() and "a.html/x/index.html" not in summary.edited
    build(out, [page("index.html"), page("a.html")])  # and the next one too


def plan(records: dict) -> SitePlan:  # type: ignore[type-arg]
    config = SiteConfig(title="T", description="D", base_url="https://ada.blogster.page/")
    return SitePlan(config, records, load_theme("default"))


def record(slug: str, *, aliases: list[str], src: str | None = None, day: int = 1) -> dict:  # type: ignore[type-arg]
    when = datetime(2024, 1, day, tzinfo=UTC)
    post = SitePost(
        id=slug, slug=slug, title=slug, published_at=when, updated_at=when, description="d", reading_time=1,
        tags=[], source_url=src, aliases=aliases,
    )  # fmt: skip
    made = post_record(post, row="1", summary="")
    made["med"] = []
    return made


def test_addresses_that_could_not_be_a_file_of_the_site_are_left_out():
    long = "x" * 300
    records = {
        "other": record("other", aliases=[]),
        "p": record(
            "p",
            src=f"/old/{long}/",
            day=2,
            aliases=[
                "/.blogster-site.json/",
                "/.blogster-site.pending",
                "/a/.blogster-site.pending.partial/",
                "/posts/other/index.html/",
                "/posts/other/index.html",
                f"/{long}/",
                "/posts/",
                "/kept/",
            ],
        ),  # fmt: skip
    }
    site = plan(records)
    files = sorted(p.path for p in site.pages({}) if p.path.startswith(("posts/", "kept", ".", "a/", "old", "x")))
    assert files == ["kept/index.html", "posts/index.html", "posts/other/index.html", "posts/p/index.html"] or files == [
        "kept/index.html", "posts/other/index.html", "posts/p/index.html"
    ]  # fmt: skip
    assert site.paths["p"] == "/posts/p/"


def test_a_post_address_under_another_posts_file_is_not_taken():
    records = {"a": record("a", aliases=[]), "b": record("b", src="/posts/a/index.html/", aliases=[], day=2)}
    assert plan(records).paths["b"] == "/posts/b/"
    assert urls.clean_path("/a/" + "y" * 248 + "/") is None and urls.clean_path("/a/./b") == "/a/b/"


@pytest.mark.parametrize(
    "change",
    [
        lambda data: data["files"].update({"a\x00b.html": ["k", "s"]}),
        lambda data: data["files"].update({"ok.html": 5}),
        lambda data: data["files"].update({"lnk/secret.txt": []}),
        lambda data: next(iter(data["posts"].values())).update({"al": 5}),
        lambda data: next(iter(data["posts"].values())).update({"pub": "soon"}),
        lambda data: data.update({"posts": []}),
    ],
)
def test_a_hand_edited_manifest_is_refused_in_one_line_and_full_builds(tmp_path, change):
    out = tmp_path / "out"
    build(out, [page("index.html")])
    edit_manifest(out, lambda data: data["posts"].update({"p": record("p", aliases=[])}))
    load_manifest(out)  # as a build writes it: read
    edit_manifest(out, change)
    with pytest.raises(InvalidInput, match=f"{MANIFEST} is damaged.*--full"):
        load_manifest(out)
    previous = load_manifest(out, full=True)
    write_site(out, [page("index.html")], previous, Manifest())
    assert load_manifest(out).files.keys() == {"index.html"}


def test_another_accounts_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    build(out, [page("index.html"), page("a/index.html")], owner="ada")
    assert orjson.loads((out / MANIFEST).read_bytes())["owner"] == "ada"
    with pytest.raises(Conflict, match="another account's site"):
        build(out, [page("index.html")], owner="bob")
    assert (out / "a/index.html").exists()
    build(out, [page("index.html")], owner="ada")  # its own account's build goes on
    assert not (out / "a/index.html").exists()


def test_a_manifest_naming_no_account_is_the_building_accounts(tmp_path):
    out = tmp_path / "out"
    build(out, [page("index.html")])
    build(out, [page("index.html"), page("b.html")], owner="ada")
    assert orjson.loads((out / MANIFEST).read_bytes())["owner"] == "ada"
    with pytest.raises(Conflict):
        load_manifest(out, owner="bob")
    assert os.path.exists(out / "b.html")
