"""0147's review emails, attacked: by raw SQL as accounts (queueing or rewriting an email), by a
forged job (the worker reads the notification as the recipient it names), by hostile text (a title
or a comment that would add header lines or terminal sequences to the mail)."""

from __future__ import annotations

from datetime import datetime
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


def test_a_forged_job_naming_another_accounts_notification_mails_nothing(db, crew, superuser):
    """The worker reads the notification as the account the job names (RLS): mallory's name on
    grace's notification finds nothing, so nothing is sent to anyone and grace's stays pending."""
    ada, grace, mallory, post = crew
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
    assert rejected["Subject"].endswith("is now rejected by ada@example.com")
    text = rejected.get_content()
    assert not any(c in text for c in "\x1b\x07\u202e"), text
    assert text.splitlines()[0].endswith(": ]0;pwnedFix it[2J …"), text
