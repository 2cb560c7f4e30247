"""Documentation attacks by a signed-in non-admin, in raw SQL as their own role.

Admins write documentation; authenticated users read published pages in visible
categories. The search index lives in `internal`, which no user role reaches; the
SECURITY DEFINER search functions must apply the same visibility themselves.
"""

from __future__ import annotations

import psycopg
import pytest
from psycopg.types.json import Jsonb

from blogster_cli.db.acting import acting_transaction
from tests.integration.test_docs_search import READ_STATS, RECOUNT
from tests.security.test_login_roles import LOGIN_PASSWORD, login_as


@pytest.fixture
def pages(superuser):
    hidden = superuser.execute(
        "insert into documentation_categories (name, slug, is_visible) values ('Internal', 'internal', false)"
        " returning id"
    ).fetchone()[0]
    ids = {}
    for slug, status, category, word in (
        ("public-page", "published", None, "sunflower"),
        ("draft-page", "draft", None, "zeppelin"),
        ("archived-page", "archived", None, "quasar"),
        ("hidden-page", "published", hidden, "obsidian"),
    ):
        ids[slug] = superuser.execute(
            "insert into documentation_pages (title, slug, content, status, category_id)"
            " values (%s, %s, %s, %s, %s) returning id",
            (slug.replace("-", " ").title(), slug, Jsonb({"version": 1, "markdown": f"The {word} secret."}), status,
             category),
        ).fetchone()[0]  # fmt: skip
    superuser.execute("update documentation_pages set content = %s where slug = 'public-page'",
                      (Jsonb({"version": 1, "markdown": "The sunflower page, edited."}),))  # fmt: skip
    return ids


def as_role(db, actor, statement, params=()):
    conn = db.connect()
    try:
        with acting_transaction(conn, actor.role_name):
            cursor = conn.execute(statement, params)
            return cursor.fetchall() if cursor.description else cursor.rowcount
    finally:
        conn.close()


def test_a_user_reads_only_published_pages_in_visible_categories(db, make_user, pages):
    user = make_user()
    assert as_role(db, user, "select slug from documentation_pages") == [("public-page",)]
    assert as_role(db, user, "select count(*) from documentation_categories") == [(0,)]
    for slug in ("draft-page", "archived-page", "hidden-page"):
        assert as_role(db, user, "select * from documentation_pages where slug = %s", (slug,)) == []


@pytest.mark.parametrize(
    "statement",
    [
        "insert into documentation_pages (title, slug, status) values ('Mine', 'mine', 'published')",
        "insert into documentation_categories (name, slug) values ('Mine', 'mine')",
        "update documentation_pages set title = 'Defaced' where slug = 'public-page'",
        "update documentation_pages set status = 'published' where slug = 'draft-page'",
        "update documentation_categories set is_visible = true",
        "delete from documentation_pages",
        "select public.delete_rows('public.documentation_pages', array(select id from documentation_pages))",
        "insert into documentation_revisions (page_id) select id from documentation_pages",
        "select * from documentation_revisions",
        "select * from internal.documentation_search_terms",
        "select * from internal.documentation_search_docs",
        "select * from internal.documentation_written_words",
        "update internal.documentation_search_stats set pages = 0",
        # the lock `docs import` waits on (an author holding it would keep every import waiting)
        "lock table documentation_pages in share row exclusive mode",
        "lock table documentation_pages in row exclusive mode",
    ],
)
def test_a_user_cannot_write_documentation_or_reach_its_internals(db, make_user, pages, superuser, statement):
    before = superuser.execute("select slug, title, status, content from documentation_pages order by slug").fetchall()
    with pytest.raises(psycopg.Error) as caught:
        result = as_role(db, make_user(), statement)
        if result in (0, []):  # RLS filtered every row away: nothing happened, which is the point
            raise psycopg.errors.InsufficientPrivilege("no rows")
    assert isinstance(caught.value, psycopg.Error)
    after = superuser.execute("select slug, title, status, content from documentation_pages order by slug").fetchall()
    assert after == before


def test_search_functions_never_show_a_user_what_rls_hides(db, make_user, pages):
    user = make_user()
    for word in ("zeppelin", "quasar", "obsidian"):
        for drafts in (False, True):
            found = as_role(db, user, "select slug from search_documentation(%s, include_drafts => %s)", (word, drafts))
            assert found == []
            near = as_role(db, user, "select lexeme from documentation_vocabulary_near(%s, %s)", (word, drafts))
            assert near == []
    assert as_role(db, user, "select slug from search_documentation('sunflower')") == [("public-page",)]


def test_admins_write_and_see_everything(db, make_user, pages):
    admin = make_user(admin=True)
    assert as_role(db, admin, "update documentation_pages set status = 'published' where slug = 'draft-page'") == 1
    assert len(as_role(db, admin, "select * from documentation_revisions")) >= 5
    found = as_role(db, admin, "select slug from search_documentation('zeppelin', include_drafts => true)")
    assert found == [("draft-page",)]


def test_the_policies_are_the_ones_the_issue_names(superuser):
    policies = superuser.execute(
        "select tablename, cmd, roles::text from pg_policies where tablename like 'documentation_%%'"
        " order by tablename, cmd, roles::text"
    ).fetchall()
    writes = {(t, c) for t, c, roles in policies if c in ("INSERT", "UPDATE", "DELETE")}
    assert all(roles == "{blogster_admin}" for t, c, roles in policies if c != "SELECT")
    assert writes == {(t, c) for t in ("documentation_categories", "documentation_pages")
                      for c in ("INSERT", "UPDATE", "DELETE")}  # fmt: skip
    readers = {(t, roles) for t, c, roles in policies if c == "SELECT"}
    assert ("documentation_pages", "{authenticated}") in readers
    assert ("documentation_revisions", "{authenticated}") not in readers


STATS = (
    "select scope, pages, sum_title, sum_heading, sum_meta, sum_body from internal.documentation_search_stats"
    " union all select 'pending ' || scope, pages, sum_title, sum_heading, sum_meta, sum_body"
    " from internal.documentation_search_stat_changes order by 1, 2"
)


@pytest.fixture
def pending_change(superuser, pages):
    """A change not folded yet (0119), as a restore can leave one: one visible page moved from the
    stats row into a pending row, so the totals readers see are the same."""
    with superuser.transaction():
        superuser.execute("set local session_replication_role = replica")
        superuser.execute(
            "update internal.documentation_search_stats set pages = pages - 1, sum_body = sum_body - 3"
            " where scope = 'visible'"
        )
        superuser.execute(
            "insert into internal.documentation_search_stat_changes"
            " (scope, pages, sum_title, sum_heading, sum_meta, sum_body) values ('visible', 1, 0, 0, 0, 3)"
        )
    return superuser.execute(STATS).fetchall()


@pytest.mark.parametrize(
    "statement",
    [
        "select * from internal.documentation_search_stat_changes",
        "insert into internal.documentation_search_stat_changes (scope, pages, sum_title, sum_heading, sum_meta,"
        " sum_body) values ('visible', 1000000, 0, 0, 0, 1000000000)",
        "update internal.documentation_search_stat_changes set pages = 1000000",
        "delete from internal.documentation_search_stat_changes",
        "select internal.documentation_search_collection('all')",
        "select * from internal.documentation_search_collection('visible')",
        "select internal.fold_documentation_search_stat_changes()",
        "select internal.count_documentation_search_docs()",
        "update internal.documentation_search_stats set pages = pages + 1000000",
    ],
)
@pytest.mark.parametrize("who", ["author login", "admin", "anon"])
def test_nobody_reads_or_skews_the_pending_statistics(db, make_user, pending_change, superuser, who, statement):
    """0119's changes table and its functions: an account's own login, an administrator and anon
    can neither read the pending changes, nor add, change or remove one, nor fold them."""
    if who == "author login":
        actor = make_user(login_password=LOGIN_PASSWORD)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with login_as(db, actor.role_name) as conn:
                conn.execute(statement)
    else:
        role = make_user(admin=True).role_name if who == "admin" else "anon"
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with db.connect() as conn, acting_transaction(conn, role):
                conn.execute(statement)
    assert superuser.execute(STATS).fetchall() == pending_change


def test_a_user_cannot_stop_a_fold_or_fold_for_anyone(db, make_user, pending_change, superuser):
    """SET CONSTRAINTS is open to every role; on the fold trigger it changes only when the
    definer folds, never what: the totals readers see stay exact."""
    user = make_user(login_password=LOGIN_PASSWORD)
    with login_as(db, user.role_name) as conn:
        with conn.transaction():
            conn.execute("set constraints all immediate")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("update documentation_pages set title = 'Defaced'")
    admin = make_user(admin=True)
    with db.connect() as conn, acting_transaction(conn, admin.role_name):
        conn.execute("set constraints all immediate")
        conn.execute("update documentation_pages set status = 'published' where slug = 'draft-page'")
    assert superuser.execute(READ_STATS).fetchall() == superuser.execute(RECOUNT).fetchall()
    assert superuser.execute("select count(*) from internal.documentation_search_stat_changes").fetchone() == (0,)
