"""A post's former addresses (migration 0203): the slugs and publication times it was published
under, oldest first, which `site build` redirects from and the feeds name it by. Its author may
forget entries and only that (0205: the trigger keeps a written value only where it removes entries).
Also what holds the addresses my imported post keeps (`own_address_document`), which `posts addresses`
lists with them.

Runs inside the caller's unit of work as the acting user; every query names `author_id = auth.uid()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

if TYPE_CHECKING:
    import psycopg


def own_former_addresses(conn: psycopg.Connection, *, blog_id: UUID) -> list[tuple[str, str]]:
    """(slug, publication time as stored) of each former address of my post, oldest first; entries
    not shaped as the trigger writes them (none since 0203) are skipped."""
    rows = conn.execute(
        "select e->>'slug', e->>'published_at' from public.blogs b,"
        " jsonb_array_elements(case jsonb_typeof(b.former_addresses) when 'array' then b.former_addresses"
        " else '[]'::jsonb end) with ordinality t(e, n)"
        " where b.id = %(id)s and b.author_id = auth.uid() and jsonb_typeof(e) = 'object'"
        " and jsonb_typeof(e->'slug') = 'string' and jsonb_typeof(e->'published_at') = 'string' order by n",
        {"id": blog_id},
    ).fetchall()
    return [(slug, published) for slug, published in rows]


def forget(conn: psycopg.Connection, *, blog_id: UUID, slugs: Sequence[str] | None) -> None:
    """Removes the entries of `slugs` (all of them: None) from my post's former addresses, written
    as the list less those entries, the one value the trigger keeps."""
    conn.execute(
        "update public.blogs set former_addresses = coalesce((select jsonb_agg(e order by n)"
        " from jsonb_array_elements(former_addresses) with ordinality t(e, n)"
        " where not %(all)s::boolean and coalesce(e->>'slug' <> all(%(slugs)s::text[]), true)), '[]'::jsonb)"
        " where id = %(id)s and author_id = auth.uid()",
        {"id": blog_id, "slugs": list(slugs or ()), "all": slugs is None},
    )


def own_address_document(conn: psycopg.Connection, *, blog_id: UUID) -> dict[str, Any]:
    """What holds my post's imported URL and aliases, read as `site build` and `analytics ingest`
    read it (`site.ADDRESS_FIELDS`, `publish.urls.imported_address`); {} for a value Python cannot read."""
    from blogster_cli.repositories.site import ADDRESS_FIELDS, FRONT_MATTER_FIELDS, readable_documents

    rows = conn.execute(
        f"select b.id::text, jsonb_build_object({ADDRESS_FIELDS})::text from public.blogs b, {FRONT_MATTER_FIELDS}"
        " where b.id = %(id)s and b.author_id = auth.uid()",
        {"id": blog_id},
    ).fetchall()
    documents, _ = readable_documents(rows)
    return documents.get(str(blog_id), {})
