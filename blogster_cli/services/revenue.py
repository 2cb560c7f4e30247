"""`revenue import | report`: what your posts earn, from affiliate, ad, sponsorship and paywall reports.

A row is known by its provider and reference id (a report's order, campaign or tracking id;
without one, by its type, post, placement and period), so importing a report again updates
its rows instead of adding them twice. A row's post (slug or URL) must be one of yours; a row
without a post is revenue of the whole site.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from blogster_cli.actors import ActingUser
from blogster_cli.analytics.csvfile import Rejected
from blogster_cli.analytics.exports import monetization_type, parse_revenue
from blogster_cli.errors import InvalidInput


@dataclass
class RevenueImport:
    inserted: int
    updated: int
    revenue: float
    rejected: list[Rejected] = field(default_factory=list)


@dataclass
class RevenueReport:
    """Totals per post (None: revenue not tied to a post) and per monetization type, highest first."""

    total_revenue: float
    by_post: list[dict[str, Any]]
    by_type: list[dict[str, Any]]


def import_report(
    acting: ActingUser, *, text: str, source: str, kind: str | None = None, provider: str | None = None
) -> RevenueImport:
    """All rows of the file in one transaction; `kind` and `provider` fill rows whose file lacks the column."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import revenue as revenue_rows
    from blogster_cli.services.post_addresses import post_finder

    try:
        default_type = monetization_type(kind) if kind is not None else None
    except ValueError as exc:
        raise InvalidInput(f"--type: {exc}") from None
    try:
        rows, rejected = parse_revenue(text, default_type=default_type, default_provider=provider)
    except ValueError as exc:
        raise InvalidInput(f"{source}: {exc}") from None
    find = post_finder(acting)
    unique: dict[tuple[str | None, str], dict[str, Any]] = {}
    for row in rows:
        blog_id = find(row.post) if row.post else None
        if row.post and blog_id is None:
            rejected.append(Rejected(row.line, f"{row.post[:120]}: none of your posts"))
            continue
        values = {k: v for k, v in asdict(row).items() if k not in ("line", "post")}
        unique[(row.provider, row.reference_id)] = {**values, "blog_id": blog_id}  # the file's last row wins
    with orm_unit_of_work(acting) as session:
        inserted, updated = revenue_rows.upsert(session, rows=list(unique.values()))
    total = round(sum(row["revenue"] for row in unique.values()), 2)
    return RevenueImport(inserted, updated, total, sorted(rejected, key=lambda r: r.line))


def report(acting: ActingUser) -> RevenueReport:
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import revenue as revenue_rows

    with orm_unit_of_work(acting) as session:
        by_post = revenue_rows.totals(session, by_post=True)
        by_type = revenue_rows.totals(session, by_post=False)
    for row in (*by_post, *by_type):
        row["revenue"] = round(row["revenue"] or 0.0, 2)
        if "type" in row:
            row["type"] = str(row["type"])
    return RevenueReport(round(sum(row["revenue"] for row in by_type), 2), by_post, by_type)
