"""A fresh machine (a new BLOGSTER_HOME, nothing set up) is pointed at `blogster quickstart`,
README's first command (h326, new-user walk L7): `posts list` and `tui` said "not logged in; run:
blogster auth login", and that login then said "the database is older than this Blogster: run
`blogster db migrate`"."""

from __future__ import annotations

import pytest

from blogster_cli.config import home_dir
from blogster_cli.db.embedded import EmbeddedServer
from tests.cli.conftest import PASSWORD
from tests.cli.test_tui_cli import on_a_terminal  # noqa: F401 (a fixture)

NOT_SET_UP = "error: no Blogster database here yet: run `blogster quickstart`\n"
NO_ACCOUNT = "error: no account here yet: run `blogster quickstart`\n"


@pytest.fixture
def embedded(cli, monkeypatch):
    """`cli` on the embedded database of the test's own BLOGSTER_HOME (not the test server's URL);
    a server started meanwhile is destroyed at the end."""
    monkeypatch.delenv("BLOGSTER_DATABASE_URL")
    server = EmbeddedServer(home_dir())
    yield server
    if server.is_initialized():
        server.destroy()


def test_commands_on_a_fresh_machine_name_quickstart_and_create_nothing(cli, embedded, on_a_terminal):  # noqa: F811
    login = ("auth", "login", "--email", "ada@example.com", "--password-stdin")
    for command in (("posts", "list"), login, ("auth", "signup", *login[2:]), ("tui",)):
        result = cli(*command, input=PASSWORD + "\n")
        assert (result.exit_code, result.stdout, result.stderr) == (6, "", NOT_SET_UP), command
    zone = cli("config", "set", "timezone", "Europe/Paris")  # nobody's preferences to follow it: no note
    assert zone.exit_code == 0 and "note" not in zone.stdout + zone.stderr
    assert not embedded.is_initialized()  # no server was created only to say so


def test_a_database_without_an_account_names_quickstart(cli, embedded):
    assert cli("db", "migrate").exit_code == 0  # set up by hand, with no account
    listed = cli("posts", "list")
    assert (listed.exit_code, listed.stderr) == (1, NO_ACCOUNT)
    login = cli("auth", "login", "--email", "ada@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert (login.exit_code, login.stderr) == (1, NO_ACCOUNT)
    started = cli("quickstart", "--email", "ada@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert started.exit_code == 0, started.stderr
    assert cli("auth", "logout").exit_code == 0
    logged_out = cli("posts", "list")
    assert (logged_out.exit_code, logged_out.stderr) == (1, "error: not logged in; run: blogster auth login\n")


def test_logout_with_no_database_here_forgets_the_credentials_and_creates_nothing(cli, embedded):
    """`auth logout` takes any database state (cli/state.SCHEMA_COMMANDS): with none here (its cluster
    removed), it forgets what the profile stores and makes no server only to end the session in."""
    from blogster_cli.credentials import CredentialStore

    CredentialStore("default").set("session", "a-token-of-a-database-since-removed")
    logout = cli("auth", "logout", "--json")
    assert (logout.exit_code, logout.stderr) == (0, "")
    assert logout.json() == {"profile": "default", "logged_out": True, "session_still_valid": False}
    assert CredentialStore("default").get("session") is None
    assert not embedded.is_initialized()
