"""What the periodic jobs look up across accounts (service_role) or change as the tables' owner.

SQLModel statements on the Session of `orm_service_unit_of_work` (or `orm_admin_unit_of_work` for
the partitions): `serve-workers` runs these, and a long-lived process pays the import once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache
from uuid import UUID

from sqlalchemy import ColumnElement, Date, Select, Uuid, bindparam, case, column, func, or_, table, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, aliased
from sqlmodel import Session, col, select

from blogster_cli.db.rows import checked
from blogster_cli.models.accounts import UserSubscription
from blogster_cli.models.chatbot import ChatbotConversation, ChatbotMessage
from blogster_cli.models.content import Blog
from blogster_cli.models.newsletters import EmailNewsletter
from blogster_cli.models.social import SocialMediaPost
from blogster_cli.vocabulary import (
    BlogStatus,
    ChatbotConversationStatus,
    NewsletterStatus,
    SocialPostStatus,
    SubscriptionTier,
)

# Each account's last monthly credit refill (0037, per account since 0100): internal, so no row class of its own.
CREDIT_REFILLS = table(
    "credit_refills", column("user_id"), column("period"), column("topped_up"), column("refilled_at"), schema="internal"
)


def _in_good_standing(
    session: Session, accounts: Mapped[UUID | None], *where: ColumnElement[bool] | bool
) -> list[UUID]:
    """The `accounts` of the rows `where` picks, in id order, less those banned right now or
    awaiting their purge (0122): their scheduled work waits, and the first run after the ban
    ends does it. One statement; service_role learns nothing else of auth.users."""
    due = select(func.array_agg(accounts.distinct())).where(*where).scalar_subquery()
    account = func.internal.accounts_in_good_standing(due).column_valued("account")
    return [checked(row, UUID) for row in session.execute(select(account).order_by(account)).scalars()]


def authors_with_due_posts(session: Session, *, now: datetime) -> list[UUID]:
    """Accounts with a scheduled post whose time has come, but for banned ones (service_role
    reads every account's)."""
    return _in_good_standing(
        session, col(Blog.author_id),
        Blog.status == BlogStatus.SCHEDULED, col(Blog.deleted_at).is_(None), col(Blog.published_at) <= now,
    )  # fmt: skip


def authors_with_published_posts(session: Session) -> list[UUID]:
    """Accounts with a live published post (service_role reads every account's): whose freshness to score."""
    query = select(col(Blog.author_id)).where(Blog.status == BlogStatus.PUBLISHED, col(Blog.deleted_at).is_(None))
    return [checked(author, UUID) for author in session.exec(query.distinct().order_by(col(Blog.author_id)))]


def create_future_partitions(session: Session, *, months_ahead: int) -> int:
    """Monthly partitions up to `months_ahead`; needs the tables' owner (the administrative login)."""
    return checked(session.execute(select(func.internal.ensure_partitions(months_ahead))).scalar_one(), int)


def abandon_idle_conversations(session: Session, *, idle_minutes: int) -> int:
    """Active chats with no message (or, with none, no start) for `idle_minutes` become
    abandoned, ended at their last activity; returns how many (service_role)."""
    chat = aliased(ChatbotConversation)
    last_message = select(func.max(ChatbotMessage.created_at)).where(ChatbotMessage.conversation_id == chat.id)
    last_activity = (
        select(chat.id, func.coalesce(last_message.scalar_subquery(), chat.started_at).label("at"))
        .where(chat.status == ChatbotConversationStatus.ACTIVE)
        # Chats another session holds (an account may lock its own for as long as it likes) are
        # left for the next run: waiting on them failed the job for every account.
        .with_for_update(of=chat, skip_locked=True)
        .cte("last_activity")
    )
    statement = (
        update(ChatbotConversation)
        .where(
            col(ChatbotConversation.id) == last_activity.c.id,
            col(ChatbotConversation.status) == ChatbotConversationStatus.ACTIVE,
            last_activity.c.at < func.now() - timedelta(minutes=idle_minutes),
        )
        .values(status=ChatbotConversationStatus.ABANDONED, ended_at=last_activity.c.at)
    )
    return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]


def refresh_chatbot_analytics(session: Session, *, day: date) -> None:
    """Recomputes the chatbot figures of one UTC date (service_role may)."""
    session.execute(select(func.public.refresh_chatbot_analytics(day)))


def accounts_due_a_refill(session: Session, *, period: date) -> list[UUID]:
    """Accounts with an active plan whose refill of `period` (a month's first day) has not
    happened yet, in id order (service_role reads every account's)."""
    done = CREDIT_REFILLS.c.period
    query = (
        select(col(UserSubscription.user_id))
        .outerjoin(CREDIT_REFILLS, CREDIT_REFILLS.c.user_id == col(UserSubscription.user_id))
        .where(col(UserSubscription.is_active), or_(done.is_(None), done < period))
        .order_by(col(UserSubscription.user_id))
    )
    return [checked(account, UUID) for account in session.exec(query)]


def refill_account(
    session: Session, *, user_id: UUID, period: date, monthly: Mapping[SubscriptionTier, int]
) -> int | None:
    """One account's refill of `period`, in one statement (one round trip per account: the
    refill runs this for every account, each in a transaction of its own; service_role).

    It locks the account's active subscription (waiting at most lock_timeout for a lock the
    account holds), moves the account's ledger row to `period` (only from an earlier month) and
    tops the plan up to its tier's `monthly` credits; the row and the credits commit together.
    Returns the credits added (0: the plan held its monthly credits), or None when the account's
    refill of `period` is already done (by another run, even one that committed while this one
    waited) or it has no active plan.
    """
    statement = _refill_statement(tuple(sorted(monthly.items())))
    added = session.execute(statement, {"refilled_account": user_id, "refill_month": period}).scalar_one_or_none()
    return None if added is None else checked(added, int)


@lru_cache(maxsize=8)
def _refill_statement(monthly: tuple[tuple[SubscriptionTier, int], ...]) -> Select[tuple[int]]:
    """`refill_account`'s statement, built once (building it took most of the refill's time per account).
    Its parameters are named after no column: an UPDATE takes execution parameters named after
    its table's columns as values to SET."""
    account, period = bindparam("refilled_account", type_=Uuid()), bindparam("refill_month", type_=Date())
    plan = (
        select(
            col(UserSubscription.id).label("id"),
            col(UserSubscription.credits_remaining).label("credits"),
            case(dict(monthly), value=col(UserSubscription.subscription_tier)).label("monthly"),
        )
        .where(col(UserSubscription.user_id) == account, col(UserSubscription.is_active))
        .with_for_update(key_share=True)  # FOR NO KEY UPDATE, as the credit charge's UPDATE takes
        .cte("plan")
    )
    claim = insert(CREDIT_REFILLS).from_select(
        ["user_id", "period", "topped_up"], select(account, period, func.greatest(plan.c.monthly - plan.c.credits, 0))
    )
    claim = claim.on_conflict_do_update(
        index_elements=["user_id"],
        set_={"period": claim.excluded.period, "topped_up": claim.excluded.topped_up, "refilled_at": func.now()},
        where=CREDIT_REFILLS.c.period < claim.excluded.period,
    )
    claimed = claim.returning(CREDIT_REFILLS.c.user_id, CREDIT_REFILLS.c.topped_up).cte("claim")
    raise_plan = (
        update(UserSubscription)
        .where(
            col(UserSubscription.id) == plan.c.id,
            col(UserSubscription.user_id) == claimed.c.user_id,
            claimed.c.topped_up > 0,
        )
        .values(credits_remaining=func.greatest(col(UserSubscription.credits_remaining), plan.c.monthly))
        .returning(col(UserSubscription.id))
        .cte("raise_plan")
    )
    return select(claimed.c.topped_up).add_cte(raise_plan)


def accounts_with_due_social_posts(session: Session, *, now: datetime) -> list[UUID]:
    """Accounts with a scheduled social post whose time has come, but for banned ones (service_role)."""
    return _in_good_standing(
        session, col(SocialMediaPost.author_id),
        SocialMediaPost.post_status == SocialPostStatus.SCHEDULED, col(SocialMediaPost.scheduled_time) <= now,
    )  # fmt: skip


def accounts_with_due_newsletters(session: Session, *, now: datetime) -> list[UUID]:
    """Accounts with a scheduled newsletter whose time has come, but for banned ones (service_role)."""
    return _in_good_standing(
        session, col(EmailNewsletter.user_id),
        EmailNewsletter.status == NewsletterStatus.SCHEDULED, col(EmailNewsletter.scheduled_time) <= now,
    )  # fmt: skip
