"""Another account against `newsletter unschedule` and `newsletter rm`: Bob can neither take Ada's
scheduled newsletter off its schedule nor delete it, by raw SQL as his role nor through the CLI (by
its id or its first characters: exit 3, as for a newsletter that does not exist), and cannot hold
her newsletter locked so that her own `unschedule` or `rm` is refused as "being sent right now"."""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import error_message
from tests.cli.test_newsletter_worker_red_team_cli import due_newsletter, sign_up_bob

cli = cli_fixtures.cli  # the CLI runner fixture, as tests/cli uses it
signed_up = cli_fixtures.signed_up
BOB = ("--profile", "bob")


@pytest.fixture
def adas_due_newsletter(cli, signed_up, tmp_path, superuser):
    """(Ada's scheduled newsletter's id, Bob's role): Bob signed up on the same database."""
    newsletter_id = due_newsletter(cli, tmp_path, profile="ada", readers=["reader@example.com"])
    sign_up_bob(cli)
    (bob_role,) = superuser.execute("select role_name from auth.users where email = 'bob@example.com'").fetchone()
    return newsletter_id, bob_role


def adas_row(superuser, newsletter_id):
    return superuser.execute(
        "select to_jsonb(n)::text from public.email_newsletters n where id = %s", (newsletter_id,)
    ).fetchone()


def as_bob(db, bob_role, statement, params=()):
    with db.connect() as conn, acting_transaction(conn, bob_role):
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def test_bob_cannot_unschedule_or_delete_adas_newsletter_by_sql(db, superuser, adas_due_newsletter):
    newsletter_id, bob_role = adas_due_newsletter
    before = adas_row(superuser, newsletter_id)
    assert as_bob(db, bob_role, "select public.delete_rows('public.email_newsletters', array[%s::uuid])",
                  (newsletter_id,)) == []  # fmt: skip
    for statement in (
        "update public.email_newsletters set status = 'draft', scheduled_time = null where id = %s",
        "update public.email_newsletters set scheduled_time = '2999-01-01' where id = %s",
    ):
        assert as_bob(db, bob_role, statement, (newsletter_id,)) == 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # no table-level DELETE for accounts
        as_bob(db, bob_role, "delete from public.email_newsletters where id = %s", (newsletter_id,))
    assert adas_row(superuser, newsletter_id) == before


@pytest.mark.parametrize("ref_length", [36, 8])
def test_bob_cannot_unschedule_or_delete_adas_newsletter_through_the_cli(
    cli, superuser, adas_due_newsletter, ref_length
):
    newsletter_id, _ = adas_due_newsletter
    before = adas_row(superuser, newsletter_id)
    ref = newsletter_id[:ref_length]
    for command in (("unschedule", ref), ("rm", ref, "--yes"), ("rm", ref, "--yes", "--json")):
        refused = cli(*BOB, "newsletter", *command)
        assert "no newsletter" in error_message(refused, 3) and refused.stdout == ""
        assert "This week" not in refused.stderr  # nothing of hers is shown
    assert adas_row(superuser, newsletter_id) == before


def test_bob_cannot_hold_adas_newsletter_busy(cli, db, superuser, adas_due_newsletter):
    """A lock on her row would make her `unschedule` and `rm` refuse it as being sent: RLS hides the
    row from his FOR UPDATE, so there is nothing for him to lock."""
    newsletter_id, bob_role = adas_due_newsletter
    with db.connect() as conn, acting_transaction(conn, bob_role):
        for lock in ("for no key update", "for update", "for share", "for key share"):
            query = f"select id from public.email_newsletters where id = %s {lock}"
            assert conn.execute(query, (newsletter_id,)).fetchall() == []
        unscheduled = cli("newsletter", "unschedule", newsletter_id)  # Bob's transaction still open
        assert unscheduled.exit_code == 0, unscheduled.stderr
        removed = cli("newsletter", "rm", newsletter_id, "--yes")
        assert removed.exit_code == 0, removed.stderr
    assert adas_row(superuser, newsletter_id) is None
