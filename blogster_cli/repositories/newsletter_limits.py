"""Every account's daily newsletter sending limit and its mails of the last 24 hours
(db/migrations/0175), for administrators: on the administrative login, since the tables are in
`internal`, which no account role reaches. Text statements on the Session: the tables have no
models (nothing else reads them as rows; an account asks public.newsletter_sending_allowance())."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import text
from sqlmodel import Session


@dataclass(frozen=True)
class AccountLimit:
    id: UUID
    email: str
    is_admin: bool
    own: bool
    """The account has a limit of its own (else the default, or none for an administrator)."""
    daily_limit: int | None
    """The limit that applies (None: unlimited)."""
    sent: int
    """Mails of its newsletters the SMTP server accepted in the last 24 hours."""


_ACCOUNT_LIMITS = """
select u.id, u.email,
       exists (select 1 from pg_catalog.pg_auth_members m
               join pg_catalog.pg_roles member on member.oid = m.member and member.rolname = u.role_name
               where m.roleid = 'blogster_admin'::regrole),
       l.user_id is not null,
       internal.newsletter_daily_limit_of(u.id),
       (select count(*) from internal.newsletter_sends s
        where s.user_id = u.id and s.sent_at > now() - interval '24 hours')
from auth.users u left join internal.newsletter_daily_limits l on l.user_id = u.id
"""


def account_limits(session: Session) -> list[AccountLimit]:
    """Every account not awaiting its purge, by email."""
    statement = text(_ACCOUNT_LIMITS + " where u.deleted_at is null order by u.email")
    return [AccountLimit(*row) for row in session.connection().execute(statement).all()]


def account_limit(session: Session, *, email: str) -> AccountLimit | None:
    """The account with this email (ignoring case), whatever its state."""
    statement = text(_ACCOUNT_LIMITS + " where lower(u.email) = lower(:email)")
    row = session.connection().execute(statement, {"email": email}).first()
    return AccountLimit(*row) if row is not None else None


def default_limit(session: Session) -> int | None:
    statement = text("select daily_limit from internal.newsletter_default_daily_limit")
    value: int | None = session.connection().execute(statement).scalar_one()
    return value


def set_own(session: Session, *, user_id: UUID, daily_limit: int | None) -> None:
    """The account's own limit (None: unlimited)."""
    statement = text(
        "insert into internal.newsletter_daily_limits (user_id, daily_limit) values (:id, :daily_limit)"
        " on conflict (user_id) do update set daily_limit = excluded.daily_limit, set_at = now()"
    )
    session.connection().execute(statement, {"id": user_id, "daily_limit": daily_limit})


def clear_own(session: Session, *, user_id: UUID) -> None:
    """The account follows the default again (or, an administrator's, has none)."""
    statement = text("delete from internal.newsletter_daily_limits where user_id = :id")
    session.connection().execute(statement, {"id": user_id})


def set_default(session: Session, *, daily_limit: int | None) -> None:
    """The default (None: unlimited)."""
    statement = text("update internal.newsletter_default_daily_limit set daily_limit = :daily_limit, set_at = now()")
    session.connection().execute(statement, {"daily_limit": daily_limit})
