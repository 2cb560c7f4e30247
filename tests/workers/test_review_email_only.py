"""0149: a recipient who turned in-app notifications off is still mailed review notifications
(real workers, a real SMTP server).

Email and in-app are two channels, each with its own preference. With in_app_notifications off,
notify_review wrote nothing, and review email is driven by the notification's rows: such a recipient
got no review email at all. Now the notification is written for its email only (in_app false): the
app leaves it out, the worker mails it as any, once per read cycle (0148), and its email names the
id to read it by, which ends the cycle.
"""

from __future__ import annotations

from blogster_cli.services import dashboard, notifications, review
from tests.smtp_server import smtp_server
from tests.workers.test_review_email import assign, message_id, review_jobs, set_prefs, team, version
from tests.workers.test_serve_workers import run_once

__all__ = ["team"]  # the fixture, used by name

BY_GRACE = "by grace@example.com (editor): Draft one"


def shown(acting) -> list[str]:
    """The titles `notifications list` shows `acting`, newest first."""
    return [n.title for n in notifications.list_notifications(acting)]


def test_email_only_recipient_is_mailed_once_per_read_cycle_and_sees_nothing_in_the_app(team, superuser, start_worker):
    set_prefs(superuser, team.ada, "in_app_notifications = false")
    set_prefs(superuser, team.vic, "in_app_notifications = false, email_notifications = false")  # neither channel
    with smtp_server() as (recorder, url):
        editor = assign(team, team.grace)
        assign(team, team.vic, role="approver")
        review.act(team.grace, ref=editor, action="start")
        notification_id, created_at, status, _ = version(superuser, team.ada)
        assert status == "pending"
        assert shown(team.ada) == [] and dashboard.summary(team.ada).unread_notifications == 0
        assert superuser.execute(
            "select count(*) from public.user_notifications where user_id = %s", (team.vic.actor.user_id,)
        ).fetchone() == (0,)
        run_once(start_worker, url)
        [mail] = recorder.to("ada@example.com")
        assert mail["Subject"] == f"Started {BY_GRACE}"
        assert mail["Message-ID"] == message_id(notification_id, created_at)
        assert f"`blogster notifications read {str(notification_id)[:8]}`" in mail.get_content()
        assert version(superuser, team.ada)[2:] == ("sent", None)
        assert recorder.to("vic@example.com") == []

        # Her unread notification, rewritten by the next step: not mailed again (0148's cycle).
        review.act(team.grace, ref=editor, action="submit")
        assert version(superuser, team.ada)[0] == notification_id
        assert review_jobs(superuser) == []
        run_once(start_worker, url)
        assert len(recorder.to("ada@example.com")) == 1

        # She reads it by the id the email names: the next step is a new notification, mailed.
        marked = notifications.mark_read(team.ada, ref=str(notification_id)[:8])
        assert marked.title == f"Submitted for approval {BY_GRACE}" and marked.read
        review.act(team.ada, ref=editor, action="reject", note="Once more.")
        review.act(team.grace, ref=editor, action="start")
        rework_id, rework_at, status, _ = version(superuser, team.ada)
        assert rework_id != notification_id and status == "pending"
        run_once(start_worker, url)
        _, second = recorder.to("ada@example.com")
        assert second["Subject"] == f"Rework started {BY_GRACE}"
        assert second["Message-ID"] == message_id(rework_id, rework_at)
    assert shown(team.ada) == [] and dashboard.summary(team.ada).unread_notifications == 0
    in_app = superuser.execute(
        "select bool_or(in_app) from public.user_notifications where user_id = %s", (team.ada.actor.user_id,)
    ).fetchone()
    assert in_app == (False,)


def test_turning_in_app_off_keeps_the_unread_one_and_mails_the_next_step(team, superuser, start_worker):
    """A notification keeps the channel it was written for: with in_app_notifications turned off,
    the next step leaves her unread one in the app as it was and adds one for email, mailed though
    the one in the app was mailed in this cycle; turned on again, the next step rewrites the one in
    the app (not mailed: its cycle is open) and leaves the email-only one as it was."""
    with smtp_server() as (recorder, url):
        editor = assign(team, team.grace)
        review.act(team.grace, ref=editor, action="start")
        run_once(start_worker, url)
        assert len(recorder.to("ada@example.com")) == 1

        notifications.set_preference(team.ada, key="in_app_notifications", value="off")
        review.act(team.grace, ref=editor, action="submit")
        assert shown(team.ada) == [f"Started {BY_GRACE}"]
        run_once(start_worker, url)
        _, second = recorder.to("ada@example.com")
        assert second["Subject"] == f"Submitted for approval {BY_GRACE}"

        notifications.set_preference(team.ada, key="in_app_notifications", value="on")
        review.act(team.ada, ref=editor, action="reject")
        review.act(team.grace, ref=editor, action="start")
        assert shown(team.ada) == [f"Rework started {BY_GRACE}"]
        assert dashboard.summary(team.ada).unread_notifications == 1
        run_once(start_worker, url)
        assert len(recorder.to("ada@example.com")) == 2
    rows = superuser.execute(
        "select in_app, title, read from public.user_notifications where user_id = %s order by in_app",
        (team.ada.actor.user_id,),
    ).fetchall()
    assert rows == [(False, f"Submitted for approval {BY_GRACE}", False), (True, f"Rework started {BY_GRACE}", False)]
