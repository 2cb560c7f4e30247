"""Issue 8.13: `db restore` executes nothing a backup file says, as superuser or otherwise.

Each test crafts a hostile backup from a real one (recomputing the manifest's checksums,
so only the content checks can stop it) and checks that it is refused or that its
payload stays inert data, that no role `evil` appears, and that a refused file leaves
the database as it was.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import uuid
from pathlib import Path

import pytest
from psycopg import sql

from blogster_cli.errors import InvalidInput
from blogster_cli.services import backup

EVIL_SQL = b"create role evil superuser login password 'x';\ncreate function public.evil() returns int language sql as 'select 1';\n"


@pytest.fixture
def evil_watch(db):
    """Asserts afterwards that neither the role nor the function `evil` exists; cleans up if they do."""
    yield
    with db.connect() as conn:
        role = conn.execute("select exists (select 1 from pg_roles where rolname = 'evil')").fetchone()[0]
        function = conn.execute("select to_regproc('public.evil') is not null").fetchone()[0]
        conn.execute("drop role if exists evil")
        # This test's own: another test's leftover is that test's failure, not every later one's.
        scratch = conn.execute(
            "select count(*) from pg_database where starts_with(datname, %s)", (db.database_name + "_",)
        ).fetchone()[0]
    assert not role and not function
    assert scratch == 0


@pytest.fixture
def real_backup(db, make_user, tmp_path) -> Path:
    make_user(admin=True)
    make_user()
    archive = tmp_path / "real.blogster-backup"
    backup.backup(db, path=archive)
    return archive


def read_members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {member.name: tar.extractfile(member).read() for member in tar}


def write_archive(path: Path, members: dict[str, bytes], *, recompute: bool = True, extra=()) -> Path:
    """Writes `members` as a backup tar; with `recompute`, the manifest's checksums fit the new content."""
    members = dict(members)
    manifest = json.loads(members["manifest.json"])
    if recompute:
        manifest["members"] = {
            name: hashlib.sha256(data).hexdigest() for name, data in members.items() if name != "manifest.json"
        }
    members["manifest.json"] = json.dumps(manifest).encode()
    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info in extra:
            tar.addfile(info)
    return path


def account_count(db) -> int:
    with db.connect() as conn:
        return conn.execute("select count(*) from auth.users").fetchone()[0]


def assert_refused(db, archive: Path, match: str) -> None:
    before = account_count(db)
    with pytest.raises(InvalidInput, match=match):
        backup.restore(db, path=archive)
    assert account_count(db) == before  # untouched


def test_an_old_format_backup_with_a_roles_script_is_refused(db, real_backup, tmp_path, evil_watch):
    manifest = json.dumps({"format": 1, "created_at": "2026-01-01T00:00:00+00:00"}).encode()
    crafted = tmp_path / "old.blogster-backup"
    with tarfile.open(crafted, "w") as tar:
        for name, data in (("manifest.json", manifest), ("roles.sql", EVIL_SQL), ("database.dump", b"PGDMP")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    assert_refused(db, crafted, "format 1")


@pytest.mark.parametrize("name", ["roles.sql", "schema.sql", "database.dump", "../evil.sql", "data/x.sql"])
def test_members_a_blogster_backup_does_not_have_are_refused(db, real_backup, tmp_path, evil_watch, name):
    members = read_members(real_backup) | {name: EVIL_SQL}
    assert_refused(db, write_archive(tmp_path / "extra.blogster-backup", members), "unexpected member|format 1")


def test_links_and_devices_are_refused(db, real_backup, tmp_path, evil_watch):
    link = tarfile.TarInfo("media/" + "0" * 64 + ".png")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    crafted = write_archive(tmp_path / "link.blogster-backup", read_members(real_backup), extra=[link])
    assert_refused(db, crafted, "not a regular file")


def test_a_damaged_member_is_refused(db, real_backup, tmp_path, evil_watch):
    members = read_members(real_backup)
    members["data/public.blog_tags.copy"] += b"tampered\t\\N\t2026-01-01\n"
    crafted = write_archive(tmp_path / "damaged.blogster-backup", members, recompute=False)
    assert_refused(db, crafted, "checksum mismatch")


@pytest.mark.parametrize(
    "entry",
    [
        {"role_name": "evil", "can_login": True, "admin": True, "password_verifier": None},
        {"role_name": "postgres", "can_login": True, "admin": True, "password_verifier": None},
        {
            "role_name": 'u_0"; create role evil superuser; --',
            "can_login": True,
            "admin": False,
            "password_verifier": None,
        },
        {"role_name": "u_" + uuid.uuid4().hex, "can_login": True, "admin": True, "password_verifier": None},
        {
            "role_name": "OWN",
            "can_login": True,
            "admin": False,
            "password_verifier": "x'; create role evil superuser; --",
        },
        {"role_name": "OWN", "can_login": True, "admin": False, "superuser": True, "password_verifier": None},
        {"role_name": "OWN", "can_login": "yes; create role evil", "admin": False, "password_verifier": None},
    ],
)
def test_account_roles_are_data_checked_against_the_restored_accounts(db, real_backup, tmp_path, evil_watch, entry):
    members = read_members(real_backup)
    accounts = json.loads(members["accounts.json"])
    if entry["role_name"] == "OWN":
        entry = entry | {"role_name": accounts[0]["role_name"]}
    members["accounts.json"] = json.dumps([*accounts[1:], entry]).encode()
    unknown_roles_before = _roles_like(db, entry["role_name"])
    assert_refused(db, write_archive(tmp_path / "roles.blogster-backup", members), "accounts.json")
    assert _roles_like(db, entry["role_name"]) == unknown_roles_before


def _roles_like(db, name: str) -> int:
    with db.connect() as conn:
        return conn.execute("select count(*) from pg_roles where rolname = %s", (name,)).fetchone()[0]


def test_tables_outside_blogsters_schema_are_refused(db, real_backup, tmp_path, evil_watch):
    members = read_members(real_backup)
    manifest = json.loads(members["manifest.json"])
    manifest["tables"]["pg_catalog.pg_authid"] = ["rolname", "rolsuper"]
    members["manifest.json"] = json.dumps(manifest).encode()
    members["data/pg_catalog.pg_authid.copy"] = b"evil\tt\n"
    assert_refused(
        db, write_archive(tmp_path / "catalog.blogster-backup", members), "not those of the Blogster version"
    )


def test_migrations_blogster_does_not_ship_are_refused(db, real_backup, tmp_path, evil_watch):
    members = read_members(real_backup)
    manifest = json.loads(members["manifest.json"])
    manifest["migrations"].append(["9999_evil", "0" * 64])
    members["manifest.json"] = json.dumps(manifest).encode()
    assert_refused(db, write_archive(tmp_path / "migration.blogster-backup", members), "migrations")


def test_sql_inside_the_rows_stays_data(db, real_backup, tmp_path, evil_watch):
    members = read_members(real_backup)
    payload = "x'); create role evil superuser; --"
    row = f"{uuid.uuid4()}\t{payload}\t2026-01-01 00:00:00+00\n".encode()
    members["data/public.blog_tags.copy"] += row
    backup.restore(db, path=write_archive(tmp_path / "rows.blogster-backup", members))
    with db.connect() as conn:
        assert conn.execute("select count(*) from public.blog_tags where name = %s", (payload,)).fetchone()[0] == 1


def test_a_refused_restore_leaves_no_scratch_database(db, real_backup, tmp_path, evil_watch):
    """Checked after loading: a table whose columns differ from the schema's aborts before the swap."""
    members = read_members(real_backup)
    manifest = json.loads(members["manifest.json"])
    manifest["tables"]["public.blog_tags"] = [*manifest["tables"]["public.blog_tags"], "evil"]
    members["manifest.json"] = json.dumps(manifest).encode()
    assert_refused(
        db, write_archive(tmp_path / "columns.blogster-backup", members), "not those of the Blogster version"
    )
    with db.connect() as conn:
        names = [r[0] for r in conn.execute(sql.SQL("select datname from pg_database")).fetchall()]
    assert not any(name.startswith(db.database_name + "_") for name in names)
