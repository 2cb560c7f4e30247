"""My social media profiles and the social posts of my blogs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import String, cast, literal_column, text
from sqlmodel import Session, col, select

from blogster_cli import id_prefixes
from blogster_cli.models.content import Blog
from blogster_cli.models.social import SocialMediaPost, SocialMediaProfile
from blogster_cli.repositories import MY_ID
from blogster_cli.vocabulary import SocialPlatform, SocialPostStatus


def profiles(session: Session) -> Sequence[SocialMediaProfile]:
    query = select(SocialMediaProfile).where(SocialMediaProfile.user_id == literal_column(MY_ID))
    return session.exec(query.order_by(SocialMediaProfile.platform, col(SocialMediaProfile.created_at))).all()


def profile_for(session: Session, *, platform: SocialPlatform, handle: str | None) -> SocialMediaProfile | None:
    """My profile on `platform` with this handle (profile_id), or my first one there when no handle is named."""
    query = select(SocialMediaProfile).where(
        SocialMediaProfile.user_id == literal_column(MY_ID), SocialMediaProfile.platform == platform
    )
    if handle is not None:
        query = query.where(SocialMediaProfile.profile_id == handle)
    order = (col(SocialMediaProfile.is_connected).desc(), col(SocialMediaProfile.created_at))
    return session.exec(query.order_by(*order).with_for_update()).first()


def save(session: Session, *, row: SocialMediaProfile | SocialMediaPost) -> None:
    session.add(row)
    session.flush()
    session.refresh(row)


def posts(
    session: Session, *, blog_id: UUID | None = None
) -> Sequence[tuple[SocialMediaPost, SocialMediaProfile, str, datetime | None]]:
    """Social posts of my blogs with their profile and the blog's slug and published_at, newest first."""
    query = (
        select(SocialMediaPost, SocialMediaProfile, Blog.slug, Blog.published_at)
        .join(SocialMediaProfile, col(SocialMediaProfile.id) == SocialMediaPost.social_profile_id)
        .join(Blog, col(Blog.id) == SocialMediaPost.blog_id)
        .where(SocialMediaPost.author_id == literal_column(MY_ID))
    )
    if blog_id is not None:
        query = query.where(SocialMediaPost.blog_id == blog_id)
    return session.exec(query.order_by(col(SocialMediaPost.created_at).desc())).all()


def find_post(
    session: Session, *, prefix: str, locked: bool = True
) -> list[tuple[SocialMediaPost, SocialMediaProfile]]:
    """My posts whose id starts with `prefix` (id_prefixes: one is a match, two ambiguous), locked for
    the change; `locked=False` to read only (`social show` does not wait for a post being posted)."""
    query = (
        select(SocialMediaPost, SocialMediaProfile)
        .join(SocialMediaProfile, col(SocialMediaProfile.id) == SocialMediaPost.social_profile_id)
        .where(cast(SocialMediaPost.id, String).startswith(prefix, autoescape=True))
        .limit(id_prefixes.ROWS_NEEDED)
    )
    return list(session.exec(query.with_for_update(of=SocialMediaPost) if locked else query).all())


def delete_post(session: Session, *, post_id: UUID) -> bool:
    """The one place a social post is deleted: through public.delete_rows (users hold no DELETE)."""
    statement = text("select public.delete_rows('public.social_media_posts', array[cast(:id as uuid)])")
    return session.connection().execute(statement, {"id": post_id}).first() is not None


def due_post_ids(session: Session, *, now: datetime) -> list[UUID]:
    """My scheduled social posts whose time has come, oldest first."""
    query = select(SocialMediaPost.id).where(
        SocialMediaPost.post_status == SocialPostStatus.SCHEDULED, col(SocialMediaPost.scheduled_time) <= now
    )
    return list(session.exec(query.order_by(col(SocialMediaPost.scheduled_time))).all())


def lock_due_post(
    session: Session, *, post_id: UUID, now: datetime
) -> tuple[SocialMediaPost, SocialMediaProfile] | None:
    """The post and its profile if it is still scheduled and due, locked until the transaction
    ends (FOR NO KEY UPDATE); None when another run holds it or already posted it."""
    query = (
        select(SocialMediaPost, SocialMediaProfile)
        .join(SocialMediaProfile, col(SocialMediaProfile.id) == SocialMediaPost.social_profile_id)
        .where(
            SocialMediaPost.id == post_id,
            SocialMediaPost.post_status == SocialPostStatus.SCHEDULED,
            col(SocialMediaPost.scheduled_time) <= now,
        )
        .with_for_update(of=SocialMediaPost, skip_locked=True, key_share=True)
        .execution_options(populate_existing=True)
    )
    found = session.exec(query).first()
    return (found[0], found[1]) if found else None


@dataclass(frozen=True)
class LinkedBlog:
    """What a due social post needs of the blog post it links to: whether its page is live."""

    slug: str
    status: str
    published_at: datetime | None
    deleted_at: datetime | None


def linked_blog(session: Session, *, blog_id: UUID) -> LinkedBlog | None:
    """The blog post a social post links to (in the trash too), read without a lock."""
    query = select(Blog.slug, Blog.status, Blog.published_at, Blog.deleted_at).where(Blog.id == blog_id)
    found = session.exec(query).first()
    return None if found is None else LinkedBlog(found[0], str(found[1]), found[2], found[3])
