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
