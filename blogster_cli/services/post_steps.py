"""Steps on my posts inside an open unit of work, shared by the use cases that read or
write a post (blogs, imports, generation, ideas, voice, publishing, distribution...):
find my post by slug or id, give a new post a unique slug, insert a post with its tags
and its activity row. They are not use cases: each runs in the caller's transaction, so
a use case needs this module, never another use case, to find or create a post.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from typing import Any, Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

from blogster_cli import suggestions
from blogster_cli.content.rules import check_explicit_slug, check_text, check_title, normalise_tags
from blogster_cli.content.slugs import composed
from blogster_cli.db.acting import Connection
from blogster_cli.errors import BlogsterError, Conflict, InvalidInput, NotFound, PermissionDenied
from blogster_cli.planning.times import in_zone
from blogster_cli.repositories import activities
from blogster_cli.repositories import blogs as blog_rows
from blogster_cli.repositories.blogs import BlogRow
from blogster_cli.vocabulary import ActivityType, BlogStatus
from blogster_cli.wording import not_one_of


def not_found(conn: Connection, ref: str, *, trashed: bool | None = False) -> NotFound:
    """Among live posts, one of mine in the trash under that name says so (a file deleted before a
    sync trashed it, unseen); else the close slugs, if any."""
    if trashed is False and "/" not in ref and blog_rows.find_own(conn, ref=ref, trashed=True) is not None:
        return NotFound(f"{ref!r} is in the trash: `blogster posts restore {ref}` brings it back")
    return NotFound(f"no post with slug or id {ref!r}{did_you_mean(conn, ref, trashed=trashed)}")


def did_you_mean(conn: Connection, ref: str, *, trashed: bool | None = False) -> str:
    """The end of a not-found message naming my slugs close to `ref`, "(did you mean 'x'?)", else "";
    among my live posts, trashed ones or both, where the lookup looked. Called only once a post is
    not found, so finding one costs nothing more."""
    from blogster_cli.content.slugs import close_slugs, comparable_lengths

    if "/" in ref:  # AUTHOR/SLUG names someone's post: mine are not what was meant
        return ""
    shortest, longest = comparable_lengths(ref)
    candidates = blog_rows.own_slugs_between(conn, shortest=shortest, longest=longest, trashed=trashed)
    return suggestions.did_you_mean(close_slugs(ref, candidates))


def unique_slug(
    conn: Connection, title_or_slug: str, *, generated: bool, taken: set[str] | None = None, exact: bool = False
) -> str:
    """A slug for a post of mine, from the title (generated) or as written: -2, -3... on
    collision, whether it came from a title or a file; an `exact` slug (typed by the user)
    that is taken is a conflict instead."""
    from blogster_cli.content.slugs import slugify, unique

    base = slugify(title_or_slug) if generated else check_explicit_slug(title_or_slug)
    existing = blog_rows.own_slugs_like(conn, base=base) | (taken or set())
    if exact and base in existing:
        raise Conflict(f"you already have a post with slug {base!r}")
    return unique(base, existing)


def find_own(conn: Connection, ref: str, *, with_content: bool = False, trashed: bool | None = False) -> BlogRow:
    """My post by slug or id (or AUTHOR/SLUG naming me), to act on: the one lookup of every
    command that acts on "your post". One the acting user may read but not change (another
    account's published post) is refused as such: PermissionDenied (exit 4), the same from every
    command. Another account's draft is not readable, so it stays NotFound like a missing one.
    A slug is looked up composed (NFC), as slugs are stored: `café` typed decomposed finds it."""
    ref = composed(ref)
    row = blog_rows.find_own(conn, ref=ref, with_content=with_content, trashed=trashed) if "/" not in ref else None
    if row is not None:
        return row
    seen = visible(conn, ref)
    if seen is None:
        _refuse_an_assigned_post(conn, ref, slug=None if "/" in ref else ref, blog_id=None)
        raise not_found(conn, ref, trashed=trashed)
    mine = blog_rows.find_own(conn, ref=str(seen.id), with_content=with_content, trashed=trashed)
    if mine is not None:
        return mine
    if blog_rows.find_own(conn, ref=str(seen.id), trashed=None) is not None:  # mine and live, asked for in the trash
        raise NotFound(f"{ref!r} is not in the trash")
    _refuse_an_assigned_post(conn, ref, slug=None, blog_id=seen.id)
    raise PermissionDenied(f"{ref!r} is another account's post: not yours to change")


AUTHOR_ID_PREFIX = re.compile(r"^[0-9A-Fa-f]{8}[0-9A-Fa-f-]{0,28}\Z")
"""The AUTHOR of AUTHOR/SLUG as the first characters of the author's id (8 or more), not a username."""


def visible(conn: Connection, ref: str) -> BlogRow | None:
    """Any live post the acting user may read: by AUTHOR/SLUG, or (mine by slug, anyone's) by id; a
    slug composed (NFC), as find_own looks it up."""
    ref = composed(ref)
    if "/" in ref:
        author, _, slug = ref.partition("/")
        rows = blog_rows.find_by_author_and_slug(
            conn, username=author, id_prefix=author.lower() if AUTHOR_ID_PREFIX.match(author) else None, slug=slug
        )
        if len(rows) > 1:
            raise Conflict(f"{author!r} matches more than one author: use more of the author's id")
        return rows[0] if rows else None
    return blog_rows.find_own(conn, ref=ref, with_content=True) or blog_rows.find_visible(conn, ref=ref)


# What an assignee does (review_act's rules, 0071): the post itself only its author changes (the
# spec's "Users can update their own blogs"; team permissions on posts are a future enhancement).
_ASSIGNEES_DO = {
    "author": "authors comment and submit",
    "editor": "editors comment and submit",
    "reviewer": "reviewers comment and submit their review",
    "approver": "approvers comment, approve or reject",
}


def _refuse_an_assigned_post(conn: Connection, ref: str, *, slug: str | None, blog_id: UUID | None) -> None:
    """PermissionDenied saying what an assignee may do, when `ref` names another account's post assigned
    to me: by its slug (which `review list` shows; no post of mine has it) or id, or the id of the
    post AUTHOR/SLUG found; else nothing."""
    from blogster_cli.id_prefixes import short
    from blogster_cli.repositories import review as review_rows

    if slug is None and blog_id is None:
        return
    found = review_rows.mine_on_post(conn, slug_or_id=slug, blog_id=blog_id)
    if not found:
        return
    roles = sorted({role for _, role in found})
    does = _ASSIGNEES_DO[roles[0]] if len(roles) == 1 else "assignees comment and move the review along"
    raise PermissionDenied(
        f"{ref!r} is assigned to you as {' and '.join(roles)}: {does} (`blogster review show {short(found[0][0])}`);"
        " only the post's author changes it"
    )


@dataclass
class NewBlog:
    title: str
    markdown: str = ""
    slug: str | None = None
    exact_slug: bool = False  # the user typed `slug`: taken is a conflict, not a -2 suffix
    status: str = "draft"
    tags: list[str] = field(default_factory=list)
    meta_description: str | None = None
    meta_keywords: list[str] | None = None
    featured_image: str | None = None
    persona_id: UUID | None = None
    template_id: UUID | None = None
    sections: list[dict[str, Any]] = field(default_factory=list)
    content: dict[str, Any] | None = None
    """A complete content document (imports); else one is built from markdown and sections."""
    created_at: datetime | None = None
    published_at: datetime | None = None
    ai_generated: bool = False


def _document(new: NewBlog) -> dict[str, Any]:
    from blogster_cli.content.document import new_document

    if new.content is not None:
        return new.content
    document = new_document(new.markdown)
    document["sections"] = new.sections
    return document


def check_status(status: str) -> str:
    if status not in set(BlogStatus):
        raise InvalidInput(f"status must be one of {', '.join(BlogStatus)}")
    return status


@dataclass(frozen=True)
class Publication:
    """A post's status and date once the rule of going live has read them (`publication`)."""

    status: str
    published_at: datetime | None


def publication(
    status: str, *, stated: datetime | None, stored: datetime | None = None, now: datetime | None = None
) -> Publication:
    """The one rule of a post's date as it goes live, on every path that makes one live (posts
    new/edit/status, the editor, `--from` files, import, sync, `publish`; `review approve --publish`
    keeps it in SQL, 0178). A date stated with the status (a file's date, `publish --at`) is when the
    post goes live: still to come, it is scheduled for then, though its file says published (an
    embargo); past, it is published, dated then. Made published with no date stated, it goes live
    now: a date already past stays (published before: its URL and place in feeds stay), one still to
    come (it was scheduled) becomes now. Other statuses, and scheduled with no date stated, are as given."""
    if status not in (BlogStatus.PUBLISHED, BlogStatus.SCHEDULED):
        return Publication(status, stated if stated is not None else stored)
    now = now or datetime.now(UTC)
    if stated is not None:
        return Publication(BlogStatus.SCHEDULED.value if stated > now else BlogStatus.PUBLISHED.value, stated)
    if status == BlogStatus.SCHEDULED:
        return Publication(status, stored)
    return Publication(status, stored if stored is not None and stored <= now else now)


class Dated(Protocol):
    """What an edit's date rule reads of the post it edits: a post row, or the stored post an import
    or sync updates."""

    @property
    def slug(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def published_at(self) -> datetime | None: ...


def edited_publication(
    row: Dated, *, status: str, stated: datetime | None, from_text: bool, zone: tzinfo, now: datetime | None = None
) -> tuple[Publication, str | None]:
    """The status and date an edit leaves `row` with, and a warning where it keeps them against the
    edit. `status` is the one the edit ends with (its own, else the post's), `stated` the date its
    text states, `from_text` whether the status is the text's (a `--from` file, the editor) rather
    than a flag's. The text's date is read as `posts new --from` reads it (`publication`): a live
    status with a date to come schedules the post for it, a past one publishes it dated then. But no
    text publishes a post before its time: a scheduled post stays so unless the text states another
    time to come (`publish` puts it live now); nor takes one down: a published post stays published,
    re-dated to a past date the text states (the writer corrected it there; 0203 keeps its old
    address), dated as it was when the text states none or one to come. A date that is the post's
    as far as the text shows it (`_shows`) is the post's, to the microsecond: an unchanged text
    re-dates nothing. A status not live leaves the date as it is."""
    now = now or datetime.now(UTC)
    if stated is not None and row.published_at is not None and _shows(stated, row.published_at):
        stated = row.published_at
    if status not in (BlogStatus.PUBLISHED, BlogStatus.SCHEDULED):
        return Publication(status, row.published_at), None
    if row.status == BlogStatus.PUBLISHED and (status == BlogStatus.PUBLISHED or stated is not None):
        if stated is None:
            return Publication(row.status, row.published_at), None
        if stated <= now:
            return Publication(row.status, stated), None
        return Publication(row.status, row.published_at), (
            f"'{row.slug}' stays published{_dated(row.published_at, zone)}: the text's date, {shown_time(stated, zone)},"
            f" is to come, but an edit takes no post down (`blogster unpublish {row.slug}`, then `blogster publish"
            f" {row.slug} --at ...`, schedules it)"
        )
    if row.status != BlogStatus.SCHEDULED or (stated is not None and stated > now):
        return publication(status, stated=stated, stored=row.published_at, now=now), None
    if not from_text and status == BlogStatus.PUBLISHED:  # `--status published`: live now, as `posts status` puts it
        return publication(status, stated=stated, stored=row.published_at, now=now), None
    kept = Publication(row.status, row.published_at)
    if stated is not None:
        why = f"the text's date, {shown_time(stated, zone)}, has passed"
    elif status == BlogStatus.PUBLISHED:
        why = "the text states no date"
    else:
        return kept, None
    return kept, (
        f"'{row.slug}' stays scheduled{_dated(row.published_at, zone, 'for')}: {why}, and an edit publishes no post"
        f" before its time (`blogster publish {row.slug}` publishes it now)"
    )


def _shows(stated: datetime, moment: datetime) -> bool:
    """Whether a text's date `stated` is `moment` as far as the text shows it: to the minute when it
    states no seconds, to the second when it states no fraction (`10:00` is 10:00:00.123456), in the
    offset it was read at. A date written to the minute (`posts show`'s, typed in the editor) or the
    second then re-dates no post by the seconds it could not show."""
    try:
        local = moment.astimezone(stated.tzinfo)
    except OverflowError:  # past year 1 or 9999 in the text's zone: not the moment it writes
        return False
    if stated.microsecond:
        return local == stated
    if stated.second:
        return local.replace(microsecond=0) == stated
    return local.replace(second=0, microsecond=0) == stated


def _dated(moment: datetime | None, zone: tzinfo, word: str = "dated") -> str:
    return f" {word} {shown_time(moment, zone)}" if moment is not None else ""


def shown_time(moment: datetime, zone: tzinfo) -> str:
    """A moment as a message states it: in the account's timezone setting, labelled ("2021-01-01 00:00
    CET"), as the front ends show times (`output.local_time`)."""
    return in_zone(moment, zone).strftime("%Y-%m-%d %H:%M %Z")


def expiry_warning(
    expiry: datetime,
    status: str,
    now: datetime | None = None,
    *,
    made: str = "imported",
    zone: tzinfo | None = None,
    publish: datetime | None = None,
) -> str | None:
    """What a post made from a Hugo file (import, `posts new --from`: `made`) says of its expiryDate
    (`mapping.expiry_date`): passed, or at or before `publish` (the date the file publishes it at),
    Hugo builds no page of it, so it is a draft (`mapping.hugo_never_builds`), as `published:
    false` makes one; still to come, Blogster keeps it live after that date, which the file keeps
    (a post not live has nothing to say). The date is shown in `zone`, the timezone setting; without
    one (import), in the zone a date without an offset was read in, which is that setting, else UTC."""
    read_in = expiry.tzinfo if isinstance(expiry.tzinfo, ZoneInfo) else UTC
    shown_in = zone if zone is not None else read_in
    when = shown_time(expiry, shown_in)
    if expiry <= (now or datetime.now(UTC)):
        return f"its expiryDate ({when}) has passed, so Hugo no longer builds it: {made} as a draft"
    if publish is not None and expiry <= publish:
        return (
            f"its expiryDate ({when}) is not after its publish date ({shown_time(publish, shown_in)}),"
            f" so Hugo never builds it: {made} as a draft"
        )
    if status not in (BlogStatus.PUBLISHED, BlogStatus.SCHEDULED):
        return None
    return f"its expiryDate ({when}) is kept in the file, but Blogster takes no post down: it stays {status} after it"


def check_status_filter(statuses: Sequence[str] | None) -> None:
    """The statuses a list or an export keeps (`--status`, given once per status)."""
    for status in statuses or ():
        if status not in set(BlogStatus):
            raise InvalidInput(not_one_of("--status", BlogStatus, status, repeatable=True))


def insert_new(
    conn: Connection, new: NewBlog, *, activity_type: ActivityType = ActivityType.CREATED, taken: set[str] | None = None
) -> BlogRow:
    """Inserts one post inside an open unit of work (shared by create and import)."""
    title = check_title(new.title)
    document = _document(new)
    check_text(document.get("markdown", ""), "the body")
    check_status(new.status)
    slug = unique_slug(conn, new.slug or title, generated=new.slug is None, taken=taken, exact=new.exact_slug)
    live = publication(new.status, stated=new.published_at)
    row = blog_rows.insert(
        conn,
        values={
            "title": title,
            "slug": slug,
            "content": document,
            "status": live.status,
            "meta_description": new.meta_description,
            "meta_keywords": new.meta_keywords,
            "featured_image": new.featured_image,
            "persona_id": new.persona_id,
            "template_id": new.template_id,
            "ai_generated": new.ai_generated,
            "created_at": new.created_at,
            "published_at": live.published_at,
        },
    )
    if new.tags:
        link_tags(conn, row.id, normalise_tags(new.tags))
    activities.record(
        conn, type=activity_type, title=title, description=f"{activity_type.capitalize()} '{title}'", blog_id=row.id,
        metadata={"slug": slug},
    )  # fmt: skip
    # Tags are stored under their existing spelling: read back only when there are some.
    return find_own(conn, str(row.id), with_content=True) if new.tags else row


def link_tags(conn: Connection, blog_id: UUID, names: list[str]) -> None:
    """Links the named tags (created if new) to one blog, spelled as given (0117)."""
    tag_ids = blog_rows.ensure_tag_ids(conn, names=names)
    spelling: dict[UUID, str] = {}
    for name in names:
        spelling.setdefault(tag_ids[name], name)
    blog_rows.link_tags(conn, links=[(blog_id, tag_id, name) for tag_id, name in spelling.items()])


def markdown_of(row: BlogRow) -> str:
    markdown: str = (row.content or {}).get("markdown", "")
    return markdown


def content_to_store(row: BlogRow, **changes: Any) -> dict[str, Any]:
    """`row`'s content with `changes` (the body a save writes), to store in its place: every value of
    it kept but those Python cannot read (`row.left_out`, which the save's `as_saved` row names).
    BlogsterError, nothing stored, where that is the whole content: the save would keep none of it."""
    whole = next((left for left in row.left_out if not left.where), None)
    if whole is not None:
        raise BlogsterError(
            f"'{row.slug}' was not saved: Python cannot read its stored content ({whole.why}), which saving would lose"
        )
    document = {**(row.content or {}), **changes}
    document.setdefault("version", 1)  # the contract's (db/README.md); a version Python cannot read is left out
    return document


def as_saved(after: BlogRow, before: BlogRow, values: Mapping[str, Any]) -> BlogRow:
    """`after`, the post read again once a save wrote `values` over it as `before` was read, its
    `left_out` what that save left out of the content it stored (`before`'s: Python could not read
    them), so the front end says so; none where it stored no content (the stored one is as it was)."""
    return replace(after, left_out=before.left_out if "content" in values else ())
