"""Research sources: what a post cites, with APA and MLA citations; drafts with --sources use them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from blogster_cli.actors import ActingUser
from blogster_cli.ai.citations import citation_formats
from blogster_cli.db.orm import driver_connection, orm_unit_of_work
from blogster_cli.errors import InvalidInput, NotFound
from blogster_cli.models.research import ResearchSource
from blogster_cli.repositories import generation as rows
from blogster_cli.vocabulary import ResearchSourceType

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True)
class SourcePublic:
    id: UUID
    blog_id: UUID | None
    title: str | None
    url: str | None
    author: str | None
    publication_date: dt.date | None
    source_type: str
    citation_format: dict[str, str]


def _public(source: ResearchSource) -> SourcePublic:
    return SourcePublic(
        id=source.id, blog_id=source.blog_id, title=source.title, url=source.url, author=source.author,
        publication_date=source.publication_date, source_type=source.source_type.value,
        citation_format=dict(source.citation_format),
    )  # fmt: skip


def _blog_id(session: Session, ref: str | None) -> UUID | None:
    from blogster_cli.services.post_steps import find_own

    return find_own(driver_connection(session), ref).id if ref else None


def add(
    acting: ActingUser, *, blog: str | None, url: str, title: str, author: str | None = None,
    published: dt.date | None = None, source_type: str = "article",
) -> SourcePublic:  # fmt: skip
    """A source for my post (or, without one, for my next draft with --sources)."""
    if not re.fullmatch(r"https?://\S+", url.strip()):
        raise InvalidInput("--url must be an http:// or https:// URL")
    if not title.strip():
        raise InvalidInput("--title is empty")
    try:
        kind = ResearchSourceType(source_type)
    except ValueError:
        raise InvalidInput(f"--type must be one of {', '.join(ResearchSourceType)}") from None
    with orm_unit_of_work(acting) as session:
        source = ResearchSource(
            user_id=acting.actor.user_id, blog_id=_blog_id(session, blog), title=title.strip(), url=url.strip(),
            author=author, publication_date=published, source_type=kind,
            citation_format=citation_formats(
                title=title.strip(), url=url.strip(), author=author, published=published, kind=kind
            ),
        )  # fmt: skip
        return _public(rows.insert_source(session, source=source))


def list_sources(acting: ActingUser, *, blog: str | None = None) -> list[SourcePublic]:
    with orm_unit_of_work(acting) as session:
        found = rows.list_sources(session, user_id=acting.actor.user_id, blog_id=_blog_id(session, blog))
        return [_public(s) for s in found]


def remove(acting: ActingUser, *, ref: str) -> SourcePublic:
    """Deletes my source; returns it as it was."""
    try:
        source_id = UUID(ref)
    except ValueError:
        raise InvalidInput(f"{ref!r} is not a source id (see `blogster research list`)") from None
    with orm_unit_of_work(acting) as session:
        source = rows.find_source(session, source_id=source_id)
        if source is None or not rows.delete_source(session, source_id=source_id):
            raise NotFound(f"no research source {ref}")
        return _public(source)
