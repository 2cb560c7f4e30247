"""Which stored page each file of an imported folder updates, and the slug it is stored under.

A page remembers where it came from: the folder it was imported from (`tree`, a digest of
the folder's resolved path, so `./docs`, `/home/me/docs` and a link to it are one folder;
the path itself is not stored, as readers of published pages can read where they came from)
and its file's path there. A file updates the page of the same folder and path; a page
imported before folders were recorded is taken over by the file of the same path, slug and
text (an unchanged file: a changed one could be another folder's, so it is a clash);
a page of the same folder whose file is gone is taken over by the file that now asks for its
slug, or whose text, unchanged, is now that of a new file of its own (the file moved). A page
of the same folder whose file is gone, and was not moved, is `gone` (the import withdraws it);
a file this import could not read, or one in a folder it could not read, is not gone. Any
other page holding a slug the folder asks for (another folder's page, one written with `docs
new`) is a clash: the import is refused, or with `replace` the file takes that page over, or
with `rename` the new page gets a slug of its own (`<folder>/<slug>`, then
`<folder>/<slug>-2`...), which later imports keep while the slug it asked for is still held. The one exception is a `sample` page (Blogster's bundled help as
`quickstart` published it, unedited): nobody's writing, so the file takes it over.
"""

from __future__ import annotations

import enum
import hashlib
from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from blogster_cli.documentation.tree import PageSource, normalise_segment
from blogster_cli.wording import plural

MAX_CLASHES_NAMED = 3


class OnClash(enum.StrEnum):
    """What an import does with a slug that a page from elsewhere holds."""

    REFUSE = "refuse"
    REPLACE = "replace"
    RENAME = "rename"


@dataclass(frozen=True)
class FolderIdentity:
    tree: str  # a digest of the resolved path: the same for every path that leads to the folder
    folder: str  # the folder's own name, to say where a page came from


def folder_identity(root: Path) -> FolderIdentity:
    """The identity of the folder `root` leads to (relative, absolute, or through links)."""
    resolved = root.resolve()
    digest = hashlib.sha256(str(resolved).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return FolderIdentity(digest, resolved.name or str(resolved))


@dataclass(frozen=True)
class StoredSource:
    """A stored page as matching sees it."""

    id: Hashable
    slug: str
    path: str | None  # its file's path in the folder it was imported from
    tree: str | None  # that folder's identity; None for pages written in Blogster or imported before it was kept
    folder: str | None = None
    asked: str | None = None  # the slug its file asks for, when it was stored under another
    text: str | None = None  # the page's text now (front matter and body): the file as imported, unless edited since
    file: str | None = None  # the fingerprint of its file as last imported (services: _content's source.file)

    def origin(self, own_tree: str | None = None) -> str:
        """Where the page came from, for a message."""
        if self.tree is not None and self.tree == own_tree:
            return f"imported from {self.path} of this folder, a file that is gone"
        if self.tree is not None:
            return f"imported from another folder, {self.folder!r}"
        if self.path is not None:
            return f"imported from {self.path} before import folders were recorded"
        return "written with docs new"


@dataclass(frozen=True)
class Placement:
    """A file of the folder, the stored page it updates (None: a new page) and the slug it gets."""

    page: PageSource
    slug: str
    target: StoredSource | None
    taken_over: StoredSource | None = None  # the other page it overwrites (replace)
    asked: str | None = None  # the slug the file asks for, when it is stored under another


@dataclass(frozen=True)
class Clash:
    page: PageSource
    holder: StoredSource


@dataclass
class ImportPlan:
    placements: list[Placement] = field(default_factory=list)
    clashes: list[Clash] = field(default_factory=list)  # refused; with replace: files whose own page exists
    gone: list[StoredSource] = field(default_factory=list)  # this folder's pages whose files are gone


def plan_import(
    pages: Iterable[PageSource], stored: Iterable[StoredSource], *, identity: FolderIdentity, on_clash: OnClash,
    unreadable: Collection[str] = (), sample: frozenset[Hashable] = frozenset(), files: Mapping[str, str] = {},
) -> ImportPlan:  # fmt: skip
    """Match each file of the folder to a stored page, and give it its slug (see the module).
    `unreadable`: the folder's files that could not be read this time (still there, not moved);
    `sample`: the ids of stored pages any file may take over (the unedited bundled help);
    `files`: each file's fingerprint as StoredSource.file records it (by path), so that a file moved
    whose page holds an edit made since is still found by the file it was imported from."""
    pages = list(pages)
    stored = list(stored)
    tree_paths = {page.path for page in pages} | set(unreadable)
    by_slug = {s.slug: s for s in stored}
    own = {s.path: s for s in stored if s.tree == identity.tree and s.path is not None}
    legacy = {s.path: s for s in stored if s.tree is None and s.path is not None}
    gone = [s for path, s in own.items() if not _still_there(path, tree_paths, unreadable)]
    gone_ids = {s.id for s in gone}
    matches: dict[str, StoredSource | None] = {}
    for page in pages:
        match = own.get(page.path)
        old = legacy.get(page.path)
        if match is None and old is not None and old.slug == page.slug and old.text == page_text(page):
            match = old  # imported before folders were recorded, and the file has not changed since
        holder = by_slug.get(page.slug)
        if match is None and holder is not None and holder.id in gone_ids:
            match = holder  # the file moved within the folder and kept its slug
        matches[page.path] = match
    _match_moved_by_text(pages, matches, gone, files)
    matched = {m.id for m in matches.values() if m is not None}
    held = {s.slug: s for s in stored if s.id not in matched}  # slugs of pages this import does not own
    in_use = {s.slug for s in stored} | {page.slug for page in pages}
    plan = ImportPlan()
    for page in pages:
        match = matches[page.path]
        holder = held.get(page.slug)
        if holder is None:
            plan.placements.append(Placement(page, page.slug, match))
        elif match is not None and match.asked == page.slug and match.slug != page.slug:
            plan.placements.append(Placement(page, match.slug, match, asked=page.slug))  # renamed before
        elif match is None and (on_clash is OnClash.REPLACE or holder.id in sample):
            del held[page.slug]
            plan.placements.append(Placement(page, page.slug, holder, taken_over=holder))
        elif on_clash is OnClash.RENAME:
            slug = _own_slug(page.slug, identity.folder, in_use)
            in_use.add(slug)
            plan.placements.append(Placement(page, slug, match, asked=page.slug))
        else:
            plan.clashes.append(Clash(page, holder))
    plan.gone = [s for s in gone if s.id not in matched]
    return plan


def _still_there(path: str, tree_paths: set[str], unreadable: Collection[str]) -> bool:
    """Whether this run saw the file at `path`, or could not tell: it, or a folder above it
    (`.`: the folder itself), could not be read."""
    return path in tree_paths or any(folder == "." or path.startswith(f"{folder}/") for folder in unreadable)


def _match_moved_by_text(
    pages: list[PageSource], matches: dict[str, StoredSource | None], gone: list[StoredSource],
    files: Mapping[str, str],
) -> None:  # fmt: skip
    """A new file whose text is exactly that of one page of this folder whose file is gone is that
    file moved (its slug came from its path); so is one that is the file such a page was last
    imported from (`files`: the page was edited in Blogster since, so its text is no longer the
    file's). Text that two gone pages or two new files share says nothing, so it matches nothing."""
    claimed = {m.id for m in matches.values() if m is not None}
    by_text: dict[str, list[StoredSource]] = {}
    by_file: dict[str, list[StoredSource]] = {}
    for stored in gone:
        if stored.id not in claimed and stored.text is not None:
            by_text.setdefault(stored.text, []).append(stored)
        if stored.id not in claimed and stored.file is not None:
            by_file.setdefault(stored.file, []).append(stored)
    new = [page for page in pages if matches[page.path] is None]
    texts = Counter(page_text(page) for page in new)
    fingerprints = Counter(files.get(page.path) for page in new)
    taken: set[Hashable] = set()
    for page in new:
        candidates = by_text.get(text := page_text(page), [])
        if len(candidates) == 1 and texts[text] == 1:
            matches[page.path] = candidates[0]
            taken.add(candidates[0].id)
    for page in new:
        file = files.get(page.path)
        if matches[page.path] is not None or file is None:
            continue
        candidates = [stored for stored in by_file.get(file, []) if stored.id not in taken]
        if len(candidates) == 1 and fingerprints[file] == 1 and len(by_file[file]) == 1:
            matches[page.path] = candidates[0]
            taken.add(candidates[0].id)


def page_text(page: PageSource) -> str:
    """The file as read (front matter and body), as a stored page keeps it."""
    return (page.front_matter_raw or "") + page.body


def _own_slug(slug: str, folder: str, in_use: set[str]) -> str:
    """`<folder>/<slug>`, else with -2, -3... : a slug no page holds or asks for."""
    base = f"{normalise_segment(folder) or 'docs'}/{slug}"
    candidate, number = base, 1
    while candidate in in_use:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def refusal(clashes: list[Clash], identity: FolderIdentity) -> str:
    """The one-line reason an import is refused."""
    named = ", ".join(f"{c.page.slug!r} ({c.holder.origin(identity.tree)})" for c in clashes[:MAX_CLASHES_NAMED])
    more = f" and {len(clashes) - MAX_CLASHES_NAMED} more" if len(clashes) > MAX_CLASHES_NAMED else ""
    return (
        f"docs import refused, nothing changed: {plural(len(clashes), 'page')} of {identity.folder!r} {'asks' if len(clashes) == 1 else 'ask'} for slugs held"
        f" by pages from elsewhere: {named}{more}; --rename stores them under slugs of their own, --replace"
        " overwrites those pages"
    )
