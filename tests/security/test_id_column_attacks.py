"""Ids are not for accounts to choose (0145, h256 F3): raw SQL on an account's own login.

Commands take an id's first 8 characters (id_prefixes), and a prefix naming two visible rows is
refused. An author who could rewrite (or pick) the id of an assignment she shares with her
assignee could make the assignee's own short id ambiguous.
"""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import acting_transaction
from blogster_cli.services import review
from tests.security.test_login_roles import LOGIN_PASSWORD, login_as

SCHEMAS = ("public", "auth", "internal")
# What accounts may still write into a new assignment (0145 took id away).
ASSIGNMENT_COLUMNS = (
    "organization_id", "blog_id", "assigned_to", "assigned_by", "role", "status", "comments", "due_date",
    "completed_at", "created_at", "updated_at", "can_publish", "author_id",
)  # fmt: skip


@pytest.fixture
def crossed(db, make_user, superuser):
    """bob assigned his post to carol; alice assigned hers to bob: bob sees both assignments."""
    alice, bob = make_user(login_password=LOGIN_PASSWORD), make_user(login_password=LOGIN_PASSWORD)
    carol = make_user()
    posts, ids = {}, {}
    for owner, slug in ((alice, "alice-draft"), (alice, "alice-other"), (bob, "bob-draft")):
        (posts[slug],) = superuser.execute(
            "insert into public.blogs (title, slug, author_id) values (%s, %s, %s) returning id",
            (slug, slug, owner.user_id),
        ).fetchone()
    for owner, slug, assignee in ((bob, "bob-draft", carol), (alice, "alice-draft", bob)):
        with db.connect() as conn, acting_transaction(conn, owner.role_name):
            (ids[slug],) = conn.execute(
                "select public.review_assign(%s, %s, 'reviewer')", (posts[slug], assignee.email)
            ).fetchone()
    return {"alice": alice, "bob": bob, "posts": posts, "ids": ids}


def _colliding(assignment_id) -> str:
    """An id that starts with the 8 characters `review list` shows of `assignment_id`."""
    return str(assignment_id)[:8] + "-0000-4000-8000-000000000000"


def test_an_author_cannot_rewrite_her_assignment_id_into_the_assignees_short_id(db, crossed, superuser):
    alice, bob, ids = crossed["alice"], crossed["bob"], crossed["ids"]
    with login_as(db, alice.role_name) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(
            "update public.team_collaboration set id = %s where author_id = auth.uid()",
            (_colliding(ids["bob-draft"]),),
        )
    assert superuser.execute(
        "select id from public.team_collaboration where author_id = %s", (alice.user_id,)
    ).fetchall() == [(ids["alice-draft"],)]
    # bob's own short id still names his assignment alone
    taken_back = review.withdraw(ActingUser(db, bob), ref=str(ids["bob-draft"])[:8])
    assert taken_back.id == ids["bob-draft"]


def test_an_author_cannot_insert_an_assignment_with_the_assignees_short_id(db, crossed):
    alice, bob, posts, ids = crossed["alice"], crossed["bob"], crossed["posts"], crossed["ids"]
    with login_as(db, alice.role_name) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "insert into public.team_collaboration (id, blog_id, assigned_to, role) values (%s, %s, %s, 'editor')",
                (_colliding(ids["bob-draft"]), posts["alice-other"], bob.user_id),
            )
        # the author's policy still lets her insert an assignment of her own post, with the column's id
        (made,) = conn.execute(
            "insert into public.team_collaboration (blog_id, assigned_to, role) values (%s, %s, 'editor') returning id",
            (posts["alice-other"], bob.user_id),
        ).fetchone()
    assert not str(made).startswith(str(ids["bob-draft"])[:8])
    mine = {a.id for a in review.assignments(ActingUser(db, bob))}
    assert mine == {ids["bob-draft"], ids["alice-draft"], made}
    taken_back = review.withdraw(ActingUser(db, bob), ref=str(ids["bob-draft"])[:8])
    assert taken_back.id == ids["bob-draft"]


def _tables_with_an_id(superuser) -> list[str]:
    return [
        name
        for (name,) in superuser.execute(
            "select c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " join pg_attribute a on a.attrelid = c.oid and a.attname = 'id' and not a.attisdropped"
            " where n.nspname = any(%s) and c.relkind in ('r', 'p') order by 1",
            (list(SCHEMAS),),
        ).fetchall()
    ]


@pytest.mark.parametrize("admin", [False, True], ids=["account", "administrator"])
def test_no_login_updates_an_id_column_anywhere(db, make_user, superuser, admin):
    """Every table and partition with an `id`, as an account's (and an administrator's) own login:
    UPDATE of id is refused whatever the rows, where their other columns may be updatable."""
    user = make_user(admin=admin, login_password=LOGIN_PASSWORD)
    tables = _tables_with_an_id(superuser)
    assert len(tables) > 40
    updated = []
    with login_as(db, user.role_name) as conn:
        for table in tables:
            statement = sql.SQL("update {} set id = default where false").format(sql.SQL(table))
            try:
                with conn.transaction():
                    conn.execute(statement)
            except psycopg.errors.InsufficientPrivilege:
                continue
            updated.append(table)
    assert updated == []


def test_the_catalog_grants_no_user_role_update_of_an_id_nor_insert_of_an_assignments_id(db, make_user, superuser):
    account, administrator = make_user(), make_user(admin=True)
    roles = ("anon", "authenticated", "blogster_admin", account.role_name, administrator.role_name)
    held = superuser.execute(
        "select c.oid::regclass::text, r.role from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " join pg_attribute a on a.attrelid = c.oid and a.attname = 'id' and not a.attisdropped,"
        " unnest(%s::text[]) r(role)"
        " where n.nspname = any(%s) and c.relkind in ('r', 'p', 'v', 'm', 'f')"
        " and has_column_privilege(r.role, c.oid, a.attnum, 'UPDATE') order by 1, 2",
        (list(roles), list(SCHEMAS)),
    ).fetchall()
    assert held == []
    for role in ("authenticated", account.role_name):
        assert not superuser.execute(
            "select has_column_privilege(%s, 'public.team_collaboration', 'id', 'INSERT')", (role,)
        ).fetchone()[0]
        # 0005's columns are insertable as before (the author's policy decides the rows)
        assert superuser.execute(
            "select bool_and(has_column_privilege(%s, 'public.team_collaboration', c, 'INSERT')) from unnest(%s::text[]) c",
            (role, list(ASSIGNMENT_COLUMNS)),
        ).fetchone()[0]
