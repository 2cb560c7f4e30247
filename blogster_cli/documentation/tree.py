"""A documentation folder as categories and pages, and back: pure, no database.

Folders become categories (their slug is the folder path, normalised, joined by `-`),
markdown files become pages. A page's front matter may set title, slug, tags, order,
status, version and excerpt; without a title the first heading names the page, then the
file name. Slugs the schema rejects (`hugo_server`) are normalised (`hugo-server`) and
the change is reported; one with a part longer than MAX_SLUG_PART characters (export writes
the last part as a file name) is refused. Each page keeps its source path and its front matter
block byte for byte, so writing the tree back gives the files it came from; a page written in
Blogster, or one whose fields changed since, is written with the front matter that reads back as it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from blogster_cli.content.attribute_lists import ENDING_ATTRIBUTE_LIST
from blogster_cli.content.errors import ContentError, FrontMatterError
from blogster_cli.content.files import read_regular_file, walk_folder
from blogster_cli.content.frontmatter import dump_front_matter, json_safe, parse_metadata, split_front_matter
from blogster_cli.content.inline_text import inline_text
from blogster_cli.documentation import includes, languages, links
from blogster_cli.documentation.includes import INCLUDE_FOLDERS
from blogster_cli.text_encoding import unix_line_ends

MARKDOWN_SUFFIXES = (".md", ".markdown")
FRONT_MATTER_FIELDS = ("title", "slug", "tags", "order", "status", "version", "excerpt")
_FIELD_ORDER = ["title", "slug", "status", "tags", "order", "version", "excerpt"]  # as export writes them
PAGE_STATUSES = ("draft", "published", "archived")
# A heading line: what follows its #s and blanks, whole (the text is that less its closing blanks and #s:
# title_from strips them in Python, as a lazy `(.+?)[ \t#]*$` took time quadratic in the line's length).
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+)$", re.MULTILINE)
# An attribute list ending a heading (`content.attribute_lists`: `{: #id .class key="value" }`),
# and the closing #s before it; 0139_documentation_search_reads_text.sql reads titles the same way.
# (Each match starts after a non-blank, as the leftmost one does: a search from every blank of a long
# run of them took time quadratic in its length.)
_CLOSING_HASHES = re.compile(r"(?<![ \t])[ \t]+#+$")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
MAX_SLUG_PART = 200  # export writes PART.md (or PART-2.md): within the 255 bytes a file name may take
SLUG_FORM = "lower-case words and digits joined by '-', folders by '/'"
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class CategorySource:
    """A folder: its path below the root, slug, display name, parent and position among siblings."""

    path: str
    slug: str
    name: str
    parent_path: str | None
    order: int


@dataclass(frozen=True)
class PageSource:
    """A markdown file read from the tree, ready to store."""

    path: str  # relative to the root, POSIX separators
    category_path: str | None
    slug: str
    title: str
    body: str
    front_matter_raw: str | None
    front_matter: dict[str, Any]
    tags: list[str]
    order: int | None
    status: str | None
    version: str | None
    excerpt: str | None
    search_config: str = languages.DEFAULT_CONFIG  # the page's language, as PostgreSQL stems it
    notes: list[str] = field(default_factory=list)  # slug normalisations and other remarks
    slug_asked: str | None = None  # the front matter's `slug:` as written; None: the slug is the path's
    links: tuple[links.Link, ...] | None = None  # its links, if read (read_tree: those that may show pictures)
    pictures: tuple[str, ...] = ()  # the picture files it shows that its folder holds (read_tree looks)
    # Its include lines (`--8<-- "file.md"`) and the text each stands for, which search reads in its
    # place (read_tree reads them: see includes.py); the warnings of those it could not read.
    includes: dict[str, str] = field(default_factory=dict)
    include_warnings: tuple[str, ...] = ()
    include_names: tuple[str, ...] = ()  # the include each of include_warnings is about, as written
    includes_unread: frozenset[str] = frozenset()  # its include lines it could not read this time


NUL_REFUSED = "the page holds a NUL character, which PostgreSQL text cannot store"


class NulInPage(ValueError):
    """A page holding a NUL character: in its file, or made by an escape in its front matter
    (YAML's "\\0", JSON's "\\u0000"). PostgreSQL's text and jsonb cannot store one, and would
    refuse it in words that name neither the page nor the character."""

    def __init__(self) -> None:
        super().__init__(NUL_REFUSED)


def holds_nul(value: object) -> bool:
    """Whether a text, or any text (key or value) in nested lists and mappings, holds a NUL."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(holds_nul(item) for item in value)
    return False


@dataclass(frozen=True)
class PageProblem:
    path: str
    reason: str


@dataclass(frozen=True)
class Tree:
    categories: list[CategorySource]
    pages: list[PageSource]
    problems: list[PageProblem]
    skipped: list[PageProblem] = field(default_factory=list)  # markdown files that are no pages (includes)


def normalise_segment(text: str) -> str:
    """One slug segment the schema accepts: lower-case ASCII letters and digits joined by single dashes."""
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


def normalise_slug(text: str) -> str:
    """A page slug: segments separated by `/`, each normalised; empty segments dropped."""
    return "/".join(s for s in (normalise_segment(part) for part in text.split("/")) if s)


def slug_too_long(slug: str) -> str | None:
    """Why `slug` cannot be a page's (one line), if a part of it is too long for a file name."""
    if all(len(part) <= MAX_SLUG_PART for part in slug.split("/")):
        return None
    shown = slug if len(slug) <= 60 else f"{slug[:40]}...{slug[-12:]}"
    return f"slug {shown!r} has a part longer than {MAX_SLUG_PART} characters, too long for a file name on export"


def not_normal_slug(asked: str) -> str | None:
    """Why `asked`, a slug given to be used as written, cannot be (one line): not in normal form
    (naming the form it would take) or too long; None: it is a page slug."""
    slug = normalise_slug(asked)
    if slug != asked:
        return f"slug {asked!r} is not a page slug ({SLUG_FORM})" + (f": did you mean {slug!r}?" if slug else "")
    return slug_too_long(slug)


def category_slug(folder: str) -> str:
    return normalise_segment(folder.replace("/", "-")) or "docs"


def category_name(folder_name: str) -> str:
    words = re.sub(r"[-_]+", " ", folder_name).strip()
    return (words[:1].upper() + words[1:]) if words else folder_name


_TITLE_SOURCE = 2_000  # the characters of a first heading a title is read from


def title_from(body: str, file_name: str) -> str:
    """The first heading's text as readers see it (without an attribute list it ends with, its
    character references read: `# &lt;integer&gt;` is `<integer>`, its inline markup and pictures
    left out: `# *attrs* by Example` is `attrs by Example`), else the file name made readable."""
    if title := heading_title(body):
        return title
    stem = PurePosixPath(file_name).stem
    return category_name(stem)[:300] or "Untitled"


def heading_title(body: str) -> str:
    """title_from's title when the body has a first heading that shows text; else ""."""
    match = _HEADING.search(body)
    heading = heading_text(_heading_line_text(match.group(1)).strip()) if match else ""
    # a title keeps 300 characters: the words of a heading's first 2,000 are enough, and reading
    # a longer one's markup would take seconds (`[![a](` * 50,000: 15 s)
    return inline_text(heading[:_TITLE_SOURCE]).strip()[:300] if heading else ""


def _heading_line_text(rest: str) -> str:
    """A heading line's text from what follows its #s and blanks: without the blanks and #s that
    close it, but never empty (`# #` is a heading reading `#`)."""
    return rest.rstrip(" \t#") or rest[0]


def heading_text(heading: str) -> str:
    """A heading as readers see it: `7.0 Migration Notes {: #\\7.0}` is `7.0 Migration Notes`."""
    without = ENDING_ATTRIBUTE_LIST.sub("", heading)
    return heading if without == heading else _CLOSING_HASHES.sub("", without).strip()


def _default_slug(path: str) -> str:
    """`guide/events.md` -> `guide/events`; `guide/index.md` -> `guide`."""
    posix = PurePosixPath(path)
    parts = list(posix.parent.parts) + ([] if posix.stem == "index" and posix.parent.parts else [posix.stem])
    return "/".join(parts)


def read_page(path: str, text: str) -> PageSource:
    """One page from its file text; raises FrontMatterError or ValueError (NulInPage: a NUL
    character) with a one-line reason."""
    if "\x00" in text:
        raise NulInPage
    split = split_front_matter(text)
    values = parse_metadata(split).values
    if not isinstance(values, dict):
        raise FrontMatterError("front matter is not a mapping")
    if holds_nul(json_safe(values)):
        raise NulInPage
    notes: list[str] = []
    asked = str(values["slug"]) if values.get("slug") else None
    wanted = asked or _default_slug(path)
    slug = normalise_slug(wanted)
    if not slug:
        raise ValueError(f"no usable slug in {wanted!r}")
    if too_long := slug_too_long(slug):
        raise ValueError(too_long)
    if slug != wanted:
        notes.append(f"slug {wanted!r} normalised to {slug!r}")
    title = str(values.get("title") or "").strip() or title_from(split.body, path)
    tags = values.get("tags") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",")]
    status = values.get("status")
    if status is not None and str(status) not in PAGE_STATUSES:
        raise ValueError(f"status {status!r} is not one of {', '.join(PAGE_STATUSES)}")
    order = values.get("order")
    if order is not None and not isinstance(order, int):
        raise ValueError(f"order {order!r} is not a whole number")
    config, language_note = languages.search_config(values.get("lang") or values.get("language"))
    if language_note:
        notes.append(language_note)
    folder = str(PurePosixPath(path).parent)
    return PageSource(
        path=path,
        category_path=None if folder == "." else folder,
        slug=slug,
        title=title[:300],
        body=split.body,
        front_matter_raw=split.raw,
        front_matter=json_safe(values),
        tags=[str(t) for t in tags if str(t).strip()],
        order=order,
        status=None if status is None else str(status),
        version=None if values.get("version") is None else str(values["version"]),
        excerpt=None if values.get("excerpt") is None else str(values["excerpt"]),
        search_config=config,
        notes=notes,
        slug_asked=asked,
    )


def _categories(folders: Iterable[str]) -> list[CategorySource]:
    """Every folder that holds pages, with all its ancestors; siblings ordered by name."""
    paths: set[str] = set()
    for folder in folders:
        parts = PurePosixPath(folder).parts
        paths.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    categories = []
    by_parent: dict[str | None, list[str]] = {}
    for path in sorted(paths):
        parent = str(PurePosixPath(path).parent)
        by_parent.setdefault(None if parent == "." else parent, []).append(path)
    for parent_path, children in by_parent.items():
        for order, path in enumerate(children):
            name = PurePosixPath(path).name
            categories.append(CategorySource(path, category_slug(path), category_name(name), parent_path, order))
    return sorted(categories, key=lambda c: (c.path.count("/"), c.path))


def read_tree(root: Path) -> Tree:
    """Every markdown file below `root` (hidden files and folders skipped), in path order.

    Regular files only, never read through a link: a link (`pw.md -> /etc/passwd`) or a FIFO
    in a docs folder is reported, not published to every account. Text that pages include is
    no page (`skipped`, with the reason): the files of a folder named as INCLUDE_FOLDERS, and
    those a page of the folder includes (`--8<--`, `{!...!}`, `{% include %}`), or an include of one.
    Each page comes with the text its include lines stand for (includes.expand: the folder's
    files only), and the pictures it shows that the folder holds (and, if it may show any, its links)."""
    pages: list[PageSource] = []
    walk = walk_folder(root, lambda name: PurePosixPath(name).suffix.lower() in MARKDOWN_SUFFIXES, lambda _: True)
    problems = [PageProblem(path, reason) for path, reason in [*walk.skipped, *walk.unreadable]]
    skipped: list[PageProblem] = []
    for path in walk.files:
        folder = next((part for part in PurePosixPath(path).parts[:-1] if part.lower() in INCLUDE_FOLDERS), None)
        if folder is not None:
            skipped.append(PageProblem(path, f"an include (in {folder}/), not a page"))
            continue
        try:
            text = read_regular_file(root / path).decode("utf-8")
            pages.append(read_page(path, unix_line_ends(text)))  # as read_text did
        except (ContentError, ValueError, UnicodeDecodeError, OSError) as exc:
            problems.append(PageProblem(path, str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
    files = includes.FolderFiles(root)
    expansions = {page.path: includes.expand(page.body, path=page.path, files=files) for page in pages}
    included: dict[str, str] = {}  # the pages' files that a page includes, or an include of one: how and where
    for page in pages:
        for path, how in expansions[page.path].files.items():
            if path != page.path:
                included.setdefault(path, how)
    skipped += [PageProblem(page.path, f"an include ({included[page.path]}), not a page")
                for page in pages if page.path in included]  # fmt: skip
    skipped.sort(key=lambda problem: problem.path.split("/"))
    pages = [_with_includes(_with_links(root, page), expansions[page.path]) for page in pages
             if page.path not in included]  # fmt: skip
    seen: dict[str, str] = {}
    unique_pages = []
    for page in pages:
        if page.slug in seen:
            problems.append(PageProblem(page.path, f"slug {page.slug!r} is already used by {seen[page.slug]}"))
            continue
        seen[page.slug] = page.path
        unique_pages.append(page)
    folders = {p.category_path for p in unique_pages if p.category_path}
    return Tree(_categories(folders), unique_pages, problems, skipped)


def _with_includes(page: PageSource, expansion: includes.Expansion) -> PageSource:
    """`page` with the text its include lines stand for, read from the folder (see includes.py)."""
    if not expansion.lines and not expansion.warnings:
        return page
    return replace(page, includes=expansion.lines, include_warnings=expansion.warnings,
                   include_names=expansion.names, includes_unread=expansion.unread)  # fmt: skip


def _with_links(root: Path, page: PageSource) -> PageSource:
    """`page` with the pictures it shows that are files of the folder `root`, and its links if
    it may show pictures (the others need no parse to be known: see links.broken_in)."""
    if not links.may_show_pictures(page.body):
        return page
    found = links.page_links(page.body)
    pictures = {path for link in found if link.picture
                and (path := links.picture_path(link.target, page_path=page.path)) is not None
                and _is_file(root, path)}  # fmt: skip
    return replace(page, links=tuple(found), pictures=tuple(sorted(pictures)))


def _is_file(root: Path, path: str) -> bool:
    """Whether the folder holds a file at `path` (only looked at: a picture is never read)."""
    try:
        return (root / path).is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL
        return False


def page_text(*, front_matter_raw: str | None, front_matter: dict[str, Any], current: dict[str, Any], body: str) -> str:
    """The file for a stored page: its original front matter when the fields it set still hold, else a new one."""
    changed = {k: v for k, v in current.items() if k in front_matter and front_matter[k] != v}
    if front_matter_raw is not None and not changed:
        return front_matter_raw + body
    values = {**front_matter, **changed}
    if not values:
        return body
    return dump_front_matter("yaml", values) + body


@dataclass(frozen=True)
class StoredPage:
    """A page as the database holds it, to be written back as a file."""

    slug: str
    title: str
    body: str
    status: str
    tags: list[str] = field(default_factory=list)
    version: str | None = None
    excerpt: str | None = None
    order: int | None = None
    path: str | None = None  # an imported page's path in its folder
    front_matter_raw: str | None = None
    front_matter: dict[str, Any] = field(default_factory=dict)
    folder: str | None = None  # its category's folder (where a page with no path is written)


@dataclass(frozen=True)
class ExportFile:
    slug: str
    path: str
    text: str
    moved_from: str | None = None  # the page's own path, when another page was written there


def export_files(pages: Iterable[StoredPage]) -> list[ExportFile]:
    """Each page as a file that the importer reads back as the same page.

    An imported page goes to its path, byte for byte while the fields its file gives
    (title, slug, tags, order, version, excerpt, and status if its front matter set one)
    still hold; else its front matter is rewritten with the fields that changed. A page
    written in Blogster goes to its category's folder (`<folder>/<last slug segment>.md`)
    with its title, slug, status, tags, order, version and excerpt in front matter. When two
    pages ask for one file (pages of two folders), the one its file reads back as keeps it
    (else the first by slug) and the other is written beside it (`index-2.md`) with its slug
    in front matter. Paths are compared ignoring case, so the tree also unpacks on a
    case-insensitive file system."""
    ordered = sorted(pages, key=lambda page: page.slug)
    taken: set[str] = set()
    kept: dict[str, str] = {}  # slug -> path, for imported pages at their own path
    for page in sorted(ordered, key=lambda page: not _is_its_files(page)):
        if page.path is not None and page.path.casefold() not in taken:
            taken.add(page.path.casefold())
            kept[page.slug] = page.path
    files = []
    for page in ordered:
        path = kept.get(page.slug)
        if path is None:
            path = _free_path(page.path or _new_page_path(page), taken)
            taken.add(path.casefold())
        moved = page.path if page.path is not None and path != page.path else None
        files.append(ExportFile(page.slug, path, _file_text(page, path), moved))
    return files


def _is_its_files(page: StoredPage) -> bool:
    """Whether the page's own file, as imported, reads back under the page's slug."""
    if page.path is None:
        return False
    read = _read_back(page.path, (page.front_matter_raw or "") + page.body)
    return read is not None and read["slug"] == page.slug


def _new_page_path(page: StoredPage) -> str:
    name = f"{page.slug.rsplit('/', 1)[-1]}.md"
    return f"{page.folder}/{name}" if page.folder else name


def _free_path(wanted: str, taken: set[str]) -> str:
    """`wanted`, else `<stem>-2<suffix>`, `-3`...: a path no other file has."""
    posix = PurePosixPath(wanted)
    candidate, number = wanted, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = str(posix.with_name(f"{posix.stem}-{number}{posix.suffix}"))
    return candidate


def _read_back(path: str, text: str) -> dict[str, Any] | None:
    """The fields the importer takes from `text` at `path` (None: it would not read it)."""
    try:
        page = read_page(path, text)
    except (ContentError, ValueError):
        return None
    return {"title": page.title, "slug": page.slug, "tags": page.tags, "order": page.order,
            "version": page.version, "excerpt": page.excerpt, "status": page.status}  # fmt: skip


def _file_text(page: StoredPage, path: str) -> str:
    imported = page.path is not None
    wanted: dict[str, Any] = {"title": page.title, "slug": page.slug, "tags": list(page.tags), "order": page.order,
                              "version": page.version, "excerpt": page.excerpt}  # fmt: skip
    if not imported or "status" in page.front_matter:  # else the status is the import's (--publish)
        wanted["status"] = page.status
    if imported and path == page.path:
        original = (page.front_matter_raw or "") + page.body
        read = _read_back(path, original)
        if read is not None and all(read[key] == value for key, value in wanted.items()):
            return original
    values = dict(page.front_matter)
    if not imported:  # written in Blogster: every field it has, explicitly
        values.update({"title": page.title, "status": page.status})
        values.update({key: wanted[key] for key in ("tags", "order", "version", "excerpt") if wanted[key]})
    read = _read_back(path, _with_front_matter(values, page.body))
    values.update({key: value for key, value in wanted.items() if read is None or read[key] != value})
    if not imported:
        values = {key: values[key] for key in sorted(values, key=_FIELD_ORDER.index)}
    return _with_front_matter(values, page.body)


def _with_front_matter(values: dict[str, Any], body: str) -> str:
    return dump_front_matter("yaml", values) + body if values else body


def category_folders(categories: dict[K, tuple[str, K | None]], page_folders: Iterable[tuple[K, str]]) -> dict[K, str]:
    """Where each category's pages go: the folder its imported pages came from (the most
    common one whose slug is the category's), else its parent's folder and its own slug less
    the parent's (`guide-advanced` under `guide` -> `guide/advanced`): folders the importer
    turns back into the same category slugs. `categories`: id -> (slug, parent id)."""
    counts: dict[K, Counter[str]] = {}
    for category_id, folder in page_folders:
        if category_id in categories and category_slug(folder) == categories[category_id][0]:
            counts.setdefault(category_id, Counter())[folder] += 1
    folders: dict[K, str] = {}

    def folder_of(category_id: K, seen: frozenset[K]) -> str:
        if category_id in folders:
            return folders[category_id]
        slug, parent = categories[category_id]
        if category_id in counts:
            folder = min(counts[category_id].items(), key=lambda item: (-item[1], item[0]))[0]
        elif parent is not None and parent in categories and parent not in seen:
            parent_slug = categories[parent][0]
            own = slug.removeprefix(f"{parent_slug}-") if slug != parent_slug else slug
            folder = f"{folder_of(parent, seen | {category_id})}/{own}"
        else:
            folder = slug
        folders[category_id] = folder
        return folder

    for category_id in categories:
        folder_of(category_id, frozenset())
    return folders
