"""team_collaboration and the review functions, attacked by raw SQL as the owner, the assignee and a third account."""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction


@pytest.fixture
def team(db, make_user, superuser):
    """ada owns `assigned` (grace is its editor, lin its reviewer) and `private`; eve is a stranger."""
    ada, grace, lin, eve = (make_user(f"{n}@example.com") for n in ("ada", "grace", "lin", "eve"))
    posts = {}
    for slug in ("assigned", "private"):
        (posts[slug],) = superuser.execute(
            "insert into public.blogs (title, slug, author_id, content) values (%s, %s, %s,"
            " jsonb_build_object('markdown', 'Secret ' || %s)) returning id",
            (slug, slug, ada.user_id, slug),
        ).fetchone()
    ids = {}
    for name, assignee, role in (("grace", grace, "editor"), ("lin", lin, "reviewer")):
        with db.connect() as conn, acting_transaction(conn, ada.role_name):
            (ids[name],) = conn.execute(
                "select public.review_assign(%s, %s, %s)", (posts["assigned"], assignee.email, role)
            ).fetchone()
    return {"ada": ada, "grace": grace, "lin": lin, "eve": eve, "posts": posts, "ids": ids}


def run(db, actor, statement, params=()):
    with db.connect() as conn, acting_transaction(conn, actor.role_name):
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def state(superuser):
    return (
        superuser.execute("select id, status, published_at from public.blogs order by id").fetchall(),
        superuser.execute(
            "select id, status, comments, can_publish, assigned_to from public.team_collaboration order by id"
        ).fetchall(),
    )


def test_the_assignee_reads_only_the_assigned_post_and_only_their_assignment(db, team):
    grace, posts, ids = team["grace"], team["posts"], team["ids"]
    assert run(db, grace, "select slug from public.blogs") == [("assigned",)]
    assert run(db, grace, "select id from public.team_collaboration") == [(ids["grace"],)]  # not lin's
    assert run(db, grace, "select count(*) from public.blog_revisions") == [(0,)]
    assert run(db, grace, "select public.assigned_blog_ids()") == [([posts["assigned"]],)]


def test_the_assignee_changes_nothing_directly_and_cannot_publish(db, team, superuser):
    grace, ada, posts, ids = team["grace"], team["ada"], team["posts"], team["ids"]
    before = state(superuser)
    assert run(db, grace, "update public.blogs set status = 'published', title = 'x'") == 0
    assert run(db, grace, "update public.team_collaboration set status = 'approved', can_publish = true") == 0
    for statement, params, error in [
        ("insert into public.team_collaboration (blog_id, assigned_to, role) values (%s, %s, 'approver')",
         (posts["assigned"], grace.user_id), psycopg.errors.InsufficientPrivilege),
        ("select public.review_publish(%s)", (ids["grace"],), psycopg.errors.InsufficientPrivilege),
        ("select public.review_act(%s, 'approve')", (ids["grace"],), psycopg.errors.InsufficientPrivilege),
        ("select public.review_act(%s, 'comment', 'hi')", (ids["lin"],), psycopg.errors.NoDataFound),
        ("select public.review_assign(%s, 'grace@example.com', 'approver', null, true)", (posts["assigned"],),
         psycopg.errors.NoDataFound),
        ("insert into public.user_notifications (user_id, type, title) values (%s, 'security', 'x')",
         (ada.user_id,), psycopg.errors.InsufficientPrivilege),
        ("select public.delete_rows('public.team_collaboration', array[%s]::uuid[])", (ids["grace"],), None),
    ]:  # fmt: skip
        if error is None:
            assert run(db, grace, statement, params) == []
            continue
        with pytest.raises(error):
            run(db, grace, statement, params)
    assert state(superuser) == before


def test_a_third_account_sees_and_reaches_nothing(db, team, superuser):
    eve, posts, ids = team["eve"], team["posts"], team["ids"]
    before = state(superuser)
    assert run(db, eve, "select count(*) from public.blogs") == [(0,)]
    assert run(db, eve, "select count(*) from public.team_collaboration") == [(0,)]
    assert run(db, eve, "select public.assigned_blog_ids()") == [([],)]
    for statement, params in [
        ("select public.review_act(%s, 'comment', 'spam')", (ids["grace"],)),
        ("select public.review_act(%s, 'start')", (ids["grace"],)),
        ("select public.review_publish(%s)", (ids["grace"],)),
        ("select public.review_assign(%s, 'eve@example.com', 'approver')", (posts["private"],)),
    ]:
        with pytest.raises(psycopg.errors.NoDataFound):
            run(db, eve, statement, params)
    assert state(superuser) == before
    # The function's errors are the same for a missing and a foreign assignment: no oracle.
    with pytest.raises(psycopg.errors.NoDataFound, match="no such assignment"):
        run(db, eve, "select public.review_act(gen_random_uuid(), 'start')")


def test_the_owner_cannot_skip_transitions_or_move_an_assignment(db, team, superuser):
    ada, eve, ids = team["ada"], team["eve"], team["ids"]
    for statement, params in [
        ("update public.team_collaboration set status = 'approved' where id = %s", (ids["grace"],)),
        ("update public.team_collaboration set assigned_to = %s where id = %s", (eve.user_id, ids["grace"])),
        ("update public.team_collaboration set can_publish = true where id = %s", (ids["grace"],)),  # an editor
        ("select public.review_act(%s, 'start')", (ids["grace"],)),  # only the assignee starts
    ]:
        with pytest.raises((psycopg.errors.CheckViolation, psycopg.errors.InsufficientPrivilege)):
            run(db, ada, statement, params)
    assert run(db, ada, "select status::text from public.team_collaboration where id = %s", (ids["grace"],)) == [
        ("assigned",)
    ]


def test_assignments_carry_their_posts_author_and_the_policies_admit_the_same_rows(db, team, superuser):
    """0091: team_collaboration.author_id (read by its policies and by the blogs policy instead
    of a definer call) is always the post's author, whatever the writer sends; who reads which
    assignment and which post is what 0071 allowed: the author all of their posts' assignments,
    an assignee their own and the post, a stranger nothing."""
    ada, grace, lin, eve, posts, ids = (team[k] for k in ("ada", "grace", "lin", "eve", "posts", "ids"))
    authors = superuser.execute("select distinct author_id from public.team_collaboration").fetchall()
    assert authors == [(ada.user_id,)]
    assert sorted(run(db, ada, "select id from public.team_collaboration")) == sorted([(ids["grace"],), (ids["lin"],)])
    assert run(db, lin, "select id from public.team_collaboration") == [(ids["lin"],)]
    assert run(db, lin, "select slug from public.blogs") == [("assigned",)]
    # The author inserts directly, claiming eve as the author: the trigger sets the post's author.
    (direct,) = run(
        db,
        ada,
        "insert into public.team_collaboration (blog_id, assigned_to, role, author_id)"
        " values (%s, %s, 'reviewer', %s) returning id",
        (posts["private"], eve.user_id, eve.user_id),
    )[0]
    assert superuser.execute("select author_id from public.team_collaboration where id = %s", (direct,)).fetchone() == (
        ada.user_id,
    )
    assert sorted(run(db, eve, "select slug from public.blogs")) == [("private",)]
    # A stranger's insert on ada's post, claiming ada as the author, is refused by the check.
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        run(
            db,
            eve,
            "insert into public.team_collaboration (blog_id, assigned_to, assigned_by, role, author_id)"
            " values (%s, %s, %s, 'editor', %s)",
            (posts["assigned"], eve.user_id, eve.user_id, ada.user_id),
        )
    # eve's own post, assigned to grace: ada does not see that assignment; grace sees the post.
    (eves,) = superuser.execute(
        "insert into public.blogs (title, slug, author_id) values ('Eve', 'eves', %s) returning id", (eve.user_id,)
    ).fetchone()
    run(db, eve, "select public.review_assign(%s, %s, 'editor')", (eves, grace.email))
    assert len(run(db, ada, "select id from public.team_collaboration")) == 3
    assert sorted(run(db, grace, "select slug from public.blogs")) == [("assigned",), ("eves",)]
    # Removing the assignment takes the post away from the assignee in the next statement.
    run(db, ada, "select public.delete_rows('public.team_collaboration', array[%s]::uuid[])", (direct,))
    assert superuser.execute("select count(*) from public.team_collaboration where id = %s", (direct,)).fetchone() == (
        0,
    )
    assert run(db, eve, "select slug from public.blogs") == [("eves",)]
