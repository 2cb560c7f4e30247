"""keyword_research rows of the acting user (psycopg; RLS keeps them owner-only)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

_ROWS = (
    "jsonb_to_recordset(%s::jsonb) as r(keyword text, search_volume int, keyword_difficulty float8, cpc float8,"
    " competition float8, intent public.keyword_intent)"
)


def upsert_keywords(conn: psycopg.Connection, *, rows: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """(updated, inserted): a keyword I have already (ignoring case) is updated, others are added."""
    payload = json.dumps(list(rows))
    updated = conn.execute(
        "update public.keyword_research k set search_volume = r.search_volume,"
        " keyword_difficulty = r.keyword_difficulty, cpc = r.cpc, competition = r.competition, intent = r.intent"
        f" from {_ROWS} where k.user_id = auth.uid() and lower(k.keyword) = lower(r.keyword)",
        (payload,),
    ).rowcount
    inserted = conn.execute(
        "insert into public.keyword_research (keyword, search_volume, keyword_difficulty, cpc, competition, intent)"
        f" select r.keyword, r.search_volume, r.keyword_difficulty, r.cpc, r.competition, r.intent from {_ROWS}"
        " where not exists (select 1 from public.keyword_research k"
        "   where k.user_id = auth.uid() and lower(k.keyword) = lower(r.keyword))",
        (payload,),
    ).rowcount
    return updated, inserted


def own_keywords(conn: psycopg.Connection, *, limit: int) -> list[tuple[Any, ...]]:
    return conn.execute(
        "select keyword, search_volume, keyword_difficulty, cpc, competition, intent::text"
        " from public.keyword_research where user_id = auth.uid()"
        " order by search_volume desc nulls last, keyword limit %s",
        (limit or None,),
    ).fetchall()
