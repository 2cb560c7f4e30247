"""serve-workers as operators run it: real processes, real PostgreSQL, a real SMTP server."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections.abc import Callable

from blogster_cli.db.acting import acting_transaction

MAINTENANCE = (
    "insert into maintenance_schedules (title, start_time, end_time, severity)"
    " values ('Database upgrade', now() + interval '1 day', now() + interval '1 day 1 hour', 'high') returning id"
)


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> float:
    began = time.monotonic()
    while not condition():
        if time.monotonic() - began > timeout:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.2)
    return time.monotonic() - began


def schedule_maintenance(db, admin) -> str:
    with db.connect() as conn, acting_transaction(conn, admin.role_name):
        return conn.execute(MAINTENANCE).fetchone()[0]


def deliveries(superuser) -> dict:
    return {
        user_id: (status, error)
        for user_id, status, error in superuser.execute(
            "select user_id, status::text, error from internal.email_deliveries"
        )
    }


def message_id_of(superuser, user) -> str:
    (notification_id,) = superuser.execute(
        "select id from user_notifications where user_id = %s", (user.user_id,)
    ).fetchone()
    return f"<{notification_id}@notifications.blogster>"


def run_once(start_worker, smtp_url: str | None) -> subprocess.CompletedProcess:
    """`serve-workers --once`, in this process (conftest.WorkerStarter.once); exits 0."""
    done = start_worker.once(smtp_url)
    assert done.returncode == 0, done.stderr
    return done


def test_once_delivers_each_email_once_records_refusals_and_opt_outs(db, make_user, superuser, smtp, start_worker):
    recorder, smtp_url = smtp
    admin, reader, refused, opted_out = make_user(admin=True), make_user(), make_user(), make_user()
    recorder.refuse.add(refused.email)
    schedule = schedule_maintenance(db, admin)
    # Changed their mind after the job was queued: the worker reads preferences as the user.
    superuser.execute(
        "update user_notification_preferences set email_notifications = false where user_id = %s",
        (opted_out.user_id,),
    )
    run_once(start_worker, smtp_url)

    assert recorder.to(reader.email) == [message_id_of(superuser, reader)]
    assert recorder.to(admin.email) == [message_id_of(superuser, admin)]
    assert recorder.to(refused.email) == [] and recorder.to(opted_out.email) == []
    outcome = deliveries(superuser)
    assert outcome[reader.user_id] == ("sent", None)
    assert outcome[refused.user_id][0] == "failed" and "550" in outcome[refused.user_id][1]
    assert outcome[opted_out.user_id] == ("failed", "the recipient no longer wants maintenance email")
    in_app = dict(superuser.execute("select user_id, delivery_status::text from user_notifications"))
    assert in_app[reader.user_id] == "sent" and in_app[refused.user_id] == "failed"
    assert superuser.execute(
        "select notification_sent from maintenance_schedules where id = %s", (schedule,)
    ).fetchone()[0]

    run_once(start_worker, smtp_url)  # nothing left: nobody gets a second email
    assert len(recorder.to(reader.email)) == 1


def test_without_smtp_deliveries_fail_with_the_reason(db, make_user, superuser, start_worker):
    """The reason is shown where people look: on the recipient's notification (`notifications
    list --json`) and in the worker's log, not only in the workers' own ledger."""
    from blogster_cli.actors import ActingUser
    from blogster_cli.services import notifications

    admin = make_user(admin=True)
    schedule = schedule_maintenance(db, admin)
    worker = run_once(start_worker, None)
    assert deliveries(superuser)[admin.user_id] == (
        "failed",
        "no SMTP server configured (smtp_url or BLOGSTER_SMTP_URL)",
    )
    [notification] = notifications.list_notifications(ActingUser(db, admin))
    assert notification.delivery_status == "failed"
    assert notification.delivery_error == "no SMTP server configured (smtp_url or BLOGSTER_SMTP_URL)"
    assert "1 maintenance email not sent: no SMTP server configured (smtp_url or BLOGSTER_SMTP_URL)" in worker.stderr
    assert superuser.execute(
        "select notification_sent from maintenance_schedules where id = %s", (schedule,)
    ).fetchone()[0]


def test_quiet_hours_hold_the_email_back(db, make_user, superuser, smtp, start_worker):
    recorder, smtp_url = smtp
    admin, sleeper = make_user(admin=True), make_user()
    superuser.execute(
        "update user_notification_preferences set timezone = 'America/New_York',"
        " quiet_hours_start = ((now() at time zone 'America/New_York')::time - interval '1 hour'),"
        " quiet_hours_end = ((now() at time zone 'America/New_York')::time + interval '1 hour') where user_id = %s",
        (sleeper.user_id,),
    )
    schedule_maintenance(db, admin)
    run_once(start_worker, smtp_url)
    assert len(recorder.to(admin.email)) == 1 and recorder.to(sleeper.email) == []
    assert sleeper.user_id not in deliveries(superuser)


def test_sigterm_mid_job_exits_zero_within_ten_seconds_and_the_job_is_finished_later(
    db, make_user, superuser, smtp, start_worker
):
    recorder, smtp_url = smtp
    admin = make_user(admin=True)
    recorder.stall_once[admin.email] = 60
    schedule_maintenance(db, admin)
    worker = start_worker("--concurrency", "2", "--log-level", "info", smtp_url=smtp_url)
    assert recorder.stalled.wait(30), "the worker never reached the SMTP server"
    worker.send_signal(signal.SIGTERM)
    began = time.monotonic()
    _, stderr = worker.communicate(timeout=15)
    assert worker.returncode == 0, stderr
    assert time.monotonic() - began <= 10
    # The job cut off after the grace period is one line saying so, not a CancelledError's traceback.
    assert "Traceback" not in stderr and "CancelledError" not in stderr, stderr
    cut_off = [line for line in stderr.splitlines() if "notification_email" in line and "interrupted" in line]
    assert len(cut_off) == 1 and "runs again" in cut_off[0], stderr

    # The job it could not finish goes to the next worker, and is sent once.
    start_worker(smtp_url=smtp_url)
    wait_for(lambda: recorder.to(admin.email), timeout=60, what="the interrupted email")
    time.sleep(1)
    assert recorder.to(admin.email) == [message_id_of(superuser, admin)]


def test_sigkilled_workers_job_is_retried_by_another_without_duplicate_email(
    db, make_user, superuser, smtp, start_worker
):
    recorder, smtp_url = smtp
    admin = make_user(admin=True)
    users = [make_user() for _ in range(5)]
    recorder.stall_once[users[0].email] = 120
    schedule_maintenance(db, admin)
    first = start_worker("--concurrency", "1", smtp_url=smtp_url)
    assert recorder.stalled.wait(30), "the worker never reached the SMTP server"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    killed_at = time.monotonic()

    start_worker("--concurrency", "2", smtp_url=smtp_url)
    wait_for(lambda: len(deliveries(superuser)) == 6, timeout=60, what="every email recorded")
    assert time.monotonic() - killed_at <= 60
    for user in [admin, *users]:
        assert recorder.to(user.email) == [message_id_of(superuser, user)], user.email


def test_two_workers_racing_send_each_email_once(db, make_user, superuser, smtp, start_worker):
    recorder, smtp_url = smtp
    admin = make_user(admin=True)
    users = [make_user() for _ in range(30)]
    schedule_maintenance(db, admin)
    racers = [start_worker("--once", "--concurrency", "4", smtp_url=smtp_url) for _ in range(2)]
    for racer in racers:
        racer.communicate(timeout=120)
        assert racer.returncode == 0
    assert len(deliveries(superuser)) == 31
    for user in [admin, *users]:
        assert len(recorder.to(user.email)) == 1, user.email


def test_sigkill_at_random_moments_loses_nothing_and_repeats_only_messages_in_flight(
    db, make_user, superuser, smtp, start_worker
):
    """Workers killed at random moments (starting, fetching, mid-SMTP, between the server's
    acceptance and the ledger): every email ends up recorded once; a repeat is only the
    message a killed worker had in flight, with the same Message-ID."""
    recorder, smtp_url = smtp
    recorder.data_delay = 0.2
    admin = make_user(admin=True)
    users = [admin, *(make_user() for _ in range(19))]
    schedule = schedule_maintenance(db, admin)
    moments = random.Random(14)
    kills = 0
    while kills < 4 and len(deliveries(superuser)) < len(users):
        victim = start_worker("--concurrency", "2", smtp_url=smtp_url)
        time.sleep(moments.uniform(1.0, 3.0))
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        kills += 1
    start_worker("--concurrency", "2", smtp_url=smtp_url)
    wait_for(lambda: len(deliveries(superuser)) == len(users), timeout=90, what="every email recorded")

    repeats = 0
    for user in users:
        received = recorder.to(user.email)
        assert received and set(received) == {message_id_of(superuser, user)}, user.email
        repeats += len(received) - 1
    assert repeats <= 2 * kills  # concurrency 2: at most two messages in flight per kill
    assert all(status == "sent" for status, _ in deliveries(superuser).values())
    wait_for(
        lambda: superuser.execute(
            "select notification_sent from maintenance_schedules where id = %s", (schedule,)
        ).fetchone()[0],
        timeout=10,
        what="notification_sent",
    )
