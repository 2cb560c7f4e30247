"""`analytics ingest` holds its run lock (db.acting.separate_unit_of_work) idle in a transaction of
its own for the whole run, while its batches commit on the usual connection. A server whose
administrator limits idle or long transactions (`idle_in_transaction_session_timeout`;
`transaction_timeout` from PostgreSQL 17 on), or idle sessions (`idle_session_timeout`: the usual
connection between batches), for the database or the login, must not end a long run: the lock's
transaction turns the first two off for itself, as a guard does (db.acting.held_transaction_sql), and a
connection the server ended while unused is replaced (db.connection.closed_by_server). Before, the
lock's session was ended under the run, and the run failed at its end with "lost the database
connection" (exit 7) though its batches were committed; another run could meanwhile have started.
"""

from __future__ import annotations

import time

import pytest

from blogster_cli.services.analytics_ingest import ingest
from tests.integration.test_analytics_ingest import HAND_MADE_LOG, write
from tests.integration.test_guard_unit_of_work import CALL_S, acting_as


def _slow_first_step(seconds: float):
    """An on_progress that waits `seconds` once (the run's work taking that long)."""
    waited = []

    def progress(_bytes: int) -> None:
        if not waited:
            waited.append(True)
            time.sleep(seconds)

    return progress


@pytest.mark.parametrize("login", ["administrative", "own"])
@pytest.mark.parametrize(
    "setting", ["idle_in_transaction_session_timeout", "transaction_timeout", "idle_session_timeout"]
)
def test_a_long_ingest_keeps_its_lock_though_the_server_limits_idle_or_long_transactions(
    db, make_user, superuser, tmp_path, setting, login
):
    if setting == "transaction_timeout" and superuser.info.server_version < 170000:
        setting = "idle_in_transaction_session_timeout"  # none to turn off before PostgreSQL 17
    acting = acting_as(db, make_user, superuser, login, setting)
    log = write(tmp_path / "access.log", HAND_MADE_LOG)

    summary = ingest(  # an account with no posts: its views are on none
        acting, sources=[str(log)], workers=1, on_progress=_slow_first_step(CALL_S), accept_unmatched=True
    )

    assert (summary.lines, summary.parsed) == (8, 7)
    assert summary.files[0].new_lines == 8
    assert ingest(acting, sources=[str(log)]).files[0].known == "counted"
