"""Which file a post's page or redirect page may take: never one of the site's own pages or
folders, nor a file another page holds (in any case: `folded_path`). `site build` places its pages
by these rules (`pages.SitePlan`); `analytics ingest` reads them (`place`), so that a visit to an
address counts for the page the build put there, and a visit to the site's own pages for none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from blogster_cli.content.mapping import folded_path
from blogster_cli.distribution.newsletter import UNSUBSCRIBE_PATH
from blogster_cli.publish import urls

RESERVED_PREFIXES = ("/page/", "/tags/", "/archive/", "/css/", "/media/", "/_n/", f"/{UNSUBSCRIBE_PATH}")
RESERVED_FILES = {"index.html", "index.xml", "atom.xml", "sitemap.xml", "robots.txt", "404.html"}


def usable(path: str, file: str) -> bool:
    """Whether a post may live at `path` at all (another post or alias may still hold it): not
    the site's own files or folders, nor a folder named like one of its files (a post
    `robots.txt` under `/{slug}/` would be the folder robots.txt/, where the file must go),
    in any case (`/CSS/` is `/css/` on most writers' disks; see `folded_path`); nor a name that
    is hidden or too long for a disk (`urls.fits_on_disk`: a folder `.blogster-site.json/`
    would stop every later build)."""
    path, file = folded_path(path), folded_path(file)
    top = file.split("/", 1)[0]
    return (
        path != "/"
        and urls.fits_on_disk(file)
        and not path.startswith(RESERVED_PREFIXES)
        and file not in RESERVED_FILES
        and top not in RESERVED_FILES
        and f"/{top}/" not in RESERVED_PREFIXES
    )


def site_own(path: str) -> bool:
    """Whether a request for `path` is no post's, whatever slug it names: an address `usable` refuses
    (the archive, a listing page, a tag's page, the site's own files)."""
    return not usable(path, urls.file_of(path))


def clashes(file: str, taken: set[str], folders: set[str]) -> bool:
    """Whether the (folded) `file` is taken, is a folder holding a taken file, or lies under a
    taken file (`/a/index.html/` under the page `a/index.html`): either would stop the build."""
    if file in taken or file in folders:
        return True
    at = file.find("/")
    while at != -1:
        if file[:at] in taken:
            return True
        at = file.find("/", at + 1)
    return False


def take(file: str, taken: set[str], folders: set[str]) -> None:
    """Marks the (folded) `file`, and the folders it lies in, as taken."""
    taken.add(file)
    at = file.rfind("/")
    while at != -1 and (folder := file[:at]) not in folders:  # its own folders are listed already
        folders.add(folder)
        at = file.rfind("/", 0, at)


@dataclass(frozen=True)
class PostPlaces:
    """What places a published post's pages: its id (as text), its slug and publication time, its kept
    imported URL and aliases (`urls.imported_address`), its former addresses (`urls.former_addresses`)."""

    id: str
    slug: str
    published_at: datetime
    url: str | None
    aliases: Sequence[str]
    former: Sequence[Sequence[str]]


@dataclass(frozen=True)
class Placed:
    """Where `site build` puts the pages of a site's published posts."""

    pages: dict[str, str]
    """Post id -> the URL path of its page."""
    redirects: dict[str, str]
    """The URL path of a redirect page -> the id of the post it leads to."""


def place(pattern: str, posts: Iterable[PostPlaces]) -> Placed:
    """Where the build puts each post's page and redirect pages, permalinks in `pattern`, as `pages.SitePlan`
    does: oldest post first (an older post keeps its address), its page at the first of its addresses
    (`urls.page_paths`) that is `usable` and no other page's file, else at the address made of its id;
    then, oldest first again, a redirect page at each of its aliases and former addresses
    (`urls.redirect_paths`) that is usable and where no page or earlier redirect page is."""
    ordered = sorted(posts, key=lambda post: (post.published_at, post.id))
    taken: set[str] = set()
    folders: set[str] = set()
    pages: dict[str, str] = {}
    for post in ordered:
        candidates = urls.page_paths(pattern, url=post.url, slug=post.slug, published_at=post.published_at)
        found = [path for path in candidates if usable(path, urls.file_of(path))]
        path = next((path for path in found if not clashes(folded_path(urls.file_of(path)), taken, folders)), None)
        pages[post.id] = path if path is not None else f"/posts/{post.id}/"
        take(folded_path(urls.file_of(pages[post.id])), taken, folders)
    redirects: dict[str, str] = {}
    for post in ordered:
        for alias in urls.redirect_paths(pattern, post.aliases, post.former):
            if alias is None or not usable(alias, file := urls.file_of(alias)):
                continue
            if not clashes(folded := folded_path(file), taken, folders):
                take(folded, taken, folders)
                redirects[alias] = post.id
    return Placed(pages, redirects)
