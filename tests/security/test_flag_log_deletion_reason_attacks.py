"""0159's "account deleted" entries of the flag log are written only by an account's deletion on
the administrative login: no account (author or admin, on the shared login or its own, SET ROLE
blogster_admin included) writes a reason, calls the functions that name the deletion, or makes
its own change read as a deletion's (naming another account as deleted and another as deleting)."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from blogster_cli.db.acting import acting_transaction

LOGIN_PASSWORD = "login-pass-for-tests"

ATTACKS = [
    "update public.feature_flag_logs set reason = null",
    "insert into public.feature_flag_logs (action, reason) values ('updated', 'account deleted')",
    "select internal.account_being_deleted()",
    "select internal.account_deleted_by(gen_random_uuid())",
    "select internal.jsonb_marking_account('\"x\"'::jsonb, gen_random_uuid())",
    "select internal.flag_state_marking_account('{}'::jsonb, gen_random_uuid())",
    "select internal.note_account_deletion()",
]


@pytest.mark.parametrize("admin", [False, True], ids=["author", "admin"])
@pytest.mark.parametrize("statement", ATTACKS)
def test_no_account_writes_a_reason_or_names_a_deletion(db, make_user, superuser, admin, statement):
    actor = make_user(admin=admin)
    superuser.execute("insert into feature_flags (name) values ('audited')")
    before = superuser.execute("select to_jsonb(l) from feature_flag_logs l order by id").fetchall()
    with db.connect() as conn, pytest.raises(psycopg.Error) as caught:
        with acting_transaction(conn, actor.role_name):
            conn.execute(statement)
    assert isinstance(caught.value, psycopg.errors.InsufficientPrivilege)
    assert superuser.execute("select to_jsonb(l) from feature_flag_logs l order by id").fetchall() == before


FORGE = (
    "select set_config('blogster.deleting_account', %(victim)s, true),"
    " set_config('blogster.account_deleted_by', %(framed)s, true)"
)


def last_entry(superuser) -> tuple:
    return superuser.execute(
        "select changed_by, reason, previous_state -> 'conditions' from feature_flag_logs"
        " order by created_at desc, id desc limit 1"
    ).fetchone()


def test_an_administrator_cannot_make_a_change_read_as_an_accounts_deletion(db, make_user, superuser):
    admin, victim, framed = make_user(admin=True), make_user(), make_user(admin=True)
    names = {"victim": str(victim.user_id), "framed": str(framed.user_id)}
    superuser.execute(
        "insert into feature_flags (name, enabled, strategy, conditions)"
        " values ('beta', true, 'user_ids', jsonb_build_object('user_ids', jsonb_build_array(%s::text)))",
        (names["victim"],),
    )
    with db.connect() as conn, acting_transaction(conn, admin.role_name):
        conn.execute(FORGE, names)
        conn.execute("update feature_flags set enabled = false where name = 'beta'")
    assert last_entry(superuser) == (admin.user_id, None, {"user_ids": [names["victim"]]})


def test_nor_on_its_own_login_as_the_admin_group(db, make_user, superuser):
    admin = make_user(admin=True, login_password=LOGIN_PASSWORD)
    victim, framed = make_user(), make_user(admin=True)
    names = {"victim": str(victim.user_id), "framed": str(framed.user_id)}
    superuser.execute(
        "insert into feature_flags (name, enabled, strategy, conditions)"
        " values ('beta', true, 'user_ids', jsonb_build_object('user_ids', jsonb_build_array(%s::text)))",
        (names["victim"],),
    )
    conninfo = make_conninfo(db.conninfo, user=admin.role_name, password=LOGIN_PASSWORD)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        with conn.transaction():
            conn.execute(FORGE, names)
            conn.execute("update feature_flags set enabled = false where name = 'beta'")
        assert last_entry(superuser) == (admin.user_id, None, {"user_ids": [names["victim"]]})
        with conn.transaction():
            conn.execute("set local role blogster_admin")  # nobody by auth.uid(), but on its own login
            conn.execute(FORGE, names)
            assert conn.execute("update feature_flags set enabled = true").rowcount == 1  # it may: 0004
    assert superuser.execute("select count(*) from feature_flag_logs where reason is not null").fetchone() == (0,)
