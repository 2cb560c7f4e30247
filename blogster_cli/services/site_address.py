"""My site's configuration from its settings row, and a published post's address on it:
shared by the site build, site settings, cross-posting and newsletters. Not a use case:
each runs on the caller's open connection.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from blogster_cli.distribution.crosspost import canonical_url
from blogster_cli.errors import NotFound
from blogster_cli.publish.model import SiteConfig
from blogster_cli.repositories import site as site_rows

if TYPE_CHECKING:
    from blogster_cli.db.acting import Connection
    from blogster_cli.repositories.blogs import BlogRow
    from blogster_cli.repositories.site import SiteSettingsRow


def site_config(settings: SiteSettingsRow, *, base_domain: str) -> SiteConfig:
    from blogster_cli.publish.urls import base_url

    return SiteConfig(
        title=settings.site_title or settings.subdomain,
        description=settings.site_description or "",
        base_url=base_url(
            site_url=settings.site_url,
            custom_domain=settings.custom_domain,
            subdomain=settings.subdomain,
            base_domain=base_domain,
        ),  # fmt: skip
        theme=settings.theme,
        permalink=settings.permalink,
        posts_per_page=settings.posts_per_page,
    )


def published_address(conn: Connection, row: BlogRow, *, base_domain: str) -> tuple[SiteConfig, str]:
    """My site's configuration and the published post's address on it (its canonical URL)."""
    from blogster_cli.publish.urls import permalink

    settings = site_rows.own_settings(conn)
    if settings is None:
        raise NotFound("you have no site settings (subdomain) yet: links need your site's URL")
    config = site_config(settings, base_domain=base_domain)
    published_at = row.published_at or dt.datetime.now(dt.UTC)
    path = permalink(config.permalink, slug=row.slug, published_at=published_at) or f"/{row.slug}/"
    return config, canonical_url(config.base_url, path)


def address_never_chosen(conn: Connection, *, base_domain: str) -> str | None:
    """My site's address when nobody chose it (no `url`, no custom domain: the subdomain under
    `base_domain`), else None; None too without site settings (published_address says so)."""
    settings = site_rows.own_settings(conn)
    if settings is None or settings.site_url or settings.custom_domain:
        return None
    return site_config(settings, base_domain=base_domain).base_url
