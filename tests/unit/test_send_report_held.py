"""Which newsletter sends the daily sending limit held: SendReport.stopped_by_limit, the one rule
`calendar run-due` and `workers send-newsletters` count them by (held, not sent and not failed)."""

from __future__ import annotations

import uuid

import pytest

from blogster_cli.services.newsletters import SendReport


def _report(**changes: object) -> SendReport:
    fields: dict[str, object] = {"sent": 0, "refused": [], "already_done": 0, "unsubscribed": 0, "recipient_count": 0}
    return SendReport(id=uuid.uuid4(), status="scheduled", **{**fields, **changes})


@pytest.mark.parametrize(
    ("changes", "held"),
    [
        ({"held_by_limit": 3}, True),
        ({"held_by_limit": 3, "sent": 2}, True),  # stopped midway: still held
        ({"held_by_limit": 3, "error": "smtp.example.com refused the login"}, False),  # failed, counted as failed
        ({"sent": 2}, False),
        ({"busy": True}, False),
    ],
)
def test_a_send_is_held_by_the_limit_when_readers_wait_for_it_and_nothing_failed(changes, held):
    assert _report(**changes).stopped_by_limit is held


@pytest.mark.parametrize(
    ("changes", "counted_as"),
    [
        ({"turn_held": True}, "busy"),  # another send or transaction held the account's turn: nobody mailed
        ({"turn_held": True, "sent": 2}, "sent"),  # it mailed some before the turn was held
        ({"turn_held": True, "error": "smtp.example.com refused the login"}, "failed"),
        ({"busy": True}, "busy"),
        ({}, "sent"),
    ],
)
def test_a_send_that_mailed_nobody_for_a_held_turn_counts_as_busy(changes, counted_as):
    """Red team 45 (L1): it was counted as sent."""
    assert _report(**changes).counted_as == counted_as
