"""Blogs in bulk, for import and export: one statement per batch instead of one per post.

Every function runs inside the caller's unit of work, as the acting user, so RLS decides
what is visible and writable; queries still say `author_id = auth.uid()` where they mean
"my posts" (other writers' published posts are visible too and must never match).
Multi-row writes use `INSERT ... SELECT FROM unnest(...)` (COPY is refused under RLS).

psycopg, not SQLModel: bulk import and export are measured hot paths (bench/bench_import_export.py),
and `blogster export DIR --format hugo` of two posts ran in 411 ms and 1778 ms with SQLModel
imported (bench/bench_orm_cost.py, load 3.1-3.7).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from blogster_cli.db.rows import scalar
from blogster_cli.stored_json import readable_object

if TYPE_CHECKING:
    import psycopg


@dataclass(frozen=True)
class PostRef:
    """Just enough of one of my posts to match an imported file against it."""

    id: UUID
    slug: str
    source_path: str | None
    created_at: datetime
    trashed: bool
    # the WordPress item it was imported from (`content.wordpress`): its site and id, else guid
    wordpress_site: str | None = None
    wordpress_item: str | None = None
    # a WordPress post imported before its item was recorded: the `wp:post_id` its fields keep
    wordpress_id: str | None = None
    # a post in the trash: the print of the file it was last imported from (`content.source.imported`),
    # which tells its file unchanged since (`imports._trashed_post`)
    imported_file: str | None = None


def my_post_refs(conn: psycopg.Connection, *, source_paths: bool = True) -> list[PostRef]:
    """All my posts (trashed ones included: their slugs stay reserved), oldest first.

    Without `source_paths` (None instead, and no WordPress identity or import print) no content is
    read, which is most of the cost; with them, each post's `content -> 'source'` is read once (`offset 0`
    keeps the subquery from being flattened into three reads of the whole content).
    """
    source = "b.content -> 'source'" if source_paths else "null::jsonb"
    rows = conn.execute(
        "select b.id, b.slug, s.source ->> 'path', b.created_at, b.deleted_at is not null,"
        " s.source ->> 'wordpress_site', s.source ->> 'wordpress_item',"
        " case when s.source ->> 'dialect' = 'wordpress' and s.source ->> 'wordpress_item' is null"
        " then b.content -> 'front_matter' -> 'fields' ->> 'wordpress_id' end,"
        " case when b.deleted_at is not null then s.source -> 'imported' ->> 'file' end"
        f" from public.blogs b cross join lateral (select {source} as source offset 0) s"
        " where b.author_id = auth.uid() order by b.created_at, b.slug, b.id"
    ).fetchall()
    return [PostRef(*row) for row in rows]


def my_post_refs_for(conn: psycopg.Connection, *, ids: Sequence[UUID], slug_prefixes: Sequence[str]) -> list[PostRef]:
    """my_post_refs (without source paths) of just these posts and of my posts whose slug
    starts with one of `slug_prefixes` (matched literally): enough to update a few known
    posts without reading all 10,000 refs."""
    patterns = [prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for prefix in slug_prefixes]
    rows = conn.execute(
        "select id, slug, null::text, created_at, deleted_at is not null from public.blogs"
        " where author_id = auth.uid() and (id = any(%(ids)s::uuid[]) or slug like any(%(patterns)s::text[]))"
        " order by created_at, slug, id",
        {"ids": list(ids), "patterns": patterns},
    ).fetchall()
    return [PostRef(*row) for row in rows]


@dataclass(frozen=True)
class StoredPost:
    """One of my posts with everything import compares and export renders."""

    id: UUID
    title: str
    slug: str
    status: str
    meta_description: str | None
    meta_keywords: list[str] | None
    featured_image: str | None
    created_at: datetime
    published_at: datetime | None
    content: dict[str, Any] | None
    tags: list[str]
    # Whether created_at is a date of the post's own, for an unpublished post whose content came
    # from a plain markdown file (a draft that went through one keeps its date: `exports._kept_date`);
    # False otherwise. Not when the post was made by importing a file that stated no date: its
    # created_at is then that import's moment (`OWN_CREATION`).
    created_at_own: bool = False
    former_addresses: list[list[str]] = field(default_factory=list)
    """[slug, publication time as stored] of each address it had before a rename or a new date
    (migration 0203), oldest first: export lists where its generator served it then as aliases."""


# Revision 1 is the content a post was made with, written in the same transaction (same now()): a
# post made in Blogster has no source there, and one an import made from a file that stated no date
# was created at that moment (`insert_posts`: coalesce(created, now())). Only read where export needs it.
OWN_CREATION = (
    "case when b.published_at is null and b.content -> 'source' ->> 'dialect' = 'markdown' then"
    " coalesce((select pg_catalog.jsonb_typeof(r.content -> 'source') is distinct from 'object' or r.created_at <> b.created_at"
    " from public.blog_revisions r where r.blog_id = b.id and r.revision_number = 1), false)"
    " else false end"
)
_STORED_COLUMNS = (
    "b.id, b.title, b.slug, b.status::text, b.meta_description, b.meta_keywords, b.featured_image,"
    " b.created_at, b.published_at, b.content::text,"
    " coalesce((select array_agg(bt.tag_name order by bt.tag_name) from public.blogs_to_tags bt"
    f" where bt.blog_id = b.id), '{{}}') as tags, {OWN_CREATION},"
    " coalesce((select array_agg(array[e->>'slug', e->>'published_at'] order by n) from jsonb_array_elements("
    " case jsonb_typeof(b.former_addresses) when 'array' then b.former_addresses else '[]'::jsonb end)"
    " with ordinality t(e, n) where jsonb_typeof(e->'slug') = 'string' and jsonb_typeof(e->'published_at') = 'string'),"
    " '{}') as former_addresses"
)


def _stored(row: tuple[Any, ...]) -> StoredPost:
    """The post of a `_STORED_COLUMNS` row, its content's text decoded here (`stored_json.readable_object`): a
    value Python cannot read, written by the account's own SQL, is left out of that post's content
    rather than ending the query (every post an export or import reads) with psycopg's decoding."""
    post_id, title, slug, status, description, keywords, image, created, published, text, tags, own, former = row
    content, _ = readable_object(text)
    return StoredPost(
        post_id, title, slug, status, description, keywords, image, created, published,
        content, tags, own, former,
    )  # fmt: skip


def my_posts_by_id(conn: psycopg.Connection, *, ids: Sequence[UUID]) -> dict[UUID, StoredPost]:
    if not ids:
        return {}
    rows = conn.execute(
        f"select {_STORED_COLUMNS} from public.blogs b where b.author_id = auth.uid() and b.id = any(%(ids)s)",
        {"ids": list(ids)},
    ).fetchall()
    return {row[0]: _stored(row) for row in rows}


def count_my_posts(conn: psycopg.Connection, *, statuses: Sequence[str] | None = None) -> int:
    return scalar(
        conn.execute(
            "select count(*) from public.blogs b where b.author_id = auth.uid() and b.deleted_at is null"
            " and (%(statuses)s::text[] is null or b.status::text = any(%(statuses)s))",
            {"statuses": list(statuses) if statuses else None},
        ),
        int,
    )


def stream_my_posts(
    conn: psycopg.Connection, *, statuses: Sequence[str] | None = None, page_size: int = 500
) -> Iterator[StoredPost]:
    """My live posts with content and tags, through a server-side cursor (memory stays flat).

    Ordered by source path, then slug, so which of two posts that export to the same file
    keeps the name does not depend on ids or insertion order.
    """
    with conn.cursor(name="blogster_export_posts") as cursor:
        cursor.itersize = page_size
        cursor.execute(
            f"select {_STORED_COLUMNS} from public.blogs b where b.author_id = auth.uid() and b.deleted_at is null"
            " and (%(statuses)s::text[] is null or b.status::text = any(%(statuses)s))"
            " order by b.content -> 'source' ->> 'path' nulls last, b.slug, b.id",
            {"statuses": list(statuses) if statuses else None},
        )
        for row in cursor:
            yield _stored(row)


def my_image_paths(conn: psycopg.Connection) -> dict[UUID, list[str]]:
    """The stored file names (under the media folder) of my images, by the post they belong to."""
    rows = conn.execute(
        "select blog_id, path from public.image_assets where created_by = auth.uid()"
        " and blog_id is not null and path is not null order by created_at, id"
    ).fetchall()
    found: dict[UUID, list[str]] = {}
    for blog_id, path in rows:
        found.setdefault(blog_id, []).append(path)
    return found


@dataclass
class NewPostRow:
    """Column values of one post to insert (validated by the service beforehand)."""

    title: str
    slug: str
    content: dict[str, Any]
    status: str
    meta_description: str | None
    meta_keywords: list[str] | None
    featured_image: str | None
    created_at: datetime | None
    published_at: datetime | None


# Keyword lists travel as jsonb (unnest cannot take an array of arrays of differing lengths).
# The jsonb arrays go in binary (`%(name)b`): as text, psycopg escapes every quote and backslash of
# every post's JSON for the array literal in Python (0.10 ms a post, where binary takes 0.02 ms).
_KEYWORDS_ARRAY = "case when t.keywords is null then null else array(select jsonb_array_elements_text(t.keywords)) end"


def _shared_columns(posts: Sequence[NewPostRow] | Sequence[PostUpdate]) -> dict[str, list[Any]]:
    """The columns insert_posts and update_posts both write, one array each for unnest()."""
    from psycopg.types.json import Jsonb

    return {
        "title": [p.title for p in posts],
        "slug": [p.slug for p in posts],
        "content": [Jsonb(p.content) for p in posts],
        "status": [p.status for p in posts],
        "description": [p.meta_description for p in posts],
        "keywords": [Jsonb(p.meta_keywords) if p.meta_keywords is not None else None for p in posts],
        "image": [p.featured_image for p in posts],
        "published": [p.published_at for p in posts],
    }


def insert_posts(conn: psycopg.Connection, *, rows: Sequence[NewPostRow]) -> list[UUID]:
    """Inserts my posts in one statement; returns their ids in the order given.

    A missing created_at means now(); a published post without a date is published now().
    """
    if not rows:
        return []
    params = _shared_columns(rows) | {"created": [r.created_at for r in rows]}
    inserted = conn.execute(
        "insert into public.blogs (title, slug, content, status, meta_description, meta_keywords, featured_image,"
        " created_at, published_at)"
        " select t.title, t.slug, t.content, t.status::public.blog_status, t.description,"
        f" {_KEYWORDS_ARRAY}, t.image, coalesce(t.created, now()),"
        " case when t.status = 'published' then coalesce(t.published, t.created, now()) else t.published end"
        " from unnest(%(title)s::text[], %(slug)s::text[], %(content)b::jsonb[], %(status)s::text[],"
        " %(description)s::text[], %(keywords)b::jsonb[], %(image)s::text[], %(created)s::timestamptz[],"
        " %(published)s::timestamptz[])"
        " as t(title, slug, content, status, description, keywords, image, created, published)"
        " returning id, slug",
        params,
    ).fetchall()
    by_slug = {slug: blog_id for blog_id, slug in inserted}
    return [by_slug[r.slug] for r in rows]


@dataclass
class PostUpdate:
    """New values for every updatable column of one of my posts (unchanged ones repeated)."""

    id: UUID
    title: str
    slug: str
    content: dict[str, Any]
    status: str
    meta_description: str | None
    meta_keywords: list[str] | None
    featured_image: str | None
    published_at: datetime | None


def update_posts(conn: psycopg.Connection, *, updates: Sequence[PostUpdate]) -> list[UUID]:
    """Updates my posts in one statement; returns the ids updated (RLS hides the rest)."""
    if not updates:
        return []
    params = _shared_columns(updates) | {"id": [u.id for u in updates]}
    rows = conn.execute(
        "update public.blogs b set title = t.title, slug = t.slug, content = t.content,"
        " status = t.status::public.blog_status, meta_description = t.description,"
        f" meta_keywords = {_KEYWORDS_ARRAY}, featured_image = t.image, published_at = t.published"
        " from unnest(%(id)s::uuid[], %(title)s::text[], %(slug)s::text[], %(content)b::jsonb[], %(status)s::text[],"
        " %(description)s::text[], %(keywords)b::jsonb[], %(image)s::text[], %(published)s::timestamptz[])"
        " as t(id, title, slug, content, status, description, keywords, image, published)"
        " where b.id = t.id and b.author_id = auth.uid() returning b.id",
        params,
    ).fetchall()
    return [row[0] for row in rows]


def unlink_tags(conn: psycopg.Connection, *, pairs: Sequence[tuple[UUID, UUID]]) -> None:
    if not pairs:
        return
    conn.execute(
        "select public.unlink_blog_tags(%(blogs)s::uuid[], %(tags)s::uuid[])",
        {"blogs": [blog for blog, _ in pairs], "tags": [tag for _, tag in pairs]},
    )


def tag_ids_of(conn: psycopg.Connection, *, blog_ids: Sequence[UUID]) -> dict[UUID, dict[str, UUID]]:
    """The tags linked to each of these blogs, as {lowercased name: tag id}."""
    if not blog_ids:
        return {}
    rows = conn.execute(
        "select bt.blog_id, lower(bt.tag_name), bt.tag_id from public.blogs_to_tags bt where bt.blog_id = any(%(ids)s)",
        {"ids": list(blog_ids)},
    ).fetchall()
    found: dict[UUID, dict[str, UUID]] = {blog_id: {} for blog_id in blog_ids}
    for blog_id, name, tag_id in rows:
        found[blog_id][name] = tag_id
    return found


@dataclass(frozen=True)
class ImageAttachment:
    """A picture stored as media (`media/<path>`) that one of my posts shows."""

    blog_id: UUID
    path: str  # the media name, `<sha256>.<ext>`
    size: int
    file_type: str
    alt_text: str | None


def attach_images(conn: psycopg.Connection, *, images: Sequence[ImageAttachment]) -> int:
    """image_assets rows for these pictures (one statement), except where my post already has
    a row for the same file (`images add` keeps one row per post and file too); returns how
    many rows were added."""
    if not images:
        return 0
    rows = conn.execute(
        "insert into public.image_assets (url, path, size, file_type, blog_id, alt_text)"
        " select distinct on (t.blog_id, t.path) 'media/' || t.path, t.path, t.size, t.file_type, t.blog_id, t.alt"
        " from unnest(%(blog)s::uuid[], %(path)s::text[], %(size)s::bigint[], %(type)s::text[], %(alt)s::text[])"
        " as t(blog_id, path, size, file_type, alt)"
        " where not exists (select 1 from public.image_assets i where i.created_by = (select auth.uid())"
        " and i.blog_id = t.blog_id and i.path = t.path)"
        " order by t.blog_id, t.path returning id",
        {
            "blog": [image.blog_id for image in images],
            "path": [image.path for image in images],
            "size": [image.size for image in images],
            "type": [image.file_type for image in images],
            "alt": [image.alt_text for image in images],
        },
    ).fetchall()
    return len(rows)
