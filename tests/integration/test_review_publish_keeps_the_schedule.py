"""0176: an approver publishing a post its author scheduled for later leaves it scheduled (new-user walk 12, M1).

0166 published it at once, dated now: the approver overrode the author's schedule (an embargo)
without a word. Now the approval is recorded, the post goes live at its time through the due work
every scheduled post goes through, with its one `published` activity, and its calendar entry is
marked then, as any scheduled post's is.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from blogster_cli.services import calendar, due_work, notifications, publishing, review
from tests.integration import test_review_notification_bound as bound
from tests.integration.test_review_notification_bodies import newest

crew = bound.crew  # the fixture: ada's post 'Draft one', vic its approver (allowed to publish)

LIVE_AT = datetime(2099, 3, 1, 8, 0, tzinfo=UTC)  # 09:00 in Berlin


def post_row(superuser):
    return superuser.execute("select status::text, published_at from public.blogs where slug = 'draft-one'").fetchone()


def test_a_scheduled_post_approved_with_publish_goes_live_at_its_time_and_marks_its_entry(crew, superuser):
    assert publishing.publish(crew.ada, refs=["draft-one"], at="2099-03-01 08:00")[0].status == "scheduled"
    calendar.add(crew.ada, title="Launch", day=date(2099, 3, 1), at=time(9), timezone="Europe/Berlin", blog="draft-one")
    bound.step(crew.vic, crew.approver, "start")
    approval = review.approve_and_publish(crew.vic, ref=crew.approver, note="Ship it.")
    assert (approval.assignment.status, approval.already_published, approval.kept_date) == ("approved", False, None)
    assert approval.scheduled_for == LIVE_AT
    assert post_row(superuser) == ("scheduled", LIVE_AT)
    title, body, _ = newest(crew.ada)
    assert title == "Approved by vic@example.com (approver), goes live as scheduled at 2099-03-01 08:00 UTC: Draft one"
    assert body == f"`blogster review show {crew.approver[:8]}`: Ship it."  # the approval's comment, kept
    # Before its time the due work leaves it and its entry alone; at its time it goes live, once.
    assert due_work.run_due(crew.ada).published == [] and calendar_status(superuser) == "planned"
    # Its time comes: the database's clock cannot be moved on, so the time is (0206 refuses a post published ahead).
    (came,) = superuser.execute(
        "update public.blogs set published_at = now() - interval '1 minute' where slug = 'draft-one'"
        " returning published_at"
    ).fetchone()
    superuser.execute(
        "update public.content_calendar set created_at = now() - interval '1 hour' where title = 'Launch'"
    )
    went = due_work.publish_due_posts(crew.ada, now=datetime.now(UTC))
    assert ([p.slug for p in went.published], went.calendar_marked) == (["draft-one"], 1)
    assert post_row(superuser) == ("published", came)
    assert calendar_status(superuser) == "published"
    activities = superuser.execute(
        "select description from public.activities where type = 'published' order by created_at"
    ).fetchall()
    assert activities == [("Published 'Draft one' (scheduled)",)]


def test_a_post_whose_scheduled_time_has_come_is_published_keeping_its_date(crew, superuser):
    """Scheduled, its time past, the due work not yet run: published now, dated then (0166's rule)."""
    assert publishing.publish(crew.ada, refs=["draft-one"], at="2099-03-01 08:00")[0].status == "scheduled"
    was = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    superuser.execute("update public.blogs set published_at = %s where slug = 'draft-one'", (was,))
    bound.step(crew.vic, crew.approver, "start")
    approval = review.approve_and_publish(crew.vic, ref=crew.approver)
    assert (approval.kept_date, approval.scheduled_for) == (was, None)
    assert post_row(superuser) == ("published", was)


def calendar_status(superuser) -> str:
    return superuser.execute("select status::text from public.content_calendar where title = 'Launch'").fetchone()[0]


def test_a_scheduled_post_its_author_changes_as_it_is_approved_is_refused_as_a_draft_is(crew, superuser, monkeypatch):
    """0178 (red team 43b F5): the author saves a new title while `review approve --publish` runs. A
    draft was refused; a post scheduled for later stayed scheduled, its author told the new title
    was approved. Now both are refused the same way, and nothing is written."""
    from blogster_cli.errors import InvalidInput
    from blogster_cli.repositories import review as review_rows

    approve = review_rows.publish

    def author_retitles_first(session, *, assignment_id):
        superuser.execute("update public.blogs set title = 'Retitled' where slug = 'draft-one'")
        return approve(session, assignment_id=assignment_id)

    monkeypatch.setattr(review_rows, "publish", author_retitles_first)
    bound.step(crew.vic, crew.approver, "start")
    refused = []
    for scheduled in (False, True):
        if scheduled:
            publishing.publish(crew.ada, refs=["draft-one"], at="2099-03-01 08:00")
        with pytest.raises(InvalidInput) as caught:
            review.approve_and_publish(crew.vic, ref=crew.approver)
        refused.append(str(caught.value))
    assert refused == ["the post changed after it was approved: its author can assign it again"] * 2
    assert post_row(superuser) == ("scheduled", LIVE_AT)
    assert [n.title for n in notifications.list_notifications(crew.ada)] == [f"Started by {bound.BY_VIC}"]
