"""Which message a refused own login gets (new-user walk 12, M3 b, c, d): PostgreSQL says a role
without LOGIN "is not permitted to log in" only once its password was accepted, so a ban is told
to whoever has the password and to nobody else; a wrong password that worked before (kept in the
keyring, the environment or the database URL) most likely means an administrator reset it, and
the message says how to log in again. No server needed: the refusals are PostgreSQL's words."""

from __future__ import annotations

import pytest

from blogster_cli.context import AppContext
from blogster_cli.db.connection import LoginRefused
from blogster_cli.errors import AuthError
from blogster_cli.services.sessions import WRONG_LOGIN, NotLoggedIn, OwnLoginFrom, _not_logged_in, _own_login_refused

LOGIN = "u_" + "0123456789abcdef" * 2
REFUSED = "the database refused the login: "
BANNED = LoginRefused(f'{REFUSED}role "{LOGIN}" is not permitted to log in')
WRONG_PASSWORD = LoginRefused(f'{REFUSED}password authentication failed for user "{LOGIN}"')
NO_SUCH_ROLE = LoginRefused(f'{REFUSED}role "{LOGIN}" does not exist')  # a server that trusts the socket
AGAIN = f"then run: blogster --profile work auth login --login {LOGIN}"


@pytest.fixture
def work() -> AppContext:
    return AppContext(profile="work")


@pytest.mark.parametrize("given", list(OwnLoginFrom))
def test_a_login_switched_off_is_said_to_be_banned_whatever_gave_it(work, given):
    said = _own_login_refused(work, LOGIN, BANNED, given)
    assert isinstance(said, AuthError)
    assert (
        str(said)
        == f"{LOGIN} may not log in: the account is banned (or no longer on this server); ask your administrator"
    )


@pytest.mark.parametrize("refusal", [WRONG_PASSWORD, NO_SUCH_ROLE])
def test_a_typed_wrong_login_or_password_says_only_that(work, refusal):
    said = _own_login_refused(work, LOGIN, refusal, OwnLoginFrom.TYPED)
    assert isinstance(said, AuthError) and str(said) == WRONG_LOGIN


@pytest.mark.parametrize(
    ("given", "kept"),
    [(OwnLoginFrom.STORED, "the password this profile keeps"), (OwnLoginFrom.URL, "the database URL's password")],
)
def test_a_password_that_worked_before_names_a_reset_and_how_to_log_in_again(work, given, kept):
    said = str(_own_login_refused(work, LOGIN, WRONG_PASSWORD, given))
    assert said.startswith(f"{kept} for {LOGIN} was refused: an administrator may have reset it")
    assert said.endswith(AGAIN)


def test_the_environments_password_is_named_as_the_one_to_change(work):
    said = str(_own_login_refused(work, LOGIN, WRONG_PASSWORD, OwnLoginFrom.ENVIRONMENT))
    assert said.startswith(f"BLOGSTER_LOGIN and BLOGSTER_PASSWORD: {WRONG_LOGIN}") and "new password" in said


def test_a_refusal_for_anything_else_is_the_servers_own_reason(work):
    hba = LoginRefused(f'{REFUSED}no pg_hba.conf entry for host "10.0.0.9", user "{LOGIN}", database "blog"')
    assert _own_login_refused(work, LOGIN, hba, OwnLoginFrom.STORED) is hba


def test_not_logged_in_with_a_database_url_names_the_login_option():
    """A profile with a server's URL: its members log in with --login, which `auth login` alone does
    not ask for; the server is not asked which kind of URL it is."""
    said = _not_logged_in(AppContext(profile="work", database_url="postgresql://blog.example:1/blog"))
    assert isinstance(said, NotLoggedIn)
    assert str(said).startswith("not logged in; run: blogster --profile work auth login --login u_... (on a shared")
    assert str(said).endswith("with the administrator's superuser URL: --email EMAIL)")
