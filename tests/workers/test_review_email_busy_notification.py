"""Red team 38, F2: a review version that is not mailed (held back, refused...) had its outcome
written in the claim's unit of work, whose lock timeout (CLAIM_TIMEOUTS, 90 s) is for another
worker's claim held across an SMTP call. A sender who kept a transaction open on the recipient's
notification (withdrawing its assignment) held the worker that long, and the job failed. Now that
unit of work waits on no account's lock: the outcome is in the ledger when it commits, and a busy
notification's status is written in a unit of work of its own, with the usual lock timeout."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import pytest

from blogster_cli.actors import Timeouts
from blogster_cli.errors import Conflict
from blogster_cli.services import notifications, review
from tests.smtp_server import smtp_server
from tests.workers.test_review_email import team
from tests.workers.test_review_email_abuse import GRACE, new_post, statuses
from tests.workers.test_review_email_race import deliver, ledger, lock_waits, queued_for

__all__ = ["team"]  # the fixture, used by name


@contextmanager
def withdrawn_in_an_open_transaction(db, acting, assignment_id):
    """`acting` withdraws the assignment and keeps the transaction open: the rewrite of the
    recipient's notification holds its row until the block ends (rolled back then)."""
    holding = db.connect(autocommit=False)
    try:
        holding.execute(f"set local role {acting.actor.role_name}")
        holding.execute("select public.delete_rows('public.team_collaboration', array[%s]::uuid[])", (assignment_id,))
        yield
    finally:
        holding.rollback()
        holding.close()


def in_a_thread(work) -> tuple[threading.Thread, list]:
    box: list = []

    def run() -> None:
        try:
            box.append(work())
        except Exception as exc:
            box.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, box


def a_third_from_eve(db, team, superuser, url):
    """grace has two unread emails from eve; eve's third assignment is queued (held back: 0151)."""
    for n in (1, 2):
        new_post(team.eve, n)
        review.assign(team.eve, blog=f"post-{n}", to=GRACE, role="editor")
    for version in queued_for(superuser, team.grace):
        assert list(deliver(db, url, version).values()) == [None]
    superuser.execute("delete from procrastinate.procrastinate_jobs")
    new_post(team.eve, 3)
    third = review.assign(team.eve, blog="post-3", to=GRACE, role="editor")
    [version] = queued_for(superuser, team.grace)
    return third, version


@pytest.mark.parametrize("outcome", ["held", "refused"])
def test_an_unmailed_versions_outcome_is_committed_while_a_sender_holds_its_notification(db, team, superuser, outcome):
    with smtp_server() as (recorder, url):
        if outcome == "held":
            assignment, version = a_third_from_eve(db, team, superuser, url)
        else:
            new_post(team.eve, 1)
            assignment = review.assign(team.eve, blog="post-1", to=GRACE, role="editor")
            [version] = queued_for(superuser, team.grace)
            recorder.refuse.add(GRACE)
        key = notifications.review_delivery_key(version.notification_id, version.created_at)
        mailed = len(recorder.messages)
        with withdrawn_in_an_open_transaction(db, team.eve, assignment.id):
            thread, box = in_a_thread(lambda: deliver(db, url, version))
            assert lock_waits(db)  # the worker waits for the notification's row, to write its status
            recorded = ledger(superuser, key)  # committed: the claim's unit of work waits on nothing
            assert recorded is not None and recorded[0] == "failed", recorded
            assert box == []
        thread.join(timeout=30)
    why = recorded[1]
    assert box == [{key: why}]
    assert (why == notifications.HELD) if outcome == "held" else ("550" in why), why
    assert len(recorder.messages) == mailed
    assert statuses(superuser, team.grace)[-1] == ("failed", why)  # held: no email went either


def test_a_sender_holding_the_notification_past_the_lock_timeout_holds_the_worker_that_long_only(
    db, team, superuser, monkeypatch
):
    """The status's own unit of work gives up after the usual lock timeout (5 s), not the claim's,
    and the job's retry finds the outcome recorded: nothing is mailed twice, nothing waits again."""
    monkeypatch.setattr(notifications, "CLAIM_TIMEOUTS", Timeouts(statement_ms=40_000, lock_ms=30_000))
    with smtp_server() as (recorder, url):
        assignment, version = a_third_from_eve(db, team, superuser, url)
        with withdrawn_in_an_open_transaction(db, team.eve, assignment.id):
            started = time.monotonic()
            thread, box = in_a_thread(lambda: deliver(db, url, version))
            thread.join(timeout=60)
            took = time.monotonic() - started
            [failed] = box
            assert isinstance(failed, Conflict), failed
            assert took < Timeouts().lock_ms / 1000 + 5, took
        assert deliver(db, url, version) == {}  # the retry: in the ledger already
        assert len(recorder.to(GRACE)) == 2
    key = notifications.review_delivery_key(version.notification_id, version.created_at)
    assert ledger(superuser, key) == ("failed", notifications.HELD)
