"""Writing blogs: create, list, show, edit, tag, change status, trash, restore, purge.

Each function is one unit of work as the acting user, and records an activity row
in that same transaction, so a change and its history commit or fail together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from typing import Any
from uuid import UUID

from blogster_cli.actors import ActingUser
from blogster_cli.content.line_diff import UnifiedDiff, lines, unified_diff
from blogster_cli.content.post import read_as_imported
from blogster_cli.content.rules import SCAFFOLD_ONLY, check_text, check_title, normalise_tags, template_scaffold
from blogster_cli.content.slugs import composed
from blogster_cli.db.acting import Connection, unit_of_work
from blogster_cli.errors import Conflict, InvalidInput, NotFound
from blogster_cli.repositories import activities
from blogster_cli.repositories import blogs as blog_rows
from blogster_cli.repositories.blogs import BlogFilter
from blogster_cli.repositories.blogs import BlogRow as BlogRow  # re-exported: front ends name the rows they show
from blogster_cli.services.post_steps import (  # re-exported: blogs.create takes a NewBlog, `show` renders markdown_of
    NewBlog as NewBlog,
)
from blogster_cli.services.post_steps import (
    as_saved,
    check_status,
    check_status_filter,
    content_to_store,
    edited_publication,
    find_own,
    insert_new,
    link_tags,
    not_found,
    unique_slug,
    visible,
)
from blogster_cli.services.post_steps import markdown_of as markdown_of
from blogster_cli.vocabulary import ActivityType, BlogStatus

# The AUTHOR of AUTHOR/SLUG read as an author id: its first 8 or more characters.


SCHEDULE_WITH_PUBLISH = "a post is scheduled for a time: use `blogster publish {ref} --at 'YYYY-MM-DD HH:MM'`"


def no_content(slug: str) -> InvalidInput:
    """The one refusal of an empty post going live, whichever command sets the status (as `publish` says it)."""
    return InvalidInput(f"'{slug}' cannot be published: it has no content")


def create(acting: ActingUser, *, new: NewBlog) -> BlogRow:
    """Creates a post; one created published needs content, one created scheduled a (future) time."""
    markdown = str((new.content or {}).get("markdown", "")) if new.content is not None else new.markdown
    if new.status == BlogStatus.SCHEDULED and new.published_at is None:
        raise InvalidInput(
            "a post is scheduled for a time: create it as a draft, then"
            f" `blogster publish {new.slug or 'POST'} --at 'YYYY-MM-DD HH:MM'`"
        )
    if new.status in (BlogStatus.PUBLISHED, BlogStatus.SCHEDULED):
        if not markdown.strip():
            raise no_content(new.slug or new.title)
        if new.template_id is not None and template_scaffold(markdown):
            raise InvalidInput(f"'{new.slug or new.title}' cannot be published: {SCAFFOLD_ONLY}")
    with unit_of_work(acting) as conn:
        return _with_author(conn, insert_new(conn, new))


def list_blogs(
    acting: ActingUser,
    *,
    statuses: list[str] | None = None,
    tag: str | None = None,
    persona_id: UUID | None = None,
    title_contains: str | None = None,
    search: str | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    trashed: bool = False,
    all_authors: bool = False,
    sort: str = "updated",
    limit: int | None = None,
) -> list[BlogRow]:
    """My posts (or the trash), filtered; `all_authors`: everyone's published posts, mine included."""
    filters = BlogFilter(
        statuses=statuses, tag=tag, persona_id=persona_id, title_contains=title_contains, search=search,
        created_after=created_after, created_before=created_before, trashed=trashed, all_authors=all_authors,
        sort=sort, limit=limit,
    )  # fmt: skip
    check_status_filter(filters.statuses)
    if filters.sort not in blog_rows.SORTS:
        raise InvalidInput(f"sort must be one of {', '.join(blog_rows.SORTS)}")
    if filters.all_authors and (filters.trashed or set(filters.statuses or ["published"]) != {"published"}):
        raise InvalidInput("--all-authors lists published posts only")
    with unit_of_work(acting) as conn:
        return _with_authors(conn, blog_rows.list_own(conn, filters=filters))


def get(acting: ActingUser, *, ref: str) -> BlogRow:
    """My post by slug or id; anyone's published post by id or AUTHOR/SLUG.

    AUTHOR is a username (where the profile is visible: your own, or any for admins)
    or the author's id, whole or its first 8 or more characters (as `blogs list
    --all-authors` shows it). Slugs never contain '/', so the split is unambiguous.
    """
    with unit_of_work(acting) as conn:
        row = _visible(conn, ref)
        if row is None:
            raise not_found(conn, ref)
        return _with_author(conn, row)


def get_own(acting: ActingUser, *, ref: str) -> BlogRow:
    """My post with its text, to change (the editor's start): as `update` finds it, so another
    account's published post is PermissionDenied there too, and its draft reads as missing."""
    with unit_of_work(acting) as conn:
        return _find_mine(acting, conn, ref, with_content=True)


def author_label(author_id: UUID, username: str | None) -> str:
    """How a post's author is shown and typed in AUTHOR/SLUG: the username, else the id's first 8 characters."""
    return username or str(author_id)[:8]


def _with_authors(conn: Connection, rows: list[BlogRow]) -> list[BlogRow]:
    """The rows with `author` filled, as `--fields author` and `--json` show it."""
    if not rows:
        return rows
    names = blog_rows.usernames(conn, user_ids=list({r.author_id for r in rows}))
    return [replace(r, author=author_label(r.author_id, names.get(r.author_id))) for r in rows]


def _with_author(conn: Connection, row: BlogRow) -> BlogRow:
    return _with_authors(conn, [row])[0]


@dataclass
class BlogChanges:
    """Fields to change; None leaves a field as it is."""

    title: str | None = None
    slug: str | None = None
    markdown: str | None = None
    status: str | None = None
    tags: list[str] | None = None
    tags_opened: list[str] | None = None
    """The tags the text showed when its edit began (the editor's): tags another command changed since
    are kept when the text leaves them as opened, and a Conflict when the text changes them too."""
    meta_description: str | None = None
    featured_image: str | None = None
    date: datetime | None = None
    """The date a text states (its front matter's, as import reads it): when a post it makes live goes live."""
    floating_date: datetime | None = None
    """That date as written when it states no offset: the post's date still if it reads so in the zone
    the post was imported in (`content.post.read_as_imported`), as import reads it."""
    status_from_text: bool = False
    """The status is a text's (a `--from` file, the editor), not a flag's: it publishes no scheduled post now."""


def update(
    acting: ActingUser,
    *,
    ref: str,
    changes: BlogChanges,
    expected_updated_at: datetime | None = None,
    zone: tzinfo = UTC,
    warnings: list[str] | None = None,
    changed: list[str] | None = None,
) -> BlogRow:
    """Applies changes; with expected_updated_at, refuses (Conflict) if the post changed meanwhile. The
    row returned names what a changed body's save left out of the content (`post_steps.as_saved`).
    A status or date changed goes by `post_steps.edited_publication` (a text's date without an offset
    read as import reads it: `BlogChanges.floating_date`); `warnings`, when given, gets what it kept
    against the change, its times in `zone` (the timezone setting). `changed`, when given, gets the
    fields that differed and were saved (`content` only for a new body: a new revision; `tags`); a
    change that leaves the post as it was is no edit: no activity, nothing to say "saved" about."""
    with unit_of_work(acting) as conn:
        row = _find_mine(acting, conn, ref, with_content=True)
        values: dict[str, Any] = {}
        tags = None if changes.tags is None else _changed_tags(row, changes.tags)
        opened = None if changes.tags_opened is None else _changed_tags(row, changes.tags_opened)
        if tags is not None and opened is not None:  # both differ from the post's: another command changed them
            if _folded(tags) == _folded(opened):
                tags = None  # the text leaves them as opened: another command's change since stands
            else:
                raise Conflict(f"'{row.slug}''s tags changed since you opened it; your text was not saved over them")
        if changes.title is not None and check_title(changes.title) != row.title:
            values["title"] = check_title(changes.title)
        if changes.slug is not None and composed(changes.slug) != row.slug:  # as stored: `café` typed decomposed is it
            values["slug"] = unique_slug(conn, changes.slug, generated=False, exact=True)
        if changes.markdown is not None and changes.markdown != markdown_of(row):
            values["content"] = content_to_store(row, markdown=check_text(changes.markdown, "the body"))
        if changes.meta_description is not None and changes.meta_description != (row.meta_description or ""):
            values["meta_description"] = changes.meta_description or None
        if changes.featured_image is not None and changes.featured_image != (row.featured_image or ""):
            values["featured_image"] = changes.featured_image or None
        if (changes.status is not None and changes.status != row.status) or changes.date is not None:
            now = datetime.now(UTC)
            stated = changes.date
            if changes.floating_date is not None:
                stated = read_as_imported(changes.floating_date, row.content, row.published_at) or stated
            live, warning = edited_publication(
                row, status=check_status(changes.status or row.status), stated=stated,
                from_text=changes.status_from_text, zone=zone, now=now,
            )  # fmt: skip
            if live.status == BlogStatus.SCHEDULED and (live.published_at is None or live.published_at <= now):
                raise InvalidInput(SCHEDULE_WITH_PUBLISH.format(ref=row.slug))
            if live.status != row.status:
                values["status"] = live.status
            if live.published_at != row.published_at:  # made published: now, unless dated; a text's date
                values["published_at"] = live.published_at
            if warning is not None and warnings is not None:
                warnings.append(warning)
        _check_live_content(row, values)
        if values:
            if blog_rows.update(conn, blog_id=row.id, values=values, expected_updated_at=expected_updated_at) is None:
                raise Conflict(f"'{row.slug}' changed since you opened it; your text was not saved over it")
        elif expected_updated_at is not None and row.updated_at != expected_updated_at and changes.tags is None:
            raise Conflict(f"'{row.slug}' changed since you opened it")
        if tags is not None:
            _replace_tags(conn, row, tags)
        fields = sorted(values) + (["tags"] if tags is not None else [])
        if fields:
            kind = ActivityType.PUBLISHED if values.get("status") == "published" else ActivityType.EDITED
            activities.record(
                conn, type=kind, title=values.get("title", row.title),
                description=f"{kind.capitalize()} '{values.get('title', row.title)}' ({', '.join(fields)})",
                blog_id=row.id, metadata={"fields": fields},
            )  # fmt: skip
        if changed is not None:
            changed.extend(fields)
        return as_saved(_with_author(conn, find_own(conn, str(row.id), with_content=True)), row, values)


def _check_live_content(row: BlogRow, values: dict[str, Any]) -> None:
    """A post going live (published or scheduled), or live already, keeps some content."""
    if "status" not in values and "content" not in values:
        return  # other fields of a post stored before this rule held: left as it is
    status = values.get("status", row.status)
    if status not in (BlogStatus.PUBLISHED, BlogStatus.SCHEDULED):
        return
    markdown = str(values["content"].get("markdown", "")) if "content" in values else markdown_of(row)
    if markdown.strip():
        if "status" in values and row.template_id is not None and template_scaffold(markdown):
            raise InvalidInput(f"'{row.slug}' cannot be published: {SCAFFOLD_ONLY}")  # as `publish` refuses it
        return
    if "status" in values:
        raise no_content(row.slug)
    raise InvalidInput(f"'{row.slug}' is {status}: it cannot be left with no content (unpublish it first)")


def _find_mine(
    acting: ActingUser, conn: Connection, ref: str, *, with_content: bool = False, trashed: bool | None = False
) -> BlogRow:
    """My post by slug or id (or AUTHOR/SLUG naming me), to change: post_steps.find_own, the one
    lookup that refuses another account's published post as such (PermissionDenied)."""
    return find_own(conn, ref, with_content=with_content, trashed=trashed)


def _visible(conn: Connection, ref: str) -> BlogRow | None:
    """Any live post the acting user may read (post_steps.visible)."""
    return visible(conn, ref)


def _changed_tags(row: BlogRow, tags: list[str]) -> list[str] | None:
    """The tags to give the post, as stored (`normalise_tags`), or None if it has them already: compared
    case-insensitively, as `_replace_tags` links them (a tag typed in another case keeps its spelling)."""
    wanted = normalise_tags(tags)
    return None if _folded(wanted) == _folded(row.tags) else wanted


def _folded(tags: list[str]) -> set[str]:
    """Tags as stored (`normalise_tags`) compared case-insensitively."""
    return {t.lower() for t in tags}


def _replace_tags(conn: Connection, row: BlogRow, wanted: list[str]) -> None:
    """Gives the post the tags `wanted` (as stored: `_changed_tags`)."""
    current = _folded(row.tags)
    remove = [t for t in row.tags if t.lower() not in _folded(wanted)]
    if remove:
        blog_rows.unlink_tags(conn, blog_id=row.id, names=remove)
    add = [t for t in wanted if t.lower() not in current]
    if add:
        link_tags(conn, row.id, add)


def kept_spellings(tags: Sequence[str], typed: Sequence[str]) -> list[str]:
    """A one-line note for each tag in `typed` that the post's `tags` (or a tag typed before it) hold
    in another case: a post has one tag for both, spelled as first written (`normalise_tags`), so
    the one typed is not added. Empty when every typed tag is new or spelled as held."""
    held = {name.lower(): name for name in tags}
    notes = []
    for name in typed:
        try:
            spelled = normalise_tags([name])
        except InvalidInput:
            continue  # refused with its reason by `tag`
        if not spelled:
            continue
        kept = held.setdefault(spelled[0].lower(), spelled[0])
        if kept != spelled[0]:
            notes.append(f"tag {spelled[0]!r} is kept as {kept!r}: tags differing only in case are one tag")
    return notes


def tag(acting: ActingUser, *, ref: str, add: Sequence[str] = (), remove: Sequence[str] = ()) -> BlogRow:
    """Adds and removes tags of my post. A tag typed here has some text and no ',' (the studio and
    `--tags` lists are comma-separated: `a,b` would read back as two tags)."""
    for name in add:
        if not name.strip():
            raise InvalidInput("a tag needs some text")
        if "," in name:
            raise InvalidInput(f"{name!r}: a tag holds no ','; give each tag on its own")
    with unit_of_work(acting) as conn:
        row = _find_mine(acting, conn, ref)
        names = normalise_tags(list(add))
        if names:
            link_tags(conn, row.id, names)
        if remove:
            blog_rows.unlink_tags(conn, blog_id=row.id, names=list(remove))
        activities.record(
            conn, type=ActivityType.TAGGED, title=row.title, description=f"Tags of '{row.title}' changed", blog_id=row.id,
            metadata={"added": names, "removed": list(remove)},
        )  # fmt: skip
        return _with_author(conn, find_own(conn, str(row.id), with_content=True))


def _many(acting: ActingUser, conn: Connection, refs: list[str], *, trashed: bool | None) -> list[BlogRow]:
    if not refs:
        raise InvalidInput("name at least one post")
    return [_find_mine(acting, conn, ref, trashed=trashed) for ref in dict.fromkeys(refs)]


def trash(acting: ActingUser, *, refs: list[str]) -> list[BlogRow]:
    """Moves posts to the trash (all or none)."""
    with unit_of_work(acting) as conn:
        rows = _many(acting, conn, refs, trashed=False)
        blog_rows.set_deleted(conn, blog_ids=[r.id for r in rows], deleted=True)
        activities.record_many(
            conn,
            rows=[
                (ActivityType.DELETED, r.title, f"Moved '{r.title}' to the trash", r.id, {"slug": r.slug}) for r in rows
            ],
        )
        return rows


def restore(acting: ActingUser, *, refs: list[str]) -> list[BlogRow]:
    with unit_of_work(acting) as conn:
        rows = _many(acting, conn, refs, trashed=True)
        blog_rows.set_deleted(conn, blog_ids=[r.id for r in rows], deleted=False)
        activities.record_many(
            conn,
            rows=[
                (ActivityType.RESTORED, r.title, f"Restored '{r.title}' from the trash", r.id, {"slug": r.slug})
                for r in rows
            ],
        )
        return rows


def purge(acting: ActingUser, *, refs: list[str]) -> list[BlogRow]:
    """Deletes posts for good (revisions, tag links and analytics go with them)."""
    with unit_of_work(acting) as conn:
        rows = _many(acting, conn, refs, trashed=None)
        _delete_for_good(conn, rows, said="Deleted '{title}' for good")
        return rows


def _delete_for_good(conn: Connection, rows: list[BlogRow], *, said: str) -> None:
    """Deletes `rows`, each recorded as a purge (`said`, with its {title}) and named in the activity
    that pointed at it."""
    activities.record_many(
        conn,
        rows=[
            (ActivityType.PURGED, r.title, said.format(title=r.title), None, {"slug": r.slug, "blog_id": str(r.id)})
            for r in rows
        ],
    )
    activities.name_posts_before_purge(conn, blog_ids=[r.id for r in rows])
    blog_rows.delete(conn, blog_ids=[r.id for r in rows])


def discard_untouched(acting: ActingUser, *, ref: str, updated_at: datetime) -> BlogRow | None:
    """Deletes a post just created (a front end's "new post") that was left as it was created: still
    a draft without tags, unchanged since `updated_at` (the new row's). Returns it, or None when
    anything changed it since (a save, another command): then it stays. Recorded as a purge."""
    with unit_of_work(acting) as conn:
        row = blog_rows.find_own(conn, ref=ref)
        # Held, then read again: a save committed between a plain read and the delete (another
        # process's `blogs edit`) was deleted with the post, its text and all.
        if row is None or not blog_rows.lock_own(conn, blog_id=row.id):
            return None
        row = blog_rows.find_own(conn, ref=str(row.id))
        if row is None or row.status != BlogStatus.DRAFT or row.tags or row.updated_at != updated_at:
            return None
        _delete_for_good(conn, [row], said="Discarded '{title}', a new post left empty")
        return row


# -- revisions ---------------------------------------------------------------------


def revisions(acting: ActingUser, *, ref: str) -> tuple[BlogRow, list[blog_rows.RevisionRow]]:
    with unit_of_work(acting) as conn:
        row = find_own(conn, ref, trashed=None)
        return row, blog_rows.list_revisions(conn, blog_id=row.id)


def _revision(conn: Connection, blog: BlogRow, number: int) -> blog_rows.RevisionRow:
    revision = blog_rows.get_revision(conn, blog_id=blog.id, number=number)
    if revision is None:
        raise NotFound(f"'{blog.slug}' has no revision {number}")
    return revision


def diff(acting: ActingUser, *, ref: str, first: int, second: int | None = None) -> UnifiedDiff:
    """Unified diff of the markdown of revision `first` against `second` (default: the current text),
    and whether it is coarse (revisions too different for the shortest diff in seconds)."""
    with unit_of_work(acting) as conn:
        blog = find_own(conn, ref, with_content=second is None, trashed=None)
        old = _revision(conn, blog, first)
        if second is None:
            new_text, new_label = markdown_of(blog), f"{blog.slug} (current)"
        else:
            new_text, new_label = (
                (_revision(conn, blog, second).content or {}).get("markdown", ""),
                f"{blog.slug} r{second}",
            )
    old_text = (old.content or {}).get("markdown", "")
    return unified_diff(lines(old_text), lines(new_text), f"{blog.slug} r{first}", new_label)


@dataclass(frozen=True)
class RestoredRevision:
    """The post after `restore_revision`; `changed` is False when its body already was the revision's."""

    post: BlogRow
    changed: bool

    @property
    def slug(self) -> str:
        return self.post.slug


def restore_revision(acting: ActingUser, *, ref: str, number: int) -> RestoredRevision:
    """Makes revision `number`'s body the current one, as a new revision (history is never rewritten).

    Revisions follow the body (0152), so only the body comes back: the rest of the current document
    (the front matter its file wrote, where it came from), which may have changed after the revision,
    stays, as an edit of the body keeps it. A revision whose body is the current one changes nothing
    (no write, no activity). A live post is not left with no content, as an edit would not leave it."""
    with unit_of_work(acting) as conn:
        blog = _find_mine(acting, conn, ref, with_content=True)
        revision = _revision(conn, blog, number)
        body = str((revision.content or {}).get("markdown", ""))
        if body == markdown_of(blog):
            return RestoredRevision(post=blog, changed=False)
        if blog.content is None and not blog.left_out:  # none stored: the revision's
            blog = replace(blog, content=revision.content, left_out=revision.left_out)
        values: dict[str, Any] = {"content": content_to_store(blog, markdown=body)}
        _check_live_content(blog, values)
        blog_rows.update(conn, blog_id=blog.id, values=values)
        activities.record(
            conn, type=ActivityType.EDITED, title=blog.title, description=f"Restored '{blog.title}' to revision {number}",
            blog_id=blog.id, metadata={"restored_revision": number},
        )  # fmt: skip
        after = find_own(conn, str(blog.id), with_content=True)
        return RestoredRevision(post=as_saved(after, blog, values), changed=True)


def activity(
    acting: ActingUser, *, blog_ref: str | None = None, type: str | None = None, limit: int | None = 100
) -> list[activities.ActivityRow]:
    if type is not None and type not in set(ActivityType):
        raise InvalidInput(f"unknown activity type {type!r}; known: {', '.join(ActivityType)}")
    with unit_of_work(acting) as conn:
        if blog_ref is None:
            return activities.list_mine(conn, type=type, limit=limit)
        try:
            blog_id = find_own(conn, blog_ref, trashed=None).id
        except NotFound:  # a post purged since: its activities name it
            purged = activities.purged_post_ids(conn, ref=blog_ref)
            if not purged:
                raise
            return activities.list_mine(conn, purged=purged, type=type, limit=limit)
        return activities.list_mine(conn, blog_id=blog_id, type=type, limit=limit)
