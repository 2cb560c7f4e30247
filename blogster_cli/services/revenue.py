"""`revenue import | report`: what your posts earn, from affiliate, ad, sponsorship and paywall reports.

A row is known by its provider and reference id (a report's order, campaign or tracking id;
without one, by its type, post, placement and period), so importing a report again updates
its rows instead of adding them twice. A row's post (slug or URL on my site) must be one of
mine; a row without a post is revenue of the whole site.

Lines of one file with the same key are added up into one row: a report splits an amount by
what Blogster does not keep (country, device, the items of one order), and the parts belong
together; keeping the last alone lost the others' money without a word. A reference repeated
with another type, post, placement or date names no one row, so such a later line is skipped
and reported instead.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from blogster_cli.actors import ActingUser
from blogster_cli.analytics.csvfile import Rejected
from blogster_cli.analytics.exports import monetization_type, parse_revenue
from blogster_cli.errors import InvalidInput
from blogster_cli.wording import quoted


@dataclass
class RevenueImport:
    inserted: int
    updated: int
    revenue: float
    rejected: list[Rejected] = field(default_factory=list)
    summed: int = 0
    """Lines added up into an earlier line's row (the same key)."""
    warnings: list[str] = field(default_factory=list)


@dataclass
class RevenueReport:
    """Totals per post (None: revenue not tied to a post) and per monetization type, highest first."""

    total_revenue: float
    by_post: list[dict[str, Any]]
    by_type: list[dict[str, Any]]


_ADDED = ("revenue", "impressions", "clicks", "conversion_count")
_IDENTITY = ("monetization_type", "blog_id", "placement_data")


def _add(into: dict[str, Any], row: dict[str, Any]) -> None:
    """`row`'s figures added to `into`'s; the conversion rate recomputed from the sums where it can be."""
    for name in _ADDED:
        into[name] = round(into[name] + row[name], 10) if name == "revenue" else into[name] + row[name]
    if into["clicks"]:
        into["conversion_rate"] = into["conversion_count"] / into["clicks"]
    elif into["conversion_rate"] != row["conversion_rate"]:
        into["conversion_rate"] = None


def import_report(
    acting: ActingUser,
    *,
    text: str,
    source: str,
    base_domain: str,
    kind: str | None = None,
    provider: str | None = None,
) -> RevenueImport:
    """All rows of the file in one transaction; `kind` and `provider` fill rows whose file lacks the
    column; `base_domain` places my subdomain (a post given as a URL must be on my site)."""
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
    find = post_finder(acting, base_domain=base_domain)
    unique: dict[tuple[str | None, str], tuple[int, dict[str, Any]]] = {}
    elsewhere: Counter[str] = Counter()
    summed = 0
    for row in rows:
        blog_id = find(row.post) if row.post else None
        if row.post and blog_id is None:
            rejected.append(Rejected(row.line, find.refusal(row.post)))
            if host := find.elsewhere(row.post):
                elsewhere[host] += 1
            continue
        values = {**{k: v for k, v in asdict(row).items() if k not in ("line", "post", "currency")}, "blog_id": blog_id}
        first, known = unique.setdefault((row.provider, row.reference_id), (row.line, values))
        if known is values:
            continue
        if any(known[name] != values[name] for name in _IDENTITY):
            rejected.append(Rejected(row.line, (
                f"repeats the reference {quoted(row.reference_id, 80)} of line {first} with another type, post,"
                " placement or date"
            )))  # fmt: skip
            continue
        _add(known, values)
        summed += 1
    rows_out = [values for _, values in unique.values()]
    with orm_unit_of_work(acting) as session:
        inserted, updated = revenue_rows.upsert(session, rows=rows_out)
    total = round(sum(row["revenue"] for row in rows_out), 2)
    warnings = find.other_sites(elsewhere)
    currencies = sorted({row.currency for row in rows if row.currency})
    if len(currencies) > 1:  # the figures are stored without their currency: the report adds them up
        warnings.append(
            f"this file's revenue is in {len(currencies)} currencies ({', '.join(currencies)}): it is stored and"
            " added up as written, without them; convert the figures to one currency and import the file again"
        )
    return RevenueImport(inserted, updated, total, sorted(rejected, key=lambda r: r.line), summed, warnings)


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
