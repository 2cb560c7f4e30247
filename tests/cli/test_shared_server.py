"""A shared server: an admin creates accounts; each user logs in as their own database role."""

import os

import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

pytestmark = pytest.mark.skipif(
    not os.environ.get("BLOGSTER_TEST_DATABASE_URL"),
    reason="password checks need a TCP server with password auth (BLOGSTER_TEST_DATABASE_URL)",
)


def test_admin_adds_a_user_who_logs_in_as_their_own_role(cli, signed_up, db, superuser):
    added = cli("admin", "users", "add", "bob@example.com", "--json")
    assert added.exit_code == 0, added.stderr
    login, password = added.json()["login"], added.json()["password"]
    params = conninfo_to_dict(db.conninfo)
    params.pop("password", None)
    params.pop("user", None)
    user_url = make_conninfo(**params)  # the URL a user gets: no credentials in it

    logged_in = cli("--database-url", user_url, "--profile", "bob", "auth", "login", "--login", login,
                    "--password-stdin", input=password + "\n")  # fmt: skip
    assert logged_in.exit_code == 0, logged_in.stderr
    whoami = cli("--database-url", user_url, "--profile", "bob", "auth", "whoami", "--json")
    assert whoami.exit_code == 0, whoami.stderr
    assert whoami.json()["email"] == "bob@example.com" and whoami.json()["database_role"] == login

    wrong = cli("--database-url", user_url, "--profile", "eve", "auth", "login", "--login", login,
                "--password-stdin", input="not-the-password\n")  # fmt: skip
    assert wrong.exit_code == 1 and "Traceback" not in wrong.stderr

    # Admin commands need the administrator's connection, not a user's own login.
    assert cli("--database-url", user_url, "--profile", "bob", "admin", "users", "list").exit_code != 0

    # Deleting marks the account; the admin's purge drops the role.
    deleted = cli("--database-url", user_url, "--profile", "bob", "account", "delete", "--yes", "--json")
    assert deleted.exit_code == 0, deleted.stderr
    assert deleted.json()["outcome"] == "marked"
    assert superuser.execute(
        "select deleted_at is not null from auth.users where email = 'bob@example.com'"
    ).fetchone()[0]
    assert cli("admin", "users", "purge", "bob@example.com", "--yes").exit_code == 0
    assert superuser.execute("select count(*) from pg_roles where rolname = %s", (login,)).fetchone()[0] == 0
