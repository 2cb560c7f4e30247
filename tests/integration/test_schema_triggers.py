"""The schema's triggers, from the outside: metrics, revisions, credits, audit, outbox, search, chatbot."""

from __future__ import annotations

import json
import threading
import uuid
from contextlib import contextmanager

import psycopg
import pytest
from psycopg.types.json import Jsonb

from blogster_cli.db.acting import acting_transaction


def content(markdown: str | None) -> Jsonb:
    return Jsonb({"version": 1, "markdown": markdown, "sections": [], "front_matter": None, "source": None})


@contextmanager
def acting(db, role_name: str):
    with db.connect() as conn, acting_transaction(conn, role_name):
        yield conn


def create_blog(db, actor, markdown: str = "hello world", **extra) -> uuid.UUID:
    slug = extra.pop("slug", f"post-{uuid.uuid4().hex[:8]}")
    with acting(db, actor.role_name) as conn:
        return conn.execute(
            "insert into blogs (title, slug, content, status) values (%s, %s, %s, %s) returning id",
            (extra.get("title", "A post"), slug, content(markdown), extra.get("status", "draft")),
        ).fetchone()[0]


# -- update_blog_metrics ------------------------------------------------------------------

FENCED = "Intro words here\n\n```python\nprint('not counted at all')\n```\n\nafter fence\n~~~\nalso skipped\n~~~\nend"
FRONT_MATTER = "---\ntitle: Not counted\ntags: [a, b, c]\n---\nBody has four words"
METRIC_CASES = [
    ("", 0),
    ("   \n\t  ", 0),
    ("😀 🎉 🚀", 0),
    ("# Title\n\nHello, world! It's 2024.", 5),
    (FENCED, 6),
    (FRONT_MATTER, 4),
    ("---\nnot front matter because it never closes\n", 7),
    ("日本語のテキスト", 8),
    ("한국어 and English", 5),
    ("```\nunclosed fence swallows the rest", 0),
    ("Ünïcödé wörds ça va", 4),
    ("word " * 401, 401),
    ("a <!-- a note\nacross lines --> b <!-- another --> c", 3),
    ("<!-- unclosed comment", 2),
    ("```\n<!--\n```\nprose words -->", 2),
    ("`<!-- x -->` y", 1),
]


def test_word_count_and_reading_time_follow_the_metrics_rule(db, make_user, superuser):
    alice = make_user()
    for markdown, words in METRIC_CASES:
        blog = create_blog(db, alice, markdown)
        got = superuser.execute("select word_count, reading_time from blogs where id = %s", (blog,)).fetchone()
        assert got == (words, -(-words // 200)), markdown
    with acting(db, alice.role_name) as conn:
        blog = conn.execute(
            "insert into blogs (title, slug, content) values ('No body', 'no-body', null) returning id"
        ).fetchone()[0]
    assert superuser.execute("select word_count, reading_time from blogs where id = %s", (blog,)).fetchone() == (0, 0)


def test_metrics_are_recomputed_only_when_content_changes(db, make_user, superuser):
    alice = make_user()
    blog = create_blog(db, alice, "one two three")
    superuser.execute("update blogs set word_count = 999, reading_time = 99 where id = %s", (blog,))
    with acting(db, alice.role_name) as conn:
        conn.execute("update blogs set title = 'Renamed' where id = %s", (blog,))
        conn.execute("update blogs set content = %s where id = %s", (content("one two three"), blog))
    assert superuser.execute("select word_count from blogs where id = %s", (blog,)).fetchone()[0] == 999
    with acting(db, alice.role_name) as conn:
        conn.execute("update blogs set content = %s where id = %s", (content("one two three four"), blog))
    assert superuser.execute("select word_count, reading_time from blogs where id = %s", (blog,)).fetchone() == (4, 1)


def test_users_cannot_write_metrics_directly(db, make_user):
    alice = make_user()
    blog = create_blog(db, alice)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with acting(db, alice.role_name) as conn:
            conn.execute("update blogs set word_count = 5 where id = %s", (blog,))


def test_updated_at_is_maintained(db, make_user, superuser):
    alice = make_user()
    blog = create_blog(db, alice)
    superuser.execute("update blogs set updated_at = now() - interval '1 day' where id = %s", (blog,))
    with acting(db, alice.role_name) as conn:
        conn.execute("update blogs set title = 'New title' where id = %s", (blog,))
    age = superuser.execute("select now() - updated_at from blogs where id = %s", (blog,)).fetchone()[0]
    assert age.total_seconds() < 60


# -- create_blog_revision -------------------------------------------------------------------


def revisions(superuser, blog):
    return superuser.execute(
        "select revision_number, content->>'markdown', created_by from blog_revisions"
        " where blog_id = %s order by revision_number",
        (blog,),
    ).fetchall()


def test_revisions_start_at_creation_and_follow_real_changes_only(db, make_user, superuser):
    alice = make_user()
    blog = create_blog(db, alice, "first")
    assert revisions(superuser, blog) == [(1, "first", alice.user_id)]
    with acting(db, alice.role_name) as conn:
        conn.execute("update blogs set content = %s where id = %s", (content("first"), blog))  # no-op
        conn.execute("update blogs set title = 'Only the title' where id = %s", (blog,))
    assert len(revisions(superuser, blog)) == 1
    with acting(db, alice.role_name) as conn:
        conn.execute("update blogs set content = %s where id = %s", (content("second"), blog))
    # Restoring revision 1 is an ordinary content update: it appends revision 3.
    with acting(db, alice.role_name) as conn:
        conn.execute(
            "update blogs set content = (select r.content from blog_revisions r"
            " where r.blog_id = blogs.id and r.revision_number = 1) where id = %s",
            (blog,),
        )
    assert revisions(superuser, blog) == [
        (1, "first", alice.user_id),
        (2, "second", alice.user_id),
        (3, "first", alice.user_id),
    ]


def test_revisions_are_written_only_by_the_trigger_and_read_only_by_the_author(db, make_user):
    alice, bob = make_user(), make_user()
    blog = create_blog(db, alice)
    for actor in (alice, bob):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with acting(db, actor.role_name) as conn:
                conn.execute(
                    "insert into blog_revisions (blog_id, content, revision_number) values (%s, %s, 7)",
                    (blog, content("forged")),
                )
    with acting(db, alice.role_name) as conn:
        assert conn.execute("select count(*) from blog_revisions where blog_id = %s", (blog,)).fetchone()[0] == 1
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("update blog_revisions set revision_number = 5")
    with acting(db, bob.role_name) as conn:
        assert conn.execute("select count(*) from blog_revisions where blog_id = %s", (blog,)).fetchone()[0] == 0


def test_twenty_concurrent_content_updates_give_gap_free_revisions(db, make_user, superuser):
    alice = make_user()
    blog = create_blog(db, alice, "version 0")
    start = threading.Barrier(20)
    errors: list[BaseException] = []

    def edit(n: int) -> None:
        try:
            with db.connect() as conn:
                start.wait()
                with acting_transaction(conn, alice.role_name):
                    conn.execute("update blogs set content = %s where id = %s", (content(f"version {n}"), blog))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(1, 21)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = [row[0] for row in revisions(superuser, blog)]
    assert numbers == list(range(1, 22))
    bodies = {row[1] for row in revisions(superuser, blog)[1:]}
    assert bodies == {f"version {n}" for n in range(1, 21)}
    last = superuser.execute(
        "select content->>'markdown' from blog_revisions where blog_id = %s and revision_number = 21", (blog,)
    ).fetchone()[0]
    assert superuser.execute("select content->>'markdown' from blogs where id = %s", (blog,)).fetchone()[0] == last


# -- use_generation_credit ------------------------------------------------------------------


def credits(superuser, actor):
    return superuser.execute(
        "select credits_remaining, credits_used from user_subscriptions where user_id = %s and is_active",
        (actor.user_id,),
    ).fetchone()


def log_generation(conn, *, success=True, request_id=None):
    conn.execute(
        "insert into ai_generation_logs (request_id, tokens_used, prompt, model, success) values (%s, 120, 'p', 'm', %s)",
        (request_id or uuid.uuid4(), success),
    )


def test_ten_concurrent_successes_with_three_credits_charge_exactly_three(db, make_user, superuser):
    alice = make_user()
    start = threading.Barrier(10)
    outcomes: list[str] = []

    def generate() -> None:
        try:
            with db.connect() as conn:
                start.wait()
                with acting_transaction(conn, alice.role_name):
                    log_generation(conn)
            outcomes.append("charged")
        except psycopg.Error as exc:
            outcomes.append(f"{exc.sqlstate}:{exc.diag.message_primary}")

    threads = [threading.Thread(target=generate) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["P0001:no AI credits left"] * 7 + ["charged"] * 3
    assert credits(superuser, alice) == (0, 3)
    assert superuser.execute("select count(*) from ai_generation_logs where success").fetchone()[0] == 3


def test_a_replayed_request_is_charged_once_and_failures_are_free(db, make_user, superuser):
    alice = make_user()
    request = uuid.uuid4()
    with acting(db, alice.role_name) as conn:
        log_generation(conn, request_id=request)
        log_generation(conn, success=False)
    assert credits(superuser, alice) == (2, 1)
    with pytest.raises(psycopg.errors.UniqueViolation):
        with acting(db, alice.role_name) as conn:
            log_generation(conn, request_id=request)
    with acting(db, alice.role_name) as conn:
        conn.execute(
            "insert into ai_generation_logs (request_id, success) values (%s, true) on conflict (request_id) do nothing",
            (request,),
        )
    assert credits(superuser, alice) == (2, 1)
    assert (
        superuser.execute("select count(*) from ai_generation_logs where request_id = %s", (request,)).fetchone()[0]
        == 1
    )


def test_no_credit_no_log_and_users_cannot_touch_their_balance(db, make_user, superuser):
    alice = make_user()
    superuser.execute("update user_subscriptions set credits_remaining = 0 where user_id = %s", (alice.user_id,))
    with pytest.raises(psycopg.errors.RaiseException, match="no AI credits left"):
        with acting(db, alice.role_name) as conn:
            log_generation(conn)
    assert superuser.execute("select count(*) from ai_generation_logs").fetchone()[0] == 0
    for statement in (
        "update user_subscriptions set credits_remaining = 1000",
        "update user_subscriptions set subscription_tier = 'team'",
        "insert into user_subscriptions (user_id, credits_remaining) values (auth.uid(), 1000)",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with acting(db, alice.role_name) as conn:
                conn.execute(statement)
    assert credits(superuser, alice) == (0, 0)


def test_generation_logs_cannot_charge_or_name_someone_else(db, make_user, superuser):
    alice, bob = make_user(), make_user()
    bobs_blog = create_blog(db, bob)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with acting(db, alice.role_name) as conn:
            conn.execute("insert into ai_generation_logs (user_id, success) values (%s, true)", (bob.user_id,))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with acting(db, alice.role_name) as conn:
            conn.execute("insert into ai_generation_logs (blog_id, success) values (%s, false)", (bobs_blog,))
    assert credits(superuser, bob) == (3, 0)


# -- blog tags --------------------------------------------------------------------------------


def test_tags_are_normalised_unique_and_append_only_for_users(db, make_user, superuser):
    alice, admin = make_user(), make_user(admin=True)
    with acting(db, alice.role_name) as conn:
        conn.execute("insert into blog_tags (name) values ('  Python \t  Tips ')")
    # Not on a visible post yet, so not readable by Alice (0013): check as the superuser.
    tag = superuser.execute("select id, name from blog_tags where lower(name) = 'python tips'").fetchone()
    assert tag[1] == "Python Tips"
    with pytest.raises(psycopg.errors.UniqueViolation):
        with acting(db, alice.role_name) as conn:
            conn.execute("insert into blog_tags (name) values ('python tips')")
    with acting(db, alice.role_name) as conn:
        # Adding an existing name is a no-op through tag_ids, which returns the existing id.
        assert conn.execute("select id from public.tag_ids(array['PYTHON TIPS'])").fetchone()[0] == tag[0]
    for statement in ("update blog_tags set name = 'x'", "delete from blog_tags"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with acting(db, alice.role_name) as conn:
                conn.execute(statement)
    with acting(db, admin.role_name) as conn:
        assert conn.execute("update blog_tags set name = 'Python' where id = %s", (tag[0],)).rowcount == 1
    assert superuser.execute("select name from blog_tags").fetchall() == [("Python",)]


# -- log_feature_flag_changes -----------------------------------------------------------------


def test_feature_flag_changes_are_audited_with_the_actor(db, make_user, superuser):
    admin, alice = make_user(admin=True), make_user()
    with acting(db, admin.role_name) as conn:
        flag = conn.execute(
            "insert into feature_flags (name, enabled) values ('new-editor', false) returning id"
        ).fetchone()[0]
        conn.execute("update feature_flags set enabled = true where id = %s", (flag,))
        conn.execute("update feature_flags set enabled = true where id = %s", (flag,))  # no change, no row
    with acting(db, admin.role_name) as conn:
        conn.execute("select public.delete_rows('public.feature_flags', array[%s]::uuid[])", (flag,))
    rows = superuser.execute(
        "select action::text, flag_id, previous_state->>'enabled', new_state->>'enabled', changed_by,"
        " coalesce(new_state->>'id', previous_state->>'id') from feature_flag_logs order by created_at, action"
    ).fetchall()
    assert [(r[0], r[2], r[3], r[4], r[5]) for r in rows] == [
        ("created", None, "false", admin.user_id, str(flag)),
        ("updated", "false", "true", admin.user_id, str(flag)),
        ("deleted", "true", None, admin.user_id, str(flag)),
    ]
    assert all(r[1] is None for r in rows)  # the flag is gone: ON DELETE SET NULL, the trail stays
    for statement in (
        "select count(*) from feature_flag_logs",
        "insert into feature_flag_logs (action) values ('created')",
        "insert into feature_flags (name) values ('sneaky')",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with acting(db, alice.role_name) as conn:
                conn.execute(statement)
    for statement in ("update feature_flag_logs set changed_by = null", "delete from feature_flag_logs"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with acting(db, admin.role_name) as conn:
                conn.execute(statement)
    assert superuser.execute("select count(*) from feature_flag_logs").fetchone()[0] == 3


def test_worker_flag_changes_are_audited_with_no_actor(db, superuser):
    with db.connect() as conn, acting_transaction(conn, "service_role"):
        conn.execute("insert into feature_flags (name) values ('from-worker')")
    assert superuser.execute("select action::text, changed_by from feature_flag_logs").fetchall() == [("created", None)]


# -- handle_maintenance_notification --------------------------------------------------------


EMAIL_JOBS = (
    "select (r->>'user_id')::uuid, j.args->>'title', j.scheduled_at"
    " from procrastinate.procrastinate_jobs j, jsonb_array_elements(j.args->'recipients') r"
    " where j.queue_name = 'notifications' and j.task_name = 'notification_email'"
)


def test_maintenance_fans_out_to_email_jobs_respecting_preferences(db, make_user, superuser):
    admin = make_user(admin=True)
    everything, opted_out, email_only, in_app_only = make_user(), make_user(), make_user(), make_user()
    superuser.execute(
        "update user_notification_preferences set maintenance_notifications = false where user_id = %s",
        (opted_out.user_id,),
    )
    superuser.execute(
        "update user_notification_preferences set in_app_notifications = false where user_id = %s",
        (email_only.user_id,),
    )
    superuser.execute(
        "update user_notification_preferences set email_notifications = false where user_id = %s",
        (in_app_only.user_id,),
    )
    with db.connect() as listener:
        listener.execute('listen "procrastinate_queue_v1#notifications"')
        with acting(db, admin.role_name) as conn:
            schedule = conn.execute(
                "insert into maintenance_schedules (title, start_time, end_time, severity, affected_services)"
                " values ('Database upgrade', now() + interval '1 day', now() + interval '1 day 2 hours', 'high',"
                " '{publishing}') returning id"
            ).fetchone()[0]
        notices = list(listener.notifies(timeout=2))
    # One wake-up per change, naming no job: any role may LISTEN on the channel (0033).
    assert [json.loads(notice.payload) for notice in notices] == [{"type": "job_inserted", "job_id": None}]
    assert schedule

    jobs = {user_id: title for user_id, title, _ in superuser.execute(EMAIL_JOBS)}
    assert jobs == {
        admin.user_id: "Scheduled maintenance: Database upgrade",
        everything.user_id: "Scheduled maintenance: Database upgrade",
        email_only.user_id: "Scheduled maintenance: Database upgrade",
    }
    in_app = dict(
        superuser.execute("select user_id, priority::text from user_notifications where type = 'maintenance'")
    )
    assert in_app == {admin.user_id: "high", everything.user_id: "high", in_app_only.user_id: "high"}
    with acting(db, everything.role_name) as conn:
        assert conn.execute("select count(*) from user_notifications").fetchone()[0] == 1
        assert conn.execute("update user_notifications set read = true, read_at = now()").rowcount == 1
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select count(*) from procrastinate.procrastinate_jobs")

    # Bookkeeping changes nothing users see; a real change fans out again, once.
    with db.connect() as conn, acting_transaction(conn, "service_role"):
        conn.execute("update maintenance_schedules set notification_sent = true where id = %s", (schedule,))
    assert len(superuser.execute(EMAIL_JOBS).fetchall()) == 3
    with acting(db, admin.role_name) as conn:
        conn.execute("update maintenance_schedules set status = 'cancelled' where id = %s", (schedule,))
    titles = [title for _, title, _ in superuser.execute(EMAIL_JOBS)]
    assert titles.count("Maintenance cancelled: Database upgrade") == 3


def test_user_roles_cannot_forge_jobs(db, make_user):
    alice = make_user(admin=True)
    for role in (alice.role_name, "authenticated", "blogster_admin"):
        with acting(db, role) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "insert into procrastinate.procrastinate_jobs (queue_name, task_name, args)"
                " values ('notifications', 'notification_email', '{}')"
            )


def test_email_jobs_wait_for_the_end_of_quiet_hours_in_the_users_time_zone(db, make_user, superuser):
    admin = make_user(admin=True)
    sleeper = make_user()
    now_in_tokyo = superuser.execute("select (now() at time zone 'Asia/Tokyo')::time").fetchone()[0]
    superuser.execute(
        "update user_notification_preferences set timezone = 'Asia/Tokyo',"
        " quiet_hours_start = (%s::time - interval '1 hour'), quiet_hours_end = (%s::time + interval '2 hours')"
        " where user_id = %s",
        (now_in_tokyo, now_in_tokyo, sleeper.user_id),
    )
    with acting(db, admin.role_name) as conn:
        conn.execute(
            "insert into maintenance_schedules (title, start_time, end_time)"
            " values ('Upgrade', now() + interval '1 day', now() + interval '2 days')"
        )
    send_at = {user_id: at for user_id, _, at in superuser.execute(EMAIL_JOBS)}
    assert send_at[admin.user_id] is None
    wait = superuser.execute("select %s::timestamptz - now()", (send_at[sleeper.user_id],)).fetchone()[0]
    assert 7000 < wait.total_seconds() <= 7200


def test_maintenance_email_jobs_carry_up_to_a_hundred_recipients_each(db, make_user, superuser):
    admin = make_user(admin=True)
    superuser.execute(
        "insert into auth.users (email) select 'batch-' || g || '@example.com' from generate_series(1, 204) g"
    )
    with acting(db, admin.role_name) as conn:
        conn.execute(
            "insert into maintenance_schedules (title, start_time, end_time)"
            " values ('Upgrade', now() + interval '1 day', now() + interval '2 days')"
        )
    sizes = sorted(
        n
        for (n,) in superuser.execute(
            "select jsonb_array_length(args->'recipients') from procrastinate.procrastinate_jobs"
            " where task_name = 'notification_email'"
        )
    )
    assert sizes == [5, 100, 100]
    recipients = superuser.execute(EMAIL_JOBS).fetchall()
    assert len({user_id for user_id, _, _ in recipients}) == 205
    ids = superuser.execute(
        "select count(distinct r->>'notification_id') from procrastinate.procrastinate_jobs j,"
        " jsonb_array_elements(j.args->'recipients') r"
    ).fetchone()[0]
    in_app = superuser.execute("select count(distinct id) from user_notifications").fetchone()[0]
    assert ids == in_app == 205


def test_only_admins_write_maintenance_schedules(db, make_user):
    alice = make_user()
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with acting(db, alice.role_name) as conn:
            conn.execute(
                "insert into maintenance_schedules (title, start_time, end_time) values ('x', now(), now() + interval '1 hour')"
            )


# -- documentation ----------------------------------------------------------------------------


def test_documentation_search_vector_weights_config_and_huge_bodies(db, make_user, superuser):
    admin = make_user(admin=True)
    with acting(db, admin.role_name) as conn:
        page = conn.execute(
            "insert into documentation_pages (title, slug, content, excerpt, tags, status)"
            " values ('Publishing', 'publishing', %s, 'Scheduling posts', '{calendars}', 'published') returning id",
            (content("Running the exporter"),),
        ).fetchone()[0]
        simple = conn.execute(
            "insert into documentation_pages (title, slug, content, search_config) values"
            " ('Running', 'running-simple', %s, 'simple') returning id",
            (content("Running"),),
        ).fetchone()[0]
    vector = superuser.execute("select search_vector::text from documentation_pages where id = %s", (page,)).fetchone()[
        0
    ]
    assert "'publish':1A" in vector
    assert "'schedul':2B" in vector and "'post':3B" in vector and "'calendar':4B" in vector
    assert "'run':5C" in vector and "'export':7C" in vector
    assert (
        "'running':1A"
        in superuser.execute("select search_vector::text from documentation_pages where id = %s", (simple,)).fetchone()[
            0
        ]
    )
    hit = superuser.execute(
        "select id from documentation_pages where search_vector @@ websearch_to_tsquery('english', 'scheduling')"
    ).fetchall()
    assert hit == [(page,)]

    # Three million characters of distinct words: far beyond the 1 MB tsvector limit.
    huge = " ".join(f"w{n:x}z" for n in range(450_000))
    with acting(db, admin.role_name) as conn:
        conn.execute("update documentation_pages set content = %s where id = %s", (content(huge), page))
    size, has_title = superuser.execute(
        "select pg_column_size(search_vector), search_vector @@ to_tsquery('english', 'publishing')"
        " from documentation_pages where id = %s",
        (page,),
    ).fetchone()
    assert 0 < size < 1_048_576 and has_title


def test_documentation_revisions_and_visibility(db, make_user, superuser):
    admin, alice = make_user(admin=True), make_user()
    with acting(db, admin.role_name) as conn:
        hidden = conn.execute(
            "insert into documentation_categories (name, slug, is_visible) values ('Internal', 'internal', false) returning id"
        ).fetchone()[0]
        page = conn.execute(
            "insert into documentation_pages (title, slug, content, status, version) values"
            " ('Intro', 'intro', %s, 'published', '1') returning id",
            (content("v1"),),
        ).fetchone()[0]
        conn.execute(
            "insert into documentation_pages (title, slug, status, category_id) values ('Secret', 'secret', 'published', %s)",
            (hidden,),
        )
        conn.execute("insert into documentation_pages (title, slug) values ('Draft', 'draft')")
        conn.execute("update documentation_pages set content = %s, version = '2' where id = %s", (content("v2"), page))
        conn.execute("update documentation_pages set status = 'published' where id = %s", (page,))  # no revision
        assert (
            conn.execute("select count(*) from documentation_revisions where page_id = %s", (page,)).fetchone()[0] == 2
        )
    assert superuser.execute(
        "select array_agg(version order by created_at), bool_and(created_by = %s) from documentation_revisions"
        " where page_id = %s",
        (admin.user_id, page),
    ).fetchone() == (["1", "2"], True)
    with acting(db, alice.role_name) as conn:
        assert conn.execute("select slug from documentation_pages").fetchall() == [("intro",)]
        assert conn.execute("select count(*) from documentation_categories").fetchone()[0] == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select count(*) from documentation_revisions")


# -- update_chatbot_analytics -----------------------------------------------------------------


def test_chatbot_messages_are_counted_and_rolled_up(db, make_user, superuser):
    admin, alice = make_user(admin=True), make_user()
    intent = superuser.execute("insert into chatbot_intents (name) values ('billing') returning id").fetchone()[0]
    with acting(db, alice.role_name) as conn:
        conversation = conn.execute("insert into chatbot_conversations default values returning id").fetchone()[0]
        conn.execute(
            "insert into chatbot_messages (conversation_id, role, content) values (%s, 'user', 'How do I pay?')",
            (conversation,),
        )
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with acting(db, alice.role_name) as conn:
            conn.execute(
                "insert into chatbot_messages (conversation_id, role, content) values (%s, 'assistant', 'forged')",
                (conversation,),
            )
    with db.connect() as conn, acting_transaction(conn, "service_role"):
        conn.execute(
            "insert into chatbot_messages (conversation_id, role, content, intent_detected, confidence_score, tokens_used)"
            " values (%s, 'assistant', 'Open billing.', %s, 0.9, 40)",
            (conversation, intent),
        )
    with acting(db, admin.role_name) as conn:
        row = conn.execute(
            "select total_conversations, top_intents, error_rates from refresh_chatbot_analytics((now() at time zone 'UTC')::date)"
        ).fetchone()
        assert conn.execute("select count(*) from chatbot_analytics").fetchone()[0] == 1
    assert row[0] == 1
    assert row[1] == [{"intent_id": str(intent), "name": "billing", "count": 1}]
    assert row[2]["messages"] == 2 and row[2]["user_messages"] == 1 and row[2]["tokens_used"] == 40
    with acting(db, alice.role_name) as conn:
        assert conn.execute("select count(*) from chatbot_messages").fetchone()[0] == 2
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select * from chatbot_analytics")


# -- set_author_from_blog (metrics rows carry their blog's author) ------------------------


def test_metrics_rows_take_their_blogs_author_whatever_the_insert_says(db, make_user, superuser):
    alice, bob = make_user(), make_user()
    blog = create_blog(db, alice)
    analytics = superuser.execute(
        "insert into blog_analytics (blog_id, author_id, date, views) values (%s, %s, current_date, 5) returning id",
        (blog, bob.user_id),
    ).fetchone()[0]
    with acting(db, alice.role_name) as conn:
        republished = conn.execute(
            "insert into platform_republishing (blog_id, platform) values (%s, 'medium') returning id", (blog,)
        ).fetchone()[0]
        # Alice owns the row but cannot hand it to Bob: the author follows the blog.
        conn.execute("update platform_republishing set author_id = %s where id = %s", (bob.user_id, republished))
    rows = superuser.execute(
        "select author_id from blog_analytics where id = %s union all select author_id from platform_republishing"
        " where id = %s",
        (analytics, republished),
    ).fetchall()
    assert rows == [(alice.user_id,), (alice.user_id,)]


def test_metrics_rows_follow_a_change_of_blog_owner(db, make_user, superuser):
    alice, bob = make_user(), make_user()
    blog = create_blog(db, alice)
    superuser.execute("insert into blog_analytics (blog_id, date, views) values (%s, current_date, 7)", (blog,))
    superuser.execute("update blogs set author_id = %s where id = %s", (bob.user_id, blog))
    assert superuser.execute("select author_id from blog_analytics where blog_id = %s", (blog,)).fetchone() == (
        bob.user_id,
    )
    with acting(db, bob.role_name) as conn:
        assert conn.execute("select sum(views) from blog_analytics").fetchone() == (7,)
    with acting(db, alice.role_name) as conn:
        assert conn.execute("select count(*) from blog_analytics").fetchone() == (0,)


def test_a_metrics_row_cannot_pair_a_blog_with_another_author(superuser, make_user, db):
    """Without the filling trigger (a bulk load), the composite foreign key still refuses the pair."""
    alice, bob = make_user(), make_user()
    blog = create_blog(db, alice)
    with pytest.raises(psycopg.errors.ForeignKeyViolation), superuser.transaction():
        superuser.execute("alter table blog_analytics disable trigger set_blog_analytics_author")
        superuser.execute(
            "insert into blog_analytics (blog_id, author_id, date) values (%s, %s, current_date)", (blog, bob.user_id)
        )


def test_revisions_carry_their_posts_author_through_an_ownership_change(db, make_user, superuser):
    """0025: the revision policy compares blog_revisions.author_id, which a trigger fills from the
    post and the composite foreign key keeps equal to it (ON UPDATE CASCADE)."""
    alice, bob = make_user(), make_user()
    blog = create_blog(db, alice)
    with acting(db, alice.role_name) as conn:
        conn.execute("update blogs set content = %s where id = %s", (content("second draft"), blog))
    authors = superuser.execute("select distinct author_id from blog_revisions where blog_id = %s", (blog,)).fetchall()
    assert authors == [(alice.user_id,)]
    superuser.execute("update blogs set author_id = %s where id = %s", (bob.user_id, blog))
    authors = superuser.execute("select distinct author_id from blog_revisions where blog_id = %s", (blog,)).fetchall()
    assert authors == [(bob.user_id,)]
    for actor, visible in ((alice, 0), (bob, 2)):
        with acting(db, actor.role_name) as conn:
            assert (
                conn.execute("select count(*) from blog_revisions where blog_id = %s", (blog,)).fetchone()[0] == visible
            )
    superuser.execute(  # whoever inserts, whatever author it sends: the post's
        "insert into blog_revisions (blog_id, content, revision_number, author_id) values (%s, null, 9, %s)",
        (blog, alice.user_id),
    )
    superuser.execute("update blog_revisions set author_id = %s where blog_id = %s", (alice.user_id, blog))
    authors = superuser.execute("select distinct author_id from blog_revisions where blog_id = %s", (blog,)).fetchall()
    assert authors == [(bob.user_id,)]
