"""blog_analytics_daily_totals (0090): what a second account tries against another's rollup.

Bob, acting as his own role, tries to read, forge, change and delete Alice's daily totals,
call the trigger functions, and inflate her figures through analytics of her posts. Each
attempt fails or touches nothing, and Alice's rollup and dashboard are the same afterwards.
"""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction


@pytest.fixture
def world(make_user, superuser):
    alice, bob = make_user(), make_user()
    blogs = {}
    for owner, slug in ((alice, "alpha"), (bob, "bobs")):
        blogs[slug] = superuser.execute(
            "insert into blogs (author_id, title, slug, status, published_at)"
            " values (%s, %s, %s, 'published', now()) returning id",
            (owner.user_id, slug, slug),
        ).fetchone()[0]
        superuser.execute(
            "insert into blog_analytics (blog_id, date, views, bounce_rate) values (%s, current_date, 40, 0.25)",
            (blogs[slug],),
        )
    return {"alice": alice, "bob": bob, "blogs": blogs}


def alices_totals(superuser, alice) -> list[tuple]:
    return superuser.execute(
        "select date, views, bounce_weighted, bounce_views from blog_analytics_daily_totals where author_id = %s",
        (alice.user_id,),
    ).fetchall()


def as_bob(db, world, statement: str, params: tuple = ()) -> str:
    """'ok:<rows>' or the SQLSTATE of the error; committed when it succeeds."""
    with db.connect() as conn:
        try:
            with acting_transaction(conn, world["bob"].role_name):
                cursor = conn.execute(statement, params)
                return f"ok:{len(cursor.fetchall()) if cursor.description else cursor.rowcount}"
        except psycopg.Error as exc:
            return exc.sqlstate or "error"


def test_bob_reads_only_his_own_totals(db, world):
    assert as_bob(db, world, "select * from blog_analytics_daily_totals") == "ok:1"
    assert (
        as_bob(db, world, "select * from blog_analytics_daily_totals where author_id = %s", (world["alice"].user_id,))
        == "ok:0"
    )


@pytest.mark.parametrize(
    "statement",
    [
        "insert into blog_analytics_daily_totals (author_id, date, views) values (%(alice)s, current_date - 1, 999)",
        "insert into blog_analytics_daily_totals (author_id, date, views) values (%(bob)s, current_date - 1, 999)",
        "update blog_analytics_daily_totals set views = 0 where author_id = %(alice)s",
        "update blog_analytics_daily_totals set views = views + 1000",
        "delete from blog_analytics_daily_totals where author_id = %(alice)s",
        "select internal.roll_up_analytics()",
        "insert into blog_analytics (blog_id, date, views) values (%(alpha)s, current_date - 2, 1000)",
        "update blog_analytics set views = 1000 where blog_id = %(alpha)s",
        "update blog_analytics set blog_id = %(alpha)s where blog_id = %(bobs)s",
        "update blogs set deleted_at = now() where id = %(alpha)s",
    ],
)
def test_bob_cannot_change_alices_totals(db, superuser, world, statement):
    alice, bob = world["alice"], world["bob"]
    before = alices_totals(superuser, alice)
    params = {"alice": alice.user_id, "bob": bob.user_id, **world["blogs"]}
    with db.connect() as conn:
        try:
            with acting_transaction(conn, bob.role_name):
                conn.execute(statement, params)
        except psycopg.Error:
            pass  # refused: what counts is that nothing changed
    assert alices_totals(superuser, alice) == before
    bobs = superuser.execute(
        "select sum(views) from blog_analytics_daily_totals where author_id = %s", (bob.user_id,)
    ).fetchone()[0]
    assert bobs == 40, "Bob forged his own totals"


def test_the_rollup_is_closed_to_anon_and_user_roles_write_nothing(superuser):
    for role in ("anon", "authenticated", "blogster_admin"):
        for privilege in ("INSERT", "UPDATE", "DELETE", "TRUNCATE"):
            assert not superuser.execute(
                "select has_table_privilege(%s, 'public.blog_analytics_daily_totals', %s)", (role, privilege)
            ).fetchone()[0]
    assert not superuser.execute(
        "select has_table_privilege('anon', 'public.blog_analytics_daily_totals', 'SELECT')"
    ).fetchone()[0]
