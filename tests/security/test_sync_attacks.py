"""A second account attacks sync state (0051) by raw SQL as its role: it can neither read,
change, forget nor plant rows in another account's linked folders, nor listen in."""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import acting_transaction
from blogster_cli.services import sync as sync_service


@pytest.fixture
def alice_linked(db, make_user, tmp_path):
    alice, bob = make_user(), make_user()
    folder = tmp_path / "alice-site"
    folder.mkdir()
    (folder / "secret-plans.md").write_text("---\ntitle: Secret plans\n---\nNot for Bob.\n")
    sync_service.sync_folder(ActingUser(db, alice), directory=folder)
    return alice, bob, folder


def state(superuser):
    return (
        superuser.execute("select * from public.sync_folders order by id").fetchall(),
        superuser.execute("select * from public.sync_files order by id").fetchall(),
    )


def test_bob_cannot_read_change_forget_or_plant_alices_sync_state(db, superuser, alice_linked):
    alice, bob, folder = alice_linked
    before = state(superuser)
    (folder_id,) = superuser.execute("select id from public.sync_folders").fetchone()
    (file_id, blog_id) = superuser.execute("select id, blog_id from public.sync_files").fetchone()
    with db.connect() as conn, acting_transaction(conn, bob.role_name):
        assert conn.execute("select count(*) from public.sync_folders").fetchone() == (0,)
        assert conn.execute("select count(*) from public.sync_files").fetchone() == (0,)
        assert conn.execute("update public.sync_folders set dialect = 'hugo'").rowcount == 0
        assert conn.execute("update public.sync_files set file_sha256 = repeat('0', 64)").rowcount == 0
        assert conn.execute("update public.sync_files set post_seen = post_changed").rowcount == 0
        assert (
            conn.execute("select public.delete_rows('public.sync_files', array[%s]::uuid[])", (file_id,)).fetchall()
            == []
        )
        assert (
            conn.execute("select public.delete_rows('public.sync_folders', array[%s]::uuid[])", (folder_id,)).fetchall()
            == []
        )
    for statement, params in [
        ("delete from public.sync_files", ()),  # no table-level DELETE
        ("update public.sync_folders set folder = '/tmp/x'", ()),  # not an updatable column
        ("update public.sync_files set owner_id = %s", (bob.user_id,)),
        ("update public.sync_files set post_changed = post_changed + 1", ()),  # counted by the trigger only
        ("insert into public.sync_folders (owner_id, folder, dialect) values (%s, '/x', 'hugo')", (alice.user_id,)),
        # A row in Alice's folder, or one of Bob's folders naming Alice's post (probing her ids).
        ("insert into public.sync_files (folder_id, path, file_sha256, post_version)"
         " values (%s, 'x.md', repeat('0', 64), 'v')", (folder_id,)),
        ("with f as (insert into public.sync_folders (folder, dialect) values ('/bob', 'hugo') returning id)"
         " insert into public.sync_files (folder_id, path, blog_id, file_sha256, post_version)"
         " select f.id, 'x.md', %s, repeat('0', 64), 'v' from f", (blog_id,)),
    ]:  # fmt: skip
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with db.connect() as conn, acting_transaction(conn, bob.role_name):
                conn.execute(statement, params)
    assert state(superuser) == before


def test_bobs_sync_never_receives_alices_posts_and_her_channel_name_is_hers_alone(db, alice_linked, tmp_path):
    alice, bob, _ = alice_linked
    bobs = tmp_path / "bob-site"
    bobs.mkdir()
    summary = sync_service.sync_folder(ActingUser(db, bob), directory=bobs)
    assert summary.files == [] and list(bobs.iterdir()) == []
    # Bob cannot learn the id Alice's watcher listens on (the folder id is hers to read).
    with db.connect() as conn, acting_transaction(conn, bob.role_name):
        assert conn.execute(
            "select count(*) from public.sync_folders where owner_id = %s", (alice.user_id,)
        ).fetchone() == (0,)
        assert conn.execute("select count(*) from public.sync_folders").fetchone() == (1,)  # his own


def test_only_the_trigger_counts_changes_and_it_counts_the_owners_posts_only(db, superuser, alice_linked):
    """Alice cannot forge her own change count (0081), and Bob's post edits count nothing on her files."""
    alice, bob, _ = alice_linked
    before = superuser.execute("select post_changed from public.sync_files").fetchall()
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with db.connect() as conn, acting_transaction(conn, alice.role_name):
            conn.execute("update public.sync_files set post_changed = 0")
    with db.connect() as conn, acting_transaction(conn, bob.role_name):
        conn.execute("insert into public.blogs (title, slug, content) values ('Bob', 'bob', '{}')")
        conn.execute("update public.blogs set title = 'Bob 2'")
    assert superuser.execute("select post_changed from public.sync_files").fetchall() == before
    with db.connect() as conn, acting_transaction(conn, alice.role_name):
        conn.execute("update public.blogs set title = 'Secret plans, revised'")
    after = superuser.execute("select post_changed from public.sync_files").fetchall()
    assert [count for (count,) in after] == [count + 1 for (count,) in before]


@pytest.mark.parametrize("alices_folder", ["moved away", "still there"])
def test_a_copy_of_alices_linked_folder_neither_takes_her_link_nor_is_refused_for_bob(
    db, superuser, alice_linked, tmp_path, alices_folder
):
    """A first sync of a copy of a linked folder takes that folder's link (gone from disk) or is
    refused (still there): only of a folder of the account's own, never of another account's."""
    import shutil

    _, bob, folder = alice_linked
    before = superuser.execute("select id, folder from public.sync_folders").fetchall()
    copy = tmp_path / "bob-copy"
    shutil.copytree(folder, copy)
    if alices_folder == "moved away":
        shutil.rmtree(folder)
    summary = sync_service.sync_folder(ActingUser(db, bob), directory=copy)
    assert summary.first_run and summary.moved_from is None
    assert [file.action for file in summary.files] == ["imported"]
    after = superuser.execute("select id, folder from public.sync_folders").fetchall()
    assert set(before) < set(after) and sorted(folder for _, folder in after) == sorted([str(folder), str(copy)])
