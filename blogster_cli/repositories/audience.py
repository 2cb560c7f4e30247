"""reader_profiles and the post tags segments are described by (SQLModel; RLS keeps rows owner-only)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, literal_column
from sqlmodel import Session, col, select

from blogster_cli.models.content import Blog, BlogsToTags
from blogster_cli.models.extended import ReaderProfile
from blogster_cli.repositories.upserts import upsert_rows

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
    # The links' spelling (0117), not the shared tag's (another account's first spelling).
    query = (
        select(BlogsToTags.blog_id, BlogsToTags.tag_name)
        .where(col(BlogsToTags.author_id) == me)
        .order_by(col(BlogsToTags.tag_name))
    )
    for blog_id, name in session.exec(query):
        tags[str(blog_id)].append(str(name))  # not null (0094)
    return slugs, dict(tags)


def save_segments(session: Session, *, rows: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """(inserted, updated): one row per segment name (0045's unique key), rewritten on each run."""
    return upsert_rows(session, ReaderProfile, rows, key=("user_id", "segment_name"), figures=FIGURES)
