"""Red team 56, F5: a recipient of a maintenance email job who kept a transaction open on its own
notification (marking it read) stopped the job at its turn: the recorder's wait ended in a Conflict,
the recipients after it got nothing, and each retry mailed the busy one again (its email was sent
before the wait) until the job gave up. Now its notification is held in a guard across the send: a
busy one is skipped at once, unmailed, the others go on, and the job's retry mails it, once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

import pytest
from psycopg.types.json import Jsonb

from blogster_cli.actors import Actor
from blogster_cli.errors import Conflict
from blogster_cli.services import email_delivery, notifications
from tests.workers.test_serve_workers import deliveries, message_id_of, run_once, schedule_maintenance

JOB_ARGS = "select id, args from procrastinate.procrastinate_jobs where task_name = 'notification_email'"


@contextmanager
def reading_in_an_open_transaction(db, reader: Actor) -> Iterator[None]:
    """`reader`, as its own role, marks its notifications read and keeps the transaction open: their
    rows are held until the block ends (committed then)."""
    holding = db.connect(autocommit=False)
    try:
        holding.execute(f"set local role {reader.role_name}")
        assert holding.execute("update public.user_notifications set read = true").rowcount == 1
        yield
        holding.commit()
    finally:
        holding.close()


def busy_first(superuser, busy: Actor) -> tuple[int, dict]:
    """The schedule's one job, its recipients reordered so the busy one comes first: the old code
    stopped there and mailed nobody after it."""
    [(job_id, args)] = superuser.execute(JOB_ARGS).fetchall()
    args["recipients"].sort(key=lambda r: r["user_id"] != str(busy.user_id))
    superuser.execute("update procrastinate.procrastinate_jobs set args = %s where id = %s", (Jsonb(args), job_id))
    return job_id, args


def deliver(db, url: str, job_id: int, args: dict) -> dict[UUID, str | None]:
    return notifications.deliver_maintenance_emails(
        db,
        smtp=email_delivery.SmtpServer(url, None),
        job_id=job_id,
        schedule_id=UUID(args["maintenance_schedule_id"]),
        subject=args["title"],
        body=args["content"],
        recipients=[
            notifications.EmailRecipient(user_id=UUID(r["user_id"]), notification_id=UUID(r["notification_id"]))
            for r in args["recipients"]
        ],
        final_attempt=False,
    )


def notification_sent(superuser, schedule: str) -> bool:
    query = "select notification_sent from maintenance_schedules where id = %s"
    return bool(superuser.execute(query, (schedule,)).fetchone()[0])


def test_a_busy_recipient_is_skipped_unmailed_and_mailed_once_on_the_retry(db, make_user, superuser, smtp):
    recorder, url = smtp
    admin, busy, others = make_user(admin=True), make_user(), [make_user() for _ in range(3)]
    schedule = schedule_maintenance(db, admin)
    job_id, args = busy_first(superuser, busy)
    with reading_in_an_open_transaction(db, busy):
        with pytest.raises(Conflict) as raised:  # the retry's reason, after the others
            deliver(db, url, job_id, args)
        assert recorder.to(busy.email) == []  # not mailed while its notification is held
        for user in [admin, *others]:
            assert recorder.to(user.email) == [message_id_of(superuser, user)], user.email
        assert busy.user_id not in deliveries(superuser) and len(deliveries(superuser)) == 4
        assert isinstance(raised.value, notifications.RecipientsBusy), raised.value
        assert raised.value.outcomes == {
            UUID(r["notification_id"]): None for r in args["recipients"] if r["user_id"] != str(busy.user_id)
        }
        assert "1 recipient not mailed yet" in str(raised.value)
        assert not notification_sent(superuser, schedule)

    [busy_notification] = [UUID(r["notification_id"]) for r in args["recipients"] if r["user_id"] == str(busy.user_id)]
    assert deliver(db, url, job_id, args) == {busy_notification: None}  # the retry: the busy one only
    for user in [admin, busy, *others]:
        assert recorder.to(user.email) == [message_id_of(superuser, user)], user.email
    assert deliveries(superuser)[busy.user_id] == ("sent", None)
    shown = "select delivery_status::text, read from user_notifications where user_id = %s"
    assert superuser.execute(shown, (busy.user_id,)).fetchone() == ("sent", True)  # its own change kept
    assert notification_sent(superuser, schedule)


def test_the_worker_finishes_the_others_and_its_retry_mails_the_busy_one(db, make_user, superuser, smtp, start_worker):
    """As the red team ran it: `serve-workers --once` while the recipient holds its notification."""
    recorder, url = smtp
    admin, busy, other = make_user(admin=True), make_user(), make_user()
    schedule = schedule_maintenance(db, admin)
    job_id, _ = busy_first(superuser, busy)
    with reading_in_an_open_transaction(db, busy):
        run_once(start_worker, url)
        job = "select status::text, attempts from procrastinate.procrastinate_jobs where id = %s"
        assert superuser.execute(job, (job_id,)).fetchone() == ("todo", 1)  # retried, for the busy one
        assert recorder.to(busy.email) == []
        assert set(deliveries(superuser)) == {admin.user_id, other.user_id}
        assert not notification_sent(superuser, schedule)
    superuser.execute("update procrastinate.procrastinate_jobs set scheduled_at = now() where id = %s", (job_id,))
    run_once(start_worker, url)
    assert superuser.execute(job, (job_id,)).fetchone() is None  # succeeded (and deleted, as successful jobs are)
    for user in [admin, busy, other]:
        assert recorder.to(user.email) == [message_id_of(superuser, user)], user.email
    assert deliveries(superuser)[busy.user_id] == ("sent", None)
    assert notification_sent(superuser, schedule)
