"""What the periodic jobs look up across accounts (service_role) or change as the tables' owner."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

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
    return conn.execute("select internal.ensure_partitions(%s)", (months_ahead,)).fetchone()[0]
