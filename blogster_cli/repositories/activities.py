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


def name_posts_before_purge(conn: psycopg.Connection, *, blog_ids: Sequence[UUID]) -> None:
    """Writes each post's id into the metadata of my activities on it (as `blog_id`), so they
    still find it once the purge empties their blog_id column (`list_mine(purged=...)`)."""
    conn.execute(
        "update public.activities set metadata = metadata || jsonb_build_object('blog_id', blog_id::text)"
        " where blog_id = any(%(ids)s::uuid[]) and user_id = auth.uid()",
        {"ids": list(blog_ids)},
    )


def purged_post_ids(conn: psycopg.Connection, *, ref: str) -> list[UUID]:
    """The ids of my posts purged while they had the slug (or id) `ref`, newest purge first; only the
    post whose id `ref` is, when one is (an id names its post only, as in blogs.find_own)."""
    rows = conn.execute(
        "select metadata->>'blog_id', bool_or(metadata->>'blog_id' = %(ref)s) from public.activities"
        " where user_id = auth.uid() and type = 'purged' and blog_id is null"
        " and (metadata->>'slug' = %(ref)s or metadata->>'blog_id' = %(ref)s)"
        " group by 1 order by 2 desc, max(created_at) desc",
        {"ref": ref},
    ).fetchall()
    named = [r for r in rows if r[1]][:1] or rows
    return [UUID(r[0]) for r in named if _is_uuid(r[0])]


def _is_uuid(text: object) -> bool:
    """Whether a metadata value is a post id (an account writes its own activities' metadata)."""
    try:
        UUID(str(text))
    except ValueError:
        return False
    return True


def list_mine(
    conn: psycopg.Connection,
    *,
    blog_id: UUID | None = None,
    purged: Sequence[UUID] = (),
    type: str | None = None,
    limit: int | None = 100,
) -> list[ActivityRow]:
    """What I did (including on blogs since purged) and what happened on my blogs: all of it, or
    that on the post `blog_id`, or on the purged posts `purged` (their activities name them in
    their metadata, `name_posts_before_purge`); each metadata as `_metadata` reads it."""
    if purged:
        on_post = "blog_id is null and metadata->>'blog_id' = any(%(purged)s::text[])"
    else:
        on_post = "(%(blog)s::uuid is null or blog_id = %(blog)s)"
    rows = conn.execute(
        "select id, type, title, description, blog_id, metadata::text, created_at from public.activities"
        " where (user_id = auth.uid() or blog_id in (select id from public.blogs where author_id = auth.uid()))"
        f" and {on_post} and (%(type)s::text is null or type = %(type)s)"
        " order by created_at desc, id limit %(limit)s",
        {"blog": blog_id, "purged": [str(i) for i in purged], "type": type, "limit": limit},
    ).fetchall()
    return [
        ActivityRow(row_id, kind, title, description, blog, _metadata(metadata), created_at)
        for row_id, kind, title, description, blog, metadata, created_at in rows
    ]


def _metadata(text: str) -> dict[str, Any]:
    """An activity's metadata, which its account may write by its own SQL: read as text and decoded
    here (`stored_json.readable_object`), since a value Python cannot read must not end the feed's query."""
    from blogster_cli.stored_json import readable_object

    return readable_object(text)[0] or {}
