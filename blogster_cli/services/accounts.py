"""Accounts: signup, whoami, password changes, deletion and the admin's user management."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING
from uuid import UUID

from blogster_cli.actors import ActingUser, Actor, require_admin_login, require_superuser_login
from blogster_cli.context import AppContext
from blogster_cli.db import other_databases
from blogster_cli.db.acting import Connection, admin_unit_of_work, unit_of_work
from blogster_cli.errors import AuthError, Conflict, InvalidInput, NotFound, PermissionDenied
from blogster_cli.repositories import accounts
from blogster_cli.services import sessions, stray_logins

if TYPE_CHECKING:
    from blogster_cli.db.connection import Database


@dataclass(frozen=True)
class AccountPublic:
    id: UUID
    email: str
    username: str | None
    full_name: str | None
    is_admin: bool
    created_at: datetime
    last_sign_in_at: datetime | None
    database_role: str


def _valid_email(email: str) -> str:
    """One addr-spec (`name@example.com`): no display name, comment, quoting, list, space or control
    character (an ESC sequence or a line break in an address reaches terminals and mail headers).
    Letters outside ASCII may stay (`zoë@example.com`): a mail server without SMTPUTF8 refuses that
    one address (email_delivery)."""
    email = email.strip()
    if len(email) > 320 or not email.isprintable() or " " in email or not _is_addr_spec(email):
        raise InvalidInput(f"{email!r} is not an email address")
    if unicodedata.normalize("NFKC", email) != email:  # fullwidth letters: another address's look-alike
        raise InvalidInput(f"{email!r} is not an email address: write it {unicodedata.normalize('NFKC', email)!r}")
    if not all(_DOMAIN_LABEL.fullmatch(label) for label in email.rpartition("@")[2].split(".")):
        raise InvalidInput(f"{email!r} is not an email address: its domain is no host name")
    return email


# A host name's label (RFC 1123): letters, digits and inner hyphens; letters outside ASCII for a
# domain written in Unicode (IDNA), never `_`, `%` or an end hyphen.
_DOMAIN_LABEL = re.compile(r"(?!-)[^\W_]([^\W_]|-){0,62}(?<!-)")


def _is_addr_spec(email: str) -> bool:
    """Whether `email` parses (RFC 5322, by the standard library) as exactly one address, written
    as it reads. The parser takes ASCII only, so each other character stands in as a letter."""
    from email.errors import HeaderParseError
    from email.headerregistry import Address

    shape = "".join(c if c.isascii() else "a" for c in email)
    try:
        parsed = Address(addr_spec=shape)
    except (ValueError, IndexError, HeaderParseError):  # "a@" trips an IndexError inside the parser
        return False
    return bool(parsed.username) and bool(parsed.domain) and parsed.addr_spec == shape


_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{2,39}")  # profiles_username_format (0002)


def signup(ctx: AppContext, *, email: str, password: str, username: str | None = None) -> tuple[Actor, bool]:
    """Creates an account with its own database role; the first account becomes admin.

    Returns the actor and whether it was made admin.
    """
    require_superuser_login(ctx.database, "signing up needs")
    sessions.check_password_strength(password)
    email = _valid_email(email)
    if username is not None and not _USERNAME.fullmatch(username):  # the new-user trigger would drop it unsaid
        raise InvalidInput("a username is 3-40 letters, digits, '.', '_' or '-', starting with a letter or digit")
    password_hash = sessions.hash_password(password)
    metadata = {"username": username} if username else {}
    with admin_unit_of_work(ctx.database) as conn:
        conn.execute("lock table auth.users in share row exclusive mode")
        if username is not None and accounts.username_taken(conn, username=username):
            raise Conflict("that username is taken")  # the new-user trigger would drop it unsaid
        first_account = accounts.count_accounts(conn) == 0
        user_id = accounts.insert_user(conn, email=email, password_hash=password_hash, metadata=metadata)
        # Quiet hours are read in the zone the preferences keep (the server needs it when it queues
        # an email): it starts as the `timezone` setting the writer signs up with, not UTC.
        accounts.set_quiet_hours_timezone(conn, user_id=user_id, timezone=ctx.settings.timezone)
        role_name = "u_" + user_id.hex
        accounts.create_role(conn, role_name=role_name)
        if first_account:
            accounts.set_admin(conn, role_name=role_name, admin=True)
    return Actor(user_id=user_id, email=email, is_admin=first_account), first_account


WHOAMI_SQL = """
select m.id, m.email, p.username, p.full_name, m.is_admin, m.created_at, m.last_sign_in_at, current_user::text
from auth.me() m left join public.profiles p on p.id = m.id
"""


def whoami(acting: ActingUser) -> AccountPublic:
    with unit_of_work(acting) as conn:
        row = conn.execute(WHOAMI_SQL).fetchone()
    if row is None:
        raise AuthError("this account no longer exists")
    return AccountPublic(*row)


_SESSION_END_WAIT_MS = 3000  # how long a ban or password change waits for each session to end


def generated_password(acting: ActingUser, *, ctx: AppContext) -> str | None:
    """The password quickstart generated for this profile, while it still signs the acting account in
    (an email session's: its argon2 hash checked), so `auth passwd` need not ask for a password its
    user never saw; None when none is kept, or it is no longer this account's (changed, another account)."""
    stored = ctx.credentials.get(sessions.GENERATED_PASSWORD_KEY)
    if not stored or acting.own_login:  # an own login's password is the one its administrator gave
        return None
    try:
        sessions.authenticate_password(ctx, email=acting.actor.email, password=stored)
    except AuthError:
        return None
    return stored


def change_password(acting: ActingUser, *, ctx: AppContext, old_password: str, new_password: str) -> None:
    """Also forgets the password quickstart generated for this profile when it was the one changed:
    it no longer logs in, and the new one is the user's to keep, not the store's.

    On a shared server's email session (the administrator's superuser URL) the account's own login
    takes the new password too, in the same unit of work, as `admin users reset-password` sets both:
    the old one must not keep opening `u_...`. Whether that login may log in (LOGIN) is unchanged.
    On the account's own login the email sign-in's argon2 hash takes it with the role's password, in
    one transaction, and the account's email sessions end: the old password must not sign in by email."""
    sessions.check_password_strength(new_password)
    if not acting.own_login:  # switching mode: argon2 hash in auth.users
        try:
            sessions.authenticate_password(ctx, email=acting.actor.email, password=old_password)
        except AuthError as exc:  # the email is the session's: only the password can be wrong
            if str(exc) == sessions.BAD_CREDENTIALS:
                raise AuthError("the current password is wrong") from None
            raise
        with admin_unit_of_work(ctx.database) as conn:
            # Its own login's sessions end first: one may hold its row locked.
            if not ctx.database.names_the_embedded_server:
                accounts.terminate_sessions(conn, role_name=acting.actor.role_name, wait_ms=_SESSION_END_WAIT_MS)
            accounts.update_password_hash(
                conn, user_id=acting.actor.user_id, password_hash=sessions.hash_password(new_password)
            )
            if not ctx.database.names_the_embedded_server:
                accounts.set_login_password(conn, role_name=acting.actor.role_name, password=new_password)
            accounts.revoke_all_sessions(conn, user_id=acting.actor.user_id)
        if ctx.credentials.get(sessions.GENERATED_PASSWORD_KEY) == old_password:
            ctx.credentials.delete(sessions.GENERATED_PASSWORD_KEY)
        sessions.login(ctx, email=acting.actor.email, password=new_password)
        return
    # Own login: the database role's password is the credential.
    if ctx.credentials.get(sessions.PASSWORD_KEY) not in (None, old_password):
        raise AuthError("the current password is wrong")
    password_hash = sessions.hash_password(new_password)  # before the transaction: argon2 takes its time
    with admin_unit_of_work(acting.db) as conn:
        # The email sign-in's password too, in the same transaction: the old one must not sign in by email.
        accounts.set_own_password_hash(conn, password_hash=password_hash)
        accounts.set_login_password(conn, role_name=acting.actor.role_name, password=new_password)
    # Kept as a login of its own: one from the database URL (config set database_url -) has the old password.
    ctx.credentials.set(sessions.LOGIN_KEY, acting.actor.role_name)
    ctx.credentials.set(sessions.PASSWORD_KEY, new_password)


def delete_own_account(acting: ActingUser, *, ctx: AppContext) -> str:
    """Deletes the account and everything it owns; returns 'deleted' or 'marked' (shared server).

    Either way the account's secrets are forgotten in every profile on this machine.
    """
    if not acting.own_login:
        _purge(ctx, acting.actor.user_id, deleted_by=None)
        sessions.logout_quietly(ctx)
        return "deleted"
    with unit_of_work(acting) as conn:
        conn.execute("select auth.request_account_deletion()")
    sessions.forget_account(ctx, role_name=acting.actor.role_name, token_hashes=set())
    with admin_unit_of_work(acting.db) as conn:
        accounts.lock_out_own_login(conn)
    sessions.logout_quietly(ctx)
    return "marked"


def _purge(ctx: AppContext, user_id: UUID, *, deleted_by: UUID | None) -> None:
    """Deletes auth.users (cascading to everything the account owns) and drops its role, after what
    names it in the server's other databases (one transaction here: a run stopped there is run again); then
    removes the account's secrets stored on this machine and the image files nobody else uses.
    `deleted_by`: the administrator deleting it (the flag log names them), None for itself."""
    with admin_unit_of_work(ctx.database) as conn:
        account = accounts.find_by_id(conn, user_id=user_id)
        if account is None:
            raise NotFound("no such account")
        token_hashes = accounts.session_token_hashes(conn, user_id=user_id)
        images = accounts.image_paths(conn, user_id=user_id)
        accounts.delete_user(conn, user_id=user_id, deleted_by=deleted_by)
        accounts.drop_role(
            conn,
            role_name=account.role_name,
            clear_other_databases=lambda: other_databases.drop_owned_elsewhere(
                ctx.database, conn, role_name=account.role_name
            ),
        )
        unused_images = images - accounts.image_paths_in_use(conn, paths=images)
    sessions.forget_account(ctx, role_name=account.role_name, token_hashes=token_hashes)
    if unused_images:
        from blogster_cli.services.media_files import remove_unnamed

        with admin_unit_of_work(ctx.database) as conn:
            remove_unnamed(conn, unused_images)


# -- administration -------------------------------------------------------------------


def _require_admin(ctx: AppContext, acting: ActingUser) -> None:
    require_admin_login(acting, ctx.database, "user administration needs")


def _account_by_email(conn: Connection, email: str) -> accounts.AccountRow:
    account = accounts.find_by_email(conn, email=email)
    if account is None:
        raise NotFound(f"no account with email {email!r}")
    return account


@dataclass(frozen=True)
class UserListed:
    """One account as the admin's user list shows it: no password hash. `login` is its database role,
    which on a shared server is the login its member types (`auth login --login`) while `can_log_in`:
    never on the embedded server (its accounts log in with their email), nor for an account made by
    `auth signup` or `quickstart`, nor while banned."""

    id: UUID
    email: str
    login: str
    can_log_in: bool
    is_admin: bool
    created_at: datetime
    last_sign_in_at: datetime | None
    banned_until: datetime | None
    deleted_at: datetime | None


def list_users(acting: ActingUser, *, ctx: AppContext) -> list[UserListed]:
    _require_admin(ctx, acting)
    with admin_unit_of_work(ctx.database) as conn:
        rows = accounts.list_accounts(conn)
    return [
        UserListed(
            id=row.id, email=row.email, login=row.role_name, can_log_in=row.can_log_in, is_admin=row.is_admin,
            created_at=row.created_at,
            last_sign_in_at=row.last_sign_in_at, banned_until=row.banned_until, deleted_at=row.deleted_at,
        )
        for row in rows
    ]  # fmt: skip


@dataclass(frozen=True)
class NewAccount:
    actor: Actor
    login: str
    password: str | None
    """The generated password, shown once; None when the admin supplied one."""
    can_log_in: bool
    """Whether `login` logs in with the password (a shared server); on the embedded server the
    account logs in with its email."""


def add_user(acting: ActingUser, *, ctx: AppContext, email: str, password: str | None) -> NewAccount:
    """Creates an account. On a shared server its role can log in with the password."""
    _require_admin(ctx, acting)
    email = _valid_email(email)
    generated = None
    if password is None:
        password = generated = secrets.token_urlsafe(18)
    sessions.check_password_strength(password)
    shared_login = not ctx.database.names_the_embedded_server
    with admin_unit_of_work(ctx.database) as conn:
        user_id = accounts.insert_user(conn, email=email, password_hash=sessions.hash_password(password), metadata={})
        role_name = "u_" + user_id.hex
        accounts.create_role(conn, role_name=role_name, login_password=password if shared_login else None)
    return NewAccount(Actor(user_id=user_id, email=email), role_name, generated, can_log_in=shared_login)


def set_admin(acting: ActingUser, *, ctx: AppContext, email: str, admin: bool) -> None:
    _require_admin(ctx, acting)
    with admin_unit_of_work(ctx.database) as conn:
        account = _account_by_email(conn, email)
        if not admin and account.id == acting.actor.user_id:
            raise PermissionDenied("you cannot revoke your own admin rights; ask another admin")
        accounts.set_admin(conn, role_name=account.role_name, admin=admin)


def ban(acting: ActingUser, *, ctx: AppContext, email: str, until: datetime | None) -> str | None:
    """Bans (or, with None, lifts the ban). On a shared server the account's login is closed (NOLOGIN:
    a banned member cannot connect at all) and its sessions ended first, in a transaction of their
    own: one of its sessions may hold its own row locked (an open transaction), which would otherwise
    make the ban fail. The ban's end opens the login again (reopen_ended_bans), as lifting it does,
    unless it has no password of its own (`auth signup`: it never had a login, stray_logins.reopen), or
    another database on the server keeps it closed: returns why for the latter (a lifted ban), else None."""
    _require_admin(ctx, acting)
    with admin_unit_of_work(ctx.database) as conn:
        account = _account_by_email(conn, email)
    if account.id == acting.actor.user_id:
        raise PermissionDenied("you cannot ban yourself")
    shared = not ctx.database.names_the_embedded_server
    closing = until is not None and shared
    if closing:
        with admin_unit_of_work(ctx.database) as conn:
            accounts.terminate_sessions(conn, role_name=account.role_name, wait_ms=_SESSION_END_WAIT_MS)
            accounts.set_can_login(conn, role_name=account.role_name, can_login=False)
    kept_closed = None
    with admin_unit_of_work(ctx.database) as conn:
        if closing:  # a session that logged in before the login closed
            accounts.terminate_sessions(conn, role_name=account.role_name, wait_ms=_SESSION_END_WAIT_MS)
        accounts.set_banned_until(conn, user_id=account.id, until=until)
        accounts.revoke_all_sessions(conn, user_id=account.id)
        if shared and until is not None:
            accounts.set_can_login(conn, role_name=account.role_name, can_login=False)
        elif shared and account.banned_until is not None and account.deleted_at is None:
            kept_closed = stray_logins.reopen(conn, ctx.database, [account.role_name]).get(account.role_name)
    return kept_closed


class LoginClosed(StrEnum):
    """Why an account's login does not log in with its new password."""

    EMBEDDED = "embedded"  # the embedded server's accounts have none: they log in with their email
    BANNED = "banned"  # a ban closed it; lifting the ban opens it, with the new password
    DELETED = "deleted"  # the account awaits its purge
    ELSEWHERE = "elsewhere"  # another database on the server bans it or awaits its purge (or was not read)


@dataclass(frozen=True)
class PasswordReset:
    login: str
    """The account's login (its member logs in again with it on a shared server)."""
    password: str | None
    """The generated password, shown once; None when the admin supplied one."""
    closed: LoginClosed | None
    """Why `login` does not log in with the password, or None: it does."""
    elsewhere: str | None = None
    """For LoginClosed.ELSEWHERE: which database keeps it closed, and how (or which was not read)."""

    @property
    def can_log_in(self) -> bool:
        return self.closed is None


def reset_password(acting: ActingUser, *, ctx: AppContext, email: str, password: str | None) -> PasswordReset:
    """Sets a new password (generated if not given) and ends the user's sessions. On a shared server
    the account's login takes it too, and one without LOGIN (made by `auth signup` or `quickstart`, or
    on an embedded server and restored here) gets it: its member logs in with the login and password
    shown. A banned account's login stays closed (lifting the ban, or its end, opens it, with this
    password); one awaiting its purge stays closed for good, and its login keeps its old password.
    A login is the server's, not one database's: one that another database bans or deletes the
    account of stays closed too; it takes the password only while it cannot log in (NOLOGIN), since
    with LOGIN (an account deleted there keeps it, with a password nobody knows) the password opens it."""
    _require_admin(ctx, acting)
    generated = None
    if password is None:
        password = generated = secrets.token_urlsafe(18)
    sessions.check_password_strength(password)
    with admin_unit_of_work(ctx.database) as conn:
        account = _account_by_email(conn, email)
        closed = _login_closed(ctx, account)
        elsewhere = None
        if closed is None:
            elsewhere = stray_logins.kept_closed(conn, ctx.database, [account.role_name]).get(account.role_name)
            closed = None if elsewhere is None else LoginClosed.ELSEWHERE
        # Its sessions end first: one may hold its own row locked (an open transaction).
        accounts.terminate_sessions(conn, role_name=account.role_name, wait_ms=_SESSION_END_WAIT_MS)
        accounts.update_password_hash(conn, user_id=account.id, password_hash=sessions.hash_password(password))
        accounts.revoke_all_sessions(conn, user_id=account.id)
        if closed in (None, LoginClosed.BANNED) or (closed is LoginClosed.ELSEWHERE and not account.can_log_in):
            accounts.set_login_password(conn, role_name=account.role_name, password=password)
            if closed is None and not account.can_log_in:
                accounts.set_can_login(conn, role_name=account.role_name, can_login=True)
    return PasswordReset(account.role_name, generated, closed, elsewhere)


def _login_closed(ctx: AppContext, account: accounts.AccountRow) -> LoginClosed | None:
    """Why the account's login will not log in after a password reset, as this database has it, or
    None: no reason here. An account awaiting its purge keeps its login closed, LOGIN or not (`account
    delete` on its own login keeps LOGIN with a password nobody knows): a reset must not open it again.
    A URL naming the embedded server's socket (`db dsn`) is the embedded server too."""
    if ctx.database.names_the_embedded_server:
        return LoginClosed.EMBEDDED
    if account.deleted_at is not None:
        return LoginClosed.DELETED
    if _ban_holds(account):
        return LoginClosed.BANNED  # closed by `admin users ban` until `--lift` or its end
    return None


def _ban_holds(account: accounts.AccountRow) -> bool:
    """Whether a ban keeps the account's login closed: a ban's end opens it (reopen_ended_bans)."""
    return account.banned_until is not None and account.banned_until > datetime.now(UTC)


def reopen_ended_bans(db: Database, *, where_allowed: bool = False) -> list[str]:
    """Gives their login back (LOGIN) to the accounts whose ban has ended; returns those logins. A ban
    closes the login on a shared server so that a banned member cannot connect at all, and only a
    superuser may open it again: the workers do it each minute, `workers reopen-logins` from cron.
    A login another database on the server keeps closed (a ban there, a deletion) stays closed.
    The embedded server's accounts have no login: nothing to do. `where_allowed` (the workers, which
    may run on a worker login): a login that is no superuser does nothing, where PermissionDenied."""
    if db.names_the_embedded_server:
        return []
    if not db.login_is_superuser:
        if where_allowed:
            return []
        raise PermissionDenied("only a superuser may open a login again")
    with admin_unit_of_work(db) as conn:
        ended = accounts.ended_bans(conn)
        if not ended:
            return []
        kept_closed = stray_logins.reopen(conn, db, ended)
    return [role_name for role_name in ended if role_name not in kept_closed]


def purge_user(acting: ActingUser, *, ctx: AppContext, email: str) -> None:
    _require_admin(ctx, acting)
    with admin_unit_of_work(ctx.database) as conn:
        account = _account_by_email(conn, email)
    if account.id == acting.actor.user_id:
        raise PermissionDenied("use `blogster account delete` to delete your own account")
    _purge(ctx, account.id, deleted_by=acting.actor.user_id)
