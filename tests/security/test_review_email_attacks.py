"""0147's review emails, attacked: by raw SQL as accounts (queueing or rewriting an email), by a
forged job (the worker reads the notification as the recipient it names), by hostile text (a title
or a comment that would add header lines or terminal sequences to the mail). 0149's email-only
notifications (in_app false: their owner's alone, their channel nobody's to change) and the
worker's claim on a read cycle (service_role's alone; a forged one claims nothing)."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction
from blogster_cli.services import email_delivery, notifications
from tests.smtp_server import smtp_server

EVIL = "eve@evil.example"


@pytest.fixture
def crew(db, make_user, superuser):
    """ada's post, assigned by ada (review_assign) to grace as editor; mallory is another account."""
    ada, grace, mallory = (make_user(f"{n}@example.com") for n in ("ada", "grace", "mallory"))
    (post,) = superuser.execute(
        "insert into public.blogs (title, slug, author_id, content) values ('Draft', 'draft', %s,"
        " jsonb_build_object('markdown', 'Text.')) returning id",
        (ada.user_id,),
    ).fetchone()
    return ada, grace, mallory, post


def run(db, actor, statement, params=()):
    with db.connect() as conn, acting_transaction(conn, actor.role_name):
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def assign(db, ada, post, grace):
    return run(db, ada, "select public.review_assign(%s, %s, 'editor')", (post, grace.email))[0][0]


def queued(superuser) -> list[dict]:
    return [
        args
        for (args,) in superuser.execute(
            "select args from procrastinate.procrastinate_jobs where args ->> 'type' = 'blog_interaction' order by id"
        )
    ]


def recipients(args_list) -> list[notifications.ReviewEmailRecipient]:
    return [
        notifications.ReviewEmailRecipient(
            user_id=UUID(r["user_id"]),
            notification_id=UUID(r["notification_id"]),
            created_at=datetime.fromisoformat(r["created_at"]),
        )
        for args in args_list
        for r in args["recipients"]
    ]


def test_no_account_queues_an_email_or_makes_a_new_version(db, crew, superuser):
    """Accounts write no notification and change no created_at (their grant is read, read_at):
    marking one read queues nothing; the trigger function is nobody's to call."""
    ada, grace, mallory, post = crew
    assign(db, ada, post, grace)
    assert len(queued(superuser)) == 1
    (mine,) = run(db, grace, "select id from public.user_notifications")[0]
    for actor, statement, params in [
        (grace, "update public.user_notifications set created_at = now() + interval '1 second'", ()),
        (grace, "update public.user_notifications set title = 'x', delivery_status = 'pending'", ()),
        (mallory, "insert into public.user_notifications (user_id, type, title) values (%s, 'blog_interaction', 'x')",
         (grace.user_id,)),
        (mallory, "insert into public.user_notifications (user_id, type, title) values (%s, 'blog_interaction', 'x')",
         (mallory.user_id,)),
        (mallory, "select internal.review_notification_email()", ()),
    ]:  # fmt: skip
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            run(db, actor, statement, params)
    assert run(db, grace, "update public.user_notifications set read = true, read_at = now() where id = %s", (mine,))
    assert len(queued(superuser)) == 1
    callers = superuser.execute(
        "select r from unnest(array['anon', 'authenticated', 'blogster_admin', 'service_role']) r"
        " where has_function_privilege(r, 'internal.review_notification_email()', 'execute')"
    ).fetchall()
    assert callers == []


@pytest.mark.parametrize("in_app", [True, False])
def test_a_forged_job_naming_another_accounts_notification_mails_nothing(db, crew, superuser, in_app):
    """The worker reads the notification as the account the job names (RLS): mallory's name on
    grace's notification (in the app, or for its email only: 0149) finds nothing, so nothing is
    sent to anyone and grace's stays pending."""
    ada, grace, mallory, post = crew
    superuser.execute(
        "update public.user_notification_preferences set in_app_notifications = %s where user_id = %s",
        (in_app, grace.user_id),
    )
    assign(db, ada, post, grace)
    [args] = queued(superuser)
    args["recipients"][0]["user_id"] = str(mallory.user_id)
    with smtp_server() as (recorder, url):
        outcomes = notifications.deliver_review_emails(
            db, smtp=email_delivery.SmtpServer(url, None), recipients=recipients([args]), final_attempt=False
        )
    assert list(outcomes.values()) == [notifications.REPLACED]
    assert recorder.messages == []
    assert superuser.execute(
        "select delivery_status::text, delivery_error from public.user_notifications where user_id = %s",
        (grace.user_id,),
    ).fetchall() == [("pending", None)]


@pytest.mark.parametrize(
    "title",
    [
        f"Draft\r\nBcc: {EVIL}",
        f"Draft\nBcc: {EVIL}\r\n\r\nA body of my own",
        f"=?utf-8?q?Draft=0D=0ABcc:_{EVIL}?=",
        f"Draft\u2028Bcc: {EVIL}\x85To: {EVIL}",
    ],
)
def test_a_title_or_comment_adds_no_header_line_and_no_terminal_sequence(db, crew, superuser, title):
    """The author renames her post by SQL (her right) to a title that would add a Bcc if written into
    the Subject as it is; her comment carries ESC, OSC and a bidi override. The email has one To,
    one Subject line, and a body without those characters."""
    ada, grace, _, post = crew
    assert run(db, ada, "update public.blogs set title = %s where id = %s", (title, post)) == 1
    assignment = assign(db, ada, post, grace)
    run(db, grace, "select public.review_act(%s, 'start', null)", (assignment,))
    run(db, grace, "select public.review_act(%s, 'submit', null)", (assignment,))
    note = "\x1b]0;pwned\x07Fix \u202eit\x1b[2J\rnow\nBcc: eve@evil.example"
    run(db, ada, "select public.review_act(%s, 'reject', %s)", (assignment, note))
    with smtp_server() as (recorder, url):
        notifications.deliver_review_emails(
            db, smtp=email_delivery.SmtpServer(url, None), recipients=recipients(queued(superuser)), final_attempt=False
        )
    assert sorted(rcpt for rcpt, _ in recorder.messages) == [ada.email, grace.email]  # ada: grace's submit
    for _, raw in recorder.raw:
        head, _, body = raw.partition(b"\r\n\r\n")
        names = [line.split(b":", 1)[0].lower() for line in head.split(b"\r\n") if line and line[:1] not in b" \t"]
        assert sorted(names) == sorted([b"from", b"to", b"subject", b"message-id", b"content-type",
                                        b"content-transfer-encoding", b"mime-version"]), head  # fmt: skip
    rejected = recorder.to(grace.email)[0]
    assert "\n" not in rejected["Subject"] and "\r" not in rejected["Subject"]
    assert rejected["Subject"].lstrip().startswith("Rejected by ada@example.com: ")  # (folded after "Subject:")
    text = rejected.get_content()
    assert not any(c in text for c in "\x1b\x07\u202e"), text
    assert text.splitlines()[0].endswith(": ]0;pwnedFix it[2J …"), text


# -- 0149: notifications for their email only, and the worker's claim on a read cycle.


def test_an_email_only_notification_is_its_owners_alone_and_no_account_sets_its_channel(db, crew, superuser):
    """grace turned in-app notifications off: her review notification is written for its email only
    (in_app false). Nobody else reads or marks it; no account (she included) changes its channel or
    writes one; she reads it and marks it read by its id, as the email tells her."""
    ada, grace, mallory, post = crew
    superuser.execute(
        "update public.user_notification_preferences set in_app_notifications = false where user_id = %s",
        (grace.user_id,),
    )
    assign(db, ada, post, grace)
    [(mine, in_app)] = run(db, grace, "select id, in_app from public.user_notifications")
    assert in_app is False
    for other in (ada, mallory):
        assert run(db, other, "select id from public.user_notifications where id = %s", (mine,)) == []
        assert (
            run(db, other, "update public.user_notifications set read = true, read_at = now() where id = %s", (mine,))
            == 0
        )
    for actor, statement, params in [
        (grace, "update public.user_notifications set in_app = true where id = %s", (mine,)),
        (mallory, "update public.user_notifications set in_app = true where id = %s", (mine,)),
        (mallory, "insert into public.user_notifications (user_id, type, title, in_app) values (%s, 'blog_interaction', 'x',"
         " false)", (mallory.user_id,)),
        (mallory, "insert into public.user_notifications (user_id, type, title, in_app) values (%s, 'blog_interaction', 'x',"
         " true)", (grace.user_id,)),
    ]:  # fmt: skip
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            run(db, actor, statement, params)
    assert (
        run(db, grace, "update public.user_notifications set read = true, read_at = now() where id = %s", (mine,)) == 1
    )
    assert superuser.execute(
        "select user_id, in_app, read from public.user_notifications where id = %s", (mine,)
    ).fetchall() == [(grace.user_id, False, True)]


def test_only_the_worker_claims_a_read_cycle_and_a_forged_claim_writes_nothing(db, crew, superuser):
    """internal.claim_review_email is service_role's alone (no account, anon, administrator or the
    definer); called with another recipient, another version or a maintenance notice's id, it
    claims nothing and writes no "mailed" row that would hold back the recipient's email."""
    ada, grace, mallory, post = crew
    assign(db, ada, post, grace)
    [r] = recipients(queued(superuser))
    for actor in (grace, mallory):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            run(
                db,
                actor,
                "select internal.claim_review_email(%s, %s, %s)",
                (r.notification_id, r.created_at, actor.user_id),
            )
    callers = superuser.execute(
        "select r from unnest(array['anon', 'authenticated', 'blogster_admin', 'blogster_definer', 'service_role']) r"
        " where has_function_privilege(r, 'internal.claim_review_email(uuid, timestamptz, uuid)', 'execute')"
    ).fetchall()
    assert callers == [("service_role",)]

    (notice, notice_at) = superuser.execute(
        "insert into public.user_notifications (user_id, type, title) values (%s, 'maintenance', 'Upgrade')"
        " returning id, created_at",
        (grace.user_id,),
    ).fetchone()
    with db.connect() as conn, acting_transaction(conn, "service_role"):
        for forged in [
            (r.notification_id, r.created_at, mallory.user_id),  # another recipient
            (r.notification_id, r.created_at + timedelta(microseconds=1), r.user_id),  # no such version
            (notice, notice_at, grace.user_id),  # not a review notification
        ]:
            assert conn.execute("select internal.claim_review_email(%s, %s, %s)", forged).fetchone() == ("replaced",)
    assert superuser.execute(
        "select count(*) from internal.email_deliveries where notification_id = any(%s)", ([r.notification_id, notice],)
    ).fetchone() == (0,)
    with smtp_server() as (recorder, url):  # grace's email still goes
        outcomes = notifications.deliver_review_emails(
            db, smtp=email_delivery.SmtpServer(url, None), recipients=[r], final_attempt=False
        )
    assert list(outcomes.values()) == [None] and len(recorder.to(grace.email)) == 1


# -- 0151: review email bounded per recipient: the sender each version records, the day's count.

LOOP = """
do $$ declare p uuid; a uuid; begin for i in 1..{n} loop
  insert into public.blogs (title, slug, author_id, content)
  values ('URGENT: verify your account at https://evil.example/login ' || i, 'spam-{tag}-' || i, auth.uid(),
          jsonb_build_object('markdown', 'x'))
  returning id into p;
  a := public.review_assign(p, '{to}', 'editor');
  perform public.delete_rows('public.team_collaboration', array[a]);
end loop; end $$
"""


def test_red_team_37s_loop_mails_two_and_no_account_frees_or_fills_the_recipients_bounds(db, crew, superuser):
    """mallory's loop by raw SQL on her own login (assign a spam-titled post to grace, withdraw it,
    twenty times): grace is mailed two. Neither she nor grace can rewrite the sender that counts
    them, write a notification in another's name, or read or change the day's counts; mallory's
    next loop mails nothing, ada's assignment is mailed."""
    ada, grace, mallory, post = crew
    run(db, mallory, LOOP.format(n=20, tag="a", to=grace.email))
    with smtp_server() as (recorder, url):
        notifications.deliver_review_emails(
            db, smtp=email_delivery.SmtpServer(url, None), recipients=recipients(queued(superuser)), final_attempt=False
        )
        assert len(recorder.to(grace.email)) == 2
        senders = run(db, grace, "select distinct sender_id from public.user_notifications")
        assert senders == [(mallory.user_id,)]
        assert run(
            db, mallory, "select count(*) from public.user_notifications where user_id = %s", (grace.user_id,)
        ) == [(0,)]
        for actor, statement, params in [
            (grace, "update public.user_notifications set sender_id = null", ()),
            (mallory, "update public.user_notifications set sender_id = %s", (ada.user_id,)),
            (mallory, "select internal.notify_review(%s, gen_random_uuid(), 'x', 'y')", (grace.user_id,)),
            (mallory, "select * from internal.review_email_counts", ()),
            (mallory, "update internal.review_email_counts set mailed = 0", ()),
            (mallory, "insert into internal.review_email_counts values (%s, current_date, 50)", (grace.user_id,)),
            (grace, "delete from internal.review_email_counts", ()),
        ]:  # fmt: skip
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                run(db, actor, statement, params)
        privileges = superuser.execute(
            "select r, p from unnest(array['anon', 'authenticated', 'blogster_admin', 'blogster_definer', 'service_role']) r,"
            " unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) p"
            " where has_table_privilege(r, 'internal.review_email_counts', p) order by 1, 2"
        ).fetchall()
        assert privileges == [("service_role", "INSERT"), ("service_role", "SELECT"), ("service_role", "UPDATE")]

        superuser.execute("delete from procrastinate.procrastinate_jobs")
        run(db, mallory, LOOP.format(n=5, tag="b", to=grace.email))
        assign(db, ada, post, grace)
        notifications.deliver_review_emails(
            db, smtp=email_delivery.SmtpServer(url, None), recipients=recipients(queued(superuser)), final_attempt=False
        )
    assert [m["Subject"].split(":")[0] for m in recorder.to(grace.email)] == [
        f"Withdrawn by {mallory.email}",
        f"Withdrawn by {mallory.email}",
        f"Assigned as editor by {ada.email}",
    ]


def test_a_forged_claim_takes_no_place_in_the_recipients_count(db, crew, superuser):
    """service_role's claim named with another recipient, or a version that is not the
    notification's, answers 'replaced' before it counts or locks anything."""
    ada, grace, mallory, post = crew
    assign(db, ada, post, grace)
    [r] = recipients(queued(superuser))
    with db.connect() as conn, acting_transaction(conn, "service_role"):
        for forged in [
            (r.notification_id, r.created_at, mallory.user_id),
            (r.notification_id, r.created_at - timedelta(seconds=1), r.user_id),
        ]:
            assert conn.execute("select internal.claim_review_email(%s, %s, %s)", forged).fetchone() == ("replaced",)
    assert superuser.execute("select count(*) from internal.review_email_counts").fetchone() == (0,)
