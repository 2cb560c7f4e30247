"""Notification delivery (the workers' side) and a user's own notifications (the CLI's side)."""

from __future__ import annotations

from uuid import UUID

from blogster_cli.db.acting import ActingUser, Actor, unit_of_work
from blogster_cli.db.connection import Database
from blogster_cli.db.service import service_unit_of_work
from blogster_cli.repositories import notification_delivery
from blogster_cli.services import email_delivery
from blogster_cli.vocabulary import NotificationDeliveryStatus

NO_SMTP = "no SMTP server configured (BLOGSTER_SMTP_URL)"
OPTED_OUT = "the recipient no longer wants maintenance email"


def message_id(notification_id: UUID) -> str:
    """Stable per notification: a repeat after a crash is recognisably the same message."""
    return f"<{notification_id}@notifications.blogster>"


def deliver_maintenance_email(
    db: Database,
    *,
    smtp_url: str | None,
    job_id: int,
    user_id: UUID,
    notification_id: UUID,
    schedule_id: UUID,
    subject: str,
    body: str,
    final_attempt: bool,
) -> str:
    """Sends one maintenance email at most once; returns the recorded outcome.

    Reads the ledger (service_role), then the recipient's address as the recipient, sends
    outside any transaction, and records the outcome as soon as the server accepted it.
    Raises SmtpUnavailable for a retry unless this is the final attempt.
    """
    with service_unit_of_work(db) as conn:
        done = notification_delivery.delivery_outcome(conn, notification_id=notification_id)
        if done is not None:
            notification_delivery.mark_schedule_sent_when_done(conn, schedule_id=schedule_id, finishing_job_id=job_id)
            return done
    with unit_of_work(ActingUser(db, Actor(user_id=user_id, email=""))) as conn:
        address = notification_delivery.own_email_if_wanted(conn)

    status, error = NotificationDeliveryStatus.SENT, None
    if address is None:
        status, error = NotificationDeliveryStatus.FAILED, OPTED_OUT
    elif not smtp_url:
        status, error = NotificationDeliveryStatus.FAILED, NO_SMTP
    else:
        email = email_delivery.Email(to=address, subject=subject, body=body, message_id=message_id(notification_id))
        try:
            email_delivery.send(smtp_url, email)
        except email_delivery.RecipientRefused as exc:
            status, error = NotificationDeliveryStatus.FAILED, str(exc)
        except email_delivery.SmtpUnavailable as exc:
            if not final_attempt:
                raise
            status, error = NotificationDeliveryStatus.FAILED, str(exc)

    with service_unit_of_work(db) as conn:
        notification_delivery.record_delivery(
            conn, notification_id=notification_id, user_id=user_id, status=status, error=error
        )
        notification_delivery.mark_schedule_sent_when_done(conn, schedule_id=schedule_id, finishing_job_id=job_id)
    return status
