"""Import mapping: a markdown file's text becomes an `ImportedPost` for the services to store.

Dialects are detected from the file (or given explicitly):

- jekyll: YAML front matter and the file is under `_posts/` or `_drafts/`, or its name
  starts with a date (`2021-06-16-slug.md`); also a file with no front matter under
  `_posts/` or `_drafts/` (its date and slug then come from its name, as Jekyll reads it).
- astro: the file is under `src/content/`, or its YAML front matter has `pubDate`.
- zola: TOML front matter with an `[extra]` or `[taxonomies]` table or a `path` key.
- hugo: any other YAML, TOML or JSON front matter.
- markdown: no front matter; the title is the first `# heading`, else the file name.

Between those folder rules and the others, a file with front matter inside a site whose root
config names its generator (`site`, `layout.site_generator`) is read in that generator's dialect.

Fields are read as `mapping.py` describes. The post's date becomes both `created_at` and
`published_at`. Categories are merged into `tags` (a post has one tag list) and also
listed in `categories`, so export can write them back under their own key.

Slugs: `slug` is what the source names the post by: a `slug` key, a Zola `path`, else the
file name (Jekyll date removed; a bundle's folder). `slug_explicit` is True when the
front matter states it. Either way it is the post's published URL: keep it as written,
and only generate one with `slugs.slugify(title)` when `slug` is None.
"""

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path, PurePosixPath
from typing import Any

from blogster_cli.content.dates import dated_name, placed
from blogster_cli.content.document import new_document
from blogster_cli.content.errors import ContentError, DateParseError
from blogster_cli.content.files import FolderListing, FolderWalk, list_folder, read_regular_file, walk_folder
from blogster_cli.content.frontmatter import FrontMatterFormat, json_safe, parse_metadata, split_front_matter
from blogster_cli.content.mapping import (
    BUNDLE_INDEX_STEMS,
    DIALECTS,
    MARKDOWN_SUFFIXES,
    Dialect,
    MappedPost,
    Status,
    file_stem,
    find_key,
    is_bundle,
    map_metadata,
    truthy,
)
from blogster_cli.planning.times import UnknownTimezone, zone, zone_name


@dataclass(kw_only=True)
class PostFields:
    """The post's own columns, as export takes them (what the database holds now)."""

    title: str
    slug: str
    status: Status = "published"
    published_at: datetime | None = None
    created_at: datetime | None = None
    tags: list[str] = field(default_factory=list)
    meta_description: str | None = None
    meta_keywords: str | None = None
    featured_image: str | None = None

    @property
    def date(self) -> datetime | None:
        """The date export writes: published_at, else created_at."""
        return self.published_at if self.published_at is not None else self.created_at


@dataclass(kw_only=True)
class ImportedPost:
    """One imported post: column values plus the `blogs.content` document."""

    title: str
    slug: str | None
    slug_explicit: bool
    created_at: datetime | None
    published_at: datetime | None
    status: Status
    tags: list[str]
    categories: list[str]
    meta_description: str | None
    meta_keywords: str | None
    featured_image: str | None
    content: dict[str, Any]
    not_a_page: str | None = None  # why its site renders no page of it (`unrendered_reason`): import skips it
    # why its site shows it as a page, not a post (`top_level_page_reason`): import skips it unless the
    # file is already a post's (tracked by sync, or the source file of a post an earlier import made)
    page_unless_linked: str | None = None
    floating_date: datetime | None = None  # its date as written when that states no offset (`MappedPost.floating`)
    expiry: datetime | None = None  # Hugo's expiryDate (`MappedPost.expiry`): import warns of it
    password_protected: bool = False  # a WordPress item behind a password: a draft, and import says so

    def fields(self, slug: str | None = None) -> PostFields:
        """These values as export takes them; pass `slug` when the import had none."""
        chosen = slug if slug is not None else self.slug
        if chosen is None:
            raise ContentError("the post has no slug: pass one")
        return PostFields(
            title=self.title,
            slug=chosen,
            status=self.status,
            published_at=self.published_at,
            created_at=self.created_at,
            tags=list(self.tags),
            meta_description=self.meta_description,
            meta_keywords=self.meta_keywords,
            featured_image=self.featured_image,
        )


def detect_dialect(
    fmt: FrontMatterFormat | None, values: dict[Any, Any], path: PurePosixPath | None, site: Dialect | None = None
) -> Dialect:
    """The dialect a file is written in, by the rules in this module's docstring (`site`: the
    generator its site's config names, `layout.site_generator`)."""
    parts = path.parts if path is not None else ()
    if fmt is None:
        return "jekyll" if "_posts" in parts[:-1] or "_drafts" in parts[:-1] else "markdown"
    if any(parts[i : i + 2] == ("src", "content") for i in range(len(parts) - 1)):
        return "astro"
    if fmt == "yaml" and ("_posts" in parts or "_drafts" in parts):
        return "jekyll"
    if site is not None:
        return site
    if fmt == "yaml":
        if path is not None and dated_name(file_stem(path), "-") is not None:
            return "jekyll"
        if "pubDate" in values:
            return "astro"
    if fmt == "toml" and (
        isinstance(values.get("extra"), dict) or isinstance(values.get("taxonomies"), dict) or "path" in values
    ):
        return "zola"
    return "hugo"


def detected_dialect(text: str, path: PurePosixPath | None) -> Dialect | None:
    """The dialect `import_post` detects for `text` (a file at `path`, in no site whose config
    names its generator) without mapping the rest; None when its front matter cannot be read."""
    try:
        split = split_front_matter(text)
        values = parse_metadata(split).values
    except (ContentError, ValueError, TypeError, RecursionError):
        return None
    return detect_dialect(split.format, values, path)


def import_post(
    text: str,
    path: str | PurePosixPath | None = None,
    *,
    dialect: Dialect | None = None,
    default_tz: tzinfo = UTC,
    layout: PurePosixPath | None = None,
    site: Dialect | None = None,
    site_permalink: str | None = None,
    collection: tuple[str, str] | None = None,
) -> ImportedPost:
    """Map one markdown file's text (at `path`, relative to the imported root) to a post.

    `layout` is the path as its site lays it out (`content.layout.layout_path`) when that
    says more than `path` (imported from inside `src/content/`): the dialect and the fields
    a path gives are read from it; `path` is what the post keeps as its source path, and the
    layout path is kept beside it when it differs. `site` is the generator the file's site
    names in its config, which says its dialect; `site_permalink` the permalink pattern a Jekyll
    or Hugo site's config sets for it (`content.layout.site_permalink`), kept for the address
    it gave the post. `collection` is the (name, folder from the site's root) of the Astro
    collection the file is an entry of (`content.astro_collections`), kept with its layout path,
    which export writes it back at."""
    if "\x00" in text:
        raise ContentError("the text contains NUL characters: not a markdown file")
    if dialect is not None and dialect not in DIALECTS:
        raise ContentError(f"unknown dialect {dialect!r}: use one of {', '.join(DIALECTS)}")
    relative = PurePosixPath(path) if path is not None else None
    shape = layout if layout is not None else relative
    split = split_front_matter(text)
    metadata = parse_metadata(split)
    chosen = dialect or detect_dialect(split.format, metadata.values, shape, site)
    mapped = map_metadata(metadata.values, split.body, shape, chosen, default_tz, metadata, strict_expiry=True)
    content = new_document(
        split.body,
        fmt=split.format,
        raw=split.raw,
        fields=json_safe(metadata.values, metadata),
        source={
            "dialect": chosen,
            "path": relative.as_posix() if relative is not None else None,
            "date_text": mapped.date_text,
            **_zone_record(default_tz, mapped.date_text),
            **({"layout_path": shape.as_posix()} if shape is not None and (shape != relative or collection) else {}),
            **({"collection": collection[0], "collection_base": collection[1]} if collection is not None else {}),
            **({"site_permalink": site_permalink} if site_permalink and chosen in ("jekyll", "hugo") else {}),
        },
    )
    post = post_from_mapping(mapped, content)
    post.not_a_page = unrendered_reason(metadata.values, shape, chosen)
    # A file without front matter reads as plain markdown, but in a Hugo site it is Hugo's page all
    # the same: at the top of content/ it is skipped as one with front matter is (it states no date).
    hugo_page = chosen == "hugo" or (split.format is None and dialect in (None, "hugo"))
    post.page_unless_linked = top_level_page_reason(
        metadata.values, shape, dated=mapped.date is not None, hugo=hugo_page and "hugo" in (site, dialect)
    )
    return post


def _is_utc(zone: tzinfo) -> bool:
    return zone is UTC or zone_name(zone) in ("UTC", "Etc/UTC")


def _zone_record(read_in: tzinfo, date_text: str | None) -> dict[str, str]:
    """The `source.timezone` of a post whose dates were read in `read_in`: none for UTC, nor for
    a source that gives no date (`content.document`)."""
    return {"timezone": zone_name(read_in)} if date_text is not None and not _is_utc(read_in) else {}


def imported_zone(content: Mapping[str, Any] | None) -> tzinfo | None:
    """The zone an imported post's dates without an offset were read in: its `source.timezone`,
    else UTC (import records none for UTC; a post imported before the zone was recorded was read
    in the setting of that day, which only its date can tell). None for a post from no file, and
    for a recorded name this system does not know (`unknown_zone_warning` says so)."""
    source = (content or {}).get("source")
    if not isinstance(source, dict):
        return None
    recorded = source.get("timezone")
    if recorded is None:
        return UTC
    try:
        return zone(recorded) if isinstance(recorded, str) else None
    except UnknownTimezone:
        return None


def read_as_imported(floating: datetime, content: Mapping[str, Any] | None, date: datetime | None) -> datetime | None:
    """`floating`, a date written without an offset (a date alone, a time without one), read in the
    zone its post's dates were imported in (`imported_zone`), when it is the post's `date` there: an
    unchanged file keeps the moment it was first imported as after `config set timezone`, though it
    cannot show its zone. None otherwise (read it in the setting, as a changed date is)."""
    read_in = imported_zone(content)
    if read_in is None or date is None:
        return None
    try:
        moment = placed(floating, read_in)
    except DateParseError:
        return None
    return moment if moment == date else None


def recorded_zone(content: Mapping[str, Any] | None) -> object:
    """An imported post's `source.timezone` as stored (None: none, or a post from no file)."""
    source = (content or {}).get("source")
    return source.get("timezone") if isinstance(source, dict) else None


SHOWN_ZONE_NAME = 60
"""The characters of a recorded zone name a warning shows: an account's own SQL may store 14,000."""


def unknown_zone_warning(recorded: object, read_in: tzinfo | str) -> str | None:
    """The warning for a post whose recorded zone (`source.timezone`: import records only a zone's
    name, but an account's own SQL may write anything there) is no zone this system knows, so its
    dates without an offset are read in `read_in` instead; None for a zone's name, or none recorded.
    The name is checked as `planning.times.zone` checks a setting: never a path outside the zones."""
    if recorded is None:
        return None
    where = read_in if isinstance(read_in, str) else zone_name(read_in)
    if not isinstance(recorded, str):
        return f"the timezone recorded for this post is not text; its date is read in {where}"
    try:
        zone(recorded)
    except UnknownTimezone:
        shown = recorded if len(recorded) <= SHOWN_ZONE_NAME else recorded[: SHOWN_ZONE_NAME - 1] + "…"
        return f"the timezone recorded for this post ({shown!r}) is unknown; its date is read in {where}"
    return None


def with_zone(content: dict[str, Any], read_in: tzinfo) -> dict[str, Any]:
    """An imported post's `content` recording `read_in` as the zone its dates were read in, as
    `import_post` records it."""
    source = content.get("source")
    if not isinstance(source, dict):
        return content
    kept = {key: value for key, value in source.items() if key != "timezone"}
    return {**content, "source": {**kept, **_zone_record(read_in, source.get("date_text"))}}


def post_from_mapping(mapped: MappedPost, content: dict[str, Any]) -> ImportedPost:
    """An ImportedPost holding `mapped` values and the `content` document."""
    return ImportedPost(
        title=mapped.title,
        slug=mapped.slug,
        slug_explicit=mapped.slug_origin in ("key", "path_key"),
        created_at=mapped.date,
        published_at=mapped.date,
        status=mapped.status,
        tags=mapped.all_tags,
        categories=mapped.categories,
        meta_description=mapped.meta_description,
        meta_keywords=mapped.meta_keywords,
        featured_image=mapped.featured_image,
        content=content,
        floating_date=mapped.floating,
        expiry=mapped.expiry,
    )


def read_text_file(path: Path) -> str:
    """A regular file's text exactly: UTF-8, line breaks untouched (no newline translation)."""
    try:
        return read_regular_file(path).decode("utf-8")
    except UnicodeDecodeError as error:
        raise ContentError(f"{path.name} is not UTF-8 text (byte {error.start})") from None


def write_text_file(path: Path, text: str) -> None:
    """Write `text` exactly as given (UTF-8, no newline translation), creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def find_markdown_files(root: Path) -> list[PurePosixPath]:
    """Markdown posts under `root`, as sorted relative POSIX paths (see `list_markdown_files`)."""
    return list_markdown_files(root).files


SECTION_INDEX_REASON = "section index page, not a post"


def _is_markdown_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in MARKDOWN_SUFFIXES


# `NAME.<lang>.md`: a language code (`fr`, `fil`), optionally with a region or script (`pt-br`)
_TRANSLATION = re.compile(r"(?P<name>.+)\.(?P<lang>[a-z]{2,3}(?:[-_][a-z0-9]{2,8})?)", re.IGNORECASE)
TRANSLATION_DIALECTS = ("hugo", "zola")  # they read `NAME.<lang>.md` as a translation of `NAME.md`


def is_section_index(name: str) -> bool:
    """Hugo's and Zola's `_index.md` (or a translation of it, `_index.fr.md`): a section's
    list page, not a post."""
    if not _is_markdown_name(name):
        return False
    stem = os.path.splitext(name)[0]
    translated = _TRANSLATION.fullmatch(stem)
    return BUNDLE_INDEX_STEMS[1] in (stem, translated and translated["name"])


def names_translation(stem: str) -> bool:
    """Whether a file stem reads as a translation's, `NAME.<lang>` (`node.js`, `notes.md`):
    import skips such a file in Hugo and Zola when a `NAME.md` is beside it (`translation_of`)."""
    return _TRANSLATION.fullmatch(stem) is not None


def translation_of(path: Path) -> tuple[str, str] | None:
    """(language, the original's file name) when `path` is a Hugo or Zola translation
    `NAME.<lang>.md` (a bundle's `index.<lang>.md` too) with its original `NAME.md` beside it;
    else None. Only the file name says so: the caller knows the dialect."""
    stem, suffix = os.path.splitext(path.name)
    translated = _TRANSLATION.fullmatch(stem)
    if translated is None or suffix.lower() not in MARKDOWN_SUFFIXES:
        return None
    for original in (f"{translated['name']}{known}" for known in (suffix, *MARKDOWN_SUFFIXES)):
        if os.path.lexists(path.parent / original):
            return translated["lang"], original
    return None


# A repository's own files, by stem (ignoring case), at a site's root: not posts, in any dialect.
REPOSITORY_FILE_STEMS = frozenset({"readme", "license", "licence", "changelog", "contributing", "code_of_conduct"})
JEKYLL_POST_FOLDERS = ("_posts", "_drafts")
JEKYLL_PAGE_REASON = "page, not a post: Jekyll posts are in _posts/ or _drafts/"
HEADLESS_REASON = "headless bundle (headless: true): not a page, not a post"
HUGO_PAGE_REASON = (
    "page at the top of content/ (no section, no type, no date), not a post: Hugo's posts are in a section"
    " such as content/posts/"
)
HUGO_BUILD_KEYS = ("_build", "build")  # Hugo's build options (`_build` before 0.123)
HUGO_NEVER_RENDERED = "never"  # `render: never` (or false, before Hugo 0.76)


def not_a_post(layout: PurePosixPath, *, site: Dialect | None, dialect: str | None = None) -> str | None:
    """Why the file at `layout` (its path as its site lays it out, `layout.layout_path`) is not a
    post, by its place alone; None when it may be one. `site` is the generator its site's config
    names (`layout.site_generator`), `dialect` the one it is read in when given (`--format`).

    - A repository's own file at the site's root (the folder imported, outside any layout
      folder): `README.md`, `LICENSE.md`, `CHANGELOG.md`, `CONTRIBUTING.md`, any dialect.
    - In a Jekyll site, a file outside `_posts/` and `_drafts/` (`about.md` with `layout: page`,
      `index.md`, `404.md`, a file of another collection such as `_recipes/`) is a page or a
      collection's document: Jekyll makes posts of those two folders only (at any depth, as
      `blog/_posts/`), whatever a file's `layout` says. An Astro entry (`src/content/`) in it
      is still read as Astro's; a `--format` other than jekyll or markdown turns this rule off.
    """
    folders = layout.parts[:-1]
    stem = os.path.splitext(layout.name)[0] if _is_markdown_name(layout.name) else layout.name
    if not folders and stem.lower() in REPOSITORY_FILE_STEMS:
        return f"repository file ({layout.name}), not a post"
    if site != "jekyll" or dialect not in (None, "jekyll", "markdown"):
        return None
    if any(folder in JEKYLL_POST_FOLDERS for folder in folders):
        return None
    if any(folders[i : i + 2] == ("src", "content") for i in range(len(folders) - 1)):
        return None  # an Astro collection (detect_dialect)
    special = next((folder for folder in folders if folder.startswith("_")), None)
    if special is not None:
        return f"in {special}/, not a post: Jekyll posts are in _posts/ or _drafts/"
    return JEKYLL_PAGE_REASON


def unrendered_reason(values: Mapping[Any, Any], path: PurePosixPath | None, dialect: str) -> str | None:
    """Why Hugo renders no page of a file, by its front matter; None when it does (or the file
    is not Hugo's). A leaf bundle whose `index.md` says `headless: true` is only a holder of
    resources for other pages; any page whose build options (`build:` or `_build:`) say
    `render: never` (or `render: false`) is never rendered. Keys match ignoring case, as in Hugo."""
    if dialect != "hugo":
        return None
    headless = find_key([values], ("headless",))
    if headless is not None and truthy(headless.value) is True and path is not None:
        if is_bundle(path) and os.path.splitext(path.name)[0] == BUNDLE_INDEX_STEMS[0]:
            return HEADLESS_REASON
    build = find_key([values], HUGO_BUILD_KEYS, dict)
    if build is None:
        return None
    render = find_key([build.value], ("render",))
    if render is None:
        return None
    value = render.value
    never = truthy(value) is False or (isinstance(value, str) and value.strip().lower() == HUGO_NEVER_RENDERED)
    if not never:
        return None
    return f"never rendered ({build.key}: render: {str(value).lower()}): not a page, not a post"


def top_level_page_reason(
    values: Mapping[Any, Any], path: PurePosixPath | None, *, dated: bool, hugo: bool
) -> str | None:
    """Why a Hugo file is one of its site's pages, not a post; None when it may be a post.

    Hugo puts a file at the top of `content/` (`content/about.md`, or the leaf bundle
    `content/about/index.md`; `path` as its site lays it out) in no section, and gives it the type
    `page` unless its front matter sets `type`; themes list as posts the pages whose type is one of
    the site's main sections (`mainSections`: `posts`), which `page` is not. Such a file without a
    date is the site's About or Contact page, which import would date now. One with a date (a blog
    that keeps its posts at the top) or a `type` of its own (`type: posts`) is read as a post, as is
    every file in a section. `hugo`: the file is read as Hugo's and its site's config names Hugo (or
    `--format hugo` says so): the top-level pages of a Zola site are its posts, and a folder
    without a config may be Zola's."""
    from blogster_cli.content.layout import site_key

    if not hugo or path is None or dated:
        return None
    parts = site_key(path.as_posix())
    bundle = len(parts) == 3 and os.path.splitext(parts[2])[0] == BUNDLE_INDEX_STEMS[0]
    if parts[0] != "content" or not (len(parts) == 2 or bundle):
        return None
    kind = find_key([values], ("type",))
    if kind is not None and kind.value is not None and str(kind.value).strip().lower() not in ("", "page"):
        return None
    return HUGO_PAGE_REASON


def _is_post_name(name: str) -> bool:
    return _is_markdown_name(name) and not is_section_index(name)


def _descend(name: str) -> bool:
    return name != "node_modules"


def list_markdown_files(root: Path) -> FolderListing:
    """Markdown posts under `root`, with the links and special files skipped (`content.files`).

    Skips hidden folders and files and `node_modules`; section pages `_index.md` are listed
    as skipped, with SECTION_INDEX_REASON.
    """
    listing = list_folder(root, _is_markdown_name, _descend)
    sections = [path for path in listing.files if is_section_index(path.name)]
    if sections:
        listing.files = [path for path in listing.files if not is_section_index(path.name)]
        listing.skipped = sorted([*listing.skipped, *((path, SECTION_INDEX_REASON) for path in sections)])
    return listing


def listed_as_post(relative: str) -> bool:
    """Whether walk_markdown_files would list the file at this "/"-joined relative path, by
    its name and its folders' names alone (no hidden part, no node_modules, a post's name)."""
    *folders, name = relative.split("/")
    return (
        not name.startswith(".")
        and _is_post_name(name)
        and all(part and not part.startswith(".") and _descend(part) for part in folders)
    )


def walk_markdown_files(root: Path) -> FolderWalk:
    """list_markdown_files as strings, with each file's size and mtime (for sync): section pages
    `_index.md` are skipped with SECTION_INDEX_REASON, as import reports them."""
    walk = walk_folder(root, _is_markdown_name, _descend)
    sections = [path for path in walk.files if is_section_index(path.rpartition("/")[2])]
    if sections:
        walk.files = [path for path in walk.files if not is_section_index(path.rpartition("/")[2])]
        for path in sections:
            del walk.stats[path]
        walk.skipped += ((path, SECTION_INDEX_REASON) for path in sections)
        walk.skipped.sort(key=lambda item: (item[0].split("/"), item[1]))
    return walk


def import_post_file(
    root: Path, relative_path: PurePosixPath, *, dialect: Dialect | None = None, default_tz: tzinfo = UTC
) -> ImportedPost:
    """Read and import `root / relative_path`."""
    return import_post(read_text_file(root / relative_path), relative_path, dialect=dialect, default_tz=default_tz)


def iter_imported(
    root: Path, *, dialect: Dialect | None = None, default_tz: tzinfo = UTC
) -> Iterator[tuple[PurePosixPath, ImportedPost | ContentError]]:
    """Import every markdown file under `root`; a file that fails yields its ContentError."""
    for relative_path in find_markdown_files(root):
        try:
            yield relative_path, import_post_file(root, relative_path, dialect=dialect, default_tz=default_tz)
        except ContentError as error:
            yield relative_path, error
