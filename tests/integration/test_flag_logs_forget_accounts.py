"""`account delete` leaves no mention of the account in the feature-flag audit log (0121): the
rules and created_by its older entries hold lose the id, as the rules themselves do (0118)."""

from __future__ import annotations

from blogster_cli.actors import ActingUser
from blogster_cli.context import AppContext
from blogster_cli.db.acting import acting_transaction
from blogster_cli.services import accounts


def delete_account(db, actor) -> None:
    ctx = AppContext(database_url=db.conninfo)
    try:
        assert accounts.delete_own_account(ActingUser(ctx.database, actor), ctx=ctx) == "deleted"
    finally:
        ctx.database.close()


def odd_dashes(account_id) -> str:
    """The id as check_rule still reads it: dashes where a UUID has none (red team 24)."""
    hexed = account_id.hex
    return f"{hexed[:2]}-{hexed[2:7]}-{hexed[7:]}"


def mentioning(superuser, account_id) -> int:
    return superuser.execute(
        "select count(*) from feature_flag_logs where replace(lower(to_jsonb(feature_flag_logs)::text), '-', '') ~ %s",
        (account_id.hex,),  # any spelling: dashes anywhere, any case
    ).fetchone()[0]


def test_deleted_accounts_leave_the_flag_audit_log_and_the_trail_stays(db, make_user, superuser):
    keeper, creator, bob, carol = make_user(admin=True), make_user(admin=True), make_user(), make_user()
    conn = db.connect()
    try:
        with acting_transaction(conn, creator.role_name):
            conn.execute(
                "insert into feature_flags (name, enabled, strategy, conditions) values"
                " ('beta', true, 'user_ids', jsonb_build_object('user_ids', jsonb_build_array(%s::text, %s::text))),"
                " ('gamma', true, 'all', jsonb_build_object('when', jsonb_build_object('attr', 'user_id', 'eq', %s::text)))",
                (odd_dashes(bob.user_id), str(carol.user_id), "{" + bob.user_id.hex.upper() + "}"),
            )
        with acting_transaction(conn, keeper.role_name):
            conn.execute("update feature_flags set rollout_percentage = 50")
    finally:
        conn.close()
    assert mentioning(superuser, bob.user_id) == 4  # created and updated, both flags
    trail = superuser.execute("select id, action from feature_flag_logs order by created_at, id").fetchall()

    delete_account(db, bob)
    delete_account(db, creator)

    assert mentioning(superuser, bob.user_id) == 0
    assert mentioning(superuser, creator.user_id) == 0
    assert mentioning(superuser, carol.user_id) > 0  # others named in the rules stay named
    after = superuser.execute("select id, action from feature_flag_logs order by created_at, id").fetchall()
    assert after[: len(trail)] == trail  # every entry kept, in order; the deletions' own come after
    beta = superuser.execute(
        "select new_state -> 'conditions' -> 'user_ids', new_state -> 'created_by' from feature_flag_logs"
        " where action = 'created' and new_state ->> 'name' = 'beta'"
    ).fetchone()
    # Named as the deletion's own entry names it (0173; 0121 took the id out, leaving a rule the CLI refuses).
    assert beta == (["deleted account", str(carol.user_id)], "deleted account")
