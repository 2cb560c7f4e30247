"""0151: review email is bounded per recipient (red team 37, F6; real SMTP server, real workers).

Any account that knew another's email could have the platform mail it about 100 emails a day with
a subject of its choosing: assign a post titled as it pleases, withdraw it, assign the next. Each
assignment was a new notification, so each was mailed: 0148's once-per-read-cycle rule held within
one notification only, and nothing limited a recipient's review email. Now no one person's review
notifications are mailed while two of their mailed ones are unread (the rest show in the app), and
no one is sent more than 50 review emails a day. A claim decides one at a time per recipient.
"""

from __future__ import annotations

import re
import threading

from blogster_cli.services import blogs, notifications, review
from tests.smtp_server import smtp_server
from tests.workers.test_review_email import assign, team
from tests.workers.test_review_email_race import deliver, lock_waits, queued_for
from tests.workers.test_serve_workers import run_once

__all__ = ["team"]  # the fixture, used by name

SPAM = "URGENT: verify your account at https://evil.example/login"
GRACE = "grace@example.com"


def new_post(acting, n: int, title: str | None = None) -> str:
    slug = f"post-{n}"
    blogs.create(acting, new=blogs.NewBlog(title=title or f"Post {n}", slug=slug, markdown="Text."))
    return slug


def assign_and_withdraw(acting, numbers: range) -> None:
    """The loop of red team 37: a post of the sender's, assigned to grace and taken back, again and again."""
    for n in numbers:
        slug = new_post(acting, n, f"{SPAM} {n}")
        assignment = review.assign(acting, blog=slug, to=GRACE, role="editor")
        review.withdraw(acting, ref=str(assignment.id))


def statuses(superuser, acting) -> list[tuple]:
    """`acting`'s notifications: (delivery_status, delivery_error), oldest first."""
    return superuser.execute(
        "select delivery_status::text, delivery_error from public.user_notifications where user_id = %s"
        " order by created_at",
        (acting.actor.user_id,),
    ).fetchall()


def read_by_its_email(acting, mail) -> None:
    """What the email says to do: `blogster notifications read ID`."""
    [ref] = re.findall(r"`blogster notifications read ([0-9a-f]+)`", mail.get_content())
    notifications.mark_read(acting, ref=ref)


def todays_count(superuser, acting) -> tuple | None:
    return superuser.execute(
        "select day - (now() at time zone 'UTC')::date, mailed from internal.review_email_counts where user_id = %s",
        (acting.actor.user_id,),
    ).fetchone()


def set_count(superuser, acting, *, days_from_today: int, mailed: int) -> None:
    superuser.execute(
        "insert into internal.review_email_counts (user_id, day, mailed)"
        " values (%s, (now() at time zone 'UTC')::date + %s, %s)"
        " on conflict (user_id) do update set day = excluded.day, mailed = excluded.mailed",
        (acting.actor.user_id, days_from_today, mailed),
    )


def test_an_assign_and_withdraw_loop_mails_two_emails_then_one_per_read(team, superuser, start_worker):
    """eve assigns grace ten posts titled as spam and withdraws each: ten notifications (each
    rewritten by its withdrawal: twenty versions queued); grace is mailed two (before 0151: ten),
    the rest are in her app, their email failed with the reason. Another
    person's email still goes. Reading one of eve's lets one more of eve's through, no more."""
    with smtp_server() as (recorder, url):
        assign_and_withdraw(team.eve, range(1, 11))
        assert len(queued_for(superuser, team.grace)) == 20
        run_once(start_worker, url)
        first, second = recorder.to(GRACE)
        assert first["Subject"].startswith("Withdrawn by eve@example.com: your assignment as editor on URGENT")
        assert len(notifications.list_notifications(team.grace)) == 10
        # the held ones are in her app, their email failed with the reason (not 'sent': none went)
        assert sorted(statuses(superuser, team.grace)) == [("failed", notifications.HELD)] * 8 + [("sent", None)] * 2
        held = superuser.execute(
            "select count(*) from internal.email_deliveries where user_id = %s and error = %s",
            (team.grace.actor.user_id, notifications.HELD),
        ).fetchone()
        assert held == (8,)

        # ada's assignment is mailed: eve's unread emails hold back eve's alone.
        assign(team, team.grace)
        run_once(start_worker, url)
        assert recorder.to(GRACE)[-1]["Subject"] == "Assigned as editor by ada@example.com: Draft one"

        # grace reads one of eve's emails: eve's next ten mail one.
        read_by_its_email(team.grace, first)
        assign_and_withdraw(team.eve, range(11, 21))
        run_once(start_worker, url)
        assert len(recorder.to(GRACE)) == 4
        assert SPAM in recorder.to(GRACE)[-1]["Subject"]
        assert len(notifications.list_notifications(team.grace)) == 21
        assert todays_count(superuser, team.grace) == (0, 4)


def test_a_team_is_mailed_two_at_once_from_each_person_and_the_next_once_one_is_read(team, superuser, start_worker):
    """What a team does still arrives: two posts assigned at once (two emails), an assignee's step
    and comment on one assignment (two emails to the author). The third from the same person waits
    in the app until one of the two is read; then that person's next step is mailed."""
    with smtp_server() as (recorder, url):
        new_post(team.ada, 2)
        new_post(team.ada, 3)
        editor = assign(team, team.grace)
        review.assign(team.ada, blog="post-2", to=GRACE, role="editor")
        review.act(team.grace, ref=editor, action="start")
        review.act(team.grace, ref=editor, action="comment", note="Started on the intro.")
        run_once(start_worker, url)
        assert len(recorder.to(GRACE)) == 2 and len(recorder.to("ada@example.com")) == 2

        third = str(review.assign(team.ada, blog="post-3", to=GRACE, role="reviewer").id)
        run_once(start_worker, url)
        assert len(recorder.to(GRACE)) == 2
        assert (
            notifications.list_notifications(team.grace)[0].title == "Assigned as reviewer by ada@example.com: Post 3"
        )
        assert statuses(superuser, team.grace)[-1] == ("failed", notifications.HELD)

        read_by_its_email(team.grace, recorder.to(GRACE)[0])
        review.withdraw(team.ada, ref=third)  # rewrites the unread "Assigned": a new version, mailed now
        run_once(start_worker, url)
        assert (
            recorder.to(GRACE)[-1]["Subject"] == "Withdrawn by ada@example.com: your assignment as reviewer on Post 3"
        )
        assert len(recorder.to(GRACE)) == 3


def test_a_recipient_is_sent_at_most_fifty_review_emails_a_day_from_everyone(db, team, superuser, start_worker):
    """49 sent today: of ada's and vic's assignments, one is mailed and the other fails with the
    reason (shown by `notifications list`), and the worker warns. The count goes into the later
    day across midnight (0114), and starts again on a new day."""
    assert notifications.REVIEW_EMAILS_A_DAY == 50
    set_count(superuser, team.grace, days_from_today=0, mailed=49)
    new_post(team.vic, 1)
    with smtp_server() as (recorder, url):
        assign(team, team.grace)
        review.assign(team.vic, blog="post-1", to=GRACE, role="approver")
        worker = run_once(start_worker, url)
        assert len(recorder.to(GRACE)) == 1
        assert sorted(statuses(superuser, team.grace)) == [("failed", notifications.DAILY_LIMIT), ("sent", None)]
        assert [n.delivery_error for n in notifications.list_notifications(team.grace)].count(
            notifications.DAILY_LIMIT
        ) == 1
        assert notifications.DAILY_LIMIT in worker.stderr
        assert todays_count(superuser, team.grace) == (0, 50)

        # A claim whose transaction began before midnight finds the next day's 50: still capped.
        new_post(team.ada, 2)
        review.assign(team.ada, blog="post-2", to=GRACE, role="reviewer")
        [version] = queued_for(superuser, team.grace)
        set_count(superuser, team.grace, days_from_today=1, mailed=50)
        assert list(deliver(db, url, version).values()) == [notifications.DAILY_LIMIT]
        assert todays_count(superuser, team.grace) == (1, 50)

        # The day after its 50: a new day's count.
        superuser.execute("delete from procrastinate.procrastinate_jobs")
        new_post(team.ada, 3)
        review.assign(team.ada, blog="post-3", to=GRACE, role="approver")
        [version] = queued_for(superuser, team.grace)
        set_count(superuser, team.grace, days_from_today=-1, mailed=50)
        assert list(deliver(db, url, version).values()) == [None]
        assert todays_count(superuser, team.grace) == (0, 1)
    assert len(recorder.to(GRACE)) == 2


def test_a_refused_email_is_not_counted(db, team, superuser):
    """The claim's count is rolled back with it when the server refuses the email."""
    with smtp_server() as (recorder, url):
        assign(team, team.grace)
        [version] = queued_for(superuser, team.grace)
        recorder.refuse.add(GRACE)
        [refused] = deliver(db, url, version).values()
        assert refused and "550" in refused
    assert todays_count(superuser, team.grace) in (None, (0, 0))


def test_two_claims_from_one_sender_on_the_last_free_place_decide_one_at_a_time(db, team, superuser):
    """grace has one unread email from ada; two more of ada's versions are claimed at once. The
    second claim waits for the first one's unit of work (held across its SMTP call), then finds
    two of ada's unread and holds its version back. Without the recipient's lock both were mailed."""
    with smtp_server() as (recorder, url):
        new_post(team.ada, 2)
        new_post(team.ada, 3)
        assign(team, team.grace)
        [first] = queued_for(superuser, team.grace)
        assert list(deliver(db, url, first).values()) == [None]
        superuser.execute("delete from procrastinate.procrastinate_jobs")
        review.assign(team.ada, blog="post-2", to=GRACE, role="editor")
        review.assign(team.ada, blog="post-3", to=GRACE, role="editor")
        second, third = queued_for(superuser, team.grace)

        sending = db.connect(autocommit=False)  # a worker's guard, in the middle of its SMTP call
        try:
            sending.execute("set local role service_role")
            claimed = sending.execute(
                "select internal.claim_review_email(%s, %s, %s)",
                (second.notification_id, second.created_at, second.user_id),
            ).fetchone()
            assert claimed == ("claimed",)
            outcome: list[dict] = []
            thread = threading.Thread(target=lambda: outcome.append(deliver(db, url, third)))
            thread.start()
            assert lock_waits(db)
            assert outcome == []
            sending.commit()  # the email went
        finally:
            sending.close()
        thread.join(timeout=60)
    assert [list(o.values()) for o in outcome] == [[notifications.HELD]]
    assert len(recorder.to(GRACE)) == 1  # the first (the second's claim stood for its email, above)


def test_a_sender_holding_the_recipients_notification_does_not_hold_back_anothers_email(db, team, superuser):
    """The claim locks the recipient across the SMTP call, so nothing in that unit of work may wait on
    a lock an account holds. eve withdraws her assignment in a transaction she keeps open: its
    rewrite of grace's notification holds the row while the worker mails the version before it.
    The worker leaves that row to a unit of work of its own; ada's email to grace goes meanwhile."""
    with smtp_server() as (recorder, url):
        new_post(team.eve, 1)
        eves = review.assign(team.eve, blog="post-1", to=GRACE, role="editor")
        [before] = queued_for(superuser, team.grace)
        holding = db.connect(autocommit=False)
        try:
            holding.execute(f"set local role {team.eve.actor.role_name}")
            holding.execute("select public.delete_rows('public.team_collaboration', array[%s]::uuid[])", (eves.id,))
            first: list[dict] = []
            sending = threading.Thread(target=lambda: first.append(deliver(db, url, before)))
            sending.start()
            assert lock_waits(db)  # the worker writes the version's status once eve's transaction ends
            assign(team, team.grace)
            [adas] = [v for v in queued_for(superuser, team.grace) if v.notification_id != before.notification_id]
            second: list[dict] = []
            other = threading.Thread(target=lambda: second.append(deliver(db, url, adas)))
            other.start()
            other.join(timeout=20)
            assert second == [{notifications.review_delivery_key(adas.notification_id, adas.created_at): None}]
            assert first == []
        finally:
            holding.rollback()
            holding.close()
        sending.join(timeout=60)
    assert [list(o.values()) for o in first] == [[None]]
    assert [m["Subject"] for m in recorder.to(GRACE)] == [
        "Assigned as editor by eve@example.com: Post 1",
        "Assigned as editor by ada@example.com: Draft one",
    ]
    assert sorted(statuses(superuser, team.grace)) == [("sent", None), ("sent", None)]
