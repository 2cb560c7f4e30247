"""Export: write a post back as a markdown file for Hugo, Jekyll, Zola, Astro or plain markdown.

Rules, in order:

1. Path. A post exported in the dialect it was imported from keeps its original relative
   path (Zola sections such as `inside-rust/`, page bundles `slug/index.md`), except that
   a slug or date carried by the file name follows the post's current value (the file is
   renamed), a published or scheduled Jekyll post leaves `_drafts/`, and the path is placed in the
   dialect's layout (`site_path`: a flat folder's Jekyll posts go to `_posts/`, Hugo and
   Zola pages below `content/`, and anything before `content/` is dropped), read as its site
   laid it out when import was given a folder inside that layout (`laid_out_path`: `blog/x.md`
   from Astro's `src/content/` is `src/content/blog/x.md`); an entry of a collection an Astro
   site's content config declares goes back to that collection's folder (`collection_base`:
   `src/data/blog/x.md`, `content.astro_collections`). Otherwise the dialect's
   convention: Hugo `content/posts/<slug>.md`, Jekyll `_posts/YYYY-MM-DD-<slug>.md`, Zola
   `content/<slug>.md`, Astro `src/content/blog/<slug>.md` (or the folder of the collection
   the export folder's own content config declares for new posts), markdown `<slug>.md`.
   A slug import would not read back from that name (`_reads_back`: a hidden `.x.md`, a
   translation's `node.js.md` in Hugo, Zola and plain markdown, a section's `_index.fr.md`, a
   plain markdown `README.md`) or that cannot be one (`/`) names a Hugo or Zola bundle
   `node.js/index.md` when that can be read back, else is slugified (`x.md`), else hashed too
   (`readme-<hash>.md`); a name past 255 bytes (any path's) is cut to fit with a hash of it
   (`mapping.fitted_path`). The slug is then stated (rule 2; plain markdown: rule 3).
   A path the caller gives (`at`: services.exports numbers a file `x-2.md` apart from another
   post's `x.md`) is used as it is; the front matter is then checked against that path, so a
   slug the file name no longer gives is written as a `slug` key (Zola: its `path`, if it has one).
2. Front matter. If the stored `raw` front matter is in the format the dialect writes
   (Zola TOML; Jekyll and Astro YAML; Hugo the imported format, else YAML) and the file
   `raw + markdown` at that path reads back (by `mapping.map_metadata`) as the post's
   current title, slug, status, date, tags (as a set), description, keywords and image,
   `raw` is written unchanged; likewise a file imported without front matter that reads back
   so is written without one. Otherwise the front matter is regenerated: from `raw`
   parsed (or `fields` when there is no `raw`), only the fields whose values differ are
   changed, where they are already written; unknown keys, key order, and value spelling
   (the original date text when the date is unchanged; in YAML, TOML and JSON, every unchanged line) are
   kept. A changed date goes where the dialect reads it first (Hugo: a `publishDate` written,
   `date` kept), a new one under `date` (Astro: `pubDate`: `mapping.new_date_key`); a live post
   loses a Hugo `expiryDate` that has passed, which would hide it. Exporting to another dialect
   also renames keys that dialect spells differently (`pubDate`/`date`, `published`/`draft`)
   and, for Zola, moves tags/categories to
   `[taxonomies]` and keys Zola does not know to `[extra]`; and a date not written in ISO 8601
   (`June 16, 2021`, `2017-11-8`, `2016-03-22 14:00 EDT`), which that generator may not read,
   is written as the date it reads as, at the offset it was written with (`_strict_dates`):
   in place of its text when `raw` is otherwise written unchanged (`_with_strict_dates`).
   The post's old addresses go to the keys the other dialect keeps them in, written from the
   site's root (`_address_moves`: Jekyll `permalink` is Hugo's `url`, Zola and Hugo `aliases` and
   Jekyll `redirect_from` one another's), so that they still lead to it.
   An export to another dialect (or of a post written in Blogster) states the title
   (`title`, first) when the front matter has none: import reads a title from the body's
   first `# heading` or the file name, but Hugo, Jekyll, Zola and Astro do not
   (`_title_unstated`); the body keeps its heading, which then reads back as the same title.
   Reading back also means in the dialect `blogster import` detects for the file: a slug its
   name gives in `dialect` but not in that one (`content/posts/2021-03-04-foo.md`, Hugo's
   `2021-03-04-foo`, is a Jekyll post `foo` under YAML front matter) is stated (`slug_misread`).
3. Body: `markdown`, byte for byte, but with `resolve_liquid` (`blogster export`) a post imported
   from Jekyll and exported to another dialect gets its Liquid site variables resolved, as
   `site build` resolves them (`carried_body`). Plain markdown has no front matter: a `# title`
   line goes before the whole body when the body does not already yield it (import takes that
   line back off: `without_added_heading`); only a file whose name does
   not give its slug gets front matter, stating the slug, tags, description, keywords and
   picture (`_stating_slug`).
4. Former addresses. A post renamed or re-dated since it was published (its former addresses,
   `posts addresses`) was at another address in `dialect` too: the file's generator gave it one
   for each former slug and date, worked out by rendering the post so and reading where its
   generator puts that file (`_served_address`). Each such address but the file's own and those
   its aliases already list is added to them (`_with_former_aliases`): Hugo's and Zola's
   `aliases`, from the site's root (Zola without the leading `/`), and Jekyll's `redirect_from`
   only where the file already lists some or the site's `_config.yml` names the
   jekyll-redirect-from plugin, which reads it (a site without it would not). A post with no
   former address is written as the rules above say.

Export, import, export gives the same file again (a fixed point).
"""

import hashlib
import posixpath
import re
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timezone, tzinfo
from pathlib import PurePosixPath
from typing import Any, cast

from blogster_cli.content.dates import dated_name, local_day, parse_date, zola_path_date
from blogster_cli.content.document import check_document
from blogster_cli.content.errors import ContentError, DateParseError, FrontMatterError
from blogster_cli.content.frontmatter import (
    NESTED_TOO_DEEPLY,
    FrontMatterFormat,
    Metadata,
    dump_front_matter,
    edited_front_matter,
    json_safe,
    parse_metadata,
    parse_raw,
    split_front_matter,
)
from blogster_cli.content.mapping import (
    ALL_DATE_KEYS,
    BUNDLE_INDEX_STEMS,
    CATEGORY_KEYS,
    CUSTOM_TABLES,
    DATE_KEYS,
    DESCRIPTION_KEYS,
    DIALECTS,
    DRAFT_KEYS,
    EXPIRY_KEYS,
    IMAGE_KEYS,
    KEYWORD_KEYS,
    MARKDOWN_SUFFIXES,
    PUBLISHED_KEYS,
    SLUG_KEYS,
    STATUS_KEYS,
    TAG_KEYS,
    TAXONOMY_TABLE,
    TITLE_KEYS,
    ZOLA_PATH_KEY,
    Dialect,
    MappedPost,
    file_stem,
    find_date,
    find_image,
    find_key,
    first_heading,
    fitted_path,
    holds_date,
    is_bundle,
    map_metadata,
    name_date_separators,
    new_date_key,
    read_slug,
    tables,
    truthy,
    unique_terms,
)
from blogster_cli.content.post import (
    REPOSITORY_FILE_STEMS,
    TRANSLATION_DIALECTS,
    PostFields,
    detect_dialect,
    imported_zone,
    is_section_index,
    names_translation,
)
from blogster_cli.content.rules import CONTROL_CHARACTER
from blogster_cli.content.slugs import slugify
from blogster_cli.file_names import FITTED_HASH_DIGITS
from blogster_cli.planning.times import in_zone, zone_name

CONVENTIONAL_FOLDERS: dict[str, PurePosixPath] = {
    "hugo": PurePosixPath("content/posts"),
    "jekyll": PurePosixPath("_posts"),
    "zola": PurePosixPath("content"),
    "astro": PurePosixPath("src/content/blog"),
    "markdown": PurePosixPath(),
}
# Zola rejects unknown top-level front matter keys; custom ones belong in [extra].
ZOLA_KEYS = frozenset(
    {
        "title",
        "description",
        "date",
        "updated",
        "weight",
        "draft",
        "render",
        "slug",
        "path",
        "aliases",
        "authors",
        "in_search_index",
        "template",
        "taxonomies",
        "extra",
    }
)
# The date texts every target generator reads (Hugo needs the seconds and an upper-case
# T or Z; a space for T is accepted, and is how PyYAML writes a datetime); others are rewritten.
_ISO_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?)?")
_CANONICAL_ORDER = (
    "title",
    "date",
    "pubDate",
    "publishDate",
    "slug",
    "draft",
    "published",
    "tags",
    "categories",
    "description",
    "keywords",
    "image",
)
# Zola's internal links (`[x](@/blog/post.md)`, `[x]: @/post.md`), which no other generator resolves.
_ZOLA_LINK = re.compile(r"\]\([ \t]*<?@/|^ {0,3}\[[^\]\n]*\]:[ \t]*<?@/")
# An old address that is no page of the site (`_unservable`): on another site, or not a path.
_OTHER_SITE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:|//")


@dataclass(frozen=True)
class LeftAsWritten:
    """What a post exported to another dialect still holds that its generator does not read."""

    liquid: str | None = None
    """The first Jekyll Liquid tag or output left as written (shortened), None when there is none."""
    liquid_count: int = 0
    """How many Liquid tags and outputs are left as written, outside code."""
    zola_links: int = 0
    """How many Zola internal links (`@/x.md`) are left as written, outside fenced code."""
    aliases_dropped: int = 0
    """How many old addresses were not carried over, as no page of the site (`_unservable`)."""
    aliases_unlisted: int = 0
    """How many former addresses were not added, the file's aliases not a list (`_listed_aliases`)."""


@dataclass(frozen=True)
class ExportedFile:
    """A post's file: its relative POSIX path, its text, and what it carries over unread."""

    path: str
    text: str
    left: LeftAsWritten = LeftAsWritten()


@dataclass(frozen=True)
class _Move:
    """An address key written for another generator: `old` (the source's key) replaced in place
    by `new`, or removed when `new` is None; `new` added when `old` is None."""

    old: str | None
    new: str | None
    value: Any = None


def export_file(
    post: PostFields,
    content: Mapping[str, Any],
    dialect: Dialect,
    *,
    default_tz: tzinfo = UTC,
    at: str | PurePosixPath | None = None,
    new_folder: PurePosixPath | None = None,
    resolve_liquid: bool = False,
    former: Sequence[tuple[str, datetime]] = (),
    redirects: bool = False,
) -> ExportedFile:
    """`post` exported in `dialect`: its relative POSIX path, its full text, and what it still holds
    that `dialect`'s generator does not read (`LeftAsWritten`), for the export to warn about.

    `content` is the post's `blogs.content` document; `default_tz` is the time zone setting:
    the stored front matter is read in the zone its import read it in (`source_zone`).
    `at` is the path to write it at instead of its own (rule 1): a file the export numbers
    apart from another post's (`x-2.md`), whose text must read back as the post there, so
    it states the slug its name no longer gives (plain markdown too: `_stating_slug`).
    `new_folder` is where an Astro post without a path of its own goes (`conventional_path`).
    With `resolve_liquid`, a post imported from Jekyll has its Liquid site variables resolved for
    another generator (`carried_body`), else its body is written byte for byte (rule 3).
    `former` holds the (slug, publication time) of each address the post had before a rename or a
    new date (`publish.urls.former_addresses`, oldest first): the addresses `dialect`'s generator gave
    it then join its aliases (rule 4); `redirects`: the Jekyll site written to runs jekyll-redirect-from
    (`content.layout.jekyll_redirects`), so a file without `redirect_from` gets one too.
    Front matter nested past the stack of a step that recurses per level (stored before
    `frontmatter.MAX_NESTING` was enforced) is a FrontMatterError of this post, like any other.
    """
    try:
        exported = _render_post(
            post, content, dialect, default_tz=default_tz, at=at, new_folder=new_folder, resolve_liquid=resolve_liquid
        )
        if not former:
            return exported
        return _with_former_aliases(
            exported, post, content, dialect, former, default_tz=default_tz, new_folder=new_folder, redirects=redirects
        )
    except RecursionError:
        raise FrontMatterError(NESTED_TOO_DEEPLY) from None


def _render_post(
    post: PostFields,
    content: Mapping[str, Any],
    dialect: Dialect,
    *,
    default_tz: tzinfo,
    at: str | PurePosixPath | None,
    new_folder: PurePosixPath | None,
    resolve_liquid: bool,
) -> ExportedFile:
    if dialect not in DIALECTS:
        raise ContentError(f"unknown dialect {dialect!r}: use one of {', '.join(DIALECTS)}")
    check_document(content)
    default_tz = source_zone(content, post.date, default_tz)
    front = content["front_matter"]
    source = content["source"]
    source_dialect = source["dialect"] if source is not None else None
    body, left = carried_body(content["markdown"], source_dialect, dialect, resolve_liquid=resolve_liquid)
    source_path = PurePosixPath(source["path"]) if source is not None and source.get("path") else None
    base, metadata = _base_values(front)
    previous = map_metadata(base, body, source_path, source_dialect, default_tz) if source_dialect is not None else None
    if at is not None:
        path = PurePosixPath(at)
    elif previous is not None and source_path is not None and source_dialect == dialect:
        placed = laid_out_path(source, dialect) or source_path
        adjusted = _adjusted_path(placed, post, dialect, previous, default_tz)
        path = PurePosixPath(site_path(adjusted, dialect, collection_base(source, dialect)))
    else:
        path = conventional_path(post, dialect, default_tz, new_folder)
    if at is None:
        path = fitted_path(path)  # a name past 255 bytes cut to fit: its slug is then stated
    if dialect == "markdown":
        return ExportedFile(path.as_posix(), _stating_slug(_markdown_text(post.title, body, path), post, path), left)
    fmt = _format_for(dialect, front["format"], source_dialect)
    raw = front["raw"]
    if raw is None and source_dialect == dialect and not front["fields"]:
        # The file had no front matter: without one it still reads back as the post (a Jekyll
        # post takes its date and slug from its name), so it is written as it was.
        if _matches(map_metadata({}, body, path, dialect, default_tz), post) and not slug_misread(
            None, {}, path, post.slug
        ):
            return ExportedFile(path.as_posix(), body, left)
    moves, dropped = _address_moves(base, content, dialect, path) if source_dialect != dialect else ([], 0)
    left = replace(left, aliases_dropped=dropped) if dropped else left
    if raw is not None and front["format"] == fmt and not moves:
        # raw + body splits back into exactly raw and body, so `base` is what it reads as;
        # in another dialect, with its loose dates rewritten in place (`_with_strict_dates`)
        kept = (raw, base) if source_dialect == dialect else _with_strict_dates(raw, metadata, default_tz)
        if (
            kept is not None
            and _matches(map_metadata(kept[1], body, path, dialect, default_tz), post)
            and not slug_misread(fmt, kept[1], path, post.slug)
            and not _title_unstated(kept[1], dialect, source_dialect)
        ):
            return ExportedFile(path.as_posix(), kept[0] + body, left)
    values = _copy_tree(base) if raw is not None else _canonical_order(_copy_tree(base))
    if dialect != source_dialect:
        _move_addresses(values, moves)
        _convert(values, dialect, default_tz, metadata)
    _update(values, post, body, path, dialect, default_tz)
    if slug_misread(fmt, values, path, post.slug):
        _put(values, SLUG_KEYS[0], post.slug)
    if _title_unstated(values, dialect, source_dialect):
        _put(values, TITLE_KEYS[0], post.title, first=True)
    return ExportedFile(path.as_posix(), dump_front_matter(fmt, values, metadata) + body, left)


def kept_spelling(previous: str, text: str) -> str:
    """`text`, a post's file rendered again, with the front matter of `previous` (the file it
    replaces, as the last sync wrote or read it) edited to read as the front matter of `text`:
    a value both say keeps the text `previous` wrote it in, so a date written at the offset of
    the zone set then stays as it was while it is the same moment (a post written in Blogster
    has no stored front matter to keep it: each render writes its date in the zone set now).
    `text` itself when either has no front matter, or not in one format, or `previous` cannot
    be edited so (then it is written anew, as rendered)."""
    try:
        before, after = split_front_matter(previous), split_front_matter(text)
        if before.format is None or before.format != after.format:
            return text
        kept, wanted = parse_metadata(before), parse_metadata(after)
        # a changed date is spelled as `text` spells it, an unchanged one as `previous` did
        kept = replace(kept, timestamp_texts=kept.timestamp_texts + wanted.timestamp_texts)
        edited = edited_front_matter(after.format, wanted.values, kept)
    except (ContentError, ValueError, RecursionError):
        return text
    return text if edited is None else edited + after.body


def kept_name(
    previous: str, at: str, rendered: str, date: datetime | None, dialect: Dialect, default_tz: tzinfo = UTC
) -> bool:
    """Whether a post's file an earlier export wrote at `at` (its text `previous`) keeps that name
    though export now names it `rendered`: the two names differ only by the day they start with (a
    Jekyll `_posts/2024-05-21-x.md`, its day in the zone set then) and `previous` states the post's
    `date` (what its name's day is taken from), the same moment. `_adjusted_path`'s rule for an
    imported file's name (a date left as it was keeps the name as it was), for a file export wrote:
    after `config set timezone` moved the day, the file is not renamed for a date that did not
    change, as `kept_spelling` keeps its text."""
    kept, wanted = PurePosixPath(at), PurePosixPath(rendered)
    separators = name_date_separators(dialect)
    old, new = dated_name(file_stem(kept), separators), dated_name(file_stem(wanted), separators)
    if kept == wanted or old is None or new is None or date is None:
        return False
    stem = old.text + file_stem(wanted)[len(new.text) :]
    same_name = wanted.parent.parent / stem / wanted.name if is_bundle(wanted) else wanted.parent / _file_name(
        stem, wanted.suffix
    )  # fmt: skip
    if same_name != kept:
        return False
    try:
        split = split_front_matter(previous)
        read = map_metadata(parse_metadata(split).values, split.body, kept, dialect, default_tz)
    except (ContentError, ValueError, RecursionError):
        return False
    return _same_moment(read.date, date)


def slug_misread(fmt: FrontMatterFormat | None, values: dict[Any, Any], path: PurePosixPath, slug: str) -> bool:
    """Whether `blogster import DIR` (no --format, no site config) would read another slug than
    `slug` from the file at `path` with front matter `values` in `fmt` (None: none), in the
    dialect it detects for it (`content.post.detect_dialect`): a name starting with a date, whole
    in Hugo and Astro, loses it read as Jekyll's (YAML front matter: `content/posts/2021-03-04-foo.md`
    is `foo`) or Zola's, and a Zola page's name keeps it read as Hugo's (TOML without `[extra]`,
    `[taxonomies]` or `path`). Export then states the slug (rule 2), which every dialect reads."""
    return read_slug(values, path, detect_dialect(fmt, values, path)) != slug


def source_zone(content: Mapping[str, Any], when: datetime | None, default_tz: tzinfo = UTC) -> tzinfo:
    """The zone to read a post's stored front matter in, so that a date without an offset
    means what it meant at import: the zone import read it in (`source.timezone`), else
    `default_tz` (also for what is no zone's name there: `post.unknown_zone_warning`); for a post
    imported before the zone was recorded (in UTC, then absent), UTC when the stored date reads
    back as the post's date (`when`) in UTC and not in `default_tz`.
    """
    source = content.get("source") or {}
    if source.get("timezone") is not None:
        return imported_zone(content) or default_tz
    if when is None or source.get("date_text") is None or zone_name(default_tz) in ("UTC", "Etc/UTC"):
        return default_tz
    dialect = source.get("dialect")
    if dialect not in DIALECTS:  # WordPress dates are UTC as written (post_date_gmt)
        return default_tz
    path = PurePosixPath(source["path"]) if source.get("path") else None
    fields, body = content["front_matter"]["fields"], content["markdown"]
    try:
        if _same_moment(map_metadata(fields, body, path, dialect, default_tz).date, when):
            return default_tz
        if _same_moment(map_metadata(fields, body, path, dialect, UTC).date, when):
            return UTC
    except (ContentError, ValueError, TypeError):
        pass
    return default_tz


def conventional_path(
    post: PostFields, dialect: Dialect, default_tz: tzinfo = UTC, folder: PurePosixPath | None = None
) -> PurePosixPath:
    """Where `dialect` keeps a post by convention (see rule 1 in the module docstring); for
    Astro, in `folder` when given (the collection an Astro site's content config declares for
    new posts, `content.astro_collections.new_posts_collection`)."""
    prefix = ""
    if dialect == "jekyll":
        if post.date is None:
            raise ContentError("a Jekyll post needs a date for its file name")
        prefix = f"{local_day(post.date, default_tz).isoformat()}-"
    where = folder if dialect == "astro" and folder is not None else CONVENTIONAL_FOLDERS[dialect]
    named = [where / _file_name(prefix + post.slug, ".md")]
    if dialect in TRANSLATION_DIALECTS and not post.slug.lower().endswith(MARKDOWN_SUFFIXES):
        named.append(where / post.slug / "index.md")  # a bundle, as sync writes one; no `x.md/`: post x's file
    safe = next((path for path in named if _reads_back(path, dialect)), None) if _file_safe(post.slug) else None
    if safe is not None:
        return safe
    generated = slugify(post.slug)
    path = where / _file_name(prefix + generated, ".md")
    if _reads_back(path, dialect):
        return path
    digest = hashlib.sha256(post.slug.encode()).hexdigest()[:FITTED_HASH_DIGITS]
    return where / _file_name(f"{prefix}{generated}-{digest}", ".md")


# The folders each dialect's layout starts at (`site_path`); Jekyll's: `_posts/` or `_drafts/`.
_LAYOUT_MARKERS: dict[str, tuple[str, ...]] = {"hugo": ("content",), "zola": ("content",), "astro": ("src", "content")}
_JEKYLL_FOLDERS = ("_posts", "_drafts")


def site_path(path: str | PurePosixPath, dialect: Dialect, base: PurePosixPath | None = None) -> str:
    """`path` placed in the layout `dialect` builds from (rule 1): Jekyll posts under
    `_posts/`, Hugo and Zola pages under `content/`, Astro entries under `src/content/`, or
    under the folder of the Astro collection they came from (`base`, `collection_base`).

    A path already inside that layout keeps its place from the layout folder on (a site
    imported from its parent folder, `jekyll/_posts/x.md` or `hugo/content/x.md`, comes back
    at the export folder's root); a path from
    a flat folder (or from inside `content/`) is put below the layout folder.
    """
    pure = PurePosixPath(path)
    parts = pure.parts
    if dialect == "jekyll":
        # From the first `_posts/` or `_drafts/` on, as `content.layout.site_key` counts a site's
        # paths: `jekyll/_posts/x.md` (the site imported from its parent folder) is `_posts/x.md`.
        start = next((index for index, part in enumerate(parts[:-1]) if part in _JEKYLL_FOLDERS), None)
        if start is None:
            return (CONVENTIONAL_FOLDERS["jekyll"] / pure).as_posix()
        return PurePosixPath(*parts[start:]).as_posix()
    if dialect == "astro" and base is not None:
        start = _start_of(parts, base.parts)
        if start is not None:
            return PurePosixPath(*parts[start:]).as_posix()
    marker = _LAYOUT_MARKERS.get(dialect)
    if marker is None:
        return pure.as_posix()
    start = _start_of(parts, marker)
    if start is not None:
        return PurePosixPath(*parts[start:]).as_posix()
    root = PurePosixPath("content") if dialect != "astro" else CONVENTIONAL_FOLDERS["astro"]
    return (root / pure).as_posix()


def _start_of(parts: tuple[str, ...], folders: tuple[str, ...]) -> int | None:
    """Where the folders `folders` first follow each other among the folders of `parts`, else None."""
    for start in range(len(parts) - len(folders)):
        if parts[start : start + len(folders)] == folders:
            return start
    return None


def collection_base(source: Mapping[str, Any], dialect: str) -> PurePosixPath | None:
    """The folder (from the site's root) of the Astro collection an imported post was an entry
    of (`collection_base`, `content.astro_collections`), for an Astro export; else None."""
    from blogster_cli.content.files import safe_relative

    base = source.get("collection_base")
    return safe_relative(base) if dialect == "astro" and isinstance(base, str) else None


def laid_out_path(source: Mapping[str, Any], dialect: str) -> PurePosixPath | None:
    """The stored path that places an imported post in `dialect`'s layout (`site_path`): its
    `layout_path`, the path as its site lays it out, when import kept one (a folder inside the
    site's layout was imported: `blog/x.md` from Astro's `src/content/` is
    `src/content/blog/x.md`, `x.md` from Hugo's `content/posts/` is `content/posts/x.md`), else
    its source path; None without one. The source path alone cannot say which folder it counts
    from (`blog/x.md` from `src/content/`, or from a collection's folder holding a `blog/`).
    A layout path is read only when it starts at `dialect`'s own layout folder (not for plain
    markdown, which has none, nor Astro's `content/` outside `src/`), or, for an entry of an
    Astro collection, holds its folder (`collection_base`), and is a safe relative path
    ending with the source path (import never stores another)."""
    from blogster_cli.content.files import safe_relative

    stored = source.get("path")
    if not isinstance(stored, str) or not stored:
        return None
    path = PurePosixPath(stored)
    laid = source.get("layout_path")
    shape = safe_relative(laid) if isinstance(laid, str) else None
    base = collection_base(source, dialect)
    if base is not None:
        ends = shape is not None and shape.parts[-len(path.parts) :] == path.parts[-len(shape.parts) :]
        if shape is not None and ends and _start_of(shape.parts, base.parts) is not None:
            return shape
    if shape is None or len(shape.parts) <= len(path.parts) or shape.parts[-len(path.parts) :] != path.parts:
        return path
    if dialect == "jekyll":
        own = shape.parts[0] in _JEKYLL_FOLDERS
    else:
        marker = _LAYOUT_MARKERS.get(dialect)
        own = marker is not None and shape.parts[: len(marker)] == marker
    return shape if own else path


def _file_name(stem: str, suffix: str) -> str:
    """`stem + suffix`, or a bundle `stem/index.md` when the stem itself names a bundle index."""
    return f"{stem}/index{suffix}" if stem in BUNDLE_INDEX_STEMS else stem + suffix


def _file_safe(slug: str) -> bool:
    return bool(slug) and slug not in (".", "..") and not any(char in slug for char in "/\\\x00")


# The dialects whose files import may read as a translation by their name (`content.post.translation_of`);
# plain markdown's too: a file of it with front matter (a slug it states) reads as Hugo's.
_TRANSLATED_NAMES = (*TRANSLATION_DIALECTS, "markdown")


def _reads_back(path: PurePosixPath, dialect: Dialect) -> bool:
    """Whether `blogster import` of the export folder reads the file export writes at `path` as a
    post: not a hidden file or folder (`.x.md`: skipped unseen), nor a section's index (`_index.fr.md`),
    nor, where translations are read (`_TRANSLATED_NAMES`), named as one (`node.js.md`, `x.md.md`:
    skipped when `node.md`, `x.md` are beside it), nor, at the folder's top in plain markdown, a
    repository's own file (`README.md`). A name it would skip is not used (rule 1)."""
    stem = path.stem
    return (
        not any(part.startswith(".") for part in path.parts)
        and not is_section_index(path.name)
        and not (dialect in _TRANSLATED_NAMES and not is_bundle(path) and names_translation(stem))
        and not (dialect == "markdown" and len(path.parts) == 1 and stem.lower() in REPOSITORY_FILE_STEMS)
    )


def _adjusted_path(
    path: PurePosixPath, post: PostFields, dialect: Dialect, previous: MappedPost, default_tz: tzinfo
) -> PurePosixPath:
    """The original path, with a file-name slug or date replaced by the current one: a slug the
    name gave, and a date the name carries once the post's date is no longer the one the file
    stated (in its name or its front matter, which Jekyll reads first): the name and the `date`
    key written then agree, and a date left as it was keeps the name as it was."""
    if dialect == "jekyll" and "_drafts" in path.parts and post.status in ("published", "scheduled"):
        return conventional_path(post, dialect, default_tz)
    stem = file_stem(path)
    dated = dated_name(stem, name_date_separators(dialect))

    def named(slug_part: str) -> PurePosixPath:
        new_stem = slug_part
        if dated is not None:
            day_text = dated.text
            if post.date is not None and previous.date is not None and not _same_moment(previous.date, post.date):
                day_text = local_day(post.date, default_tz).isoformat()
            new_stem = day_text + stem[len(dated.text)] + slug_part
        if new_stem == stem:
            return path
        if is_bundle(path):
            return path.parent.parent / new_stem / path.name
        return path.parent / _file_name(new_stem, path.suffix)

    if previous.slug_origin == "file_name" and post.slug != previous.slug and _file_safe(post.slug):
        renamed = named(post.slug)
        if _reads_back(renamed, dialect):
            return renamed
    return named(dated.rest if dated is not None else stem)


def _format_for(dialect: Dialect, source_format: str | None, source_dialect: str | None) -> FrontMatterFormat:
    """Zola's own is TOML, but it reads YAML too: a Zola file written in YAML stays YAML."""
    if dialect == "zola":
        return "yaml" if source_dialect == "zola" and source_format == "yaml" else "toml"
    if dialect == "hugo" and source_format in ("toml", "json"):
        return source_format  # type: ignore[return-value]
    return "yaml"


def _base_values(front: Mapping[str, Any]) -> tuple[dict[Any, Any], Metadata | None]:
    """The front matter to start from: `raw` parsed, else `fields`."""
    if front["raw"] is not None:
        fmt, metadata = parse_raw(front["raw"])
        if fmt != front["format"]:
            raise FrontMatterError(f"stored front matter is {fmt}, not {front['format']}")
        return metadata.values, metadata
    return front["fields"], None


def _copy_tree(value: Any) -> Any:
    """Copy mappings and lists, sharing leaves: parsed dates keep their identity (and text)."""
    if isinstance(value, Mapping):
        return {key: _copy_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy_tree(item) for item in value]
    return value


def _same_moment(first: datetime | None, second: datetime | None) -> bool:
    return first == second if first is not None and second is not None else first is second


def _matches(read: MappedPost, post: PostFields | MappedPost) -> bool:
    """Whether the reading `read` of a file says the post `post`: the post's own columns, or another
    reading (categories count as tags; an empty field as none)."""
    tags = post.all_tags if isinstance(post, MappedPost) else post.tags
    return (
        read.title == post.title
        and read.slug == post.slug
        and read.status == post.status
        and _same_moment(read.date, post.date)
        and set(read.all_tags) == set(tags)
        and (read.meta_description or None) == (post.meta_description or None)
        and (read.meta_keywords or None) == (post.meta_keywords or None)
        and (read.featured_image or None) == (post.featured_image or None)
    )


def _title_unstated(values: Mapping[Any, Any], dialect: Dialect, source_dialect: str | None) -> bool:
    """Whether a file in `dialect` holding front matter `values` would leave its generator
    without the post's title: no `title` key, in an export to another dialect than the post's
    source (or of a post written in Blogster). Import reads a title from the body's first
    `# heading` or the file name, Hugo, Zola, Astro and Jekyll do not (a page without a
    title); a file exported to its own dialect keeps its bytes, as its site had it."""
    return dialect != "markdown" and dialect != source_dialect and find_key([values], TITLE_KEYS) is None


def _canonical_order(values: dict[Any, Any]) -> dict[Any, Any]:
    """Known keys first in a fixed order, then the rest by name (jsonb keeps no order)."""
    known = [key for key in _CANONICAL_ORDER if key in values]
    rest = sorted((key for key in values if key not in _CANONICAL_ORDER), key=str)
    return {key: values[key] for key in [*known, *rest]}


def _existing_key(container: Mapping[Any, Any], name: str) -> str | None:
    """The key spelling `name` case-insensitively, present or empty."""
    return next((key for key in container if isinstance(key, str) and key.lower() == name.lower()), None)


def _rename(container: dict[Any, Any], old: str, new: str, value: Any) -> None:
    """Replace key `old` by `new` (holding `value`) at the same position."""
    items = [(new, value) if key == old else (key, item) for key, item in container.items()]
    container.clear()
    container.update(items)


def _put(container: MutableMapping[Any, Any], name: str, value: Any, first: bool = False) -> None:
    """Set `name` (reusing a key spelled differently or left empty), adding it if missing."""
    key = _existing_key(container, name)
    if key is not None:
        container[key] = value
    elif first and isinstance(container, dict):
        items = [(name, value), *container.items()]
        container.clear()
        container.update(items)
    else:
        container[name] = value


def _delete_all(values: dict[Any, Any], names: tuple[str, ...], containers: tuple[str, ...]) -> None:
    for container in tables(values, containers):
        for name in names:
            key = _existing_key(container, name)
            if key is not None:
                del container[key]  # type: ignore[attr-defined]


def _table(values: dict[Any, Any], name: str) -> dict[Any, Any]:
    """The table `values[name]`, created when missing."""
    table = values.get(name)
    if not isinstance(table, dict):
        table = values[name] = {}
    return table


def carried_body(
    markdown: str, source_dialect: str | None, dialect: Dialect, *, resolve_liquid: bool = True
) -> tuple[str, LeftAsWritten]:
    """A post's body as `dialect`'s generator should get it, and what it still holds that that
    generator does not read. Jekyll ran Liquid over it: exported elsewhere (`resolve_liquid`), its
    site variables become the site's root, as `site build` reads them (`content.liquid`: `{{
    site.baseurl }}/assets/a.jpg` is `/assets/a.jpg`, as Jekyll built it with an empty `baseurl`),
    and the other Liquid, shown as text there, is counted; Zola's internal links (`@/x.md`) are counted."""
    if source_dialect == dialect:
        return markdown, LeftAsWritten()
    if source_dialect == "jekyll" and resolve_liquid:
        from blogster_cli.content.liquid import for_readers

        shown = for_readers(source_dialect, markdown, base="")
        count = 0 if shown.leftover is None else shown.more + 1
        return shown.markdown, LeftAsWritten(liquid=shown.leftover, liquid_count=count)
    if source_dialect == "zola" and "@/" in markdown:
        return markdown, LeftAsWritten(zola_links=_zola_links(markdown))
    return markdown, LeftAsWritten()


def _zola_links(markdown: str) -> int:
    """How many Zola internal links `markdown` holds outside fenced code."""
    from blogster_cli.content import fences

    lines = fences.split_lines(markdown)
    return sum(
        len(_ZOLA_LINK.findall(line))
        for line, part in zip(lines, fences.parts(lines), strict=True)
        if part is fences.Part.TEXT
    )


def _address_moves(
    values: Mapping[Any, Any], content: Mapping[str, Any], dialect: Dialect, path: PurePosixPath
) -> tuple[list[_Move], int]:
    """Where a post exported to another dialect keeps its old addresses, so that they still lead
    to it: the keys of `dialect` (`publish.urls.ADDRESS_FIELDS`: Hugo `url` and `aliases`, Jekyll
    `permalink` and `redirect_from`), each former address written from the site's root (`/x/`:
    Hugo reads an alias without the `/` from the page's folder). Zola gets them all as `aliases`
    (its `path` would also set the slug). The addresses are the one the front matter names (Hugo
    `url`, Jekyll `permalink`, a pattern of one worked out, Zola `path`), its aliases, and,
    where it names none, the one its generator gave it (`publish.urls.generated_address`: not one
    its author forgot; for Jekyll, only
    when import read the site's permalink style; not for a file that keeps its place,
    `_kept_place`) or WordPress's `link`; none the page has in `dialect`, nor one that is no page
    of the site (`_unservable`), which are counted. Astro's routes are the site's code: only a Zola
    `path` is respelled there, as `permalink`. With each address read once (100,000 aliases)."""
    from blogster_cli.publish.urls import ADDRESS_FIELDS, alias_from_root, generated_address

    source_dialect = (content["source"] or {}).get("dialect")
    if dialect == "astro":
        found = _existing_key(values, "path") if source_dialect == "zola" else None
        if found is None or not isinstance(values[found], str):
            return [], 0
        return [_Move(found, "permalink", "/" + values[found].strip("/") + "/")], 0
    if dialect not in ADDRESS_FIELDS:
        return [], 0
    document = _address_document(content)
    url_key, url, alias_key, aliases = _old_addresses(values, source_dialect, document)
    if source_dialect == "wordpress":
        link_key = _existing_key(values, "link")
        link = values[link_key] if link_key is not None else None
        aliases.append(alias_from_root(link, source_dialect, None) if isinstance(link, str) else None)
    elif url is None and source_dialect in ADDRESS_FIELDS and not _kept_place(document, path):
        if source_dialect != "jekyll" or document.get("site_permalink"):
            aliases.append(generated_address(document))
    url = _as_served(url, source_dialect, dialect, hugo_url=True)
    aliases = [_as_served(alias, source_dialect, dialect) for alias in aliases]
    new_url: str | None = ADDRESS_FIELDS[dialect][0] if dialect != "zola" else None
    moves = []
    own = None
    if url_key is not None and new_url is not None and _existing_key(values, new_url) is None:
        moves.append(_Move(url_key, new_url, url))
        own = url
    elif url_key is not None and dialect == "zola":
        moves.append(_Move(url_key, None))
        aliases.insert(0, url)
    own = own or (_default_address(dialect, path, values) if aliases else None)
    kept: list[Any] = []
    seen: set[Any] = set()  # `kept`'s, to find one in it at once (`_seen_key`)
    dropped = 0
    for alias in aliases:
        if alias is None or _seen_key(alias) in seen:
            continue
        seen.add(_seen_key(alias))
        if _unservable(alias, dialect):
            dropped += 1
        elif own is None or not _same_address(alias, own):
            kept.append(alias)
    if dialect == "zola":  # paths, as its own `path` is written
        kept = [alias.lstrip("/") if isinstance(alias, str) else alias for alias in kept]
    if alias_key is not None or kept:
        moves.append(_Move(alias_key, ADDRESS_FIELDS[dialect][1], kept))
    return moves, dropped


def _as_served(address: Any, source_dialect: str | None, dialect: Dialect, *, hugo_url: bool = False) -> Any:
    """`address` (from the site's root) spelled so that `dialect`'s generator writes it at the file
    `source_dialect`'s did, the same public URL. Jekyll adds `.html` to an address that ends with
    neither `/` nor an extension (`permalink: /about` and `redirect_from: /old` are `about.html` and
    `old.html`; `/feed.xml` is `feed.xml`, the extension its output's), where Hugo and Zola write a
    folder (`about/index.html`); and they write an alias not ending with `.html`, or a Hugo `url`
    without an extension, as a folder (`/old` is `old/index.html`), which Jekyll writes so only from
    `/old/`. Other addresses are left as written (an alias Jekyll wrote as `old.xml` is Hugo's and
    Zola's folder `old.xml/`, which a web server sends `/old.xml` on to)."""
    if not isinstance(address, str) or address.endswith("/") or _OTHER_SITE.match(address):
        return address
    if source_dialect == "jekyll":  # exported to Hugo or Zola
        return address if _extension(address) else address + ".html"
    if dialect == "jekyll" and source_dialect in ("hugo", "zola"):
        named = _extension(address) if hugo_url else address.endswith(".html")
        return address if named else address + "/"
    return address


def _extension(address: str) -> str:
    """The extension of the address's last part (`.xml`; '' for `/about` or `/.well-known`)."""
    return posixpath.splitext(posixpath.basename(address))[1]


def _seen_key(alias: Any) -> Any:
    """`alias` as a set holds it: itself (a string), else its repr (a YAML list or table is unhashable)."""
    return alias if isinstance(alias, str) else ("", repr(alias))


def _unservable(alias: Any, dialect: Dialect) -> bool:
    """Whether `alias` (from the site's root) is no page `dialect`'s generator can make: one with a
    control character (a WordPress `link`'s `%0A`, decoded) is no path, and an address on another
    site (`https://…`, `//…`) is none that Hugo (which fails the whole build on it: "http* aliases
    not supported") or Zola makes. Jekyll's `redirect_from` is left as written."""
    if not isinstance(alias, str):
        return False
    return CONTROL_CHARACTER.search(alias) is not None or (
        dialect in ("hugo", "zola") and _OTHER_SITE.match(alias) is not None
    )


def _kept_place(document: Mapping[str, Any], path: PurePosixPath) -> bool:
    """Whether the export writes the post where its site had it (`content/x.md`, a Zola file Blogster
    wrote read back as Hugo's): the two generators' addresses for it differ only in how they spell
    a name (`/x.y/`, `/x-y/`), so the old one is not kept as an alias."""
    from blogster_cli.content.layout import site_key

    place = document.get("layout_path") or document.get("source_path")
    return isinstance(place, str) and site_key(place) == site_key(path.as_posix())


def _address_document(content: Mapping[str, Any]) -> dict[str, Any]:
    """The post as `publish.former_urls` reads it (`repositories.site.ADDRESS_FIELDS`)."""
    source = content["source"] or {}
    fields = content["front_matter"]["fields"]
    document = {key: fields.get(key) for key in ("slug", "date", "title", "categories", "category")}
    return document | {
        "dialect": source.get("dialect"),
        "source_path": source.get("path"),
        "layout_path": source.get("layout_path"),
        "site_permalink": source.get("site_permalink"),
        "forgotten_addresses": source.get("forgotten_addresses"),
    }


def _old_addresses(
    values: Mapping[Any, Any], source_dialect: str | None, document: dict[str, Any]
) -> tuple[str | None, str | None, str | None, list[Any]]:
    """(the key naming the post's address, that address from the site's root, the key of its
    aliases, those aliases from the site's root) in the front matter of `source_dialect`."""
    from blogster_cli.publish.urls import ADDRESS_FIELDS, alias_from_root

    if source_dialect not in ADDRESS_FIELDS or source_dialect == "wordpress":  # its `link` stays: `_address_moves`
        return None, None, None, []
    url_name, aliases_name = ADDRESS_FIELDS[source_dialect]
    url_key = _existing_key(values, url_name) if url_name is not None else None
    url = values[url_key] if url_key is not None else None
    if not isinstance(url, str) or not url.strip() or "://" in url:
        url_key = url = None
    elif source_dialect == "zola":
        url = "/" + url.strip("/") + "/"
    elif source_dialect == "jekyll" and ":" in url:  # a pattern: `/:year/:title/`
        from blogster_cli.publish.former_urls import former_address

        url = former_address(document | {"site_permalink": url})
        url_key = url_key if url is not None else None
    else:
        url = "/" + url.strip().lstrip("/")
    alias_key = _existing_key(values, aliases_name)
    written = values[alias_key] if alias_key is not None else []
    listed = written if isinstance(written, list) else [written]
    page = url
    if source_dialect == "hugo" and page is None and any(isinstance(a, str) and a[:1] != "/" for a in listed):
        from blogster_cli.publish.former_urls import former_address

        page = former_address(document)
    return url_key, url, alias_key, [alias_from_root(alias, source_dialect, page) for alias in listed]


def _default_address(dialect: Dialect, path: PurePosixPath, values: Mapping[Any, Any]) -> str | None:
    """The address `dialect`'s generator gives the file at `path` by default, as far as it is known."""
    from blogster_cli.publish.former_urls import former_address

    slug_key = _existing_key(values, SLUG_KEYS[0])
    slug = values[slug_key] if slug_key is not None else None
    return former_address({"dialect": dialect, "source_path": path.as_posix(), "slug": slug})


def _same_address(first: Any, second: str) -> bool:
    """Whether two addresses from the site's root are one page (`/x` is `/x/`)."""
    from blogster_cli.publish.urls import clean_path

    if not isinstance(first, str):
        return False
    return first == second or (clean_path(first) or first) == (clean_path(second) or second)


def _move_addresses(values: dict[Any, Any], moves: list[_Move]) -> None:
    """Write `moves` (`_address_moves`): aliases join a list of them already under the new key."""
    for move in moves:
        there = _existing_key(values, move.new) if move.new is not None else None
        if move.new is None and move.old is not None:
            del values[move.old]
        elif there is not None and there != move.old:
            before = values[there] if isinstance(values[there], list) else [values[there]]
            listed = {_seen_key(alias) for alias in before}
            values[there] = before + [alias for alias in move.value if _seen_key(alias) not in listed]
            if move.old is not None:
                del values[move.old]
        elif move.old is not None and move.new is not None:
            _rename(values, move.old, move.new, move.value)
        elif move.new is not None:
            values[move.new] = move.value


# The dialects whose generator redirects a page's former addresses listed in its front matter
# (`publish.urls.ADDRESS_FIELDS`: Hugo's and Zola's `aliases`, Jekyll's `redirect_from`).
_ALIASED_DIALECTS = ("hugo", "zola", "jekyll")


def _with_former_aliases(
    exported: ExportedFile,
    post: PostFields,
    content: Mapping[str, Any],
    dialect: Dialect,
    former: Sequence[tuple[str, datetime]],
    *,
    default_tz: tzinfo,
    new_folder: PurePosixPath | None,
    redirects: bool = False,
) -> ExportedFile:
    """`exported` with the addresses its generator gave the post under each `former` slug and date
    added to its aliases (rule 4), or itself when it already lists them all. A Jekyll file gets
    them only where its front matter already has `redirect_from` or its site runs the plugin reading
    it (`redirects`: the site's choice); a file whose own address is not known gets none (each might be it)."""
    from blogster_cli.publish.urls import ADDRESS_FIELDS, alias_from_root, clean_path

    if dialect not in _ALIASED_DIALECTS:
        return exported
    try:
        split = split_front_matter(exported.text)
        metadata = parse_metadata(split) if split.format is not None else None
    except ContentError:
        return exported
    values = metadata.values if metadata is not None else {}
    alias_name = ADDRESS_FIELDS[dialect][1]
    alias_key = _existing_key(values, alias_name)
    source = content["source"] or {}
    own = _served_address(exported.path, values, dialect, post.date, source, default_tz)
    if own is None or (dialect == "jekyll" and alias_key is None and not redirects):
        return exported
    listed = _listed_aliases(values[alias_key] if alias_key is not None else None)
    forgotten = source.get("forgotten_addresses")  # by `posts addresses --forget`: not brought back
    known = [own, *(alias_from_root(alias, dialect, own) for alias in listed or ())]
    known += forgotten if isinstance(forgotten, list) else []
    taken = {clean_path(address) for address in known if isinstance(address, str)}
    added: list[str] = []
    for slug, published_at in former:
        then = replace(post, slug=slug, published_at=published_at, status="published")
        try:
            old = _render_post(
                then, content, dialect, default_tz=default_tz, at=None, new_folder=new_folder, resolve_liquid=False
            )
            old_split = split_front_matter(old.text)
            old_values = parse_metadata(old_split).values if old_split.format is not None else {}
        except ContentError:
            continue
        address = _served_address(old.path, old_values, dialect, then.date, source, default_tz)
        path = clean_path(address) if address is not None else None
        if address is not None and path is not None and path not in taken:
            taken.add(path)
            added.append(address.lstrip("/") if dialect == "zola" else address)
    if not added:
        return exported
    if listed is None:  # a number, a table, a list holding other than text: left as written, said
        return replace(exported, left=replace(exported.left, aliases_unlisted=len(added)))
    fmt = split.format or _format_for(dialect, None, None)
    aliased = {**values, alias_key or alias_name: [*listed, *added] if alias_key is not None else added}
    at = PurePosixPath(exported.path)
    if split.format is None and not _matches(
        map_metadata(values, split.body, at, dialect, default_tz),
        map_metadata(aliased, split.body, at, dialect, default_tz),
    ):
        return exported  # front matter of its own would make the file read as another post
    return replace(exported, text=dump_front_matter(fmt, aliased, metadata) + split.body)


def _listed_aliases(written: object) -> list[str] | None:
    """The addresses an `aliases` (`redirect_from`) value lists, to add to: none for null or an empty
    value (replaced by the list), a single address first; None for any other shape (a number, a
    table, a list holding other than text), which the file keeps as written, nothing added to it
    (its generator would fail on it, or read it in a way of its own)."""
    if written is None or written == "" or written == []:
        return []
    if isinstance(written, str):
        return [written]
    if isinstance(written, list) and all(isinstance(alias, str) for alias in written):
        return list(written)
    return None


def _served_address(
    path: str,
    values: Mapping[Any, Any],
    dialect: Dialect,
    when: datetime | None,
    source: Mapping[str, Any],
    default_tz: tzinfo,
) -> str | None:
    """Where `dialect`'s generator serves the file at `path` with front matter `values` for a post
    dated `when`, from the site's root (`publish.urls.page_address`: the address its front matter
    names, else the one the file's place gives it, in the site's permalink pattern when import read
    one); None when unknown."""
    from blogster_cli.publish.urls import ADDRESS_FIELDS, page_address

    url_name, _ = ADDRESS_FIELDS[dialect]
    document: dict[str, Any] = {
        name: values[key]
        for name in (url_name, "slug", "title", "categories", "category")
        if name is not None and (key := _existing_key(values, name)) is not None
    }
    pattern = source.get("site_permalink") if source.get("dialect") == dialect else None
    url = document.get(url_name) if url_name is not None else None
    if dialect == "jekyll" and isinstance(url, str) and ":" in url:  # a pattern: `/:year/:title/`
        pattern = url
    document |= {
        "dialect": dialect,
        "source_path": path,
        "date": local_day(when, default_tz).isoformat() if when is not None else None,
        "site_permalink": pattern,
    }
    return page_address(document)


def _convert(values: dict[Any, Any], dialect: Dialect, default_tz: tzinfo, metadata: Metadata | None) -> None:
    """Respell keys for `dialect` when exporting a post imported from another one.

    A date written loosely (`June 16, 2021`, `2016-07-19 (optional)`, `2017-11-8`) is
    written as the date it reads as (`_strict_dates`): the generators read only ISO 8601.
    """
    taxonomies = values.get(TAXONOMY_TABLE)
    if dialect != "zola" and isinstance(taxonomies, dict):
        for key in list(taxonomies):
            if key.lower() in (*TAG_KEYS, *CATEGORY_KEYS) and _existing_key(values, key) is None:
                values[key] = taxonomies.pop(key)
        if not taxonomies:
            del values[TAXONOMY_TABLE]
    preferred_date = new_date_key(dialect)
    if _existing_key(values, preferred_date) is None:
        other = next((key for name in ALL_DATE_KEYS if (key := _existing_key(values, name))), None)
        if other is not None:
            _rename(values, other, preferred_date, values[other])
    dated = _existing_key(values, PUBLISHED_KEYS[0])
    if dated is not None and holds_date(values[dated]) and PUBLISHED_KEYS[0] not in DATE_KEYS.get(dialect, ()):
        # Hugo's `published: DATE` is a date to it, a status to Jekyll (any value but false builds the
        # page): the dialect's own date key holds it, and the status goes where the dialect reads it.
        if _existing_key(values, preferred_date) is None:
            _rename(values, dated, preferred_date, values[dated])
        else:
            del values[dated]
    if dialect == "jekyll":
        status_from, status_to = DRAFT_KEYS[0], PUBLISHED_KEYS[0]
    else:
        status_from, status_to = PUBLISHED_KEYS[0], DRAFT_KEYS[0]
    old_status = _existing_key(values, status_from)
    flag = truthy(values[old_status]) if old_status is not None else None
    if old_status is not None and flag is not None and _existing_key(values, status_to) is None:
        _rename(values, old_status, status_to, not flag)
    _strict_dates(values, metadata, default_tz)
    if dialect == "zola":
        _convert_to_zola(values, default_tz)
    else:
        _convert_from_zola(values, dialect)


def _date_text(value: Any, metadata: Metadata | None) -> str | None:
    """The text a date value is written as: a string as it is, a YAML timestamp's original
    text; None for a date without text of its own (TOML's), written in ISO 8601 anyway."""
    if isinstance(value, str):
        return value
    if isinstance(value, date) and metadata is not None:
        return metadata.text_of(value)
    return None


def _loose_date_keys(values: Mapping[Any, Any], metadata: Metadata | None) -> list[str]:
    """The date keys (`ALL_DATE_KEYS`) whose text is not an ISO 8601 date or date-time, which
    Hugo (Go layouts), Astro (`z.coerce.date()`), Jekyll and Zola all read alike."""
    keys = (_existing_key(values, name) for name in ALL_DATE_KEYS)
    return [
        key
        for key in keys
        if key is not None
        and (text := _date_text(values[key], metadata)) is not None
        and _ISO_DATE_TEXT.fullmatch(text) is None
    ]


def _with_strict_dates(raw: str, metadata: Metadata | None, default_tz: tzinfo) -> tuple[str, dict[Any, Any]] | None:
    """`raw` and its values with each loose date (`_strict_dates`) rewritten in its own line
    and nothing else, so that only that line differs from the source; None when that cannot
    be done exactly (the rewritten block must read as `_strict_dates` writes the values).
    """
    if metadata is None:
        return None
    values = metadata.values
    loose = _loose_date_keys(values, metadata)
    if not loose:
        return raw, values
    wanted = _copy_tree(values)
    _strict_dates(wanted, metadata, default_tz)
    fmt = split_front_matter(raw).format
    text = raw
    for key in loose:
        new = wanted[key]
        if not isinstance(new, date) or fmt is None:
            return None
        value = re.escape(_date_text(values[key], metadata) or "")
        pattern = {
            "yaml": rf"^{re.escape(key)}[ \t]*:[ \t]*(?P<value>'{value}'|\"{value}\"|{value})[ \t]*\r?$",
            "toml": rf"^{re.escape(key)}[ \t]*=[ \t]*(?P<value>'{value}'|\"{value}\")[ \t]*\r?$",
            "json": rf"\"{re.escape(key)}\"\s*:\s*(?P<value>\"{value}\")",
        }[fmt]
        found = list(re.finditer(pattern, text, re.MULTILINE))
        if len(found) != 1:
            return None
        spelled = new.isoformat(" ") if fmt == "yaml" and isinstance(new, datetime) else new.isoformat()
        start, end = found[0].span("value")
        text = text[:start] + (f'"{spelled}"' if fmt == "json" else spelled) + text[end:]
    try:
        rewritten = parse_raw(text)[1].values
    except ContentError:
        return None
    if fmt == "json":
        wanted = json_safe(wanted)
    return (text, rewritten) if rewritten == wanted else None


def _strict_dates(values: dict[Any, Any], metadata: Metadata | None, default_tz: tzinfo) -> None:
    """Write each loosely written date (`_loose_date_keys`) as the moment Blogster reads it
    as, in the form the exporter writes dates (`_written_date`); one it cannot read stays."""
    for key in _loose_date_keys(values, metadata):
        try:
            moment = parse_date(values[key], default_tz)
        except DateParseError:
            continue
        values[key] = _written_date(moment, default_tz)


def _convert_from_zola(values: dict[Any, Any], dialect: Dialect) -> None:
    """Zola's `[extra]` would make the file read back as Zola: Hugo keeps custom fields under
    `params`, the other dialects at the top level. (Its `path`: `_address_moves`.)"""
    extra = values.pop("extra", None)
    if isinstance(extra, dict):
        target = _table(values, "params") if dialect == "hugo" else values
        for key, value in extra.items():
            target.setdefault(key, value)


def _convert_to_zola(values: dict[Any, Any], default_tz: tzinfo) -> None:
    date_key = _existing_key(values, "date")
    if date_key is not None and isinstance(values[date_key], str):
        values[date_key] = _written_date(parse_date(values[date_key], default_tz), default_tz)
    for key in list(values):
        if key in (*TAG_KEYS, *CATEGORY_KEYS):
            _table(values, TAXONOMY_TABLE)[key] = values.pop(key)
        elif key not in ZOLA_KEYS:
            _table(values, "extra")[key] = values.pop(key)


def _written_date(moment: datetime, default_tz: tzinfo) -> date | datetime:
    """A date read from text, to write: `_date_value`, but one written with an offset or zone
    of its own keeps it (`2024-01-08 21:00 EST` is `2024-01-08 21:00:00-05:00`), the day and
    time its author wrote."""
    offset = moment.utcoffset()
    if moment.tzinfo is default_tz or offset is None:
        return _date_value(moment, default_tz)
    return moment.astimezone(timezone(offset))


def _date_value(moment: datetime, default_tz: tzinfo) -> date | datetime:
    """A date when `moment` is midnight in `default_tz` (the zone the post's dates are read in,
    `source_zone`, where import reads it back the same after `config set timezone`), else the datetime."""
    local = in_zone(moment, default_tz)
    return local.date() if local.timetz().replace(tzinfo=None) == time() else local


def _update(
    values: dict[Any, Any],
    post: PostFields,
    body: str,
    path: PurePosixPath,
    dialect: Dialect,
    default_tz: tzinfo,
) -> None:
    """Change, in place, exactly the fields that do not read back as the post's values.
    `values` is read again (`map_metadata`) only after a change."""

    def read() -> MappedPost:
        return map_metadata(values, body, path, dialect, default_tz)

    current = read()
    if current.title != post.title:
        _put(values, TITLE_KEYS[0], post.title, first=True)
        current = read()
    if not _same_moment(current.date, post.date):
        _update_date(values, post, dialect, default_tz)
        current = read()
        if not _same_moment(current.date, post.date) and post.date is not None:
            _put(values, new_date_key(dialect), _date_value(post.date, default_tz))
            current = read()
    if current.slug != post.slug:
        _update_slug(values, post, dialect)
        current = read()
    if current.status != post.status:
        _update_status(values, post, dialect, current.expiry)
        current = read()
    if set(current.all_tags) != set(post.tags):
        _update_terms(values, post, current, dialect)
    if (current.meta_description or None) != (post.meta_description or None):
        _update_text(values, DESCRIPTION_KEYS, post.meta_description, values)
    if (current.meta_keywords or None) != (post.meta_keywords or None):
        home = _table(values, "extra") if dialect == "zola" and post.meta_keywords else values
        _update_text(values, KEYWORD_KEYS, _keywords_value(values, post.meta_keywords), home)
    if (current.featured_image or None) != (post.featured_image or None):
        _update_image(values, post.featured_image, dialect)


def _update_date(values: dict[Any, Any], post: PostFields, dialect: Dialect, default_tz: tzinfo) -> None:
    found = find_date(values, dialect)
    if post.date is None:
        _delete_all(values, ALL_DATE_KEYS, ())
        return
    if found is not None:
        found.container[found.key] = _date_value(post.date, default_tz)
        return
    zola_path = find_key([values], (ZOLA_PATH_KEY,), str) if dialect == "zola" else None
    dated = zola_path_date(zola_path.value) if zola_path is not None else None
    if zola_path is not None and dated is not None:
        day = local_day(post.date, default_tz)
        old = zola_path.value
        start = old.rindex(dated.text)
        zola_path.container[zola_path.key] = (
            old[:start] + f"{day.year:04d}/{day.month:02d}/{day.day:02d}" + old[start + len(dated.text) :]
        )


def _update_slug(values: dict[Any, Any], post: PostFields, dialect: Dialect) -> None:
    zola_path = find_key([values], (ZOLA_PATH_KEY,), str) if dialect == "zola" else None
    if zola_path is not None and "/" not in post.slug and post.slug:
        prefix, _, _ = zola_path.value.rstrip("/").rpartition("/")
        zola_path.container[zola_path.key] = f"{prefix}/{post.slug}" if prefix else post.slug
        return
    _put(values, SLUG_KEYS[0], post.slug)


def _update_status(values: dict[Any, Any], post: PostFields, dialect: Dialect, expiry: datetime | None) -> None:
    # A scheduled post is not a draft: dated in the future, its generator publishes it then.
    draft = post.status not in ("published", "scheduled")
    if not draft and expiry is not None and expiry <= datetime.now(UTC):
        _delete_all(values, EXPIRY_KEYS, ())  # Hugo would leave a live post out past its expiryDate
    draft_key = _existing_key(values, DRAFT_KEYS[0])
    published_key = _existing_key(values, PUBLISHED_KEYS[0])
    if published_key is not None and holds_date(values[published_key]):
        published_key = None  # Hugo's or a theme's date (`mapping.find_date`), no status: a draft gets `draft`
    status_key = _existing_key(values, STATUS_KEYS[0])
    if status_key is not None and isinstance(values[status_key], str):
        values[status_key] = post.status
    if draft_key is not None:
        values[draft_key] = draft
    if published_key is not None:
        values[published_key] = not draft
    if draft and draft_key is None and published_key is None and status_key is None:
        if dialect == "jekyll":
            values[PUBLISHED_KEYS[0]] = False
        else:
            values[DRAFT_KEYS[0]] = True


def _update_terms(values: dict[Any, Any], post: PostFields, current: MappedPost, dialect: Dialect) -> None:
    """Write tags and categories so that together they are the post's tags.

    Categories keep those still among the post's tags; tags keep their order, and new
    tags are appended; each is spelled as in the post (a case-only change is a change:
    `tags respell`).
    """
    wanted = unique_terms(post.tags)
    spelling = {term.casefold(): term for term in wanted}
    kept_categories = unique_terms(
        [spelling[term.casefold()] for term in current.categories if term.casefold() in spelling]
    )
    new_tags = unique_terms([spelling[term.casefold()] for term in current.tags if term.casefold() in spelling])
    written = {term.casefold() for term in new_tags + kept_categories}
    new_tags += [term for term in wanted if term.casefold() not in written]
    containers = tables(values, (TAXONOMY_TABLE,))
    tag_home = next((c for c in containers if _existing_key(c, TAG_KEYS[0]) is not None), None)
    if tag_home is None:
        tag_home = _table(values, TAXONOMY_TABLE) if dialect == "zola" else values
    _put(cast("MutableMapping[Any, Any]", tag_home), TAG_KEYS[0], new_tags)  # parsed front matter: dicts
    if kept_categories != current.categories:
        found = find_key(containers, CATEGORY_KEYS)
        if found is not None:
            single = found.key.lower() == "category" and len(kept_categories) == 1
            found.container[found.key] = kept_categories[0] if single else kept_categories


def _keywords_value(values: dict[Any, Any], keywords: str | None) -> Any:
    """Keywords as a list when that joins back to the same text and the source used lists."""
    if not keywords:
        return None
    found = find_key(tables(values, CUSTOM_TABLES), KEYWORD_KEYS)
    as_list = [word.strip() for word in keywords.split(",")]
    if (found is None or isinstance(found.value, list)) and ", ".join(as_list) == keywords and all(as_list):
        return as_list
    return keywords


def _update_text(values: dict[Any, Any], names: tuple[str, ...], value: Any, home: MutableMapping[Any, Any]) -> None:
    if value is None:
        _delete_all(values, names, CUSTOM_TABLES)
        return
    found = find_key(tables(values, CUSTOM_TABLES), names)
    if found is not None:
        found.container[found.key] = value
    else:
        _put(home, names[0], value)


def _update_image(values: dict[Any, Any], image: str | None, dialect: Dialect) -> None:
    if not image:
        _delete_all(values, IMAGE_KEYS, CUSTOM_TABLES)
        return
    found = find_image(values)
    if found is not None and found.inner_key is not None:
        found.container[found.key][found.inner_key] = image
    elif found is not None:
        found.container[found.key] = image
    elif dialect == "zola":
        _put(_table(values, "extra"), IMAGE_KEYS[0], image)
    else:
        _put(values, "heroImage" if dialect == "astro" else IMAGE_KEYS[0], image)


def _stating_slug(text: str, post: PostFields, path: PurePosixPath) -> str:
    """A plain markdown file, with front matter stating the slug when its name does not give it
    (`x-2.md` numbered apart from another post's `x.md`, or a slug that cannot be a file name),
    so that it reads back as its post (import matches an edited copy to it, never a new post).
    The front matter then states the tags, description, keywords and picture too: import reads
    a plain markdown file with front matter as stating them (without one it keeps the post's).
    Title, status and date stay unstated, as in every plain markdown file export writes."""
    if map_metadata({}, text, path, "markdown").slug == post.slug and not slug_misread(None, {}, path, post.slug):
        return text
    values: dict[str, Any] = {SLUG_KEYS[0]: post.slug}
    if post.tags:
        values[TAG_KEYS[0]] = unique_terms(list(post.tags))
    if post.meta_description:
        values[DESCRIPTION_KEYS[0]] = post.meta_description
    if post.meta_keywords:
        values[KEYWORD_KEYS[0]] = _keywords_value({}, post.meta_keywords)
    if post.featured_image:
        values[IMAGE_KEYS[0]] = post.featured_image
    return dump_front_matter("yaml", values) + text


def _markdown_text(title: str, body: str, path: PurePosixPath) -> str:
    """The body, after a `# title` line of its own unless the body already yields the title.
    The body is kept whole (its own first heading too): import takes the added line back off
    (`without_added_heading`), so the file reads back as the post."""
    if not adds_title_heading(title, body, path):
        return body
    return f"{_title_heading(title)}\n\n{body}"


def _title_heading(title: str) -> str:
    return "# " + " ".join(title.split())


def adds_title_heading(title: str, body: str, path: PurePosixPath) -> bool:
    """Whether a plain markdown export of a post titled `title` writes a `# title` line before
    `body`: the body (read at `path`) does not yield the title by itself."""
    try:
        looks_like_front_matter = split_front_matter(body).format is not None
    except FrontMatterError:
        looks_like_front_matter = True
    read = map_metadata({}, body, path, "markdown").title
    return looks_like_front_matter or " ".join(read.split()) != " ".join(title.split())


def without_added_heading(text: str) -> tuple[str, str] | None:
    """The title and body of a plain markdown file's text whose first line is the `# title` an
    export wrote before its post's body (`_markdown_text`), blank line after it; else None."""
    line, newline, rest = text.partition("\n")
    title = first_heading(line) if line.startswith("# ") else None
    if not newline or title is None or not rest.startswith("\n"):
        return None
    return title, rest[1:]
