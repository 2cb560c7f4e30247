"""team_collaboration and the review functions, attacked by raw SQL as the owner, the assignee and a third account."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import psycopg
import pytest

from blogster_cli.actors import ActingUser, Timeouts
from blogster_cli.context import AppContext
from blogster_cli.db import acting
from blogster_cli.db.acting import acting_transaction
from blogster_cli.errors import Conflict
from blogster_cli.services import accounts
from tests.security.test_login_roles import LOGIN_PASSWORD, login_as


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


def assign(db, owner, post, assignee, role: str = "editor"):
    """`owner` assigns `post` to `assignee` in `role`, as the account itself would: the assignment's id."""
    statement = "insert into public.team_collaboration (blog_id, assigned_to, role) values (%s, %s, %s) returning id"
    return run(db, owner, statement, (post, assignee.user_id, role))[0][0]


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


def test_a_trashed_post_is_hidden_from_its_assignee_until_restored(db, team, superuser):
    """0097: the assignee policy admits no post in the trash, body or title (db/README: a trashed
    post is invisible to everyone but its author)."""
    ada, grace, posts = team["ada"], team["grace"], team["posts"]
    run(db, ada, "update public.blogs set deleted_at = now() where id = %s", (posts["assigned"],))
    for statement in (
        "select slug from public.blogs",
        "select content ->> 'markdown' from public.blogs where deleted_at is not null",
        f"select title from public.blogs where id = '{posts['assigned']}'",
    ):
        assert run(db, grace, statement) == []
    assert run(db, grace, "update public.blogs set title = 'x'") == 0
    run(db, ada, "update public.blogs set deleted_at = null where id = %s", (posts["assigned"],))
    assert run(db, grace, "select slug from public.blogs") == [("assigned",)]


def approved_with_publishing(db, team) -> str:
    """ada lets grace approve and publish `private`; grace starts and approves it (no publish yet)."""
    ada, grace, posts = team["ada"], team["grace"], team["posts"]
    statement = "select public.review_assign(%s, 'grace@example.com', 'approver', null, true)"
    ((assignment,),) = run(db, ada, statement, (posts["private"],))
    run(db, grace, "select public.review_act(%s, 'start')", (assignment,))
    run(db, grace, "select public.review_act(%s, 'approve')", (assignment,))
    return assignment


def status_of(superuser, post) -> str:
    return superuser.execute("select status::text from public.blogs where id = %s", (post,)).fetchone()[0]


@pytest.mark.parametrize(
    ("author_change", "status"),
    [("update public.blogs set content = jsonb_build_object('markdown', 'Rewritten') where id = %s", "draft"),
     ("update public.blogs set title = 'Retitled' where id = %s", "draft"),
     ("update public.blogs set title = 'Retitled' where id = %s", "scheduled")],
)  # fmt: skip
def test_an_approval_does_not_cover_what_the_author_changed_after_it(db, team, superuser, author_change, status):
    """0097: review_publish publishes the post as approved, not what its author wrote since; 0178: a
    post scheduled for later as well (0176 left it scheduled and told its author the new title was
    approved), refused the same way."""
    post = team["posts"]["private"]
    if status == "scheduled":
        superuser.execute("update public.blogs set status = 'scheduled', published_at = '2099-03-01 08:00+00'"
                          " where id = %s", (post,))  # fmt: skip
    assignment = approved_with_publishing(db, team)
    run(db, team["ada"], author_change, (post,))
    with pytest.raises(psycopg.errors.CheckViolation, match="^the post changed after it was approved: its author can"):
        run(db, team["grace"], "select public.review_publish(%s)", (assignment,))
    assert status_of(superuser, post) == status
    told = superuser.execute("select title from public.user_notifications where user_id = %s", (team["ada"].user_id,))
    assert [title for (title,) in told] == ["Approved by grace@example.com (approver): private"]


@pytest.mark.parametrize("markdown", ["", " \n\t ", "\u00a0\u2007\u202f\u3000"])
def test_an_approver_cannot_publish_an_empty_post_by_raw_sql(db, team, superuser, markdown):
    """0113: review_publish refuses a post with no content, as every other way of publishing does
    (the CLI checked it first; the approver's own login called the function and published it)."""
    post = team["posts"]["private"]
    superuser.execute("update public.blogs set content = jsonb_build_object('markdown', %s::text) where id = %s",
                      (markdown, post))  # fmt: skip
    assignment = approved_with_publishing(db, team)
    with pytest.raises(psycopg.errors.CheckViolation, match="cannot be published"):
        run(db, team["grace"], "select public.review_publish(%s)", (assignment,))
    assert status_of(superuser, post) == "draft"


def test_an_approval_publishes_once_and_not_after_the_author_takes_the_post_down(db, team, superuser):
    """0097: the approver publishes; the author unpublishes; the same approval cannot put it back."""
    assignment, post = approved_with_publishing(db, team), team["posts"]["private"]
    assert run(db, team["grace"], "select public.review_publish(%s)", (assignment,)) == [(post,)]
    assert status_of(superuser, post) == "published"
    run(db, team["ada"], "update public.blogs set status = 'draft', published_at = null where id = %s", (post,))
    with pytest.raises(psycopg.errors.CheckViolation, match="changed after it was approved"):
        run(db, team["grace"], "select public.review_publish(%s)", (assignment,))
    assert status_of(superuser, post) == "draft"


def test_an_approver_cannot_bring_a_scheduled_post_forward(db, team, superuser):
    """0176: review_publish leaves a post its author scheduled for later scheduled at her time (0166
    published it at once): the approver's own login, calling it again and again or writing the post,
    neither publishes it early nor moves its time; nor does it call the function that words the time."""
    grace, post = team["grace"], team["posts"]["private"]
    later = datetime(2099, 3, 1, 8, tzinfo=UTC)
    superuser.execute("update public.blogs set status = 'scheduled', published_at = %s where id = %s", (later, post))
    assignment = approved_with_publishing(db, team)
    before = state(superuser)
    for _ in range(2):
        assert run(db, grace, "select public.review_publish(%s)", (assignment,)) == [(post,)]
    for statement in (
        "update public.blogs set status = 'published', published_at = now() where id = %s",
        "update public.blogs set published_at = now() - interval '1 minute' where id = %s",
        "update public.blogs set status = 'published' where id = %s and status = 'scheduled'",
    ):
        assert run(db, grace, statement, (post,)) == 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        run(db, grace, "select internal.notice_time(now(), %s)", (team["ada"].user_id,))
    assert state(superuser) == before
    assert status_of(superuser, post) == "scheduled"
    published = superuser.execute("select count(*) from public.activities where type = 'published'").fetchone()
    assert published == (0,)


def test_a_repeated_publish_of_a_scheduled_post_tells_its_author_once(db, team, superuser):
    """0178: each review_publish on a post scheduled for later told its author again (a new
    notification once she had read the last). A zone PostgreSQL opens that names no place
    (Factory: "-00") is told as UTC, and the account's zone is at most 64 characters."""
    ada, grace, post = team["ada"], team["grace"], team["posts"]["private"]
    superuser.execute("update public.blogs set status = 'scheduled', published_at = '2099-03-01 08:00+00'"
                      " where id = %s", (post,))  # fmt: skip
    run(db, ada, "update public.user_notification_preferences set timezone = 'Factory'")
    assignment = approved_with_publishing(db, team)
    for _ in range(3):
        assert run(db, grace, "select public.review_publish(%s)", (assignment,)) == [(post,)]
        run(db, ada, "update public.user_notifications set read = true")
    told = superuser.execute("select title from public.user_notifications where user_id = %s", (ada.user_id,))
    scheduled = "goes live as scheduled at 2099-03-01 08:00 UTC: private"
    assert [title for (title,) in told] == [f"Approved by grace@example.com (approver), {scheduled}"]
    with pytest.raises(psycopg.errors.CheckViolation, match="timezone_length"):
        run(db, ada, "update public.user_notification_preferences set timezone = repeat('x', 65)")


def test_an_author_cannot_forge_an_approval_or_the_assignees_words(db, team, superuser):
    """0099: an assignment written by its author starts 'assigned', with no comments, no approval
    time and the author as its assigner; comments come only through review_act, and assigned_by
    stays. Before, the assignee could be shown an approval "from" themselves they never gave."""
    ada, grace, posts, ids = team["ada"], team["grace"], team["posts"], team["ids"]
    forged = run(
        db, ada,
        "insert into public.team_collaboration (blog_id, assigned_to, assigned_by, role, status, comments, completed_at)"
        " values (%s, %s, %s, 'approver', 'approved', '[{\"author\": \"grace\", \"text\": \"LGTM\"}]', now())"
        " returning status::text, comments, completed_at, assigned_by",
        (posts["private"], grace.user_id, grace.user_id),
    )  # fmt: skip
    assert forged == [("assigned", [], None, ada.user_id)]
    for statement, error in [
        ("update public.team_collaboration set comments = '[{\"text\": \"LGTM\"}]' where id = %s",
         psycopg.errors.InsufficientPrivilege),
        ("update public.team_collaboration set assigned_by = %s where id = %s", psycopg.errors.CheckViolation),
    ]:  # fmt: skip
        params = (ids["grace"],) if statement.count("%s") == 1 else (grace.user_id, ids["grace"])
        with pytest.raises((error, psycopg.errors.InsufficientPrivilege)):
            run(db, ada, statement, params)
    run(db, ada, "select public.review_act(%s, 'comment', 'Please look at the intro')", (ids["grace"],))
    ((comments,),) = run(db, grace, "select comments from public.team_collaboration where id = %s", (ids["grace"],))
    assert [c["text"] for c in comments] == ["Please look at the intro"] and comments[0]["author"] == str(ada.user_id)


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


def is_assignee(superuser, actor) -> bool:
    """Whether the assignee policy applies to the account's role: membership of blogster_assignees,
    the group it names (0093), which every account holds through authenticated (0110)."""
    return superuser.execute("select pg_has_role(%s, 'blogster_assignees', 'MEMBER')", (actor.role_name,)).fetchone()[0]


def direct_members(superuser) -> list[str]:
    """Account roles granted the group one by one (0093's trigger did; 0110 revoked them)."""
    return [
        name
        for (name,) in superuser.execute(
            "select r.rolname from pg_auth_members m join pg_roles r on r.oid = m.member"
            " where m.roleid = 'blogster_assignees'::regrole and r.rolname in (select role_name from auth.users)"
        ).fetchall()
    ]


def test_every_account_is_in_the_assignee_group_and_the_assignment_rows_decide(db, team, superuser, make_user):
    """0110: the group no longer follows the assignment rows (whose trigger locked rows and catalogs
    in the author's transaction): every account is in it through authenticated, and the policy's
    own reading of the rows admits exactly the assigned posts, from the assignee's next statement,
    even one whose plan a long-lived session had cached."""
    ada, grace, lin, eve, posts = (team[k] for k in ("ada", "grace", "lin", "eve", "posts"))
    kim = make_user()
    assert all(is_assignee(superuser, actor) for actor in (ada, grace, lin, eve, kim))
    assert direct_members(superuser) == []
    assert not superuser.execute("select pg_has_role('anon', 'blogster_assignees', 'MEMBER')").fetchone()[0]
    assert run(db, eve, "select slug from public.blogs") == []  # in the group, assigned nothing
    # One long-lived session (a TUI's or worker's connection), its statement prepared with a
    # cached plan made while kim had no assignment.
    visible = "select slug from public.blogs order by slug"
    with db.connect() as conn:

        def kim_sees() -> list[tuple[str]]:
            with acting_transaction(conn, kim.role_name):
                return conn.execute(visible, prepare=True).fetchall()

        for _ in range(6):
            assert kim_sees() == []
        assignment = assign(db, ada, posts["private"], kim)
        assert kim_sees() == [("private",)]
        second = assign(db, ada, posts["assigned"], kim, "reviewer")
        assert kim_sees() == [("assigned",), ("private",)]
        run(db, ada, "select public.delete_rows('public.team_collaboration', array[%s]::uuid[])", (second,))
        assert kim_sees() == [("private",)]
        # Unassigned: the post is gone at once (the policy reads the rows).
        run(db, ada, "select public.delete_rows('public.team_collaboration', array[%s]::uuid[])", (assignment,))
        assert kim_sees() == []
    # An assignment takes no catalog change: no membership appeared or went.
    assert direct_members(superuser) == [] and is_assignee(superuser, kim)


def test_the_assignee_group_grants_nothing_by_itself(db, team, superuser, make_user):
    """Attack, on a user's own login (a shared server): mallory is in blogster_assignees (every
    account is, 0110) and reads nothing of ada's; she cannot grant the group, call the definer
    that keeps it or switch to it (PostgreSQL 16+; on 15 the switch makes her nobody), and a
    per-account membership left over from 0093 is revoked by a re-derivation (a restore)."""
    ada, posts = team["ada"], team["posts"]
    mallory, kim = make_user(login_password=LOGIN_PASSWORD), make_user(login_password=LOGIN_PASSWORD)
    version = superuser.execute("select current_setting('server_version_num')::int").fetchone()[0]
    with login_as(db, mallory.role_name) as conn:
        for statement in (
            f"grant blogster_assignees to {mallory.role_name}",
            "revoke blogster_assignees from authenticated",
            "select internal.sync_assignee_roles()",
            # An assignment of ada's post to herself: the write policy wants the post's author.
            f"insert into public.team_collaboration (blog_id, assigned_to, role)"
            f" values ('{posts['private']}', '{mallory.user_id}', 'editor')",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        assert is_assignee(superuser, mallory)
        assert conn.execute("select count(*) from public.blogs").fetchone() == (0,)
        # A per-account membership as 0093's trigger granted it (by the definer): nothing more.
        with superuser.transaction():
            superuser.execute("set local role blogster_definer")
            superuser.execute(f"grant blogster_assignees to {mallory.role_name}")
        assert conn.execute("select count(*) from public.blogs").fetchone() == (0,)
        # She assigns her own post to ada: ada reads it, she still reads nothing of ada's.
        (own,) = superuser.execute(
            "insert into public.blogs (title, slug, author_id) values ('Mallory', 'mallory', %s) returning id",
            (mallory.user_id,),
        ).fetchone()
        conn.execute("select public.review_assign(%s, %s, 'reviewer')", (own, ada.email))
        assert conn.execute("select slug from public.blogs").fetchall() == [("mallory",)]
    assert sorted(run(db, ada, "select slug from public.blogs")) == [("assigned",), ("mallory",), ("private",)]
    # Re-derived (as a restore does): the left-over membership goes, the group through authenticated stays.
    assert superuser.execute("select internal.sync_assignee_roles()").fetchone() == (1,)
    assert direct_members(superuser) == [] and is_assignee(superuser, mallory)
    run(db, ada, "select public.review_assign(%s, %s, 'editor')", (posts["private"], kim.email))
    with login_as(db, kim.role_name) as conn:
        assert conn.execute("select slug from public.blogs").fetchall() == [("private",)]
        if version >= 160000:  # the group is granted WITH SET FALSE
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("set role blogster_assignees")
            return
        conn.execute("set role blogster_assignees")  # allowed on 15; the group holds no privilege
        for statement in ("select auth.uid()", "select count(*) from public.blogs"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


def until_done_or_waiting(superuser: psycopg.Connection, outcome: list[object], pid: int) -> None:
    """Until the second transaction has ended or waits on a lock the first holds, at most the half
    second these tests slept: either way nothing changes until the first one ends."""
    began = time.monotonic()
    while not outcome and time.monotonic() - began < 0.5:
        waits = "select wait_event_type = 'Lock' from pg_catalog.pg_stat_activity where pid = %s"
        if superuser.execute(waits, (pid,)).fetchone() == (True,):
            return
        time.sleep(0.005)


@pytest.mark.parametrize("same_assignee", [False, True], ids=["two-new-assignees", "one-new-assignee"])
def test_concurrent_first_assignments_all_succeed(db, team, superuser, make_user, same_assignee):
    """Two authors assign at once: both succeed (0093's trigger made the later wait for the
    earlier's catalog rows; since 0110 neither waits), and both assignees read their posts."""
    ada, posts = team["ada"], team["posts"]
    kim = make_user()
    lee = kim if same_assignee else make_user()
    insert = "insert into public.team_collaboration (blog_id, assigned_to, role) values (%s, %s, 'editor')"
    outcome: list[object] = []
    with db.connect() as first, db.connect() as second:
        with acting_transaction(first, ada.role_name):
            first.execute(insert, (posts["private"], kim.user_id))

            def later() -> None:
                try:
                    with acting_transaction(second, ada.role_name):
                        second.execute(insert, (posts["assigned"], lee.user_id))
                    outcome.append("ok")
                except psycopg.Error as error:
                    outcome.append(error)

            pid = second.info.backend_pid
            thread = threading.Thread(target=later)
            thread.start()
            until_done_or_waiting(superuser, outcome, pid)
        thread.join(timeout=30)
    assert outcome == ["ok"]
    assert superuser.execute("select count(*) from public.team_collaboration").fetchone() == (4,)
    expected = [("assigned",), ("private",)] if same_assignee else [("private",)]
    assert sorted(run(db, kim, "select slug from public.blogs")) == expected
    assert ("assigned",) in run(db, lee, "select slug from public.blogs")


def test_an_assignment_added_while_the_last_one_is_removed_keeps_the_access(db, team, superuser, make_user):
    """kim's only assignment is removed while another is added (under 0093 the two raced over her
    membership; since 0110 there is none to race over): she reads the newly assigned post."""
    ada, posts = team["ada"], team["posts"]
    kim = make_user()
    old = assign(db, ada, posts["private"], kim)
    outcome: list[object] = []
    with db.connect() as first, db.connect() as second:
        with acting_transaction(first, ada.role_name):
            first.execute("select public.delete_rows('public.team_collaboration', array[%s]::uuid[])", (old,))

            def later() -> None:
                try:
                    with acting_transaction(second, ada.role_name):
                        second.execute(
                            "insert into public.team_collaboration (blog_id, assigned_to, role)"
                            " values (%s, %s, 'reviewer')",
                            (posts["assigned"], kim.user_id),
                        )
                    outcome.append("ok")
                except psycopg.Error as error:
                    outcome.append(error)

            pid = second.info.backend_pid
            thread = threading.Thread(target=later)
            thread.start()
            until_done_or_waiting(superuser, outcome, pid)
        thread.join(timeout=30)
    assert outcome == ["ok"]
    assert is_assignee(superuser, kim)
    assert run(db, kim, "select slug from public.blogs") == [("assigned",)]


def test_an_author_cannot_flood_an_account_with_assignments_nor_assign_themselves(db, team, superuser, make_user):
    """0102: each assignment notifies its assignee, who cannot delete notifications. The same
    post, assignee and role is open once; one account holds at most 100 open assignments from
    another; and a direct INSERT is refused self-assignment as review_assign is."""
    ada, grace, posts = team["ada"], team["grace"], team["posts"]
    for statement, params in [
        ("insert into public.team_collaboration (blog_id, assigned_to, role) values (%s, %s, 'editor')",
         (posts["assigned"], grace.user_id)),
        ("select public.review_assign(%s, %s, 'editor')", (posts["assigned"], grace.email)),
    ]:  # fmt: skip
        with pytest.raises(psycopg.errors.UniqueViolation, match="already assigned"):
            run(db, ada, statement, params)
    assign(db, ada, posts["assigned"], grace, "approver")  # another role is another assignment
    with pytest.raises(psycopg.errors.CheckViolation, match="someone else"):
        assign(db, ada, posts["private"], ada)

    def notices() -> int:
        return superuser.execute(
            "select count(*) from public.user_notifications where user_id = %s", (grace.user_id,)
        ).fetchone()[0]

    before = notices()
    many = [
        row[0]
        for row in superuser.execute(
            "insert into public.blogs (title, slug, author_id) select 'p' || n, 'p' || n, %s"
            " from generate_series(1, 100) n returning id",
            (ada.user_id,),
        ).fetchall()
    ]
    refused = 0
    for post in many:
        try:
            assign(db, ada, post, grace)
        except psycopg.errors.CheckViolation as exc:
            assert "100 open assignments" in str(exc)
            refused += 1
    assert refused == 2  # grace already held 2 open ones from ada
    assert notices() - before == 98
    run(db, ada, "select public.delete_rows('public.team_collaboration', array[%s]::uuid[])", (team["ids"]["grace"],))
    # Withdrawing frees an open place, but not today's: 100 assignments made to grace today (0102).
    with pytest.raises(psycopg.errors.ProgramLimitExceeded, match="100 posts to that account today"):
        assign(db, ada, many[-1], grace)
    # The withdrawal told grace (0132), rewriting her unread notice of that assignment (0136); the
    # refused assignment, nothing.
    assert notices() - before == 98
    lin_post = many[0]
    assign(db, ada, lin_post, team["lin"])  # other assignees are not limited by grace's count


def test_the_daily_assignment_cap_holds_across_midnight(db, team, superuser):
    """0114: a transaction begun before midnight (UTC) that finds the next day's count stored
    adds to it instead of starting again (the same flaw a red team found in the tag cap)."""
    ada, grace, posts = team["ada"], team["grace"], team["posts"]
    superuser.execute(
        "insert into internal.assignment_rates (author_id, assigned_to, day, created)"
        " values (%s, %s, (now() at time zone 'UTC')::date + 1, 100)"
        " on conflict (author_id, assigned_to) do update set day = excluded.day, created = excluded.created",
        (ada.user_id, grace.user_id),
    )
    with pytest.raises(psycopg.errors.ProgramLimitExceeded, match="100 posts to that account today"):
        assign(db, ada, posts["private"], grace)


def test_an_author_moves_no_assignment_through_the_workflow_alone(db, team, superuser):
    """0107: the author could UPDATE its assignments' status directly, taking the assignee's
    steps (start, submit) and rejecting to free the open cap, notifying at every step; and
    clear their assigner. Status now moves through review_act only, and the assigner stays."""
    ada, ids = team["ada"], team["ids"]
    before = state(superuser)
    for statement, error in [
        ("update public.team_collaboration set status = 'in_progress' where id = %s",
         psycopg.errors.InsufficientPrivilege),
        ("update public.team_collaboration set assigned_by = null where id = %s", psycopg.errors.CheckViolation),
    ]:  # fmt: skip
        with pytest.raises(error):
            run(db, ada, statement, (ids["grace"],))
    assert state(superuser) == before
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # start is the assignee's step
        run(db, ada, "select public.review_act(%s, 'start')", (ids["grace"],))
    assert run(db, team["grace"], "select public.review_act(%s, 'start')::text", (ids["grace"],)) == [("in_progress",)]


def test_an_assignee_cannot_bury_an_assignment_in_comments(db, team, superuser):
    """0108: a 19 MB comment was kept (`review show` printed 59 MB), and once the row was full
    the author's own comments failed. A comment holds at most 10,000 characters, and one person
    at most 500 comments on one assignment."""
    ada, grace, ids = team["ada"], team["grace"], team["ids"]
    with pytest.raises(psycopg.errors.StringDataRightTruncation):
        run(db, grace, "select public.review_act(%s, 'comment', repeat('x', 10001))", (ids["grace"],))
    run(db, grace, "select public.review_act(%s, 'comment', repeat('x', 10000))", (ids["grace"],))
    superuser.execute(
        "update public.team_collaboration set comments = comments || (select jsonb_agg(jsonb_build_object("
        "'author', %s::text, 'text', 'x')) from generate_series(1, 499)) where id = %s",
        (str(grace.user_id), ids["grace"]),
    )
    with pytest.raises(psycopg.errors.CheckViolation, match="500 comments"):
        run(db, grace, "select public.review_act(%s, 'comment', 'one more')", (ids["grace"],))
    run(db, ada, "select public.review_act(%s, 'comment', 'The author still has a say')", (ids["grace"],))


# What another session waits, at most, for the locks of an author's open transaction below.
SHORT_WAIT = Timeouts(lock_ms=1000)


@pytest.mark.parametrize("other_work", ["ban", "unban", "same-assignee", "another-assignee"])
def test_an_authors_open_assignment_holds_up_no_other_account_nor_an_admin(
    db, team, superuser, make_user, monkeypatch, other_work
):
    """0110, the red team's finding: 0093's trigger granted blogster_assignees inside the author's
    transaction, locking the assignee's auth.users row and (a first assignment) the group and
    auth.uid()'s catalog row until that transaction ended. An author who assigned and kept the
    transaction open held up the assignee's ban and unban, other authors' assignments to them,
    and everyone's first assignment to anyone. Now an assignment takes no lock another account
    or an admin waits for: each of those completes within a short lock timeout meanwhile."""
    ada, eve, posts = team["ada"], team["eve"], team["posts"]
    kim, lee = make_user(), make_user()
    admin = make_user(admin=True)
    ctx = AppContext(database_url=db.conninfo)
    acting_admin = ActingUser(ctx.database, admin)
    monkeypatch.setattr(acting, "ADMIN_LOCK_TIMEOUT_SQL", "set local lock_timeout = '1s'")
    if other_work == "unban":
        accounts.ban(acting_admin, ctx=ctx, email=kim.email, until=datetime.now(UTC) + timedelta(days=3))
    (eves,) = superuser.execute(
        "insert into public.blogs (title, slug, author_id) values ('Eve', 'eves', %s) returning id", (eve.user_id,)
    ).fetchone()
    insert = "insert into public.team_collaboration (blog_id, assigned_to, role) values (%s, %s, 'editor')"
    with db.connect() as authors, db.connect() as others:
        with acting_transaction(authors, ada.role_name):
            authors.execute(insert, (posts["private"], kim.user_id))  # kim's first assignment, not committed
            started = time.monotonic()
            try:
                if other_work in ("ban", "unban"):
                    until = datetime.now(UTC) + timedelta(days=30) if other_work == "ban" else None
                    accounts.ban(acting_admin, ctx=ctx, email=kim.email, until=until)
                else:
                    assignee = kim if other_work == "same-assignee" else lee
                    with acting_transaction(others, eve.role_name, SHORT_WAIT):
                        others.execute(insert, (eves, assignee.user_id))
            except (Conflict, psycopg.errors.LockNotAvailable) as exc:
                pytest.fail(f"{other_work} waited for the author's open transaction: {exc}")
            assert time.monotonic() - started < 1
    banned = superuser.execute("select banned_until is not null from auth.users where id = %s", (kim.user_id,))
    assert banned.fetchone() == (other_work == "ban",)
    # ada's assignment committed: kim reads the post (and eve's, when it went to her too).
    expected = [("eves",), ("private",)] if other_work == "same-assignee" else [("private",)]
    assert sorted(run(db, kim, "select slug from public.blogs")) == expected
    if other_work == "another-assignee":
        assert run(db, lee, "select slug from public.blogs") == [("eves",)]
    ctx.database.close()


def test_an_activity_naming_an_account_and_held_locked_does_not_stop_its_purge(db, team, superuser):
    """0116 takes a deleted account's id out of others' activities (`approved_by`). Any account
    writes its own activities, metadata included: eve writes one naming grace and keeps it locked.
    Grace's deletion skips that row instead of waiting for it (it failed on lock_timeout)."""
    eve, grace = team["eve"], team["grace"]
    with db.connect() as holder, acting_transaction(holder, eve.role_name):
        (row,) = holder.execute(
            "insert into public.activities (user_id, type, title, description, metadata)"
            " values (auth.uid(), 'published', 'x', 'x', jsonb_build_object('approved_by', %s::text)) returning id",
            (str(grace.user_id),),
        ).fetchone()
        holder.commit()  # the row is eve's, committed; now held
        with holder.transaction():
            holder.execute("select 1 from public.activities where id = %s for update", (row,))
            with db.connect() as admin:
                admin.execute("set lock_timeout = '2s'")
                admin.execute("delete from auth.users where id = %s", (grace.user_id,))
                admin.commit()
    assert superuser.execute("select count(*) from auth.users where id = %s", (grace.user_id,)).fetchone() == (0,)


# -- Notifications (0130): each review step notifies the other party, never the one who took it.
# The post's author hears of every step her assignee takes (start, submit, approve, reject, comment,
# publish), naming the step, the assignee and the post; the assignee hears of the assignment and of
# the author's status changes, only while the post is theirs to read; nobody reads another's.


def step(db, actor, assignment, action, note=None):
    """One review step as `actor`, in a transaction of its own (what each `review` command is)."""
    run(db, actor, "select public.review_act(%s, %s, %s)", (assignment, action, note))


def titles(db, actor):
    """The notifications `actor` reads in the app (their own, by the policy; not those written for
    their email only, 0149), oldest first."""
    return [
        r[0]
        for r in run(db, actor, "select title from public.user_notifications where in_app order by created_at, title")
    ]


def read_all(db, *actors):
    """Each of `actors` marks their notifications read (`notifications read-all`): the next one is a new one (0136)."""
    for actor in actors:
        run(db, actor, "update public.user_notifications set read = true, read_at = now() where not read")


@pytest.fixture
def crew(db, make_user, superuser):
    """ada's post 'Draft one', assigned to grace (editor) and to vic (approver, allowed to publish); eve is a stranger."""
    ada, grace, vic, eve = (
        make_user(f"{name}@example.com", login_password=LOGIN_PASSWORD) for name in ("ada", "grace", "vic", "eve")
    )
    (post,) = superuser.execute(
        "insert into public.blogs (title, slug, author_id, content)"
        " values ('Draft one', 'draft-one', %s, jsonb_build_object('markdown', 'Text.')) returning id",
        (ada.user_id,),
    ).fetchone()
    editor = run(db, ada, "select public.review_assign(%s, %s, 'editor')", (post, grace.email))[0][0]
    approver = run(db, ada, "select public.review_assign(%s, %s, 'approver', null, true)", (post, vic.email))[0][0]
    return SimpleNamespace(ada=ada, grace=grace, vic=vic, eve=eve, post=post, editor=editor, approver=approver)


def test_the_author_hears_of_each_step_of_her_assignee_and_nobody_of_their_own(db, crew):
    """Each one reads their notifications after every step (unread, the next would rewrite it: 0136)."""
    ada, grace, editor = crew.ada, crew.grace, crew.editor
    for actor, action, note in [
        (grace, "start", None), (grace, "comment", "First note."), (grace, "comment", "Second note."),
        (grace, "submit", "Done editing."),  # a step with a comment is one step
        (ada, "comment", "Thanks!"), (ada, "reject", "One more pass."),
        (grace, "start", None), (grace, "submit", None),
        (ada, "approve", None),
    ]:  # fmt: skip
        step(db, actor, editor, action, note)
        read_all(db, ada, grace)
    by_grace = "grace@example.com (editor): Draft one"
    assert titles(db, ada) == [
        f"Started by {by_grace}", f"Comment by {by_grace}", f"Comment by {by_grace}",
        f"Submitted for approval by {by_grace}", f"Rework started by {by_grace}",
        f"Submitted for approval by {by_grace}",
    ]  # fmt: skip
    # grace: her assignment and the author's two status changes; none of her own steps.
    assert titles(db, grace) == [
        "Assigned as editor by ada@example.com: Draft one",
        "Rejected by ada@example.com: Draft one",
        "Approved by ada@example.com: Draft one",
    ]
    assert titles(db, crew.vic) == ["Assigned as approver by ada@example.com: Draft one"]
    assert titles(db, crew.eve) == []


@pytest.mark.parametrize("one_transaction", [True, False], ids=["approve-and-publish", "approve-then-publish"])
def test_an_approver_publishing_tells_the_author_once_per_step_and_itself_nothing(db, crew, superuser, one_transaction):
    """`review approve --publish` approves and publishes in one unit of work: one step, one
    notification. Approving and publishing apart are two steps: the publication rewrites the
    approval's notice while it is unread, as each step rewrites the one before (0136)."""
    ada, vic, approver = crew.ada, crew.vic, crew.approver
    step(db, vic, approver, "start")
    with db.connect() as conn:
        with acting_transaction(conn, vic.role_name):
            conn.execute("select public.review_act(%s, 'approve')", (approver,))
            if one_transaction:
                conn.execute("select public.review_publish(%s)", (approver,))
        if not one_transaction:
            assert titles(db, ada) == ["Approved by vic@example.com (approver): Draft one"]
            with acting_transaction(conn, vic.role_name):
                conn.execute("select public.review_publish(%s)", (approver,))
    assert superuser.execute("select status::text from public.blogs where id = %s", (crew.post,)).fetchone() == (
        "published",
    )
    by_vic = "vic@example.com (approver): Draft one"
    done = "Approved and published" if one_transaction else "Published"
    assert titles(db, ada) == [f"{done} by {by_vic}"]
    assert titles(db, vic) == ["Assigned as approver by ada@example.com: Draft one"]
    kinds = superuser.execute(
        "select distinct type::text, delivery_status::text, content, link from public.user_notifications"
        " where user_id = %s",
        (ada.user_id,),
    ).fetchall()
    show = f"blogster review show {approver}"
    # pending: its email waits for the workers (email_notifications is on by default, 0147)
    assert kinds == [("blog_interaction", "pending", f"`blogster review show {str(approver)[:8]}`", show)]


@pytest.mark.parametrize("one_transaction", [True, False], ids=["approve-and-publish", "approve-then-publish"])
def test_an_approver_publishing_a_scheduled_post_tells_the_author_when(db, crew, superuser, one_transaction):
    """0176: the post stays scheduled, and the author's one notice of the step says when it goes
    live, in the zone her notifications are read in (UTC here: a zone PostgreSQL does not know)."""
    ada, vic, approver = crew.ada, crew.vic, crew.approver
    superuser.execute("update public.blogs set status = 'scheduled', published_at = '2099-03-01 08:00+00' where id = %s",
                      (crew.post,))  # fmt: skip
    superuser.execute("update public.user_notification_preferences set timezone = 'Not/AZone' where user_id = %s",
                      (ada.user_id,))  # fmt: skip
    step(db, vic, approver, "start")
    with db.connect() as conn:
        with acting_transaction(conn, vic.role_name):
            conn.execute("select public.review_act(%s, 'approve')", (approver,))
            if one_transaction:
                conn.execute("select public.review_publish(%s)", (approver,))
        if not one_transaction:
            with acting_transaction(conn, vic.role_name):
                conn.execute("select public.review_publish(%s)", (approver,))
    assert status_of(superuser, crew.post) == "scheduled"
    assert titles(db, ada) == [
        "Approved by vic@example.com (approver), goes live as scheduled at 2099-03-01 08:00 UTC: Draft one"
    ]
    superuser.execute("update public.user_notification_preferences set timezone = 'America/New_York' where user_id = %s",
                      (ada.user_id,))  # fmt: skip
    read_all(db, ada)
    run(db, vic, "select public.review_publish(%s)", (approver,))  # again: a new notice, the same post
    assert titles(db, ada)[-1] == (
        "Approved by vic@example.com (approver), goes live as scheduled at 2099-03-01 03:00 EST: Draft one"
    )
    assert status_of(superuser, crew.post) == "scheduled"


def test_the_assignee_hears_nothing_of_a_post_it_cannot_read(db, crew, superuser):
    """While the post is in the trash its assignee cannot read it (0097): the author's steps and a
    new assignment tell no assignee its title (here renamed in the trash) until it is restored."""
    ada, grace, eve, editor = crew.ada, crew.grace, crew.eve, crew.editor
    step(db, grace, editor, "start")
    step(db, grace, editor, "submit")
    superuser.execute(
        "update public.blogs set deleted_at = now(), title = 'Renamed in the trash' where id = %s", (crew.post,)
    )
    assert run(db, grace, "select count(*) from public.blogs") == [(0,)]
    step(db, ada, editor, "reject", "Not this one.")
    run(
        db, ada, "insert into public.team_collaboration (blog_id, assigned_to, role) values (%s, %s, 'reviewer')",
        (crew.post, eve.user_id),
    )  # fmt: skip
    assert titles(db, grace) == ["Assigned as editor by ada@example.com: Draft one"]
    assert titles(db, eve) == []
    superuser.execute("update public.blogs set deleted_at = null where id = %s", (crew.post,))
    step(db, grace, editor, "start")  # the author always reads her own post: she hears of it
    assert titles(db, ada)[-1] == "Rework started by grace@example.com (editor): Renamed in the trash"
    step(db, grace, editor, "submit")
    step(db, ada, editor, "approve")
    # her unread one, rewritten (0136)
    assert titles(db, grace) == ["Approved by ada@example.com: Renamed in the trash"]


@pytest.mark.parametrize("action", ["start", "comment", "submit", "approve"])
def test_an_assignee_takes_no_step_while_the_post_is_in_the_trash(db, crew, superuser, action):
    """0169: the assignee of a trashed post reads nothing of it (0097), and takes no step on its
    assignment either (before, a comment was stored and told the author): refused, saying why;
    nothing is written, nobody told. The author's steps are hers; restored, the assignee's go."""
    ada, grace, vic = crew.ada, crew.grace, crew.vic
    assignee, assignment = (vic, crew.approver) if action == "approve" else (grace, crew.editor)
    if action in ("submit", "approve"):
        step(db, assignee, assignment, "start")
    before = superuser.execute("select status, comments from public.team_collaboration order by id").fetchall()
    told = titles(db, ada)
    run(db, ada, "update public.blogs set deleted_at = now() where id = %s", (crew.post,))
    with pytest.raises(psycopg.errors.NoDataFound, match="the post of this assignment is in its author's trash"):
        step(db, assignee, assignment, action, "Still reading it.")
    assert superuser.execute("select status, comments from public.team_collaboration order by id").fetchall() == before
    assert titles(db, ada) == told
    step(db, ada, assignment, "comment", "Mine, in my trash.")  # the author reads her post there
    run(db, ada, "update public.blogs set deleted_at = null where id = %s", (crew.post,))
    step(db, assignee, assignment, action, "Still reading it.")


def test_no_other_account_reads_or_marks_the_authors_notifications(db, crew, superuser):
    ada, grace, editor = crew.ada, crew.grace, crew.editor
    step(db, grace, editor, "start")
    step(db, grace, editor, "comment", "A private remark on a draft.")
    with login_as(db, ada.role_name) as conn:
        own = [r[0] for r in conn.execute("select title from public.user_notifications order by created_at")]
    # the step's and the comment's notices: a comment never rewrites a step's (0136, 0140)
    assert own == [
        "Started by grace@example.com (editor): Draft one",
        "Comment by grace@example.com (editor): Draft one",
    ]
    for other in (grace, crew.vic, crew.eve):
        with login_as(db, other.role_name) as conn:
            assert conn.execute(
                "select count(*) from public.user_notifications where user_id = %s", (ada.user_id,)
            ).fetchone() == (0,)
            seen = {r[0] for r in conn.execute("select title from public.user_notifications")}
            assert not seen & set(own), other.email
            marked = conn.execute(
                "update public.user_notifications set read = true, read_at = now() where user_id = %s", (ada.user_id,)
            )
            assert marked.rowcount == 0
    unread = superuser.execute(
        "select count(*) from public.user_notifications where user_id = %s and not read", (ada.user_id,)
    )
    assert unread.fetchone() == (2,)


@pytest.mark.parametrize("switched_off", ["blog_interaction_notifications", "in_app_notifications"])
def test_the_authors_preferences_decide_as_for_any_notification(db, crew, superuser, switched_off):
    """Review notifications are blog interactions: either preference off, none in the app; with
    email on, the email waits for the workers as 'pending' (0147). With in_app_notifications off
    and email on, one is written for its email only (in_app false, 0149)."""
    ada, grace, editor = crew.ada, crew.grace, crew.editor
    run(db, ada, f"update public.user_notification_preferences set {switched_off} = false, email_notifications = true")
    step(db, grace, editor, "start")
    assert titles(db, ada) == []
    run(db, ada, f"update public.user_notification_preferences set {switched_off} = true")
    step(db, grace, editor, "comment", "Now you hear me.")
    assert titles(db, ada) == ["Comment by grace@example.com (editor): Draft one"]
    statuses = superuser.execute(
        "select in_app, delivery_status::text from public.user_notifications where user_id = %s order by in_app",
        (ada.user_id,),
    )
    email_only = [(False, "pending")] if switched_off == "in_app_notifications" else []
    assert statuses.fetchall() == [*email_only, (True, "pending")]


# -- Withdrawals (0132): `review withdraw` (the author deleting the assignment through delete_rows)
# tells the assignee, as 0130's notifications do: their preferences, never of one's own step, not
# while the post is trashed or going, not for an approved (finished) assignment.


def withdraw(db, actor, assignment):
    """`review withdraw` as `actor`: the ids delete_rows removed (only the author's DELETE policy admits any)."""
    return run(db, actor, "select public.delete_rows('public.team_collaboration', array[%s]::uuid[])", (assignment,))


WITHDRAWN = "Withdrawn by ada@example.com: your assignment as editor on Draft one"


def test_a_withdrawn_assignment_tells_its_assignee_and_only_the_author_withdraws(db, crew, superuser):
    ada, grace, vic, eve, editor = crew.ada, crew.grace, crew.vic, crew.eve, crew.editor
    step(db, grace, editor, "start")
    for other in (grace, vic, eve):  # the assignee, another assignee of the post, a stranger
        assert withdraw(db, other, editor) == []
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            run(db, other, "delete from public.team_collaboration where id = %s", (editor,))
    assert titles(db, grace) == ["Assigned as editor by ada@example.com: Draft one"]
    assert withdraw(db, ada, editor) == [(editor,)]
    assert titles(db, grace) == [WITHDRAWN]  # her unread assignment, rewritten (0136)
    assert titles(db, ada) == ["Started by grace@example.com (editor): Draft one"]  # not her own step
    assert titles(db, vic) == ["Assigned as approver by ada@example.com: Draft one"]
    assert titles(db, eve) == []
    stored = superuser.execute(
        "select type::text, delivery_status::text, content, link from public.user_notifications"
        " where user_id = %s and title = %s",
        (grace.user_id, WITHDRAWN),
    ).fetchall()
    body = "You no longer read the post, and `blogster review list` no longer shows the assignment."
    assert stored == [("blog_interaction", "pending", body, f"blogster review show {editor}")]  # its email: 0147


@pytest.mark.parametrize("switched_off", ["blog_interaction_notifications", "in_app_notifications"])
def test_a_withdrawal_follows_the_assignees_preferences(db, crew, switched_off):
    grace = crew.grace
    run(db, grace, f"update public.user_notification_preferences set {switched_off} = false")
    assert withdraw(db, crew.ada, crew.editor) == [(crew.editor,)]
    assert titles(db, grace) == ["Assigned as editor by ada@example.com: Draft one"]


def test_a_withdrawal_of_a_rejected_assignment_is_told_and_of_an_approved_one_not(db, crew):
    ada, grace, vic = crew.ada, crew.grace, crew.vic
    step(db, grace, crew.editor, "start")
    step(db, grace, crew.editor, "submit")
    step(db, ada, crew.editor, "reject", "Rework it.")  # still grace's to rework: she hears of it
    step(db, vic, crew.approver, "start")
    step(db, vic, crew.approver, "approve")  # finished: taking it back changes nothing for vic
    withdraw(db, ada, crew.editor)
    withdraw(db, ada, crew.approver)
    assert titles(db, grace)[-1] == WITHDRAWN
    assert titles(db, vic) == ["Assigned as approver by ada@example.com: Draft one"]


def test_a_withdrawal_tells_nothing_of_a_post_the_assignee_cannot_read(db, crew, superuser):
    """A trashed post is hidden from its assignee (0097): withdrawing its assignments, or deleting it
    for good (the cascade takes them), names no title to them."""
    ada, grace, vic = crew.ada, crew.grace, crew.vic
    superuser.execute(
        "update public.blogs set deleted_at = now(), title = 'Renamed in the trash' where id = %s", (crew.post,)
    )
    assert withdraw(db, ada, crew.editor) == [(crew.editor,)]
    assert run(db, ada, "select public.delete_rows('public.blogs', array[%s]::uuid[])", (crew.post,)) == [(crew.post,)]
    assert superuser.execute("select count(*) from public.team_collaboration").fetchone() == (0,)
    assert titles(db, grace) == ["Assigned as editor by ada@example.com: Draft one"]
    assert titles(db, vic) == ["Assigned as approver by ada@example.com: Draft one"]


def test_assignments_going_with_an_account_or_an_administrator_tell_nobody(db, crew, superuser):
    """Nobody withdrew them: the author's account deleted (its posts and their assignments go with
    it), an administrator's own login deleting a row."""
    grace, vic = crew.grace, crew.vic
    superuser.execute("delete from public.team_collaboration where id = %s", (crew.approver,))
    superuser.execute("delete from auth.users where id = %s", (crew.ada.user_id,))
    assert superuser.execute("select count(*) from public.team_collaboration").fetchone() == (0,)
    # no new notification; the one they had no longer names the deleted account (0210)
    assert titles(db, grace) == ["Assigned as editor by a deleted account: Draft one"]
    assert titles(db, vic) == ["Assigned as approver by a deleted account: Draft one"]


# -- Emails (0144): public.review_emails names the accounts one shares an assignment with, and
# one's own: an assignee reads the post's author (and whoever assigned it), an author the assignee
# she named by email (or who has acted since). Nobody else, however they ask.


def emails(db, actor, ids):
    """public.review_emails(ids) as `actor`: {id: email}."""
    return dict(run(db, actor, "select id, email from public.review_emails(%s::uuid[])", (ids,)))


def everyone(superuser):
    return [row[0] for row in superuser.execute("select id from auth.users").fetchall()]


def named(*actors):
    return {actor.user_id: actor.email for actor in actors}


def test_review_emails_name_only_the_people_on_ones_own_assignments(db, team, superuser):
    ada, grace, lin, eve = team["ada"], team["grace"], team["lin"], team["eve"]
    ids = everyone(superuser)
    assert emails(db, ada, ids) == named(ada, grace, lin)  # her two assignees, named by email
    assert emails(db, grace, ids) == named(grace, ada)  # not lin, another assignee of the same post
    assert emails(db, lin, ids) == named(lin, ada)
    assert emails(db, eve, ids) == named(eve)  # a stranger: her own only
    assert emails(db, ada, [grace.user_id]) == named(grace)  # only the ids asked about
    # Withdrawn, the assignment is shared no more; an account marked for deletion is no one's to read.
    assert withdraw(db, ada, team["ids"]["lin"]) == [(team["ids"]["lin"],)]
    assert emails(db, lin, ids) == named(lin) and emails(db, ada, ids) == named(ada, grace)
    superuser.execute("update auth.users set deleted_at = now() where id = %s", (grace.user_id,))
    assert emails(db, ada, ids) == named(ada)


@pytest.mark.parametrize("ids", [None, [], [None], [None, None]], ids=["null", "empty", "one-null", "nulls"])
def test_review_emails_of_null_or_no_ids_name_nobody(db, team, ids):
    for name in ("ada", "grace", "eve"):
        assert emails(db, team[name], ids) == {}


def test_review_emails_of_a_huge_list_name_no_one_more(db, team, superuser):
    """200,000 ids (every account's among them, random ones, duplicates): the same answer, quickly."""
    grace = team["grace"]
    ids = [uuid.uuid4() for _ in range(200_000)] + everyone(superuser) * 3
    started = time.monotonic()
    assert emails(db, grace, ids) == named(grace, team["ada"])
    assert time.monotonic() - started < 10


def test_an_assignment_made_by_account_id_does_not_tell_its_author_the_email(db, team, superuser):
    """Any account may insert an assignment on its own post directly, naming the assignee by an id
    read off a published post or a profile: that must not tell it the assignee's email. Only
    review_assign (by email) sets assignee_named_by_email; no account sets it itself. Once the
    assignee acts, the author reads it (her notification says it then anyway)."""
    ada, eve = team["ada"], team["eve"]
    (eves,) = superuser.execute(
        "insert into public.blogs (title, slug, author_id, content) values ('Eve', 'eves', %s,"
        " jsonb_build_object('markdown', 'Text.')) returning id",
        (eve.user_id,),
    ).fetchone()
    by_id = assign(db, eve, eves, ada)
    forcing = (
        "insert into public.team_collaboration (blog_id, assigned_to, role, assignee_named_by_email)"
        f" values ('{eves}', '{ada.user_id}', 'reviewer', true)",
        "update public.team_collaboration set assignee_named_by_email = true",
    )
    # No account holds a grant on the column (0145's column grants leave it out); were it ever
    # granted (a table-wide grant, say), the trigger still keeps it false.
    superuser.execute(
        "grant insert (assignee_named_by_email), update (assignee_named_by_email) on public.team_collaboration"
        " to authenticated"
    )
    for statement in forcing:
        run(db, eve, statement)
    stored = superuser.execute("select count(*), bool_or(assignee_named_by_email) from public.team_collaboration"
                               " where blog_id = %s", (eves,))  # fmt: skip
    assert stored.fetchone() == (2, False)
    assert emails(db, eve, [ada.user_id]) == {}
    assert emails(db, ada, [eve.user_id]) == named(eve)  # eve chose to assign her: ada reads who
    step(db, ada, by_id, "start")
    assert emails(db, eve, [ada.user_id]) == named(ada)
    # A comment of the assignee's tells it too; the author's own comments do not.
    with_comment = assign(db, eve, eves, team["lin"], "approver")
    step(db, eve, with_comment, "comment", "Mine.")
    assert emails(db, eve, [team["lin"].user_id]) == {}
    step(db, team["lin"], with_comment, "comment", "Theirs.")
    assert emails(db, eve, [team["lin"].user_id]) == named(team["lin"])


@pytest.mark.parametrize("role", ["anon", "service_role"])
def test_review_emails_are_for_no_role_without_an_account(superuser, team, role):
    ids = everyone(superuser)
    with pytest.raises(psycopg.errors.InsufficientPrivilege), acting_transaction(superuser, role):
        superuser.execute("select * from public.review_emails(%s::uuid[])", (ids,))


def test_review_emails_as_the_bare_authenticated_role_name_nobody(superuser, team):
    ids = everyone(superuser)
    with acting_transaction(superuser, "authenticated"):
        assert superuser.execute("select * from public.review_emails(%s::uuid[])", (ids,)).fetchall() == []
