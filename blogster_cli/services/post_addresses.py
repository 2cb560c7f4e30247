"""Which of my posts an address names (a slug, a path or a URL), as `analytics ingest` maps
log paths: shared by log ingest and the SEO and revenue CSV imports. Not a use case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from blogster_cli.actors import ActingUser
from blogster_cli.analytics.paths import PERMALINK_PATTERN, PathMatcher
from blogster_cli.db.acting import unit_of_work
from blogster_cli.errors import InvalidInput
from blogster_cli.repositories import analytics as analytics_rows
from blogster_cli.repositories import site as site_rows


@dataclass(frozen=True)
class AddressPlan:
    """What the run matches against: patterns, old URLs, my post ids by slug, my own hosts."""

    matcher: PathMatcher
    post_ids: dict[str, str]
    own_hosts: frozenset[str]


def address_plan(acting: ActingUser, *, map_pattern: str | None, base_domain: str) -> AddressPlan:
    """My posts' addresses, read in one unit of work: the permalink pattern (or `map_pattern`),
    old URLs kept from imports, my post ids by slug, my own host names."""
    from blogster_cli.publish.urls import imported_address

    with unit_of_work(acting) as conn:
        settings = site_rows.own_settings(conn)
        posts = analytics_rows.own_post_addresses(conn)
    old_urls: dict[str, str] = {}
    if map_pattern is None:
        for post in posts:
            url, aliases = imported_address(post.document)
            for address in [url, *aliases]:
                path = urlsplit(address).path if address else ""
                if path.startswith("/"):
                    old_urls.setdefault(path, post.slug)
    patterns = [map_pattern] if map_pattern is not None else [settings.permalink if settings else PERMALINK_PATTERN]
    try:
        matcher = PathMatcher.build(patterns, old_urls)
    except ValueError as exc:
        raise InvalidInput(f"--map {map_pattern}: {exc}") from None
    return AddressPlan(matcher, {post.slug: str(post.id) for post in posts}, own_hosts(settings, base_domain))


def post_finder(acting: ActingUser) -> Callable[[str], str | None]:
    """slug, path or URL -> the id of my post at that address (as `ingest` maps paths), or None.

    An address that no pattern or kept old URL matches falls back to its last path segment
    (without .html) when that is one of my slugs.
    """
    plan = address_plan(acting, map_pattern=None, base_domain="")

    def find(address: str) -> str | None:
        address = address.strip()
        if "/" not in address:
            return plan.post_ids.get(address)
        path = urlsplit(address if address.startswith(("/", "http://", "https://")) else f"//{address}").path or "/"
        slug = plan.matcher.slug_for(path)
        if slug is None:
            last = path.rstrip("/").rsplit("/", 1)[-1]
            slug = last.removesuffix(".html").removesuffix(".htm")
        return plan.post_ids.get(slug)

    return find


def own_hosts(settings: site_rows.SiteSettingsRow | None, base_domain: str) -> frozenset[str]:
    """My site's host names: referrers from them are internal, not referrers."""
    if settings is None:
        return frozenset()
    hosts = {settings.custom_domain, urlsplit(settings.site_url or "").hostname}
    if base_domain:
        hosts.add(f"{settings.subdomain}.{base_domain}")
    return frozenset(host.removeprefix("www.") for host in hosts if host)
