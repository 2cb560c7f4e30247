"""0136: a recipient holds at most one unread notification about an assignment (red team L2).

An approver repeating `review reject; review start` added two notifications to the author's list
a round, without end, and each comment one more (up to 500 per assignment). Now a review
notification rewrites its recipient's unread one about the same assignment (the newest step's
title and time, still unread, same id); read ones stay as they were read.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import acting_transaction
from blogster_cli.services import blogs, notifications, review

BY_VIC = "vic@example.com (approver): Draft one"
BY_ADA = "by ada@example.com: Draft one"


@pytest.fixture
def crew(db, make_user):
    """ada's post 'Draft one', assigned to vic (approver, allowed to publish) and grace (editor)."""
    ada, vic, grace = (make_user(f"{name}@example.com") for name in ("ada", "vic", "grace"))
    as_ada = ActingUser(db, ada)
    blogs.create(as_ada, new=blogs.NewBlog(title="Draft one", slug="draft-one", markdown="Text."))
    approver = review.assign(as_ada, blog="draft-one", to=vic.email, role="approver", can_publish=True)
    editor = review.assign(as_ada, blog="draft-one", to=grace.email, role="editor")
    return SimpleNamespace(
        ada=as_ada, vic=ActingUser(db, vic), grace=ActingUser(db, grace),
        approver=str(approver.id), editor=str(editor.id),
    )  # fmt: skip


def step(acting, assignment, action, note=None):
    review.act(acting, ref=assignment, action=action, note=note)


def unread(acting):
    """The titles of `acting`'s unread notifications, newest first (`notifications list --unread`)."""
    return [n.title for n in notifications.list_notifications(acting, unread_only=True)]


def test_an_approver_repeating_steps_and_comments_leaves_the_author_one_unread_step_and_comment(crew, superuser):
    """The red team's repro: reject and start again, round after round, and comments between. Steps
    and comments are two lanes (0140): a comment never hides a step's notice."""
    step(crew.vic, crew.approver, "start")
    for n in range(15):
        step(crew.vic, crew.approver, "reject", f"Round {n}.")
        step(crew.vic, crew.approver, "comment", f"Still round {n}.")
        step(crew.vic, crew.approver, "start")
    before_last = datetime.now(UTC)
    step(crew.vic, crew.approver, "reject")
    shown = notifications.list_notifications(crew.ada)
    assert [(n.title, n.read) for n in shown] == [
        (f"Changes requested by {BY_VIC}", False), (f"Comment by {BY_VIC}", False),
    ]  # fmt: skip
    assert shown[0].created_at is not None and shown[0].created_at >= before_last - timedelta(seconds=1)
    stored = superuser.execute(
        "select count(*), min(type::text), min(link), max(link), min(delivery_status::text)"
        " from public.user_notifications where user_id = %s",
        (crew.ada.actor.user_id,),
    ).fetchone()
    about = f"blogster review show {crew.approver}"
    assert stored == (2, "blog_interaction", about, about, "pending")  # their emails wait for the workers (0147)
    assert unread(crew.vic) == [f"Assigned as approver {BY_ADA}"]  # never told of their own steps


def test_a_read_notification_stays_as_read_and_the_next_step_adds_one(crew):
    step(crew.vic, crew.approver, "start")
    step(crew.vic, crew.approver, "comment", "A first remark.")
    first = next(n for n in notifications.list_notifications(crew.ada) if n.title.startswith("Comment by"))
    notifications.mark_read(crew.ada, ref=str(first.id))
    step(crew.vic, crew.approver, "reject")
    step(crew.vic, crew.approver, "start")
    shown = [(n.title, n.read) for n in notifications.list_notifications(crew.ada)]
    assert shown == [(f"Rework started by {BY_VIC}", False), (f"Comment by {BY_VIC}", True)]
    assert notifications.mark_all_read(crew.ada) == 1
    step(crew.vic, crew.approver, "reject")
    assert unread(crew.ada) == [f"Changes requested by {BY_VIC}"]
    assert len(notifications.list_notifications(crew.ada)) == 3


def test_each_assignment_and_each_recipient_has_its_own(crew, superuser):
    """The assignee's side too (the assignment, the author's status changes, a withdrawal), and
    nothing else is rewritten: another assignment's notification, another kind of notification."""
    other = superuser.execute(
        "insert into public.user_notifications (user_id, type, title, content, link)"
        " values (%s, 'security', 'Kept', %s, %s) returning id",
        (crew.grace.actor.user_id, f"assignment {crew.editor}", f"blogster review show {crew.editor}"),
    ).fetchone()[0]
    for acting, action in [(crew.grace, "start"), (crew.grace, "submit"), (crew.ada, "reject"),
                           (crew.grace, "start"), (crew.grace, "submit"), (crew.ada, "approve")]:  # fmt: skip
        step(acting, crew.editor, action)
    step(crew.vic, crew.approver, "start")
    by_grace = "grace@example.com (editor): Draft one"
    assert unread(crew.ada) == [f"Started by {BY_VIC}", f"Submitted for approval by {by_grace}"]
    assert unread(crew.grace) == ["Approved by ada@example.com: Draft one", "Kept"]
    assert unread(crew.vic) == [f"Assigned as approver {BY_ADA}"]
    # A withdrawal rewrites the unread assignment it takes back.
    reviewer = review.assign(crew.ada, blog="draft-one", to=crew.grace.actor.email, role="reviewer")
    assert unread(crew.grace)[0] == f"Assigned as reviewer {BY_ADA}"
    review.withdraw(crew.ada, ref=str(reviewer.id))
    assert unread(crew.grace) == [
        "Withdrawn by ada@example.com: your assignment as reviewer on Draft one",
        "Approved by ada@example.com: Draft one", "Kept",
    ]  # fmt: skip
    kept = superuser.execute("select title, read from public.user_notifications where id = %s", (other,))
    assert kept.fetchone() == ("Kept", False)


@pytest.mark.parametrize("one_transaction", [True, False], ids=["approve-and-publish", "approve-then-publish"])
def test_an_approval_and_its_publication_are_one_unread_notification(crew, db, one_transaction):
    step(crew.vic, crew.approver, "start")
    if one_transaction:
        review.approve_and_publish(crew.vic, ref=crew.approver)
    else:
        step(crew.vic, crew.approver, "approve")
        assert unread(crew.ada) == [f"Approved by {BY_VIC}"]
        with db.connect() as conn, acting_transaction(conn, crew.vic.actor.role_name):
            conn.execute("select public.review_publish(%s)", (crew.approver,))
    done = "Approved and published" if one_transaction else "Published"
    assert unread(crew.ada) == [f"{done} by {BY_VIC}"]


def test_preferences_off_leave_the_unread_one_as_it_was(crew):
    step(crew.vic, crew.approver, "start")
    notifications.set_preference(crew.ada, key="blog_interaction_notifications", value="off")
    step(crew.vic, crew.approver, "reject")
    assert unread(crew.ada) == [f"Started by {BY_VIC}"]
    notifications.set_preference(crew.ada, key="blog_interaction_notifications", value="on")
    step(crew.vic, crew.approver, "start")
    assert unread(crew.ada) == [f"Rework started by {BY_VIC}"]


def test_an_unread_notification_from_an_earlier_month_moves_to_the_steps_time(crew, superuser):
    """created_at is the partition key: the rewrite moves the row to its new month's partition."""
    step(crew.vic, crew.approver, "start")
    author = crew.ada.actor.user_id
    (moved, old_partition) = superuser.execute(
        "update public.user_notifications set created_at = now() - interval '40 days' where user_id = %s"
        " returning id, tableoid::regclass::text",
        (author,),
    ).fetchone()
    step(crew.vic, crew.approver, "reject")
    rows = superuser.execute(
        "select id, title, read, created_at > now() - interval '1 hour', tableoid::regclass::text"
        " from public.user_notifications where user_id = %s",
        (author,),
    ).fetchall()
    assert [row[:4] for row in rows] == [(moved, f"Changes requested by {BY_VIC}", False, True)]
    assert rows[0][4] != old_partition


def test_a_notification_read_while_a_step_waits_for_it_stays_read_and_a_new_one_is_added(crew, db, superuser):
    step(crew.vic, crew.approver, "start")
    outcome: list[object] = []

    def reject() -> None:
        try:
            step(crew.vic, crew.approver, "reject")
            outcome.append("ok")
        except Exception as exc:  # reported below
            outcome.append(exc)

    with db.connect() as conn:
        with acting_transaction(conn, crew.ada.actor.role_name):
            conn.execute("update public.user_notifications set read = true, read_at = now() where not read")
            thread = threading.Thread(target=reject)
            thread.start()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not outcome:  # the step waits for the row ada holds
                waiting = superuser.execute(
                    "select count(*) from pg_stat_activity where datname = current_database()"
                    " and wait_event_type = 'Lock'"
                ).fetchone()[0]
                if waiting:
                    break
                time.sleep(0.05)
            assert not outcome, outcome
        thread.join(timeout=30)
    assert outcome == ["ok"]
    shown = [(n.title, n.read) for n in notifications.list_notifications(crew.ada)]
    assert shown == [(f"Changes requested by {BY_VIC}", False), (f"Started by {BY_VIC}", True)]


def test_a_comment_never_hides_the_notice_of_a_step(crew):
    """Red team 33: after `review approve --publish`, one comment by the approver turned the
    author's unread "Approved and published by..." into "Comment by...", and a comment after a
    rejection hid "Changes requested by..." (0136): the author never learnt of the step (0140)."""
    step(crew.vic, crew.approver, "start")
    step(crew.vic, crew.approver, "reject", "Not yet.")
    step(crew.vic, crew.approver, "comment", "See my note on the intro.")
    step(crew.vic, crew.approver, "comment", "And the outro.")
    assert unread(crew.ada) == [f"Comment by {BY_VIC}", f"Changes requested by {BY_VIC}"]
    step(crew.vic, crew.approver, "start")
    assert unread(crew.ada) == [f"Rework started by {BY_VIC}", f"Comment by {BY_VIC}"]
