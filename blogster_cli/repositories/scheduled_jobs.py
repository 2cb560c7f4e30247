"""What the periodic jobs look up across accounts (service_role) or change as the tables' owner."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from blogster_cli.db.rows import scalar

if TYPE_CHECKING:
    import psycopg


def authors_with_due_posts(conn: psycopg.Connection, *, now: datetime) -> list[UUID]:
    """Accounts with a scheduled post whose time has come (service_role reads every account's)."""
    return [
        author_id
        for (author_id,) in conn.execute(
            "select distinct author_id from public.blogs"
            " where status = 'scheduled' and deleted_at is null and published_at <= %s order by author_id",
            (now,),
        )
    ]


def create_future_partitions(conn: psycopg.Connection, *, months_ahead: int) -> int:
    """Monthly partitions up to `months_ahead`; needs the tables' owner (the administrative login)."""
    return scalar(conn.execute("select internal.ensure_partitions(%s)", (months_ahead,)), int)


def abandon_idle_conversations(conn: psycopg.Connection, *, idle_minutes: int) -> int:
    """Active chats with no message (or, with none, no start) for `idle_minutes` become
    abandoned, ended at their last activity; returns how many (service_role)."""
    return conn.execute(
        "with last_activity as ("
        "  select c.id, coalesce((select max(m.created_at) from public.chatbot_messages m"
        "                         where m.conversation_id = c.id), c.started_at) as at"
        "  from public.chatbot_conversations c where c.status = 'active')"
        " update public.chatbot_conversations c set status = 'abandoned', ended_at = l.at"
        " from last_activity l"
        " where c.id = l.id and c.status = 'active' and l.at < now() - make_interval(mins => %s)",
        (idle_minutes,),
    ).rowcount


def refresh_chatbot_analytics(conn: psycopg.Connection, *, day: date) -> None:
    """Recomputes the chatbot figures of one UTC date (service_role may)."""
    conn.execute("select public.refresh_chatbot_analytics(%s)", (day,))


def claim_credit_refill(conn: psycopg.Connection, *, period: date) -> bool:
    """Takes the month's refill for this transaction; False if it is done (or being done) elsewhere.

    A concurrent claim waits on this one's row, then finds it (service_role).
    """
    return (
        conn.execute(
            "insert into internal.credit_refills (period, topped_up) values (%s, 0)"
            " on conflict (period) do nothing returning period",
            (period,),
        ).fetchone()
        is not None
    )


def top_up_credits(conn: psycopg.Connection, *, period: date, monthly: dict[str, int]) -> int:
    """Every active plan up to its tier's monthly credits (never lowered), counted in the
    month's ledger row; returns how many plans rose (service_role)."""
    topped_up = conn.execute(
        "update public.user_subscriptions s set credits_remaining = m.credits"
        " from unnest(%s::text[], %s::int[]) as m (tier, credits)"
        " where s.is_active and s.subscription_tier::text = m.tier and s.credits_remaining < m.credits",
        (list(monthly), list(monthly.values())),
    ).rowcount
    conn.execute("update internal.credit_refills set topped_up = %s where period = %s", (topped_up, period))
    return topped_up


def accounts_with_due_social_posts(conn: psycopg.Connection, *, now: datetime) -> list[UUID]:
    """Accounts with a scheduled social post whose time has come (service_role)."""
    return [
        author_id
        for (author_id,) in conn.execute(
            "select distinct author_id from public.social_media_posts"
            " where post_status = 'scheduled' and scheduled_time <= %s order by author_id",
            (now,),
        )
    ]


def accounts_with_due_newsletters(conn: psycopg.Connection, *, now: datetime) -> list[UUID]:
    """Accounts with a scheduled newsletter whose time has come (service_role)."""
    return [
        user_id
        for (user_id,) in conn.execute(
            "select distinct user_id from public.email_newsletters"
            " where status = 'scheduled' and scheduled_time <= %s order by user_id",
            (now,),
        )
    ]
