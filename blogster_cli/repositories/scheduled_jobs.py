"""What the periodic jobs look up across accounts (service_role) or change as the tables' owner.

SQLModel statements on the Session of `orm_service_unit_of_work` (or `orm_admin_unit_of_work` for
the partitions): `serve-workers` runs these, and a long-lived process pays the import once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from sqlalchemy import column, func, table, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from blogster_cli.db.rows import checked
from blogster_cli.models.content import Blog
from blogster_cli.models.extended import EmailNewsletter, SocialMediaPost
from blogster_cli.models.system import ChatbotConversation, ChatbotMessage
from blogster_cli.vocabulary import (
    BlogStatus,
    ChatbotConversationStatus,
    NewsletterStatus,
    SocialPostStatus,
)

# The month's refill ledger (0040): internal, so no row class of its own.
CREDIT_REFILLS = table("credit_refills", column("period"), column("topped_up"), schema="internal")


def authors_with_due_posts(session: Session, *, now: datetime) -> list[UUID]:
    """Accounts with a scheduled post whose time has come (service_role reads every account's)."""
    query = select(col(Blog.author_id)).where(
        Blog.status == BlogStatus.SCHEDULED, col(Blog.deleted_at).is_(None), col(Blog.published_at) <= now
    )
    return [checked(account, UUID) for account in session.exec(query.distinct().order_by(col(Blog.author_id)))]


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


def claim_credit_refill(session: Session, *, period: date) -> bool:
    """Takes the month's refill for this transaction; False if it is done (or being done) elsewhere.

    A concurrent claim waits on this one's row, then finds it (service_role).
    """
    statement = (
        insert(CREDIT_REFILLS)
        .values(period=period, topped_up=0)
        .on_conflict_do_nothing(index_elements=["period"])
        .returning(CREDIT_REFILLS.c.period)
    )
    return session.execute(statement).first() is not None


def record_credit_refill(session: Session, *, period: date, topped_up: int) -> None:
    """How many plans the month's refill raised, in its ledger row (service_role)."""
    session.execute(update(CREDIT_REFILLS).where(CREDIT_REFILLS.c.period == period).values(topped_up=topped_up))


def accounts_with_due_social_posts(session: Session, *, now: datetime) -> list[UUID]:
    """Accounts with a scheduled social post whose time has come (service_role)."""
    query = select(col(SocialMediaPost.author_id)).where(
        SocialMediaPost.post_status == SocialPostStatus.SCHEDULED, col(SocialMediaPost.scheduled_time) <= now
    )
    return [
        checked(account, UUID) for account in session.exec(query.distinct().order_by(col(SocialMediaPost.author_id)))
    ]


def accounts_with_due_newsletters(session: Session, *, now: datetime) -> list[UUID]:
    """Accounts with a scheduled newsletter whose time has come (service_role)."""
    query = select(col(EmailNewsletter.user_id)).where(
        EmailNewsletter.status == NewsletterStatus.SCHEDULED, col(EmailNewsletter.scheduled_time) <= now
    )
    return [checked(account, UUID) for account in session.exec(query.distinct().order_by(col(EmailNewsletter.user_id)))]
