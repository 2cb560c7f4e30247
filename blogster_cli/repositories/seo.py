"""keyword_research and serp_positions of the acting user (SQLModel; RLS keeps them owner-only).

SQLModel statements, not hand-written SQL: an import is a few thousand rows at most (a
Search Console export holds 1,000 rows from the web page, 50,000 from the API), which
SQLAlchemy's batched INSERT ... VALUES sends in a handful of statements; there is no hot
path here that would justify driver-level SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Boolean, ColumnElement, func, literal_column, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlmodel import Session, col, select

from blogster_cli.models.content import Blog
from blogster_cli.models.extended import KeywordResearch, SerpPosition

KEYWORD_FIGURES = ("search_volume", "keyword_difficulty", "cpc", "competition", "intent")
POSITION_KEY = ("blog_id", "keyword_id", "check_date", "search_engine", "device_type", "search_locale")
POSITION_FIGURES = ("rank_position", "url", "clicks", "impressions", "ctr")


def _me() -> ColumnElement[UUID]:
    return literal_column("auth.uid()")


def own_keywords_by_text(session: Session, *, keywords: Iterable[str]) -> dict[str, KeywordResearch]:
    """My keyword rows whose keyword is one of `keywords` (ignoring case), by lower-cased keyword."""
    wanted = sorted({keyword.lower() for keyword in keywords})
    if not wanted:
        return {}
    query = select(KeywordResearch).where(
        KeywordResearch.user_id == _me(), func.lower(KeywordResearch.keyword).in_(wanted)
    )
    return {row.keyword.lower(): row for row in session.exec(query.order_by(col(KeywordResearch.created_at)))}


def upsert_keywords(session: Session, *, rows: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """(updated, inserted): a keyword I have already (ignoring case) gets the row's figures, others are added."""
    existing = own_keywords_by_text(session, keywords=[row["keyword"] for row in rows])
    updated = 0
    for row in rows:
        known = existing.get(row["keyword"].lower())
        if known is None:
            session.add(KeywordResearch(**row))
            continue
        for name in KEYWORD_FIGURES:
            setattr(known, name, row[name])
        updated += 1
    session.flush()
    return updated, len(rows) - updated


def keyword_ids(session: Session, *, keywords: Iterable[str]) -> dict[str, UUID]:
    """My keyword ids by lower-cased keyword; a keyword I do not have yet is added without figures."""
    wanted = {keyword.lower(): keyword for keyword in keywords}
    found = own_keywords_by_text(session, keywords=wanted)
    missing = [KeywordResearch(keyword=keyword) for lowered, keyword in wanted.items() if lowered not in found]
    session.add_all(missing)
    session.flush()
    return {**{k: row.id for k, row in found.items()}, **{row.keyword.lower(): row.id for row in missing}}


def upsert_positions(session: Session, *, rows: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """(inserted, updated): one row per post, keyword, day, engine, device and locale (0045's unique key)."""
    if not rows:
        return 0, 0
    statement = insert(SerpPosition).values(list(rows))
    upserted = statement.on_conflict_do_update(
        index_elements=list(POSITION_KEY), set_={name: statement.excluded[name] for name in POSITION_FIGURES}
    ).returning(literal_column("xmax = 0", Boolean))  # xmax is 0 on a row this statement inserted
    flags = session.connection().execute(upserted).scalars().all()
    inserted = sum(bool(flag) for flag in flags)
    return inserted, len(flags) - inserted


def recompute_changes(session: Session, *, keyword_ids: Iterable[UUID]) -> None:
    """previous_position and change (previous - current: positive moved up) of my series of `keyword_ids`.

    A series is one post, keyword, engine, device and locale by check_date, so importing an older
    export after a newer one still gives every row the position of the day before it.
    """
    ids = list(keyword_ids)
    if not ids:
        return
    previous = (
        func.lag(SerpPosition.rank_position)
        .over(
            partition_by=[col(SerpPosition.blog_id), col(SerpPosition.keyword_id), col(SerpPosition.search_engine),
                          col(SerpPosition.device_type), col(SerpPosition.search_locale)],
            order_by=col(SerpPosition.check_date),
        )
        .label("previous")
    )  # fmt: skip
    series = select(col(SerpPosition.id).label("id"), previous).where(col(SerpPosition.keyword_id).in_(ids)).subquery()
    session.connection().execute(
        update(SerpPosition)
        .where(col(SerpPosition.id) == series.c.id)
        .where(col(SerpPosition.previous_position).is_distinct_from(series.c.previous))
        .values(previous_position=series.c.previous, change=series.c.previous - col(SerpPosition.rank_position))
    )


def latest_positions(session: Session, *, blog_id: UUID | None, limit: int) -> list[dict[str, Any]]:
    """The last check of each of my posts' series (post, keyword, engine, device, locale), most clicked first."""
    series = (
        col(SerpPosition.blog_id), col(SerpPosition.keyword_id), col(SerpPosition.search_engine),
        col(SerpPosition.device_type), col(SerpPosition.search_locale),
    )  # fmt: skip
    latest = (
        select(SerpPosition)
        .ext(distinct_on(*series))
        .join(Blog, col(Blog.id) == SerpPosition.blog_id)
        .where(col(Blog.author_id) == _me())
        .order_by(*series, col(SerpPosition.check_date).desc())
    )
    if blog_id is not None:
        latest = latest.where(SerpPosition.blog_id == blog_id)
    last = latest.subquery()
    query = (
        core_select(col(Blog.slug), col(KeywordResearch.keyword), last)
        .join(Blog, col(Blog.id) == last.c.blog_id)
        .join(KeywordResearch, col(KeywordResearch.id) == last.c.keyword_id)
        .order_by(last.c.clicks.desc().nulls_last(), last.c.rank_position, Blog.slug, KeywordResearch.keyword)
    )
    if limit:
        query = query.limit(limit)
    return [dict(row._mapping) for row in session.connection().execute(query)]


def own_keywords(session: Session, *, limit: int) -> list[KeywordResearch]:
    query = (
        select(KeywordResearch)
        .where(KeywordResearch.user_id == _me())
        .order_by(col(KeywordResearch.search_volume).desc().nulls_last(), KeywordResearch.keyword)
    )
    return list(session.exec(query.limit(limit) if limit else query))
