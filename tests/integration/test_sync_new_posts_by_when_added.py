"""Which posts written in Blogster a linked folder receives goes by when each was added to Blogster,
not by its `created_at`, which a `posts new --from` file's date sets: a post dated 2099 made before
linking was written into the folder without `--adopt`, one dated 2020 made since was not (tester
494, 2). An imported post keeps its file's date for display and feeds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from blogster_cli.actors import ActingUser
from blogster_cli.services import blogs, drafting, imports
from blogster_cli.services import sync as sync_service


def made_from(acting: ActingUser, folder: Path, name: str, front: str) -> blogs.BlogRow:
    path = folder / f"{name}.md"
    path.write_text(f"---\ntitle: {name}\n{front}---\n{name} body.\n")
    return blogs.create(acting, new=drafting.new_from_file(path))


def test_a_folder_receives_the_posts_added_since_it_was_linked_whatever_their_dates(db, make_user, tmp_path):
    acting = ActingUser(db, make_user())
    files = tmp_path / "files"
    files.mkdir()
    ahead = made_from(acting, files, "Ahead", "date: 2099-01-01\n")  # a draft dated far ahead, before linking
    assert ahead.created_at == datetime(2099, 1, 1, tzinfo=UTC)
    site = tmp_path / "site"
    site.mkdir()
    assert sync_service.sync_folder(acting, directory=site, fmt="hugo").files == []  # links the folder

    behind = made_from(acting, files, "Behind", "date: 2020-05-05\n")  # dated long ago, added since
    assert behind.created_at == datetime(2020, 5, 5, tzinfo=UTC)
    [written] = sync_service.sync_folder(acting, directory=site).files
    assert (written.action, written.post_id) == ("created", behind.id)

    [adopted] = sync_service.sync_folder(acting, directory=site, adopt=True).files  # the older one when asked
    assert (adopted.action, adopted.post_id) == ("created", ahead.id)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "old.md").write_text("---\ntitle: Old\ndate: 2019-03-03\n---\nOld body.\n")
    imports.import_paths(acting, paths=[elsewhere])
    [old] = [row for row in blogs.list_blogs(acting) if row.slug == "old"]
    assert old.created_at == datetime(2019, 3, 3, tzinfo=UTC)  # its date, as shown and in feeds
    assert sync_service.sync_folder(acting, directory=site).files == []  # another site's post: never here
