"""content_monetization of the acting user (SQLModel; RLS keeps rows owner-only, blog_id on my posts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Boolean, ColumnElement, Float, cast, func, literal, literal_column
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, col

from blogster_cli.models.content import Blog
from blogster_cli.models.extended import ContentMonetization

FIGURES = (
    "monetization_type", "blog_id", "placement_data", "revenue", "impressions", "clicks", "conversion_count",
    "conversion_rate",
)  # fmt: skip


def upsert(session: Session, *, rows: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """(inserted, updated): a row is known by its provider and reference id (0045's unique key)."""
    if not rows:
        return 0, 0
    statement = insert(ContentMonetization).values(list(rows))
    upserted = statement.on_conflict_do_update(
        index_elements=["user_id", "provider", "reference_id"],
        set_={name: statement.excluded[name] for name in FIGURES},
    ).returning(literal_column("xmax = 0", Boolean))  # xmax is 0 on a row this statement inserted
    flags = session.connection().execute(upserted).scalars().all()
    inserted = sum(bool(flag) for flag in flags)
    return inserted, len(flags) - inserted


def totals(session: Session, *, by_post: bool) -> list[dict[str, Any]]:
    """My revenue, impressions, clicks and conversions summed per post (slug; None: not tied to a post) or per type."""
    me: ColumnElement[UUID] = literal_column("auth.uid()")
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
