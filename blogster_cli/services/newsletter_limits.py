"""Daily newsletter sending limits, which administrators set (db/migrations/0175).

The workers send every account's newsletters through the operator's SMTP server, so each account
mails at most its daily limit in any 24 hours (services/newsletters.py stops a send there and keeps
the rest due). An account has a limit of its own (a number, or unlimited) or follows the default,
1,000 to begin with; an administrator's account without one of its own is unlimited. The limits
and the count are in `internal`, out of every account's reach: administrators change them on the
administrative login (a superuser BLOGSTER_DATABASE_URL on a shared server), as they manage accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

from blogster_cli.actors import ActingUser, require_admin_login
from blogster_cli.context import AppContext
from blogster_cli.db.orm import orm_admin_unit_of_work
from blogster_cli.errors import InvalidInput, NotFound
from blogster_cli.repositories import newsletter_limits as rows

MAX_LIMIT = 10_000_000
"""The largest daily limit (the tables' CHECK): more is `unlimited`."""
UNLIMITED = "unlimited"
DEFAULT = "default"


@dataclass(frozen=True)
class AccountLimitPublic:
    email: str
    admin: bool
    daily_limit: int | None
    """Mails in any 24 hours (None: unlimited)."""
    limit_from: str
    """'own' (set for the account), 'default', or 'administrator' (an administrator's: none)."""
    sent_last_24h: int


@dataclass(frozen=True)
class LimitsPublic:
    default_limit: int | None
    """The limit of every account without one of its own but an administrator's (None: unlimited)."""
    accounts: list[AccountLimitPublic]


def _public(row: rows.AccountLimit) -> AccountLimitPublic:
    source = "own" if row.own else "administrator" if row.is_admin else "default"
    return AccountLimitPublic(row.email, row.is_admin, row.daily_limit, source, row.sent)


def _parsed(limit: str, *, default_allowed: bool) -> int | None | str:
    """A number of mails (0 to MAX_LIMIT; 1,000 and 1_000 read as 1000), None for `unlimited`, or
    DEFAULT (where `default_allowed`)."""
    word = limit.strip().lower()
    if word == UNLIMITED:
        return None
    if word == DEFAULT and default_allowed:
        return DEFAULT
    digits = word.replace(",", "").replace("_", "")
    if digits.isascii() and digits.isdigit() and int(digits) <= MAX_LIMIT:
        return int(digits)
    choices = f"a number of mails from 0 to {MAX_LIMIT:,}, {UNLIMITED}" + (f" or {DEFAULT}" if default_allowed else "")
    raise InvalidInput(f"the limit must be {choices}, not {limit!r}")


def limits(acting: ActingUser, *, ctx: AppContext) -> LimitsPublic:
    """The default and every account's limit, with its mails of the last 24 hours."""
    require_admin_login(acting, ctx.database, "newsletter limits need")
    with orm_admin_unit_of_work(ctx.database) as session:
        return LimitsPublic(rows.default_limit(session), [_public(row) for row in rows.account_limits(session)])


def set_limit(acting: ActingUser, *, ctx: AppContext, email: str, limit: str) -> AccountLimitPublic:
    """The account's own limit: a number, `unlimited`, or `default` (it follows the default again).
    A lower limit holds its newsletters at once; a higher one lets the workers' next run go on."""
    require_admin_login(acting, ctx.database, "newsletter limits need")
    chosen = _parsed(limit, default_allowed=True)
    with orm_admin_unit_of_work(ctx.database) as session:
        account = rows.account_limit(session, email=email.strip())
        if account is None:
            raise NotFound(f"no account with email {email!r}")
        if chosen == DEFAULT:
            rows.clear_own(session, user_id=account.id)
        else:
            rows.set_own(session, user_id=account.id, daily_limit=chosen if isinstance(chosen, int) else None)
        changed = rows.account_limit(session, email=account.email)
        assert changed is not None  # read in the same transaction
        return _public(changed)


def set_default(acting: ActingUser, *, ctx: AppContext, limit: str) -> LimitsPublic:
    """The default limit (a number or `unlimited`) of every account without one of its own but an
    administrator's; returns the limits as they now stand."""
    require_admin_login(acting, ctx.database, "newsletter limits need")
    chosen = _parsed(limit, default_allowed=False)
    with orm_admin_unit_of_work(ctx.database) as session:
        rows.set_default(session, daily_limit=chosen if isinstance(chosen, int) else None)
        return LimitsPublic(rows.default_limit(session), [_public(row) for row in rows.account_limits(session)])
