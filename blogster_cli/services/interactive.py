"""Quizzes, polls, surveys and calculators: structure checked on every save, counted from access logs.

A post embeds one with its short code ({{< quiz tracking-id >}}); `site build` renders
the widget in its place (distribution/interactive.py). Its starts and completions are counted by
`analytics ingest` (services/analytics_ingest.py), once per log line, into participation_count,
completion_count and completion_rate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from blogster_cli import id_prefixes
from blogster_cli.actors import ActingUser
from blogster_cli.content.rules import MAX_TITLE_CHARS  # what a post's title may hold
from blogster_cli.db.orm import driver_connection, orm_unit_of_work
from blogster_cli.distribution import interactive as widgets
from blogster_cli.errors import Conflict, InvalidInput
from blogster_cli.models.extended import InteractiveContent
from blogster_cli.repositories import interactive as rows
from blogster_cli.vocabulary import InteractiveContentType


@dataclass(frozen=True)
class InteractivePublic:
    id: UUID
    content_type: str
    tracking_id: str | None
    shortcode: str | None
    title: str | None
    blog_id: UUID | None
    structure: dict[str, Any] | None
    """As a build shows it; None where the stored one fails the check a save makes (written by SQL past
    it, or JSON Python cannot read): the build leaves it out, `interactive edit --structure` mends it."""
    participation_count: int
    completion_rate: float | None
    updated_at: dt.datetime | None


def _public(item: InteractiveContent) -> InteractivePublic:
    kind = str(item.content_type)
    try:
        structure: dict[str, Any] | None = widgets.validated(kind, item.structure)
    except widgets.StructureError:
        structure = None
    return InteractivePublic(
        id=item.id, content_type=kind, tracking_id=item.tracking_id,
        shortcode=f"{{{{< {kind} {item.tracking_id} >}}}}" if item.tracking_id else None, title=item.title,
        blog_id=item.blog_id, structure=structure, participation_count=item.participation_count,
        completion_rate=item.completion_rate, updated_at=item.updated_at or item.created_at,
    )  # fmt: skip


def _checked(content_type: str, structure: Any) -> dict[str, Any]:
    try:
        return widgets.validated(content_type, structure)
    except widgets.StructureError as exc:
        raise InvalidInput(f"structure not saved: {exc}") from None


def _kind(content_type: str) -> InteractiveContentType:
    try:
        return InteractiveContentType(content_type.strip().lower())
    except ValueError:
        raise InvalidInput(f"the type must be one of {', '.join(InteractiveContentType)}") from None


def _tracking(tracking_id: str) -> str:
    if not widgets.TRACKING_ID.fullmatch(tracking_id):
        raise InvalidInput("the tracking id must be 1-64 lowercase letters, digits and hyphens")
    return tracking_id


def create(
    acting: ActingUser, *, content_type: str, title: str, structure: Any, tracking_id: str | None = None,
    blog_ref: str | None = None,
) -> InteractivePublic:  # fmt: skip
    """Saves a checked structure under a tracking id (made from the title unless given)."""
    from blogster_cli.content.slugs import slugify
    from blogster_cli.services.post_steps import find_own

    kind = _kind(content_type)
    if not 1 <= len(title.strip()) <= MAX_TITLE_CHARS:
        raise InvalidInput(f"--title has 1 to {MAX_TITLE_CHARS} characters")
    checked = _checked(kind.value, structure)
    tracking = _tracking(tracking_id or slugify(title, 64).lower())
    with orm_unit_of_work(acting) as session:
        if rows.find(session, tracking_id=tracking):
            raise Conflict(f"you already have interactive content with tracking id {tracking!r}")
        blog_id = find_own(driver_connection(session), blog_ref).id if blog_ref else None
        item = InteractiveContent(
            content_type=kind, title=title.strip(), structure=checked, tracking_id=tracking, blog_id=blog_id
        )
        return _public(rows.save(session, item=item))


ITEM = id_prefixes.Named("interactive item", "interactive items", "blogster interactive list", other_key="tracking id")


def _one(session: Any, ref: str) -> InteractiveContent:
    """The item `ref` names: its whole id (an id names its item, never another whose tracking id is
    that text), its tracking id, or the first characters of its id."""
    tracking = ref.strip().lower()
    found = rows.find(session, tracking_id=tracking, prefix=id_prefixes.usable(ref, ITEM))
    if found and tracking in (str(found[0].id), found[0].tracking_id):
        return found[0]
    return id_prefixes.only(found, ref, ITEM)


def list_items(acting: ActingUser) -> list[InteractivePublic]:
    with orm_unit_of_work(acting) as session:
        return [_public(item) for item in rows.own(session)]


def edit(acting: ActingUser, *, ref: str, title: str | None = None, structure: Any = None) -> InteractivePublic:
    with orm_unit_of_work(acting) as session:
        item = _one(session, ref)
        if structure is not None:
            item.structure = _checked(str(item.content_type), structure)
        if title is not None:
            item.title = title.strip()
        return _public(rows.save(session, item=item))


def remove(acting: ActingUser, *, ref: str) -> InteractivePublic:
    """Removes my item `ref` names; returns it as it was."""
    with orm_unit_of_work(acting) as session:
        item = _one(session, ref)
        shown = _public(item)
        rows.delete(session, item_id=item.id)
        return shown
