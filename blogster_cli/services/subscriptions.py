"""Plans and AI credits: what a user sees, and what administrators change.

Stripe fields stay empty until billing exists; tiers and credits are set by admins.
Admin changes run as the admin under RLS ("Admins can change subscriptions"); the monthly
refill takes the workers' path instead (each account in turn, as service_role: `refill`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from blogster_cli.actors import ActingUser
from blogster_cli.ai.plans import MONTHLY_CREDITS
from blogster_cli.context import AppContext
from blogster_cli.db.orm import orm_unit_of_work
from blogster_cli.errors import BlogsterError, InvalidInput, NotFound, PermissionDenied
from blogster_cli.models.accounts import UserSubscription
from blogster_cli.repositories import generation as rows
from blogster_cli.vocabulary import SubscriptionTier

MAX_GRANT = 100_000
_NAMED_FAILURES = 5  # accounts named in a failed refill's one-line error


@dataclass(frozen=True)
class SubscriptionPublic:
    tier: str
    is_active: bool
    credits_remaining: int
    credits_used: int
    monthly_credits: int
    start_date: datetime | None
    end_date: datetime | None


def _public(plan: UserSubscription) -> SubscriptionPublic:
    tier = plan.subscription_tier.value
    return SubscriptionPublic(tier, plan.is_active, plan.credits_remaining, plan.credits_used,
                              MONTHLY_CREDITS.get(tier, 0), plan.start_date, plan.end_date)  # fmt: skip


def show(acting: ActingUser) -> SubscriptionPublic:
    with orm_unit_of_work(acting) as session:
        plan = rows.active_subscription(session, user_id=acting.actor.user_id)
        if plan is None:
            raise NotFound("you have no active subscription")
        return _public(plan)


def _require_admin(acting: ActingUser) -> None:
    if not acting.actor.is_admin:
        raise PermissionDenied("administrators only")


def _account_id(ctx: AppContext, email: str) -> UUID:
    """The id of the account with `email`, read on the administrative login (the caller has
    checked that the actor is an administrator)."""
    from blogster_cli.db.acting import admin_unit_of_work
    from blogster_cli.repositories import accounts

    with admin_unit_of_work(ctx.database) as conn:
        account = accounts.find_by_email(conn, email=email)
    if account is None:
        raise NotFound(f"no account with email {email!r}")
    return account.id


def _change(
    ctx: AppContext, acting: ActingUser, email: str, *, tier: SubscriptionTier | None = None, add_credits: int = 0,
    at_least: int | None = None,
) -> SubscriptionPublic:  # fmt: skip
    _require_admin(acting)
    user_id = _account_id(ctx, email)
    with orm_unit_of_work(acting) as session:
        plan = rows.update_subscription(session, user_id=user_id, tier=tier, add_credits=add_credits, at_least=at_least)
        if plan is None:
            raise NotFound(f"{email} has no active subscription")
        return _public(plan)


def set_tier(acting: ActingUser, *, ctx: AppContext, email: str, tier: str) -> SubscriptionPublic:
    """A new tier, topped up to that tier's monthly credits (never lowered)."""
    try:
        chosen = SubscriptionTier(tier)
    except ValueError:
        raise InvalidInput(f"tier must be one of {', '.join(SubscriptionTier)}") from None
    return _change(ctx, acting, email, tier=chosen, at_least=MONTHLY_CREDITS[chosen.value])


def grant(acting: ActingUser, *, ctx: AppContext, email: str, credits: int) -> SubscriptionPublic:
    if not 1 <= credits <= MAX_GRANT:
        raise InvalidInput(f"credits must be between 1 and {MAX_GRANT}")
    return _change(ctx, acting, email, add_credits=credits)


def refill(acting: ActingUser) -> int:
    """The monthly refill now, as the workers run it (`scheduled_jobs.refill_credits`: each
    account with an active plan not yet refilled this month, in a transaction of its own, as
    service_role on the administrator's login). Returns how many plans rose; when some accounts
    failed (their subscription locked by another session past the lock timeout), the others are
    done and a BlogsterError names them (a second run does only those)."""
    from blogster_cli.services import scheduled_jobs

    _require_admin(acting)
    done = scheduled_jobs.refill_credits(acting.db, timeouts=acting.timeouts)
    if done.failures:
        named = ", ".join(f"{failure.account} ({failure.error})" for failure in done.failures[:_NAMED_FAILURES])
        more = len(done.failures) - _NAMED_FAILURES
        raise BlogsterError(
            f"{done.topped_up} plans topped up; not refilled, run it again for them: {named}"
            + (f" and {more} more accounts" if more > 0 else "")
        )
    return done.topped_up
