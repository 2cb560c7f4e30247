"""The activity feed: one row per significant action, written in the action's own transaction.

psycopg and dataclass rows, not SQLModel: every post change writes its activity inside its own
psycopg unit of work (the drafting path), and `blogster activity` ran in 884 ms and 2284 ms with
SQLModel imported (bench/bench_orm_cost.py, load 4.6-4.9).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

if TYPE_CHECKING:
    import psycopg

    from blogster_cli.vocabulary import ActivityType  # annotations only: `blogster tui`'s first frame reads ActivityRow


@dataclass(frozen=True)
class ActivityRow:
    id: UUID
    type: str
    title: str
    description: str
    blog_id: UUID | None
    metadata: dict[str, Any]
    created_at: datetime


def record(
    conn: psycopg.Connection,
    *,
    type: ActivityType,
    title: str,
    description: str,
    blog_id: UUID | None = None,
    metadata: dict[str, Any] | None = None,
) -> None:
    from psycopg.types.json import Jsonb

    conn.execute(
        "insert into public.activities (type, title, description, blog_id, metadata) values (%s, %s, %s, %s, %s)",
        (type, title, description, blog_id, Jsonb(metadata or {})),
    )


def record_many(
    conn: psycopg.Connection, *, rows: Sequence[tuple[ActivityType, str, str, UUID | None, dict[str, Any]]]
) -> None:
    """Activity rows (type, title, description, blog_id, metadata) in one statement."""
    from psycopg.types.json import Jsonb

    if not rows:
        return
    conn.execute(
        "insert into public.activities (type, title, description, blog_id, metadata)"
        " select * from unnest(%(types)s::text[], %(titles)s::text[], %(descriptions)s::text[], %(blogs)s::uuid[],"
        " %(metadata)s::jsonb[])",
        {
            "types": [r[0] for r in rows],
            "titles": [r[1] for r in rows],
            "descriptions": [r[2] for r in rows],
            "blogs": [r[3] for r in rows],
            "metadata": [Jsonb(r[4]) for r in rows],
        },
    )


def list_mine(
    conn: psycopg.Connection, *, blog_id: UUID | None = None, type: str | None = None, limit: int | None = 100
) -> list[ActivityRow]:
    """What I did (including on blogs since purged) and what happened on my blogs."""
    rows = conn.execute(
        "select id, type, title, description, blog_id, metadata, created_at from public.activities"
        " where (user_id = auth.uid() or blog_id in (select id from public.blogs where author_id = auth.uid()))"
        " and (%(blog)s::uuid is null or blog_id = %(blog)s) and (%(type)s::text is null or type = %(type)s)"
        " order by created_at desc, id limit %(limit)s",
        {"blog": blog_id, "type": type, "limit": limit},
    ).fetchall()
    return [ActivityRow(*r) for r in rows]
