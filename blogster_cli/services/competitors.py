"""`competitors import | list`: competitors' pages from SEO-tool exports, kept per account.

A page is known by its URL, so importing the same or a newer export again updates the pages
it has already (traffic, keywords, positions) instead of adding them twice.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from blogster_cli.actors import ActingUser
from blogster_cli.analytics.csvfile import Rejected
from blogster_cli.analytics.exports import parse_competitors
from blogster_cli.errors import InvalidInput
from blogster_cli.wording import shortened


@dataclass
class CompetitorImport:
    inserted: int
    updated: int
    rejected: list[Rejected] = field(default_factory=list)


def import_pages(acting: ActingUser, *, text: str, source: str) -> CompetitorImport:
    """All rows of the file in one transaction; a URL's first line is kept, its later ones skipped
    and reported (they replaced it without a word)."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import competitors as competitor_rows

    try:
        rows, rejected = parse_competitors(text)
    except ValueError as exc:
        raise InvalidInput(f"{source}: {exc}") from None
    unique: dict[str, tuple[int, dict[str, Any]]] = {}
    for row in rows:
        first = unique.setdefault(row.content_url, (row.line, {k: v for k, v in asdict(row).items() if k != "line"}))[0]
        if first != row.line:
            rejected.append(Rejected(row.line, f"repeats the page of line {first} ({shortened(row.content_url, 120)})"))
    with orm_unit_of_work(acting) as session:
        inserted, updated = competitor_rows.upsert(session, rows=[values for _, values in unique.values()])
    return CompetitorImport(inserted, updated, sorted(rejected, key=lambda r: r.line))


def pages(acting: ActingUser, *, domain: str | None = None, limit: int = 0) -> list[dict[str, Any]]:
    """My competitors' pages (of one domain), most estimated traffic first."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import competitors as competitor_rows

    columns = (
        "competitor_domain", "content_url", "title", "publish_date", "word_count", "keywords", "rank_positions",
        "estimated_traffic", "topic_category", "content_quality_score", "relevance_to_user", "updated_at",
    )  # fmt: skip
    with orm_unit_of_work(acting) as session:
        return [{name: getattr(row, name) for name in columns} for row in competitor_rows.own(
            session, domain=domain, limit=limit)]  # fmt: skip
