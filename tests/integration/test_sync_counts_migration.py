"""0189 on a database of the last release whose account inserted a synced file of its own with the
change count at bigint's maximum (red team 56; 0051's table-wide INSERT allowed it): 0191's rename
of the account's post slugged `.` fired the count, which failed "bigint out of range" and stopped
the whole upgrade at 0190. 0189, numbered below, is applied first: counts no change could have
reached start again at 0, unread; the others stay as they were; 0191 and 0192 then go through.
A backup of such a database (without 0189) is restored with 0189 applied after its rows are in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from blogster_cli.db import migrations
from blogster_cli.errors import InvalidInput
from blogster_cli.repositories import accounts
from blogster_cli.services import backup
from tests.integration.test_backup_plain_refusals import edited_manifest

FOLDER, POST, OTHER = (
    "00000000-0000-4000-8000-0000000000f0",
    "00000000-0000-4000-8000-000000000001",
    "00000000-0000-4000-8000-000000000002",
)


def test_a_0190_database_with_counts_out_of_range_upgrades_to_the_last_migration(empty_db, tmp_path, monkeypatch):
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    for migration in migrations.discover():
        if migration.name[:4] <= "0190" and migration.name[:4] != "0189":
            (shipped / migration.path.name).write_bytes(migration.path.read_bytes())
    monkeypatch.setattr(migrations, "migrations_dir", lambda: shipped)
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        ada = conn.execute("insert into auth.users (email) values ('ada@example.com') returning id").fetchone()[0]
        insert = "insert into public.blogs (id, author_id, title, slug) values (%s, %s, 'T', %s)"
        conn.execute(insert, (POST, ada, "."))
        conn.execute(insert, (OTHER, ada, "other"))
        conn.execute(
            "insert into public.sync_folders (id, owner_id, folder, dialect) values (%s, %s, '/site', 'hugo')",
            (FOLDER, ada),
        )
        conn.execute(
            "insert into public.sync_files (folder_id, owner_id, path, blog_id, file_sha256, post_version,"
            " post_changed, post_seen) values (%(f)s, %(a)s, 'max.md', %(p)s, repeat('a', 64), 'v', 9223372036854775807, 5),"
            " (%(f)s, %(a)s, 'negative.md', %(p)s, repeat('a', 64), 'v', -5, -5),"
            " (%(f)s, %(a)s, 'counted.md', %(o)s, repeat('a', 64), 'v', 7, 7)",
            {"f": FOLDER, "a": ada, "p": POST, "o": OTHER},
        )
    monkeypatch.undo()
    upgraded = migrations.apply(empty_db)
    assert [name[:4] for name in upgraded][:3] == ["0189", "0191", "0192"]  # then those of later releases
    with empty_db.connect() as conn:
        counts = dict(
            (path, (changed, seen))
            for path, changed, seen in conn.execute("select path, post_changed, post_seen from public.sync_files")
        )
        slug = conn.execute("select slug from public.blogs where id = %s", (POST,)).fetchone()
    # Reset to unread, then counted once by 0191's rename of the post.
    assert counts == {"max.md": (1, -1), "negative.md": (1, -1), "counted.md": (7, 7)}
    assert slug == ("post-00000000",)


def test_a_backup_of_the_last_release_restores_with_0189_applied_after_its_rows(empty_db, tmp_path, monkeypatch):
    """A backup of a 0192 database lacks 0189, numbered below migrations it holds: it is restored, not
    refused as one made by a newer version, and 0189 runs on its rows, as the database's upgrade would."""
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    for migration in migrations.discover():
        if migration.name[:4] <= "0192" and migration.name[:4] != "0189":
            (shipped / migration.path.name).write_bytes(migration.path.read_bytes())
    monkeypatch.setattr(migrations, "migrations_dir", lambda: shipped)
    migrations.apply(empty_db)
    with empty_db.connect() as conn, conn.transaction():
        ada = accounts.insert_user(conn, email="ada@example.com", password_hash=None, metadata={})
        accounts.create_role(conn, role_name="u_" + ada.hex, login_password=None)
        conn.execute("insert into public.blogs (id, author_id, title, slug) values (%s, %s, 'T', 't')", (POST, ada))
        conn.execute(
            "insert into public.sync_folders (id, owner_id, folder, dialect) values (%s, %s, '/site', 'hugo')",
            (FOLDER, ada),
        )
        conn.execute(
            "insert into public.sync_files (folder_id, owner_id, path, blog_id, file_sha256, post_version,"
            " post_changed, post_seen) values (%s, %s, 'max.md', %s, repeat('a', 64), 'v', 9223372036854775807, 5)",
            (FOLDER, ada, POST),
        )
    archive = tmp_path / "old.blogster-backup"
    backup.backup(empty_db, path=archive)
    monkeypatch.undo()
    backup.restore(empty_db, path=archive)
    with empty_db.connect() as conn:
        assert conn.execute("select post_changed, post_seen from public.sync_files").fetchall() == [(0, -1)]
        assert conn.execute("select count(*) from internal.schema_migrations").fetchone() == (
            len(migrations.discover()),
        )


def without(*numbers: str) -> Callable[[dict[str, Any]], None]:
    """A manifest edit leaving out the migrations numbered `numbers` (and their times)."""

    def edit(manifest: dict[str, Any]) -> None:
        names = {name for name, _ in manifest["migrations"] if name[:4] in numbers}
        assert len(names) == len(numbers)
        manifest["migrations"] = [pair for pair in manifest["migrations"] if pair[0] not in names]
        for name in names:
            manifest.get(backup.MIGRATION_TIMES, {}).pop(name, None)

    return edit


# Each a file whose functions a later one replaced (0106's reserve_generation_credit by 0193's, 0097's
# review_publish, 0105's check_chatbot_message, 0011's secure_database), the first, one on which later
# files build (0052), one above 0189, and 0189 with another.
LEFT_OUT = [("0106",), ("0097",), ("0105",), ("0011",), ("0001",), ("0052",), ("0192",), ("0189", "0106")]


@pytest.mark.parametrize(
    "edit",
    [
        lambda m: m["migrations"].append(["9999_from_a_newer_blogster", "0" * 64]),
        lambda m: m["migrations"].insert(0, m["migrations"].pop(1)),  # out of order
        lambda m: m["migrations"].append(m["migrations"][0]),  # listed twice
        *(without(*numbers) for numbers in LEFT_OUT),
    ],
    ids=["newer", "out-of-order", "twice", *("without-" + "-".join(numbers) for numbers in LEFT_OUT)],
)
def test_a_backup_listing_migrations_this_blogster_would_not_have_applied_so_is_still_refused(
    db, make_user, superuser, tmp_path, edit
):
    """Lacking 0189 (migrations.NUMBERED_BELOW_SHIPPED) is allowed (above); anything else is not. A
    manifest edited to leave out another (it is not signed) had the restore build the schema without
    it and apply it last, over the newer functions that replaced its own (red team 58)."""
    make_user()
    archive = tmp_path / "all.blogster-backup"
    backup.backup(db, path=archive)
    edited_manifest(archive, edit)
    with pytest.raises(InvalidInput, match=r"made with migrations this Blogster does not have \(a newer version\?\)"):
        backup.restore(db, path=archive)
    assert superuser.execute("select count(*) from auth.users").fetchone() == (1,)


def test_a_backup_of_this_version_without_0189_is_restored_with_0189_applied_last(db, make_user, tmp_path):
    """Leaving out 0189 alone is what a backup of the last release does: accepted, even with newer
    migrations listed, and 0189 applied after them (it replaces nothing a later file defines:
    test_migrations.py applies it last and compares the schema with a fresh one's)."""
    make_user()
    archive = tmp_path / "without-0189.blogster-backup"
    backup.backup(db, path=archive)
    edited_manifest(archive, without("0189"))
    backup.restore(db, path=archive)
    with db.connect() as conn:
        last = conn.execute("select name from internal.schema_migrations order by applied_at desc limit 1").fetchone()
        count = conn.execute("select count(*) from internal.schema_migrations").fetchone()
    assert last is not None and last[0][:4] == "0189"
    assert count == (len(migrations.discover()),)
