"""Monthly partitions of user_notifications and chatbot_messages: pruning, maintenance, and RLS on every partition."""

from __future__ import annotations

import json

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction

PARENTS = ("user_notifications", "chatbot_messages")


def partitions(conn, parent):
    return [
        name
        for (name,) in conn.execute(
            "select c.relname::text from pg_inherits i join pg_class c on c.oid = i.inhrelid"
            " where i.inhparent = %s::regclass order by 1",
            (f"public.{parent}",),
        )
    ]


def month_partition(conn, parent, months_ahead=0):
    return conn.execute(
        "select %s || '_p' || to_char(date_trunc('month', now() at time zone 'UTC') + make_interval(months => %s), 'YYYYMM')",
        (parent, months_ahead),
    ).fetchone()[0]


def scanned_relations(plan):
    found = []
    if "Relation Name" in plan:
        found.append(plan["Relation Name"])
    for child in plan.get("Plans", []):
        found.extend(scanned_relations(child))
    return found


def notify(superuser, user, title, months_ahead=0):
    return superuser.execute(
        "insert into user_notifications (user_id, type, title, created_at) values (%s, 'security', %s,"
        " now() + make_interval(months => %s)) returning id",
        (user.user_id, title, months_ahead),
    ).fetchone()[0]


def test_the_migration_creates_current_and_future_months_and_a_default(superuser):
    for parent in PARENTS:
        names = partitions(superuser, parent)
        expected = {month_partition(superuser, parent, m) for m in range(4)} | {f"{parent}_default"}
        assert expected <= set(names)


def test_pruning_is_visible_in_explain_for_superuser_and_user(db, make_user, superuser):
    alice = make_user()
    month = month_partition(superuser, "user_notifications")
    query = (
        "explain (format json) select id from user_notifications"
        " where created_at >= date_trunc('month', now() at time zone 'UTC') at time zone 'UTC'"
        " and created_at < (date_trunc('month', now() at time zone 'UTC') + interval '1 month') at time zone 'UTC'"
    )
    plan = superuser.execute(query).fetchone()[0][0]["Plan"]
    assert scanned_relations(plan) == [month]
    with db.connect() as conn, acting_transaction(conn, alice.role_name):
        plan = conn.execute(query).fetchone()[0][0]["Plan"]
        assert scanned_relations(plan) == [month]
        # now() is stable, so these bounds prune at executor start-up ("Subplans Removed");
        # constant bounds prune at plan time.
        assert '"Subplans Removed": 4' in json.dumps(plan)
        lower, upper = conn.execute(
            "select date_trunc('month', now() at time zone 'UTC') at time zone 'UTC',"
            " (date_trunc('month', now() at time zone 'UTC') + interval '1 month') at time zone 'UTC'"
        ).fetchone()
        plan = conn.execute(
            "explain (format json) select id from user_notifications where created_at >= %s and created_at < %s",
            (lower, upper),
        ).fetchone()[0][0]["Plan"]
        assert scanned_relations(plan) == [month]
        assert "Subplans Removed" not in json.dumps(plan)


def test_a_user_sees_the_same_rows_through_a_partition_as_through_the_parent(db, make_user, superuser):
    alice, bob = make_user(), make_user()
    mine = {notify(superuser, alice, "a1"), notify(superuser, alice, "a2")}
    notify(superuser, bob, "b1")
    month = month_partition(superuser, "user_notifications")
    with db.connect() as conn, acting_transaction(conn, alice.role_name):
        through_parent = {r[0] for r in conn.execute("select id from user_notifications")}
        through_partition = {r[0] for r in conn.execute(f"select id from {month}")}
        assert conn.execute(f"update {month} set read = true").rowcount == 2
    assert through_parent == through_partition == mine
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with db.connect() as conn, acting_transaction(conn, alice.role_name):
            conn.execute(f"update {month} set title = 'changed'")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with db.connect() as conn, acting_transaction(conn, "anon"):
            conn.execute(f"select id from {month}")
    assert superuser.execute("select count(*) from user_notifications where read").fetchone()[0] == 2


def test_chatbot_partitions_enforce_the_parents_insert_rules(db, make_user, superuser):
    alice, bob = make_user(), make_user()
    conversation = superuser.execute(
        "insert into chatbot_conversations (user_id) values (%s) returning id", (alice.user_id,)
    ).fetchone()[0]
    month = month_partition(superuser, "chatbot_messages")
    with db.connect() as conn, acting_transaction(conn, alice.role_name):
        conn.execute(f"insert into {month} (conversation_id, role, content) values (%s, 'user', 'hi')", (conversation,))
    for actor, role in ((alice, "assistant"), (bob, "user")):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with db.connect() as conn, acting_transaction(conn, actor.role_name):
                conn.execute(
                    f"insert into {month} (conversation_id, role, content) values (%s, %s, 'forged')",
                    (conversation, role),
                )
    with db.connect() as conn, acting_transaction(conn, bob.role_name):
        assert conn.execute(f"select count(*) from {month}").fetchone()[0] == 0
    assert superuser.execute("select count(*) from chatbot_messages").fetchone()[0] == 1


def test_ensure_partitions_moves_rows_out_of_the_default_and_secures_new_partitions(db, make_user, superuser):
    alice = make_user()
    far = notify(superuser, alice, "far future", months_ahead=8)
    assert superuser.execute("select count(*) from user_notifications_default").fetchone()[0] == 1
    created = superuser.execute("select internal.ensure_partitions(9)").fetchone()[0]
    assert created == 2 * 6  # months 4..9 ahead, for both tables
    target = month_partition(superuser, "user_notifications", 8)
    assert superuser.execute(f"select id from {target}").fetchall() == [(far,)]
    assert superuser.execute("select count(*) from user_notifications_default").fetchone()[0] == 0
    with db.connect() as conn, acting_transaction(conn, alice.role_name):
        assert conn.execute(f"select id from {target}").fetchall() == [(far,)]
    assert superuser.execute("select internal.ensure_partitions(9)").fetchone()[0] == 0  # idempotent
    assert_partitions_mirror_parents(superuser)


@pytest.mark.parametrize("role", ["admin", "service_role"])
def test_only_the_administrative_login_may_maintain_partitions(db, make_user, role):
    """A plain function since 0010: it needs the tables' owner, which no user or worker role is."""
    if role == "admin":
        role = make_user(admin=True).role_name
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with db.connect() as conn, acting_transaction(conn, role):
            conn.execute("select internal.ensure_partitions(1)")


def assert_partitions_mirror_parents(conn):
    for parent in PARENTS:
        parent_policies = policies(conn, parent)
        parent_grants = grants(conn, parent)
        assert parent_policies and parent_grants
        for name in partitions(conn, parent):
            rls = conn.execute(
                "select relrowsecurity, relforcerowsecurity, relowner::regrole::text from pg_class"
                " where oid = %s::regclass",
                (f"public.{name}",),
            ).fetchone()
            assert rls == (True, True, "blogster_owner"), name
            assert policies(conn, name) == parent_policies, name
            assert grants(conn, name) == parent_grants, name


def policies(conn, table):
    rows = conn.execute(
        "select policyname, cmd, roles::text[], permissive,"
        " replace(coalesce(qual, ''), tablename, '<t>'), replace(coalesce(with_check, ''), tablename, '<t>')"
        " from pg_policies where schemaname = 'public' and tablename = %s order by policyname",
        (table,),
    ).fetchall()
    return rows


def grants(conn, table):
    table_level = conn.execute(
        "select grantee, privilege_type from information_schema.role_table_grants"
        " where table_schema = 'public' and table_name = %s and grantee <> 'blogster_owner' order by 1, 2",
        (table,),
    ).fetchall()
    column_level = conn.execute(
        "select grantee, privilege_type, column_name from information_schema.column_privileges"
        " where table_schema = 'public' and table_name = %s and grantee <> 'blogster_owner' order by 1, 2, 3",
        (table,),
    ).fetchall()
    return table_level, column_level
