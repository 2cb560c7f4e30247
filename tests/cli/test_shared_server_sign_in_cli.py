"""Signing in on a shared server says what to do (new-user walk 12, M3, L1): an email where the
account's own login is needed, a ban, a password an administrator reset, `BLOGSTER_EMAIL`, the
workers' cron commands on a member's profile, a database URL that logs in as an account's own
login, and the login the administrator's user list and password reset show.

A member's URL names no login (`--database-url` without user or password), as an administrator
hands it out; each member logs in with `auth login --login u_...`. The embedded test server trusts
its socket, so what needs a password checked runs only on a TCP server (BLOGSTER_TEST_DATABASE_URL).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import pytest

from blogster_cli.credentials import CredentialStore
from tests.cli.conftest import database_url, error_message
from tests.terminal import on_a_terminal

MEMBER_PASSWORD = "member-pass-for-tests"
PASSWORDS_CHECKED = bool(os.environ.get("BLOGSTER_TEST_DATABASE_URL"))
needs_password_checks = pytest.mark.skipif(
    not PASSWORDS_CHECKED,
    reason="password checks need a TCP server with password auth (BLOGSTER_TEST_DATABASE_URL); "
    "the embedded socket trusts its owner",
)


@dataclass(frozen=True)
class Member:
    email: str
    login: str
    url: str


@pytest.fixture
def member(cli, signed_up, db) -> Member:
    """bob, added by the administrator (ada) and logged in with his own login on profile `bob`."""
    added = cli("admin", "users", "add", "bob@example.com", "--password-stdin", "--json", input=MEMBER_PASSWORD + "\n")
    assert added.exit_code == 0, added.stderr
    bob = Member("bob@example.com", added.json()["login"], database_url(db, user=None))
    logged_in = bob_runs(cli, bob, "auth", "login", "--login", bob.login, "--password-stdin",
                         input=MEMBER_PASSWORD + "\n")  # fmt: skip
    assert logged_in.exit_code == 0, logged_in.stderr
    return bob


def bob_runs(cli, bob: Member, *args: str, profile: str = "bob", **kwargs):
    return cli("--database-url", bob.url, "--profile", profile, *args, **kwargs)


# -- a) an email on a shared server ------------------------------------------------------------------


def test_an_email_on_a_shared_server_is_told_to_log_in_with_the_own_login(cli, member):
    """`auth login --email` used the email as the database login: "wrong login or password" with
    the right password. Said before the server is asked, alike for an email with no account."""
    expected = (
        "on a shared server accounts log in with their own login, not an email: blogster --profile new auth login"
        " --login u_... (the login your administrator gave you with your password)"
    )
    for email in (member.email, "nobody@example.com"):
        result = bob_runs(cli, member, "auth", "login", "--email", email, "--password-stdin", profile="new",
                          input=MEMBER_PASSWORD + "\n")  # fmt: skip
        assert error_message(result, 2) == expected


# -- b) a ban -------------------------------------------------------------------------------------------


def test_a_banned_member_is_told_of_the_ban_not_of_a_wrong_password(cli, member):
    """A server that asked the password refused the login only once it was right: a ban. One that asks
    none (the embedded test server trusts its socket) would refuse any password so: it cannot tell a
    ban from an account without a login of its own, and says so (h383), but on the administrator's
    connection, which reads the account."""
    assert cli("admin", "users", "ban", member.email).exit_code == 0
    expected = (
        f"{member.login} may not log in: the account is banned (or no longer on this server); ask your administrator"
    )
    if PASSWORDS_CHECKED:
        assert error_message(bob_runs(cli, member, "posts", "list"), 1) == expected
        again = bob_runs(cli, member, "auth", "login", "--login", member.login, "--password-stdin", profile="again",
                         input=MEMBER_PASSWORD + "\n")  # fmt: skip
        assert error_message(again, 1) == expected
    else:
        said = error_message(bob_runs(cli, member, "posts", "list"), 6)
        assert said.startswith(f"{member.login} may not log in, and this server asked no password, so it cannot say")
        assert said.endswith("or it is banned; ask your administrator")
    on_the_admins_url = cli("--profile", "admin2", "auth", "login", "--login", member.login, "--password-stdin",
                            input=MEMBER_PASSWORD + "\n")  # fmt: skip
    assert error_message(on_the_admins_url, 1) == expected
    assert cli("admin", "users", "ban", member.email, "--lift").exit_code == 0
    assert bob_runs(cli, member, "posts", "list").exit_code == 0


@needs_password_checks
def test_a_ban_is_not_told_to_someone_without_the_password(cli, member):
    assert cli("admin", "users", "ban", member.email).exit_code == 0
    guess = bob_runs(cli, member, "auth", "login", "--login", member.login, "--password-stdin", profile="eve",
                     input="not-the-password\n")  # fmt: skip
    assert error_message(guess, 1) == "wrong login or password"


# -- c) a password reset by an administrator ------------------------------------------------------------


@needs_password_checks
def test_a_member_whose_password_was_reset_is_told_how_to_log_in_again(cli, member):
    reset = cli("admin", "users", "reset-password", member.email, "--json")
    assert reset.exit_code == 0, reset.stderr
    assert reset.json()["login"] == member.login
    said = error_message(bob_runs(cli, member, "posts", "list"), 1)
    assert said == (
        f"the password this profile keeps for {member.login} was refused: an administrator may have reset it (or it"
        f" was changed elsewhere); ask them for the new one, then run: blogster --profile bob auth login --login"
        f" {member.login}"
    )
    again = bob_runs(cli, member, "auth", "login", "--login", reset.json()["login"], "--password-stdin",
                     input=reset.json()["password"] + "\n")  # fmt: skip
    assert again.exit_code == 0, again.stderr
    assert bob_runs(cli, member, "posts", "list").exit_code == 0


# -- d) not logged in -----------------------------------------------------------------------------------


def test_not_logged_in_on_a_servers_url_names_the_login_option(cli, member):
    assert bob_runs(cli, member, "auth", "logout").exit_code == 0
    said = error_message(bob_runs(cli, member, "posts", "list"), 1)
    assert said.startswith("not logged in; run: blogster --profile bob auth login --login u_... (on a shared server")


# -- e) BLOGSTER_EMAIL on a shared server ---------------------------------------------------------------


def test_blogster_email_on_a_shared_server_names_blogster_login(cli, member):
    result = bob_runs(cli, member, "posts", "list", profile="cron",
                      env={"BLOGSTER_EMAIL": member.email, "BLOGSTER_PASSWORD": MEMBER_PASSWORD})  # fmt: skip
    said = error_message(result, 6)
    assert said.startswith("the database refused the login given by --database-url: ")
    assert said.endswith(
        "BLOGSTER_EMAIL signs in through the administrator's connection; on a shared server give your own login"
        " instead: BLOGSTER_LOGIN=u_... with BLOGSTER_PASSWORD"
    )
    assert MEMBER_PASSWORD not in result.stderr


# -- f) the workers' commands on a member's profile ------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("workers", "status"),
        ("workers", "publish-due"),
        ("workers", "refresh-analytics"),
        ("workers", "refresh-freshness"),
        ("workers", "refill-credits"),
        ("workers", "retry", "1"),
        ("workers", "send-newsletters"),
    ],
)
def test_the_workers_commands_on_a_members_profile_say_they_need_the_administrator(cli, member, command):
    """They printed libpq's bare refusal ("fe_sendauth: no password supplied"); `db status` already
    explained it, and now they say it in its words."""
    said = error_message(bob_runs(cli, member, *command), 6)
    status = error_message(bob_runs(cli, member, "db", "status"), 6)
    assert said.startswith(f"{' '.join(command[:2])} needs the administrator's connection (superuser)")
    assert said.removeprefix(" ".join(command[:2])) == status.removeprefix("db status")


# -- g) a database URL that logs in as an account's own login -------------------------------------------


def test_a_database_url_with_an_accounts_own_login_acts_as_that_account(cli, member, db, monkeypatch):
    """`config set database_url -` with `postgresql://u_...:pw@host/db` (its password to the keyring):
    doctor checked it as the account's own login, but whoami and posts list said "not logged in"."""
    monkeypatch.delenv("BLOGSTER_DATABASE_URL")  # the profile's own setting, as on the member's machine
    own = database_url(db, user=member.login, password=MEMBER_PASSWORD)
    assert cli("--profile", "gina", "config", "set", "database_url", "-", input=own + "\n").exit_code == 0
    whoami = cli("--profile", "gina", "auth", "whoami", "--json")
    assert whoami.exit_code == 0, whoami.stderr
    assert (whoami.json()["email"], whoami.json()["database_role"]) == (member.email, member.login)
    assert cli("--profile", "gina", "posts", "list").exit_code == 0
    # A new password is kept as the profile's own login: the URL's is the old one from then on.
    changed = cli("--profile", "gina", "auth", "passwd", "--password-stdin",
                  input=f"{MEMBER_PASSWORD}\nmember-new-pass-1\n")  # fmt: skip
    assert changed.exit_code == 0, changed.stderr
    assert CredentialStore("gina").get("login") == member.login
    assert cli("--profile", "gina", "auth", "whoami").exit_code == 0


# -- L1: the login in the administrator's user list and password reset ----------------------------------


def test_the_user_list_and_a_password_reset_show_the_members_login(cli, member):
    listed = {row["email"]: row for row in cli("admin", "users", "list", "--json").json()}
    assert listed[member.email]["login"] == member.login
    assert member.login in cli("admin", "users", "list").stdout
    reset = cli("admin", "users", "reset-password", member.email)
    assert reset.exit_code == 0 and f"login     {member.login}" in reset.stdout, reset.stdout
    given = cli("admin", "users", "reset-password", member.email, "--password-stdin", input="another-pass-1\n")
    assert given.stderr == f"Password for {member.email} (login {member.login}) changed.\n"


# -- L2: a sign-in with the account's own login is recorded -------------------------------------------


def test_a_sign_in_with_the_own_login_is_the_accounts_last_sign_in(cli, member):
    """Only an email sign-in wrote last_sign_in_at (accounts may not update auth.users): a team on a
    shared server, all signing in with their own logins, showed never signed in (0177)."""
    before = {row["email"]: row["last_sign_in_at"] for row in cli("admin", "users", "list", "--json").json()}
    assert before[member.email] is not None  # the fixture's `auth login --login`
    again = bob_runs(cli, member, "auth", "login", "--login", member.login, "--password-stdin",
                     input=MEMBER_PASSWORD + "\n")  # fmt: skip
    assert again.exit_code == 0, again.stderr
    after = {row["email"]: row["last_sign_in_at"] for row in cli("admin", "users", "list", "--json").json()}
    assert after[member.email] > before[member.email]
    assert after["ada@example.com"] == before["ada@example.com"]  # bob's sign-in wrote only his own row


# -- logging out of a database URL that logs in as an account's own login ---------------------------


def test_logout_of_a_url_with_an_accounts_own_login_says_how_to_stop_acting_as_it(cli, member, db, monkeypatch):
    """`auth logout` said "Not logged in." (exit 0) while every command went on acting as the URL's login."""
    monkeypatch.delenv("BLOGSTER_DATABASE_URL")
    own = database_url(db, user=member.login, password=MEMBER_PASSWORD)
    assert cli("--profile", "gina", "config", "set", "database_url", "-", input=own + "\n").exit_code == 0
    said = error_message(cli("--profile", "gina", "auth", "logout"), 6)
    assert said.startswith(f"commands on this profile still act as {member.login}: the database URL (")
    assert said.endswith(
        " logs in as that account's own login; to stop that, run: blogster --profile gina config unset database_url"
        " (its password leaves the keyring too)"
    )
    assert MEMBER_PASSWORD not in said
    assert cli("--profile", "gina", "auth", "whoami").exit_code == 0  # what it said is true
    # From the environment, the remedy is the variable's.
    env = error_message(cli("--profile", "hal", "auth", "logout", env={"BLOGSTER_DATABASE_URL": own}), 6)
    assert env.endswith("to stop that, unset BLOGSTER_DATABASE_URL (or give it a URL without the login)")
    # A member's URL without a login logs out as before.
    assert bob_runs(cli, member, "auth", "logout").stdout == ""
    assert bob_runs(cli, member, "auth", "logout").stderr == "Not logged in.\n"


# -- `auth login` on a terminal, no options ---------------------------------------------------------------


def test_login_on_a_terminal_asks_a_shared_servers_member_for_the_login(cli, member):
    """It asked "Email", and the email typed was refused: on a shared server the login is asked."""
    run = on_a_terminal("--database-url", member.url, "--profile", "tty", "auth", "login", "--json",
                        "--password-stdin", typed=f"{member.login}\n{MEMBER_PASSWORD}\n")  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Login (u_...): " in run.stderr and "Email" not in run.stderr
    assert json.loads(run.stdout)["email"] == member.email
    emailed = on_a_terminal("--database-url", member.url, "--profile", "tty2", "auth", "login", "--password-stdin",
                            typed=f"{member.email}\n{MEMBER_PASSWORD}\n")  # fmt: skip
    assert emailed.returncode == 2 and "their own login, not an email" in emailed.stderr, emailed.stderr


def test_an_own_login_typed_where_the_email_is_asked_logs_in_with_it(cli, member):
    run = on_a_terminal("--profile", "tty", "auth", "login", "--json", "--password-stdin",
                        typed=f"{member.login}\n{MEMBER_PASSWORD}\n")  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Email: " in run.stderr
    assert (json.loads(run.stdout)["email"], json.loads(run.stdout)["mode"]) == (member.email, "own login")


# -- an unknown profile on a shared server -----------------------------------------------------------------


def test_an_unknown_profile_on_a_shared_server_starts_with_the_login_option(cli, member):
    said = error_message(bob_runs(cli, member, "posts", "list", profile="bobb"), 2)
    assert said.endswith("(a new one starts with: blogster --profile bobb auth login --login u_...)")
