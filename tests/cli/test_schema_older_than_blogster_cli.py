"""A database missing a migration this Blogster ships (a new release run before `db migrate`) is
refused by every command but those that migrate or report on it (h326, new-user walk M1): before,
each command ran against the old SQL and exited 0, and only `doctor` said "1 pending"."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.cli.conftest import PASSWORD
from tests.cli.test_tui_cli import on_a_terminal  # noqa: F401 (a fixture)

# A migration that only restates a function (create or replace): applying it again is harmless.
RESTATED = "0166_review_publish_keeps_the_date"
OLDER = "error: the database is older than this Blogster: run `blogster db migrate`\n"


@pytest.fixture
def one_migration_behind(cli, signed_up, superuser):
    """The test database as an older Blogster left it: RESTATED not recorded as applied."""
    deleted = superuser.execute("delete from internal.schema_migrations where name = %s", (RESTATED,)).rowcount
    assert deleted == 1


def test_commands_are_refused_until_db_migrate(cli, one_migration_behind, tmp_path):
    for command in (("posts", "list"), ("auth", "whoami", "--json"), ("workers", "publish-due")):
        refused = cli(*command)
        assert (refused.exit_code, refused.stdout, refused.stderr) == (6, "", OLDER), command
    login = cli("auth", "login", "--email", "ada@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert (login.exit_code, login.stderr) == (6, OLDER)

    # What an older database still takes: help, the version, the diagnosis, a backup, the migration.
    assert cli("--help").exit_code == 0 and cli("posts", "--help").exit_code == 0
    assert cli("--version").exit_code == 0
    doctor = cli("doctor", "--json")
    assert "1 pending: run blogster db migrate" in doctor.stdout
    assert cli("db", "status").exit_code == 0
    backup = cli("db", "backup", str(tmp_path / "before.blogster-backup"))
    assert backup.exit_code == 0, backup.stderr
    migrated = cli("db", "migrate", "--json")
    assert migrated.exit_code == 0, migrated.stderr
    assert RESTATED in migrated.json()["applied"]

    listed = cli("posts", "list", "--json")
    assert listed.exit_code == 0 and listed.stderr == ""


def test_a_backup_restores_over_an_older_database(cli, signed_up, superuser, tmp_path):
    """`db restore` is one of the commands an older database takes: it replaces the database with
    one built from this Blogster's migrations, which then needs no `db migrate`."""
    backup = tmp_path / "current.blogster-backup"
    assert cli("db", "backup", str(backup)).exit_code == 0
    superuser.execute("delete from internal.schema_migrations where name = %s", (RESTATED,))
    assert cli("posts", "list").exit_code == 6
    restored = cli("db", "restore", str(backup), "--yes")
    assert restored.exit_code == 0, restored.stderr
    listed = cli("posts", "list")
    assert listed.exit_code == 0, listed.stderr


def test_the_workers_refuse_to_start(db, one_migration_behind):
    """In a process of its own: a worker that did start would end this one (os._exit at its end)."""
    environment = {**os.environ, "BLOGSTER_DATABASE_URL": db.conninfo}
    result = subprocess.run(
        [sys.executable, "-m", "blogster_cli", "serve-workers", "--once"],
        capture_output=True, text=True, env=environment, timeout=120,
    )  # fmt: skip
    assert (result.returncode, result.stderr) == (6, OLDER)


def test_the_studio_refuses_as_any_command_does(cli, one_migration_behind, on_a_terminal):  # noqa: F811
    result = cli("tui")
    assert (result.exit_code, result.stdout, result.stderr) == (6, "", OLDER)


def test_a_database_newer_than_this_blogster_is_used_as_before(cli, signed_up, superuser):
    """Migrations this release does not know (a newer one's) are not this release's to judge."""
    superuser.execute(
        "insert into internal.schema_migrations (name, checksum) values ('9999_from_a_newer_blogster', 'x')"
    )
    assert cli("posts", "list").exit_code == 0


def test_logout_works_on_an_older_database(cli, one_migration_behind, superuser):
    """Logging out forgets this profile's credentials: no reason to refuse it until `db migrate`
    (it was refused with exit 6 like any command). The session is still ended on the database."""
    logout = cli("auth", "logout", "--json")
    assert logout.exit_code == 0, logout.stderr
    assert logout.json() == {"profile": "default", "logged_out": True, "session_still_valid": False}
    assert logout.stderr == ""
    assert superuser.execute("select count(*) from auth.sessions where revoked_at is null").fetchone()[0] == 0
    assert cli("db", "migrate").exit_code == 0
    whoami = cli("auth", "whoami")
    assert whoami.exit_code == 1 and "not logged in" in whoami.stderr


def test_logout_forgets_the_credentials_when_the_database_cannot_be_reached(cli, signed_up, superuser):
    """The session cannot be ended there, and says so; what this profile stores is forgotten all the same."""
    unreachable = "postgresql://nobody@127.0.0.1:1/blogster"  # port 1: refused at once
    logout = cli("--database-url", unreachable, "auth", "logout", "--json")
    assert logout.exit_code == 0, logout.stderr
    assert logout.json() == {"profile": "default", "logged_out": True, "session_still_valid": True}
    assert logout.stderr.startswith("warning: the session could not be ended on the database (")
    assert logout.stderr.endswith("): it stays valid there until it expires, though this profile has forgotten it\n")
    assert logout.stderr.count("\n") == 1 and "Traceback" not in logout.stderr
    assert superuser.execute("select count(*) from auth.sessions where revoked_at is null").fetchone()[0] == 1
    whoami = cli("auth", "whoami")
    assert whoami.exit_code == 1 and "not logged in" in whoami.stderr
    assert cli("auth", "logout", "--json").json()["logged_out"] is False
