"""`seo import-keywords | keywords | import-positions | positions`: SEO data from CSV exports, kept per account.

Every import is idempotent: a keyword is known by its text (ignoring case), a position by
its post, keyword, day, search engine, device and locale, so importing a file again updates
the rows it made instead of adding new ones. A keyword repeated in one file is skipped after its
first line (and reported); a page of another site is no post of mine, whatever its path.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from blogster_cli.actors import ActingUser
from blogster_cli.analytics.csvfile import Rejected
from blogster_cli.analytics.exports import PositionRow, parse_positions
from blogster_cli.analytics.keywords import KeywordRow, parse_keywords
from blogster_cli.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from blogster_cli.services.post_addresses import PostFinder


@dataclass
class KeywordImport:
    """What an import did: a keyword already present (ignoring case) is updated, not duplicated."""

    inserted: int
    updated: int
    rejected: list[Rejected] = field(default_factory=list)
    volume_ranges: int = 0
    """Rows whose search volume the file gave as a range (Keyword Planner without ad spend: "1K – 10K"),
    stored as its lower bound (analytics/keywords.py says why)."""


def import_keywords(acting: ActingUser, *, text: str, source: str) -> KeywordImport:
    """All rows of the file in one transaction; unreadable lines are reported, not fatal, and so is
    a keyword's second line (ignoring case as the database's lower() does, 0209's key): the first is kept."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import seo as seo_rows

    ranges: list[int] = []
    with orm_unit_of_work(acting) as session:
        try:
            rows, rejected = parse_keywords(
                text, ranges=ranges, keys=lambda keywords: seo_rows.keyword_keys(session, keywords=keywords)
            )
        except ValueError as exc:
            raise InvalidInput(f"{source}: {exc}") from None
        updated, inserted = seo_rows.upsert_keywords(session, rows=[asdict(row) for row in rows])
    return KeywordImport(inserted, updated, rejected, len(ranges))


def keywords(acting: ActingUser, *, limit: int = 0, blog: str | None = None) -> list[KeywordRow]:
    """My keywords by search volume; with `blog`, those tied to that post or that it ranks for."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import seo as seo_rows

    blog_id = _own_post_id(acting, blog) if blog is not None else None
    with orm_unit_of_work(acting) as session:
        return [
            KeywordRow(
                row.keyword,
                row.search_volume,
                row.keyword_difficulty,
                row.cpc,
                row.competition,
                None if row.intent is None else str(row.intent),
            )  # fmt: skip
            for row in seo_rows.own_keywords(session, limit=limit, blog_id=blog_id)
        ]


@dataclass
class PositionImport:
    """What `seo import-positions` did; rows of one key in the file are merged (clicks added)."""

    inserted: int
    updated: int
    keywords_added: int
    check_date: date | None
    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _merged(
    rows: list[tuple[str, PositionRow]], default_day: date, keys: Mapping[str, str]
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """One row per unique key, the query known by its key in `keys` (the database's lower(), as
    keyword ids are): pages of one post (e.g. with and without a query string) are added up, the
    position averaged weighted by impressions."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    weights: dict[tuple[Any, ...], tuple[float, float]] = {}
    for blog_id, row in rows:
        check_date = row.check_date or default_day
        key = (blog_id, keys[row.query], check_date, row.device_type, row.search_locale)
        weight = float(row.impressions or 1)
        total, weighted = weights.get(key, (0.0, 0.0))
        weights[key] = (total + weight, weighted + weight * row.rank_position)
        known = merged.get(key)
        if known is None:
            merged[key] = {
                "blog_id": blog_id, "query": row.query, "check_date": check_date, "search_engine": "google",
                "device_type": row.device_type, "search_locale": row.search_locale, "url": row.page,
                "clicks": row.clicks, "impressions": row.impressions, "ctr": row.ctr,
            }  # fmt: skip
            continue
        for name in ("clicks", "impressions"):
            value = getattr(row, name)
            if value is not None:
                known[name] = (known[name] or 0) + value
        if known["clicks"] is not None and known["impressions"]:
            known["ctr"] = min(1.0, known["clicks"] / known["impressions"])
    for key, (total, weighted) in weights.items():
        merged[key]["rank_position"] = max(1, round(weighted / total))
    return merged


def import_positions(
    acting: ActingUser,
    *,
    text: str,
    source: str,
    base_domain: str,
    blog: str | None = None,
    check_date: date | None = None,
) -> PositionImport:
    """Search Console rows into serp_positions; each page must be one of my posts (by its address,
    on my site: `base_domain` places my subdomain).

    Rows without a Date column are dated `check_date` (today, UTC, by default); with `blog`, an
    export without a Page column (filtered by page in Search Console) belongs to that post.
    """
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import seo as seo_rows
    from blogster_cli.services.post_addresses import post_finder

    try:
        rows, rejected = parse_positions(text, default_page=blog)
    except ValueError as exc:
        raise InvalidInput(f"{source}: {exc}") from None
    find = post_finder(acting, base_domain=base_domain)
    named = str(_own_post_id(acting, blog, find)) if blog is not None else None
    matched: list[tuple[str, PositionRow]] = []
    elsewhere: Counter[str] = Counter()
    for row in rows:
        blog_id = named if named is not None and row.page == blog else find(row.page)
        if blog_id is None:
            rejected.append(Rejected(row.line, find.refusal(row.page)))
            if host := find.elsewhere(row.page):
                elsewhere[host] += 1
        else:
            matched.append((blog_id, row))
    day = check_date or datetime.now(UTC).date()
    with orm_unit_of_work(acting) as session:
        keys = seo_rows.keyword_keys(session, keywords=[row.query for _, row in matched])
        merged = _merged(matched, day, keys)
        ids, added = seo_rows.keyword_ids(session, keywords=[row["query"] for row in merged.values()])
        values = [{**{k: v for k, v in row.items() if k != "query"}, "keyword_id": ids[keys[row["query"]]]}
                  for row in merged.values()]  # fmt: skip
        inserted, updated = seo_rows.upsert_positions(session, rows=values)
        seo_rows.recompute_changes(session, keyword_ids=set(ids.values()))
    dates = {row["check_date"] for row in merged.values()}
    return PositionImport(
        inserted, updated, added, dates.pop() if len(dates) == 1 else None,
        sorted(rejected, key=lambda r: r.line), find.other_sites(elsewhere),
    )  # fmt: skip


def _own_post_id(acting: ActingUser, blog: str, find: PostFinder | None = None) -> UUID:
    """The post `--blog` names, as every command finds "your post" (post_steps.find_own: by slug,
    id or AUTHOR/SLUG, another account's post refused as such), else by its address on my site (a
    path or URL, as an export's Page column has it)."""
    from blogster_cli.db.acting import unit_of_work
    from blogster_cli.services.post_addresses import post_finder
    from blogster_cli.services.post_steps import find_own

    try:
        with unit_of_work(acting) as conn:
            return find_own(conn, blog).id
    except NotFound:
        found = (find or post_finder(acting, base_domain=""))(blog)
        if found is None:
            raise
        return UUID(found)


def positions(acting: ActingUser, *, blog: str | None = None, limit: int = 0) -> list[dict[str, Any]]:
    """The last check of each of my (post, keyword, device, locale) series, most clicked first."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import seo as seo_rows

    blog_id = _own_post_id(acting, blog) if blog is not None else None
    with orm_unit_of_work(acting) as session:
        rows = seo_rows.latest_positions(session, blog_id=blog_id, limit=limit)
    columns = ("slug", "keyword", "rank_position", "previous_position", "change", "clicks", "impressions", "ctr",
               "check_date", "device_type", "search_locale", "url")  # fmt: skip
    return [{name: row[name] for name in columns} for row in rows]
