"""An account's deletion says so in the feature-flag log (0159, h293 M7): the entry of each change
it makes names the reason, who deleted the account (an administrator; nobody when it deleted
itself) and the flag as it was, with the account written "deleted account", so a `user_ids` flag
switched off by the deletion shows why. No spelling of the id stays in the log (0121)."""

from __future__ import annotations

from psycopg.types.json import Jsonb

from blogster_cli.actors import ActingUser
from blogster_cli.context import AppContext
from blogster_cli.db.acting import acting_transaction
from blogster_cli.services import accounts, flags


def with_context(db, action) -> None:
    ctx = AppContext(database_url=db.conninfo)
    try:
        action(ctx)
    finally:
        ctx.database.close()


def add_flag(superuser, name: str, strategy: str, conditions: dict) -> None:
    superuser.execute(
        "insert into public.feature_flags (name, enabled, strategy, conditions) values (%s, true, %s, %s)",
        (name, strategy, Jsonb(conditions)),
    )


def entries(superuser, name: str) -> list[tuple]:
    return superuser.execute(
        "select previous_state, new_state, changed_by, reason from public.feature_flag_logs"
        " where coalesce(new_state, previous_state) ->> 'name' = %s order by created_at, id",
        (name,),
    ).fetchall()


def mentioning(superuser, account_id) -> int:
    return superuser.execute(
        "select count(*) from feature_flag_logs where replace(lower(to_jsonb(feature_flag_logs)::text), '-', '') ~ %s",
        (account_id.hex,),
    ).fetchone()[0]


def test_an_administrators_deletion_is_named_with_the_flag_it_switched_off(db, make_user, superuser):
    bob, carol, admin = make_user(), make_user(), make_user(admin=True)
    add_flag(superuser, "only-bob", "user_ids", {"user_ids": [str(bob.user_id)]})
    add_flag(superuser, "both", "user_ids", {"user_ids": [str(carol.user_id), str(bob.user_id).upper()]})
    add_flag(superuser, "by-when", "all", {"when": {"attr": "user_id", "eq": str(bob.user_id)}})
    add_flag(superuser, "carol", "user_ids", {"user_ids": [str(carol.user_id)]})

    with_context(db, lambda ctx: accounts.purge_user(ActingUser(ctx.database, admin), ctx=ctx, email=bob.email))

    *_, (previous, new, changed_by, reason) = entries(superuser, "only-bob")
    assert (reason, changed_by) == ("account deleted", admin.user_id)
    assert (previous["enabled"], previous["conditions"]) == (True, {"user_ids": ["deleted account"]})
    assert (new["enabled"], new["conditions"]) == (False, {"user_ids": []})
    *_, (previous, new, changed_by, reason) = entries(superuser, "both")
    assert (reason, changed_by) == ("account deleted", admin.user_id)
    assert previous["conditions"] == {"user_ids": [str(carol.user_id), "deleted account"]}
    assert new["conditions"] == {"user_ids": [str(carol.user_id)]} and new["enabled"]
    *_, (previous, new, changed_by, reason) = entries(superuser, "by-when")
    assert reason == "account deleted"
    assert previous["conditions"] == {"when": {"attr": "user_id", "eq": "deleted account"}}
    assert new["conditions"] == {"when": {"attr": "user_id", "in": []}}
    assert [e[3] for e in entries(superuser, "carol")] == [None]  # untouched: only its creation
    assert mentioning(superuser, bob.user_id) == 0
    # `flags log` says it: the reason, and the administrator by email
    logged = flags.audit_log(ActingUser(db, admin), limit=None)
    switched_off = next(e for e in logged if e.flag == "only-bob" and e.action == "updated")
    assert (switched_off.reason, switched_off.changed_by_email) == ("account deleted", admin.email)


def test_an_account_deleting_itself_is_named_by_no_id(db, make_user, superuser):
    creator, bob = make_user(admin=True), make_user()
    conn = db.connect()
    try:
        with acting_transaction(conn, creator.role_name):
            conn.execute(
                "insert into feature_flags (name, enabled, strategy, conditions)"
                " values ('beta', true, 'user_ids', jsonb_build_object('user_ids', jsonb_build_array(%s::text)))",
                (str(bob.user_id),),
            )
    finally:
        conn.close()

    def delete_itself(ctx, actor):
        assert accounts.delete_own_account(ActingUser(ctx.database, actor), ctx=ctx) == "deleted"

    with_context(db, lambda ctx: delete_itself(ctx, bob))
    created, (previous, new, changed_by, reason) = entries(superuser, "beta")
    assert created[3] is None and created[2] == creator.user_id
    assert (reason, changed_by) == ("account deleted", None)
    assert (previous["enabled"], previous["conditions"]["user_ids"]) == (True, ["deleted account"])
    assert (new["enabled"], new["conditions"]["user_ids"]) == (False, [])

    # The flag's creator deleting itself: its credit on the flag goes, and the entry says why.
    with_context(db, lambda ctx: delete_itself(ctx, creator))
    *_, (previous, new, changed_by, reason) = entries(superuser, "beta")
    assert (reason, changed_by) == ("account deleted", None)
    assert (previous["created_by"], new["created_by"]) == ("deleted account", None)
    assert mentioning(superuser, bob.user_id) == 0 and mentioning(superuser, creator.user_id) == 0


def test_a_raw_deletion_on_the_administrative_login_is_named_too_and_the_naming_ends_with_it(db, make_user, superuser):
    bob = make_user()
    add_flag(superuser, "only-bob", "user_ids", {"user_ids": [str(bob.user_id)]})
    with superuser.transaction():
        superuser.execute("delete from auth.users where id = %s", (bob.user_id,))
        superuser.execute("update public.feature_flags set description = 'later' where name = 'only-bob'")
    # one transaction, one created_at: told apart by what each changed
    (deletion,) = [e for e in entries(superuser, "only-bob") if e[0] and e[1]["description"] is None]
    (later,) = [e for e in entries(superuser, "only-bob") if e[1]["description"] == "later"]
    assert (deletion[3], deletion[2]) == ("account deleted", None)
    assert deletion[0]["conditions"] == {"user_ids": ["deleted account"]}
    assert later[3] is None and later[1]["description"] == "later"  # after the deletion: no part of it


def test_the_older_entries_name_the_deleted_account_as_its_deletions_entry_does(db, make_user, superuser):
    """New-user walk #6: 0121 took the id out of the older entries, so a `user_ids` flag's creation
    showed `user_ids: []` (a rule the CLI refuses) and its creator as nobody; they now say "deleted
    account" as the deletion's entry does (0173), and still hold no spelling of the id."""
    creator, bob, carol = make_user(admin=True), make_user(), make_user()
    conn = db.connect()
    try:
        with acting_transaction(conn, creator.role_name):
            conn.execute(
                "insert into feature_flags (name, strategy, conditions) values ('beta', 'user_ids', %s)",
                (Jsonb({"user_ids": [str(carol.user_id), str(bob.user_id).upper()],
                        "when": {"not": {"attr": "user_id", "eq": f"urn:uuid:{bob.user_id}"}}}),),
            )  # fmt: skip
        with acting_transaction(conn, creator.role_name):  # a later transaction: a later entry
            conn.execute("update feature_flags set enabled = true where name = 'beta'")
    finally:
        conn.close()
    named = {"user_ids": [str(carol.user_id), "deleted account"],
             "when": {"not": {"attr": "user_id", "eq": "deleted account"}}}  # fmt: skip

    with_context(db, lambda ctx: accounts.purge_user(ActingUser(ctx.database, creator), ctx=ctx, email=bob.email))
    (_, created, *_), (enabled_before, enabled, *_), *_ = entries(superuser, "beta")
    assert created["conditions"] == enabled_before["conditions"] == enabled["conditions"] == named
    assert created["created_by"] == str(creator.user_id)

    with_context(db, lambda ctx: accounts.delete_own_account(ActingUser(ctx.database, creator), ctx=ctx))
    (_, created, *_), (enabled_before, enabled, *_), *_ = entries(superuser, "beta")
    assert created["created_by"] == enabled_before["created_by"] == enabled["created_by"] == "deleted account"
    assert created["conditions"] == named
    assert mentioning(superuser, bob.user_id) == 0 and mentioning(superuser, creator.user_id) == 0
