"""An account's own login follows its password and its ban (h390).

On a shared server `auth passwd` over an email session (the administrator's superuser URL) changed
only the stored hash: the old password kept opening the account's own login `u_...`; over the own
login it changed only the login's password, and the old one kept signing in by email. A ban of some
days closed the login (NOLOGIN) and only `admin users ban --lift` opened it again, never the ban's
end. `admin users reset-password` of an account awaiting its purge (`account delete`, whose login
keeps LOGIN with a password nobody knows) gave that login a working password again.

What the server's password check decides runs on a TCP server with password auth
(BLOGSTER_TEST_DATABASE_URL); everywhere the role's stored SCRAM verifier is checked against the
password, as the server would.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from blogster_cli.context import AppContext
from blogster_cli.db.scram import saslprep
from tests.cli.conftest import error_message
from tests.cli.test_shared_server_sign_in_cli import (  # noqa: F401  # member: the fixture
    MEMBER_PASSWORD,
    PASSWORDS_CHECKED,
    bob_runs,
    member,
)

NEW_PASSWORD = "bobs-new-password-1"


def opens(verifier: str | None, password: str) -> bool:
    """Whether `password` matches the SCRAM-SHA-256 verifier, as the server checks it."""
    if verifier is None:
        return False
    iterations_and_salt, keys = verifier.removeprefix("SCRAM-SHA-256$").split("$")
    iterations, salt = iterations_and_salt.split(":")
    stored_key = keys.split(":")[0]
    salted = hashlib.pbkdf2_hmac("sha256", saslprep(password).encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    return hmac.compare_digest(hashlib.sha256(client_key).digest(), base64.b64decode(stored_key))


def role_login(superuser, login: str) -> tuple[bool, str | None]:
    """(LOGIN, the stored verifier) of `login`."""
    return superuser.execute("select rolcanlogin, rolpassword from pg_authid where rolname = %s", (login,)).fetchone()


def connects(db, login: str, password: str) -> bool:
    try:
        psycopg.connect(make_conninfo(db.conninfo, user=login, password=password)).close()
    except psycopg.OperationalError:
        return False
    return True


# -- auth passwd over an email session ------------------------------------------------------------------


def test_auth_passwd_on_an_email_session_changes_the_accounts_own_login_too(cli, db, superuser, member):  # noqa: F811
    by_email = cli("--profile", "bobmail", "auth", "login", "--email", member.email, "--password-stdin",
                   input=MEMBER_PASSWORD + "\n")  # fmt: skip
    assert by_email.exit_code == 0, by_email.stderr
    changed = cli("--profile", "bobmail", "auth", "passwd", "--password-stdin",
                  input=f"{MEMBER_PASSWORD}\n{NEW_PASSWORD}\n")  # fmt: skip
    assert changed.exit_code == 0, changed.stderr
    can_login, verifier = role_login(superuser, member.login)
    assert can_login and opens(verifier, NEW_PASSWORD) and not opens(verifier, MEMBER_PASSWORD)
    assert cli("--profile", "bobmail", "auth", "whoami").exit_code == 0  # the email session goes on
    if PASSWORDS_CHECKED:  # the server's own check: the old password no longer opens the login
        assert not connects(db, member.login, MEMBER_PASSWORD)
        assert connects(db, member.login, NEW_PASSWORD)
        assert error_message(bob_runs(cli, member, "posts", "list"), 1).startswith(
            f"the password this profile keeps for {member.login} was refused"
        )
        again = bob_runs(cli, member, "auth", "login", "--login", member.login, "--password-stdin",
                         input=NEW_PASSWORD + "\n")  # fmt: skip
        assert again.exit_code == 0, again.stderr


# -- auth passwd over the own login ----------------------------------------------------------------------


def test_auth_passwd_on_the_own_login_changes_the_email_sign_ins_password_too(cli, superuser, member):  # noqa: F811
    """The other way round (0185): `auth passwd` on the own login changed only the role's password, and
    the argon2 hash an email sign-in checks (on the administrator's superuser URL) kept the old one,
    which still signed in. Both change in one transaction now, and the account's email sessions end,
    as after an email session's `auth passwd`."""
    emailed = cli("--profile", "bobmail", "auth", "login", "--email", member.email, "--password-stdin",
                  input=MEMBER_PASSWORD + "\n")  # fmt: skip
    assert emailed.exit_code == 0, emailed.stderr
    changed = bob_runs(cli, member, "auth", "passwd", "--password-stdin", input=f"{MEMBER_PASSWORD}\n{NEW_PASSWORD}\n")
    assert changed.exit_code == 0, changed.stderr
    old = cli("--profile", "bobmail2", "auth", "login", "--email", member.email, "--password-stdin",
              input=MEMBER_PASSWORD + "\n")  # fmt: skip
    assert error_message(old, 1) == "wrong email or password"
    new = cli("--profile", "bobmail3", "auth", "login", "--email", member.email, "--password-stdin", "--json",
              input=NEW_PASSWORD + "\n")  # fmt: skip
    assert new.exit_code == 0, new.stderr
    assert new.json()["email"] == member.email
    ended = error_message(cli("--profile", "bobmail", "auth", "whoami"), 1)
    assert ended == "your session has ended; run: blogster --profile bobmail auth login"
    can_login, verifier = role_login(superuser, member.login)
    assert can_login and opens(verifier, NEW_PASSWORD) and not opens(verifier, MEMBER_PASSWORD)
    assert bob_runs(cli, member, "auth", "whoami").exit_code == 0  # the own login goes on, with the new password


# -- a ban's end --------------------------------------------------------------------------------------------


def end_the_ban(superuser, email: str) -> None:
    """The ban's days have passed."""
    superuser.execute("update auth.users set banned_until = now() - interval '1 second' where email = %s", (email,))


def test_a_ban_of_some_days_opens_the_login_again_when_it_ends_not_before(cli, db, superuser, member):  # noqa: F811
    assert cli("admin", "users", "ban", member.email, "--days", "1").exit_code == 0
    assert cli("workers", "reopen-logins", "--json").json() == {"reopened": []}
    assert role_login(superuser, member.login)[0] is False
    assert bob_runs(cli, member, "posts", "list").exit_code != 0
    end_the_ban(superuser, member.email)
    reopened = cli("workers", "reopen-logins")
    assert (reopened.exit_code, reopened.stderr) == (0, "1 login opened again\n")
    assert role_login(superuser, member.login)[0] is True
    listed = bob_runs(cli, member, "posts", "list")  # with the password this profile kept
    assert listed.exit_code == 0, listed.stderr
    if PASSWORDS_CHECKED:
        assert connects(db, member.login, MEMBER_PASSWORD) and not connects(db, member.login, NEW_PASSWORD)
    assert cli("workers", "reopen-logins", "--json").json() == {"reopened": []}


def test_the_workers_open_an_ended_bans_login_each_minute(cli, db, superuser, member):  # noqa: F811
    from blogster_cli.workers.app import build_app

    assert cli("admin", "users", "ban", member.email, "--days", "3").exit_code == 0
    app = build_app(AppContext(database_url=db.conninfo), pool_size=1)
    app.tasks["reopen_logins"](timestamp=0)
    assert role_login(superuser, member.login)[0] is False  # while the ban holds
    end_the_ban(superuser, member.email)
    app.tasks["reopen_logins"](timestamp=0)
    assert role_login(superuser, member.login)[0] is True
    assert bob_runs(cli, member, "posts", "list").exit_code == 0


def test_an_ended_ban_leaves_closed_an_account_awaiting_its_purge_or_without_a_login(cli, superuser, member):  # noqa: F811
    """Deleted after its ban (an administrator's purge is due), or made by `auth signup` (no password):
    neither had a login to give back."""
    cara = cli("--profile", "cara", "auth", "signup", "--email", "cara@example.com", "--password-stdin",
               input=MEMBER_PASSWORD + "\n" + MEMBER_PASSWORD + "\n")  # fmt: skip
    assert cara.exit_code == 0, cara.stderr
    for email in (member.email, "cara@example.com"):
        assert cli("admin", "users", "ban", email, "--days", "1").exit_code == 0
        end_the_ban(superuser, email)
    superuser.execute("update auth.users set deleted_at = now() where email = %s", (member.email,))
    assert cli("workers", "reopen-logins", "--json").json() == {"reopened": []}
    assert role_login(superuser, member.login)[0] is False


def test_a_password_reset_after_a_bans_end_opens_the_login(cli, superuser, member):  # noqa: F811
    """The ban's end, not its lifting, is what `reset-password` waits for (before the workers' next run)."""
    assert cli("admin", "users", "ban", member.email, "--days", "1").exit_code == 0
    end_the_ban(superuser, member.email)
    reset = cli("admin", "users", "reset-password", member.email, "--password-stdin", "--json",
                input=NEW_PASSWORD + "\n")  # fmt: skip
    assert reset.exit_code == 0, reset.stderr
    assert reset.json()["can_log_in"] is True
    can_login, verifier = role_login(superuser, member.login)
    assert can_login and opens(verifier, NEW_PASSWORD)


# -- a password reset of an account awaiting its purge ---------------------------------------------------------


def test_a_password_reset_leaves_an_account_awaiting_its_purge_unable_to_log_in(cli, db, superuser, member):  # noqa: F811
    deleted = bob_runs(cli, member, "account", "delete", "--yes", "--json")
    assert deleted.exit_code == 0, deleted.stderr
    assert deleted.json()["outcome"] == "marked"
    can_login, locked_out = role_login(superuser, member.login)
    assert can_login and not opens(locked_out, MEMBER_PASSWORD)  # LOGIN kept, a password nobody knows
    reset = cli("admin", "users", "reset-password", member.email, "--password-stdin", input=NEW_PASSWORD + "\n")
    assert reset.exit_code == 0, reset.stderr
    assert reset.stderr == (
        f"Password for {member.email} (login {member.login}) changed.\n"
        f"{member.login} stays closed: {member.email} awaits its purge (account delete)\n"
    )
    as_json = cli("admin", "users", "reset-password", member.email, "--json")
    assert as_json.json()["can_log_in"] is False
    assert role_login(superuser, member.login)[1] == locked_out
    if PASSWORDS_CHECKED:
        assert not connects(db, member.login, NEW_PASSWORD)
        assert not connects(db, member.login, as_json.json()["password"])


@pytest.mark.parametrize("where_allowed", [True, False])
def test_a_login_that_is_no_superuser_opens_nothing(cli, db, superuser, member, where_allowed):  # noqa: F811
    """A worker login (the workers' BLOGSTER_WORKER_DATABASE_URL) may not give a role LOGIN: the workers'
    job does nothing there, the cron command on it is refused (the administrator's cron runs it)."""
    from blogster_cli.db.connection import Database
    from blogster_cli.errors import PermissionDenied
    from blogster_cli.services import accounts

    added = cli("admin", "workers", "add", "ended-bans", "--json")
    assert added.exit_code == 0, added.stderr
    assert cli("admin", "users", "ban", member.email, "--days", "1").exit_code == 0
    end_the_ban(superuser, member.email)
    worker = Database(make_conninfo(db.conninfo, user=added.json()["login"], password=added.json()["password"]))
    try:
        if where_allowed:
            assert accounts.reopen_ended_bans(worker, where_allowed=True) == []
        else:
            with pytest.raises(PermissionDenied):
                accounts.reopen_ended_bans(worker)
    finally:
        worker.close()
        assert cli("admin", "workers", "rm", "ended-bans").exit_code == 0  # a role of the cluster's
    assert role_login(superuser, member.login)[0] is False
