"""Which file a post's page or redirect page may take: never one of the site's own pages or
folders, nor a file another page holds (in any case: `folded_path`). `site build` places its pages
with a `Placer` (`pages.SitePlan`); `analytics ingest` with the same (`place`), so that a visit to an
address counts for the page the build put there, and a visit to the site's own pages for none.

Every placed file is unique: a page whose candidates are all taken goes to the address made of its
id, `/posts/<id>/`, or, when an older post's kept URL or permalink holds that one (`url: /posts/<id>/`,
in any case), to the first free of `/posts/<id>-2/`, `/posts/<id>-3/`, ... No file path is longer
than `FILE_PATH_MAX` bytes (`usable`), well under the 4,096 a disk allows the whole path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from blogster_cli.content.mapping import folded_path
from blogster_cli.distribution.newsletter import UNSUBSCRIBE_PATH
from blogster_cli.file_names import name_bytes
from blogster_cli.publish import urls

RESERVED_PREFIXES = ("/page/", "/tags/", "/archive/", "/css/", "/media/", "/_n/", f"/{UNSUBSCRIBE_PATH}")
RESERVED_FILES = {"index.html", "index.xml", "atom.xml", "sitemap.xml", "robots.txt", "404.html"}
FILE_PATH_MAX = 1024
"""The longest file path (in bytes, relative to the output folder) a page may have: with the output
folder's own path and the `.partial` beside it, well under the 4,096 bytes (PATH_MAX) a disk allows."""


def usable(path: str, file: str) -> bool:
    """Whether a post may live at `path` at all (another post or alias may still hold it): not
    the site's own files or folders, nor a folder named like one of its files (a post
    `robots.txt` under `/{slug}/` would be the folder robots.txt/, where the file must go),
    in any case (`/CSS/` is `/css/` on most writers' disks; see `folded_path`); nor a name that
    is hidden or too long for a disk (`urls.fits_on_disk`: a folder `.blogster-site.json/`
    would stop every later build), nor a file path longer than `FILE_PATH_MAX` bytes (one no
    build could write: every build would stop at it)."""
    if name_bytes(file) > FILE_PATH_MAX:  # measured first: a longer one is not folded or split
        return False
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


class Folder:
    """A folder of the placed (folded) files: the names of the files in it, its folders by name."""

    __slots__ = ("files", "folders")

    def __init__(self) -> None:
        self.files: set[str] = set()
        self.folders: dict[str, Folder] = {}


def clashes(file: str, placed: Folder) -> bool:
    """Whether the (folded) `file` is placed, is a folder holding a placed file, or lies under a
    placed file (`/a/index.html/` under the page `a/index.html`): either would stop the build.
    One walk down its folders: time in its length, however deep."""
    *folders, name = file.split("/")
    here = placed
    for folder in folders:
        if folder in here.files:
            return True
        found = here.folders.get(folder)
        if found is None:  # nothing placed under it
            return False
        here = found
    return name in here.files or name in here.folders


def take(file: str, placed: Folder) -> None:
    """Marks the (folded) `file`, and the folders it lies in, as placed."""
    *folders, name = file.split("/")
    here = placed
    for folder in folders:
        found = here.folders.get(folder)
        if found is None:
            found = here.folders[folder] = Folder()
        here = found
    here.files.add(name)


def page_candidates(pattern: str, *, url: str | None, slug: str, published_at: datetime) -> list[str]:
    """The addresses a post's page may have besides the one made of its id, best first (`urls.page_paths`:
    its kept imported URL, its permalink in `pattern`), those a file may not take (`usable`) left out."""
    found = urls.page_paths(pattern, url=url, slug=slug, published_at=published_at)
    return [path for path in found if usable(path, urls.file_of(path))]


def redirect_addresses(pattern: str, aliases: Iterable[str], former: Iterable[Sequence[str]]) -> list[tuple[str, str]]:
    """(address, file) of each redirect page a post may have, in order (`urls.redirect_paths`: its
    aliases, then its former addresses in `pattern`), those a file may not take (`usable`) left out."""
    found = []
    for path in urls.redirect_paths(pattern, aliases, former):
        if path is not None and usable(path, file := urls.file_of(path)):
            found.append((path, file))
    return found


def case_only_aliases(page: str | None, aliases: Iterable[str]) -> list[str]:
    """The addresses among `aliases` (`urls.clean_path`) whose file is the page's at `page` spelled in
    another letter case (`/2015/05/21/TockingTime/` of `/2015/05/21/tockingtime/`): the build writes
    no redirect page there, the two being one file on a disk that ignores case (`Placer.redirect`)."""
    if page is None:
        return []
    file = urls.file_of(page)
    own = folded_path(file)
    found = []
    for alias in aliases:
        path = urls.clean_path(alias)
        if path is not None and (other := urls.file_of(path)) != file and folded_path(other) == own:
            found.append(path)
    return found


class Placer:
    """The files of one site's post pages and redirect pages, placed one by one: each where no earlier
    one is (`clashes`). Pages go first, oldest post first (an older post keeps its address), then
    redirect pages, oldest post first again (an alias two posts had leads to the older)."""

    def __init__(self) -> None:
        self.placed = Folder()
        """The (folded) files placed, in their folders."""

    def page(self, post_id: str, candidates: Sequence[str]) -> tuple[int, str, str]:
        """(at, address, file) of a post's page: the first of its `candidates` (`page_candidates`) whose
        file is free, `at` its index; else, `at` -1, the address made of its id, or when an older post's
        page holds that one, the first free made of its id and a number (`/posts/<id>-2/`): never
        `usable` refuses it, never another post's."""
        placed = self.placed
        for at, path in enumerate(candidates):  # noqa: B007 (the one found is used after the loop)
            file = path[1:] + "index.html" if path[-1] == "/" else path[1:]  # urls.file_of, inlined: per post
            if not clashes(folded := folded_path(file), placed):
                break
        else:
            at, path, number = -1, f"/posts/{post_id}/", 1
            while clashes(folded := folded_path(file := path[1:] + "index.html"), placed):
                number += 1
                path = f"/posts/{post_id}-{number}/"
        take(folded, placed)
        return at, path, file

    def redirect(self, file: str) -> bool:
        """Places a redirect page at `file` (one of `redirect_addresses`), unless a page or an earlier
        redirect page is there (`clashes`): whether it did."""
        folded = folded_path(file)
        if clashes(folded, self.placed):
            return False
        take(folded, self.placed)
        return True


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
    """Where the build puts each post's page and redirect pages, permalinks in `pattern`: placed by a
    `Placer` in the order `pages.SitePlan` places them (oldest first: by publication, then id)."""
    ordered = sorted(posts, key=lambda post: (post.published_at, post.id))
    placer = Placer()
    pages: dict[str, str] = {}
    for post in ordered:
        candidates = page_candidates(pattern, url=post.url, slug=post.slug, published_at=post.published_at)
        pages[post.id] = placer.page(post.id, candidates)[1]
    redirects: dict[str, str] = {}
    for post in ordered:
        for path, file in redirect_addresses(pattern, post.aliases, post.former):
            if placer.redirect(file):
                redirects[path] = post.id
    return Placed(pages, redirects)
