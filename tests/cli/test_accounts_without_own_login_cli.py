"""An account whose database role has no login of its own is said to have none (new-user walk, h383).

On the embedded server no account has one (its owner's socket acts as each by switching roles; it
logs in with its email), nor on a shared server one made by `auth signup` or `quickstart` on the
administrator's superuser URL. `admin users add` printed `login u_...` on the embedded server,
`admin users reset-password` printed the login of a role it left unable to log in, and `auth login
--login` of such a login blamed a ban that did not exist (exit 1).

The in-process tests run on the test server through its superuser URL: a shared server, as the
commands see it. The embedded ones run the real entry point on a fresh home of their own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from blogster_cli.db.embedded import EmbeddedServer
from tests.cli.conftest import PASSWORD, database_url, error_message

NEW_PASSWORD = "cara-new-password"


def admins_url_login(cli, login: str, password: str, profile: str = "cara"):
    return cli("--profile", profile, "auth", "login", "--login", login, "--password-stdin", input=password + "\n")


def members_url_login(cli, db, login: str, password: str, profile: str = "cara"):
    """As a shared server's member logs in: a URL naming no login, the account's own login typed."""
    return cli("--database-url", database_url(db, user=None), "--profile", profile, "auth", "login", "--login", login,
               "--password-stdin", input=password + "\n")  # fmt: skip


@pytest.fixture
def cara(cli, signed_up) -> dict:
    """cara, made by `auth signup` on the superuser URL: her role has no login of its own."""
    made = cli("--profile", "cara", "auth", "signup", "--email", "cara@example.com", "--password-stdin",
               input=PASSWORD + "\n" + PASSWORD + "\n")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    return {row["email"]: row for row in cli("admin", "users", "list", "--json").json()}["cara@example.com"]


def test_the_user_list_says_which_logins_can_log_in(cli, cara):
    added = cli("admin", "users", "add", "dan@example.com", "--json")
    assert added.exit_code == 0, added.stderr
    assert added.json()["can_log_in"] is True
    listed = {row["email"]: row for row in cli("admin", "users", "list", "--json").json()}
    assert cara["login"].startswith("u_") and cara["can_log_in"] is False
    assert listed["dan@example.com"]["can_log_in"] is True
    table = cli("admin", "users", "list", "--format", "csv").stdout.splitlines()
    assert table[0].split(",")[:3] == ["email", "login", "can_log_in"]


def test_an_own_login_of_an_account_without_one_is_not_called_banned(cli, cara):
    """On the administrator's URL the account is read: no ban, no login of its own (exit 6)."""
    said = error_message(admins_url_login(cli, cara["login"], PASSWORD), 6)
    assert said == (
        f"{cara['login']} has no login of its own on this server (an account made by `auth signup` or `quickstart`,"
        " or on an embedded server, has none): log in with its email on this administrator's connection"
        " (blogster --profile cara auth login --email cara@example.com), or give it one (blogster admin users"
        " reset-password cara@example.com)"
    )


def test_a_password_reset_on_a_shared_server_gives_the_login_its_password(cli, db, cara):
    reset = cli("admin", "users", "reset-password", cara["email"], "--password-stdin", "--json",
                input=NEW_PASSWORD + "\n")  # fmt: skip
    assert reset.exit_code == 0, reset.stderr
    assert reset.json() == {"email": cara["email"], "login": cara["login"], "password": None, "can_log_in": True}
    logged_in = members_url_login(cli, db, cara["login"], NEW_PASSWORD)
    assert logged_in.exit_code == 0, logged_in.stderr
    listed = {row["email"]: row for row in cli("admin", "users", "list", "--json").json()}
    assert listed[cara["email"]]["can_log_in"] is True


def test_a_banned_accounts_login_stays_closed_after_a_reset_until_the_ban_is_lifted(cli, db, cara):
    assert cli("admin", "users", "ban", cara["email"]).exit_code == 0
    reset = cli("admin", "users", "reset-password", cara["email"], "--password-stdin", input=NEW_PASSWORD + "\n")
    assert reset.exit_code == 0, reset.stderr
    assert reset.stderr == (
        f"Password for {cara['email']} (login {cara['login']}) changed.\n"
        f"{cara['login']} stays closed while {cara['email']} is banned: the ban's end, or lifting it (blogster admin"
        f" users ban {cara['email']} --lift), opens it, with this password\n"
    )
    banned = f"{cara['login']} may not log in: the account is banned (or no longer on this server)"
    assert error_message(admins_url_login(cli, cara["login"], NEW_PASSWORD), 1).startswith(banned)
    assert cli("admin", "users", "ban", cara["email"], "--lift").exit_code == 0
    logged_in = members_url_login(cli, db, cara["login"], NEW_PASSWORD)
    assert logged_in.exit_code == 0, logged_in.stderr


def test_lifting_a_ban_leaves_closed_a_login_without_a_password(cli, cara, superuser):
    """Red team 47: `ban --lift` gave LOGIN to cara's role, which has no password (`auth signup`), where
    the ban's end leaves it closed: it logged in wherever the server asks no password."""
    for ban in (["--days", "2"], ["--lift"]):
        banned = cli("admin", "users", "ban", cara["email"], *ban)
        assert (banned.exit_code, banned.stderr) == (0, f"{'Lifted the ban on' if ban == ['--lift'] else 'Banned'}"
                                                        f" {cara['email']}.\n")  # fmt: skip
    login = superuser.execute("select rolcanlogin, rolpassword is not null from pg_authid where rolname = %s",
                              (cara["login"],)).fetchone()  # fmt: skip
    assert login == (False, False)
    listed = {row["email"]: row for row in cli("admin", "users", "list", "--json").json()}
    assert listed[cara["email"]]["can_log_in"] is False and listed[cara["email"]]["banned_until"] is None


# -- the embedded server ---------------------------------------------------------------------------------


def blogster(home, *args: str, input: str | None = None, env: dict[str, str] | None = None):
    environment = {**os.environ, "BLOGSTER_HOME": str(home),
                   "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", **(env or {})}  # fmt: skip
    if not env or "BLOGSTER_DATABASE_URL" not in env:
        environment.pop("BLOGSTER_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "blogster_cli", *args], input=input, capture_output=True,
                          text=True, env=environment, timeout=180)  # fmt: skip


def one_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    return result.stderr.removeprefix("error: ").rstrip("\n")


@pytest.fixture(scope="module")
def embedded_home(tmp_path_factory):
    """A fresh home: its embedded server migrated, ada signed up (its administrator), dan and eve added."""
    home = tmp_path_factory.mktemp("embedded-logins")
    assert blogster(home, "db", "migrate").returncode == 0
    signed = blogster(home, "auth", "signup", "--email", "ada@example.com", "--password-stdin",
                      input=PASSWORD + "\n" + PASSWORD + "\n")  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    for email in ("dan@example.com", "eve@example.com"):
        assert blogster(home, "admin", "users", "add", email).returncode == 0
    yield home
    EmbeddedServer(home).destroy()


def test_an_account_added_on_the_embedded_server_is_shown_without_a_login(embedded_home):
    added = blogster(embedded_home, "admin", "users", "add", "fay@example.com")
    assert added.returncode == 0, added.stderr
    assert "login" not in added.stdout and "fay@example.com" in added.stdout and "password" in added.stdout
    assert added.stderr == (
        "fay@example.com logs in with its email (blogster auth login --email fay@example.com): on the embedded"
        " server accounts have no login of their own\n"
    )
    as_json = json.loads(blogster(embedded_home, "admin", "users", "add", "gus@example.com", "--json").stdout)
    assert as_json["login"].startswith("u_") and as_json["can_log_in"] is False
    listed = json.loads(blogster(embedded_home, "admin", "users", "list", "--json").stdout)
    assert len(listed) >= 5 and not any(row["can_log_in"] for row in listed)


def test_a_password_reset_on_the_embedded_server_says_the_account_logs_in_with_its_email(embedded_home):
    reset = blogster(embedded_home, "admin", "users", "reset-password", "eve@example.com", "--password-stdin",
                     input=NEW_PASSWORD + "\n")  # fmt: skip
    assert reset.returncode == 0, reset.stderr
    assert reset.stderr == (
        "Password for eve@example.com changed.\neve@example.com logs in with its email (blogster auth login"
        " --email eve@example.com): on the embedded server accounts have no login of their own\n"
    )
    as_json = blogster(embedded_home, "admin", "users", "reset-password", "eve@example.com", "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert "login" in json.loads(as_json.stdout) and json.loads(as_json.stdout)["can_log_in"] is False
    again = blogster(embedded_home, "--profile", "eve", "auth", "login", "--email", "eve@example.com",
                     "--password-stdin", input=json.loads(as_json.stdout)["password"] + "\n")  # fmt: skip
    assert again.returncode == 0, again.stderr


def test_an_own_login_on_the_embedded_server_is_told_to_log_in_with_the_email(embedded_home):
    dan = {row["email"]: row for row in json.loads(blogster(embedded_home, "admin", "users", "list", "--json").stdout)}
    login = dan["dan@example.com"]["login"]
    typed = blogster(embedded_home, "--profile", "dan", "auth", "login", "--login", login, "--password-stdin",
                     input="any-password-1\n")  # fmt: skip
    assert one_error(typed, 6) == (
        f"{login} has no login of its own: on the embedded server accounts log in with their email"
        " (blogster --profile dan auth login --email dan@example.com)"
    )
    dsn = blogster(embedded_home, "db", "dsn").stdout.strip()
    url = dsn.replace("postgresql://postgres@", f"postgresql://{login}@")
    through_url = blogster(embedded_home, "--profile", "dan", "auth", "login", "--login", login, "--password-stdin",
                           input="any-password-1\n", env={"BLOGSTER_DATABASE_URL": url})  # fmt: skip
    assert one_error(through_url, 6) == (
        f"{login} has no login of its own: the database URL (BLOGSTER_DATABASE_URL) names the embedded server, whose"
        " accounts log in with their email on its owner's connection (blogster --profile dan auth login --email"
        " EMAIL, without that URL)"
    )
    assert blogster(embedded_home, "admin", "users", "ban", "dan@example.com").returncode == 0
    banned = blogster(embedded_home, "--profile", "dan", "auth", "login", "--login", login, "--password-stdin",
                      input="any-password-1\n")  # fmt: skip
    assert one_error(banned, 1).startswith(f"{login} may not log in: the account is banned")


def test_the_embedded_servers_url_gives_no_account_a_login_of_its_own(embedded_home):
    """`db dsn`'s URL names the embedded server as its own connection does (red team 46, F4): through
    it, `reset-password`, `add` and `ban --lift` gave the account's role LOGIN and said can_log_in."""
    dsn = {"BLOGSTER_DATABASE_URL": blogster(embedded_home, "db", "dsn").stdout.strip()}
    reset = blogster(embedded_home, "admin", "users", "reset-password", "eve@example.com", "--json", env=dsn)
    assert reset.returncode == 0, reset.stderr
    assert json.loads(reset.stdout)["can_log_in"] is False
    added = blogster(embedded_home, "admin", "users", "add", "hal@example.com", "--json", env=dsn)
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["can_log_in"] is False
    for ban in (["--days", "1"], ["--lift"]):
        banned = blogster(embedded_home, "admin", "users", "ban", "hal@example.com", *ban, env=dsn)
        assert banned.returncode == 0, banned.stderr
    listed = json.loads(blogster(embedded_home, "admin", "users", "list", "--json", env=dsn).stdout)
    assert {"eve@example.com", "hal@example.com"} <= {row["email"] for row in listed}
    assert not any(row["can_log_in"] for row in listed)
