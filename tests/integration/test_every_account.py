"""A scheduled job's share of one account fails alone, whatever the error, and a lost server
stops the run."""

from __future__ import annotations

import logging

import pytest

from blogster_cli.actors import ActingUser, Timeouts
from blogster_cli.errors import Conflict, DatabaseUnavailable
from blogster_cli.services.every_account import for_every_account


def test_an_error_of_one_account_leaves_the_others_their_share(db, make_user, caplog):
    accounts = [make_user().user_id for _ in range(4)]
    broken = {
        accounts[1]: Conflict("your AI credits are being changed by another command right now; try again in a moment"),
        accounts[2]: KeyError("tz"),
    }

    def work(acting: ActingUser) -> str:
        if acting.actor.user_id in broken:
            raise broken[acting.actor.user_id]
        return str(acting.actor.user_id)

    with caplog.at_level(logging.WARNING, logger="blogster.every_account"):
        done = for_every_account(db, accounts, work, timeouts=Timeouts())
    assert done.results == [str(accounts[0]), str(accounts[3])]
    assert [(f.account, f.error) for f in done.failures] == [
        (accounts[1], "your AI credits are being changed by another command right now; try again in a moment"),
        (accounts[2], "unexpected failure: KeyError: 'tz'"),
    ]
    assert any(record.exc_info for record in caplog.records)  # the bug's traceback is in the log


def test_a_lost_server_stops_the_run(db, make_user):
    accounts = [make_user().user_id for _ in range(3)]
    ran = []

    def work(acting: ActingUser) -> None:
        ran.append(acting.actor.user_id)
        raise DatabaseUnavailable("the database server is not answering")

    with pytest.raises(DatabaseUnavailable):
        for_every_account(db, accounts, work, timeouts=Timeouts())
    assert ran == accounts[:1]
