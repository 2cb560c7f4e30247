"""`public.account_emails(ids)` (0137, for `flags log`): administrators read any account's email,
which `admin users list` shows them anyway; every other account only its own, however it asks."""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction


def emails(conn, role_name, ids):
    with acting_transaction(conn, role_name):
        return dict(conn.execute("select id, email from public.account_emails(%s::uuid[])", (ids,)).fetchall())


def test_an_administrator_reads_the_emails_asked_for(superuser, make_user):
    admin, ada, bob = make_user("root@example.com", admin=True), make_user("ada@example.com"), make_user()
    found = emails(superuser, f"u_{admin.user_id.hex}", [ada.user_id, admin.user_id])
    assert found == {ada.user_id: "ada@example.com", admin.user_id: "root@example.com"}
    assert bob.user_id not in found  # only the ids asked about
    superuser.execute("update auth.users set deleted_at = now() where id = %s", (ada.user_id,))
    assert emails(superuser, f"u_{admin.user_id.hex}", [ada.user_id]) == {ada.user_id: "ada@example.com"}


def test_any_other_account_reads_its_own_email_only(superuser, make_user):
    ada, bob = make_user("ada@example.com"), make_user("bob@example.com")
    assert emails(superuser, f"u_{ada.user_id.hex}", [ada.user_id, bob.user_id]) == {ada.user_id: "ada@example.com"}
    everyone = [row[0] for row in superuser.execute("select id from auth.users").fetchall()]
    assert emails(superuser, f"u_{bob.user_id.hex}", everyone) == {bob.user_id: "bob@example.com"}


def test_a_deleted_administrator_or_a_role_without_an_account_reads_nothing(superuser, make_user):
    admin, ada = make_user(admin=True), make_user("ada@example.com")
    superuser.execute("update auth.users set deleted_at = now() where id = %s", (admin.user_id,))
    for role in (f"u_{admin.user_id.hex}", "authenticated"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            emails(superuser, role, [ada.user_id])


@pytest.mark.parametrize("role", ["anon", "service_role"])
def test_roles_that_are_no_account_cannot_call_it(superuser, make_user, role):
    ada = make_user("ada@example.com")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        emails(superuser, role, [ada.user_id])
