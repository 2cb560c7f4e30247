"""Who is acting: logging in and out, and resolving the acting user for a command.

Two ways to be someone, decided by the login the CLI has:
- *switching* (the embedded server, or a URL that logs in as a superuser): the CLI
  verifies the account's argon2 password once and keeps a random session token in
  the keyring (its SHA-256 in auth.sessions, expiring, revocable); each unit of
  work then switches to the account's role.
- *own login* (a shared server): the account's database role is the login, and its
  password (given once by an admin) is kept in the keyring.
BLOGSTER_EMAIL and BLOGSTER_PASSWORD (BLOGSTER_LOGIN on a shared server) override
both for cron jobs, without storing anything. A database URL that logs in as an account's own
login (its password kept with `config set database_url -`) acts as that account when nothing else
is given, as `doctor` checks it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from blogster_cli.actors import ActingUser, Actor, is_account_login
from blogster_cli.context import AppContext
from blogster_cli.db.acting import admin_unit_of_work
from blogster_cli.errors import AuthError, BlogsterError, ConfigError, InvalidInput, PermissionDenied
from blogster_cli.repositories import accounts

if TYPE_CHECKING:
    from uuid import UUID

    from argon2 import PasswordHasher

    from blogster_cli.db.connection import Database, LoginRefused

SESSION_KEY = "session"
LOGIN_KEY = "login"
PASSWORD_KEY = "password"
# The password `quickstart` generated for a local account (off a terminal, no email given).
GENERATED_PASSWORD_KEY = "generated-password"
BAD_CREDENTIALS = "wrong email or password"
WRONG_LOGIN = "wrong login or password"
# How an account's own login is written where a command names it (README: `auth login --login u_...`).
LOGIN_PLACEHOLDER = "u_..."
# A database set up with no account in it (`db migrate` alone): `quickstart` makes the first.
NO_ACCOUNT_YET = "no account here yet: run `blogster quickstart`"
# Verifying against this keeps an unknown email as slow as a wrong password.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$DbfmQlt4V5jsdS2aAFQllg$D3GCLSgbVO8IeqLulmAhpLvuToR1qNuUrPdy1Zs6cjc"


class NotLoggedIn(AuthError):
    """This profile has no session nor login ("not logged in; run: ..." with its `login_command`):
    the front end first checks that the profile exists."""


def login_command(ctx: AppContext) -> str:
    """How this profile logs in: `blogster auth login`, or `blogster --profile NAME auth login`
    (without the option it would log in the default profile)."""
    from blogster_cli.config import DEFAULT_PROFILE

    chosen = "" if ctx.profile == DEFAULT_PROFILE else f" --profile {ctx.profile}"
    return f"blogster{chosen} auth login"


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def _password_hasher() -> PasswordHasher:
    """argon2-cffi's default parameters (RFC 9106's low-memory profile), as _DUMMY_HASH uses."""
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    return _password_hasher().hash(password)


def check_password_strength(password: str) -> None:
    if len(password) < 8:
        raise InvalidInput("a password needs at least 8 characters")


def _verify_password(stored_hash: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _password_hasher().verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def _usable_account(account: accounts.AccountRow | None) -> accounts.AccountRow:
    if account is None or account.deleted_at is not None:
        raise AuthError(BAD_CREDENTIALS)
    if account.banned_until is not None and account.banned_until > datetime.now(UTC):
        raise AuthError(f"this account is banned until {account.banned_until:%Y-%m-%d %H:%M} UTC")
    return account


def _actor(account: accounts.AccountRow) -> Actor:
    return Actor(user_id=account.id, email=account.email, is_admin=account.is_admin)


def authenticate_password(ctx: AppContext, *, email: str, password: str) -> Actor:
    """Checks an email and password against auth.users (switching mode)."""
    with admin_unit_of_work(ctx.database) as conn:
        account = accounts.find_by_email(conn, email=email)
        if account is None and not accounts.has_accounts(conn):
            raise AuthError(NO_ACCOUNT_YET)
    if not _verify_password(account.encrypted_password if account else None, password):
        raise AuthError(BAD_CREDENTIALS)
    return _actor(_usable_account(account))


class OwnLoginFrom(StrEnum):
    """Where an account's own login and password came from: what a refusal's message names."""

    TYPED = "typed"  # `auth login --login`
    STORED = "stored"  # this profile's keyring
    ENVIRONMENT = "environment"  # BLOGSTER_LOGIN and BLOGSTER_PASSWORD
    URL = "url"  # the database URL's own login


def _authenticate_own_login(ctx: AppContext, login: str, password: str, given: OwnLoginFrom) -> ActingUser:
    """Logs in to a shared server as the account's own role."""
    return _own_login(ctx, ctx.database.for_login(login, password), login, given)


def _own_login(ctx: AppContext, user_db: Database, login: str, given: OwnLoginFrom) -> ActingUser:
    """The account whose own login `user_db` logs in as (`login`, given as `given` says)."""
    from blogster_cli.db.connection import LoginRefused
    from blogster_cli.errors import DatabaseUnavailable

    try:
        with admin_unit_of_work(user_db) as conn:
            row = accounts.own_login_identity(conn)
    except LoginRefused as refused:  # the server refused this login and password (or its LOGIN is gone: a ban)
        raise _own_login_refused(ctx, login, refused, given) from None
    except DatabaseUnavailable as exc:  # connecting failed: a failing query is AuthError above
        if "password authentication failed" in str(exc) or "role" in str(exc):
            raise AuthError(WRONG_LOGIN) from None
        raise
    if row is None:
        raise AuthError("this account has been deleted")
    return ActingUser(user_db, Actor(user_id=row[0], email=row[1], is_admin=row[2]), ctx.timeouts, own_login=True)


_LOGIN_SWITCHED_OFF = "is not permitted to log in"
"""PostgreSQL's words for a role without LOGIN (a ban; an account no longer on the server), said only
once the password was accepted: authentication comes first, so to someone without the password
a banned login reads as a wrong one."""
_WRONG_CREDENTIALS = ("password authentication failed", "does not exist")


def _own_login_refused(ctx: AppContext, login: str, refused: LoginRefused, given: OwnLoginFrom) -> BlogsterError:
    """Why the server refused an account's own login, as far as it tells: banned (its login switched
    off, which only the right password learns), or a wrong login or password, which for a password
    that worked before (stored, in the environment or the URL) most likely means an administrator
    reset it (`admin users reset-password`); anything else (pg_hba.conf) is the server's reason."""
    reason = str(refused)
    again = f"{login_command(ctx)} --login {login}"
    if _LOGIN_SWITCHED_OFF in reason:
        if refused.password_asked is False:  # any password would have been refused alike
            return _switched_off_unasked(ctx, login)
        return AuthError(_banned(login))
    if not any(words in reason for words in _WRONG_CREDENTIALS):
        return refused
    if given is OwnLoginFrom.TYPED:
        # A role with no login of its own has no password either: every password is wrong. Where this
        # profile's connection may read the account (a superuser URL), it says so instead.
        _, account = _account_of_login(ctx, login)
        if account is not None and not (account.can_log_in or account.deleted_at or account.banned_until):
            return _no_own_login(ctx, login, account)
        return AuthError(WRONG_LOGIN)
    if given is OwnLoginFrom.ENVIRONMENT:
        return AuthError(
            f"BLOGSTER_LOGIN and BLOGSTER_PASSWORD: {WRONG_LOGIN} (after an administrator's password reset,"
            " BLOGSTER_PASSWORD needs the new password)"
        )
    kept = "the password this profile keeps" if given is OwnLoginFrom.STORED else "the database URL's password"
    return AuthError(
        f"{kept} for {login} was refused: an administrator may have reset it (or it was changed elsewhere);"
        f" ask them for the new one, then run: {again}"
    )


def _banned(login: str) -> str:
    return f"{login} may not log in: the account is banned (or no longer on this server); ask your administrator"


def _switched_off_unasked(ctx: AppContext, login: str) -> BlogsterError:
    """Why a server that asked no password (the embedded server trusts its owner's socket) refused
    `login` for want of LOGIN: there the refusal tells nothing of the password, so not a ban either.
    Every account on the embedded server has no login of its own (its accounts log in with their
    email), as has one `auth signup` or `quickstart` made on a shared server's superuser URL. Where
    this profile's own connection may read the accounts (the embedded server's, a superuser URL),
    the account says which; elsewhere the message names both (exit 6 unless a ban: neither another
    password nor trying again changes it)."""
    by_email = f"{login_command(ctx)} --email"
    known, account = _account_of_login(ctx, login)
    if not known and ctx.database.names_the_embedded_server:  # its accounts never have one
        given = f" ({ctx.database.source})" if ctx.database.source else ""
        return ConfigError(
            f"{login} has no login of its own: the database URL{given} names the embedded"
            f" server, whose accounts log in with their email on its owner's connection ({by_email} EMAIL,"
            " without that URL)"
        )
    if not known:
        return ConfigError(
            f"{login} may not log in, and this server asked no password, so it cannot say why: the account"
            f" has no login of its own here (one made on an embedded server, or by `auth signup` or"
            f" `quickstart`, logs in with its email: {by_email} EMAIL), or it is banned; ask your administrator"
        )
    embedded = ctx.database.names_the_embedded_server
    if account is None or account.deleted_at is not None:
        return AuthError(_banned(login))
    if account.banned_until is not None and (not embedded or account.banned_until > datetime.now(UTC)):
        return AuthError(_banned(login))  # a shared server's ban closed the login until it is lifted
    return _no_own_login(ctx, login, account)


def _no_own_login(ctx: AppContext, login: str, account: accounts.AccountRow) -> ConfigError:
    """That `account`'s role has no login of its own, on this profile's superuser connection."""
    by_email = f"{login_command(ctx)} --email {account.email}"
    if ctx.database.names_the_embedded_server:
        return ConfigError(
            f"{login} has no login of its own: on the embedded server accounts log in with their email ({by_email})"
        )
    return ConfigError(
        f"{login} has no login of its own on this server (an account made by `auth signup` or `quickstart`, or"
        f" on an embedded server, has none): log in with its email on this administrator's connection"
        f" ({by_email}), or give it one (blogster admin users reset-password {account.email})"
    )


def _account_of_login(ctx: AppContext, login: str) -> tuple[bool, accounts.AccountRow | None]:
    """(True, the account whose role `login` is, or None) where this profile's own connection may read
    the accounts (a superuser: the embedded server's, an administrator's URL); (False, None) elsewhere."""
    from uuid import UUID

    embedded = ctx.database.embedded
    if not is_account_login(login) or ctx.database.login_name == login or (embedded and not embedded.is_running()):
        return False, None  # a stopped embedded server is not started for it: nothing logged in through it
    try:
        if not ctx.database.login_is_superuser:
            return False, None
        with admin_unit_of_work(ctx.database) as conn:
            return True, accounts.find_by_id(conn, user_id=UUID(login.removeprefix("u_")))
    except BlogsterError:
        return False, None


@dataclass(frozen=True)
class LoginResult:
    actor: Actor
    mode: str
    expires_at: datetime | None
    stored_in: str
    not_ended: str | None = None
    """Why the session this login replaced on the profile could not be ended on the database (it
    stays valid there until it expires), or None. Only an account's own login (`--login`) leaves one:
    an email login ends the session it replaces in the transaction that starts its own, or fails whole."""


def logs_in_with_own_login(ctx: AppContext) -> bool:
    """Whether accounts here log in with their own login (`--login u_...`), not an email: a database
    URL whose login may not switch to an account's role (a shared server's member URL)."""
    return not ctx.database.is_embedded and not _switching_possible(ctx)


def login(ctx: AppContext, *, email: str | None, password: str, login_name: str | None = None) -> LoginResult:
    """Verifies credentials and stores what later commands need in the keyring. The session the
    profile held is ended on the database, as `auth logout` ends it: forgotten only, it stayed valid
    there until it expired."""
    store = ctx.credentials
    replaced = store.get(SESSION_KEY)
    if login_name or logs_in_with_own_login(ctx):
        if not login_name:  # an email is no database login: said before asking the server anything
            raise InvalidInput(_own_login_needed(ctx))
        acting = _authenticate_own_login(ctx, login_name, password, OwnLoginFrom.TYPED)
        with admin_unit_of_work(acting.db) as conn:  # its own login: acting as itself, no switch
            accounts.record_own_sign_in(conn)
        not_ended = None if replaced is None else _end_session(ctx, replaced)
        store.delete(SESSION_KEY)
        store.set(LOGIN_KEY, login_name)
        store.set(PASSWORD_KEY, password)
        return LoginResult(acting.actor, "own login", None, store.backend_name, not_ended)
    if not email:
        raise InvalidInput("--email is required")
    actor = authenticate_password(ctx, email=email, password=password)
    token = secrets.token_urlsafe(32)
    expires_at = datetime.now(UTC) + timedelta(days=ctx.settings.session_days)
    with admin_unit_of_work(ctx.database) as conn:
        accounts.insert_session(conn, user_id=actor.user_id, token_hash=token_hash(token), expires_at=expires_at)
        accounts.record_sign_in(conn, user_id=actor.user_id)
        if replaced is not None:  # ends with the new one's start: one transaction
            accounts.revoke_session(conn, token_hash=token_hash(replaced))
    store.delete(LOGIN_KEY)
    store.delete(PASSWORD_KEY)
    store.set(SESSION_KEY, token)
    return LoginResult(actor, "session", expires_at, store.backend_name)


def _own_login_needed(ctx: AppContext) -> str:
    """How to log in on a shared server, where each account logs in as its own database login."""
    return (
        f"on a shared server accounts log in with their own login, not an email: {how_to_log_in(ctx)}"
        " (the login your administrator gave you with your password)"
    )


def how_to_log_in(ctx: AppContext) -> str:
    """The command that logs this profile in: with a database URL, `--login u_...` as a shared
    server's members log in (its administrator's superuser URL takes `--email`: which one the URL
    is would take asking its server)."""
    own = f" --login {LOGIN_PLACEHOLDER}" if ctx.settings.database_url else ""
    return f"{login_command(ctx)}{own}"


def _switching_possible(ctx: AppContext) -> bool:
    from blogster_cli.db.connection import LoginRefused
    from blogster_cli.errors import DatabaseUnavailable

    try:
        return ctx.database.login_is_superuser
    except (DatabaseUnavailable, LoginRefused):  # a URL without a login of its own: users log in as themselves
        return False


@dataclass(frozen=True)
class LogoutResult:
    had_credentials: bool
    """Whether this profile had a session or a login stored (False: it was not logged in)."""
    not_ended: str | None = None
    """Why the stored session could not be ended on the database (it stays valid there until it
    expires), or None."""
    still_acting: str | None = None
    """Why commands on this profile still act as an account (its database URL logs in as the
    account's own login, which no keyring entry of the profile's login holds), with how to stop
    that, or None."""


def logout(ctx: AppContext) -> LogoutResult:
    """Revokes the stored session and forgets stored credentials. The credentials are forgotten
    whatever the database says: logging out must work on a database that is unreachable, not set
    up, or older than this Blogster (the revocation is one UPDATE of auth.sessions, which every
    schema has: `auth logout` is among cli/state.SCHEMA_COMMANDS). A database URL that logs in as
    an account's own login stays: it is a setting (or a variable, an option), the server's address
    with it, which `config unset` removes, not a login to forget."""
    store = ctx.credentials
    token = store.get(SESSION_KEY)
    had_any = token is not None or store.get(PASSWORD_KEY) is not None
    not_ended = None
    embedded = ctx.database.embedded
    if token is not None and (embedded is None or embedded.is_initialized()):  # no server made only to log out
        not_ended = _end_session(ctx, token)
    logout_quietly(ctx)
    url_login = _url_own_login(ctx)
    return LogoutResult(had_any, not_ended, None if url_login is None else _url_still_acting(ctx, url_login))


def _end_session(ctx: AppContext, token: str) -> str | None:
    """Revokes the session of a stored `token` on the database; why it could not, or None."""
    try:
        with admin_unit_of_work(ctx.database) as conn:
            accounts.revoke_session(conn, token_hash=token_hash(token))
    except BlogsterError as exc:
        return str(exc)
    return None


def _url_still_acting(ctx: AppContext, login: str) -> str:
    """That the database URL still acts as `login`, and how to stop it where the URL comes from."""
    from blogster_cli.config import DEFAULT_PROFILE, ENV_OVERRIDES

    where = ctx.settings.source_of("database_url")
    if where == ENV_OVERRIDES["database_url"]:
        stop = f"unset {where} (or give it a URL without the login)"
    elif where == "--database-url":
        stop = "give --database-url without the login"
    else:
        chosen = "" if ctx.profile == DEFAULT_PROFILE else f" --profile {ctx.profile}"
        stop = f"run: blogster{chosen} config unset database_url (its password leaves the keyring too)"
    return (
        f"commands on this profile still act as {login}: the database URL ({where}) logs in as that account's"
        f" own login; to stop that, {stop}"
    )


def logged_in_account(ctx: AppContext) -> UUID | None:
    """The account this machine's profile acts as (the workers' operator), or None when none can."""
    try:
        return current_user(ctx).actor.user_id
    except AuthError:
        return None


def current_user(ctx: AppContext) -> ActingUser:
    """The acting user for this command, or AuthError with what to do about it."""
    env_password = os.environ.get("BLOGSTER_PASSWORD")
    env_login = os.environ.get("BLOGSTER_LOGIN")
    env_email = os.environ.get("BLOGSTER_EMAIL")
    if env_password and env_login:
        return _authenticate_own_login(ctx, env_login, env_password, OwnLoginFrom.ENVIRONMENT)
    if env_password and env_email:
        from blogster_cli.db.connection import LoginRefused

        try:
            actor = authenticate_password(ctx, email=env_email, password=env_password)
        except LoginRefused as refused:  # a shared server's URL without the administrator's login
            raise ConfigError(
                f"{refused}: BLOGSTER_EMAIL signs in through the administrator's connection; on a shared"
                f" server give your own login instead: BLOGSTER_LOGIN={LOGIN_PLACEHOLDER} with BLOGSTER_PASSWORD"
            ) from None
        except PermissionDenied as exc:
            raise _switching_refused(
                ctx, exc, "signing in with BLOGSTER_EMAIL",
                "or give that login and its password as BLOGSTER_LOGIN and BLOGSTER_PASSWORD",
            ) from None  # fmt: skip
        return ActingUser(ctx.database, actor, ctx.timeouts)

    store = ctx.credentials
    token = store.get(SESSION_KEY)
    if token is not None:
        found = _session_of(ctx, token)
        if found is None:
            raise AuthError(f"your session has ended; run: {login_command(ctx)}")
        account, expires_at = found
        if expires_at <= datetime.now(UTC):
            raise AuthError(f"your session has expired; run: {login_command(ctx)}")
        if account.deleted_at is not None:
            raise AuthError(f"your session has ended; run: {login_command(ctx)}")
        return ActingUser(ctx.database, _actor(_usable_account(account)), ctx.timeouts)

    login_name, password = store.get(LOGIN_KEY), store.get(PASSWORD_KEY)
    if login_name and password:
        return _authenticate_own_login(ctx, login_name, password, OwnLoginFrom.STORED)
    url_login = _url_own_login(ctx)
    if url_login is not None:
        return _own_login(ctx, ctx.database, url_login, OwnLoginFrom.URL)
    raise _not_logged_in(ctx)


def _url_own_login(ctx: AppContext) -> str | None:
    """The account login the database URL logs in as (`postgresql://u_...:pw@host/db`, its password
    kept in the keyring by `config set database_url -`), or None: no URL, or another login."""
    if not ctx.settings.database_url:
        return None
    user = ctx.database.login_name
    return user if user is not None and is_account_login(user) else None


def _not_logged_in(ctx: AppContext) -> BlogsterError:
    """NotLoggedIn naming `auth login` (with a database URL, `--login u_...` as a shared server's
    members log in, and `--email` for its administrator: which one the URL is would take asking its
    server); on a machine where the embedded database is not set up yet (not created, or holding no
    account), what sets it up instead: `blogster quickstart`, README's first command, as NotSetUp
    (exit 6) like every command there, or NotLoggedIn. A stopped server is not started for it, nor a
    database URL's server asked."""
    from blogster_cli.db.schema_version import NOT_SET_UP
    from blogster_cli.errors import DatabaseUnavailable, NotSetUp

    embedded = None if ctx.settings.database_url else ctx.database.embedded
    if embedded is not None and not embedded.is_initialized():
        return NotSetUp(NOT_SET_UP)
    if embedded is not None and embedded.is_running():
        try:
            with admin_unit_of_work(ctx.database) as conn:  # its first connection checks the schema
                if not accounts.has_accounts(conn):
                    return NotLoggedIn(NO_ACCOUNT_YET)
        except DatabaseUnavailable:
            pass
    if ctx.settings.database_url:  # a server's URL: its members log in with their own login, its admin by email
        return NotLoggedIn(
            f"not logged in; run: {how_to_log_in(ctx)} (on a shared server, the login your administrator"
            " gave you; with the administrator's superuser URL: --email EMAIL)"
        )
    return NotLoggedIn(f"not logged in; run: {login_command(ctx)}")


def refuse_unknown_profile(ctx: AppContext) -> None:
    """InvalidInput when this profile has neither settings nor stored secrets (`default` always
    exists): a mistyped --profile is named as one, with the closest profile there is, rather than
    read as "not logged in". A new profile starts with `auth login`, `auth signup` or `config set`."""
    from blogster_cli.config import DEFAULT_PROFILE, profile_names
    from blogster_cli.suggestions import close_matches, did_you_mean

    known = profile_names() | ctx.credentials.known_profiles() | {DEFAULT_PROFILE}
    if ctx.profile in known:
        return
    hint = did_you_mean(close_matches(ctx.profile, known, most=1))
    raise InvalidInput(
        f"no profile {ctx.profile!r}{hint}; profiles: {', '.join(sorted(known))}"
        f" (a new one starts with: {how_to_log_in(ctx)})"
    )


def session_email(ctx: AppContext) -> str | None:
    """The email of the account this profile's stored session is for, expired or not (None: no
    session, or it was revoked, or its account is gone): whose profile this is."""
    token = ctx.credentials.get(SESSION_KEY)
    found = None if token is None else _session_of(ctx, token)
    return None if found is None or found[0].deleted_at is not None else found[0].email


def _session_of(ctx: AppContext, token: str) -> tuple[accounts.AccountRow, datetime] | None:
    """The account behind a stored session token, with the session's expiry (None: revoked or unknown)."""
    try:
        with admin_unit_of_work(ctx.database) as conn:
            return accounts.account_for_session(conn, token_hash=token_hash(token))
    except PermissionDenied as exc:
        raise _switching_refused(
            ctx, exc, "this profile's session",
            "or use that login on a profile of its own (blogster --profile NAME auth login --login {login})",
        ) from None  # fmt: skip


def _switching_refused(ctx: AppContext, exc: PermissionDenied, what: str, remedy: str) -> BlogsterError:
    """Why `what` (a stored session, BLOGSTER_EMAIL) failed when the database URL's login may not read
    the accounts: it signs in by switching to the account's role, which only the administrator's
    login (a superuser) may do, and the URL logs in as another login (an account's own, say). The
    ConfigError names that login; `exc` itself when the login is a superuser after all."""
    from blogster_cli.db.rows import scalar

    try:
        if ctx.database.login_is_superuser:
            return exc
        with admin_unit_of_work(ctx.database) as conn:
            login = scalar(conn.execute("select current_user"), str)
    except BlogsterError:
        return exc
    given = f" given by {ctx.database.source}" if ctx.database.source else ""
    return ConfigError(
        f"{what} needs the administrator's connection (superuser), but the database URL{given} logs in as"
        f" {login}, which is not a superuser: give the administrator's URL, {remedy.format(login=login)}"
    )


def logout_quietly(ctx: AppContext) -> None:
    """Forgets stored credentials without touching the database (the account is gone)."""
    for key in (SESSION_KEY, LOGIN_KEY, PASSWORD_KEY):
        ctx.credentials.delete(key)


def forget_account(ctx: AppContext, *, role_name: str, token_hashes: set[bytes]) -> None:
    """Removes, from every profile of this OS user, the secrets that log in as this account:
    session tokens among `token_hashes`, and a shared-server login named `role_name`."""
    from blogster_cli.credentials import CredentialStore

    for profile in sorted(ctx.credentials.known_profiles() | {ctx.profile}):
        store = ctx.credentials if profile == ctx.profile else CredentialStore(profile)
        token = store.get(SESSION_KEY)
        if token is not None and token_hash(token) in token_hashes:
            store.delete(SESSION_KEY)
        if store.get(LOGIN_KEY) == role_name:
            store.delete(LOGIN_KEY)
            store.delete(PASSWORD_KEY)
