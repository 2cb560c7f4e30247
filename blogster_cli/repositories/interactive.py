"""My interactive content (quizzes, polls, surveys, calculators)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import String, cast, literal_column, or_, text
from sqlmodel import Session, col, select

from blogster_cli.models.extended import InteractiveContent
from blogster_cli.repositories import MY_ID

MINE = InteractiveContent.user_id == literal_column(MY_ID)


def save(session: Session, *, item: InteractiveContent) -> InteractiveContent:
    session.add(item)
    session.flush()
    session.refresh(item)
    return item


def own(session: Session) -> Sequence[InteractiveContent]:
    return session.exec(
        select(InteractiveContent).where(MINE).order_by(col(InteractiveContent.created_at).desc())
    ).all()


def find(session: Session, *, ref: str) -> list[InteractiveContent]:
    """Items whose tracking id is `ref`, or whose id starts with it (two or more: ambiguous); locked."""
    ref = ref.strip().lower()
    query = select(InteractiveContent).where(
        MINE,
        or_(
            col(InteractiveContent.tracking_id) == ref,
            cast(InteractiveContent.id, String).startswith(ref, autoescape=True),
        ),
    )
    return list(session.exec(query.limit(2).with_for_update()).all())


def by_tracking_ids(session: Session, *, tracking_ids: list[str]) -> Sequence[InteractiveContent]:
    query = select(InteractiveContent).where(MINE, col(InteractiveContent.tracking_id).in_(tracking_ids))
    return session.exec(query.with_for_update()).all()


def delete(session: Session, *, item_id: UUID) -> bool:
    """The one place interactive content is deleted: through public.delete_rows (users hold no DELETE)."""
    statement = text("select public.delete_rows('public.interactive_content', array[cast(:id as uuid)])")
    return session.connection().execute(statement, {"id": item_id}).first() is not None
