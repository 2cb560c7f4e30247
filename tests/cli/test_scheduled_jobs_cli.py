"""Periodic jobs: each runs in the workers on its schedule and as a one-shot command for cron."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from blogster_cli.actors import ActingUser
from blogster_cli.context import AppContext
from blogster_cli.db.acting import acting_transaction
from blogster_cli.db.connection import Database
from blogster_cli.services import blogs, publishing


def schedule_post(db, actor, title: str, at: datetime) -> None:
    acting = ActingUser(db, actor)
    slug = blogs.create(acting, new=blogs.NewBlog(title=title, markdown="Body text.")).slug
    publishing.publish(acting, refs=[slug], at=(at).strftime(publishing.AT_FORMAT))


def test_publish_due_publishes_every_authors_due_posts_as_the_author(cli, db, make_user, superuser):
    ada, bob = make_user(), make_user()
    soon = datetime.now(UTC) + timedelta(minutes=2)
    schedule_post(db, ada, "Ada due", soon)
    schedule_post(db, bob, "Bob due", soon)
    schedule_post(db, bob, "Bob later", soon + timedelta(days=2))
    superuser.execute("update blogs set published_at = now() - interval '1 minute' where slug like '%-due'")
    superuser.execute(
        "insert into content_calendar (user_id, title, scheduled_date, blog_id, created_at)"
        " select author_id, title, current_date, id, now() - interval '1 hour' from blogs"  # planned before
    )

    ran = cli("workers", "publish-due", "--json")
    assert ran.exit_code == 0, ran.stderr
    assert ran.json() == {"published": 2, "failed_accounts": 0}
    # The same path as `calendar run-due`: the published posts' calendar entries are marked.
    calendar = dict(superuser.execute("select title, status::text from content_calendar"))
    assert calendar == {"Ada due": "published", "Bob due": "published", "Bob later": "planned"}
    status = dict(superuser.execute("select slug, status::text from blogs"))
    assert status == {"ada-due": "published", "bob-due": "published", "bob-later": "scheduled"}
    # Each `published` activity is the author's own, written as the author (RLS applies).
    owners = dict(
        superuser.execute(
            "select b.slug, a.user_id from activities a join blogs b on b.id = a.blog_id where a.type = 'published'"
        )
    )
    assert owners == {"ada-due": ada.user_id, "bob-due": bob.user_id}
    assert cli("workers", "publish-due", "--json").json() == {"published": 0, "failed_accounts": 0}


def test_an_accounts_own_rows_or_locks_do_not_stop_the_accounts_after_it(cli, db, make_user, superuser):
    """The job goes through the accounts in turn. The first one's rows make its share fail (a
    calendar entry at the largest sequence number overflows the step that marks it done), or its
    login holds a lock on its own due post; the next account's post is still published, and the
    run names the account that failed (exit 1; its share is retried on the next run)."""
    first, second = sorted((make_user(), make_user()), key=lambda actor: str(actor.user_id))  # the job's order
    past = datetime.now(UTC) + timedelta(minutes=2)
    schedule_post(db, first, "First due", past)
    schedule_post(db, second, "Second due", past)
    superuser.execute("update blogs set published_at = now() - interval '1 minute'")
    superuser.execute(
        "insert into content_calendar (user_id, title, scheduled_date, blog_id, sequence, created_at)"
        " select author_id, title, current_date, id, 2147483647, now() - interval '1 hour' from blogs"
        " where author_id = %s",
        (first.user_id,),
    )
    ran = cli("workers", "publish-due", "--json")
    assert ran.exit_code == 1
    assert ran.json() == {"published": 1, "failed_accounts": 1}
    assert f"account {first.user_id}: a number is too large or too small to be stored" in ran.stderr
    assert superuser.execute("select status::text from blogs where slug = 'second-due'").fetchone() == ("published",)

    schedule_post(db, first, "First again", past)
    schedule_post(db, second, "Second again", past)
    superuser.execute("delete from content_calendar")
    superuser.execute("update blogs set published_at = now() - interval '1 minute' where slug like '%-again'")
    assert cli("config", "set", "lock_timeout_ms", "100").exit_code == 0
    with db.connect() as holder, acting_transaction(holder, first.role_name):
        holder.execute("select id from blogs where slug = 'first-again' for update")
        ran = cli("workers", "publish-due")
    assert ran.exit_code == 1
    assert ran.stderr.splitlines()[0] == "1 post published"
    assert f"account {first.user_id}: " in ran.stderr
    published = superuser.execute("select slug from blogs where status = 'published' and slug like '%-again'")
    assert published.fetchall() == [("second-again",)]
    assert cli("workers", "publish-due", "--json").json() == {"published": 1, "failed_accounts": 0}  # the retry


def test_ensure_partitions_creates_next_months_and_is_idempotent(cli, superuser):
    def partitions() -> int:
        return superuser.execute(
            "select count(*) from pg_inherits where inhparent = 'public.user_notifications'::regclass"
        ).fetchone()[0]

    ran = cli("workers", "ensure-partitions", "--months", "14", "--json")
    assert ran.exit_code == 0, ran.stderr
    created = ran.json()["created"]
    assert created > 0
    before = partitions()
    assert cli("workers", "ensure-partitions", "--months", "14", "--json").json() == {"created": 0}
    assert partitions() == before
    assert cli("workers", "ensure-partitions", "--months", "0").exit_code == 2


def test_the_workers_schedule_every_periodic_job(db):
    from blogster_cli.workers.app import build_app

    app = build_app(AppContext(database_url=db.conninfo), pool_size=1)
    scheduled = {task.task.name: task.cron for task in app.periodic_registry.periodic_tasks.values()}
    assert set(scheduled) == {
        "notification_cleanup",
        "publish_due",
        "ensure_partitions",
        "end_idle_chats",
        "reopen_logins",
        "refresh_analytics",
        "refresh_freshness",
        "refill_credits",
        "post_social",
        "send_newsletters",
    }
    assert scheduled["publish_due"] == scheduled["post_social"] == scheduled["send_newsletters"] == "* * * * *"
    assert scheduled["refill_credits"] == "23 0 * * *"
    assert scheduled["reopen_logins"] == "* * * * *"  # a ban's end opens its login within a minute


def test_refill_credits_tops_plans_up_once_a_month(cli, db, make_user, superuser):
    spent, pro, rich, lapsed = make_user(), make_user(), make_user(), make_user()

    def plan(user, tier, credits, active=True):
        superuser.execute(
            "update user_subscriptions set subscription_tier = %s, credits_remaining = %s, is_active = %s"
            " where user_id = %s",
            (tier, credits, active, user.user_id),
        )

    def credits(user) -> int:
        return superuser.execute(
            "select credits_remaining from user_subscriptions where user_id = %s", (user.user_id,)
        ).fetchone()[0]

    plan(spent, "free", 0)
    plan(pro, "pro", 40)
    plan(rich, "team", 600)
    plan(lapsed, "free", 0, active=False)
    first = cli("workers", "refill-credits", "--json")
    assert first.exit_code == 0, first.stderr
    assert first.json() == {"refilled": True, "topped_up": 2, "failed_accounts": 0}
    assert [credits(u) for u in (spent, pro, rich, lapsed)] == [3, 100, 600, 0]

    plan(spent, "free", 1)  # spent two: the month's refill does not come again
    again = cli("workers", "refill-credits", "--json").json()
    assert again == {"refilled": False, "topped_up": 0, "failed_accounts": 0}
    assert credits(spent) == 1

    from blogster_cli.services import scheduled_jobs

    next_month = (datetime.now(UTC).date().replace(day=1) + timedelta(days=32)).replace(day=1)
    assert scheduled_jobs.refill_credits(db, today=next_month + timedelta(days=3)).topped_up == 1
    assert credits(spent) == 3
    ledger = superuser.execute("select count(*), count(distinct period) from internal.credit_refills").fetchone()
    assert ledger[1] == 1  # one row per account, each at the latest month refilled


def test_two_refills_at_once_refill_once(db, make_user, superuser):
    import threading

    from blogster_cli.services import scheduled_jobs

    for _ in range(3):
        make_user()
    superuser.execute("update user_subscriptions set credits_remaining = 0")
    barrier = threading.Barrier(2)
    results = []

    def run() -> None:
        barrier.wait()
        results.append(scheduled_jobs.refill_credits(Database(db.conninfo)))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(result.refilled for result in results) == [0, 3] or sum(r.refilled for r in results) == 3
    assert {credits for (credits,) in superuser.execute("select credits_remaining from user_subscriptions")} == {3}


def test_end_idle_chats_abandons_conversations_without_recent_messages(cli, make_user, superuser):
    user = make_user()

    def conversation(started_minutes_ago: int, status: str = "active") -> str:
        return superuser.execute(
            "insert into chatbot_conversations (user_id, started_at, status)"
            " values (%s, now() - make_interval(mins => %s), %s) returning id",
            (user.user_id, started_minutes_ago, status),
        ).fetchone()[0]

    def message(conversation_id: str, minutes_ago: int) -> None:
        superuser.execute(
            "insert into chatbot_messages (conversation_id, role, content, created_at)"
            " values (%s, 'user', 'hello', now() - make_interval(mins => %s))",
            (conversation_id, minutes_ago),
        )

    went_quiet, still_talking, just_opened, never_used, finished = (
        conversation(120),
        conversation(120),
        conversation(5),
        conversation(120),
        conversation(300, "completed"),
    )
    message(went_quiet, 60)
    message(still_talking, 90)
    message(still_talking, 5)

    ran = cli("workers", "end-idle-chats", "--json")
    assert ran.exit_code == 0, ran.stderr
    assert ran.json() == {"abandoned": 2}
    rows = {
        cid: (status, ended)
        for cid, status, ended in superuser.execute(
            "select c.id, c.status::text, c.ended_at = coalesce("
            " (select max(m.created_at) from chatbot_messages m where m.conversation_id = c.id), c.started_at)"
            " from chatbot_conversations c"
        )
    }
    assert rows[went_quiet] == ("abandoned", True) and rows[never_used] == ("abandoned", True)
    assert rows[still_talking][0] == rows[just_opened][0] == "active"
    assert rows[finished][0] == "completed"
    assert cli("workers", "end-idle-chats", "--json").json() == {"abandoned": 0}
    assert cli("workers", "end-idle-chats", "--idle-minutes", "0").exit_code == 2


def test_maintenance_jobs_skip_the_rows_an_account_holds_locked(cli, db, make_user, superuser):
    """An account may lock its own idle chat or expired notification for as long as it likes (its
    login runs SELECT ... FOR UPDATE and keeps the transaction open): the job ends or removes
    everyone else's, and the held row on the next run, instead of failing for every account."""
    holder, other = make_user(), make_user()
    chats = {}
    for actor in (holder, other):
        chats[actor.user_id] = superuser.execute(
            "insert into chatbot_conversations (user_id, started_at) values (%s, now() - interval '2 hours')"
            " returning id",
            (actor.user_id,),
        ).fetchone()[0]
        superuser.execute(
            "insert into user_notifications (user_id, type, title, expires_at)"
            " values (%s, 'maintenance', 'old', now() - interval '8 days')",
            (actor.user_id,),
        )
    with db.connect() as conn, acting_transaction(conn, holder.role_name):
        conn.execute("select id from chatbot_conversations for update")
        conn.execute("select id from user_notifications for update")
        assert cli("workers", "end-idle-chats", "--json").json() == {"abandoned": 1}
        assert cli("workers", "clean-notifications", "--json").json() == {"removed": 1}
    status = dict(superuser.execute("select user_id, status::text from chatbot_conversations"))
    assert status == {holder.user_id: "active", other.user_id: "abandoned"}
    assert cli("workers", "end-idle-chats", "--json").json() == {"abandoned": 1}
    assert cli("workers", "clean-notifications", "--json").json() == {"removed": 1}


def test_refresh_analytics_rolls_up_yesterday_and_today(cli, make_user, superuser):
    user = make_user()
    superuser.execute("insert into chatbot_conversations (user_id) values (%s)", (user.user_id,))
    ran = cli("workers", "refresh-analytics", "--json")
    assert ran.exit_code == 0, ran.stderr
    assert ran.json() == {"days": 2}
    totals = dict(
        superuser.execute("select date - (now() at time zone 'UTC')::date, total_conversations from chatbot_analytics")
    )
    assert totals == {-1: 0, 0: 1}


def test_refresh_freshness_scores_every_authors_published_posts_as_the_author(cli, db, make_user, superuser):
    ada, bob, carol = make_user(), make_user(), make_user()
    for actor, title, status in (
        (ada, "Ada live", "published"),
        (bob, "Bob live", "published"),
        (bob, "Bob old", "published"),
        (bob, "Bob draft", "draft"),
        (carol, "Carol draft", "draft"),
    ):
        blogs.create(ActingUser(db, actor), new=blogs.NewBlog(title=title, markdown="Body text.", status=status))
    superuser.execute("set session_replication_role = replica")  # keep updated_at as written: no triggers
    superuser.execute(
        "update blogs set published_at = now() - interval '400 days', updated_at = now() - interval '400 days'"
        " where slug = 'bob-old'"
    )
    superuser.execute("reset session_replication_role")
    superuser.execute("update blogs set deleted_at = now() where slug = 'ada-live'")

    ran = cli("workers", "refresh-freshness", "--json")
    assert ran.exit_code == 0, ran.stderr
    assert ran.json() == {"scored": 2, "failed_accounts": 0}
    scored = dict(
        superuser.execute(
            "select b.slug, f.freshness_score from content_freshness f join blogs b on b.id = f.blog_id"
        ).fetchall()
    )
    assert set(scored) == {"bob-live", "bob-old"} and scored["bob-old"] < scored["bob-live"]
    # Run again (the next day's job): each post keeps one row, rescored.
    assert cli("workers", "refresh-freshness", "--json").json() == {"scored": 2, "failed_accounts": 0}
    assert superuser.execute("select count(*) from content_freshness").fetchone() == (2,)
    # RLS: another account sees none of them.
    with db.connect() as conn, acting_transaction(conn, carol.role_name):
        assert conn.execute("select count(*) from content_freshness").fetchone() == (0,)
