"""`audience segments`: reader_profiles derived from my counted page views of my posts, the views
`analytics report` counts (analytics/audience.py says how)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

from blogster_cli.actors import ActingUser
from blogster_cli.analytics.aggregate import PageView
from blogster_cli.analytics.audience import Segment, visitor_ordered_segments
from blogster_cli.errors import InvalidInput

DAYS = 90


def refresh_segments(acting: ActingUser, *, days: int = DAYS, base_domain: str = "") -> list[Segment]:
    """Segments of the page views of the last `days` days, saved in reader_profiles (one row each, rewritten).

    My site's addresses as they are now (its custom domain, url and, with `base_domain` (the
    `site_base_domain` setting), its subdomain) are no referrer, as in `analytics report`: a visit from
    one of them is direct, as the ingest counts it, also on a view counted before the address was set."""
    from blogster_cli.db.acting import unit_of_work
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import analytics as analytics_rows
    from blogster_cli.repositories import audience as audience_rows
    from blogster_cli.repositories import site as site_rows
    from blogster_cli.services.post_addresses import own_hosts

    if not 1 <= days <= 3660:
        raise InvalidInput("--days must be between 1 and 3660")
    until = datetime.now(UTC)
    with orm_unit_of_work(acting) as session:
        slugs, tags = audience_rows.own_posts(session)
    with unit_of_work(acting) as conn:
        mine = own_hosts(site_rows.own_settings(conn), base_domain)
        # Streamed visitor by visitor from the database: memory holds one visitor's views, not the period's.
        # The views of my posts alone, as `analytics report` counts them (blog_analytics): a page that is no
        # post (the home page, a form) is no reading, and a post id that is not mine counts for none.
        views = analytics_rows.views_by_visitor(conn, since=until - timedelta(days=days), until=until, posts_only=True)
        found = visitor_ordered_segments(
            _internal_unreferred((view for view, _new in views if view[2] in slugs), mine),
            slug_of=slugs.get,
            tags_of=tags,
        )
    with orm_unit_of_work(acting) as session:
        audience_rows.save_segments(session, rows=[asdict(segment) for segment in found])
    return found


def _internal_unreferred(views: Iterable[PageView], own_hosts: Collection[str]) -> Iterator[PageView]:
    """`views` with a referrer of `own_hosts` made "" (none), as the ingest stores one it knows is mine."""
    for visitor, moment, post, referrer, device in views:
        yield visitor, moment, post, "" if referrer in own_hosts else referrer, device
