"""A unit of work after its kept connection sat unused (an AI or platform call, the TUI waiting for a
key) runs on a fresh connection when the server ended that one meanwhile: an administrator's
`idle_session_timeout` for the database or the login. Both kept connections are covered: the ORM
engine's pool (db.orm.engine_for) and the thread's psycopg connection (Database.connection). Before,
the unit of work failed at its first statement with "lost the database connection: terminating
connection due to idle-session timeout" (exit 7).

A connection that is still alive is kept, without a round trip to find out: the look is local
(db.connection.closed_by_server) and skipped for back-to-back units of work. A limit that runs out
just as a unit of work begins is too late for the look: the server answers the unit's first message
by ending the session (57P05), nothing ran, and the unit begins once more on a fresh connection.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from sqlalchemy import text

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import admin_unit_of_work, unit_of_work
from blogster_cli.db.connection import IDLE_CHECK_AFTER_S
from blogster_cli.db.orm import driver_connection, orm_admin_unit_of_work, orm_unit_of_work
from tests.integration.test_guard_unit_of_work import CALL_S, acting_as

WHO = "select pg_backend_pid(), current_user"


def _orm(unit: Callable[[Any], AbstractContextManager[Any]]) -> Callable[[Any], tuple[int, str]]:
    def run(arg: Any) -> tuple[int, str]:
        with unit(arg) as session:
            pid, user = session.execute(text(WHO)).one()
        return pid, user

    return run


def _plain(unit: Callable[[Any], AbstractContextManager[Any]]) -> Callable[[Any], tuple[int, str]]:
    def run(arg: Any) -> tuple[int, str]:
        with unit(arg) as conn:
            pid, user = conn.execute(WHO).fetchone()
        return pid, user

    return run


# each unit of work, and whether it takes the ActingUser (else its Database; on the administrative login only)
UNITS = {
    "orm_unit_of_work": (_orm(orm_unit_of_work), True),
    "unit_of_work": (_plain(unit_of_work), True),
    "orm_admin_unit_of_work": (_orm(orm_admin_unit_of_work), False),
    "admin_unit_of_work": (_plain(admin_unit_of_work), False),
}
CASES = [(name, login) for name in UNITS for login in ("administrative", "own") if UNITS[name][1] or login != "own"]


@pytest.mark.parametrize(("unit", "login"), CASES)
def test_a_unit_of_work_after_the_server_ended_its_idle_connection_runs_on_a_fresh_one(
    db, make_user, superuser, unit, login
):
    acting = acting_as(db, make_user, superuser, login, "idle_session_timeout")
    run, as_actor = UNITS[unit]
    arg = acting if as_actor else acting.db
    first_pid, user = run(arg)
    time.sleep(CALL_S)  # the outside call: the server ends the idle session meanwhile
    assert _ended(superuser, first_pid)

    pid, again = run(arg)

    assert pid != first_pid and again == user
    if as_actor:
        assert user == acting.actor.role_name
    assert run(arg)[0] == pid  # the fresh connection is kept in turn


# admin_unit_of_work is psycopg's own transaction (BEGIN, then its lock timeout): only the look covers it.
@pytest.mark.parametrize(("unit", "login"), [case for case in CASES if case[0] != "admin_unit_of_work"])
def test_a_unit_of_work_the_server_ends_as_it_begins_begins_again_on_a_fresh_connection(
    db, make_user, superuser, monkeypatch, unit, login
):
    for module in ("blogster_cli.db.connection", "blogster_cli.db.orm"):  # the look never comes in time
        monkeypatch.setattr(f"{module}.IDLE_CHECK_AFTER_S", 3600.0)
    acting = acting_as(db, make_user, superuser, login, "idle_session_timeout")
    run, as_actor = UNITS[unit]
    arg = acting if as_actor else acting.db
    first_pid, user = run(arg)
    time.sleep(CALL_S)
    assert _ended(superuser, first_pid)

    pid, again = run(arg)

    assert pid != first_pid and again == user


def _ended(superuser, pid: int) -> bool:
    """Whether the server ended the session `pid` (within a few seconds)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if superuser.execute("select count(*) from pg_stat_activity where pid = %s", (pid,)).fetchone() == (0,):
            return True
        time.sleep(0.05)
    return False


def test_a_live_connection_kept_unused_is_handed_out_again_without_a_round_trip_to_check_it(db, make_user, tmp_path):
    acting = ActingUser(db, make_user())
    with orm_unit_of_work(acting) as session:
        raw = driver_connection(session)
        orm_pid = raw.info.backend_pid
    with unit_of_work(acting) as conn:
        plain_pid = conn.info.backend_pid
    time.sleep(IDLE_CHECK_AFTER_S * 3)  # long enough to be looked at
    trace = tmp_path / "libpq.trace"
    with trace.open("w") as sink:
        raw.pgconn.trace(sink.fileno())
        try:
            with orm_unit_of_work(acting) as session:
                assert driver_connection(session).info.backend_pid == orm_pid
                session.execute(text("select 1")).one()
        finally:
            raw.pgconn.untrace()
    sent = [line for line in trace.read_text().splitlines() if "\tF\t" in line and ("Query" in line or "Parse" in line)]
    assert len(sent) == 3, sent  # begin + switch, the select, commit: no ping
    with unit_of_work(acting) as conn:
        assert conn.info.backend_pid == plain_pid
