"""A guard's unit of work (db.orm.orm_guard_unit_of_work: `generate batch`'s and `generate draft
--idea`'s claim, a crosspost, a social post, a newsletter send) holds a row lock idle in its
transaction for as long as an outside call takes. A server whose administrator limits idle or long
transactions (`idle_in_transaction_session_timeout`; `transaction_timeout` from PostgreSQL 17 on),
for the database or for the login, must not end it under that call: the guard turns both off for
its own transaction, as the account's role (on the administrative login that switches to it, and on
the account's own login). A plain unit of work still gets the server's limits.
"""

from __future__ import annotations

import time

import pytest
from psycopg import sql
from sqlalchemy import text

from blogster_cli.actors import ActingUser
from blogster_cli.db.orm import orm_guard_unit_of_work, orm_unit_of_work
from blogster_cli.errors import DatabaseUnavailable
from tests.security.test_login_roles import LOGIN_PASSWORD

LIMIT = "300ms"
CALL_S = 1.0
"""How long the outside call keeps the guard idle: three times the server's limit."""


def acting_as(db, make_user, superuser, login: str, setting: str) -> ActingUser:
    """An account acting on the administrative login with `setting` = LIMIT for the database, or on
    its own login with it set for that login's role (ALTER ROLE: applied when the role logs in)."""
    if login == "administrative":
        actor = make_user()
        target = sql.SQL("database {}").format(sql.Identifier(db.database_name))
        acting = ActingUser(db, actor)
    else:
        actor = make_user(login_password=LOGIN_PASSWORD)
        target = sql.SQL("role {}").format(sql.Identifier(actor.role_name))
        acting = ActingUser(db.for_login(actor.role_name, LOGIN_PASSWORD), actor, own_login=True)
    superuser.execute(sql.SQL("alter {} set {} = {}").format(target, sql.Identifier(setting), sql.Literal(LIMIT)))
    return acting


def idle_then_query(unit) -> tuple[str, str, str]:
    """Sits idle in the unit's transaction for CALL_S (the outside call), then reads in it."""
    with unit as session:
        time.sleep(CALL_S)
        row = session.execute(
            text(
                "select current_user, current_setting('idle_in_transaction_session_timeout'),"
                " coalesce(current_setting('transaction_timeout', true), 'none')"
            )
        ).one()
    return row[0], row[1], row[2]


@pytest.mark.parametrize("login", ["administrative", "own"])
def test_a_guard_outlives_the_servers_idle_in_transaction_limit(db, make_user, superuser, login):
    acting = acting_as(db, make_user, superuser, login, "idle_in_transaction_session_timeout")
    role, idle, _ = idle_then_query(orm_guard_unit_of_work(acting))
    assert (role, idle) == (acting.actor.role_name, "0")
    # The limit is real: a plain unit of work is ended under it, said as a lost connection (exit 7).
    with pytest.raises(DatabaseUnavailable, match="^lost the database connection: .*idle-in-transaction timeout"):
        idle_then_query(orm_unit_of_work(acting))


@pytest.mark.parametrize("login", ["administrative", "own"])
def test_a_guard_outlives_the_servers_transaction_limit_where_there_is_one(db, make_user, superuser, login):
    """transaction_timeout exists from PostgreSQL 17 on; an older server has none to turn off, and
    the guard must not name it there (an unknown setting would fail its first statement)."""
    if superuser.info.server_version < 170000:
        acting = ActingUser(db, make_user())
        assert idle_then_query(orm_guard_unit_of_work(acting)) == (acting.actor.role_name, "0", "none")
        return
    acting = acting_as(db, make_user, superuser, login, "transaction_timeout")
    assert idle_then_query(orm_guard_unit_of_work(acting)) == (acting.actor.role_name, "0", "0")
    with pytest.raises(DatabaseUnavailable, match="^lost the database connection: .*transaction timeout"):
        idle_then_query(orm_unit_of_work(acting))
