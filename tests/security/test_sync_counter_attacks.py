"""Red team 56: an account's own login against the change count of its synced files (0081's
post_changed, which internal.sync_wake_up counts on every change of the post). 0051's table-wide
INSERT on sync_files let the account insert a row of its own with the count at bigint's maximum:
the next count failed with "bigint out of range", and with it an administrator's rename or delete
of any shared tag the account had put on that post. Accounts insert every column but the count
now (0189); what sync inserts still goes in."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import sync as sync_service
from tests.security.test_login_roles import LOGIN_PASSWORD

PLANT = (
    "insert into public.sync_files (folder_id, path, blog_id, file_sha256, post_version, post_changed)"
    " values (%(folder)s, %(path)s, %(post)s, repeat('a', 64), 'v', %(count)s)"
)


@pytest.mark.parametrize("count", [9223372036854775807, -1, 0])
def test_an_account_cannot_set_the_change_count_of_its_own_synced_file(db, make_user, superuser, tmp_path, count):
    ada = make_user(login_password=LOGIN_PASSWORD)
    acting, admin = ActingUser(db, ada), ActingUser(db, make_user(admin=True))
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "shared.md").write_text("---\ntitle: Shared\ntags: [shared-tag]\n---\nWords.\n")
    sync_service.sync_folder(acting, directory=folder)  # sync's own rows still go in
    (folder_id, post_id) = superuser.execute("select folder_id, blog_id from public.sync_files").fetchone()
    with psycopg.connect(make_conninfo(db.conninfo, user=ada.role_name, password=LOGIN_PASSWORD)) as own:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            own.execute(PLANT, {"folder": folder_id, "path": "planted.md", "post": post_id, "count": count})
    before = superuser.execute("select post_changed from public.sync_files").fetchall()
    assert before == [(0,)]

    with unit_of_work(admin) as conn:
        assert conn.execute("update public.blog_tags set name = 'renamed-tag' where name = 'shared-tag'").rowcount == 1
    assert superuser.execute("select post_changed from public.sync_files").fetchall() == [(1,)]
    with unit_of_work(admin) as conn:
        deleted = conn.execute(
            "select public.delete_rows('public.blog_tags', array(select id from public.blog_tags where name = %s))",
            ("renamed-tag",),
        ).fetchall()
    assert len(deleted) == 1
    assert superuser.execute("select count(*) from public.blogs_to_tags").fetchone() == (0,)
