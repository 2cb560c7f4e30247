"""A user's own notifications and notification preferences (RLS: only their rows)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import String, cast, func, update
from sqlmodel import Session, col, select

from blogster_cli import id_prefixes
from blogster_cli.models.accounts import UserNotificationPreferences
from blogster_cli.models.system import UserNotification


def list_own(session: Session, *, unread_only: bool, limit: int | None) -> list[UserNotification]:
    """My notifications shown in the app, newest first: not those written for their email only
    (in_app false, 0149), which stay mine to read by id and to mark read."""
    statement = (
        select(UserNotification)
        .where(col(UserNotification.in_app))
        .order_by(col(UserNotification.created_at).desc())
        .limit(limit)
    )
    if unread_only:
        statement = statement.where(col(UserNotification.read).is_(False))
    return list(session.exec(statement))


def ids_starting(session: Session, *, prefix: str) -> list[UUID]:
    """The ids of my notifications that start with `prefix` (id_prefixes: one is a match, two ambiguous)."""
    statement = select(UserNotification.id).where(cast(UserNotification.id, String).startswith(prefix, autoescape=True))
    return list(session.exec(statement.limit(id_prefixes.ROWS_NEEDED)).all())


def own(session: Session, *, notification_id: UUID) -> UserNotification | None:
    """My notification with this id (None if it is not mine, or gone)."""
    return session.exec(select(UserNotification).where(col(UserNotification.id) == notification_id)).first()


def mark_read(session: Session, *, notification_id: UUID | None) -> int:
    """Marks one (or, with None, every unread) notification read; returns how many."""
    statement = update(UserNotification).where(col(UserNotification.read).is_(False))
    if notification_id is not None:
        statement = update(UserNotification).where(col(UserNotification.id) == notification_id)
    result = session.exec(statement.values(read=True, read_at=func.now()))
    return result.rowcount


def own_preferences(session: Session) -> UserNotificationPreferences | None:
    return session.exec(select(UserNotificationPreferences)).first()
