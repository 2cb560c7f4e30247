"""Blogs, their tags and revisions.

Every function runs inside the caller's unit of work, as the acting user, so RLS
decides visibility. Queries still name `author_id = auth.uid()` where the meaning
is "my blogs" (published blogs of others are visible too, and must not match).
Repositories use psycopg directly: these are the CLI's everyday commands, and
`blogster posts list` ran in 332 ms and 1081 ms with SQLModel imported
(bench/bench_orm_cost.py, load 4.6-4.9).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from blogster_cli.db.rows import scalar

if TYPE_CHECKING:
    import psycopg
    from psycopg import sql

    from blogster_cli.stored_json import LeftOut

BLOG_COLUMNS = (
    "id",
    "slug",
    "title",
    "status",
    "word_count",
    "reading_time",
    "created_at",
    "updated_at",
    "published_at",
    "deleted_at",
    "meta_description",
    "meta_keywords",
    "featured_image",
    "persona_id",
    "template_id",
    "ai_generated",
    "author_id",
)


@dataclass(frozen=True)
class BlogRow:
    id: UUID
    slug: str
    title: str
    status: str
    word_count: int
    reading_time: int
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    deleted_at: datetime | None
    meta_description: str | None
    meta_keywords: list[str] | None
    featured_image: str | None
    persona_id: UUID | None
    template_id: UUID | None
    ai_generated: bool
    author_id: UUID
    tags: list[str]
    content: dict[str, Any] | None = None
    author: str | None = None
    """How the author is shown and typed in AUTHOR/SLUG (filled by the service: `get`, lists of all authors)."""
    left_out: tuple[LeftOut, ...] = ()
    """The values of the stored content Python cannot read (`CONTENT`), left out of `content`; in the row a
    save returns, those it left out of the content it stored (`services.post_steps.as_saved`)."""


_SELECT = (
    "select "
    + ", ".join(f"b.{c}" for c in BLOG_COLUMNS)
    # The names the links carry (0094): the link policy alone decides, and blog_tags' policy
    # (the array of all my tag links, built per statement) is not compiled in.
    + ", array(select bt.tag_name from public.blogs_to_tags bt where bt.blog_id = b.id order by bt.tag_name) as tags"
)


def like_literal(text: str) -> str:
    """`text` escaped so LIKE matches it literally (no wildcards from user input)."""
    return text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")


CONTENT = "b.content::text"
"""A post's content as selected: its JSON text, decoded by `_row` (`stored_json.readable`) rather than by
psycopg, whose decoding of a value Python cannot read (a 5,000-digit number, nesting 5,000 deep, written by
the account's own SQL) failed the query: `posts show`, `edit`, `publish`... ended in "unexpected failure".
The server writes the same text either way (jsonb's output). Not capped at stored_json.MAX_BYTES: a post's
content is (`blogs_content_size`), and NULL stays no content."""


def _row(values: tuple[Any, ...]) -> BlogRow:
    """A selected row as a BlogRow; content, when selected, is its last column (as `CONTENT`; else None)."""
    if len(values) <= len(BLOG_COLUMNS) + 1:  # the columns and the tags
        return BlogRow(*values)
    content, left_out = _readable_content(values[-1])
    return replace(BlogRow(*values[:-1]), content=content, left_out=left_out)


def _readable_content(text: str | None) -> tuple[dict[str, Any] | None, tuple[LeftOut, ...]]:
    """A post's or revision's content from its JSON text, without the values Python cannot read, and those."""
    from blogster_cli.stored_json import readable_object

    content, left_out = readable_object(text)
    return content, tuple(left_out)


# `trashed`: live posts only (False), trashed ones only (True), both (None).
_TRASH_FILTERS = {False: " and b.deleted_at is null", True: " and b.deleted_at is not null", None: ""}


def find_own(
    conn: psycopg.Connection, *, ref: str, with_content: bool = False, trashed: bool | None = False
) -> BlogRow | None:
    """One of my blogs by slug or id; `trashed` None matches both live and trashed.

    An id names its post only: a `ref` that is the id of a post the actor can see (live or trashed,
    mine or another's published one) never finds a post whose slug is that text (a slug set by the
    account's own SQL, or before slugs shaped like an id were refused: content/slugs.ID_SHAPED)."""
    query = (
        _SELECT
        + (f", {CONTENT}" if with_content else "")
        + " from public.blogs b where b.author_id = auth.uid() and (b.id = %(id)s or (b.slug = %(ref)s and not exists"
        " (select from public.blogs named where named.id = %(id)s)))" + _TRASH_FILTERS[trashed]
    )
    row = conn.execute(query, {"ref": ref, "id": _as_id(ref)}).fetchone()
    return _row(row) if row else None


def lock_own(conn: psycopg.Connection, *, blog_id: UUID) -> bool:
    """Holds my post `blog_id`'s row until the transaction ends (waiting for a write in flight to
    end first); whether it is mine. A check read after it sees what that write committed."""
    return (
        conn.execute(
            "select 1 from public.blogs b where b.id = %(id)s and b.author_id = auth.uid() for update of b",
            {"id": blog_id},
        ).fetchone()
        is not None
    )


def own_slugs_between(
    conn: psycopg.Connection, *, shortest: int, longest: int, trashed: bool | None = False
) -> list[str]:
    """My slugs of `shortest` to `longest` characters (`trashed` as find_own takes it): what a slug
    that found nothing is compared with. Mine only: others' published posts are visible too."""
    rows = conn.execute(
        "select b.slug from public.blogs b where b.author_id = auth.uid()"
        " and pg_catalog.char_length(b.slug) between %(shortest)s and %(longest)s" + _TRASH_FILTERS[trashed],
        {"shortest": shortest, "longest": longest},
    ).fetchall()
    return [r[0] for r in rows]


def _as_id(ref: str) -> UUID | None:
    """`ref` as a blog id when it is one written canonically; the id index finds it in one lookup."""
    try:
        parsed = UUID(ref)
    except ValueError:
        return None
    return parsed if str(parsed) == ref else None


def find_visible(conn: psycopg.Connection, *, ref: str) -> BlogRow | None:
    """Any blog the actor may read (own, or someone's published one), by id."""
    row = conn.execute(
        f"{_SELECT}, {CONTENT} from public.blogs b where b.id = %(id)s and b.deleted_at is null", {"id": _as_id(ref)}
    ).fetchone()
    return _row(row) if row else None


def find_by_author_and_slug(
    conn: psycopg.Connection, *, username: str, id_prefix: str | None, slug: str
) -> list[BlogRow]:
    """Live posts with this slug by the author with this username (public_profiles: an author
    with a published post, or me) or id prefix."""
    rows = conn.execute(
        f"{_SELECT}, {CONTENT} from public.blogs b where b.slug = %(slug)s and b.deleted_at is null and ("
        " b.author_id in (select p.id from public.public_profiles(null, array[%(username)s::text]) p)"
        " or (%(prefix)s::text is not null and b.author_id::text like %(prefix)s || '%%'))",
        {"slug": slug, "username": username, "prefix": id_prefix and like_literal(id_prefix)},
    ).fetchall()
    return [_row(r) for r in rows]


def usernames(conn: psycopg.Connection, *, user_ids: Sequence[UUID]) -> dict[UUID, str]:
    """Usernames of these users where their profile is public (they have a published post) or mine."""
    rows = conn.execute(
        "select id, username from public.public_profiles(%(ids)s::uuid[], null) where username is not null",
        {"ids": list(user_ids)},
    ).fetchall()
    return dict(rows)


@dataclass
class BlogFilter:
    statuses: list[str] | None = None
    tag: str | None = None
    persona_id: UUID | None = None
    title_contains: str | None = None
    search: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    trashed: bool = False
    all_authors: bool = False
    """Everyone's published posts (mine included) instead of mine."""
    sort: str = "updated"
    limit: int | None = None


SORTS = {
    "updated": "b.updated_at desc",
    "created": "b.created_at desc",
    "published": "b.published_at desc nulls last",
    "title": "lower(b.title)",
    "words": "b.word_count desc",
}


def list_own(conn: psycopg.Connection, *, filters: BlogFilter, with_content: bool = False) -> list[BlogRow]:
    query, params = list_own_query(filters, with_content=with_content)
    return [_row(r) for r in conn.execute(query, params).fetchall()]


def list_own_query(filters: BlogFilter, *, with_content: bool = False) -> tuple[sql.Composed, dict[str, Any]]:
    """The statement list_own runs, and its parameters (bench/bench_rls.py measures it)."""
    from psycopg import sql

    clauses = [sql.SQL("b.status = 'published'" if filters.all_authors else "b.author_id = auth.uid()")]
    params: dict[str, Any] = {}
    clauses.append(sql.SQL("b.deleted_at is not null" if filters.trashed else "b.deleted_at is null"))
    if filters.statuses:
        clauses.append(sql.SQL("b.status::text = any(%(statuses)s)"))
        params["statuses"] = filters.statuses
    if filters.tag:
        clauses.append(
            sql.SQL(
                "exists (select 1 from public.blogs_to_tags bt"
                " where bt.blog_id = b.id and lower(bt.tag_name) = lower(%(tag)s))"
            )
        )
        params["tag"] = filters.tag
    if filters.persona_id:
        clauses.append(sql.SQL("b.persona_id = %(persona_id)s"))
        params["persona_id"] = filters.persona_id
    if filters.title_contains:
        clauses.append(sql.SQL("b.title ilike %(title)s"))
        params["title"] = "%" + like_literal(filters.title_contains) + "%"
    if filters.search:
        clauses.append(
            sql.SQL(
                "to_tsvector('simple', b.title || ' ' || coalesce(b.content->>'markdown', ''))"
                " @@ websearch_to_tsquery('simple', %(search)s)"
            )
        )
        params["search"] = filters.search
    if filters.created_after:
        clauses.append(sql.SQL("b.created_at >= %(after)s"))
        params["after"] = filters.created_after
    if filters.created_before:
        clauses.append(sql.SQL("b.created_at < %(before)s"))
        params["before"] = filters.created_before
    query = sql.SQL("{select}{content} from public.blogs b where {where} order by {order}, b.id{limit}").format(
        select=sql.SQL(_SELECT),
        content=sql.SQL(f", {CONTENT}" if with_content else ""),
        where=sql.SQL(" and ").join(clauses),
        order=sql.SQL(SORTS[filters.sort]),
        limit=sql.SQL(" limit {}").format(sql.Literal(filters.limit)) if filters.limit else sql.SQL(""),
    )
    return query, params


def own_slugs_like(conn: psycopg.Connection, *, base: str) -> set[str]:
    """My slugs equal to `base` or `base-N` (trashed ones included: they stay reserved)."""
    rows = conn.execute(
        "select slug from public.blogs where author_id = auth.uid() and (slug = %(base)s or slug like %(prefix)s)",
        {"base": base, "prefix": like_literal(base) + "-%"},
    ).fetchall()
    return {r[0] for r in rows}


INSERT_COLUMNS = (
    "title",
    "slug",
    "content",
    "status",
    "meta_description",
    "meta_keywords",
    "featured_image",
    "persona_id",
    "template_id",
    "ai_generated",
    "created_at",
    "published_at",
)


def insert(conn: psycopg.Connection, *, values: dict[str, Any]) -> BlogRow:
    """Inserts one blog of mine; returns it as stored, with its content and no tags yet (the
    row as `find_own` reads it, without a second round trip: no later trigger changes it)."""
    from psycopg import sql
    from psycopg.types.json import Jsonb

    columns = [c for c in INSERT_COLUMNS if c in values and values[c] is not None]
    params = {c: Jsonb(values[c]) if c == "content" else values[c] for c in columns}
    query = sql.SQL("insert into public.blogs ({}) values ({}) returning {}, '{{}}'::text[], content::text").format(
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(", ").join(
            sql.SQL("{}::public.blog_status").format(sql.Placeholder(c)) if c == "status" else sql.Placeholder(c)
            for c in columns
        ),
        sql.SQL(", ").join(map(sql.Identifier, BLOG_COLUMNS)),
    )
    row = conn.execute(query, params).fetchone()
    assert row is not None  # insert ... returning gives the row it inserted
    return _row(row)


UPDATABLE = (
    "title",
    "slug",
    "content",
    "status",
    "meta_description",
    "meta_keywords",
    "featured_image",
    "persona_id",
    "template_id",
    "published_at",
    "created_at",
)


def update(
    conn: psycopg.Connection, *, blog_id: UUID, values: dict[str, Any], expected_updated_at: datetime | None = None
) -> datetime | None:
    """Updates my blog; with `expected_updated_at`, only if nobody changed it since. Returns the new updated_at."""
    from psycopg import sql
    from psycopg.types.json import Jsonb

    unknown = set(values) - set(UPDATABLE)
    if unknown:
        raise ValueError(f"not updatable: {unknown}")
    params: dict[str, Any] = {c: Jsonb(v) if c == "content" and v is not None else v for c, v in values.items()}
    params["blog_id"] = blog_id
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = {}").format(
            sql.Identifier(c),
            sql.SQL("{}::public.blog_status").format(sql.Placeholder(c)) if c == "status" else sql.Placeholder(c),
        )
        for c in values
    )
    guard = sql.SQL("")
    if expected_updated_at is not None:
        guard = sql.SQL(" and updated_at = %(expected)s")
        params["expected"] = expected_updated_at
    query = sql.SQL(
        "update public.blogs set {} where id = %(blog_id)s and author_id = auth.uid(){} returning updated_at"
    ).format(assignments, guard)
    row = conn.execute(query, params).fetchone()
    return row[0] if row else None


def set_deleted(conn: psycopg.Connection, *, blog_ids: list[UUID], deleted: bool) -> list[UUID]:
    rows = conn.execute(
        "update public.blogs set deleted_at = case when %(deleted)s then now() end"
        " where id = any(%(ids)s) and author_id = auth.uid() returning id",
        {"ids": blog_ids, "deleted": deleted},
    ).fetchall()
    return [r[0] for r in rows]


def delete(conn: psycopg.Connection, *, blog_ids: list[UUID]) -> list[UUID]:
    """Purges my blogs among `blog_ids` through delete_rows (users hold no DELETE privilege)."""
    rows = conn.execute("select public.delete_rows('public.blogs', %(ids)s::uuid[])", {"ids": blog_ids}).fetchall()
    return [r[0] for r in rows]


def ensure_tag_ids(conn: psycopg.Connection, *, names: Sequence[str]) -> dict[str, UUID]:
    """Tag ids for each of `names` (as given, matched case-insensitively), creating missing tags.

    Through public.tag_ids: a tag used only on others' drafts is not readable directly. The
    shared tag keeps the first spelling ever written; a link carries its writer's (link_tags).
    """
    names = list(dict.fromkeys(names))
    if not names:
        return {}
    rows = conn.execute("select name, id from public.tag_ids(%(names)s::text[])", {"names": names}).fetchall()
    return dict(rows)


def link_tags(conn: psycopg.Connection, *, links: Sequence[tuple[UUID, UUID, str]]) -> None:
    """Links (blog_id, tag_id, spelling) triples; pairs already linked are left alone.

    The link keeps `spelling` (0117) unless I already spell that tag otherwise on another post
    (one spelling per author and tag), or it is not the tag's name case-insensitively.
    """
    if not links:
        return
    conn.execute(
        "insert into public.blogs_to_tags (blog_id, tag_id, tag_name)"
        " select * from unnest(%(blogs)s::uuid[], %(tags)s::uuid[], %(names)s::text[]) on conflict do nothing",
        {
            "blogs": [blog for blog, _, _ in links],
            "tags": [tag for _, tag, _ in links],
            "names": [name for _, _, name in links],
        },
    )


def unlink_tags(conn: psycopg.Connection, *, blog_id: UUID, names: list[str]) -> int:
    tag_ids = [
        tag_id
        for (tag_id,) in conn.execute(
            "select bt.tag_id from public.blogs_to_tags bt"
            " where bt.blog_id = %(blog)s and lower(bt.tag_name) = any(%(names)s)",
            {"blog": blog_id, "names": [n.lower() for n in names]},
        )
    ]
    return scalar(
        conn.execute(
            "select public.unlink_blog_tags(%(blogs)s::uuid[], %(tags)s::uuid[])",
            {"blogs": [blog_id] * len(tag_ids), "tags": tag_ids},
        ),
        int,
    )


@dataclass(frozen=True)
class RevisionRow:
    revision_number: int
    created_at: datetime
    created_by: UUID | None
    word_count: int
    content: dict[str, Any] | None = None
    left_out: tuple[LeftOut, ...] = ()
    """The values of the stored content Python cannot read, left out of `content` (as `BlogRow.left_out`)."""


def list_revisions(conn: psycopg.Connection, *, blog_id: UUID) -> list[RevisionRow]:
    rows = conn.execute(
        "select revision_number, created_at, created_by, public.markdown_word_count(content->>'markdown')"
        " from public.blog_revisions where blog_id = %s order by revision_number",
        (blog_id,),
    ).fetchall()
    return [RevisionRow(*r) for r in rows]


def earlier_source_paths(conn: psycopg.Connection, *, blog_ids: Sequence[UUID]) -> dict[UUID, set[str]]:
    """The source paths my posts' revisions were written with, by post: where a post's file was
    before another file of it was imported (revision 1 keeps the path its post was made from)."""
    if not blog_ids:
        return {}
    rows = conn.execute(
        "select distinct r.blog_id, r.content -> 'source' ->> 'path' from public.blog_revisions r"
        " join public.blogs b on b.id = r.blog_id"
        " where b.author_id = auth.uid() and r.blog_id = any(%(ids)s::uuid[])"
        " and pg_catalog.jsonb_typeof(r.content -> 'source' -> 'path') = 'string'",
        {"ids": list(blog_ids)},
    ).fetchall()
    paths: dict[UUID, set[str]] = {}
    for blog_id, path in rows:
        paths.setdefault(blog_id, set()).add(path)
    return paths


def get_revision(conn: psycopg.Connection, *, blog_id: UUID, number: int) -> RevisionRow | None:
    """Revision `number` of the post, its content read as a post's is (`CONTENT`)."""
    row = conn.execute(
        "select revision_number, created_at, created_by, public.markdown_word_count(content->>'markdown'),"
        " content::text from public.blog_revisions where blog_id = %s and revision_number = %s",
        (blog_id, number),
    ).fetchone()
    if row is None:
        return None
    content, left_out = _readable_content(row[-1])
    return replace(RevisionRow(*row[:-1]), content=content, left_out=left_out)
