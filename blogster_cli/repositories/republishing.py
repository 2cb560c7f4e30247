"""Cross-posted copies of my posts (platform_republishing): one row per post and platform."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import func, literal_column
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, col, select

from blogster_cli.models.content import Blog
from blogster_cli.models.republishing import PlatformRepublishing
from blogster_cli.repositories import MY_ID
from blogster_cli.vocabulary import RepublishingPlatform, RepublishingStatus

LAST_ERROR_CHARS = 1000


def claim(
    session: Session, *, blog_id: UUID, platform: RepublishingPlatform, canonical_url: str
) -> PlatformRepublishing:
    """The copy's row, created (as a draft: the intent) before any remote call.

    An existing row is left as it is (not locked): a run holding it in `lock` must not make
    this one wait; `lock` is where its canonical URL is brought up to date.
    """
    statement = (
        insert(PlatformRepublishing)
        .values(blog_id=blog_id, platform=platform, canonical_url=canonical_url)
        .on_conflict_do_nothing(index_elements=["blog_id", "platform"])
    )
    session.connection().execute(statement)
    query = select(PlatformRepublishing).where(
        PlatformRepublishing.blog_id == blog_id, PlatformRepublishing.platform == platform
    )
    return session.exec(query).one()


def lock(session: Session, *, copy_id: UUID, canonical_url: str) -> PlatformRepublishing | None:
    """The copy, locked until the transaction ends (FOR NO KEY UPDATE), or None when another
    transaction holds it: a run that is talking to the platform about this copy right now.
    The lock ends with its holder's connection, so a killed run never blocks the next one."""
    query = (
        select(PlatformRepublishing)
        .where(PlatformRepublishing.id == copy_id)
        .with_for_update(skip_locked=True, key_share=True)
    )
    copy = session.exec(query).first()
    if copy is not None and copy.canonical_url != canonical_url:
        copy.canonical_url = canonical_url
        session.add(copy)
    return copy


def record_success(session: Session, *, copy: PlatformRepublishing, remote_id: str, url: str | None, site: str) -> None:
    """The copy's id, URL (None: not known) and the site both belong to, with the failure cleared."""
    copy.platform_post_id, copy.platform_url, copy.platform_site = remote_id, url, site
    copy.publication_status, copy.last_error = RepublishingStatus.PUBLISHED, None
    session.add(copy)


def holder_of(session: Session, *, copy: PlatformRepublishing, remote_id: str, site: str) -> str | None:
    """The slug of my other post whose copy on `site` has `remote_id`, if any: one remote post
    cannot be the copy of two (each run of either would overwrite the other). A copy recorded
    before 0126 (no site) holds no id: it may have been made on another site, so its id neither
    blocks nor claims one here until its own run finds it names that copy here (and records the site)."""
    query = (
        select(Blog.slug)
        .join(PlatformRepublishing, col(PlatformRepublishing.blog_id) == Blog.id)
        .where(
            PlatformRepublishing.author_id == literal_column(MY_ID),
            PlatformRepublishing.platform == copy.platform,
            PlatformRepublishing.platform_post_id == remote_id,
            PlatformRepublishing.platform_site == site,
            PlatformRepublishing.id != copy.id,
        )
    )
    return session.exec(query.limit(1)).first()


def record_failure(session: Session, *, copy: PlatformRepublishing, error: str) -> None:
    """The failure's reason; the remote id and URL of an earlier success stay for the next run."""
    copy.publication_status, copy.last_error = RepublishingStatus.FAILED, error[:LAST_ERROR_CHARS]
    session.add(copy)


def copies(session: Session, *, blog_id: UUID | None = None) -> Sequence[tuple[PlatformRepublishing, str]]:
    """Copies with their post's slug, newest change first; all of mine, or one post's."""
    query = (
        select(PlatformRepublishing, Blog.slug)
        .join(Blog, col(Blog.id) == PlatformRepublishing.blog_id)
        .where(PlatformRepublishing.author_id == literal_column(MY_ID))
    )
    if blog_id is not None:
        query = query.where(PlatformRepublishing.blog_id == blog_id)
    order = func.coalesce(PlatformRepublishing.updated_at, PlatformRepublishing.created_at)
    return session.exec(query.order_by(order.desc(), PlatformRepublishing.platform)).all()
