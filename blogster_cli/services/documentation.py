"""The help centre: documentation pages kept in the database, imported from and exported to folders.

Admins write (the service checks first for a clear message; RLS enforces it anyway);
every signed-in user reads published pages in visible categories, and searches them.
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Hashable, Iterable
from copy import deepcopy
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from blogster_cli.actors import ActingUser, require_admin
from blogster_cli.content.entities import read_references
from blogster_cli.content.line_diff import UnifiedDiff, lines, unified_diff
from blogster_cli.documentation import import_warnings, links, sources, targets, tree
from blogster_cli.documentation import query as search_query
from blogster_cli.errors import InvalidInput, NotFound
from blogster_cli.stored_json import fingerprint
from blogster_cli.vocabulary import DocumentationStatus
from blogster_cli.wording import plural

if TYPE_CHECKING:
    from sqlmodel import Session

    from blogster_cli.models.system import DocumentationCategory, DocumentationPage

CONTENT_VERSION = 1
MAX_QUERY_LENGTH = 1000


@dataclass(frozen=True)
class DocPage:
    """A page as readers see it."""

    slug: str
    title: str
    status: str
    category: str | None
    path: str | None
    tags: list[str]
    version: str | None
    excerpt: str | None
    markdown: str
    updated_at: datetime | None
    last_reviewed_at: datetime | None
    last_reviewed_by: UUID | None


@dataclass(frozen=True)
class CategoryNode:
    slug: str
    name: str
    depth: int
    pages: int
    visible: bool


@dataclass(frozen=True)
class RevisionInfo:
    number: int
    created_at: datetime | None
    version: str | None
    characters: int


@dataclass(frozen=True)
class RenamedPage:
    path: str
    asked: str  # the slug the file asks for, held by a page from elsewhere
    slug: str  # the slug it is stored under


@dataclass(frozen=True)
class ReplacedPage:
    slug: str
    path: str
    previously: str  # where the page it overwrote came from


@dataclass
class ImportReport:
    categories: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # "path: what was changed"
    # The notes an earlier import of the folder gave already: a slug normalised or a language
    # note of a page this import neither created nor renamed nor took over, and (on a folder
    # imported before) the files skipped as includes, "path: reason". The text output counts them
    # in one line, so that re-importing an unchanged tree (cron) says only what is new.
    repeated_notes: list[str] = field(default_factory=list)
    # Links to no page, pictures not in the folder, includes not read: "path: warning", in the order
    # found, and the same grouped by kind, target and cause (the most pages first); at most
    # import_warnings.LISTED in either, the rest counted in warnings_truncated.
    warnings: list[str] = field(default_factory=list)
    warning_groups: list[import_warnings.WarningGroup] = field(default_factory=list)
    warnings_truncated: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    renamed: list[RenamedPage] = field(default_factory=list)  # stored under a slug of their own
    # From elsewhere, overwritten by a file that changes them (one that leaves a page as it is: unchanged).
    replaced: list[ReplacedPage] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)  # this folder's pages whose files are gone, now archived
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): markdown that is no page
    pictures: list[str] = field(default_factory=list)  # the folder's pictures the pages show: not stored
    # Pages edited in Blogster since their file was last imported (see _edited_since_import): the
    # file unchanged, the page keeps the edit (slugs); the file changed too, it is skipped unless
    # overwrite_edits, a conflict (path, reason).
    edits_kept: list[str] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class SearchHit:
    slug: str
    title: str
    path: str | None
    category: str | None
    status: str
    score: float
    snippet: str


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: list[SearchHit]
    suggestion: str | None  # "did you mean": a sought word no page holds, and one close to it that a page does
    drafts_refused: bool = False  # drafts were asked for by someone who is no admin: published pages only
    too_common: bool = False  # no hits, and every word is one a page language skips ("the", "a")
    nothing_sought: bool = False  # no hits, and the query looks for nothing: `-word` exclusions alone


def _content(
    page: tree.PageSource, identity: sources.FolderIdentity, asked: str | None, stored: DocumentationPage | None
) -> dict[str, Any]:
    # `pictures`: the pictures it shows that its folder held (`docs check-links` checks them against it).
    source: dict[str, Any] = {"path": page.path, "tree": identity.tree, "folder": identity.folder,
                              "pictures": list(page.pictures)}  # fmt: skip
    if asked is not None:
        source["asked"] = asked
    content: dict[str, Any] = {
        "version": CONTENT_VERSION,
        "markdown": page.body,
        "front_matter": page.front_matter or None,
        "front_matter_raw": page.front_matter_raw,
        "source": source,
    }
    # Its include lines and the text each stands for: search reads that text in their place
    # (documentation_text, 0141); the markdown stays as written, so export gives the file back. An
    # include line this import could not read keeps the text the page had for it, as a file it could
    # not read keeps its page (an export holds no snippets: importing it back changes nothing).
    before = (stored.content or {}).get("includes") if stored is not None else None
    kept: dict[str, str] = {}
    if isinstance(before, dict):
        kept = {line: text for line, text in before.items() if line in page.includes_unread and isinstance(text, str)}
    if page.includes or kept:
        content["includes"] = {**kept, **page.includes}
    source["file"] = _file_fingerprint(page, content.get("includes"))
    return content


def _file_fingerprint(page: tree.PageSource, includes: object) -> str:
    """What a page records of the file it was imported from (source.file): its text and the text its includes stand for."""
    return fingerprint([sources.page_text(page), includes])


def _as_edited(fields: dict[str, object] | DocumentationPage) -> str:
    """The fingerprint of what `docs edit` changes in a page (its text, title, tags, version and
    excerpt), of a row or of the values an import writes."""

    def value(key: str) -> object:
        return fields.get(key) if isinstance(fields, dict) else getattr(fields, key)

    content = value("content")
    markdown = content.get("markdown") if isinstance(content, dict) else None
    return fingerprint([markdown, value("title"), value("tags") or [], value("version"), value("excerpt")])


def _edited_since_import(row: DocumentationPage, file_now: str) -> tuple[bool, bool]:
    """(edited, file changed): whether the page was changed in Blogster since its file was last
    imported, and whether the file (with the text it includes) was too. A page imported before
    imports recorded this reads as not edited (updated as before)."""
    source = _source(row)
    imported, file = source.get("imported"), source.get("file")
    if not isinstance(imported, str) or not isinstance(file, str):
        return False, True
    return _as_edited(row) != imported, file_now != file


def _source(page: DocumentationPage) -> dict[str, Any]:
    source = (page.content or {}).get("source")
    return source if isinstance(source, dict) else {}


def _stored_source(page: DocumentationPage) -> sources.StoredSource:
    source = _source(page)

    def text(key: str) -> str | None:
        value = source.get(key)
        return value if isinstance(value, str) else None

    content = page.content or {}
    raw, body = content.get("front_matter_raw"), content.get("markdown")
    file = (raw if isinstance(raw, str) else "") + body if isinstance(body, str) else None
    return sources.StoredSource(page.id, page.slug, text("path"), text("tree"), text("folder"), text("asked"), file,
                                text("file"))  # fmt: skip


def _markdown(content: dict[str, Any] | None) -> str:
    return str((content or {}).get("markdown") or "")


def _public(page: DocumentationPage, category_names: dict[UUID, str]) -> DocPage:
    return DocPage(
        slug=page.slug,
        title=page.title,
        status=str(page.status),
        category=category_names.get(page.category_id) if page.category_id else None,
        path=_source(page).get("path"),
        tags=list(page.tags or []),
        version=page.version,
        excerpt=page.excerpt,
        markdown=_markdown(page.content),
        updated_at=page.updated_at,
        last_reviewed_at=page.last_reviewed_at,
        last_reviewed_by=page.last_reviewed_by,
    )


def _unedited_sample_help(known: Iterable[sources.StoredSource]) -> frozenset[Hashable]:
    """The pages of Blogster's bundled help as `quickstart` published them, unedited: not anyone's
    writing (quickstart publishes them again), so a folder asking for their slugs takes them over
    instead of being refused: the first import of one's own help after quickstart just works."""
    from blogster_cli.bundled import bundled_help

    folder = bundled_help()
    if folder is None:
        return frozenset()
    bundled = sources.folder_identity(folder).tree
    held = [page for page in known if page.tree == bundled and page.path is not None]
    if not held:
        return frozenset()
    shipped = {page.path: sources.page_text(page) for page in tree.read_tree(folder).pages}
    return frozenset(page.id for page in held if page.path in shipped and shipped[page.path] == page.text)


def import_tree(
    acting: ActingUser,
    *,
    root: Path,
    publish: bool = False,
    on_clash: sources.OnClash = sources.OnClash.REFUSE,
    overwrite_edits: bool = False,
) -> ImportReport:
    """Categories from folders, pages from files; re-importing the folder updates its pages by path.

    A page of the folder whose file is gone (not moved, not merely unreadable this time) is
    archived, not deleted: it may have been edited here, and archiving keeps it and its revisions.
    A page remembers the folder it came from, so another folder never updates it: a slug that
    a page from elsewhere (another folder, `docs new`) holds refuses the whole import (Conflict,
    nothing written) unless `on_clash` says to replace that page or rename the new one (see
    documentation/sources.py). One transaction, and one import at a time (a second waits for the
    first, then finds its pages); pages are written in batches, each in a savepoint: a page the
    database refuses is reported and the others go in (see _write_pages). A page edited in
    Blogster since its file was last imported keeps the edit when the file is as it was then
    (edits_kept); when the file changed too, it is left as it is and reported (conflicts) unless
    `overwrite_edits`, as `import --on-conflict overwrite` does for posts."""
    from blogster_cli.errors import Conflict
    from blogster_cli.repositories import documentation as repo

    require_admin(acting)
    if not root.is_dir():
        raise InvalidInput(f"{root} is not a folder")
    identity = sources.folder_identity(root)
    source = tree.read_tree(root)
    report = ImportReport(failed=[(p.path, p.reason) for p in source.problems],
                          skipped=[(p.path, p.reason) for p in source.skipped])  # fmt: skip
    for attempt in range(1, IMPORT_ATTEMPTS + 1):
        written = deepcopy(report)  # a raced try's additions go with it
        try:
            news = _import_once(acting, source, identity, publish=publish, on_clash=on_clash,
                                overwrite_edits=overwrite_edits, report=written)  # fmt: skip
        except repo.ImportRaced:
            if attempt == IMPORT_ATTEMPTS:
                raise Conflict("other imports kept writing the same pages; run it again") from None
            continue
        report = written
        break
    page_notes = [(p.path, f"{p.path}: {note}") for p in source.pages for note in p.notes]
    report.notes = [note for path, note in page_notes if path in news.pages] + report.notes
    report.repeated_notes = [note for path, note in page_notes if path not in news.pages]
    if news.folder_imported_before:
        report.repeated_notes = [f"{path}: {reason}" for path, reason in report.skipped] + report.repeated_notes
    for renamed in report.renamed:
        report.notes.append(f"{renamed.path}: slug {renamed.asked!r} is held by a page from elsewhere;"
                            f" stored as {renamed.slug!r}")  # fmt: skip
    for replaced in report.replaced:
        report.notes.append(f"{replaced.path}: took over {replaced.slug!r}, a page {replaced.previously}")
    report.pictures = sorted({picture for page in source.pages for picture in page.pictures})
    if report.pictures:
        report.notes.append(f"{plural(len(report.pictures), 'picture')} not stored: docs pages keep their links;"
                            " copy the files beside your site")  # fmt: skip
    return report


# An import that another one raced (ImportRaced) runs again, against the pages that one wrote.
IMPORT_ATTEMPTS = 3


@dataclass(frozen=True)
class _News:
    """What an import is the first to report: the files whose pages it creates, renames (a slug
    that changes) or takes over, and whether the folder had pages before (its skipped files too)."""

    pages: frozenset[str]
    folder_imported_before: bool


def _import_once(
    acting: ActingUser, source: tree.Tree, identity: sources.FolderIdentity, *, publish: bool,
    on_clash: sources.OnClash, overwrite_edits: bool, report: ImportReport,
) -> _News:  # fmt: skip
    """One try of import_tree's unit of work: reads the stored pages, plans and writes, filling `report`
    (its link warnings once written: see _warn_of_broken_links); returns what is new (_News)."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.errors import Conflict
    from blogster_cli.repositories import documentation as repo

    with orm_unit_of_work(acting) as session, repo.racing_imports():
        stored: dict[Hashable, DocumentationPage] = {page.id: page for page in repo.pages(session)}
        known = {key: _stored_source(row) for key, row in stored.items()}
        plan = sources.plan_import(source.pages, known.values(), identity=identity, on_clash=on_clash,
                                   unreadable=[p.path for p in source.problems],
                                   sample=_unedited_sample_help(known.values()),
                                   files={page.path: _file_fingerprint(page, page.includes or None)
                                          for page in source.pages})  # fmt: skip
        if plan.clashes and on_clash is not sources.OnClash.REPLACE:
            raise Conflict(sources.refusal(plan.clashes, identity))
        for clash in plan.clashes:  # with --replace: the file's own page exists, under another slug
            report.failed.append((clash.page.path, f"slug {clash.page.slug!r} is held by a page"
                                  f" {clash.holder.origin(identity.tree)}; this file's page was left as it was"))  # fmt: skip
        # A category that holds another folder's pages keeps its name, parent and position.
        owned = {p.target.id for p in plan.placements if p.target is not None}
        shared = {shared_id for key, held in known.items() if (shared_id := stored[key].category_id) is not None
                  and key not in owned and held.path is not None and held.tree != identity.tree}  # fmt: skip
        category_ids: dict[str, UUID] = {}
        by_slug = repo.categories_by_slug(session, slugs={category.slug for category in source.categories})
        depth = 0
        for category in source.categories:  # parents first, a level at a time: each flush refers to the last
            if category.path.count("/") != depth:
                session.flush()
                depth = category.path.count("/")
            parent = category_ids.get(category.parent_path) if category.parent_path else None
            saved = repo.stage_category(session, by_slug.get(category.slug), slug=category.slug, name=category.name,
                                        parent_id=parent, order_position=category.order, leave=shared)  # fmt: skip
            by_slug[category.slug] = saved
            category_ids[category.path] = saved.id
        session.flush()
        report.categories = len(category_ids)
        # Pages that exist first: one that gives up a slug does so before a new page takes it.
        writes: list[_Write] = []
        for placement in sorted(plan.placements, key=lambda p: p.target is None):
            page = placement.page
            row = stored[placement.target.id] if placement.target is not None else None
            status = page.status or ("published" if publish else None)
            # An empty page is not published, as `docs publish` refuses one: readers and search would
            # find nothing (and a published page keeps its text, as `docs edit` keeps it).
            live = status or (row.status if row is not None else None)
            if live == DocumentationStatus.PUBLISHED and not page.body.strip():
                if row is not None and row.status == DocumentationStatus.PUBLISHED and _markdown(row.content).strip():
                    report.failed.append((page.path, f"no text: the published page {row.slug!r} keeps its text"
                                          " (archive it first)"))  # fmt: skip
                    continue
                if row is None or row.status != DocumentationStatus.PUBLISHED:
                    status = None
                    report.notes.append(f"{page.path}: no text, so not published")
            values: dict[str, object] = {
                "title": page.title,
                "slug": placement.slug,
                "category_id": category_ids.get(page.category_path) if page.category_path else None,
                "content": (content := _content(page, identity, placement.asked, row)),
                "tags": page.tags,
                "version": page.version,
                "excerpt": page.excerpt,
                "search_config": page.search_config,
                "metadata_": {"order": page.order} if page.order is not None else {},
            }
            content["source"]["imported"] = _as_edited(values)
            if row is None:
                writes.append(_Write(page.path, partial(_new_page, {**values, "status": status or "draft"}),
                                     partial(_report_placed, report, placement, identity, created=True),
                                     new=True))  # fmt: skip
                continue
            if status:
                values["status"] = status
            edited, file_changed = (_edited_since_import(row, content["source"]["file"])
                                    if placement.taken_over is None else (False, True))  # fmt: skip
            if edited and not file_changed:  # the file as last imported: the edit made since stays
                report.edits_kept.append(placement.slug)
                # ... and the status asked for (--publish, the file's own) still applies to it, but
                # for publishing an edit without text (as `docs publish` refuses one).
                held_edit: dict[str, object] = {}
                if status and status != row.status:
                    if status != DocumentationStatus.PUBLISHED or _markdown(row.content).strip():
                        held_edit["status"] = status
                    else:
                        report.notes.append(f"{page.path}: the edit kept in page {row.slug!r} has no text,"
                                            " so not published")  # fmt: skip
                # ... and where its file is now (moved, within the folder or to another part of it).
                was = _source(row).get("path")
                if was != page.path or row.slug != placement.slug or row.category_id != values["category_id"]:
                    source_now = {**content["source"], "imported": _source(row).get("imported")}  # the edit stays one
                    held_edit.update(slug=placement.slug, category_id=values["category_id"],
                                     content={**(row.content or {}), "source": source_now})  # fmt: skip
                if held_edit:
                    moved_note = f"{page.path}: moved from {was}" if was not in (None, page.path) else None
                    if moved_note and row.slug != placement.slug:
                        moved_note += f"; its page {row.slug!r} is now {placement.slug!r}"
                    writes.append(_Write(page.path, partial(_changed_page, row, held_edit),
                                         partial(report.notes.append, moved_note) if moved_note else lambda: None,
                                         alone=row.slug != placement.slug))  # fmt: skip
                continue
            if edited and not overwrite_edits:
                report.conflicts.append((page.path, f"page {row.slug!r} was edited in Blogster and the file changed"
                                         " since it was imported: left as it is (--overwrite-edits imports the file)"))  # fmt: skip
                continue
            if all(getattr(row, k) == v for k, v in values.items()):
                report.unchanged.append(placement.slug)
                continue
            # Only where it came from changes (another folder takes it over, its file moved): written,
            # so that the page is this folder's, and reported unchanged (and taken over, or moved).
            same = _without_source(row.content) == _without_source(values["content"]) and all(
                getattr(row, k) == v for k, v in values.items() if k != "content")  # fmt: skip
            writes.append(_Write(page.path, partial(_changed_page, row, values),
                                 partial(_report_placed, report, placement, identity, created=False, unchanged=same),
                                 alone=row.slug != placement.slug))  # fmt: skip
        not_pages = dict(report.skipped)  # a page whose file is an include now is withdrawn: no page
        for gone in plan.gone:
            row = stored[gone.id]
            if row.status != DocumentationStatus.ARCHIVED:
                archived: dict[str, object] = {"status": DocumentationStatus.ARCHIVED}
                why = not_pages.get(str(gone.path))
                writes.append(_Write(str(gone.path), partial(_changed_page, row, archived),
                                     partial(_report_withdrawn, report, row, gone, why)))  # fmt: skip
        for start in range(0, len(writes), WRITE_BATCH):
            _write_pages(session, writes[start : start + WRITE_BATCH], report)
        refused = {write.path for write in writes if write.new} & {path for path, _ in report.failed}
        withdrawn = {gone.id for gone in plan.gone}
        kept = [(held.slug, held.path, _markdown(stored[key].content))  # left as they were: unreadable files
                for key, held in known.items()
                if held.tree == identity.tree and key not in owned and key not in withdrawn]  # fmt: skip
    _warn_of_broken_links(report, [page for page in source.pages if page.path not in refused], kept)
    return _News(
        frozenset(p.page.path for p in plan.placements
                  if p.target is None or p.target.slug != p.slug or p.taken_over is not None),
        any(held.tree == identity.tree for held in known.values()),
    )  # fmt: skip


def _warn_of_broken_links(
    report: ImportReport, pages: list[tree.PageSource], kept: list[tuple[str, str | None, str]]
) -> None:
    """A warning for each internal link of the folder's `pages` (those this import wrote or left
    unchanged, or whose update was refused: their last version stays) that leads to none of them,
    nor to a page of the folder `kept` as it was (its file unreadable this time: slug, path and the
    markdown it keeps), nor names a MyST label one of them declares (`(name)=`: see
    documentation/targets.py). A page the import refused, by reading it (a NUL, bad front matter)
    or by the database's word, is no page: a link to it is reported here as `docs check-links`
    reports it afterwards. A picture that is not in the folder, a link's target and an include the
    import could not read (its line is left as it is: see documentation/includes.py) are each
    reported once a page; the pages that share one warning are grouped, and the report lists a
    bounded number (documentation/import_warnings.py)."""
    held = [*((page.slug, page.path, page.body) for page in pages), *kept]
    index = links.PageIndex.of(((slug, path) for slug, path, _ in held),
                               labels=(label for *_, markdown in held for label in targets.labels(markdown)))  # fmt: skip
    found: list[import_warnings.PageWarning] = []
    for page in pages:
        found += [import_warnings.PageWarning(page.path, import_warnings.INCLUDE, name, warning)
                  for warning, name in zip(page.include_warnings, page.include_names, strict=True)]  # fmt: skip
        for broken in links.broken_in(page.slug, page.path, page.body, index=index, pictures=set(page.pictures),
                                      found=page.links):  # fmt: skip
            shown = import_warnings.shown(broken.target)
            said = (
                f"link {shown} leads to no page"
                if broken.kind == links.PAGE
                else f"picture {shown} is not in the folder"
            )
            found.append(import_warnings.PageWarning(page.path, broken.kind, broken.target, said))
    listed = import_warnings.grouped(found)
    report.warnings, report.warning_groups, report.warnings_truncated = listed.warnings, listed.groups, listed.truncated


# Pages written per flush: one INSERT (or UPDATE executemany) for the lot, in one savepoint.
WRITE_BATCH = 500


@dataclass(frozen=True)
class _Write:
    """A page an import writes: `apply` sets its values (a new page: on a new row) and returns the
    row; `done` reports it once written; `path` names it if it fails."""

    path: str
    apply: Callable[[], DocumentationPage]
    done: Callable[[], None]
    alone: bool = False  # it changes its slug: written in its turn, before the next page may take that slug
    new: bool = False  # a new page: if it is refused, there is no page


def _new_page(values: dict[str, object]) -> DocumentationPage:
    from blogster_cli.models.system import DocumentationPage

    # The fields with default factories given here: pydantic inspects a factory's signature each
    # time it calls one, which cost more than the rest of building the row (bench/bench_docs.py).
    new = DocumentationPage(title=str(values["title"]), slug=str(values["slug"]), id=uuid4(), tags=[], metadata_={})
    for key, value in values.items():
        setattr(new, key, value)
    return new


def _changed_page(row: DocumentationPage, values: dict[str, object]) -> DocumentationPage:
    for key, value in values.items():
        setattr(row, key, value)
    return row


def _without_source(content: object) -> object:
    """A page's content but for where it came from (`source`: its folder and file)."""
    return {k: v for k, v in content.items() if k != "source"} if isinstance(content, dict) else content


def _report_placed(
    report: ImportReport, placement: sources.Placement, identity: sources.FolderIdentity, *, created: bool,
    unchanged: bool = False,
) -> None:  # fmt: skip
    page = placement.page
    taken = placement.taken_over
    if taken is not None and not unchanged:  # one bucket a page: overwritten by this folder's file
        report.replaced.append(ReplacedPage(placement.slug, page.path, taken.origin()))
    else:
        (report.created if created else report.unchanged if unchanged else report.updated).append(placement.slug)
    if taken is not None and unchanged:  # as it was, but this folder's now (its next import of the page is plain)
        report.notes.append(f"{page.path}: took over {placement.slug!r} as it is, a page {taken.origin()}")
    if placement.asked is not None and (placement.target is None or placement.target.slug != placement.slug):
        report.renamed.append(RenamedPage(page.path, placement.asked, placement.slug))
    moved = placement.target
    if moved is not None and moved.tree == identity.tree and moved.path not in (None, page.path):
        new_slug = f"; its page {moved.slug!r} is now {placement.slug!r}" if moved.slug != placement.slug else ""
        report.notes.append(f"{page.path}: moved from {moved.path}{new_slug}")


def _report_withdrawn(
    report: ImportReport, row: DocumentationPage, gone: sources.StoredSource, not_a_page: str | None = None
) -> None:
    report.withdrawn.append(row.slug)
    report.notes.append(f"{gone.path}: {not_a_page or 'the file is gone'}; its page {row.slug!r} is archived")


def _write_pages(session: Session, writes: list[_Write], report: ImportReport) -> None:
    """A batch of pages in one savepoint, flushed together (a page that changes its slug is
    flushed in its turn). Should the database refuse the batch, it is written again a page at a
    time, each in its own savepoint: a page refused is reported and the others go in (an error
    that ends the transaction ends the import: see repo.page_savepoint)."""
    from blogster_cli.errors import BlogsterError
    from blogster_cli.repositories import documentation as repo

    try:
        with repo.page_savepoint(session):
            staged: list[DocumentationPage] = []
            for write in writes:
                staged.append(write.apply())
                if write.alone:
                    repo.save_pages(session, staged)
                    staged = []
            repo.save_pages(session, staged)
    except BlogsterError:
        for write in writes:
            try:
                with repo.page_savepoint(session):
                    repo.save_pages(session, [write.apply()])
            except BlogsterError as exc:
                report.failed.append((write.path, str(exc)))
                continue
            write.done()
        return
    for write in writes:
        write.done()


@dataclass(frozen=True)
class ExportReport:
    folder: str
    pages: int
    moved: list[tree.ExportFile]  # pages not written at their own path (two pages asked for one file)
    failed: list[tuple[tree.ExportFile, str]] = field(default_factory=list)  # (file, reason): not written


def export_tree(acting: ActingUser, *, root: Path) -> ExportReport:
    """Every page I can read as a file the import reads back as the same page: imported pages at
    their paths (byte for byte while unchanged), pages written in Blogster in their category's
    folder with their fields in front matter (see tree.export_files). A page whose file name is
    too long for the file system (a slug stored before slugs were limited) is reported, not
    written, and the others are."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import documentation as repo

    with orm_unit_of_work(acting) as session:
        pages = repo.pages(session)
        categories = {c.id: (c.slug, c.parent_id) for c in repo.categories(session)}
    folders = tree.category_folders(categories, [
        (page.category_id, str(PurePosixPath(path).parent)) for page in pages
        if page.category_id is not None and isinstance(path := _source(page).get("path"), str)
    ])  # fmt: skip
    files = tree.export_files(_stored_page(page, folders) for page in pages)
    root = root.resolve()
    root.mkdir(parents=True, exist_ok=True)  # a folder that cannot be made is the export's failure, not each page's
    failed: list[tuple[tree.ExportFile, str]] = []
    for file in files:
        try:
            target = (root / file.path).resolve()
            if not target.is_relative_to(root):
                raise InvalidInput(f"page path {file.path!r} leads outside {root}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(file.text, encoding="utf-8")
        except OSError as exc:
            if exc.errno != errno.ENAMETOOLONG:  # the folder's fault, not the page's: the export stops
                raise
            failed.append((file, (exc.strerror or "file name too long").lower()))
    unwritten = {id(file) for file, _ in failed}
    moved = [file for file in files if file.moved_from is not None and id(file) not in unwritten]
    return ExportReport(str(root), len(files) - len(failed), moved, failed)


def _stored_page(page: DocumentationPage, folders: dict[UUID, str]) -> tree.StoredPage:
    content = page.content or {}
    path = _source(page).get("path")
    front_matter = content.get("front_matter")
    raw = content.get("front_matter_raw")
    order = (page.metadata_ or {}).get("order")
    return tree.StoredPage(
        slug=page.slug, title=page.title, body=_markdown(content), status=str(page.status), tags=list(page.tags or []),
        version=page.version, excerpt=page.excerpt, order=order if isinstance(order, int) else None,
        path=path if isinstance(path, str) else None, front_matter_raw=raw if isinstance(raw, str) else None,
        front_matter=front_matter if isinstance(front_matter, dict) else {},
        folder=folders.get(page.category_id) if page.category_id is not None else None,
    )  # fmt: skip


def _names(session: Session) -> dict[UUID, str]:
    from blogster_cli.repositories import documentation as repo

    return {c.id: c.name for c in repo.categories(session)}


def _page(session: Session, slug: str) -> DocumentationPage:
    from blogster_cli.repositories import documentation as repo

    page = repo.find_page(session, slug=slug)
    if page is None:
        raise NotFound(f"no documentation page {slug!r}{_close_pages(session, slug)}")
    return page


def _close_pages(session: Session, slug: str) -> str:
    """The end of a "no documentation page" message, or "": the slugs of pages I can read that end
    with `slug` as a path (`exit-codes`: guides/exit-codes), then those close to it, as a mistyped
    post's are found (content/slugs.py), then those whose name (the last part) is close to its name."""
    from blogster_cli.content.slugs import CLOSE_SLUGS, close_slugs, comparable_lengths
    from blogster_cli.repositories import documentation as repo
    from blogster_cli.suggestions import did_you_mean

    name = slug.rsplit("/", 1)[-1]
    known = repo.page_slugs_between(
        session, slug_lengths=comparable_lengths(slug), name_lengths=comparable_lengths(name)
    )
    ending = sorted(each for each in known if each.endswith(f"/{slug}"))
    slugs_named: dict[str, list[str]] = {}
    for each in sorted(known):
        slugs_named.setdefault(each.rsplit("/", 1)[-1], []).append(each)
    by_name = [each for close in close_slugs(name, slugs_named) for each in slugs_named[close]]
    suggested = dict.fromkeys([*ending, *close_slugs(slug, known), *by_name])
    return did_you_mean(list(suggested)[:CLOSE_SLUGS])


def _category(session: Session, ref: str) -> DocumentationCategory:
    """The category of this slug or name (ignoring case) that I can see; else NotFound naming the
    closest ones (by slug or name: their slugs are given)."""
    from blogster_cli.repositories import documentation as repo
    from blogster_cli.suggestions import close_matches, did_you_mean

    found = repo.find_category(session, ref=ref)
    if found is not None:
        return found
    slug_of: dict[str, str] = {}
    for category in repo.categories(session):
        slug_of.setdefault(category.slug, category.slug)
        slug_of.setdefault(category.name.lower(), category.slug)
    close = dict.fromkeys(slug_of[name] for name in close_matches(ref.lower(), slug_of))
    raise NotFound(f"no documentation category {ref!r}{did_you_mean(list(close))}")


def _check_tag(session: Session, tag: str) -> None:
    """NotFound, naming the closest tags, unless a page I can read has this tag."""
    from blogster_cli.repositories import documentation as repo
    from blogster_cli.suggestions import close_matches, did_you_mean

    if not repo.tag_in_use(session, tag=tag):
        raise NotFound(
            f"no documentation page has the tag {tag!r}{did_you_mean(close_matches(tag, repo.tags(session)))}"
        )


def get_page(acting: ActingUser, *, slug: str, included: bool = False) -> DocPage:
    """The page as stored; `included`: its markdown as readers see it, each include line replaced
    by the text it stands for, as search reads it (public.documentation_text, 0141), so a page
    shows the words it is found by (`docs show`)."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import documentation as repo

    with orm_unit_of_work(acting) as session:
        page = _public(row := _page(session, slug), _names(session))
        if included and (row.content or {}).get("includes"):
            page = replace(page, markdown=repo.text_as_read(session, page_id=row.id))
        return page


def list_pages(acting: ActingUser, *, status: str | None = None, category: str | None = None) -> list[DocPage]:
    """The pages I can read, by slug; `category` (a slug or name): only that category's own pages
    (not its sub-categories', as `docs search --category`)."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import documentation as repo

    with orm_unit_of_work(acting) as session:
        category_id = _category(session, category).id if category else None
        names = _names(session)
        return [_public(p, names) for p in repo.pages(session, status=status, category_id=category_id)]


def category_tree(acting: ActingUser) -> list[CategoryNode]:
    """Categories depth first, siblings by position, each with its number of pages I can read."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import documentation as repo

    with orm_unit_of_work(acting) as session:
        categories = repo.categories(session)
        counts: dict[UUID | None, int] = {}
        for page in repo.pages(session):
            counts[page.category_id] = counts.get(page.category_id, 0) + 1
    children: dict[UUID | None, list[DocumentationCategory]] = {}
    known = {c.id for c in categories}
    for category in categories:
        parent = category.parent_id if category.parent_id in known else None
        children.setdefault(parent, []).append(category)
    nodes: list[CategoryNode] = []

    def walk(parent: UUID | None, depth: int) -> None:
        for category in children.get(parent, []):
            nodes.append(CategoryNode(category.slug, category.name, depth, counts.get(category.id, 0),
                                      category.is_visible))  # fmt: skip
            walk(category.id, depth + 1)

    walk(None, 0)
    return nodes


def page_text(acting: ActingUser, *, slug: str) -> str:
    """The page as a file (front matter and body), for editing."""
    page = get_page(acting, slug=slug)
    values: dict[str, Any] = {"title": page.title, "status": page.status}
    if page.tags:
        values["tags"] = page.tags
    if page.version:
        values["version"] = page.version
    if page.excerpt:
        values["excerpt"] = page.excerpt
    return tree.page_text(front_matter_raw=None, front_matter=values, current={}, body=page.markdown)


def create_page(
    acting: ActingUser, *, title: str, slug: str | None, category: str | None, markdown: str,
    tags: list[str], status: DocumentationStatus = DocumentationStatus.DRAFT,
) -> DocPage:  # fmt: skip
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.models.system import DocumentationPage
    from blogster_cli.repositories import documentation as repo

    require_admin(acting)
    # A slug made from the title is cut to the length a slug part may have; one given is used as
    # written or refused, naming the form it would take (as `docs edit` does).
    if slug and (not_a_slug := tree.not_normal_slug(slug)):
        raise InvalidInput(not_a_slug)
    wanted = slug or tree.normalise_segment(title)[: tree.MAX_SLUG_PART].rstrip("-")
    if not wanted or not title.strip():
        raise InvalidInput("a page needs a title and a slug made of letters or digits")
    if tree.holds_nul([title, markdown, tags]):
        raise InvalidInput(f"{wanted}: {tree.NUL_REFUSED}")
    if status == DocumentationStatus.PUBLISHED and not markdown.strip():
        raise _no_content(wanted)
    with orm_unit_of_work(acting) as session:
        _check_slug_free(session, wanted)
        category_id = _category(session, category).id if category else None
        content = {"version": CONTENT_VERSION, "markdown": markdown}
        page = repo.save_page(session, DocumentationPage(
            title=title.strip(), slug=wanted, category_id=category_id, content=content, tags=tags, status=status,
        ))  # fmt: skip
        return _public(page, _names(session))


def update_page(
    acting: ActingUser, *, slug: str, text: str | None = None, status: DocumentationStatus | None = None,
    last_reviewed_at: datetime | None = None, last_reviewed_by: UUID | None = None,
) -> DocPage:  # fmt: skip
    """Changes a page from an edited file (`text`: front matter and body) and/or single fields.
    A `slug:` in the front matter renames the page, taken as written: one not in normal form
    (`../x`, `Guide/Backups`) is refused naming the form it would take. Without one the slug
    stays, even where the file's path would read as another (`guide/index.md` reads as `guide`)."""
    from blogster_cli.content.errors import FrontMatterError
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import documentation as repo

    require_admin(acting)
    fields: dict[str, object] = {}
    markdown: str | None = None
    if text is not None:
        try:
            # named by its last part, cut: the path gives an untitled page its title, never its slug
            parsed = tree.read_page(f"{PurePosixPath(slug).name[: tree.MAX_SLUG_PART]}.md", text)
        except tree.NulInPage as exc:
            raise InvalidInput(f"{slug}: {exc}") from None
        except (FrontMatterError, ValueError) as exc:
            raise InvalidInput(str(exc)) from None
        if parsed.slug_asked is not None and (refused := tree.not_normal_slug(parsed.slug_asked)):
            raise InvalidInput(refused)
        renamed = parsed.slug_asked is not None and parsed.slug != slug  # a `slug:` renames it
        # What the file does not state stays as it was (as `posts edit` keeps them): a file without
        # front matter, or whose front matter leaves out `tags:`, keeps the page's tags. A title
        # comes from `title:` or else the first heading, never from the page's slug.
        stated = parsed.front_matter
        titled = bool(str(stated.get("title") or "").strip()) or bool(tree.heading_title(parsed.body))
        fields = {**({"title": parsed.title} if titled else {}),
                  **({"tags": parsed.tags} if stated.get("tags") is not None else {}),
                  **({"version": parsed.version} if parsed.version is not None else {}),
                  **({"excerpt": parsed.excerpt} if parsed.excerpt is not None else {}),
                  **({"status": parsed.status} if parsed.status else {}),
                  **({"slug": parsed.slug} if renamed else {})}  # fmt: skip
        markdown = parsed.body
    given = {"status": status, "last_reviewed_at": last_reviewed_at, "last_reviewed_by": last_reviewed_by}
    fields.update({key: value for key, value in given.items() if value is not None})
    with orm_unit_of_work(acting) as session:
        page = _page(session, slug)
        if "slug" in fields:  # a `slug:` that renames it
            _check_slug_free(session, str(fields["slug"]))
        _check_live_content(page, status=fields.get("status"), markdown=markdown)
        if markdown is not None:
            page.content = {**(page.content or {"version": CONTENT_VERSION}), "markdown": markdown}
        for key, value in fields.items():
            setattr(page, key, value)
        return _public(repo.save_page(session, page), _names(session))


def _check_slug_free(session: Session, slug: str) -> None:
    """Conflict naming the slug when a page holds it (the key's own refusal names none)."""
    from blogster_cli.errors import Conflict
    from blogster_cli.repositories import documentation as repo

    if repo.find_page(session, slug=slug) is not None:
        raise Conflict(f"a documentation page {slug!r} already exists: pick another slug")


def _no_content(slug: str) -> InvalidInput:
    """The refusal of an empty page going live, in the words `posts publish` refuses an empty post with."""
    return InvalidInput(f"'{slug}' cannot be published: it has no content")


def _check_live_content(page: DocumentationPage, *, status: object, markdown: str | None) -> None:
    """A page being published, or published already and given a new text, keeps some text (as a
    post does): readers and search would find an empty page. Other changes (a review) leave a page
    stored before this rule as it is."""
    if status is None and markdown is None:
        return
    if (status or page.status) != DocumentationStatus.PUBLISHED:
        return
    if (markdown if markdown is not None else _markdown(page.content)).strip():
        return
    if status is not None:
        raise _no_content(page.slug)
    raise InvalidInput(f"'{page.slug}' is published: it cannot be left with no text (archive it first)")


def set_status(acting: ActingUser, *, slug: str, status: DocumentationStatus) -> DocPage:
    return update_page(acting, slug=slug, status=status)


def review(acting: ActingUser, *, slug: str) -> DocPage:
    """Marks the page reviewed now, by me."""
    return update_page(acting, slug=slug, last_reviewed_at=datetime.now(UTC), last_reviewed_by=acting.actor.user_id)


def remove_page(acting: ActingUser, *, slug: str) -> DocPage:
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import documentation as repo

    require_admin(acting)
    with orm_unit_of_work(acting) as session:
        page = _page(session, slug)
        gone = _public(page, _names(session))
        if not repo.delete_page(session, page_id=page.id):
            raise NotFound(f"no documentation page {slug!r}")
        return gone


def revisions(acting: ActingUser, *, slug: str) -> list[RevisionInfo]:
    """The page's snapshots, oldest first, numbered from 1 (admins only: RLS hides them from others)."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import documentation as repo

    require_admin(acting)
    with orm_unit_of_work(acting) as session:
        page = _page(session, slug)
        return [
            RevisionInfo(n, r.created_at, r.version, len(_markdown(r.content)))
            for n, r in enumerate(repo.revisions(session, page_id=page.id), 1)
        ]


def diff(acting: ActingUser, *, slug: str, first: int, second: int | None = None) -> UnifiedDiff:
    """Unified diff of the markdown between two revisions (the second defaults to the current text),
    line_diff's as `revisions diff` has it: bounded in time on a page of megabytes (difflib took 27 s
    on 120,000 table rows of 150 kinds with 20 changed), and whether it is coarse."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import documentation as repo

    require_admin(acting)
    with orm_unit_of_work(acting) as session:
        page = _page(session, slug)
        history = repo.revisions(session, page_id=page.id)
        current = _markdown(page.content)

    def text_of(number: int) -> str:
        if not 1 <= number <= len(history):
            raise NotFound(f"'{slug}' has no revision {number} (it has {len(history)})")
        return _markdown(history[number - 1].content)

    old, new = text_of(first), (text_of(second) if second is not None else current)
    label = f"revision {second}" if second is not None else "current"
    return unified_diff(lines(old), lines(new), f"revision {first}", label)


def check_links(acting: ActingUser) -> list[links.BrokenLink]:
    """Internal links of every page I can read that lead to no page, and the pictures of the pages
    imported from a folder that are not among those its import found there (the pictures of all
    the folder's pages: a page edited since may show another picture of its folder). Pages with
    no such record (written with `docs new`, imported before pictures were recorded): links only."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import documentation as repo

    found: dict[str, set[str]] = {}  # a folder (its tree) -> the pictures its imports found there
    shows: dict[str, str] = {}  # slug -> the folder whose pictures the page shows
    pages: list[tuple[str, str | None, str]] = []
    with orm_unit_of_work(acting) as session:
        for row in repo.pages(session):
            source = _source(row)
            folder, pictures, path = source.get("tree"), source.get("pictures"), source.get("path")
            if isinstance(folder, str) and isinstance(pictures, list):
                found.setdefault(folder, set()).update(p for p in pictures if isinstance(p, str))
                shows[row.slug] = folder
            pages.append((row.slug, path if isinstance(path, str) else None, _markdown(row.content)))
    return links.broken_links(pages, pictures={slug: found[folder] for slug, folder in shows.items()})


def _edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _suggest(session: Session, query: str, include_drafts: bool) -> str | None:
    """The query with each word it looks for that the index does not hold, in any page's language,
    replaced by the closest indexed word, however many pages its other words found ("markdwn viewer":
    pages say "viewer", and the misspelt word found none of them). Only plain words: a word the query
    excludes (`-word`), a word of a quoted phrase and `OR` stay as written (documentation/query.py
    reads the query as PostgreSQL's websearch_to_tsquery does). The words the index holds are told
    apart first, in one probe for all of them: a query of known words costs no more."""
    from blogster_cli.repositories import documentation as repo

    words = [w for w in dict.fromkeys(w.text.lower() for w in search_query.sought_words(query)) if len(w) >= 3]
    if not words:
        return None
    held = {word for word, _, _ in repo.spellings(session, words=words, include_drafts=include_drafts)}
    # A word a page language skips ("how", "once": a stop word, in no page's index) is never misspelt.
    unheld = [word for word in words if word not in held]
    common = repo.stop_words(session, words=unheld) if unheld else set()
    replacements: dict[str, str] = {}
    for word in unheld:
        if word in common:
            continue
        forms = repo.word_forms(session, word=word)
        if not forms:  # no page language in use: no pages to suggest from
            continue
        replacement = _one_typo(session, word, include_drafts) or _closest_stem(session, word, forms, include_drafts)
        if replacement is not None:
            replacements[word] = replacement
    return search_query.rewrite(query, replacements) if replacements else None


def _one_typo(session: Session, word: str, include_drafts: bool) -> str | None:
    """The word one typo away from `word` (which the index does not hold) to offer for it, from
    those that readable pages hold as written: the one written in the most of the pages its stem
    is in (of the first 20), then the one whose stem the most pages hold. A word one typo away
    whose stem is held but which no page writes as it is ("window" where pages say "Windows")
    comes after every one written. Comparing stems missed these: "animation" is indexed as `anim`,
    4 edits from "animaton". None for a word whose spellings are not looked up."""
    from blogster_cli.repositories import documentation as repo

    near = search_query.one_typo_away(word)
    if not near:
        return None
    found = repo.spellings(session, words=near, include_drafts=include_drafts)
    candidates = sorted((-written, -pages, spelled) for spelled, pages, written in found
                        if len(spelled) >= 3 and search_query.is_plain_word(spelled))  # fmt: skip
    return candidates[0][2] if candidates else None


def _closest_stem(session: Session, word: str, forms: list[str], include_drafts: bool) -> str | None:
    """The indexed word whose stem is closest to one of `word`'s (`forms`: as each page language
    stems it), shown as a page writes it; None if one of them is indexed, or none is close."""
    from blogster_cli.repositories import documentation as repo

    candidates: list[tuple[int, int, str]] = []
    for form in forms:
        near = repo.vocabulary_near(session, word=form, include_drafts=include_drafts)
        if any(lexeme == form for lexeme, _ in near):
            return None
        allowed = 1 if len(form) <= 4 else 2
        candidates += [(distance, -pages, lexeme) for lexeme, pages in near
                       if (distance := _edit_distance(form, lexeme)) <= allowed]  # fmt: skip
    if not candidates:
        return None
    best = min(candidates)[2]
    written = (repo.surface_form(session, lexeme=best) or best).lower()
    # A replacement must read as one plain word where the word stood (not `or`, no quote or space).
    return next((r for r in (written, best) if search_query.is_plain_word(r) and r != word), None)


def search(
    acting: ActingUser, *, query: str, category: str | None = None, tag: str | None = None,
    limit: int = 10, include_drafts: bool = False, suggest: bool = True,
) -> SearchResult:  # fmt: skip
    """Websearch syntax; published pages for everyone, drafts too for admins who ask (--all: for
    anyone else the published pages, and the result says drafts were refused). A category or tag
    that no page I can read has is NotFound, naming the closest ones, rather than no hits. Not
    `suggest`: no "did you mean" is looked for (a caller that shows none, such as the chatbot)."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import documentation as repo

    query = query.replace("\x00", " ")[:MAX_QUERY_LENGTH]
    if not query.strip():
        raise InvalidInput("give words to search for: an empty search finds nothing")
    if not 1 <= limit <= 100:
        raise InvalidInput("--limit must be between 1 and 100")
    drafts_refused = include_drafts and not acting.actor.is_admin
    include_drafts = include_drafts and not drafts_refused
    with orm_unit_of_work(acting) as session:
        if category is not None:
            _category(session, category)
        if tag is not None:
            _check_tag(session, tag)
        rows = repo.search(session, query=query, category=category, tag=tag, limit=limit, include_drafts=include_drafts)
        suggestion = _suggest(session, query, include_drafts) if suggest else None
        too_common = not rows and _only_common_words(session, query)
    nothing_sought = not rows and not any(term.role in _LOOKING_FOR for term in search_query.terms(query))
    # Snippets are cut from the page's plain text as stored, character references and all (`&mdash;`):
    # read here, once, for every front end (a title from a first heading was read on import: tree.title_from).
    hits = [
        SearchHit(r["slug"], r["title"], r["path"], r["category"], r["status"], float(r["score"]),
                  read_references(r["snippet"] or ""))
        for r in rows
    ]  # fmt: skip
    return SearchResult(query, hits, suggestion, drafts_refused, too_common, nothing_sought)


# The terms that look for something (an excluded `-word` only leaves pages out).
_LOOKING_FOR = frozenset({search_query.Role.SOUGHT, search_query.Role.PHRASE})


def _only_common_words(session: Session, query: str) -> bool:
    """Whether every word of `query` is a stop word of a page language in use, which a search in
    that language skips ("the", "a"): it then finds nothing whatever the pages say. False without
    pages at all."""
    from blogster_cli.repositories import documentation as repo

    words = list(dict.fromkeys(word.lower() for word in search_query.WORD.findall(query)))
    return bool(words) and repo.stop_words(session, words=words) == set(words)
