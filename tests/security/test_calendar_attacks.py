"""A second user attacks content_calendar (and the columns 0070 added) by raw SQL as their role and via the CLI."""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import PASSWORD

cli = cli_fixtures.cli  # the CLI runner fixture, as tests/cli uses it


@pytest.fixture
def alice_entry(db, make_user, superuser):
    alice, bob = make_user(), make_user()
    (blog_id,) = superuser.execute(
        "insert into public.blogs (title, slug, author_id) values ('A post', 'a-post', %s) returning id",
        (alice.user_id,),
    ).fetchone()
    (entry_id, uid) = superuser.execute(
        "insert into public.content_calendar (user_id, title, scheduled_date, blog_id)"
        " values (%s, 'Secret plan', '2026-12-07', %s) returning id, uid",
        (alice.user_id, blog_id),
    ).fetchone()
    return alice, bob, blog_id, entry_id, uid


def snapshot(superuser):
    return superuser.execute("select id, user_id, title, status, sequence, uid from public.content_calendar").fetchall()


def as_role(db, actor, statement, params=()):
    with db.connect() as conn, acting_transaction(conn, actor.role_name):
        return conn.execute(statement, params)


def test_bob_cannot_read_change_steal_or_delete_alices_entries_by_sql(db, superuser, alice_entry):
    alice, bob, blog_id, entry_id, uid = alice_entry
    before = snapshot(superuser)
    with db.connect() as conn, acting_transaction(conn, bob.role_name):
        assert conn.execute("select count(*) from public.content_calendar").fetchone() == (0,)
        assert conn.execute("select count(*) from public.content_calendar where uid = %s", (uid,)).fetchone() == (0,)
        assert conn.execute("update public.content_calendar set title = 'x', timezone = 'UTC'").rowcount == 0
        assert (
            conn.execute(
                "select public.delete_rows('public.content_calendar', array[%s]::uuid[])", (entry_id,)
            ).fetchall()
            == []
        )
    for statement, params in [
        ("delete from public.content_calendar", ()),  # no table-level DELETE
        ("update public.content_calendar set sequence = 0, uid = 'x'", ()),  # the trigger's columns
        ("insert into public.content_calendar (user_id, title) values (%s, 'planted')", (alice.user_id,)),
        ("insert into public.content_calendar (title, blog_id) values ('mine on her post', %s)", (blog_id,)),
    ]:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_role(db, bob, statement, params)
    # Bob may use Alice's UID for his own entry: UIDs are unique per owner, and hers is untouched.
    as_role(db, bob, "insert into public.content_calendar (title, uid) values ('mine', %s)", (uid,))
    assert [r for r in snapshot(superuser) if r[1] == alice.user_id] == before
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # moving his row to Alice
        as_role(db, bob, "update public.content_calendar set user_id = %s", (alice.user_id,))


def test_bob_cannot_read_alices_analytics_for_suggestions(db, superuser, alice_entry):
    alice, bob, blog_id, _, _ = alice_entry
    superuser.execute(
        "insert into public.blog_analytics (blog_id, date, views, views_by_hour) values (%s, current_date, 5, %s)",
        (blog_id, [1] * 24),
    )
    assert as_role(db, bob, "select count(*) from public.blog_analytics").fetchone() == (0,)
    # Accounts write their own days' hours since 0133 (analytics ingest): never another's.
    assert as_role(db, bob, "update public.blog_analytics set views_by_hour = null").rowcount == 0
    assert superuser.execute("select views_by_hour from public.blog_analytics").fetchall() == [([1] * 24,)]
    with pytest.raises(psycopg.errors.CheckViolation):
        superuser.execute("update public.blog_analytics set views_by_hour = array[1, 2]")


def test_bob_cannot_reach_alices_entries_through_the_cli(cli, superuser, tmp_path):
    assert (
        cli("auth", "signup", "--email", "alice@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    )
    added = cli("calendar", "add", "Secret plan", "--date", "2026-12-07", "--json").json()
    exported = tmp_path / "alice.ics"
    assert cli("calendar", "export", "--ics", str(exported)).exit_code == 0
    assert cli("auth", "logout").exit_code == 0
    assert cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    before = snapshot(superuser)
    for args in (("move", added["id"], "--date", "2027-01-01"), ("done", added["id"]), ("rm", added["uid"])):
        result = cli("calendar", *args)
        assert result.exit_code == 3 and "Secret plan" not in result.stderr, args
    assert cli("calendar", "list", "--json").json() == []
    assert "Secret plan" not in cli("calendar", "month", "2026-12").stdout
    mine = tmp_path / "bob.ics"
    assert cli("calendar", "export", "--ics", str(mine)).exit_code == 0 and b"Secret plan" not in mine.read_bytes()
    # Importing Alice's file gives Bob his own copy; hers keeps its title, status and sequence.
    assert cli("calendar", "import", "--ics", str(exported), "--json").json()["created"] == 1
    after = snapshot(superuser)
    assert [r for r in after if r[0] == added["id"] or str(r[0]) == added["id"]] == [
        r for r in before if str(r[0]) == added["id"]
    ]
    assert len(after) == 2
    assert cli("calendar", "run-due", "--json").json()["calendar_marked"] == 0
