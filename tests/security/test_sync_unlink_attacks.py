"""`sync --unlink` (0051's "Users can unlink their own folders" policy, through delete_rows):
an account forgets its own linked folder and the rows its syncs kept, never another account's,
even one linked under the very same path; the posts stay."""

from __future__ import annotations

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.errors import NotFound
from blogster_cli.services import sync as sync_service


@pytest.fixture
def both_linked(db, make_user, tmp_path):
    """Alice and Bob have each linked the same folder (the same path: one machine, two accounts)."""
    alice, bob = make_user(), make_user()
    folder = tmp_path / "shared-site"
    folder.mkdir()
    (folder / "plans.md").write_text("---\ntitle: Plans\n---\nText.\n")
    sync_service.sync_folder(ActingUser(db, alice), directory=folder)
    return alice, bob, folder


def rows_of(superuser, user) -> tuple[int, int, int]:
    """(folders, sync_files rows, posts) of one account, read by the superuser."""
    return superuser.execute(
        "select (select count(*) from public.sync_folders where owner_id = %(id)s),"
        " (select count(*) from public.sync_files where owner_id = %(id)s),"
        " (select count(*) from public.blogs where author_id = %(id)s)",
        {"id": user.user_id},
    ).fetchone()


def test_bob_cannot_unlink_alices_folder_by_its_path(db, superuser, both_linked):
    alice, bob, folder = both_linked
    with pytest.raises(NotFound, match="no linked folder"):
        sync_service.unlink(ActingUser(db, bob), directory=folder)
    with pytest.raises(NotFound):
        sync_service.unlink(ActingUser(db, bob), directory=folder, dry_run=True)
    assert rows_of(superuser, alice) == (1, 1, 1)


def test_bob_unlinking_his_link_of_the_same_path_leaves_alices(db, superuser, both_linked):
    alice, bob, folder = both_linked
    sync_service.sync_folder(ActingUser(db, bob), directory=folder)
    assert rows_of(superuser, bob) == (1, 1, 1)
    done = sync_service.unlink(ActingUser(db, bob), directory=folder)
    assert (done.files, done.posts) == (1, 1)
    assert rows_of(superuser, bob) == (0, 0, 1) and rows_of(superuser, alice) == (1, 1, 1)


def test_alice_forgets_her_own_folder_and_its_file_rows_as_her_role(db, superuser, both_linked):
    alice, _, folder = both_linked
    done = sync_service.unlink(ActingUser(db, alice), directory=folder)
    assert (done.folder, done.files, done.posts, done.dry_run) == (str(folder), 1, 1, False)
    assert rows_of(superuser, alice) == (0, 0, 1)  # the link and what it kept; her post stays
