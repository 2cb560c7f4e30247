"""Who is acting: logging in and out, and resolving the acting user for a command.

Two ways to be someone, decided by the login the CLI has:
- *switching* (the embedded server, or a URL that logs in as a superuser): the CLI
  verifies the account's argon2 password once and keeps a random session token in
  the keyring (its SHA-256 in auth.sessions, expiring, revocable); each unit of
  work then switches to the account's role.
- *own login* (a shared server): the account's database role is the login, and its
  password (given once by an admin) is kept in the keyring.
BLOGSTER_EMAIL and BLOGSTER_PASSWORD (BLOGSTER_LOGIN on a shared server) override
both for cron jobs, without storing anything.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from blogster_cli.actors import ActingUser, Actor
from blogster_cli.context import AppContext
from blogster_cli.db.acting import admin_unit_of_work
from blogster_cli.errors import AuthError, BlogsterError, ConfigError, InvalidInput, PermissionDenied
from blogster_cli.repositories import accounts

if TYPE_CHECKING:
    from uuid import UUID

    from argon2 import PasswordHasher

SESSION_KEY = "session"
LOGIN_KEY = "login"
PASSWORD_KEY = "password"
# The password `quickstart` generated for a local account (off a terminal, no email given).
GENERATED_PASSWORD_KEY = "generated-password"
BAD_CREDENTIALS = "wrong email or password"
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


def _authenticate_own_login(ctx: AppContext, login: str, password: str) -> ActingUser:
    """Logs in to a shared server as the account's own role."""
    from blogster_cli.db.connection import LoginRefused
    from blogster_cli.errors import DatabaseUnavailable

    user_db = ctx.database.for_login(login, password)
    try:
        with admin_unit_of_work(user_db) as conn:
            row = accounts.own_login_identity(conn)
    except LoginRefused:  # the server refused this login and password (or its LOGIN is gone: a ban)
        raise AuthError("wrong login or password") from None
    except DatabaseUnavailable as exc:  # connecting failed: a failing query is AuthError above
        if "password authentication failed" in str(exc) or "role" in str(exc):
            raise AuthError("wrong login or password") from None
        raise
    if row is None:
        raise AuthError("this account has been deleted")
    return ActingUser(user_db, Actor(user_id=row[0], email=row[1], is_admin=row[2]), ctx.timeouts, own_login=True)


@dataclass(frozen=True)
class LoginResult:
    actor: Actor
    mode: str
    expires_at: datetime | None
    stored_in: str


def login(ctx: AppContext, *, email: str | None, password: str, login_name: str | None = None) -> LoginResult:
    """Verifies credentials and stores what later commands need in the keyring."""
    store = ctx.credentials
    if login_name or not ctx.database.is_embedded and not _switching_possible(ctx):
        name = login_name or email
        if not name:
            raise InvalidInput("on a shared server, log in with --login NAME (given by your admin)")
        acting = _authenticate_own_login(ctx, name, password)
        store.delete(SESSION_KEY)
        store.set(LOGIN_KEY, name)
        store.set(PASSWORD_KEY, password)
        return LoginResult(acting.actor, "own login", None, store.backend_name)
    if not email:
        raise InvalidInput("--email is required")
    actor = authenticate_password(ctx, email=email, password=password)
    token = secrets.token_urlsafe(32)
    expires_at = datetime.now(UTC) + timedelta(days=ctx.settings.session_days)
    with admin_unit_of_work(ctx.database) as conn:
        accounts.insert_session(conn, user_id=actor.user_id, token_hash=token_hash(token), expires_at=expires_at)
        accounts.record_sign_in(conn, user_id=actor.user_id)
    store.delete(LOGIN_KEY)
    store.delete(PASSWORD_KEY)
    store.set(SESSION_KEY, token)
    return LoginResult(actor, "session", expires_at, store.backend_name)


def _switching_possible(ctx: AppContext) -> bool:
    from blogster_cli.db.connection import LoginRefused
    from blogster_cli.errors import DatabaseUnavailable

    try:
        return ctx.database.login_is_superuser
    except (DatabaseUnavailable, LoginRefused):  # a URL without a login of its own: users log in as themselves
        return False


def logout(ctx: AppContext) -> bool:
    """Revokes the stored session and forgets stored credentials; False if none were stored."""
    store = ctx.credentials
    token = store.get(SESSION_KEY)
    had_any = token is not None or store.get(PASSWORD_KEY) is not None
    if token is not None:
        with admin_unit_of_work(ctx.database) as conn:
            accounts.revoke_session(conn, token_hash=token_hash(token))
    logout_quietly(ctx)
    return had_any


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
        return _authenticate_own_login(ctx, env_login, env_password)
    if env_password and env_email:
        try:
            actor = authenticate_password(ctx, email=env_email, password=env_password)
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
        return _authenticate_own_login(ctx, login_name, password)
    raise _not_logged_in(ctx)


def _not_logged_in(ctx: AppContext) -> BlogsterError:
    """NotLoggedIn naming `auth login`; on a machine where the embedded database is not set up yet
    (not created, or holding no account), what sets it up instead: `blogster quickstart`, README's
    first command, as NotSetUp (exit 6) like every command there, or NotLoggedIn. A stopped server
    is not started for it, nor a database URL's server asked."""
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
        f" (a new one starts with: blogster --profile {ctx.profile} auth login)"
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
