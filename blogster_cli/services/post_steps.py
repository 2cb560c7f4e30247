"""Steps on my posts inside an open unit of work, shared by the use cases that read or
write a post (blogs, imports, generation, ideas, voice, publishing, distribution...):
find my post by slug or id, give a new post a unique slug, insert a post with its tags
and its activity row. They are not use cases: each runs in the caller's transaction, so
a use case needs this module, never another use case, to find or create a post.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from blogster_cli import suggestions
from blogster_cli.content.rules import check_explicit_slug, check_text, check_title, normalise_tags
from blogster_cli.db.acting import Connection
from blogster_cli.errors import Conflict, InvalidInput, NotFound
from blogster_cli.repositories import activities
from blogster_cli.repositories import blogs as blog_rows
from blogster_cli.repositories.blogs import BlogRow
from blogster_cli.vocabulary import ActivityType, BlogStatus


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
    row = blog_rows.find_own(conn, ref=ref, with_content=with_content, trashed=trashed)
    if row is None:
        raise not_found(conn, ref, trashed=trashed)
    return row


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


def insert_new(
    conn: Connection, new: NewBlog, *, activity_type: ActivityType = ActivityType.CREATED, taken: set[str] | None = None
) -> BlogRow:
    """Inserts one post inside an open unit of work (shared by create and import)."""
    title = check_title(new.title)
    document = _document(new)
    check_text(document.get("markdown", ""), "the body")
    check_status(new.status)
    slug = unique_slug(conn, new.slug or title, generated=new.slug is None, taken=taken, exact=new.exact_slug)
    published_at = new.published_at
    if new.status == "published" and published_at is None:
        published_at = datetime.now(UTC)
    row = blog_rows.insert(
        conn,
        values={
            "title": title,
            "slug": slug,
            "content": document,
            "status": new.status,
            "meta_description": new.meta_description,
            "meta_keywords": new.meta_keywords,
            "featured_image": new.featured_image,
            "persona_id": new.persona_id,
            "template_id": new.template_id,
            "ai_generated": new.ai_generated,
            "created_at": new.created_at,
            "published_at": published_at,
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
