"""content_monetization of the acting user (SQLModel; RLS keeps rows owner-only, blog_id on my posts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Float, cast, func, literal, literal_column
from sqlalchemy import select as core_select
from sqlmodel import Session, col

from blogster_cli.models.content import Blog
from blogster_cli.models.extended import ContentMonetization
from blogster_cli.repositories import MY_ID
from blogster_cli.repositories.upserts import upsert_rows

FIGURES = (
    "monetization_type", "blog_id", "placement_data", "revenue", "impressions", "clicks", "conversion_count",
    "conversion_rate",
)  # fmt: skip


def upsert(session: Session, *, rows: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """(inserted, updated): a row is known by its provider and reference id (0045's unique key)."""
    return upsert_rows(session, ContentMonetization, rows, key=("user_id", "provider", "reference_id"), figures=FIGURES)


def totals(session: Session, *, by_post: bool) -> list[dict[str, Any]]:
    """My revenue, impressions, clicks and conversions summed per post (slug; None: not tied to a post) or per type."""
    me: ColumnElement[UUID] = literal_column(MY_ID)
    group: Any = col(Blog.slug) if by_post else col(ContentMonetization.monetization_type)
    clicks = func.sum(ContentMonetization.clicks)
    conversions = func.sum(ContentMonetization.conversion_count)
    query = (
        core_select(
            group.label("post" if by_post else "type"),
            func.sum(ContentMonetization.revenue).label("revenue"),
            func.sum(ContentMonetization.impressions).label("impressions"),
            clicks.label("clicks"),
            conversions.label("conversions"),
            (cast(conversions, Float) / func.nullif(clicks, literal(0))).label("conversion_rate"),
            func.count().label("rows"),
        )
        .outerjoin(Blog, col(Blog.id) == ContentMonetization.blog_id)
        .where(col(ContentMonetization.user_id) == me)
        .group_by(group)
        .order_by(func.sum(ContentMonetization.revenue).desc(), group)
    )
    return [dict(row._mapping) for row in session.connection().execute(query)]
