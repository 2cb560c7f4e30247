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
