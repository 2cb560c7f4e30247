"""Import markdown posts (Hugo, Jekyll, Zola, Astro, plain) and WordPress exports.

How it works:

1. Sources: files, folders (every markdown file under them, as `content.post` finds them)
   and standard input. A post remembers the path of its file relative to the folder it
   was imported from (`content.source.path`); a file named on its own is taken relative
   to its folder, and a file or folder counts from the folder above for a page bundle
   (`slug/index.md`) and for Jekyll's `_posts/` and `_drafts/`. A file is read as its site
   lays it out (`content.layout`): imported from inside `src/content/blog/`, it is still
   an Astro entry, and from inside `_drafts/` a Jekyll draft. In an Astro site whose content
   config declares collections with glob() loaders (`content.astro_collections`), a file in a
   collection's folder is that collection's entry, kept with its path from the site's root
   (export writes it back there); a config that cannot be read without running it is named in
   one warning of the run (`ImportSummary.warnings`), and its site read as before. A file named
   on its own is read only as what a folder's walk would take it for: a markdown file (`.md`,
   `.markdown`, `.mdx`) or a WordPress export (`.xml`, or detected by its first lines); any other, or one of the
   other kind than `--format` asks, is invalid input and nothing is imported.
2. Parse and validate in Python (the content layer maps front matter; this module checks
   what the database would refuse). A file that fails is reported with its reason and
   left out; it never reaches the database. Large imports parse in worker processes.
   A post that says it is published but could not be (no content: `content.rules`) is
   kept as a draft, with a warning. With `images` (the `import` command), the pictures a
   post links to by a local path (`content.linked_images`: a page bundle's own files, or
   `/images/a.png` from the site's `static/` or `public/`) are stored as media, under the
   same checks and size limit as `images add`, read through no symbolic link and never from
   outside the post's folder (or the site's static folder); their links become
   `media/<name>`, which the site build and export understand. A picture that cannot be
   taken is reported as a warning and its link left as written.
3. Write in batches, one unit of work per batch as the acting user: the batch reads my
   posts' slugs and source paths once, then inserts posts, tags, tag links and
   activities with one statement each. Each post is all-or-nothing: if a batch fails at
   the database anyway, it is retried one post per transaction, so one bad post cannot
   sink the others.

Matching: an item of a WordPress export is first my live post made from the same item (its
site and id, else its guid, else its type, name and date, as `content.wordpress` records them; one
named so whose date changed, the one post named as it is but for the date: `_redated`): its place
in the file and its slug (untitled drafts, child pages named alike) are no one item's; an item that matches none goes
on as a file does, but never takes by its slug a post another item of its site made. A file an
export wrote (named in the manifest it keeps in its folder, `content.export_manifest`) is the
post it was written from, when that is a live post of mine and the file still names it (the post's slug, or the very bytes written); an unchanged file
that a later export wrote elsewhere is an older copy, skipped. Otherwise a file matches my live
post with the same source path first (of posts sharing it, as a post `sync` restored and wrote
apart does until its file is synced back, the one whose text the file holds; a file stating the
slug of another of them is that post: `_match_texts`); then the post
that came from the same file of the same site, imported before from another folder of it
(`blogster import site` then `site/content`): a post whose source path, from its layout
folder on (`content.layout.site_key`), is how the file's own path ends, when exactly one
post and one file pair up that way (a post whose own path is being imported keeps to that
file); then my live post with the same slug that came from no file (written in Blogster,
or from stdin or WordPress); then the one post with the same slug (or a `-N` of it) whose
stored file text is this file's exactly (the file moved, or its site folder was renamed); then,
when another file of the post was imported since (its export for another generator, whose front
matter states a date the file name gave, or a date rewritten; whose body may differ too), the one
such post that was imported from this file's path before (its revisions keep the path), else for
a file or a WordPress item the one whose body is this file's exactly and not blank (in `import`
only, and only a post whose file was replaced so: its source path is not the one it was made
with; another site's page of the same slug and body is a new post): `update` leaves such a post
as it is when the file would change what it shows (`_keep_other_file`).
A post matched by its place in the site keeps the longer of the two source paths. A matched file's
date without an offset is read in the zone its post was imported in while it is the post's date
there (`_in_post_zone`): `config set timezone` since moves no date. `on_conflict` decides what a match does: `update` (the default) writes the
file's values when they differ, `skip` leaves the post alone, `rename` imports a new post
under a suffixed slug, `overwrite` updates even a post edited in Blogster since its file was
last imported. `update` keeps such an edit (the post remembers what its import wrote:
`content.source.imported`): the file is skipped, a conflict if it changed since too, as
`sync` would call it (a file that now says what the post says is updated). A file that matches nothing but wants a slug I already use (real
blogs repeat slugs) gets the slug with `-2`, `-3`... and its outcome says so: different
files never overwrite each other. Explicit slugs are kept as written; a slug that cannot
be used in a URL (`three-ways-to manage`) is normalised with `slugify` and reported.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, BinaryIO
from uuid import UUID

from blogster_cli.actors import ActingUser
from blogster_cli.content.rules import (
    EXPORT_TOO_LARGE,
    MAX_CONTENT_BYTES,
    MAX_EXPORT_BYTES,
    POST_TOO_LARGE,
)
from blogster_cli.content.wordpress_items import named_item
from blogster_cli.db.acting import Connection, unit_of_work
from blogster_cli.db.connection import Database
from blogster_cli.errors import BlogsterError, DatabaseUnavailable, InvalidInput
from blogster_cli.repositories import activities, blogs_bulk
from blogster_cli.repositories import blogs as blog_rows
from blogster_cli.repositories.blogs_bulk import ImageAttachment, NewPostRow, PostRef, PostUpdate, StoredPost
from blogster_cli.services.post_steps import edited_publication, expiry_warning, publication
from blogster_cli.stored_json import fingerprint
from blogster_cli.text_encoding import is_utf8, unix_line_ends
from blogster_cli.vocabulary import ActivityType
from blogster_cli.wording import agreeing, plural

if TYPE_CHECKING:
    from blogster_cli.content.layout import Generator, SiteZone

ON_CONFLICT = ("update", "skip", "rename", "overwrite")
FORMATS = ("auto", "hugo", "jekyll", "zola", "astro", "markdown", "wordpress")
OUTCOMES = ("imported", "updated", "unchanged", "skipped", "failed")
BATCH_SIZE = 500
# Parsing front matter (pure-Python YAML) is most of an import's CPU time: beyond this many
# files it runs in worker processes while the main process writes to the database (on more
# than two cores: `_parser_processes`).
PARALLEL_THRESHOLD = 400
_WXR_SNIFF_BYTES = 4096
EMPTY_REASON = "empty file"
PAGE_NOTE = "a WordPress page: imported as a draft"
PASSWORD_WARNING = "password-protected in WordPress: imported as a draft"  # its password is not kept
DRAFT_WARNING = "kept as a draft: it says it is published, but {problems}"
_SHOWN_PICTURES = 5  # problems named in a post's one warning line about its pictures


@dataclass
class FileOutcome:
    """What happened to one file (or one item of a WordPress export)."""

    path: str
    outcome: str  # one of OUTCOMES
    reason: str | None = None
    id: UUID | None = None
    slug: str | None = None
    title: str | None = None
    renamed_from: str | None = None  # the slug the file asked for, when it got a suffixed one
    page: bool = False  # a WordPress page (imported as a draft)
    # the post's status after the import (a dry run's: would be): draft, published or scheduled;
    # None when the file leaves no post as it says (failed, skipped)
    status: str | None = None
    warnings: list[str] = field(default_factory=list)  # what was changed or left out, the post still imported
    images: int = 0  # pictures the post links to that were stored as media
    conflict: bool = False  # skipped: the post and the file both changed since it was imported
    edit_kept: bool = False  # skipped: the post was edited in Blogster since the file, unchanged, was imported

    @property
    def warned(self) -> bool:
        """Whether its warnings are news: an unchanged file's were said when it was imported
        (`--json` still lists them), and a failed file's post was not imported at all."""
        return bool(self.warnings) and self.outcome not in ("failed", "unchanged")


@dataclass
class ImportSummary:
    files: list[FileOutcome] = field(default_factory=list)
    dry_run: bool = False
    on_conflict: str = "update"
    # WordPress's own items of an export (attachments, menu items...), by type: not posts
    not_posts: Counter[str] = field(default_factory=Counter)
    # about the run, not one file: an Astro site's content config that cannot be read (`site_warnings`);
    # `--json`'s `warnings` adds each file's (`said_warnings`)
    warnings: list[str] = field(default_factory=list)
    # the time zones the sites' configs state, that their dates without an offset were read in (`site_zones`)
    timezones: list[SiteTimezone] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for file in self.files:
            counts[file.outcome] += 1
        counts["renamed"] = sum(1 for file in self.files if file.renamed_from is not None)
        counts["pages"] = sum(1 for file in self.files if file.page and file.outcome != "failed")
        counts["warnings"] = sum(1 for file in self.files if file.warned)
        # an unchanged file's warnings were said when it was imported: not repeated, only counted
        counts["warnings_not_repeated"] = sum(1 for file in self.files if file.warnings and file.outcome == "unchanged")
        counts["images"] = sum(file.images for file in self.files if file.outcome != "failed")
        # what the site shows of these files' posts after the import: published now, scheduled for later
        counts["published"] = sum(1 for file in self.files if file.status == "published")
        counts["scheduled"] = sum(1 for file in self.files if file.status == "scheduled")
        return counts

    @property
    def said_warnings(self) -> list[str]:
        """Every warning the run says, as `--json` lists them: the run's, then its files' (`file_warnings`)."""
        return [*self.warnings, *file_warnings(self.files)]

    @property
    def failed(self) -> list[FileOutcome]:
        return [file for file in self.files if file.outcome == "failed"]

    @property
    def new_ids(self) -> list[UUID]:
        return [file.id for file in self.files if file.outcome == "imported" and file.id is not None]

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "on_conflict": self.on_conflict,
            "counts": self.counts,
            "not_posts": dict(sorted(self.not_posts.items())),
            "warnings": self.said_warnings,
            "timezones": [vars(zone) for zone in self.timezones],
            "files": [vars(file) for file in self.files],
        }


def file_warnings(files: Iterable[FileOutcome]) -> list[str]:
    """Each file's warnings that are news (FileOutcome.warned) as `path: warning`, the `warning:`
    lines the import prints: also what sync says of the files it imports."""
    return [f"{file.path}: {text}" for file in files if file.warned for text in file.warnings]


@dataclass(frozen=True)
class SiteTimezone:
    """The time zone a site's config states (`content.layout.site_zone`), that import read the site's
    dates without an offset in instead of the timezone setting, as Hugo and Jekyll read them."""

    timezone: str
    setting: str  # the file and key that state it: `hugo.toml timeZone`
    site: str  # the site's folder

    @property
    def note(self) -> str:
        return f"dates without an offset read in {self.timezone} ({self.setting})"


@dataclass(frozen=True)
class ImportSource:
    """One file to read: `root / relative`, or `data` given directly (standard input)."""

    label: str
    root: Path | None = None
    relative: PurePosixPath | None = None
    data: bytes | None = None

    @property
    def path(self) -> Path:
        """`root / relative`: where a source that is a file lives."""
        assert self.root is not None and self.relative is not None  # only sources given as data have neither
        return self.root / self.relative


@dataclass
class Candidate:
    """A parsed, validated post waiting for the database."""

    label: str
    title: str
    base_slug: str
    slug_note: str | None
    source_path: str | None
    dialect: str
    tags: list[str]
    content: dict[str, Any]
    status: str
    meta_description: str | None
    meta_keywords: list[str] | None
    featured_image: str | None
    created_at: datetime | None
    published_at: datetime | None
    page: bool = False  # a WordPress page, which import keeps as a draft
    warnings: list[str] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    status_stated: bool = True  # False: a plain markdown file says nothing of it, and an update keeps the post's
    # False: a plain markdown file without front matter (as export writes one) says nothing of the
    # tags, description, keywords or picture, and an update keeps the post's
    metadata_stated: bool = True
    file_sha256: str | None = None  # of the file's bytes as read (a file source's), for an export's manifest
    floating_date: datetime | None = None  # its date as written when that states no offset: `_in_post_zone`
    wordpress_item: WordPressItem | None = None  # a WordPress item's identity: `_item_match`
    # why the file is its site's page, not a post (`content.post.top_level_page_reason`): skipped
    # unless it is already a post's file (`_page_of_no_post`; sync's tracked files always are)
    page_unless_linked: str | None = None


@dataclass(frozen=True)
class _LeftLinked:
    """Why pictures were left as linked, in words for one picture and for several."""

    one: str
    many: str

    def said(self, count: int) -> str:
        return agreeing(count, self.one, self.many)


_LIQUID_UNRESOLVED = _LeftLinked("a Liquid link it cannot resolve", "Liquid links it cannot resolve")
_NO_SITE_FOLDER = _LeftLinked("no site folder to resolve it in", "no site folder to resolve them in")


@dataclass(frozen=True)
class Picture:
    """A picture a post links to, stored as media (or checked, in a dry run)."""

    name: str  # its media name, `<sha256>.<ext>`
    mime_type: str
    size: int
    alt: str | None


@dataclass(frozen=True)
class NotPosts:
    """WordPress's own items of an export, by type: counted in the summary, not listed."""

    counts: Counter[str]


Prepared = Candidate | FileOutcome
# A WordPress item's identity as `content.wordpress` records it: (its site, its id), or (None, its guid);
# an item with neither, (its site or None, its type, name and date as a JSON array).
WordPressItem = tuple[str | None, str]
Parsed = Prepared | NotPosts  # what reading one source gives


# -- sources -----------------------------------------------------------------------


def read_standard_input(stream: BinaryIO, *, fmt: str) -> bytes:
    """`-`'s bytes: a post's up to its limit and a byte, enough to refuse it as too large without
    holding a runaway pipe; a WordPress export's (asked for, or detected by its head) up to its own,
    as a file of one is read (`prepare_source`)."""
    data = stream.read(MAX_CONTENT_BYTES + 1)
    if len(data) > MAX_CONTENT_BYTES and _wordpress(fmt, ImportSource(label="-", data=data), data):
        data += stream.read(MAX_EXPORT_BYTES + 1 - len(data))
    return data


def collect_sources(
    paths: Sequence[str | Path], *, fmt: str = "auto", stdin_data: bytes | None = None
) -> tuple[list[ImportSource], list[FileOutcome]]:
    """The files named by `paths` (folders searched recursively; `-` is `stdin_data`), and
    the outcomes already decided: links and special files skipped, unreadable folders failed
    (`content.files` says why links are never followed).

    A path that does not exist is invalid input: nothing is imported.
    """
    from blogster_cli.content.files import (
        NOT_UTF8_REASON,
        NotRegularFile,
        check_named_file,
        list_folder,
    )
    from blogster_cli.content.post import SECTION_INDEX_REASON, is_section_index, list_markdown_files

    _check_format(fmt)
    missing = [str(given) for given in paths if str(given) != "-" and not _exists(Path(given).expanduser())]
    if missing:
        raise InvalidInput(f"no such file or folder: {', '.join(missing)}")
    sources: list[ImportSource] = []
    reported: list[FileOutcome] = []
    refused: dict[tuple[str, str], list[str]] = {}  # named files of another kind, by why: nothing is imported
    seen: set[Path] = set()

    def add(source: ImportSource, real: Path) -> None:
        if real not in seen:  # a file named twice (`site site/a.md`) is imported once
            seen.add(real)
            sources.append(source)

    for given in paths:
        label = str(given)
        if label == "-":
            sources.append(ImportSource(label="-", data=stdin_data if stdin_data is not None else b""))
            continue
        path = Path(given).expanduser()
        if path.is_dir():
            if fmt == "wordpress":
                listing = list_folder(path, lambda name: name.lower().endswith(".xml"), lambda name: True)
            else:
                listing = list_markdown_files(path)
            real_folder = path.resolve()  # once: a file's own resolve stats each folder above it
            for relative in listing.files:
                root, anchored = _anchored(path, relative)
                add(ImportSource(label=str(path / relative), root=root, relative=anchored), real_folder / relative)
            for relative, reason in listing.skipped:
                reported.append(FileOutcome(path=str(path / relative), outcome="skipped", reason=reason))
            for relative, reason in listing.unreadable:
                reported.append(FileOutcome(path=str(path / relative), outcome="failed", reason=reason))
            continue
        try:
            check_named_file(path)
        except NotRegularFile as exc:
            reported.append(FileOutcome(path=label, outcome="skipped", reason=str(exc)))
            continue
        wrong_kind = _wrong_kind(path, fmt)
        if wrong_kind is not None:
            refused.setdefault(wrong_kind, []).append(label)
            continue
        if fmt != "wordpress" and is_section_index(path.name):
            reported.append(FileOutcome(path=label, outcome="skipped", reason=SECTION_INDEX_REASON))
            continue
        root, relative = _file_root(path)
        if not is_utf8(str(relative)):
            reported.append(FileOutcome(path=label, outcome="failed", reason=NOT_UTF8_REASON))
            continue
        add(ImportSource(label=label, root=root, relative=relative), path.resolve())
    if refused:
        said = [
            f"not {f'a {kind}' if len(labels) == 1 else f'{kind}s'}: {', '.join(labels)}{f' ({hint})' if hint else ''}"
            for (kind, hint), labels in refused.items()
        ]
        raise InvalidInput("; ".join(said))
    return sources, reported


def _wrong_kind(path: Path, fmt: str) -> tuple[str, str] | None:
    """Why a file named on its own is not read as `fmt` asks, as (what it is not, a hint), or None.
    As in a folder, import reads markdown files (`.md`, `.markdown`, `.mdx`) and WordPress
    exports (`.xml`, or a file whose first lines say it is one, as `auto` detects them), each
    only as what it is."""
    from blogster_cli.content.files import NotRegularFile, read_regular_file
    from blogster_cli.content.mapping import MARKDOWN_SUFFIXES

    suffix = os.path.splitext(path.name)[1].lower()
    if suffix in MARKDOWN_SUFFIXES:
        return ("WordPress export", "a markdown file: leave out --format wordpress") if fmt == "wordpress" else None
    wordpress = suffix == ".xml"
    if not wordpress:
        try:
            wordpress = _wxr_head(read_regular_file(path, limit=_WXR_SNIFF_BYTES))
        except (NotRegularFile, OSError):
            wordpress = False
    if wordpress:
        if fmt in ("auto", "wordpress"):
            return None
        return ("markdown file", "a WordPress export: --format wordpress or auto reads it")
    if fmt == "wordpress":
        return ("WordPress export", "")
    also = ", and WordPress exports" if fmt == "auto" else ""
    return ("markdown file", f"import reads .md, .markdown and .mdx files{also}")


def _exists(path: Path) -> bool:
    """Whether anything is at `path`, a dangling link included (it is then reported as skipped)."""
    return path.exists() or path.is_symlink()


def _file_root(path: Path) -> tuple[Path, PurePosixPath]:
    """The folder a single file counts as imported from, and its path relative to it."""
    return _anchored(path.parent, PurePosixPath(path.name))


_NAMED_FOLDERS = ("_posts", "_drafts")  # a file under them is named by the folder too


def _anchored(root: Path, relative: PurePosixPath) -> tuple[Path, PurePosixPath]:
    """`root / relative` counted from the folder above `root` when `root` is Jekyll's `_posts/`
    or `_drafts/`, or the page bundle whose `index.md` this is: the folder is part of what
    the file says (a draft, the bundle's slug), as it is when its site is imported whole."""
    from blogster_cli.content.mapping import BUNDLE_INDEX_STEMS

    folder = Path(os.path.abspath(root))  # `.` and `..` have no name of their own
    bundle = len(relative.parts) == 1 and relative.stem in BUNDLE_INDEX_STEMS
    if folder.name and (bundle or folder.name in _NAMED_FOLDERS):
        return folder.parent, PurePosixPath(folder.name, *relative.parts)
    return root, relative


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        from blogster_cli.wording import not_one_of

        raise InvalidInput(not_one_of("--format", FORMATS, fmt))


# -- parsing and validation (pure; runs in worker processes for large imports) -------


def prepare_source(
    source: ImportSource, fmt: str = "auto", default_tz: tzinfo = UTC, *, images: bool = False, dry_run: bool = False
) -> list[Parsed]:
    """Read, parse and validate one source: candidates for the database, or one failure.

    With `images`, the pictures a post links to by a local path are stored as media (only
    checked in a `dry_run`) and its links rewritten to them (the module docstring)."""
    from blogster_cli.content.errors import ContentError
    from blogster_cli.content.files import NotRegularFile, read_regular_file
    from blogster_cli.content.post import ImportedPost, import_post, not_a_post

    try:  # a post's file is read up to its limit, a WordPress export (many posts) up to its own
        data = source.data if source.data is not None else read_regular_file(source.path, limit=MAX_CONTENT_BYTES)
        if len(data) > MAX_CONTENT_BYTES and source.data is None and _wordpress(fmt, source, data):
            data = read_regular_file(source.path, limit=MAX_EXPORT_BYTES)
    except NotRegularFile as exc:
        return [FileOutcome(path=source.label, outcome="skipped", reason=str(exc))]
    except OSError as exc:
        return [FileOutcome(path=source.label, outcome="failed", reason=f"cannot read: {exc.strerror or exc}")]
    try:
        if _wordpress(fmt, source, data):
            if len(data) > MAX_EXPORT_BYTES:
                return [FileOutcome(path=source.label, outcome="failed", reason=EXPORT_TOO_LARGE)]
            from blogster_cli.content.wordpress import (  # markdownify and bs4 take ~0.8 s
                SkippedItem,
                outside_code,
                read_wxr,
                shortcodes_left,
                uploads_linked,
            )
            from blogster_cli.publish.sanitize import embeds_changed

            export = read_wxr(data, default_tz)
            prepared: list[Parsed] = [NotPosts(export.internal)] if export.internal else []
            for number, entry in zip(export.numbers, export.entries, strict=True):
                label = f"{source.label}#{number}"  # the file's Nth <item>
                if isinstance(entry, SkippedItem):
                    prepared.append(FileOutcome(path=label, outcome="skipped", reason=entry.reason, title=entry.title))
                    continue
                try:
                    candidate = _candidate(label, entry)
                except (ContentError, InvalidInput) as exc:
                    prepared.append(FileOutcome(path=label, outcome="failed", reason=str(exc), title=entry.title))
                    continue
                if entry.password_protected:  # WordPress showed it only to readers given the password
                    candidate.warnings.insert(0, PASSWORD_WARNING)
                uploads = uploads_linked(entry)
                if uploads:
                    candidate.warnings.append(
                        f"{plural(len(uploads), 'picture')} still shown from the old site's media library ({uploads[0]}"
                        f"{' ...' if len(uploads) > 1 else ''}): they break when it goes; download them and"
                        " `blogster images add` them"
                    )
                shortcodes = shortcodes_left(entry)
                if shortcodes:
                    candidate.warnings.append(
                        f"{plural(len(shortcodes), 'WordPress shortcode')} left as text: {', '.join(shortcodes)};"
                        " a static site shows them as written, so replace them in the post"
                    )
                changed = embeds_changed(outside_code(entry))
                if changed:
                    candidate.warnings.append(_embeds_warning(changed))
                prepared.append(candidate)
            return prepared
        dialect = None if fmt == "auto" else fmt
        layout, site = _layout(source), _site_generator(source)
        placed = not_a_post(layout, site=site, dialect=dialect) if layout is not None else None
        if placed is not None:  # a page or a repository's README, by where it is (`content.post`)
            return [FileOutcome(path=source.label, outcome="skipped", reason=placed)]
        if len(data) > MAX_CONTENT_BYTES:  # stored, a file's text takes at least its bytes (escaped)
            return [FileOutcome(path=source.label, outcome="failed", reason=POST_TOO_LARGE)]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return [FileOutcome(path=source.label, outcome="failed", reason=f"not UTF-8 text (byte {exc.start})")]
        if not text.lstrip("\ufeff").strip():
            return [FileOutcome(path=source.label, outcome="skipped", reason=EMPTY_REASON)]

        permalink = _site_permalink(source, layout) if site in ("jekyll", "hugo") else None
        read_in = _read_in(source, default_tz) if site in ("jekyll", "hugo") else default_tz
        collection = _collection(source) if site == "astro" else None

        def read(text: str) -> ImportedPost:
            return import_post(
                text, source.relative, dialect=dialect, default_tz=read_in,  # type: ignore[arg-type]
                layout=layout, site=site, site_permalink=permalink, collection=collection,
            )  # fmt: skip

        post = read(text)
        translated = _translation(
            source, post.content["source"]["dialect"], detected=dialect is None, layout=layout, site=site
        )
        if translated is not None:
            return [FileOutcome(path=source.label, outcome="skipped", reason=translated)]
        if post.not_a_page is not None:  # a Hugo headless bundle, a page never rendered
            return [FileOutcome(path=source.label, outcome="skipped", reason=post.not_a_page)]
        pictures: list[Picture] = []
        warnings: list[str] = []
        if images and source.root is not None and post.page_unless_linked is None:  # a page stores none
            text, pictures, warnings = _linked_pictures(source, text, post, dry_run)
            if pictures:  # read again: the links now name the stored pictures
                post = read(text)
        candidate = _candidate(source.label, post)
        candidate.file_sha256 = hashlib.sha256(data).hexdigest() if source.data is None else None
        candidate.pictures = pictures
        candidate.warnings = warnings + candidate.warnings
        candidate.page_unless_linked = post.page_unless_linked
        return [candidate]
    except (ContentError, InvalidInput) as exc:
        return [FileOutcome(path=source.label, outcome="failed", reason=str(exc))]
    except (ValueError, TypeError, RecursionError) as exc:  # a parser bug must not sink the whole import
        return [FileOutcome(path=source.label, outcome="failed", reason=f"cannot read: {exc}")]


# What `publish.sanitize.embeds_changed` counts, as the import's warning says it, in this order.
_LINKED_EMBEDS = {
    "frame as a link": ("embedded frame", "embedded frames"),
    "gist as a link": ("gist", "gists"),
    "object as a link": ("Flash object", "Flash objects"),
}
_LEFT_OUT_EMBEDS = {
    "script left out": ("script", "scripts"),
    "frame left out": ("frame without a web address", "frames without a web address"),
    "object left out": ("Flash object without a web address", "Flash objects without a web address"),
}


def _embeds_warning(changed: Counter[str]) -> str:
    """`embeds kept as HTML in the post: the built site shows 1 gist as a link and leaves out 2
    scripts (...)`: what a page shows otherwise of the embeds a post keeps (`publish.sanitize`)."""

    def listed(kinds: dict[str, tuple[str, str]]) -> str:
        counted = [plural(changed[kind], one, many) for kind, (one, many) in kinds.items() if changed[kind]]
        return " and ".join([", ".join(counted[:-1]), counted[-1]] if len(counted) > 1 else counted)

    linked, left_out = listed(_LINKED_EMBEDS), listed(_LEFT_OUT_EMBEDS)
    links = sum(changed[kind] for kind in _LINKED_EMBEDS)
    shown = [f"shows {linked} as {'a link' if links == 1 else 'links'}"] if linked else []
    shown += [f"leaves out {left_out}"] if left_out else []
    return (
        f"embeds kept as HTML in the post: the built site {', and '.join(shown)}"
        " (it runs no scripts, and frames only YouTube and Vimeo players)"
    )


def _translation(
    source: ImportSource, dialect: str, *, detected: bool, layout: PurePosixPath | None, site: Generator | None
) -> str | None:
    """Why a Hugo or Zola translation (`a.fr.md` beside `a.md`) is skipped: it is the same post
    in another language, under the original's slug (`content.post.translation_of`).

    A file without front matter is detected as plain markdown, which has no translations; when
    the dialect was `detected` (no --format), its site's config or its original says whether the
    folder is a Hugo or Zola site, so `hello.fr.md` holding only text is skipped there as
    `--format hugo` skips it."""
    from blogster_cli.content.post import TRANSLATION_DIALECTS, translation_of

    if layout is None:  # a source given as data: no folder, no original beside it
        return None
    if dialect not in TRANSLATION_DIALECTS and not (detected and dialect == "markdown"):
        return None
    found = translation_of(source.path)
    if found is None:
        return None
    lang, original = found
    if dialect not in TRANSLATION_DIALECTS:  # read as plain markdown: its folder's generator decides
        folder_dialect = site or _original_dialect(source, layout.parent / original)
        if folder_dialect not in TRANSLATION_DIALECTS:
            return None
    return f"translation ({lang}) of {original}: not imported, {original} is the post"


def _original_dialect(source: ImportSource, original: PurePosixPath) -> str | None:
    """The dialect the original of a translation (beside it; `original` as its site lays it out)
    is detected in, outside a site whose config names its generator; None when it cannot be read."""
    from blogster_cli.content.errors import ContentError
    from blogster_cli.content.files import read_regular_file
    from blogster_cli.content.post import detected_dialect

    try:
        data = read_regular_file(source.path.parent / original.name, limit=MAX_CONTENT_BYTES)
        text = data.decode("utf-8")
    except (ContentError, OSError, UnicodeDecodeError):
        return None
    return detected_dialect(text, original)


def _root_parts(source: ImportSource) -> tuple[str, ...]:
    assert source.root is not None  # only sources given as data have none
    return PurePosixPath(os.path.abspath(source.root)).parts


def _layout(source: ImportSource) -> PurePosixPath | None:
    """The source's path as its site lays it out (`content.layout`), when it has one."""
    from blogster_cli.content.layout import layout_path

    if source.root is None or source.relative is None:
        return None
    return layout_path(_root_parts(source), source.relative)


def _site_generator(source: ImportSource) -> Generator | None:
    """The generator the source's site names in its root config (`content.layout`), if any."""
    from blogster_cli.content.layout import site_generator

    if source.root is None or source.relative is None:
        return None
    return site_generator(_root_parts(source), source.relative)


def _collection(source: ImportSource) -> tuple[str, str] | None:
    """The (name, folder from the site's root) of the collection an Astro site's content config
    declares that the source is an entry of (`content.astro_collections`), if any."""
    from blogster_cli.content.astro_collections import collection_at

    if source.root is None or source.relative is None:
        return None
    entry = collection_at(_root_parts(source), source.relative)
    return None if entry is None else (entry.collection.name, entry.collection.folder.as_posix())


def site_warnings(sources: Sequence[ImportSource]) -> list[str]:
    """The warnings of the content configs of the Astro sites the sources are in (one line each:
    a config that cannot be read without running it, a collection's folder refused), in order."""
    from blogster_cli.content.astro_collections import nearest_site

    warnings: dict[str, None] = {}
    folders: set[tuple[str, ...]] = set()
    for source in sources:
        if source.root is None or source.relative is None:
            continue
        folder = (*_root_parts(source), *source.relative.parts[:-1])
        if folder in folders:
            continue
        folders.add(folder)
        site = nearest_site(folder)
        if site is not None:
            warnings.update(dict.fromkeys(site.warnings))
    return list(warnings)


def _site_permalink(source: ImportSource, layout: PurePosixPath | None) -> str | None:
    """The permalink pattern the source's site config sets for it (`content.layout`)."""
    from blogster_cli.content.layout import site_permalink

    if source.root is None or source.relative is None:
        return None
    return site_permalink(_root_parts(source), source.relative, layout)


def _read_in(source: ImportSource, default_tz: tzinfo) -> tzinfo:
    """The zone the source's dates without an offset are read in: the one its site's config states
    (`content.layout.site_zone`), as its generator reads them, else (none, or no zone this system knows:
    `site_zones` warns) `default_tz`, the timezone setting."""
    from blogster_cli.content.layout import site_zone

    if source.root is None or source.relative is None:
        return default_tz
    stated = site_zone(_root_parts(source), source.relative)
    return (stated.zone if stated is not None else None) or default_tz


def site_zones(sources: Sequence[ImportSource], default_tz: tzinfo) -> tuple[list[SiteTimezone], list[str]]:
    """The time zones the configs of the Hugo and Jekyll sites the sources are in state (`_read_in`),
    and a warning for each that is no zone this system knows (its dates are read in `default_tz`)."""
    from blogster_cli.content.layout import site_zone
    from blogster_cli.planning.times import zone_name

    stated: dict[tuple[str, ...], SiteZone] = {}
    folders: set[tuple[str, ...]] = set()
    for source in sources:
        if source.root is None or source.relative is None:
            continue
        folder = (*_root_parts(source), *source.relative.parts[:-1])
        if folder not in folders:
            folders.add(folder)
            found = site_zone(_root_parts(source), source.relative)
            if found is not None:
                stated.setdefault(found.site, found)
    zones: list[SiteTimezone] = []
    warnings: list[str] = []
    for found in stated.values():
        read_in = found.zone
        if read_in is not None:
            zones.append(SiteTimezone(zone_name(read_in), found.setting, str(PurePosixPath(*found.site))))
        else:
            warnings.append(found.unknown(default_tz))
    return zones, warnings


def _linked_pictures(source: ImportSource, text: str, post: Any, dry_run: bool) -> tuple[str, list[Picture], list[str]]:
    """The file's text with the links to the local pictures it shows (body and featured
    image) pointing at them stored as media, the pictures, and a warning naming those that
    could not be taken (their links are left as written)."""
    from blogster_cli.content.linked_images import (
        image_links,
        local_link,
        rewrite_front_matter_value,
        rewrite_image_links,
    )

    body: str = post.content["markdown"]
    links = image_links(body)
    featured = local_link(post.featured_image) if post.featured_image else None
    if featured is not None and all(link.target != featured.target for link in links):
        links.append(featured)
    if not links:
        return text, [], []
    new: dict[str, str] = {}
    pictures: dict[str, Picture] = {}
    problems: dict[str | _LeftLinked, list[str]] = {}  # why -> the links it applies to
    for link in links:
        found = _read_picture(source, link, post.content["source"]["dialect"], dry_run)
        if isinstance(found, Picture):
            new[link.target] = f"media/{found.name}{link.suffix}"
            pictures.setdefault(found.name, found)
        elif found is not None:
            problems.setdefault(found, []).append(link.target)
    warnings = []
    if problems:
        said = []
        for why, targets in problems.items():
            more = len(targets) - _SHOWN_PICTURES
            reason = why.said(len(targets)) if isinstance(why, _LeftLinked) else why
            said.append(f"{reason}: {', '.join(targets[:_SHOWN_PICTURES])}{f' and {more} more' if more > 0 else ''}")
        left = agreeing(sum(map(len, problems.values())), "picture")
        warnings.append(f"{left} left as linked, not imported ({'; '.join(said)})")
    if not new:
        return text, [], warnings
    head = text[: len(text) - len(body)]  # the front matter block (the body is the rest, byte for byte)
    if featured is not None and featured.target in new and head:
        head = rewrite_front_matter_value(head, featured.target, new[featured.target])
    return head + rewrite_image_links(body, new), list(pictures.values()), warnings


def _read_picture(source: ImportSource, link: Any, dialect: str, dry_run: bool) -> Picture | _LeftLinked | str | None:
    """The picture `link` names (`content.linked_images.picture_file`: the rules sync takes pictures
    by too), stored as media (checked only, in a dry run); else why not, or None when it is no file
    of this site's to take (a site address without a site, a `media/` link that is Blogster's own)."""
    from blogster_cli.content.files import NotRegularFile, read_inside
    from blogster_cli.content.linked_images import LIQUID_UNRESOLVED, NO_SITE_FOLDER, picture_file
    from blogster_cli.services.media_files import MAX_IMAGE_BYTES, store_media

    assert source.root is not None and source.relative is not None  # only file sources have pictures
    found = picture_file(_root_parts(source), source.relative, link, dialect)
    if found is None:
        return None
    if isinstance(found, str):  # why not: two of these are worded for several pictures too
        return {LIQUID_UNRESOLVED: _LIQUID_UNRESOLVED, NO_SITE_FOLDER: _NO_SITE_FOLDER}.get(found, found)
    # A file beside the post is read from the post's folder as the post was read (`source.path`).
    base = Path(*found.folder) if link.rooted else source.path.parent
    try:
        data = read_inside(base, found.path, MAX_IMAGE_BYTES)
    except NotRegularFile as exc:
        return str(exc)
    except (FileNotFoundError, NotADirectoryError):
        return None if link.path.startswith(("media/", "./media/")) else f"not found {found.where}"
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    try:
        name, mime_type = store_media(data, "the file", write=not dry_run)
    except InvalidInput as exc:
        return str(exc).removeprefix("the file ")
    except OSError as exc:  # the media folder cannot be written: the post still comes in
        why = exc.strerror or exc
        return _LeftLinked(
            f"cannot store it in the media folder: {why}", f"cannot store them in the media folder: {why}"
        )
    return Picture(name=name, mime_type=mime_type, size=len(data), alt=link.alt)


def _wordpress(fmt: str, source: ImportSource, data: bytes) -> bool:
    """Whether `source` is read as a WordPress export (WXR): asked for, or detected."""
    return fmt == "wordpress" or (fmt == "auto" and _is_wxr(source, data))


def _is_wxr(source: ImportSource, data: bytes) -> bool:
    if source.relative is not None and source.relative.suffix.lower() == ".xml":
        return True
    return _wxr_head(data)


def _wxr_head(data: bytes) -> bool:
    """Whether `data` starts as a WordPress export (WXR) does."""
    head = data[:_WXR_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"<?xml", b"<rss")) and b"<rss" in head and b"wordpress.org/export/" in head


def _candidate(label: str, post: Any) -> Candidate:
    """Validate an ImportedPost against everything the database checks, before any write."""
    from blogster_cli.content.mapping import stated_status
    from blogster_cli.content.rules import (
        check_content_size,
        check_text,
        check_title,
        import_slug,
        imported_tags,
        keywords_list,
        publish_problems,
    )
    from blogster_cli.content.slugs import composed, quoted, unusable_because

    title = check_title(post.title)
    content = post.content
    check_text(content["markdown"], "the body")
    check_content_size(content)
    if post.status not in ("draft", "published", "scheduled"):  # scheduled: a WordPress post due at its date
        raise InvalidInput(f"unknown status {post.status!r}")
    tags, tag_warnings = imported_tags(list(post.tags) + list(post.categories))
    keywords = keywords_list(post.meta_keywords)
    texts = [post.meta_description, post.featured_image, *(keywords or [])]
    for text in texts:
        if text is not None:
            check_text(text, "the front matter")
    base_slug, generated = import_slug(post.slug, title)
    note = (
        f"slug {quoted(post.slug)} {unusable_because(composed(post.slug))}; made {base_slug!r}"
        if generated and post.slug
        else None
    )
    fields = (content.get("front_matter") or {}).get("fields") or {}
    status, warnings = post.status, tag_warnings
    if status in ("published", "scheduled"):  # never live with nothing to show (the rule every publishing path applies)
        problems = publish_problems(title=title, slug=base_slug, markdown=content["markdown"])
        if problems:
            status = "draft"
            warnings.append(DRAFT_WARNING.format(problems=", ".join(problems)))
    if post.expiry is not None:
        warning = expiry_warning(post.expiry, status, publish=post.published_at)
        warnings.extend([warning] if warning is not None else [])
    source = content.get("source") or {}
    return Candidate(
        label=label,
        title=title,
        base_slug=base_slug,
        slug_note=note,
        source_path=source.get("path"),
        dialect=source.get("dialect") or "markdown",
        tags=tags,
        content=content,
        status=status,
        meta_description=post.meta_description or None,
        meta_keywords=keywords,
        featured_image=post.featured_image or None,
        created_at=post.created_at,
        published_at=post.published_at,
        page=fields.get("wordpress_type") == "page",
        warnings=warnings,
        status_stated=source.get("dialect") != "markdown" or stated_status(fields) is not None,
        metadata_stated=source.get("dialect") != "markdown"
        or (content.get("front_matter") or {}).get("format") is not None,
        floating_date=post.floating_date,
        wordpress_item=_wordpress_item(source.get("wordpress_site"), source.get("wordpress_item")),
    )


def _wordpress_item(site: object, item: object) -> WordPressItem | None:
    """A WordPress item's identity from what its post's source records, if it records one."""
    if not isinstance(item, str) or not item:
        return None
    return (site if isinstance(site, str) else None, item)


def _prepare_chunk(
    sources: list[ImportSource], fmt: str, default_tz: tzinfo, images: bool = False, dry_run: bool = False
) -> list[list[Parsed]]:
    from blogster_cli.content.layout import sites_read_once

    with sites_read_once():  # in a worker process, each chunk's own (in this one, the run's)
        return [prepare_source(source, fmt, default_tz, images=images, dry_run=dry_run) for source in sources]


def _prepared(
    sources: Sequence[ImportSource], fmt: str, default_tz: tzinfo, workers: int, images: bool, dry_run: bool
) -> Iterator[list[Parsed]]:
    """prepare_source for each source, in order; in worker processes when `workers` > 1
    (`services.parallel`), a few chunks ahead of the database."""
    from functools import partial

    from blogster_cli.services.parallel import parallel_map

    chunk = 50
    chunks = (list(sources[start : start + chunk]) for start in range(0, len(sources), chunk))
    work = partial(_prepare_chunk, fmt=fmt, default_tz=default_tz, images=images, dry_run=dry_run)
    preload = [__name__, *_PARSER_MODULES, *(_WORDPRESS_MODULES if _may_be_wordpress(sources, fmt) else ())]
    for _, results in parallel_map(work, chunks, workers=workers, preload=preload):
        yield from results


# What parsing imports, loaded once by the fork server rather than by every worker. The fork
# server starts on the import's clock (~0.3 s), so nothing a markdown import does not read is
# there: WordPress's parser (markdownify and Beautiful Soup, ~0.1 s) only where a file may be an
# export (a worker that meets one in a `.md` file imports it then).
_PARSER_MODULES = ("blogster_cli.content.post", "blogster_cli.content.layout", "blogster_cli.content.linked_images")
_WORDPRESS_MODULES = ("blogster_cli.content.wordpress",)


def _may_be_wordpress(sources: Sequence[ImportSource], fmt: str) -> bool:
    """Whether a WordPress export may be among `sources`: asked for, standard input, or a file
    not named as markdown."""
    from blogster_cli.content.mapping import MARKDOWN_SUFFIXES

    return fmt == "wordpress" or any(
        source.relative is None or source.relative.suffix.lower() not in MARKDOWN_SUFFIXES for source in sources
    )


def _parser_processes(large: bool) -> int:
    """How many processes parse an import's files when the caller does not say (1: this one).
    One core is left to this process, which plans and commits the batches and parses chunks
    itself, and to the database server's backends: on two cores, two parser processes made a
    1,000-file import slower (bench_import_export: median ~780 against ~920 posts/s parsed here)
    and a 10,000-file one no faster."""
    return max(1, min((os.cpu_count() or 1) - 1, 4)) if large else 1


# -- import ---------------------------------------------------------------------------


def import_paths(
    acting: ActingUser,
    *,
    paths: Sequence[str | Path],
    fmt: str = "auto",
    on_conflict: str = "update",
    dry_run: bool = False,
    default_tz: tzinfo = UTC,
    stdin_data: bytes | None = None,
    on_progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
    images: bool = True,
    bookkeeping_quiet: bool = True,
) -> ImportSummary:
    """Import the files and folders in `paths` (see the module docstring), with the pictures
    their posts link to unless `images` is False."""
    sources, reported = collect_sources(paths, fmt=fmt, stdin_data=stdin_data)
    summary = import_sources(
        acting, sources=sources, fmt=fmt, on_conflict=on_conflict, dry_run=dry_run, default_tz=default_tz,
        on_progress=on_progress, batch_size=batch_size, workers=workers, images=images,
        bookkeeping_quiet=bookkeeping_quiet,
    )  # fmt: skip
    summary.files = reported + summary.files
    return summary


def import_sources(
    acting: ActingUser,
    *,
    sources: Sequence[ImportSource],
    fmt: str = "auto",
    on_conflict: str = "update",
    dry_run: bool = False,
    default_tz: tzinfo = UTC,
    on_progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
    images: bool = False,
    bookkeeping_quiet: bool = False,
    on_read: Callable[[Candidate], None] | None = None,
    vacated: Collection[str] = (),
) -> ImportSummary:
    """Import already collected sources; outcomes come back in source order.

    Batches are planned one after another in this thread (slugs and matches are decided
    here, so concurrent batches never compete for a slug); for large imports two writer
    threads, each with its own connection, commit batches concurrently, which puts a
    second server process to work on the triggers (word counts, revisions).
    `workers` is the number of parser processes (default: automatic). With `images`, the
    pictures the posts link to come in too (the module docstring): `import` wants them, sync
    does not (it writes posts back to the same files, where the links must stay as written).
    With `bookkeeping_quiet` (`import`), a file whose post reads as it did (only where its file is,
    or how the file spells its front matter, changed) is reported unchanged, and its post's new
    place recorded without an activity; else it is updated (sync reports it so); and a file may pair
    with a post of its slug by its body alone, or by a path that post was imported from before
    (`_match_texts`), which sync makes a new post. `on_read` gets each post as read, for a caller
    that would otherwise read its file again (sync, for the pictures it links to). `vacated`: the
    labels of files the caller knows are new at a path whose post's file left it (sync: deleted on
    disk, the post trashed), so no post in the trash is theirs by that path (`_trashed_post`).
    """
    from contextlib import nullcontext

    from blogster_cli.content.layout import sites_read_once
    from blogster_cli.services.media_files import held_for_rows

    # The pictures are stored as the files are read (in parser processes too), their rows written
    # batches later: the media folder's lock is held from the first to the last commit.
    storing = held_for_rows() if images and not dry_run else nullcontext()
    with sites_read_once(), storing:  # each folder's site config looked for once, not once a file
        return _import_sources(
            acting, sources=sources, fmt=fmt, on_conflict=on_conflict, dry_run=dry_run, default_tz=default_tz,
            on_progress=on_progress, batch_size=batch_size, workers=workers, images=images,
            bookkeeping_quiet=bookkeeping_quiet, on_read=on_read, vacated=vacated,
        )  # fmt: skip


def _import_sources(
    acting: ActingUser,
    *,
    sources: Sequence[ImportSource],
    fmt: str,
    on_conflict: str,
    dry_run: bool,
    default_tz: tzinfo,
    on_progress: Callable[[int], None] | None,
    batch_size: int,
    workers: int | None,
    images: bool,
    bookkeeping_quiet: bool,
    on_read: Callable[[Candidate], None] | None,
    vacated: Collection[str],
) -> ImportSummary:
    _check_format(fmt)
    if on_conflict not in ON_CONFLICT:
        raise InvalidInput(f"--on-conflict must be one of {', '.join(ON_CONFLICT)}")
    large = len(sources) >= PARALLEL_THRESHOLD
    if workers is None:
        workers = _parser_processes(large)
    summary = ImportSummary(dry_run=dry_run, on_conflict=on_conflict)
    if fmt != "wordpress":
        summary.timezones, zone_warnings = site_zones(sources, default_tz)
        summary.warnings = site_warnings(sources) + zone_warnings
    with unit_of_work(acting) as conn:
        index = _Index(blogs_bulk.my_post_refs(conn))
    run = _Run(
        paths={source.relative.as_posix() for source in sources if source.relative is not None},
        bookkeeping_quiet=bookkeeping_quiet,
        by_body=bookkeeping_quiet,
        by_earlier_path=bookkeeping_quiet,
        vacated=set(vacated),
        zone=default_tz,
    )
    run.found.update(_site_matches(index, sources, run.paths))
    run.exported.update(_exported_files(sources))
    writers = _Writers(acting, 2 if large and not dry_run and (os.cpu_count() or 1) > 1 else 1)
    in_flight: deque[tuple[Future[list[FileOutcome]], int]] = deque()

    def collect(limit: int) -> None:
        while len(in_flight) > limit:
            future, count = in_flight.popleft()
            summary.files.extend(future.result())
            if on_progress is not None and count:
                on_progress(count)

    pending: list[Prepared] = []
    pending_sources = 0

    def flush() -> None:
        nonlocal pending, pending_sources
        candidates = [item for item in pending if isinstance(item, Candidate)]
        plans = _plan_batch(acting, index, run, candidates, on_conflict)
        in_flight.append((writers.submit(_commit, pending, plans, run, on_conflict, dry_run), pending_sources))
        pending, pending_sources = [], 0
        collect(writers.count)

    try:
        waiting = 0
        for prepared in _prepared(sources, fmt, default_tz, workers, images, dry_run):
            for item in prepared:
                if isinstance(item, NotPosts):
                    summary.not_posts.update(item.counts)
                else:
                    item = _page_of_no_post(item, index)
                    pending.append(item)
                    if on_read is not None and isinstance(item, Candidate):
                        on_read(item)
            pending_sources += 1
            waiting += sum(isinstance(item, Candidate) for item in prepared)
            if waiting >= batch_size:
                flush()
                waiting = 0
        if pending:
            flush()
        collect(0)
    finally:
        writers.close()
    return summary


def import_into(
    acting: ActingUser,
    *,
    targets: Sequence[tuple[ImportSource, UUID]],
    fmt: str = "auto",
    dry_run: bool = False,
    default_tz: tzinfo = UTC,
    on_read: Callable[[Candidate], None] | None = None,
) -> list[FileOutcome]:
    """Import each source into the given post of mine, as an update read exactly as
    import_sources reads it (a new revision when the content changed).

    For callers that already know which post a file is (sync keeps that per file), so no
    matching by source path or slug can pick another post. A post that is gone or in the
    trash fails its file; outcomes come back in the order of `targets`. `on_read`: as for
    import_sources.
    """
    from blogster_cli.content.layout import sites_read_once
    from blogster_cli.content.slugs import suffix_prefix

    _check_format(fmt)
    with sites_read_once():
        prepared = [
            (item, post_id)
            for source, post_id in targets
            for item in prepare_source(source, fmt, default_tz)
            if not isinstance(item, NotPosts)
        ]
    if on_read is not None:
        for item, _ in prepared:
            if isinstance(item, Candidate):
                on_read(item)
    # Nothing is matched by source path or slug here: the refs needed are the targets' and
    # those of the slugs a changed slug could collide with (its base and every -N of it).
    prefixes = sorted({suffix_prefix(item.base_slug) for item, _ in prepared if isinstance(item, Candidate)})
    with unit_of_work(acting) as conn:
        index = _Index(
            blogs_bulk.my_post_refs_for(conn, ids=[post_id for _, post_id in targets], slug_prefixes=prefixes)
        )
    by_id = {ref.id: ref for ref in index.by_slug.values()}
    run = _Run(zone=default_tz)
    items: list[Prepared] = []
    plans: list[_Plan] = []
    for item, post_id in prepared:
        ref = by_id.get(post_id)
        if isinstance(item, Candidate) and (ref is None or ref.trashed):
            item = FileOutcome(path=item.label, outcome="failed", reason="its post is gone or in the trash")
        elif isinstance(item, Candidate) and ref is not None:
            run.claimed.add(ref.id)
            plans.append(_Plan(item, "update", ref.slug, "matched by sync", match=ref))
        items.append(item)
    if plans:
        with unit_of_work(acting) as conn:
            stored = blogs_bulk.my_posts_by_id(conn, ids=[plan.matched.id for plan in plans])
        for plan in plans:
            if plan.matched.id in stored:
                _diff(plan, stored[plan.matched.id], index, run)
            else:  # purged since the refs were read
                plan.kind, plan.reason = "failed", "its post is gone or in the trash"
    return _commit(acting, items, plans, run, "update", dry_run)


class _Writers:
    """Runs commits inline, or on `count` threads that each own a database connection."""

    def __init__(self, acting: ActingUser, count: int):
        self.acting, self.count = acting, count
        self.pool = ThreadPoolExecutor(max_workers=count, thread_name_prefix="import") if count > 1 else None
        self.local = threading.local()
        self.opened: list[Database] = []
        self.lock = threading.Lock()

    def _thread_acting(self) -> ActingUser:
        acting = getattr(self.local, "acting", None)
        if acting is None:
            database = Database(self.acting.db.conninfo, embedded=self.acting.db.embedded)
            with self.lock:
                self.opened.append(database)
            acting = self.local.acting = replace(self.acting, db=database)
        return acting

    def submit(self, function: Callable[..., list[FileOutcome]], *args: Any) -> Future[list[FileOutcome]]:
        if self.pool is None:
            done: Future[list[FileOutcome]] = Future()
            try:
                done.set_result(function(self.acting, *args))
            except BaseException as exc:  # re-raised by result(), in order
                done.set_exception(exc)
            return done
        return self.pool.submit(lambda: function(self._thread_acting(), *args))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        for database in self.opened:
            database.close()


@dataclass
class _Run:
    """Decisions this import run has made so far, shared by the planner and the writers."""

    claimed: set[UUID] = field(default_factory=set)  # posts matched or created by this run
    owners: dict[str, str] = field(default_factory=dict)  # slug -> file that got it in this run
    taken: set[str] = field(default_factory=set)  # slugs given out by this run
    lock: threading.Lock = field(default_factory=threading.Lock)
    paths: set[str] = field(default_factory=set)  # the source paths of this run's files
    # file label -> the post it is by its place in the site or by its text, and which
    found: dict[str, tuple[UUID, str]] = field(default_factory=dict)
    # file label -> what the manifest of the export that wrote it says (_exported_files)
    exported: dict[str, _Exported] = field(default_factory=dict)
    # a source path several posts share -> the post whose text this run's file there holds
    holders: dict[str, UUID] = field(default_factory=dict)
    # a file that reads as its post does, found at another path or spelled in another dialect,
    # is reported unchanged (`_Plan.quiet`); sync reports such a file updated
    bookkeeping_quiet: bool = False
    # whether a file may pair with a moved post by its body (`_match_texts`): `import` only
    by_body: bool = False
    # whether by a path its post was imported from before (`_match_texts`): `import` only, never sync,
    # which matches a file by its own link records (red team 44)
    by_earlier_path: bool = False
    # the WordPress items of this run's batches so far: a post one of them made is its (`_redated`);
    # of those with neither id nor guid that made no post, how many are named alike but for the date
    items: set[WordPressItem] = field(default_factory=set)
    unmade: Counter[tuple[str | None, str, str]] = field(default_factory=Counter)
    # files new at a path whose post's file left it (`import_sources`' vacated): no trashed post's
    vacated: set[str] = field(default_factory=set)
    # file label -> my post in the trash the file reads as, without a manifest or path to say so
    # (`_trashed_copies`)
    trashed_copies: dict[str, PostRef] = field(default_factory=dict)
    zone: tzinfo = UTC  # the timezone setting: the times a warning states are in it


_BY_SITE_PATH = "its path in the site"
_BY_ITEM = "its WordPress item"
_BY_TEXT = "slug and identical text"
_BY_EARLIER_PATH = "slug and a path its post was imported from before"
_BY_BODY = "slug and identical body"
_WEAK = (_BY_EARLIER_PATH, _BY_BODY)  # pairings `_keep_other_file` lets write only what the post says
_BY_EXPORT = "the export that wrote it"
_BY_STATED_SLUG = "the slug it states (its post's file is another post's now)"
_SUFFIX = re.compile(r"^(.+)-[1-9][0-9]*$")


class _Index:
    """My posts as they were when read, for matching files against them."""

    def __init__(self, refs: list[PostRef]):
        self.by_slug = {ref.slug: ref for ref in refs}
        self.by_id = {ref.id: ref for ref in refs}
        self.by_path: dict[str, list[PostRef]] = {}
        self.by_item: dict[WordPressItem, list[PostRef]] = {}  # live posts by their WordPress item, oldest first
        self.by_wordpress_id: dict[str, list[PostRef]] = {}  # live posts imported before items were recorded
        self.trashed_by_path: dict[str, list[PostRef]] = {}  # posts in the trash by their source path (`_trashed_post`)
        for ref in refs:
            if ref.source_path is not None:
                (self.trashed_by_path if ref.trashed else self.by_path).setdefault(ref.source_path, []).append(ref)
            item = _wordpress_item(ref.wordpress_site, ref.wordpress_item)
            if item is not None and not ref.trashed:
                self.by_item.setdefault(item, []).append(ref)
            if ref.wordpress_id is not None and not ref.trashed:
                self.by_wordpress_id.setdefault(ref.wordpress_id, []).append(ref)
        self._by_base: dict[str, list[PostRef]] | None = None
        self._by_name: dict[tuple[str | None, str, str], list[PostRef]] | None = None

    def named(self, site: str | None, kind: str, name: str) -> list[PostRef]:
        """My live posts from WordPress items of `site` with neither id nor guid, of that type and
        name, whatever their date (`content.wordpress_items.named_item`)."""
        if self._by_name is None:
            self._by_name = {}
            for (item_site, item_id), refs in self.by_item.items():
                named = named_item(item_id)
                if named is not None:
                    self._by_name.setdefault((item_site, named[0], named[1]), []).extend(refs)
        return self._by_name.get((site, kind, name), [])

    def from_files(self, base: str) -> list[PostRef]:
        """My live posts from a file whose slug is `base` or a `-N` of it."""
        from blogster_cli.content.slugs import is_suffixed

        if self._by_base is None:
            self._by_base = {}
            for refs in self.by_path.values():
                for ref in refs:
                    suffixed = _SUFFIX.match(ref.slug)
                    for key in {ref.slug, suffixed.group(1) if suffixed else ref.slug}:
                        self._by_base.setdefault(key, []).append(ref)
        return [ref for ref in self._by_base.get(base, ()) if is_suffixed(ref.slug, base)]


def _site_matches(index: _Index, sources: Sequence[ImportSource], reserved: set[str]) -> dict[str, tuple[UUID, str]]:
    """Files of this run that are posts of mine imported before from another folder of the
    same site: the post's source path, from its layout folder on, is how the file's absolute
    path ends (`content/posts/a.md` for `/s/hugo/content/posts/a.md`, imported from `hugo/content`).

    A file pairs with the post of the longest such path; a tie, or a post that several files
    would take, pairs nothing (the files are new posts then, as before). Posts whose own
    source path is in this run (`reserved`) are left to their file. A bare `index.md` names
    no bundle, so it pairs with nothing."""
    from blogster_cli.content.layout import site_key
    from blogster_cli.content.mapping import BUNDLE_INDEX_STEMS

    by_tail: dict[tuple[str, ...], list[tuple[PostRef, tuple[str, ...]]]] = {}
    for path, refs in index.by_path.items():
        if path in reserved:
            continue
        key = site_key(path)
        if not key or (len(key) < 2 and PurePosixPath(key[-1]).stem in BUNDLE_INDEX_STEMS):
            continue
        for ref in refs:
            by_tail.setdefault(key[-2:], []).append((ref, key))
    if not by_tail:
        return {}
    chosen: dict[str, PostRef] = {}
    for source in sources:
        if source.relative is None or source.relative.as_posix() in index.by_path:
            continue
        parts = PurePosixPath(os.path.abspath(source.path)).parts
        found = [
            (ref, key)
            for tail in {parts[-1:], parts[-2:]}
            for ref, key in by_tail.get(tail, ())
            if parts[-len(key) :] == key
        ]
        if not found:
            continue
        longest = max(len(key) for _, key in found)
        best = {ref.id: ref for ref, key in found if len(key) == longest}
        if len(best) == 1:
            chosen[source.label] = next(iter(best.values()))
    wanted = Counter(ref.id for ref in chosen.values())
    return {label: (ref.id, _BY_SITE_PATH) for label, ref in chosen.items() if wanted[ref.id] == 1}


@dataclass(frozen=True)
class _Exported:
    """What the manifest of the export that wrote a file says of it (`content.export_manifest`)."""

    post: UUID  # the post it was written from
    sha256: str  # of the bytes written
    moved_to: str | None = None  # a later export wrote the post there: this file is an older copy


def _exported_files(sources: Sequence[ImportSource]) -> dict[str, _Exported]:
    """Files of this run that `export` wrote, by the manifest it keeps in its folder
    (`content.export_manifest`), by label. A file is looked up in the manifest of each folder
    above it, nearest first (the export folder is the site's root, whichever folder of it is
    imported). Each folder is looked at once a run, whichever files ask (each file looking at
    every folder above it took the files times the depth squared: 100 files 2,000 folders deep, 3 s).

    A manifest that is a link or too large is not read; an entry without a post (a manifest
    older than the ids), with an id that is none, or naming a post another entry names too, is
    left out. Whether the post may be matched is `_exported_match`'s to say."""
    from blogster_cli.content.export_manifest import MANIFEST, MAX_MANIFEST_BYTES, parse
    from blogster_cli.content.files import NotRegularFile, read_regular_file
    from blogster_cli.content.nearest_folder import Folder, nearest_up

    manifests: dict[Folder, dict[str, _Exported]] = {}

    def manifest(folder: Folder) -> dict[str, _Exported]:
        entries = manifests.get(folder)
        if entries is None:
            entries = manifests[folder] = {}
            path = "/".join((*folder, MANIFEST))
            try:
                if not _own_manifest(path):
                    return entries
                data = read_regular_file(Path(path), limit=MAX_MANIFEST_BYTES)
            except (NotRegularFile, OSError):
                return entries
            if len(data) > MAX_MANIFEST_BYTES:
                return entries
            written = parse(data)
            named = Counter(entry.post for entry in written.values() if entry.moved_to is None)
            for path, entry in written.items():
                if entry.post is None or (entry.moved_to is None and named[entry.post] != 1):
                    continue
                try:
                    entries[path] = _Exported(UUID(entry.post), entry.sha256, entry.moved_to)
                except ValueError:
                    continue
        return entries

    def listing(folder: Folder) -> Folder | None:
        return folder if manifest(folder) else None

    # the highest folder a file's walk may reach -> folder -> the nearest folder from it up to
    # there whose manifest lists anything (`nearest_up`: each folder looked at once a run)
    nearest: dict[int, dict[Folder, Folder | None]] = {}
    found: dict[str, _Exported] = {}
    for source in sources:
        if source.root is None or source.relative is None:
            continue
        # split as text ("/a/b" is ("", "a", "b")): a Path parses each of a deep path's parts in Python
        parts = tuple(os.path.abspath(os.path.join(source.root, source.relative)).split("/"))
        highest = max(1, len(os.path.abspath(source.root).split("/")) - MANIFEST_LEVELS_ABOVE)
        known = nearest.setdefault(highest, {})
        folder = nearest_up(parts[:-1], highest, listing, known)
        while folder is not None:
            entry = manifests[folder].get("/".join(parts[len(folder) :]))
            if entry is not None:
                found[source.label] = entry
                break
            folder = nearest_up(folder[:-1], highest, listing, known)  # a manifest above may list it
    return found


MANIFEST_LEVELS_ABOVE = 3
"""How far above the folder imported a manifest is looked for (the export folder's root, from a
sub-folder of it): never up to `/`, where anyone may leave one (/tmp)."""


def _own_manifest(path: str) -> bool:
    """A manifest this user owns that nobody else may write: one in a shared folder (/tmp) or
    another user's is no word on which of my posts a file holds."""
    info = os.lstat(path)
    return info.st_uid == os.getuid() and not info.st_mode & 0o002


def _exported_match(candidate: Candidate, index: _Index, run: _Run) -> PostRef | None:
    """The post the export that wrote this file wrote it from (`_exported_files`), when it is
    a live post of mine no other file of this run took, and the file still names it: its slug
    is the post's (or the post's is a `-N` of it). A manifest is only a file in the folder,
    whose hashes whoever wrote it chose: it can name no other account's post (the index holds
    mine only), and never makes a file of another slug take a post (`_unchanged_copy`)."""
    from blogster_cli.content.slugs import is_suffixed

    exported = run.exported.get(candidate.label)
    if exported is None or exported.moved_to is not None:
        return None
    ref = index.by_id.get(exported.post)
    if ref is None or ref.trashed or ref.id in run.claimed:
        return None
    return ref if is_suffixed(ref.slug, candidate.base_slug) else None


@dataclass(frozen=True)
class _Trashed:
    """My post in the trash a file of this run is still the file of (`_trashed_post`)."""

    post: PostRef
    how: str  # by what the file is its: the export that wrote it, or the path it was imported from
    unchanged: bool  # the file holds what that export wrote, or what was imported from it last


_BY_IMPORTED_PATH = "the path it was imported from"
_BY_TRASHED_TEXT = "its slug, title and body"


def _trashed_copies(acting: ActingUser, index: _Index, run: _Run, candidates: list[Candidate]) -> None:
    """Note in `run.trashed_copies` the files that read as a post of mine in the trash (its slug,
    title and non-blank body): a copy of its export without the manifest (red team 65), which
    `_trashed_post` knows by neither manifest nor path. Only a file no other way pairs with a post
    (`import` only: sync matches by its own records), whose slug is a trashed post's; their
    posts are read in one unit of work for the batch, RLS keeping it to my own."""
    with run.lock:
        named: dict[str, PostRef] = {}  # file label -> the trashed post of its slug
        for candidate in candidates:
            ref = index.by_slug.get(candidate.base_slug)
            if (
                run.by_body
                and ref is not None
                and ref.trashed
                and candidate.wordpress_item is None
                and candidate.label not in run.found
                and candidate.label not in run.exported
                and candidate.label not in run.vacated
                and not (candidate.source_path is not None and index.by_path.get(candidate.source_path))
            ):
                named[candidate.label] = ref
    if not named:
        return
    with unit_of_work(acting) as conn:
        stored = blogs_bulk.my_posts_by_id(conn, ids=sorted({ref.id for ref in named.values()}))
    by_label = {candidate.label: candidate for candidate in candidates}
    with run.lock:
        for label, ref in named.items():
            post, body = stored.get(ref.id), by_label[label].content.get("markdown")
            if post is None or not isinstance(body, str) or not body.strip() or post.title != by_label[label].title:
                continue
            stored_body = (post.content or {}).get("markdown")
            if isinstance(stored_body, str) and _trimmed_lines(body) == _trimmed_lines(stored_body):
                run.trashed_copies[label] = ref


def _trimmed_lines(text: str) -> list[str]:
    """A body's lines as a copy of its export keeps them through an editor or another system: line
    ends (CRLF, CR) read as LF, and the whitespace at the end of each line and of the text left out."""
    return [line.rstrip() for line in unix_line_ends(text).rstrip().split("\n")]


def _trashed_post(candidate: Candidate, index: _Index, run: _Run) -> _Trashed | None:
    """My post in the trash this file is still the file of, by the manifest of the export that
    wrote it, else (a file no export wrote, no live post's) by the path it was imported from: the
    file is as that export wrote it or as it was last imported, or edited but naming the post's
    slug (or one its slug is a `-N` of). Imported, it came back live as a new post beside the one
    in the trash (`x-2`): import skips it and says so (`_trashed_reason`), as sync fails a file
    whose post is in the trash. `--on-conflict rename` imports it as a new post all the same;
    `posts restore` brings the post back, and its file then updates it. A file neither says is
    its post's when it reads as the post, as a copy of its export does (`_trashed_copies`)."""
    from blogster_cli.content.slugs import is_suffixed

    exported = run.exported.get(candidate.label)
    found: list[_Trashed] = []
    if exported is not None:
        ref = index.by_id.get(exported.post)
        if ref is not None and ref.trashed:
            found = [_Trashed(ref, _BY_EXPORT, _unchanged_since_export(candidate, run))]
    elif candidate.source_path is not None and not index.by_path.get(candidate.source_path):
        trashed = index.trashed_by_path.get(candidate.source_path, [])
        # a file paired with a live post otherwise (`run.found`), or new where its post's file was, is not
        if trashed and candidate.label not in run.found and candidate.label not in run.vacated:
            printed = _file_print(candidate.content)
            found = [_Trashed(ref, _BY_IMPORTED_PATH, ref.imported_file == printed) for ref in trashed]
    copied = run.trashed_copies.get(candidate.label)
    found.sort(key=lambda trashed: not trashed.unchanged)  # the post whose file it is as it was, first
    found.extend([_Trashed(copied, _BY_TRASHED_TEXT, unchanged=True)] if copied is not None else [])
    return next((t for t in found if t.unchanged or is_suffixed(t.post.slug, candidate.base_slug)), None)


def _trashed_reason(trashed: _Trashed) -> str:
    """Why `_trashed_post`'s file is skipped, and what brings it in."""
    slug = trashed.post.slug
    restore = f"`posts restore {slug}` brings the post back"
    if trashed.unchanged and trashed.how == _BY_EXPORT:
        return f"as an export wrote it from {slug!r}, which is in the trash: not imported ({restore})"
    if trashed.how == _BY_TRASHED_TEXT:
        return (
            f"it reads as {slug!r} ({trashed.how}), which is in the trash: not imported"
            f" ({restore}; --on-conflict rename imports it as a new post)"
        )
    if trashed.unchanged:
        return f"as it was imported into {slug!r}, which is in the trash: not imported ({restore})"
    return (
        f"its post {slug!r} (by {trashed.how}) is in the trash, and the file changed since:"
        f" not imported ({restore}, then import it again; --on-conflict rename imports it as a new post)"
    )


def _unchanged_copy(candidate: Candidate, index: _Index, run: _Run) -> PostRef | None:
    """My live post whose export wrote this file byte for byte under a name that states another
    slug (an export-numbered `x-2.md`): skipped, since it holds nothing the post lacks; never
    matched to the post, since a forged manifest could name any hash (red team 33)."""
    exported = run.exported.get(candidate.label)
    if exported is None or exported.moved_to is not None or not _unchanged_since_export(candidate, run):
        return None
    ref = index.by_id.get(exported.post)
    if ref is None or ref.trashed or _exported_match(candidate, index, run) is not None:
        return None
    return ref


def _older_copy(candidate: Candidate, index: _Index, run: _Run) -> tuple[PostRef, str] | None:
    """My live post this file is an older copy of, and where the last export wrote the post
    instead: the file is byte for byte what an earlier export wrote (`_Exported.moved_to`)."""
    exported = run.exported.get(candidate.label)
    if exported is None or exported.moved_to is None or not _unchanged_since_export(candidate, run):
        return None
    ref = index.by_id.get(exported.post)
    return None if ref is None or ref.trashed else (ref, exported.moved_to)


def _unchanged_since_export(candidate: Candidate, run: _Run) -> bool:
    """Whether the file holds exactly the bytes its export wrote (by the export's manifest)."""
    exported = run.exported.get(candidate.label)
    return exported is not None and bool(exported.sha256) and candidate.file_sha256 == exported.sha256


@dataclass
class _Plan:
    candidate: Candidate
    kind: str  # insert, update, unchanged, skip, failed
    slug: str
    reason: str | None = None
    renamed_from: str | None = None
    match: PostRef | None = None
    changed: list[str] = field(default_factory=list)
    # an update of bookkeeping only (where the post's file is, its front matter as that file
    # spells it): written, and reported as unchanged, since nothing a reader sees changed
    quiet: bool = False
    published_at: datetime | None = None
    how: str | None = None  # what the match was by
    content: dict[str, Any] | None = None  # what an update writes, when not the candidate's own
    status: str | None = None  # the status an update writes, when not the candidate's own
    conflict: bool = False  # a skip: edited in Blogster and in the file since the import
    edit_kept: bool = False  # a skip: edited in Blogster since the import, the file not
    # an update that keeps the post's status or date against the file's (`post_steps.edited_publication`)
    publication_kept: str | None = None

    @property
    def matched(self) -> PostRef:
        """The stored post an update (or unchanged file) is about."""
        assert self.match is not None  # planned as an update only when a stored post matched
        return self.match


def _page_of_no_post(item: Prepared, index: _Index) -> Prepared:
    """A file its site shows as a page (`Candidate.page_unless_linked`) skipped, unless a post
    came from it before (imported when it had a date): the page rule decides whether a new file
    becomes a post, never takes a post its file (before, every later import or sync skipped the
    file's edits, unsaid)."""
    if not isinstance(item, Candidate) or item.page_unless_linked is None:
        return item
    if item.source_path is not None and index.by_path.get(item.source_path):
        return item
    return FileOutcome(path=item.label, outcome="skipped", reason=item.page_unless_linked)


def _plan_batch(
    acting: ActingUser, index: _Index, run: _Run, candidates: list[Candidate], on_conflict: str
) -> list[_Plan]:
    """Plans for a batch; matched posts are read (one query) to tell updates from no-ops."""
    with run.lock:  # an export's items are all in one batch: each is known before any is matched
        _note_items(index, run, candidates)
    _match_texts(acting, index, run, candidates)
    if on_conflict != "rename":  # which imports a file of a post in the trash all the same
        _trashed_copies(acting, index, run, candidates)
    with run.lock:
        plans = _plan(index, run, candidates, on_conflict)
    matched = [plan.matched.id for plan in plans if plan.kind == "update"]
    if matched:
        with unit_of_work(acting) as conn:
            stored = blogs_bulk.my_posts_by_id(conn, ids=matched)
        with run.lock:
            for plan in plans:
                if plan.kind == "update" and plan.matched.id in stored:
                    _weigh_update(plan, stored[plan.matched.id], index, run, on_conflict)
                elif plan.kind == "update":  # deleted by someone else since the import started
                    plan.kind = "failed"
                    plan.reason = f"{plan.matched.slug!r} was deleted during the import; import the file again"
    return plans


def _match_texts(acting: ActingUser, index: _Index, run: _Run, candidates: list[Candidate]) -> None:
    """Pair files that match no post by path with the one post of the same slug (or a `-N`
    of it) that came from a file of exactly the same text, else that was imported from this
    file's path before (a path in its revisions), else of the same body (one unit of work for
    the batch).

    The last two are for a post another file of it was imported from since (an export for
    another generator stating a date the file name gave, or a date it could not read, its
    links written for that generator): `_keep_other_file` says what such a pairing may write.
    Neither pairs in sync (`run.by_earlier_path`, `run.by_body`: `import` only), which matches a file
    by its own link records. The body pairs only with a post whose file was replaced so (`_moved`):
    another site's file of the same slug and body (an about page) is a new post, never my post's copy.
    A WordPress item, which has no path, pairs by its body too when no post from no file holds its
    slug. A blank body is no one post's, and a post another file of the run pairs with otherwise is
    not paired so.

    Several posts may share a source path (`sync` writes a restored post apart, `alpha-2.md`,
    when another post's file took its `alpha.md`; `--on-conflict rename`): the file there is the
    one of them whose text it holds, and a file stating the slug of another of them (the
    restored post's `alpha-2.md`, `slug: alpha`) is that post (_stated_slugs)."""
    open_files: list[tuple[Candidate, list[PostRef], bool]] = []  # (file, its posts, whether a weak pairing may say)
    weak: dict[str, tuple[UUID, str]] = {}  # file label -> the post of its slug and earlier path, or body; how
    with run.lock:
        for candidate in candidates:
            if candidate.label in run.found or _item_match(candidate, index, run) is not None:
                continue
            if any(
                known(candidate, index, run) is not None for known in (_exported_match, _older_copy, _unchanged_copy)
            ):
                continue  # the export that wrote it says which post it is
            if candidate.source_path is None:
                if _slug_match(candidate, index, run) is not None:
                    continue  # the post from no file with its slug
            else:
                own = [ref for ref in index.by_path.get(candidate.source_path, ()) if ref.id not in run.claimed]
                if len(own) > 1:
                    open_files.append((candidate, own, False))  # posts sharing its path: its text says which
                    continue
                if own:
                    continue  # its own source path matches
            refs = [
                ref
                for ref in index.from_files(candidate.base_slug)
                if ref.id not in run.claimed and ref.source_path not in run.paths  # not another file's of this run
            ]
            if refs:
                open_files.append((candidate, refs, True))
    if open_files:
        ids = sorted({ref.id for _, refs, _ in open_files for ref in refs})
        with unit_of_work(acting) as conn:
            stored = blogs_bulk.my_posts_by_id(conn, ids=ids)
            earlier = blog_rows.earlier_source_paths(conn, blog_ids=ids) if run.by_earlier_path else {}
        texts: dict[str, UUID] = {}
        bodies: dict[str, list[UUID]] = {}  # file label -> the posts of its slug and body
        for candidate, refs, weakly in open_files:
            same = [ref.id for ref in refs if _same_text(candidate.content, _content(stored, ref))]
            if len(same) == 1:
                texts[candidate.label] = same[0]
            elif not same and weakly:
                path = candidate.source_path
                was = [ref.id for ref in refs if path is not None and _was_at(path, earlier.get(ref.id, ()))]
                if len(was) == 1:
                    weak[candidate.label] = (was[0], _BY_EARLIER_PATH)
                elif not was and run.by_body:
                    bodies[candidate.label] = [ref.id for ref in refs if _same_body(candidate, _content(stored, ref))]
        moved = _moved(acting, stored, {post_id for ids in bodies.values() for post_id in ids})
        for label, ids in bodies.items():
            body = [post_id for post_id in ids if post_id in moved]
            if len(body) == 1:
                weak[label] = (body[0], _BY_BODY)
        taken = Counter(texts.values())
        with run.lock:
            for label, post_id in texts.items():
                if taken[post_id] == 1:
                    run.found.setdefault(label, (post_id, _BY_TEXT))
                    shared = index.by_id[post_id].source_path
                    if shared is not None and len(index.by_path.get(shared, ())) > 1:
                        run.holders.setdefault(shared, post_id)
    if run.holders:
        with run.lock:
            _stated_slugs(index, run, candidates)
    if weak:  # the weakest pairings: only a post no other file of the run was paired with
        taken = Counter(post_id for post_id, _ in weak.values())
        with run.lock:
            paired = {post_id for post_id, _ in run.found.values()}
            for label, (post_id, how) in weak.items():
                if taken[post_id] == 1 and post_id not in paired:
                    run.found.setdefault(label, (post_id, how))


def _was_at(path: str, earlier: Iterable[str]) -> bool:
    """Whether a file at `path` is at one of a post's `earlier` source paths, the two read from
    their first layout folder on as `_site_matches` reads them: `_posts/2015-05-07-x.md` is where
    `2015-05-07-x.md` was, imported from inside `_posts/` (or from a folder of the posts alone).
    A bare `index.md` names no bundle: it is only where an `index.md` was."""
    from blogster_cli.content.layout import site_key
    from blogster_cli.content.mapping import BUNDLE_INDEX_STEMS

    key = site_key(path)
    for before in earlier:
        if before == path:
            return True
        shorter, longer = sorted((site_key(before), key), key=len)
        bare = len(shorter) < 2 and PurePosixPath(shorter[-1]).stem in BUNDLE_INDEX_STEMS if shorter else True
        if not bare and longer[len(longer) - len(shorter) :] == shorter:
            return True
    return False


def _stated_slugs(index: _Index, run: _Run, candidates: list[Candidate]) -> None:
    """Files that match no post by path, paired with my post of exactly the slug they state
    when that post's source path is shared and this run's file there holds another of the
    posts sharing it (`run.holders`): the post's own file is elsewhere now (hold run.lock)."""
    for candidate in candidates:
        if candidate.source_path is None or candidate.label in run.found:
            continue
        if any(ref.id not in run.claimed for ref in index.by_path.get(candidate.source_path, ())):
            continue
        ref = index.by_slug.get(candidate.base_slug)
        if ref is None or ref.trashed or ref.id in run.claimed or ref.source_path is None:
            continue
        holder = run.holders.get(ref.source_path)
        if holder is not None and holder != ref.id:
            run.found[candidate.label] = (ref.id, _BY_STATED_SLUG)


def _content(stored: Mapping[UUID, StoredPost], ref: PostRef) -> dict[str, Any] | None:
    post = stored.get(ref.id)
    return None if post is None else post.content


def _same_body(candidate: Candidate, stored: dict[str, Any] | None) -> bool:
    """Whether a file's body (its markdown, front matter aside) is a stored post's, and says
    something: a blank body is anyone's; and the post's file is not this one (that is its post)."""
    body = candidate.content.get("markdown")
    return (
        isinstance(body, str)
        and bool(body.strip())
        and stored is not None
        and body == stored.get("markdown")
        and _source_path(stored) != candidate.source_path
    )


def _moved(acting: ActingUser, stored: Mapping[UUID, StoredPost], ids: set[UUID]) -> set[UUID]:
    """Of these posts, those whose file was replaced since by a file of another place: their source
    path now is not the one they were made with (revision 1), as after importing their export for
    another generator (a WordPress item's post too: it had none). Another site's file of the same
    slug and body is no copy of a post whose file never moved (one query a post: few share both)."""
    if not ids:
        return set()
    moved = set()
    with unit_of_work(acting) as conn:
        for post_id in sorted(ids):
            first = blog_rows.get_revision(conn, blog_id=post_id, number=1)
            if first is not None and _source_path(first.content) != _source_path(stored[post_id].content):
                moved.add(post_id)
    return moved


def _same_text(content: dict[str, Any], stored: dict[str, Any] | None) -> bool:
    """Whether a file's content document has exactly the text of a stored one (its front
    matter and body; where it was read from aside)."""
    if stored is None:
        return False
    return bool(content["markdown"] == stored.get("markdown") and content["front_matter"] == stored.get("front_matter"))


def _commit(
    acting: ActingUser, items: list[Prepared], plans: list[_Plan], run: _Run, on_conflict: str, dry_run: bool
) -> list[FileOutcome]:
    """Write one planned batch in one unit of work (post by post if the database refuses it),
    its tags in one before it (a tag no post links to yet is visible to no account); returns
    the outcomes of `items` in order."""
    writes = [plan for plan in plans if plan.kind in ("insert", "update")]
    ids: dict[int, UUID] = {}
    by_plan: dict[int, FileOutcome] = {}
    if writes and not dry_run:
        try:
            # The batch's tags first, committed on their own: a name new to the database, written
            # by the other writer's batch too, made one batch wait for the other's end.
            with unit_of_work(acting) as conn:
                tag_ids = blog_rows.ensure_tag_ids(conn, names=_tag_names(writes))
            with unit_of_work(acting) as conn:
                ids = _apply(conn, writes, tag_ids)
        except DatabaseUnavailable:
            raise
        except BlogsterError:
            with run.lock:
                _release(writes, run)
            for plan in writes:
                by_plan[id(plan)] = _write_one(acting, plan.candidate, run, on_conflict)
    outcomes = []
    plans_in_order = iter(plans)
    for item in items:
        if isinstance(item, FileOutcome):
            outcomes.append(item)
            continue
        plan = next(plans_in_order)
        outcomes.append(by_plan.get(id(plan)) or _outcome(plan, ids.get(id(plan)), run))
    return outcomes


def _outcome(plan: _Plan, new_id: UUID | None, run: _Run) -> FileOutcome:
    if plan.kind == "failed":
        return FileOutcome(path=plan.candidate.label, outcome="failed", reason=plan.reason, title=plan.candidate.title)
    post_id = new_id if plan.kind == "insert" else plan.match.id if plan.match is not None else None
    if post_id is not None:
        run.claimed.add(post_id)
    outcome = {"insert": "imported", "update": "updated", "unchanged": "unchanged", "skip": "skipped"}[plan.kind]
    if plan.quiet:
        outcome = "unchanged"
    reason = plan.reason
    if plan.candidate.page:
        reason = f"{PAGE_NOTE}; {reason}" if reason else PAGE_NOTE
    status = None if plan.kind == "skip" else plan.status or plan.candidate.status  # as `_apply` writes it
    kept = [plan.publication_kept] if plan.kind == "update" and plan.publication_kept is not None else []
    return FileOutcome(
        path=plan.candidate.label, outcome=outcome, reason=reason, id=post_id, slug=plan.slug,
        title=plan.candidate.title, renamed_from=plan.renamed_from, page=plan.candidate.page, status=status,
        warnings=[*plan.candidate.warnings, *kept],
        images=len(plan.candidate.pictures) if outcome in ("imported", "updated") else 0, conflict=plan.conflict,
        edit_kept=plan.edit_kept,
    )  # fmt: skip


def _release(plans: list[_Plan], run: _Run) -> None:
    """Undo the reservations of plans that were not written."""
    for plan in plans:
        if plan.kind == "insert" or (plan.match is not None and plan.slug != plan.matched.slug):
            run.taken.discard(plan.slug)
            run.owners.pop(plan.slug, None)
        if plan.match is not None:
            run.claimed.discard(plan.matched.id)


def _write_one(acting: ActingUser, candidate: Candidate, run: _Run, on_conflict: str) -> FileOutcome:
    """One post in its own unit of work, planned afresh against what is committed now."""
    plan: _Plan | None = None
    try:
        with unit_of_work(acting) as conn:
            index = _Index(blogs_bulk.my_post_refs(conn))
            with run.lock:
                [plan] = _plan(index, run, [candidate], on_conflict)
                if plan.kind == "update":
                    stored = blogs_bulk.my_posts_by_id(conn, ids=[plan.matched.id])
                    _weigh_update(plan, stored[plan.matched.id], index, run, on_conflict)
            if plan.kind in ("insert", "update"):
                ids = _apply(conn, [plan], blog_rows.ensure_tag_ids(conn, names=_tag_names([plan])))
            else:
                ids = {}
    except DatabaseUnavailable:
        raise
    except BlogsterError as exc:
        if plan is not None:
            with run.lock:
                _release([plan], run)
        return FileOutcome(path=candidate.label, outcome="failed", reason=str(exc), title=candidate.title)
    return _outcome(plan, ids.get(id(plan)), run)


def _holder(slug: str, index: _Index, run: _Run) -> str:
    """Who has `slug`, for messages (my own posts only: the index never holds others')."""
    if slug in run.owners:
        return run.owners[slug]
    ref = index.by_slug.get(slug)
    if ref is not None and ref.trashed:
        return "a post in the trash"
    if ref is not None and ref.source_path:
        return ref.source_path
    return "another post"


def _taken(slug: str, index: _Index, run: _Run) -> bool:
    return slug in index.by_slug or slug in run.taken


def _free_slug_for(base: str, index: _Index, run: _Run) -> str:
    from blogster_cli.content.slugs import unique

    return unique(base, _Taken(index, run))


class _Taken:
    """The slugs this run cannot give out: mine when read, and those it gave out since."""

    def __init__(self, index: _Index, run: _Run):
        self.index, self.run = index, run

    def __contains__(self, slug: object) -> bool:
        return isinstance(slug, str) and _taken(slug, self.index, self.run)


def _plan(index: _Index, run: _Run, candidates: list[Candidate], on_conflict: str) -> list[_Plan]:
    """Match each candidate and choose its slug, reserving both in `run` (hold run.lock)."""
    plans: list[_Plan] = []
    for candidate in candidates:
        trashed = _trashed_post(candidate, index, run) if on_conflict != "rename" else None
        if trashed is not None:
            plans.append(_Plan(candidate, "skip", trashed.post.slug, _trashed_reason(trashed)))
            continue
        older = _older_copy(candidate, index, run)
        if older is not None:
            copied, moved_to = older
            said = f"an older copy of {copied.slug!r}, which the last export wrote to {moved_to}: not imported"
            plans.append(_Plan(candidate, "skip", copied.slug, said))
            continue
        copy = _unchanged_copy(candidate, index, run)
        if copy is not None:
            said = (
                f"byte for byte what an export wrote for {copy.slug!r}, but it reads as slug"
                f" {candidate.base_slug!r}: not imported (export again to state the post's slug in it)"
            )
            plans.append(_Plan(candidate, "skip", copy.slug, said))
            continue
        match = _item_match(candidate, index, run)
        how = _BY_ITEM if match is not None else None
        if match is None and candidate.source_path is not None:
            paths = [ref for ref in index.by_path.get(candidate.source_path, ()) if ref.id not in run.claimed]
            found = run.found.get(candidate.label)  # of posts sharing the path, the one whose text it holds
            match = next((ref for ref in paths if found is not None and ref.id == found[0]), None)
            match = match or next(iter(paths), None)
            how = "source path"
        if match is None and candidate.label in run.found:
            post_id, how = run.found[candidate.label]
            ref = index.by_id.get(post_id)
            if ref is not None and not ref.trashed and ref.id not in run.claimed:
                match = ref
        if match is None and (ref := _slug_match(candidate, index, run)) is not None:
            match, how = ref, "slug"
        exported = _exported_match(candidate, index, run)
        if exported is not None and (match is None or match.id != exported.id):
            match, how = exported, _BY_EXPORT  # the export that wrote the file knows its post best
        if match is None or on_conflict == "rename":
            wanted = candidate.base_slug
            slug, reason, renamed_from = wanted, candidate.slug_note, None
            if _taken(wanted, index, run):
                slug, renamed_from = _free_slug_for(wanted, index, run), wanted
                reason = f"slug {wanted!r} is taken by {_holder(wanted, index, run)}; imported as {slug!r}"
            if match is not None:
                reason = f"matches {match.slug!r} by {how}; imported again as {slug!r}"
            plans.append(_Plan(candidate, "insert", slug, reason=reason, renamed_from=renamed_from))
            run.taken.add(slug)
            run.owners[slug] = candidate.label
            continue
        run.claimed.add(match.id)
        shown = f"{how} (imported before as {match.source_path!r})" if how == _BY_SITE_PATH else how
        if on_conflict == "skip":
            reason = f"already imported as {match.slug!r} (by {shown})"
            plans.append(_Plan(candidate, "skip", match.slug, reason, match=match, how=how))
        else:
            plans.append(_Plan(candidate, "update", match.slug, f"matched by {shown}", match=match, how=how))
    return plans


def _item_match(candidate: Candidate, index: _Index, run: _Run) -> PostRef | None:
    """My live post imported from the same WordPress item (its site and id, else its guid:
    `content.wordpress`), when this run has not taken it: an item's place in its export and its
    slug are not its own (two untitled drafts, or child pages named alike, share a slug)."""
    if candidate.wordpress_item is None:
        return None
    found = next((ref for ref in index.by_item.get(candidate.wordpress_item, ()) if ref.id not in run.claimed), None)
    return found or _recorded_before(candidate, index, run) or _redated(candidate.wordpress_item, index, run)


def _note_items(index: _Index, run: _Run, candidates: list[Candidate]) -> None:
    """Record the batch's WordPress items in `run` (`_redated`; hold run.lock)."""
    for candidate in candidates:
        item = candidate.wordpress_item
        if item is None:
            continue
        run.items.add(item)
        named = named_item(item[1])
        if named is not None and item not in index.by_item:
            run.unmade[item[0], named[0], named[1]] += 1


def _redated(item: WordPressItem, index: _Index, run: _Run) -> PostRef | None:
    """The one live post an item with neither id nor guid made that was named as this item is but
    for its date (`content.wordpress_items.named_item`), when this run has not taken it and no item of
    this run is named as it was: the item's date changed since. A new draft titled as another is a
    post of its own (the other is in the run); of several such posts, or for several such items
    that made no post, none is guessed."""
    named = named_item(item[1])
    if named is None or run.unmade[item[0], named[0], named[1]] != 1:
        return None
    refs = [
        ref
        for ref in index.named(item[0], named[0], named[1])
        if ref.id not in run.claimed and (ref.wordpress_site, ref.wordpress_item) not in run.items
    ]
    return refs[0] if len(refs) == 1 else None


def _recorded_before(candidate: Candidate, index: _Index, run: _Run) -> PostRef | None:
    """The one live post of mine imported from a WordPress item before items were recorded
    whose fields keep this item's `wp:post_id` and whose slug is the item's (or a `-N` of it):
    the drafts an export's untitled items made (`notes`, `notes-2`) each find their own. Its
    update records the item (`content.source`)."""
    from blogster_cli.content.slugs import is_suffixed

    post_id = ((candidate.content.get("front_matter") or {}).get("fields") or {}).get("wordpress_id")
    if post_id is None:
        return None
    refs = [
        ref
        for ref in index.by_wordpress_id.get(str(post_id), ())
        if ref.id not in run.claimed and is_suffixed(ref.slug, candidate.base_slug)
    ]
    return refs[0] if len(refs) == 1 else None


def _slug_match(candidate: Candidate, index: _Index, run: _Run) -> PostRef | None:
    """My live post with the file's slug that came from no file (written in Blogster, or from
    stdin or WordPress), when this run has not taken it. A post of another item of the same
    WordPress site is that item's, never this one's; one of another site's (or of the same site
    under its former address) or imported before items were recorded matches, as it always did."""
    ref = index.by_slug.get(candidate.base_slug)
    if ref is None or ref.trashed or ref.source_path is not None or ref.id in run.claimed:
        return None
    item = candidate.wordpress_item
    if item is not None and item[0] is not None and ref.wordpress_site == item[0] and ref.wordpress_item != item[1]:
        return None
    return ref


def _diff(plan: _Plan, stored: StoredPost, index: _Index, run: _Run) -> None:
    """Decide what an update changes; no change at all makes it 'unchanged' (hold run.lock)."""
    from blogster_cli.content.slugs import is_suffixed

    candidate = plan.candidate = _in_post_zone(plan.candidate, stored)
    if not candidate.metadata_stated:  # a plain markdown file without front matter keeps what it cannot say
        candidate = plan.candidate = replace(
            candidate, tags=list(stored.tags), meta_description=stored.meta_description,
            meta_keywords=stored.meta_keywords, featured_image=stored.featured_image,
        )  # fmt: skip
    candidate = plan.candidate = _without_export_heading(candidate, stored)
    # A file that is byte for byte what an export wrote from this post keeps the post's slug: the
    # slug changed since, or the file does not state it (a file name numbered apart from another's).
    as_exported = _unchanged_since_export(candidate, run) and run.exported[candidate.label].post == stored.id
    if not is_suffixed(stored.slug, candidate.base_slug) and not as_exported:
        wanted = candidate.base_slug
        if _taken(wanted, index, run):
            plan.slug, plan.renamed_from = _free_slug_for(wanted, index, run), wanted
            plan.reason = f"{plan.reason}; slug {wanted!r} is taken by {_holder(wanted, index, run)}"
        else:
            plan.slug = wanted
        run.taken.add(plan.slug)
        run.owners[plan.slug] = candidate.label
    # A plain markdown file that says nothing of the status (as export writes one) keeps the post's.
    # The file is an edit's text: its date says when the post goes live as `posts edit --from` reads
    # one (`post_steps.edited_publication`), so it publishes no scheduled post before its time and
    # takes no published one down, and says so; another past date re-dates a published post.
    live, plan.publication_kept = edited_publication(
        stored, status=candidate.status if candidate.status_stated else stored.status,
        stated=candidate.published_at, from_text=True, zone=run.zone,
    )  # fmt: skip
    plan.status, plan.published_at = live.status, live.published_at
    content = _kept_collection(candidate.content, stored.content)
    if plan.how == _BY_SITE_PATH:
        content = _kept_path(content, stored.content)
    plan.content = content
    changes = {
        "title": candidate.title != stored.title,
        "slug": plan.slug != stored.slug,
        "content": _reads_otherwise(content, stored.content)
        if run.bookkeeping_quiet
        else _without_path(content) != _without_path(stored.content),
        "source_path": not run.bookkeeping_quiet and _source_path(content) != _source_path(stored.content),
        "status": live.status != stored.status,
        "meta_description": candidate.meta_description != stored.meta_description,
        "meta_keywords": (candidate.meta_keywords or None) != (stored.meta_keywords or None),
        "featured_image": candidate.featured_image != stored.featured_image,
        "published_at": live.published_at != stored.published_at,
        "tags": {t.lower() for t in candidate.tags} != {t.lower() for t in stored.tags},
    }
    plan.changed = [name for name, changed in changes.items() if changed]
    if not plan.changed:
        kept = _without_path(content) == _without_path(stored.content) and _source_path(content) == _source_path(
            stored.content
        )
        plan.kind, plan.quiet = ("unchanged", False) if kept else ("update", True)
        plan.reason = f"{plan.reason}; no changes"
    else:
        plan.reason = f"{plan.reason}; changed {', '.join(plan.changed)}"


def _without_export_heading(candidate: Candidate, post: StoredPost) -> Candidate:
    """A plain markdown file read without the `# title` line the export wrote before its post's
    body, when the post's body does not yield its title (`content.export.adds_title_heading`):
    that line states the title, and the body stays the post's, its own first heading kept."""
    from blogster_cli.content.export import adds_title_heading, without_added_heading

    body = (post.content or {}).get("markdown")
    if candidate.dialect != "markdown" or candidate.source_path is None or not isinstance(body, str):
        return candidate
    if not adds_title_heading(post.title, body, PurePosixPath(candidate.source_path)):
        return candidate
    read = without_added_heading(candidate.content["markdown"])
    if read is None:
        return candidate
    heading, kept = read
    title = post.title if heading == " ".join(post.title.split()) else candidate.title  # as the export spelled it
    return replace(candidate, title=title, content={**candidate.content, "markdown": kept})


def _weigh_update(plan: _Plan, stored: StoredPost, index: _Index, run: _Run, on_conflict: str) -> None:
    """What an update from this file changes in `stored` (`_diff`), and, with `--on-conflict update`,
    what it leaves as the post has it: the batch and a file written alone weigh it so (hold run.lock)."""
    _diff(plan, stored, index, run)
    if on_conflict == "update":
        _keep_other_file(plan, stored, run)
        _keep_edits(plan, stored, run)
        _keep_exported(plan, stored, run)


_EDITABLE = (
    "title", "slug", "content", "status", "published_at", "meta_description", "meta_keywords", "featured_image",
    "tags",
)  # fmt: skip


def _keep_other_file(plan: _Plan, stored: StoredPost, run: _Run) -> None:
    """An update of a post paired with the file by its slug and an earlier path or its body only
    (`_WEAK`: the post's file is another now, such as its export for another generator imported
    since) that would change what the post shows is skipped: this file may be the older copy, and
    which of the two is newer only the writer knows (`--on-conflict overwrite` imports it over the
    post). A file that says what the post says is updated as planned: only its place and front
    matter's spelling change (hold run.lock)."""
    candidate = plan.candidate
    if plan.kind != "update" or plan.how not in _WEAK or says_what_post_says(candidate, stored):
        return
    if plan.slug != stored.slug:  # a slug _diff reserved for the update
        run.taken.discard(plan.slug)
        run.owners.pop(plan.slug, None)
    body = ["body"] if candidate.content.get("markdown") != (stored.content or {}).get("markdown") else []
    differs = ", ".join(body + [name for name in plan.changed if name not in ("content", "source_path")])
    plan.kind, plan.slug = "skip", stored.slug
    plan.reason = (
        f"{stored.slug!r} (matched by {plan.how}) comes from {_source_path(stored.content)} now and differs in"
        f" {differs or 'its front matter'}: left as it is (--on-conflict overwrite writes this file over it;"
        " rename makes it a new post)"
    )


def _keep_edits(plan: _Plan, stored: StoredPost, run: _Run) -> None:
    """An update of a post edited in Blogster since its file was last imported (its title,
    body, tags...) keeps the edit: the file is skipped, a conflict if it changed too. A file
    that now says what the post says is updated as planned (hold run.lock)."""
    if plan.kind != "update":
        return
    candidate = plan.candidate
    mark = _import_mark(stored.content)
    post_print = _post_print(stored)
    if mark is not None:
        edited = post_print != mark.get("post") or stored.slug != mark.get("slug") or _dated_otherwise(stored, mark)
        file_changed = _file_print(candidate.content) != mark.get("file")
    else:  # imported before posts kept a mark: a file with the stored text has not changed since
        # (a post written in Blogster came from no file: its plain markdown export holds its body too)
        imported = isinstance((stored.content or {}).get("source"), dict)
        edited = (
            imported and _same_text(candidate.content, stored.content) and any(f in _EDITABLE for f in plan.changed)
        )
        file_changed = False
    if plan.how == _BY_EXPORT and _unchanged_since_export(candidate, run):
        file_changed = False  # as the export wrote it: the post changed since, not the file
    says_the_post = plan.slug == stored.slug and plan.published_at == stored.published_at
    if not edited or (_written_print(plan) == post_print and says_the_post):
        return
    if plan.slug != stored.slug:  # a slug _diff reserved for the update
        run.taken.discard(plan.slug)
        run.owners.pop(plan.slug, None)
    differs = ", ".join(name for name in plan.changed if name in _EDITABLE) or "nothing the file sets"
    plan.kind, plan.slug, plan.conflict, plan.edit_kept = "skip", stored.slug, file_changed, not file_changed
    if file_changed:
        plan.reason = (
            f"conflict: {stored.slug!r} was edited in Blogster and the file changed since it was imported; "
            f"the Blogster edit is kept (it differs in {differs}; --on-conflict overwrite imports the file over it)"
        )
    else:
        exported = plan.how == _BY_EXPORT and _unchanged_since_export(candidate, run)
        since = "it was exported to the file" if exported else "the file was imported"
        plan.reason = (
            f"{stored.slug!r} was edited in Blogster since {since} and the file has not changed; "
            f"the Blogster edit is kept (it differs in {differs})"
        )


def _keep_exported(plan: _Plan, stored: StoredPost, run: _Run) -> None:
    """An update from a file an export wrote from this post (by the export's manifest) is no
    update while the file is byte for byte as written (it holds the post as that generator spells
    it, 18F's `{{ site.baseurl }}/` written `/` for Hugo: nothing the post lacks) or says just what
    the post says (its front matter spelled otherwise). The post keeps its home, body, front matter
    and dates, so an export for its own generator still writes its original; `--on-conflict
    overwrite` writes the file over it all the same (hold run.lock)."""
    candidate = plan.candidate
    exported = run.exported.get(candidate.label)
    if plan.kind != "update" or plan.slug != stored.slug or exported is None or exported.post != stored.id:
        return
    if stored.published_at is None and candidate.published_at == stored.created_at:
        candidate = replace(candidate, published_at=None)  # an unpublished post's date, as export writes it
    if not _unchanged_since_export(candidate, run) and not says_what_post_says(candidate, stored):
        return
    plan.kind, plan.quiet, plan.changed, plan.content = "unchanged", False, [], stored.content
    plan.status, plan.published_at = stored.status, stored.published_at
    plan.reason = f"matched by {plan.how}; as an export wrote it from the post; no changes"


def _post_values(
    title: str, status: str, meta_description: str | None, meta_keywords: list[str] | None,
    featured_image: str | None, tags: Sequence[str], content: dict[str, Any] | None,
) -> str:  # fmt: skip
    """What a writer edits in Blogster, as one hash (the slug is kept beside it)."""
    return fingerprint([
        title, status, meta_description or None, meta_keywords or None, featured_image or None,
        sorted({tag.lower() for tag in tags}), (content or {}).get("markdown"),
    ])  # fmt: skip


def _written_print(plan: _Plan) -> str:
    """What the plan writes to the post (`_post_values`)."""
    c = plan.candidate
    status = plan.status or c.status
    return _post_values(c.title, status, c.meta_description, c.meta_keywords, c.featured_image, c.tags, c.content)


def _date_print(moment: datetime | None) -> str | None:
    """A post's date as an import mark keeps it beside `_post_values` (`imported.published_at`), in UTC."""
    return moment.astimezone(UTC).isoformat() if moment is not None else None


def _dated_otherwise(stored: StoredPost, mark: dict[str, Any]) -> bool:
    """Whether the post's date changed since its file was imported. A mark written before marks
    kept the date says nothing of it: the date counts as unchanged, so no post looks edited."""
    return "published_at" in mark and mark["published_at"] != _date_print(stored.published_at)


def _post_print(p: StoredPost) -> str:
    return _post_values(p.title, p.status, p.meta_description, p.meta_keywords, p.featured_image, p.tags, p.content)


def read_post_file(source: ImportSource, *, fmt: str = "auto", default_tz: tzinfo = UTC) -> Candidate | None:
    """The post the file `source` reads as, as import reads it (its pictures left as linked, as
    sync reads files); None when it reads as no post (skipped, failed, unreadable)."""
    found = [item for item in prepare_source(source, fmt, default_tz) if isinstance(item, Candidate)]
    return found[0] if len(found) == 1 else None


def says_what_post_says(candidate: Candidate, post: StoredPost) -> bool:
    """Whether importing `candidate` into `post` would change nothing the post shows: its title,
    body, slug (or the `-N` import gave it), status, tags, description, keywords, picture and
    date (what a plain markdown file does not state is the post's, as an update keeps it). Its
    front matter may be written otherwise (another dialect's file of the same post)."""
    from blogster_cli.content.slugs import is_suffixed

    c = _in_post_zone(candidate, post)
    status = publication(c.status if c.status_stated else post.status, stated=c.published_at).status
    if c.metadata_stated:
        metadata = (c.meta_description, c.meta_keywords, c.featured_image, c.tags)
    else:
        metadata = (post.meta_description, post.meta_keywords, post.featured_image, post.tags)
    return (
        _post_values(c.title, status, *metadata, c.content) == _post_print(post)
        and is_suffixed(post.slug, c.base_slug)
        and (c.published_at is None or c.published_at == post.published_at)
    )


def _in_post_zone(candidate: Candidate, post: StoredPost) -> Candidate:
    """`candidate` read in the zone its post's dates were read in at import (`source.timezone`),
    when its date states no offset (a date alone, a Jekyll name's or a Zola path's day) and reads
    there as the post's date: an unchanged file keeps the moment it was first imported as, and
    so does a file export wrote in that zone, after `config set timezone`. A date changed since
    (or a post from no file) is read in the zone set now, as it was, and so is one whose recorded
    zone is no zone (only the account's own SQL writes one), with a warning."""
    from blogster_cli.content.post import (
        imported_zone,
        read_as_imported,
        recorded_zone,
        unknown_zone_warning,
        with_zone,
    )

    if candidate.floating_date is None:
        return candidate
    read_in = imported_zone(post.content)
    if read_in is None:
        warning = unknown_zone_warning(recorded_zone(post.content), imported_zone(candidate.content) or UTC)
        return candidate if warning is None else replace(candidate, warnings=[*candidate.warnings, warning])
    moment = read_as_imported(candidate.floating_date, post.content, post.published_at)
    if moment is None:
        return candidate
    status = publication(candidate.status, stated=moment).status  # a live post dated later is scheduled
    content = with_zone(candidate.content, read_in)
    return replace(candidate, published_at=moment, created_at=moment, status=status, content=content)


def _file_print(content: dict[str, Any]) -> str:
    """The file's text as read (front matter and body)."""
    return fingerprint([content.get("markdown"), content.get("front_matter")])


def _import_mark(content: dict[str, Any] | None) -> dict[str, Any] | None:
    source = (content or {}).get("source")
    mark = source.get("imported") if isinstance(source, dict) else None
    return mark if isinstance(mark, dict) else None


def _marked(content: dict[str, Any], plan: _Plan) -> dict[str, Any]:
    """`content` with what this import writes (`content.source.imported`), so that the next
    import of the file can tell an edit made in Blogster since (_keep_edits)."""
    if not isinstance(content.get("source"), dict):
        return content
    mark: dict[str, str | None] = {"post": _written_print(plan), "slug": plan.slug, "file": _file_print(content)}
    c = plan.candidate
    written = plan.published_at if plan.kind == "update" else c.published_at
    if plan.kind != "update" and written is None and c.status == "published":
        written = c.created_at  # as an insert dates a published post (`blogs_bulk.insert_posts`)
    if written is not None or plan.kind == "update" or c.status != "published":  # (else now(): unknown here)
        mark["published_at"] = _date_print(written)
    return {**content, "source": {**content["source"], "imported": mark}}


def _source_path(content: dict[str, Any] | None) -> str | None:
    source = (content or {}).get("source") or {}
    path = source.get("path")
    return path if isinstance(path, str) else None


def _reads_otherwise(content: dict[str, Any], stored: dict[str, Any] | None) -> bool:
    """Whether a file's content document says something the stored one does not: another body,
    other front matter values in the same dialect, or another of its other parts. Where the file
    is (`content.source`), its front matter's spelling (YAML or TOML, a date's text) and, from
    a file of another dialect (an export folder), the keys it spells them with are bookkeeping:
    the values a reader sees (title, date, tags...) are compared on their own (`_diff`)."""
    if stored is None:
        return True
    if content.get("markdown") != stored.get("markdown"):
        return True
    others = {key for key in (*content, *stored) if key not in ("markdown", "front_matter", "source")}
    if any(content.get(key) != stored.get(key) for key in others):
        return True
    dialect, before = (content.get("source") or {}).get("dialect"), (stored.get("source") or {}).get("dialect")
    fields, stored_fields = ((c.get("front_matter") or {}).get("fields") for c in (content, stored))
    return dialect == before and fields != stored_fields


def _without_path(content: dict[str, Any] | None) -> dict[str, Any] | None:
    """`content` but for its source paths (a change of their own) and its import mark."""
    if content is None or not isinstance(content.get("source"), dict):
        return content
    return {**content, "source": {**content["source"], "path": None, "layout_path": None, "imported": None}}


def _kept_collection(content: dict[str, Any], stored: dict[str, Any] | None) -> dict[str, Any]:
    """An Astro file read in no collection whose path holds the folder of its post's collection
    (`src/data/blog/x.md`, exported into a folder without the site's content config) keeps that
    collection (`content.document`), which export writes the post back into."""
    from blogster_cli.content.export import collection_base, site_path

    source, before = content.get("source"), (stored or {}).get("source")
    if not isinstance(source, dict) or not isinstance(before, dict) or source.get("collection_base") is not None:
        return content
    base, path = collection_base(before, "astro"), source.get("path")
    if source.get("dialect") != "astro" or base is None or not isinstance(path, str) or not path:
        return content
    laid = site_path(path, "astro", base)
    if not laid.startswith(f"{base.as_posix()}/"):
        return content
    kept = {"collection": before.get("collection"), "collection_base": base.as_posix(), "layout_path": laid}
    return {**content, "source": {**source, **kept}}


def _kept_path(content: dict[str, Any], stored: dict[str, Any] | None) -> dict[str, Any]:
    """A file matched by its place in the site keeps its stored source path, unless its new
    one says more of the site's layout (`content/posts/a.md` over the `a.md` it had when
    imported from inside `content/posts/`, which export could not place in its section)."""
    from blogster_cli.content.layout import layout_start, site_key

    new, old = _source_path(content), _source_path(stored)
    if new is None or old is None:
        return content
    new_key, old_key = site_key(new), site_key(old)
    fuller = len(new_key) > len(old_key) and new_key[len(new_key) - len(old_key) :] == old_key
    if fuller and layout_start(PurePosixPath(new).parts) is not None:
        return content
    return {**content, "source": {**content["source"], "path": old}}


def _tag_names(plans: list[_Plan]) -> list[str]:
    """Every tag the files of these writes carry, as spelled (ensure_tag_ids matches case-insensitively)."""
    return sorted({tag for plan in plans for tag in plan.candidate.tags})


def _apply(conn: Connection, plans: list[_Plan], tag_ids: Mapping[str, UUID]) -> dict[int, UUID]:
    """Write the batch (inserts and updates; `tag_ids` holds every tag they carry): posts, tag
    links and activities, one statement each."""
    inserts = [plan for plan in plans if plan.kind == "insert"]
    updates = [plan for plan in plans if plan.kind == "update"]
    new_ids = blogs_bulk.insert_posts(
        conn,
        rows=[
            NewPostRow(
                title=c.title,
                slug=plan.slug,
                content=_marked(c.content, plan),
                status=c.status,
                meta_description=c.meta_description,
                meta_keywords=c.meta_keywords,
                featured_image=c.featured_image,
                created_at=c.created_at,
                published_at=c.published_at,
            )
            for plan in inserts
            for c in [plan.candidate]
        ],
    )
    ids = {id(plan): post_id for plan, post_id in zip(inserts, new_ids, strict=True)}
    # Each link spelled as its file spells the tag (0117): the shared tag keeps the first spelling.
    links = [(ids[id(plan)], tag_ids[tag], tag) for plan in inserts for tag in plan.candidate.tags]
    unlinks: list[tuple[UUID, UUID]] = []
    if updates:
        updated = blogs_bulk.update_posts(
            conn,
            updates=[
                PostUpdate(
                    id=plan.matched.id,
                    title=c.title,
                    slug=plan.slug,
                    content=_marked(plan.content if plan.content is not None else c.content, plan),
                    status=plan.status or c.status,
                    meta_description=c.meta_description,
                    meta_keywords=c.meta_keywords,
                    featured_image=c.featured_image,
                    published_at=plan.published_at,
                )  # fmt: skip
                for plan in updates
                for c in [plan.candidate]
            ],
        )
        if len(updated) != len(updates):
            raise BlogsterError("a post changed or disappeared during the import")
        current = blogs_bulk.tag_ids_of(conn, blog_ids=[plan.matched.id for plan in updates])
        for plan in updates:
            have = current.get(plan.matched.id, {})
            want = {tag_ids[tag]: tag for tag in reversed(plan.candidate.tags)}
            links += [(plan.matched.id, tag_id, tag) for tag_id, tag in want.items() if tag_id not in have.values()]
            unlinks += [(plan.matched.id, tag_id) for tag_id in have.values() if tag_id not in want]
    blogs_bulk.unlink_tags(conn, pairs=unlinks)
    blog_rows.link_tags(conn, links=links)
    blogs_bulk.attach_images(
        conn,
        images=[
            ImageAttachment(
                blog_id=ids[id(plan)] if plan.kind == "insert" else plan.matched.id,
                path=picture.name,
                size=picture.size,
                file_type=picture.mime_type,
                alt_text=picture.alt,
            )  # fmt: skip
            for plan in inserts + updates
            for picture in plan.candidate.pictures
        ],
    )
    activity_rows = []
    for plan in inserts:
        c = plan.candidate
        metadata: dict[str, Any] = {"slug": plan.slug, "source_path": c.source_path, "dialect": c.dialect}
        if plan.renamed_from is not None:
            metadata["renamed_from"] = plan.renamed_from
        activity_rows.append(
            (ActivityType.IMPORTED, c.title, f"Imported '{c.title}' from {c.label}", ids[id(plan)], metadata)
        )
    for plan in updates:
        if plan.quiet:  # its file's place or spelling only: nothing to tell in the post's activity
            continue
        c = plan.candidate
        metadata = {"import": True, "update": True, "fields": plan.changed, "source_path": c.source_path}
        activity_rows.append(
            (ActivityType.EDITED, c.title, f"Updated '{c.title}' from {c.label}", plan.matched.id, metadata)
        )
    activities.record_many(conn, rows=activity_rows)
    return ids
