"""A database URL that logs in as an account's own login (its role's password login, on a shared
server; kept with `config set database_url -`): `doctor` checks what that login can see and skips
what needs the administrator's connection (it said "FAIL migrations: permission denied", exit 1).
A profile signed in with a session (which switches roles: the administrator's connection) given
such a URL says what is wrong instead of "error: permission denied".

The account's role gets its login and password from `admin users add` (the test server is a
shared server to Blogster); the own login is checked by password on a server that checks passwords
(BLOGSTER_TEST_DATABASE_URL) and trusted over the embedded server's socket."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

MIGRATIONS_SKIPPED = (
    "not checked: only the administrator's connection reads the migration record (`blogster db status` there)"
)


def _url_for(db, user: str, password: str) -> str:
    params = conninfo_to_dict(db.conninfo)
    params.update(user=user, password=password)
    return make_conninfo(**params)


@pytest.fixture
def carol(cli, signed_up, db):
    """(carol's own login URL, her role name): an account an admin added, whose role logs in with
    the password `admin users add` gave it."""
    added = cli("admin", "users", "add", "carol@example.com", "--json")
    assert added.exit_code == 0, added.stderr
    login, password = added.json()["login"], added.json()["password"]
    return _url_for(db, login, password), login, password


def test_doctor_on_an_own_login_url_kept_in_the_config_skips_the_migrations(cli, carol, monkeypatch):
    url, login, password = carol
    stored = cli("--profile", "carol", "config", "set", "database_url", "-", input=url + "\n")
    assert stored.exit_code == 0, stored.stderr
    monkeypatch.delenv("BLOGSTER_DATABASE_URL")  # the profile's own setting, as the README shows it
    logged_in = cli("--profile", "carol", "auth", "login", "--login", login, "--password-stdin", input=password + "\n")
    assert logged_in.exit_code == 0, logged_in.stderr
    assert cli("--profile", "carol", "posts", "list").exit_code == 0  # the profile works

    result = cli("--profile", "carol", "doctor", "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    checks = {check["name"]: check for check in result.json()}
    assert checks["server"]["status"] == "ok" and f"user={login}" in checks["server"]["detail"]
    assert password not in result.stdout
    assert (checks["migrations"]["status"], checks["migrations"]["detail"]) == ("skip", MIGRATIONS_SKIPPED)
    assert (checks["login role"]["status"], checks["login role"]["detail"]) == (
        "ok", f"own login {login} (carol@example.com), not privileged",
    )  # fmt: skip
    assert not [check for check in checks.values() if check["status"] == "fail"]
    text = cli("--profile", "carol", "doctor")
    assert text.exit_code == 0, text.stdout
    assert f"skip  migrations: {MIGRATIONS_SKIPPED}\n" in text.stdout and "FAIL" not in text.stdout


def test_doctor_on_an_own_login_url_before_any_sign_in(cli, carol):
    """The URL's login is the account's, whoever the profile signed in as (or nobody yet)."""
    url, login, _ = carol
    result = cli("--database-url", url, "--profile", "nobody-yet", "doctor", "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    checks = {check["name"]: check for check in result.json()}
    assert checks["migrations"]["status"] == "skip"
    assert checks["login role"]["detail"] == f"own login {login} (carol@example.com), not privileged"


def test_doctor_on_a_login_that_is_no_account_and_no_superuser_skips_the_migrations(cli, signed_up, db):
    """Neither the administrator's login nor an account's: what it may not read is skipped, not failed."""
    role, password = f"plain_{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("create role {} login password {}").format(sql.Identifier(role), sql.Literal(password)))
        conn.execute(
            sql.SQL("grant connect on database {} to {}").format(sql.Identifier(db.database_name), sql.Identifier(role))
        )
    try:
        result = cli("--database-url", _url_for(db, role, password), "doctor", "--json")
    finally:
        with psycopg.connect(db.conninfo, autocommit=True) as conn:
            conn.execute(sql.SQL("drop owned by {}").format(sql.Identifier(role)))
            conn.execute(sql.SQL("drop role {}").format(sql.Identifier(role)))
    assert result.exit_code == 0, result.stdout + result.stderr
    checks = {check["name"]: check for check in result.json()}
    assert (checks["migrations"]["status"], checks["migrations"]["detail"]) == ("skip", MIGRATIONS_SKIPPED)
    assert (checks["login role"]["status"], checks["login role"]["detail"]) == ("ok", "not privileged")


def test_a_session_given_an_own_login_url_says_it_needs_the_administrators_connection(cli, carol):
    """The default profile holds the administrator's session; the URL logs in as carol's own login."""
    url, login, _ = carol
    result = cli("--database-url", url, "posts", "list")
    assert result.exit_code == 6, (result.exit_code, result.stderr)
    error = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert error == [
        "error: this profile's session needs the administrator's connection (superuser), but the database URL"
        f" given by --database-url logs in as {login}, which is not a superuser: give the administrator's URL, or"
        f" use that login on a profile of its own (blogster --profile NAME auth login --login {login})"
    ]
    assert cli("posts", "list").exit_code == 0  # the session itself is untouched


def test_blogster_email_given_an_own_login_url_says_it_needs_the_administrators_connection(cli, carol, signed_up):
    url, login, _ = carol
    result = cli(
        "posts", "list",
        env={"BLOGSTER_DATABASE_URL": url, "BLOGSTER_EMAIL": signed_up, "BLOGSTER_PASSWORD": "unused-password"},
    )  # fmt: skip
    assert result.exit_code == 6, (result.exit_code, result.stderr)
    assert result.stderr == (
        "error: signing in with BLOGSTER_EMAIL needs the administrator's connection (superuser), but the database"
        f" URL given by BLOGSTER_DATABASE_URL logs in as {login}, which is not a superuser: give the administrator's"
        " URL, or give that login and its password as BLOGSTER_LOGIN and BLOGSTER_PASSWORD\n"
    )
