"""0147: review notifications are mailed, through the maintenance email's path (real workers, a real
SMTP server).

A teammate whose preferences have email_notifications and blog_interaction_notifications on heard
of an assignment, a rejection, an approval or a comment only in the app: serve-workers mailed
maintenance notices alone. Now each version of a review notification (a new one, or the rewrite of
an unread one: 0136) is mailed once, keyed and Message-ID'd by the notification's id and its
created_at; after the recipient's quiet hours; never twice for a re-run job.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import blogs, notifications, review
from tests.smtp_server import smtp_server
from tests.workers.test_serve_workers import run_once

TEAM = ("ada", "grace", "vic", "eve")


@pytest.fixture
def team(db, make_user):
    """ada's post 'Draft one'; grace, vic and eve, her teammates, not yet assigned."""
    people = {name: ActingUser(db, make_user(f"{name}@example.com")) for name in TEAM}
    blogs.create(people["ada"], new=blogs.NewBlog(title="Draft one", slug="draft-one", markdown="Text."))
    return SimpleNamespace(**people)


def assign(team, to, role="editor") -> str:
    return str(review.assign(team.ada, blog="draft-one", to=to.actor.email, role=role).id)


def version(superuser, acting) -> tuple:
    """`acting`'s newest notification: (id, created_at, delivery_status, delivery_error)."""
    return superuser.execute(
        "select id, created_at, delivery_status::text, delivery_error from public.user_notifications"
        " where user_id = %s order by created_at desc limit 1",
        (acting.actor.user_id,),
    ).fetchone()


def message_id(notification_id, created_at) -> str:
    return f"<{notifications.review_delivery_key(notification_id, created_at)}@notifications.blogster>"


def review_jobs(superuser) -> list[tuple]:
    """The review email jobs: (id, status, args, scheduled_at)."""
    return superuser.execute(
        "select id, status::text, args, scheduled_at from procrastinate.procrastinate_jobs"
        " where task_name = 'notification_email' and args ->> 'type' = 'blog_interaction' order by id"
    ).fetchall()


def set_prefs(superuser, acting, assignments: str) -> None:
    superuser.execute(
        f"update public.user_notification_preferences set {assignments} where user_id = %s", (acting.actor.user_id,)
    )


def test_an_assignment_mails_the_assignee_once_a_rejection_again_and_a_rerun_nothing(team, superuser, start_worker):
    with smtp_server() as (recorder, url):
        editor = assign(team, team.grace)
        assigned_id, assigned_at, status, _ = version(superuser, team.grace)
        assert status == "pending"
        queued = [args for _, _, args, _ in review_jobs(superuser)]
        run_once(start_worker, url)
        [mail] = recorder.to("grace@example.com")
        assert mail["Subject"] == "Assigned as editor by ada@example.com: Draft one"
        assert mail["Message-ID"] == message_id(assigned_id, assigned_at)
        assert mail.get_content().splitlines()[0] == f"`blogster review show {editor[:8]}`"
        assert version(superuser, team.grace)[2:] == ("sent", None)
        assert recorder.to("ada@example.com") == []  # her own step

        review.act(team.grace, ref=editor, action="start")
        review.act(team.grace, ref=editor, action="submit")
        # she reads the assignment (mailed, its rewrites are not until she does: 0148)
        notifications.mark_read(team.grace, ref=str(assigned_id))
        review.act(team.ada, ref=editor, action="reject", note="Please check the psql line.\nAnd the rest.")
        rejected_id, rejected_at, status, _ = version(superuser, team.grace)
        assert rejected_id != assigned_id and status == "pending" and rejected_at > assigned_at
        queued += [args for _, _, args, _ in review_jobs(superuser)]
        assert len(queued) == 4  # the assignment, grace's start and submit (to ada), the rejection
        run_once(start_worker, url)
        first, second = recorder.to("grace@example.com")
        assert second["Subject"] == "Rejected by ada@example.com: Draft one"
        assert second["Message-ID"] == message_id(rejected_id, rejected_at) != first["Message-ID"]
        assert (
            second.get_content().splitlines()[0]
            == f"`blogster review show {editor[:8]}`: Please check the psql line. …"
        )
        # ada heard of grace's start and submit: two versions of one notification before the worker
        # ran; the newer one is mailed, the start's (replaced in the app too) is not
        [to_ada] = recorder.to("ada@example.com")
        assert to_ada["Subject"] == "Submitted for approval by grace@example.com (editor): Draft one"

        # The same jobs again (a re-run after a crash, `workers retry`): nothing is mailed twice.
        assert review_jobs(superuser) == []  # done (a worker deletes the jobs that succeeded)
        for args in queued:
            superuser.execute(
                "select procrastinate.procrastinate_defer_jobs_v1(array[row('notifications', 'notification_email',"
                " 0, null, null, %s::jsonb, null)::procrastinate.procrastinate_job_to_defer_v1])",
                (json.dumps(args),),
            )
        assert len(review_jobs(superuser)) == 4
        run_once(start_worker, url)
        assert len(recorder.to("grace@example.com")) == 2 and len(recorder.to("ada@example.com")) == 1
        assert review_jobs(superuser) == []  # each succeeded, sending nothing


def test_preferences_off_mail_nothing(team, superuser, start_worker):
    """email_notifications off: nothing is queued, the notification is in the app only ('sent').
    Turned off after the step was queued: the worker reads the preferences as the recipient and
    sends nothing, and the notification says why. eve, who wants review email, is mailed."""
    set_prefs(superuser, team.grace, "email_notifications = false")
    with smtp_server() as (recorder, url):
        assign(team, team.grace)
        assign(team, team.vic, role="approver")
        assign(team, team.eve, role="reviewer")
        assert version(superuser, team.grace)[2:] == ("sent", None)
        queued = [args["recipients"][0]["user_id"] for _, _, args, _ in review_jobs(superuser)]
        assert sorted(queued) == sorted([str(team.vic.actor.user_id), str(team.eve.actor.user_id)])
        set_prefs(superuser, team.vic, "email_notifications = false")  # after the job was queued
        run_once(start_worker, url)
    assert [rcpt for rcpt, _ in recorder.messages] == ["eve@example.com"]
    assert version(superuser, team.vic)[2:] == ("failed", notifications.REVIEW_OPTED_OUT)
    assert version(superuser, team.grace)[2:] == ("sent", None)


def test_quiet_hours_hold_the_email_until_they_end_in_the_preferences_zone(team, superuser, start_worker):
    """Quiet hours around New York's current time: grace's email waits for their end (an hour
    from now, read in New York: in UTC those hours are not now), vic's goes at once."""
    zone = "America/New_York"
    set_prefs(
        superuser,
        team.grace,
        f"timezone = '{zone}', quiet_hours_start = ((now() at time zone '{zone}')::time - interval '1 hour'),"
        f" quiet_hours_end = ((now() at time zone '{zone}')::time + interval '1 hour')",
    )
    with smtp_server() as (recorder, url):
        assign(team, team.grace)
        assign(team, team.vic, role="approver")
        run_once(start_worker, url)
        assert len(recorder.to("vic@example.com")) == 1 and recorder.to("grace@example.com") == []
        held = {args["recipients"][0]["user_id"]: (job_id, at) for job_id, _, args, at in review_jobs(superuser)}
        job_id, until = held[str(team.grace.actor.user_id)]
        assert abs(until - (datetime.now(UTC) + timedelta(hours=1))) < timedelta(minutes=2), until
        assert version(superuser, team.grace)[2] == "pending"

        # The quiet hours are over: the held email goes, once.
        superuser.execute(
            "update procrastinate.procrastinate_jobs set scheduled_at = now() - interval '1 second' where id = %s",
            (job_id,),
        )
        run_once(start_worker, url)
        run_once(start_worker, url)
    [mail] = recorder.to("grace@example.com")
    assert mail["Subject"] == "Assigned as editor by ada@example.com: Draft one"
    assert version(superuser, team.grace)[2:] == ("sent", None)


def test_a_purged_accounts_queued_review_emails_go_with_it(db, team, make_user, superuser):
    """The jobs carry 0036's `recipients` shape, so 0118's purge takes them with the account."""
    from blogster_cli.context import AppContext
    from blogster_cli.services import accounts

    assign(team, team.grace)
    assign(team, team.vic, role="approver")
    assert len(review_jobs(superuser)) == 2
    ctx = AppContext(database_url=db.conninfo)
    try:
        accounts.purge_user(ActingUser(db, make_user(admin=True)), ctx=ctx, email="grace@example.com")
    finally:
        ctx.database.close()
    [(_, _, args, _)] = review_jobs(superuser)
    assert args["recipients"][0]["user_id"] == str(team.vic.actor.user_id)


def test_a_rewrite_that_moves_the_notification_to_another_partition_queues_one_job(team, superuser):
    """A rewrite of an unread notification from an earlier month moves its row to this month's
    partition: PostgreSQL runs that as a delete and an insert, so the AFTER INSERT trigger queues its
    job, once (AFTER UPDATE does not fire), and the status is set for the new version."""
    editor = assign(team, team.grace)
    superuser.execute("delete from procrastinate.procrastinate_jobs")
    with superuser.transaction():  # as an earlier month's, mailed long ago (its own job left out here)
        superuser.execute("set local session_replication_role = replica")
        superuser.execute(
            "update public.user_notifications set created_at = now() - interval '45 days', delivery_status = 'sent'"
            " where user_id = %s",
            (team.grace.actor.user_id,),
        )
    old_partition = superuser.execute(
        "select tableoid::regclass::text from public.user_notifications where user_id = %s", (team.grace.actor.user_id,)
    ).fetchone()
    review.withdraw(team.ada, ref=editor)  # rewrites grace's unread one (0136): created_at = now()
    notification_id, created_at, status, _ = version(superuser, team.grace)
    partition = superuser.execute(
        "select tableoid::regclass::text from public.user_notifications where id = %s", (notification_id,)
    ).fetchone()
    assert partition != old_partition and status == "pending"
    [(_, _, args, _)] = review_jobs(superuser)
    assert args["recipients"] == [
        {"user_id": str(team.grace.actor.user_id), "notification_id": str(notification_id),
         "created_at": args["recipients"][0]["created_at"]}
    ]  # fmt: skip
    assert datetime.fromisoformat(args["recipients"][0]["created_at"]) == created_at
