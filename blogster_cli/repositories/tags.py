"""Tags as a writer sees them: the names on their own posts, with how many posts carry each.

psycopg, not SQLModel: `blogster tags list` ran in 402 ms and 1138 ms with SQLModel imported
(bench/bench_orm_cost.py, load 4.6-4.9).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    import psycopg


@dataclass(frozen=True)
class TagCount:
    name: str
    posts: int


def list_mine(conn: psycopg.Connection) -> list[TagCount]:
    """My tags (posts in the trash not counted), most used first, as my links spell them.

    The links' `tag_name` (0117), not the shared tag's name, which is the first spelling any
    account wrote. One row per tag: my links spell a tag one way (min() only settles a race).
    """
    rows = conn.execute(
        "select min(bt.tag_name), count(*) from public.blogs b"
        " join public.blogs_to_tags bt on bt.blog_id = b.id"
        " where b.author_id = auth.uid() and b.deleted_at is null"
        " group by bt.tag_id order by count(*) desc, lower(min(bt.tag_name))"
    ).fetchall()
    return [TagCount(*r) for r in rows]


@dataclass(frozen=True)
class MyTagLinks:
    """A tag as my links spell it, and every post of mine carrying it (those in the trash too)."""

    tag_id: UUID
    spelling: str
    blog_ids: list[UUID]
    in_trash: int
    """How many of `blog_ids` are in the trash (`list_mine` does not count those)."""


def my_links(conn: psycopg.Connection, *, name: str) -> MyTagLinks | None:
    """My links to the tag named `name` (any case), or None when no post of mine carries it."""
    row = conn.execute(
        "select bt.tag_id, min(bt.tag_name), array_agg(bt.blog_id order by bt.blog_id),"
        " count(*) filter (where b.deleted_at is not null)"
        " from public.blogs_to_tags bt join public.blogs b on b.id = bt.blog_id"
        " where bt.author_id = auth.uid() and lower(bt.tag_name) = lower(%(name)s) group by bt.tag_id",
        {"name": name},
    ).fetchone()
    return None if row is None else MyTagLinks(*row)


def mark_respelled(conn: psycopg.Connection, *, blog_ids: list[UUID], name: str) -> None:
    """Lists `name` (case-folded) in `content.source.respelled` of those of my posts that came from
    a file: export and sync then write the tag as I spell it now, not as that file did (they keep
    a file's own spelling of a tag only while I have not respelled it). The update moves the
    posts' `updated_at`, so sync sees them changed; the body is unchanged (no revision)."""
    conn.execute(
        "update public.blogs set content = jsonb_set(content, '{source,respelled}',"
        " (select coalesce(jsonb_agg(distinct value), '[]'::jsonb) from jsonb_array_elements_text("
        "   case when jsonb_typeof(content->'source'->'respelled') = 'array' then content->'source'->'respelled'"
        "   else '[]'::jsonb end || jsonb_build_array(%(name)s::text))))"
        " where id = any(%(ids)s) and author_id = auth.uid() and jsonb_typeof(content->'source') = 'object'",
        {"ids": blog_ids, "name": name},
    )
