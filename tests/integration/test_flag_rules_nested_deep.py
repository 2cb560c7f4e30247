"""0163: a flag whose conditions nest deep (raw SQL only: the CLI refuses more than 16 levels)
never keeps an account from being deleted (h305 F4). 0159's marking of the log's entry recursed
once per JSON level and 0118's taking of the id out of a `when` once per `not`/`all`/`any`: at
1,000 levels both ran out of stack, so `admin users purge` and `account delete` failed. The id
still leaves the flag at any depth, and the entry still names the deletion."""

from __future__ import annotations

import json

from psycopg.types.json import Jsonb

from blogster_cli.actors import ActingUser
from blogster_cli.context import AppContext
from blogster_cli.services import accounts
from tests.integration.test_flag_log_account_deletions import mentioning, with_context

# The deletion's entry of a flag, read in SQL: Python's json reads 1,000 levels as too deep.
DELETION_ENTRY = (
    "select {} from feature_flag_logs l join feature_flags f on f.id = l.flag_id"
    " where f.name = %s and l.reason = 'account deleted'"
)


def nested_nots(depth: int, leaf: dict) -> str:
    return '{"not": ' * depth + json.dumps(leaf) + "}" * depth


def test_an_administrator_purges_an_account_a_deep_flag_names(db, make_user, superuser):
    bob, admin = make_user(), make_user(admin=True)
    deep_list = "[" * 1_000 + '"x"' + "]" * 1_000  # h305's flag: nothing in it is read
    superuser.execute(
        "insert into public.feature_flags (name, enabled, strategy, conditions) values ('deep', true, 'user_ids', %s::jsonb)",
        (f'{{"user_ids": ["{bob.user_id}"], "extra": {deep_list}}}',),
    )
    with_context(db, lambda ctx: accounts.purge_user(ActingUser(ctx.database, admin), ctx=ctx, email=bob.email))

    entry = DELETION_ENTRY.format(
        "l.changed_by, l.previous_state #> '{conditions,user_ids}', l.new_state #> '{conditions,user_ids}',"
        " l.new_state -> 'enabled', l.previous_state #> '{conditions,extra}' = %s::jsonb,"
        " l.new_state #> '{conditions,extra}' = %s::jsonb"
    )
    assert superuser.execute(entry, (deep_list, deep_list, "deep")).fetchall() == [
        (admin.user_id, ["deleted account"], [], False, True, True)
    ]
    assert mentioning(superuser, bob.user_id) == 0


def test_an_account_deletes_itself_out_of_a_deep_when(db, make_user, superuser):
    bob, carol = make_user(), make_user()
    any_of = {"any": [{"attr": "user_id", "eq": str(bob.user_id)},
                      {"attr": "user_id", "in": [str(carol.user_id), str(bob.user_id).upper()]}]}  # fmt: skip
    superuser.execute(
        "insert into public.feature_flags (name, enabled, strategy, conditions) values ('deep-when', true, 'all', %s::jsonb)",
        (f'{{"when": {nested_nots(1_000, any_of)}}}',),
    )
    ctx = AppContext(database_url=db.conninfo)
    try:
        assert accounts.delete_own_account(ActingUser(ctx.database, bob), ctx=ctx) == "deleted"
    finally:
        ctx.database.close()

    innermost = "conditions #> ('{when}'::text[] || array_fill('not'::text, array[1000]))"
    (rule,) = superuser.execute(f"select {innermost} from feature_flags where name = 'deep-when'").fetchone()
    assert rule == {"any": [{"attr": "user_id", "in": []}, {"attr": "user_id", "in": [str(carol.user_id)]}]}
    logged = DELETION_ENTRY.format("l.changed_by, l.new_state -> 'conditions' = f.conditions")
    assert superuser.execute(logged, ("deep-when",)).fetchall() == [(None, True)]
    assert mentioning(superuser, bob.user_id) == 0
    assert superuser.execute("select count(*) from feature_flags where conditions::text ilike %s",
                             (f"%{bob.user_id}%",)).fetchone() == (0,)  # fmt: skip


def test_the_rules_lose_the_id_as_0118_took_it_out_at_any_depth(superuser):
    account = "3f2a8c1e-5b7d-4e9a-8c3f-1a2b3c4d5e6f"
    leaf = {"all": [{"attr": "user_id", "eq": f"urn:uuid:{account.upper()}", "note": [[["kept"]]]},
                    {"attr": "email_domain", "eq": account},
                    {"attr": "user_id", "in": [f"{{{account}}}", "other"]}]}  # fmt: skip
    expected = {"all": [{"attr": "user_id", "in": [], "note": [[["kept"]]]},
                        {"attr": "email_domain", "eq": account},
                        {"attr": "user_id", "in": ["other"]}]}  # fmt: skip
    for depth in (0, 1, 499, 500, 501, 5_000):
        same = superuser.execute(
            "select internal.condition_without_account(%s::jsonb, %s) = %s::jsonb",
            (nested_nots(depth, leaf), account, nested_nots(depth, expected)),
        ).fetchone()
        assert same == (True,), depth
    # the marking of the log's states, shallow, as 0159's
    (marked,) = superuser.execute(
        "select internal.jsonb_marking_account(%s, %s)", (Jsonb({"when": leaf, "user_ids": [account, "x"]}), account)
    ).fetchone()
    assert marked == {"when": {"all": [{"attr": "user_id", "eq": "deleted account", "note": [[["kept"]]]},
                                       {"attr": "email_domain", "eq": "deleted account"},
                                       {"attr": "user_id", "in": ["deleted account", "other"]}]},
                      "user_ids": ["deleted account", "x"]}  # fmt: skip
