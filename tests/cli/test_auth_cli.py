"""Accounts from the command line: signup, login, sessions, passwords, admin."""

import time

import pytest

from blogster_cli.credentials import CredentialStore
from blogster_cli.db.acting import acting_transaction
from tests.cli.conftest import PASSWORD, database_url, error_message


def test_signup_then_whoami_names_the_account(cli, signed_up):
    whoami = cli("auth", "whoami", "--json")
    assert whoami.exit_code == 0, whoami.stderr
    data = whoami.json()
    assert data["email"] == "ada@example.com"
    assert data["is_admin"] is True
    assert data["database_role"] == "u_" + data["id"].replace("-", "")


def test_second_account_is_not_admin(cli, signed_up):
    cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert cli("auth", "whoami", "--json").json()["is_admin"] is False


def test_wrong_password_and_unknown_user_are_one_line_exit_1(cli, signed_up):
    wrong = cli("auth", "login", "--email", "ada@example.com", "--password-stdin", input="nope-nope-nope\n")
    assert "wrong email or password" in error_message(wrong, 1)
    unknown = cli("auth", "login", "--email", "who@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert "wrong email or password" in error_message(unknown, 1)


def test_logout_ends_the_session_server_side(cli, signed_up, superuser):
    assert cli("auth", "logout").exit_code == 0
    assert "not logged in" in error_message(cli("auth", "whoami"), 1)
    live = superuser.execute("select count(*) from auth.sessions where revoked_at is null").fetchone()[0]
    assert live == 0


def ended(cli, token: str, profile: str = "default") -> bool:
    """Whether the session of `token`, put back in `profile`, no longer signs in."""
    CredentialStore(profile).set("session", token)
    refused = cli("--profile", profile, "auth", "whoami")
    return refused.exit_code == 1 and "your session has ended" in refused.stderr


def test_signup_and_login_as_another_account_end_the_session_they_replace(cli, signed_up):
    """Both forgot the profile's session without ending it: it stayed valid on the database until it expired."""
    ada = CredentialStore("default").get("session")
    signup = cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert signup.exit_code == 0, signup.stderr
    bob = CredentialStore("default").get("session")
    login = cli("auth", "login", "--email", "ada@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert login.exit_code == 0 and "warning" not in login.stderr, login.stderr
    assert ada is not None and bob is not None
    assert ended(cli, ada) and ended(cli, bob)


def test_signup_ends_the_session_it_replaces_with_none_left_valid_to_report(cli, signed_up):
    """Unlike `auth login --login` (its replaced_session_still_valid), signup logs in by email on the
    superuser's connection, which ends the replaced session in the transaction that starts its own."""
    ada = CredentialStore("default").get("session")
    made = cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", "--json", input=PASSWORD + "\n")
    assert made.exit_code == 0 and made.stderr == "", made.stderr
    assert made.json() == {
        "id": made.json()["id"], "email": "bob@example.com", "is_admin": False, "replaced_session": "ada@example.com"
    }  # fmt: skip
    assert ada is not None and ended(cli, ada)


def test_an_own_login_ends_the_session_it_replaces_or_says_it_could_not(cli, signed_up, db):
    """Ended on the profile's connection, as `auth logout` ends it; one that may not (the account's own
    login) leaves it valid, and says so in a warning, the login done; --json said nothing of it (now
    replaced_session_still_valid, as logout's session_still_valid)."""
    added = cli("admin", "users", "add", "carol@example.com", "--json")
    assert added.exit_code == 0, added.stderr
    carol, password = added.json()["login"], added.json()["password"]
    ada = CredentialStore("default").get("session")
    own = cli("auth", "login", "--login", carol, "--password-stdin", "--json", input=password + "\n")
    assert own.exit_code == 0 and "warning" not in own.stderr, own.stderr
    assert own.json()["replaced_session_still_valid"] is False
    assert ada is not None and ended(cli, ada)

    by_email = cli("--profile", "c", "auth", "login", "--email", "ada@example.com", "--password-stdin",
                   input=PASSWORD + "\n")  # fmt: skip
    assert by_email.exit_code == 0, by_email.stderr
    kept = CredentialStore("c").get("session")
    url = database_url(db, user=carol, password=password)
    own = cli("--database-url", url, "--profile", "c", "auth", "login", "--login", carol, "--password-stdin",
              "--json", input=password + "\n")  # fmt: skip
    assert own.exit_code == 0, own.stderr
    assert own.json()["replaced_session_still_valid"] is True  # --json says what the warning says
    (warning,) = [line for line in own.stderr.splitlines() if "session" in line]  # and one on the URL's password
    assert warning.startswith("warning: the session this profile had could not be ended on the database (")
    assert warning.endswith("): it stays valid there until it expires, though this profile has forgotten it")
    assert kept is not None and CredentialStore("c").get("session") is None
    assert not ended(cli, kept, "c")


def test_session_token_is_stored_hashed_and_file_is_private(cli, signed_up, superuser, isolated_environment):
    import json
    import stat

    credentials = isolated_environment / "credentials.json"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    token = json.loads(credentials.read_text())["default:session"]
    stored = superuser.execute("select token_hash from auth.sessions").fetchone()[0]
    assert token.encode() not in bytes(stored)
    assert PASSWORD not in credentials.read_text()


def test_expired_session_is_refused(cli, signed_up, superuser):
    superuser.execute("update auth.sessions set expires_at = now() - interval '1 minute'")
    assert "expired" in error_message(cli("auth", "whoami"), 1)


def test_banned_user_cannot_log_in_and_loses_sessions(cli, signed_up):
    cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    cli("auth", "login", "--email", "ada@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert cli("admin", "users", "ban", "bob@example.com").exit_code == 0
    banned = cli("auth", "login", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert "banned" in error_message(banned, 1)
    assert cli("admin", "users", "ban", "bob@example.com", "--lift").exit_code == 0
    again = cli("auth", "login", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert again.exit_code == 0, again.stderr


def test_a_ban_does_not_wait_for_an_assignment_another_account_keeps_open(cli, signed_up, db):
    """bob assigns his post to carol and keeps the transaction open. Until 0110 the assignment
    trigger granted carol the assignee group inside bob's transaction, locking her role, so her
    ban waited for bob (and failed after the admin lock timeout); now nothing is granted on an
    assignment, and the ban goes through at once."""
    cli("auth", "signup", "--email", "carol@example.com", "--password-stdin", input=PASSWORD + "\n")
    carol = cli("auth", "whoami", "--json").json()["id"]
    cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    role = cli("auth", "whoami", "--json").json()["database_role"]
    assert cli("blogs", "new", "Bob's draft", "--slug", "bobs-draft", input="Text.\n").exit_code == 0
    cli("auth", "login", "--email", "ada@example.com", "--password-stdin", input=PASSWORD + "\n")
    with db.connect() as holder, acting_transaction(holder, role):
        holder.execute(
            "insert into public.team_collaboration (blog_id, assigned_to, role)"
            " select id, %s, 'editor' from public.blogs where slug = 'bobs-draft'",
            (carol,),
        )
        started = time.monotonic()
        banned = cli("admin", "users", "ban", "carol@example.com")
        assert banned.exit_code == 0, banned.stderr
        assert time.monotonic() - started < 4  # under the admin lock timeout (5 s): nothing waited


def test_an_account_holding_its_own_row_cannot_outlast_its_ban(cli, signed_up, db, make_user, superuser):
    """With its own login, an account kept a transaction open holding its auth.users row (through
    `auth.request_account_deletion()`): `admin users ban` and `reset-password` failed after the
    lock timeout and the account kept its login. Its sessions now end first, then the ban holds."""
    import psycopg

    from tests.security.test_login_roles import LOGIN_PASSWORD, login_as

    for command, email in (("reset-password", "eve@example.com"), ("ban", "mallory@example.com")):
        account = make_user(email, login_password=LOGIN_PASSWORD)  # one each: a reset changes the password
        holder = login_as(db, account.role_name)
        holder.execute("begin")
        holder.execute("select auth.request_account_deletion()")
        started = time.monotonic()
        result = cli("admin", "users", command, email)
        assert result.exit_code == 0, result.stderr
        assert time.monotonic() - started < 5
        with pytest.raises(psycopg.OperationalError):
            holder.execute("select 1")
        holder.close()
    assert superuser.execute(
        "select rolcanlogin from pg_roles where rolname = %s", (account.role_name,)
    ).fetchone() == (False,)
    with pytest.raises(psycopg.OperationalError):
        login_as(db, account.role_name)


def test_passwd_changes_the_password(cli, signed_up):
    new = "a-brand-new-password"
    result = cli("auth", "passwd", "--password-stdin", input=f"{PASSWORD}\n{new}\n")
    assert result.exit_code == 0, result.stderr
    assert cli("auth", "whoami").exit_code == 0
    old = cli("auth", "login", "--email", "ada@example.com", "--password-stdin", input=PASSWORD + "\n")
    error_message(old, 1)
    assert cli("auth", "login", "--email", "ada@example.com", "--password-stdin", input=new + "\n").exit_code == 0


def test_passwd_rejects_a_wrong_current_password(cli, signed_up):
    result = cli("auth", "passwd", "--password-stdin", input="wrong-current-pw\nanother-new-password\n")
    error_message(result, 1)


def test_environment_credentials_override_for_cron(cli, signed_up):
    cli("auth", "logout")
    result = cli("auth", "whoami", "--json", env={"BLOGSTER_EMAIL": "ada@example.com", "BLOGSTER_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.stderr
    assert result.json()["email"] == "ada@example.com"


def test_short_password_is_invalid_input(cli):
    result = cli("auth", "signup", "--email", "x@example.com", "--password-stdin", input="short\n")
    assert "8 characters" in error_message(result, 2)


def test_duplicate_email_is_a_conflict(cli, signed_up):
    result = cli("auth", "signup", "--email", "ADA@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert "already exists" in error_message(result, 5)


def test_non_admin_cannot_administer(cli, signed_up):
    cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    for args in (("admin", "users", "list"), ("admin", "users", "grant-admin", "bob@example.com")):
        assert "administrator" in error_message(cli(*args), 4)


def test_admin_manages_users(cli, signed_up, superuser):
    added = cli("admin", "users", "add", "carol@example.com", "--json")
    assert added.exit_code == 0, added.stderr
    generated = added.json()["password"]
    assert cli("admin", "users", "grant-admin", "carol@example.com").exit_code == 0
    listed = {u["email"]: u for u in cli("admin", "users", "list", "--json").json()}
    assert listed["carol@example.com"]["admin"] is True
    assert cli("admin", "users", "revoke-admin", "carol@example.com").exit_code == 0
    assert (
        cli(
            "admin", "users", "reset-password", "carol@example.com", "--password-stdin", input="carols-new-pass\n"
        ).exit_code
        == 0
    )
    error_message(cli("auth", "login", "--email", "carol@example.com", "--password-stdin", input=generated + "\n"), 1)
    assert (
        cli("auth", "login", "--email", "carol@example.com", "--password-stdin", input="carols-new-pass\n").exit_code
        == 0
    )
    assert cli("auth", "whoami", "--json").json()["is_admin"] is False
    cli("auth", "login", "--email", "ada@example.com", "--password-stdin", input=PASSWORD + "\n")
    role = superuser.execute("select role_name from auth.users where email = 'carol@example.com'").fetchone()[0]
    assert cli("admin", "users", "purge", "carol@example.com", "--yes").exit_code == 0
    assert superuser.execute("select count(*) from pg_roles where rolname = %s", (role,)).fetchone()[0] == 0
    assert (
        superuser.execute(
            "select count(*) from public.profiles p join auth.users u using (id) where u.email = 'carol@example.com'"
        ).fetchone()[0]
        == 0
    )


def test_admin_cannot_revoke_own_rights(cli, signed_up):
    assert "yourself" in error_message(cli("admin", "users", "ban", "ada@example.com"), 4)
    assert "own admin" in error_message(cli("admin", "users", "revoke-admin", "ada@example.com"), 4)


def test_account_delete_drops_role_and_data(cli, signed_up, superuser):
    cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    role = cli("auth", "whoami", "--json").json()["database_role"]
    error_message(cli("account", "delete"), 2)  # no --yes and no terminal
    assert cli("account", "delete", "--yes").exit_code == 0
    assert superuser.execute("select count(*) from auth.users where email = 'bob@example.com'").fetchone()[0] == 0
    assert superuser.execute("select count(*) from pg_roles where rolname = %s", (role,)).fetchone()[0] == 0
    assert superuser.execute("select count(*) from public.subdomain_settings").fetchone()[0] == 1
    assert "not logged in" in error_message(cli("auth", "whoami"), 1)


def test_profile_update_validates_and_enforces_unique_usernames(cli, signed_up):
    ok = cli("profile", "update", "--username", "ada", "--website", "https://ada.dev", "--json")
    assert ok.exit_code == 0, ok.stderr
    assert ok.json()["website"] == "https://ada.dev"
    assert "http" in error_message(cli("profile", "update", "--website", "javascript:alert(1)"), 2)
    cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert "taken" in error_message(cli("profile", "update", "--username", "ADA"), 5)
    assert cli("profile", "show", "--json").json()["username"] is None


def test_not_logged_in_commands_fail_cleanly(cli):
    for args in (("auth", "whoami"), ("profile", "show"), ("admin", "users", "list")):
        error_message(cli(*args), 1)


@pytest.mark.parametrize("args", [("auth", "whoami"), ("profile", "show")])
def test_debug_adds_the_traceback_and_keeps_the_exit_code(cli, args):
    plain, debug = cli(*args), cli("--debug", *args)
    assert debug.exit_code == plain.exit_code == 1
    assert "Traceback" in debug.stderr and debug.stderr.rstrip().endswith(plain.stderr.rstrip())


def test_the_user_list_service_returns_no_password_hashes(cli, signed_up):
    """Services return public shapes: the admin's user list carries no hash for a front end to leak."""
    from dataclasses import fields

    from blogster_cli.cli.state import acting_user, app_context
    from blogster_cli.services import accounts

    listed = accounts.list_users(acting_user(), ctx=app_context())
    assert [user.email for user in listed] == ["ada@example.com"]
    assert {"encrypted_password", "role_name"}.isdisjoint(field.name for field in fields(listed[0]))


def test_a_username_signup_cannot_keep_is_refused_not_dropped(cli):
    """`auth signup --username ab` created the account with no username, without a word."""
    bad = cli("auth", "signup", "--email", "ab@example.com", "--username", "ab", "--password-stdin",
              input=PASSWORD + "\n")  # fmt: skip
    error_message(bad, 2)
    ok = cli("auth", "signup", "--email", "ab@example.com", "--username", "abc", "--password-stdin",
             input=PASSWORD + "\n")  # fmt: skip
    assert ok.exit_code == 0, ok.stderr
    assert cli("profile", "show", "--json").json()["username"] == "abc"


def test_a_signup_with_a_taken_username_is_refused(cli):
    """A red team's `auth signup --username grace` (taken) made the account without a username
    and said nothing; it is refused as `profile update` refuses it, and no account is made."""
    first = cli("auth", "signup", "--email", "grace@example.com", "--username", "grace", "--password-stdin",
                input=PASSWORD + "\n")  # fmt: skip
    assert first.exit_code == 0, first.stderr
    taken = cli("auth", "signup", "--email", "v@example.com", "--username", "GRACE", "--password-stdin",
                input=PASSWORD + "\n")  # fmt: skip
    error_message(taken, 5)
    assert "username is taken" in taken.stderr
    again = cli("auth", "signup", "--email", "v@example.com", "--username", "vera", "--password-stdin",
                input=PASSWORD + "\n")  # fmt: skip
    assert again.exit_code == 0, again.stderr
