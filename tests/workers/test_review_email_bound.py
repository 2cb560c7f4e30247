"""0148: a review notification is mailed once until its recipient reads it (real workers, a real
SMTP server).

0147 mailed every rewrite of an unread review notification: an assignee's 500 comments (the cap of
0108) sent the author 500 emails, while the app showed one unread notification (0136, 0140). Now a
notification mailed once is not mailed again until its recipient reads it; the next step after
that is a new notification, mailed. A version held by quiet hours is still replaced by a newer one,
whose email goes with the newest text when they end.
"""

from __future__ import annotations

from blogster_cli.services import notifications, review
from tests.smtp_server import smtp_server
from tests.workers.test_review_email import assign, message_id, review_jobs, set_prefs, team, version
from tests.workers.test_serve_workers import run_once

__all__ = ["team"]  # the fixture, used by name


def comment(team, ref: str, numbers: range) -> None:
    for n in numbers:
        review.act(team.grace, ref=ref, action="comment", note=f"Note {n}.")


def jobs_for(superuser, acting) -> list[tuple]:
    return [job for job in review_jobs(superuser) if job[2]["recipients"][0]["user_id"] == str(acting.actor.user_id)]


def test_fifty_comments_mail_the_unread_author_once_and_once_more_after_she_reads(team, superuser, start_worker):
    with smtp_server() as (recorder, url):
        editor = assign(team, team.grace)
        comment(team, editor, range(1, 2))
        first_id, first_at, status, _ = version(superuser, team.ada)
        assert status == "pending"
        run_once(start_worker, url)
        [mail] = recorder.to("ada@example.com")
        assert mail["Message-ID"] == message_id(first_id, first_at)

        # 49 more, the worker running between them: each rewrites her unread notification, none is mailed
        comment(team, editor, range(2, 26))
        assert jobs_for(superuser, team.ada) == []
        run_once(start_worker, url)
        comment(team, editor, range(26, 51))
        run_once(start_worker, url)
        assert len(recorder.to("ada@example.com")) == 1
        latest_id, latest_at, status, error = version(superuser, team.ada)
        assert (latest_id, status, error) == (first_id, "sent", None) and latest_at > first_at
        [content] = superuser.execute("select content from public.user_notifications where id = %s", (latest_id,))
        assert "Note 50." in content[0]

        # She reads it: the next comment is a new notification, mailed; its rewrites are not.
        notifications.mark_read(team.ada, ref=str(first_id))
        comment(team, editor, range(51, 52))
        new_id, new_at, status, _ = version(superuser, team.ada)
        assert new_id != first_id and status == "pending"
        run_once(start_worker, url)
        comment(team, editor, range(52, 61))
        run_once(start_worker, url)
        first, second = recorder.to("ada@example.com")
        assert second["Message-ID"] == message_id(new_id, new_at)
        assert "Note 51." in second.get_content()
        assert version(superuser, team.ada)[2:] == ("sent", None)


def test_mark_unread_again_after_reading_mails_the_next_rewrite_once(team, superuser, start_worker):
    """Read, then marked unread again (read_at kept): she read it after the mail, so the next rewrite
    of it is a new cycle, mailed once; the rewrites after that are not."""
    with smtp_server() as (recorder, url):
        editor = assign(team, team.grace)
        comment(team, editor, range(1, 2))
        run_once(start_worker, url)
        notification_id = version(superuser, team.ada)[0]
        notifications.mark_read(team.ada, ref=str(notification_id))
        superuser.execute("update public.user_notifications set read = false where id = %s", (notification_id,))
        comment(team, editor, range(2, 3))
        run_once(start_worker, url)
        comment(team, editor, range(3, 6))
        run_once(start_worker, url)
        assert version(superuser, team.ada)[0] == notification_id  # rewritten each time
        _, again = recorder.to("ada@example.com")
        assert "Note 2." in again.get_content()


def test_quiet_hours_hold_the_newest_version_and_later_rewrites_are_not_queued(team, superuser, start_worker):
    """Ten comments during ada's quiet hours: each version waits (none was mailed yet); when they end
    the newest one is mailed, once (the older versions' jobs find them replaced). Comments after
    that, unread, queue nothing."""
    zone = "America/New_York"
    set_prefs(
        superuser,
        team.ada,
        f"timezone = '{zone}', quiet_hours_start = ((now() at time zone '{zone}')::time - interval '1 hour'),"
        f" quiet_hours_end = ((now() at time zone '{zone}')::time + interval '1 hour')",
    )
    with smtp_server() as (recorder, url):
        editor = assign(team, team.grace)
        comment(team, editor, range(1, 11))
        run_once(start_worker, url)
        assert recorder.to("ada@example.com") == []
        held = jobs_for(superuser, team.ada)
        assert len(held) == 10
        notification_id, created_at, status, _ = version(superuser, team.ada)
        assert status == "pending"

        superuser.execute(  # the quiet hours are over
            "update procrastinate.procrastinate_jobs set scheduled_at = now() - interval '1 second' where id = any(%s)",
            ([job_id for job_id, *_ in held],),
        )
        run_once(start_worker, url)
        [mail] = recorder.to("ada@example.com")
        assert mail["Message-ID"] == message_id(notification_id, created_at)
        assert "Note 10." in mail.get_content()
        assert version(superuser, team.ada)[2:] == ("sent", None)

        comment(team, editor, range(11, 21))
        assert jobs_for(superuser, team.ada) == []
        run_once(start_worker, url)
        assert len(recorder.to("ada@example.com")) == 1
