"""0149: at most one review email per read cycle, also for a step written while the worker is
sending the previous version's email (real SMTP server; real workers, or two deliveries at once).

0148 recorded a notification as mailed after the server accepted the message, so a rewrite written
during the send found nothing recorded: its version was queued and mailed too, a second email in one
read cycle. Now the worker claims the read cycle before it sends, in the unit of work that records
the outcome (internal.claim_review_email): the rewrite's job waits for that claim, then finds the
cycle mailed and sends nothing; its version shows in the app.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from uuid import UUID

from blogster_cli.services import email_delivery, notifications, review
from tests.smtp_server import smtp_server
from tests.workers.test_review_email import assign, review_jobs, team, version
from tests.workers.test_serve_workers import run_once

__all__ = ["team"]  # the fixture, used by name

WAIT_S = 10


def comment(team, ref: str, n: int) -> None:
    review.act(team.grace, ref=ref, action="comment", note=f"Note {n}.")


def queued_for(superuser, acting) -> list[notifications.ReviewEmailRecipient]:
    """The versions queued for `acting`'s review email, oldest first (no worker ran them)."""
    return [
        notifications.ReviewEmailRecipient(
            user_id=UUID(r["user_id"]),
            notification_id=UUID(r["notification_id"]),
            created_at=datetime.fromisoformat(r["created_at"]),
        )
        for _, _, args, _ in review_jobs(superuser)
        for r in args["recipients"]
        if r["user_id"] == str(acting.actor.user_id)
    ]


def ledger(superuser, key: UUID) -> tuple | None:
    return superuser.execute(
        "select status::text, error from internal.email_deliveries where notification_id = %s", (key,)
    ).fetchone()


def deliver(db, url: str, recipient) -> dict[UUID, str | None]:
    return notifications.deliver_review_emails(
        db, smtp=email_delivery.SmtpServer(url, None), recipients=[recipient], final_attempt=False
    )


def lock_waits(db) -> bool:
    """Whether some session of this database waits for a lock, within WAIT_S."""
    with db.connect() as conn:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            waiting = conn.execute(
                "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'"
            ).fetchone()
            if waiting and waiting[0]:
                return True
            time.sleep(0.05)
    return False


def test_a_step_written_while_the_previous_email_is_sent_is_not_mailed_in_that_cycle(team, superuser, start_worker):
    """grace comments while the worker sends the email of her previous comment to ada (the server
    has the message, it has not answered yet): one email, the newer comment shows in the app
    ('sent'); once ada reads it, the next comment is mailed."""
    with smtp_server() as (recorder, url):
        editor = assign(team, team.grace)
        run_once(start_worker, url)  # grace's assignment
        comment(team, editor, 1)
        rewritten: list[int] = []

        def during_send(_kept: int) -> None:
            if not rewritten:
                rewritten.append(1)
                comment(team, editor, 2)

        recorder.on_data = during_send
        run_once(start_worker, url)
        run_once(start_worker, url)  # the rewrite's job, should the first run have left it
        assert rewritten
        [mail] = recorder.to("ada@example.com")
        assert "Note 1." in mail.get_content()
        notification_id, created_at, status, error = version(superuser, team.ada)
        assert (status, error) == ("sent", None)
        [content] = superuser.execute("select content from public.user_notifications where id = %s", (notification_id,))
        assert "Note 2." in content[0]
        key = notifications.review_delivery_key(notification_id, created_at)
        assert ledger(superuser, key) == ("failed", notifications.ALREADY_MAILED)

        recorder.on_data = None
        notifications.mark_read(team.ada, ref=str(notification_id))
        comment(team, editor, 3)
        run_once(start_worker, url)
        _, second = recorder.to("ada@example.com")
        assert "Note 3." in second.get_content()


def test_a_second_delivery_waits_for_the_first_ones_claim_and_sends_nothing(db, team, superuser):
    """Two workers at once: the rewrite's job runs while the first email is in flight. Its claim
    waits for the first one's unit of work, then finds the cycle mailed."""
    with smtp_server() as (recorder, url):
        editor = assign(team, team.grace)
        comment(team, editor, 1)
        [first] = queued_for(superuser, team.ada)
        second_outcome: list[dict] = []
        waited: list[bool] = []

        def second_delivery() -> None:
            with db.connect() as conn:
                [(args,)] = conn.execute(  # the rewrite's job: the newest of ada's
                    "select args from procrastinate.procrastinate_jobs where args ->> 'type' = 'blog_interaction'"
                    " and args #>> '{recipients,0,user_id}' = %s order by id desc limit 1",
                    (str(team.ada.actor.user_id),),
                ).fetchall()
            [r] = args["recipients"]
            newer = notifications.ReviewEmailRecipient(
                UUID(r["user_id"]), UUID(r["notification_id"]), datetime.fromisoformat(r["created_at"])
            )
            second_outcome.append(deliver(db, url, newer))

        thread = threading.Thread(target=second_delivery)

        def during_send(_kept: int) -> None:
            if not thread.is_alive() and not waited:
                comment(team, editor, 2)
                thread.start()
                waited.append(lock_waits(db))

        recorder.on_data = during_send
        assert list(deliver(db, url, first).values()) == [None]
        thread.join(timeout=60)
    assert waited == [True]
    assert [list(outcome.values()) for outcome in second_outcome] == [[notifications.ALREADY_MAILED]]
    [mail] = recorder.to("ada@example.com")
    assert "Note 1." in mail.get_content()
    assert version(superuser, team.ada)[2:] == ("sent", None)


def test_a_claim_ends_with_its_connection_and_the_waiting_version_is_mailed(db, team, superuser):
    """A worker killed while sending: its claim (uncommitted) dies with its connection. The newer
    version's delivery, waiting for it, then claims the cycle and mails the newest text; the killed
    one's retry finds its version replaced."""
    with smtp_server() as (recorder, url):
        editor = assign(team, team.grace)
        comment(team, editor, 1)
        [first] = queued_for(superuser, team.ada)
        killed = db.connect(autocommit=False)  # a worker's, in the middle of its send
        try:
            killed.execute("set local role service_role")
            claimed = killed.execute(
                "select internal.claim_review_email(%s, %s, %s)",
                (first.notification_id, first.created_at, first.user_id),
            ).fetchone()
            assert claimed == ("claimed",)
            comment(team, editor, 2)
            [_, newer] = queued_for(superuser, team.ada)
            outcome: list[dict] = []
            thread = threading.Thread(target=lambda: outcome.append(deliver(db, url, newer)))
            thread.start()
            assert lock_waits(db)
            assert recorder.messages == []
        finally:
            killed.close()  # the worker is killed: its transaction ends with its connection
        thread.join(timeout=60)
    assert [list(o.values()) for o in outcome] == [[None]]
    [mail] = recorder.to("ada@example.com")
    assert "Note 2." in mail.get_content()
    assert list(deliver(db, url, first).values()) == [notifications.REPLACED]
    assert len(recorder.to("ada@example.com")) == 1


def test_a_refused_email_leaves_the_cycle_open_for_the_next_version(db, team, superuser):
    """The claim of an email the server refused is rolled back: the next version is mailed."""
    with smtp_server() as (recorder, url):
        editor = assign(team, team.grace)
        comment(team, editor, 1)
        [first] = queued_for(superuser, team.ada)
        recorder.refuse.add("ada@example.com")
        [refused] = deliver(db, url, first).values()
        assert refused and "550" in refused
        assert ledger(superuser, first.notification_id) is None  # not "mailed"
        recorder.refuse.clear()
        comment(team, editor, 2)
        [_, newer] = queued_for(superuser, team.ada)
        assert list(deliver(db, url, newer).values()) == [None]
    [mail] = recorder.to("ada@example.com")
    assert "Note 2." in mail.get_content()
    assert ledger(superuser, first.notification_id)[0] == "sent"
