"""reader_profiles and the post tags segments are described by (SQLModel; RLS keeps rows owner-only)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Boolean, ColumnElement, literal_column
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, col, select

from blogster_cli.models.content import Blog, BlogsToTags, BlogTag
from blogster_cli.models.extended import ReaderProfile

FIGURES = (
    "segment_size", "engagement_metrics", "behavior_patterns", "demographic_data", "content_preferences", "interests",
)  # fmt: skip


def own_posts(session: Session) -> tuple[dict[str, str], dict[str, list[str]]]:
    """My posts' slugs by id, and their tag names by id."""
    me: ColumnElement[UUID] = literal_column("auth.uid()")
    slugs = {
        str(blog_id): slug
        for blog_id, slug in session.exec(select(Blog.id, Blog.slug).where(col(Blog.author_id) == me))
        if slug is not None
    }
    tags: dict[str, list[str]] = defaultdict(list)
    query = (
        select(BlogsToTags.blog_id, BlogTag.name)
        .join(BlogTag, col(BlogTag.id) == BlogsToTags.tag_id)
        .where(col(BlogsToTags.author_id) == me)
        .order_by(BlogTag.name)
    )
    for blog_id, name in session.exec(query):
        tags[str(blog_id)].append(name)
    return slugs, dict(tags)


def save_segments(session: Session, *, rows: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """(inserted, updated): one row per segment name (0045's unique key), rewritten on each run."""
    if not rows:
        return 0, 0
    statement = insert(ReaderProfile).values(list(rows))
    upserted = statement.on_conflict_do_update(
        index_elements=["user_id", "segment_name"], set_={name: statement.excluded[name] for name in FIGURES}
    ).returning(literal_column("xmax = 0", Boolean))  # xmax is 0 on a row this statement inserted
    flags = session.connection().execute(upserted).scalars().all()
    inserted = sum(bool(flag) for flag in flags)
    return inserted, len(flags) - inserted
