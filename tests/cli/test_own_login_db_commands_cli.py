"""A profile that logs in with its account's own login (a shared server: `auth login --login u_...`)
has a database URL without a user or password of its own. `doctor` checks the connection that
profile's commands use (its own login) and skips what only the administrator may read; `db status`,
`db migrate`, `db backup`, `db restore` and `db disable-stray-logins`, which need the administrator's
connection, say so in one line (exit 6) instead of "cannot connect" (exit 7).

The URL names a role the server does not know, which it refuses as it refuses a URL without a user
(the OS user's login) on a server that checks passwords; the own login itself is checked by password
on a server that does (BLOGSTER_TEST_DATABASE_URL) and trusted over the embedded server's socket."""

from __future__ import annotations

import uuid

import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo


@pytest.fixture
def own_login(cli, signed_up, db):
    """(the profile's global options, its role name): an account an admin added, logged in with its
    own login through a URL that logs in as nobody."""
    added = cli("admin", "users", "add", "carol@example.com", "--json")
    assert added.exit_code == 0, added.stderr
    params = conninfo_to_dict(db.conninfo)
    params.pop("password", None)
    params["user"] = f"nobody_{uuid.uuid4().hex[:8]}"
    options = ("--database-url", make_conninfo(**params), "--profile", "carol")
    login = added.json()["login"]
    logged_in = cli(*options, "auth", "login", "--login", login, "--password-stdin",
                    input=added.json()["password"] + "\n")  # fmt: skip
    assert logged_in.exit_code == 0, logged_in.stderr
    assert cli(*options, "posts", "list").exit_code == 0  # the profile works
    return options, login


def test_doctor_checks_the_own_login_the_profile_uses(cli, own_login):
    options, login = own_login
    result = cli(*options, "doctor", "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    checks = {check["name"]: check for check in result.json()}
    assert checks["server"]["status"] == "ok" and f"user={login}" in checks["server"]["detail"]
    assert checks["migrations"]["status"] == "skip" and "administrator" in checks["migrations"]["detail"]
    assert checks["login role"]["status"] == "ok"
    assert checks["login role"]["detail"] == f"own login {login} (carol@example.com), not privileged"
    text = cli(*options, "doctor")
    assert text.exit_code == 0 and "skip  migrations: not checked" in text.stdout


@pytest.mark.parametrize(
    "command",
    [
        ("db", "status"),
        ("db", "migrate", "--dry-run"),
        ("db", "migrate"),
        ("db", "backup", "BACKUP"),
        ("db", "restore", "BACKUP", "--yes"),
        ("db", "disable-stray-logins"),
    ],  # fmt: skip
)
def test_db_commands_say_they_need_the_administrators_connection(cli, own_login, tmp_path, command):
    options, _ = own_login
    backup = tmp_path / "all.blogster-backup"
    if "restore" in command:
        assert cli("db", "backup", str(backup)).exit_code == 0  # by the administrator
    result = cli(*options, *(str(backup) if word == "BACKUP" else word for word in command))
    assert result.exit_code == 6, (result.exit_code, result.stderr)
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {command[0]} {command[1]} needs the administrator's connection (superuser)")
    assert "refused the login given by --database-url" in line and "auth login --login" in line
    if command[1] == "backup":
        assert not backup.exists()
