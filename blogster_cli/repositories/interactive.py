"""My interactive content (quizzes, polls, surveys, calculators)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import String, cast, literal_column, or_, text
from sqlmodel import Session, col, select

from blogster_cli import id_prefixes
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


def find(session: Session, *, tracking_id: str, prefix: str | None = None) -> list[InteractiveContent]:
    """My items whose tracking id is `tracking_id`, or whose id starts with `prefix` (id_prefixes: one
    is a match, two ambiguous); the one whose whole id `prefix` is first, then that tracking id's; locked."""
    exact = col(InteractiveContent.tracking_id) == tracking_id
    whole_id = cast(InteractiveContent.id, String) == prefix
    named = (
        exact if prefix is None else or_(exact, cast(InteractiveContent.id, String).startswith(prefix, autoescape=True))
    )
    query = select(InteractiveContent).where(MINE, named).order_by(whole_id.desc(), exact.desc())
    return list(session.exec(query.limit(id_prefixes.ROWS_NEEDED).with_for_update()).all())


def delete(session: Session, *, item_id: UUID) -> bool:
    """The one place interactive content is deleted: through public.delete_rows (users hold no DELETE)."""
    statement = text("select public.delete_rows('public.interactive_content', array[cast(:id as uuid)])")
    return session.connection().execute(statement, {"id": item_id}).first() is not None
