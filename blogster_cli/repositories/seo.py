"""keyword_research and serp_positions of the acting user (RLS keeps them owner-only).

Queries are SQLModel statements. The bulk writes of an import (up to 50,000 rows: what the
Search Console API returns per request) go through repositories/upserts.py, one statement
over one JSON parameter: SQLAlchemy's executemany of the same upsert took a round trip per
row, 10x slower in bench/bench_seo.py (figures in that module's docstring).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Text, Uuid, any_, bindparam, func, literal_column, or_, text, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import ARRAY, distinct_on
from sqlmodel import Session, col, select

from blogster_cli.models.content import Blog
from blogster_cli.models.extended import KeywordResearch, SerpPosition
from blogster_cli.repositories import MY_ID
from blogster_cli.repositories.upserts import insert_rows, upsert_rows

KEYWORD_KEY = ("user_id", "keyword")  # 0209's unique key, the keyword compared ignoring case
KEYWORD_FIGURES = ("search_volume", "keyword_difficulty", "cpc", "competition", "intent")
POSITION_KEY = ("blog_id", "keyword_id", "check_date", "search_engine", "device_type", "search_locale")
POSITION_FIGURES = ("rank_position", "url", "clicks", "impressions", "ctr")


def _me() -> ColumnElement[UUID]:
    """My id for my own keyword rows (MY_ID: their policy is the owner's equality)."""
    return literal_column(MY_ID)


def _my_posts() -> ColumnElement[bool]:
    """My posts: `blogs`' policy also admits others' published ones, so `auth.uid()` (see MY_ID)."""
    return col(Blog.author_id) == literal_column("auth.uid()")


@contextmanager
def _waiting_out_other_imports(session: Session) -> Iterator[None]:
    """Another import adding the same keywords holds them until it commits, a 100,000-line file for
    longer than lock_timeout (5 s): the write in this block waits for it under the statement timeout
    alone, so both imports succeed. The transaction's own lock_timeout is back after the block (the
    later statements keep it); a failed write leaves the transaction to its rollback."""
    connection = session.connection()
    previous = connection.execute(
        text(
            "select previous, pg_catalog.set_config('lock_timeout', '0', true)"
            " from (select pg_catalog.current_setting('lock_timeout') as previous offset 0) as was"
        )
    ).scalar_one()  # one statement: its row (OFFSET 0: a subquery of its own) is read before it is set
    yield
    connection.execute(text("select pg_catalog.set_config('lock_timeout', :previous, true)"), {"previous": previous})


def keyword_keys(session: Session, *, keywords: Iterable[str]) -> dict[str, str]:
    """Each of `keywords` to the server's lower() of it: 0209's unique key, the one rule for which
    keywords are the same. Python's str.lower() differs on some letters ("İ" gives "i" and a combining
    dot; a final sigma) and the server's own rule on its collation, so an import keys its rows by this."""
    given = sorted(set(keywords))
    if not given:
        return {}
    query = text(
        "select pg_catalog.array_agg(pg_catalog.lower(keyword) order by n)"
        " from pg_catalog.unnest(cast(:given as text[])) with ordinality as given (keyword, n)"
    )  # one array each way, whatever the file's size: 100,000 keywords in 0.3-0.5 s at load 7-8
    lowered = session.connection().execute(query, {"given": given}).scalar_one()
    return dict(zip(given, lowered, strict=True))


def own_keywords_by_text(session: Session, *, keywords: Iterable[str]) -> dict[str, KeywordResearch]:
    """My keyword rows whose keyword is one of `keywords` (ignoring case), by their keyword_keys key.

    Both sides are lower-cased by the server, as 0209's unique key compares them."""
    given = sorted(set(keywords))
    if not given:
        return {}
    lowered = core_select(func.lower(func.unnest(bindparam("given", given, type_=ARRAY(Text)))))
    key = func.lower(KeywordResearch.keyword)
    query = select(key, KeywordResearch).where(
        KeywordResearch.user_id == _me(), key.in_(lowered.scalar_subquery())
    )  # one array parameter: an IN list of 50,000 keywords would pass PostgreSQL's 65,535 parameters
    return dict(session.exec(query.order_by(col(KeywordResearch.created_at))).all())


def upsert_keywords(session: Session, *, rows: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """(updated, inserted): a keyword I have already (ignoring case) gets the row's figures, others are added.
    A figure the row has none of keeps the stored one: a Keyword Planner export (no difficulty, no intent)
    imported after a Semrush one does not blank the difficulty and intent the Semrush one gave.

    One INSERT ... ON CONFLICT on 0209's unique key, so two imports of one file at once both succeed
    and store each keyword once (a lookup then an insert stored it twice). The rows' keywords must
    differ by keyword_keys (one statement cannot update a row twice)."""
    with _waiting_out_other_imports(session):
        inserted, updated = upsert_rows(
            session, KeywordResearch, rows, key=KEYWORD_KEY, figures=KEYWORD_FIGURES,
            ignoring_case=("keyword",), keeping=KEYWORD_FIGURES,
        )  # fmt: skip
    return updated, inserted


def keyword_ids(session: Session, *, keywords: Iterable[str]) -> tuple[dict[str, UUID], int]:
    """My keyword ids by their keyword_keys key, and how many of them this call added: a keyword I do
    not have yet is added without figures (ON CONFLICT DO NOTHING: one another import adds meanwhile is
    found, not added twice or counted, and of keywords the same by that key the first is added)."""
    wanted = list(dict.fromkeys(keywords))
    with _waiting_out_other_imports(session):
        added = insert_rows(
            session, KeywordResearch, [{"keyword": keyword} for keyword in wanted], returning=["id"],
            skipping_conflicts=KEYWORD_KEY, ignoring_case=("keyword",),
        )  # fmt: skip
    return {key: row.id for key, row in own_keywords_by_text(session, keywords=wanted).items()}, len(added)


def upsert_positions(session: Session, *, rows: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """(inserted, updated): one row per post, keyword, day, engine, device and locale (0045's unique key)."""
    return upsert_rows(session, SerpPosition, rows, key=POSITION_KEY, figures=POSITION_FIGURES)


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
    in_ids = col(SerpPosition.keyword_id) == any_(bindparam("ids", ids, type_=ARRAY(Uuid)))  # one parameter
    series = select(col(SerpPosition.id).label("id"), previous).where(in_ids).subquery()
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
        .where(_my_posts())
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


def own_keywords(session: Session, *, limit: int, blog_id: UUID | None = None) -> list[KeywordResearch]:
    """My keywords by search volume; with `blog_id`, those tied to that post or that it ranks for."""
    query = select(KeywordResearch).where(KeywordResearch.user_id == _me())
    if blog_id is not None:
        ranked = select(SerpPosition.keyword_id).where(SerpPosition.blog_id == blog_id)
        query = query.where(or_(col(KeywordResearch.blog_id) == blog_id, col(KeywordResearch.id).in_(ranked)))
    query = query.order_by(col(KeywordResearch.search_volume).desc().nulls_last(), KeywordResearch.keyword)
    return list(session.exec(query.limit(limit) if limit else query))
