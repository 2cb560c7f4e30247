"""My site's configuration from its settings row, and a published post's address on it:
shared by the site build, site settings, cross-posting and newsletters. Not a use case:
each runs on the caller's open connection.

The rule for an address on the platform's domain (`platform_address_refusal`: what `site settings
set custom-domain` and `url` refuse) lives here, so that the address a site is built for obeys it
too: a custom domain or url stored before the setting refused it (or written by SQL through an own
login) is left out of the site's address (`ignored_addresses`, `refused_setting`), never used for
another site's name.
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


def platform_address_refusal(key: str, value: str, *, subdomain: str, base_domain: str) -> str | None:
    """Why a custom domain or url (`key`: "custom-domain" or "url") is refused, or None: it names the
    platform's base domain or a name under it that is not my site's address there (another site's
    subdomain, or one nobody has yet), so my site would claim another's address in its canonical URLs,
    feeds and sitemap. My own address there needs no custom domain, so that is refused too, as a
    custom domain: a later change of subdomain would leave the old one claimed."""
    from urllib.parse import urlsplit

    from blogster_cli.publish.urls import under_base_domain

    host = value if key == "custom-domain" else (urlsplit(value).hostname or "")
    label = under_base_domain(host, base_domain)
    if label is None:
        return None
    own = f"{subdomain}.{base_domain}"
    if label in (subdomain, f"www.{subdomain}"):
        if key == "url":
            return None
        return f"{value} is your site's address already (its subdomain under {base_domain}): it needs no custom domain"
    if key == "url":
        where = f"an address on the platform's domain {base_domain}"
    else:
        where = "the platform's domain" if label == "" else f"under the platform's domain {base_domain}"
    return (
        f"{value} is {where}, where each site's address is its own subdomain (yours: {own}): "
        + ("a custom domain is a domain you own, like blog.example.com" if key == "custom-domain"
           else "the url is an address you own, like https://blog.example.com/")
    )  # fmt: skip


ADDRESS_SETTINGS = {"custom-domain": "custom_domain", "url": "site_url"}
"""The settings that choose my site's address (as `site settings set` takes them -> their column)."""


def refused_setting(settings: SiteSettingsRow, key: str, *, base_domain: str) -> str | None:
    """Why the stored custom domain or url (`key`: "custom-domain" or "url") is left out of my site's
    address, or None (not set, or one `site settings set KEY` takes): platform_address_refusal's
    reason. The setting refuses it now, but it was stored before it did, or by SQL through an own login."""
    value = getattr(settings, ADDRESS_SETTINGS[key])
    if not value:
        return None
    return platform_address_refusal(key, value, subdomain=settings.subdomain, base_domain=base_domain)


def ignored_addresses(settings: SiteSettingsRow, *, base_domain: str) -> tuple[str, ...]:
    """One line to warn with per stored setting (custom domain, url) my site's address leaves out
    (refused_setting), saying why and how to mend it; () when it leaves out none."""
    warnings = []
    for key in ADDRESS_SETTINGS:
        refusal = refused_setting(settings, key, base_domain=base_domain)
        if refusal is not None:
            what = "custom domain" if key == "custom-domain" else "url"
            warnings.append(
                f"your site's address leaves out its {what}, which `site settings set {key}` refuses now:"
                f" {refusal}; set yours, or clear it with `blogster site settings set {key} ''`"
            )
    return tuple(warnings)


def kept(settings: SiteSettingsRow, key: str, *, base_domain: str) -> str | None:
    """The stored custom domain or url (`key`: "custom-domain" or "url") my site's address is on or
    is: the stored one, unless it is left out (refused_setting); None when not set."""
    if refused_setting(settings, key, base_domain=base_domain):
        return None
    value: str | None = getattr(settings, ADDRESS_SETTINGS[key])
    return value


def site_config(settings: SiteSettingsRow, *, base_domain: str) -> SiteConfig:
    from blogster_cli.publish.urls import base_url

    return SiteConfig(
        title=settings.site_title or settings.subdomain,
        description=settings.site_description or "",
        base_url=base_url(
            site_url=kept(settings, "url", base_domain=base_domain),
            custom_domain=kept(settings, "custom-domain", base_domain=base_domain),
            subdomain=settings.subdomain,
            base_domain=base_domain,
        ),  # fmt: skip
        theme=settings.theme,
        permalink=settings.permalink,
        posts_per_page=settings.posts_per_page,
    )


def own_site(conn: Connection, *, base_domain: str) -> tuple[SiteSettingsRow, SiteConfig] | None:
    """My site's settings row and configuration as a build shows it (the feeds' author: my profile's
    name); None when I have no site settings yet."""
    from dataclasses import replace

    settings = site_rows.own_settings(conn)
    if settings is None:
        return None
    return settings, replace(site_config(settings, base_domain=base_domain), author=site_rows.own_author_name(conn))


def own_site_key(conn: Connection, *, base_domain: str, timezone: str) -> str | None:
    """The key a build of my site makes now (`publish.model.site_key`), which its manifest records:
    it changes with anything every page shows of the settings (title, description, address, theme,
    permalink, page size, my name), the time zone, the theme's files and the pages' format. None
    when no build can be made (no site settings yet, or a theme stored by SQL that Blogster does not
    have): the build says why when a post changes, not each minute. Two short queries and the
    theme's few files, no template loaded: cheap enough for `calendar run-due` each minute."""
    from blogster_cli.errors import ConfigError
    from blogster_cli.publish.model import site_key
    from blogster_cli.publish.themes import theme_key

    site = own_site(conn, base_domain=base_domain)
    if site is None:
        return None
    try:
        return site_key(site[1], theme_key(site[1].theme), timezone)
    except ConfigError:
        return None


def published_address(conn: Connection, row: BlogRow, *, base_domain: str) -> tuple[SiteConfig, str]:
    """My site's configuration and the published post's address on it (its canonical URL)."""
    settings = site_rows.own_settings(conn)
    if settings is None:
        raise NotFound("you have no site settings (subdomain) yet: links need your site's URL")
    config = site_config(settings, base_domain=base_domain)
    return config, _address(config, slug=row.slug, published_at=row.published_at)


def post_link(conn: Connection, *, slug: str, published_at: dt.datetime | None, base_domain: str) -> str | None:
    """The address `published_address` gives my post of `slug`, published (or going live) at
    `published_at` (None: now); None when I have no site settings yet."""
    settings = site_rows.own_settings(conn)
    if settings is None:
        return None
    return _address(site_config(settings, base_domain=base_domain), slug=slug, published_at=published_at)


def _address(config: SiteConfig, *, slug: str, published_at: dt.datetime | None) -> str:
    from blogster_cli.publish.urls import permalink

    moment = published_at or dt.datetime.now(dt.UTC)
    path = permalink(config.permalink, slug=slug, published_at=moment) or f"/{slug}/"
    return canonical_url(config.base_url, path)


def address_never_chosen(conn: Connection, *, base_domain: str) -> str | None:
    """My site's address when nobody chose it (no `url` nor custom domain in use: the subdomain under
    `base_domain`), else None; None too without site settings (published_address says so)."""
    settings = site_rows.own_settings(conn)
    if settings is None or any(kept(settings, key, base_domain=base_domain) for key in ADDRESS_SETTINGS):
        return None
    return site_config(settings, base_domain=base_domain).base_url
