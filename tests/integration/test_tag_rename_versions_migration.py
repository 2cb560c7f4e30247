"""0192 on a database whose syncs recorded post versions the way sync computed them before (a hash of
updated_at and the tags' ids): the versions still the posts' become the new ones (the tags' names
hashed too), so a post read again after the upgrade is not taken for changed. Here a folder whose
rows are read again (post_seen -1, as after `move_folder`) holds a file edited since: the next sync
imports the edit; a recorded version left as it was would have made it a conflict."""

from __future__ import annotations

from pathlib import Path

from blogster_cli.actors import ActingUser, Actor
from blogster_cli.db import migrations
from blogster_cli.db.acting import unit_of_work
from blogster_cli.repositories import accounts
from blogster_cli.repositories import sync as sync_rows
from blogster_cli.services import sync as sync_service
from tests.integration.test_migrations import use_copied_migrations

MIGRATION = "0192_tag_renames_reach_synced_files"
OLD_VERSION = (
    "md5(b.updated_at::text || '|' || coalesce((select string_agg(bt.tag_id::text, ',' order by bt.tag_id)"
    " from public.blogs_to_tags bt where bt.blog_id = b.id and bt.author_id = b.author_id), ''))"
)


def test_0192_turns_recorded_versions_into_the_new_ones(empty_db, tmp_path, monkeypatch, password_hash):
    use_copied_migrations(tmp_path, monkeypatch, before="0192")
    migrations.apply(empty_db)
    with empty_db.connect() as conn, conn.transaction():
        user_id = accounts.insert_user(conn, email="ada@example.com", password_hash=password_hash, metadata={})
        accounts.create_role(conn, role_name=f"u_{user_id.hex}", login_password=None)
    ada = ActingUser(empty_db, Actor(user_id=user_id, email="ada@example.com", is_admin=False))
    site = tmp_path / "site"
    site.mkdir()
    (site / "alpha.md").write_text("---\ntitle: Alpha\nslug: alpha\ntags: [one, two]\n---\nAlpha body.\n")
    (site / "beta.md").write_text("---\ntitle: Beta\nslug: beta\n---\nBeta body.\n")
    sync_service.sync_folder(ada, directory=site)
    sync_service.sync_folder(ada, directory=site)
    with empty_db.connect() as conn:  # as the sync before 0192 recorded them, read again (a moved folder)
        conn.execute(
            f"update public.sync_files f set post_version = {OLD_VERSION}, post_seen = -1"
            " from public.blogs b where b.id = f.blog_id"
        )
        # a row whose post changed since it was recorded: left as it is
        conn.execute("update public.sync_files set post_version = 'older' where path = 'beta.md'")
    (site / "alpha.md").write_text((site / "alpha.md").read_text().replace("Alpha body.", "Alpha, edited."))
    monkeypatch.undo()

    assert migrations.apply(empty_db, until=MIGRATION)[-1] == MIGRATION
    with unit_of_work(ada) as conn:
        now = {post.id: post.version for post in sync_rows.my_post_versions(conn).values()}
        recorded = conn.execute("select path, blog_id, post_version from public.sync_files").fetchall()
    assert {path: version == now[blog] for path, blog, version in recorded} == {"alpha.md": True, "beta.md": False}
    assert dict((path, version) for path, _, version in recorded)["beta.md"] == "older"
    migrations.apply(empty_db)  # the rest: this version's sync reads columns later migrations add
    summary = sync_service.sync_folder(ada, directory=site)
    assert {file.path: file.action for file in summary.files} == {"alpha.md": "updated"}
    assert not Path(site / "alpha.md.conflict").exists()
