"""Queries behind a notification email: the recipient's side (as the user) and the ledger (service_role)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    import psycopg


def own_email_if_wanted(conn: psycopg.Connection) -> str | None:
    """As the user: their address if they still want maintenance email (preferences may have changed)."""
    row = conn.execute(
        "select me.email from auth.me() me join public.user_notification_preferences p on p.user_id = me.id"
        " where p.maintenance_notifications and p.email_notifications"
    ).fetchone()
    return row[0] if row else None


def delivered_among(conn: psycopg.Connection, *, notification_ids: list[UUID]) -> set[UUID]:
    """Which of these notifications' emails already have an outcome in the ledger."""
    return {
        notification_id
        for (notification_id,) in conn.execute(
            "select notification_id from internal.email_deliveries where notification_id = any(%s)",
            (notification_ids,),
        )
    }


def record_delivery(
    conn: psycopg.Connection, *, notification_id: UUID, user_id: UUID, status: str, error: str | None
) -> None:
    """The ledger row and the in-app notification's delivery_status, in one transaction."""
    conn.execute(
        "insert into internal.email_deliveries (notification_id, user_id, status, error) values (%s, %s, %s, %s)"
        " on conflict (notification_id) do nothing",
        (notification_id, user_id, status, error),
    )
    conn.execute(
        "update public.user_notifications set delivery_status = %s::public.notification_delivery_status"
        " where id = %s and user_id = %s",
        (status, notification_id, user_id),
    )


def mark_schedule_sent_when_done(conn: psycopg.Connection, *, schedule_id: UUID, finishing_job_id: int) -> None:
    """notification_sent once every email of this schedule's jobs has its outcome in the ledger.

    Run in a transaction of its own after the job's outcome is committed: of the last jobs
    finishing concurrently, the one checking last sees every outcome, without a lock.
    """
    conn.execute(
        "update public.maintenance_schedules s set notification_sent = true"
        " where s.id = %(id)s and not s.notification_sent and not exists ("
        "   select 1 from procrastinate.procrastinate_jobs j"
        "   where j.task_name = 'notification_email' and j.status in ('todo', 'doing') and j.id <> %(job)s"
        "     and j.args->>'maintenance_schedule_id' = %(id)s::text"
        "     and exists (select 1 from pg_catalog.jsonb_array_elements(j.args->'recipients') r"
        "                 where not exists (select 1 from internal.email_deliveries d"
        "                                   where d.notification_id = (r->>'notification_id')::uuid)))",
        {"id": schedule_id, "job": finishing_job_id},
    )


def delete_expired(conn: psycopg.Connection, *, older_than_days: int) -> int:
    """Notifications whose expiry passed more than `older_than_days` ago (service_role)."""
    return conn.execute(
        "delete from public.user_notifications"
        " where expires_at < pg_catalog.now() - pg_catalog.make_interval(days => %s)",
        (older_than_days,),
    ).rowcount
