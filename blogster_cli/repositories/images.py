"""Image assets: rows in image_assets, files in the data folder under content-hashed names.

psycopg and dataclass rows, not SQLModel (whose classes cost the same import): `blogster images
list` ran in 703 ms and 2373 ms with SQLModel imported (bench/bench_orm_cost.py, load 4.6-4.9).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from blogster_cli import id_prefixes
from blogster_cli.db.rows import scalar

if TYPE_CHECKING:
    import psycopg


@dataclass(frozen=True)
class ImageRow:
    id: UUID
    url: str
    path: str | None
    size: int | None
    file_type: str | None
    blog_id: UUID | None
    alt_text: str | None
    caption: str | None
    created_at: datetime
    post: str | None = None  # the slug of the post it belongs to, as RLS lets me see it


_SELECT = (
    "select i.id, i.url, i.path, i.size, i.file_type, i.blog_id, i.alt_text, i.caption, i.created_at, b.slug"
    " from public.image_assets i left join public.blogs b on b.id = i.blog_id"
)


def insert(
    conn: psycopg.Connection, *, url: str, path: str, size: int, file_type: str, blog_id: UUID,
    alt_text: str | None, caption: str | None,
) -> UUID:  # fmt: skip
    return scalar(
        conn.execute(
            "insert into public.image_assets (url, path, size, file_type, blog_id, alt_text, caption)"
            " values (%s, %s, %s, %s, %s, %s, %s) returning id",
            (url, path, size, file_type, blog_id, alt_text, caption),
        ),
        UUID,
    )


def list_mine(conn: psycopg.Connection, *, blog_id: UUID | None = None) -> list[ImageRow]:
    rows = conn.execute(
        _SELECT + " where i.created_by = auth.uid() and (%(blog)s::uuid is null or i.blog_id = %(blog)s)"
        " order by i.created_at, i.id",
        {"blog": blog_id},
    ).fetchall()
    return [ImageRow(*r) for r in rows]


def alt_texts(conn: psycopg.Connection) -> dict[tuple[str, str], str]:
    """(post id, url) -> alt text, of my images that are attached to a post and have one."""
    rows = conn.execute(
        "select blog_id::text, url, alt_text from public.image_assets"
        " where created_by = auth.uid() and blog_id is not null and alt_text is not null"
        " order by created_at, id"
    ).fetchall()
    return {(blog_id, url): alt for blog_id, url, alt in rows if alt}


def find_mine(conn: psycopg.Connection, *, image_id: str) -> ImageRow | None:
    row = conn.execute(_SELECT + " where i.created_by = auth.uid() and i.id::text = %s", (image_id,)).fetchone()
    return ImageRow(*row) if row else None


def mine_starting(conn: psycopg.Connection, *, prefix: str) -> list[ImageRow]:
    """My images whose id starts with `prefix` (id_prefixes: one is a match, two ambiguous)."""
    rows = conn.execute(
        _SELECT + " where i.created_by = auth.uid() and starts_with(i.id::text, %s) order by i.id limit %s",
        (prefix, id_prefixes.ROWS_NEEDED),
    ).fetchall()
    return [ImageRow(*r) for r in rows]


def find_attached(conn: psycopg.Connection, *, blog_id: UUID, path: str) -> ImageRow | None:
    """My image row already attaching the file `path` to the post `blog_id`, if any."""
    row = conn.execute(
        _SELECT + " where i.created_by = auth.uid() and i.blog_id = %s and i.path = %s order by i.created_at limit 1",
        (blog_id, path),
    ).fetchone()
    return ImageRow(*row) if row else None


def find_by_url(conn: psycopg.Connection, *, blog_id: UUID, url: str) -> ImageRow | None:
    """My image row of the post `blog_id` at the address `url`, if any."""
    row = conn.execute(
        _SELECT + " where i.created_by = auth.uid() and i.blog_id = %s and i.url = %s order by i.created_at limit 1",
        (blog_id, url),
    ).fetchone()
    return ImageRow(*row) if row else None


def stored_file(conn: psycopg.Connection, *, url: str) -> str | None:
    """The stored file name of my image rows at the address `url` (as site.image_files picks it), if any."""
    row = conn.execute(
        "select path from public.image_assets where created_by = auth.uid() and url = %s and path is not null"
        " order by path is distinct from substr(url, 7), created_at, id limit 1",
        (url,),
    ).fetchone()
    return str(row[0]) if row else None


def describe(conn: psycopg.Connection, *, image_id: UUID, alt_text: str | None, caption: str | None) -> None:
    """Set the alt text and caption that are given (None keeps the stored one)."""
    conn.execute(
        "update public.image_assets set alt_text = coalesce(%s, alt_text), caption = coalesce(%s, caption)"
        " where id = %s and created_by = auth.uid()",
        (alt_text, caption, image_id),
    )


def delete(conn: psycopg.Connection, *, image_ids: list[UUID]) -> int:
    """Deletes my image rows through delete_rows (users hold no DELETE privilege); returns how many."""
    return conn.execute("select public.delete_rows('public.image_assets', %s::uuid[])", (image_ids,)).rowcount


def path_in_use(conn: psycopg.Connection, *, path: str) -> bool:
    """Whether any account's row still uses the stored file: my RLS cannot see theirs."""
    return scalar(conn.execute("select public.image_file_in_use(%s)", (path,)), bool)
