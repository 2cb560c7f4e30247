"""SQLModel sessions run only inside a unit of work, as the actor, under RLS."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.orm import driver_connection, orm_unit_of_work
from blogster_cli.errors import Conflict
from blogster_cli.models.calendar import ContentCalendar

PACKAGE = Path(__file__).resolve().parents[2] / "blogster_cli"


def test_a_session_acts_as_the_actor_and_sees_only_its_rows(db, make_user):
    alice, bob = make_user(), make_user()
    with orm_unit_of_work(ActingUser(db, alice)) as session:
        session.add(ContentCalendar(title="Alice's plan", scheduled_date=dt.date(2026, 12, 1)))
        role = driver_connection(session).execute("select current_user").fetchone()
    assert role == (alice.role_name,)
    with orm_unit_of_work(ActingUser(db, bob)) as session:
        assert session.exec(_calendar_titles()).all() == []
    with orm_unit_of_work(ActingUser(db, alice)) as session:
        rows = session.exec(_calendar_titles()).all()
    assert rows == ["Alice's plan"]


def test_an_error_rolls_the_whole_unit_back(db, make_user, superuser):
    alice = make_user()
    with pytest.raises(RuntimeError), orm_unit_of_work(ActingUser(db, alice)) as session:
        session.add(ContentCalendar(title="never stored"))
        session.flush()
        raise RuntimeError("boom")
    assert superuser.execute("select count(*) from public.content_calendar").fetchone() == (0,)


def test_driver_errors_are_translated(db, make_user):
    alice = make_user()
    with pytest.raises(Conflict), orm_unit_of_work(ActingUser(db, alice)) as session:
        conn = driver_connection(session)
        conn.execute("insert into public.blogs (title, slug, content) values ('A', 'same', '{}')")
        conn.execute("insert into public.blogs (title, slug, content) values ('B', 'same', '{}')")


def test_after_the_unit_the_pooled_connection_is_back_to_its_login(db, make_user):
    from blogster_cli.db.orm import engine_for

    alice = make_user()
    with orm_unit_of_work(ActingUser(db, alice)):
        pass
    with engine_for(db).connect() as connection:
        current, session_user = connection.exec_driver_sql("select current_user, session_user").one()
    assert current == session_user != alice.role_name


def test_no_engine_or_session_is_made_outside_the_orm_unit_of_work():
    """Only db/orm.py may create an engine or a Session: every other one would run on the login role."""
    pattern = re.compile(r"\b(create_engine|Session)\s*\(")
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name != "orm.py" and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def _calendar_titles():
    from sqlmodel import select

    return select(ContentCalendar.title)


def test_a_unit_of_work_begins_and_switches_role_in_one_round_trip(db, make_user, tmp_path):
    """Each round trip costs a generation or a search its share of milliseconds: psycopg's own
    BEGIN, sent before the role switch, was one more per unit of work."""
    alice = make_user()
    acting = ActingUser(db, alice)
    with orm_unit_of_work(acting) as session:  # the pooled connection exists from here on
        raw = driver_connection(session)
    trace = tmp_path / "libpq.trace"
    with trace.open("w") as sink:
        raw.pgconn.trace(sink.fileno())
        try:
            with orm_unit_of_work(acting) as session:
                session.exec(_calendar_titles()).all()
        finally:
            raw.pgconn.untrace()
    sent = [line for line in trace.read_text().splitlines() if "\tF\t" in line and ("Query" in line or "Parse" in line)]
    assert len(sent) == 3, sent  # begin + switch, the select, commit
    assert "begin; set local role" in sent[0]


def test_the_service_unit_of_work_acts_as_service_role_across_accounts(db, make_user):
    """serve-workers' Session: service_role for the transaction (every account's rows), then the login again."""
    from sqlmodel import select

    from blogster_cli.db.orm import engine_for, orm_service_unit_of_work

    alice, bob = make_user(), make_user()
    for user in (alice, bob):
        with orm_unit_of_work(ActingUser(db, user)) as session:
            session.add(ContentCalendar(title=f"plan of {user.email}"))
    with orm_service_unit_of_work(db) as session:
        role = driver_connection(session).execute("select current_user").fetchone()
        titles = set(session.exec(select(ContentCalendar.title)).all())
    assert role == ("service_role",)
    assert titles == {f"plan of {alice.email}", f"plan of {bob.email}"}
    with engine_for(db).connect() as connection:
        current, session_user = connection.exec_driver_sql("select current_user, session_user").one()
    assert current == session_user != "service_role"
