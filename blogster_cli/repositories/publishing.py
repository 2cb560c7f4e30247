"""Publication state of my posts: status and published_at changes, the schedule, what is due.

psycopg and dataclass rows, not SQLModel: `publish`, `unpublish` and `schedule list` are light
commands, and `blogster schedule list` ran in 728 ms and 2619 ms with SQLModel imported
(bench/bench_orm_cost.py, load 4.6-4.9). The workers' publish-due job goes through the same
service (`publishing.publish_due`), which writes each post's activity in this psycopg transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from blogster_cli.content.rules import BLANK

if TYPE_CHECKING:
    import psycopg


@dataclass(frozen=True)
class ScheduledRow:
    id: UUID
    slug: str
    title: str
    published_at: datetime | None
    """None only for a row stored scheduled without a time (before that was refused): never due."""
    empty: bool = False
    """No title, slug or content (stored by raw SQL; every command refuses it): never published."""


@dataclass(frozen=True)
class DueRow:
    id: UUID
    slug: str
    title: str
    published_at: datetime


def set_publication(
    conn: psycopg.Connection, *, blog_id: UUID, status: str, published_at: datetime | None, expected_status: str
) -> bool:
    """Sets status and published_at of my post if its status is still `expected_status`."""
    cursor = conn.execute(
        "update public.blogs set status = %(status)s::public.blog_status, published_at = %(published_at)s"
        " where id = %(id)s and author_id = auth.uid() and status = %(expected)s::public.blog_status",
        {"status": status, "published_at": published_at, "id": blog_id, "expected": expected_status},
    )
    return cursor.rowcount == 1


# A post with something to publish, as content/rules.publish_problems sees it.
_PUBLISHABLE = (
    "btrim(title, %(blank)s) <> '' and btrim(slug, %(blank)s) <> ''"
    " and btrim(coalesce(content ->> 'markdown', ''), %(blank)s) <> ''"
)


def scheduled_own(conn: psycopg.Connection) -> list[ScheduledRow]:
    """My scheduled posts, soonest first; any stored without a time come last."""
    rows = conn.execute(
        f"select id, slug, title, published_at, not ({_PUBLISHABLE}) from public.blogs where author_id = auth.uid()"
        " and status = 'scheduled' and deleted_at is null order by published_at nulls last, id",
        {"blank": BLANK},
    ).fetchall()
    return [ScheduledRow(*r) for r in rows]


def publish_due_own(conn: psycopg.Connection, *, now: datetime) -> list[DueRow]:
    """Flips my scheduled posts whose time has come to published (not an empty one); a concurrent
    run skips rows already flipped. A time past the database's clock and its skew allowance counts
    only up to them (0206 refuses a published post dated later): a run whose clock is far ahead
    publishes what is due and leaves the rest for a later run."""
    rows = conn.execute(
        "update public.blogs set status = 'published' where author_id = auth.uid() and status = 'scheduled'"
        " and deleted_at is null"
        " and published_at <= least(%(now)s, pg_catalog.clock_timestamp() + interval '5 minutes')"
        f" and {_PUBLISHABLE}"
        " returning id, slug, title, published_at",
        {"now": now, "blank": BLANK},
    ).fetchall()
    return [DueRow(*r) for r in rows]
