"""AI generation rows: credit reservations, generation logs, subscriptions, blog ideas, writer's block lists."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from blogster_cli import id_prefixes
from blogster_cli.db.rows import checked
from blogster_cli.models.accounts import UserSubscription
from blogster_cli.models.content import AiGenerationLog
from blogster_cli.models.ideas import BlogIdea
from blogster_cli.models.research import ResearchSource
from blogster_cli.models.social import SocialMediaProfile
from blogster_cli.models.unblock import WritersBlockSession
from blogster_cli.vocabulary import BlogIdeaStatus, SocialPlatform, SubscriptionTier

# The same expression as the index ai_generation_logs_search_idx (migration 0020).
_LOG_DOCUMENT = "to_tsvector('simple'::regconfig, coalesce(prompt, '') || ' ' || coalesce(completion, ''))"


def reserve_credit(session: Session, *, request_id: UUID) -> int:
    """Holds one credit for `request_id` (P0001 'no AI credits left' if none); returns credits still free.

    The reservation lasts as long as this session (the run's connection, kept from the pool until
    the run is done: generation_steps.reserving): one a killed command left, whose session the
    server ended, no longer counts (migration 0193), so its credit is free again at once.

    The reservation's commit does not wait for the WAL flush (one fsync less per
    generation): a reservation lost in a server crash only means the later success
    log must find an unreserved credit to charge, so nothing is ever charged twice.
    """
    statement = text(
        "select pg_catalog.set_config('synchronous_commit', 'off', true), public.reserve_generation_credit(:id)"
    )
    return checked(session.execute(statement, {"id": request_id}).one()[1], int)


def release_credit(session: Session, *, request_id: UUID) -> bool:
    statement = text("select public.release_generation_credit(:id)")
    return checked(session.execute(statement, {"id": request_id}).scalar_one(), bool)


def held_credits(session: Session) -> int:
    """The acting account's credits its running generations hold (reservations it cannot read itself)."""
    return checked(session.execute(text("select public.held_generation_credits()")).scalar_one(), int)


def insert_log(session: Session, *, log: AiGenerationLog) -> AiGenerationLog:
    """Stores one generation; a success charges its credit through the on_ai_generation trigger."""
    session.add(log)
    session.flush()
    return log


def active_subscription(session: Session, *, user_id: UUID) -> UserSubscription | None:
    statement = select(UserSubscription).where(UserSubscription.user_id == user_id, col(UserSubscription.is_active))
    return session.exec(statement).first()


def recent_logs(session: Session, *, user_id: UUID, query: str | None, limit: int | None) -> Sequence[AiGenerationLog]:
    """My generations, newest first; `query` is a web-search style full-text query."""
    statement = select(AiGenerationLog).where(AiGenerationLog.user_id == user_id)
    if query:
        statement = statement.where(
            text(f"{_LOG_DOCUMENT} @@ websearch_to_tsquery('simple'::regconfig, :query)").bindparams(query=query)
        )
    statement = statement.order_by(col(AiGenerationLog.created_at).desc(), col(AiGenerationLog.id))
    if limit is not None:
        statement = statement.limit(limit)
    return session.exec(statement).all()


def insert_ideas(session: Session, *, ideas: Sequence[BlogIdea]) -> list[BlogIdea]:
    session.add_all(ideas)
    session.flush()
    return list(ideas)


def list_ideas(session: Session, *, user_id: UUID, statuses: Sequence[BlogIdeaStatus] | None) -> Sequence[BlogIdea]:
    statement = select(BlogIdea).where(BlogIdea.user_id == user_id)
    if statuses:
        statement = statement.where(col(BlogIdea.status).in_(list(statuses)))
    return session.exec(statement.order_by(col(BlogIdea.created_at).desc(), col(BlogIdea.title))).all()


def count_ideas(session: Session, *, user_id: UUID, status: BlogIdeaStatus) -> int:
    """How many of `user_id`'s ideas have `status`, counted in the database."""
    statement = select(func.count()).select_from(BlogIdea).where(BlogIdea.user_id == user_id, BlogIdea.status == status)
    return session.exec(statement).one()


def free_undrafted_ideas(session: Session, *, user_id: UUID, excluding: Sequence[UUID], limit: int) -> list[UUID]:
    """The ids of `user_id`'s first `limit` saved ideas without a post, oldest first (the order
    `ideas list` shows them in, reversed), leaving out `excluding` and those another transaction
    holds: each is locked until this transaction ends (FOR NO KEY UPDATE SKIP LOCKED), the claim
    of `generate batch` on the idea it drafts (services/generation.py). A row lock that another
    run's claim took is skipped, never waited for; a claim its run committed (the idea linked to
    its post) no longer matches."""
    statement = (
        select(BlogIdea.id)
        .where(BlogIdea.user_id == user_id, BlogIdea.status == BlogIdeaStatus.SAVED, col(BlogIdea.blog_id).is_(None))
        .order_by(col(BlogIdea.created_at), col(BlogIdea.title).desc())
        .limit(limit)
        .with_for_update(skip_locked=True, key_share=True)
    )
    if excluding:
        statement = statement.where(col(BlogIdea.id).not_in(list(excluding)))
    return list(session.exec(statement).all())


def claim_idea(session: Session, *, idea_id: UUID) -> bool:
    """Locks the idea until this transaction ends (FOR NO KEY UPDATE SKIP LOCKED, as
    `free_undrafted_ideas` claims one), unless another transaction holds it: then False at once,
    never a wait (`generate draft --idea` while a batch or another draft is drafting it)."""
    statement = select(BlogIdea.id).where(BlogIdea.id == idea_id).with_for_update(skip_locked=True, key_share=True)
    return session.exec(statement).first() is not None


def count_undrafted_ideas(session: Session, *, user_id: UUID) -> int:
    """How many of `user_id`'s saved ideas have no post yet, locked by another run or not."""
    statement = (
        select(func.count())
        .select_from(BlogIdea)
        .where(BlogIdea.user_id == user_id, BlogIdea.status == BlogIdeaStatus.SAVED, col(BlogIdea.blog_id).is_(None))
    )
    return session.exec(statement).one()


def find_idea(session: Session, *, idea_id: UUID, for_update: bool = False) -> BlogIdea | None:
    statement = select(BlogIdea).where(BlogIdea.id == idea_id)
    if for_update:
        statement = statement.with_for_update()
    return session.exec(statement).first()


def idea_ids_starting(session: Session, *, user_id: UUID, prefix: str) -> list[UUID]:
    """The ids of `user_id`'s ideas that start with `prefix` (id_prefixes: one is a match, two ambiguous)."""
    from sqlalchemy import String, cast

    statement = select(BlogIdea.id).where(
        BlogIdea.user_id == user_id, cast(BlogIdea.id, String).startswith(prefix, autoescape=True)
    )
    return list(session.exec(statement.limit(id_prefixes.ROWS_NEEDED)).all())


def last_unblock_session(
    session: Session, *, user_id: UUID, blog_id: UUID, for_update: bool = False
) -> WritersBlockSession | None:
    """The newest list of writer's block suggestions `user_id` had made for the post (locked with `for_update`)."""
    statement = (
        select(WritersBlockSession)
        .where(WritersBlockSession.user_id == user_id, WritersBlockSession.blog_id == blog_id)
        .order_by(col(WritersBlockSession.created_at).desc(), col(WritersBlockSession.id))
        .limit(1)
    )
    if for_update:
        statement = statement.with_for_update()
    return session.exec(statement).first()


def social_profile(session: Session, *, user_id: UUID, platform: SocialPlatform) -> SocialMediaProfile | None:
    """My first profile on `platform` (connected ones first)."""
    statement = (
        select(SocialMediaProfile)
        .where(SocialMediaProfile.user_id == user_id, SocialMediaProfile.platform == platform)
        .order_by(col(SocialMediaProfile.is_connected).desc(), col(SocialMediaProfile.created_at))
    )
    return session.exec(statement).first()


def insert_source(session: Session, *, source: ResearchSource) -> ResearchSource:
    session.add(source)
    session.flush()
    return source


def list_sources(session: Session, *, user_id: UUID, blog_id: UUID | None) -> Sequence[ResearchSource]:
    statement = select(ResearchSource).where(ResearchSource.user_id == user_id)
    if blog_id is not None:
        statement = statement.where(ResearchSource.blog_id == blog_id)
    return session.exec(statement.order_by(col(ResearchSource.created_at), col(ResearchSource.id))).all()


def unattached_sources(session: Session, *, user_id: UUID) -> Sequence[ResearchSource]:
    """My sources not tied to a post, oldest first."""
    statement = select(ResearchSource).where(ResearchSource.user_id == user_id, col(ResearchSource.blog_id).is_(None))
    return session.exec(statement.order_by(col(ResearchSource.created_at), col(ResearchSource.id))).all()


def tie_sources(session: Session, *, source_ids: Sequence[UUID], blog_id: UUID) -> list[UUID]:
    """Ties those of `source_ids` still tied to no post to `blog_id` (the draft that cites them);
    returns the ids tied. One tied meanwhile (`research add` to a post) keeps its post."""
    from sqlalchemy import update

    statement = (
        update(ResearchSource)
        .where(col(ResearchSource.id).in_(list(source_ids)), col(ResearchSource.blog_id).is_(None))
        .values(blog_id=blog_id)
        .returning(col(ResearchSource.id))
    )
    return list(session.execute(statement).scalars().all())


def find_source(session: Session, *, source_id: UUID) -> ResearchSource | None:
    return session.get(ResearchSource, source_id)


def delete_source(session: Session, *, source_id: UUID) -> bool:
    """The one place a research source is deleted: through delete_rows, which applies the table's
    DELETE policy (only my own), since user roles hold no table-level DELETE."""
    statement = text("select public.delete_rows('public.research_sources'::regclass, array[:id]::uuid[])")
    return session.execute(statement, {"id": source_id}).first() is not None


def update_subscription(
    session: Session, *, user_id: UUID, tier: SubscriptionTier | None = None, add_credits: int = 0,
    at_least: int | None = None,
) -> UserSubscription | None:  # fmt: skip
    """Changes an active subscription (RLS: administrators only): tier, credits added, a credit floor."""
    from sqlalchemy import ColumnElement, update

    remaining: ColumnElement[int] = col(UserSubscription.credits_remaining) + add_credits
    if at_least is not None:
        remaining = func.greatest(remaining, at_least)
    values: dict[str, object] = {"credits_remaining": remaining}
    if tier is not None:
        values["subscription_tier"] = tier
    statement = (
        update(UserSubscription)
        .where(col(UserSubscription.user_id) == user_id, col(UserSubscription.is_active))
        .values(**values)
        .returning(col(UserSubscription.id))
    )
    changed = session.execute(statement).scalar_one_or_none()
    if changed is None:
        return None
    session.expire_all()
    return active_subscription(session, user_id=user_id)
