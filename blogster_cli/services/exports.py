"""Export my posts as markdown files for Hugo, Jekyll, Zola, Astro or plain markdown.

One unit of work as the acting user streams my live posts (RLS decides; the query also
says `author_id = auth.uid()`, so other writers' published posts are never included)
through a server-side cursor; each post is rendered by `content.export.export_file` and
written under the target folder. A post exported in the dialect it was imported from goes
back to its original relative path, byte for byte when nothing changed.

Rules this module adds:

- Values the database normalised at import (a title's outer spaces, a tag's spelling, one per
  author and tag, keywords as a list, a slug given a `-N` suffix because another file had it
  first) are handed to export as the source wrote them, so they do not count as edits; a tag the
  author respelled since (`tags respell`, which lists it in `content.source.respelled`) is
  written as the author spells it now.
- A post whose source states no date is exported without one (the date its import gave it is
  not the source's), unless the source is plain markdown, which cannot state one: a publication
  date the post kept through such a file, or was published at, is written (`_kept_date`).
- Nothing is written outside the target folder: a source path that is absolute or climbs
  out with `..` is normalised (and reported), and a symlink leading out is refused.
- Two posts that map to the same file never overwrite each other: the later one (by source
  path, then slug) gets `-2`, `-3`... on its file name and the summary says so. That file is
  rendered again for its numbered path, so it still reads back as its post: its front matter
  states the slug the name no longer gives (a plain markdown file gets front matter for it), and import
  matches it to its post (`services.imports._exported_match`).
- A file that differs from what the last export wrote there (`MANIFEST` keeps the hashes,
  and the id of the post each file holds, which import reads: `content.export_manifest`) was
  edited by hand: it is left alone and listed in the summary, unless `force`; so is one larger
  than any post's file (`MAX_POST_FILE_BYTES`), left unread. A file that already holds what the
  export would write is left as it is (not rewritten). Only a regular file there is read: a link,
  a FIFO or a device is replaced, never followed, waited on or read (`private_files.read_regular`).
- A post's file the last export wrote keeps its name where only the day a Jekyll name starts with
  changed, while the post's date is the same moment (`config set timezone` moved the day: a post
  written in Blogster is dated in the zone set now), as its date's text is kept (`_Writer._kept_name`).
- Every file, and the manifest, is written whole (`private_files.replace_whole`: a partial
  file renamed over it), after being listed with its new hash in `JOURNAL`
  (`private_files.WriteJournal`), which the manifest replaces at the end. A run killed or
  stopped by a full disk leaves no half-written file, and its re-run takes the files it
  listed there for its own (not edited by hand), removes their partials, and finishes.
- Images of a post (image_assets rows, files in `<BLOGSTER_HOME>/media/`) are copied next
  to `index.md` for Hugo and Zola page bundles, else into the dialect's static folder, and
  the post's `media/<name>` links (body and front matter, as `images add` writes them)
  are rewritten to where the built site serves that file. The pictures a sync stored for a
  post, whose file links them as written (`content.source.pictures`), are linked so first.
"""

from __future__ import annotations

import errno
import hashlib
import os
import posixpath
from collections import deque
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from functools import partial
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from blogster_cli.actors import ActingUser
from blogster_cli.content.export_manifest import MANIFEST, MAX_MANIFEST_BYTES, Written, dump, parse
from blogster_cli.content.files import safe_relative
from blogster_cli.content.rules import MAX_CONTENT_BYTES
from blogster_cli.db.acting import unit_of_work
from blogster_cli.errors import FileSystemError, InvalidInput
from blogster_cli.file_names import NAME_MAX_BYTES, hashed_hidden_name, name_bytes
from blogster_cli.private_files import WriteJournal, private_dir, read_regular, remove_listed_partials, replace_whole
from blogster_cli.repositories import blogs_bulk
from blogster_cli.repositories.blogs_bulk import StoredPost
from blogster_cli.services.media_files import is_stored_name
from blogster_cli.services.post_steps import check_status_filter
from blogster_cli.wording import agreeing, not_one_of, plural

if TYPE_CHECKING:
    from blogster_cli.content.export import LeftAsWritten
    from blogster_cli.content.mapping import Dialect

DIALECTS = ("hugo", "jekyll", "zola", "astro", "markdown")
IMAGE_FOLDERS = {
    "hugo": "static/images",
    "zola": "static/images",
    "jekyll": "assets/images",
    "astro": "public/images",
    "markdown": "images",
}
# The site URL each static folder above is served at (Hugo and Zola serve `static/` at
# the root, Astro `public/`, Jekyll copies `assets/` as it is).
IMAGE_URLS = {"hugo": "/images", "zola": "/images", "jekyll": "/assets/images", "astro": "/images"}
# Beyond this many posts, rendering runs in worker processes while this one writes files.
PARALLEL_THRESHOLD = 400
# MANIFEST (`content.export_manifest`, imported above): the hashes of the files the last export
# wrote, to tell files edited by hand from ours, and the post each holds, which import reads.
# The files a run is writing, with their new hashes: left behind only by a run that did not finish.
JOURNAL = ".blogster-export.pending"
MAX_POST_FILE_BYTES = 4 * MAX_CONTENT_BYTES
"""The largest file at a post's place that is read to be hashed (or what this run writes there, when
larger): a post holds at most 4 MiB stored (`content.rules`), and its file, rendered from that, is not
much larger (front matter respelled, media links rewritten). A larger file is no export's: left unread
(a 6 GB one was read whole), it counts as edited by hand."""
_TOO_LARGE = "larger than any post's file"  # what `_Writer.place` holds as such a file's hash: no SHA-256


@dataclass
class ExportedPost:
    id: UUID
    slug: str
    path: str | None  # relative to the export folder; None when the post could not be written
    renamed_from: str | None = None  # the path it should have had, taken by another post
    note: str | None = None
    images: list[str] = field(default_factory=list)


@dataclass
class ExportSummary:
    directory: Path
    dialect: str
    files: list[ExportedPost] = field(default_factory=list)
    images: int = 0  # image files copied (those already there are not counted)
    edited: list[str] = field(default_factory=list)  # files changed by hand since we wrote them, left alone
    written: int = 0  # post files written by this run
    unchanged: int = 0  # post files that already held what it would write, left as they are
    warnings: list[str] = field(default_factory=list)
    """The export folder's Astro content config unread; a post whose recorded zone is no zone (one
    line each); what the posts carry over that the generator does not read (`_LeftOver`): one line per kind."""

    @property
    def posts(self) -> int:
        """The posts exported to a file: written, unchanged, or left as edited by hand."""
        return sum(1 for file in self.files if file.path is not None)

    @property
    def failed(self) -> list[ExportedPost]:
        return [file for file in self.files if file.path is None]

    @property
    def renamed(self) -> list[ExportedPost]:
        return [file for file in self.files if file.renamed_from is not None]

    def as_dict(self) -> dict[str, Any]:
        return {
            "directory": str(self.directory),
            "format": self.dialect,
            "posts": self.posts,
            "written": self.written,
            "unchanged": self.unchanged,
            "images": self.images,
            "renamed": len(self.renamed),
            "failed": len(self.failed),
            "edited": self.edited,
            "warnings": self.warnings,
            "files": [vars(file) for file in self.files],
        }


def _check(dialect: str, statuses: Sequence[str] | None) -> None:
    if dialect not in DIALECTS:
        raise InvalidInput(not_one_of("--format", DIALECTS, dialect))
    check_status_filter(statuses)


def count_posts(acting: ActingUser, *, statuses: Sequence[str] | None = None) -> int:
    """How many of my live posts an export with these statuses writes."""
    _check("markdown", statuses)
    with unit_of_work(acting) as conn:
        return blogs_bulk.count_my_posts(conn, statuses=statuses)


def export_posts(
    acting: ActingUser,
    *,
    directory: Path,
    dialect: str,
    statuses: Sequence[str] | None = None,
    default_tz: tzinfo = UTC,
    media_root: Path | None = None,
    on_progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    force: bool = False,
    private: bool = False,
    resolve_liquid: bool = False,
) -> ExportSummary:
    """Write my live posts (optionally only these statuses) under `directory` in `dialect`.

    With `resolve_liquid` (`blogster export`), a post imported from Jekyll and exported to another
    dialect has its Liquid site variables resolved for that generator (`content.export.carried_body`);
    else every body is written byte for byte (an account export, which import reads back as the same posts).

    `default_tz` is the time zone setting (settings.timezone); dates without an offset are read
    in the zone the post's import read them in (`content.export.source_zone`), in `default_tz`
    with a warning where what it recorded is no zone's name.
    Large exports render in `workers` processes (default: automatic). A file that differs
    from what the last export wrote there (edited by hand) is left alone and listed in
    `summary.edited`, unless `force`.
    """
    from blogster_cli.content.post import recorded_zone, unknown_zone_warning

    _check(dialect, statuses)
    if media_root is None:
        from blogster_cli.services.media_files import media_dir

        media_root = media_dir()
    directory = directory.expanduser()
    _refuse_file(directory)
    directory.mkdir(parents=True, exist_ok=True)
    root = directory.resolve()
    summary = ExportSummary(directory=root, dialect=dialect)
    new_folder = None
    if dialect == "astro":
        new_folder, summary.warnings = new_posts_folder(root)
    with unit_of_work(acting) as conn:
        total = blogs_bulk.count_my_posts(conn, statuses=statuses)
        large = total >= PARALLEL_THRESHOLD
        if workers is None:
            workers = min(os.cpu_count() or 1, 4) if large else 1
        redirects = site_redirects(root, dialect)
        writer = _Writer(
            root, dialect, media_root, io_threads=2 if large else 0, force=force, private=private,
            default_tz=default_tz, resolve_liquid=resolve_liquid, redirects=redirects,
        )  # fmt: skip
        left_over = _LeftOver(dialect)
        try:
            images = blogs_bulk.my_image_paths(conn)
            posts = map(_pictures_as_stored, blogs_bulk.stream_my_posts(conn, statuses=statuses))
            rendering = _rendered(posts, dialect, default_tz, workers, new_folder, resolve_liquid, redirects)
            for post, (rendered, left) in rendering:
                placed = writer.place(post, rendered, images.get(post.id, ()))
                summary.files.append(placed)
                left_over.add(post.slug, left)
                zone_warning = unknown_zone_warning(recorded_zone(post.content), default_tz)
                if zone_warning is not None and placed.path is not None:  # read in the setting (`source_zone`)
                    summary.warnings.append(f"{placed.path}: {zone_warning}")
                if on_progress is not None:
                    on_progress(1)
        except BaseException:
            writer.abort()  # the journal stays: the re-run knows what this one wrote
            raise
        writer.close()
    summary.images, summary.written, summary.unchanged = writer.images, writer.written, writer.unchanged
    summary.edited = sorted(writer.edited)
    summary.warnings += left_over.warnings()
    return summary


def _pictures_as_stored(post: StoredPost) -> StoredPost:
    """`post` linking the pictures a sync stored for it (`content.source.pictures`: its file keeps
    its links as written, `diagram.png` beside a bundle's `index.md`, `/cover.png` from `static/`)
    as `media/<name>`, in its body and its featured image (the front matter's value too), as import
    links the pictures it stores: the export copies them and links them where the site serves them."""
    from dataclasses import replace

    from blogster_cli.content.linked_images import rewrite_front_matter_value, rewrite_image_links, stored_links

    content = post.content or {}
    source, markdown = content.get("source"), content.get("markdown")
    links = stored_links(source.get("pictures")) if isinstance(source, dict) else {}
    if not links or not isinstance(markdown, str):
        return post
    changed = {**content, "markdown": rewrite_image_links(markdown, links)}
    featured = links.get(post.featured_image or "")
    front = content.get("front_matter")
    if featured is not None and isinstance(front, dict) and isinstance(front.get("raw"), str):
        changed["front_matter"] = {
            **front,
            "raw": rewrite_front_matter_value(front["raw"], post.featured_image or "", featured),
        }
    return replace(post, content=changed, featured_image=featured or post.featured_image)


_GENERATORS = {"hugo": "Hugo", "jekyll": "Jekyll", "zola": "Zola", "astro": "Astro", "markdown": "a markdown viewer"}


class _LeftOver:
    """What the exported posts carry over that the target generator does not read
    (`content.export.LeftAsWritten`), said once per kind with counts: Jekyll's Liquid (its site
    variables are resolved: `content.export.carried_body`), Zola's internal links; and the old
    addresses not carried over, as no page of the site (`content.export._unservable`)."""

    def __init__(self, dialect: str) -> None:
        self.generator = _GENERATORS.get(dialect, dialect)
        self.liquid_posts = self.liquid = self.zola_posts = self.zola_links = 0
        self.first_liquid: tuple[str, str] | None = None  # (slug, tag)
        self.first_zola: str | None = None  # slug
        self.alias_posts = self.aliases = 0
        self.first_alias: str | None = None  # slug
        self.unlisted_posts = self.unlisted = 0
        self.dialect = dialect
        self.first_unlisted: str | None = None  # slug

    def add(self, slug: str, left: LeftAsWritten) -> None:
        if left.liquid is not None:
            self.liquid_posts += 1
            self.liquid += left.liquid_count
            self.first_liquid = self.first_liquid or (slug, left.liquid)
        if left.zola_links:
            self.zola_posts += 1
            self.zola_links += left.zola_links
            self.first_zola = self.first_zola or slug
        if left.aliases_dropped:
            self.alias_posts += 1
            self.aliases += left.aliases_dropped
            self.first_alias = self.first_alias or slug
        if left.aliases_unlisted:
            self.unlisted_posts += 1
            self.unlisted += left.aliases_unlisted
            self.first_unlisted = self.first_unlisted or slug

    def warnings(self) -> list[str]:
        said = []
        if self.first_liquid is not None:
            slug, tag = self.first_liquid
            said.append(
                f"{plural(self.liquid_posts, 'post')} imported from Jekyll"
                f" {agreeing(self.liquid_posts, 'keeps', 'keep')} {plural(self.liquid, 'Liquid template tag')}"
                f" as written, which {self.generator} shows as text (first: {tag} in '{slug}'):"
                f" edit {agreeing(self.liquid_posts, 'the post', 'the posts')} to say it without Liquid"
            )
        if self.first_zola is not None:
            said.append(
                f"{plural(self.zola_posts, 'post')} imported from Zola"
                f" {agreeing(self.zola_posts, 'keeps', 'keep')} {plural(self.zola_links, 'internal link')} (`@/…`)"
                f" as written, which {self.generator} does not resolve (first in '{self.first_zola}'):"
                " link to the pages' addresses instead"
            )
        if self.first_alias is not None:
            said.append(
                f"{plural(self.alias_posts, 'post')} {agreeing(self.alias_posts, 'loses', 'lose')}"
                f" {plural(self.aliases, 'old address', 'old addresses')} that {self.generator} cannot serve"
                f" (on another site, or with a control character; first in '{self.first_alias}'):"
                " redirect them on the server that has them"
            )
        if self.first_unlisted is not None:
            said.append(
                unlisted_aliases(self.unlisted, self.dialect, posts=self.unlisted_posts, first=self.first_unlisted)
            )
        return said


def _alias_field(dialect: str) -> str:
    return "redirect_from" if dialect == "jekyll" else "aliases"


def unlisted_aliases(count: int, dialect: str, *, posts: int = 0, first: str | None = None) -> str:
    """What export and sync say of `count` former addresses not added, a file's aliases not a list
    (`LeftAsWritten.aliases_unlisted`): export of all its `posts` (`first`: the first one's slug),
    sync of one file, whose path its warning starts with."""
    of_posts = f" of {plural(posts, 'post')}" if posts else ""
    in_files = f" in {agreeing(posts, 'its file', 'their files')}" if posts else ""
    first_in = f" (first in '{first}')" if first is not None else ""
    return (
        f"{plural(count, 'former address', 'former addresses')}{of_posts} not added: `{_alias_field(dialect)}`"
        f" is not a list of addresses{in_files}, left as written{first_in}: write it as a list"
    )


def site_redirects(root: Path, dialect: str) -> bool:
    """Whether the folder `root` written to in `dialect` holds a Jekyll site that runs
    jekyll-redirect-from (`content.layout.jekyll_redirects`): a moved post's file gets
    `redirect_from` there, as a Hugo or Zola file gets `aliases`."""
    from blogster_cli.content.layout import jekyll_redirects

    return dialect == "jekyll" and jekyll_redirects(root)


def new_posts_folder(root: Path) -> tuple[PurePosixPath | None, list[str]]:
    """Where an Astro post without a path of its own goes in the export folder `root` (a site's
    root), and the warnings of its content config: the folder of the collection the config declares
    for new posts (`content.astro_collections.new_posts`), None when there is none (export's
    `src/content/blog/`)."""
    from blogster_cli.content.astro_collections import new_posts

    found = new_posts(PurePosixPath(os.path.abspath(root)).parts)
    return (None, []) if found is None else (found.folder, list(found.warnings))


def _refuse_file(directory: Path) -> None:
    """A usage error when the folder, or the nearest of its parents that exists, is a file
    (`export notes.txt`), as `sync` says it; any other problem is mkdir's to report."""
    try:
        existing = next((path for path in (directory, *directory.parents) if path.exists()), None)
        if existing is None or existing.is_dir():
            return
        what = "a file, not a folder" if existing.is_file() else "not a folder"
    except OSError:
        return
    raise InvalidInput(f"{existing} is {what}")


_Rendering = TypeVar("_Rendering")


def _render_safely(
    post: StoredPost,
    dialect: str,
    default_tz: tzinfo,
    new_folder: PurePosixPath | None = None,
    resolve_liquid: bool = False,
    redirects: bool = False,
) -> tuple[tuple[str, str, str | None] | str, LeftAsWritten]:
    """render(), or the one-line reason it cannot be exported; and what it carries over unread."""
    from blogster_cli.content.export import LeftAsWritten

    rendered = _or_reason(
        partial(
            render, post, dialect, default_tz, new_folder=new_folder, resolve_liquid=resolve_liquid, redirects=redirects
        )
    )
    if isinstance(rendered, str):
        return rendered, LeftAsWritten()
    path, text, note, left = rendered
    return (path, text, note), left


def _or_reason(rendering: Callable[[], _Rendering]) -> _Rendering | str:
    """What `rendering` (render() or render_at()) gives, or the one-line reason it cannot be exported."""
    from blogster_cli.content.errors import ContentError

    try:
        return rendering()
    except (ContentError, ValueError, TypeError, KeyError) as exc:
        return f"cannot export: {exc}"


def _render_chunk(
    posts: list[StoredPost],
    dialect: str,
    default_tz: tzinfo,
    new_folder: PurePosixPath | None = None,
    resolve_liquid: bool = False,
    redirects: bool = False,
) -> list[tuple[tuple[str, str, str | None] | str, LeftAsWritten]]:
    return [_render_safely(post, dialect, default_tz, new_folder, resolve_liquid, redirects) for post in posts]


def _rendered(
    posts: Iterator[StoredPost],
    dialect: str,
    default_tz: tzinfo,
    workers: int,
    new_folder: PurePosixPath | None,
    resolve_liquid: bool,
    redirects: bool,
) -> Iterator[tuple[StoredPost, tuple[tuple[str, str, str | None] | str, LeftAsWritten]]]:
    """Each post with its rendering, in order; rendered in worker processes when `workers`
    > 1 (`services.parallel`), a bounded number of chunks ahead of the writing."""
    from blogster_cli.services.parallel import parallel_map

    chunks = iter(lambda: list(islice(posts, 100)), [])
    work = partial(
        _render_chunk, dialect=dialect, default_tz=default_tz, new_folder=new_folder, resolve_liquid=resolve_liquid,
        redirects=redirects,
    )  # fmt: skip
    for batch, results in parallel_map(
        work, chunks, workers=workers, preload=[__name__, "blogster_cli.content.export"]
    ):
        yield from zip(batch, results, strict=True)


# -- rendering --------------------------------------------------------------------


def complete_document(content: dict[str, Any] | None) -> dict[str, Any]:
    """A version-1 content document, filling keys older rows may lack."""
    document = dict(content) if content else {"version": 1, "markdown": ""}
    document.setdefault("version", 1)
    document.setdefault("markdown", "")
    document.setdefault("sections", [])
    document.setdefault("front_matter", {"format": None, "raw": None, "fields": {}})
    document.setdefault("source", None)
    return document


def export_fields(post: StoredPost, content: dict[str, Any], dialect: str, default_tz: tzinfo = UTC) -> Any:
    """The PostFields export renders: the row's values, spelled as the source spelled them
    wherever the row holds the same value only normalised (see the module docstring)."""
    return _fields_and_source(post, content, dialect, default_tz)[0]


def _fields_and_source(post: StoredPost, content: dict[str, Any], dialect: str, default_tz: tzinfo) -> tuple[Any, Any]:
    """export_fields, and the fields as the stored front matter states them (None if no source)."""
    from blogster_cli.content.errors import ContentError
    from blogster_cli.content.mapping import map_metadata
    from blogster_cli.content.post import PostFields
    from blogster_cli.content.rules import import_slug, keywords_list
    from blogster_cli.content.slugs import is_suffixed

    keywords = post.meta_keywords or None
    fields = PostFields(
        title=post.title,
        slug=post.slug,
        # A scheduled post is written dated at its time and not a draft: Hugo and Jekyll build it
        # from then on, and import reads it back scheduled (`content.mapping`).
        status="published" if post.status == "published" else "scheduled" if post.status == "scheduled" else "draft",
        published_at=post.published_at,
        created_at=post.created_at,
        tags=sorted(post.tags, key=str.lower),
        meta_description=post.meta_description,
        meta_keywords=", ".join(keywords) if keywords else None,
        featured_image=post.featured_image,
    )
    source = content.get("source")
    if not source:
        return fields, None
    path = PurePosixPath(source["path"]) if source.get("path") else None
    try:
        before = map_metadata(
            content["front_matter"]["fields"], content["markdown"], path, source["dialect"], default_tz
        )
    except (ContentError, ValueError, TypeError):
        return fields, None
    if before.title.strip() == post.title:
        fields.title = before.title
    if before.slug is not None and source["dialect"] == dialect:
        base, _ = import_slug(before.slug, post.title)
        if is_suffixed(post.slug, base):
            fields.slug = before.slug
    # a tag respelled since the import (`tags respell`) is written as the author spells it now
    respelled = {name for name in source.get("respelled") or () if isinstance(name, str)}
    spelled = {" ".join(tag.split()).lower(): tag for tag in before.all_tags}
    fields.tags = [tag if tag.casefold() in respelled else spelled.get(tag.lower(), tag) for tag in fields.tags]
    if before.meta_keywords is not None and keywords_list(before.meta_keywords) == keywords:
        fields.meta_keywords = before.meta_keywords
    if before.date is None and post.published_at in (None, post.created_at) and not _kept_date(post, content):
        fields.published_at = fields.created_at = None  # the date import gave an undated file: not the source's
    return fields, before


def _kept_date(post: StoredPost, content: dict[str, Any]) -> bool:
    """Whether a post whose source states no date has a date of its own all the same.
    A plain markdown file without front matter cannot state one, and its import makes a draft
    (no publication date), so the post's is one it kept through that file (an export to plain
    markdown imported back: `imports._diff` keeps what the file cannot say) or was published at.
    A draft's creation date is its own unless the post was made by importing a file that stated
    none (`blogs_bulk.OWN_CREATION`): a draft written in Blogster keeps its date through the trip.
    Else a publication date equal to the creation is the moment an undated file was imported
    (`blogs_bulk.insert_posts`), not the source's: export leaves it out."""
    source = content.get("source") or {}
    front = content.get("front_matter") or {}
    return (
        (post.published_at is not None or post.created_at_own)
        and source.get("dialect") == "markdown"
        and front.get("raw") is None
        and not front.get("fields")
    )


# The front matter format export_file writes per dialect (Hugo keeps TOML and JSON).
_WRITTEN_FORMAT = {"zola": ("toml",), "jekyll": ("yaml",), "astro": ("yaml",), "hugo": ("yaml", "toml", "json")}


def _unchanged_file(fields: Any, before: Any, content: dict[str, Any], dialect: str) -> tuple[str, str] | None:
    """The source file itself, when export_file would return it unchanged: same dialect,
    stored front matter in the format that dialect writes, and every field reading back
    as the post's current value, its slug also in the dialect import detects for the file
    (export_file's own test, on the stored fields: `slug_misread`). This skips
    re-parsing the front matter, which is most of an export's time."""
    source, front = content["source"], content["front_matter"]
    if before is None or source["dialect"] != dialect or not source.get("path") or front["raw"] is None:
        return None
    if front["format"] not in _WRITTEN_FORMAT.get(dialect, ()):
        return None
    dates_agree = before.date == fields.date if before.date is not None and fields.date is not None else (
        before.date is fields.date
    )  # fmt: skip
    if not (
        dates_agree
        and before.title == fields.title
        and before.slug == fields.slug
        and before.status == fields.status
        and set(before.all_tags) == set(fields.tags)
        and (before.meta_description or None) == (fields.meta_description or None)
        and (before.meta_keywords or None) == (fields.meta_keywords or None)
        and (before.featured_image or None) == (fields.featured_image or None)
    ):
        return None
    from blogster_cli.content.export import collection_base, laid_out_path, site_path, slug_misread
    from blogster_cli.content.mapping import fitted_path

    placed = laid_out_path(source, dialect) or source["path"]
    path = site_path(placed, cast("Dialect", dialect), collection_base(source, dialect))
    if fitted_path(PurePosixPath(path)) != PurePosixPath(path):
        return None  # export_file cuts a name past 255 bytes, and states the slug
    if slug_misread(front["format"], front["fields"], PurePosixPath(path), fields.slug):
        return None  # export_file states the slug: import would read another from the name
    return path, front["raw"] + content["markdown"]


def render(
    post: StoredPost,
    dialect: str,
    default_tz: tzinfo = UTC,
    *,
    at: str | None = None,
    new_folder: PurePosixPath | None = None,
    resolve_liquid: bool = False,
    redirects: bool = False,
) -> tuple[str, str, str | None, LeftAsWritten]:
    """(relative path, text, note, what the file carries over that `dialect`'s generator does not
    read) of one post; the note says when its source path was unsafe.

    `at` is where it is written instead of its own path (see render_at, which decides when):
    the text then reads back as the post at that path, its slug stated in the front matter
    when the name there does not give it (`content.export.export_file`). `new_folder` is where
    an Astro post without a path of its own goes (`new_posts_folder`). `resolve_liquid`: as
    `export_posts` takes it. `redirects`: the folder's Jekyll site runs jekyll-redirect-from (`site_redirects`).
    """
    from blogster_cli.content.errors import ContentError
    from blogster_cli.content.export import LeftAsWritten, export_file, source_zone

    content = complete_document(post.content)
    note = None
    source = content.get("source")
    if source and source.get("path") and safe_relative(source["path"]) is None:
        from blogster_cli.content.mapping import normalised_relative

        cleaned = normalised_relative(source["path"])
        note = f"unsafe source path {source['path']!r} written as {cleaned or 'the conventional path'}"
        content = {**content, "source": {**source, "path": cleaned}}
    # dates without an offset are read as import read them, whatever the setting is now
    when = post.published_at if post.published_at is not None else post.created_at
    default_tz = source_zone(content, when, default_tz)
    fields, before = _fields_and_source(post, content, dialect, default_tz)
    if at is not None:
        from blogster_cli.content.mapping import name_slug

        if (
            before is not None
            and before.slug_origin == "file_name"
            and name_slug(PurePosixPath(at), dialect) == post.slug
        ):
            fields.slug = post.slug  # `post-2.md` for post-2 (its file `post.md` was another's): its name says it
    former = _former_addresses(post)
    unchanged = _unchanged_file(fields, before, content, dialect) if at is None and not former else None
    if unchanged is not None:
        return (*unchanged, note, LeftAsWritten())
    try:
        if at is not None and fields.date is None:  # dated below as at its own path (a Jekyll name), if it was
            export_file(fields, content, cast("Dialect", dialect), default_tz=default_tz)
        exported = export_file(
            fields, content, cast("Dialect", dialect), default_tz=default_tz, at=at, new_folder=new_folder,
            resolve_liquid=resolve_liquid, former=former, redirects=redirects,
        )  # fmt: skip
    except ContentError:
        if fields.date is not None or post.created_at is None:
            raise
        fields.published_at, fields.created_at = post.published_at, post.created_at  # Jekyll names need a date
        exported = export_file(
            fields, content, cast("Dialect", dialect), default_tz=default_tz, at=at, new_folder=new_folder,
            resolve_liquid=resolve_liquid, former=former, redirects=redirects,
        )  # fmt: skip
    return exported.path, exported.text, note, exported.left


def _former_addresses(post: StoredPost) -> list[tuple[str, datetime]]:
    """(slug, publication time) of each address `post` had before a rename or a new date, oldest
    first (`publish.urls.former_addresses`): the file lists where its generator served it then."""
    from blogster_cli.publish.urls import former_addresses

    return [(slug, datetime.fromisoformat(when)) for slug, when in former_addresses(
        [{"slug": slug, "published_at": when} for slug, when in post.former_addresses]
    )]  # fmt: skip


def free_path(path: PurePosixPath, used: Collection[str]) -> PurePosixPath:
    """`path`, or when a case-blind disk would already hold it among `used` (`folded_path`s:
    `rust.md` after `Rust.md`), the first of `path` numbered `-2`, `-3`... that it would not
    (`numbered_path`: `x-2.md`, a bundle `x-2/index.md`). Export and sync number files so."""
    from blogster_cli.content.mapping import folded_path, numbered_path

    free, n = path, 2
    while folded_path(free.as_posix()) in used:
        free = numbered_path(path, n)
        n += 1
    return free


def render_at(
    post: StoredPost,
    dialect: str,
    default_tz: tzinfo,
    *,
    at: str,
    rendered: tuple[str, str, str | None],
    resolve_liquid: bool = False,
    redirects: bool = False,
) -> tuple[str, str, str | None]:
    """`post`'s file written at `at` rather than where render() put it (`rendered`, its result):
    `rendered` itself when the two file names give the same slug and date (the same stem),
    else `post` rendered again for `at` (`render(at=)`), so that the file still reads back as
    its post there: numbered apart from another post's file (`x-2.md` for post `x`: export's
    `_Writer.place`, sync's new files), or kept where its file already is (sync), its front
    matter states the slug its name does not give (plain markdown: front matter of its own).
    `at` is the path the file is read back at, as import reads it (relative to the folder)."""
    from blogster_cli.content.mapping import file_stem

    if file_stem(PurePosixPath(at)) == file_stem(PurePosixPath(rendered[0])):
        return rendered
    return render(post, dialect, default_tz, at=at, resolve_liquid=resolve_liquid, redirects=redirects)[:3]


def _read_manifest(root: Path) -> tuple[dict[str, Written], bytes | None]:
    """What the last export wrote under `root` (relative path -> the SHA-256 of the bytes and
    the post's id), and the manifest's own bytes (None when there is none). Read as import reads
    it: only a regular file of at most MAX_MANIFEST_BYTES, never through a link, never waited on
    (a FIFO hung the export for good), never read whole when larger (`read_regular`). Anything else
    counts as no manifest, as one that cannot be read or parsed does: files that differ are hand
    edits, and this run's manifest replaces it."""
    try:
        data = read_regular(root / MANIFEST, limit=MAX_MANIFEST_BYTES)
    except OSError:
        return {}, None
    return ({}, None) if data is None else (parse(data), data)


def _kept_spelling(on_disk: bytes, text: str) -> str:
    """`text`, the post's file rendered again, keeping the text of the file an export wrote there
    for what both say (`content.export.kept_spelling`, as sync keeps it): a post written in Blogster
    has no front matter stored, so each render writes its date in the zone set now; after `config
    set timezone` its file keeps the date as written while it is the same moment."""
    from blogster_cli.content.export import kept_spelling

    try:
        return kept_spelling(on_disk.decode("utf-8"), text)
    except UnicodeDecodeError:
        return text


def partial_path(target: Path) -> Path:
    """Where `target` is written before it is renamed into place: a hidden file beside it,
    which Hugo, Jekyll, Zola and Astro leave out of a site; named by a hash of the name when
    the name itself leaves no room for `.partial` in `NAME_MAX_BYTES` (a 254-byte name imports fine)."""
    name = target.name if target.name.startswith(".") else f".{target.name}"
    if name_bytes(f"{name}.partial") > NAME_MAX_BYTES:
        return target.with_name(hashed_hidden_name(target.name, ".partial"))
    return target.with_name(f"{name}.partial")


def _write_file(target: Path, data: bytes, mode: int = 0o666) -> None:
    """Write `data` to `target` whole (`private_files.replace_whole`), replacing a symlink there
    instead of following it.

    `mode` applies to the file written (0600 for private exports, from the first byte).
    """
    replace_whole(target, data, partial=partial_path(target), mode=mode)


class _Writer:
    """Writes rendered posts and their images under `root`, never outside it.

    Paths are decided here, in order; with `io_threads` the file writes themselves run on
    threads (creating files is kernel time, which then spreads over the cores).
    """

    MAX_PENDING_WRITES = 256

    def __init__(
        self,
        root: Path,
        dialect: str,
        media_root: Path,
        io_threads: int = 0,
        force: bool = False,
        private: bool = False,
        default_tz: tzinfo = UTC,
        resolve_liquid: bool = False,
        redirects: bool = False,
    ):
        self.root, self.dialect, self.media_root, self.force = root, dialect, media_root, force
        # to render a post again at the path it is numbered to
        self.default_tz, self.resolve_liquid, self.redirects = default_tz, resolve_liquid, redirects
        self.file_mode = 0o600 if private else 0o666
        self.written_before, self.manifest_bytes = _read_manifest(root)
        self.manifest = dict(self.written_before)
        self.earlier = {  # post id -> the path the last export wrote its file at
            entry.post: shown for shown, entry in self.written_before.items() if entry.post and not entry.moved_to
        }
        self.placed: dict[str, str] = {}  # post id -> the path this run exported it to
        self.journal = WriteJournal(root / JOURNAL, self.file_mode)
        self.journaled = WriteJournal.read(self.journal.path)  # what a run that did not finish wrote
        self._remove_partials()
        self.edited: list[str] = []
        self.used: set[str] = set()
        self.folders: dict[Path, bool] = {}
        self.images = 0
        self.written = self.unchanged = 0  # post files
        self.pool = ThreadPoolExecutor(max_workers=io_threads, thread_name_prefix="export") if io_threads else None
        self.pending: deque[tuple[Future[object], str]] = deque()

    def _rendered_at(
        self, post: StoredPost, at: PurePosixPath, rendered: tuple[str, str, str | None]
    ) -> tuple[str, str, str | None] | str:
        """`render_at` for this export's dialect, zone and Liquid choice, or why it cannot be exported."""
        return _or_reason(
            partial(
                render_at,
                post,
                self.dialect,
                self.default_tz,
                at=at.as_posix(),
                rendered=rendered,
                resolve_liquid=self.resolve_liquid,
                redirects=self.redirects,
            )
        )

    def place(
        self, post: StoredPost, rendered: tuple[str, str, str | None] | str, images: Sequence[str]
    ) -> ExportedPost:
        """Write one rendered post (numbering its file if the path is taken) and its images."""
        if isinstance(rendered, str):
            return ExportedPost(post.id, post.slug, None, note=rendered)
        path, text, note = rendered
        relative = safe_relative(path)
        if relative is None:
            return ExportedPost(post.id, post.slug, None, note=f"cannot export: unsafe path {path!r}")
        from blogster_cli.content.mapping import folded_path

        kept = self._kept_name(post, relative)
        if kept is not None:  # rendered again for the name its file has (its day in the zone set then)
            again = self._rendered_at(post, kept, rendered)
            if not isinstance(again, str):
                relative, text = kept, again[1]
        renamed_from = None
        free = free_path(relative, self.used)  # `rust-2.md` after `Rust.md`
        if free != relative:
            renamed_from, relative = relative.as_posix(), free
            # rendered for the path it lost, rendered again for this one (its name states `x-2`)
            again = self._rendered_at(post, relative, rendered)
            if isinstance(again, str):
                return ExportedPost(post.id, post.slug, None, note=again)
            text = again[1]
        target = self.root / relative
        if not self._folder(target.parent):
            return ExportedPost(post.id, post.slug, None, note=f"cannot export: {relative} leads outside the folder")
        self.used.add(folded_path(relative.as_posix()))
        folder = self._image_folder(relative)
        copied = self._images(folder, images) if images else []
        if copied:
            from blogster_cli.content.images import rewrite_media_links

            text = rewrite_media_links(text, {name: self._image_link(relative, folder, name) for name in copied})
        shown = relative.as_posix()
        data = text.encode("utf-8")
        sha = hashlib.sha256(data).hexdigest()
        on_disk = self._read(target, limit=max(MAX_POST_FILE_BYTES, len(data)))  # at least what goes there
        held = hashlib.sha256(on_disk).hexdigest() if isinstance(on_disk, bytes) else on_disk  # or _TOO_LARGE, None
        if isinstance(on_disk, bytes) and held is not None and held != sha and self._ours(shown, held):
            data = _kept_spelling(on_disk, text).encode("utf-8")
            sha = hashlib.sha256(data).hexdigest()
        action = self._action(shown, sha, held, post.id)
        if action == "edited":
            return ExportedPost(post.id, post.slug, shown, note="edited by hand: not overwritten")
        if action == "write":
            self._write(target, data, shown, sha)
            self.written += 1
        else:
            self.unchanged += 1
        exported = ExportedPost(post.id, post.slug, relative.as_posix(), renamed_from=renamed_from, note=note)
        exported.images = [(folder / name).as_posix() for name in copied]
        return exported

    def _kept_name(self, post: StoredPost, relative: PurePosixPath) -> PurePosixPath | None:
        """Where the last export wrote `post`'s file, when it stays there rather than at `relative`:
        `content.export.kept_name` (the names differ only by the day a Jekyll name starts with, which
        `config set timezone` moved since, and the file states the post's date, the same moment), the
        file as that export wrote it (`_ours`) and its name not another post's in this run; else None."""
        from blogster_cli.content.export import kept_name
        from blogster_cli.content.mapping import folded_path

        shown = self.earlier.get(str(post.id))
        kept = safe_relative(shown) if shown is not None and shown != relative.as_posix() else None
        if shown is None or kept is None or folded_path(shown) in self.used:
            return None
        target = self.root / kept
        try:
            if not target.parent.resolve().is_relative_to(self.root):
                return None
            data = read_regular(target, limit=MAX_POST_FILE_BYTES)  # a link, a FIFO, a huge file: not read
            if data is None:
                return None
            previous = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None  # not kept: the post's file is written at `relative`, as it would be
        if not self._ours(shown, hashlib.sha256(data).hexdigest()):
            return None
        date = post.published_at if post.published_at is not None else post.created_at  # as its name is dated
        dialect = cast("Dialect", self.dialect)
        return kept if kept_name(previous, shown, relative.as_posix(), date, dialect, self.default_tz) else None

    def _read(self, target: Path, *, limit: int) -> bytes | str | None:
        """The bytes of the file at `target`; _TOO_LARGE, unread, when it holds more than `limit`;
        None when there is none or no regular file (a link, a FIFO, a device: replaced, never read or
        waited on: `read_regular`), or, with `force`, it cannot be read (replaced whole, a rename, so
        it is overwritten)."""
        try:
            return read_regular(target, limit=limit)
        except OSError as exc:
            if exc.errno == errno.EFBIG:
                return _TOO_LARGE
            if self.force or exc.errno in (errno.EINVAL, errno.ELOOP):  # ELOOP: a link swapped in since
                return None
            raise FileSystemError(f"cannot read {target}: {(exc.strerror or str(exc)).lower()}") from None

    def _ours(self, shown: str, held: str) -> bool:
        """Whether the file at `shown`, of SHA-256 `held`, is what an export wrote there (the last,
        or one that did not finish); never one larger than any export writes (_TOO_LARGE)."""
        if held == _TOO_LARGE:
            return False
        before = self.written_before.get(shown)
        return (before is not None and held == before.sha256) or held in self.journaled.get(shown, ())

    def _action(self, shown: str, sha: str, held: str | None, post_id: UUID) -> str:
        """What to do with the file at `shown`, of SHA-256 `held` (None: none, `_read`): "write";
        "same" when it already holds these bytes (with `force` too: only the files that differ are
        written); "edited" when it holds something else than what an export wrote there (`_ours`)."""
        self.manifest[shown] = Written(sha, str(post_id))
        self.placed[str(post_id)] = shown
        if held is None:
            return "write"
        if held == sha:
            return "same"
        if self.force or self._ours(shown, held):
            return "write"
        self.edited.append(shown)
        return "edited"

    def _write(self, target: Path, data: bytes, shown: str, sha: str) -> None:
        self._check(lambda: self.journal.add(shown, sha), shown)  # listed before it is written
        if self.pool is None:
            self._check(lambda: _write_file(target, data, self.file_mode), shown)
            return
        while len(self.pending) >= self.MAX_PENDING_WRITES:
            self._finish_one()
        self.pending.append((self.pool.submit(_write_file, target, data, self.file_mode), shown))

    def _remove_partials(self) -> None:
        """Removes the partial files a run that did not finish may have left (it listed each file first)."""
        remove_listed_partials(self.journaled, self._partial_inside)

    def _partial_inside(self, shown: str) -> Path | None:
        """The partial of the file listed as `shown`, None when it would be outside the folder."""
        relative = safe_relative(shown)
        if relative is None:
            return None
        leftover = partial_path(self.root / relative)
        return leftover if leftover.parent.resolve().is_relative_to(self.root) else None

    def _finish_one(self) -> None:
        future, shown = self.pending.popleft()
        self._check(future.result, shown)

    def _check(self, action: Callable[[], Any], shown: str) -> None:
        try:
            action()
        except OSError as exc:
            raise FileSystemError.writing(self.root / shown, exc) from None

    def close(self) -> None:
        """Wait for the writes still running (raising the first write error), then record
        what was written in the manifest, which replaces the journal."""
        try:
            while self.pending:
                self._finish_one()
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)
        for shown in self.edited:  # still unknown to us: stays refused until --force
            self.manifest[shown] = self.written_before.get(shown, Written(""))
        for shown, entry in self.manifest.items():  # a post now exported elsewhere: this file is an older copy
            if entry.post is not None and self.placed.get(entry.post, shown) != shown:
                self.manifest[shown] = Written(entry.sha256, entry.post, moved_to=self.placed[entry.post])
        manifest = dump(self.manifest)
        if manifest != self.manifest_bytes:
            self._check(lambda: _write_file(self.root / MANIFEST, manifest, self.file_mode), MANIFEST)
        self._check(self.journal.finish, JOURNAL)

    def abort(self) -> None:
        """After an error (raised by the caller): wait for the writes still running, whatever
        they raise, and leave the journal for the next run."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        self.pending.clear()
        self.journal.close()

    def _folder(self, folder: Path) -> bool:
        """Create `folder` if it resolves inside the export root; False if it leads out."""
        inside = self.folders.get(folder)
        if inside is None:
            inside = folder.resolve().is_relative_to(self.root)
            if inside:
                try:
                    if self.file_mode == 0o600:
                        private_dir(folder)  # its parents 0700 too (`content/posts/`), not only the last
                    else:
                        folder.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise FileSystemError.writing(folder, exc) from None
                inside = folder.resolve().is_relative_to(self.root)  # no link slipped in meanwhile
            self.folders[folder] = inside
        return inside

    def _image_folder(self, relative: PurePosixPath) -> PurePosixPath:
        """Where the images of the post at `relative` go: beside a Hugo or Zola page
        bundle's `index.md`, else the dialect's static folder."""
        from blogster_cli.content.mapping import BUNDLE_INDEX_STEMS

        bundle = self.dialect in ("hugo", "zola") and relative.stem in BUNDLE_INDEX_STEMS and relative.parent.parts
        return relative.parent if bundle else PurePosixPath(IMAGE_FOLDERS[self.dialect])

    def _image_link(self, relative: PurePosixPath, folder: PurePosixPath, name: str) -> str:
        """The link that shows image `name` in the post at `relative`, as the dialect serves it:
        a bundle's own file by name, a static file by its site URL, plain markdown relatively."""
        if folder == relative.parent:
            return name
        if self.dialect == "markdown":
            return posixpath.relpath((folder / name).as_posix(), relative.parent.as_posix())
        return f"{IMAGE_URLS[self.dialect]}/{name}"

    def _images(self, folder: PurePosixPath, names: Sequence[str]) -> list[str]:
        """Copies the stored images `names` into `folder`; returns the names now there."""
        written = []
        for name in names:
            source = self.media_root / name
            if not is_stored_name(name) or not source.is_file():
                continue
            target = self.root / folder / name
            if not self._folder(target.parent) or target.is_symlink():
                continue
            if not (target.exists() and target.stat().st_size == source.stat().st_size):
                # through _write_file: a private export's pictures are 0600 from the first byte too
                def copy(target: Path = target, source: Path = source) -> None:
                    _write_file(target, source.read_bytes(), self.file_mode)

                shown = (folder / name).as_posix()
                self._check(partial(self.journal.add, shown, ""), shown)  # listed for its partial only
                self._check(copy, shown)
                self.images += 1
            written.append(name)
        return written
