"""Which of my posts an address names (a slug, a path or a URL), as `analytics ingest` maps
log paths: shared by log ingest and the SEO and revenue CSV imports. Not a use case.

A URL names one of my posts only on my site: its host must be one of my site's (its URL, its
custom domain, its subdomain under the base domain) or one an imported post's kept address
was on; a page of another site at the same path is someone else's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from math import inf
from urllib.parse import urlsplit

from blogster_cli.actors import ActingUser
from blogster_cli.analytics.paths import PERMALINK_PATTERN, PathMatcher, path_key
from blogster_cli.db.acting import unit_of_work
from blogster_cli.errors import InvalidInput
from blogster_cli.repositories import analytics as analytics_rows
from blogster_cli.repositories import site as site_rows
from blogster_cli.wording import plural, shortened


@dataclass(frozen=True)
class AddressPlan:
    """What the run matches against: patterns, old URLs, my post ids by slug, my own hosts."""

    matcher: PathMatcher
    post_ids: dict[str, str]
    own_hosts: frozenset[str]
    former_hosts: frozenset[str] = frozenset()
    """Hosts of my imported posts' kept addresses (their old site): mine for the CSV imports."""
    base_domain: str = ""
    """The platform's domain (`site_base_domain`): its names are sites' addresses, never a custom domain."""
    address_set: bool = False
    """My site's custom domain or url is set (and kept): its address is one I chose, not only my subdomain."""


def address_plan(acting: ActingUser, *, map_pattern: str | None, base_domain: str) -> AddressPlan:
    """My posts' addresses, read in one unit of work: the permalink pattern (or `map_pattern`), the
    pages and redirect pages `site build` writes for my published posts (`site_addresses`), the paths
    of the old site's URLs kept from imports, my post ids by slug, my own host names."""
    from blogster_cli.publish.placement import site_own
    from blogster_cli.publish.urls import imported_address

    with unit_of_work(acting) as conn:
        settings = site_rows.own_settings(conn)
        posts = analytics_rows.own_post_addresses(conn)
    permalink = settings.permalink if settings else PERMALINK_PATTERN
    old_urls: dict[str, str] = {}
    pages: dict[str, str] = {}
    redirects: dict[str, str] = {}
    former_hosts: set[str] = set()
    if map_pattern is None:
        for post in sorted(posts, key=_oldest_first):  # one address two posts had: the older's, as the build's
            url, aliases = imported_address(post.document)
            for address in [url, *aliases]:
                if not (host := host_of(address or "")):
                    continue  # an address on this site: the build's pages and redirect pages say whose
                former_hosts.add(host)
                path = urlsplit(address or "").path
                if post.published and path.startswith("/"):  # its page on the old site
                    old_urls.setdefault(path, post.slug)
        pages, redirects = site_addresses(posts, permalink)
    patterns = [map_pattern] if map_pattern is not None else [permalink]
    try:
        matcher = PathMatcher.build(
            patterns, old_urls, redirects, pages=pages, site_own=site_own if map_pattern is None else None
        )
    except ValueError as exc:
        raise InvalidInput(f"--map {map_pattern}: {exc}") from None
    return AddressPlan(
        matcher, {post.slug: str(post.id) for post in posts}, own_hosts(settings, base_domain),
        frozenset(former_hosts), base_domain, address_set(settings, base_domain),
    )  # fmt: skip


def site_addresses(posts: list[analytics_rows.PostAddress], permalink: str) -> tuple[dict[str, str], dict[str, str]]:
    """(pages, redirects): the address (`path_key`) of each post page and each redirect page `site build`
    writes -> the slug of the post it shows or leads to, placed by the build's own rules
    (`publish.placement.place`): my published posts only (a draft's aliases have no page), each page at
    the one address it took, an alias or former address two posts had the older's, none where the site
    keeps its own pages (`/archive/`, `/page/2/`, `/tags/...`) or a file is already (in any case)."""
    from blogster_cli.publish import placement, urls

    slugs: dict[str, str] = {}
    on_site: list[placement.PostPlaces] = []
    for post in posts:
        if post.published and post.published_at is not None:
            url, aliases = urls.imported_address(post.document)
            former = urls.former_addresses(post.document.get("former_addresses"))
            slugs[post_id := str(post.id)] = post.slug
            on_site.append(placement.PostPlaces(post_id, post.slug, post.published_at, url, aliases, former))
    placed = placement.place(permalink, on_site)
    pages = {path_key(path): slugs[post_id] for post_id, path in placed.pages.items()}
    redirects = {path_key(path): slugs[post_id] for path, post_id in placed.redirects.items()}
    return pages, redirects


def _oldest_first(post: analytics_rows.PostAddress) -> tuple[float, str]:
    """The site's order of posts, oldest first (by publication, then id); one never published last."""
    return (post.published_at.timestamp() if post.published_at else inf, str(post.id))


def address_set(settings: site_rows.SiteSettingsRow | None, base_domain: str) -> bool:
    """Whether my site's custom domain or url is set and kept (`own_hosts` has more than my subdomain)."""
    from blogster_cli.services.site_address import ADDRESS_SETTINGS, kept

    return settings is not None and any(kept(settings, key, base_domain=base_domain) for key in ADDRESS_SETTINGS)


def _split(address: str) -> tuple[str | None, str]:
    """(host, path) of an address with a '/': 'https://ada.dev/x/', '//ada.dev/x/' and 'ada.dev/x/'
    have a host (lower case, without port or 'www.'), '/x/' and 'posts/x/' none; an unreadable
    one ('http://[x/') has neither."""
    try:
        if address.startswith(("http://", "https://", "//")):
            parts = urlsplit(address)
        elif not address.startswith("/") and any(ch in address.split("/", 1)[0] for ch in ".:"):
            parts = urlsplit(f"//{address}")
        else:
            parts = urlsplit(f"/{address.lstrip('/')}")
        host = parts.hostname
    except ValueError:
        return None, ""
    return (host.rstrip(".").removeprefix("www.") or None) if host else None, parts.path or "/"


def host_of(address: str) -> str | None:
    """The host an address names, None for a slug or a path."""
    address = address.strip()
    return _split(address)[0] if "/" in address else None


@dataclass(frozen=True)
class PostFinder:
    """slug, path or URL -> the id of my post at that address (as `ingest` maps paths), or None.

    An address that no pattern or kept old URL matches falls back to its last path segment
    (without .html) when that is one of my slugs, unless the site keeps it for its own pages (the
    archive, a listing). A URL on another site names none of my posts (`elsewhere` tells which host
    it is on).
    """

    plan: AddressPlan
    hosts: frozenset[str]

    def elsewhere(self, address: str) -> str | None:
        """The host of a URL that is not on my site, else None (mine, or no host at all)."""
        host = host_of(address)
        return host if host is not None and host not in self.hosts else None

    def refusal(self, address: str) -> str:
        """Why `address` names none of my posts: another site's page, or no post of mine."""
        host = self.elsewhere(address)
        shown = shortened(address, 120)
        return f"{shown}: a page of another site ({shortened(host, 80)})" if host else f"{shown}: none of your posts"

    def other_sites(self, hosts: Mapping[str, int], *, total: int | None = None) -> list[str]:
        """A warning for the lines skipped as pages of other sites (`hosts`: how many on each; `total`, when
        more lines than theirs were skipped), naming a few of those hosts and mine: a site whose custom
        domain is not set yet loses every line. The custom domain it suggests is one the setting takes: never
        the platform's domain or a name under it (another site's address there), nor what is no domain name
        (an IP address, localhost)."""
        if not hosts:
            return []
        ordered = sorted(hosts, key=lambda host: (-hosts[host], host))
        sample = [shortened(host, 80) for host in ordered[:3]]
        shown = ", ".join(sample) + (", ..." if len(hosts) > 3 or (total or 0) > sum(hosts.values()) else "")
        mine = ", ".join(sorted(self.plan.own_hosts)) or "not known"
        count = max(total or 0, sum(hosts.values()))
        warning = f"{plural(count, 'line')} skipped as pages of other sites ({shown}); your site is {mine}"
        claimable = next((host for host in ordered if self.claimable(host)), None)
        if claimable is None:
            return [warning]
        return [
            f"{warning}: if {claimable} is yours, make it your site's address (blogster site settings set"
            f" custom-domain {claimable})"
        ]

    def claimable(self, host: str) -> bool:
        """Whether `site settings set custom-domain HOST` could take this host."""
        from blogster_cli.publish.urls import is_domain_name, under_base_domain

        return len(host) <= 253 and is_domain_name(host) and under_base_domain(host, self.plan.base_domain) is None

    def __call__(self, address: str) -> str | None:
        address = address.strip()
        if "/" not in address:
            return self.plan.post_ids.get(address)
        host, path = _split(address)
        if (host is not None and host not in self.hosts) or not path:
            return None
        matcher = self.plan.matcher
        slug = matcher.slug_for(path)
        if slug is None:
            if matcher.site_own is not None and matcher.site_own(path):
                return None  # the archive, a listing: no post's, whatever its last segment
            last = path.rstrip("/").rsplit("/", 1)[-1]
            slug = last.removesuffix(".html").removesuffix(".htm")
        return self.plan.post_ids.get(slug)


def post_finder(acting: ActingUser, *, base_domain: str) -> PostFinder:
    """My posts by address; `base_domain` (the `site_base_domain` setting) places my subdomain."""
    plan = address_plan(acting, map_pattern=None, base_domain=base_domain)
    return PostFinder(plan, plan.own_hosts | plan.former_hosts)


def own_hosts(settings: site_rows.SiteSettingsRow | None, base_domain: str) -> frozenset[str]:
    """My site's host names: referrers from them are internal, not referrers. A stored custom domain
    or url my site's address leaves out (site_address.refused_setting: another site's there) is none."""
    from blogster_cli.services.site_address import kept

    if settings is None:
        return frozenset()
    url = kept(settings, "url", base_domain=base_domain)
    hosts = {kept(settings, "custom-domain", base_domain=base_domain), urlsplit(url or "").hostname}
    if base_domain:
        hosts.add(f"{settings.subdomain}.{base_domain}")
    return frozenset(host.lower().rstrip(".").removeprefix("www.") for host in hosts if host)
