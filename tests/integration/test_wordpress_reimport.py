"""A WordPress export imported again, whole or after a killed run, against real PostgreSQL.

Items that want the same slug (untitled drafts, child pages named alike under different
parents) and an item whose slug a post from a markdown file holds each find the post they
made last time by their WordPress identity (the site and the item's id, else its guid), so a
re-run adds nothing (red team 53, F1).
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import imports
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.same_on_every_server  # Python-bound: CI's second pass leaves it out

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Repeats</title>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>{site}</wp:base_site_url>
  <wp:base_blog_url>{site}</wp:base_blog_url>
"""
ITEM = """  <item>
    <title>{title}</title>
    <guid isPermaLink="false">{site}/?p={id}</guid>
    <content:encoded><![CDATA[<p>{body}</p>]]></content:encoded>
    <wp:post_id>{id}</wp:post_id>
    <wp:post_date>2024-03-0{day} 10:00:00</wp:post_date>
    <wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt>
    <wp:post_name>{name}</wp:post_name>
    <wp:status>{status}</wp:status>
    <wp:post_parent>{parent}</wp:post_parent>
    <wp:post_type>{kind}</wp:post_type>
  </item>
"""


def wxr(path: Path, items: list[dict[str, Any]], site: str = "https://repeats.example.org") -> Path:
    """A WXR export of `items` (title, name, kind, parent, body, id: from 10 on unless given)."""
    parts = [HEAD.format(site=site)]
    for number, item in enumerate(items):
        values = {"id": 10 + number, "name": "", "kind": "post", "parent": 0, "status": "draft", **item}
        day = 1 + int(values["id"]) % 9  # the date stays the item's wherever it is listed
        parts.append(ITEM.format(site=site, day=day, **{"body": f"Body {number}.", **values}))
    path.write_text("".join(parts) + "</channel>\n</rss>\n", encoding="utf-8")
    return path


REPEATS = [
    {"title": "Notes", "body": "First notes."},
    {"title": "Notes", "body": "Second notes."},
    {"title": "Help", "name": "help", "kind": "page"},
    {"title": "FAQ", "name": "faq", "kind": "page", "parent": 12},
    {"title": "FAQ", "name": "faq", "kind": "page", "parent": 14},
    {"title": "Hello", "name": "hello", "status": "publish", "body": "Hello from WordPress."},
]


@pytest.fixture
def account(db, make_user):
    """account() -> a new ActingUser."""
    return lambda: ActingUser(db, make_user())


def live_slugs(acting: ActingUser) -> list[str]:
    with unit_of_work(acting) as conn:
        rows = conn.execute(
            "select slug from public.blogs where author_id = auth.uid() and deleted_at is null order by slug"
        ).fetchall()
    return [slug for (slug,) in rows]


def test_reimporting_an_export_with_repeated_slugs_adds_no_post(account, tmp_path):
    acting = account()
    (tmp_path / "hello.md").write_text("---\ntitle: Hello\nslug: hello\n---\nHello from a file.\n")
    assert imports.import_paths(acting, paths=[tmp_path / "hello.md"]).counts["imported"] == 1
    export = wxr(tmp_path / "export.xml", REPEATS)
    first = imports.import_paths(acting, paths=[export])
    assert first.failed == [] and first.counts["imported"] == len(REPEATS)
    expected = ["faq", "faq-2", "hello", "hello-2", "help", "notes", "notes-2"]
    assert live_slugs(acting) == expected
    for _ in range(2):
        again = imports.import_paths(acting, paths=[export], fmt="wordpress")
        assert again.counts["unchanged"] == len(REPEATS), [(f.path, f.outcome, f.reason) for f in again.files]
        assert live_slugs(acting) == expected
    # Each item is its own post: the second "Notes" draft updates notes-2, not notes.
    wxr(export, [REPEATS[0], {**REPEATS[1], "body": "Second notes, edited."}, *REPEATS[2:]])
    edited = imports.import_paths(acting, paths=[export])
    assert [(f.slug, f.outcome) for f in edited.files if f.outcome != "unchanged"] == [("notes-2", "updated")]
    assert live_slugs(acting) == expected


def test_another_account_importing_the_same_export_never_matches_my_posts(account, tmp_path):
    mine, theirs = account(), account()
    export = wxr(tmp_path / "export.xml", REPEATS)
    imports.import_paths(mine, paths=[export])
    other = imports.import_paths(theirs, paths=[export])
    assert other.counts["imported"] == len(REPEATS)
    assert live_slugs(mine) == live_slugs(theirs) == ["faq", "faq-2", "hello", "help", "notes", "notes-2"]


def test_posts_imported_before_items_were_recorded_match_by_their_wordpress_id_or_slug(account, tmp_path):
    """A post imported before its item's identity was recorded matches by the `wp:post_id` its
    fields keep and its slug (the untitled drafts' `notes`, `notes-2`), else by slug as before, and
    records the item then; the next runs match by it."""
    acting = account()
    export = wxr(tmp_path / "export.xml", REPEATS)
    imports.import_paths(acting, paths=[export])
    with unit_of_work(acting) as conn:
        conn.execute(
            "update public.blogs set content = content #- '{source,wordpress_item}' #- '{source,wordpress_site}'"
            " where author_id = auth.uid()"
        )
        conn.execute(  # imported by hand since: its fields keep no WordPress id
            "update public.blogs set content = content #- '{front_matter,fields,wordpress_id}'"
            " where author_id = auth.uid() and slug = 'help'"
        )
    first = imports.import_paths(acting, paths=[export])
    assert [(f.slug, f.outcome) for f in first.files if f.outcome != "unchanged"] == [("help", "updated")]
    assert imports.import_paths(acting, paths=[export]).counts["unchanged"] == len(REPEATS)
    assert live_slugs(acting) == ["faq", "faq-2", "hello", "help", "notes", "notes-2"]
    with unit_of_work(acting) as conn:
        recorded = conn.execute(
            "select count(*) from public.blogs where author_id = auth.uid()"
            " and content -> 'source' ->> 'wordpress_item' is not null"
        ).fetchone()
    assert recorded == (len(REPEATS),)


def test_a_new_item_never_takes_a_post_another_item_of_its_site_made(account, tmp_path):
    """An item new to Blogster whose slug a post of another item of the same site holds is a new
    post, even listed before that item (a slug match would take the post from it)."""
    acting = account()
    items = [
        {"title": "Notes", "body": "First notes.", "id": 10},
        {"title": "Notes", "body": "Second notes.", "id": 11},
    ]
    imports.import_paths(acting, paths=[wxr(tmp_path / "export.xml", items)])
    newer = [{"title": "Notes", "body": "A third draft.", "id": 99}, *items]
    summary = imports.import_paths(acting, paths=[wxr(tmp_path / "newer.xml", newer)])
    assert [(f.slug, f.outcome) for f in summary.files] == [
        ("notes-3", "imported"), ("notes", "unchanged"), ("notes-2", "unchanged")
    ]  # fmt: skip


def test_the_same_site_at_a_new_address_matches_its_posts_by_slug(account, tmp_path):
    """The site moved (another base URL: another identity): its items match by slug, as before
    identities were recorded, rather than coming in again."""
    acting = account()
    items = [{"title": "Alpha", "name": "alpha"}, {"title": "Beta", "name": "beta"}]
    imports.import_paths(acting, paths=[wxr(tmp_path / "old.xml", items)])
    moved = imports.import_paths(acting, paths=[wxr(tmp_path / "new.xml", items, site="https://new.example.org")])
    assert moved.counts["unchanged"] == 2 and live_slugs(acting) == ["alpha", "beta"]


def without_ids(path: Path) -> Path:
    """The export at `path` with neither `wp:post_id` nor `guid` in its items (written by hand or
    by another tool than WordPress)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if "<guid" not in line and "<wp:post_id>" not in line))
    return path


def test_items_without_an_id_or_guid_find_their_posts_by_type_name_and_date(account, tmp_path):
    """An item with neither `wp:post_id` nor `guid` is named by its site, type, name (else title)
    and date: a re-run adds no `-N` copy, the second untitled draft updates its own post, two items
    alike in all that share their two posts, and the post of a markdown file holding an item's slug
    is never taken (it matched whichever post from no file had the slug: the second draft took
    `notes`' post, and the first made a copy each run). An item whose date changed keeps its post;
    a new draft titled as another is a post of its own."""
    acting = account()
    (tmp_path / "hello.md").write_text("---\ntitle: Hello\nslug: hello\n---\nHello from a file.\n")
    assert imports.import_paths(acting, paths=[tmp_path / "hello.md"]).counts["imported"] == 1
    # each item's body and date (the day is the id's, modulo 9; the file names no id) kept wherever it is listed
    repeats = [{"body": f"Body {number}.", **item, "id": 10 + number} for number, item in enumerate(REPEATS)]
    twins = [{"title": "Idea", "body": "One idea.", "id": 20}, {"title": "Idea", "body": "Another idea.", "id": 29}]
    items = [*repeats, *twins]  # the twins: same type, title and date
    export = without_ids(wxr(tmp_path / "export.xml", items))
    assert "<wp:post_id>" not in export.read_text() and "<guid" not in export.read_text()
    first = imports.import_paths(acting, paths=[export])
    assert first.failed == [] and first.counts["imported"] == len(items)
    expected = ["faq", "faq-2", "hello", "hello-2", "help", "idea", "idea-2", "notes", "notes-2"]
    assert live_slugs(acting) == expected
    for _ in range(2):
        again = imports.import_paths(acting, paths=[export])
        assert again.counts["unchanged"] == len(items), [(f.slug, f.outcome, f.reason) for f in again.files]
        assert live_slugs(acting) == expected
    edited = [repeats[0], {**repeats[1], "body": "Second notes, edited."}, *repeats[2:], *twins]
    summary = imports.import_paths(acting, paths=[without_ids(wxr(export, edited))])
    assert [(f.slug, f.outcome) for f in summary.files if f.outcome != "unchanged"] == [("notes-2", "updated")]
    assert live_slugs(acting) == expected
    third = {"title": "Notes", "body": "Third notes.", "id": 30}
    redated = [third, *edited[:5], {**edited[5], "id": 16}, *twins]  # a new draft first; Hello's date moved
    summary = imports.import_paths(acting, paths=[without_ids(wxr(export, redated))])
    changed = [(f.slug, f.outcome) for f in summary.files if f.outcome != "unchanged"]
    assert changed == [("notes-3", "imported"), ("hello-2", "updated")], [(f.slug, f.reason) for f in summary.files]
    assert live_slugs(acting) == sorted([*expected, "notes-3"])
    with unit_of_work(acting) as conn:
        (content,) = conn.execute(
            "select content from public.blogs where author_id = auth.uid() and slug = 'hello'"
        ).fetchone()
    assert content["source"]["path"] == "hello.md" and content["markdown"] == "Hello from a file.\n"


KILLED_AFTER_FIRST_BATCH = """
import os, signal, sys
from pathlib import Path
from uuid import UUID
from blogster_cli.actors import ActingUser, Actor
from blogster_cli.db.connection import Database
from blogster_cli.services import imports

real_commit = imports._commit

def commit_then_die(*args, **kwargs):
    real_commit(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)  # the first batch is committed: die before the next

imports._commit = commit_then_die
actor = Actor(user_id=UUID(sys.argv[2]), email=sys.argv[3], is_admin=False)
parts = [Path(part) for part in sys.argv[4:]]
imports.import_paths(ActingUser(Database(sys.argv[1]), actor), paths=parts, batch_size=10)
"""


def test_sigkill_after_the_first_batch_then_rerun_imports_each_item_once(db, make_user, tmp_path):
    """A site exported in parts (WordPress's export page takes a date range): the run is killed
    once the first part's batch is committed; the re-run of both parts makes each item's post once."""
    actor = make_user()
    acting = ActingUser(db, actor)
    items = [
        {"title": "Untitled" if n % 3 == 0 else f"Post {n}", "body": f"Draft {n}.", "id": 100 + n} for n in range(40)
    ]
    items += [{"title": "FAQ", "name": "faq", "kind": "page", "parent": n, "id": 200 + n} for n in range(10)]
    parts = [wxr(tmp_path / "part-1.xml", items[::2]), wxr(tmp_path / "part-2.xml", items[1::2])]
    process = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_FIRST_BATCH, db.conninfo, str(actor.user_id), actor.email, *map(str, parts)],
        cwd=REPO_ROOT, timeout=240, check=False,
    )  # fmt: skip
    assert process.returncode == -signal.SIGKILL
    assert len(live_slugs(acting)) == len(items) // 2, "the kill did not land between the batches"
    rerun = imports.import_paths(acting, paths=parts)
    assert rerun.failed == [] and rerun.counts["unchanged"] == rerun.counts["imported"] == len(items) // 2
    slugs = live_slugs(acting)
    assert len(slugs) == len(set(slugs)) == len(items)
    again = imports.import_paths(acting, paths=parts)
    assert again.counts["unchanged"] == len(items) and len(live_slugs(acting)) == len(items)
