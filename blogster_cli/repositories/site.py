"""What a site build reads: my site settings, my published posts, their bodies and images.

psycopg and dataclass rows, not SQLModel: `analytics ingest` (a measured hot path) and the site
commands read these; `blogster site settings show` ran in 770 ms and 2764 ms with SQLModel imported,
and `site build` of one post 716 ms and 2629 ms (bench/bench_orm_cost.py, load 4.6-4.9).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from blogster_cli.stored_json import MAX_BYTES, LeftOut, readable_object

if TYPE_CHECKING:
    import psycopg

SETTINGS_COLUMNS = (
    "subdomain", "theme", "custom_domain", "site_title", "site_description", "site_url", "permalink", "posts_per_page",
)  # fmt: skip


@dataclass(frozen=True)
class SiteSettingsRow:
    subdomain: str
    theme: str
    custom_domain: str | None
    site_title: str | None
    site_description: str | None
    site_url: str | None
    permalink: str
    posts_per_page: int


@dataclass(frozen=True)
class PublishedRow:
    id: str
    """As text: a site build uses ids only as strings (keys, the manifest), 10,000 at a time."""
    slug: str
    title: str
    published_at: datetime
    updated_at: datetime
    meta_description: str | None
    reading_time: int
    featured_image: str | None
    tags: list[str]
    version: str
    """The row's version as `published_versions` gives it."""
    untouched: bool = False
    """Not written since the transaction that made it (its `updated_at` is its first revision's time):
    an imported post's row then bears the import's time, not a change of the post's."""


# The version of a post's row: the transaction that last wrote it (xmin: every UPDATE makes
# a new row version, even one made with the updated_at trigger disabled, as migrations
# 0009 and 0014 did to recount reading times) and its updated_at in microseconds.
# Both are read without formatting the row: hashing the row's text, as builds did before,
# cost the server ten times as much. The tags live in other tables: `tag_signature` versions those.
_VERSION = "b.xmin::text || ' ' || (extract(epoch from b.updated_at) * 1000000)::int8::text"
_PUBLISHED = "b.author_id = (select auth.uid()) and b.status = 'published' and b.deleted_at is null and b.published_at is not null"


# Whether the post's row is as the transaction that made it left it: every later write sets updated_at
# (a trigger), the first revision is stamped when the row is made (one index lookup per post).
_UNTOUCHED = (
    "coalesce(b.updated_at = (select r.created_at from public.blog_revisions r"
    " where r.blog_id = b.id and r.revision_number = 1), false)"
)


def own_settings(conn: psycopg.Connection) -> SiteSettingsRow | None:
    row = conn.execute(
        f"select {', '.join(SETTINGS_COLUMNS)} from public.subdomain_settings where user_id = (select auth.uid())"
    ).fetchone()
    return SiteSettingsRow(*row) if row else None


def own_author_name(conn: psycopg.Connection) -> str | None:
    """My profile's name as an author is shown: the full name, else the username (None: neither)."""
    row = conn.execute(
        "select coalesce(nullif(btrim(full_name), ''), nullif(btrim(username), '')) from public.profiles"
        " where id = (select auth.uid())"
    ).fetchone()
    return row[0] if row else None


def with_chosen_address(conn: psycopg.Connection) -> list[SiteSettingsRow]:
    """The settings of every site with a custom domain or a url, by subdomain: on the administrator's
    connection (`doctor`), every account's; on an account's, its own."""
    rows = conn.execute(
        f"select {', '.join(SETTINGS_COLUMNS)} from public.subdomain_settings"
        " where custom_domain is not null or site_url is not null order by subdomain"
    ).fetchall()
    return [SiteSettingsRow(*row) for row in rows]


def update_own_settings(conn: psycopg.Connection, *, values: dict[str, Any]) -> SiteSettingsRow | None:
    from psycopg import sql

    unknown = set(values) - set(SETTINGS_COLUMNS)
    if unknown:
        raise ValueError(f"not updatable: {unknown}")
    assignments = sql.SQL(", ").join(sql.SQL("{} = {}").format(sql.Identifier(c), sql.Placeholder(c)) for c in values)
    row = conn.execute(
        sql.SQL("update public.subdomain_settings set {} where user_id = (select auth.uid()) returning {}").format(
            assignments, sql.SQL(", ").join(map(sql.Identifier, SETTINGS_COLUMNS))
        ),
        values,
    ).fetchone()
    return SiteSettingsRow(*row) if row else None


def published_versions(conn: psycopg.Connection) -> dict[str, str]:
    """Id -> version of each of my published posts: what a rebuild compares with the last build.

    The author filter is the meaning (my site), not the security: RLS lets everyone read
    published posts, and this site must hold only mine. Reading two short columns of the
    posts alone costs a tenth of reading them whole with their tags (at 10,000 posts).
    """
    rows = conn.execute(f"select b.id::text, {_VERSION} from public.blogs b where {_PUBLISHED}").fetchall()
    return dict(rows)


def tag_signature(conn: psycopg.Connection) -> str:
    """A digest of my posts' tag links and the tag names they carry: when it is unchanged since
    the last build, so are the tags of every post whose row is (a rename rewrites the links'
    `tag_name`, 0094)."""
    row = conn.execute(
        "select md5(coalesce(string_agg(bt.blog_id::text || ' ' || bt.tag_id::text || ' ' || bt.tag_name, ','"
        " order by bt.blog_id, bt.tag_id), ''))"
        " from public.blogs_to_tags bt where bt.author_id = (select auth.uid())"
    ).fetchone()
    return str(row[0]) if row else ""


def published_own(conn: psycopg.Connection, *, blog_ids: list[str] | None = None) -> list[PublishedRow]:
    """My published posts without their bodies (a rebuild reads bodies only for what changed):
    all of them, or those of `blog_ids` (what changed since the last build).

    Tags come from one grouped join over my tag links rather than a subquery per post (a third
    of the time at 10,000). `(select auth.uid())` is worked out once per query; `auth.uid()`
    alone reads the role setting again for each of the 10,000 rows and 13,000 tag links.
    """
    only, links = (
        ("", "") if blog_ids is None else (" and b.id = any(%(ids)s::uuid[])", " and bt.blog_id = any(%(ids)s::uuid[])")
    )
    rows = conn.execute(
        "select b.id::text, b.slug, b.title, b.published_at, b.updated_at, b.meta_description, b.reading_time,"
        f" b.featured_image, coalesce(tagged.names, '{{}}'), {_VERSION}, {_UNTOUCHED} from public.blogs b left join ("
        " select bt.blog_id, array_agg(bt.tag_name order by bt.tag_name) as names from public.blogs_to_tags bt"
        " where bt.author_id = (select auth.uid())"
        f"{links} group by bt.blog_id) tagged on tagged.blog_id = b.id where {_PUBLISHED}{only}",
        None if blog_ids is None else {"ids": blog_ids},
    ).fetchall()
    return [PublishedRow(*r) for r in rows]


# What carries an imported post's old URLs (`publish.urls.imported_address`): the front-matter
# fields that name them or go into them, where its file was (`publish.former_urls`), and the address
# its generator gave it if its author forgot that (`posts addresses --forget`). For
# `jsonb_build_object`, with the post as `b` and its front-matter fields as `f`.
ADDRESS_FIELDS = (
    "'dialect', b.content->'source'->'dialect', 'source_path', b.content->'source'->'path',"
    " 'layout_path', b.content->'source'->'layout_path',"
    " 'forgotten_addresses', b.content->'source'->'forgotten_addresses',"
    " 'site_permalink', b.content->'source'->'site_permalink', 'url', f->'url', 'permalink', f->'permalink',"
    " 'path', f->'path', 'aliases', f->'aliases', 'redirect_from', f->'redirect_from', 'link', f->'link',"
    " 'slug', f->'slug',"
    " 'date', f->'date', 'title', f->'title', 'categories', f->'categories', 'category', f->'category'"
)
FRONT_MATTER_FIELDS = "lateral (select b.content->'front_matter'->'fields' as f) fields"


# When the post says it last changed (`publish.pages.MODIFIED_FIELDS`, in that order) and the zone its
# dates without an offset were read in at import (`content.document`).
MODIFIED_FIELDS = (
    "'modified', jsonb_build_array(f->'lastmod', f->'modified', f->'updated', f->'last_modified_at',"
    " f->'updatedDate', f->'modDatetime'), 'timezone', b.content->'source'->'timezone'"
)


def contents(
    conn: psycopg.Connection, *, blog_ids: list[str]
) -> tuple[dict[str, dict[str, Any]], dict[str, list[LeftOut]]]:
    """Markdown, the address document (`ADDRESS_FIELDS`), the stated last change (`MODIFIED_FIELDS`)
    and the former addresses (migration 0203) of each of my posts named, and what was left out of each: read as text and decoded here
    (`stored_json.readable_object`), since a value Python cannot read (written by the account's own SQL) must
    not end the query with every post in it. Not capped at MAX_BYTES: a post's content is (`blogs_content_size`)."""
    rows = conn.execute(
        f"select b.id::text, jsonb_build_object('markdown', b.content->'markdown', {ADDRESS_FIELDS},"
        f" {MODIFIED_FIELDS}, 'former_addresses', b.former_addresses)::text"
        f" from public.blogs b, {FRONT_MATTER_FIELDS}"
        " where b.id = any(%s::uuid[]) and b.author_id = auth.uid()",
        (blog_ids,),
    ).fetchall()
    return readable_documents(rows)


def readable_documents(rows: list[tuple[str, str]]) -> tuple[dict[str, dict[str, Any]], dict[str, list[LeftOut]]]:
    """(key -> the JSON object of each (key, JSON text) row, key -> what was left out of it where anything was)."""
    documents, left_out = {}, {}
    for key, text in rows:
        document, left = readable_object(text)
        documents[key] = document or {}
        if left:
            left_out[key] = left
    return documents, left_out


def image_files(conn: psycopg.Connection, *, urls: list[str]) -> dict[str, str]:
    """Stored file name (content hash) of each image URL among my own image rows.

    Mine only (`created_by`), not all that RLS lets me read: any account may attach a row to its
    own published post naming any URL and path, and a build that took another account's row for
    one of my pictures copied whatever file that row named into my site. Of several rows of mine
    for a URL, the one whose path is the URL's own name (as `images add` writes them) wins, then
    the oldest: the same file on every build."""
    rows = conn.execute(
        "select distinct on (url) url, path from public.image_assets"
        " where created_by = (select auth.uid()) and url = any(%s) and path is not null"
        " order by url, path is distinct from substr(url, 7), created_at, id",
        (urls,),
    ).fetchall()
    return dict(rows)


def mark_domain_verified(conn: psycopg.Connection, *, user_id: UUID, domain: str) -> bool:
    """Sets the verified flag of this account's site if its custom domain is still `domain`
    (the caller acts as service_role: accounts have no grant on the flag)."""
    row = conn.execute(
        "update public.subdomain_settings set is_custom_domain_verified = true"
        " where user_id = %s and custom_domain = %s returning 1",
        (user_id, domain),
    ).fetchone()
    return row is not None


def widgets(conn: psycopg.Connection) -> list[tuple[str, str, str, str | None]]:
    """(content type, tracking id, title, structure) of my interactive content that has a tracking id; the
    structure as stored, any JSON (the database does not check its shape: the build does), as its text
    (None past stored_json.MAX_BYTES): the build decodes it, since one Python cannot read must not end the query."""
    rows = conn.execute(
        "select i.content_type::text, i.tracking_id, coalesce(i.title, ''),"
        " case when octet_length(s.structure_text) <= %s then s.structure_text end"
        " from public.interactive_content i, lateral (select i.structure::text) s (structure_text)"
        " where i.user_id = (select auth.uid()) and i.tracking_id is not null",
        (MAX_BYTES,),
    ).fetchall()
    return [(kind, tracking, title, structure) for kind, tracking, title, structure in rows]
