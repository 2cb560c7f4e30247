"""competitor_content of the acting user (SQLModel; RLS keeps the rows owner-only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import literal_column
from sqlmodel import Session, col, select

from blogster_cli.models.extended import CompetitorContent
from blogster_cli.repositories import MY_ID
from blogster_cli.repositories.upserts import upsert_rows

FIGURES = (
    "competitor_domain", "title", "publish_date", "word_count", "keywords", "rank_positions", "estimated_traffic",
    "topic_category", "content_quality_score", "relevance_to_user",
)  # fmt: skip


def upsert(session: Session, *, rows: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """(inserted, updated): a page is known by its URL (0045's unique key), so a re-import updates it."""
    return upsert_rows(session, CompetitorContent, rows, key=("user_id", "content_url"), figures=FIGURES)


def own(session: Session, *, domain: str | None, limit: int) -> list[CompetitorContent]:
    """My competitor pages, most estimated traffic first."""
    query = select(CompetitorContent).where(CompetitorContent.user_id == literal_column(MY_ID))
    if domain is not None:
        query = query.where(CompetitorContent.competitor_domain == domain.lower().removeprefix("www."))
    query = query.order_by(
        col(CompetitorContent.estimated_traffic).desc().nulls_last(), col(CompetitorContent.content_url)
    )
    return list(session.exec(query.limit(limit) if limit else query))
