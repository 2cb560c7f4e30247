"""Where each page lives: the site's base URL, post permalinks, kept imported URLs, file paths."""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from blogster_cli.file_names import NAME_MAX_BYTES, name_bytes

# A URL path we are willing to turn into a file path: no "..", no backslashes, no control characters.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\?#\"'<>:]")
# The names a page keeps as its file: any other (`/feed.xml`, an imported post's `url`) is a folder,
# whose page a web server serves as HTML (from `feed.xml` it would say XML, which a browser cannot show).
_FILE_SUFFIXES = (".html", ".htm")


def base_url(*, site_url: str | None, custom_domain: str | None, subdomain: str, base_domain: str) -> str:
    """The configured URL, else the custom domain, else the subdomain under the base domain; ends in '/'."""
    if site_url:
        url = site_url
    elif custom_domain:
        url = f"https://{custom_domain}"
    else:
        url = f"https://{subdomain}.{base_domain}"
    return url.rstrip("/") + "/"


# A host name as a custom domain is written: ASCII labels of letters, digits and inner hyphens.
_DOMAIN = re.compile(r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\Z")


def is_domain_name(text: str) -> bool:
    """Whether `text` (in lower case) can be a custom domain: blog.example.com, not an IP address."""
    return bool(_DOMAIN.match(text))


def under_base_domain(host: str, base_domain: str) -> str | None:
    """The part of `host` in front of the platform's base domain ('bob' for bob.blogster.page, ''
    for blogster.page itself), or None when `host` is not the base domain nor a name under it.
    Each site there has its subdomain's address; the platform keeps the rest."""
    host = host.lower().rstrip(".")
    base = base_domain.lower().rstrip(".")
    try:
        base = base.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    if not base:
        return None
    if host == base:
        return ""
    return host.removesuffix(f".{base}") if host.endswith(f".{base}") else None


# A path already in its clean form: '/', then parts that neither are empty nor start with '.'.
_CLEAN = re.compile(r"/(?:[^/.\s][^/]*/)*[^/.\s][^/]*/?")
NAME_MAX = NAME_MAX_BYTES - len(".partial")
"""The longest part (in bytes) a path may have: a file's name, with the `.partial` its writer
puts beside it, must fit the 255 bytes most file systems allow."""


def fits_on_disk(file: str) -> bool:
    """Whether each part of a file path can be a name on disk: none starts with '.' (hidden, or
    the build's own `.blogster-*` files), none is longer than `NAME_MAX` bytes."""
    return all(part[:1] != "." and name_bytes(part) <= NAME_MAX for part in file.split("/"))


def clean_path(path: str) -> str | None:
    """A site-relative URL path ('/a/b/' or '/a/b.html'), or None when it is unusable, escapes the
    site, or could not be a file on disk (`fits_on_disk`)."""
    path = path.strip()
    if not path or "://" in path or _UNSAFE.search(path):
        return None
    if _CLEAN.fullmatch(path):  # the common case (every permalink), without splitting
        cleaned = path if path.endswith("/") or path.endswith(_FILE_SUFFIXES) else path + "/"
    else:
        trailing = path.endswith("/")
        parts = [p for p in path.split("/") if p not in ("", ".")]
        if any(p == ".." for p in parts) or not parts:
            return None
        joined = "/" + "/".join(parts)
        cleaned = joined if not trailing and parts[-1].endswith(_FILE_SUFFIXES) else joined + "/"
    return cleaned if fits_on_disk(cleaned.strip("/")) else None


def clean_file_path(path: str) -> str | None:
    """A site-relative path of a file ('/media/x.png'), kept without the '/' a page's path gets;
    None when it is unusable, escapes the site, or names a folder."""
    cleaned = clean_path(path)
    if cleaned is None or path.strip().endswith("/"):
        return None
    return cleaned.removesuffix("/")


def permalink(pattern: str, *, slug: str, published_at: datetime) -> str | None:
    """The address of the post of `slug` published at `published_at` in the permalink `pattern`, dated
    in UTC: the same page whatever zone the time was read in (a session's TimeZone, PGTZ, a former
    address written under another: red team 68 F1). None where the UTC date is past Python's years
    or the path is unusable (`clean_path`)."""
    try:
        day = published_at.astimezone(UTC)
    except OverflowError:  # 9999-12-31 late in a zone behind UTC, year 1 early in one ahead
        return None
    path = pattern.format(slug=slug, year=f"{day.year:04d}", month=f"{day.month:02d}", day=f"{day.day:02d}")
    return clean_path(path)


def former_addresses(stored: object) -> list[list[str]]:
    """[slug, publication time] of each former address a post's row holds (its `former_addresses`,
    migration 0203), oldest first; an entry of another shape (a time without its offset, which the
    trigger always writes, or past Python's years) is left out."""
    found = []
    for entry in stored if isinstance(stored, list) else ():
        slug, published = (entry.get("slug"), entry.get("published_at")) if isinstance(entry, dict) else (None, None)
        if isinstance(slug, str) and isinstance(published, str):
            try:
                moment = datetime.fromisoformat(published)
            except ValueError:
                continue
            if moment.tzinfo is not None:
                found.append([slug, published])
    return found


def former_paths(pattern: str, former: Iterable[Sequence[str]]) -> list[str | None]:
    """The addresses a moved post had under each [slug, publication time] of `former_addresses`, in
    the permalink `pattern`: where `site build` writes its redirect pages, and which `analytics
    ingest` counts for it. Dated in UTC as its page is (`permalink`), whatever offset the time was
    stored with (before 0207, the writer's session TimeZone); None for one that cannot be."""
    return [permalink(pattern, slug=slug, published_at=datetime.fromisoformat(published)) for slug, published in former]


def page_paths(pattern: str, *, url: str | None, slug: str, published_at: datetime | None) -> list[str]:
    """The addresses a post's page may have, best first: its kept imported URL (`imported_address`),
    then the permalink of its slug and date in `pattern` (none for a post never published); one that
    is unusable (`clean_path`) is left out. `site build` puts the page at the first a file may take;
    `analytics ingest` counts a visit to any of them as one to a page, never to a redirect."""
    found = [clean_path(url) if url else None]
    if published_at is not None:
        found.append(permalink(pattern, slug=slug, published_at=published_at))
    return [path for path in found if path is not None]


def redirect_paths(pattern: str, aliases: Iterable[str], former: Iterable[Sequence[str]]) -> list[str | None]:
    """The addresses of a post's redirect pages, None for one that is unusable (`clean_path`): its
    imported aliases (`imported_address`), then the addresses it had before a move (`former_paths`,
    oldest first). One list for `site build`, which writes a page at each a file may take, and
    `analytics ingest`, which counts the visits there for the post."""
    return [clean_path(alias) for alias in aliases] + former_paths(pattern, former)


def file_of(url_path: str) -> str:
    """The output file for a URL path: '/a/b/' -> 'a/b/index.html', '/a.html' -> 'a.html'."""
    relative = url_path.lstrip("/")
    return relative + "index.html" if url_path.endswith("/") else relative


# What quote() leaves alone with safe="/~._-": a path of only these needs no work.
_LINK_SAFE = re.compile(r"[A-Za-z0-9/~._-]*")


@lru_cache(maxsize=65536)
def href(url_path: str) -> str:
    """A URL path percent-encoded for use in a link (slugs may hold any character but '/', '?', '#')."""
    if _LINK_SAFE.fullmatch(url_path):
        return url_path
    return quote(url_path, safe="/~._-")


@lru_cache(maxsize=65536)
def tag_slug(tag: str) -> str:
    """A tag's readable slug: what its page is named when no other tag of the site slugifies alike."""
    from blogster_cli.content.slugs import slugify

    return slugify(tag) or "tag"


def tag_key(tag: str) -> str:
    """What tags are compared by: spellings differing only in case are one tag (`rules.normalise_tags`)."""
    return tag.lower()


_TAG_SUFFIX_LENGTH = 8


def _tag_suffix(key: str, length: int) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def tag_slugs(keys: Iterable[str]) -> dict[str, str]:
    """Tag key (`tag_key`) -> the slug of its page, for all the tags of a site. Tags whose readable
    slugs are alike (`C`, `C++` and `C#` are all `c`) each get a page of their own: the one spelled
    as the slug is (`c`) keeps it, the others add the first 8 hex digits of their key's SHA-256
    (`c-1a2b3c4d`), or the whole digest where that is another tag's; where even that is (a tag
    spelled so), `-2`, `-3`... after it, the first no other tag's page has. Worked out from the set
    of tags alone, never their order, so a full build and a rebuild agree, and a tag's page stays
    where it is while no new tag slugifies like it."""
    alike: dict[str, list[str]] = {}
    for key in set(keys):
        alike.setdefault(tag_slug(key), []).append(key)
    slugs: dict[str, str] = {}
    suffixed: list[tuple[str, str]] = []
    for readable, group in alike.items():
        for key in group:
            if len(group) == 1 or key == readable:
                slugs[key] = readable
            else:
                suffixed.append((key, readable))
    taken = set(slugs.values())
    wanted = {key: f"{readable}-{_tag_suffix(key, _TAG_SUFFIX_LENGTH)}" for key, readable in suffixed}
    counts = Counter(wanted.values())
    numbered: list[tuple[str, str]] = []
    for key, readable in suffixed:  # a short suffix met again (another tag's slug): the whole digest
        slug = wanted[key]
        if slug in taken or counts[slug] > 1:
            slug = f"{readable}-{_tag_suffix(key, 64)}"
        if slug in taken:  # a tag spelled as that digest's slug: numbered below, once the others are placed
            numbered.append((key, slug))
        else:
            slugs[key] = slug
    assigned = set(slugs.values())
    for key, slug in sorted(numbered):
        n = 2
        while f"{slug}-{n}" in assigned:
            n += 1
        slugs[key] = f"{slug}-{n}"
        assigned.add(slugs[key])
    return slugs


# Front-matter fields where each generator keeps a post's address and its former ones: a WordPress
# post has no field placing its page, and its `link` is its address on the old site (`content.wordpress`).
ADDRESS_FIELDS: dict[str, tuple[str | None, str]] = {
    "hugo": ("url", "aliases"),
    "jekyll": ("permalink", "redirect_from"),
    "zola": ("path", "aliases"),
    "wordpress": (None, "link"),
}


def imported_address(document: dict[str, Any]) -> tuple[str | None, list[str]]:
    """(the URL an imported post had, its aliases from the site's root: `alias_from_root`), from
    `repositories.site.contents` output; a post its generator placed by itself has that address
    among its aliases (`generated_address`)."""
    fields = ADDRESS_FIELDS.get(document.get("dialect") or "")
    if fields is None:
        return None, []
    url_field = fields[0]
    url = document.get(url_field) if url_field is not None else None
    kept = [alias for _, alias in written_aliases(document)]
    if not isinstance(url, str):  # it was where its generator put it: that address redirects
        former = generated_address(document)
        return None, kept if former is None or former in kept else [*kept, former]
    return url, kept


def written_aliases(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(as written, from the site's root: `alias_from_root`) of each alias the front matter of an
    imported post lists (`ADDRESS_FIELDS`), but one that names no page there."""
    fields = ADDRESS_FIELDS.get(document.get("dialect") or "")
    if fields is None:
        return []
    written = document.get(fields[1])
    listed = [alias for alias in (written if isinstance(written, list) else [written]) if isinstance(alias, str)]
    page = page_address(document) if any(alias[:1] != "/" for alias in listed) else None
    found = [(alias, alias_from_root(alias, document.get("dialect"), page)) for alias in listed]
    return [(alias, path) for alias, path in found if isinstance(path, str)]


def page_address(document: dict[str, Any]) -> str | None:
    """Where an imported post's page was on its old site, from the root: the address its front matter
    names (Hugo `url`, Jekyll `permalink` but a pattern, Zola `path`), else the one its generator gave
    it (`former_urls.former_address`, forgotten or not); None when unknown."""
    from blogster_cli.publish.former_urls import former_address

    fields = ADDRESS_FIELDS.get(document.get("dialect") or "")
    url = document.get(fields[0]) if fields is not None and fields[0] is not None else None
    if isinstance(url, str) and url.strip() and "://" not in url and ":" not in url:
        return "/" + url.strip().lstrip("/")
    return former_address(document)


def alias_from_root(alias: Any, dialect: str | None, page: str | None) -> Any:
    """A former address of a post at `page` (None: unknown) as written in `dialect`'s front matter,
    from the site's root (`/x/`): Hugo reads an alias without the `/` from the page's folder (`old` of
    `/2023/03/first/` is `/2023/03/old`), Jekyll's `redirect_from` and Zola's `aliases` from the root;
    a WordPress `link` (`https://old.example/2019/05/x/`, on any host) is its path, decoded, None for
    the site's root or a link by query only (`/?p=12`). What is no string is returned as it is."""
    if not isinstance(alias, str):
        return alias
    if dialect == "wordpress":
        return link_path(alias)
    if alias[:1] == "/" or "://" in alias or not alias.strip():
        return alias
    if dialect != "hugo" or page is None:
        return "/" + alias
    folder = posixpath.dirname(page.rstrip("/")) or "/"
    joined = posixpath.normpath(posixpath.join(folder, alias))
    return joined + "/" if alias.endswith("/") and joined != "/" else joined


def link_path(link: str) -> str | None:
    """The path of a WordPress post's `link` (`https://example.com/2020/01/x/`: `/2020/01/x/`), decoded;
    None for the site's root or a link by query only (`/?p=12`)."""
    try:
        parts = urlsplit(link.strip())
    except ValueError:
        return None
    return unquote(parts.path) if parts.path.strip("/") else None


def generated_address(document: dict[str, Any]) -> str | None:
    """The address its generator gave an imported post (`former_urls.former_address`), None when
    unknown or when its author forgot it (`posts addresses --forget`): the address document's
    `forgotten_addresses`, from `content.source` (`content.imported_addresses`)."""
    from blogster_cli.publish.former_urls import former_address

    former = former_address(document)
    forgotten = document.get("forgotten_addresses")
    return None if former is None or (isinstance(forgotten, list) and former in forgotten) else former
