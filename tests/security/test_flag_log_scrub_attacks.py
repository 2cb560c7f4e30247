"""0121's scrub of the flag audit log runs only as the trigger of an account's deletion: no
account (author or admin) calls its functions, or rewrites the log's states, itself."""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction

ATTACKS = [
    "select internal.flag_state_without_account('{\"created_by\": null}'::jsonb, gen_random_uuid())",
    "select internal.forget_account_in_flag_logs()",
    "update public.feature_flag_logs set previous_state = null",
    "update public.feature_flag_logs set new_state = '{}'::jsonb",
]


@pytest.mark.parametrize("admin", [False, True], ids=["author", "admin"])
@pytest.mark.parametrize("statement", ATTACKS)
def test_no_account_scrubs_or_rewrites_the_flag_audit_log(db, make_user, superuser, admin, statement):
    actor = make_user(admin=admin)
    superuser.execute("insert into feature_flags (name) values ('audited')")
    before = superuser.execute("select previous_state, new_state from feature_flag_logs order by id").fetchall()
    with db.connect() as conn, pytest.raises(psycopg.Error) as caught:
        with acting_transaction(conn, actor.role_name):
            conn.execute(statement)
    assert isinstance(caught.value, psycopg.errors.InsufficientPrivilege)
    assert superuser.execute("select previous_state, new_state from feature_flag_logs order by id").fetchall() == before
