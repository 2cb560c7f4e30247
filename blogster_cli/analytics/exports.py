"""Search Console, competitor and revenue CSV exports into typed rows (pure: no database).

Each parser returns (rows, rejected lines) or raises ValueError for a file it cannot read at
all (no header, a required column missing). Column names are matched ignoring case and a
trailing unit ("Estimated earnings (USD)"), and figures are read in the file's own decimal
convention (analytics/csvfile.py), so the exports of the usual tools read as they are:
- positions: Google Search Console performance data with the query and page dimensions
  (API, Looker Studio, Search Analytics for Sheets): Query, Page, Clicks, Impressions, CTR,
  Position, and optionally Date, Device, Country;
- competitors: Ahrefs/Semrush top-pages exports or a hand-made list: URL, Title, Traffic,
  Top keyword and its Position, Word count, Published, Topic, Quality, Relevance;
- revenue: affiliate, ad and sponsorship reports: Type, Provider, Reference, Post (slug or
  URL, or AdSense's Page URL), Revenue (or Earnings, AdSense's Estimated earnings, Commission),
  Impressions, Clicks, Conversions, Placement, Date.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar
from urllib.parse import urlsplit

from blogster_cli.analytics.csvfile import Rejected, Table, check_period, day, read_table
from blogster_cli.vocabulary import DeviceType, MonetizationType
from blogster_cli.wording import quoted

MAX_TEXT = 2000
Row = TypeVar("Row")

POSITION_HEADERS = {
    "query": ("query", "top queries", "queries", "search query", "keyword"),
    "page": ("page", "top pages", "pages", "landing page", "url", "address"),
    "clicks": ("clicks", "url clicks"),
    "impressions": ("impressions",),
    "ctr": ("ctr", "url ctr", "site ctr"),
    "position": ("position", "average position", "avg. position", "avg position"),
    "date": ("date", "day"),
    "device": ("device",),
    "country": ("country", "locale"),
}

COMPETITOR_HEADERS = {
    "content_url": ("url", "content url", "page", "address", "top pages"),
    "competitor_domain": ("domain", "competitor", "competitor domain"),
    "title": ("title", "page title", "title 1"),
    "publish_date": ("published", "publish date", "date published", "first seen"),
    "word_count": ("word count", "words"),
    # Ahrefs' top pages export has both a "Keywords" count ("Current # of keywords" in its newer one) and
    # the "Top keyword" with its "Top keyword: Position": the top keyword is read first, then a list.
    "keywords": ("top keyword", "current top keyword", "keywords", "target keywords"),
    "position": ("top keyword: position", "current top keyword: position", "top keyword position", "position"),
    "estimated_traffic": ("traffic", "estimated traffic", "organic traffic", "current traffic"),
    "topic_category": ("topic", "category", "topic category"),
    "content_quality_score": ("quality", "quality score", "content quality score"),
    "relevance_to_user": ("relevance", "relevance to user"),
}

REVENUE_HEADERS = {
    "monetization_type": ("type", "monetization type", "kind"),
    "provider": ("provider", "network", "program", "partner"),
    "reference_id": ("reference", "reference id", "id", "order id", "campaign id", "campaign", "tracking id"),
    "post": ("post", "slug", "page", "url", "page url", "blog"),
    "revenue": ("revenue", "earnings", "estimated earnings", "estimated revenue", "commission", "amount"),
    "impressions": ("impressions", "ad impressions", "page views"),
    "clicks": ("clicks",),
    "conversions": ("conversions", "conversion count", "orders", "sales", "items shipped"),
    "conversion_rate": ("conversion rate",),
    "placement": ("placement", "ad unit", "ad unit name"),
    "period": ("date", "month", "period"),
    "currency": ("currency", "currency code"),
}

_TYPE_WORDS = {
    "affiliate": MonetizationType.AFFILIATE, "affiliates": MonetizationType.AFFILIATE,
    "sponsored": MonetizationType.SPONSORED, "sponsorship": MonetizationType.SPONSORED,
    "sponsor": MonetizationType.SPONSORED, "paywall": MonetizationType.PAYWALL,
    "subscription": MonetizationType.PAYWALL, "membership": MonetizationType.PAYWALL,
    "advertisement": MonetizationType.ADVERTISEMENT, "advertising": MonetizationType.ADVERTISEMENT,
    "ads": MonetizationType.ADVERTISEMENT, "ad": MonetizationType.ADVERTISEMENT,
    "display": MonetizationType.ADVERTISEMENT, "adsense": MonetizationType.ADVERTISEMENT,
}  # fmt: skip


@dataclass(frozen=True)
class PositionRow:
    """One query of one page on one day, as Search Console reports it."""

    query: str
    page: str
    clicks: int | None
    impressions: int | None
    ctr: float | None
    rank_position: int
    check_date: date | None
    device_type: str
    search_locale: str | None
    line: int = 0


@dataclass(frozen=True)
class CompetitorRow:
    content_url: str
    competitor_domain: str
    title: str | None
    publish_date: date | None
    word_count: int | None
    keywords: list[str]
    rank_positions: dict[str, int]
    estimated_traffic: int | None
    topic_category: str | None
    content_quality_score: float | None
    relevance_to_user: float | None
    line: int = 0


@dataclass(frozen=True)
class RevenueRow:
    monetization_type: str
    provider: str | None
    reference_id: str
    post: str | None
    revenue: float
    impressions: int
    clicks: int
    conversion_count: int
    conversion_rate: float | None
    placement_data: dict[str, Any] = field(default_factory=dict)
    line: int = 0
    currency: str | None = None
    """The currency its Currency column or its revenue cell names (`12,50 €`: EUR), None when neither does."""


_CURRENCY_SIGNS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR"}
_CURRENCY_CODE = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")


def cell_currency(cell: str) -> str | None:
    """The currency a figure is written in: its sign (`$`: USD, the commonest) or its ISO code
    (`EUR 12,50`, `12.50 USD`); None for a bare figure."""
    for sign, code in _CURRENCY_SIGNS.items():
        if sign in cell:
            return code
    found = _CURRENCY_CODE.search(cell)
    return found[1] if found else None


def _text(value: str) -> str | None:
    cleaned = " ".join(value.split())[:MAX_TEXT]
    return cleaned or None


def _rows(
    text: str,
    headers: dict[str, tuple[str, ...]],
    required: list[str],
    what: str,
    build: Callable[[Table, int, dict[str, str]], Row],
    figures: tuple[str, ...],
) -> tuple[list[Row], list[Rejected]]:
    rows: list[Row] = []
    table = read_table(text, headers, required=required, what=what, figures=figures)
    rejected: list[Rejected] = list(table.unread)
    for line, cells in table.rows():
        try:
            rows.append(build(table, line, cells))
        except ValueError as exc:
            rejected.append(Rejected(line, str(exc)))
    return rows, sorted(rejected, key=lambda r: r.line)


def _device(text: str) -> str:
    """Search Console's DESKTOP / MOBILE / TABLET: tablets count as mobile (the schema knows two devices)."""
    word = text.strip().lower()
    if word in ("", "desktop", "computer"):
        return DeviceType.DESKTOP.value
    if word in ("mobile", "tablet", "phone", "smartphone"):
        return DeviceType.MOBILE.value
    raise ValueError(f"unknown device {quoted(text)}")


def parse_positions(text: str, *, default_page: str | None = None) -> tuple[list[PositionRow], list[Rejected]]:
    """Search Console rows; without a Page column every row is `default_page`'s (an export filtered by page)."""
    required = ["query", "position"] if default_page is not None else ["query", "page", "position"]

    def build(table: Table, line: int, cells: dict[str, str]) -> PositionRow:
        query = _text(cells["query"])
        if query is None or len(query) > 500:
            raise ValueError("no query" if query is None else "query longer than 500 characters")
        page = cells["page"] or default_page
        if not page:
            raise ValueError("no page")
        position = table.number(cells, "position")
        clicks, impressions = table.whole(cells, "clicks"), table.whole(cells, "impressions")
        ctr = table.share(cells, "ctr")
        if position is None or position < 1:
            raise ValueError("no position (1 or more)")
        if (clicks or 0) < 0 or (impressions or 0) < 0 or not 0 <= (ctr or 0) <= 1:
            raise ValueError("clicks, impressions or CTR out of range")
        if ctr is None and clicks is not None and impressions:
            ctr = min(1.0, clicks / impressions)
        return PositionRow(
            query, page, clicks, impressions, ctr, round(position), day(cells["date"]), _device(cells["device"]),
            _text(cells["country"]), line,
        )  # fmt: skip

    figures = ("position", "clicks", "impressions", "ctr")
    return _rows(text, POSITION_HEADERS, required, "Search Console export", build, figures)


def _domain(url: str) -> str:
    try:
        host = urlsplit(url if "//" in url else f"https://{url}").hostname or ""
    except ValueError:
        host = ""
    if not host or "." not in host:
        raise ValueError(f"{quoted(url, 80)} is not a page address")
    return host.removeprefix("www.")


def normal_url(url: str) -> str:
    """The page address a row is known by: scheme added, host lower case, no fragment."""
    url = url.strip()
    if "//" not in url:
        url = f"https://{url}"
    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.lower(), fragment="").geturl()


def parse_competitors(text: str) -> tuple[list[CompetitorRow], list[Rejected]]:
    def build(table: Table, line: int, cells: dict[str, str]) -> CompetitorRow:
        url = cells["content_url"]
        domain = (_text(cells["competitor_domain"]) or _domain(url)).lower().removeprefix("www.")
        _domain(url)
        keywords = [
            word for word in (" ".join(part.split()) for part in re.split(r"[;|,\n]", cells["keywords"]))
            if word and not word.replace(".", "").isdigit()
        ][:100]  # fmt: skip
        position = table.whole(cells, "position")
        traffic, words = table.whole(cells, "estimated_traffic"), table.whole(cells, "word_count")
        quality, relevance = table.number(cells, "content_quality_score"), table.number(cells, "relevance_to_user")
        return CompetitorRow(
            normal_url(url)[:MAX_TEXT], domain, _text(cells["title"]), day(cells["publish_date"]), words,
            keywords, {keywords[0]: position} if keywords and position else {}, traffic,
            _text(cells["topic_category"]), quality, relevance, line,
        )  # fmt: skip

    figures = ("position", "estimated_traffic", "word_count", "content_quality_score", "relevance_to_user")
    return _rows(text, COMPETITOR_HEADERS, ["content_url"], "competitor list", build, figures)


def monetization_type(text: str) -> str:
    word = text.strip().lower()
    found = _TYPE_WORDS.get(word) or _TYPE_WORDS.get(word.split()[0] if word else "")
    if found is None:
        raise ValueError(f"unknown type {quoted(text)} (affiliate, sponsored, paywall or advertisement)")
    return found.value


def parse_revenue(
    text: str, *, default_type: str | None = None, default_provider: str | None = None
) -> tuple[list[RevenueRow], list[Rejected]]:
    """Revenue rows; a row without a reference is known by its type, post, placement and period."""
    required = ["revenue"] if default_type is not None else ["revenue", "monetization_type"]

    def build(table: Table, line: int, cells: dict[str, str]) -> RevenueRow:
        kind = monetization_type(cells["monetization_type"]) if cells["monetization_type"] else default_type
        if kind is None:
            raise ValueError("no type")
        revenue = table.number(cells, "revenue")
        impressions, clicks = table.whole(cells, "impressions") or 0, table.whole(cells, "clicks") or 0
        conversions, rate = table.whole(cells, "conversions") or 0, table.share(cells, "conversion_rate")
        if revenue is None:
            raise ValueError("no revenue")
        if min(impressions, clicks, conversions) < 0:
            raise ValueError("negative impressions, clicks or conversions")
        post, placement, period = _text(cells["post"]), _text(cells["placement"]), _text(cells["period"])
        if period is not None:
            check_period(period)
        reference = _text(cells["reference_id"]) or "|".join((kind, post or "", placement or "", period or ""))
        if rate is None and clicks:
            rate = conversions / clicks
        placement_data = {key: value for key, value in (("placement", placement), ("period", period)) if value}
        currency = (_text(cells["currency"]) or "").upper() or cell_currency(cells["revenue"])
        return RevenueRow(
            kind, _text(cells["provider"]) or default_provider, reference[:500], post, revenue, impressions, clicks,
            conversions, rate, placement_data, line, currency,
        )  # fmt: skip

    figures = ("revenue", "impressions", "clicks", "conversions", "conversion_rate")
    return _rows(text, REVENUE_HEADERS, required, "revenue report", build, figures)
