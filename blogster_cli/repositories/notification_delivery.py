"""Queries behind a notification email: the recipient's side (as the user) and the ledger (service_role).

The ledger (internal.email_deliveries) is keyed by a uuid: a maintenance email's notification id,
or a review notification's version (its id and created_at, 0147: services/notifications.py
derives the key), so each version is mailed once; and a review notification's own id once one of
its versions was mailed (0148: its rewrites are not mailed until the recipient reads it), written by
the worker's claim before it sends (0149: `claim_review_email`, held across the SMTP call; 0151: it
also holds back a version while two others from its sender are unread, and counts a recipient's
review emails of the day).

SQLModel statements on the Session of `orm_unit_of_work` / `orm_service_unit_of_work`: the
`notification_email` job of `serve-workers` runs these, and a long-lived process pays the
import once (bench/bench_worker.py's throughput is unchanged by it, within its noise).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from sqlalchemy import ColumnElement, Uuid, column, delete, exists, func, table, tuple_, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlmodel import Session, col, select

from blogster_cli.db.rows import checked
from blogster_cli.models import pg_enum
from blogster_cli.models.accounts import UserNotificationPreferences
from blogster_cli.models.system import MaintenanceSchedule, UserNotification
from blogster_cli.repositories.job_queue import JOBS
from blogster_cli.vocabulary import NotificationDeliveryStatus, NotificationType

# The delivery ledger (0032): internal, so no row class of its own.
EMAIL_DELIVERIES = table(
    "email_deliveries",
    column("notification_id", Uuid),
    column("user_id", Uuid),
    column("status", pg_enum(NotificationDeliveryStatus, "notification_delivery_status")),
    column("error"),
    column("recorded_at"),
    schema="internal",
)


# The preference that lets each kind of notification be mailed (beside email_notifications).
_WANTED = {
    NotificationType.MAINTENANCE: UserNotificationPreferences.maintenance_notifications,
    NotificationType.BLOG_INTERACTION: UserNotificationPreferences.blog_interaction_notifications,
}


def own_email_if_wanted(session: Session, *, about: NotificationType = NotificationType.MAINTENANCE) -> str | None:
    """As the user: their address if they still want email `about` this kind of notification
    (maintenance, or review steps: blog_interaction); preferences may have changed since."""
    me = func.auth.me().table_valued("id", "email").alias("me")
    query = (
        select(me.c.email)
        .join(UserNotificationPreferences, col(UserNotificationPreferences.user_id) == me.c.id)
        .where(col(_WANTED[about]))
        .where(col(UserNotificationPreferences.email_notifications))
    )
    address = session.execute(query).scalar_one_or_none()
    return str(address) if address is not None else None


def own_version(session: Session, *, notification_id: UUID, created_at: datetime) -> UserNotification | None:
    """As the user (RLS: their own rows only): this version of their notification, None once it
    was rewritten (another created_at) or is gone."""
    query = select(UserNotification).where(
        col(UserNotification.id) == notification_id, col(UserNotification.created_at) == created_at
    )
    return session.execute(query).scalars().one_or_none()


def delivered_among(session: Session, *, notification_ids: list[UUID]) -> set[UUID]:
    """Which of these ledger keys (notification ids, or versions' keys) already have an outcome in the ledger."""
    query = select(EMAIL_DELIVERIES.c.notification_id).where(EMAIL_DELIVERIES.c.notification_id.in_(notification_ids))
    return set(session.execute(query).scalars())


class ReviewClaim(StrEnum):
    """What `claim_review_email` answers (internal.claim_review_email, 0149)."""

    CLAIMED = "claimed"
    """The notification's "mailed" row is this transaction's: send, then commit (roll it back unsent)."""
    REPLACED = "replaced"
    """The version was rewritten (or is gone): its newer version's job mails that one."""
    MAILED = "mailed"
    """Mailed already since its recipient last read it: not mailed again in this read cycle."""
    HELD = "held"
    """Two other review emails from its sender are unread (0151): not mailed, it shows in the app."""
    CAPPED = "capped"
    """The recipient was sent the most review emails a day already (0151): not mailed."""


def claim_review_email(session: Session, *, notification_id: UUID, created_at: datetime, user_id: UUID) -> ReviewClaim:
    """service_role, in the unit of work that stays open across the SMTP call and records the
    outcome: claims the notification's read cycle for this version's email. Another worker's claim
    on the same notification, not yet committed, is waited for (at most the lock timeout)."""
    claim = func.internal.claim_review_email(notification_id, created_at, user_id)
    return ReviewClaim(checked(session.execute(select(claim)).scalar_one(), str))


def _the_notification(notification_id: UUID, user_id: UUID, created_at: datetime | None) -> list[ColumnElement[bool]]:
    """The recipient's notification (that version of it, given `created_at`)."""
    mine = [col(UserNotification.id) == notification_id, col(UserNotification.user_id) == user_id]
    if created_at is not None:
        mine.append(col(UserNotification.created_at) == created_at)
    return mine


def hold_unless_busy(
    session: Session, *, notification_id: UUID, user_id: UUID, created_at: datetime | None = None
) -> bool:
    """service_role: locks the recipient's notification (FOR NO KEY UPDATE) for this transaction, unless
    another transaction holds its row (its owner marking it read, a step rewriting it: accounts'
    transactions, open as long as they like): False then, at once, without waiting. True once held,
    or when there is no such row to hold (gone, or rewritten since: nothing to wait for)."""
    mine = _the_notification(notification_id, user_id, created_at)
    free = select(UserNotification.id).where(*mine).with_for_update(key_share=True, skip_locked=True)
    if session.execute(free).first() is not None:
        return True
    return session.execute(select(UserNotification.id).where(*mine)).first() is None


def record_delivery(
    session: Session,
    *,
    notification_id: UUID,
    user_id: UUID,
    status: NotificationDeliveryStatus,
    error: str | None,
    key: UUID | None = None,
    created_at: datetime | None = None,
    shown_as: NotificationDeliveryStatus | None = None,
    skip_locked: bool = False,
) -> bool:
    """The ledger row and the in-app notification's delivery_status and reason, in one transaction.

    `key`: the ledger's key when it is not the notification's id (a version's, 0147); `created_at`:
    the version whose outcome this is (a notification rewritten since keeps its newer version's).
    `shown_as`: the notification's status when it is not the email's (a version not mailed because
    its notification was mailed in this read cycle is 'sent', delivered in the app, as 0148's
    trigger marks a rewrite it does not queue). A sent review version's "mailed" row is its claim's
    (`claim_review_email`), committed with this.

    `skip_locked`: leave the notification as it is when another transaction holds its row
    (`hold_unless_busy`) instead of waiting; returns False then, for the caller to write it in a
    unit of work of its own (0151: the worker's claim holds the recipient's lock meanwhile). True
    once written (or nothing to write: the version is gone)."""
    ledger = insert(EMAIL_DELIVERIES).values(
        notification_id=key or notification_id, user_id=user_id, status=status, error=error
    )
    session.execute(ledger.on_conflict_do_nothing(index_elements=["notification_id"]))
    mine = _the_notification(notification_id, user_id, created_at)
    if skip_locked and not hold_unless_busy(
        session, notification_id=notification_id, user_id=user_id, created_at=created_at
    ):
        return False
    shown, why = (status, error) if shown_as is None else (shown_as, None)
    session.execute(update(UserNotification).where(*mine).values(delivery_status=shown, delivery_error=why))
    return True


def mark_schedule_sent_when_done(session: Session, *, schedule_id: UUID, finishing_job_id: int) -> None:
    """notification_sent once every email of this schedule's jobs has its outcome in the ledger.

    Run in a transaction of its own after the job's outcome is committed: of the last jobs
    finishing concurrently, the one checking last sees every outcome, without a lock.
    """
    recipient = func.jsonb_array_elements(JOBS.c.args["recipients"]).table_valued(column("value", JSONB)).alias("r")
    undelivered = (
        select(1)
        .select_from(recipient)
        .where(
            ~exists().where(
                EMAIL_DELIVERIES.c.notification_id == recipient.c.value["notification_id"].astext.cast(Uuid)
            )
        )
    )
    unfinished = (
        select(1)
        .select_from(JOBS)
        .where(
            JOBS.c.task_name == "notification_email",
            JOBS.c.status.in_(["todo", "doing"]),
            JOBS.c.id != finishing_job_id,
            JOBS.c.args["maintenance_schedule_id"].astext == str(schedule_id),
            exists(undelivered),
        )
    )
    session.execute(
        update(MaintenanceSchedule)
        .where(
            col(MaintenanceSchedule.id) == schedule_id,
            ~col(MaintenanceSchedule.notification_sent),
            ~exists(unfinished),
        )
        .values(notification_sent=True)
    )


def delete_expired(session: Session, *, older_than_days: int) -> int:
    """Notifications whose expiry passed more than `older_than_days` ago (service_role). Rows
    another session holds (an account may lock its own for as long as it likes) are skipped,
    for the next run: waiting on them failed the job for every account."""
    expired = (
        select(UserNotification.id, UserNotification.created_at)
        .where(col(UserNotification.expires_at) < func.now() - timedelta(days=older_than_days))
        .with_for_update(skip_locked=True)
    )
    statement = delete(UserNotification).where(
        tuple_(col(UserNotification.id), col(UserNotification.created_at)).in_(expired)
    )
    return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
