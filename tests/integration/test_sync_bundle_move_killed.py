"""A `sync` killed (SIGKILL) while it moves a page bundle whose post's slug changed: the re-run
completes the move, nothing lost (no picture left behind, no post trashed or imported twice).

The kill is real (tests/killed_sync.py): right after `os.rename` (the bundle's folder moved) or
`os.replace` (its index written there)."""

from __future__ import annotations

from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import sync as sync_service
from tests.killed_sync import killed_sync

pytestmark = pytest.mark.same_on_every_server  # Python-bound (files moved on disk)

POST = "---\ntitle: Trip\ndate: 2024-02-02\n---\nThe route:\n\n![d](diagram.png)\n"


@pytest.fixture
def synced(db, make_user, tmp_path) -> tuple[ActingUser, Path]:
    acting = ActingUser(db, make_user())
    root = tmp_path / "site"
    (root / "content/blog/trip/maps").mkdir(parents=True)
    (root / "hugo.toml").write_text('title = "Site"\n')
    (root / "content/blog/trip/index.md").write_text(POST)
    (root / "content/blog/trip/diagram.png").write_bytes(b"diagram")
    (root / "content/blog/trip/maps/route.png").write_bytes(b"route")
    (root / "content/blog/other.md").write_text("---\ntitle: Other\n---\nOther.\n")
    assert sync_service.sync_folder(acting, directory=root).counts["imported"] == 2
    return acting, root


def posts(acting: ActingUser) -> list[tuple[str, str, bool]]:
    with unit_of_work(acting) as conn:
        rows = conn.execute("select slug, title, deleted_at is not null from public.blogs order by slug").fetchall()
    return [(row[0], row[1], row[2]) for row in rows]


@pytest.mark.parametrize(
    ("title", "call", "after"),
    [
        ("Trip", "rename", "/road-trip"),  # only its folder states the slug: the folder's rename is the move
        ("Road trip", "rename", "/road-trip"),  # its title too: killed before its index is written
        ("Road trip", "replace", "/road-trip/index.md"),  # killed after, before the run recorded it
    ],
)
def test_a_bundle_move_killed_midway_completes_on_the_next_run(synced, title, call, after):
    acting, root = synced
    with unit_of_work(acting) as conn:
        conn.execute("update public.blogs set slug = 'road-trip', title = %s where slug = 'trip'", (title,))
    killed_sync(acting, root, call, after)
    moved = root / "content/blog/road-trip"
    assert not (root / "content/blog/trip").exists() and (moved / "index.md").exists()

    summary = sync_service.sync_folder(acting, directory=root)
    assert summary.conflicts == [] and summary.failed == [], summary.files
    assert not (root / "content/blog/trip").exists()
    assert (moved / "diagram.png").read_bytes() == b"diagram" and (moved / "maps/route.png").read_bytes() == b"route"
    assert f"title: {title}\n" in (moved / "index.md").read_text()
    assert posts(acting) == [("other", "Other", False), ("road-trip", title, False)]
    assert not list(root.rglob(".*blogster-sync*"))
    assert sync_service.sync_folder(acting, directory=root).files == []


def test_a_zola_bundle_whose_slug_changed_moves_whole(db, make_user, tmp_path):
    acting = ActingUser(db, make_user())
    root = tmp_path / "site"
    (root / "content/blog/trip").mkdir(parents=True)
    (root / "config.toml").write_text('base_url = "https://example.org"\n')
    (root / "content/blog/trip/index.md").write_text('+++\ntitle = "Trip"\n+++\n![d](diagram.png)\n')
    (root / "content/blog/trip/diagram.png").write_bytes(b"diagram")
    assert sync_service.sync_folder(acting, directory=root).dialect == "zola"
    with unit_of_work(acting) as conn:
        conn.execute("update public.blogs set slug = 'road-trip' where slug = 'trip'")
    [moved] = sync_service.sync_folder(acting, directory=root).files
    assert (moved.path, moved.action) == ("content/blog/road-trip/index.md", "renamed")
    assert (root / "content/blog/road-trip/diagram.png").read_bytes() == b"diagram"
    assert not (root / "content/blog/trip").exists()
    assert sync_service.sync_folder(acting, directory=root).files == []


def test_a_bundle_moved_by_a_killed_run_then_edited_stays_its_posts_bundle(synced):
    acting, root = synced  # red team 71 F2: the edited index was imported as a second post, trip/ made again
    with unit_of_work(acting) as conn:
        post_id = conn.execute("update public.blogs set slug = 'road-trip' where slug = 'trip' returning id").fetchone()
    killed_sync(acting, root, "rename", "/road-trip")  # the folder renamed, its index not recorded there yet
    moved = root / "content/blog/road-trip"
    (moved / "index.md").write_text(POST + "Edited after the kill.\n")

    summary = sync_service.sync_folder(acting, directory=root)  # both sides changed since the last sync
    assert [(file.path, file.action) for file in summary.files] == [("content/blog/road-trip/index.md", "conflict")]
    assert not (root / "content/blog/trip").exists()
    assert (moved / "index.md").read_text() == POST + "Edited after the kill.\n"
    assert (moved / "diagram.png").read_bytes() == b"diagram" and (moved / "maps/route.png").read_bytes() == b"route"
    assert posts(acting) == [("other", "Other", False), ("road-trip", "Trip", False)]
    (moved / "index.md.conflict").unlink()  # the file wins
    assert [file.action for file in sync_service.sync_folder(acting, directory=root).files] == ["updated"]
    assert posts(acting) == [("other", "Other", False), ("road-trip", "Trip", False)]
    with unit_of_work(acting) as conn:
        markdown = conn.execute("select content->>'markdown' from public.blogs where id = %s", post_id).fetchone()
    assert "Edited after the kill." in markdown[0]
    assert sync_service.sync_folder(acting, directory=root).files == []
